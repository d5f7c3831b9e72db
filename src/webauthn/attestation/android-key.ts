/**
 * The `android-key` attestation statement format (WebAuthn L3 §8.4): a signature by the credential
 * key whose certificate carries the Android Keystore key description (1.3.6.1.4.1.11129.2.1.17).
 * @module
 */
import { type DerElement, derChildren, parseDer, readOctetString, readSmallInteger, sequenceOf, Tag, TagClass } from '../../internal/asn1/der.js';
import { certificatePublicKey } from '../../internal/asn1/x509.js';
import { equalBytes } from '../../internal/bytes.js';
import { coseAlgorithmScheme } from '../cose.js';
import { schemeFitsKey, verifyWebAuthnSignature } from '../signature.js';
import {
  type AttestationInput,
  type AttestationOutcome,
  sameKey,
  signedAttestationData,
  stmtBytes,
  stmtCertificates,
  stmtInteger,
  stmtOnly,
  attestationFail,
} from './common.js';

const KEY_DESCRIPTION_OID = '1.3.6.1.4.1.11129.2.1.17';
const TAG_PURPOSE = 1;
const TAG_ALL_APPLICATIONS = 600;
const TAG_ORIGIN = 702;
const KM_ORIGIN_GENERATED = 0;
const KM_PURPOSE_SIGN = 2;

interface AuthorizationList {
  purposes: number[];
  origin?: number;
  allApplications: boolean;
}

function authorizationList(element: DerElement | undefined): AuthorizationList {
  const out: AuthorizationList = { purposes: [], allApplications: false };
  for (const field of sequenceOf(element, 'AuthorizationList')) {
    if (field.cls !== TagClass.context) continue;
    if (field.tag === TAG_ALL_APPLICATIONS) out.allApplications = true;
    else if (field.tag === TAG_ORIGIN) out.origin = readSmallInteger(derChildren(field)[0], 'origin');
    else if (field.tag === TAG_PURPOSE) {
      const set = derChildren(field)[0];
      if (set === undefined || set.tag !== Tag.SET) continue;
      for (const purpose of derChildren(set)) out.purposes.push(readSmallInteger(purpose, 'purpose'));
    }
  }
  return out;
}

/**
 * Which authorisation lists must show a generated signing key (origin KM_ORIGIN_GENERATED,
 * purpose KM_PURPOSE_SIGN): `tee` (default, §8.4 for TEE-only RPs), `tee-or-software` (the union,
 * for emulators), or `unchecked` (test keys whose lists are empty, as in the W3C examples).
 *
 * @example
 * ```ts
 * verifyWebAuthnRegistration(response, { ...expectations, androidKeyAuthorizations: 'tee-or-software' });
 * ```
 */
export type AndroidKeyAuthorizationPolicy = 'tee' | 'tee-or-software' | 'unchecked';

/** Options of {@link verifyAndroidKeyAttestation}. */
export interface AndroidKeyOptions {
  authorizations?: AndroidKeyAuthorizationPolicy;
}

/** Checks an `android-key` statement. */
export async function verifyAndroidKeyAttestation(input: AttestationInput, options: AndroidKeyOptions = {}): Promise<AttestationOutcome> {
  const { attStmt } = input;
  stmtOnly(attStmt, ['alg', 'sig', 'x5c']);
  const alg = stmtInteger(attStmt, 'alg');
  const sig = stmtBytes(attStmt, 'sig');
  const x5c = stmtCertificates(attStmt);
  if (x5c === undefined) attestationFail('android-key: x5c is required');
  const leaf = x5c[0]!;
  const key = certificatePublicKey(leaf);
  const scheme = coseAlgorithmScheme(alg);
  if (scheme === undefined || !schemeFitsKey(key, scheme)) return { ok: false, reason: 'attestation-algorithm-mismatch' };
  if (!(await verifyWebAuthnSignature(key, scheme, sig, signedAttestationData(input)))) {
    return { ok: false, reason: 'attestation-signature-invalid' };
  }
  if (!sameKey(key, input.credentialKey.key)) return { ok: false, reason: 'attestation-key-mismatch' };

  const ext = leaf.extensions.get(KEY_DESCRIPTION_OID);
  if (ext === undefined) return { ok: false, reason: 'attestation-certificate-invalid' };
  let challenge: Uint8Array;
  let software: AuthorizationList;
  let tee: AuthorizationList;
  try {
    const description = sequenceOf(parseDer(ext.value), 'KeyDescription');
    challenge = readOctetString(description[4], 'attestationChallenge');
    software = authorizationList(description[6]);
    tee = authorizationList(description[7]);
  } catch {
    return { ok: false, reason: 'attestation-certificate-invalid' };
  }
  if (!equalBytes(challenge, input.clientDataHash)) return { ok: false, reason: 'attestation-challenge-mismatch' };
  if (software.allApplications || tee.allApplications) return { ok: false, reason: 'attestation-certificate-invalid' };
  const policy = options.authorizations ?? 'tee';
  if (policy === 'unchecked') return { ok: true, type: 'basic', trustPath: x5c };
  const lists = policy === 'tee-or-software' ? [tee, software] : [tee];
  const generated = lists.some((list) => list.origin === KM_ORIGIN_GENERATED);
  const forSigning = lists.some((list) => list.purposes.includes(KM_PURPOSE_SIGN));
  if (!generated || !forSigning) return { ok: false, reason: 'attestation-certificate-invalid' };
  return { ok: true, type: 'basic', trustPath: x5c };
}
