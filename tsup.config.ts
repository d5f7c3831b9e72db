import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

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

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: false,
  clean: true,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  // Drivers are optional peers: never bundled, loaded only by their adapter subpath.
  external: ['pg', 'ioredis', 'nodemailer', /^node:/],
});
