/**
 * Checking and canonicalising a code request: the purpose, channel and destination a code is bound to.
 * @module
 */
import { MfaError } from '../errors.js';
import type { OobChannel, OobCodeRequest } from './types.js';

const PURPOSE = /^[A-Za-z0-9._:-]{1,64}$/;
// Deliberately narrower than RFC 5321: no quoting, comments, lists or brackets, so an address can
// never turn into several recipients or a header further down the line.
// eslint-disable-next-line no-control-regex
const EMAIL = /^[^\s@\u0000-\u001F\u007F",;:<>()[\]\\]+@[^\s@\u0000-\u001F\u007F",;:<>()[\]\\]+$/;
const PHONE_SEPARATORS = /[\s.\-()]/g;
const E164 = /^\+[1-9][0-9]{5,14}$/;
const MAX_DESTINATION_LENGTH = 320;

/** A request with a checked purpose and channel and a canonical destination. @internal */
export interface CanonicalOobRequest {
  purpose: string;
  channel: OobChannel;
  destination: string;
  /** The destination as given, trimmed: where the message goes. */
  deliverTo: string;
}

/** Throws unless `purpose` is a valid purpose. @internal */
export function checkPurpose(purpose: unknown, code: 'INVALID_ARGUMENT' | 'INVALID_OOB_RECORD'): string {
  if (typeof purpose !== 'string' || !PURPOSE.test(purpose)) {
    throw new MfaError(code, 'purpose must be 1 to 64 characters from A-Z a-z 0-9 . _ : -');
  }
  return purpose;
}

/** Throws unless `channel` is 'email' or 'sms'. @internal */
export function checkChannel(channel: unknown, code: 'INVALID_ARGUMENT' | 'INVALID_OOB_RECORD'): OobChannel {
  if (channel !== 'email' && channel !== 'sms') throw new MfaError(code, "channel must be 'email' or 'sms'");
  return channel;
}

/** Canonical destination for binding and limits: lower-case email, or E.164 phone. @internal */
export function canonicalDestination(channel: OobChannel, destination: unknown, code: 'INVALID_ARGUMENT' | 'INVALID_OOB_RECORD'): string {
  if (typeof destination !== 'string' || destination.length > MAX_DESTINATION_LENGTH) {
    throw new MfaError(code, `destination must be a string of at most ${MAX_DESTINATION_LENGTH} characters`);
  }
  const trimmed = destination.trim();
  if (channel === 'email') {
    if (trimmed.length > 254 || !EMAIL.test(trimmed)) throw new MfaError(code, 'destination is not an email address');
    return trimmed.toLowerCase();
  }
  const phone = trimmed.replace(PHONE_SEPARATORS, '');
  if (!E164.test(phone)) throw new MfaError(code, 'destination is not an E.164 phone number (+ and 6 to 15 digits)');
  return phone;
}

/** Checks a request; throws `MfaError('INVALID_ARGUMENT')` when anything is off. @internal */
export function canonicalRequest(request: OobCodeRequest): CanonicalOobRequest {
  if (typeof request !== 'object' || request === null) throw new MfaError('INVALID_ARGUMENT', 'request must be an object');
  const purpose = checkPurpose(request.purpose, 'INVALID_ARGUMENT');
  const channel = checkChannel(request.channel, 'INVALID_ARGUMENT');
  const destination = canonicalDestination(channel, request.destination, 'INVALID_ARGUMENT');
  return { purpose, channel, destination, deliverTo: request.destination.trim() };
}
