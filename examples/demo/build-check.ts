// Whether dist/ must be rebuilt before the demo starts: it is missing, or a source file (src/,
// package.json, tsup.config.ts, tsconfig.json) changed after it was built. Returns why, or null.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The built files the demo loads; the oldest of them dates the build. */
const BUILT = ['dist/index.js', 'dist/service/index.js', 'dist/webauthn/browser/index.js', 'dist/adapters/smtp/index.js', 'dist/stores/memory/index.js'];
const INPUTS = ['package.json', 'tsup.config.ts', 'tsconfig.json'];

function newest(path: string): { path: string; at: number } {
  const stat = statSync(path);
  if (!stat.isDirectory()) return { path, at: stat.mtimeMs };
  let best = { path, at: 0 };
  for (const entry of readdirSync(path)) {
    const found = newest(join(path, entry));
    if (found.at > best.at) best = found;
  }
  return best;
}

export function distIsStale(repo: string): string | null {
  const missing = BUILT.find((file) => !existsSync(join(repo, file)));
  if (missing !== undefined) return `${missing} is missing`;
  const builtAt = Math.min(...BUILT.map((file) => statSync(join(repo, file)).mtimeMs));
  for (const input of ['src', ...INPUTS]) {
    if (!existsSync(join(repo, input))) continue;
    const changed = newest(join(repo, input));
    if (changed.at > builtAt) return `${changed.path.slice(repo.length).replace(/^\//, '')} changed after the last build`;
  }
  return null;
}
