/**
 * Runs a change against the console with what every action needs: a confirmation first when it
 * destroys something, a busy marker while it runs (so its button spins and cannot be pressed
 * twice), a toast with the outcome — the server's own message when it failed — and a reload after.
 */
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useFeedback } from '../../ui/feedback.tsx';

export interface ActionRequest<Result = unknown> {
  /** Which action runs (its button shows busy): "remove:web". */
  readonly id: string;
  readonly work: () => Promise<Result>;
  /** Toast on success, or made from what the work answered ("2 volumes removed"). */
  readonly done: string | ((result: Result) => string);
  /** What failed, before the server's message ("Removing web"). */
  readonly what: string;
  readonly confirm?: { title: string; body?: ReactNode; action: string; danger?: boolean };
  /** After success (reload a list, close a form). */
  readonly after?: () => void;
}

export function useAction() {
  const feedback = useFeedback();
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const run = async <Result>(request: ActionRequest<Result>): Promise<boolean> => {
    if (request.confirm && !(await feedback.confirm(request.confirm))) return false;
    setBusy((ids) => new Set(ids).add(request.id));
    try {
      const result = await request.work();
      feedback.notify(typeof request.done === 'string' ? request.done : request.done(result));
      request.after?.();
      return true;
    } catch (error) {
      feedback.fail(error, request.what);
      return false;
    } finally {
      setBusy((ids) => {
        const next = new Set(ids);
        next.delete(request.id);
        return next;
      });
    }
  };
  return { run, isBusy: (id: string) => busy.has(id) };
}
