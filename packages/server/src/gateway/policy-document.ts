/**
 * The gateway policy as data: a JSON or YAML document with rule overrides for every non-admin
 * (`defaults`), per role (`roles.<name>`) and per API token (`tokens.<token id>`), applied in that
 * order over the built-in rules (default-policy.ts). Admins start from allow-all and only
 * `roles.admin` / `tokens.<id>` restrict them. Unknown keys are errors, so a typo never silently
 * leaves a rule at its default.
 *
 *   version: 1
 *   defaults: { allowedLogDrivers: [json-file, local, none, journald] }
 *   roles:
 *     operator: { allowedBindPaths: [/srv/shared], allowedCapabilities: [NET_ADMIN] }
 *     admin: { allowPlugins: false }
 *   tokens:
 *     tok_ci: { scope: owner, allowBuildKit: true }
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { ADMIN_RULES, SAFE_RULES } from './default-policy.ts';
import {
  cleanAbsolutePath,
  normalizeCapability,
  normalizeSecurityOption,
  normalizeSysctl,
} from './normalize.ts';

export const HOST_NAMESPACES = ['pid', 'ipc', 'network', 'uts', 'userns', 'cgroupns'] as const;
export type HostNamespace = (typeof HOST_NAMESPACES)[number];

export const MOUNT_TYPES = ['bind', 'volume', 'tmpfs', 'image', 'npipe', 'cluster'] as const;

/** `'*'` in a list means "any". */
const ANY = '*';

const absolutePathOrAny = z
  .string()
  .refine((path) => path === ANY || path.startsWith('/'), 'must be an absolute host path or "*"')
  .transform((path) => (path === ANY ? path : cleanAbsolutePath(path)));

const capability = z.string().transform((name, context) => {
  const normalized = normalizeCapability(name);
  if (normalized === undefined || !/^(ALL|CAP_[A-Z0-9_]+)$/.test(normalized)) {
    context.addIssue({
      code: 'custom',
      message: 'must be a capability such as NET_ADMIN, CAP_SYS_TIME or ALL',
    });
    return z.NEVER;
  }
  return normalized;
});

const sysctl = z
  .string()
  .regex(/^(\*|[A-Za-z0-9_./-]+\*?)$/, 'must be a sysctl key, a prefix ending in "*" (net.ipv4.*) or "*"')
  .transform(normalizeSysctl);

const registry = z
  .string()
  .regex(
    /^(\*|[A-Za-z0-9.-]+(:\d+)?)$/,
    'must be a registry host such as docker.io or registry.local:5000, or "*"',
  )
  .transform((host) => host.toLowerCase());

const names = z.array(z.string().min(1));

const rulesShape = {
  scope: z.enum(['owner', 'all']),
  allowPrivileged: z.boolean(),
  allowedBindPaths: z.array(absolutePathOrAny),
  allowUnsafeBindOptions: z.boolean(),
  allowedMountTypes: z.array(z.enum(MOUNT_TYPES)),
  allowedVolumeDrivers: names,
  allowVolumeDeviceMounts: z.boolean(),
  allowHostNamespaces: z.array(z.enum(HOST_NAMESPACES)),
  allowContainerSharing: z.boolean(),
  allowedCapabilities: z.array(capability),
  allowedDevices: z.array(absolutePathOrAny),
  allowDeviceCgroupRules: z.boolean(),
  allowDeviceRequests: z.boolean(),
  allowedSecurityOptions: z.array(z.string().min(1).transform(normalizeSecurityOption)),
  allowUnmaskedPaths: z.boolean(),
  allowedSysctls: z.array(sysctl),
  allowedLogDrivers: names,
  allowedRuntimes: names,
  allowAnnotations: z.boolean(),
  allowCgroupParent: z.boolean(),
  allowedRegistries: z.array(registry),
  allowedNetworkDrivers: names,
  allowExecPrivileged: z.boolean(),
  allowExecRootUser: z.boolean(),
  allowProcWorkingDir: z.boolean(),
  allowBuildRemoteContext: z.boolean(),
  allowBuildKit: z.boolean(),
  allowImageImportFromUrl: z.boolean(),
  allowPlugins: z.boolean(),
  allowSwarmManagement: z.boolean(),
  allowReservedLabels: z.boolean(),
  allowIdLikeNames: z.boolean(),
};

/** Every rule the gateway applies to one principal. Lists holding `'*'` allow anything. */
export type GatewayRules = { -readonly [K in keyof typeof rulesShape]: z.output<(typeof rulesShape)[K]> };

export type RuleName = keyof GatewayRules;

const overridesSchema = z.strictObject(rulesShape).partial();
export type RuleOverrides = z.output<typeof overridesSchema>;

const pluginsAreAdminOnly = (overrides: RuleOverrides, context: z.RefinementCtx) => {
  if (overrides.allowPlugins === true) {
    context.addIssue({
      code: 'custom',
      path: ['allowPlugins'],
      message:
        'plugin management is admin-only (a plugin runs as host root): allowPlugins can only restrict admins',
    });
  }
};

const documentSchema = z.strictObject({
  version: z.literal(1).optional(),
  defaults: overridesSchema.superRefine(pluginsAreAdminOnly).optional(),
  roles: z.record(z.string().min(1), overridesSchema).optional(),
  tokens: z.record(z.string().min(1), overridesSchema).optional(),
});

/** A validated policy document. */
export type GatewayPolicy = z.output<typeof documentSchema>;

/** The policy with no document: the built-in rules only. */
export const DEFAULT_POLICY: GatewayPolicy = {};

export class PolicyDocumentError extends Error {
  /** One line per problem, each naming its path in the document. */
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`invalid gateway policy ${source}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'PolicyDocumentError';
    this.problems = problems;
  }
}

const pathText = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    'policy',
  );

/** Validates an already parsed document (JSON or YAML value). */
export function validatePolicy(value: unknown, source = 'document'): GatewayPolicy {
  const result = documentSchema.safeParse(value ?? {});
  if (!result.success) {
    throw new PolicyDocumentError(
      source,
      result.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`),
    );
  }
  const problems = Object.entries(result.data.roles ?? {})
    .filter(([role, overrides]) => role !== 'admin' && overrides.allowPlugins === true)
    .map(
      ([role]) =>
        `policy.roles.${role}.allowPlugins: plugin management is admin-only (a plugin runs as host root): allowPlugins can only restrict admins`,
    );
  if (problems.length > 0) throw new PolicyDocumentError(source, problems);
  return result.data;
}

/** Parses and validates a policy document: JSON, or YAML (a superset) when it is not JSON. */
export function parsePolicy(text: string, source = 'document'): GatewayPolicy {
  let value: unknown;
  try {
    value = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    throw new PolicyDocumentError(source, [`not valid JSON or YAML: ${(error as Error).message}`]);
  }
  return validatePolicy(value, source);
}

/** Reads, parses and validates the policy file at `path`. */
export function loadPolicyFile(path: string): GatewayPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PolicyDocumentError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parsePolicy(text, path);
}

export const isAdmin = (principal: Principal) => principal.role === 'admin';

/**
 * The rules for `principal`: built-ins (admin or safe), then `defaults` (non-admins only), then
 * `roles.<role>`, then `tokens.<id>` for a token.
 */
export function rulesFor(policy: GatewayPolicy, principal: Principal): GatewayRules {
  const admin = isAdmin(principal);
  return {
    ...(admin ? ADMIN_RULES : SAFE_RULES),
    ...(admin ? {} : policy.defaults),
    ...policy.roles?.[principal.role],
    ...(principal.kind === 'token' ? policy.tokens?.[principal.id] : {}),
  } as GatewayRules;
}

/** Where a rule is set for `principal`, for the "what to change" part of a denial message. */
export function whereToSet(principal: Principal): string {
  const role = `roles.${principal.role}`;
  return principal.kind === 'token' ? `${role} or tokens.${principal.id}` : role;
}
