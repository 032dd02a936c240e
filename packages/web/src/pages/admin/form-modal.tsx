/**
 * Pieces the administration pages share: a form in a dialog that shows the server's refusal in
 * place (the dialog stays open so the input can be fixed), and row actions that report their
 * outcome as a toast while their button spins.
 */
import { type FormEvent, type ReactNode, useCallback, useState } from 'react';
import { Button, ErrorBox } from '../../ui/controls.tsx';
import { Modal, useFeedback } from '../../ui/feedback.tsx';

export function FormModal({
  title,
  action,
  onClose,
  onSubmit,
  children,
}: {
  title: string;
  /** The submit button's word ("Create user"). */
  action: string;
  onClose: () => void;
  /** Resolves when done (the dialog then closes); a throw keeps it open with the message. */
  onSubmit: () => Promise<void>;
  children: ReactNode;
}) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit();
      onClose();
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        {children}
        <ErrorBox error={error} />
        <div className="modal-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" tone="primary" busy={busy}>
            {action}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * `run(key, action, done)`: runs one row action, toasts `done` or the server's message, and
 * exposes which action is running (`busy === key`) so only its button spins.
 */
export function useRowAction(): {
  busy: string | undefined;
  run: (key: string, action: () => Promise<unknown>, done: string) => Promise<void>;
} {
  const { notify, fail } = useFeedback();
  const [busy, setBusy] = useState<string>();
  const run = useCallback(
    async (key: string, action: () => Promise<unknown>, done: string) => {
      setBusy(key);
      try {
        await action();
        notify(done);
      } catch (error) {
        fail(error);
      } finally {
        setBusy(undefined);
      }
    },
    [notify, fail],
  );
  return { busy, run };
}
