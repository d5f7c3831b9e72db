import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * One entry per subpath export. `src/entries.json` is the single list both this file and the
 * packaging check read, so `package.json#exports` and the build cannot drift apart.
 */
const entries: Record<string, string> = JSON.parse(readFileSync('src/entries.json', 'utf8'));

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
  external: ['pg', 'ioredis', 'nodemailer', /^node:/],
};

export default defineConfig([
  // ESM, one output file per source module (the module graph is kept). Bundlers then drop
  // whole modules a caller does not reach (`sideEffects: false`): `verifyTotp` never pulls the
  // QR encoder, the WebAuthn attestation formats or the service.
  {
    ...common,
    entry: ['src/**/*.ts'],
    format: ['esm'],
    bundle: false,
    dts: false,
  },
  // CommonJS, bundled per entry point (Node's `require` does not tree-shake anyway).
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
