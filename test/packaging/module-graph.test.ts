/**
 * The module graph of the BUILT package (dist/, ESM): what `import('mfakit/<subpath>')` loads
 * before any code of the app runs. Cold start pays for each module (resolve, read, parse, link),
 * so each entry bundles its private modules and shares chunks with the others (tsup.config.ts),
 * and the QR encoder loads only with `mfakit/otp/qr`. bench/startup.mjs times the effect.
 *
 * The graph is followed through the static `import`/`export ... from` statements esbuild writes
 * at the top of each file; `import()` calls (the service's lazy QR encoder) are not followed, as
 * Node does not load them at import time either. Budgets sit a little above what was measured when
 * they were set (in the table). Before bundling, counting node_modules too, `mfakit/otp` loaded 25
 * modules, `mfakit/webauthn` 53 and `mfakit/service` 158; now nothing but dist/ (and the optional
 * drivers of the adapters, and `qrcode-svg` for `mfakit/otp/qr`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = join(repo, 'dist');
const entries: Record<string, string> = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));

/**
 * Packages a built file may still import: the optional drivers of the stores and the SMTP sender
 * (`peerDependencies`: pg, ioredis, kysely, nodemailer) and the runtime dependencies (the QR encoder).
 */
const pkg: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const allowedNames = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
const allowedExternal = { test: (specifier: string) => allowedNames.has(specifier) };
// subpath -> [files measured when set (2026-12-05, after main's src/store/ move), budget]
const budgets: Record<string, readonly [number, number]> = {
  '.': [21, 24],
  './otp': [10, 11],
  './otp/qr': [6, 7],
  './service': [19, 22],
  './webauthn': [9, 11],
  './conformance': [17, 20],
};
const defaultBudget = 12;

const staticImport = /^(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** Files of dist/ and bare specifiers a built entry loads statically. */
function graph(subpath: string): { files: string[]; external: string[] } {
  const start = join(dist, subpath === '.' ? 'index.js' : `${subpath.slice(2)}/index.js`);
  const files = new Set([start]);
  const external = new Set<string>();
  const todo = [start];
  while (todo.length > 0) {
    const file = todo.pop()!;
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(staticImport)) {
      if (!specifier!.startsWith('.')) {
        external.add(specifier!);
        continue;
      }
      const target = resolve(dirname(file), specifier!);
      if (!files.has(target)) {
        files.add(target);
        todo.push(target);
      }
    }
  }
  return { files: [...files].map((f) => relative(dist, f)), external: [...external] };
}

describe('module graph of the built package (dist/, ESM)', () => {
  test('dist/ is built (npm run build)', () => {
    expect(existsSync(join(dist, 'index.js')), 'run `npm run build` first').toBe(true);
  });

  for (const subpath of Object.keys(entries)) {
    const [measured, budget] = budgets[subpath] ?? [undefined, defaultBudget];
    test(`${subpath}: at most ${budget} files${measured === undefined ? '' : ` (measured ${measured})`}, no bundled-in library loaded from node_modules`, () => {
      const { files, external } = graph(subpath);
      console.info(`[modules] ${subpath}: ${files.length} files of dist/; external: ${external.join(', ') || 'none'}`);
      expect(files.length).toBeLessThanOrEqual(budget);
      expect(external.filter((s) => !allowedExternal.test(s))).toEqual([]);
    });
  }

  test('no entry imports a Node built-in module (the Redis store hashes its scripts with @noble/hashes)', () => {
    for (const subpath of Object.keys(entries)) {
      const node = graph(subpath).external.filter((s) => s.startsWith('node:') || /^(crypto|fs|net|tls|os|path|stream|util|events|buffer)$/.test(s));
      expect(node, subpath).toEqual([]);
    }
  });

  test('mfakit/otp does not load the QR encoder; mfakit/otp/qr does', () => {
    expect(graph('./otp').external).not.toContain('qrcode-svg');
    expect(graph('./otp').files).not.toContain('otp/qr/index.js');
    expect(graph('./otp/qr').external).toContain('qrcode-svg');
  });

  test('mfakit/service loads the QR encoder only at the first enrolment (import(), not a static import)', () => {
    const { files, external } = graph('./service');
    expect(external).not.toContain('qrcode-svg');
    expect(files).not.toContain('otp/qr/index.js');
    const lazy = files.some((f) => /import\(['"][^'"]*otp\/qr\/index\.js['"]\)/.test(readFileSync(join(dist, f), 'utf8')));
    expect(lazy, 'the service imports otp/qr lazily').toBe(true);
  });

  test('the verification path shares one copy of the OTP code between mfakit/otp and mfakit/service', () => {
    const otp = new Set(graph('./otp').files.filter((f) => f.startsWith('chunk-')));
    const service = graph('./service').files;
    expect(otp.size).toBeGreaterThan(0);
    for (const chunk of otp) expect(service).toContain(chunk);
  });
});
