// OTP benchmark: mfakit against otplib (v13) and otpauth, and the floor (a bare HMAC-SHA1 on a
// precomputed key, @noble/hashes), all in one process. Imports the BUILT package: run `npx tsup`
// (or `npm run bench`) first. BENCH_SMOKE=1 runs briefly (CI smoke run; numbers not meaningful).
//
// Like with like: mfakit's reusable verifier (precomputed HMAC key state) against each peer's
// best reusable equivalent (otpauth: one TOTP instance; otplib: verifySync with raw secret bytes
// and one crypto plugin instance). The one-shot functions are reported too.
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import * as OTPAuth from 'otpauth';
import { verifySync as otplibVerifySync, generateSync as otplibGenerateSync, NobleCryptoPlugin } from 'otplib';
import { createTotpVerifier, generateTotp, verifyTotp, generateHotp } from '../dist/otp/index.js';
import { measureSync, printRatio, printTable, smoke } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

// One fixed secret and time, the same for everyone.
const secret = new Uint8Array(20).map((_, i) => (i * 37 + 11) & 0xff);
const T = 1_767_225_645_000; // 2026-01-01T00:00:45Z
const epoch = T / 1000;
const step = Math.floor(epoch / 30);
const now = () => T;

const valid = generateTotp(secret, { now });
// A wrong code: one that matches none of the three steps in the ±1 window.
const windowCodes = [-1, 0, 1].map((d) => generateHotp(secret, step + d));
let wrong = '000000';
for (let n = 0; windowCodes.includes(wrong); n++) wrong = String(n).padStart(6, '0');

// --- sanity: everyone agrees before we time anything ------------------------------------------
const otpauthTotp = new OTPAuth.TOTP({ secret: new OTPAuth.Secret({ buffer: secret.slice().buffer }), algorithm: 'SHA1', digits: 6, period: 30 });
const otplibCrypto = new NobleCryptoPlugin();
const otplibOptions = (token) => ({ secret, token, epoch, epochTolerance: 30, crypto: otplibCrypto });
const verifier = createTotpVerifier(secret, { now });
function check(label, actual, expected) {
  if (actual !== expected) throw new Error(`sanity check failed: ${label}: ${actual} !== ${expected}`);
}
check('otpauth generate', otpauthTotp.generate({ timestamp: T }), valid);
check('otplib generate', otplibGenerateSync({ secret, epoch, crypto: otplibCrypto }), valid);
check('mfakit verifier valid', verifier.verify(valid).ok, true);
check('mfakit verifier wrong', verifier.verify(wrong).ok, false);
check('mfakit one-shot valid', verifyTotp(secret, valid, { now }).ok, true);
check('otpauth valid', otpauthTotp.validate({ token: valid, timestamp: T, window: 1 }), 0);
check('otpauth wrong', otpauthTotp.validate({ token: wrong, timestamp: T, window: 1 }), null);
check('otplib valid', otplibVerifySync(otplibOptions(valid)).valid, true);
check('otplib wrong', otplibVerifySync(otplibOptions(wrong)).valid, false);

// --- the floor: one bare HMAC-SHA1 on a precomputed key ---------------------------------------
const keyed = hmac.create(sha1, secret);
let work = keyed.clone();
const message = new Uint8Array(8);
const out = new Uint8Array(20);
const floorHmac = () => {
  work = keyed._cloneInto(work);
  work.update(message);
  work.digestInto(out);
};

const cases = {
  'floor: bare HMAC-SHA1, precomputed key (noble)': floorHmac,
  'generate  mfakit verifier.generate()': () => verifier.generate(),
  'generate  mfakit generateTotp (one-shot)': () => generateTotp(secret, { now }),
  'generate  otpauth TOTP#generate': () => otpauthTotp.generate({ timestamp: T }),
  'generate  otplib generateSync': () => otplibGenerateSync({ secret, epoch, crypto: otplibCrypto }),
  'valid     mfakit verifier.verify': () => verifier.verify(valid),
  'valid     mfakit verifyTotp (one-shot)': () => verifyTotp(secret, valid, { now }),
  'valid     otpauth TOTP#validate': () => otpauthTotp.validate({ token: valid, timestamp: T, window: 1 }),
  'valid     otplib verifySync': () => otplibVerifySync(otplibOptions(valid)),
  'wrong±1   mfakit verifier.verify': () => verifier.verify(wrong),
  'wrong±1   mfakit verifyTotp (one-shot)': () => verifyTotp(secret, wrong, { now }),
  'wrong±1   otpauth TOTP#validate': () => otpauthTotp.validate({ token: wrong, timestamp: T, window: 1 }),
  'wrong±1   otplib verifySync': () => otplibVerifySync(otplibOptions(wrong)),
};

// Many short interleaved rounds: on a shared, loaded machine, cases measured next to each other
// see the same load. The table shows each case's median round; every ratio is the median of the
// per-round ratios (numerator and denominator from the same round), which load spikes barely move.
const rounds = smoke ? 1 : 15;
const durationMs = smoke ? 40 : 120;
const perRound = new Map(Object.keys(cases).map((name) => [name, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of Object.entries(cases)) perRound.get(name).push(measureSync(name, fn, { durationMs }).opsPerSec);
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
printTable(`OTP throughput (median of ${rounds} interleaved rounds)`, [...perRound].map(([name, values]) => ({ name, opsPerSec: median(values) })));
const FLOOR = 'floor: bare HMAC-SHA1, precomputed key (noble)';
/** printRatio over the median of per-round ratios; `scale` divides the denominator (floor/3). */
function ratio(label, numerator, denominator, target, scale = 1) {
  const a = perRound.get(numerator);
  const b = perRound.get(denominator);
  const value = median(a.map((x, i) => x / (b[i] / scale)));
  return printRatio(label, { opsPerSec: value }, { opsPerSec: 1 }, target);
}

console.log('\n## Ratios (median of per-round throughput ratios, same run)');
const results = [
  ratio('wrong±1 verify, mfakit verifier / otpauth', 'wrong±1   mfakit verifier.verify', 'wrong±1   otpauth TOTP#validate', 1.3),
  ratio('wrong±1 verify, mfakit verifier / otplib', 'wrong±1   mfakit verifier.verify', 'wrong±1   otplib verifySync', 4),
  ratio('wrong±1 verify, mfakit verifier / three bare HMACs (floor/3)', 'wrong±1   mfakit verifier.verify', FLOOR, 0.8, 3),
  ratio('valid verify, mfakit verifier / otpauth', 'valid     mfakit verifier.verify', 'valid     otpauth TOTP#validate', 1.0),
];
ratio('valid verify, mfakit verifier / otplib', 'valid     mfakit verifier.verify', 'valid     otplib verifySync');
ratio('generate, mfakit verifier / otpauth', 'generate  mfakit verifier.generate()', 'generate  otpauth TOTP#generate');
ratio('generate, mfakit verifier / otplib', 'generate  mfakit verifier.generate()', 'generate  otplib generateSync');
console.log('one-shot functions (no precomputed key):');
ratio('  wrong±1 verify, mfakit verifyTotp / otpauth', 'wrong±1   mfakit verifyTotp (one-shot)', 'wrong±1   otpauth TOTP#validate');
ratio('  wrong±1 verify, mfakit verifyTotp / otplib', 'wrong±1   mfakit verifyTotp (one-shot)', 'wrong±1   otplib verifySync');
ratio('  wrong±1 verify, mfakit verifyTotp / three bare HMACs', 'wrong±1   mfakit verifyTotp (one-shot)', FLOOR, undefined, 3);
ratio('  valid verify, mfakit verifyTotp / otpauth', 'valid     mfakit verifyTotp (one-shot)', 'valid     otpauth TOTP#validate');
ratio('  generate, mfakit generateTotp / otpauth', 'generate  mfakit generateTotp (one-shot)', 'generate  otpauth TOTP#generate');

// --- browser bundle size of a minimal TOTP verify ---------------------------------------------
async function bundleSize(label, contents, resolveDir) {
  let result;
  try {
    result = await build({
      stdin: { contents, resolveDir, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
  } catch (error) {
    // dist/ may be rebuilt by someone else meanwhile (tsup cleans it first).
    console.log(`${label.padEnd(58)} could not bundle: ${error.message.split('\n')[0]}`);
    return Infinity;
  }
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`${label.padEnd(58)} ${String(code.length).padStart(7)} B min  ${String(gzipped).padStart(6)} B min+gzip (${(gzipped / 1024).toFixed(2)} KB)`);
  return gzipped;
}
console.log('\n## Browser bundle, minimal TOTP verify (esbuild, minify, platform browser, gzip -9)');
const fromSrc = await bundleSize('mfakit (src/otp/index.ts): verifyTotp', "export { verifyTotp } from './src/otp/index.ts';", root);
const fromDist = await bundleSize('mfakit (dist/otp/index.js): verifyTotp', "export { verifyTotp } from './dist/otp/index.js';", root);
await bundleSize('otpauth: TOTP', "export { TOTP } from 'otpauth';", root);
// What any verifyTotp that offers SHA-1, SHA-256 and SHA-512 on @noble/hashes must carry.
await bundleSize(
  'floor: @noble/hashes hmac + sha1 + sha256 + sha512 alone',
  "import { hmac } from '@noble/hashes/hmac.js'; import { sha1 } from '@noble/hashes/legacy.js'; import { sha256, sha512 } from '@noble/hashes/sha2.js';" +
    'export const f = (k, m) => [hmac(sha1, k, m), hmac(sha256, k, m), hmac(sha512, k, m)];',
  root,
);
const sizeMet = fromSrc <= 3 * 1024 && fromDist <= 3 * 1024;
console.log(`bundle target <= 3 KB (3072 B): ${sizeMet ? 'met' : 'NOT met'} (src ${fromSrc} B, dist ${fromDist} B)`);

const unmet = results.filter((met) => met === false).length + (sizeMet ? 0 : 1);
console.log(unmet === 0 ? '\nall OTP targets met' : `\n${unmet} OTP target(s) NOT met${smoke ? ' (smoke run: not judged)' : ''}`);
