/** Push one of an image's tags to its registry with optional credentials, with per-layer progress. */
import { type FormEvent, useState } from 'react';
import { enginePath } from '../../api/client.ts';
import { Button, ErrorBox, formatBytes, SelectField } from '../../ui/controls.tsx';
import { Modal } from '../../ui/feedback.tsx';
import { authOf, CredentialFields, NO_CREDENTIALS } from './credentials.tsx';
import type { ImageRef } from './image-ref.ts';
import { LayerProgressList, TransferActions, TransferOutcome, useTransfer } from './transfer.tsx';

/** The `done` line of a push. */
interface PushDone {
  readonly digest?: string;
  readonly size?: number;
}

export function PushDialog({
  engine,
  image,
  onClose,
}: {
  engine: string;
  image: ImageRef;
  onClose: () => void;
}) {
  const [reference, setReference] = useState(image.tags[0] ?? '');
  const [credentials, setCredentials] = useState(NO_CREDENTIALS);
  const [problem, setProblem] = useState<unknown>();
  const push = useTransfer<PushDone>();
  const running = push.phase === 'running';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    try {
      push.start(enginePath(engine, 'images', 'push'), {
        body: { image: reference, auth: authOf(credentials) },
      });
    } catch (error) {
      setProblem(error);
    }
  };

  return (
    <Modal title="Push an image" onClose={onClose}>
      {image.tags.length === 0 ? (
        <>
          <ErrorBox error="This image has no tag: tag it with the registry's name first (registry.example/team/app:1), then push that tag." />
          <div className="modal-actions">
            <Button onClick={onClose}>Close</Button>
          </div>
        </>
      ) : (
        <form className="form" onSubmit={submit}>
          <SelectField
            label="Tag to push"
            hint="The registry is the tag's first part (registry.example:5000/team/app); Docker Hub without one"
            value={reference}
            disabled={running}
            options={image.tags}
            onChange={(event) => setReference(event.target.value)}
          />
          <CredentialFields
            image={reference}
            value={credentials}
            onChange={setCredentials}
            disabled={running}
          />
          <ErrorBox error={problem} />
          {push.phase !== 'idle' ? <LayerProgressList layers={push.layers} overall={push.overall} /> : null}
          <TransferOutcome
            transfer={push}
            what="Push"
            done={
              <>
                Pushed {reference}
                {push.result?.digest ? <div className="mono">{push.result.digest}</div> : null}
                {push.result?.size ? (
                  <div className="muted">manifest {formatBytes(push.result.size)}</div>
                ) : null}
              </>
            }
          />
          <TransferActions phase={push.phase} action="Push" onCancel={push.cancel} onClose={onClose} />
        </form>
      )}
    </Modal>
  );
}
