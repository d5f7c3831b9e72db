/**
 * Every entry point that can throw `MfaError` exports it (and `isMfaError`), so an app catching
 * errors from `mfakit/stores/postgres` or `mfakit/otp` needs no second import from the root.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MfaError, isMfaError } from '../../src/errors.js';

const entries: Record<string, string> = JSON.parse(readFileSync(new URL('../../src/entries.json', import.meta.url), 'utf8'));

describe('MfaError from every entry', () => {
  for (const [subpath, file] of Object.entries(entries)) {
    it(`${subpath} exports MfaError and isMfaError`, async () => {
      const entry = (await import(/* @vite-ignore */ new URL(`../../${file}`, import.meta.url).href)) as Record<string, unknown>;
      expect(entry['MfaError']).toBe(MfaError);
      expect(entry['isMfaError']).toBe(isMfaError);
    });
  }
});
