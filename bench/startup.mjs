// Cold start: how long `await import()` of an entry takes in a fresh Node process, mfakit against
// the libraries users compare it with, all in one run. Imports the BUILT package (`mfakit/...`
// resolves to dist/ through package.json#exports): run `npm run build` (or `npm run bench`) first.
//
// Each sample is one new `node` process that times its own `await import(specifier)` with
// performance.now() (Node's own boot is the same for everyone and left out), then checks that the
// export it names is there. Rounds visit the targets in a rotating order so a burst of load on a
// shared machine falls on all of them alike; the figure is each target's median. Ratios are taken
// between medians of this one run. A second pass counts the modules each import loads (a resolve
// hook), which is what the cold start mostly pays for.
//
// Targets (issue 21): mfakit/otp within 1.5x of otpauth; mfakit/service at most half of
// better-auth's two-factor plugin. BENCH_SMOKE=1 (npm test) takes 1 round: numbers not meaningful.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { smoke } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** [name, specifier, an export that must be there]; names given as arguments pick a subset. */
const allTargets = [
  ['mfakit/otp', 'mfakit/otp', 'verifyTotp'],
  ['otpauth', 'otpauth', 'TOTP'],
  ['otplib', 'otplib', 'verifySync'],
  ['mfakit/webauthn', 'mfakit/webauthn', 'verifyWebAuthnAuthentication'],
  ['@simplewebauthn/server', '@simplewebauthn/server', 'verifyAuthenticationResponse'],
  ['mfakit/service', 'mfakit/service', 'createMfaService'],
  ['better-auth two-factor', 'better-auth/plugins/two-factor', 'twoFactor'],
];
const picked = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const targets = picked.length > 0 ? allTargets.filter(([name]) => picked.includes(name)) : allTargets;
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='));
const rounds = roundsArg ? Number(roundsArg.slice(9)) : smoke ? 1 : 21;

/** [label, numerator, denominator, largest ratio that meets the target (undefined: none)] */
const ratios = [
  ['mfakit/otp / otpauth', 'mfakit/otp', 'otpauth', 1.5],
  ['mfakit/otp / otplib', 'mfakit/otp', 'otplib', undefined],
  ['mfakit/webauthn / @simplewebauthn/server', 'mfakit/webauthn', '@simplewebauthn/server', undefined],
  ['mfakit/service / better-auth two-factor', 'mfakit/service', 'better-auth two-factor', 0.5],
];

if (!existsSync(join(root, 'dist/otp/index.js'))) {
  console.error('bench/startup: dist/ is missing: run `npm run build` first');
  process.exit(1);
}

// No inherited NODE_OPTIONS (a --require or --import would load modules into every sample).
const env = { ...process.env, NODE_OPTIONS: '' };

/** Milliseconds one fresh process spends in `await import(specifier)`. */
function sample(specifier, exportName) {
  const code = `const t0 = performance.now();
const m = await import(${JSON.stringify(specifier)});
const ms = performance.now() - t0;
if (!(${JSON.stringify(exportName)} in m)) throw new Error(${JSON.stringify(`${specifier} has no export ${exportName}`)});
process.stdout.write(String(ms));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, env, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`import(${specifier}) failed (exit ${out.status}):\n${out.stderr}`);
  return Number(out.stdout);
}

// A resolve hook that prints every module (not Node's built-ins) the import loads, once each.
const hook = `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (!result.url.startsWith('node:')) process.stderr.write('module ' + result.url + '\\n');
  return result;
}`)}`;
const register = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(hook)});`,
)}`;

/** How many modules importing `specifier` loads: { total, own (mfakit's dist/), dependencies }. */
function modules(specifier) {
  const out = spawnSync(
    process.execPath,
    ['--no-warnings', '--import', register, '--input-type=module', '-e', `await import(${JSON.stringify(specifier)});`],
    { cwd: root, env, encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(`counting modules of ${specifier} failed:\n${out.stderr}`);
  const urls = new Set(out.stderr.split('\n').filter((l) => l.startsWith('module ')).map((l) => l.slice(7)));
  const own = [...urls].filter((u) => !u.includes('/node_modules/'));
  return { total: urls.size, own: own.length, dependencies: urls.size - own.length };
}

const samples = new Map(targets.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < targets.length; i++) {
    const [name, specifier, exportName] = targets[(i + r) % targets.length];
    samples.get(name).push(sample(specifier, exportName));
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

console.log(`\n## cold import() in a fresh process, median of ${rounds} (node ${process.version})${smoke ? ' (smoke run: numbers are not meaningful)' : ''}`);
const medians = new Map();
const width = Math.max(...targets.map(([name]) => name.length));
for (const [name, specifier] of targets) {
  const ms = median(samples.get(name));
  medians.set(name, ms);
  const { total, own, dependencies } = modules(specifier);
  const counted = `${String(total).padStart(3)} modules${own > 0 ? ` (${own} from dist/, ${dependencies} from node_modules)` : ''}`;
  console.log(`${name.padEnd(width)}  ${ms.toFixed(1).padStart(7)} ms   ${counted}`);
}

console.log('');
for (const [label, a, b, target] of ratios) {
  if (!medians.has(a) || !medians.has(b)) continue;
  const ratio = medians.get(a) / medians.get(b);
  const verdict = target === undefined ? '' : ` (target <= ${target}: ${ratio <= target ? 'met' : 'NOT met'})`;
  console.log(`ratio ${label}: ${ratio.toFixed(2)}x${verdict}`);
}
