// A software authenticator for tests and benchmarks: makes registration and authentication
// responses with noble keys, with every field overridable so each verification step can be broken.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { WebAuthnAuthenticationResponseJSON, WebAuthnRegistrationResponseJSON } from '../../../src/webauthn/index.js';
import { authenticationResponse, b64u, registrationResponse } from './build.js';
import { encodeCbor } from './cbor-encode.js';

export const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40, ED: 0x80 } as const;

export interface SoftwareCredential {
  alg: -7 | -8;
  id: Uint8Array;
  secretKey: Uint8Array;
  coseKey: Uint8Array;
  userHandle: Uint8Array;
  counter: number;
  sign(data: Uint8Array): Uint8Array;
}

export function createSoftwareCredential(alg: -7 | -8 = -7, seed = 1): SoftwareCredential {
  const secretKey = alg === -7 ? p256.utils.randomSecretKey() : ed25519.utils.randomSecretKey();
  const id = sha256(Uint8Array.of(seed, alg & 255));
  let coseKey: Uint8Array;
  if (alg === -7) {
    const pub = p256.getPublicKey(secretKey, false);
    coseKey = encodeCbor(new Map<number, any>([[1, 2], [3, -7], [-1, 1], [-2, pub.slice(1, 33)], [-3, pub.slice(33)]]));
  } else {
    coseKey = encodeCbor(new Map<number, any>([[1, 1], [3, -8], [-1, 6], [-2, ed25519.getPublicKey(secretKey)]]));
  }
  return {
    alg,
    id,
    secretKey,
    coseKey,
    userHandle: sha256(Uint8Array.of(seed, 0x55)),
    counter: 0,
    sign: (data) => (alg === -7 ? p256.sign(data, secretKey, { format: 'der' }) : ed25519.sign(data, secretKey)),
  };
}

export interface CeremonyOverrides {
  type?: string;
  challenge?: Uint8Array;
  origin?: string;
  rpId?: string;
  flags?: number;
  counter?: number;
  crossOrigin?: boolean;
  topOrigin?: string;
  extraClientData?: Record<string, unknown>;
  tamperSignature?: boolean;
  userHandle?: Uint8Array;
  coseKey?: Uint8Array;
  fmt?: string;
  attStmt?: Map<string, any>;
  selfAttest?: boolean;
}

function clientDataJSON(type: string, challenge: Uint8Array, o: CeremonyOverrides): Uint8Array {
  const data: Record<string, unknown> = { type: o.type ?? type, challenge: b64u(challenge), origin: o.origin ?? 'https://example.org' };
  if (o.crossOrigin !== undefined) data.crossOrigin = o.crossOrigin;
  if (o.topOrigin !== undefined) data.topOrigin = o.topOrigin;
  Object.assign(data, o.extraClientData);
  return new TextEncoder().encode(JSON.stringify(data));
}

function header(rpId: string, flags: number, counter: number): Uint8Array {
  const out = new Uint8Array(37);
  out.set(sha256(new TextEncoder().encode(rpId)));
  out[32] = flags;
  new DataView(out.buffer).setUint32(33, counter >>> 0);
  return out;
}

export function register(cred: SoftwareCredential, challenge: Uint8Array, o: CeremonyOverrides = {}): WebAuthnRegistrationResponseJSON {
  const cdj = clientDataJSON('webauthn.create', o.challenge ?? challenge, o);
  const key = o.coseKey ?? cred.coseKey;
  const flags = o.flags ?? FLAG.UP | FLAG.UV | FLAG.AT;
  const attested = (flags & FLAG.AT) !== 0 ? [...new Uint8Array(16).fill(0xaa), cred.id.length >> 8, cred.id.length & 255, ...cred.id, ...key] : [];
  const authData = new Uint8Array([...header(o.rpId ?? 'example.org', flags, o.counter ?? cred.counter), ...attested]);
  let attStmt = o.attStmt ?? new Map();
  let fmt = o.fmt ?? 'none';
  if (o.selfAttest === true) {
    let sig = cred.sign(new Uint8Array([...authData, ...sha256(cdj)]));
    if (o.tamperSignature === true) {
      sig = sig.slice();
      sig[sig.length - 1]! ^= 1;
    }
    fmt = 'packed';
    attStmt = new Map<string, any>([['alg', cred.alg], ['sig', sig]]);
  }
  const attestationObject = encodeCbor(new Map<string, any>([['fmt', fmt], ['attStmt', attStmt], ['authData', authData]]));
  return registrationResponse(cred.id, cdj, attestationObject);
}

export function authenticate(cred: SoftwareCredential, challenge: Uint8Array, o: CeremonyOverrides = {}): WebAuthnAuthenticationResponseJSON {
  const cdj = clientDataJSON('webauthn.get', o.challenge ?? challenge, o);
  const counter = o.counter ?? ++cred.counter;
  const authData = header(o.rpId ?? 'example.org', o.flags ?? FLAG.UP | FLAG.UV, counter);
  let sig = cred.sign(new Uint8Array([...authData, ...sha256(cdj)]));
  if (o.tamperSignature === true) {
    sig = sig.slice();
    sig[sig.length - 1]! ^= 1;
  }
  return authenticationResponse(cred.id, cdj, authData, sig, o.userHandle ?? cred.userHandle);
}
