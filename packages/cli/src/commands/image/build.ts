/**
 * `gantry build` / `image build`: builds an image with the engine's classic builder from a
 * directory (its `.dockerignore` applied, streamed while it is read), a URL the daemon fetches, or
 * `-`: a tar (plain or compressed) or a lone Dockerfile on stdin. The daemon's build output is
 * streamed as it comes; `-q` prints only the image ID. A failing step exits with the step's code,
 * as docker does.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { BuildOptions, BuildSource } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { quietFlag } from '../../flags.ts';
import type { CommandIO, Input } from '../../io.ts';
import { commaSeparated, keyValues } from '../../objects.ts';
import { parseBytes, parseExtraHost, parseSwapBytes, validateLabel } from '../../opts/values.ts';
import { displayProgress } from '../../output/progress.ts';

const bytesFlag = (description: string) =>
  ({
    type: 'string',
    placeholder: 'bytes',
    description,
    validate: (value: string) => void parseBytes(value),
  }) as const;

export const definition = defineCommand({
  summary: 'Build an image from a Dockerfile',
  usage: '[OPTIONS] PATH | URL | -',
  flags: {
    'add-host': {
      type: 'list',
      description: 'Add a custom host-to-IP mapping ("host:ip")',
      validate: (value: string) => void parseExtraHost(value),
    },
    'build-arg': { type: 'list', description: 'Set build-time variables' },
    'cache-from': {
      type: 'list',
      placeholder: 'strings',
      description: 'Images to consider as cache sources',
    },
    compress: { type: 'boolean', description: 'Compress the build context using gzip' },
    'cpu-period': { type: 'number', description: 'Limit the CPU CFS (Completely Fair Scheduler) period' },
    'cpu-quota': { type: 'number', description: 'Limit the CPU CFS (Completely Fair Scheduler) quota' },
    'cpu-shares': { type: 'number', short: 'c', description: 'CPU shares (relative weight)' },
    'cpuset-cpus': { type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
    'disable-content-trust': { type: 'boolean', description: 'Skip image verification', default: true },
    file: {
      type: 'string',
      short: 'f',
      description: 'Name of the Dockerfile (Default is "PATH/Dockerfile")',
    },
    'force-rm': { type: 'boolean', description: 'Always remove intermediate containers' },
    iidfile: { type: 'string', description: 'Write the image ID to the file' },
    label: { type: 'list', description: 'Set metadata for an image', validate: validateLabel },
    memory: { ...bytesFlag('Memory limit'), short: 'm' },
    'memory-swap': {
      type: 'string',
      placeholder: 'bytes',
      description: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap',
      validate: (value: string) => void parseSwapBytes(value),
    },
    network: {
      type: 'string',
      description: 'Set the networking mode for the RUN instructions during build',
      default: 'default',
    },
    'no-cache': { type: 'boolean', description: 'Do not use cache when building the image' },
    platform: { type: 'string', description: 'Set platform if server is multi-platform capable' },
    pull: { type: 'boolean', description: 'Always attempt to pull a newer version of the image' },
    quiet: quietFlag('Suppress the build output and print image ID on success'),
    rm: {
      type: 'boolean',
      description: 'Remove intermediate containers after a successful build',
      default: true,
    },
    'shm-size': bytesFlag('Size of "/dev/shm"'),
    tag: { type: 'list', short: 't', description: 'Name and optionally a tag in the "name:tag" format' },
    target: { type: 'string', description: 'Set the target build stage to build.' },
  },
  args: { context: { required: true } },
});

export type BuildCommandOptions = OptionsOf<typeof definition>;

/** What the daemon needs besides the query: the context, and a directory to remove afterwards. */
interface PreparedContext {
  readonly source: BuildSource;
  /** `dockerfile` relative to the context, when `-f` named one. */
  readonly dockerfile: string | undefined;
  readonly cleanup?: () => Promise<void>;
}

export async function run(opts: BuildCommandOptions, io: CommandIO): Promise<number> {
  const context = await prepareContext(opts.context, opts.file, opts.compress, io);
  try {
    const docker = await io.client();
    const build = docker.images.build(context.source, {
      ...buildQuery(opts, io),
      dockerfile: context.dockerfile,
    });
    try {
      if (!opts.quiet)
        await displayProgress(build.messages(), io.stdout, { width: io.terminalSize()?.columns });
      const { imageId } = await build.wait();
      if (opts.quiet) io.stdout.write(`${imageId}\n`);
      if (opts.iidfile) await writeFile(opts.iidfile, imageId);
    } catch (err) {
      throw await buildFailure(err, opts.quiet, io);
    }
  } finally {
    await context.cleanup?.();
  }
  return 0;
}

/** The `/build` query from the flags. */
function buildQuery(opts: BuildCommandOptions, io: CommandIO): BuildOptions {
  const query: Record<string, unknown> = {
    t: opts.tag.length > 0 ? [...opts.tag] : undefined,
    extrahosts: opts.addHost.length > 0 ? opts.addHost.map(parseExtraHost) : undefined,
    q: opts.quiet,
    nocache: opts.noCache,
    cachefrom: opts.cacheFrom.length > 0 ? commaSeparated(opts.cacheFrom) : undefined,
    pull: opts.pull ? '1' : undefined,
    rm: opts.rm,
    forcerm: opts.forceRm,
    memory: opts.memory ? parseBytes(opts.memory) : undefined,
    memswap: opts.memorySwap ? parseSwapBytes(opts.memorySwap) : undefined,
    cpushares: opts.changed.has('cpu-shares') ? opts.cpuShares : undefined,
    cpusetcpus: opts.cpusetCpus,
    cpuperiod: opts.changed.has('cpu-period') ? opts.cpuPeriod : undefined,
    cpuquota: opts.changed.has('cpu-quota') ? opts.cpuQuota : undefined,
    buildargs: buildArgs(opts.buildArg, io.env),
    shmsize: opts.shmSize ? parseBytes(opts.shmSize) : undefined,
    labels: opts.label.length > 0 ? keyValues(opts.label) : undefined,
    networkmode: opts.network,
    platform: opts.platform || io.env.DOCKER_DEFAULT_PLATFORM || undefined,
    target: opts.target,
    signal: io.signal,
  };
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as BuildOptions;
}

/**
 * `--build-arg NAME=value`, or `--build-arg NAME` taking the value from gantry's environment (left
 * out when it is unset there, so the Dockerfile's default applies), as docker does.
 */
function buildArgs(
  entries: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> | undefined {
  if (entries.length === 0) return undefined;
  const args: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at >= 0) args[entry.slice(0, at)] = entry.slice(at + 1);
    else if (env[entry] !== undefined) args[entry] = env[entry];
  }
  return args;
}

/** The context argument as a build source, with `-f` resolved as docker resolves it. */
async function prepareContext(
  context: string,
  file: string | undefined,
  compress: boolean,
  io: CommandIO,
): Promise<PreparedContext> {
  if (context === '-') {
    if (file === '-')
      throw new StatusError(1, "invalid argument: can't use stdin for both build context and dockerfile");
    return stdinContext(io.stdin, file);
  }
  if (/^(https?:\/\/|git@|git:\/\/|github\.com\/)/.test(context)) {
    return { source: { remote: context }, dockerfile: file };
  }
  const directory = resolve(context);
  const info = await stat(directory).catch(() => undefined);
  if (!info) throw new StatusError(1, `unable to prepare context: path "${context}" not found`);
  if (!info.isDirectory()) {
    throw new StatusError(1, `unable to prepare context: context must be a directory: ${directory}`);
  }
  if (file === '-') {
    throw new StatusError(
      1,
      'a Dockerfile on stdin (-f -) with a directory context is not supported — save it inside the context and pass -f PATH',
    );
  }
  if (file === undefined) return { source: { directory, gzip: compress }, dockerfile: undefined };
  // As docker: -f is relative to the current directory, not to the context.
  const dockerfile = relative(directory, resolve(file));
  if (dockerfile === '..' || dockerfile.startsWith(`..${sep}`)) {
    throw new StatusError(
      1,
      `the Dockerfile (${file}) must be within the build context (${context}) — move it there or pass that directory as the context`,
    );
  }
  return { source: { directory, gzip: compress }, dockerfile: dockerfile.split(sep).join('/') };
}

/**
 * `build -`: stdin holds a context archive (tar, or gzip / bzip2 / xz compressed: sent as it is), or
 * else a Dockerfile, which becomes the whole context.
 */
async function stdinContext(stdin: Input, file: string | undefined): Promise<PreparedContext> {
  const bytes = await readAll(stdin);
  if (isArchive(bytes)) return { source: bytes, dockerfile: file };
  const directory = await mkdtemp(join(tmpdir(), 'gantry-build-'));
  await writeFile(join(directory, 'Dockerfile'), bytes);
  return {
    source: { directory },
    dockerfile: undefined,
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}

async function readAll(input: Input): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** A tar (`ustar` magic at byte 257) or a compressed stream (gzip, bzip2, xz): docker's DetectCompression. */
function isArchive(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.subarray(257, 262).toString('latin1') === 'ustar') return true;
  const starts = (magic: number[]) => magic.every((byte, at) => buffer[at] === byte);
  return starts([0x1f, 0x8b]) || starts([0x42, 0x5a, 0x68]) || starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
}

/**
 * A failed build as docker reports it: the daemon's message, exit code the step's (`errorDetail.code`,
 * else 1); with `-q` the suppressed output is printed on stderr first.
 */
async function buildFailure(err: unknown, quiet: boolean, io: CommandIO): Promise<unknown> {
  const { EngineBuildError } = await import('@gantry/engine');
  if (!(err instanceof EngineBuildError)) return err;
  if (quiet && err.log) io.stderr.write(err.log);
  const code = (err.detail as { code?: unknown } | undefined)?.code;
  return new StatusError(typeof code === 'number' && code > 0 ? code : 1, err.message, { cause: err });
}
