/**
 * Image routes beyond the list (inventory) and pull / push / build (progress channels): inspect,
 * history, tag, remove, prune, search, save, load, import, commit, build-cache prune, and a
 * registry's view of a reference (`distribution.inspect`). An image reference holds `/` and `:`:
 * clients percent-encode it into one path segment (`gantry-test%2Fbusybox:latest`).
 */
import type { DockerClient } from '@gantry/engine';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import {
  clientOf,
  count,
  filtersQuery,
  flag,
  IMAGE_UPLOAD_LIMIT,
  imageRef,
  labels,
  limitedUpload,
  objectRef,
  streamed,
} from './resource-kit.ts';

const BASE = '/api/engines/:engine/images';
const params = z.object({ name: imageRef() });

type CommitOptions = Parameters<DockerClient['images']['commit']>[0];

/** A repository name as `docker tag` takes it (lowercase, `registry[:port]/path`). */
const repository = z
  .string()
  .regex(
    /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/,
    'a repository is lowercase [registry[:port]/]path, e.g. "team/app" or "localhost:5000/app"',
  );
const tag = z.string().regex(/^[\w][\w.-]{0,127}$/, 'a tag is up to 128 letters, digits, "_", "." and "-"');

/** Dockerfile instructions (`CMD ["sh"]`, `ENV A=b`), one per line in a query, a list in a body. */
const changeLines = z
  .string()
  .transform((text) => text.split('\n').filter((line) => line.trim() !== ''))
  .optional();

/** What an audit row keeps of Dockerfile instructions: the instruction words (ENV values can be secrets). */
const changeKinds = (changes: readonly string[] | undefined) =>
  changes?.map((change) => change.trim().split(/\s+/, 1)[0]?.toUpperCase());

export const imageRoutes: RouteDefinition[] = [
  // Before `/:name`: an image named "search" is reached by its full name (docker.io/library/search).
  defineRoute({
    method: 'GET',
    path: `${BASE}/search`,
    requirement: 'images.read',
    operation: 'images.search',
    summary: 'Search Docker Hub (?term=, ?limit=, ?filters={"is-official":["true"]})',
    query: z.object({
      term: z.string().min(1, 'term is required: what to search for'),
      limit: z.coerce.number().int().min(1).max(100).optional(),
      filters: filtersQuery,
    }),
    handler: (context) =>
      clientOf(context).images.search(context.query.term, { ...context.query, signal: context.signal }),
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/prune`,
    requirement: 'images.manage',
    operation: 'images.prune',
    summary:
      'Remove unused images: dangling ones, or every unused one with ?all=true (?filters= label, until)',
    query: z.object({ filters: filtersQuery, all: flag() }),
    handler: async (context) => {
      const { all, filters } = context.query;
      const effective = all ? { ...filters, dangling: ['false'] } : filters;
      context.audit.params = { filters: effective };
      return clientOf(context).images.prune({ filters: effective, signal: context.signal });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/load`,
    requirement: 'images.manage',
    operation: 'images.load',
    summary:
      'Load images from a `docker save` tarball (the body, streamed, at most 16 GiB): { images, imageIds }',
    handler: async (context) => {
      const upload = limitedUpload(context.request, context.signal, IMAGE_UPLOAD_LIMIT, 'the image tarball');
      const { images, imageIds } = await upload.run((signal) =>
        clientOf(context).images.load(upload.body, { quiet: true, signal }).wait(),
      );
      context.audit.target = [...images, ...imageIds].join(', ');
      return { images, imageIds };
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/import`,
    requirement: 'images.manage',
    operation: 'images.import',
    summary:
      'Create an image from a root filesystem tarball (the body, streamed, at most 16 GiB; ?repo=&tag=&message=&changes= one instruction per line): { imageId }',
    query: z.object({
      repo: repository.optional(),
      tag: tag.optional(),
      message: z.string().max(1000).optional(),
      changes: changeLines,
      platform: z.string().min(1).optional(),
    }),
    handler: async (context) => {
      const { repo, tag: tagName, changes } = context.query;
      context.audit.target = repo === undefined ? undefined : `${repo}:${tagName ?? 'latest'}`;
      context.audit.params = { repo, tag: tagName, changes: changeKinds(changes) };
      const upload = limitedUpload(
        context.request,
        context.signal,
        IMAGE_UPLOAD_LIMIT,
        'the filesystem tarball',
      );
      const { imageId } = await upload.run((signal) =>
        clientOf(context)
          .images.import(upload.body, { ...context.query, signal })
          .wait(),
      );
      if (repo === undefined) context.audit.target = imageId;
      return { imageId };
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/commit`,
    requirement: 'images.manage',
    operation: 'images.commit',
    summary: "Create an image from a container's changes: { Id }",
    body: z.object({
      container: objectRef('container'),
      repo: repository.optional(),
      tag: tag.optional(),
      comment: z.string().max(1000).optional(),
      author: z.string().max(200).optional(),
      pause: z.boolean().optional(),
      changes: z.array(z.string()).optional(),
      /** Container config to merge into the image's (`Cmd`, `Env`, `Labels`, ...). */
      config: z.looseObject({ Labels: labels.optional(), Cmd: z.array(z.string()).optional() }).optional(),
    }),
    handler: async (context) => {
      const { config, ...query } = context.body;
      context.audit.target = query.container;
      context.audit.params = {
        repo: query.repo,
        tag: query.tag,
        pause: query.pause,
        changes: changeKinds(query.changes),
      };
      return clientOf(context).images.commit({
        ...(config as CommitOptions),
        ...query,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/build-cache/prune`,
    requirement: 'system.prune',
    operation: 'images.pruneBuildCache',
    summary: 'Remove build cache (?all=true also in-use-free shared layers; ?keep-storage= bytes; ?filters=)',
    query: z.object({ all: flag(), 'keep-storage': count(), filters: filtersQuery }),
    handler: (context) => {
      context.audit.params = { ...context.query };
      return clientOf(context).images.pruneBuildCache({ ...context.query, signal: context.signal });
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:name`,
    requirement: 'images.read',
    operation: 'images.inspect',
    summary: 'Inspect an image',
    params,
    handler: (context) => clientOf(context).images.inspect(context.params.name, { signal: context.signal }),
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:name/history`,
    requirement: 'images.read',
    operation: 'images.history',
    summary: "An image's layers, newest first",
    params,
    handler: (context) => clientOf(context).images.history(context.params.name, { signal: context.signal }),
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:name/tag`,
    requirement: 'images.manage',
    operation: 'images.tag',
    summary: 'Tag an image (?repo=&tag=, tag default latest)',
    params,
    query: z.object({ repo: repository, tag: tag.optional() }),
    handler: async (context) => {
      const { repo, tag: tagName } = context.query;
      context.audit.target = context.params.name;
      context.audit.params = { repo, tag: tagName };
      await clientOf(context).images.tag(context.params.name, { repo, tag: tagName, signal: context.signal });
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:name`,
    requirement: 'images.manage',
    operation: 'images.remove',
    summary: 'Remove an image or one of its tags (?force=true, ?noprune=true keeps untagged parents)',
    params,
    query: z.object({ force: flag(), noprune: flag() }),
    handler: (context) => {
      context.audit.target = context.params.name;
      context.audit.params = { ...context.query };
      return clientOf(context).images.remove(context.params.name, {
        ...context.query,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:name/save`,
    requirement: 'images.manage',
    operation: 'images.save',
    summary: 'The image as a `docker save` tarball, streamed',
    params,
    handler: async (context) => {
      const tar = await clientOf(context).images.save(context.params.name, { signal: context.signal });
      return streamed(tar, { contentType: 'application/x-tar', filename: `${context.params.name}.tar` });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/engines/:engine/distribution/:name',
    requirement: 'images.read',
    operation: 'distribution.inspect',
    summary: "The registry's descriptor and platforms for a reference, asked by the engine",
    params,
    handler: (context) =>
      clientOf(context).distribution.inspect(context.params.name, { signal: context.signal }),
  }),
];
