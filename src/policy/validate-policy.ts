/**
 * Strict validation of policies. Policies come from the app's own data (memberships, org settings),
 * so a malformed one is a bug to report, never something to guess around.
 * @module
 */
import { MfaError } from '../errors.js';
import { factorKindAssurance, isPolicyFactorKind, type PolicyFactorKind } from './factor-kind.js';
import type { MfaPolicy, PolicyGrace, PolicyOwner } from './policy.js';

/**
 * Largest accepted `minFactors`; more is a configuration mistake, not a policy.
 *
 * @example
 * ```ts
 * const choices = Array.from({ length: MAX_POLICY_MIN_FACTORS }, (_, i) => i + 1); // for a settings form
 * ```
 */
export const MAX_POLICY_MIN_FACTORS = 16;
/**
 * Longest accepted grace period: ten years (of 365 days), in milliseconds.
 *
 * @example
 * ```ts
 * if (form.graceDays * 86_400_000 > MAX_POLICY_GRACE_MS) showError('grace period too long');
 * ```
 */
export const MAX_POLICY_GRACE_MS = 10 * 365 * 86_400_000;

const POLICY_KEYS = new Set(['id', 'owner', 'requireMfa', 'allowedKinds', 'excludeLowAssurance', 'minFactors', 'grace', 'rememberedDevices']);
const OWNER_KEYS = new Set(['id', 'name', 'type']);
const GRACE_KEYS = new Set(['since', 'durationMs']);
const FIXED_GRACE_KEYS = new Set(['until']);
const MAX_TEXT = 1024;

function fail(message: string, where: string): never {
  throw new MfaError('INVALID_POLICY', `${where}: ${message}`, { details: { where } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) fail(`unknown property "${key}"`, where);
  }
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT || value.trim() !== value) {
    fail(`must be a non-empty string of at most ${MAX_TEXT} characters without surrounding spaces`, where);
  }
  return value;
}

function validateOwner(value: unknown, where: string): PolicyOwner {
  if (!isRecord(value)) fail('must be an object { id, name, type }', where);
  checkKeys(value, OWNER_KEYS, where);
  return Object.freeze({
    id: text(value['id'], `${where}.id`),
    name: text(value['name'], `${where}.name`),
    type: text(value['type'], `${where}.type`),
  });
}

function validateGrace(value: unknown, where: string): PolicyGrace {
  if (!isRecord(value)) fail('must be an object { since, durationMs } or { until }', where);
  if ('until' in value) {
    checkKeys(value, FIXED_GRACE_KEYS, where);
    const until = value['until'];
    if (typeof until !== 'number' || !Number.isSafeInteger(until) || until < 0) {
      fail('until must be a non-negative integer (milliseconds since the epoch)', `${where}.until`);
    }
    return Object.freeze({ until });
  }
  checkKeys(value, GRACE_KEYS, where);
  const since = value['since'];
  const durationMs = value['durationMs'];
  if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
    fail('since must be a non-negative integer (milliseconds since the epoch)', `${where}.since`);
  }
  if (typeof durationMs !== 'number' || !Number.isSafeInteger(durationMs) || durationMs < 0 || durationMs > MAX_POLICY_GRACE_MS) {
    fail(`must be an integer from 0 to ${MAX_POLICY_GRACE_MS} (milliseconds)`, `${where}.durationMs`);
  }
  if (!Number.isSafeInteger(since + durationMs)) fail('since + durationMs is out of range', where);
  return Object.freeze({ since, durationMs });
}

function validateKinds(value: unknown, where: string): readonly PolicyFactorKind[] {
  if (!Array.isArray(value) || value.length === 0) fail('must be a non-empty array of factor kinds', where);
  const seen = new Set<PolicyFactorKind>();
  value.forEach((kind: unknown, index) => {
    if (!isPolicyFactorKind(kind)) fail(`unknown factor kind ${JSON.stringify(kind)}`, `${where}[${index}]`);
    if (seen.has(kind)) fail(`duplicate factor kind "${kind}"`, `${where}[${index}]`);
    seen.add(kind);
  });
  return Object.freeze([...seen]);
}

/**
 * Options of {@link validateMfaPolicy} and {@link validateMfaPolicies}.
 *
 * @example
 * ```ts
 * const options: MfaPolicyValidationOptions = { inactiveSettings: 'ignore' };
 * ```
 */
export interface MfaPolicyValidationOptions {
  /** `reject` (default): `minFactors` or `grace` without `requireMfa` is an error; `ignore`: they are dropped. */
  readonly inactiveSettings?: 'reject' | 'ignore';
}

/**
 * Checks a policy strictly and returns a frozen copy. Throws `MfaError` `INVALID_POLICY` (with
 * `details.where` naming the field) on unknown properties, empty names, unknown factor kinds,
 * `minFactors` or `grace` without `requireMfa`, and rules nobody could satisfy (for example
 * `allowedKinds: ['sms']` with `excludeLowAssurance`, or only backup codes while MFA is required).
 *
 * `minFactors` and `grace` have no effect without `requireMfa`: with `inactiveSettings: 'ignore'`
 * (what every decision uses) they are dropped instead of refused, so an organisation that switched
 * enforcement off and kept its old settings never blocks a decision. The default, `'reject'`, is
 * for the point where the app saves a policy.
 *
 * @example
 * ```ts
 * const policy = validateMfaPolicy(JSON.parse(row.policyJson));
 * const lenient = validateMfaPolicy(stored, { inactiveSettings: 'ignore' });
 * ```
 */
export function validateMfaPolicy(input: unknown, options: MfaPolicyValidationOptions = {}): MfaPolicy {
  const ignoreInactive = options.inactiveSettings === 'ignore';
  const where = 'policy';
  if (!isRecord(input)) fail('must be an object', where);
  checkKeys(input, POLICY_KEYS, where);

  const id = input['id'] === undefined ? undefined : text(input['id'], `${where}.id`);
  const owner = validateOwner(input['owner'], `${where}.owner`);
  const requireMfa = input['requireMfa'];
  if (typeof requireMfa !== 'boolean') fail('must be true or false', `${where}.requireMfa`);

  const allowedKinds = input['allowedKinds'] === undefined ? undefined : validateKinds(input['allowedKinds'], `${where}.allowedKinds`);
  const excludeLowAssurance = input['excludeLowAssurance'];
  if (excludeLowAssurance !== undefined && typeof excludeLowAssurance !== 'boolean') {
    fail('must be true or false', `${where}.excludeLowAssurance`);
  }

  const minFactors = input['minFactors'];
  if (minFactors !== undefined) {
    if (typeof minFactors !== 'number' || !Number.isInteger(minFactors) || minFactors < 1 || minFactors > MAX_POLICY_MIN_FACTORS) {
      fail(`must be an integer from 1 to ${MAX_POLICY_MIN_FACTORS}`, `${where}.minFactors`);
    }
    if (!requireMfa && !ignoreInactive) fail('minFactors needs requireMfa: true', `${where}.minFactors`);
  }
  const grace = input['grace'] === undefined ? undefined : validateGrace(input['grace'], `${where}.grace`);
  const rememberedDevices = input['rememberedDevices'];
  if (rememberedDevices !== undefined && rememberedDevices !== 'allowed' && rememberedDevices !== 'forbidden') {
    fail('must be "allowed" or "forbidden"', `${where}.rememberedDevices`);
  }
  if (grace !== undefined && !requireMfa && !ignoreInactive) fail('grace needs requireMfa: true', `${where}.grace`);

  const usable = (allowedKinds ?? []).filter((kind) => excludeLowAssurance !== true || factorKindAssurance(kind).level !== 'low');
  if (allowedKinds !== undefined && usable.length === 0) {
    fail('no factor kind is left once low-assurance kinds are excluded', `${where}.allowedKinds`);
  }
  if (allowedKinds !== undefined && requireMfa && !usable.some((kind) => factorKindAssurance(kind).countsAsFactor)) {
    fail('MFA is required but only backup codes are allowed, which never count as a factor', `${where}.allowedKinds`);
  }

  const policy: {
    -readonly [K in keyof MfaPolicy]: MfaPolicy[K];
  } = { owner, requireMfa };
  if (id !== undefined) policy.id = id;
  if (rememberedDevices !== undefined) policy.rememberedDevices = rememberedDevices;
  if (allowedKinds !== undefined) policy.allowedKinds = allowedKinds;
  if (excludeLowAssurance !== undefined) policy.excludeLowAssurance = excludeLowAssurance;
  if (minFactors !== undefined && requireMfa) policy.minFactors = minFactors;
  if (grace !== undefined && requireMfa) policy.grace = grace;
  return Object.freeze(policy);
}

/**
 * Validates a list of policies (see {@link validateMfaPolicy}) and checks that one owner (`type` +
 * `id`) is not given two different names. Returns a frozen array of frozen copies, in input order.
 *
 * @example
 * ```ts
 * const policies = validateMfaPolicies(await resolver(accountId));
 * ```
 */
export function validateMfaPolicies(input: unknown, options: MfaPolicyValidationOptions = {}): readonly MfaPolicy[] {
  if (!Array.isArray(input)) fail('must be an array of policies', 'policies');
  const names = new Map<string, string>();
  const out = input.map((item: unknown, index) => {
    let policy: MfaPolicy;
    try {
      policy = validateMfaPolicy(item, options);
    } catch (error) {
      if (error instanceof MfaError) {
        throw new MfaError('INVALID_POLICY', `policies[${index}]: ${error.message}`, {
          cause: error,
          details: { index, where: error.details?.['where'] },
        });
      }
      throw error;
    }
    const key = `${policy.owner.type}\u0000${policy.owner.id}`;
    const known = names.get(key);
    if (known !== undefined && known !== policy.owner.name) {
      fail(`owner ${policy.owner.type} "${policy.owner.id}" is named both "${known}" and "${policy.owner.name}"`, `policies[${index}].owner.name`);
    }
    names.set(key, policy.owner.name);
    return policy;
  });
  return Object.freeze(out);
}
