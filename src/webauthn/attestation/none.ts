/**
 * The `none` attestation statement format (WebAuthn L3 §8.7): an empty statement.
 * @module
 */
import { type AttestationInput, type AttestationOutcome, attestationFail } from './common.js';

/** Checks a `none` statement: it must be an empty map. */
export function verifyNoneAttestation(input: AttestationInput): AttestationOutcome {
  if (input.attStmt.size !== 0) attestationFail('none: statement must be empty');
  return { ok: true, type: 'none', trustPath: [] };
}
