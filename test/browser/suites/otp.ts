/**
 * The OTP core in a real browser, from the built `mfakit/otp` bundle: the RFC vectors, verification
 * windows and replay refusal, base32, key URIs, QR rendering (decoded by Chromium's own SVG
 * renderer), and hostile input throwing `MfaError`. Vectors come from test/vectors/, the same files
 * the Node tests read.
 */
import { MfaError } from 'mfakit';
import {
  buildKeyUri,
  createTotpVerifier,
  decodeBase32Secret,
  encodeBase32Secret,
  generateHotp,
  generateSecret,
  generateTotp,
  parseKeyUri,
  resyncHotp,
  verifyHotp,
  verifyTotp,
  type OtpAlgorithm,
} from 'mfakit/otp';
import { qrDataUrl, renderQrSvg } from 'mfakit/otp/qr';
import hotpVectors from '../../vectors/rfc4226-hotp.json' with { type: 'json' };
import totpVectors from '../../vectors/rfc6238-totp.json' with { type: 'json' };
import { assert, assertBytesEqual, assertEqual, assertThrows } from '../assert.js';

const ascii = (text: string) => new TextEncoder().encode(text);
const at = (seconds: number) => () => seconds * 1000;
/** A fixed 20-byte secret for the window and verifier checks. */
const secret = ascii('12345678901234567890');
/** An instant well inside a 30 s step (step 56666666, 10 s in), so ±1 steps are unambiguous. */
const T = 1_699_999_990;

export const checks: { name: string; run: () => void | Promise<void> }[] = [
  {
    name: 'RFC 6238 Appendix B: every TOTP vector (SHA-1, SHA-256, SHA-512)',
    run() {
      for (const v of totpVectors.vectors) {
        const algorithm = v.algorithm as OtpAlgorithm;
        const seed = ascii(totpVectors.seeds[algorithm]);
        const options = { algorithm, digits: totpVectors.digits, period: totpVectors.period, now: at(v.time) };
        assertEqual(generateTotp(seed, options), v.totp, `${algorithm} at T=${v.time}`);
        const result = verifyTotp(seed, v.totp, { ...options, window: { past: 0, future: 0 } });
        assert(result.ok && result.drift === 0, `${algorithm} at T=${v.time} verifies: ${JSON.stringify(result)}`);
      }
      assert(totpVectors.vectors.length === 18, `expected 18 vectors, got ${totpVectors.vectors.length}`);
    },
  },
  {
    name: 'RFC 4226 Appendix D: every HOTP vector, verifyHotp and resyncHotp',
    run() {
      const seed = ascii(hotpVectors.secretAscii);
      for (const v of hotpVectors.vectors) {
        assertEqual(generateHotp(seed, v.counter), v.hotp, `HOTP counter ${v.counter}`);
      }
      const [, v1, v2, v3] = hotpVectors.vectors;
      const match = verifyHotp(seed, v2!.hotp, v1!.counter);
      assert(match.ok && match.counter === v2!.counter && match.nextCounter === v2!.counter + 1, `look-ahead 1: ${JSON.stringify(match)}`);
      const ahead = verifyHotp(seed, v3!.hotp, v1!.counter);
      assert(!ahead.ok && ahead.reason === 'mismatch', `beyond look-ahead: ${JSON.stringify(ahead)}`);
      const resync = resyncHotp(seed, [v2!.hotp, v3!.hotp], 0);
      assert(resync.ok && resync.nextCounter === v3!.counter + 1, `resync: ${JSON.stringify(resync)}`);
    },
  },
  {
    name: 'verifyTotp: default window is one step each way, reporting step and drift',
    run() {
      const step = Math.floor(T / 30);
      for (const offset of [-1, 0, 1]) {
        const code = generateTotp(secret, { now: at(T + offset * 30) });
        const result = verifyTotp(secret, code, { now: at(T) });
        assert(result.ok, `offset ${offset} accepted: ${JSON.stringify(result)}`);
        assertEqual(result.step, step + offset, `offset ${offset}: step`);
        assertEqual(result.drift, offset, `offset ${offset}: drift`);
      }
      for (const offset of [-2, 2]) {
        const code = generateTotp(secret, { now: at(T + offset * 30) });
        const result = verifyTotp(secret, code, { now: at(T) });
        assert(!result.ok && result.reason === 'mismatch', `offset ${offset} refused: ${JSON.stringify(result)}`);
      }
    },
  },
  {
    name: 'verifyTotp: separate past and future windows',
    run() {
      const code = (offset: number) => generateTotp(secret, { now: at(T + offset * 30) });
      const window = { past: 3, future: 0 };
      assert(verifyTotp(secret, code(-3), { now: at(T), window }).ok, 'past 3 accepted');
      assert(!verifyTotp(secret, code(-4), { now: at(T), window }).ok, 'past 4 refused');
      assert(!verifyTotp(secret, code(1), { now: at(T), window }).ok, 'future 1 refused with future: 0');
      const future = verifyTotp(secret, code(2), { now: at(T), window: { past: 0, future: 2 } });
      assert(future.ok && future.drift === 2, `future 2 accepted: ${JSON.stringify(future)}`);
    },
  },
  {
    name: 'verifyTotp: afterStep refuses the same and earlier steps as replayed; input is normalised',
    run() {
      const code = generateTotp(secret, { now: at(T) });
      const first = verifyTotp(secret, code, { now: at(T) });
      assert(first.ok, 'first use accepted');
      const again = verifyTotp(secret, code, { now: at(T), afterStep: first.step });
      assert(!again.ok && again.reason === 'replayed', `second use: ${JSON.stringify(again)}`);
      const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
      const dashed = `${code.slice(0, 3)}-${code.slice(3)}`;
      for (const typed of [spaced, dashed]) {
        const r = verifyTotp(secret, typed, { now: at(T), afterStep: first.step });
        assert(!r.ok && r.reason === 'replayed', `"${typed}" is the same code, so replayed: ${JSON.stringify(r)}`);
      }
      const next = generateTotp(secret, { now: at(T + 30) });
      const later = verifyTotp(secret, next, { now: at(T + 30), afterStep: first.step });
      assert(later.ok && later.step === first.step + 1, `next step accepted: ${JSON.stringify(later)}`);
      for (const malformed of ['12345', '1234567', 'abcdef', '']) {
        const r = verifyTotp(secret, malformed, { now: at(T) });
        assert(!r.ok && r.reason === 'malformed', `"${malformed}" is malformed: ${JSON.stringify(r)}`);
      }
    },
  },
  {
    name: 'createTotpVerifier agrees with verifyTotp (SHA-256, 8 digits, 60 s)',
    run() {
      const options = { algorithm: 'SHA256' as const, digits: 8, period: 60 };
      const verifier = createTotpVerifier(secret, options);
      for (const offset of [-2, -1, 0, 1, 2]) {
        const code = generateTotp(secret, { ...options, now: at(T + offset * 60) });
        const one = verifier.verify(code, { now: at(T) });
        const other = verifyTotp(secret, code, { ...options, now: at(T) });
        assertEqual(JSON.stringify(one), JSON.stringify(other), `offset ${offset}`);
      }
    },
  },
  {
    name: 'generateSecret uses crypto.getRandomValues; base32 round-trips, tolerating case, spaces, padding',
    run() {
      const a = generateSecret();
      const b = generateSecret({ bytes: 32 });
      assert(a instanceof Uint8Array && a.length === 20, 'default 20 bytes');
      assertEqual(b.length, 32, 'bytes: 32');
      assert(a.join() !== generateSecret().join(), 'two secrets differ');
      const text = encodeBase32Secret(a);
      assert(/^[A-Z2-7]{32}$/.test(text), `20 bytes -> 32 base32 characters, no padding: ${text}`);
      assertBytesEqual(decodeBase32Secret(text), a, 'round trip');
      const sloppy = text.toLowerCase().replace(/(.{4})/g, '$1 ');
      assertBytesEqual(decodeBase32Secret(sloppy), a, 'lowercase with spaces');
      // RFC 4648 §10: "foobar" = MZXW6YTBOI======; 16 bytes of "a" padded.
      const sixteen = ascii('aaaaaaaaaaaaaaaa');
      assertBytesEqual(decodeBase32Secret(`${encodeBase32Secret(sixteen)}======`), sixteen, 'with padding');
      assertEqual(encodeBase32Secret(ascii('foobar')), 'MZXW6YTBOI', 'RFC 4648 vector, unpadded');
      const short = assertThrows(() => decodeBase32Secret('MZXW6YTBOI'), MfaError, '6-byte secret');
      assertEqual(short.code, 'SECRET_TOO_SHORT', 'short secret code');
      const legacy = encodeBase32Secret(ascii('0123456789'));
      assertEqual(decodeBase32Secret(legacy, { allowShortSecret: true }).length, 10, 'allowShortSecret accepts 80 bits');
    },
  },
  {
    name: 'key URI: build then parse returns the same values (spaces, reserved and non-ASCII text)',
    run() {
      const params = {
        secret: generateSecret(),
        issuer: 'Ünïcode & Co "Spaces" / ?#%=+',
        accountName: 'ada lovelace+mfa@example.com',
        algorithm: 'SHA512' as const,
        digits: 8,
        period: 45,
      };
      const uri = buildKeyUri(params);
      assert(uri.startsWith('otpauth://totp/'), `scheme and type: ${uri}`);
      assert(!uri.includes(' '), `no raw spaces: ${uri}`);
      assert(/^[\x21-\x7e]+$/.test(uri), `printable ASCII only: ${uri}`);
      const parsed = parseKeyUri(uri);
      assertEqual(parsed.type, 'totp', 'type');
      assertBytesEqual(parsed.secret, params.secret, 'secret');
      assertEqual(parsed.issuer, params.issuer, 'issuer');
      assertEqual(parsed.accountName, params.accountName, 'accountName');
      assertEqual(parsed.algorithm, 'SHA512', 'algorithm');
      assertEqual(parsed.digits, 8, 'digits');
      assertEqual(parsed.period, 45, 'period');
      const hotp = parseKeyUri(buildKeyUri({ type: 'hotp', secret: params.secret, accountName: 'bob', counter: 7 }));
      assert(hotp.type === 'hotp' && hotp.counter === 7 && hotp.issuer === undefined, `hotp: ${JSON.stringify(hotp)}`);
      // A URI written by hand, the way Google's Key Uri Format documents it.
      const google = parseKeyUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example');
      assert(google.issuer === 'Example' && google.accountName === 'alice@google.com' && google.period === 30, 'Google example');
    },
  },
  {
    name: 'QR: renderQrSvg draws the finder patterns inside a quiet zone; a browser renders qrDataUrl as that image',
    async run() {
      const uri = buildKeyUri({ secret: generateSecret(), issuer: 'ACME', accountName: 'ada@example.com' });
      const svg = renderQrSvg(uri, { size: 200 });
      assert(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && svg.endsWith('</svg>'), 'an SVG document');
      // Every runtime: read the dark modules back from the path (one "Mx,y Vy' Hx' ..." square each)
      // and find the three 7x7 finder patterns of the QR standard, and nothing in the quiet zone.
      const squares = [...svg.matchAll(/M([\d.]+),([\d.]+) V([\d.]+) H([\d.]+)/g)].map((m) => m.slice(1).map(Number));
      assert(squares.length > 100, `dark modules in the path: ${squares.length}`);
      const unit = squares[0]![2]! - squares[0]![1]!;
      const n = Math.round(200 / unit) - 2 * 4; // modules per side, less the quiet zone (margin 4)
      assert(n >= 21 && (n - 21) % 4 === 0, `a QR version's side: ${n} modules`);
      const darkModules = new Set(squares.map(([x, y]) => `${Math.round(x! / unit) - 4},${Math.round(y! / unit) - 4}`));
      for (const key of darkModules) {
        const [col, row] = key.split(',').map(Number) as [number, number];
        assert(col >= 0 && row >= 0 && col < n && row < n, `module ${key} lies in the quiet zone`);
      }
      for (const [corner, ox, oy] of [['top-left', 0, 0], ['top-right', n - 7, 0], ['bottom-left', 0, n - 7]] as const) {
        for (let r = 0; r < 7; r++) {
          for (let c = 0; c < 7; c++) {
            const ring = r === 0 || r === 6 || c === 0 || c === 6;
            const core = r >= 2 && r <= 4 && c >= 2 && c <= 4;
            assertEqual(darkModules.has(`${ox + c},${oy + r}`), ring || core, `${corner} finder pattern at row ${r}, column ${c}`);
          }
        }
      }
      if (typeof DOMParser === 'function') {
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        assert(!doc.querySelector('parsererror'), 'SVG parses as XML');
        assertEqual(doc.documentElement.localName, 'svg', 'root element');
      }

      const size = 330;
      const url = qrDataUrl(uri, { size, margin: 4 });
      assert(url.startsWith('data:image/svg+xml;base64,'), `data URL: ${url.slice(0, 40)}`);
      assertEqual(atob(url.slice('data:image/svg+xml;base64,'.length)), renderQrSvg(uri, { size, margin: 4 }), 'data URL holds the SVG');
      // Browsers: draw it and look at the pixels (runtimes without a DOM have no image decoder).
      if (typeof Image !== 'function' || typeof document === 'undefined') return;
      const image = new Image();
      image.src = url;
      await image.decode();
      assertEqual(image.naturalWidth, size, 'rendered width');
      assertEqual(image.naturalHeight, size, 'rendered height');
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = size;
      const context = canvas.getContext('2d', { willReadFrequently: true })!;
      context.fillStyle = '#f0f';
      context.fillRect(0, 0, size, size);
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, size, size).data;
      const dark = (x: number, y: number) => pixels[(y * size + x) * 4]! < 128;
      // The three finder patterns: along each corner's diagonal, after the light quiet zone, the
      // runs are dark 1, light 1, dark 3, light 1, dark 1 modules (the QR standard's 1:1:3:1:1).
      const corners: [string, (i: number) => [number, number]][] = [
        ['top-left', (i) => [i, i]],
        ['top-right', (i) => [size - 1 - i, i]],
        ['bottom-left', (i) => [i, size - 1 - i]],
      ];
      for (const [corner, point] of corners) {
        const runs: number[] = [];
        let i = 0;
        while (i < size && !dark(...point(i))) i++;
        const quiet = i;
        for (let run = 0; run < 5 && i < size; run++) {
          const colour = dark(...point(i));
          let length = 0;
          while (i < size && dark(...point(i)) === colour) {
            i++;
            length++;
          }
          runs.push(length);
        }
        const module = (runs[0]! + runs[1]! + runs[2]! + runs[3]! + runs[4]!) / 7;
        const expected = [1, 1, 3, 1, 1];
        const fits = runs.length === 5 && runs.every((r, k) => Math.abs(r - expected[k]! * module) <= 1.5);
        assert(fits, `${corner} finder pattern 1:1:3:1:1, got runs ${runs.join(':')} (module ${module.toFixed(1)} px)`);
        assert(Math.abs(quiet - 4 * module) <= 2, `${corner} quiet zone of 4 modules: ${quiet} px, module ${module.toFixed(1)} px`);
      }
      const big = assertThrows(() => renderQrSvg('x'.repeat(5000)), MfaError, 'oversize QR text');
      assertEqual(big.code, 'QR_TOO_LONG', 'oversize QR code');
    },
  },
  {
    name: 'hostile input throws MfaError, never anything else',
    run() {
      const hostile: [string, () => unknown][] = [
        ['secret as string', () => generateTotp('12345678901234567890' as unknown as Uint8Array)],
        ['secret too short', () => generateTotp(new Uint8Array(4))],
        ['secret huge', () => generateTotp(new Uint8Array(4096))],
        ['digits 5', () => generateTotp(secret, { digits: 5 })],
        ['digits NaN', () => generateTotp(secret, { digits: Number.NaN })],
        ['period 0', () => generateTotp(secret, { period: 0 })],
        ['period -30', () => generateTotp(secret, { period: -30 })],
        ['period huge', () => generateTotp(secret, { period: 2 ** 53 })],
        ['algorithm MD5', () => generateTotp(secret, { algorithm: 'MD5' as OtpAlgorithm })],
        ['clock NaN', () => generateTotp(secret, { now: () => Number.NaN })],
        ['clock Infinity', () => generateTotp(secret, { now: () => Number.POSITIVE_INFINITY })],
        ['options null', () => generateTotp(secret, null as never)],
        ['code as number', () => verifyTotp(secret, 123456 as unknown as string)],
        ['window past -1', () => verifyTotp(secret, '123456', { window: { past: -1 } })],
        ['window future 1e9', () => verifyTotp(secret, '123456', { window: { future: 1e9 } })],
        ['HOTP counter -1', () => generateHotp(secret, -1)],
        ['HOTP counter 1.5', () => generateHotp(secret, 1.5)],
        ['base32 with 1 and 8', () => decodeBase32Secret('AAAAAAAA1AAAAAAA8AAAAAAAAAAAAAAA')],
        ['base32 oversize', () => decodeBase32Secret('A'.repeat(1_000_000))],
        ['base32 not a string', () => decodeBase32Secret(42 as unknown as string)],
        ['URI with http scheme', () => parseKeyUri('https://example.com/?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')],
        ['URI without secret', () => parseKeyUri('otpauth://totp/Example:alice?issuer=Example')],
        ['URI digits 12', () => parseKeyUri('otpauth://totp/a?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&digits=12')],
        ['URI oversize', () => parseKeyUri(`otpauth://totp/a?secret=${'A'.repeat(100_000)}`)],
        ['buildKeyUri colon in account', () => buildKeyUri({ secret, accountName: 'a:b' })],
        ['QR text not a string', () => renderQrSvg(undefined as unknown as string)],
        ['QR size NaN', () => renderQrSvg('otpauth://totp/a', { size: Number.NaN })],
      ];
      const failures: string[] = [];
      for (const [label, fn] of hostile) {
        try {
          fn();
          failures.push(`${label}: returned normally`);
        } catch (error) {
          if (!(error instanceof MfaError)) failures.push(`${label}: threw ${String(error)}`);
        }
      }
      if (failures.length > 0) throw new Error(failures.join('\n'));
    },
  },
];
