// `byok batch --for aws|gcp|oci|vault`: the manifest's kek and algorithm columns (AWS issues a wrapping key and
// token per KMS key), each output opened by the cloud's OpenSSL recipe to exactly its key, the ImportToken
// beside each AWS output, the check values in the report recomputed with node:crypto, and resume by the
// journal (per row: its wrapping key's fingerprint and its key's check value).
import { createCipheriv, createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { awsCliJson, vaultCliJson } from '../helpers/cloud-keks.js';
import { opensslPkcs8Der, opensslRecipeUnwrapWith, opensslUsable, type RecipeScheme } from '../helpers/openssl-recipe.js';
import { requireTool } from '../helpers/tools.js';

const HAVE_OPENSSL = requireTool('OpenSSL 3 CLI', opensslUsable(), 'apt-get install openssl');

let tmp: ReturnType<typeof tempDir>;
const keks: Record<string, { priv: string; bits: number; token?: Buffer; file: string }> = {};
const keys: Record<string, { file: string; canonical: Buffer; check: string }> = {};

function w(name: string, data: string | Uint8Array): string {
  const p = tmp.path(name);
  writeFileSync(p, data);
  return p;
}

function spkiSha256(k: KeyObject): string {
  return createHash('sha256').update(k.export({ type: 'spki', format: 'der' })).digest('hex');
}

beforeAll(() => {
  requireBuiltCli();
  tmp = tempDir('byok-batch-clouds-');
  for (const [name, bits] of [['aws', 3072], ['aws-row', 2048], ['vault', 4096]] as const) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    const priv = w(`${name}.key.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    if (name === 'vault') {
      keks[name] = { priv, bits, file: w('vault.json', vaultCliJson(publicKey)) };
    } else {
      const p = awsCliJson(publicKey);
      keks[name] = { priv, bits, token: p.importToken, file: w(`${name}.json`, p.json) };
    }
  }
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  for (const [name, k, type] of [['ec', ec, 'sec1'], ['rsa', rsa, 'pkcs1'], ['ed', ed, 'pkcs8']] as const) {
    const pem = k.export({ type: type as 'pkcs8', format: 'pem' }) as string;
    keys[name] = { file: w(`${name}.pem`, pem), canonical: opensslPkcs8Der(w(`${name}.p8.pem`, k.export({ type: 'pkcs8', format: 'pem' }) as string)), check: spkiSha256(createPublicKey(createPrivateKey(pem))) };
  }
  const hmac = randomBytes(48);
  // HMAC-SHA256(key, 32 zero bytes), first 3 bytes: the report's check value, computed here by node:crypto
  const hmacCheck = createHmac('sha256', hmac).update(Buffer.alloc(32)).digest('hex').slice(0, 6);
  keys['hmac'] = { file: w('hmac.b64', hmac.toString('base64')), canonical: hmac, check: hmacCheck };
  // A JWK with "alg" HS384 is an HMAC key without --key-type.
  keys['hmacJwk'] = { file: w('hmac.jwk', JSON.stringify({ kty: 'oct', alg: 'HS384', k: hmac.toString('base64url') })), canonical: hmac, check: hmacCheck };
  const aes = randomBytes(32);
  keys['aes'] = { file: w('aes.hex', aes.toString('hex')), canonical: aes, check: aesKcv(aes) };
}, 120_000);

afterAll(() => tmp?.cleanup());

/** The AES key check value: AES-ECB(key, 0^128), first 3 bytes. */
function aesKcv(key: Buffer): string {
  const c = createCipheriv('aes-256-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).subarray(0, 3).toString('hex');
}

interface Report {
  cloud: string;
  counts: { wrapped: number; skipped: number; failed: number };
  rows: { name: string; out: string; status: string; algorithm?: string; kekFingerprint?: string; importToken?: string; publicKeySha256?: string; kcv?: string; hmacKcv?: string; command?: string; error?: { code: string; message: string } }[];
}

function reportOf(dir: string, stdout: string): Report {
  const j = JSON.parse(stdout) as { report: string };
  expect(j.report.startsWith(dir)).toBe(true);
  return JSON.parse(readFileSync(j.report, 'utf8')) as Report;
}

const RECIPES: Record<string, RecipeScheme> = {
  RSA_AES_KEY_WRAP_SHA_256: { hash: 'sha256', aes: true },
  RSAES_OAEP_SHA_256: { hash: 'sha256', aes: false },
  RSAES_OAEP_SHA_1: { hash: 'sha1', aes: false },
};

describe.skipIf(!HAVE_OPENSSL)('byok batch --for aws: kek and algorithm columns, tokens, resume', () => {
  it('wraps every row for its own wrapping key and algorithm; a re-run keeps them; a changed key or wrapping key is refused', () => {
    const dir = tmp.path('aws-out');
    const manifest = w('aws.csv', [
      'name,key,kek,algorithm',
      `signing,${keys['ec']!.file},,`,
      `rsa-1,${keys['rsa']!.file},,`,
      `mac,hmac.jwk,aws-row.json,RSAES_OAEP_SHA_256`,
      `data,aes.hex,,RSAES_OAEP_SHA_1`,
    ].join('\n'));
    const args = ['batch', '--kek', keks['aws']!.file, '--algorithm', 'RSA_AES_KEY_WRAP_SHA_256', '--manifest', manifest, '--out-dir', dir, '--jobs', '2', '--json'];
    const r = byok(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rep = reportOf(dir, r.stdout);
    expect([rep.cloud, rep.counts]).toEqual(['aws', { ...rep.counts, wrapped: 4, skipped: 0, failed: 0 }]);
    const expectKek = { signing: 'aws', 'rsa-1': 'aws', mac: 'aws-row', data: 'aws' } as Record<string, string>;
    const expectKey = { signing: 'ec', 'rsa-1': 'rsa', mac: 'hmacJwk', data: 'aes' } as Record<string, string>;
    for (const row of rep.rows) {
      const k = keks[expectKek[row.name]!]!;
      const key = keys[expectKey[row.name]!]!;
      expect(row.out).toBe(join(dir, `${row.name}.aws.bin`));
      const opened = opensslRecipeUnwrapWith(tmp.dir, k.priv, k.bits, readFileSync(row.out), RECIPES[row.algorithm!]!);
      expect([row.name, opened.equals(key.canonical)]).toEqual([row.name, true]);
      expect(readFileSync(row.importToken!).equals(k.token!)).toBe(true);
      expect(row.publicKeySha256 ?? row.kcv ?? row.hmacKcv).toBe(key.check);
      expect(row.command).toContain(`fileb://${row.out}`);
    }
    expect(rep.rows.find((x) => x.name === 'mac')!.algorithm).toBe('RSAES_OAEP_SHA_256');
    expect(rep.rows.find((x) => x.name === 'data')!.algorithm).toBe('RSAES_OAEP_SHA_1');
    const plan = readdirSync(dir).find((f) => f.startsWith('byok-import-plan-'))!;
    const planText = readFileSync(join(dir, plan), 'utf8');
    expect(planText).toContain('--encrypted-key-material fileb://mac.aws.bin --import-token fileb://mac.aws.ImportToken.bin');
    expect(planText.match(/^aws kms import-key-material /gm)!.length).toBe(4);

    // Resume: the same run keeps every output, byte for byte.
    const before = Object.fromEntries(rep.rows.map((x) => [x.name, readFileSync(x.out)]));
    const again = byok(args);
    expect(again.code).toBe(0);
    expect(reportOf(dir, again.stdout).counts).toMatchObject({ wrapped: 0, skipped: 4, failed: 0 });
    for (const x of rep.rows) expect(readFileSync(x.out).equals(before[x.name]!)).toBe(true);

    // Another key in a row's file, another wrapping key in a row's kek column: those rows are refused.
    writeFileSync(keys['hmacJwk']!.file, JSON.stringify({ kty: 'oct', alg: 'HS384', k: randomBytes(48).toString('base64url') }));
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(`data,aes.hex,,`, 'data,aes.hex,aws-row.json,'));
    const changed = byok(args);
    expect(changed.code).toBe(1);
    const cr = reportOf(dir, changed.stdout);
    expect(cr.counts).toMatchObject({ skipped: 2, failed: 2 });
    expect(cr.rows.find((x) => x.name === 'mac')!.error!.message).toMatch(/made from another key/);
    expect(cr.rows.find((x) => x.name === 'data')!.error!.message).toMatch(/for another wrapping key/);
    // A missing ImportToken is not kept either.
    unlinkSync(join(dir, 'signing.aws.ImportToken.bin'));
    const noToken = reportOf(dir, byok(args).stdout).rows.find((x) => x.name === 'signing')!;
    expect(noToken.error!.message).toMatch(/ImportToken .* is missing/);
    // --force makes them all again.
    const forced = byok([...args, '--force']);
    expect(forced.code).toBe(0);
    expect(reportOf(dir, forced.stdout).counts).toMatchObject({ wrapped: 4, failed: 0 });
    // A crash between a row's two writes leaves its token without its material (the token goes first): the next
    // run keeps a token that is exactly the row's and writes the material; another file there is refused.
    unlinkSync(join(dir, 'signing.aws.bin'));
    unlinkSync(join(dir, 'rsa-1.aws.bin'));
    writeFileSync(join(dir, 'rsa-1.aws.ImportToken.bin'), 'not this row\'s token');
    const crashed = reportOf(dir, byok(args).stdout);
    expect(crashed.counts).toMatchObject({ wrapped: 1, skipped: 2, failed: 1 });
    expect(crashed.rows.find((x) => x.name === 'signing')!.status).toBe('wrapped');
    expect(readFileSync(join(dir, 'signing.aws.ImportToken.bin')).equals(keks['aws']!.token!)).toBe(true);
    expect(crashed.rows.find((x) => x.name === 'rsa-1')!.error!.message).toMatch(/holds another ImportToken/);
    expect(readdirSync(dir).includes('rsa-1.aws.bin')).toBe(false);
  }, 120_000);

  it('rows without a wrapping key fail alone; the kek column is refused for Azure, the kid column for the others', () => {
    const dir = tmp.path('aws-nokek');
    const manifest = w('nokek.csv', `name,key,kek,algorithm\nwith,ec.pem,aws-row.json,RSA_AES_KEY_WRAP_SHA_256\nwithout,ed.pem,,RSA_AES_KEY_WRAP_SHA_256\n`);
    const r = byok(['batch', '--for', 'aws', '--manifest', manifest, '--out-dir', dir, '--json']);
    expect(r.code).toBe(1);
    const rep = reportOf(dir, r.stdout);
    expect(rep.rows.map((x) => [x.name, x.status])).toEqual([['with', 'wrapped'], ['without', 'failed']]);
    expect(rep.rows[1]!.error!.message).toMatch(/no wrapping key: fill its kek column, or give --kek/);
    const azure = byok(['batch', '--kek', tmp.path('vault.json'), '--for', 'azure', '--manifest', manifest, '--out-dir', tmp.path('az')]);
    expect(azure.code).toBe(2); // the Vault JSON is refused for Azure before the manifest is read
    expect(azure.stderr).toMatch(/comes from HashiCorp Vault/);
    const azureKek = w('azure-kek.pem', createPublicKey(readFileSync(keks['aws']!.priv)).export({ type: 'spki', format: 'pem' }) as string);
    const kekForAzure = byok(['batch', '--kek', azureKek, '--kid', 'https://contoso.vault.azure.net/keys/K/0123456789abcdef0123456789abcdef', '--manifest', manifest, '--out-dir', tmp.path('az')]);
    expect(kekForAzure.code).toBe(2);
    expect(kekForAzure.stderr).toMatch(/fills the kek column, which is for batch --for aws\|gcp\|oci\|vault/);
    const kid = w('kid.csv', 'key,kid\nec.pem,https://contoso.vault.azure.net/keys/K/0123456789abcdef0123456789abcdef\n');
    const kidForVault = byok(['batch', '--kek', keks['vault']!.file, '--manifest', kid, '--out-dir', tmp.path('v')]);
    expect(kidForVault.code).toBe(2);
    expect(kidForVault.stderr).toMatch(/fills the kid column, which is for Azure/);
  }, 60_000);

  it('Vault, inferred from the --kek JSON, one thread: base64 outputs that open to the keys', () => {
    const dir = tmp.path('vault-out');
    mkdirSync(dir);
    const manifest = w('vault.csv', 'name,key\nsigner,ed.pem\nmac,hmac.b64\n');
    const r = byok(['batch', '--kek', keks['vault']!.file, '--key-type', 'hmac', '--manifest', manifest, '--out-dir', dir, '--jobs', '1', '--json']);
    expect(r.code).toBe(0);
    const rep = reportOf(dir, r.stdout);
    expect(rep.cloud).toBe('vault');
    for (const row of rep.rows) {
      const blob = Buffer.from(readFileSync(row.out, 'ascii'), 'base64');
      const opened = opensslRecipeUnwrapWith(tmp.dir, keks['vault']!.priv, 4096, blob, { hash: 'sha256', aes: true });
      const key = row.name === 'signer' ? keys['ed']! : { canonical: Buffer.from(readFileSync(keys['hmac']!.file, 'utf8'), 'base64') };
      expect([row.name, opened.equals(key.canonical)]).toEqual([row.name, true]);
      expect(row.command).toMatch(new RegExp(`^vault write transit/keys/${row.name}/import ciphertext=@\\S+ hash_function=SHA256 type=(ed25519|hmac)$`));
    }
  }, 60_000);
});
