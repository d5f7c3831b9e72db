// Packaging checks: test what ships, not the source tree. Run by `npm test` after the build and vitest.
//
//  1. `npm pack` into a temporary directory; the tarball holds only dist/, README.md, CHANGELOG.md,
//     LICENSE and package.json.
//  2. Every subpath of src/entries.json has an `exports` entry whose import/require JS and types files
//     are in the tarball (and `exports` has no subpath the build does not produce).
//  3. publint (strict: warnings count as errors; suggestions fail too) on the tarball itself.
//  4. @arethetypeswrong/cli on the tarball with the default `strict` profile: node10 (through
//     `typesVersions`, for TypeScript projects still on `module: commonjs`), node16 from ESM and CJS,
//     and bundler resolution must all be clean.
//  5. The tarball is installed into a temporary project (extracted to node_modules/mfakit; its
//     dependencies and optional peers symlinked from this repository's node_modules, so no network),
//     then imported from an ES module and required from a CommonJS file, every subpath, and the
//     functions are exercised. `require('mfakit')` pulls in ESM-only @noble/* v2 through require(esm),
//     which Node enables from 20.19: this step proves it works here, without warnings.
//  6. examples/totp-quickstart.mjs (the README's quick start as a script) runs in that project too.
//
// Exit code 0 only when every check passes. KEEP_PACKAGING_TMP=1 keeps the temporary directory.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const started = performance.now();
const failures = [];
const passed = [];

/** Runs one named check; a thrown error records a failure and the remaining checks still run. */
async function check(name, fn) {
  const t0 = performance.now();
  try {
    const note = await fn();
    const ms = Math.round(performance.now() - t0);
    passed.push(name);
    console.log(`  ok   ${name}${note ? `: ${note}` : ''} (${ms} ms)`);
  } catch (error) {
    failures.push(name);
    console.log(`  FAIL ${name}\n${indent(error instanceof Error ? error.message : String(error))}`);
  }
}

function indent(text) {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `       ${line}`)
    .join('\n');
}

/** Runs a command, returning { status, stdout, stderr } (never throws on a non-zero exit). */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return result;
}

/** npm prints config warnings from the environment on stderr; they are not about this package. */
function npmNoise(line) {
  return line.trim() === '' || /^npm warn Unknown (user|env) config/i.test(line);
}

console.log('packaging: checking the packed mfakit tarball');

if (!existsSync(join(repo, 'dist/index.js'))) {
  console.error('packaging: FAIL dist/ is missing: run `npm run build` first (npm test builds before this check)');
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const entries = JSON.parse(readFileSync(join(repo, 'src/entries.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'mfakit-packaging-'));
let tarball = '';
let packedFiles = [];

try {
  await check('npm pack', () => {
    // --ignore-scripts: the check packs what the build produced; it must not rebuild behind our back.
    const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: repo });
    if (out.status !== 0) throw new Error(`npm pack exited ${out.status}\n${out.stderr}`);
    const [info] = JSON.parse(out.stdout);
    tarball = join(work, info.filename);
    packedFiles = info.files.map((f) => f.path).sort();
    return `${info.filename}, ${packedFiles.length} files, ${(info.size / 1024).toFixed(1)} KiB packed`;
  });
  if (!tarball) throw new Error('no tarball: later checks cannot run');

  await check('tarball holds only dist/, README.md, CHANGELOG.md, LICENSE, package.json', () => {
    const topLevel = new Set(['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']);
    const unexpected = packedFiles.filter((f) => !topLevel.has(f) && !f.startsWith('dist/'));
    const missing = [...topLevel].filter((f) => !packedFiles.includes(f));
    if (!packedFiles.some((f) => f.startsWith('dist/'))) missing.push('dist/');
    const problems = [
      ...unexpected.map((f) => `unexpected file in tarball: ${f}`),
      ...missing.map((f) => `missing from tarball: ${f}`),
    ];
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

  await check('every src/entries.json subpath has complete exports present in the tarball', () => {
    const problems = [];
    const has = (file) => packedFiles.includes(file.replace(/^\.\//, ''));
    for (const subpath of Object.keys(entries)) {
      const entry = pkg.exports?.[subpath];
      if (!entry) {
        problems.push(`exports["${subpath}"] is missing`);
        continue;
      }
      for (const condition of ['import', 'require']) {
        for (const key of ['types', 'default']) {
          const file = entry[condition]?.[key];
          if (typeof file !== 'string') problems.push(`exports["${subpath}"].${condition}.${key} is missing`);
          else if (!has(file)) problems.push(`exports["${subpath}"].${condition}.${key} = ${file} is not in the tarball`);
        }
      }
    }
    for (const subpath of Object.keys(pkg.exports ?? {})) {
      if (subpath !== './package.json' && !(subpath in entries)) {
        problems.push(`exports["${subpath}"] has no entry in src/entries.json, so the build does not produce it`);
      }
    }
    for (const field of ['main', 'module', 'types']) {
      if (pkg[field] && !has(pkg[field])) problems.push(`package.json "${field}" = ${pkg[field]} is not in the tarball`);
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
    return `${Object.keys(entries).length} subpaths x (import, require) x (js, types)`;
  });

  await check('publint --strict (tarball)', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const bytes = readFileSync(tarball);
    const tarballBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const { messages, pkg: linted } = await publint({ pack: { tarball: tarballBuffer }, strict: true, level: 'suggestion' });
    if (messages.length > 0) {
      throw new Error(
        messages.map((m) => `${m.type}: ${formatMessage(m, linted, { color: false }) ?? m.code}`).join('\n'),
      );
    }
    return 'no errors, warnings or suggestions';
  });

  await check('attw, strict profile (tarball)', () => {
    const bin = join(repo, 'node_modules/@arethetypeswrong/cli/dist/index.js');
    // The report goes to a file: attw calls process.exit() on problems, which cuts a piped stdout
    // short (pipes are asynchronous in Node), while writes to a file descriptor are synchronous.
    const reportFile = join(work, 'attw.json');
    const fd = openSync(reportFile, 'w');
    let out;
    try {
      out = spawnSync(process.execPath, [bin, tarball, '--profile', 'strict', '--format', 'json', '--no-color'], {
        cwd: work,
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
      });
    } finally {
      closeSync(fd);
    }
    if (out.error) throw out.error;
    let report;
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8'));
    } catch {
      throw new Error(`attw exited ${out.status} without a JSON report\n${out.stderr}`);
    }
    // Every resolution kind counts, node10 included: `typesVersions` serves TypeScript projects
    // that still resolve like node10 (module: commonjs).
    const all = Object.values(report.problems ?? {}).flat();
    const relevant = all;
    if (out.status !== 0 || relevant.length > 0) {
      const where = (p) =>
        p.entrypoint !== undefined
          ? `"${p.entrypoint}" under ${p.resolutionKind} resolution`
          : [p.typesFileName && `types ${p.typesFileName}`, p.implementationFileName && `implementation ${p.implementationFileName}`, p.fileName]
              .filter(Boolean)
              .join(', ');
      throw new Error(`attw exited ${out.status}\n${relevant.map((p) => `${p.kind}: ${where(p)}`).join('\n')}`);
    }
    // attw exits 0 for a package it finds no types in at all; we ship types, so that is a failure.
    if (report.analysis?.types?.kind !== 'included') {
      throw new Error(`attw found no bundled types (types: ${JSON.stringify(report.analysis?.types)})`);
    }
    const entrypoints = Object.keys(report.analysis?.entrypoints ?? {}).length;
    return `${entrypoints} entrypoints clean for node10, node16-cjs, node16-esm, bundler`;
  });

  const project = join(work, 'consumer');
  await check('install the tarball into a temporary project (offline)', () => {
    const target = join(project, 'node_modules/mfakit');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
    // Dependencies, then the optional peers the adapters need; each resolved from this repository.
    const linked = [];
    const wanted = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
    for (const name of wanted) {
      const source = join(repo, 'node_modules', name);
      if (!existsSync(source)) {
        if (name in (pkg.dependencies ?? {})) throw new Error(`dependency ${name} is not installed in the repository`);
        continue; // an optional peer that is not installed: its adapter subpath is not loaded below
      }
      const link = join(project, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(source, link, 'dir');
      linked.push(name);
    }
    return `linked ${linked.join(', ')}`;
  });

  const subpaths = Object.keys(entries).map((s) => (s === '.' ? 'mfakit' : `mfakit/${s.slice(2)}`));
  const consumerEnv = { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' };

  await check('ESM consumer: import every subpath and use it', () => {
    const file = join(project, 'consumer.mjs');
    writeFileSync(file, esmConsumer(subpaths));
    return runConsumer(file, project, consumerEnv);
  });

  await check('CommonJS consumer: require every subpath and use it (require(esm) for @noble v2)', () => {
    const file = join(project, 'consumer.cjs');
    writeFileSync(file, cjsConsumer(subpaths));
    return runConsumer(file, project, consumerEnv);
  });

  await check('examples/totp-quickstart.mjs runs against the installed tarball', () => {
    const file = join(project, 'totp-quickstart.mjs');
    writeFileSync(file, readFileSync(join(repo, 'examples/totp-quickstart.mjs')));
    const svg = join(project, 'qr.svg');
    const out = run(process.execPath, [file, '--out', svg], { cwd: project, env: consumerEnv });
    if (out.status !== 0 || out.stderr.trim() !== '') throw new Error(`exited ${out.status}\n${out.stdout}${out.stderr}`);
    if (!/Verify: +ok/.test(out.stdout) || !/refused, reason 'replayed'/.test(out.stdout)) {
      throw new Error(`unexpected output:\n${out.stdout}`);
    }
    if (!readFileSync(svg, 'utf8').includes('<svg')) throw new Error(`${svg} is not an SVG`);
    return 'verified the current code, refused it replayed, wrote the QR SVG';
  });
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  if (process.env.KEEP_PACKAGING_TMP === '1') console.log(`packaging: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.log(`packaging: FAILED ${failures.length} of ${failures.length + passed.length} checks in ${seconds} s: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`packaging: all ${passed.length} checks passed in ${seconds} s (node ${process.version})`);

/**
 * Runs a consumer file with plain `node` in the temporary project. Any non-zero exit, or anything on
 * stderr (an ExperimentalWarning from require(esm), a deprecation), fails the check.
 */
function runConsumer(file, cwd, env) {
  const out = run(process.execPath, [file], { cwd, env });
  const stderr = out.stderr.split('\n').filter((l) => !npmNoise(l));
  if (out.status !== 0 || stderr.length > 0) {
    throw new Error(`node ${file} exited ${out.status}\n${out.stdout}${out.stderr}`);
  }
  const last = out.stdout.trim().split('\n').at(-1) ?? '';
  return last;
}

/**
 * The functional checks both consumers run against the imported root and `mfakit/otp` modules.
 * Shared as source text so the ESM and CJS files test exactly the same things.
 */
function functionalChecks() {
  return `
function assert(condition, message) {
  if (!condition) throw new Error('assertion failed: ' + message);
}
function exercise(root, otp, allSubpaths) {
  // Every subpath loaded (modules still being written may export nothing yet).
  for (const [name, mod] of Object.entries(allSubpaths)) assert(mod && typeof mod === 'object', name + ' did not load');
  assert(Object.keys(root).length > 0, 'mfakit has no exports');
  // MfaError: one class, with a code, usable with instanceof and isMfaError.
  const error = new root.MfaError('INVALID_ARGUMENT', 'packaging check', { cause: 'x' });
  assert(error instanceof Error && error instanceof root.MfaError, 'MfaError is an Error');
  assert(error.code === 'INVALID_ARGUMENT' && error.name === 'MfaError' && error.cause === 'x', 'MfaError fields');
  assert(root.isMfaError(error, 'INVALID_ARGUMENT') && !root.isMfaError(new Error('x')), 'isMfaError');
  let checked = 'MfaError';

  // OTP: the RFC 6238 Appendix B SHA-1 vector at T = 59 s, then a generate/verify round trip.
  const secret = new TextEncoder().encode('12345678901234567890');
  const at59 = () => 59_000;
  assert(otp.generateTotp(secret, { digits: 8, now: at59 }) === '94287082', 'RFC 6238 SHA-1 vector at T=59');
  assert(root.generateTotp === otp.generateTotp, 'root re-exports the same generateTotp as mfakit/otp');
  const fresh = otp.generateSecret();
  assert(fresh instanceof Uint8Array && fresh.length === 20, 'generateSecret gives 20 bytes');
  const now = () => 1_700_000_000_000;
  const code = otp.generateTotp(fresh, { now });
  const ok = otp.verifyTotp(fresh, code, { now });
  assert(ok.ok === true && ok.drift === 0, 'verifyTotp accepts the current code: ' + JSON.stringify(ok));
  const wrong = otp.verifyTotp(fresh, code === '000000' ? '111111' : '000000', { now });
  assert(wrong.ok === false && wrong.reason === 'mismatch', 'verifyTotp refuses a wrong code: ' + JSON.stringify(wrong));
  const base32 = otp.encodeBase32Secret(fresh);
  assert(otp.decodeBase32Secret(base32).join() === fresh.join(), 'base32 round trip');
  const uri = otp.buildKeyUri({ secret: fresh, issuer: 'ACME Co', accountName: 'alice@example.com' });
  assert(uri.startsWith('otpauth://totp/'), 'key URI');
  const qr = allSubpaths['mfakit/otp/qr'];
  assert(!('renderQrSvg' in otp), 'mfakit/otp leaves the QR encoder to mfakit/otp/qr');
  assert(root.renderQrSvg === qr.renderQrSvg, 'root re-exports the same renderQrSvg as mfakit/otp/qr');
  const svg = qr.renderQrSvg(uri);
  assert(typeof svg === 'string' && svg.includes('<svg'), 'QR SVG');
  assert(qr.qrDataUrl(uri).startsWith('data:image/svg+xml;base64,'), 'QR data URL');
  let threw;
  try { otp.decodeBase32Secret('not base32!'); } catch (e) { threw = e; }
  assert(threw instanceof root.MfaError, 'bad base32 throws MfaError');
  checked += ', RFC 6238 vector, generateTotp/verifyTotp, base32, key URI, QR SVG';
  return checked;
}
`;
}

function esmConsumer(subpaths) {
  return `${functionalChecks()}
import * as root from 'mfakit';
import * as otp from 'mfakit/otp';
import { MfaError } from 'mfakit';
assert(MfaError === root.MfaError, 'named import');
const all = {};
for (const name of ${JSON.stringify(subpaths)}) all[name] = await import(name);
const checked = exercise(root, otp, all);
console.log('esm: ' + Object.keys(all).length + ' subpaths imported; ' + checked);
`;
}

function cjsConsumer(subpaths) {
  return `'use strict';
${functionalChecks()}
const root = require('mfakit');
const otp = require('mfakit/otp');
const { MfaError } = require('mfakit');
assert(MfaError === root.MfaError, 'destructured require');
const all = {};
for (const name of ${JSON.stringify(subpaths)}) all[name] = require(name);
// The CommonJS build must resolve to the .cjs files, not the ESM ones.
assert(require.resolve('mfakit').endsWith('index.cjs'), 'require resolves index.cjs');
const checked = exercise(root, otp, all);
console.log('cjs: ' + Object.keys(all).length + ' subpaths required; ' + checked);
`;
}
