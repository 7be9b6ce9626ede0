// Every Wycheproof RSAES-OAEP file, in full, against every Wasm build.
//
// - valid: decrypts to the exact message.
// - invalid: rejected. InvalidOaepPadding cases must give the one generic DECRYPT_FAILED error (any other
//   error would be a Manger oracle); InvalidCiphertext cases give DECRYPT_FAILED, or BAD_DATA_LENGTH when
//   the ciphertext is not k bytes long (a public length check, done before any decryption).
// - acceptable (rsa_oaep_misc_test.json, "SmallIntegerCiphertext": c = 0 or 1 with a constructed label):
//   decided as valid. RFC 8017 5.1.2 only requires 0 <= c < n; SP 800-56B's extra "1 < c < n-1" rule is
//   not applied, so these decrypt to the exact message, which the test asserts.
// - skipped, by named reason and counted: groups whose OAEP or MGF1 hash the core does not implement
//   (SHA-224, SHA-512/224, SHA-512/256).
// - three-prime keys (rsa_three_primes_*): the core takes two-prime CRT keys only; given the first two
//   primes, every case must be refused with INVALID_PRIVATE_KEY (p*q != n), or BAD_DATA_LENGTH first
//   when the ciphertext is not k bytes long.
import { afterAll, describe, expect, it } from 'vitest';
import { isByokError } from '../../src/errors.js';
import { DECRYPT_FAILED_MESSAGE } from '../../src/core/instance.js';
import { loadAllBuilds } from '../helpers/cores.js';
import { hex, toHex } from '../helpers/vectors.js';
import { hashOf, loadOaepFile, oaepFiles, privateKeyOf } from '../helpers/wycheproof-oaep.js';

const builds = await loadAllBuilds();
const files = oaepFiles();

interface Tally { valid: number; invalid: number; acceptable: number; refused: number; skipped: Map<string, number> }
const tallies = new Map<string, Tally>();

/** k: the modulus length in bytes, without leading zero bytes. */
function modulusBytes(n: Uint8Array): number {
  let z = 0;
  while (n[z] === 0) z++;
  return n.length - z;
}

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('Wycheproof RSA-OAEP', () => {
  it('finds the vector files (21 two-prime + misc + 3 three-prime)', () => {
    expect(files.filter((f) => f.startsWith('rsa_oaep_')).length).toBe(22);
    expect(files.filter((f) => f.startsWith('rsa_three_primes_')).length).toBe(3);
  });

  for (const build of builds) {
    describe(build.name, () => {
      for (const name of files) {
        it(name, () => {
          const file = loadOaepFile(name);
          const t: Tally = { valid: 0, invalid: 0, acceptable: 0, refused: 0, skipped: new Map() };
          let seen = 0;
          for (const g of file.testGroups) {
            seen += g.tests.length;
            const hash = hashOf(g.sha);
            const mgf1Hash = hashOf(g.mgfSha);
            if (!hash || !mgf1Hash) {
              const reason = `unsupported hash ${!hash ? g.sha : g.mgfSha} (the core implements SHA-1/256/384/512)`;
              t.skipped.set(reason, (t.skipped.get(reason) ?? 0) + g.tests.length);
              continue;
            }
            expect(g.mgf).toBe('MGF1');
            const key = privateKeyOf(g.privateKey);
            for (const tc of g.tests) {
              const ct = hex(tc.ct);
              const opts = { hash, mgf1Hash, label: hex(tc.label) };
              const where = `${name} tcId ${tc.tcId} (${tc.comment || tc.flags.join(',')})`;
              const lengthOk = ct.length === modulusBytes(key.n);
              if (g.privateKey.otherPrimeInfos) {
                // Refused by the key check; a ciphertext of the wrong length is refused before it.
                const err = errorOf(() => build.api.rsaOaepDecrypt(key, ct, opts));
                const code = lengthOk ? 'INVALID_PRIVATE_KEY' : 'BAD_DATA_LENGTH';
                expect(isByokError(err, code), `${where}: three-prime key must be refused: ${String(err)}`).toBe(true);
                t.refused++;
                continue;
              }
              if (tc.result === 'invalid') {
                const err = errorOf(() => build.api.rsaOaepDecrypt(key, ct, opts));
                if (tc.flags.includes('InvalidOaepPadding') || lengthOk) {
                  expect(isByokError(err, 'DECRYPT_FAILED'), `${where}: ${String(err)}`).toBe(true);
                  expect((err as Error).message).toBe(DECRYPT_FAILED_MESSAGE);
                } else {
                  expect(isByokError(err, 'BAD_DATA_LENGTH'), `${where}: ${String(err)}`).toBe(true);
                }
                t.invalid++;
                continue;
              }
              const got = build.api.rsaOaepDecrypt(key, ct, opts);
              expect(toHex(got), where).toBe(tc.msg);
              if (tc.result === 'acceptable') t.acceptable++;
              else t.valid++;
            }
          }
          expect(seen).toBe(file.numberOfTests);
          expect(t.valid + t.invalid + t.acceptable + t.refused + [...t.skipped.values()].reduce((a, b) => a + b, 0))
            .toBe(file.numberOfTests);
          tallies.set(`${build.name} ${name}`, t);
        });
      }
    });
  }

  afterAll(() => {
    const totals = new Map<string, number[]>();
    for (const [k, t] of tallies) {
      const build = k.split(' ')[0] as string;
      const sum = totals.get(build) ?? [0, 0, 0, 0, 0];
      const skipped = [...t.skipped.values()].reduce((a, b) => a + b, 0);
      [t.valid, t.invalid, t.acceptable, t.refused, skipped].forEach((v, i) => { sum[i] = (sum[i] as number) + v; });
      totals.set(build, sum);
    }
    for (const [build, [v, i, a, r, s]] of totals) {
      console.log(`${build} total: ${v} valid, ${i} invalid rejected, ${a} acceptable (decrypted), ${r} three-prime refused, ${s} skipped (unsupported hash)`);
    }
    for (const [k, t] of tallies) {
      const skipped = [...t.skipped].map(([r, n]) => `${n} skipped: ${r}`).join('; ');
      console.log(`${k}: ${t.valid} valid, ${t.invalid} invalid rejected, ${t.acceptable} acceptable (decrypted), ` +
        `${t.refused} refused (three-prime)${skipped ? `; ${skipped}` : ''}`);
    }
  });
});
