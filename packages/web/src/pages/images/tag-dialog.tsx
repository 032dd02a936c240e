/** Give an image another name: repository + tag, through `POST …/images/:name/tag?repo=&tag=`. */
import { type FormEvent, useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { Button, ErrorBox, TextField } from '../../ui/controls.tsx';
import { Modal, useFeedback } from '../../ui/feedback.tsx';
import { type ImageRef, imageLabel } from './image-ref.ts';

export function TagDialog({
  engine,
  image,
  onClose,
  onTagged,
}: {
  engine: string;
  image: ImageRef;
  onClose: () => void;
  onTagged: () => void;
}) {
  const { notify } = useFeedback();
  const [repo, setRepo] = useState('');
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const name = `${repo.trim()}:${tag.trim() || 'latest'}`;
    try {
      await api('POST', enginePath(engine, 'images', image.id, 'tag'), {
        query: { repo: repo.trim(), tag: tag.trim() || undefined },
      });
      notify(`Tagged ${imageLabel(image)} as ${name}`);
      onTagged();
      onClose();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <Modal title={`Tag ${imageLabel(image)}`} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <div className="form-grid top-aligned">
          <TextField
            label="Repository"
            required
            autoFocus
            placeholder="team/app or registry.example:5000/team/app"
            hint="Lowercase; a registry host first to push there"
            value={repo}
            onChange={(event) => setRepo(event.target.value)}
          />
          <TextField
            label="Tag"
            placeholder="latest"
            value={tag}
            onChange={(event) => setTag(event.target.value)}
          />
        </div>
        <ErrorBox error={error} title="Tag failed" />
        <div className="modal-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" tone="primary" busy={busy}>
            Tag
          </Button>
        </div>
      </form>
    </Modal>
  );
}
