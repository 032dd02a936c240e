import type { Socket } from 'node:net';
import { EngineError } from '../errors.ts';
import type { Dialer } from './socket.ts';

/** A connection the pool lent out; `reused` says whether it carried a request before. */
export interface Lease {
  readonly socket: Socket;
  readonly reused: boolean;
}

/**
 * Keep-alive connections to one engine. At most the dialer's `maxConnections` (default 64) are open
 * at once; further requests wait their turn. An idle connection is unref'd (it never keeps the
 * process alive) and closed after `idleMs` (default 30 000) to 1.5 × `idleMs` of disuse.
 */
export class SocketPool {
  readonly #dialer: Dialer;
  readonly #connectMs: number;
  readonly #maxSockets: number;
  readonly #idleMs: number;
  readonly #idle: Socket[] = [];
  readonly #all = new Set<Socket>();
  /** Connections being opened right now. */
  #opening = 0;
  readonly #waiters: (() => void)[] = [];
  #closed = false;
  /** Aborts the spare connections still being dialed when the pool closes. */
  readonly #spareDials = new AbortController();
  readonly #idleSince = new WeakMap<Socket, number>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(dialer: Dialer, options: { connectMs: number; idleMs?: number }) {
    this.#dialer = dialer;
    this.#connectMs = options.connectMs;
    this.#maxSockets = dialer.maxConnections ?? 64;
    this.#idleMs = options.idleMs ?? 30_000;
  }

  /**
   * Lends an idle connection at once (no promise: this is every request's hot path), or `undefined`
   * when none is idle — then {@link acquire} opens or waits.
   */
  takeIdle(): Socket | undefined {
    if (this.#closed) return undefined;
    for (let socket = this.#idle.pop(); socket; socket = this.#idle.pop()) {
      if (socket.destroyed || socket.readableEnded) continue;
      socket.ref();
      return socket;
    }
    return undefined;
  }

  /** Lends an idle connection, or opens one, or waits for one to be returned. */
  async acquire(signal: AbortSignal | undefined, fresh = false): Promise<Lease> {
    for (;;) {
      if (this.#closed) throw new EngineError('ABORTED', 'the client was closed');
      const idle = fresh ? undefined : this.takeIdle();
      if (idle) return { socket: idle, reused: true };
      // Connections still being opened count: concurrent first requests must not overshoot the cap.
      if (this.#all.size + this.#opening < this.#maxSockets) {
        this.#opening++;
        let socket: Socket;
        try {
          socket = await this.#dialer.open(this.#connectMs, signal);
        } catch (err) {
          this.#wakeOne(); // the slot is free again
          throw err;
        } finally {
          this.#opening--;
        }
        this.#track(socket);
        return { socket, reused: false };
      }
      if (fresh) this.#closeOneIdle();
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /**
   * Opens one connection ahead of need and keeps it idle, when none is idle and the limit allows.
   * Called after a hijack took the idle connection: the request that usually follows (an exec's
   * inspect for its exit code) then finds one ready instead of paying a TLS handshake (~3-8 ms here)
   * or an ssh channel while the client waits. A failure is left to that next request to meet and
   * report. Closing the pool abandons a dial still under way, so it never holds a closed client's
   * process open.
   */
  openSpare(): void {
    if (this.#closed || this.#idle.length > 0 || this.#all.size + this.#opening >= this.#maxSockets) return;
    this.#opening++;
    this.#dialer.open(this.#connectMs, this.#spareDials.signal).then(
      (socket) => {
        this.#opening--;
        this.#track(socket);
        this.release(socket, true);
      },
      () => {
        this.#opening--;
        this.#wakeOne();
      },
    );
  }

  /** Stops counting a lent connection (handed over for good): it no longer holds a place under the limit. */
  forget(socket: Socket): void {
    if (this.#all.delete(socket)) this.#wakeOne();
  }

  /** Returns a connection after a complete exchange: kept for reuse when `reusable`, else closed. */
  release(socket: Socket, reusable: boolean): void {
    if (reusable && !this.#closed && !socket.destroyed) {
      socket.unref();
      this.#idleSince.set(socket, Date.now());
      this.#idle.push(socket);
      this.#scheduleSweep();
    } else {
      socket.destroy();
    }
    this.#wakeOne();
  }

  /** Closes every connection, lent or idle. */
  close(): void {
    this.#closed = true;
    this.#spareDials.abort();
    if (this.#sweep) clearTimeout(this.#sweep);
    for (const socket of this.#all) socket.destroy();
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /**
   * Closes connections idle for longer than `idleMs`. One unref'd timer for the whole pool, armed
   * only while connections are idle: per-request socket timers cost more than the request itself.
   */
  #scheduleSweep(): void {
    if (this.#sweep) return;
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined;
      const cutoff = Date.now() - this.#idleMs;
      for (const socket of [...this.#idle]) {
        if ((this.#idleSince.get(socket) ?? 0) <= cutoff) socket.destroy();
      }
      if (this.#idle.length > 0) this.#scheduleSweep();
    }, this.#idleMs / 2);
    this.#sweep.unref();
  }

  #closeOneIdle(): void {
    this.#idle.shift()?.destroy();
  }

  #track(socket: Socket): void {
    this.#all.add(socket);
    // An idle connection the daemon closes must not raise an unhandled 'error'.
    socket.on('error', () => {});
    socket.once('close', () => {
      if (!this.#all.delete(socket)) return; // forgotten: handed over for good
      const at = this.#idle.indexOf(socket);
      if (at >= 0) this.#idle.splice(at, 1);
      this.#wakeOne();
    });
  }

  #wakeOne(): void {
    this.#waiters.shift()?.();
  }
}
