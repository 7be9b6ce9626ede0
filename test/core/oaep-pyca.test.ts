// pyca/cryptography's RSA-OAEP known-answer vectors (pyca/oaep), against every Wasm build. They are
// decryption vectors (the SHA-2 files carry no seed; see the folder's README), so each case decrypts the
// given ciphertext with the given CRT key and must give the exact message:
// - oaep-vect.txt: RSA Laboratories' PKCS #1 v2.1 vectors, SHA-1/MGF1-SHA-1, 1024..1031, 1536 and 2048
//   bits (odd modulus lengths and p, q of unequal byte lengths included);
// - oaep-int.txt: the worked example with intermediate values (also the core's self-test);
// - oaep-sha*-sha*.txt: pyca's SHA-2 derivatives, OAEP and MGF1 hashes mixed;
// - oaep-label.txt: BoringSSL's case with a non-empty label and SHA-512 (PKCS#8 key).
// SHA-224 files are skipped by named reason (the core implements SHA-1/256/384/512) and counted.
import { describe, expect, it } from 'vitest';
import { loadAllBuilds } from '../helpers/cores.js';
import { asHash, parseEvpFile, parseHashHeaderFile, SUPPORTED, type PycaOaepCase } from '../helpers/pyca-oaep.js';
import { toHex } from '../helpers/vectors.js';

const builds = await loadAllBuilds();

const FILES = [
  'oaep-vect.txt', 'oaep-int.txt', 'oaep-sha1-sha256.txt', 'oaep-sha256-sha1.txt', 'oaep-sha256-sha256.txt',
  'oaep-sha384-sha384.txt', 'oaep-sha512-sha512.txt', 'oaep-sha224-sha224.txt',
];
const cases: PycaOaepCase[] = [...FILES.flatMap(parseHashHeaderFile), ...parseEvpFile('oaep-label.txt')];
const usable = cases.filter((c) => SUPPORTED.includes(c.hash) && SUPPORTED.includes(c.mgf1Hash));
const skipped = cases.length - usable.length;

describe('pyca RSA-OAEP known answers', () => {
  it('parses every file (70 cases per RSA-format file, 1 worked example, 1 labelled case)', () => {
    for (const f of FILES.filter((x) => x !== 'oaep-int.txt')) {
      expect(cases.filter((c) => c.file === f).length, f).toBe(60);
    }
    expect(cases.filter((c) => c.file === 'oaep-int.txt').length).toBe(1);
    expect(cases.filter((c) => c.file === 'oaep-label.txt').length).toBe(1);
    console.log(`pyca OAEP: ${usable.length} cases run on each build; ${skipped} skipped: unsupported hash SHA-224 (the core implements SHA-1/256/384/512)`);
    expect(skipped).toBe(60);
  });

  for (const build of builds) {
    it(`${build.name}: decrypts all ${usable.length} cases to the exact message`, () => {
      for (const c of usable) {
        const got = build.api.rsaOaepDecrypt(c.key, c.ct, { hash: asHash(c.hash), mgf1Hash: asHash(c.mgf1Hash), label: c.label });
        expect(toHex(got), c.name).toBe(toHex(c.msg));
      }
    });
  }
});
