/**
 * Creating a container as `docker create` and `docker run` do: `--pull always` pulls first,
 * `missing` pulls when the engine says the image is not there ("Unable to find image 'x:latest'
 * locally" on stderr, then the pull's progress on stderr unless `-q`), `never` does not; the
 * engine's warnings on stderr; `--cidfile` written with the new id.
 */
import { writeFile } from 'node:fs/promises';
import type { DockerClient } from '@gantry/engine';
import type { CreateRequest, PullPolicy } from './container-create-flags.ts';
import { StatusError } from './errors.ts';
import { familiarString, parseReference } from './formatters/reference.ts';
import type { CommandIO } from './io.ts';
import { displayProgress } from './output/progress.ts';

export interface CreateContainerOptions {
  readonly pull: PullPolicy;
  /** `-q`: no pull progress (the "Unable to find image" line stays, as docker's). */
  readonly quiet: boolean;
  /** `--cidfile`: where to write the container's id; refused when the file exists. */
  readonly cidfile?: string | undefined;
}

/**
 * Creates the container `request` describes and returns its id.
 *
 * @example
 * const id = await createContainer(docker, request, { pull: 'missing', quiet: false }, io);
 */
export async function createContainer(
  docker: DockerClient,
  request: CreateRequest,
  options: CreateContainerOptions,
  io: CommandIO,
): Promise<string> {
  const image = request.Image ?? '';
  if (options.cidfile !== undefined) await claimCidFile(options.cidfile);
  const pull = () => pullImage(docker, image, request.platform, options.quiet, io);
  const create = () => docker.containers.create({ ...request, signal: io.signal });
  if (options.pull === 'always') await pull();
  let created: Awaited<ReturnType<typeof create>>;
  try {
    created = await create();
  } catch (err) {
    const { isNotFound } = await import('@gantry/engine');
    if (options.pull !== 'missing' || !isNotFound(err) || !(await imageMissing(docker, image, io))) throw err;
    io.stderr.write(`Unable to find image '${taggedName(image)}' locally\n`);
    await pull();
    created = await create();
  }
  for (const warning of created.Warnings ?? []) io.stderr.write(`WARNING: ${warning}\n`);
  if (options.cidfile !== undefined) await writeFile(options.cidfile, created.Id);
  return created.Id;
}

/** A 404 from create may be a missing network or volume driver: pull only when the image is the missing one. */
async function imageMissing(docker: DockerClient, image: string, io: CommandIO): Promise<boolean> {
  const { isNotFound } = await import('@gantry/engine');
  try {
    await docker.images.inspect(image, { signal: io.signal });
    return false;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

async function pullImage(
  docker: DockerClient,
  image: string,
  platform: string | undefined,
  quiet: boolean,
  io: CommandIO,
): Promise<void> {
  const progress = docker.images.pull(image, { ...(platform ? { platform } : {}), signal: io.signal });
  if (quiet) await progress.wait();
  else {
    await displayProgress(progress.messages(), io.stderr, { width: io.terminalSize()?.columns });
    await progress.wait();
  }
}

/** docker names the image with its tag filled in: `busybox` -> `busybox:latest`. */
function taggedName(image: string): string {
  const reference = parseReference(image);
  if (!reference) return image;
  return familiarString(reference.tag || reference.digest ? reference : { ...reference, tag: 'latest' });
}

/** docker refuses to overwrite a cid file: another container may own it. */
async function claimCidFile(path: string): Promise<void> {
  const { access } = await import('node:fs/promises');
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists)
    throw new StatusError(
      125,
      `container ID file found, make sure the other container isn't running or delete ${path}`,
    );
}
