/**
 * A form in a dialog, as every create / update form here is: the fields, the server's refusal shown
 * inside the form (the fields stay filled for a retry), Cancel, and a submit button that spins while
 * the request runs. `onSubmit` resolves with the success message for the toast.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { Button, ErrorBox } from '../../ui/controls.tsx';
import { Modal, useFeedback } from '../../ui/feedback.tsx';

export function FormDialog({
  title,
  submitLabel = 'Create',
  canSubmit = true,
  onSubmit,
  onDone,
  onClose,
  children,
}: {
  title: string;
  submitLabel?: string;
  canSubmit?: boolean;
  onSubmit: () => Promise<string>;
  onDone: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const { notify } = useFeedback();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      notify(await onSubmit());
      onDone();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        {children}
        <ErrorBox error={error} title="Refused" />
        <div className="modal-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button tone="primary" type="submit" busy={busy} disabled={!canSubmit}>
            {submitLabel}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
