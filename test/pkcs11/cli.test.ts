// `byok` with --key pkcs11:… (wrap, verify, batch manifests) and `byok pkcs11 list`, run as users run it:
// the bundled executable in a child process, SoftHSM tokens made here (SOFTHSM2_CONF in its environment).
// Every refusal is exit 2 with one line and no file; the PIN is never in any output or report.
import { spawnSync } from 'node:child_process';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readByok } from '../../src/transfer/read.js';
import { byok, CLI, isOneLineError, requireBuiltCli, tempDir, type CliResult } from '../helpers/cli.js';
import { opensslUsable } from '../helpers/openssl-recipe.js';
import { createSoftHsmLab, softHsmUsable, type SoftHsm, type SoftHsmLab } from '../helpers/softhsm.js';
import { openBlob, opensslAesEcb } from '../helpers/token-blobs.js';
import { requireTool } from '../helpers/tools.js';

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const HAVE = requireTool('SoftHSM 2 with pkcs11js, and OpenSSL 3', softHsmUsable() && opensslUsable(), 'apt-get install softhsm2 openssl; npm ci builds pkcs11js');
const PIN = '1234';
const BATCH_AES = 96;

describe.skipIf(!HAVE)('byok with pkcs11: keys (SoftHSM)', () => {
  let lab: SoftHsmLab;
  let src: SoftHsm;
  let tmp: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let mod: string;
  const pinFile = (): string => tmp.path('pin');
  const kekPub = (): string => tmp.path('kek.pem');
  const kekPriv = (): string => tmp.path('kek-priv.pem');
  const uri = (object: string, q = `&pin-source=file:${pinFile()}`): string => `pkcs11:token=byok-src;object=${object}?${mod}${q}`;
  const run = (args: string[], extra: Record<string, string> = {}): CliResult => byok(args, { cwd: tmp.dir, env: { ...env, ...extra } });

  function errorCode(args: string[], extra: Record<string, string> = {}): { code: number; err: string; out: string; stderr: string } {
    const r = run([...args, '--json'], extra);
    const j = JSON.parse(r.stdout) as { error?: { code: string; message: string } };
    return { code: r.code, err: j.error?.code ?? 'OK', out: r.stdout, stderr: r.stderr };
  }

  beforeAll(() => {
    requireBuiltCli();
    lab = createSoftHsmLab(['byok-src', 'byok-recv']);
    src = lab.token('byok-src');
    tmp = tempDir('byok-p11-cli-');
    env = { SOFTHSM2_CONF: lab.conf };
    mod = `module-path=${lab.library}`;
    writeFileSync(pinFile(), `${PIN}\n`);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(kekPub(), publicKey.export({ type: 'spki', format: 'pem' }) as string);
    writeFileSync(kekPriv(), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    src.generateRsa('signing-2024', 2048, { id: Buffer.from([1]) });
    src.generateAes('aes-main', 256, { id: Buffer.from([2]) });
    src.generateAes('no-export', 256, { extractable: false });
    src.generateAes('trusted-only', 256, { wrapWithTrusted: true });
    src.generateAes('twice', 128);
    src.generateAes('twice', 128);
    src.generateDes3('des3');
    for (let i = 0; i < BATCH_AES; i++) src.generateAes(`batch-${i}`, [128, 192, 256][i % 3]!);
  }, 300_000);

  afterAll(() => {
    lab?.close();
    tmp?.cleanup();
  });

  it('byok pkcs11 list: tokens, then keys with their export attributes, the clouds, and a URI for each', () => {
    const r = run(['pkcs11', 'list', `pkcs11:token=byok-src?${mod}&pin-source=file:${pinFile()}`, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { tokens: { label: string; initialized: boolean }[]; token: { label: string }; loggedIn: boolean; keys: { label: string; keyType: string; bits: number; extractable: boolean; wrapWithTrusted: boolean; neverExtractable: boolean; wrappable: boolean; why?: string; clouds: string[]; uri: string }[] };
    expect(j.tokens.filter((t) => t.initialized).map((t) => t.label).sort()).toEqual(['byok-recv', 'byok-src']);
    expect(j.token.label).toBe('byok-src');
    expect(j.loggedIn).toBe(true);
    const byLabel = new Map(j.keys.map((k) => [k.label, k]));
    expect(byLabel.get('signing-2024')).toMatchObject({ keyType: 'RSA', bits: 2048, extractable: true, wrappable: true, clouds: ['azure', 'aws', 'gcp', 'oci', 'vault'] });
    expect(byLabel.get('no-export')).toMatchObject({ extractable: false, neverExtractable: true, wrappable: false, why: 'CKA_EXTRACTABLE is false' });
    expect(byLabel.get('trusted-only')).toMatchObject({ wrapWithTrusted: true, wrappable: false });
    expect(byLabel.get('des3')).toMatchObject({ keyType: 'DES3', wrappable: false, clouds: [] });
    expect(byLabel.get('batch-1')).toMatchObject({ bits: 192, clouds: ['azure', 'oci'] });
    // the listed URI names exactly that key (wrap accepts it as it is, with a PIN source added)
    const w = run(['wrap', '--kek', kekPub(), '--kid', KID, '--key', `${byLabel.get('aes-main')!.uri}&pin-source=file:${pinFile()}`, '--out', 'from-list.byok']);
    expect(w.code).toBe(0);
    // human form
    const h = run(['pkcs11', 'list', `pkcs11:token=byok-src?${mod}&pin-source=file:${pinFile()}`]);
    expect(h.stdout).toMatch(/"signing-2024"\s+RSA-2048 private key, id 01/);
    expect(h.stdout).toMatch(/wrap out\s+no \(CKA_EXTRACTABLE is false\)/);
  });

  it('byok pkcs11 list without a PIN and no terminal lists the tokens and says why private keys are missing', () => {
    const r = run(['pkcs11', 'list', `pkcs11:token=byok-src?${mod}`, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { loggedIn: boolean; keys: unknown[]; notes: string[] };
    expect(j.loggedIn).toBe(false);
    expect(j.keys).toEqual([]);
    expect(j.notes.join(' ')).toMatch(/not logged in/);
    const several = JSON.parse(run(['pkcs11', 'list', `pkcs11:?${mod}`, '--json']).stdout) as { keys?: unknown; notes: string[] };
    expect(several.keys).toBeUndefined();
    expect(several.notes.join(' ')).toMatch(/add token=LABEL/);
  });

  it('wraps an AES key inside the token: .byok mode 0600, OpenSSL opens it to the token\'s key; verify agrees', () => {
    const r = run(['wrap', '--kek', kekPub(), '--kid', KID, '--key', uri('aes-main'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { out: string; target: { kty: string; format: string }; warnings?: string[] };
    expect(j.out).toBe('aes-main.byok');
    expect(j.target).toMatchObject({ kty: 'oct-HSM', format: 'pkcs11' });
    // the Key Vault KEK's warning for AES (Managed HSM only), and nothing about the token's padding
    expect(j.warnings).toEqual([expect.stringMatching(/Key Vault does not import AES keys/)]);
    const file = tmp.path('aes-main.byok');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const opened = openBlob(tmp.dir, kekPriv(), 2048, readByok(readFileSync(file)).ciphertext, 'oct');
    const block = randomBytes(16);
    const handle = findHandle(src, 'aes-main');
    expect(opensslAesEcb(opened.material, block).equals(src.encryptBlock(handle, block))).toBe(true);
    const v = run(['verify', '--kek-key', kekPriv(), '--key', uri('aes-main'), file]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/opens to the token's AES-256 key "aes-main"/);
    const other = run(['verify', '--kek-key', kekPriv(), '--key', uri('batch-2'), file]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/different key/);
  });

  it('wrap --for aws with a token key: the AWS material (OpenSSL opens it to the token\'s key) and verify --for agrees; without --out named after its label', () => {
    const alg = 'RSAES_OAEP_SHA_1'; // AWS takes symmetric material by direct OAEP only
    const out = tmp.path('aes-main.aws.bin');
    const r = run(['wrap', '--for', 'aws', '--algorithm', alg, '--kek', kekPub(), '--key', uri('aes-main'), '--out', out, '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/aws kms import-key-material/);
    expect(r.stdout).not.toContain(PIN);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const opened = openBlob(tmp.dir, kekPriv(), 2048, readFileSync(out), 'oct', { hash: 'sha1', aes: false });
    const block = randomBytes(16);
    expect(opensslAesEcb(opened.material, block).equals(src.encryptBlock(findHandle(src, 'aes-main'), block))).toBe(true);
    const v = run(['verify', '--for', 'aws', '--algorithm', alg, '--kek-key', kekPriv(), '--key', uri('aes-main'), '--in', out]);
    expect([v.code, v.stderr]).toEqual([0, '']);
    expect(v.stdout).toMatch(/opens to the token's AES-256 key "aes-main"/);
    // without --out the output is named after the token key's label, in the current folder
    const named = run(['wrap', '--for', 'aws', '--algorithm', alg, '--kek', kekPub(), '--key', uri('batch-2'), '--json']);
    expect([named.code, named.stderr]).toEqual([0, '']);
    expect((JSON.parse(named.stdout) as { out: string }).out).toBe('batch-2.aws.bin');
    const opened2 = openBlob(tmp.dir, kekPriv(), 2048, readFileSync(tmp.path('batch-2.aws.bin')), 'oct', { hash: 'sha1', aes: false });
    expect(opensslAesEcb(opened2.material, block).equals(src.encryptBlock(findHandle(src, 'batch-2'), block))).toBe(true);
    // and it is not replaced without --force
    const again = errorCode(['wrap', '--for', 'aws', '--algorithm', alg, '--kek', kekPub(), '--key', uri('batch-2')]);
    expect([again.code, again.err]).toEqual([2, 'FILE_EXISTS']);
    // SoftHSM has OAEP with SHA-1 only: a SHA-256 format is refused naming the mechanism, nothing written
    const sha256 = errorCode(['wrap', '--for', 'aws', '--algorithm', 'RSAES_OAEP_SHA_256', '--kek', kekPub(), '--key', uri('aes-main'), '--out', tmp.path('no.aws.bin')]);
    expect([sha256.code, sha256.err]).toEqual([2, 'PKCS11_MECHANISM_MISSING']);
    expect(existsSync(tmp.path('no.aws.bin'))).toBe(false);
  });

  it('batch --for aws with pkcs11: rows beside a key file: each opens (OpenSSL) to its key, a re-run keeps them', () => {
    const dir = tmp.path('batch-for-aws');
    mkdirSync(dir, { recursive: true });
    const fileKey = randomBytes(32);
    writeFileSync(join(dir, 'file-key.bin'), fileKey);
    writeFileSync(join(dir, 'm.csv'), `name,key\nx,"${uri('aes-main')}"\ny,"${uri('batch-5')}"\nf,file-key.bin\n`);
    const args = ['batch', '--for', 'aws', '--algorithm', 'RSAES_OAEP_SHA_1', '--kek', kekPub(), '--manifest', join(dir, 'm.csv'), '-o', join(dir, 'out')];
    const r = run([...args, '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const j = JSON.parse(r.stdout) as { report: string; counts: Record<string, number> };
    expect(j.counts).toEqual({ total: 3, wrapped: 3, skipped: 0, failed: 0, notDone: 0 });
    expect(readFileSync(j.report, 'utf8')).not.toContain(PIN);
    const block = randomBytes(16);
    for (const [name, label] of [['x', 'aes-main'], ['y', 'batch-5']] as const) {
      const opened = openBlob(tmp.dir, kekPriv(), 2048, readFileSync(join(dir, 'out', `${name}.aws.bin`)), 'oct', { hash: 'sha1', aes: false });
      expect(opensslAesEcb(opened.material, block).equals(src.encryptBlock(findHandle(src, label), block))).toBe(true);
    }
    const f = openBlob(tmp.dir, kekPriv(), 2048, readFileSync(join(dir, 'out', 'f.aws.bin')), 'oct', { hash: 'sha1', aes: false });
    expect(Buffer.from(f.material).equals(fileKey)).toBe(true);
    // resume: the journal knows each output by its key's check value (computed in the token for x and y)
    const again = JSON.parse(run([...args, '--json']).stdout) as { counts: Record<string, number> };
    expect(again.counts).toMatchObject({ skipped: 3, wrapped: 0, failed: 0 });
    // a format SoftHSM cannot make (OAEP with SHA-256) fails those rows, naming the mechanism; the file row wraps
    const sha256 = JSON.parse(run([...args.slice(0, 4), 'RSAES_OAEP_SHA_256', ...args.slice(5, 9), '-o', join(dir, 'out256'), '--json']).stdout) as { counts: Record<string, number>; report: string };
    expect(sha256.counts).toMatchObject({ wrapped: 1, failed: 2 });
    expect(readFileSync(sha256.report, 'utf8')).toMatch(/PKCS11_MECHANISM_MISSING/);
    expect(existsSync(join(dir, 'out256', 'x.aws.bin'))).toBe(false);
  });

  it('an RSA key on SoftHSM < 2.7: refused by default (exit 2, no file), wrapped with --allow-zero-padded-kwp and a warning', () => {
    const r = run(['wrap', '--kek', kekPub(), '--kid', KID, '--key', uri('signing-2024'), '--out', 'rsa.byok']);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/zero-pads the key.*--allow-zero-padded-kwp/);
    expect(existsSync(tmp.path('rsa.byok'))).toBe(false);
    const ok = run(['wrap', '--kek', kekPub(), '--kid', KID, '--key', uri('signing-2024'), '--out', 'rsa.byok', '--allow-zero-padded-kwp']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/warning: the token zero-padded/);
    const v = run(['verify', '--kek-key', kekPriv(), '--key', uri('signing-2024'), 'rsa.byok']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/has the public key of the token's key/);
  });

  it('every refusal: exit 2, one line, its code, no file, and no PIN in any output', () => {
    const wrap = (key: string, extra: string[] = [], e: Record<string, string> = {}): ReturnType<typeof errorCode> =>
      errorCode(['wrap', '--kek', kekPub(), '--kid', KID, '--key', key, '--out', 'refused.byok', ...extra], e);
    const cases: [string, ReturnType<typeof errorCode>, string][] = [
      ['pin-value in the URI', wrap(`pkcs11:token=byok-src;object=aes-main?${mod}&pin-value=${PIN}`), 'PKCS11_PIN_VALUE_REFUSED'],
      ['wrong PIN', wrap(uri('aes-main', ''), [], { BYOK_PKCS11_PIN: '0000' }), 'PKCS11_PIN_INCORRECT'],
      ['no PIN, no terminal', wrap(uri('aes-main', '')), 'PKCS11_PIN_REQUIRED'],
      ['PIN file missing', wrap(uri('aes-main', `&pin-source=file:${tmp.path('nope')}`)), 'FILE_NOT_FOUND'],
      ['missing module', wrap(`pkcs11:token=byok-src;object=aes-main?module-path=${tmp.path('missing.so')}`), 'PKCS11_MODULE_NOT_FOUND'],
      ['no module named', wrap('pkcs11:token=byok-src;object=aes-main'), 'PKCS11_MODULE_NOT_FOUND'],
      ['not extractable', wrap(uri('no-export')), 'PKCS11_KEY_NOT_EXTRACTABLE'],
      ['wrap with trusted only', wrap(uri('trusted-only')), 'PKCS11_KEY_WRAP_WITH_TRUSTED'],
      ['matches twice', wrap(uri('twice')), 'PKCS11_OBJECT_AMBIGUOUS'],
      ['no such key', wrap(uri('nope')), 'PKCS11_OBJECT_NOT_FOUND'],
      ['DES3', wrap(uri('des3')), 'PKCS11_UNSUPPORTED_KEY'],
      ['no such token', wrap(`pkcs11:token=other;object=aes-main?${mod}&pin-source=file:${pinFile()}`), 'PKCS11_TOKEN_NOT_FOUND'],
      ['two tokens, none chosen', wrap(`pkcs11:object=aes-main?${mod}&pin-source=file:${pinFile()}`), 'PKCS11_TOKEN_AMBIGUOUS'],
      ['bad URI', wrap(`pkcs11:token=byok src;object=aes-main?${mod}`), 'PKCS11_URI_INVALID'],
      ['a file option next to a URI', wrap(uri('aes-main'), ['--password-file', pinFile()]), 'USAGE'],
    ];
    for (const [name, r, code] of cases) {
      expect([name, r.code, r.err]).toEqual([name, 2, code]);
      expect(r.out, name).not.toMatch(/\b1234\b/);
      expect(r.stderr, name).toBe('');
    }
    expect(existsSync(tmp.path('refused.byok'))).toBe(false);
    // and the same in human form: one line on stderr, no PIN
    const human = run(['wrap', '--kek', kekPub(), '--kid', KID, '--key', `pkcs11:token=byok-src;object=aes-main?${mod}&pin-value=${PIN}`]);
    expect(human.code).toBe(2);
    expect(isOneLineError(human.stderr)).toBe(true);
    expect(human.stderr + human.stdout).not.toContain(PIN);
    expect(human.stderr).toMatch(/pin-source=file:.*BYOK_PKCS11_PIN.*without echo/);
  });

  it('without the binding (an install where the optional pkcs11js did not build) a pkcs11: key is one clear error; key files still wrap', () => {
    const alone = tmp.path('alone');
    mkdirSync(alone);
    copyFileSync(CLI, join(alone, 'byok.mjs'));
    const r = spawnSync(process.execPath, [join(alone, 'byok.mjs'), 'wrap', '--kek', kekPub(), '--kid', KID, '--key', uri('aes-main'), '--out', join(alone, 'x.byok')], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^byok wrap: the PKCS#11 binding \(the optional dependency pkcs11js\) is not installed.*npm install pkcs11js@2\.1\.7/);
    expect(existsSync(join(alone, 'x.byok'))).toBe(false);
    writeFileSync(join(alone, 'aes.key'), randomBytes(32).toString('hex'));
    const f = spawnSync(process.execPath, [join(alone, 'byok.mjs'), 'wrap', '--kek', kekPub(), '--kid', KID, '--key', join(alone, 'aes.key')], { encoding: 'utf8' });
    expect(f.status).toBe(0);
  });

  it(`batch: ${BATCH_AES + 4} pkcs11: rows and one file row, all wrapped, reported without a PIN, resumed on a second run`, () => {
    const out = tmp.path('batch-out');
    const rows = ['name,key,password_file,kid'];
    for (let i = 0; i < BATCH_AES; i++) rows.push(`b${i},"${uri(`batch-${i}`)}",,`);
    for (let i = 0; i < 4; i++) rows.push(`rsa-${i},"${uri('signing-2024')}",,`);
    writeFileSync(tmp.path('file-key.hex'), randomBytes(32).toString('hex'));
    rows.push('a-file,file-key.hex,,');
    writeFileSync(tmp.path('m.csv'), rows.join('\n') + '\n');
    const args = ['batch', '--kek', kekPub(), '--kid', KID, '--manifest', tmp.path('m.csv'), '--out-dir', out, '--allow-zero-padded-kwp', '--jobs', '2'];
    const r = run([...args, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { report: string; counts: { total: number; wrapped: number; skipped: number; failed: number } };
    expect(j.counts).toEqual({ total: BATCH_AES + 5, wrapped: BATCH_AES + 5, skipped: 0, failed: 0, notDone: 0 });
    const report = readFileSync(j.report, 'utf8');
    expect(report).not.toMatch(/pin-value/);
    const parsed = JSON.parse(report) as { rows: { name: string; key: string; status: string; kty: string; bits: number }[] };
    expect(parsed.rows.map((x) => x.name)).toEqual([...Array.from({ length: BATCH_AES }, (_, i) => `b${i}`), 'rsa-0', 'rsa-1', 'rsa-2', 'rsa-3', 'a-file']);
    expect(parsed.rows[1]).toMatchObject({ key: uri('batch-1'), status: 'wrapped', kty: 'oct-HSM', bits: 192 });
    // every output is a .byok for this KEK; a sample opens to the token's key
    for (let i = 0; i < BATCH_AES; i++) expect(readByok(readFileSync(join(out, `b${i}.byok`))).ciphertext.length).toBe(256 + [24, 32, 40][i % 3]!);
    for (const i of [0, 1, 2, 95]) {
      const opened = openBlob(tmp.dir, kekPriv(), 2048, readByok(readFileSync(join(out, `b${i}.byok`))).ciphertext, 'oct');
      const block = randomBytes(16);
      expect(opensslAesEcb(opened.material, block).equals(src.encryptBlock(findHandle(src, `batch-${i}`), block))).toBe(true);
    }
    const again = JSON.parse(run([...args, '--json']).stdout) as { counts: { skipped: number; wrapped: number } };
    expect(again.counts).toMatchObject({ skipped: BATCH_AES + 5, wrapped: 0 });
    expect(readdirSync(out).filter((f) => f.endsWith('.byok'))).toHaveLength(BATCH_AES + 5);
  }, 300_000);

  it('batch: a manifest row with pin-value stops the run before anything is written, without the PIN in any output', () => {
    writeFileSync(tmp.path('bad.csv'), `name,key\nok,"${uri('aes-main')}"\nleak,"pkcs11:token=byok-src;object=aes-main?${mod}&pin-value=${PIN}"\n`);
    const r = run(['batch', '--kek', kekPub(), '--kid', KID, '--manifest', tmp.path('bad.csv'), '--out-dir', tmp.path('bad-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manifest row 3 has a key that is not a usable PKCS#11 URI: .*pin-value/);
    expect(r.stderr + r.stdout).not.toMatch(/pin-value=1234/);
    expect(existsSync(tmp.path('bad-out', 'ok.byok'))).toBe(false);
  });
});

function findHandle(t: SoftHsm, label: string): Buffer {
  const p = t.p11;
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === t.label)!;
  const s = p.C_OpenSession(slot, 4);
  try {
    p.C_FindObjectsInit(s, [{ type: 3, value: label }, { type: 0, value: 4 }]);
    const [h] = p.C_FindObjects(s, 2);
    p.C_FindObjectsFinal(s);
    return h!;
  } finally {
    p.C_CloseSession(s);
  }
}
