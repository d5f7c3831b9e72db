import { describe, expect, test } from 'vitest';
import { MfaError, mfaErrorStatus, type MfaErrorCode } from '../src/index.js';

describe('mfaErrorStatus', () => {
  test('4xx for the request’s faults, 5xx for the server’s', () => {
    const cases: [MfaErrorCode, number][] = [
      ['INVALID_ARGUMENT', 400],
      ['CONFIRMATION_MISMATCH', 400],
      ['INVALID_SSH_SIGNATURE', 400],
      ['STEP_UP_REQUIRED', 403],
      ['MFA_REQUIRED_BY_POLICY', 403],
      ['FACTOR_NOT_FOUND', 404],
      ['DUPLICATE', 409],
      ['ENROLMENT_EXPIRED', 410],
      ['SEND_LIMIT_EXCEEDED', 429],
      ['THROTTLED', 429],
      ['INVALID_OPTION', 500],
      ['STORE_ERROR', 500],
      ['DECRYPTION_FAILED', 500],
      ['DELIVERY_FAILED', 502],
    ];
    for (const [code, status] of cases) expect(mfaErrorStatus(new MfaError(code, 'x')), code).toBe(status);
  });

  test('anything that is not an MfaError is a 500', () => {
    for (const value of [new Error('boom'), 'STEP_UP_REQUIRED', { code: 'STEP_UP_REQUIRED' }, null, undefined]) {
      expect(mfaErrorStatus(value)).toBe(500);
    }
  });
});
