// aesKcv, the AES key check value (first 3 bytes of AES-ECB(key, 0^128)) that `byok batch` records and its
// import plan shows, on every build against node:crypto: random keys of each size, the FIPS-197 appendix C
// keys, argument errors, and the arena and memory left clean of the key.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';
import { codeOf } from '../helpers/errors.js';
import { findSecrets, firstDirtyArenaByte } from '../helpers/symmetric-memory.js';

const builds = await loadAllBuilds();

function nodeKcv(key: Uint8Array): string {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).subarray(0, 3).toString('hex');
}

describe.each(builds)('aesKcv, $name build', ({ core, api }) => {
  it('equals node:crypto for random AES-128/192/256 keys and the FIPS-197 C.1–C.3 keys', () => {
    const keys: Uint8Array[] = [16, 24, 32].map((n) => Uint8Array.from({ length: n }, (_, i) => i));
    for (let i = 0; i < 50; i++) for (const n of [16, 24, 32]) keys.push(randomBytes(n));
    for (const key of keys) {
      expect(Buffer.from(api.aesKcv(key)).toString('hex')).toBe(nodeKcv(key));
      expect(firstDirtyArenaByte(core)).toBe(-1);
    }
    // the FIPS keys 00 01 02 … occur in the core's constant data; the random keys must occur nowhere
    expect(findSecrets(core, keys.slice(3))).toEqual([]);
  });

  it('refuses keys that are not 16, 24 or 32 bytes', () => {
    expect(codeOf(() => api.aesKcv(new Uint8Array(20)))).toBe('BAD_KEY_LENGTH');
    expect(codeOf(() => api.aesKcv('key' as unknown as Uint8Array))).toBe('CORE_BAD_ARGUMENT');
  });
});
