/**
 * FIDO Metadata Service (MDS3) entries as mfakit keeps them: the authenticator's name, its
 * attestation roots and its status reports, looked up by AAGUID.
 * @module
 */

/**
 * One status report of an MDS3 entry (FIDO Metadata Service §3.1.3).
 *
 * @example
 * ```ts
 * const report: FidoStatusReport = { status: 'FIDO_CERTIFIED_L1', effectiveDate: '2024-01-15' };
 * ```
 */
export interface FidoStatusReport {
  /** `FIDO_CERTIFIED_L1`, `REVOKED`, `ATTESTATION_KEY_COMPROMISE`, … */
  readonly status: string;
  readonly effectiveDate?: string;
}

/**
 * An authenticator model listed in a verified metadata blob.
 *
 * @example
 * ```ts
 * const entry: FidoMetadataEntry | undefined = metadata.entries.get('cb69481e-8ff7-4039-93ec-0a2729a154a8');
 * console.log(entry?.description); // "YubiKey 5 Series"
 * ```
 */
export interface FidoMetadataEntry {
  /** AAGUID in UUID form, lower case. */
  readonly aaguid: string;
  /** The model's name from its metadata statement, e.g. "YubiKey 5 NFC". */
  readonly description: string;
  /** DER certificates the model's attestation chains must end at. */
  readonly attestationRootCertificates: readonly Uint8Array[];
  readonly statusReports: readonly FidoStatusReport[];
}

/**
 * A verified MDS3 blob: its serial number, when the next one is due, and the entries that have an
 * AAGUID (FIDO2 authenticators), by lower-case AAGUID.
 *
 * @example
 * ```ts
 * const metadata: FidoMetadata = await verifyFidoMetadataBlob(blob, fidoRoot);
 * if (metadata.nextUpdate < Date.now()) scheduleDownload();
 * ```
 */
export interface FidoMetadata {
  /** The blob's serial number (`no`); a newer blob has a larger one. */
  readonly serial: number;
  /** `nextUpdate` as ms since the epoch (UTC midnight of that date). */
  readonly nextUpdate: number;
  readonly entries: ReadonlyMap<string, FidoMetadataEntry>;
}

/**
 * Status values that make an authenticator unacceptable: it was revoked, its user verification can
 * be bypassed, or its attestation or user keys were compromised (FIDO Metadata Service §3.1.4).
 *
 * @example
 * ```ts
 * const bad = entry.statusReports.some((r) => FIDO_REVOKED_STATUSES.includes(r.status));
 * ```
 */
export const FIDO_REVOKED_STATUSES: readonly string[] = Object.freeze([
  'REVOKED',
  'USER_VERIFICATION_BYPASS',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
]);

/**
 * True when any of the entry's status reports is revoked or a compromise
 * ({@link FIDO_REVOKED_STATUSES}); a later report does not clear an earlier one.
 *
 * @example
 * ```ts
 * if (isFidoAuthenticatorRevoked(entry)) refuseRegistration();
 * ```
 */
export function isFidoAuthenticatorRevoked(entry: FidoMetadataEntry): boolean {
  return entry.statusReports.some((report) => FIDO_REVOKED_STATUSES.includes(report.status));
}

/**
 * The entry of an AAGUID (UUID form, any case), or `undefined` when the blob does not list it.
 *
 * @example
 * ```ts
 * const name = findFidoMetadataEntry(metadata, credential.aaguid)?.description;
 * ```
 */
export function findFidoMetadataEntry(metadata: FidoMetadata, aaguid: string): FidoMetadataEntry | undefined {
  return typeof aaguid === 'string' ? metadata.entries.get(aaguid.toLowerCase()) : undefined;
}
