/**
 * FIDO Metadata Service (MDS3), offline: verify a blob the app downloaded, then name
 * authenticators, check their status and their attestation roots by AAGUID.
 * @module
 */
export { verifyFidoMetadataBlob } from './blob.js';
export type { VerifyFidoMetadataOptions } from './blob.js';
export { FIDO_REVOKED_STATUSES, findFidoMetadataEntry, isFidoAuthenticatorRevoked } from './entry.js';
export type { FidoMetadata, FidoMetadataEntry, FidoStatusReport } from './entry.js';
