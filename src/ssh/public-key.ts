/**
 * Parsing OpenSSH public keys as users paste them: `id_ed25519.pub` contents or `authorized_keys`
 * lines, with options before the key and a comment after it.
 * @module
 */
import { MfaError } from '../errors.js';
import { base64ToBytes, bytesToBase64 } from '../internal/bytes.js';
import { decodeKeyBlob, fingerprintOfBlob, refuseUnsupportedType } from './key-blob.js';
import { markParsed } from './key-cache.js';
import { isSupportedKeyType, type SshPublicKey } from './key-types.js';

/** Longest pasted text the parsers look at (a 16384-bit RSA key line is under 3 KiB). */
const MAX_INPUT = 64 * 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function invalid(message: string): MfaError {
  return new MfaError('INVALID_SSH_KEY', message);
}

/** Splits `options keytype base64 comment`; options may hold quoted strings with spaces. */
function splitLine(line: string): { options: string | undefined; type: string; base64: string; comment: string } {
  let rest = line;
  let options: string | undefined;
  const [first = '', second = ''] = rest.split(/[ \t]+/, 2);
  // Every key blob starts with a small uint32 length, so its base64 starts with "AAAA".
  const startsWithKey = /^[A-Za-z0-9@.-]+$/.test(first) && second.startsWith('AAAA') && BASE64.test(second);
  if (!startsWithKey) {
    let i = 0;
    let quoted = false;
    for (; i < rest.length; i++) {
      const c = rest[i];
      if (quoted && c === '\\' && rest[i + 1] === '"') i++;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && (c === ' ' || c === '\t')) break;
    }
    if (quoted) throw invalid('unterminated quote in key options');
    options = rest.slice(0, i);
    rest = rest.slice(i).replace(/^[ \t]+/, '');
  }
  const match = /^(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(rest);
  if (match === null) throw invalid('expected "key-type base64-key [comment]"');
  return { options, type: match[1]!, base64: match[2]!, comment: (match[3] ?? '').trim() };
}

/** Parses one `authorized_keys`-style line (already trimmed, not empty, not a comment). */
function parseLine(line: string): SshPublicKey {
  const { options, type, base64, comment } = splitLine(line);
  if (!isSupportedKeyType(type)) refuseUnsupportedType(type);
  if (!BASE64.test(base64)) throw invalid('the key is not valid base64');
  const blob = base64ToBytes(base64, 'INVALID_SSH_KEY');
  const decoded = decodeKeyBlob(blob);
  if (decoded.type !== type) throw invalid(`key type ${type} does not match the key's own type ${decoded.type}`);
  return freezeKey(blob, decoded, comment, options);
}

function freezeKey(blob: Uint8Array, decoded: ReturnType<typeof decodeKeyBlob>, comment: string, options: string | undefined): SshPublicKey {
  const key: SshPublicKey = Object.freeze({
    type: decoded.type,
    blob,
    fingerprint: fingerprintOfBlob(blob),
    bits: decoded.bits,
    comment,
    options,
    application: decoded.application,
    line: `${decoded.type} ${bytesToBase64(blob)}`,
    material: decoded.material,
  });
  return markParsed(key);
}

function keyLines(text: string): string[] {
  if (typeof text !== 'string') throw invalid('expected the public key as text');
  if (text.length > MAX_INPUT) throw invalid('input too long for a public key');
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

/**
 * Parses one OpenSSH public key as a user pastes it: the contents of `~/.ssh/id_ed25519.pub`, or an
 * `authorized_keys` line with options and a comment. Blank lines and `#` comment lines are ignored;
 * exactly one key must remain.
 *
 * The RFC 4716 form (`---- BEGIN SSH2 PUBLIC KEY ----`, as PuTTYgen and `ssh-keygen -e` write it)
 * is accepted too.
 *
 * Accepted: `ssh-ed25519`, `ecdsa-sha2-nistp256/384/521`, `ssh-rsa` (modulus >= 2048 bits),
 * `sk-ssh-ed25519@openssh.com`, `sk-ecdsa-sha2-nistp256@openssh.com`.
 *
 * @throws MfaError `INVALID_SSH_KEY` (malformed) or `UNSUPPORTED_SSH_KEY` (certificate, DSA, short RSA, unknown type)
 * @example
 * ```ts
 * const key = parseSshPublicKey('no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB... alice@laptop');
 * key.type;        // 'ssh-ed25519'
 * key.fingerprint; // 'SHA256:…' as ssh-keygen -lf prints it
 * key.line;        // 'ssh-ed25519 AAAAC3…' (store this)
 * ```
 */
export function parseSshPublicKey(text: string): SshPublicKey {
  if (typeof text === 'string' && text.includes(RFC4716_BEGIN)) return parseRfc4716(text);
  const lines = keyLines(text);
  if (lines.length !== 1) throw invalid(lines.length === 0 ? 'no public key found' : 'expected exactly one public key');
  return parseLine(lines[0]!);
}

const RFC4716_BEGIN = '---- BEGIN SSH2 PUBLIC KEY ----';
const RFC4716_END = '---- END SSH2 PUBLIC KEY ----';

/** RFC 4716 §3: header lines `Tag: value` (continued with a trailing backslash), then base64 lines. */
function parseRfc4716(text: string): SshPublicKey {
  if (text.length > MAX_INPUT) throw invalid('input too long for a public key');
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n|\r/).map((line) => line.trim());
  if (lines[0] !== RFC4716_BEGIN || lines[lines.length - 1] !== RFC4716_END || lines.length < 3) {
    throw invalid('expected exactly one key between ---- BEGIN/END SSH2 PUBLIC KEY ----');
  }
  const inner = lines.slice(1, -1);
  let comment = '';
  let i = 0;
  while (i < inner.length && inner[i]!.includes(':')) {
    let header = inner[i++]!;
    while (header.endsWith('\\') && i < inner.length) header = header.slice(0, -1) + inner[i++]!;
    const colon = header.indexOf(':');
    const tag = header.slice(0, colon).trim();
    let value = header.slice(colon + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (tag.toLowerCase() === 'comment') comment = value;
  }
  const body = inner.slice(i).join('');
  if (body.length === 0 || !BASE64.test(body)) throw invalid('the key is not valid base64');
  const blob = base64ToBytes(body, 'INVALID_SSH_KEY');
  return freezeKey(blob, decodeKeyBlob(blob), comment, undefined);
}

/**
 * Parses every key in an `authorized_keys` file (one per line; blank and `#` lines skipped).
 * Any bad line throws, naming its line number in `details.line`.
 *
 * @throws MfaError `INVALID_SSH_KEY` / `UNSUPPORTED_SSH_KEY`
 * @example
 * ```ts
 * const keys = parseAuthorizedKeys(readFileSync('authorized_keys', 'utf8'));
 * for (const key of keys) console.log(key.fingerprint, key.comment);
 * ```
 */
export function parseAuthorizedKeys(text: string): SshPublicKey[] {
  if (typeof text !== 'string') throw invalid('expected text');
  if (text.length > MAX_INPUT * 16) throw invalid('input too long');
  const keys: SshPublicKey[] = [];
  const raw = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  raw.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed.length === 0 || trimmed.startsWith('#')) return;
    try {
      keys.push(parseLine(trimmed));
    } catch (error) {
      if (error instanceof MfaError) throw new MfaError(error.code, `line ${index + 1}: ${error.message}`, { cause: error, details: { ...error.details, line: index + 1 } });
      throw error;
    }
  });
  return keys;
}

/**
 * Parses a wire-format public key blob (for example the key embedded in an SSH signature).
 *
 * @throws MfaError `INVALID_SSH_KEY` / `UNSUPPORTED_SSH_KEY`
 * @example
 * ```ts
 * const key = parseSshPublicKeyBlob(blobBytes);
 * ```
 */
export function parseSshPublicKeyBlob(blob: Uint8Array): SshPublicKey {
  if (!(blob instanceof Uint8Array)) throw invalid('expected the key blob as a Uint8Array');
  const copy = blob.slice();
  return freezeKey(copy, decodeKeyBlob(copy), '', undefined);
}

/**
 * The `SHA256:` fingerprint of a key, exactly as `ssh-keygen -lf` prints it. Takes a parsed key,
 * a pasted key line, or a wire-format blob.
 *
 * @throws MfaError `INVALID_SSH_KEY` / `UNSUPPORTED_SSH_KEY` when text or a blob does not parse
 * @example
 * ```ts
 * sshFingerprint('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB... alice@laptop'); // 'SHA256:…'
 * ```
 */
export function sshFingerprint(key: SshPublicKey | string | Uint8Array): string {
  if (typeof key === 'string') return parseSshPublicKey(key).fingerprint;
  if (key instanceof Uint8Array) return parseSshPublicKeyBlob(key).fingerprint;
  if (typeof key === 'object' && key !== null && key.blob instanceof Uint8Array) return fingerprintOfBlob(key.blob);
  throw new MfaError('INVALID_ARGUMENT', 'expected an SshPublicKey, a key line or a key blob');
}
