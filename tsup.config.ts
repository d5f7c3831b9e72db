import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * One entry per subpath export. `src/entries.json` is the single list both this file and the
 * packaging check read, so `package.json#exports` and the build cannot drift apart.
 */
const entries: Record<string, string> = JSON.parse(readFileSync('src/entries.json', 'utf8'));
/** The optional drivers (pg, ioredis, kysely, nodemailer, …): `package.json#peerDependencies`, so a new store's driver is declared once. */
const drivers = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { peerDependencies?: Record<string, string> }).peerDependencies ?? {});

export const entry = Object.fromEntries(
  Object.entries(entries).map(([subpath, file]) => [
    subpath === '.' ? 'index' : `${subpath.slice(2)}/index`,
    file,
  ]),
);

const common: Options = {
  sourcemap: false,
  clean: false, // `npm run build` empties dist/ once; the three builds below run in parallel
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  // Drivers are optional peers: never bundled, loaded only by their adapter subpath.
  external: [...drivers, /^node:/],
  // @noble/hashes and @noble/curves are bundled into the shared chunks (and are devDependencies):
  // each of their files was one more module to resolve and link at every cold start (`mfakit/otp`
  // loaded 25 modules, `mfakit/service` 158, most from node_modules). Like otpauth, which
  // ships @noble/hashes inside its one file. `qrcode-svg` stays a dependency: only
  // `mfakit/otp/qr` loads it.
  noExternal: [/^@noble\/(hashes|curves)(\/|$)/],
  banner: {
    js: '/*! mfakit, MIT licence. Bundles @noble/hashes and @noble/curves, MIT licence, (c) Paul Miller (paulmillr.com). */',
  },
};

export default defineConfig([
  // ESM, one file per entry point holding the modules only that entry reaches, plus shared chunks
  // (`chunk-*.js`) for modules two or more entries reach, so no module is loaded twice and an app
  // importing `mfakit/otp` and `mfakit/service` shares one copy of the OTP code. Cold start pays
  // per module (resolution, read, link): with the bundled @noble libraries above, `mfakit/service`
  // loads 17 modules instead of 158 (bench/startup, test/packaging/module-graph.test.ts).
  // Tree-shaking still works for apps: each output is plain ESM with top-level declarations,
  // `sideEffects: false` lets bundlers drop unused chunks, and statement-level shaking drops unused
  // functions inside one (test/packaging/size-budget.test.ts bundles `verifyTotp` from dist/).
  {
    ...common,
    entry,
    format: ['esm'],
    splitting: true,
    treeshake: true,
    dts: false,
  },
  // CommonJS, bundled per entry point the same way (Node's `require` does not tree-shake anyway).
  {
    ...common,
    entry,
    format: ['cjs'],
    splitting: true,
    treeshake: true,
    dts: false,
  },
  // Declarations for both: `.d.ts` (import) and `.d.cts` (require).
  {
    ...common,
    entry,
    format: ['esm', 'cjs'],
    dts: { only: true },
  },
]);
