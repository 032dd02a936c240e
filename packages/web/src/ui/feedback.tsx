/**
 * Toasts (what just happened, or the server's message when it failed) and the confirmation dialog
 * every destructive action goes through.
 */
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { messageOf } from '../api/client.ts';
import { Button } from './controls.tsx';

interface Toast {
  readonly id: number;
  readonly tone: 'ok' | 'bad';
  readonly text: string;
}

interface ConfirmRequest {
  readonly title: string;
  readonly body?: ReactNode;
  /** The button's word ("Remove", "Stop"). */
  readonly action: string;
  readonly danger?: boolean;
  readonly resolve: (confirmed: boolean) => void;
}

interface Feedback {
  /** Shows a short success message. */
  readonly notify: (text: string) => void;
  /** Shows the error's message (the server's words). */
  readonly fail: (error: unknown, what?: string) => void;
  /** Asks before a destructive action; resolves true when confirmed. */
  readonly confirm: (request: Omit<ConfirmRequest, 'resolve'>) => Promise<boolean>;
}

const FeedbackContext = createContext<Feedback | undefined>(undefined);

export function useFeedback(): Feedback {
  const feedback = useContext(FeedbackContext);
  if (!feedback) throw new Error('useFeedback outside <FeedbackProvider>');
  return feedback;
}

let nextId = 1;

export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const [asking, setAsking] = useState<ConfirmRequest | undefined>();
  const push = useCallback((tone: Toast['tone'], text: string) => {
    const id = nextId++;
    setToasts((list) => [...list.slice(-4), { id, tone, text }]);
    setTimeout(
      () => setToasts((list) => list.filter((toast) => toast.id !== id)),
      tone === 'bad' ? 10_000 : 4_000,
    );
  }, []);
  const value = useMemo<Feedback>(
    () => ({
      notify: (text) => push('ok', text),
      fail: (error, what) => push('bad', what ? `${what}: ${messageOf(error)}` : messageOf(error)),
      confirm: (request) => new Promise<boolean>((resolve) => setAsking({ ...request, resolve })),
    }),
    [push],
  );
  const answer = (confirmed: boolean) => {
    asking?.resolve(confirmed);
    setAsking(undefined);
  };
  return (
    <FeedbackContext.Provider value={value}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`toast toast-${toast.tone}`}
            role={toast.tone === 'bad' ? 'alert' : 'status'}
          >
            {toast.text}
          </div>
        ))}
      </div>
      {asking ? <ConfirmDialog request={asking} onAnswer={answer} /> : null}
    </FeedbackContext.Provider>
  );
}

function ConfirmDialog({
  request,
  onAnswer,
}: {
  request: ConfirmRequest;
  onAnswer: (confirmed: boolean) => void;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancel.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onAnswer(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onAnswer]);
  return (
    <div className="modal-backdrop">
      <div className="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{request.title}</h2>
        {request.body ? <div className="modal-body">{request.body}</div> : null}
        <div className="modal-actions">
          <Button ref={cancel} onClick={() => onAnswer(false)}>
            Cancel
          </Button>
          <Button tone={request.danger === false ? 'primary' : 'danger'} onClick={() => onAnswer(true)}>
            {request.action}
          </Button>
        </div>
      </div>
    </div>
  );
}

/** A dialog for forms (create, tag, edit): closes on Escape or the form's own Cancel. */
export function Modal({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop">
      <div className="modal modal-wide" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}
