// The binding loader's refusal inside a single executable (Node SEA), at the loader level: the whole
// executable is built and run by test/install/sea.test.ts, which checks the same message end to end.
import { describe, expect, it } from 'vitest';
import { loadBinding, SEA_MESSAGE } from '../../src/pkcs11/binding.js';

describe('loadBinding in a single executable', () => {
  it('refuses with PKCS11_UNAVAILABLE and says why and what to do, even when the binding loaded before', async () => {
    await loadBinding().catch(() => undefined); // loaded or not here: the single-executable check comes first
    const e = await loadBinding(() => true).then(() => undefined, (x: unknown) => x);
    expect(e).toMatchObject({ name: 'ByokError', code: 'PKCS11_UNAVAILABLE', message: SEA_MESSAGE });
    expect(SEA_MESSAGE).toMatch(/single-file byok executable cannot load native modules.*PKCS#11 token.*npm install -g byok-toolkit/);
  });
});
