/**
 * The keyed hashes behind out-of-band codes: record ids, destination keys and code hashes, each
 * HMAC-SHA256 with the app key and a distinct label so one can never stand for another.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { MfaError } from '../errors.js';
import { bytesToBase64Url, utf8ToBytes } from '../internal/bytes.js';
import { canonicalRequest } from './request.js';
import type { OobChannel, OobCodeRequest } from './types.js';

/** Throws unless `key` is a Uint8Array of 16 to 1024 bytes. @internal */
export function checkOobKey(key: unknown): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length < 16 || key.length > 1024) {
    throw new MfaError('INVALID_OPTION', 'key must be a Uint8Array of 16 to 1024 bytes (32 random bytes recommended)');
  }
  return key;
}

/** HMAC-SHA256 over a JSON array (unambiguous framing), base64url. @internal */
export function keyedHash(key: Uint8Array, fields: readonly (string | number)[]): string {
  return bytesToBase64Url(hmac(sha256, key, utf8ToBytes(JSON.stringify(fields))));
}

/** The fields a code hash covers. @internal */
export function codeHashFields(
  record: { purpose: string; channel: OobChannel; destination: string; digits: number; issuedAt: number; expiresAt: number },
  code: string,
): (string | number)[] {
  return ['mfakit/oob/code/v1', record.purpose, record.channel, record.destination, record.digits, record.issuedAt, record.expiresAt, code];
}

/**
 * The id under which the code for a purpose, channel and destination is stored. Issuing again for
 * the same three gives the same id, so the new record replaces the old one. Keyed, so the id does
 * not reveal the address. Use it to look up the record when the user types the code.
 *
 * @throws MfaError `INVALID_ARGUMENT` for a bad request, `INVALID_OPTION` for a bad key.
 * @example
 * ```ts
 * const record = await store.get(oobRecordId({ purpose: 'login', channel: 'email', destination }, { key }));
 * ```
 */
export function oobRecordId(request: OobCodeRequest, options: { key: Uint8Array }): string {
  const key = checkOobKey(options?.key);
  const r = canonicalRequest(request);
  return 'oob_' + keyedHash(key, ['mfakit/oob/id/v1', r.purpose, r.channel, r.destination]);
}

/**
 * A key naming one destination on one channel, whatever the purpose: store the send-limit window
 * (checkOobSendLimit) under it. Keyed, so it does not reveal the address.
 *
 * @throws MfaError `INVALID_ARGUMENT` for a bad destination, `INVALID_OPTION` for a bad key.
 * @example
 * ```ts
 * const limitKey = oobDestinationKey({ channel: 'sms', destination: '+33612345678' }, { key });
 * ```
 */
export function oobDestinationKey(request: Pick<OobCodeRequest, 'channel' | 'destination'>, options: { key: Uint8Array }): string {
  const key = checkOobKey(options?.key);
  const r = canonicalRequest({ ...request, purpose: 'send-limit' });
  return 'oobdst_' + keyedHash(key, ['mfakit/oob/destination/v1', r.channel, r.destination]);
}
