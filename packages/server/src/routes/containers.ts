/**
 * Container routes beyond the list (served from the inventory): inspect, top, changes, one stats
 * sample, create, the lifecycle actions, remove and prune, files in and out, and a non-interactive
 * exec. Logs, terminals and live stats are realtime channels.
 */
import type { DockerClient } from '@gantry/engine';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import {
  ARCHIVE_UPLOAD_LIMIT,
  clientOf,
  count,
  envNames,
  filtersQuery,
  flag,
  idParams,
  labels,
  limitedUpload,
  streamed,
} from './resource-kit.ts';

const BASE = '/api/engines/:engine/containers';
const params = idParams('container');

type CreateOptions = Parameters<DockerClient['containers']['create']>[0];
type UpdateOptions = Parameters<DockerClient['containers']['update']>[1];

/** Docker's own rule for container names (a leading `/` is how inspect shows them). */
const containerName = z
  .string()
  .regex(
    /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/,
    'a container name is 2+ characters: letters, digits, "_", "." and "-", starting with a letter or digit',
  );

/** A signal by name (`SIGTERM`, `TERM`) or number (`9`). */
const killSignal = z
  .string()
  .regex(/^(?:(?:SIG)?[A-Z][A-Z0-9+-]*|\d{1,2})$/, 'a signal is a name like SIGTERM or a number like 9')
  .optional();

const argv = z.array(z.string());

const portSpec = z
  .string()
  .regex(
    /^\d{1,5}(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/,
    'a port key looks like "80/tcp" or "8000-8010/udp"',
  );

const portBinding = z.object({
  HostIp: z.string().optional(),
  HostPort: z
    .string()
    .regex(/^(?:\d{1,5}(?:-\d{1,5})?)?$/, 'HostPort is a port number as a string, or ""')
    .optional(),
});

const restartPolicy = z.object({
  Name: z.enum(['', 'no', 'always', 'unless-stopped', 'on-failure']).optional(),
  MaximumRetryCount: z.number().int().nonnegative().optional(),
});

const bytes = z
  .number()
  .int()
  .min(-1, 'a memory size is bytes, or -1 for unlimited where the engine allows it');

/** The resource fields of both create (`HostConfig`) and update, the ones a UI sets most. */
const resources = {
  Memory: bytes.optional(),
  MemorySwap: bytes.optional(),
  MemoryReservation: bytes.optional(),
  NanoCpus: z.number().int().nonnegative().optional(),
  CpuShares: z.number().int().nonnegative().optional(),
  CpuQuota: z.number().int().optional(),
  CpuPeriod: z.number().int().nonnegative().optional(),
  CpusetCpus: z.string().optional(),
  PidsLimit: z.number().int().nullable().optional(),
  RestartPolicy: restartPolicy.optional(),
};

const mount = z.looseObject({
  Target: z.string().min(1, 'a mount needs a Target path in the container'),
  Source: z.string().optional(),
  Type: z.enum(['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image']).optional(),
  ReadOnly: z.boolean().optional(),
});

const hostConfig = z.looseObject({
  ...resources,
  PortBindings: z.record(portSpec, z.array(portBinding).nullable()).optional(),
  PublishAllPorts: z.boolean().optional(),
  Binds: z.array(z.string().min(1, 'a bind is "source:target[:options]"')).optional(),
  Mounts: z.array(mount).optional(),
  NetworkMode: z.string().optional(),
  AutoRemove: z.boolean().optional(),
  Privileged: z.boolean().optional(),
  ReadonlyRootfs: z.boolean().optional(),
  CapAdd: z.array(z.string()).nullable().optional(),
  CapDrop: z.array(z.string()).nullable().optional(),
  Dns: z.array(z.string()).optional(),
  ExtraHosts: z.array(z.string()).nullable().optional(),
});

const createBody = z.looseObject({
  Image: z
    .string({ error: 'Image is required: the image (name or id) to create the container from' })
    .min(1, 'Image is required: the image (name or id) to create the container from'),
  Cmd: argv.optional(),
  Entrypoint: argv.optional(),
  Env: z.array(z.string().regex(/^[^=]+/, 'an Env entry is "KEY=value" (or "KEY" to unset)')).optional(),
  Labels: labels.optional(),
  WorkingDir: z.string().optional(),
  User: z.string().optional(),
  Hostname: z.string().optional(),
  Tty: z.boolean().optional(),
  OpenStdin: z.boolean().optional(),
  ExposedPorts: z.record(portSpec, z.object({})).nullable().optional(),
  Volumes: z.record(z.string(), z.object({})).optional(),
  StopSignal: z.string().nullable().optional(),
  StopTimeout: z.number().int().nonnegative().nullable().optional(),
  HostConfig: hostConfig.optional(),
  NetworkingConfig: z
    .looseObject({ EndpointsConfig: z.record(z.string(), z.looseObject({})).optional() })
    .optional(),
});

const stopQuery = z.object({ t: count(), signal: killSignal });

/** 1 MiB of each of stdout and stderr: an exec meant for a terminal belongs on the terminal channel. */
const EXEC_OUTPUT_LIMIT = 1024 ** 2;

const execBody = z.object({
  Cmd: argv.min(1, 'Cmd is the command and its arguments, e.g. ["ls", "-l", "/"]'),
  Env: z.array(z.string().regex(/^[^=]+/, 'an Env entry is "KEY=value"')).optional(),
  User: z.string().optional(),
  WorkingDir: z.string().optional(),
  Privileged: z.boolean().optional(),
  /** Seconds before the console stops waiting (the process itself is not killed): 1..3600, default 60. */
  timeout: z.number().int().min(1).max(3600).optional(),
});

/** Keeps the first `limit` bytes of a stream and counts the rest. */
class CappedOutput {
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  readonly #limit: number;
  truncated = false;
  constructor(limit: number) {
    this.#limit = limit;
  }
  push(data: Buffer): void {
    const room = this.#limit - this.#kept;
    if (data.length > room) this.truncated = true;
    if (room <= 0) return;
    const piece = Buffer.from(data.subarray(0, room));
    this.#chunks.push(piece);
    this.#kept += piece.length;
  }
  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

const pathQuery = z.object({
  path: z.string().min(1, 'path is required: an absolute path in the container'),
});

export const containerRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'POST',
    path: BASE,
    requirement: 'containers.create',
    operation: 'containers.create',
    summary: 'Create a container (name and platform in the query; the container config as the body)',
    query: z.object({ name: containerName.optional(), platform: z.string().min(1).optional() }),
    body: createBody,
    handler: async (context) => {
      const { body, query } = context;
      context.audit.target = query.name ?? body.Image;
      context.audit.params = {
        image: body.Image,
        name: query.name,
        cmd: body.Cmd,
        envNames: envNames(body.Env),
        ports: body.HostConfig?.PortBindings && Object.keys(body.HostConfig.PortBindings),
        binds: body.HostConfig?.Binds,
        mounts: body.HostConfig?.Mounts?.map((m) => `${m.Type ?? 'volume'}:${m.Source ?? ''}:${m.Target}`),
        restart: body.HostConfig?.RestartPolicy?.Name,
        privileged: body.HostConfig?.Privileged,
      };
      const created = await clientOf(context).containers.create({
        ...(body as CreateOptions),
        name: query.name,
        platform: query.platform,
        signal: context.signal,
      });
      context.audit.target = created.Id;
      return created;
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/prune`,
    requirement: 'containers.remove',
    operation: 'containers.prune',
    summary: 'Remove stopped containers matching ?filters= (label, until)',
    query: z.object({ filters: filtersQuery }),
    handler: async (context) => {
      context.audit.params = { filters: context.query.filters };
      return clientOf(context).containers.prune({ filters: context.query.filters, signal: context.signal });
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id`,
    requirement: 'containers.read',
    operation: 'containers.inspect',
    summary: 'Inspect a container (?size=true adds SizeRw / SizeRootFs, slowly)',
    params,
    query: z.object({ size: flag() }),
    handler: (context) =>
      clientOf(context).containers.inspect(context.params.id, {
        size: context.query.size,
        signal: context.signal,
      }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id/top`,
    requirement: 'containers.read',
    operation: 'containers.top',
    summary: "The container's processes (?ps_args=aux)",
    params,
    query: z.object({ ps_args: z.string().max(100).optional() }),
    handler: (context) =>
      clientOf(context).containers.top(context.params.id, {
        ps_args: context.query.ps_args,
        signal: context.signal,
      }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id/changes`,
    requirement: 'containers.read',
    operation: 'containers.changes',
    summary: "Files changed in the container's filesystem (Kind 0 modified, 1 added, 2 deleted)",
    params,
    handler: (context) => clientOf(context).containers.changes(context.params.id, { signal: context.signal }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id/stats`,
    requirement: 'stats.read',
    operation: 'containers.stats',
    summary: 'One resource-usage sample (the stats channel streams them)',
    params,
    handler: (context) =>
      clientOf(context).containers.stats(context.params.id, {
        stream: false,
        'one-shot': true,
        signal: context.signal,
      }),
  }),
  ...(['start', 'pause', 'unpause'] as const).map((action) =>
    defineRoute({
      method: 'POST',
      path: `${BASE}/:id/${action}`,
      requirement: 'containers.operate',
      operation: `containers.${action}`,
      summary: `${action[0]?.toUpperCase()}${action.slice(1)} a container`,
      params,
      handler: async (context) => {
        context.audit.target = context.params.id;
        await clientOf(context).containers[action](context.params.id, { signal: context.signal });
      },
    }),
  ),
  ...(['stop', 'restart'] as const).map((action) =>
    defineRoute({
      method: 'POST',
      path: `${BASE}/:id/${action}`,
      requirement: 'containers.operate',
      operation: `containers.${action}`,
      summary: `${action === 'stop' ? 'Stop' : 'Restart'} a container (?t= seconds before SIGKILL, ?signal= to stop with)`,
      params,
      query: stopQuery,
      handler: async (context) => {
        const { t, signal } = context.query;
        context.audit.target = context.params.id;
        context.audit.params = { t, signal };
        await clientOf(context).containers[action](context.params.id, {
          t,
          killSignal: signal,
          signal: context.signal,
        });
      },
    }),
  ),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/kill`,
    requirement: 'containers.operate',
    operation: 'containers.kill',
    summary: 'Send a signal to a container (?signal=, default SIGKILL)',
    params,
    query: z.object({ signal: killSignal }),
    handler: async (context) => {
      context.audit.target = context.params.id;
      context.audit.params = { signal: context.query.signal };
      await clientOf(context).containers.kill(context.params.id, {
        killSignal: context.query.signal,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/rename`,
    requirement: 'containers.operate',
    operation: 'containers.rename',
    summary: 'Rename a container (?name=)',
    params,
    query: z.object({ name: containerName }),
    handler: async (context) => {
      context.audit.target = context.params.id;
      context.audit.params = { name: context.query.name };
      await clientOf(context).containers.rename(context.params.id, {
        name: context.query.name,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/update`,
    requirement: 'containers.operate',
    operation: 'containers.update',
    summary: "Change a container's resource limits and restart policy",
    params,
    body: z.looseObject(resources),
    handler: async (context) => {
      context.audit.target = context.params.id;
      context.audit.params = { ...context.body };
      return clientOf(context).containers.update(context.params.id, {
        ...(context.body as UpdateOptions),
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/wait`,
    requirement: 'containers.operate',
    operation: 'containers.wait',
    summary:
      'Wait until the container is not running (?condition=not-running|next-exit|removed): { StatusCode }',
    params,
    query: z.object({ condition: z.enum(['not-running', 'next-exit', 'removed']).optional() }),
    handler: (context) => {
      context.audit.target = context.params.id;
      return clientOf(context).containers.wait(context.params.id, {
        condition: context.query.condition,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/resize`,
    requirement: 'containers.operate',
    operation: 'containers.resize',
    summary: "Resize the container's TTY (?h= rows &w= columns)",
    params,
    query: z.object({
      h: z.coerce.number().int().min(1).max(10_000),
      w: z.coerce.number().int().min(1).max(10_000),
    }),
    handler: async (context) => {
      context.audit.target = context.params.id;
      await clientOf(context).containers.resize(context.params.id, {
        ...context.query,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:id`,
    requirement: 'containers.remove',
    operation: 'containers.remove',
    summary:
      'Remove a container (?force=true kills a running one, ?volumes=true removes its anonymous volumes)',
    params,
    query: z.object({ force: flag(), volumes: flag(), link: flag() }),
    handler: async (context) => {
      const { force, volumes, link } = context.query;
      context.audit.target = context.params.id;
      context.audit.params = { force, volumes, link };
      await clientOf(context).containers.remove(context.params.id, {
        force,
        v: volumes,
        link,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id/export`,
    requirement: 'containers.files.read',
    operation: 'containers.export',
    summary: "The container's filesystem as a tar stream",
    params,
    handler: async (context) => {
      const tar = await clientOf(context).containers.export(context.params.id, { signal: context.signal });
      return streamed(tar, { contentType: 'application/x-tar', filename: `${context.params.id}.tar` });
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id/archive/stat`,
    requirement: 'containers.files.read',
    operation: 'containers.archiveInfo',
    summary: 'What a path in the container is: { name, size, mode, mtime, linkTarget }',
    params,
    query: pathQuery,
    handler: (context) =>
      clientOf(context).containers.archiveInfo(context.params.id, {
        path: context.query.path,
        signal: context.signal,
      }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:id/archive`,
    requirement: 'containers.files.read',
    operation: 'containers.getArchive',
    summary:
      'A file or directory of the container as a tar stream (?path=); its stat in X-Docker-Container-Path-Stat',
    params,
    query: pathQuery,
    handler: async (context) => {
      const { stat, tar } = await clientOf(context).containers.getArchive(context.params.id, {
        path: context.query.path,
        signal: context.signal,
      });
      return streamed(tar, {
        contentType: 'application/x-tar',
        filename: `${stat.name || 'archive'}.tar`,
        // As the daemon sends it: base64 JSON, so any file name survives a header.
        headers: { 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64') },
      });
    },
  }),
  defineRoute({
    method: 'PUT',
    path: `${BASE}/:id/archive`,
    requirement: 'containers.files.write',
    operation: 'containers.putArchive',
    summary:
      'Extract the tar body (streamed, at most 1 GiB; gzip/bzip2/xz allowed) into a directory of the container (?path=)',
    params,
    query: pathQuery.extend({ noOverwriteDirNonDir: flag(), copyUIDGID: flag() }),
    handler: async (context) => {
      const { path, noOverwriteDirNonDir, copyUIDGID } = context.query;
      context.audit.target = context.params.id;
      context.audit.params = { path, noOverwriteDirNonDir, copyUIDGID };
      const upload = limitedUpload(context.request, context.signal, ARCHIVE_UPLOAD_LIMIT, 'the archive');
      await upload.run((signal) =>
        clientOf(context).containers.putArchive(context.params.id, upload.body, {
          path,
          noOverwriteDirNonDir,
          copyUIDGID,
          signal,
        }),
      );
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:id/exec`,
    requirement: 'containers.exec',
    operation: 'containers.execRun',
    summary:
      'Run a command in the container and wait for it: { exitCode, stdout, stderr, truncated } (1 MiB of each kept)',
    params,
    body: execBody,
    handler: async (context) => {
      const { Cmd, Env, User, WorkingDir, Privileged, timeout = 60 } = context.body;
      context.audit.target = context.params.id;
      context.audit.params = {
        cmd: Cmd,
        envNames: envNames(Env),
        user: User,
        workdir: WorkingDir,
        privileged: Privileged,
      };
      const deadline = AbortSignal.timeout(timeout * 1000);
      const signal = AbortSignal.any([context.signal, deadline]);
      const stdout = new CappedOutput(EXEC_OUTPUT_LIMIT);
      const stderr = new CappedOutput(EXEC_OUTPUT_LIMIT);
      try {
        const run = await clientOf(context).execRun(context.params.id, Cmd, {
          stream: true,
          demux: true,
          environment: Env,
          user: User,
          workdir: WorkingDir,
          privileged: Privileged,
          signal,
        });
        try {
          for await (const frame of run.output)
            (frame.stream === 'stderr' ? stderr : stdout).push(frame.data);
          const exitCode = await run.exitCode({ signal });
          return {
            exitCode,
            stdout: stdout.text(),
            stderr: stderr.text(),
            truncated: stdout.truncated || stderr.truncated,
          };
        } finally {
          run.close();
        }
      } catch (err) {
        if (deadline.aborted && !context.signal.aborted) {
          throw new HttpError(
            504,
            'EXEC_TIMEOUT',
            `the command did not finish within ${timeout} s (it may still be running in the container); raise "timeout" (at most 3600) or use a terminal`,
          );
        }
        throw err;
      }
    },
  }),
];
