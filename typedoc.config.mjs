// The documentation site: `npm run docs` writes docs/api/: README.md as the front page, the guides
// of docs/ and the API reference. One TypeDoc module per package subpath, read from
// src/entries.json like tsup.config.ts, so a new subpath cannot be left out of the reference.
import { readdirSync, readFileSync } from 'node:fs';

const entries = JSON.parse(readFileSync(new URL('./src/entries.json', import.meta.url), 'utf8'));
const GUIDE_ORDER = [
  'concepts', 'authenticator-apps', 'login', 'remembered-devices', 'backup-codes', 'email-sms', 'webauthn', 'recovery', 'policy', 'disabling',
  'events', 'stores', 'core-functions', 'service', 'security', 'security-backup-codes', 'performance', 'runtimes', 'upgrading',
];
const rank = (file) => {
  const at = GUIDE_ORDER.indexOf(file.replace(/\.md$/, ''));
  return at === -1 ? GUIDE_ORDER.length : at;
};

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'mfakit',
  entryPointStrategy: 'resolve',
  // A declaration is documented in the first entry point that exports it; the others link to it.
  // The root entry (which re-exports the core) comes last, so each item sits in its own subpath.
  entryPoints: Object.entries(entries)
    .sort(([a], [b]) => Number(a === '.') - Number(b === '.'))
    .map(([, file]) => file),
  // Node's types for the adapters, and `mfakit/*` mapped to src/.
  tsconfig: 'tsconfig.node.json',
  // Types are checked by `npm run typecheck`; not checking them again here halves the run time.
  skipErrorChecking: true,
  out: 'docs/api',
  // One site: README.md is the front page and the guides in docs/ are project documents, so their
  // relative links (README -> docs/x.md -> docs/y.md#anchor) become links inside the site and
  // TypeDoc's link validation checks them with the API reference's.
  readme: 'README.md',
  // Every page of docs/, in reading order (the flows as the README lists them); a page not listed
  // here still comes in, after the others. sortEntryPoints: false keeps this order (and the modules
  // in the order above) instead of sorting both alphabetically.
  projectDocuments: readdirSync(new URL('./docs/', import.meta.url))
    .filter((file) => file.endsWith('.md'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((file) => `docs/${file}`),
  sortEntryPoints: false,
  // No git remote in every checkout: name the repository so source links never depend on one.
  sourceLinkTemplate: 'https://github.com/mfakit/mfakit/blob/{gitRevision}/{path}#L{line}',
  excludePrivate: true,
  excludeInternal: true,
  validation: {
    notExported: true,
    notDocumented: true,
    invalidLink: true,
    invalidPath: true,
    rewrittenLink: true,
    unusedMergeModuleWith: true,
  },
  // Every export and every method (a function-typed property counts as one) must be documented;
  // test/docs/tsdoc.test.ts also asks each export for an `@example`. Plain data properties are
  // documented where the name and type do not say it all (`id`, `createdAt` need no sentence).
  requiredToBeDocumented: ['Module', 'Namespace', 'Enum', 'EnumMember', 'Variable', 'Function', 'Class', 'Interface', 'Method', 'Accessor', 'TypeAlias'],
  // Types from internal modules that public signatures still name. Listed here so the reference
  // builds; each entry is a candidate for a public export, and one that no longer applies fails
  // the build (TypeDoc warns about unused entries).
  intentionallyNotExported: [
    'src/internal/bytes.ts:RandomSource', // `random` options (backup codes, OOB, WebAuthn, secrets)
    'src/internal/signatures/types.ts:PublicKeyMaterial', // CosePublicKey.key
    'src/internal/signatures/types.ts:SignatureScheme', // CosePublicKey.scheme
    'src/internal/signatures/types.ts:SignatureBackend', // VerifyRawSignatureOptions.backend
    'src/service/context.ts:ResolvedLimits', // ServiceContext.limits
    'src/service/context.ts:ResolvedTotp', // ServiceContext.totp
    'src/service/settings.ts:ResolvedRememberedDevices', // ServiceContext.rememberedDevices
    'src/service/settings.ts:ResolvedRecoverySettings', // ServiceContext.recovery
    'src/service/settings.ts:ResolvedWebAuthnSettings', // ServiceContext.webauthn
    'src/service/key-ring.ts:SecretSealer', // ServiceContext.sealer
    'src/service/verifier-cache.ts:VerifierCache', // ServiceContext.verifiers
    'src/store/records.ts:RecordKind', // assertRecordVersion(record, kind)
  ],
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
};
