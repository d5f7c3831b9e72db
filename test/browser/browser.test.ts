/**
 * Runs mfakit's browser suites in headless Chromium against the BUILT package (dist/), one vitest
 * test per check.
 *
 * Suite convention (other modules add their own file here):
 * - `test/browser/suites/<module>.ts` imports mfakit by its public name (`mfakit`, `mfakit/otp`, ...);
 *   the harness bundles it with esbuild (platform browser, ESM) with each `mfakit/<subpath>` mapped
 *   to `dist/<subpath>/index.js`, so what runs is what ships;
 * - it exports `export const checks: { name: string; run: () => void | Promise<void> }[]`, names
 *   unique within the suite; `run` throws on failure (any thrown value fails the check);
 * - no test framework inside the suite: plain `throw`, or the tiny helpers in `test/browser/assert.ts`;
 * - each suite gets a fresh page on http://127.0.0.1 (a secure context, so `crypto.subtle` exists);
 *   checks run one at a time in array order and may share module state.
 *
 * Chromium is Debian's /usr/bin/chromium (or MFAKIT_CHROMIUM), driven by playwright-core; nothing is
 * ever downloaded. Without it the tests fail under CI=true and are skipped with a message locally.
 * dist/ must exist (`npm test` builds before vitest); without it every suite fails saying so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const suitesDir = join(repo, 'test/browser/suites');
const chromiumPath = process.env.MFAKIT_CHROMIUM ?? '/usr/bin/chromium';
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const entries: Record<string, string> = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));

/** `mfakit` and `mfakit/<subpath>` -> the built ESM file of that subpath, from src/entries.json. */
function distFileFor(specifier: string): string | undefined {
  const subpath = specifier === 'mfakit' ? '.' : `./${specifier.slice('mfakit/'.length)}`;
  if (!(subpath in entries)) return undefined;
  return join(repo, 'dist', subpath === '.' ? 'index.js' : `${subpath.slice(2)}/index.js`);
}

const builtPackage: Plugin = {
  name: 'mfakit-from-dist',
  setup(b) {
    b.onResolve({ filter: /^mfakit(\/.*)?$/ }, (args) => {
      const file = distFileFor(args.path);
      if (!file) return { errors: [{ text: `"${args.path}" is not a subpath export of mfakit (src/entries.json)` }] };
      if (!existsSync(file)) {
        return { errors: [{ text: `${file} is missing: build first with \`npm run build\` (npm test does)` }] };
      }
      return { path: file };
    });
  },
};

/** Bundles one suite into a single ESM file for the browser; throws esbuild's errors on failure. */
async function bundleSuite(file: string): Promise<string> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // Nothing is external: a `node:` import reaching a browser bundle makes esbuild fail, as it should.
    plugins: [builtPackage],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${file}`);
  return output.text;
}

const suiteFiles = existsSync(suitesDir)
  ? readdirSync(suitesDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .sort()
  : [];
const distBuilt = existsSync(join(repo, 'dist/index.js'));
const haveChromium = existsSync(chromiumPath);

/** Bundled suites served by the local server: `/<suite>.js`. */
const bundles = new Map<string, string>();
let server: Server | undefined;
let browser: Browser | undefined;
let origin = '';

async function startServer(): Promise<void> {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta charset="utf-8"><title>mfakit browser checks</title><body></body>');
      return;
    }
    const js = bundles.get(path);
    if (js === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    res.end(js);
  });
  await new Promise<void>((done, fail) => {
    server!.once('error', fail);
    server!.listen(0, '127.0.0.1', done);
  });
  origin = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

interface LoadedSuite {
  page: Page;
  names: string[];
  /** Uncaught errors and console errors seen on the page, attached to a failing check's message. */
  pageErrors: string[];
}

/** Opens a fresh page, imports the suite bundle and returns the names of its checks. */
async function loadSuite(name: string): Promise<LoadedSuite> {
  const page = await browser!.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
  });
  await page.goto(`${origin}/`);
  // A string, not a function: vitest rewrites `import()` inside functions of this file, and the
  // rewritten call does not exist in the page.
  const url = JSON.stringify(`/${name}.js`);
  const names = (await page.evaluate(`(async () => {
    const url = ${url};
    const checks = (await import(url)).checks;
    if (!Array.isArray(checks)) throw new Error(url + ' does not export "checks" as an array');
    const seen = new Set();
    for (const c of checks) {
      if (typeof c?.name !== 'string' || typeof c.run !== 'function') {
        throw new Error(url + ': every check needs { name: string; run: function }');
      }
      if (seen.has(c.name)) throw new Error(url + ': duplicate check name "' + c.name + '"');
      seen.add(c.name);
    }
    globalThis.__mfakitChecks = checks;
    return [...seen];
  })()`)) as string[];
  return { page, names, pageErrors };
}

/** Runs one check in the page; resolves with null on success or the error's stack/message. */
async function runCheck(page: Page, name: string): Promise<string | null> {
  return page.evaluate(async (checkName: string) => {
    const checks = (globalThis as { __mfakitChecks?: { name: string; run: () => unknown }[] }).__mfakitChecks!;
    const check = checks.find((c) => c.name === checkName)!;
    try {
      await check.run();
      return null;
    } catch (error) {
      if (error instanceof Error) {
        const code = (error as { code?: unknown }).code;
        return `${error.name}${code === undefined ? '' : ` [${String(code)}]`}: ${error.message}\n${error.stack ?? ''}`;
      }
      return `thrown non-Error: ${String(error)}`;
    }
  }, name);
}

// --- collection: everything is prepared before vitest registers the tests, so each check of each
// suite becomes its own test with its own name. ---------------------------------------------------

const setupErrors = new Map<string, string>();
const loaded = new Map<string, LoadedSuite>();
let skipReason = '';

if (!haveChromium) {
  skipReason = `Chromium not found at ${chromiumPath} (apt-get install chromium, or set MFAKIT_CHROMIUM)`;
} else if (distBuilt && suiteFiles.length > 0) {
  for (const file of suiteFiles) {
    const name = basename(file, '.ts');
    try {
      bundles.set(`/${name}.js`, await bundleSuite(join(suitesDir, file)));
    } catch (error) {
      setupErrors.set(
        name,
        `bundling test/browser/suites/${file} against dist/ failed (a missing export? dist/ may be stale: npm run build):\n${(error as Error).message}`,
      );
    }
  }
  await startServer();
  browser = await launch();
  for (const file of suiteFiles) {
    const name = basename(file, '.ts');
    if (setupErrors.has(name)) continue;
    try {
      loaded.set(name, await loadSuite(name));
    } catch (error) {
      setupErrors.set(name, `loading suite ${name} in Chromium failed:\n${(error as Error).message}`);
    }
  }
}

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

describe('browser (headless Chromium, built package)', () => {
  if (skipReason) {
    if (inCi) {
      it('Chromium is available (required under CI=true)', () => {
        throw new Error(skipReason);
      });
    } else {
      console.warn(`browser tests skipped: ${skipReason}`);
      it.skip(`skipped: ${skipReason}`, () => {});
    }
    return;
  }

  it('dist/ is built (npm run build)', () => {
    expect(distBuilt, 'dist/index.js is missing: run `npm run build` first (npm test builds before vitest)').toBe(true);
  });
  it('there is at least one suite in test/browser/suites', () => {
    expect(suiteFiles.length).toBeGreaterThan(0);
  });

  for (const file of suiteFiles) {
    const name = basename(file, '.ts');
    describe(name, () => {
      const setupError = setupErrors.get(name);
      if (!distBuilt || setupError) {
        it('bundles and loads', () => {
          throw new Error(setupError ?? 'dist/ is missing: run `npm run build` first');
        });
        return;
      }
      const suite = loaded.get(name)!;
      if (suite.names.length === 0) {
        it('exports at least one check', () => {
          throw new Error(`test/browser/suites/${file} exports an empty "checks" array`);
        });
      }
      for (const checkName of suite.names) {
        it(checkName, async () => {
          const failure = await runCheck(suite.page, checkName);
          if (failure !== null) {
            const extra = suite.pageErrors.length > 0 ? `\npage errors so far:\n${suite.pageErrors.join('\n')}` : '';
            throw new Error(`${failure}${extra}`);
          }
        });
      }
    });
  }
});
