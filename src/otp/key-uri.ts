/**
 * `otpauth://` key URIs, the format authenticator apps read from a QR code
 * (Google Authenticator "Key Uri Format"):
 * `otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&algorithm=SHA1&digits=6&period=30`.
 * @module
 */
import { MfaError, type MfaErrorCode } from '../errors.js';
import { decodeBase32, checkSecretLength, encodeBase32Secret } from './secret.js';
import { MAX_COUNTER, MAX_PERIOD, type OtpAlgorithm } from './options.js';

/**
 * What a key URI describes. `type` defaults to `'totp'` when building.
 *
 * @example
 * ```ts
 * buildKeyUri({ secret, accountName: 'ada@example.com', issuer: 'ACME' });
 * ```
 */
export interface KeyUriParams {
  /** `'totp'` (time-based, default) or `'hotp'` (counter-based). */
  type?: 'totp' | 'hotp';
  /** The secret bytes (at least 128 bits unless `allowShortSecret`). */
  secret: Uint8Array;
  /** The user's account, shown in the app (e.g. an email address). No colon; no leading space. */
  accountName: string;
  /** The service, shown in the app and used to group entries. No colon. Strongly recommended. */
  issuer?: string;
  /** Default `'SHA1'`. Many apps ignore other values: keep SHA1 unless you control the app. */
  algorithm?: OtpAlgorithm;
  /** 6 (default) to 8. */
  digits?: number;
  /** TOTP step in seconds; default 30. Not allowed for HOTP. */
  period?: number;
  /** HOTP: the counter the token starts from (required for HOTP, not allowed for TOTP). */
  counter?: number;
  /** Accept an 80- to 127-bit secret (legacy). */
  allowShortSecret?: boolean;
}

/**
 * A parsed key URI: every field filled in, defaults applied.
 *
 * @example
 * ```ts
 * const { secret, issuer, accountName, period } = parseKeyUri(uri);
 * ```
 */
export interface ParsedKeyUri {
  type: 'totp' | 'hotp';
  secret: Uint8Array;
  accountName: string;
  /** From the `issuer` parameter or the label prefix (they must agree when both are present). */
  issuer: string | undefined;
  algorithm: OtpAlgorithm;
  digits: number;
  /** TOTP only. */
  period: number | undefined;
  /** HOTP only. */
  counter: number | undefined;
}

/**
 * Options of {@link parseKeyUri}.
 *
 * @example
 * ```ts
 * parseKeyUri(legacyUri, { allowShortSecret: true });
 * ```
 */
export interface ParseKeyUriOptions {
  /** Accept an 80- to 127-bit secret (legacy import). */
  allowShortSecret?: boolean;
}

/** Longest URI accepted (a QR code holds at most 2953 bytes). */
const MAX_URI_LENGTH = 4096;
/** Longest issuer or account name, in characters. */
const MAX_NAME_LENGTH = 256;

function fail(code: MfaErrorCode, field: string, message: string, cause?: unknown): MfaError {
  return new MfaError(code, message, { details: { field }, ...(cause === undefined ? {} : { cause }) });
}

/**
 * Percent-encodes a label part or parameter value: everything outside RFC 3986 "unreserved"
 * (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` of its UTF-8 bytes, so spaces are `%20` (never `+`),
 * and `: / ? # [ ] @ ! $ & ' ( ) * + , ; =` are all escaped.
 */
function encodeComponent(text: string, code: MfaErrorCode, field: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch (cause) {
    throw fail(code, field, `${field} is not well-formed Unicode`, cause);
  }
  return encoded.replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function decodeComponent(text: string, code: MfaErrorCode, field: string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, ' ') : text);
  } catch (cause) {
    throw fail(code, field, `${field} has invalid percent-encoding`, cause);
  }
}

// Control characters (C0, DEL, C1) have no place in a name an app displays.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkName(value: unknown, code: MfaErrorCode, field: string, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') throw fail(code, field, `${field} must be a string`);
  if (value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw fail(code, field, `${field} must be 1 to ${MAX_NAME_LENGTH} characters`);
  }
  if (value.includes(':')) throw fail(code, field, `${field} must not contain ':' (it separates issuer and account)`);
  if (CONTROL.test(value)) throw fail(code, field, `${field} must not contain control characters`);
  if (value.trim() !== value) throw fail(code, field, `${field} must not start or end with whitespace`);
  return value;
}

function isAlgorithm(value: unknown): value is OtpAlgorithm {
  return value === 'SHA1' || value === 'SHA256' || value === 'SHA512';
}

function checkInteger(value: unknown, code: MfaErrorCode, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw fail(code, field, `${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Builds an `otpauth://` URI for a QR code. The issuer goes both in the label prefix and in the
 * `issuer` parameter (what apps expect); every text is percent-encoded as UTF-8 with spaces as
 * `%20`. Throws `MfaError` with a code naming the bad field (`INVALID_URI_LABEL`,
 * `INVALID_URI_ISSUER`, `INVALID_URI_SECRET`, `INVALID_URI_DIGITS`, ...).
 *
 * @example
 * ```ts
 * buildKeyUri({ secret, accountName: 'ada@example.com', issuer: 'Example Co' });
 * // 'otpauth://totp/Example%20Co:ada%40example.com?secret=...&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30'
 * ```
 */
export function buildKeyUri(params: KeyUriParams): string {
  if (params === null || typeof params !== 'object') throw new MfaError('INVALID_ARGUMENT', 'params must be an object');
  const type = params.type ?? 'totp';
  if (type !== 'totp' && type !== 'hotp') throw fail('INVALID_URI_TYPE', 'type', "type must be 'totp' or 'hotp'");
  if (params.allowShortSecret !== undefined && typeof params.allowShortSecret !== 'boolean') {
    throw new MfaError('INVALID_OPTION', 'allowShortSecret must be a boolean', { details: { option: 'allowShortSecret' } });
  }
  const { secret } = params;
  if (!(secret instanceof Uint8Array)) throw fail('INVALID_URI_SECRET', 'secret', 'secret must be a Uint8Array');
  try {
    checkSecretLength(secret.length, params.allowShortSecret === true);
  } catch (cause) {
    throw fail('INVALID_URI_SECRET', 'secret', (cause as Error).message, cause);
  }
  const accountName = checkName(params.accountName, 'INVALID_URI_LABEL', 'accountName', true)!;
  const issuer = checkName(params.issuer, 'INVALID_URI_ISSUER', 'issuer', false);
  const algorithm = params.algorithm ?? 'SHA1';
  if (!isAlgorithm(algorithm)) throw fail('INVALID_URI_ALGORITHM', 'algorithm', "algorithm must be 'SHA1', 'SHA256' or 'SHA512'");
  const digits = checkInteger(params.digits ?? 6, 'INVALID_URI_DIGITS', 'digits', 6, 8);

  const account = encodeComponent(accountName, 'INVALID_URI_LABEL', 'accountName');
  const encodedIssuer = issuer === undefined ? undefined : encodeComponent(issuer, 'INVALID_URI_ISSUER', 'issuer');
  const label = encodedIssuer === undefined ? account : `${encodedIssuer}:${account}`;
  let query = `secret=${encodeBase32Secret(secret)}`;
  if (encodedIssuer !== undefined) query += `&issuer=${encodedIssuer}`;
  query += `&algorithm=${algorithm}&digits=${digits}`;
  if (type === 'totp') {
    if (params.counter !== undefined) throw fail('INVALID_URI_COUNTER', 'counter', 'counter is only for HOTP');
    query += `&period=${checkInteger(params.period ?? 30, 'INVALID_URI_PERIOD', 'period', 1, MAX_PERIOD)}`;
  } else {
    if (params.period !== undefined) throw fail('INVALID_URI_PERIOD', 'period', 'period is only for TOTP');
    query += `&counter=${checkInteger(params.counter, 'INVALID_URI_COUNTER', 'counter', 0, MAX_COUNTER)}`;
  }
  return `otpauth://${type}/${label}?${query}`;
}

const KNOWN_PARAMETERS = new Set(['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter']);
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/**
 * Parses an `otpauth://` URI strictly. Each problem throws `MfaError` whose code names the field:
 * `INVALID_URI` (not a string, too long, fragment, malformed query), `INVALID_URI_SCHEME`,
 * `INVALID_URI_TYPE`, `INVALID_URI_LABEL`, `INVALID_URI_ISSUER` (also when label prefix and
 * parameter disagree), `INVALID_URI_SECRET` (missing, bad base32, under 128 bits without
 * `allowShortSecret`), `INVALID_URI_ALGORITHM`, `INVALID_URI_DIGITS`, `INVALID_URI_PERIOD`,
 * `INVALID_URI_COUNTER`, `INVALID_URI_PARAMETER` (a parameter given twice). Unknown parameters
 * (such as `image`) are ignored. `+` in a parameter value is read as a space (form encoding).
 *
 * @example
 * ```ts
 * const key = parseKeyUri('otpauth://totp/ACME:ada?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME');
 * key.issuer; // 'ACME'
 * key.period; // 30
 * ```
 */
export function parseKeyUri(uri: string, options?: ParseKeyUriOptions): ParsedKeyUri {
  if (typeof uri !== 'string') throw fail('INVALID_URI', 'uri', 'key URI must be a string');
  if (uri.length > MAX_URI_LENGTH) throw fail('INVALID_URI', 'uri', `key URI must be at most ${MAX_URI_LENGTH} characters`);
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new MfaError('INVALID_ARGUMENT', 'options must be an object');
  }
  const allowShortSecret = options?.allowShortSecret;
  if (allowShortSecret !== undefined && typeof allowShortSecret !== 'boolean') {
    throw new MfaError('INVALID_OPTION', 'allowShortSecret must be a boolean', { details: { option: 'allowShortSecret' } });
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri);
  if (scheme === null || scheme[1]!.toLowerCase() !== 'otpauth') {
    throw fail('INVALID_URI_SCHEME', 'scheme', "key URI must start with 'otpauth://'");
  }
  if (uri.includes('#')) throw fail('INVALID_URI', 'fragment', 'key URI must not have a fragment');
  const rest = uri.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  if (slash < 0) throw fail('INVALID_URI_LABEL', 'label', 'key URI has no label');
  const typeText = rest.slice(0, slash).toLowerCase();
  if (typeText !== 'totp' && typeText !== 'hotp') throw fail('INVALID_URI_TYPE', 'type', "type must be 'totp' or 'hotp'");
  const type = typeText;
  const afterType = rest.slice(slash + 1);
  const question = afterType.indexOf('?');
  const rawLabel = question < 0 ? afterType : afterType.slice(0, question);
  const rawQuery = question < 0 ? '' : afterType.slice(question + 1);

  // Label: "account" or "issuer:account" (the colon literal or %3A; spaces may follow it).
  if (rawLabel.length === 0) throw fail('INVALID_URI_LABEL', 'label', 'key URI has an empty label');
  if (rawLabel.includes('/')) throw fail('INVALID_URI_LABEL', 'label', "label must not contain '/'");
  const label = decodeComponent(rawLabel, 'INVALID_URI_LABEL', 'label', false);
  const parts = label.split(':');
  if (parts.length > 2) throw fail('INVALID_URI_LABEL', 'label', 'label has more than one colon');
  const labelIssuer = parts.length === 2 ? parts[0]! : undefined;
  const accountText = parts.length === 2 ? parts[1]!.replace(/^ +/, '') : parts[0]!;
  const accountName = checkName(accountText, 'INVALID_URI_LABEL', 'accountName', true)!;
  if (labelIssuer !== undefined) checkName(labelIssuer, 'INVALID_URI_ISSUER', 'issuer', true);

  // Parameters: each at most once.
  const values = new Map<string, string>();
  if (rawQuery.length > 0) {
    for (const pair of rawQuery.split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw fail('INVALID_URI', 'query', 'key URI query must be name=value pairs');
      const name = decodeComponent(pair.slice(0, eq), 'INVALID_URI_PARAMETER', 'parameter', true);
      const value = decodeComponent(pair.slice(eq + 1), fieldCode(name), name, true);
      if (values.has(name)) throw fail(KNOWN_PARAMETERS.has(name) ? fieldCode(name) : 'INVALID_URI_PARAMETER', name, `parameter ${name} appears twice`);
      values.set(name, value);
    }
  }

  const secretText = values.get('secret');
  if (secretText === undefined || secretText.length === 0) throw fail('INVALID_URI_SECRET', 'secret', 'key URI has no secret');
  let secret: Uint8Array;
  try {
    secret = decodeBase32(secretText);
    checkSecretLength(secret.length, allowShortSecret === true);
  } catch (cause) {
    throw fail('INVALID_URI_SECRET', 'secret', `secret: ${(cause as Error).message}`, cause);
  }

  const issuerParam = values.get('issuer');
  if (issuerParam !== undefined) checkName(issuerParam, 'INVALID_URI_ISSUER', 'issuer', true);
  if (issuerParam !== undefined && labelIssuer !== undefined && issuerParam !== labelIssuer) {
    throw fail('INVALID_URI_ISSUER', 'issuer', 'issuer parameter and label prefix disagree');
  }
  const issuer = issuerParam ?? labelIssuer;

  const algorithmText = values.get('algorithm') ?? 'SHA1';
  const algorithm = algorithmText.toUpperCase();
  if (!isAlgorithm(algorithm)) throw fail('INVALID_URI_ALGORITHM', 'algorithm', "algorithm must be SHA1, SHA256 or SHA512");

  const digits = decimal(values.get('digits'), 6, 'INVALID_URI_DIGITS', 'digits', 6, 8);
  let period: number | undefined;
  let counter: number | undefined;
  if (type === 'totp') {
    if (values.has('counter')) throw fail('INVALID_URI_COUNTER', 'counter', 'counter is only for HOTP');
    period = decimal(values.get('period'), 30, 'INVALID_URI_PERIOD', 'period', 1, MAX_PERIOD);
  } else {
    if (values.has('period')) throw fail('INVALID_URI_PERIOD', 'period', 'period is only for TOTP');
    if (!values.has('counter')) throw fail('INVALID_URI_COUNTER', 'counter', 'HOTP key URI has no counter');
    counter = decimal(values.get('counter'), 0, 'INVALID_URI_COUNTER', 'counter', 0, MAX_COUNTER);
  }
  return { type, secret, accountName, issuer, algorithm, digits, period, counter };
}

function fieldCode(name: string): MfaErrorCode {
  switch (name) {
    case 'secret': return 'INVALID_URI_SECRET';
    case 'issuer': return 'INVALID_URI_ISSUER';
    case 'algorithm': return 'INVALID_URI_ALGORITHM';
    case 'digits': return 'INVALID_URI_DIGITS';
    case 'period': return 'INVALID_URI_PERIOD';
    case 'counter': return 'INVALID_URI_COUNTER';
    default: return 'INVALID_URI_PARAMETER';
  }
}

function decimal(text: string | undefined, fallback: number, code: MfaErrorCode, field: string, min: number, max: number): number {
  if (text === undefined) return fallback;
  if (!DECIMAL.test(text)) throw fail(code, field, `${field} must be a decimal integer`);
  return checkInteger(Number(text), code, field, min, max);
}
