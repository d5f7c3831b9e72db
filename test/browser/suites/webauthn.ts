/**
 * WebAuthn relying-party verification in a real browser, from the built `mfakit/webauthn` bundle:
 * every registration and authentication example of the W3C WebAuthn L3 "Test Vectors" section
 * (the same file the Node tests read, bundled as text: test/browser/fixtures/webauthn-vectors.ts),
 * attestation chains to the section's root included; then an ES256 and an Ed25519 assertion
 * tampered with in each part the signature covers, refused. Signatures go through the browser's
 * WebCrypto where it has the algorithm (the `auto` backend), `@noble/curves` otherwise (Ed448).
 */
import { MfaError } from 'mfakit';
import {
  createWebAuthnAuthenticationOptions,
  createWebAuthnRegistrationOptions,
  decodeCbor,
  parseAuthenticatorData,
  parseClientDataJSON,
  verifyWebAuthnAuthentication,
  verifyWebAuthnRegistration,
  type CborMap,
  type WebAuthnAuthenticationResponseJSON,
  type WebAuthnStoredCredential,
} from 'mfakit/webauthn';
import { b64u, hex, w3cAttestationRoot, w3cExamples, type W3cExample } from '../fixtures/webauthn-vectors.js';
import { assert, assertBytesEqual, assertEqual, assertRejects } from '../assert.js';

const base = { expectedOrigin: 'https://example.org', expectedRpId: 'example.org', algorithms: [-7, -35, -36, -8, -53, -257], allowCrossOrigin: true };
// The attestation certificates of the section are valid from 2024 on.
const now = () => Date.UTC(2025, 0, 1);
const byId = (id: string) => w3cExamples.find((e) => e.id === `sctn-test-vectors-${id}`)!;

/** Registers an example (trusting the section's root) and returns the credential to store. */
async function register(example: W3cExample): Promise<WebAuthnStoredCredential> {
  const reg = example.registration;
  const id = b64u(hex(reg.credential_id!));
  const attested = !example.id.includes('none') && !example.id.includes('self');
  const result = await verifyWebAuthnRegistration(
    { id, rawId: id, type: 'public-key', response: { clientDataJSON: b64u(hex(reg.clientDataJSON!)), attestationObject: b64u(hex(reg.attestationObject!)) }, clientExtensionResults: {} },
    // The Android example's key description has empty authorisation lists: verifiable only unchecked.
    { ...base, expectedChallenge: hex(reg.challenge!), attestationRoots: [hex(w3cAttestationRoot)], requireTrustedAttestation: attested, now, androidKeyAuthorizations: 'unchecked' },
  );
  if (!result.ok) throw new Error(`${example.id} registration: ${result.reason}`);
  const fmt = (decodeCbor(hex(reg.attestationObject!)) as CborMap).get('fmt');
  assertEqual(result.credential.attestationFormat, fmt, `${example.id} attestation format`);
  assertEqual(result.credential.id, id, `${example.id} credential id`);
  assertEqual(result.credential.aaguid.replaceAll('-', ''), reg.aaguid, `${example.id} aaguid`);
  assertEqual(result.credential.attestationTrusted, attested, `${example.id} attestation trusted`);
  const { publicKey, counter, backupEligible } = result.credential;
  return { id, publicKey, counter, backupEligible };
}

/** The example's assertion as a response, with any part replaced. */
function assertion(example: W3cExample, parts: { clientDataJSON?: Uint8Array; authenticatorData?: Uint8Array; signature?: Uint8Array } = {}): WebAuthnAuthenticationResponseJSON {
  const auth = example.authentication;
  const id = b64u(hex(example.registration.credential_id!));
  return {
    id,
    rawId: id,
    type: 'public-key',
    response: {
      clientDataJSON: b64u(parts.clientDataJSON ?? hex(auth.clientDataJSON!)),
      authenticatorData: b64u(parts.authenticatorData ?? hex(auth.authenticatorData!)),
      signature: b64u(parts.signature ?? hex(auth.signature!)),
    },
    clientExtensionResults: {},
  };
}

const flipLast = (bytes: Uint8Array) => Uint8Array.from(bytes, (b, i) => (i === bytes.length - 1 ? b ^ 0x01 : b));

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'the bundled vector section has its 15 examples and the attestation root',
    run() {
      assertEqual(w3cExamples.length, 15, 'examples');
      assert(w3cExamples.every((e) => e.registration.attestationObject && e.authentication.signature), 'every example has both ceremonies');
      assert(w3cAttestationRoot.startsWith('30'), 'root certificate is DER');
    },
  },
  ...w3cExamples.map((example) => ({
    name: `W3C ${example.id.replace('sctn-test-vectors-', '')}: registration then authentication verify`,
    async run() {
      const credential = await register(example);
      const result = await verifyWebAuthnAuthentication(assertion(example), credential, { ...base, expectedChallenge: hex(example.authentication.challenge!) });
      assert(result.ok && result.credentialId === credential.id && !result.possibleClone, `${example.id} authentication: ${JSON.stringify(result)}`);
    },
  })),
  ...(['packed-es256', 'packed-eddsa'] as const).map((id) => ({
    name: `W3C ${id}: tampered signature, authenticator data, client data, challenge and key are refused`,
    async run() {
      const example = byId(id);
      const credential = await register(example);
      const auth = example.authentication;
      const options = { ...base, expectedChallenge: hex(auth.challenge!) };
      const clientData = new TextDecoder().decode(hex(auth.clientDataJSON!));
      const authData = hex(auth.authenticatorData!);
      const counterBumped = Uint8Array.from(authData, (b, i) => (i === 36 ? b + 1 : b)); // last counter byte
      const cases: [string, WebAuthnAuthenticationResponseJSON, WebAuthnStoredCredential, string][] = [
        ['signature bit flipped', assertion(example, { signature: flipLast(hex(auth.signature!)) }), credential, 'signature-invalid'],
        ['counter raised in authenticator data', assertion(example, { authenticatorData: counterBumped }), credential, 'signature-invalid'],
        // Same fields, one more space: the JSON means the same but its hash, which is signed, differs.
        ['client data re-serialised', assertion(example, { clientDataJSON: new TextEncoder().encode(clientData.replace('{', '{ ')) }), credential, 'signature-invalid'],
        ['another credential key', assertion(example), { ...credential, publicKey: (await register(byId(id === 'packed-es256' ? 'none-es256' : 'packed-es256'))).publicKey }, 'signature-invalid'],
      ];
      for (const [label, response, stored, reason] of cases) {
        const result = await verifyWebAuthnAuthentication(response, stored, options);
        assert(!result.ok && result.reason === reason, `${id} ${label}: ${JSON.stringify(result)}`);
      }
      const expectations: [string, object, string][] = [
        ['another challenge', { expectedChallenge: hex(example.registration.challenge!) }, 'challenge-mismatch'],
        ['another origin', { expectedOrigin: 'https://example.com' }, 'origin-mismatch'],
        ['another RP ID', { expectedRpId: 'login.example.org' }, 'rp-id-mismatch'],
        ['algorithm not allowed', { algorithms: [-257] }, 'algorithm-not-allowed'],
      ];
      for (const [label, change, reason] of expectations) {
        const result = await verifyWebAuthnAuthentication(assertion(example), credential, { ...options, ...change });
        assert(!result.ok && result.reason === reason, `${id} ${label}: ${JSON.stringify(result)}`);
      }
      const garbage = await assertRejects(() => verifyWebAuthnAuthentication(assertion(example, { authenticatorData: authData.slice(0, 20) }), credential, options), MfaError, 'truncated authenticator data');
      assertEqual(garbage.code, 'INVALID_AUTHENTICATOR_DATA', 'truncated authenticator data: code');
    },
  })),
  {
    name: 'parsers on the vectors: client data, authenticator data (rpIdHash = SHA-256 of the RP ID), CBOR',
    async run() {
      const example = byId('packed-eddsa');
      const clientData = parseClientDataJSON(hex(example.authentication.clientDataJSON!));
      assert(clientData.type === 'webauthn.get' && clientData.origin === 'https://example.org', `client data: ${JSON.stringify(clientData)}`);
      assertEqual(clientData.challenge, b64u(hex(example.authentication.challenge!)), 'challenge');
      const authData = parseAuthenticatorData(hex(example.authentication.authenticatorData!));
      const rpIdHash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('example.org')));
      assertBytesEqual(authData.rpIdHash, rpIdHash, 'rpIdHash');
      assert(authData.flags.userPresent && authData.signCount === 0, `flags and counter: ${JSON.stringify(authData.flags)} ${authData.signCount}`);
      const object = decodeCbor(hex(example.registration.attestationObject!)) as CborMap;
      assertEqual(object.get('fmt'), 'packed', 'fmt');
      const registered = parseAuthenticatorData(object.get('authData') as Uint8Array);
      assertBytesEqual(registered.attestedCredentialData!.credentialId, hex(example.registration.credential_id!), 'credential id in authData');
    },
  },
  {
    name: 'ceremony options: random challenges from crypto.getRandomValues, JSON ready for the browser',
    run() {
      const reg = createWebAuthnRegistrationOptions({ id: 'example.org', name: 'Example' }, { id: new Uint8Array(16).fill(7), name: 'ada' });
      assert(/^[A-Za-z0-9_-]{43}$/.test(reg.challenge), `32-byte base64url challenge: ${reg.challenge}`);
      assertEqual(reg.pubKeyCredParams.map((p) => p.alg).join(), '-8,-7,-257', 'default algorithms');
      assertEqual(reg.user.id, b64u(new Uint8Array(16).fill(7)), 'user handle');
      const get = createWebAuthnAuthenticationOptions('example.org', { userVerification: 'required' });
      assert(get.rpId === 'example.org' && get.userVerification === 'required' && get.challenge !== reg.challenge, `request options: ${JSON.stringify(get)}`);
      assertEqual(JSON.stringify(JSON.parse(JSON.stringify(get))), JSON.stringify(get), 'plain JSON');
    },
  },
];
