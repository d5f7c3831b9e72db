/**
 * Bundles the runtime-neutral browser suites (test/browser/suites) into one ES module for a
 * JavaScript runtime that is not Chromium (Node, Bun, Deno, workerd). Like the browser harness,
 * `mfakit/<subpath>` resolves to the BUILT `dist/<subpath>/index.js`, so what runs is what ships;
 * nothing is external, so a `node:` import reaching the bundle fails the build.
 *
 * The module exports `runAll()`: every check of every suite, one at a time in array order, each
 * result `{ suite, name, ok, error? }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entries: Record<string, string> = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));

/**
 * The suites every runtime runs: the core modules, the service and the memory store (through the
 * conformance suite). `webauthn-browser` wraps `navigator.credentials`, which only browsers have.
 */
export const runtimeSuites = [
  'bytes-and-errors',
  'otp',
  'backup-codes',
  'oob',
  'webauthn',
  'signatures',
  'ssh',
  'policy',
  'service',
  'conformance',
] as const;

const builtPackage: Plugin = {
  name: 'mfakit-from-dist',
  setup(b) {
    b.onResolve({ filter: /^mfakit(\/.*)?$/ }, (args) => {
      const subpath = args.path === 'mfakit' ? '.' : `./${args.path.slice('mfakit/'.length)}`;
      if (!(subpath in entries)) return { errors: [{ text: `"${args.path}" is not a subpath export of mfakit` }] };
      const file = join(repo, 'dist', subpath === '.' ? 'index.js' : `${subpath.slice(2)}/index.js`);
      if (!existsSync(file)) return { errors: [{ text: `${file} is missing: build first with \`npm run build\`` }] };
      return { path: file };
    });
  },
};

/** One ES module holding every runtime suite and `runAll()`. */
export async function bundleRuntimeSuites(): Promise<string> {
  // Each suite is imported inside runAll(), not at the top of the bundle: some draw random keys
  // at module level, which workerd allows only inside a handler. esbuild turns each import()
  // into a lazily run part of the one bundle.
  const table = runtimeSuites
    .map((name) => `[${JSON.stringify(name)}, () => import(${JSON.stringify(join(repo, 'test/browser/suites', `${name}.ts`))})]`)
    .join(',\n  ');
  const contents = `const suites = [\n  ${table},\n];
export async function runAll() {
  const results = [];
  for (const [suite, load] of suites) {
    const { checks } = await load();
    for (const check of checks) {
      try {
        await check.run();
        results.push({ suite, name: check.name, ok: true });
      } catch (error) {
        const text = error instanceof Error ? (error.name + ': ' + error.message + '\\n' + (error.stack ?? '')) : 'thrown non-Error: ' + String(error);
        results.push({ suite, name: check.name, ok: false, error: text });
      }
    }
  }
  return results;
}
`;
  const result = await build({
    stdin: { contents, resolveDir: repo, loader: 'ts', sourcefile: 'runtime-suites.ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [builtPackage],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for the runtime suites');
  return output.text;
}
