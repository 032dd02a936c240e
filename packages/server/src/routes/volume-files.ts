/**
 * A volume's files, whether or not a container mounts it. The daemon reads files only through a
 * container, so the console makes a reader: a container that is created and never started, from an
 * empty image (imported once per engine from an empty tar, as `scratch` is made), with no network
 * and the volume mounted read-only at /volume. The daemon's archive of a path under /volume is
 * streamed back, and the reader is removed when the stream ends, fails or the client leaves.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { DockerClient } from '@gantry/engine';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, objectRef, streamed } from './resource-kit.ts';

/**
 * The reader's image: empty, so nothing of it could run or be read by mistake. Fully qualified:
 * Podman files an imported image under `localhost/` and would look a short name up on docker.io.
 */
const READER_REPOSITORY = 'localhost/gantry/volume-reader';
const READER_TAG = '1';
export const VOLUME_READER_IMAGE = `${READER_REPOSITORY}:${READER_TAG}`;
/** Label on readers (and their image), so an operator can tell what they are. */
export const VOLUME_READER_LABEL = 'io.gantry.volume-reader';
const MOUNT_POINT = '/volume';
/** Two zero blocks: a tar with no entries. */
const EMPTY_TAR = Buffer.alloc(1024);

/** One import per engine client, shared by concurrent readers. */
const readerImages = new WeakMap<DockerClient, Promise<string>>();

function readerImage(client: DockerClient, signal: AbortSignal): Promise<string> {
  let image = readerImages.get(client);
  if (!image) {
    image = (async () => {
      const present = await client.images.inspect(VOLUME_READER_IMAGE, { signal }).catch(() => undefined);
      if (present) return VOLUME_READER_IMAGE;
      const { imageId } = await client.images
        .import(Readable.from([EMPTY_TAR]), {
          repo: READER_REPOSITORY,
          tag: READER_TAG,
          changes: [`LABEL ${VOLUME_READER_LABEL}=1`],
          signal,
        })
        .wait();
      if (await client.images.inspect(VOLUME_READER_IMAGE, { signal }).catch(() => undefined))
        return VOLUME_READER_IMAGE;
      // Podman 4.3 leaves an import untagged (and may not say its id): found by its label, it is
      // tagged here.
      const [imported] = imageId
        ? [{ Id: imageId }]
        : await client.images.list({ filters: { label: [`${VOLUME_READER_LABEL}=1`] }, signal });
      if (!imported?.Id) throw new Error('the engine imported the volume reader image but cannot find it');
      await client.images.tag(imported.Id, { repo: READER_REPOSITORY, tag: READER_TAG, signal });
      return VOLUME_READER_IMAGE;
    })();
    // A failed import is tried again by the next reader.
    image.catch(() => readerImages.delete(client));
    readerImages.set(client, image);
  }
  return image;
}

/** `/a/b` inside the volume -> `/volume/a/b`; `..` may not climb out of it. */
function inVolume(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new HttpError(400, 'VALIDATION', 'query.path: `..` is not allowed in a path inside the volume', {
        fields: [{ field: 'query.path', message: 'a path inside the volume, without ..' }],
      });
    }
    parts.push(part);
  }
  return [MOUNT_POINT, ...parts].join('/');
}

export const volumeFileRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: '/api/engines/:engine/volumes/:name/archive',
    requirement: 'containers.files.read',
    operation: 'volumes.getArchive',
    summary:
      'A file or directory of the volume as a tar stream (?path= inside the volume, default /), read through a never-started reader container; its stat in X-Docker-Container-Path-Stat',
    params: z.object({ name: objectRef('volume') }),
    query: z.object({ path: z.string().max(4096).default('/') }),
    handler: async (context) => {
      const client = clientOf(context);
      const { signal } = context;
      const path = inVolume(context.query.path);
      // An unknown volume is the engine's 404, not a reader made for nothing.
      await client.volumes.inspect(context.params.name, { signal });
      const image = await readerImage(client, signal);
      const { Id } = await client.containers.create({
        name: `gantry-volume-reader-${randomBytes(4).toString('hex')}`,
        Image: image,
        // Never started: the command only has to exist in the configuration.
        Cmd: ['volume-reader'],
        Labels: { [VOLUME_READER_LABEL]: '1' },
        NetworkDisabled: true,
        HostConfig: {
          NetworkMode: 'none',
          Mounts: [{ Type: 'volume', Source: context.params.name, Target: MOUNT_POINT, ReadOnly: true }],
        },
        signal,
      });
      const removeReader = () => client.containers.remove(Id, { force: true }).catch(() => undefined);
      try {
        const { stat, tar } = await client.containers.getArchive(Id, { path, signal });
        tar.once('close', () => void removeReader());
        return streamed(tar, {
          contentType: 'application/x-tar',
          filename: `${stat.name === 'volume' ? context.params.name : stat.name}.tar`,
          headers: { 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64') },
        });
      } catch (error) {
        await removeReader();
        throw error;
      }
    },
  }),
];
