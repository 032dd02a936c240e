/** Sending on a channel's WebSocket without throwing once the browser has gone away. */
import { WebSocket } from 'ws';

/** Bytes queued on a socket beyond which a channel drops (logs, events) or waits (terminal). */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Sends one JSON text frame `{ type, ... }`; nothing when the socket is no longer open. */
export function sendJson(socket: WebSocket, message: { type: string } & Record<string, unknown>): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** Resolves once the socket's send queue is below {@link MAX_BUFFERED_BYTES} or the socket is closed. */
export async function drained(socket: WebSocket): Promise<void> {
  while (socket.readyState === WebSocket.OPEN && socket.bufferedAmount > MAX_BUFFERED_BYTES) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves when `signal` aborts (the socket closed). */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
