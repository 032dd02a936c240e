/**
 * The judging stages the pipeline runs, as one interface: canonical.ts and body.ts (request
 * canonicalization, whole-body parsing) and policy.ts (the verdict), bound by {@link gatewayStages}
 * to the policy document the gateway was started with. Owner scoping (scope.ts) follows in pipeline.ts.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Principal } from '../auth/principal.ts';
import type { GatewayConfig } from '../context.ts';
import { contentTypeOk, parseDaemonJson, readBody } from './body.ts';
import { canonicalize } from './canonical.ts';
import { evaluate, type PolicyVerdict } from './policy.ts';
import { DEFAULT_POLICY, type GatewayPolicy, loadPolicyFile } from './policy-document.ts';
import type { CanonicalRequest, Denial } from './types.ts';

/** The raw socket of an `Upgrade` request: its body is read from `head` and the socket. */
export interface UpgradeInput {
  readonly socket: Duplex;
  head: Buffer;
}

export interface GatewayStages {
  canonicalize(method: string, target: string, headers: IncomingHttpHeaders): CanonicalRequest | Denial;
  /** The body read whole and parsed (413 / 415 / 400 as a Denial). */
  readBody(
    canonical: CanonicalRequest,
    request: IncomingMessage,
    upgrade: UpgradeInput | undefined,
    limitBytes: number,
  ): Promise<CanonicalRequest | Denial>;
  evaluate(canonical: CanonicalRequest, principal: Principal, engineId: string): PolicyVerdict;
  /** The policy document the stages judge by (the built-in rules alone when it is empty). */
  readonly policy: GatewayPolicy;
}

/** Tar and raw bodies (build contexts, archives, image loads) are held whole too: a larger cap (bytes). */
export const ARCHIVE_LIMIT_BYTES = 512 * 1024 * 1024;

const isDenial = (value: unknown): value is Denial =>
  typeof value === 'object' && value !== null && 'rule' in value && 'status' in value;

/** The body of an `Upgrade` request: `Content-Length` bytes from `head`, then the socket; the rest of `head` is stream data. */
export async function readUpgradeBody(
  request: IncomingMessage,
  upgrade: UpgradeInput,
  limitBytes: number,
): Promise<Buffer | Denial> {
  if (request.headers['transfer-encoding'] !== undefined) {
    return {
      status: 400,
      rule: 'body.chunked-upgrade',
      message: 'send an Upgrade request with Content-Length, not chunked',
    };
  }
  const length = Number(request.headers['content-length'] ?? 0);
  if (length > limitBytes) {
    return { status: 413, rule: 'body.too-large', message: `the request body is over ${limitBytes} bytes` };
  }
  let buffered = upgrade.head;
  while (buffered.length < length) {
    const chunk = await new Promise<Buffer | undefined>((resolve) => {
      const onData = (data: Buffer) => done(data);
      const onEnd = () => done(undefined);
      const done = (data: Buffer | undefined) => {
        upgrade.socket.off('data', onData);
        upgrade.socket.off('end', onEnd);
        upgrade.socket.off('close', onEnd);
        upgrade.socket.pause();
        resolve(data);
      };
      upgrade.socket.on('data', onData);
      upgrade.socket.once('end', onEnd);
      upgrade.socket.once('close', onEnd);
      upgrade.socket.resume();
    });
    if (!chunk)
      return { status: 400, rule: 'body.truncated', message: 'the connection ended inside the request body' };
    buffered = Buffer.concat([buffered, chunk]);
  }
  upgrade.head = buffered.subarray(length);
  return buffered.subarray(0, length);
}

/** The stages for a gateway configuration: its policy file read (and validated) once, at start. */
export function gatewayStages(config: Pick<GatewayConfig, 'policyFile'>): GatewayStages {
  const policy: GatewayPolicy = config.policyFile ? loadPolicyFile(config.policyFile) : DEFAULT_POLICY;
  return {
    policy,
    canonicalize(method, target, headers) {
      const result = canonicalize(method, target, headers);
      return 'denial' in result ? result.denial : { ...result.request, body: undefined };
    },
    async readBody(canonical, request, upgrade, limitBytes) {
      const { operation } = canonical;
      const typeDenial = contentTypeOk(request.headers, operation);
      if (typeDenial) return typeDenial;
      const archive = operation.body === 'tar' || operation.body === 'raw';
      const limit = archive ? Math.max(limitBytes, ARCHIVE_LIMIT_BYTES) : limitBytes;
      const bytes = upgrade ? await readUpgradeBody(request, upgrade, limit) : await readBody(request, limit);
      if (isDenial(bytes)) return bytes;
      // A body the operation does not take is read (so the connection stays usable) and dropped.
      if (operation.body === 'none') return canonical;
      if (archive) return { ...canonical, rawBody: bytes };
      if (!operation.bodySchema) {
        return {
          status: 400,
          rule: 'body.unmodelled',
          message: `${operation.id}: the gateway has no schema for this body`,
        };
      }
      const parsed = parseDaemonJson(bytes, operation.bodySchema, canonical.apiVersion);
      return 'denial' in parsed ? parsed.denial : { ...canonical, body: parsed.value };
    },
    evaluate: (canonical, principal, engineId) => evaluate({ ...canonical, principal, engineId }, policy),
  };
}
