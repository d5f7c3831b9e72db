// Backup-code sets exactly as mfakit 0.1 stored them (default KDF scrypt N=2^14, r=8, p=1), made
// with `createBackupCodes({ count: 3 })` and `createBackupCodes({ count: 2, pepper: PEPPER })` at
// commit c76e9e5, before the default moved to PBKDF2. Never regenerate this file: it stands for
// hashes already sitting in users' databases.
import type { StoredBackupCode } from '../../src/backup-codes/index.js';

export interface LegacySet {
  codes: string[];
  records: StoredBackupCode[];
}

export const LEGACY_PEPPER = new Uint8Array(32).fill(7);

export const LEGACY_SCRYPT_SET: LegacySet = {
  codes: ['VCX9-1FV3-YB6T-3CBW-GC5C', '5TJE-VC9X-1R46-WV2V-P3B0', '2XP1-YT4Z-1PWD-TZB7-R3ZB'],
  records: [
    { id: 'VCX9', hash: '$scrypt$ln=14,r=8,p=1$vlSXqlZ5nhG2PNqiDPM2gg$9rRV6ZlyxAXIgtQ/3sHAF3kTggH0Ieq40c/ropMrTIE' },
    { id: '5TJE', hash: '$scrypt$ln=14,r=8,p=1$2fYr4/rrSEdksyP8jQDTDw$79GKN59WMfopN/bOC3/XtvZ11ExBkoMWmDghRdeWdMI' },
    { id: '2XP1', hash: '$scrypt$ln=14,r=8,p=1$LcQ5D3Z9ybetCxzwZ84pvQ$K3LxfiI8vIOlxrObzbBDpIUL5rWSfDpmDAVvUofmpdM' },
  ],
};

/** Hashed with {@link LEGACY_PEPPER}. */
export const LEGACY_PEPPERED_SCRYPT_SET: LegacySet = {
  codes: ['5PCF-JNMQ-ZMNP-EREG-5V7D', 'HN2V-PSA2-ST1H-FM48-C66T'],
  records: [
    { id: '5PCF', hash: '$scrypt$ln=14,r=8,p=1,pepper=1$v/Fc0cmryni8RzhrINn5TQ$2A/icnH1ZdoYUVd0yaxdIlhrFL02+PINAiphU8JXRmQ' },
    { id: 'HN2V', hash: '$scrypt$ln=14,r=8,p=1,pepper=1$kA5XsUJHAsSq1K1O+5O3xg$RbvMSF2u/UhuxXZXYMF0HEAQDjsmjtGY8S0D5fIbibM' },
  ],
};
