/**
 * What the policy checks share: the rules in force, a denial that names its rule and what to
 * change in the policy document, and typed readers of the canonical JSON body. A value of the
 * wrong JSON type is denied (`body.type`): the daemon would refuse it, and guessing how it might
 * read it is how filters get bypassed. `null` reads as absent, as Go's decoder leaves the zero value.
 */
import type { Principal } from '../auth/principal.ts';
import { type GatewayRules, whereToSet } from './policy-document.ts';

/** Thrown by a check; evaluate() turns it into a 403 verdict. */
export class PolicyDenial extends Error {
  readonly rule: string;

  constructor(rule: string, message: string) {
    super(message);
    this.name = 'PolicyDenial';
    this.rule = rule;
  }
}

/** What would allow a denied request: a policy change ("set allowPrivileged: true"), a request change, or both. */
export type Remedy = string | { readonly policy?: string; readonly request?: string };

export interface Judge {
  readonly rules: GatewayRules;
  readonly principal: Principal;
  /** `1.41`..`1.55`; undefined = the engine's pinned version (the newest rules apply). */
  readonly apiVersion: string | undefined;
  /**
   * Refuses the request: `what` says what was found; `remedy` what would allow it (a string is a
   * policy change). Without a policy change the message says the document cannot allow it.
   */
  deny(rule: string, what: string, remedy?: Remedy): never;
}

function remedyText(principal: Principal, remedy: Remedy | undefined): string {
  const { policy, request } =
    typeof remedy === 'string' ? { policy: remedy, request: undefined } : (remedy ?? {});
  const instead = request === undefined ? '' : ` Instead, ${request}.`;
  if (policy === undefined) {
    return `The gateway policy document cannot allow this for this principal.${instead}`;
  }
  return `To allow it, ${policy} in the gateway policy document (${whereToSet(principal)}).${instead}`;
}

export function createJudge(
  rules: GatewayRules,
  principal: Principal,
  apiVersion: string | undefined,
): Judge {
  return {
    rules,
    principal,
    apiVersion,
    deny(rule, what, remedy) {
      throw new PolicyDenial(
        rule,
        `gateway policy rule "${rule}" denies this request: ${what}. ${remedyText(principal, remedy)}`,
      );
    },
  };
}

export type JsonObject = Readonly<Record<string, unknown>>;

const wrongType = (where: string, expected: string): never => {
  throw new PolicyDenial(
    'body.type',
    `gateway policy rule "body.type" denies this request: ${where} must be ${expected} (the daemon would refuse it). Send ${where} as ${expected}.`,
  );
};

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function objectAt(value: unknown, where: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  return isObject(value) ? value : wrongType(where, 'an object');
}

export function stringAt(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : wrongType(where, 'a string');
}

export function booleanAt(value: unknown, where: string): boolean {
  if (value === undefined || value === null) return false;
  return typeof value === 'boolean' ? value : wrongType(where, 'a boolean');
}

export function arrayAt(value: unknown, where: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : wrongType(where, 'an array');
}

export function objectsAt(value: unknown, where: string): readonly JsonObject[] {
  return arrayAt(value, where).map((item, index) => objectAt(item, `${where}[${index}]`) ?? {});
}

export function stringsAt(value: unknown, where: string): readonly string[] {
  return arrayAt(value, where).map((item, index) => stringAt(item, `${where}[${index}]`) ?? '');
}

/** A map-typed field (Labels, Sysctls, DriverOpts): exact keys, string values. */
export function stringMapAt(value: unknown, where: string): Readonly<Record<string, string>> {
  const map = objectAt(value, where) ?? {};
  for (const [key, item] of Object.entries(map)) {
    if (typeof item !== 'string') wrongType(`${where}["${key}"]`, 'a string');
  }
  return map as Readonly<Record<string, string>>;
}

/** Whether `list` allows `value`: it holds `'*'` or `value` itself. */
export const listAllows = (list: readonly string[], value: string) =>
  list.includes('*') || list.includes(value);
