// The FIDO Metadata Service (MDS3), offline: with MFAKIT_DEMO_MDS_BLOB (a blob JWT downloaded from
// https://mds3.fidoalliance.org/) and MFAKIT_DEMO_MDS_ROOT (the root certificate it must chain to,
// PEM or DER: GlobalSign Root CA - R3 for FIDO's), the demo verifies the blob at start-up and hands
// it to the service, which then names each new security key or passkey after its model.
import { readFile } from 'node:fs/promises';
import { isMfaError } from 'mfakit';
import { verifyFidoMetadataBlob, type FidoMetadata } from 'mfakit/webauthn';

export interface DemoMetadata {
  readonly metadata: FidoMetadata;
  /** For the start-up log: "blob no. 7 verified, 123 authenticator models (next update 2026-02-01)". */
  readonly description: string;
}

/** The certificates of a PEM file (one or more), or the file itself when it is DER. */
function certificates(file: Buffer): Uint8Array[] {
  const text = file.toString('latin1');
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return [new Uint8Array(file)];
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map(
    (match) => new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64')),
  );
}

/** Reads and verifies the blob the environment names; undefined when it names none. Throws, saying which setting is wrong. */
export async function loadDemoMetadata(env: NodeJS.ProcessEnv): Promise<DemoMetadata | undefined> {
  const blobPath = env['MFAKIT_DEMO_MDS_BLOB'] || undefined;
  const rootPath = env['MFAKIT_DEMO_MDS_ROOT'] || undefined;
  if (blobPath === undefined && rootPath === undefined) return undefined;
  if (blobPath === undefined || rootPath === undefined) {
    throw new Error('FIDO metadata: set both MFAKIT_DEMO_MDS_BLOB (the MDS3 blob) and MFAKIT_DEMO_MDS_ROOT (its root certificate), or neither');
  }
  const [blob, root] = await Promise.all([readFile(blobPath, 'utf8'), readFile(rootPath)]);
  const roots = certificates(root);
  if (roots.length === 0) throw new Error(`FIDO metadata: no certificate in MFAKIT_DEMO_MDS_ROOT (${rootPath})`);
  try {
    const metadata = await verifyFidoMetadataBlob(blob.trim(), roots);
    const models = metadata.entries.size;
    return {
      metadata,
      description: `blob no. ${metadata.serial} verified, ${models} authenticator model${models === 1 ? '' : 's'} (next update ${new Date(metadata.nextUpdate).toISOString().slice(0, 10)})`,
    };
  } catch (error) {
    if (!isMfaError(error)) throw error;
    throw new Error(
      `FIDO metadata: the blob in MFAKIT_DEMO_MDS_BLOB (${blobPath}) did not verify against MFAKIT_DEMO_MDS_ROOT (${rootPath}): ${error.code} ${JSON.stringify(error.details ?? {})}`,
      { cause: error },
    );
  }
}
