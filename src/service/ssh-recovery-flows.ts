/**
 * Account recovery with a registered SSH key. `startSshRecovery` issues a challenge (≥ 128 random
 * bits, 15 minutes by default, bound to the account and to purpose `recovery`) stored as a
 * challenge record, and returns the text and the exact `ssh-keygen -Y sign` command.
 * `completeSshRecovery` checks the pasted signature (armored SSHSIG, or a raw `openssl dgst -sign`
 * signature for RSA/ECDSA keys) against the account's keys; the attempt is charged to the account
 * throttle before the check. Only a valid signature spends the challenge (atomically, so of two
 * concurrent completions one wins) and performs the recovery; a failure changes nothing, so a
 * wrong paste can be retried within the attempt limit.
 * @module
 */
import { MfaError } from '../errors.js';
import { assertId } from '../internal/assert.js';
import { equalBytes } from '../internal/bytes.js';
import {
  createSshChallenge,
  parseSshSignature,
  verifySshChallengeResponse,
  type SshChallenge,
  type SshKeyType,
  type SshVerificationResult,
} from '../ssh/index.js';
import { requireAccount } from './accounts.js';
import type { ServiceContext } from './context.js';
import { summariseUsedFactor } from './factor-summary.js';
import {
  chargeRecoveryStart,
  performRecovery,
  recoveryFailed,
  SSH_RECOVERY_PURPOSE,
  type AccountRecoveryResult,
} from './recovery-flows.js';
import { loadSshKeys, type StoredSshKey } from './ssh-key-flows.js';
import { MFA_RECORD_VERSION, type MfaChallengeRecord } from '../store/records.js';
import { chargeRecoveryAttempt, requesterKey } from './throttle.js';


/**
 * Options of `startSshRecovery`.
 *
 * @example
 * ```ts
 * const options: StartSshRecoveryOptions = { keyPath: '~/.ssh/id_ecdsa' };
 * ```
 */
export interface StartSshRecoveryOptions {
  /** Private key path shown in the command; by default the usual file for the registered key type. */
  readonly keyPath?: string;
}

/**
 * An SSH recovery challenge: show `command` (and `opensslCommand` when the user has an RSA/ECDSA
 * key in PEM form), keep `challengeId` in the pre-login session, and pass the pasted signature to
 * `completeSshRecovery` before `expiresAt`.
 *
 * @example
 * ```ts
 * const start: SshRecoveryStart = await service.startSshRecovery(userId);
 * render('Run this, then paste the output:', start.command);
 * ```
 */
export interface SshRecoveryStart {
  readonly challengeId: string;
  /** The exact text to sign (names the service, the account, the expiry and the nonce). */
  readonly text: string;
  readonly namespace: string;
  /** `printf '%s' '<text>' | ssh-keygen -Y sign -n <namespace> -f ~/.ssh/id_ed25519` */
  readonly command: string;
  /** `printf '%s' '<text>' | openssl dgst -sha256 -sign key.pem | base64`, when an RSA/ECDSA key is registered. */
  readonly opensslCommand: string | null;
  readonly expiresAt: number;
  /** The registered keys that can answer (fingerprints only). */
  readonly keys: readonly { readonly fingerprint: string; readonly keyType: SshKeyType }[];
}

function requireNamespace(settings: ServiceContext['recovery']): string {
  if (settings.sshNamespace === undefined) {
    throw new MfaError('INVALID_OPTION', 'SSH recovery needs the service option recovery: { sshNamespace: "recovery@your-domain" }');
  }
  return settings.sshNamespace;
}

const RAW_CAPABLE = (key: StoredSshKey) => key.keyType === 'ssh-rsa' || key.keyType.startsWith('ecdsa-sha2-');

/** Issues an SSH recovery challenge. @internal */
export async function startSshRecovery(
  ctx: ServiceContext,
  accountId: string,
  options: StartSshRecoveryOptions = {},
): Promise<SshRecoveryStart> {
  const namespace = requireNamespace(ctx.recovery);
  await requireAccount(ctx, accountId);
  const keys = await loadSshKeys(ctx, accountId);
  if (keys.length === 0) throw new MfaError('FACTOR_NOT_FOUND', 'the account has no SSH key registered for recovery', { details: { accountId } });
  await chargeRecoveryStart(ctx, accountId);
  const types = new Set(keys.map((k) => k.keyType));
  const challenge = createSshChallenge({
    service: ctx.issuer,
    account: accountId,
    namespace,
    now: ctx.now,
    random: ctx.random,
    ttlSeconds: ctx.recovery.sshChallengeTtlSeconds,
    ...(types.size === 1 ? { keyType: keys[0]!.keyType } : {}),
    ...(options.keyPath === undefined ? {} : { keyPath: options.keyPath }),
  });
  const record: MfaChallengeRecord = {
    v: MFA_RECORD_VERSION,
    id: ctx.newId('rec'),
    accountId,
    purpose: SSH_RECOVERY_PURPOSE,
    data: {
      method: 'ssh-key',
      service: challenge.service,
      account: challenge.account,
      namespace: challenge.namespace,
      nonce: challenge.nonce,
      issuedAt: challenge.issuedAt,
      text: challenge.text,
      command: challenge.command,
      opensslCommand: challenge.opensslCommand,
    },
    createdAt: challenge.issuedAt,
    expiresAt: challenge.expiresAt,
    revision: 0,
  };
  await ctx.store.putChallenge(record);
  await ctx.emit({ type: 'recovery-started', accountId, kind: 'ssh-key', details: { method: 'ssh-key', expiresAt: challenge.expiresAt, keys: keys.length } });
  return {
    challengeId: record.id,
    text: challenge.text,
    namespace,
    command: challenge.command,
    opensslCommand: keys.some(RAW_CAPABLE) ? challenge.opensslCommand : null,
    expiresAt: challenge.expiresAt,
    keys: keys.map((k) => ({ fingerprint: String(k.record.data['fingerprint']), keyType: k.keyType })),
  };
}

/** The stored challenge back as the object the ssh module verifies against. */
function challengeOf(record: MfaChallengeRecord): SshChallenge {
  const d = record.data;
  const text = d['text'];
  const namespace = d['namespace'];
  if (typeof text !== 'string' || typeof namespace !== 'string' || d['method'] !== 'ssh-key') {
    throw new MfaError('STORE_CORRUPT', 'stored SSH recovery challenge is malformed');
  }
  return {
    purpose: 'account-recovery',
    service: String(d['service']),
    account: String(d['account']),
    namespace,
    nonce: String(d['nonce']),
    issuedAt: typeof d['issuedAt'] === 'number' ? d['issuedAt'] : record.createdAt,
    expiresAt: record.expiresAt,
    text,
    command: String(d['command']),
    opensslCommand: String(d['opensslCommand']),
  };
}

/** Which keys a response can be checked against; `null` when it cannot be a signature of any. */
function candidatesFor(keys: readonly StoredSshKey[], response: string): StoredSshKey[] | 'key-mismatch' | null {
  if (response.includes('-----BEGIN SSH SIGNATURE-----')) {
    let embedded: Uint8Array;
    try {
      embedded = parseSshSignature(response).publicKey;
    } catch (error) {
      if (error instanceof MfaError) return null;
      throw error;
    }
    // The signature names its key: only a registered key equal to it byte for byte can verify.
    const match = keys.find((k) => equalBytes(k.blob, embedded));
    return match === undefined ? 'key-mismatch' : [match];
  }
  const compact = response.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length > 8192 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  const raw = keys.filter(RAW_CAPABLE);
  return raw.length === 0 ? null : raw;
}

/** Verifies; a structural problem the envelope check did not see counts as `malformed`. */
async function verifyWith(challenge: SshChallenge, response: string, key: StoredSshKey, ctx: ServiceContext): Promise<SshVerificationResult | 'malformed'> {
  try {
    return await verifySshChallengeResponse(challenge, response, { publicKey: key.line, now: ctx.now });
  } catch (error) {
    if (error instanceof MfaError && (error.code === 'INVALID_SSH_SIGNATURE' || error.code === 'INVALID_SIGNATURE_ENCODING')) return 'malformed';
    throw error;
  }
}

/** Completes an SSH recovery with the pasted signature. @internal */
export async function completeSshRecovery(
  ctx: ServiceContext,
  accountId: string,
  challengeId: string,
  signature: string,
  options: { readonly requester?: string } = {},
): Promise<AccountRecoveryResult> {
  await requireAccount(ctx, accountId);
  const requester = requesterKey(options.requester);
  assertId(challengeId, 'challengeId');
  if (typeof signature !== 'string') throw new MfaError('INVALID_ARGUMENT', 'signature must be the pasted text');
  const stored = await ctx.store.getChallenge(challengeId, ctx.now());
  if (stored === null || stored.purpose !== SSH_RECOVERY_PURPOSE || stored.accountId !== accountId || stored.data['method'] !== 'ssh-key') {
    return recoveryFailed(ctx, accountId, 'ssh-key', 'expired');
  }
  const challenge = challengeOf(stored);
  const keys = await loadSshKeys(ctx, accountId);
  const candidates = candidatesFor(keys, signature);
  if (candidates === null) return recoveryFailed(ctx, accountId, 'ssh-key', 'malformed');

  // Charged before any check, atomically in the store: the account's recovery record, whose hard
  // cap holds however long the attempts are spread.
  const gate = await chargeRecoveryAttempt(ctx, accountId, requester);
  if (!gate.allowed) return recoveryFailed(ctx, accountId, 'ssh-key', gate.reason, { retryAt: gate.retryAt });
  if (candidates === 'key-mismatch') return recoveryFailed(ctx, accountId, 'ssh-key', 'key-mismatch');

  let failure: Exclude<SshVerificationResult, { ok: true }>['reason'] | 'malformed' = 'bad-signature';
  for (const key of candidates) {
    const result = await verifyWith(challenge, signature, key, ctx);
    if (result === 'malformed') {
      failure = 'malformed';
      continue;
    }
    if (!result.ok) {
      failure = result.reason;
      continue;
    }
    // Spent once: a second completion (or a concurrent one) finds nothing.
    const consumed = await ctx.store.consumeChallenge(challengeId, { purpose: SSH_RECOVERY_PURPOSE, now: ctx.now() });
    if (consumed === null || consumed.accountId !== accountId) return recoveryFailed(ctx, accountId, 'ssh-key', 'expired', { factorId: key.record.id });
    const now = ctx.now();
    await ctx.store.advanceFactorStep(accountId, key.record.id, Math.max(key.record.lastStep + 1, 0), now);
    return performRecovery(ctx, 'ssh-key', key.record, summariseUsedFactor(key.record, now), {
      fingerprint: result.fingerprint,
      format: result.format,
      signatureAlgorithm: result.signatureAlgorithm,
    });
  }
  return recoveryFailed(ctx, accountId, 'ssh-key', failure, candidates.length === 1 ? { factorId: candidates[0]!.record.id } : {});
}
