/**
 * Certificate path validation for attestation (RFC 5280 §6, the parts attestation needs): each
 * certificate signed by the next, within its validity period at the injected time, every issuer a
 * CA (basic constraints, path length), ending at one of the roots the application supplied.
 * Internal.
 * @module
 */
import { equalBytes } from '../bytes.js';
import { verifySignature } from '../signatures/index.js';
import {
  type X509Certificate,
  OID,
  certificateBasicConstraints,
  certificatePublicKey,
  certificateSignatureScheme,
} from './x509.js';

/** Why a path did not validate. */
export type CertificatePathFailure =
  | 'expired'
  | 'not-yet-valid'
  | 'bad-signature'
  | 'not-a-ca'
  | 'path-too-long'
  | 'unsupported-algorithm'
  | 'unknown-critical-extension'
  | 'no-trusted-root';

/** Extensions whose meaning is understood here or by the attestation checks. */
const KNOWN_CRITICAL = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.certificatePolicies,
  '2.5.29.30', // name constraints (roots supplied by the app are trusted as configured)
]);

/** Options of {@link verifyCertificatePath}. */
export interface CertificatePathOptions {
  /** Milliseconds since the epoch at which validity is checked. */
  now: number;
  /** Accept RSA with SHA-1 in certificate signatures (some TPM vendors); default false. */
  allowSha1?: boolean;
}

async function signedBy(cert: X509Certificate, issuer: X509Certificate, allowSha1: boolean): Promise<CertificatePathFailure | undefined> {
  const scheme = certificateSignatureScheme(cert);
  if (scheme === undefined) return 'unsupported-algorithm';
  if (scheme.name === 'RSASSA-PKCS1-v1_5' && scheme.hash === 'SHA-1' && !allowSha1) return 'unsupported-algorithm';
  if (!equalBytes(cert.issuer, issuer.subject)) return 'bad-signature';
  const key = certificatePublicKey(issuer);
  return (await verifySignature(key, scheme, cert.signature, cert.tbs)) ? undefined : 'bad-signature';
}

function checkValidity(cert: X509Certificate, now: number): CertificatePathFailure | undefined {
  if (now < cert.notBefore) return 'not-yet-valid';
  if (now > cert.notAfter) return 'expired';
  for (const [oid, ext] of cert.extensions) if (ext.critical && !KNOWN_CRITICAL.has(oid)) return 'unknown-critical-extension';
  return undefined;
}

function checkIssuer(issuer: X509Certificate, certsBelow: number): CertificatePathFailure | undefined {
  const constraints = certificateBasicConstraints(issuer);
  if (constraints === undefined || !constraints.ca) return 'not-a-ca';
  // certsBelow counts the non-leaf certificates beneath this issuer.
  if (constraints.pathLength !== undefined && certsBelow > constraints.pathLength) return 'path-too-long';
  return undefined;
}

/**
 * Validates `chain` (leaf first, as x5c lists it) up to one of `roots`. A chain whose last
 * certificate is itself a root is accepted when it equals that root byte for byte.
 *
 * @returns `{ ok: true, root }` or `{ ok: false, reason }`.
 * @example
 * ```ts
 * const path = await verifyCertificatePath(x5c.map(parseX509Certificate), roots.map(parseX509Certificate), { now: Date.now() });
 * ```
 */
export async function verifyCertificatePath(
  chain: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  options: CertificatePathOptions,
): Promise<{ ok: true; root: X509Certificate } | { ok: false; reason: CertificatePathFailure }> {
  const allowSha1 = options.allowSha1 === true;
  if (chain.length === 0) return { ok: false, reason: 'no-trusted-root' };
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    const rootCopy = roots.find((root) => equalBytes(root.raw, cert.raw));
    if (rootCopy !== undefined && i > 0) {
      // The chain reached a trust anchor: it vouches for what is below it.
      const issuerProblem = checkIssuer(rootCopy, i - 1);
      return issuerProblem === undefined ? { ok: true, root: rootCopy } : { ok: false, reason: issuerProblem };
    }
    const problem = checkValidity(cert, options.now);
    if (problem !== undefined) return { ok: false, reason: problem };
    const next = chain[i + 1];
    if (next !== undefined) {
      const issuerProblem = checkIssuer(next, i);
      if (issuerProblem !== undefined) return { ok: false, reason: issuerProblem };
      const signatureProblem = await signedBy(cert, next, allowSha1);
      if (signatureProblem !== undefined) return { ok: false, reason: signatureProblem };
      continue;
    }
    // Last certificate of the chain: find the root that issued it.
    for (const root of roots) {
      if (!equalBytes(cert.issuer, root.subject)) continue;
      if (checkIssuer(root, i) !== undefined) continue;
      if ((await signedBy(cert, root, allowSha1)) === undefined) return { ok: true, root };
    }
    if (rootCopy !== undefined) return { ok: true, root: rootCopy };
  }
  return { ok: false, reason: 'no-trusted-root' };
}
