/**
 * SMS codes: an enrolment confirmed by the code sent to the number, login codes sent on request.
 * @module
 */
import { confirmOobEnrolment } from '../oob-flows.js';
import type { FactorKindDefinition } from './kind.js';
import { oobCodeLogin } from './oob-codes.js';

/**
 * The `sms` kind.
 *
 * @example
 * ```ts
 * smsKind.displayName; // 'SMS code'
 * ```
 */
export const smsKind = {
  kind: 'sms',
  displayName: 'SMS code',
  confirmEnrolment: confirmOobEnrolment,
  codeLogin: oobCodeLogin,
} satisfies FactorKindDefinition<'sms'>;
