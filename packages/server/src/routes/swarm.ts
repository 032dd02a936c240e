/**
 * Swarm routes: inspect, init, join, leave, update, unlock. Join tokens and the unlock key let
 * whoever holds them join as a manager or decrypt the raft log, so they are served only to callers
 * who may manage the swarm, never with the read-only inspect.
 */
import type { DockerClient } from '@gantry/engine';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.ts';
import { clientOf, flag } from './resource-kit.ts';

const BASE = '/api/engines/:engine/swarm';

/** How long a leave that failed is watched for the node reaching `inactive` anyway (ms). */
const LEAVE_SETTLE_MS = 15_000;

/** Whether the engine's node is out of any swarm within `ms` (checked every 500 ms). */
async function leftWithin(client: DockerClient, ms: number, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const info = await client.system.info({ signal }).catch(() => undefined);
    if (info?.Swarm?.LocalNodeState === 'inactive') return true;
    if (Date.now() >= deadline || signal.aborted) return false;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

type InitOptions = Parameters<DockerClient['swarm']['init']>[0];
type UpdateSpec = Omit<Parameters<DockerClient['swarm']['update']>[0], 'version'>;

/** `host`, `host:port`, `[v6]:port` or an interface name (`eth0:2377`). */
const address = z.string().min(1).max(300);

/** The swarm's spec (`Name`, `Labels`, `Orchestration`, `Raft`, `Dispatcher`, `CAConfig`, `EncryptionConfig`, `TaskDefaults`). */
const swarmSpec = z.looseObject({
  Name: z.string().optional(),
  Labels: z.record(z.string(), z.string()).optional(),
  EncryptionConfig: z.object({ AutoLockManagers: z.boolean().optional() }).optional(),
});

export const swarmRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'GET',
    path: BASE,
    requirement: 'swarm.read',
    operation: 'swarm.inspect',
    summary: 'The swarm this engine manages (join tokens left out: GET .../swarm/join-tokens)',
    handler: async (context) => {
      const { JoinTokens: _tokens, ...swarm } = await clientOf(context).swarm.inspect({
        signal: context.signal,
      });
      return swarm;
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/join-tokens`,
    requirement: 'swarm.manage',
    operation: 'swarm.joinTokens',
    summary: 'The worker and manager join tokens',
    handler: async (context) => {
      const { JoinTokens } = await clientOf(context).swarm.inspect({ signal: context.signal });
      return JoinTokens ?? {};
    },
  }),
  defineRoute({
    method: 'GET',
    path: `${BASE}/unlockkey`,
    requirement: 'swarm.manage',
    operation: 'swarm.unlockKey',
    summary: 'The key that unlocks an autolocked swarm manager',
    handler: (context) => clientOf(context).swarm.unlockKey({ signal: context.signal }),
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/init`,
    requirement: 'swarm.manage',
    operation: 'swarm.init',
    summary: 'Make this engine the first manager of a new swarm: { nodeId }',
    body: z
      .object({
        ListenAddr: address.optional(),
        AdvertiseAddr: address.optional(),
        DataPathAddr: address.optional(),
        DataPathPort: z.number().int().min(1024).max(49151).optional(),
        DefaultAddrPool: z.array(z.string()).optional(),
        SubnetSize: z.number().int().min(1).max(32).optional(),
        ForceNewCluster: z.boolean().optional(),
        Spec: swarmSpec.optional(),
      })
      // No body at all: every field has its default.
      .default({}),
    handler: async (context) => {
      const { ListenAddr, AdvertiseAddr, ForceNewCluster } = context.body;
      context.audit.params = {
        listenAddr: ListenAddr,
        advertiseAddr: AdvertiseAddr,
        forceNewCluster: ForceNewCluster,
      };
      const nodeId = await clientOf(context).swarm.init({
        ...(context.body as InitOptions),
        signal: context.signal,
      });
      context.audit.target = nodeId;
      return { nodeId };
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/join`,
    requirement: 'swarm.manage',
    operation: 'swarm.join',
    summary: 'Join an existing swarm as a worker or manager (by the token given)',
    body: z.object({
      ListenAddr: address.default('0.0.0.0:2377'),
      AdvertiseAddr: address.optional(),
      DataPathAddr: address.optional(),
      RemoteAddrs: z.array(address).min(1, 'RemoteAddrs names at least one manager address'),
      JoinToken: z
        .string()
        .regex(/^SWMTKN-1-[\w-]+$/, 'JoinToken is a SWMTKN-1-... token (docker swarm join-token)'),
    }),
    handler: async (context) => {
      // The join token is a credential: only where the engine went is kept.
      context.audit.params = { remoteAddrs: context.body.RemoteAddrs, listenAddr: context.body.ListenAddr };
      await clientOf(context).swarm.join({ ...context.body, signal: context.signal });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/leave`,
    requirement: 'swarm.manage',
    operation: 'swarm.leave',
    summary: 'Leave the swarm (?force=true for the last manager, which dissolves it)',
    query: z.object({ force: flag() }),
    handler: async (context) => {
      context.audit.params = { force: context.query.force };
      const client = clientOf(context);
      try {
        await client.swarm.leave({ force: context.query.force, signal: context.signal });
      } catch (error) {
        // Docker 20.10 can answer `context deadline exceeded` while its node is still stopping, and
        // then finish leaving: what counts is the state it reaches, not the timed-out answer.
        const timedOut = /deadline exceeded|timed? ?out/i.test(String((error as Error).message));
        if (!timedOut || !(await leftWithin(client, LEAVE_SETTLE_MS, context.signal))) throw error;
        context.audit.params = { ...context.audit.params, engineAnswered: String((error as Error).message) };
      }
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/update`,
    requirement: 'swarm.manage',
    operation: 'swarm.update',
    summary: "Change the swarm's spec and rotate tokens (?version= from inspect, ?rotateWorkerToken= ...)",
    query: z.object({
      version: z.coerce.number().int().nonnegative(),
      rotateWorkerToken: flag(),
      rotateManagerToken: flag(),
      rotateManagerUnlockKey: flag(),
    }),
    body: swarmSpec,
    handler: async (context) => {
      context.audit.params = { ...context.query, name: context.body.Name };
      await clientOf(context).swarm.update({
        ...(context.body as UpdateSpec),
        ...context.query,
        signal: context.signal,
      });
    },
  }),
  defineRoute({
    method: 'POST',
    path: `${BASE}/unlock`,
    requirement: 'swarm.manage',
    operation: 'swarm.unlock',
    summary: 'Unlock a locked manager with its unlock key',
    body: z.object({ UnlockKey: z.string().min(1, 'UnlockKey is required (SWMKEY-1-...)') }),
    handler: async (context) => {
      await clientOf(context).swarm.unlock({ UnlockKey: context.body.UnlockKey, signal: context.signal });
    },
  }),
];
