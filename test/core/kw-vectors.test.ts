// AES-KW (RFC 3394) and AES-KWP (RFC 5649) of every build against every public vector set we have:
// Wycheproof aes_wrap_test.json and aes_kwp_test.json in full, and the 12 NIST SP 800-38F CAVS files of
// pyca/keywrap (KW/KWP x AE/AD x AES-128/192/256, 500 cases each).
//
// Decisions, per vector class:
// - valid: wrap(key, msg) gives exactly ct, and unwrap(key, ct) gives exactly msg.
// - invalid: unwrap(key, ct) is refused. A ct whose LENGTH no wrap can produce (not a multiple of 8, or
//   shorter than 24 bytes for KW / 16 for KWP) is refused before any decryption with BAD_DATA_LENGTH: the
//   length is public, so a precise message leaks nothing and helps the user. Every other invalid ct must
//   give the one generic DECRYPT_FAILED error. If msg has a length we can wrap, wrap(key, msg) must not
//   give ct (the ct is not ours); otherwise wrap refuses it with BAD_DATA_LENGTH.
// - acceptable: the only ones are KW of an 8-byte key (tcId 12, 54, 109, "wrapping an 8 byte key"). RFC
//   3394 and SP 800-38F define KW for n >= 2 semiblocks; an 8-byte input is what KWP is for. We REJECT
//   them in both directions with BAD_DATA_LENGTH (as @noble/ciphers does), and count them.
// - Wycheproof "SmallKey" KWP cases (keys shorter than 16 bytes) are valid and accepted: KWP's purpose
//   is arbitrary lengths, and an HSM export may legitimately wrap short secrets.
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';
import { nistKeywrap, nistKeywrapFiles, wycheproofKeywrap } from '../helpers/keywrap-vectors.js';
import { thrownCode, toHex } from '../helpers/keywrap-checks.js';
import { firstDirtyArenaByte } from '../helpers/symmetric-memory.js';
import { hex } from '../helpers/vectors.js';

const builds = await loadAllBuilds();

const kwWrappable = (n: number): boolean => n >= 16 && n % 8 === 0;
const kwUnwrappable = (n: number): boolean => n >= 24 && n % 8 === 0;
const kwpWrappable = (n: number): boolean => n >= 1;
const kwpUnwrappable = (n: number): boolean => n >= 16 && n % 8 === 0;

describe.each(builds.map((b) => [b.name, b] as const))('key-wrap vectors: %s', (name, build) => {
  const { api, core } = build;

  for (const [file, padded] of [['aes_wrap_test.json', false], ['aes_kwp_test.json', true]] as const) {
    it(`Wycheproof ${file} in full`, () => {
      const wrap = padded ? api.aesKwpWrap : api.aesKwWrap;
      const unwrap = padded ? api.aesKwpUnwrap : api.aesKwUnwrap;
      const canWrap = padded ? kwpWrappable : kwWrappable;
      const canUnwrap = padded ? kwpUnwrappable : kwUnwrappable;
      const tests = wycheproofKeywrap(file);
      const failures: string[] = [];
      const counts = { valid: 0, invalidDecrypt: 0, invalidLength: 0, acceptableRejected: 0 };
      for (const t of tests) {
        const key = hex(t.key);
        const msg = hex(t.msg);
        const ct = hex(t.ct);
        const tag = `tcId ${t.tcId} (${t.comment})`;
        if (t.result === 'valid') {
          const c = thrownCode(() => {
            const w = wrap(key, msg);
            if (toHex(w) !== t.ct) failures.push(`${tag}: wrap gave ${toHex(w)}`);
            const u = unwrap(key, ct);
            if (toHex(u) !== t.msg) failures.push(`${tag}: unwrap gave another plaintext`);
          });
          if (c !== 'none') failures.push(`${tag}: valid case threw ${c}`);
          counts.valid++;
        } else if (t.result === 'acceptable') {
          if (padded || !t.comment.includes('8 byte key')) failures.push(`${tag}: unexpected acceptable case`);
          const a = thrownCode(() => wrap(key, msg));
          const b = thrownCode(() => unwrap(key, ct));
          if (a !== 'BAD_DATA_LENGTH' || b !== 'BAD_DATA_LENGTH') failures.push(`${tag}: acceptable case gave ${a}/${b}`);
          counts.acceptableRejected++;
        } else {
          const expected = canUnwrap(ct.length) ? 'DECRYPT_FAILED' : 'BAD_DATA_LENGTH';
          const got = thrownCode(() => unwrap(key, ct));
          if (got !== expected) failures.push(`${tag}: unwrap of invalid ct gave ${got}, expected ${expected}`);
          if (expected === 'DECRYPT_FAILED') counts.invalidDecrypt++;
          else counts.invalidLength++;
          if (canWrap(msg.length)) {
            if (toHex(wrap(key, msg)) === t.ct) failures.push(`${tag}: wrap produced the invalid ct`);
          } else if (thrownCode(() => wrap(key, msg)) !== 'BAD_DATA_LENGTH') {
            failures.push(`${tag}: wrap of an unwrappable length did not give BAD_DATA_LENGTH`);
          }
        }
        if (firstDirtyArenaByte(core) !== -1) failures.push(`${tag}: arena not zero after the call`);
      }
      expect(failures).toEqual([]);
      expect(counts.valid + counts.invalidDecrypt + counts.invalidLength + counts.acceptableRejected).toBe(tests.length);
      console.log(`${name} ${file}: ${tests.length} tests — ${counts.valid} valid (exact both ways), ${counts.invalidDecrypt} invalid -> DECRYPT_FAILED, ${counts.invalidLength} invalid lengths -> BAD_DATA_LENGTH, ${counts.acceptableRejected} acceptable (8-byte KW) rejected by decision`);
    });
  }

  for (const file of nistKeywrapFiles()) {
    it(`NIST ${file} in full`, () => {
      const padded = file.startsWith('KWP');
      const ae = file.includes('_AE_');
      const wrap = padded ? api.aesKwpWrap : api.aesKwWrap;
      const unwrap = padded ? api.aesKwpUnwrap : api.aesKwUnwrap;
      const cases = nistKeywrap(file);
      const failures: string[] = [];
      let ok = 0;
      let rejected = 0;
      for (const c of cases) {
        const tag = `[${c.plaintextBits} bits] COUNT ${c.count}`;
        if (ae) {
          if (!c.p || c.fail) throw new Error(`${file} ${tag}: AE case without plaintext`);
          const w = wrap(c.k, c.p);
          if (toHex(w) !== toHex(c.c)) failures.push(`${tag}: wrap mismatch`);
          else ok++;
        } else if (c.fail) {
          const got = thrownCode(() => unwrap(c.k, c.c));
          if (got !== 'DECRYPT_FAILED') failures.push(`${tag}: FAIL case gave ${got}`);
          else rejected++;
        } else {
          const u = unwrap(c.k, c.c);
          if (toHex(u) !== toHex(c.p as Uint8Array)) failures.push(`${tag}: unwrap mismatch`);
          else ok++;
        }
      }
      expect(failures).toEqual([]);
      expect(cases.length).toBe(500);
      expect(ok + rejected).toBe(500);
      if (!ae) expect(rejected).toBe(100);
      expect(firstDirtyArenaByte(core)).toBe(-1);
      console.log(`${name} ${file}: ${cases.length} cases — ${ok} exact, ${rejected} FAIL cases rejected with the generic error`);
    });
  }
});
