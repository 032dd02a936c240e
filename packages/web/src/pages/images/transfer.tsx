/**
 * Pull, push and build share one way of running and showing a transfer: a POST whose answer is
 * NDJSON progress lines (docs/console.md "Pull, push and build progress"), folded into per-layer
 * state, build output, and the last line's result or error. Cancel aborts the request, which also
 * stops the engine's work on the console side.
 */
import type { LayerProgress, ProgressFrame } from '@gantry/server/api-types';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, ndjson, type RequestOptions, send } from '../../api/client.ts';
import { Button, ErrorBox, formatBytes, ProgressBar } from '../../ui/controls.tsx';

/** The line that ends a transfer that failed after its stream had begun (the status was already 200). */
interface ErrorLine {
  readonly type: 'error';
  readonly code: string;
  readonly message: string;
}

type Line<Result> = ProgressFrame | ({ readonly type: 'done' } & Result) | ErrorLine;

export type TransferPhase = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

interface TransferState<Result> {
  readonly phase: TransferPhase;
  readonly layers: Readonly<Record<string, LayerProgress>>;
  readonly overall: number;
  /** Build output and status lines so far (the last {@link MAX_OUTPUT} characters). */
  readonly output: string;
  readonly result?: Result;
  readonly error?: unknown;
}

export interface Transfer<Result> extends TransferState<Result> {
  /** POSTs to `path` and follows its progress lines; a running transfer is aborted first. */
  readonly start: (path: string, options: RequestOptions) => void;
  readonly cancel: () => void;
}

/** Output kept for the log panel: a runaway build must not grow the page without bound. */
const MAX_OUTPUT = 512 * 1024;

const IDLE: TransferState<never> = { phase: 'idle', layers: {}, overall: 0, output: '' };

/**
 * A transfer's state and its start / cancel; leaving the page aborts a running one. `onDone` is
 * called with the result of a transfer that succeeded (to reload a list, say).
 *
 * @example
 * ```tsx
 * const pull = useTransfer<{ image: string }>();
 * pull.start(enginePath(engine, 'images', 'pull'), { body: { image: 'busybox' } });
 * ```
 */
export function useTransfer<Result>(onDone?: (result: Result) => void): Transfer<Result> {
  const [state, setState] = useState<TransferState<Result>>(IDLE);
  const running = useRef<AbortController | undefined>(undefined);
  const doneListener = useRef(onDone);
  doneListener.current = onDone;
  useEffect(() => () => running.current?.abort(), []);

  const start = useCallback((path: string, options: RequestOptions) => {
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    setState({ ...IDLE, phase: 'running' });
    const update = (change: (previous: TransferState<Result>) => TransferState<Result>) => {
      if (running.current === controller) setState(change);
    };
    void (async () => {
      try {
        const response = await send('POST', path, { ...options, signal: controller.signal });
        for await (const line of ndjson<Line<Result>>(response)) {
          if (line.type === 'progress') {
            update((previous) => ({
              ...previous,
              layers: line.layers,
              overall: line.overall,
              output: line.output ? (previous.output + line.output).slice(-MAX_OUTPUT) : previous.output,
            }));
          } else if (line.type === 'done') {
            const { type: _, ...rest } = line;
            const result = rest as Result;
            update((previous) => ({ ...previous, phase: 'done', result }));
            if (running.current === controller) doneListener.current?.(result);
            return;
          } else if (line.type === 'error') {
            update((previous) => ({
              ...previous,
              phase: 'failed',
              error: new ApiError(200, line.code, line.message),
            }));
            return;
          }
        }
        throw new Error(
          'the console ended the progress stream without a result — check the audit log, then try again',
        );
      } catch (error) {
        update((previous) => ({
          ...previous,
          ...(controller.signal.aborted ? { phase: 'cancelled' } : { phase: 'failed', error }),
        }));
      }
    })();
  }, []);

  const cancel = useCallback(() => running.current?.abort(), []);
  return { ...state, start, cancel };
}

function layerBytes(layer: LayerProgress): string {
  if (layer.total <= 0) return layer.current > 0 ? formatBytes(layer.current) : '';
  if (layer.percent >= 100) return formatBytes(layer.total);
  return `${formatBytes(layer.current)} / ${formatBytes(layer.total)}`;
}

/** The overall bar and one bar per layer with its status and bytes. */
export function LayerProgressList({
  layers,
  overall,
}: {
  layers: Readonly<Record<string, LayerProgress>>;
  overall: number;
}) {
  const entries = Object.entries(layers);
  return (
    <div className="transfer">
      <div className="transfer-overall">
        <span>Overall</span>
        <ProgressBar percent={overall} label="overall progress" />
        <span className="transfer-percent">{Math.round(overall)} %</span>
      </div>
      {entries.length > 0 ? (
        <ul className="transfer-layers" aria-label="layers">
          {entries.map(([id, layer]) => (
            <li key={id} className="transfer-layer">
              <span className="mono">{id}</span>
              <span className="transfer-status">{layer.status}</span>
              <ProgressBar percent={layer.percent} label={`layer ${id}`} />
              <span className="transfer-bytes">{layerBytes(layer)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The dialog's buttons: Cancel (aborts) while running, else Close and the action (the form's submit). */
export function TransferActions({
  phase,
  action,
  onCancel,
  onClose,
}: {
  phase: TransferPhase;
  action: string;
  onCancel: () => void;
  onClose: () => void;
}) {
  const running = phase === 'running';
  return (
    <div className="modal-actions">
      {running ? <Button onClick={onCancel}>Cancel</Button> : <Button onClick={onClose}>Close</Button>}
      <Button type="submit" tone="primary" busy={running}>
        {action}
      </Button>
    </div>
  );
}

/** How the transfer ended: the dialog's success text, the server's message, or "cancelled". */
export function TransferOutcome({
  transfer,
  what,
  done,
}: {
  transfer: Transfer<unknown>;
  /** "Pull", "Push", "Build": titles the failure. */
  what: string;
  done: ReactNode;
}) {
  if (transfer.phase === 'done')
    return (
      <div className="transfer-done" role="status">
        {done}
      </div>
    );
  if (transfer.phase === 'failed') return <ErrorBox title={`${what} failed`} error={transfer.error} />;
  if (transfer.phase === 'cancelled')
    return (
      <div className="transfer-cancelled" role="status">
        {what} cancelled.
      </div>
    );
  return null;
}
