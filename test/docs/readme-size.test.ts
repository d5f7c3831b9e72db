/**
 * README.md is a landing page (issue 21): at most 15 KB, with the flows, examples and the API
 * reference one link away. Everything longer lives in docs/, whose code blocks test/readme.test.ts
 * runs like the README's.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');

it('README.md is at most 15 KB (15,360 bytes)', () => {
  expect(statSync(join(repo, 'README.md')).size).toBeLessThanOrEqual(15 * 1024);
});

it('README.md links to the examples and to a page of docs/ that exists for each link', () => {
  for (const example of ['examples/totp-quickstart.mjs', 'examples/express/server.ts', 'examples/hono/server.ts', 'examples/demo/README.md']) {
    expect(readme, example).toContain(`](${example})`);
  }
  const pages = [...readme.matchAll(/\]\((docs\/[^)#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
  expect(pages.length).toBeGreaterThanOrEqual(15);
  for (const page of new Set(pages)) expect(existsSync(join(repo, page)), page).toBe(true);
});
