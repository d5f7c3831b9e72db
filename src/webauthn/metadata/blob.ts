/**
 * Verifying an MDS3 blob offline (FIDO Metadata Service §3.2): a JWS (compact JWT) signed with
 * RS256 or ES256 whose `x5c` header chains to the root certificate the app supplies; nothing is
 * fetched. The chain's validity dates are checked at the injected clock.
 * @module
 */
import { type Clock, systemClock } from '../../clock.js';
import { MfaError } from '../../errors.js';
import { verifyCertificatePath } from '../../internal/asn1/chain.js';
import { type X509Certificate, certificatePublicKey, parseX509Certificate } from '../../internal/asn1/x509.js';
import { base64ToBytes, bytesToUtf8, utf8ToBytes } from '../../internal/bytes.js';
import { type SignatureScheme, verifySignature } from '../../internal/signatures/index.js';
import type { FidoMetadata, FidoMetadataEntry, FidoStatusReport } from './entry.js';

/**
 * Options of {@link verifyFidoMetadataBlob}.
 *
 * @example
 * ```ts
 * const options: VerifyFidoMetadataOptions = { now: () => Date.UTC(2026, 0, 1) };
 * ```
 */
export interface VerifyFidoMetadataOptions {
  /** Time at which the signing chain must be valid (default `Date.now`). */
  now?: Clock;
}

const SCHEMES: Record<string, SignatureScheme> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', hash: 'SHA-256', encoding: 'raw' },
};

/** Largest blob accepted (the real MDS3 blob is about 5 MB in 2025). */
const MAX_BLOB_CHARS = 64 * 1024 * 1024;

function fail(message: string, reason: string, cause?: unknown): never {
  throw new MfaError('INVALID_METADATA', message, { details: { reason }, ...(cause === undefined ? {} : { cause }) });
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytesToUtf8(base64ToBytes(part)));
  } catch (cause) {
    fail(`metadata blob ${what} is not base64url JSON`, 'malformed', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`metadata blob ${what} must be a JSON object`, 'malformed');
  return value as Record<string, unknown>;
}

function parseCertificate(value: unknown, what: string): X509Certificate {
  if (typeof value !== 'string') fail(`${what} must be a base64 string`, 'malformed');
  try {
    return parseX509Certificate(base64ToBytes(value));
  } catch (cause) {
    fail(`${what} is not a DER certificate`, 'malformed', cause);
  }
}

/** `YYYY-MM-DD` as ms since the epoch (UTC). */
function parseDate(value: unknown, what: string): number {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (match === null) fail(`${what} must be a YYYY-MM-DD date`, 'malformed');
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

function parseEntry(value: unknown): FidoMetadataEntry | undefined {
  if (typeof value !== 'object' || value === null) fail('a metadata entry must be an object', 'malformed');
  const raw = value as Record<string, unknown>;
  // FIDO U2F entries are keyed by attestation key identifiers, not an AAGUID: not indexed here.
  if (typeof raw['aaguid'] !== 'string') return undefined;
  const aaguid = raw['aaguid'].toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(aaguid)) fail('a metadata entry has a malformed aaguid', 'malformed');
  const statement = raw['metadataStatement'];
  if (typeof statement !== 'object' || statement === null) fail(`metadata entry ${aaguid} has no metadataStatement`, 'malformed');
  const { description, attestationRootCertificates } = statement as Record<string, unknown>;
  if (typeof description !== 'string') fail(`metadata entry ${aaguid} has no description`, 'malformed');
  const roots = Array.isArray(attestationRootCertificates) ? attestationRootCertificates : [];
  const reports = Array.isArray(raw['statusReports']) ? raw['statusReports'] : [];
  return {
    aaguid,
    description,
    attestationRootCertificates: roots.map((root, i) => parseCertificate(root, `metadata entry ${aaguid}: attestation root ${i}`).raw),
    statusReports: reports.map((report): FidoStatusReport => {
      const { status, effectiveDate } = (report ?? {}) as Record<string, unknown>;
      if (typeof status !== 'string') fail(`metadata entry ${aaguid}: a status report has no status`, 'malformed');
      return typeof effectiveDate === 'string' ? { status, effectiveDate } : { status };
    }),
  };
}

/**
 * Verifies an MDS3 blob (the JWT downloaded from the FIDO Metadata Service, or any blob in that
 * format) and returns its entries. The signature is checked with the first `x5c` certificate,
 * whose chain must reach one of `roots` (DER; for the FIDO service, its root certificate
 * "GlobalSign Root CA - R3") and be valid at `now`. Anything else throws `MfaError`
 * `INVALID_METADATA` with `details.reason`: `malformed`, `algorithm`, `chain` (and
 * `details.chain`, the path failure) or `signature`. The library fetches nothing.
 *
 * @example
 * ```ts
 * import { verifyFidoMetadataBlob } from 'mfakit/webauthn';
 * const metadata = await verifyFidoMetadataBlob(await readFile('blob.jwt', 'utf8'), fidoRootDer);
 * console.log(metadata.entries.get(credential.aaguid)?.description); // "YubiKey 5 NFC"
 * ```
 */
export async function verifyFidoMetadataBlob(blob: string, roots: Uint8Array | readonly Uint8Array[], options: VerifyFidoMetadataOptions = {}): Promise<FidoMetadata> {
  if (typeof blob !== 'string' || blob.length > MAX_BLOB_CHARS) fail('the metadata blob must be a JWT string', 'malformed');
  const parts = blob.trim().split('.');
  if (parts.length !== 3) fail('the metadata blob must be a compact JWS (three parts)', 'malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header');
  const scheme = typeof header['alg'] === 'string' ? SCHEMES[header['alg']] : undefined;
  if (scheme === undefined) fail('the metadata blob must be signed with RS256 or ES256', 'algorithm');
  const x5c = header['x5c'];
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > 8) fail('the metadata blob header needs an x5c chain', 'malformed');
  const chain = x5c.map((cert, i) => parseCertificate(cert, `x5c[${i}]`));
  const rootList = roots instanceof Uint8Array ? [roots] : roots;
  if (!Array.isArray(rootList) || rootList.length === 0) throw new MfaError('INVALID_ARGUMENT', 'give the root certificate (DER) the metadata blob must chain to');
  const anchors = rootList.map((der) => parseX509Certificate(der));
  const path = await verifyCertificatePath(chain, anchors, { now: (options.now ?? systemClock)() });
  if (!path.ok) throw new MfaError('INVALID_METADATA', `the metadata signing chain does not validate (${path.reason})`, { details: { reason: 'chain', chain: path.reason } });

  let signature: Uint8Array;
  try {
    signature = base64ToBytes(signaturePart);
  } catch (cause) {
    fail('the metadata blob signature is not base64url', 'malformed', cause);
  }
  const signed = utf8ToBytes(`${headerPart}.${payloadPart}`);
  let valid = false;
  try {
    valid = await verifySignature(certificatePublicKey(chain[0]!), scheme, signature, signed);
  } catch (cause) {
    fail('the metadata blob signature cannot be checked with its signing certificate', 'signature', cause);
  }
  if (!valid) fail('the metadata blob signature does not verify', 'signature');

  const payload = decodeJson(payloadPart, 'payload');
  const serial = payload['no'];
  if (!Number.isSafeInteger(serial)) fail('the metadata blob has no serial number (no)', 'malformed');
  const nextUpdate = parseDate(payload['nextUpdate'], 'nextUpdate');
  const rawEntries = payload['entries'];
  if (!Array.isArray(rawEntries)) fail('the metadata blob has no entries list', 'malformed');
  const entries = new Map<string, FidoMetadataEntry>();
  for (const raw of rawEntries) {
    const entry = parseEntry(raw);
    if (entry !== undefined) entries.set(entry.aaguid, entry);
  }
  return { serial: serial as number, nextUpdate, entries };
}
