/** Pull an image with optional registry credentials, showing every layer's progress. */
import { type FormEvent, useState } from 'react';
import { enginePath } from '../../api/client.ts';
import { ErrorBox, shortId, TextField } from '../../ui/controls.tsx';
import { Modal } from '../../ui/feedback.tsx';
import { authOf, CredentialFields, NO_CREDENTIALS } from './credentials.tsx';
import { LayerProgressList, TransferActions, TransferOutcome, useTransfer } from './transfer.tsx';

/** The `done` line of a pull. */
interface PullDone {
  readonly image: string;
  readonly tags: readonly string[];
  readonly status?: string;
}

export function PullDialog({
  engine,
  onClose,
  onPulled,
}: {
  engine: string;
  onClose: () => void;
  onPulled: () => void;
}) {
  const [image, setImage] = useState('');
  const [tag, setTag] = useState('');
  const [credentials, setCredentials] = useState(NO_CREDENTIALS);
  const [problem, setProblem] = useState<unknown>();
  const pull = useTransfer<PullDone>(onPulled);
  const running = pull.phase === 'running';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    try {
      const auth = authOf(credentials);
      pull.start(enginePath(engine, 'images', 'pull'), {
        body: { image: image.trim(), tag: tag.trim() || undefined, auth },
      });
    } catch (error) {
      setProblem(error);
    }
  };

  return (
    <Modal title="Pull an image" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <fieldset className="form-grid plain-fieldset top-aligned" disabled={running}>
          <TextField
            label="Image"
            required
            autoFocus
            placeholder="alpine or registry.example:5000/team/app"
            value={image}
            onChange={(event) => setImage(event.target.value)}
          />
          <TextField
            label="Tag"
            placeholder="latest"
            hint="Or a digest (sha256:…); leave empty when the image names one"
            value={tag}
            onChange={(event) => setTag(event.target.value)}
          />
        </fieldset>
        <CredentialFields image={image} value={credentials} onChange={setCredentials} disabled={running} />
        <ErrorBox error={problem} />
        {pull.phase !== 'idle' ? <LayerProgressList layers={pull.layers} overall={pull.overall} /> : null}
        <TransferOutcome
          transfer={pull}
          what="Pull"
          done={
            <>
              Pulled {pull.result?.tags.join(', ') || image} ({shortId(pull.result?.image)})
              {pull.result?.status ? <div className="muted">{pull.result.status}</div> : null}
            </>
          }
        />
        <TransferActions phase={pull.phase} action="Pull" onCancel={pull.cancel} onClose={onClose} />
      </form>
    </Modal>
  );
}
