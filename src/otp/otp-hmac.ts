/**
 * The one HMAC path every OTP computation goes through. Internal.
 *
 * The key is absorbed once: `hmac.create` hashes the inner and outer padded keys. Each MAC then
 * clones those two states into a scratch instance (`_cloneInto`, no allocation), feeds the
 * message and digests into a scratch buffer. One HOTP value costs two hash compressions instead
 * of four. The scratch instances and buffers are shared per algorithm: computation is
 * synchronous and never re-entrant, and noble wipes a hash's state when it finishes, so nothing
 * key-derived stays in them between calls.
 * @module
 */
import { hmac, type _HMAC } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { OtpAlgorithm } from './options.js';

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const;

interface Scratch {
  work: _HMAC<any> | undefined;
  readonly out: Uint8Array;
}
const SCRATCH: Record<OtpAlgorithm, Scratch> = {
  SHA1: { work: undefined, out: new Uint8Array(20) },
  SHA256: { work: undefined, out: new Uint8Array(32) },
  SHA512: { work: undefined, out: new Uint8Array(64) },
};

/** A keyed HMAC whose padded key states are computed once. */
export class PreparedHmac {
  /** HMAC output length in bytes. */
  readonly outputLen: number;
  private readonly keyed: _HMAC<any>;
  private readonly scratch: Scratch;

  constructor(algorithm: OtpAlgorithm, key: Uint8Array) {
    this.keyed = hmac.create(HASHES[algorithm], key);
    this.outputLen = this.keyed.outputLen;
    this.scratch = SCRATCH[algorithm];
  }

  /**
   * HMAC of `message`. Returns a shared scratch buffer that the next MAC of the same algorithm
   * overwrites: read (or copy) it at once.
   */
  mac(message: Uint8Array): Uint8Array {
    const scratch = this.scratch;
    const work = this.keyed._cloneInto(scratch.work);
    scratch.work = work;
    work.update(message);
    work.digestInto(scratch.out);
    return scratch.out;
  }
}
