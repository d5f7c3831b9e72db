/**
 * Email codes: an enrolment confirmed by the code sent to the address, login codes sent on request.
 * @module
 */
import { confirmOobEnrolment } from '../oob-flows.js';
import type { FactorKindDefinition } from './kind.js';
import { oobCodeLogin } from './oob-codes.js';

/**
 * The `email` kind.
 *
 * @example
 * ```ts
 * emailKind.displayName; // 'Email code'
 * ```
 */
export const emailKind = {
  kind: 'email',
  displayName: 'Email code',
  confirmEnrolment: confirmOobEnrolment,
  codeLogin: oobCodeLogin,
} satisfies FactorKindDefinition<'email'>;
