/**
 * SSH-key account recovery (`mfakit/ssh`): parse OpenSSH public keys as users paste them, print
 * `ssh-keygen -lf` fingerprints, issue a challenge with the command that signs it, and verify
 * `ssh-keygen -Y sign` (PROTOCOL.sshsig) or raw `openssl dgst -sign` signatures against a
 * registered key. Portable: `Uint8Array` and Web APIs only.
 *
 * @example
 * ```ts
 * import { parseSshPublicKey, createSshChallenge, verifySshChallengeResponse } from 'mfakit/ssh';
 * const key = parseSshPublicKey(pastedKey);                     // register key.line, show key.fingerprint
 * const challenge = createSshChallenge({ service: 'Example', account: 'alice', namespace: 'recovery@example.com', keyType: key.type });
 * // show challenge.command; later:
 * const result = await verifySshChallengeResponse(challenge, pastedSignature, { publicKey: key.line });
 * ```
 * @module mfakit/ssh
 */
export { MfaError, isMfaError, type MfaErrorCode, type MfaErrorOptions } from '../errors.js';
export type { SshKeyType, SshPublicKey } from './key-types.js';
export { parseSshPublicKey, parseAuthorizedKeys, parseSshPublicKeyBlob, sshFingerprint } from './public-key.js';
export { parseSshSignature, type SshSignatureEnvelope } from './envelope.js';
export { verifySshSignature, type VerifySshSignatureOptions } from './verify-sshsig.js';
export { verifyRawSignature, type VerifyRawSignatureOptions } from './verify-raw.js';
export { assertSshNamespace } from './namespace.js';
export { createSshChallenge, SSH_CHALLENGE_DEFAULT_TTL_SECONDS, type CreateSshChallengeOptions, type SshChallenge } from './challenge.js';
export { verifySshChallengeResponse, type VerifySshChallengeResponseOptions } from './challenge-response.js';
export type { SshAuthenticatorData, SshVerificationFailureReason, SshVerificationResult, SshVerificationSuccess } from './result.js';
