/**
 * Turns an `images.build` call into its `/build` request: the context body for each kind of
 * source, and an `X-Registry-Config` header holding credentials for exactly the registries the
 * Dockerfile pulls from (the docker CLI sends every credential it has).
 */
import { readFile } from 'node:fs/promises';
import { buildContext, resolveDockerfile } from './build-context.ts';
import { abortable, type OperationInput } from './core.ts';
import { type CredentialSource, registryConfigFor } from './credentials.ts';
import { dockerfileRegistries } from './dockerfile.ts';
import { EngineBuildError, EngineError, EngineStreamError } from './errors.ts';
import { encodeRegistryConfig, type RegistryAuth } from './registry-auth.ts';
import type { BuildOptions, BuildResult, BuildSource } from './resources/images.ts';
import { type JsonMessage, type ProgressResult, progressError } from './streams/progress.ts';
import { readTarFile } from './tar.ts';

/** How much build output a failed build's error keeps: its last 64 KiB (characters). */
const LOG_TAIL = 64 * 1024;
const SUCCESSFULLY_BUILT = /^Successfully built ([0-9a-f]+)$/;
const QUIET_BUILD_ID = /^(sha256:[0-9a-f]{64})$/;

/**
 * The `/build` request for `source`: a directory is streamed as a context (its Dockerfile read
 * first, for the registries it needs), a remote URL goes in the query with no body, a tar the caller
 * made is sent as is. Credentials: `options.auth` entries as given, plus what `credentials` has for
 * each registry the Dockerfile pulls from — readable for a directory and for an uncompressed tar
 * in memory; for a stream or a remote context only `options.auth` is sent.
 */
export async function buildRequest(
  source: BuildSource,
  options: BuildOptions,
  credentials: CredentialSource | undefined,
): Promise<OperationInput> {
  const { signal, auth, ...query } = options;
  const registryConfig = async (dockerfile: string | undefined) => {
    const registries = dockerfile === undefined ? [] : dockerfileRegistries(dockerfile, query.buildargs);
    return registryHeader(await abortable(registryConfigFor(registries, credentials, auth), signal));
  };

  if (isRemote(source)) {
    if (typeof source.remote !== 'string' || source.remote === '') {
      throw new EngineError('INVALID_ARGUMENT', 'images.build: remote must be a non-empty URL');
    }
    return { query: { ...query, remote: source.remote }, headers: await registryConfig(undefined), signal };
  }

  if (isDirectory(source)) {
    if (typeof source.directory !== 'string' || source.directory === '') {
      throw new EngineError('INVALID_ARGUMENT', 'images.build: directory must be a non-empty path');
    }
    const dockerfile = await resolveDockerfile(source.directory, query.dockerfile);
    const text = await readFile(dockerfile.absolutePath, 'utf8');
    const headers = await registryConfig(text);
    const body = buildContext(source.directory, {
      dockerfile: dockerfile.relativePath,
      gzip: source.gzip,
      signal,
    });
    const dockerfileQuery = query.dockerfile === undefined ? {} : { dockerfile: dockerfile.relativePath };
    return {
      query: { ...query, ...dockerfileQuery },
      body,
      contentType: 'application/x-tar',
      headers,
      signal,
    };
  }

  const dockerfile =
    source instanceof Uint8Array
      ? (query.dockerfile === undefined
          ? (readTarFile(source, 'Dockerfile') ?? readTarFile(source, 'dockerfile'))
          : readTarFile(source, query.dockerfile)
        )?.toString('utf8')
      : undefined;
  const headers = await registryConfig(dockerfile);
  return { query, body: source, contentType: 'application/x-tar', headers, signal };
}

/**
 * What a build's progress stream needs: `tap` keeps the tail of the output and the image ID
 * `Successfully built <id>` names (`q: true` prints only the ID), and turns the daemon's error
 * message into an {@link EngineBuildError} carrying that output; `finish` resolves with the ID,
 * preferring the `aux` message's full `sha256:…`.
 */
export function buildProgressHooks(): {
  tap: (message: JsonMessage) => void;
  finish: (result: ProgressResult) => BuildResult;
} {
  let log = '';
  let fromLog: string | undefined;
  return {
    tap: (message) => {
      const failure = progressError(message);
      if (failure) throw new EngineBuildError(failure.message, failure.detail, log.slice(-LOG_TAIL));
      if (typeof message.stream !== 'string') return;
      log += message.stream;
      // Trimmed in batches: slicing on every message would copy the tail each time.
      if (log.length > 2 * LOG_TAIL) log = log.slice(-LOG_TAIL);
      const line = message.stream.trim();
      const id = SUCCESSFULLY_BUILT.exec(line)?.[1] ?? QUIET_BUILD_ID.exec(line)?.[1];
      if (id) fromLog = id;
    },
    finish: (result) => {
      const aux = result.aux.findLast((a) => typeof a.ID === 'string');
      const imageId = (aux?.ID as string | undefined) ?? fromLog;
      if (!imageId) {
        throw new EngineStreamError(
          'STREAM_PROTOCOL',
          `the build ended without reporting an image ID (last status: ${result.lastStatus ?? 'none'})`,
        );
      }
      return { ...result, imageId };
    },
  };
}

/** `X-Registry-Config` when there are credentials to send. */
function registryHeader(config: Record<string, RegistryAuth>): Record<string, string> {
  return Object.keys(config).length > 0 ? { 'X-Registry-Config': encodeRegistryConfig(config) } : {};
}

function isRemote(source: BuildSource): source is { readonly remote: string } {
  return typeof source === 'object' && source !== null && 'remote' in source;
}

function isDirectory(source: BuildSource): source is { readonly directory: string; readonly gzip?: boolean } {
  return typeof source === 'object' && source !== null && 'directory' in source;
}
