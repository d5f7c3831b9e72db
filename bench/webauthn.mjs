// WebAuthn authentication verifications per second, ES256 and Ed25519: mfakit (dist/) against
// @simplewebauthn/server on the same responses, in one process. Keys and responses are made here
// with @noble/curves (a software authenticator). Run after `npx tsup`; BENCH_SMOKE=1 for a short run.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { verifyAuthenticationResponse } from '@simplewebauthn/server';
import { verifyWebAuthnAuthentication } from '../dist/webauthn/index.js';
import { measure, printRatio, printTable, smoke } from './lib.mjs';

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
const origin = 'https://example.org';
const rpId = 'example.org';

// Minimal CBOR for the COSE keys (maps of small ints and byte strings).
function cbor(map) {
  const out = [0xa0 | map.size];
  const int = (n) => (n >= 0 ? (n < 24 ? [n] : [0x18, n]) : -1 - n < 24 ? [0x20 | (-1 - n)] : [0x38, -1 - n]);
  for (const [k, v] of map) {
    out.push(...int(k));
    if (v instanceof Uint8Array) out.push(0x58, v.length, ...v);
    else out.push(...int(v));
  }
  return Uint8Array.from(out);
}

function makeCase(alg, seed = 0) {
  const secretKey = alg === -7 ? p256.utils.randomSecretKey() : ed25519.utils.randomSecretKey();
  let coseKey;
  if (alg === -7) {
    const pub = p256.getPublicKey(secretKey, false);
    coseKey = cbor(new Map([[1, 2], [3, -7], [-1, 1], [-2, pub.slice(1, 33)], [-3, pub.slice(33)]]));
  } else {
    coseKey = cbor(new Map([[1, 1], [3, -8], [-1, 6], [-2, ed25519.getPublicKey(secretKey)]]));
  }
  const credentialId = sha256(Uint8Array.of(alg & 255, seed & 255, seed >> 8));
  const challenge = b64u(sha256(Uint8Array.of(1, alg & 255)));
  const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }));
  const authData = new Uint8Array(37);
  authData.set(sha256(new TextEncoder().encode(rpId)));
  authData[32] = 0x05; // UP | UV
  authData[36] = 1; // counter 1
  const signed = new Uint8Array([...authData, ...sha256(clientDataJSON)]);
  const signature = alg === -7 ? p256.sign(signed, secretKey, { format: 'der' }) : ed25519.sign(signed, secretKey);
  const id = b64u(credentialId);
  const response = {
    id,
    rawId: id,
    type: 'public-key',
    response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(signature) },
    clientExtensionResults: {},
  };
  return { alg, response, challenge, coseKey, id };
}

const rows = [];
const ratios = [];
for (const [label, alg] of [['ES256', -7], ['Ed25519', -8]]) {
  const c = makeCase(alg);
  const mfakitCredential = { id: c.id, publicKey: b64u(c.coseKey), counter: 0 };
  const mfakitOptions = { expectedChallenge: c.challenge, expectedOrigin: origin, expectedRpId: rpId, requireUserVerification: true };
  const swaOptions = {
    response: c.response,
    expectedChallenge: c.challenge,
    expectedOrigin: origin,
    expectedRPID: rpId,
    credential: { id: c.id, publicKey: c.coseKey, counter: 0 },
    requireUserVerification: true,
  };
  // Both must accept the input before anything is timed.
  const ours = await verifyWebAuthnAuthentication(c.response, mfakitCredential, mfakitOptions);
  const theirs = await verifyAuthenticationResponse(swaOptions);
  if (!ours.ok || !theirs.verified) throw new Error(`${label}: a verifier refused the benchmark input`);

  const m = await measure(`mfakit ${label}`, () => verifyWebAuthnAuthentication(c.response, mfakitCredential, mfakitOptions), { batch: 16 });
  const s = await measure(`@simplewebauthn/server ${label}`, () => verifyAuthenticationResponse(swaOptions), { batch: 16 });
  rows.push(m, s);
  ratios.push([label, m, s]);

  // Cold: more distinct credentials than mfakit's prepared-key cache holds (1024), cycled, so every
  // verification validates and imports its key afresh. Informational (the target is the row above).
  const many = Array.from({ length: 1500 }, (_, i) => makeCase(alg, i + 1));
  const inputs = many.map((k) => ({
    response: k.response,
    credential: { id: k.id, publicKey: b64u(k.coseKey), counter: 0 },
    swa: { ...swaOptions, response: k.response, credential: { id: k.id, publicKey: k.coseKey, counter: 0 } },
  }));
  let i = 0;
  let j = 0;
  const mc = await measure(`mfakit ${label} (cold keys)`, () => {
    const input = inputs[i++ % inputs.length];
    return verifyWebAuthnAuthentication(input.response, input.credential, mfakitOptions);
  }, { batch: 16 });
  const sc = await measure(`@simplewebauthn/server ${label} (cold keys)`, () => verifyAuthenticationResponse(inputs[j++ % inputs.length].swa), { batch: 16 });
  rows.push(mc, sc);
  ratios.push([`${label} (cold keys)`, mc, sc, 'info']);
}
printTable('WebAuthn authentication verifications/s', rows);
let allMet = true;
for (const [label, m, s, info] of ratios) {
  if (info) printRatio(`mfakit/simplewebauthn ${label}`, m, s);
  else allMet = printRatio(`mfakit/simplewebauthn ${label}`, m, s, 1.0) && allMet;
}
if (!allMet && !smoke) console.log('note: a target was not met');
