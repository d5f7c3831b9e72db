/**
 * The root entry is a curated front door: a short, explicit list (no `export *`), each name the
 * same binding a subpath exports, so the full surface stays in the subpaths.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';

const entries: Record<string, string> = JSON.parse(readFileSync(new URL('../../src/entries.json', import.meta.url), 'utf8'));
const source = readFileSync(new URL('../../src/index.ts', import.meta.url), 'utf8');

describe('the root entry', () => {
  it('names its exports one by one (no export *)', () => {
    expect(source).not.toMatch(/export \*/);
  });

  it('is small: what most apps need (runtime values)', () => {
    const names = Object.keys(root).sort();
    expect(names.length).toBeLessThanOrEqual(40);
    for (const name of ['createMfaService', 'createMemoryStore', 'MfaError', 'isMfaError', 'mfaErrorStatus', 'DISABLE_CONFIRMATION']) expect(names).toContain(name);
  });

  it('every root export is the same binding as in a subpath', async () => {
    const subpaths = await Promise.all(
      Object.entries(entries)
        .filter(([subpath]) => subpath !== '.')
        .map(async ([, file]) => (await import(/* @vite-ignore */ new URL(`../../${file}`, import.meta.url).href)) as Record<string, unknown>),
    );
    for (const [name, value] of Object.entries(root)) {
      expect(subpaths.some((entry) => entry[name] === value), `${name} is exported by a subpath`).toBe(true);
    }
  });
});
