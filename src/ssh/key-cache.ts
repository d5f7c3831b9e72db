/**
 * Resolution of the registered key a caller passes (a parsed key or its text), and a cache of
 * prepared signature verifiers per key so repeated checks skip validation and key import. Only
 * keys made by this module's parsers are trusted as-is: anything else is re-parsed from its blob,
 * so a hand-built object cannot pair one key's blob with another key's material. Internal.
 * @module
 */
import { MfaError } from '../errors.js';
import { prepareSignatureVerifier, type SignatureBackend, type SignatureScheme, type SignatureVerifier } from '../internal/signatures/index.js';
import type { SshPublicKey } from './key-types.js';

const genuine = new WeakSet<SshPublicKey>();
const byText = new Map<string, SshPublicKey>();
const TEXT_CACHE_SIZE = 256;
const verifiers = new WeakMap<SshPublicKey, Map<string, SignatureVerifier>>();

/** Records a key made by the parsers. */
export function markParsed(key: SshPublicKey): SshPublicKey {
  genuine.add(key);
  return key;
}

/** The registered key as a trusted parsed key; text is parsed (and cached, bounded). */
export function resolveRegisteredKey(
  input: SshPublicKey | string,
  parse: (text: string) => SshPublicKey,
  parseBlob: (blob: Uint8Array) => SshPublicKey,
): SshPublicKey {
  if (typeof input === 'string') {
    const cached = byText.get(input);
    if (cached !== undefined) return cached;
    const key = parse(input);
    if (byText.size >= TEXT_CACHE_SIZE) byText.delete(byText.keys().next().value as string);
    byText.set(input, key);
    return key;
  }
  if (typeof input === 'object' && input !== null && genuine.has(input)) return input;
  if (typeof input === 'object' && input !== null && (input as { blob?: unknown }).blob instanceof Uint8Array) return parseBlob(input.blob);
  throw new MfaError('INVALID_OPTION', 'publicKey must be a key from parseSshPublicKey or an OpenSSH public key line');
}

/** A prepared verifier for `key` and `scheme`, kept for the key's lifetime. */
export function verifierFor(key: SshPublicKey, scheme: SignatureScheme, backend: SignatureBackend): SignatureVerifier {
  let perKey = verifiers.get(key);
  if (perKey === undefined) {
    perKey = new Map();
    verifiers.set(key, perKey);
  }
  const id = `${backend}|${schemeId(scheme)}`;
  let verifier = perKey.get(id);
  if (verifier === undefined) {
    verifier = prepareSignatureVerifier(key.material, scheme, { backend });
    perKey.set(id, verifier);
  }
  return verifier;
}

const schemeIds = new WeakMap<SignatureScheme, string>();

/** A string naming everything in `scheme`, memoised per scheme object (SSH checks pass the constants of schemes.ts). */
function schemeId(scheme: SignatureScheme): string {
  let id = schemeIds.get(scheme);
  if (id === undefined) {
    id = `${scheme.name}|${'hash' in scheme ? scheme.hash : ''}|${'encoding' in scheme ? scheme.encoding : ''}|${'saltLength' in scheme ? scheme.saltLength : ''}`;
    schemeIds.set(scheme, id);
  }
  return id;
}

const applicationHashes = new WeakMap<SshPublicKey, Uint8Array>();

/** SHA-256 of a FIDO key's application string (constant per key, so computed once). */
export function applicationHash(key: SshPublicKey, hash: (data: Uint8Array) => Uint8Array, encode: (text: string) => Uint8Array): Uint8Array {
  let value = applicationHashes.get(key);
  if (value === undefined) {
    value = hash(encode(key.application ?? ''));
    applicationHashes.set(key, value);
  }
  return value;
}
