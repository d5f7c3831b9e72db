/**
 * One-time codes sent by email or SMS ("out-of-band"): issue a numeric code bound to a purpose and
 * destination, store only a keyed hash, verify once within its lifetime and attempt budget, and
 * limit how often codes go to one destination. Both channels are low assurance (OOB_ASSURANCE).
 *
 * @example
 * ```ts
 * import { issueOobCode, verifyOobCode } from 'mfakit/oob';
 * const key = crypto.getRandomValues(new Uint8Array(32));
 * const { code, record } = issueOobCode({ purpose: 'login', channel: 'email', destination: 'ada@example.com' }, { key });
 * verifyOobCode(code, record, { key }).ok; // true
 * ```
 * @module mfakit/oob
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';
export {
  OOB_ASSURANCE,
  type OobChannel,
  type OobCodeRecord,
  type OobCodeRequest,
  type OobMessage,
  type OobPurpose,
  type OobSender,
} from './types.js';
export { oobDestinationKey, oobRecordId } from './keyed-hash.js';
export {
  DEFAULT_OOB_MAX_ATTEMPTS,
  DEFAULT_OOB_TTL_SECONDS,
  issueOobCode,
  type IssueOobCodeOptions,
  type IssuedOobCode,
} from './issue.js';
export { verifyOobCode, type OobVerifyResult, type VerifyOobCodeOptions } from './verify.js';
export {
  checkOobSendLimit,
  oobSendLimitKey,
  type OobSendLimitOptions,
  type OobSendLimitResult,
  type OobSendLimitState,
} from './send-limit.js';
