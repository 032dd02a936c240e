/**
 * Plugin routes beyond the list (inventory): privileges, install (pull), create, inspect, enable,
 * disable, configure (set), upgrade, push, remove. Plugin names hold `/` and `:`
 * (`vieux/sshfs:latest`): clients percent-encode them into one path segment.
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, count, flag, IMAGE_UPLOAD_LIMIT, imageRef, limitedUpload } from './resource-kit.ts';

const BASE = '/api/engines/:engine/plugins';
const params = z.object({ name: imageRef('plugin') });

/**
 * The privileges the caller accepted, as `GET .../plugins/privileges` listed them. The engine
 * refuses an install whose plugin asks for more than was accepted.
 */
const privileges = z
  .array(z.object({ Name: z.string(), Description: z.string().optional(), Value: z.array(z.string()) }))
  .default([]);

const remote = imageRef('plugin');

export const pluginRoutes: RouteDefinition[] = [
  // Before `/:name`: a plugin named "privileges" is reached as "privileges:latest".
  defineRoute({
    method: 'GET',
    path: `${BASE}/privileges`,
    requirement: 'plugins.read',
    operation: 'plugins.privileges',
    summary: 'What a plugin asks for before it is installed (?remote=vieux/sshfs)',
    query: z.object({ remote }),
    handler: (context) =>
      clientOf(context).plugins.privileges(context.query.remote, { signal: context.signal }),
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/pull`,
    requirement: 'plugins.manage',
    operation: 'plugins.pull',
    summary:
      'Install a plugin from a registry ({ remote, name?, privileges } — the privileges accepted); waits for the end',
    body: z.object({ remote, name: imageRef('plugin').optional(), privileges }),
    handler: async (context) => {
      const { remote: from, name } = context.body;
      context.audit.target = name ?? from;
      context.audit.params = { remote: from, privileges: context.body.privileges.map((p) => p.Name) };
      const result = await clientOf(context)
        .plugins.pull(from, { name, privileges: context.body.privileges, signal: context.signal })
        .wait();
      return { lastStatus: result.lastStatus };
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/create`,
    requirement: 'plugins.manage',
    operation: 'plugins.create',
    summary:
      'Create a plugin from a tar body with config.json and rootfs/ (streamed, at most 16 GiB; ?name=)',
    query: z.object({ name: imageRef('plugin') }),
    handler: async (context) => {
      context.audit.target = context.query.name;
      const upload = limitedUpload(context.request, context.signal, IMAGE_UPLOAD_LIMIT, 'the plugin tarball');
      await upload.run((signal) =>
        clientOf(context).plugins.create(context.query.name, upload.body, { signal }),
      );
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/:name`,
    requirement: 'plugins.read',
    operation: 'plugins.inspect',
    summary: 'Inspect a plugin',
    params,
    handler: (context) => clientOf(context).plugins.inspect(context.params.name, { signal: context.signal }),
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:name/enable`,
    requirement: 'plugins.manage',
    operation: 'plugins.enable',
    summary: 'Enable a plugin (?timeout= seconds)',
    params,
    query: z.object({ timeout: count() }),
    handler: async (context) => {
      context.audit.target = context.params.name;
      await clientOf(context).plugins.enable(context.params.name, {
        timeout: context.query.timeout,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:name/disable`,
    requirement: 'plugins.manage',
    operation: 'plugins.disable',
    summary: 'Disable a plugin (?force=true even while in use)',
    params,
    query: z.object({ force: flag() }),
    handler: async (context) => {
      context.audit.target = context.params.name;
      context.audit.params = { force: context.query.force };
      await clientOf(context).plugins.disable(context.params.name, {
        force: context.query.force,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:name/set`,
    requirement: 'plugins.manage',
    operation: 'plugins.set',
    summary: 'Configure a disabled plugin ({ settings: ["KEY=value", "mount.source=/path", ...] })',
    params,
    body: z.object({
      settings: z
        .array(z.string().regex(/^[^=\s]+=/, 'a setting is "NAME=value"'))
        .min(1, 'settings names at least one NAME=value'),
    }),
    handler: async (context) => {
      context.audit.target = context.params.name;
      // Values can be credentials (a plugin's API key): only the names are kept.
      context.audit.params = { settings: context.body.settings.map((setting) => setting.split('=', 1)[0]) };
      await clientOf(context).plugins.set(context.params.name, context.body.settings, {
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:name/upgrade`,
    requirement: 'plugins.manage',
    operation: 'plugins.upgrade',
    summary: 'Upgrade a disabled plugin from a registry ({ remote, privileges }); waits for the end',
    params,
    body: z.object({ remote, privileges }),
    handler: async (context) => {
      context.audit.target = context.params.name;
      context.audit.params = {
        remote: context.body.remote,
        privileges: context.body.privileges.map((p) => p.Name),
      };
      const result = await clientOf(context)
        .plugins.upgrade(context.params.name, { ...context.body, signal: context.signal })
        .wait();
      return { lastStatus: result.lastStatus };
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/:name/push`,
    requirement: 'plugins.manage',
    operation: 'plugins.push',
    summary: 'Push a plugin to its registry; waits for the end',
    params,
    handler: async (context) => {
      context.audit.target = context.params.name;
      const result = await clientOf(context)
        .plugins.push(context.params.name, { signal: context.signal })
        .wait();
      return { lastStatus: result.lastStatus };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: `${BASE}/:name`,
    requirement: 'plugins.manage',
    operation: 'plugins.remove',
    summary: 'Remove a plugin (?force=true even while enabled)',
    params,
    query: z.object({ force: flag() }),
    handler: async (context) => {
      context.audit.target = context.params.name;
      context.audit.params = { force: context.query.force };
      await clientOf(context).plugins.remove(context.params.name, {
        force: context.query.force,
        signal: context.signal,
      });
    },
  }),
];
