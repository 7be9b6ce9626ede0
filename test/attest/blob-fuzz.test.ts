// The Marvell blob parser under hostile input: 12,000 random and mutated blobs (both layouts; bytes
// flipped, fields set to boundary values, cut, extended) give either a parse whose every attribute lies
// inside the input, or a ByokError MALFORMED_ATTESTATION — never another exception, never a hang. The
// bounded gunzip gets 2,000 mutated streams the same way. Seeded, so a failure reproduces.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMarvellBlob } from '../../src/attest/blob.js';
import { gunzipBounded } from '../../src/attest/gzip.js';
import { ByokError } from '../../src/errors.js';
import { keyAttributes, objectLayout, objectRecord, responseLayout, rsaKek, ecKey } from '../helpers/attestation.js';

/** xorshift32: reproducible mutations. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const valid: Buffer[] = (() => {
  const rsa = rsaKek(2048);
  const ec = ecKey('P-256');
  const sig = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc(256, 0x5a)]);
  return [
    sig(objectLayout(objectRecord(0x48, keyAttributes(rsa, 3, '/keys/k/v'), { slack: 16 }))),
    sig(objectLayout(objectRecord(0x47, keyAttributes(ec, 2, '/keys/k/v')), 0)),
    sig(responseLayout([objectRecord(1, keyAttributes(rsa, 2, 'x')), objectRecord(2, keyAttributes(rsa, 3, 'x'))])),
    sig(responseLayout([objectRecord(1, keyAttributes(ec, 3, 'x'))])),
  ];
})();

const BOUNDARY = [0, 1, 7, 8, 11, 12, 255, 256, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

function mutate(src: Buffer, r: () => number): Buffer {
  let b = Buffer.from(src);
  const pick = (n: number): number => Math.floor(r() * n);
  for (let m = 0, count = 1 + pick(4); m < count; m++) {
    switch (pick(6)) {
      case 0: // flip bits
        b[pick(b.length)]! ^= 1 << pick(8);
        break;
      case 1: { // a u32 field (headers, tags, lengths) set to a boundary value
        if (b.length >= 4) b.writeUInt32BE(BOUNDARY[pick(BOUNDARY.length)]!, Math.min(pick(b.length) & ~3, b.length - 4));
        break;
      }
      case 2: // cut
        b = b.subarray(0, pick(b.length + 1));
        break;
      case 3: // extend
        b = Buffer.concat([b, Buffer.alloc(pick(64), pick(2) * 0xff)]);
        break;
      case 4: { // a u16 of the info header region
        if (b.length > 2) b.writeUInt16BE(BOUNDARY[pick(BOUNDARY.length)]! & 0xffff, pick(b.length - 1));
        break;
      }
      default: // a random byte
        if (b.length > 0) b[pick(b.length)] = pick(256);
    }
  }
  return b;
}

function checkOne(input: Uint8Array): 'parsed' | 'refused' {
  try {
    const blob = parseMarvellBlob(input);
    // Every view lies inside the input's buffer (plain checks: expect() per attribute would dominate the run).
    const end = input.byteOffset + input.length;
    for (const o of blob.objects) {
      for (const a of o.attributes) {
        if (a.value.buffer !== input.buffer || a.value.byteOffset < input.byteOffset || a.value.byteOffset + a.value.length > end) {
          throw new Error(`attribute 0x${a.tag.toString(16)} lies outside the input`);
        }
      }
    }
    if (blob.signed.length + blob.signature.length !== input.length) throw new Error('signed + signature != input');
    return 'parsed';
  } catch (e) {
    if (!(e instanceof ByokError) || e.code !== 'MALFORMED_ATTESTATION' || !/^attestation blob at byte \d+: /.test(e.message)) throw e;
    return 'refused';
  }
}

describe('parseMarvellBlob fuzz', () => {
  it('the seeds parse', () => {
    for (const v of valid) expect(checkOne(v)).toBe('parsed');
  });

  it('10,000 mutations of valid blobs: typed errors only', () => {
    const r = rng(0x15a77e57);
    const tally = { parsed: 0, refused: 0 };
    for (let i = 0; i < 10_000; i++) tally[checkOne(mutate(valid[i % valid.length]!, r))]++;
    // Both outcomes occur (mutations inside LABEL or the signature leave a valid structure).
    expect(tally.parsed).toBeGreaterThan(100);
    expect(tally.refused).toBeGreaterThan(5000);
  });

  it('2,000 random byte strings (fast-check): typed errors only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 2048 }), (bytes) => {
        checkOne(bytes);
      }),
      { numRuns: 2000, seed: 15 },
    );
  });

  it('1,000 mutated gzip streams: inflated bytes or MALFORMED_ATTESTATION', () => {
    const gz = gzipSync(valid[2]!);
    const r = rng(0x9e3779b9);
    let ok = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        gunzipBounded(mutate(gz, r), 'content');
        ok++;
      } catch (e) {
        if (!(e instanceof ByokError) || e.code !== 'MALFORMED_ATTESTATION') throw e;
      }
    }
    expect(ok).toBeLessThan(1000);
  });
});
