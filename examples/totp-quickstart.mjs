// Authenticator-app enrolment and sign-in with mfakit, end to end in one process:
//   1. create a secret for the user and show it as a QR code (written to an SVG file) and as text,
//   2. play the authenticator app: compute the code it would show right now,
//   3. verify that code as the server would, then show that the same code is refused a second time.
//
// Run with `npm run build && node examples/totp-quickstart.mjs` (`npm run demo` starts the web demo instead). It imports the built package by its name, `mfakit`,
// exactly as an application would. Options: --out <file.svg> (default ./totp-qr.svg).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MfaError } from 'mfakit';
import {
  buildKeyUri,
  encodeBase32Secret,
  generateSecret,
  generateTotp,
  parseKeyUri,
  verifyTotp,
} from 'mfakit/otp';
import { renderQrSvg } from 'mfakit/otp/qr';

const outIndex = process.argv.indexOf('--out');
const qrPath = resolve(outIndex > 0 && process.argv[outIndex + 1] ? process.argv[outIndex + 1] : 'totp-qr.svg');

try {
  // --- enrolment (server) ----------------------------------------------------------------------
  const secret = generateSecret(); // 20 random bytes from crypto.getRandomValues: store encrypted
  const uri = buildKeyUri({ secret, issuer: 'mfakit demo', accountName: 'ada@example.com' });
  writeFileSync(qrPath, renderQrSvg(uri, { size: 320 }));
  const manualKey = encodeBase32Secret(secret).replace(/(.{4})(?=.)/g, '$1 ');

  console.log('mfakit TOTP quick start\n');
  console.log(`Key URI:         ${uri}`);
  console.log(`Manual entry:    ${manualKey}`);
  console.log(`QR code (SVG):   ${qrPath}   <- scan it with any authenticator app`);

  // --- the authenticator app -------------------------------------------------------------------
  // The app only sees the URI in the QR code: parse it back and compute the current code from it.
  const scanned = parseKeyUri(uri);
  const code = generateTotp(scanned.secret, {
    algorithm: scanned.algorithm,
    digits: scanned.digits,
    period: scanned.period,
  });
  console.log(`\nThe app shows:   ${code.slice(0, 3)} ${code.slice(3)}`);

  // --- sign-in (server) ------------------------------------------------------------------------
  // Persist the matched step; passing it as afterStep refuses the same code if it comes again.
  const first = verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`);
  if (!first.ok) throw new Error(`the current code was refused (${first.reason}): this is a bug`);
  console.log(`Verify:          ok (time step ${first.step}, drift ${first.drift})`);

  const again = verifyTotp(secret, code, { afterStep: first.step });
  console.log(`Verify again:    ${again.ok ? 'ok (unexpected!)' : `refused, reason '${again.reason}'`}`);
  if (again.ok) process.exitCode = 1;
} catch (error) {
  if (error instanceof MfaError) console.error(`MfaError ${error.code}: ${error.message}`);
  else console.error(error);
  process.exitCode = 1;
}
