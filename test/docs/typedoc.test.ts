/**
 * The API reference builds: `npm run docs` (TypeDoc with typedoc.config.mjs) run into a scratch
 * directory must succeed with no error and no warning. The config treats warnings as errors and
 * validates that every export and method is documented, that links resolve and that no public
 * signature names an unexported type, so any of those fails here. Takes about 5 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entries: Record<string, string> = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));
const typedocBin = join(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin/typedoc');

it('npm run docs builds the API reference with no warning', { timeout: 120_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'mfakit-typedoc-'));
  try {
    const run = spawnSync(process.execPath, [typedocBin, '--options', 'typedoc.config.mjs', '--out', out], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const output = `${run.stdout}${run.stderr}`;
    const problems = output.split('\n').filter((line) => /\[(warning|error)\]/.test(line));
    expect(problems, output).toEqual([]);
    expect(run.status, output).toBe(0);
    // One module page per subpath, named after its import specifier.
    for (const subpath of Object.keys(entries)) {
      const name = subpath === '.' ? 'mfakit' : `mfakit/${subpath.slice(2)}`;
      expect(existsSync(join(out, 'modules', `${name.replaceAll('/', '_')}.html`)), name).toBe(true);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
