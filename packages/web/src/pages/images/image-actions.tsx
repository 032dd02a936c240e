/**
 * Tag, push and remove, the same from the list and the detail page: the hook holds which dialog is
 * open and returns the element to render with the page.
 */
import { type ReactNode, useCallback, useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useFeedback } from '../../ui/feedback.tsx';
import { type ImageRef, imageLabel } from './image-ref.ts';
import { PushDialog } from './push-dialog.tsx';
import { TagDialog } from './tag-dialog.tsx';

export interface ImageActions {
  /** The open dialog, if any: render it with the page. */
  readonly dialogs: ReactNode;
  readonly tag: (image: ImageRef) => void;
  readonly push: (image: ImageRef) => void;
  /** Asks first (with a force option); resolves true when the image was removed. */
  readonly remove: (image: ImageRef) => Promise<boolean>;
}

export function useImageActions(engine: string | undefined, onChanged: () => void): ImageActions {
  const { confirm, notify, fail } = useFeedback();
  const [open, setOpen] = useState<{ kind: 'tag' | 'push'; image: ImageRef }>();
  const close = useCallback(() => setOpen(undefined), []);

  const remove = async (image: ImageRef) => {
    if (!engine) return false;
    // The confirmation's checkbox writes here; the dialog only answers yes or no.
    const choice = { force: false };
    const confirmed = await confirm({
      title: `Remove ${imageLabel(image)}?`,
      body: (
        <div className="form">
          <div>
            {image.tags.length > 1
              ? `Removes the image and its tags ${image.tags.join(', ')}.`
              : 'Removes the image and layers no other image uses.'}
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              onChange={(event) => {
                choice.force = event.target.checked;
              }}
            />
            Force: also when it has several tags or containers use it
          </label>
        </div>
      ),
      action: 'Remove',
      danger: true,
    });
    if (!confirmed) return false;
    try {
      await api('DELETE', enginePath(engine, 'images', image.id), {
        query: { force: choice.force || undefined },
      });
      notify(`Removed ${imageLabel(image)}`);
      onChanged();
      return true;
    } catch (error) {
      fail(error, `Remove ${imageLabel(image)} failed`);
      return false;
    }
  };

  const dialogs =
    engine && open?.kind === 'tag' ? (
      <TagDialog engine={engine} image={open.image} onClose={close} onTagged={onChanged} />
    ) : engine && open?.kind === 'push' ? (
      <PushDialog engine={engine} image={open.image} onClose={close} />
    ) : null;

  return {
    dialogs,
    tag: (image) => setOpen({ kind: 'tag', image }),
    push: (image) => setOpen({ kind: 'push', image }),
    remove,
  };
}
