import type { Socket } from 'node:net';
import { EngineError } from '../errors.ts';
import type { Endpoint } from './endpoint.ts';
import { openSocket } from './socket.ts';

/** A connection the pool lent out; `reused` says whether it carried a request before. */
export interface Lease {
  readonly socket: Socket;
  readonly reused: boolean;
}

/**
 * Keep-alive connections to one engine. At most `maxSockets` are open at once; further requests wait
 * their turn. An idle connection is unref'd (it never keeps the process alive) and closed after
 * `idleMs` of disuse.
 */
export class SocketPool {
  readonly #endpoint: Endpoint;
  readonly #connectMs: number;
  readonly #maxSockets: number;
  readonly #idleMs: number;
  readonly #idle: Socket[] = [];
  readonly #all = new Set<Socket>();
  readonly #waiters: (() => void)[] = [];
  #closed = false;

  constructor(endpoint: Endpoint, options: { connectMs: number; maxSockets?: number; idleMs?: number }) {
    this.#endpoint = endpoint;
    this.#connectMs = options.connectMs;
    this.#maxSockets = options.maxSockets ?? 64;
    this.#idleMs = options.idleMs ?? 30_000;
  }

  /** Lends an idle connection, or opens one, or waits for one to be returned. */
  async acquire(signal: AbortSignal | undefined, fresh = false): Promise<Lease> {
    for (;;) {
      if (this.#closed) throw new EngineError('ABORTED', 'the client was closed');
      const idle = fresh ? undefined : this.#takeIdle();
      if (idle) return { socket: idle, reused: true };
      if (this.#all.size < this.#maxSockets) {
        const socket = await openSocket(this.#endpoint, this.#connectMs, signal);
        this.#track(socket);
        return { socket, reused: false };
      }
      if (fresh) this.#closeOneIdle();
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Returns a connection after a complete exchange: kept for reuse when `reusable`, else closed. */
  release(socket: Socket, reusable: boolean): void {
    socket.setTimeout(0);
    if (reusable && !this.#closed && !socket.destroyed) {
      socket.unref();
      socket.setTimeout(this.#idleMs);
      this.#idle.push(socket);
    } else {
      socket.destroy();
    }
    this.#wakeOne();
  }

  /** Closes every connection, lent or idle. */
  close(): void {
    this.#closed = true;
    for (const socket of this.#all) socket.destroy();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  #takeIdle(): Socket | undefined {
    for (let socket = this.#idle.pop(); socket; socket = this.#idle.pop()) {
      if (socket.destroyed || socket.readableEnded) continue;
      socket.setTimeout(0);
      socket.ref();
      return socket;
    }
    return undefined;
  }

  #closeOneIdle(): void {
    this.#idle.shift()?.destroy();
  }

  #track(socket: Socket): void {
    this.#all.add(socket);
    // An idle connection the daemon closes must not raise an unhandled 'error'.
    socket.on('error', () => {});
    // One listener for the connection's life: `setTimeout(ms)` arms it only while idle.
    socket.on('timeout', () => {
      if (this.#idle.includes(socket)) socket.destroy();
    });
    socket.once('close', () => {
      this.#all.delete(socket);
      const at = this.#idle.indexOf(socket);
      if (at >= 0) this.#idle.splice(at, 1);
      this.#wakeOne();
    });
  }

  #wakeOne(): void {
    this.#waiters.shift()?.();
  }
}
