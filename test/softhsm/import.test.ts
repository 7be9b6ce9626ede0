// Issue 4 proof, second part: a real PKCS#11 token as the importing HSM. SoftHSM generates the KEK itself
// (its private half is sensitive and never leaves the token); we wrap targets for its public key with
// wrapForAzure / `byok wrap`; the token unwraps them inside (CKM_RSA_PKCS_OAEP SHA-1 for the AES key, then
// CKM_AES_KEY_WRAP_PAD) and uses the imported key: signatures verify with the original public key
// (node:crypto), an AES block encrypted inside the token matches node:crypto's.
import { constants, createCipheriv, createHash, generateKeyPairSync, randomBytes, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKek } from '../../src/kek/index.js';
import { readTargetKey } from '../../src/keys/index.js';
import { readByok } from '../../src/transfer/read.js';
import { wrapForAzure } from '../../src/transfer/wrap.js';
import { byok, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { openSoftHsm, softHsmUsable, type SoftHsm, type SoftHsmKek, type TargetKind } from '../helpers/softhsm.js';
import { requireTool } from '../helpers/tools.js';
import { readVector } from '../helpers/vectors.js';

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const HAVE_SOFTHSM = requireTool('SoftHSM 2 (libsofthsm2 + softhsm2-util) with pkcs11js', softHsmUsable(), 'apt-get install softhsm2; npm ci builds pkcs11js');

interface Target {
  readonly name: string;
  readonly kind: TargetKind;
  readonly file: Uint8Array;       // what the user hands to byok (an on-prem export)
  readonly publicKey?: KeyObject;
  readonly aes?: Buffer;
  readonly hash?: string;          // ECDSA digest for the curve
}

function makeTargets(): Target[] {
  const out: Target[] = [];
  for (const bits of [2048, 3072, 4096]) {
    const k = generateKeyPairSync('rsa', { modulusLength: bits });
    out.push({ name: `RSA-${bits}`, kind: 'rsa', file: new TextEncoder().encode(k.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string), publicKey: k.publicKey });
  }
  for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384'], ['P-521', 'sha512'], ['secp256k1', 'sha256']] as const) {
    const k = generateKeyPairSync('ec', { namedCurve: curve });
    out.push({ name: `EC ${curve}`, kind: 'ec', file: new Uint8Array(k.privateKey.export({ type: 'sec1', format: 'der' })), publicKey: k.publicKey, hash });
  }
  for (const bits of [128, 192, 256]) {
    const key = randomBytes(bits / 8);
    out.push({ name: `AES-${bits}`, kind: 'oct', file: new Uint8Array(key), aes: key });
  }
  return out;
}

/** Uses the key imported into the token and checks the result against the original key with node:crypto. */
function useImportedKey(hsm: SoftHsm, handle: Buffer, t: Target): string[] {
  const done: string[] = [];
  const msg = randomBytes(100);
  if (t.kind === 'rsa') {
    expect(nodeVerify('sha256', msg, t.publicKey!, hsm.signRsa(handle, msg, false))).toBe(true);
    const pss = hsm.signRsa(handle, msg, true);
    expect(nodeVerify('sha256', msg, { key: t.publicKey!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);
    // and a signature over other data must not verify: the check can fail
    expect(nodeVerify('sha256', randomBytes(100), t.publicKey!, hsm.signRsa(handle, msg, false))).toBe(false);
    done.push('RSA PKCS#1 v1.5 SHA-256', 'RSA-PSS SHA-256');
  } else if (t.kind === 'ec') {
    const sig = hsm.signEcdsaDigest(handle, createHash(t.hash!).update(msg).digest());
    expect(nodeVerify(t.hash!, msg, { key: t.publicKey!, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    expect(nodeVerify(t.hash!, randomBytes(100), { key: t.publicKey!, dsaEncoding: 'ieee-p1363' }, sig)).toBe(false);
    done.push(`ECDSA ${t.hash}`);
  } else {
    const block = randomBytes(16);
    const c = createCipheriv(`aes-${t.aes!.length * 8}-ecb`, t.aes!, null).setAutoPadding(false);
    expect(hsm.encryptBlock(handle, block).equals(Buffer.concat([c.update(block), c.final()]))).toBe(true);
    done.push('AES-ECB block');
  }
  return done;
}

describe.skipIf(!HAVE_SOFTHSM)('SoftHSM as the importing HSM', () => {
  let hsm: SoftHsm;
  let keks: SoftHsmKek[];
  let targets: Target[];
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(() => {
    hsm = openSoftHsm();
    keks = [hsm.generateKek(2048), hsm.generateKek(4096)];
    targets = makeTargets();
    tmp = tempDir('byok-softhsm-');
  }, 120_000);
  afterAll(() => {
    hsm?.close();
    tmp?.cleanup();
  });

  it("first: SoftHSM's CKM_AES_KEY_WRAP_PAD (0x210A) is RFC 5649, on every NIST KWP AE vector", () => {
    // byok-formats §3.3: 0x210A means different things across vendors; trust it only after this.
    let accepted = 0;
    let total = 0;
    const skipped: Record<string, number> = {};
    for (const file of ['KWP_AE_128.txt', 'KWP_AE_192.txt', 'KWP_AE_256.txt']) {
      const text = readVector('pyca', 'keywrap', file).toString('utf8');
      const cases = [...text.matchAll(/K = ([0-9a-f]+)\s+P = ([0-9a-f]+)\s+C = ([0-9a-f]+)/g)];
      expect(cases.length).toBeGreaterThan(0);
      for (const [, k, p, c] of cases) {
        total++;
        const got = hsm.kwpUnwrapReadable(Buffer.from(k!, 'hex'), Buffer.from(c!, 'hex'));
        if (got === null) {
          // SoftHSM refuses to create a secret key object shorter than it allows; the wrap itself is
          // covered by the other vectors. Counted and named, never silent.
          const reason = `token refused a ${p!.length / 2}-byte secret object`;
          skipped[reason] = (skipped[reason] ?? 0) + 1;
          continue;
        }
        expect(got.toString('hex')).toBe(p);
        accepted++;
      }
    }
    const nSkipped = Object.values(skipped).reduce((a, b) => a + b, 0);
    console.log(`SoftHSM 0x210A vs NIST KWP AE vectors: ${accepted} of ${total} equal to the expected plaintext; skipped ${nSkipped}: ${JSON.stringify(skipped)}`);
    expect(accepted + nSkipped).toBe(total);
    expect(accepted).toBeGreaterThan(1000);
    // tampering must be refused (a positive control for the harness)
    const key = randomBytes(32);
    const wrapped = (() => {
      const c = createCipheriv('id-aes256-wrap-pad', key, Buffer.from('A65959A6', 'hex'));
      return Buffer.concat([c.update(randomBytes(40)), c.final()]);
    })();
    wrapped[5]! ^= 1;
    expect(hsm.kwpUnwrapReadable(key, wrapped)).toBeNull();
  });

  it('imports every target type wrapped by wrapForAzure for a KEK the token generated, and uses it', () => {
    const used: string[] = [];
    for (const kek of keks) {
      const k = readKek(kek.publicPem, { kid: KID });
      expect(k.bits).toBe(kek.bits);
      for (const t of targets) {
        const target = readTargetKey(t.file);
        const r = wrapForAzure(k, target);
        const parsed = readByok(r.bytes);
        const handle = hsm.importWrapped(kek, parsed.ciphertext, t.kind);
        used.push(...useImportedKey(hsm, handle, t).map((u) => `KEK ${kek.bits} / ${t.name}: ${u}`));
      }
    }
    console.log(`SoftHSM imported ${keks.length * targets.length} keys from our .byok files and used them:\n  ${used.join('\n  ')}`);
    expect(used.length).toBe(keks.length * (3 * 2 + 4 + 3));
  }, 120_000);

  it('imports a .byok written by the byok CLI', () => {
    requireBuiltCli();
    const kek = keks[0]!;
    writeFileSync(tmp.path('kek.pem'), kek.publicPem);
    for (const t of [targets[0]!, targets[3]!, targets[9]!]) {
      const keyFile = tmp.path(`key-${t.kind}`);
      writeFileSync(keyFile, t.file);
      const out = tmp.path(`cli-${t.kind}.byok`);
      const r = byok(['wrap', '--kek', tmp.path('kek.pem'), '--kid', KID, '--key', keyFile, '--out', out]);
      expect(r.code).toBe(0);
      const handle = hsm.importWrapped(kek, readByok(readFileSync(out)).ciphertext, t.kind);
      expect(useImportedKey(hsm, handle, t).length).toBeGreaterThan(0);
    }
  });

  it('refuses a tampered blob and a blob for another KEK (negative controls)', () => {
    const [kek2048, kek4096] = keks as [SoftHsmKek, SoftHsmKek];
    const t = targets[3]!;
    const ct = Buffer.from(readByok(wrapForAzure(readKek(kek2048.publicPem, { kid: KID }), readTargetKey(t.file)).bytes).ciphertext);
    for (const pos of [0, 100, 256, ct.length - 1]) {
      const bad = Buffer.from(ct);
      bad[pos]! ^= 0x80;
      expect(() => hsm.importWrapped(kek2048, bad, t.kind)).toThrow();
    }
    // a 2048-bit KEK's blob cannot open with another 2048-bit key: generate one more in the token
    const another = hsm.generateKek(2048);
    expect(() => hsm.importWrapped(another, ct, t.kind)).toThrow();
    void kek4096;
  });
});
