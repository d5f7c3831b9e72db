/**
 * Importing an authenticator app the user already has: the migration path for an app moving to
 * mfakit from another TOTP implementation, so its users keep their devices instead of re-enrolling.
 * A server-side operation (the app's migration script), never a user action: it takes no code and
 * no step-up.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import { assertSecretLength, createTotpVerifier, decodeBase32Secret, type OtpAlgorithm } from '../otp/index.js';
import { ensureAccount, loadFactors, loginFactorSummaries } from './accounts.js';
import type { ServiceContext } from './context.js';
import { summariseFactor, type FactorSummary } from './factor-summary.js';
import { checkFactorName, checkNameFree, defaultName } from './names.js';
import { requirePolicy } from './policy-check.js';
import { MFA_RECORD_VERSION, type MfaFactorRecord } from '../store/records.js';

/**
 * Options of `importAuthenticator`: the parameters the old system used for this device.
 *
 * @example
 * ```ts
 * const options: ImportAuthenticatorOptions = { name: 'Phone', digits: 6, period: 30, lastStep: 59_000_123 };
 * ```
 */
export interface ImportAuthenticatorOptions {
  /** Device name; default "Authenticator app" (numbered when taken). */
  readonly name?: string;
  /** HMAC hash the device uses; default `'SHA1'`. */
  readonly algorithm?: OtpAlgorithm;
  /** Code length, 6 (default) to 8. */
  readonly digits?: number;
  /** Time step in seconds; default 30. */
  readonly period?: number;
  /**
   * The last time step the old system accepted for this device, so a code used there just before
   * the migration is not accepted again here. Default: none (-1).
   */
  readonly lastStep?: number;
  /** Accept a secret under 128 bits (legacy 80-bit secrets; at least 80). Default false. */
  readonly allowShortSecret?: boolean;
}

/**
 * An imported device, active at once.
 *
 * @example
 * ```ts
 * const { factor }: ImportedAuthenticator = await service.importAuthenticator('user-42', 'JBSW Y3DP EHPK 3PXP JBSW Y3DP');
 * ```
 */
export interface ImportedAuthenticator {
  readonly factor: FactorSummary;
}

/** Imports an existing TOTP secret as an active authenticator-app factor. @internal */
export async function importAuthenticator(
  ctx: ServiceContext,
  accountId: string,
  secretInput: Uint8Array | string,
  options: ImportAuthenticatorOptions = {},
): Promise<ImportedAuthenticator> {
  assertId(accountId, 'accountId');
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_ARGUMENT', 'options must be an object');
  const allowShortSecret = options.allowShortSecret === true;
  let secret: Uint8Array;
  if (typeof secretInput === 'string') {
    secret = decodeBase32Secret(secretInput, { allowShortSecret });
  } else if (secretInput instanceof Uint8Array) {
    // The same length rule as base32 text (at least 128 bits, 80 with allowShortSecret).
    assertSecretLength(secretInput, { allowShortSecret });
    secret = new Uint8Array(secretInput);
  } else {
    throw new MfaError('INVALID_SECRET', 'secret must be base32 text or a Uint8Array');
  }
  const algorithm = options.algorithm ?? 'SHA1';
  const digits = options.digits ?? 6;
  const period = options.period ?? 30;
  const lastStep = options.lastStep ?? -1;
  if (!Number.isSafeInteger(lastStep) || lastStep < -1) throw new MfaError('INVALID_ARGUMENT', 'lastStep must be an integer >= -1');
  try {
    // The OTP core validates the secret's size and every parameter exactly as it will use them.
    createTotpVerifier(secret, { algorithm, digits, period });

    await ensureAccount(ctx, accountId);
    const factors = await loadFactors(ctx, accountId);
    await requirePolicy(ctx, accountId, { type: 'enrol', kind: 'totp' }, await loginFactorSummaries(ctx, accountId, factors));
    const name = options.name === undefined ? defaultName(factors, 'Authenticator app') : checkFactorName(options.name, '');
    checkNameFree(factors, name);

    const id = ctx.newId('f');
    const sealed = await ctx.sealer.seal(secret, { accountId, factorId: id });
    const factor: MfaFactorRecord = {
      v: MFA_RECORD_VERSION,
      id,
      accountId,
      kind: 'totp',
      role: 'login',
      name,
      createdAt: ctx.now(),
      lastUsedAt: null,
      lastStep,
      revision: 0,
      data: { secret: { ...sealed }, algorithm, digits, period },
    };
    if (!(await ctx.store.insertFactor(factor))) throw new MfaError('DUPLICATE', 'a factor with this id already exists');
    await ctx.emit({ type: 'factor-imported', accountId, factorId: id, kind: 'totp', name });
    return { factor: summariseFactor(factor) };
  } finally {
    secret.fill(0);
  }
}
