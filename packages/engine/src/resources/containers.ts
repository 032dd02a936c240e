import type { Readable } from 'node:stream';
import { buildPath, type CallOptions, type EngineCore } from '../core.ts';
import { abortError, EngineError, EngineStreamError, EngineVersionError } from '../errors.ts';
import type * as G from '../generated/operations.ts';
import { operations } from '../generated/operations.ts';
import type { StatsSample } from '../stats.ts';
import { abortMapped, hijackedSession, type StdioSession, stdioFrames } from '../stdio.ts';
import type { LogFrame } from '../streams/demux.ts';
import { parseJsonValues } from '../streams/json-values.ts';
import type { HttpResponse } from '../transport/http.ts';
import { compareVersions } from '../version.ts';

/**
 * A point in time for `logs({ since, until })`: a `Date`, unix seconds (fractions allowed), or a
 * string — unix seconds (`'1700000000.5'`), an RFC 3339 date (`'2024-05-02T10:00:00Z'`) or a
 * duration before now as the docker CLI accepts it (`'10m'`, `'1h30m'`, `'45s'`).
 *
 * @example
 * ```ts
 * const lastHour: Timestamp = '1h';
 * const fixed: Timestamp = new Date('2024-05-02T10:00:00Z'); // same as 1714644000 or '1714644000'
 * for await (const frame of docker.containers.logs('web', { since: lastHour, until: fixed })) {
 *   process.stdout.write(frame.data);
 * }
 * ```
 */
export type Timestamp = Date | number | string;

/**
 * Options of {@link Containers.logs}.
 *
 * @example
 * ```ts
 * const errorsOnly: ContainerLogsOptions = { stdout: false, stderr: true, tail: 50, since: '30m', timestamps: true };
 * for await (const frame of docker.containers.logs('web', errorsOnly)) process.stderr.write(frame.data);
 * ```
 */
export type ContainerLogsOptions = Omit<G.ContainerLogsQuery, 'since' | 'until' | 'tail'> & {
  /** Only lines written at or after this time. */
  readonly since?: Timestamp;
  /** Only lines written before this time. */
  readonly until?: Timestamp;
  /** Only the last N lines (`'all'` or omitted: everything). */
  readonly tail?: number | 'all';
} & CallOptions;

/**
 * Options of {@link Containers.stats}.
 *
 * @example
 * ```ts
 * const options: ContainerStatsOptions = { 'one-shot': true, signal: AbortSignal.timeout(5_000) };
 * const sample = await docker.containers.stats('web', { ...options, stream: false }); // at once, no precpu_stats
 * ```
 */
export type ContainerStatsOptions = G.ContainerStatsQuery & CallOptions;

/**
 * A Unix signal for the container's process, by name (`'SIGTERM'`, `'SIGKILL'`, `'SIGHUP'`) or
 * number (`'9'`). Named `killSignal` because `signal` is the SDK-wide AbortSignal option.
 *
 * @example
 * ```ts
 * const reload: KillSignalOption = { killSignal: 'SIGHUP' };
 * await docker.containers.kill('web', reload);
 * ```
 */
export interface KillSignalOption {
  /** Sent to the container as the Engine's `signal` query parameter. */
  readonly killSignal?: string;
}

/**
 * Options of {@link Containers.stop} and {@link Containers.restart}.
 *
 * @example
 * ```ts
 * const graceful: ContainerStopOptions = { killSignal: 'SIGQUIT', t: 30 }; // SIGKILL after 30 s
 * await docker.containers.stop('web', graceful);
 * ```
 */
export type ContainerStopOptions = Omit<G.ContainerStopQuery, 'signal'> & KillSignalOption & CallOptions;

/**
 * Options of {@link Containers.attach}.
 *
 * @example
 * ```ts
 * const options: ContainerAttachOptions = { stdin: true, logs: true, detachKeys: 'ctrl-p,ctrl-q' };
 * const session = await docker.containers.attach('web', options);
 * ```
 */
export type ContainerAttachOptions = Omit<G.ContainerAttachQuery, 'stream'> & CallOptions;

/**
 * An attach session: the container's stdio, plus its exit status.
 *
 * @example
 * ```ts
 * const session: AttachSession = await docker.containers.attach(id);
 * const exited = session.wait({ condition: 'next-exit' }); // before start: 'not-running' would answer at once
 * await docker.containers.start(id);
 * for await (const frame of session.output) process.stdout.write(frame.data);
 * console.log((await exited).exitCode);
 * ```
 */
export type AttachSession = StdioSession & {
  /**
   * Resolves with the container's exit code once it is not running (`containers.wait`). Attached to
   * a container not started yet? Call `wait({ condition: 'next-exit' })` before starting it:
   * the default `not-running` answers at once for a created container.
   */
  wait(options?: G.ContainerWaitQuery & CallOptions): Promise<{ exitCode: number }>;
};

/**
 * A wait the daemon has registered (see {@link Containers.beginWait}).
 *
 * @example
 * ```ts
 * const pending: PendingWait = await docker.containers.beginWait(id, { condition: 'next-exit' });
 * await docker.containers.start(id);
 * console.log((await pending.result).StatusCode);
 * ```
 */
export interface PendingWait {
  /** Settles once the condition is met: the exit status (a non-zero code is data, not an error). */
  readonly result: Promise<G.ContainerWaitResult>;
}

/**
 * What the daemon reports about a path inside a container (the `X-Docker-Container-Path-Stat`
 * header of `GET`/`HEAD /containers/{id}/archive`).
 *
 * @example
 * ```ts
 * const stat: PathStat = await docker.containers.archiveInfo('web', { path: '/etc/nginx/nginx.conf' });
 * console.log(stat.name, stat.size, (stat.mode & 0o777).toString(8)); // 'nginx.conf' 1433 '644'
 * ```
 */
export interface PathStat {
  /** Base name of the path. */
  readonly name: string;
  /** Size in bytes (of the link itself for a symlink). */
  readonly size: number;
  /**
   * Go `os.FileMode` bits: permissions in the low 9 bits (`mode & 0o777`), type flags high —
   * directory `2 ** 31`, symlink `2 ** 27`.
   */
  readonly mode: number;
  /** Modification time, RFC 3339. */
  readonly mtime: string;
  /** Target of a symlink, `''` otherwise. */
  readonly linkTarget: string;
}

/**
 * A tar archive to upload: streamed as is, never buffered whole by the SDK.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const tar: TarInput = createReadStream('site.tar'); // or a Uint8Array already in memory
 * await docker.containers.putArchive('web', tar, { path: '/usr/share/nginx/html' });
 * ```
 */
export type TarInput = Readable | AsyncIterable<Uint8Array> | Uint8Array;

/**
 * Options of {@link Containers.putArchive}.
 *
 * @example
 * ```ts
 * const options: PutArchiveOptions = { path: '/srv/app', noOverwriteDirNonDir: true, copyUIDGID: true };
 * await docker.containers.putArchive('web', tar, options);
 * ```
 */
export interface PutArchiveOptions extends CallOptions {
  /** Directory in the container to extract into; it must exist. */
  readonly path: string;
  /** Fail instead of replacing a directory with a non-directory (or the reverse). */
  readonly noOverwriteDirNonDir?: boolean;
  /** Give the extracted files the container's user and group (by the container's passwd/group) instead of the archive's. */
  readonly copyUIDGID?: boolean;
}

/**
 * Containers: `docker container ...` (create, run's parts, logs, attach, cp, stats, ...).
 *
 * @example
 * ```ts
 * const { Id } = await docker.containers.create({ Image: 'busybox', Cmd: ['echo', 'hi'], name: 'hello' });
 * await docker.containers.start(Id);
 * const { StatusCode } = await docker.containers.wait(Id);
 * for await (const frame of docker.containers.logs(Id)) process.stdout.write(frame.data);
 * ```
 */
export class Containers {
  readonly #core: EngineCore;

  constructor(core: EngineCore) {
    this.#core = core;
  }

  /**
   * Lists containers (running ones unless `all`).
   *
   * @example
   * ```ts
   * const web = await docker.containers.list({ all: true, filters: { label: ['app=web'] } });
   * ```
   */
  list(options: G.ContainerListQuery & CallOptions = {}): Promise<G.ContainerListResult> {
    const { signal, ...query } = options;
    return this.#core.json('ContainerList', { query, signal });
  }

  /**
   * Creates a container. `name` and `platform` (e.g. `'linux/arm64'`) go to the query string;
   * everything else is the container config (`Image`, `Cmd`, `HostConfig`, `NetworkingConfig`, ...).
   *
   * @example
   * ```ts
   * const { Id, Warnings } = await docker.containers.create({
   *   name: 'web',
   *   Image: 'nginx:alpine',
   *   HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } },
   * });
   * ```
   */
  create(
    options: G.ContainerCreateBody & { name?: string; platform?: string } & CallOptions,
  ): Promise<G.ContainerCreateResult> {
    const { signal, name, platform, ...body } = options;
    return this.#core.json('ContainerCreate', { query: { name, platform }, body, signal });
  }

  /**
   * Inspects a container by id or name; `size` adds `SizeRw` / `SizeRootFs` (slow: walks the layers).
   *
   * @example
   * ```ts
   * const { State } = await docker.containers.inspect('web');
   * console.log(State?.Status, State?.ExitCode);
   * ```
   */
  inspect(
    id: string,
    options: G.ContainerInspectQuery & CallOptions = {},
  ): Promise<G.ContainerInspectResult> {
    const { signal, ...query } = options;
    return this.#core.json('ContainerInspect', { params: { id }, query, signal });
  }

  /**
   * Lists the processes running in a container (`ps_args` default `-ef`, run by the daemon's `ps`).
   *
   * @example
   * ```ts
   * const { Titles, Processes } = await docker.containers.top('web', { ps_args: 'aux' });
   * ```
   */
  top(id: string, options: G.ContainerTopQuery & CallOptions = {}): Promise<G.ContainerTopResult> {
    const { signal, ...query } = options;
    return this.#core.json('ContainerTop', { params: { id }, query, signal });
  }

  /**
   * The container's logs as frames (`stdout` / `stderr`, or `console` for a TTY container). Returns
   * the stream itself: nothing is sent until iteration starts. With `follow` it goes on until the
   * container stops, the signal aborts (the loop then throws an `ABORTED` error) or the loop is left
   * (`break` closes the request). `stdout` and `stderr` both default to `true`. Only the `json-file`,
   * `local` and `journald` log drivers can be read back.
   *
   * @example
   * ```ts
   * for await (const frame of docker.containers.logs('web', { tail: 100, since: '10m', timestamps: true })) {
   *   (frame.stream === 'stderr' ? process.stderr : process.stdout).write(frame.data);
   * }
   * ```
   */
  logs(id: string, options: ContainerLogsOptions = {}): AsyncIterable<LogFrame> {
    const { signal, since, until, tail, ...flags } = options;
    const both = flags.stdout === undefined && flags.stderr === undefined;
    const core = this.#core;
    const inspect = (): Promise<boolean> =>
      this.inspect(id, { signal }).then((info) => info.Config?.Tty === true);
    // Argument errors surface when iteration starts, like the request itself.
    const query = (): G.ContainerLogsQuery =>
      // The generated type says number (unix seconds), the daemon reads `seconds[.nanoseconds]`:
      // a string keeps nanosecond precision, which a JS number cannot.
      ({
        ...flags,
        stdout: both ? true : flags.stdout,
        stderr: both ? true : flags.stderr,
        since: toUnixTimestamp(since, 'since'),
        until: toUnixTimestamp(until, 'until'),
        tail: tail === undefined ? undefined : String(tail),
      }) as unknown as G.ContainerLogsQuery;
    return stdioFrames(
      () => core.send('ContainerLogs', { params: { id }, query: query(), signal }),
      () => core.apiVersion(),
      inspect,
      signal,
    );
  }

  /**
   * Changes to the container's filesystem since it was created: `Kind` 0 modified, 1 added, 2 deleted.
   *
   * @example
   * ```ts
   * for (const { Path, Kind } of await docker.containers.changes('web')) console.log(['C', 'A', 'D'][Kind], Path);
   * ```
   */
  async changes(id: string, options: CallOptions = {}): Promise<G.ContainerChangesResult> {
    // The daemon answers `null` when nothing changed.
    const changes = await this.#core.json<G.ContainerChangesResult | null>('ContainerChanges', {
      params: { id },
      signal: options.signal,
    });
    return changes ?? [];
  }

  /**
   * Exports the container's filesystem as a tar stream (`docker export`). Destroy the stream to
   * stop early.
   *
   * @example
   * ```ts
   * import { createWriteStream } from 'node:fs';
   * import { pipeline } from 'node:stream/promises';
   * await pipeline(await docker.containers.export('web'), createWriteStream('web.tar'));
   * ```
   */
  async export(id: string, options: CallOptions = {}): Promise<Readable> {
    const response = await this.#core.send('ContainerExport', { params: { id }, signal: options.signal });
    return response.body;
  }

  /**
   * Resource usage statistics. With `stream: false`, resolves with one sample (with `'one-shot': true`
   * at once, without `precpu_stats`; otherwise after about a second, with them). Otherwise returns
   * the stream of samples, one a second, until the loop is left (`break` closes the request), the
   * container is removed, or the signal aborts. See `cpuPercent` and friends for `docker stats`' figures.
   *
   * @example
   * ```ts
   * import { cpuPercent } from '@gantry/engine';
   * const sample = await docker.containers.stats('web', { stream: false });
   * for await (const s of docker.containers.stats('web')) console.log(cpuPercent(s).toFixed(1));
   * ```
   */
  stats(id: string, options: ContainerStatsOptions & { stream: false }): Promise<StatsSample>;
  stats(id: string, options?: ContainerStatsOptions & { stream?: true }): AsyncIterable<StatsSample>;
  stats(id: string, options: ContainerStatsOptions = {}): Promise<StatsSample> | AsyncIterable<StatsSample> {
    const { signal, ...query } = options;
    if (query.stream === false) return this.#core.json('ContainerStats', { params: { id }, query, signal });
    const core = this.#core;
    return {
      async *[Symbol.asyncIterator]() {
        const response = await core.send('ContainerStats', {
          params: { id },
          query: { ...query, stream: true },
          signal,
        });
        try {
          yield* abortMapped(parseJsonValues(response.body) as AsyncIterable<StatsSample>, signal);
        } finally {
          response.body.destroy();
        }
      },
    };
  }

  /**
   * Sets the size of a TTY container's terminal, in characters.
   *
   * @example
   * ```ts
   * await docker.containers.resize('web', { h: process.stdout.rows, w: process.stdout.columns });
   * ```
   */
  resize(id: string, options: G.ContainerResizeQuery & CallOptions): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('ContainerResize', { params: { id }, query, signal });
  }

  /**
   * Starts a container. Starting a running container is not an error (the daemon answers 304).
   *
   * @example
   * ```ts
   * await docker.containers.start('web');
   * ```
   */
  start(id: string, options: G.ContainerStartQuery & CallOptions = {}): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('ContainerStart', { params: { id }, query, signal });
  }

  /**
   * Stops a container: its stop signal (`killSignal`, else the image's `StopSignal`, else SIGTERM),
   * then SIGKILL after `t` seconds (default: the container's `StopTimeout`, else 10; `-1` waits
   * forever). Resolves once it has stopped; stopping a stopped container is not an error.
   * `killSignal` is the Engine's `signal` parameter (API 1.42+) — `signal` stays the AbortSignal.
   *
   * @example
   * ```ts
   * await docker.containers.stop('web', { t: 30 });
   * ```
   */
  stop(id: string, options: ContainerStopOptions = {}): Promise<void> {
    const { signal, killSignal, ...query } = options;
    return this.#core.void('ContainerStop', {
      params: { id },
      query: { ...query, signal: killSignal },
      signal,
    });
  }

  /**
   * Restarts a container: stops it as {@link Containers.stop} does (`t`, `killSignal`), then starts it.
   *
   * @example
   * ```ts
   * await docker.containers.restart('web', { t: 5 });
   * ```
   */
  restart(id: string, options: ContainerStopOptions = {}): Promise<void> {
    const { signal, killSignal, ...query } = options;
    return this.#core.void('ContainerRestart', {
      params: { id },
      query: { ...query, signal: killSignal },
      signal,
    });
  }

  /**
   * Sends a Unix signal to the container's main process (default SIGKILL). The signal is
   * `killSignal` (the Engine's `signal` parameter); `signal` stays the AbortSignal. Fails with
   * `API_CONFLICT` when the container is not running.
   *
   * @example
   * ```ts
   * await docker.containers.kill('web', { killSignal: 'SIGHUP' });
   * ```
   */
  kill(id: string, options: KillSignalOption & CallOptions = {}): Promise<void> {
    const { signal, killSignal } = options;
    return this.#core.void('ContainerKill', { params: { id }, query: { signal: killSignal }, signal });
  }

  /**
   * Changes resource limits and the restart policy of a container, running or not.
   *
   * @example
   * ```ts
   * await docker.containers.update('web', { Memory: 256 * 2 ** 20, MemorySwap: -1, RestartPolicy: { Name: 'always' } });
   * ```
   */
  update(id: string, options: G.ContainerUpdateBody & CallOptions): Promise<G.ContainerUpdateResult> {
    const { signal, ...body } = options;
    return this.#core.json('ContainerUpdate', { params: { id }, body, signal });
  }

  /**
   * Renames a container.
   *
   * @example
   * ```ts
   * await docker.containers.rename('web', { name: 'web-old' });
   * ```
   */
  rename(id: string, options: G.ContainerRenameQuery & CallOptions): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('ContainerRename', { params: { id }, query, signal });
  }

  /**
   * Freezes every process of a container (cgroup freezer).
   *
   * @example
   * ```ts
   * await docker.containers.pause('web');
   * ```
   */
  pause(id: string, options: CallOptions = {}): Promise<void> {
    return this.#core.void('ContainerPause', { params: { id }, signal: options.signal });
  }

  /**
   * Thaws a paused container.
   *
   * @example
   * ```ts
   * await docker.containers.unpause('web');
   * ```
   */
  unpause(id: string, options: CallOptions = {}): Promise<void> {
    return this.#core.void('ContainerUnpause', { params: { id }, signal: options.signal });
  }

  /**
   * Attaches to a container's stdio over a hijacked connection (`docker attach`). `stdout` and
   * `stderr` default to `true`; set `stdin` to write to the process (the container needs
   * `OpenStdin`), then `stdin.end()` to send EOF. `logs: true` replays earlier output first.
   * `wait()` resolves with the exit code once the container stops (for an `AutoRemove` container,
   * or one attached before it was started, call `wait({ condition: 'next-exit' })` before it can exit).
   *
   * @example
   * ```ts
   * const session = await docker.containers.attach(id, { stdin: true });
   * session.stdin.end('hello\n');
   * for await (const frame of session.output) process.stdout.write(frame.data);
   * const { exitCode } = await session.wait();
   * ```
   */
  async attach(id: string, options: ContainerAttachOptions = {}): Promise<AttachSession> {
    const { signal, ...flags } = options;
    const both = flags.stdout === undefined && flags.stderr === undefined;
    const query: G.ContainerAttachQuery = {
      ...flags,
      stdout: both ? true : flags.stdout,
      stderr: both ? true : flags.stderr,
      stream: true,
    };
    const connection = await this.#core.hijack('ContainerAttach', { params: { id }, query, signal });
    const version = await this.#core.apiVersion();
    // The daemon frames attach output by the container's own TTY setting.
    const session = await hijackedSession(
      connection,
      version,
      () => this.inspect(id, { signal }).then((info) => info.Config?.Tty === true),
      signal,
    );
    return {
      ...session,
      wait: async (waitOptions: G.ContainerWaitQuery & CallOptions = {}) => {
        const result = await this.wait(id, { condition: 'not-running', ...waitOptions });
        const problem = result.Error?.Message;
        if (problem)
          throw new EngineStreamError('STREAM_ERROR', `waiting for ${id}: ${problem}`, result.Error);
        return { exitCode: result.StatusCode };
      },
    };
  }

  /**
   * Opens a WebSocket attached to the container's stdio (`/containers/{id}/attach/ws`), with the
   * platform `WebSocket` client. Only a plain `tcp://` endpoint can be dialled that way: a unix
   * socket or a TLS endpoint (client certificates) cannot, and is refused with `INVALID_ARGUMENT` —
   * use {@link Containers.attach} there, which gives the same stdio over the daemon connection.
   * The `stdin` / `stdout` / `stderr` flags need API 1.42+.
   *
   * @example
   * ```ts
   * const ws = await docker.containers.attachWebsocket('web', { stream: true, logs: true });
   * ws.binaryType = 'arraybuffer';
   * ws.onmessage = (event) => process.stdout.write(new Uint8Array(event.data as ArrayBuffer));
   * ```
   */
  async attachWebsocket(
    id: string,
    options: G.ContainerAttachWebsocketQuery & CallOptions = {},
  ): Promise<WebSocket> {
    const { signal, ...query } = options;
    const endpoint = this.#core.endpoint;
    if (endpoint.kind !== 'tcp' || endpoint.tls) {
      throw new EngineError(
        'INVALID_ARGUMENT',
        `attachWebsocket needs a plain tcp:// engine endpoint, not ${endpoint.url} — use containers.attach(), which attaches over the same connection as every other call`,
      );
    }
    const spec = operations.ContainerAttachWebsocket;
    const version = await this.#core.apiVersion(signal);
    for (const [name, value] of Object.entries(query)) {
      const param = (spec.query as Record<string, { since: string } | undefined>)[name];
      if (value === undefined || !param) continue;
      if (compareVersions(param.since, version) > 0) {
        throw new EngineVersionError(
          `the "${name}" parameter of ContainerAttachWebsocket`,
          param.since,
          version,
        );
      }
    }
    const host = endpoint.hostname.includes(':') ? `[${endpoint.hostname}]` : endpoint.hostname;
    const socket = new WebSocket(
      `ws://${host}:${endpoint.port}/v${version}${buildPath(spec, { params: { id }, query })}`,
    );
    signal?.addEventListener('abort', () => socket.close(), { once: true });
    return socket;
  }

  /**
   * Waits for a container to reach `condition` (default `not-running`; `next-exit` ignores the
   * current state, `removed` waits for removal) and resolves with its exit status. A non-zero exit
   * code is data, not an error; `Error.Message` is set when the daemon could not wait.
   *
   * @example
   * ```ts
   * const { StatusCode } = await docker.containers.wait(id, { condition: 'next-exit' });
   * if (StatusCode !== 0) console.error(`exited with ${StatusCode}`);
   * ```
   */
  wait(id: string, options: G.ContainerWaitQuery & CallOptions = {}): Promise<G.ContainerWaitResult> {
    const { signal, ...query } = options;
    return this.#core.json('ContainerWait', { params: { id }, query, signal });
  }

  /**
   * Starts waiting for `condition` like {@link Containers.wait}, but resolves as soon as the daemon
   * is waiting (its answer's head has arrived), with the outcome still to come as `result`. A
   * `start` issued after that cannot be missed, however short-lived the container — unlike a
   * `wait()` promise taken just before `start`, whose request may reach the daemon too late for
   * `next-exit`. Rejects with `API_NOT_FOUND` for an unknown container. Aborting `signal` closes
   * the request; `result` then rejects with `ABORTED`.
   *
   * @example
   * ```ts
   * const { Id } = await docker.containers.create({ Image: 'busybox', Cmd: ['true'] });
   * const pending = await docker.containers.beginWait(Id, { condition: 'next-exit' });
   * await docker.containers.start(Id);
   * const { StatusCode } = await pending.result; // 0, even though `true` exits at once
   * ```
   */
  async beginWait(id: string, options: G.ContainerWaitQuery & CallOptions = {}): Promise<PendingWait> {
    const { signal, ...query } = options;
    const response = await this.#core.send('ContainerWait', { params: { id }, query, signal });
    const result = readWaitResult(response, signal);
    // Reported to whoever awaits `result`; nobody awaiting it must not crash the process.
    result.catch(() => {});
    return { result };
  }

  /**
   * Removes a container. `force` kills a running one first, `v` removes its anonymous volumes,
   * `link` removes a legacy link instead of the container.
   *
   * @example
   * ```ts
   * await docker.containers.remove('web', { force: true, v: true });
   * ```
   */
  remove(id: string, options: G.ContainerDeleteQuery & CallOptions = {}): Promise<void> {
    const { signal, ...query } = options;
    return this.#core.void('ContainerDelete', { params: { id }, query, signal });
  }

  /**
   * Describes a path inside a container without transferring it (`HEAD .../archive`). Fails with
   * `API_NOT_FOUND` when the path (or the container) does not exist.
   *
   * @example
   * ```ts
   * const stat = await docker.containers.archiveInfo('web', { path: '/etc/nginx' });
   * const isDirectory = stat.mode >= 2 ** 31;
   * ```
   */
  async archiveInfo(id: string, options: G.ContainerArchiveInfoQuery & CallOptions): Promise<PathStat> {
    const { signal, ...query } = options;
    const response = await this.#core.send('ContainerArchiveInfo', { params: { id }, query, signal });
    response.body.resume();
    return pathStatOf(response);
  }

  /**
   * Downloads a file or directory from a container as a tar stream (`docker cp CONTAINER:PATH -`),
   * with what the daemon reports about the path. A directory's entries sit under its base name.
   *
   * @example
   * ```ts
   * import { pipeline } from 'node:stream/promises';
   * import { createWriteStream } from 'node:fs';
   * const { stat, tar } = await docker.containers.getArchive('web', { path: '/etc/hosts' });
   * await pipeline(tar, createWriteStream('hosts.tar'));
   * ```
   */
  async getArchive(
    id: string,
    options: G.ContainerArchiveQuery & CallOptions,
  ): Promise<{ stat: PathStat; tar: Readable }> {
    const { signal, ...query } = options;
    const response = await this.#core.send('ContainerArchive', { params: { id }, query, signal });
    let stat: PathStat;
    try {
      stat = pathStatOf(response);
    } catch (err) {
      response.body.destroy();
      throw err;
    }
    return { stat, tar: response.body };
  }

  /**
   * Uploads a tar archive and extracts it into a directory of the container (`docker cp - CONTAINER:PATH`).
   * The archive is streamed as it is read; it may be gzip/bzip2/xz compressed. Resolves once the
   * daemon has extracted it.
   *
   * @example
   * ```ts
   * import { createReadStream } from 'node:fs';
   * await docker.containers.putArchive('web', createReadStream('site.tar'), { path: '/usr/share/nginx/html' });
   * ```
   */
  putArchive(id: string, tar: TarInput, options: PutArchiveOptions): Promise<void> {
    const { signal, path, noOverwriteDirNonDir, copyUIDGID } = options;
    // The spec types these as strings; the daemon reads them as booleans ('1' / absent).
    const query: G.PutContainerArchiveQuery = {
      path,
      noOverwriteDirNonDir: noOverwriteDirNonDir ? '1' : undefined,
      copyUIDGID: copyUIDGID ? '1' : undefined,
    };
    return this.#core.void('PutContainerArchive', {
      params: { id },
      query,
      body: tar,
      contentType: 'application/x-tar',
      signal,
    });
  }

  /**
   * Removes stopped containers, optionally only those matching `filters` (`label`, `until`).
   *
   * @example
   * ```ts
   * const { ContainersDeleted, SpaceReclaimed } = await docker.containers.prune({ filters: { until: ['24h'] } });
   * ```
   */
  async prune(options: G.ContainerPruneQuery & CallOptions = {}): Promise<G.ContainerPruneResult> {
    const { signal, ...query } = options;
    return this.#core.json('ContainerPrune', { query, signal });
  }
}

/** Reads the JSON answer of a long-polling `ContainerWait` once the daemon sends it. */
async function readWaitResult(
  response: HttpResponse,
  signal: AbortSignal | undefined,
): Promise<G.ContainerWaitResult> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (err) {
    throw signal?.aborted ? abortError(signal) : err;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as G.ContainerWaitResult;
  } catch {
    throw new EngineError(
      'STREAM_PROTOCOL',
      `ContainerWait: the daemon sent invalid JSON: ${text.slice(0, 200)}`,
    );
  }
}

/** Go `os.ModeSymlink` in a path stat's `mode`. */
const SYMLINK_MODE = 2 ** 27;

function pathStatOf(response: HttpResponse): PathStat {
  const raw = response.headers['x-docker-container-path-stat'];
  const header = Array.isArray(raw) ? raw[0] : raw;
  if (!header)
    throw new EngineError('STREAM_PROTOCOL', 'the daemon sent no X-Docker-Container-Path-Stat header');
  try {
    const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as Partial<PathStat>;
    return {
      name: stat.name ?? '',
      size: stat.size ?? 0,
      mode: stat.mode ?? 0,
      mtime: stat.mtime ?? '',
      // Podman also names the path itself as the target of a file or directory: only links have one.
      linkTarget: (stat.mode ?? 0) & SYMLINK_MODE ? (stat.linkTarget ?? '') : '',
    };
  } catch (err) {
    throw new EngineError(
      'STREAM_PROTOCOL',
      `invalid X-Docker-Container-Path-Stat header: ${(err as Error).message}`,
    );
  }
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * A {@link Timestamp} as the daemon's `seconds.nanoseconds` string, as the docker CLI sends it
 * (its `GetTimestamp`): durations count back from `now`; RFC 3339 fractions keep all 9 digits.
 * Throws `INVALID_ARGUMENT` for anything else.
 *
 * @internal
 * @example
 * ```ts
 * toUnixTimestamp('2024-05-02T10:15:31.712316446Z', 'since'); // '1714644931.712316446'
 * toUnixTimestamp(new Date(0), 'since'); // '0.000000000'
 * toUnixTimestamp('10m', 'since', Date.UTC(2024, 0, 1)); // '1704066600.000000000'
 * ```
 */
export function toUnixTimestamp(
  value: Timestamp | undefined,
  name: string,
  now = Date.now(),
): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new EngineError('INVALID_ARGUMENT', `${name}: invalid Date`);
    return fromMillis(value.getTime());
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new EngineError('INVALID_ARGUMENT', `${name}: ${value} is not unix seconds`);
    return fromMillis(value * 1000);
  }
  const text = value.trim();
  if (/^\d+(\.\d{1,9})?$/.test(text)) return text;
  const duration = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(text) ? text : undefined;
  if (duration) {
    let ms = 0;
    for (const [, amount, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
      ms += Number(amount) * (DURATION_UNITS[unit ?? 's'] ?? 0);
    }
    return fromMillis(now - ms);
  }
  // A date: Date.parse keeps milliseconds only, so the fraction's digits are carried over as is
  // (a log line's own RFC 3339Nano timestamp must select that very line).
  const fraction = /^[^.]*T[^.]*\.(\d+)/.exec(text)?.[1];
  const parsed = Date.parse(fraction === undefined ? text : text.replace(`.${fraction}`, ''));
  if (Number.isNaN(parsed)) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `${name}: "${value}" is neither unix seconds, an RFC 3339 date nor a duration like 10m`,
    );
  }
  if (fraction === undefined) return fromMillis(parsed);
  return `${Math.floor(parsed / 1000)}.${fraction.padEnd(9, '0').slice(0, 9)}`;
}

function fromMillis(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return `${seconds}.${String(Math.min(nanos, 999_999_999)).padStart(9, '0')}`;
}
