/**
 * The SSH-key recovery challenge: a text naming the service, account, purpose, namespace, expiry
 * and a random nonce, and the exact command a user runs to sign it. Pure: time and randomness are
 * injected; the caller stores the challenge and consumes it once.
 * @module
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { MfaError } from '../errors.js';
import { bytesToBase64Url, secureRandom, type RandomSource } from '../internal/bytes.js';
import type { SshKeyType } from './key-types.js';
import { assertSshNamespace } from './namespace.js';

/**
 * Default lifetime of a recovery challenge: 15 minutes.
 *
 * @example
 * ```ts
 * createSshChallenge({ service, account, namespace, ttlSeconds: SSH_CHALLENGE_DEFAULT_TTL_SECONDS / 3 });
 * ```
 */
export const SSH_CHALLENGE_DEFAULT_TTL_SECONDS = 900;
const MAX_TTL_SECONDS = 3600;
const MIN_NONCE_BYTES = 16;

/**
 * Options of {@link createSshChallenge}.
 *
 * @example
 * ```ts
 * const options: CreateSshChallengeOptions = { service: 'Example', account: 'alice@example.com', namespace: 'recovery@example.com' };
 * ```
 */
export interface CreateSshChallengeOptions {
  /** The service's name, shown in the text. */
  service: string;
  /** The account being recovered, shown in the text. */
  account: string;
  /** App-specific SSHSIG namespace, e.g. `recovery@example.com` (never `file`, `git`, `email`). */
  namespace: string;
  /** Clock (default `Date.now`). */
  now?: Clock;
  /** Lifetime in seconds, 30 to 3600 (default 900). */
  ttlSeconds?: number;
  /** Random source for the nonce (default `crypto.getRandomValues`). */
  random?: RandomSource;
  /** Nonce size in bytes, at least 16 (default 24: 192 bits). */
  nonceBytes?: number;
  /** Private key path shown in the command; by default the usual file for `keyType`, else `~/.ssh/id_ed25519`. */
  keyPath?: string;
  /** Type of the registered key, to pick the default key path. */
  keyType?: SshKeyType;
}

/**
 * A recovery challenge. Store it (it is plain data), show `command`, and pass it to
 * {@link verifySshChallengeResponse}; consume it once whatever the outcome of a successful check.
 *
 * @example
 * ```ts
 * const challenge: SshChallenge = createSshChallenge({ service: 'Example', account: 'alice', namespace: 'recovery@example.com' });
 * ```
 */
export interface SshChallenge {
  readonly purpose: 'account-recovery';
  readonly service: string;
  readonly account: string;
  readonly namespace: string;
  /** base64url random nonce (at least 128 bits). */
  readonly nonce: string;
  /** Milliseconds since the epoch. */
  readonly issuedAt: number;
  /** Milliseconds since the epoch; the challenge is refused from this instant on. */
  readonly expiresAt: number;
  /** The exact text to sign (one line, no trailing newline). */
  readonly text: string;
  /** `printf '%s' '<text>' | ssh-keygen -Y sign -n <namespace> -f <key>` */
  readonly command: string;
  /** The openssl alternative for RSA/ECDSA keys in PEM form: prints a base64 raw signature. */
  readonly opensslCommand: string;
}

const DEFAULT_KEY_PATHS: Record<SshKeyType, string> = {
  'ssh-ed25519': '~/.ssh/id_ed25519',
  'ecdsa-sha2-nistp256': '~/.ssh/id_ecdsa',
  'ecdsa-sha2-nistp384': '~/.ssh/id_ecdsa',
  'ecdsa-sha2-nistp521': '~/.ssh/id_ecdsa',
  'ssh-rsa': '~/.ssh/id_rsa',
  'sk-ssh-ed25519@openssh.com': '~/.ssh/id_ed25519_sk',
  'sk-ecdsa-sha2-nistp256@openssh.com': '~/.ssh/id_ecdsa_sk',
};

/** POSIX shell single-quoting: safe for any text (a `'` becomes `'\''`). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A `~/`-relative path of plain characters stays unquoted so the shell expands `~`. */
function shellPath(path: string): string {
  return /^~\/[A-Za-z0-9._/-]+$/.test(path) ? path : shellQuote(path);
}

function label(name: string, value: unknown): string {
  // Control and bidirectional-override characters would let a value fake part of the text, or
  // show the user something other than what they sign.
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(value)) {
    throw new MfaError('INVALID_ARGUMENT', `${name} must be 1-256 characters without control or bidirectional-override characters`);
  }
  return value;
}

/**
 * Creates a recovery challenge: a random nonce (192 bits by default), an expiry (15 minutes by
 * default) and the one-line text naming service, account, purpose, namespace, expiry and nonce,
 * with the command that signs it.
 *
 * @throws MfaError `INVALID_ARGUMENT` (service/account), `INVALID_OPTION` (namespace, ttl, nonce size, key path)
 * @example
 * ```ts
 * const challenge = createSshChallenge({ service: 'Example', account: 'alice@example.com', namespace: 'recovery@example.com' });
 * challenge.command;
 * // printf '%s' 'Example account recovery; account: alice@example.com; …' | ssh-keygen -Y sign -n recovery@example.com -f ~/.ssh/id_ed25519
 * ```
 */
export function createSshChallenge(options: CreateSshChallengeOptions): SshChallenge {
  if (typeof options !== 'object' || options === null) throw new MfaError('INVALID_OPTION', 'options are required');
  const service = label('service', options.service);
  const account = label('account', options.account);
  assertSshNamespace(options.namespace);
  const namespace = options.namespace;
  const ttl = options.ttlSeconds ?? SSH_CHALLENGE_DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > MAX_TTL_SECONDS) throw new MfaError('INVALID_OPTION', `ttlSeconds must be an integer from 30 to ${MAX_TTL_SECONDS}`);
  const nonceBytes = options.nonceBytes ?? 24;
  if (!Number.isInteger(nonceBytes) || nonceBytes < MIN_NONCE_BYTES || nonceBytes > 64) throw new MfaError('INVALID_OPTION', 'nonceBytes must be an integer from 16 to 64');
  const random = options.random ?? secureRandom;
  const nonceRaw = random(nonceBytes);
  if (!(nonceRaw instanceof Uint8Array) || nonceRaw.length !== nonceBytes) throw new MfaError('INVALID_OPTION', 'random must return the requested number of bytes');
  const nonce = bytesToBase64Url(nonceRaw);
  const issuedAt = (options.now ?? systemClock)();
  if (!Number.isFinite(issuedAt)) throw new MfaError('INVALID_OPTION', 'now() must return milliseconds since the epoch');
  // Whole seconds, so the expiry printed in the text is exactly the one enforced.
  const expiresAt = Math.floor((issuedAt + ttl * 1000) / 1000) * 1000;
  const keyPath = options.keyPath ?? (options.keyType !== undefined ? DEFAULT_KEY_PATHS[options.keyType] : undefined) ?? '~/.ssh/id_ed25519';
  if (typeof keyPath !== 'string' || keyPath.length === 0 || /[\u0000-\u001f]/.test(keyPath)) throw new MfaError('INVALID_OPTION', 'keyPath must be a non-empty path');
  const expires = new Date(expiresAt).toISOString().replace('.000Z', 'Z');
  const text = `${service} account recovery; account: ${account}; purpose: account-recovery; namespace: ${namespace}; expires: ${expires}; nonce: ${nonce}`;
  const command = `printf '%s' ${shellQuote(text)} | ssh-keygen -Y sign -n ${namespace} -f ${shellPath(keyPath)}`;
  const opensslCommand = `printf '%s' ${shellQuote(text)} | openssl dgst -sha256 -sign key.pem | base64`;
  return Object.freeze({ purpose: 'account-recovery', service, account, namespace, nonce, issuedAt, expiresAt, text, command, opensslCommand });
}
