/**
 * The armored SSHSIG envelope (OpenSSH PROTOCOL.sshsig): dearmor, then the fixed layout
 * `"SSHSIG" uint32 version, string publickey, string namespace, string reserved,
 * string hash_algorithm, string signature`, with nothing after it.
 * @module
 */
import { MfaError } from '../errors.js';
import { base64ToBytes, bytesToUtf8, equalBytes, utf8ToBytes } from '../internal/bytes.js';
import { SshReader } from './wire.js';

const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
const MAGIC = utf8ToBytes('SSHSIG');
const MAX_ARMOR = 64 * 1024;

/**
 * The fields of an SSHSIG signature, undecoded beyond the envelope.
 *
 * @example
 * ```ts
 * const sig: SshSignatureEnvelope = parseSshSignature(armored);
 * console.log(sig.namespace, sig.hashAlgorithm);
 * ```
 */
export interface SshSignatureEnvelope {
  /** Always 1 (other versions are refused while parsing). */
  readonly version: 1;
  /** The signer's public key blob, as embedded in the signature. */
  readonly publicKey: Uint8Array;
  /** The namespace the signer named with `ssh-keygen -Y sign -n`. */
  readonly namespace: string;
  /** The reserved field (empty today; covered by the signature). */
  readonly reserved: Uint8Array;
  /** The message hash: `sha256` or `sha512` are the ones verification accepts. */
  readonly hashAlgorithm: string;
  /** The SSH signature blob: `string algorithm, string signature` (+ flags and counter for sk keys). */
  readonly signature: Uint8Array;
}

function invalid(message: string): MfaError {
  return new MfaError('INVALID_SSH_SIGNATURE', message);
}

/** Strips the armor and decodes the base64 body. */
function dearmor(text: string): Uint8Array {
  if (typeof text !== 'string') throw invalid('expected the armored signature as text');
  if (text.length > MAX_ARMOR) throw invalid('signature too long');
  const trimmed = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
  if (!trimmed.startsWith(BEGIN)) throw invalid(`signature must start with ${BEGIN}`);
  if (!trimmed.endsWith(END) || trimmed.length < BEGIN.length + END.length) throw invalid(`signature must end with ${END}`);
  // The body: base64 split over lines (any line ends, surrounding spaces allowed), nothing else.
  const body = trimmed.slice(BEGIN.length, trimmed.length - END.length);
  if (!isLineEnd(body.charCodeAt(0)) || !endsWithLineEnd(body)) throw invalid('armor lines must stand alone');
  // ssh-keygen writes bare '\n' line ends and no spaces: remove them without a regular expression.
  const plain = body.indexOf('\r') < 0 && body.indexOf(' ') < 0 && body.indexOf('\t') < 0;
  const joined = plain ? body.replaceAll('\n', '') : body.replace(/[ \t]*\r?\n[ \t]*/g, '');
  // base64ToBytes refuses every character outside the alphabet and any '=' but the last two; the
  // armor also refuses base64url's '-' and '_' and unpadded lengths.
  if (joined.length === 0 || joined.length % 4 !== 0 || joined.includes('-') || joined.includes('_')) throw invalid('signature body is not base64');
  return base64ToBytes(joined, 'INVALID_SSH_SIGNATURE');
}

function isLineEnd(c: number): boolean {
  return c === 0x0a || c === 0x0d;
}

/** True when `text` ends with a line end followed only by spaces and tabs. */
function endsWithLineEnd(text: string): boolean {
  let i = text.length - 1;
  while (i >= 0 && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i--;
  return i >= 0 && isLineEnd(text.charCodeAt(i));
}

/**
 * Parses an armored SSH signature (`-----BEGIN SSH SIGNATURE-----` …), the output of
 * `ssh-keygen -Y sign`. Checks the structure only: magic, version 1, every field present, no
 * trailing bytes. Verification is {@link verifySshSignature}.
 *
 * @throws MfaError `INVALID_SSH_SIGNATURE`
 * @example
 * ```ts
 * const envelope = parseSshSignature(armored);
 * envelope.namespace; // e.g. 'recovery@example.com'
 * ```
 */
export function parseSshSignature(armored: string | Uint8Array): SshSignatureEnvelope {
  return parseEnvelope(armored).envelope;
}

/** The envelope, plus the raw bytes of its `namespace, reserved, hash_algorithm` fields (signed as-is). */
export function parseEnvelope(armored: string | Uint8Array): { envelope: SshSignatureEnvelope; signedFields: Uint8Array } {
  const text = typeof armored === 'string' ? armored : armored instanceof Uint8Array ? bytesToUtf8(armored, 'INVALID_SSH_SIGNATURE') : (armored as string);
  const bytes = dearmor(text);
  const r = new SshReader(bytes, 'INVALID_SSH_SIGNATURE');
  if (!equalBytes(r.take(6), MAGIC)) r.fail('not an SSHSIG signature (magic)');
  const version = r.uint32();
  if (version !== 1) r.fail(`unsupported SSHSIG version ${version}`);
  const publicKey = r.string();
  const fieldsStart = bytes.length - r.remaining;
  const namespace = r.text();
  const reserved = r.string();
  const hashAlgorithm = r.text();
  const fieldsEnd = bytes.length - r.remaining;
  const signature = r.string();
  r.end();
  const envelope: SshSignatureEnvelope = Object.freeze({ version: 1, publicKey, namespace, reserved, hashAlgorithm, signature });
  return { envelope, signedFields: bytes.subarray(fieldsStart, fieldsEnd) };
}

/**
 * The bytes an SSHSIG signature covers (PROTOCOL.sshsig "Signed Data"):
 * `"SSHSIG" string namespace, string reserved, string hash_algorithm, string H(message)`. The three
 * middle fields are the envelope's own bytes, which sit together in the same order.
 */
export function sshsigSignedData(signedFields: Uint8Array, messageHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(6 + signedFields.length + 4 + messageHash.length);
  out.set(MAGIC, 0);
  out.set(signedFields, 6);
  const at = 6 + signedFields.length;
  out[at] = messageHash.length >>> 24;
  out[at + 1] = (messageHash.length >>> 16) & 0xff;
  out[at + 2] = (messageHash.length >>> 8) & 0xff;
  out[at + 3] = messageHash.length & 0xff;
  out.set(messageHash, at + 4);
  return out;
}
