// Extracts the registration/authentication examples from the W3C WebAuthn L3 "Test Vectors"
// section (test/vectors/webauthn/webauthn-l3-test-vectors.bs.txt, see SOURCE.txt there).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface W3cCeremony {
  [name: string]: string | undefined;
}
export interface W3cExample {
  id: string;
  title: string;
  registration: W3cCeremony;
  authentication: W3cCeremony;
}

const file = fileURLToPath(new URL('../../vectors/webauthn/webauthn-l3-test-vectors.bs.txt', import.meta.url));

function parseBlock(block: string): W3cCeremony {
  const out: W3cCeremony = {};
  for (const line of block.split('\n')) {
    const m = /^([A-Za-z_0-9]+) = h'([0-9a-f]*)'/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The attestation root certificate every attested example chains to (hex). */
export function w3cAttestationRoot(): string {
  const text = readFileSync(file, 'utf8');
  const m = /attestation_ca_cert = h'([0-9a-f]+)'/.exec(text);
  return m![1]!;
}

/** Every registration + authentication example, in document order. */
export function w3cExamples(): W3cExample[] {
  const text = readFileSync(file, 'utf8');
  const sections = text.split(/\n## /).slice(1);
  const out: W3cExample[] = [];
  for (const section of sections) {
    const header = /^(.*?) ## \{#([^}]+)\}/.exec(section);
    if (!header) continue;
    const blocks = [...section.matchAll(/<xmp class="example" highlight="cddl">([\s\S]*?)<\/xmp>/g)].map((m) => m[1]!);
    if (!/Registration=\]:/.test(section) || blocks.length !== 2) continue;
    out.push({ id: header[2]!, title: header[1]!, registration: parseBlock(blocks[0]!), authentication: parseBlock(blocks[1]!) });
  }
  return out;
}
