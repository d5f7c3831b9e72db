// Builders for SSH keys and SSHSIG signatures made in-process (noble / WebCrypto private keys), for
// the cases real tools cannot produce: FIDO sk signatures, SHA-1 ssh-rsa, bad versions, swaps.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '../../src/internal/bytes.js';
import { encodeMpint, encodeString, encodeUint32 } from '../../src/ssh/wire.js';

export const MAGIC = utf8ToBytes('SSHSIG');

export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

export function armor(blob: Uint8Array): string {
  return `-----BEGIN SSH SIGNATURE-----\n${b64(blob).replace(/.{70}/g, '$&\n')}\n-----END SSH SIGNATURE-----\n`;
}

export function dearmor(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

export interface Envelope {
  version?: number;
  publicKey: Uint8Array;
  namespace: string;
  reserved?: Uint8Array;
  hashAlgorithm: string;
  signature: Uint8Array;
  trailing?: Uint8Array;
}

export function encodeEnvelope(e: Envelope): Uint8Array {
  return concatBytes(
    MAGIC,
    encodeUint32(e.version ?? 1),
    encodeString(e.publicKey),
    encodeString(e.namespace),
    encodeString(e.reserved ?? new Uint8Array()),
    encodeString(e.hashAlgorithm),
    encodeString(e.signature),
    e.trailing ?? new Uint8Array(),
  );
}

/** Decodes an envelope (no checks), for tests that modify a real signature. */
export function decodeEnvelope(blob: Uint8Array): Envelope {
  let o = 10;
  const str = () => {
    const n = new DataView(blob.buffer, blob.byteOffset + o, 4).getUint32(0);
    const out = blob.slice(o + 4, o + 4 + n);
    o += 4 + n;
    return out;
  };
  const version = new DataView(blob.buffer, blob.byteOffset + 6, 4).getUint32(0);
  const publicKey = str();
  const namespace = new TextDecoder().decode(str());
  const reserved = str();
  const hashAlgorithm = new TextDecoder().decode(str());
  const signature = str();
  return { version, publicKey, namespace, reserved, hashAlgorithm, signature };
}

export function signedData(namespace: string, hashAlgorithm: string, message: Uint8Array, reserved = new Uint8Array()): Uint8Array {
  const h = hashAlgorithm === 'sha512' ? sha512(message) : hashAlgorithm === 'sha1' ? new Uint8Array(20) : sha256(message);
  return concatBytes(MAGIC, encodeString(namespace), encodeString(reserved), encodeString(hashAlgorithm), encodeString(h));
}

/** A signing identity: its public blob and a function signing data into an SSH signature blob. */
export interface Signer {
  type: string;
  blob: Uint8Array;
  line: string;
  sign(data: Uint8Array, algorithm?: string): Promise<Uint8Array>;
}

export function ed25519Signer(): Signer {
  const secret = ed25519.utils.randomSecretKey();
  const pk = ed25519.getPublicKey(secret);
  const blob = concatBytes(encodeString('ssh-ed25519'), encodeString(pk));
  return {
    type: 'ssh-ed25519',
    blob,
    line: `ssh-ed25519 ${b64(blob)} test`,
    sign: async (data, algorithm = 'ssh-ed25519') => concatBytes(encodeString(algorithm), encodeString(ed25519.sign(data, secret))),
  };
}

export function ecdsaSigner(curveName: 'nistp256' | 'nistp384' | 'nistp521', options: { highS?: boolean } = {}): Signer {
  const [curve, hash, width] = ({ nistp256: [p256, sha256, 32], nistp384: [p384, sha384, 48], nistp521: [p521, sha512, 66] } as const)[curveName];
  const secret = curve.utils.randomSecretKey();
  const point = curve.getPublicKey(secret, false);
  const type = `ecdsa-sha2-${curveName}`;
  const blob = concatBytes(encodeString(type), encodeString(curveName), encodeString(point));
  return {
    type,
    blob,
    line: `${type} ${b64(blob)} test`,
    sign: async (data, algorithm = type) => {
      const raw = curve.sign(hash(data), secret, { prehash: false, lowS: true });
      let s: Uint8Array = raw.slice(width);
      if (options.highS) s = bigBytes(curve.Point.CURVE().n - BigInt('0x' + Buffer.from(s).toString('hex')), width);
      return concatBytes(encodeString(algorithm), encodeString(concatBytes(encodeMpint(raw.slice(0, width)), encodeMpint(s))));
    },
  };
}

function bigBytes(value: bigint, width: number): Uint8Array {
  return new Uint8Array(Buffer.from(value.toString(16).padStart(width * 2, '0'), 'hex'));
}

/** RSA via WebCrypto; `sign(data, algorithm)` supports ssh-rsa (SHA-1), rsa-sha2-256, rsa-sha2-512. */
export async function rsaSigner(bits = 2048): Promise<Signer> {
  const pair = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  delete jwk.alg;
  const n = new Uint8Array(Buffer.from(jwk.n!, 'base64url'));
  const e = new Uint8Array(Buffer.from(jwk.e!, 'base64url'));
  const blob = concatBytes(encodeString('ssh-rsa'), encodeMpint(e), encodeMpint(n));
  const keys = new Map<string, CryptoKey>();
  const hashOf = { 'ssh-rsa': 'SHA-1', 'rsa-sha2-256': 'SHA-256', 'rsa-sha2-512': 'SHA-512' } as Record<string, string>;
  return {
    type: 'ssh-rsa',
    blob,
    line: `ssh-rsa ${b64(blob)} test`,
    sign: async (data, algorithm = 'rsa-sha2-512') => {
      const hash = hashOf[algorithm] ?? 'SHA-256';
      let key = keys.get(hash);
      if (key === undefined) {
        key = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
        keys.set(hash, key);
      }
      const sig = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, data as Uint8Array<ArrayBuffer>));
      return concatBytes(encodeString(algorithm), encodeString(sig));
    },
  };
}

/** A FIDO (sk-) key: the "authenticator" signs sha256(app) || flags || counter || sha256(data). */
export function skSigner(kind: 'ed25519' | 'ecdsa', options: { flags?: number; counter?: number; application?: string } = {}): Signer & { setFlags(flags: number): void } {
  const application = options.application ?? 'ssh:';
  let flags = options.flags ?? 0x01;
  const counter = options.counter ?? 7;
  if (kind === 'ed25519') {
    const secret = ed25519.utils.randomSecretKey();
    const type = 'sk-ssh-ed25519@openssh.com';
    const blob = concatBytes(encodeString(type), encodeString(ed25519.getPublicKey(secret)), encodeString(application));
    return {
      type,
      blob,
      line: `${type} ${b64(blob)} sk-test`,
      setFlags: (f) => void (flags = f),
      sign: async (data, algorithm = type) => {
        const signed = concatBytes(sha256(utf8ToBytes(application)), new Uint8Array([flags]), encodeUint32(counter), sha256(data));
        return concatBytes(encodeString(algorithm), encodeString(ed25519.sign(signed, secret)), new Uint8Array([flags]), encodeUint32(counter));
      },
    };
  }
  const secret = p256.utils.randomSecretKey();
  const type = 'sk-ecdsa-sha2-nistp256@openssh.com';
  const blob = concatBytes(encodeString(type), encodeString('nistp256'), encodeString(p256.getPublicKey(secret, false)), encodeString(application));
  return {
    type,
    blob,
    line: `${type} ${b64(blob)} sk-test`,
    setFlags: (f) => void (flags = f),
    sign: async (data, algorithm = type) => {
      const signed = concatBytes(sha256(utf8ToBytes(application)), new Uint8Array([flags]), encodeUint32(counter), sha256(data));
      const raw = p256.sign(sha256(signed), secret, { prehash: false, lowS: false });
      return concatBytes(encodeString(algorithm), encodeString(concatBytes(encodeMpint(raw.slice(0, 32)), encodeMpint(raw.slice(32)))), new Uint8Array([flags]), encodeUint32(counter));
    },
  };
}

/** A complete armored SSHSIG by `signer`. */
export async function makeSshsig(signer: Signer, namespace: string, message: Uint8Array | string, options: { hashAlgorithm?: string; algorithm?: string; version?: number; embedded?: Uint8Array; trailing?: Uint8Array } = {}): Promise<string> {
  const msg = typeof message === 'string' ? utf8ToBytes(message) : message;
  const hashAlgorithm = options.hashAlgorithm ?? 'sha512';
  const data = signedData(namespace, hashAlgorithm, msg);
  const signature = await signer.sign(data, options.algorithm);
  return armor(encodeEnvelope({ version: options.version ?? 1, publicKey: options.embedded ?? signer.blob, namespace, hashAlgorithm, signature, trailing: options.trailing ?? new Uint8Array() }));
}
