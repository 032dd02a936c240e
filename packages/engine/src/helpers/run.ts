/**
 * `run`: `docker run` (docker-py `containers.run`) as one call — pull when missing, create, attach,
 * start, wait, collect stdout and stderr, remove when asked — with a non-zero exit reported as data.
 */
import type { CallOptions } from '../core.ts';
import { abortError, EngineError, EngineStreamError, isConflict, isNotFound } from '../errors.ts';
import type * as G from '../generated/operations.ts';
import type { RegistryAuth } from '../registry-auth.ts';
import type { AttachSession, Containers } from '../resources/containers.ts';
import type { Images } from '../resources/images.ts';
import type { LogFrame } from '../streams/demux.ts';
import type { JsonMessage } from '../streams/progress.ts';
import { type Command, type Environment, formatEnvironment, toArgv } from './command.ts';

/**
 * Where a container port is published on the host: a host port (`8080`, `'8080'`), `null` for a
 * port the daemon picks, or an address and port. A list publishes it several times.
 *
 * @example
 * ```ts
 * const ports: Record<string, PortPublish> = {
 *   '80/tcp': 8080,
 *   '53/udp': { hostIp: '127.0.0.1', hostPort: 5353 },
 *   '9000': null, // a free host port, see containers.inspect(...).NetworkSettings.Ports
 * };
 * ```
 */
export type PortPublish =
  | number
  | string
  | null
  | { readonly hostIp?: string; readonly hostPort?: number | string }
  | readonly (number | string | null | { readonly hostIp?: string; readonly hostPort?: number | string })[];

/**
 * Options of {@link ContainerRun}: the common `docker run` flags, with the Engine's own create body
 * (`create`) as the escape hatch for everything else.
 *
 * @example
 * ```ts
 * const options: RunOptions = {
 *   env: { MODE: 'test' }, labels: { team: 'ci' }, workingDir: '/src', user: '1000:1000',
 *   volumes: ['/srv/data:/data:ro'], ports: { '8080/tcp': 18080 }, network: 'ci-net',
 *   remove: true, create: { HostConfig: { Memory: 256 * 2 ** 20 } },
 * };
 * const { exitCode, stdout } = await docker.run('busybox', 'ls /data', options);
 * ```
 */
export interface RunOptions extends CallOptions {
  /**
   * When to pull the image: `'missing'` (default: when create says it is not there), `'always'`,
   * or `'never'` (a missing image then fails with `API_NOT_FOUND`).
   */
  readonly pull?: 'missing' | 'always' | 'never';
  /** Credentials for pulling from the image's registry. */
  readonly auth?: RegistryAuth;
  /** `os[/arch[/variant]]` to pull and create, e.g. `'linux/arm64'`. */
  readonly platform?: string;
  /** Called with each message of the pull, when there is one (layer ids, `Downloading`, bytes). */
  readonly onPullProgress?: (message: JsonMessage) => void;
  /** Container name (default: one the daemon makes up). */
  readonly name?: string;
  /** Environment variables, as an object or `KEY=value` list. */
  readonly env?: Environment;
  readonly labels?: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  /** `user`, `user:group`, `uid` or `uid:gid`. */
  readonly user?: string;
  /** Allocate a pseudo-terminal: all output comes as `stdout`, with `\r\n` line ends. */
  readonly tty?: boolean;
  /** Replaces the image's entrypoint (`[]` or `''` clears it). */
  readonly entrypoint?: Command;
  readonly hostname?: string;
  /** Published ports by container port (`'80'` means `'80/tcp'`). */
  readonly ports?: Readonly<Record<string, PortPublish>>;
  /**
   * Bind mounts and named volumes, as `docker run -v` takes them (`'/host/dir:/in/container:ro'`,
   * `'cache:/root/.cache'`), or docker-py's `{ '/host/dir': { bind: '/in/container', mode: 'ro' } }`.
   */
  readonly volumes?:
    | readonly string[]
    | Readonly<Record<string, { readonly bind: string; readonly mode?: string }>>;
  /** Network mode: `bridge`, `host`, `none`, `container:<id>`, or a network's name. */
  readonly network?: string;
  readonly privileged?: boolean;
  /** Bytes (or UTF-8 text) written to the container's stdin, which is then closed. */
  readonly input?: Uint8Array | string;
  /** Called with each output frame as it arrives (it is collected all the same). */
  readonly onOutput?: (frame: LogFrame) => void;
  /**
   * Remove the container (and its anonymous volumes) once it has exited — also when the run fails
   * or is aborted after the container was created. Uses the daemon's `AutoRemove`, so the
   * container goes even if this process dies.
   */
  readonly remove?: boolean;
  /** Start the container and return its id without waiting for it. */
  readonly detach?: boolean;
  /** Seconds between SIGTERM and SIGKILL when an abort stops the container (default 10, as `docker stop`). */
  readonly stopTimeout?: number;
  /**
   * The Engine's create body, merged over what the options above produce (`HostConfig` and
   * `Labels` key by key): anything `run`'s own options do not cover.
   */
  readonly create?: Omit<G.ContainerCreateBody, 'Image'>;
}

/**
 * What a finished `run` reports. A non-zero `exitCode` is data, not an error.
 *
 * @example
 * ```ts
 * const { exitCode, stdout, stderr, containerId }: RunResult = await docker.run('busybox', 'ls /nope');
 * console.log(exitCode, stderr.toString('utf8')); // 1 'ls: /nope: No such file or directory\n'
 * ```
 */
export interface RunResult {
  readonly containerId: string;
  readonly exitCode: number;
  /** Everything written to stdout (with `tty`: all output). */
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/**
 * A container started by `run({ detach: true })`.
 *
 * @example
 * ```ts
 * const { containerId, warnings }: RunDetached = await docker.run('nginx:alpine', undefined, { detach: true });
 * ```
 */
export interface RunDetached {
  readonly containerId: string;
  /** Warnings the daemon gave at create (e.g. about resource limits), usually empty. */
  readonly warnings: readonly string[];
}

/**
 * Runs a container to completion (`docker run`; docker-py `containers.run`): pulls the image when
 * it is missing, creates the container, attaches to its output, starts it, waits for its exit and
 * resolves with `{ containerId, exitCode, stdout, stderr }` — a non-zero exit code is data. With
 * `remove` the container is removed afterwards (also on failure or abort). With `detach` it
 * resolves once the container has started. Aborting `signal` stops the container
 * (`stopTimeout`), removes it with `remove`, and rejects with `ABORTED`.
 *
 * @example
 * ```ts
 * const { exitCode, stdout } = await docker.run('busybox', 'echo hello', { remove: true });
 * console.log(exitCode, stdout.toString()); // 0 'hello\n'
 * const { containerId } = await docker.run('nginx:alpine', undefined, { detach: true, ports: { '80': 8080 } });
 * ```
 */
export interface ContainerRun {
  (image: string, cmd: Command | undefined, options: RunOptions & { detach: true }): Promise<RunDetached>;
  (image: string, cmd?: Command, options?: RunOptions & { detach?: false }): Promise<RunResult>;
  /** `detach` only known at run time. */
  (image: string, cmd: Command | undefined, options: RunOptions): Promise<RunResult | RunDetached>;
}

/**
 * {@link ContainerRun} over the `Containers` and `Images` resources (what `DockerClient.run` is).
 *
 * @internal
 * @example
 * ```ts
 * const run = runWith(docker.containers, docker.images);
 * ```
 */
export function runWith(containers: Containers, images: Images): ContainerRun {
  return ((image: string, cmd?: Command, options: RunOptions = {}) =>
    run(containers, images, image, cmd, options)) as ContainerRun;
}

async function run(
  containers: Containers,
  images: Images,
  image: string,
  cmd: Command | undefined,
  options: RunOptions,
): Promise<RunResult | RunDetached> {
  if (options.detach && (options.input !== undefined || options.onOutput)) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      'run: input and onOutput need an attached run — drop detach, or use containers.attach() on the detached container',
    );
  }
  const body = createBody(image, cmd, options);
  const autoRemove = body.HostConfig?.AutoRemove === true;
  const { signal } = options;
  const created = await createPulling(containers, images, image, body, options);
  const id = created.Id;
  // Closes this run's own connections (attach, wait) when it fails part-way.
  const local = new AbortController();
  const callSignal = signal ? AbortSignal.any([signal, local.signal]) : local.signal;
  let session: AttachSession | undefined;
  try {
    if (options.detach) {
      await containers.start(id, { signal });
      return { containerId: id, warnings: created.Warnings ?? [] };
    }
    session = await containers.attach(id, { stdin: options.input !== undefined, signal: callSignal });
    // Registered before start, so even an instant exit is seen; `removed` with AutoRemove, as the CLI does.
    const pending = await containers.beginWait(id, {
      condition: autoRemove ? 'removed' : 'next-exit',
      signal: callSignal,
    });
    const output = collectOutput(session, options.onOutput);
    output.catch(() => {});
    await containers.start(id, { signal });
    if (options.input !== undefined) session.stdin.end(options.input);
    const [{ stdout, stderr }, status] = await Promise.all([output, pending.result]);
    const problem = status.Error?.Message;
    if (problem)
      throw new EngineStreamError('STREAM_ERROR', `run: waiting for ${id}: ${problem}`, status.Error);
    // `create` may have turned AutoRemove off: then removing is left to this run.
    if (options.remove && !autoRemove) await containers.remove(id, { force: true, v: true, signal });
    return { containerId: id, exitCode: status.StatusCode, stdout, stderr };
  } catch (err) {
    local.abort();
    session?.close();
    await cleanUp(containers, id, options);
    throw signal?.aborted ? abortError(signal) : err;
  }
}

/** How long a failed or aborted run waits for the daemon to finish removing the container, in ms. */
const REMOVAL_WAIT_MS = 30_000;

/** Collects the attached output by stream; a TTY's console counts as stdout. */
async function collectOutput(
  session: AttachSession,
  onOutput: ((frame: LogFrame) => void) | undefined,
): Promise<{ stdout: Buffer; stderr: Buffer }> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  for await (const frame of session.output) {
    onOutput?.(frame);
    (frame.stream === 'stderr' ? stderr : stdout).push(frame.data);
  }
  // Buffer.concat copies: frames may be views into network buffers.
  return { stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
}

/**
 * After a failure or abort: stops the container when the run was aborted, removes it when asked.
 * Best effort — the container may already be gone (AutoRemove) or never have started.
 */
async function cleanUp(containers: Containers, id: string, options: RunOptions): Promise<void> {
  if (options.signal?.aborted) {
    await containers.stop(id, { t: options.stopTimeout ?? 10 }).catch(() => {});
  }
  if (!options.remove) return;
  try {
    await containers.remove(id, { force: true, v: true });
  } catch (err) {
    // The daemon is already removing it (AutoRemove after the stop): wait until it is gone, so
    // that `run` settles with the container removed. Bounded: cleanup must not hang a failed run.
    if (isConflict(err)) {
      await containers
        .wait(id, { condition: 'removed', signal: AbortSignal.timeout(REMOVAL_WAIT_MS) })
        .catch(() => {});
    }
  }
}

/** Creates the container, pulling the image first (`always`) or when create says it is missing. */
async function createPulling(
  containers: Containers,
  images: Images,
  image: string,
  body: G.ContainerCreateBody,
  options: RunOptions,
): Promise<G.ContainerCreateResult> {
  const { signal, name, platform } = options;
  const policy = options.pull ?? 'missing';
  if (policy !== 'missing' && policy !== 'always' && policy !== 'never') {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `run: pull must be 'missing', 'always' or 'never', not ${JSON.stringify(policy)}`,
    );
  }
  const create = () => containers.create({ ...body, name, platform, signal });
  if (policy === 'always') {
    await pull(images, image, options);
    return create();
  }
  try {
    return await create();
  } catch (err) {
    if (policy === 'never' || !isNotFound(err)) throw err;
    // A 404 may also mean a missing network or volume driver: pull only if the image is the one missing.
    const imageMissing = await images.inspect(image, { signal }).then(
      () => false,
      (inspectError: unknown) => {
        if (isNotFound(inspectError)) return true;
        throw inspectError;
      },
    );
    if (!imageMissing) throw err;
  }
  await pull(images, image, options);
  return create();
}

async function pull(images: Images, image: string, options: RunOptions): Promise<void> {
  const { auth, platform, signal, onPullProgress } = options;
  const progress = images.pull(image, { auth, platform, signal });
  if (onPullProgress) for await (const message of progress.messages()) onPullProgress(message);
  await progress.wait();
}

/** The create body `run`'s options describe, with `options.create` merged over it. */
function createBody(image: string, cmd: Command | undefined, options: RunOptions): G.ContainerCreateBody {
  const { ports, input, tty } = options;
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp?: string; HostPort?: string }[]> = {};
  for (const [port, publish] of Object.entries(ports ?? {})) {
    const key = port.includes('/') ? port : `${port}/tcp`;
    exposed[key] = {};
    bindings[key] = (Array.isArray(publish) ? publish : [publish]).map((one) => portBinding(one, key));
  }
  const hostConfig: G.ContainerCreateBody['HostConfig'] = {
    Binds: options.volumes === undefined ? undefined : binds(options.volumes),
    PortBindings: ports ? bindings : undefined,
    NetworkMode: options.network,
    Privileged: options.privileged,
    AutoRemove: options.remove || undefined,
  };
  const attachStdin = input !== undefined;
  const body: G.ContainerCreateBody = {
    Image: image,
    Cmd: cmd === undefined ? undefined : toArgv(cmd, 'run: cmd'),
    Entrypoint: entrypointOf(options.entrypoint),
    Env: options.env === undefined ? undefined : formatEnvironment(options.env, 'run: env'),
    Labels: options.labels ? { ...options.labels } : undefined,
    WorkingDir: options.workingDir,
    User: options.user,
    Hostname: options.hostname,
    Tty: tty,
    ExposedPorts: ports ? exposed : undefined,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: attachStdin || undefined,
    OpenStdin: attachStdin || undefined,
    // The daemon closes the container's stdin when the (only) attached client ends it.
    StdinOnce: attachStdin || undefined,
  };
  const extra = options.create ?? {};
  return {
    ...body,
    ...extra,
    Labels: body.Labels || extra.Labels ? { ...body.Labels, ...extra.Labels } : undefined,
    HostConfig: { ...hostConfig, ...extra.HostConfig },
  };
}

function entrypointOf(entrypoint: Command | undefined): string[] | undefined {
  if (entrypoint === undefined) return undefined;
  // Empty clears the image's entrypoint (the Engine takes [""] for that).
  if (entrypoint === '' || (Array.isArray(entrypoint) && entrypoint.length === 0)) return [''];
  return toArgv(entrypoint, 'run: entrypoint');
}

function binds(volumes: NonNullable<RunOptions['volumes']>): string[] {
  if (Array.isArray(volumes)) return [...(volumes as readonly string[])];
  return Object.entries(volumes as Readonly<Record<string, { bind: string; mode?: string }>>).map(
    ([source, { bind, mode }]) => (mode ? `${source}:${bind}:${mode}` : `${source}:${bind}`),
  );
}

function portBinding(
  publish: Exclude<PortPublish, readonly unknown[]>,
  port: string,
): { HostIp?: string; HostPort?: string } {
  if (publish === null) return { HostPort: '' };
  if (typeof publish === 'number' || typeof publish === 'string') return { HostPort: String(publish) };
  if (typeof publish === 'object') {
    return {
      HostIp: publish.hostIp,
      HostPort: publish.hostPort === undefined ? '' : String(publish.hostPort),
    };
  }
  throw new EngineError(
    'INVALID_ARGUMENT',
    `run: ports[${JSON.stringify(port)}] must be a host port, null or { hostIp, hostPort }`,
  );
}
