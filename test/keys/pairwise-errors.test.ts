// The opt-in RSA pairwise test reports a key that fails it as INVALID_RSA_KEY, and anything that is not
// about the key as itself: a core that failed its self-tests (CORE_SELFTEST_FAILED, not "invalid key"),
// a host without crypto.getRandomValues (the typed CORE_INTERNAL error of the randomness helper, not a
// ReferenceError). The core is replaced by one whose RSA calls fail as chosen.
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ByokError, type ByokErrorCode } from '../../src/errors.js';
import type { CoreApi } from '../../src/core/types.js';
import { readTargetKey } from '../../src/keys/index.js';
import { errorOf } from '../helpers/errors.js';

let failWith: ByokErrorCode | undefined;

vi.mock('../../src/core/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/core/index.js')>();
  const failing = (api: CoreApi): CoreApi => ({
    ...api,
    rsaOaepDecrypt: (...args) => {
      if (failWith !== undefined) throw new ByokError(failWith, `simulated ${failWith}`);
      return api.rsaOaepDecrypt(...args);
    },
  });
  return { ...real, getCore: () => failing(real.getCore()) };
});

const jwk = new TextEncoder().encode(JSON.stringify(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })));
const read = (): unknown => readTargetKey(jwk, { pairwiseTest: true });

afterEach(() => {
  failWith = undefined;
});

describe('pairwise test outcomes', () => {
  it('a sound key passes', () => {
    expect(readTargetKey(jwk, { pairwiseTest: true }).kind).toBe('rsa');
  });

  it('key failures (fault check, decoding, load checks) are INVALID_RSA_KEY', () => {
    for (const code of ['FAULT_DETECTED', 'DECRYPT_FAILED', 'INVALID_PRIVATE_KEY'] as const) {
      failWith = code;
      expect(errorOf(read).code, code).toBe('INVALID_RSA_KEY');
    }
  });

  it('a failed core self-test or an internal error is reported as itself', () => {
    for (const code of ['CORE_SELFTEST_FAILED', 'CORE_INTERNAL'] as const) {
      failWith = code;
      expect(errorOf(read).code, code).toBe(code);
    }
  });

  it('no crypto.getRandomValues: the typed error of the randomness helper', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    expect(saved?.configurable).toBe(true);
    delete (globalThis as { crypto?: unknown }).crypto;
    try {
      const e = errorOf(read);
      expect(e.code).toBe('CORE_INTERNAL');
      expect(e.message).toContain('getRandomValues');
    } finally {
      Object.defineProperty(globalThis, 'crypto', saved as PropertyDescriptor);
    }
  });
});
