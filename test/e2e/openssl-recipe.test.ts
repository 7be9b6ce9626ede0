// Issue 4 proof, first part: our .byok files open with the OpenSSL CLI alone (pkeyutl -decrypt OAEP SHA-1,
// then enc -d -id-aes256-wrap-pad -iv A65959A6) to exactly the canonical input, and blobs made with that
// OpenSSL recipe open with `byok unwrap` — KEKs of 2048/3072/4096 bits × RSA 2048/3072/4096, EC P-256/
// P-384/P-521/secp256k1 and AES 128/192/256 targets, given to `byok wrap` in varied file formats.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTargetKey } from '../../src/keys/index.js';
import { byok, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { opensslPkcs8Der, opensslRecipeUnwrap, opensslRecipeWrap, opensslUsable } from '../helpers/openssl-recipe.js';
import { requireTool } from '../helpers/tools.js';

// A Managed HSM kid: it imports every target type here, AES included (Key Vault does not import AES keys).
const KID = 'https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const HAVE_OPENSSL = requireTool('OpenSSL 3 CLI', opensslUsable(), 'apt-get install openssl');

interface Target {
  readonly name: string;
  /** File given to `byok wrap`, in some on-prem format. */
  readonly file: string;
  /** The plaintext the OpenSSL recipe wraps: PKCS#8 DER (from `openssl pkcs8 -topk8`) or raw AES bytes. */
  readonly recipeInput: string;
  readonly publicKey?: KeyObject;
  readonly aes?: Buffer;
}

let tmp: ReturnType<typeof tempDir>;
const keks: { bits: number; pub: string; priv: string }[] = [];
const targets: Target[] = [];

beforeAll(() => {
  if (!HAVE_OPENSSL) return;
  requireBuiltCli();
  tmp = tempDir('byok-e2e-');
  const w = (name: string, data: string | Uint8Array): string => {
    writeFileSync(tmp.path(name), data);
    return tmp.path(name);
  };
  for (const bits of [2048, 3072, 4096]) {
    const k = generateKeyPairSync('rsa', { modulusLength: bits });
    keks.push({ bits, pub: w(`kek${bits}.pem`, k.publicKey.export({ type: 'spki', format: 'pem' }) as string), priv: w(`kek${bits}-private.pem`, k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string) });
  }
  const pem = (k: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1'): string => k.export({ type, format: 'pem' }) as string;
  const asym: [string, KeyObject, KeyObject, string, string | Uint8Array][] = [];
  const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
  const ec = (curve: string) => generateKeyPairSync('ec', { namedCurve: curve });
  { const k = rsa(2048); asym.push(['RSA-2048', k.privateKey, k.publicKey, 'rsa2048.pkcs1.pem', pem(k.privateKey, 'pkcs1')]); }
  { const k = rsa(3072); asym.push(['RSA-3072', k.privateKey, k.publicKey, 'rsa3072.p8.der', k.privateKey.export({ type: 'pkcs8', format: 'der' })]); }
  { const k = rsa(4096); asym.push(['RSA-4096', k.privateKey, k.publicKey, 'rsa4096.jwk', JSON.stringify(k.privateKey.export({ format: 'jwk' }))]); }
  { const k = ec('P-256'); asym.push(['EC P-256', k.privateKey, k.publicKey, 'p256.sec1.pem', pem(k.privateKey, 'sec1')]); }
  { const k = ec('P-384'); asym.push(['EC P-384', k.privateKey, k.publicKey, 'p384.p8.pem', pem(k.privateKey, 'pkcs8')]); }
  { const k = ec('P-521'); asym.push(['EC P-521', k.privateKey, k.publicKey, 'p521.jwk', JSON.stringify(k.privateKey.export({ format: 'jwk' }))]); }
  { const k = ec('secp256k1'); asym.push(['EC secp256k1', k.privateKey, k.publicKey, 'k1.sec1.der', k.privateKey.export({ type: 'sec1', format: 'der' })]); }
  for (const [name, priv, pub, file, data] of asym) {
    const pk8pem = w(`${file}.pkcs8.pem`, pem(priv, 'pkcs8'));
    const der = opensslPkcs8Der(pk8pem);
    targets.push({ name, file: w(file, data), recipeInput: w(`${file}.recipe.der`, der), publicKey: pub });
  }
  for (const [bits, enc] of [[128, 'binary'], [192, 'hex'], [256, 'base64']] as const) {
    const key = randomBytes(bits / 8);
    const text = enc === 'binary' ? key : enc === 'hex' ? key.toString('hex') + '\n' : key.toString('base64') + '\n';
    targets.push({ name: `AES-${bits}`, file: w(`aes${bits}.${enc}`, text), recipeInput: w(`aes${bits}.raw`, key), aes: key });
  }
}, 120_000);

afterAll(() => tmp?.cleanup());

describe.skipIf(!HAVE_OPENSSL)('our .byok files open with the OpenSSL CLI alone', () => {
  it('for every KEK size and target type, to exactly the canonical input', () => {
    let checked = 0;
    for (const kek of keks) {
      for (const t of targets) {
        const out = tmp.path(`ours-${kek.bits}-${t.name.replace(/\W/g, '')}.byok`);
        const r = byok(['wrap', '--kek', kek.pub, '--kid', KID, '--key', t.file, '--out', out]);
        expect([kek.bits, t.name, r.code, r.stderr]).toEqual([kek.bits, t.name, 0, '']);
        const ciphertext = Buffer.from((JSON.parse(readFileSync(out, 'utf8')) as { ciphertext: string }).ciphertext, 'base64url');
        const opened = opensslRecipeUnwrap(tmp.dir, kek.priv, kek.bits, ciphertext);
        // exactly the canonical input our intake produces for this file...
        const canonical = readTargetKey(new Uint8Array(readFileSync(t.file))).material;
        expect(opened.equals(Buffer.from(canonical))).toBe(true);
        // ...which is the original key, as OpenSSL (node:crypto) reads it
        if (t.aes) {
          expect(opened.equals(t.aes)).toBe(true);
        } else {
          const back = createPublicKey(createPrivateKey({ key: opened, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
          expect(back.equals(t.publicKey!.export({ type: 'spki', format: 'der' }))).toBe(true);
        }
        checked++;
      }
    }
    console.log(`OpenSSL CLI opened ${checked} .byok files made by byok wrap (3 KEK sizes × ${targets.length} targets)`);
    expect(checked).toBe(30);
  }, 300_000);
});

describe.skipIf(!HAVE_OPENSSL)('blobs made with the OpenSSL recipe open with byok unwrap', () => {
  it('for every KEK size and target type, to exactly the recipe input', () => {
    let checked = 0;
    for (const kek of keks) {
      for (const t of targets) {
        const blob = opensslRecipeWrap(tmp.dir, kek.pub, t.recipeInput);
        expect(blob.length).toBe(kek.bits / 8 + 8 * Math.ceil(readFileSync(t.recipeInput).length / 8) + 8);
        // the .byok JSON, written without our code (padded base64url for half of them: both must be read)
        const b64 = checked % 2 === 0 ? blob.toString('base64url') : blob.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
        const file = tmp.path(`recipe-${kek.bits}-${t.name.replace(/\W/g, '')}.byok`);
        writeFileSync(file, JSON.stringify({ schema_version: '1.0.0', header: { kid: KID, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' }, ciphertext: b64, generator: 'openssl recipe' }, null, 2));
        const out = `${file}.out`;
        const r = byok(['unwrap', '--kek-key', kek.priv, '--in', file, '--out', out]);
        expect([kek.bits, t.name, r.code, r.stderr]).toEqual([kek.bits, t.name, 0, '']);
        expect(readFileSync(out).equals(readFileSync(t.recipeInput))).toBe(true);
        checked++;
      }
    }
    console.log(`byok unwrap opened ${checked} blobs made by the OpenSSL CLI recipe (3 KEK sizes × ${targets.length} targets)`);
    expect(checked).toBe(30);
  }, 300_000);
});
