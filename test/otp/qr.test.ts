// Renders QR codes, rasterises them with rsvg-convert (librsvg2-bin) and decodes them with
// zbarimg (zbar-tools): a real reader must get the exact key URI back.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildKeyUri, generateSecret } from '../../src/otp/index.js';
import { qrDataUrl, renderQrSvg, type QrOptions } from '../../src/otp/qr.js';
import { hasCommand, requirementsGate } from '../support/requirements.js';

const hasTools = requirementsGate('QR decoding', ['rsvg-convert', 'zbarimg'].filter((tool) => !hasCommand(tool)));
const dir = mkdtempSync(join(tmpdir(), 'mfakit-qr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function decode(svg: string): string {
  const svgPath = join(dir, `qr${n}.svg`);
  const pngPath = join(dir, `qr${n++}.png`);
  writeFileSync(svgPath, svg);
  execFileSync('rsvg-convert', ['-b', 'white', '-o', pngPath, svgPath], { stdio: 'pipe' });
  // --raw prints the payload only; zbarimg appends a newline.
  return execFileSync('zbarimg', ['--raw', '-q', pngPath], { encoding: 'utf8', stdio: 'pipe' }).replace(/\n$/, '');
}

describe.skipIf(!hasTools)('QR codes decode to the exact text', () => {
  const uri = buildKeyUri({ secret: generateSecret(), accountName: 'ada lovelace+test@example.com', issuer: 'Zürich & Co (東京)' });

  it('default options', () => {
    const svg = renderQrSvg(uri);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="256"');
    expect(decode(svg)).toBe(uri);
  });

  const variants: QrOptions[] = [
    { size: 200, margin: 2, errorCorrection: 'L' },
    { size: 320, margin: 4, errorCorrection: 'Q' },
    { size: 400, margin: 6, errorCorrection: 'H', color: '#123', background: '#ffffee' },
  ];
  for (const options of variants) {
    it(JSON.stringify(options), () => {
      const svg = renderQrSvg(uri, options);
      expect(svg).toContain(`width="${options.size}"`);
      expect(decode(svg)).toBe(uri);
    });
  }

  it('a long HOTP URI with a 64-byte SHA-512 secret', () => {
    const long = buildKeyUri({ type: 'hotp', secret: generateSecret({ bytes: 64 }), accountName: 'x'.repeat(120), issuer: 'y'.repeat(60), algorithm: 'SHA512', digits: 8, counter: 123456789 });
    expect(decode(renderQrSvg(long, { size: 600 }))).toBe(long);
  });

  it('a text at the full capacity of a version-40 code (level L)', () => {
    const full = `otpauth://totp/${'abcdefghij'.repeat(295)}`.slice(0, 2950);
    expect(decode(renderQrSvg(full, { size: 1600, errorCorrection: 'L' }))).toBe(full);
  });

  it('the data URL holds the same SVG, base64-encoded', () => {
    const url = qrDataUrl(uri, { size: 180 });
    expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
    const svg = Buffer.from(url.slice('data:image/svg+xml;base64,'.length), 'base64').toString('utf8');
    expect(svg).toBe(renderQrSvg(uri, { size: 180 }));
    expect(decode(svg)).toBe(uri);
  });
});

describe('QR options and limits', () => {
  it('margin and error correction change the output', () => {
    expect(renderQrSvg('otpauth://totp/a', { margin: 0 })).not.toBe(renderQrSvg('otpauth://totp/a', { margin: 4 }));
    expect(renderQrSvg('otpauth://totp/a', { errorCorrection: 'L' })).not.toBe(renderQrSvg('otpauth://totp/a', { errorCorrection: 'H' }));
  });
  it('throws MfaError for text too long, non-ASCII text and bad options', () => {
    // Version-40 capacity less the 3 bytes qrcode-svg reserves.
    expect(() => renderQrSvg('a'.repeat(2951), { errorCorrection: 'L' })).toThrow(expect.objectContaining({ code: 'QR_TOO_LONG' }));
    expect(() => renderQrSvg('a'.repeat(1271), { errorCorrection: 'H' })).toThrow(expect.objectContaining({ code: 'QR_TOO_LONG' }));
    expect(renderQrSvg('a'.repeat(2950), { errorCorrection: 'L' })).toContain('<svg');
    expect(renderQrSvg('a'.repeat(1270), { errorCorrection: 'H' })).toContain('<svg');
    for (const [text, options] of [
      ['', undefined],
      ['é', undefined],
      ['a\nb', undefined],
      [42, undefined],
      ['a', { size: 0 }],
      ['a', { size: NaN }],
      ['a', { margin: -1 }],
      ['a', { errorCorrection: 'X' }],
      ['a', { color: 'red"/><script>' }],
      ['a', { background: 5 }],
      ['a', 'big'],
    ] as [string, QrOptions][]) {
      expect(() => renderQrSvg(text, options), JSON.stringify([text, options])).toThrow(expect.objectContaining({ name: 'MfaError' }));
    }
  });
});
