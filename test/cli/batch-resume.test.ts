// `byok batch` resumes only outputs made from the key the manifest names now (issue 10, bug 1): each
// wrapped row's source key is recorded (SHA-256 of the public key for RSA/EC, the AES key check value),
// and an existing output is kept only when the record matches the key and the file.
import { createCipheriv, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, tempDir } from '../helpers/cli.js';
import { cliSetup, KID, type Fixtures } from './fixtures.js';

const MHSM_KID = 'https://contoso-hsm.managedhsm.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';

interface Row { name: string; status: string; publicKeySha256?: string; kcv?: string; error?: { code: string; message: string } }

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;
beforeAll(() => ({ tmp, fx } = cliSetup()));
afterAll(() => tmp.cleanup());

function rsaPem(): { pem: string; spkiSha256: string } {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    spkiSha256: createHash('sha256').update(k.publicKey.export({ type: 'spki', format: 'der' })).digest('hex'),
  };
}

/** The standard AES key check value: the first 3 bytes of AES-ECB(key, 0^128), by node:crypto. */
function kcv(key: Buffer): string {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).subarray(0, 3).toString('hex');
}

function batch(dir: string, extra: string[] = []): { code: number; rows: Row[] } {
  const r = byok(['batch', '--kek', fx.kekPub, '--kid', MHSM_KID, '--manifest', join(dir, 'keys.csv'), '--out-dir', join(dir, 'out'), '--json', ...extra]);
  const report = JSON.parse(readFileSync((JSON.parse(r.stdout) as { report: string }).report, 'utf8')) as { rows: Row[] };
  return { code: r.code, rows: report.rows };
}

function verify(dir: string, name: string, key: string): number {
  return byok(['verify', '--kek-key', fx.kekPriv, '--key', join(dir, key), join(dir, 'out', `${name}.byok`)]).code;
}

describe('byok batch: resume checks the source key', () => {
  it('a key regenerated in place, or a row pointed at another key file, is not "kept"', () => {
    const dir = tmp.path('resume-source');
    mkdirSync(dir);
    const rsa1 = rsaPem();
    const aes1 = randomBytes(32);
    writeFileSync(join(dir, 'rsa.pem'), rsa1.pem);
    writeFileSync(join(dir, 'aes.key'), aes1);
    writeFileSync(join(dir, 'ec.pem'), readFileSync(fx.ec));
    writeFileSync(join(dir, 'keys.csv'), 'name,key\nsigning,rsa.pem\nsecret,aes.key\nec,ec.pem\n');
    const first = batch(dir);
    expect(first.code).toBe(0);
    // the report names what each output was made from
    expect(first.rows.map((r) => [r.name, r.status])).toEqual([['signing', 'wrapped'], ['secret', 'wrapped'], ['ec', 'wrapped']]);
    expect(first.rows[0]!.publicKeySha256).toBe(rsa1.spkiSha256);
    expect(first.rows[1]!.kcv).toBe(kcv(aes1));

    // regenerate both keys in place (same sizes, so the blobs' lengths still fit), and point a row elsewhere
    const rsa2 = rsaPem();
    const aes2 = randomBytes(32);
    writeFileSync(join(dir, 'rsa.pem'), rsa2.pem);
    writeFileSync(join(dir, 'aes.key'), aes2);
    writeFileSync(join(dir, 'ec2.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }));
    writeFileSync(join(dir, 'keys.csv'), 'name,key\nsigning,rsa.pem\nsecret,aes.key\nec,ec2.pem\n');
    expect(verify(dir, 'signing', 'rsa.pem')).toBe(1); // the old output does not hold the new key
    const again = batch(dir);
    expect(again.code).toBe(1);
    for (const r of again.rows) {
      expect(r.status, r.name).toBe('failed');
      expect(r.error!.code).toBe('FILE_EXISTS');
      expect(r.error!.message).toMatch(/made from another key/);
      expect(r.error!.message).toMatch(/--force/);
    }
    const forced = batch(dir, ['--force']);
    expect(forced.code).toBe(0);
    expect(forced.rows[0]!.publicKeySha256).toBe(rsa2.spkiSha256);
    expect(forced.rows[1]!.kcv).toBe(kcv(aes2));
    expect(verify(dir, 'signing', 'rsa.pem')).toBe(0);
    expect(verify(dir, 'secret', 'aes.key')).toBe(0);
    expect(verify(dir, 'ec', 'ec2.pem')).toBe(0);
    // unchanged keys are kept on the next run
    const kept = batch(dir);
    expect(kept.code).toBe(0);
    expect(kept.rows.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(kept.rows[0]!.publicKeySha256).toBe(rsa2.spkiSha256);
  });

  it('an output the batch did not record (copied in, or edited since) is not kept', () => {
    const dir = tmp.path('resume-unrecorded');
    mkdirSync(join(dir, 'out'), { recursive: true });
    writeFileSync(join(dir, 'rsa.pem'), readFileSync(fx.rsa));
    writeFileSync(join(dir, 'keys.csv'), 'name,key\nsigning,rsa.pem\n');
    // the right key, wrapped by `byok wrap` for the same KEK: still not a record of this batch
    expect(byok(['wrap', '--kek', fx.kekPub, '--kid', MHSM_KID, '--key', join(dir, 'rsa.pem'), '--out', join(dir, 'out', 'signing.byok')]).code).toBe(0);
    const r = batch(dir);
    expect(r.code).toBe(1);
    expect(r.rows[0]!.error!.message).toMatch(/no record/);
    expect(batch(dir, ['--force']).code).toBe(0);
    // a recorded output replaced by another blob for the same key is refused too
    const recorded = readFileSync(join(dir, 'out', 'signing.byok'));
    expect(byok(['wrap', '--kek', fx.kekPub, '--kid', MHSM_KID, '--key', join(dir, 'rsa.pem'), '--out', join(dir, 'out', 'signing.byok'), '--force']).code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'signing.byok')).equals(recorded)).toBe(false);
    expect(batch(dir).rows[0]!.error!.message).toMatch(/changed since/);
  });

  it('a key of another KID is still refused (the existing checks stay)', () => {
    const dir = tmp.path('resume-kid');
    mkdirSync(dir);
    writeFileSync(join(dir, 'rsa.pem'), readFileSync(fx.rsa));
    writeFileSync(join(dir, 'keys.csv'), 'name,key\nsigning,rsa.pem\n');
    expect(batch(dir).code).toBe(0);
    const r = byok(['batch', '--kek', fx.kekPub, '--kid', KID, '--manifest', join(dir, 'keys.csv'), '--out-dir', join(dir, 'out'), '--json']);
    expect(r.code).toBe(1);
  });
});
