// `byok wrap|unwrap|verify|kek --for aws|gcp|oci|vault` as users run it: the files each cloud takes, opened by
// the cloud's published OpenSSL recipe run backwards (an implementation that is not ours) to exactly the
// canonical key; the recipe's own blobs opened by `byok unwrap --for`; the cloud inferred from its JSON; and
// every refusal of issue 12 — exit 2, one line, no file. Wrapping keys are the files each cloud's CLI prints
// (test/helpers/cloud-keks.ts); the recipes are test/helpers/openssl-recipe.ts, as in clouds-recipes.test.ts.
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byok, isOneLineError, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { AWS_KEY_ARN, awsCliJson, gcloudImportJobJson, GCP_JOB, ociCliJson, vaultCliJson } from '../helpers/cloud-keks.js';
import { opensslPkcs8Der, opensslRecipeUnwrapWith, opensslRecipeWrapWith, opensslUsable, type RecipeScheme } from '../helpers/openssl-recipe.js';
import { requireTool } from '../helpers/tools.js';

const HAVE_OPENSSL = requireTool('OpenSSL 3 CLI', opensslUsable(), 'apt-get install openssl');

let tmp: ReturnType<typeof tempDir>;
const kek: Record<number, { pub: KeyObject; privPem: string; pubPem: string; pubDer: string }> = {};
/** Key files as users have them, and their canonical forms made by OpenSSL (or the raw bytes). */
const key: Record<string, { file: string; canonical: Buffer }> = {};
/** Wrapping-key files as each cloud's CLI prints them. */
const kekFile: Record<string, string> = {};
let awsToken: Buffer;

function w(name: string, data: string | Uint8Array): string {
  const p = tmp.path(name);
  writeFileSync(p, data);
  return p;
}

beforeAll(() => {
  requireBuiltCli();
  tmp = tempDir('byok-clouds-cli-');
  for (const bits of [2048, 3072, 4096]) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    kek[bits] = {
      pub: publicKey,
      privPem: w(`kek${bits}.key.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      pubPem: w(`kek${bits}.pem`, publicKey.export({ type: 'spki', format: 'pem' }) as string),
      pubDer: w(`kek${bits}.der`, publicKey.export({ type: 'spki', format: 'der' })),
    };
  }
  const aws = awsCliJson(kek[3072]!.pub, { format: 'v2', offsetMinutes: -420 });
  awsToken = aws.importToken;
  kekFile['aws'] = w('aws-params.json', aws.json);
  kekFile['aws2048'] = w('aws-params-2048.json', awsCliJson(kek[2048]!.pub).json);
  kekFile['gcp'] = w('gcp-job.json', gcloudImportJobJson(kek[3072]!.pub, { method: 'RSA_OAEP_3072_SHA256_AES_256' }));
  kekFile['gcpDirect'] = w('gcp-job-direct.json', gcloudImportJobJson(kek[3072]!.pub, { method: 'RSA_OAEP_3072_SHA256' }));
  kekFile['gcpMismatch'] = w('gcp-job-mismatch.json', gcloudImportJobJson(kek[3072]!.pub, { method: 'RSA_OAEP_4096_SHA256_AES_256' }));
  kekFile['oci'] = w('oci-wrapping-key.json', ociCliJson(kek[2048]!.pub));
  kekFile['vault'] = w('vault-wrapping-key.json', vaultCliJson(kek[4096]!.pub));

  const pem = (k: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1'): string => k.export({ type, format: 'pem' }) as string;
  const asym = (name: string, k: KeyObject, file: string, data: string): void => {
    key[name] = { file: w(file, data), canonical: opensslPkcs8Der(w(`${file}.p8.pem`, pem(k, 'pkcs8'))) };
  };
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  asym('rsa', rsa, 'rsa.pem', pem(rsa, 'pkcs1'));
  for (const curve of ['P-256', 'P-521', 'secp256k1']) {
    const k = generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
    asym(curve, k, `${curve}.pem`, pem(k, 'sec1'));
  }
  const ed = generateKeyPairSync('ed25519').privateKey;
  asym('ed25519', ed, 'ed25519.jwk', JSON.stringify(ed.export({ format: 'jwk' })));
  for (const [name, n] of [['aes256', 32], ['aes192', 24]] as const) {
    const k = randomBytes(n);
    key[name] = { file: w(`${name}.hex`, `${k.toString('hex')}\n`), canonical: k };
  }
  for (const n of [20, 32, 48]) {
    const k = randomBytes(n);
    key[`hmac${n}`] = { file: w(`hmac${n}.b64`, k.toString('base64')), canonical: k };
  }
}, 120_000);

afterAll(() => tmp?.cleanup());

/** The blob inside each cloud's file: AWS and Google binary, OCI's JSON keyMaterial, Vault's base64 text. */
function blobOf(cloud: string, file: Buffer): Buffer {
  if (cloud === 'oci') return Buffer.from((JSON.parse(file.toString('utf8')) as { keyMaterial: string }).keyMaterial, 'base64');
  if (cloud === 'vault') {
    const text = file.toString('ascii');
    expect(text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/); // standard padded base64, one line (Vault's StdEncoding)
    expect(text.length % 4).toBe(0);
    return Buffer.from(text, 'base64');
  }
  return file;
}

interface HappyCase {
  readonly cloud: 'aws' | 'gcp' | 'oci' | 'vault';
  readonly kek: string;
  readonly kekBits: number;
  readonly key: string;
  readonly args: readonly string[];
  readonly recipe: RecipeScheme;
  /** What the printed import command must say (the cloud's own spelling of the target). */
  readonly command: RegExp;
  /** Left out: the cloud is inferred from the JSON. */
  readonly inferred?: boolean;
}

const HAPPY: readonly HappyCase[] = [
  { cloud: 'aws', kek: 'aws', kekBits: 3072, key: 'P-256', args: ['--algorithm', 'RSA_AES_KEY_WRAP_SHA_256'], recipe: { hash: 'sha256', aes: true, derKey: true }, command: /^aws kms import-key-material --key-id \S+ --encrypted-key-material fileb:\/\/\S+ --import-token fileb:\/\/\S+ImportToken\.bin --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE$/ },
  { cloud: 'aws', kek: 'aws', kekBits: 3072, key: 'hmac32', args: ['--algorithm', 'RSAES_OAEP_SHA_1', '--key-type', 'hmac'], recipe: { hash: 'sha1', aes: false, derKey: true }, command: /^aws kms import-key-material / },
  { cloud: 'gcp', kek: 'gcp', kekBits: 3072, key: 'rsa', args: ['--name', 'signer', '--key-algorithm', 'RSA_SIGN_PSS_2048_SHA256'], recipe: { hash: 'sha256', aes: true }, command: /^gcloud kms keys versions import --import-job byok-job-1 --location us-east1 --keyring byok-ring --key signer --algorithm rsa-sign-pss-2048-sha256 --wrapped-key-file \S+ --project contoso-prod$/, inferred: true },
  { cloud: 'gcp', kek: 'gcpDirect', kekBits: 3072, key: 'hmac48', args: ['--key-type', 'hmac'], recipe: { hash: 'sha256', aes: false }, command: /--algorithm hmac-sha384 / },
  { cloud: 'oci', kek: 'oci', kekBits: 2048, key: 'aes256', args: [], recipe: { hash: 'sha256', aes: true, mgf1Flag: false }, command: /^oci kms management key import --compartment-id ocid1\.compartment\.\S+ --display-name '<key-name>' --key-shape '\{"algorithm":"AES","length":32\}' --wrapped-import-key file:\/\/\S+ --protection-mode HSM --endpoint '<vault-management-endpoint>'$/, inferred: true },
  { cloud: 'oci', kek: 'oci', kekBits: 2048, key: 'aes256', args: ['--algorithm', 'RSA_OAEP_SHA256'], recipe: { hash: 'sha256', aes: false, mgf1Flag: false }, command: /^oci kms management key import / },
  { cloud: 'vault', kek: 'vault', kekBits: 4096, key: 'ed25519', args: ['--name', 'signer'], recipe: { hash: 'sha256', aes: true }, command: /^vault write transit\/keys\/signer\/import ciphertext=@\S+ hash_function=SHA256 type=ed25519$/, inferred: true },
  { cloud: 'vault', kek: 'vault', kekBits: 4096, key: 'P-521', args: ['--algorithm', 'SHA512'], recipe: { hash: 'sha512', aes: true }, command: /hash_function=SHA512 type=ecdsa-p521$/ },
];

describe.skipIf(!HAVE_OPENSSL)('byok wrap --for: the file each cloud takes opens with its OpenSSL recipe to exactly the key', () => {
  it.each(HAPPY.map((c, i) => [`${c.cloud} ${c.key} ${c.args.join(' ')}`, i] as const))('%s', (_, i) => {
    const c = HAPPY[i]!;
    const dir = tmp.path(`happy-${i}`);
    const work = tmp.path(`recipe-${i}`); // the recipe's scratch files
    mkdirSync(dir);
    mkdirSync(work);
    const out = join(dir, `wrapped-${c.cloud}`);
    const r = byok(['wrap', ...(c.inferred === true ? [] : ['--for', c.cloud]), '--kek', kekFile[c.kek]!, '--key', key[c.key]!.file, '--out', out, '--json', ...c.args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: boolean; cloud: string; out: string; bytes: number; command: string; importToken: string | null; kek: { fingerprint: string; bits: number } };
    expect([j.ok, j.cloud, j.out, j.kek.bits]).toEqual([true, c.cloud, out, c.kekBits]);
    expect(j.command).toMatch(c.command);
    expect(j.command).toContain(out);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const file = readFileSync(out);
    expect(j.bytes).toBe(file.length);
    // The recipe run backwards with the test wrapping key's private half: exactly the canonical key.
    const opened = opensslRecipeUnwrapWith(work, kek[c.kekBits]!.privPem, c.kekBits, blobOf(c.cloud, file), c.recipe);
    expect(opened.equals(key[c.key]!.canonical)).toBe(true);
    if (c.cloud === 'aws') {
      // The ImportToken of the JSON, as the binary file the command names (fileb://), byte for byte.
      expect(j.importToken).toBe(join(dir, `wrapped-${c.cloud}.ImportToken.bin`));
      expect(readFileSync(j.importToken!).equals(awsToken)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual([`wrapped-${c.cloud}`, `wrapped-${c.cloud}.ImportToken.bin`]);
    } else {
      expect(readdirSync(dir)).toEqual([`wrapped-${c.cloud}`]);
    }
    // The recipe's own blob, opened by byok unwrap --for: exactly what the recipe wrapped.
    const pubKey = c.recipe.derKey === true ? kek[c.kekBits]!.pubDer : kek[c.kekBits]!.pubPem;
    const theirs = opensslRecipeWrapWith(work, pubKey, w(`canonical-${i}`, key[c.key]!.canonical), c.recipe);
    const algorithm = c.args.includes('--algorithm') ? ['--algorithm', c.args[c.args.indexOf('--algorithm') + 1]!] : [];
    const theirFile = c.cloud === 'oci'
      ? JSON.stringify({ keyMaterial: theirs.toString('base64'), wrappingAlgorithm: c.args.includes('RSA_OAEP_SHA256') ? 'RSA_OAEP_SHA256' : 'RSA_OAEP_AES_SHA256' })
      : c.cloud === 'vault' ? `${theirs.toString('base64')}\n` : theirs;
    const gcpMethod = c.cloud === 'gcp' ? ['--algorithm', c.recipe.aes ? 'RSA_OAEP_3072_SHA256_AES_256' : 'RSA_OAEP_3072_SHA256'] : [];
    const back = join(work, 'back.bin');
    const u = byok(['unwrap', '--for', c.cloud, '--kek-key', kek[c.kekBits]!.privPem, '--in', w(`theirs-${i}`, theirFile), '--out', back, ...algorithm, ...gcpMethod]);
    expect(u.stderr).toBe('');
    expect(u.code).toBe(0);
    expect(readFileSync(back).equals(key[c.key]!.canonical)).toBe(true);
    // And byok verify --for says our file holds exactly that key.
    const keyType = c.args.includes('hmac') ? ['--key-type', 'hmac'] : [];
    const v = byok(['verify', '--for', c.cloud, '--kek-key', kek[c.kekBits]!.privPem, '--key', key[c.key]!.file, '--in', out, ...algorithm, ...gcpMethod, ...keyType]);
    expect([v.code, v.stdout]).toEqual([0, expect.stringMatching(/^OK: .* opens to exactly /)]);
  });

  it('prints the fingerprint, the import command and the AWS token file in text too; a bare PublicKey.bin names the token placeholder', () => {
    const dir = tmp.path('text');
    mkdirSync(dir);
    const r = byok(['wrap', '--kek', kekFile['aws']!, '--key', key['P-256']!.file, '--algorithm', 'RSA_AES_KEY_WRAP_SHA_256', '--out', join(dir, 'm.bin')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Destination +AWS KMS, RSA_AES_KEY_WRAP_SHA_256$/m);
    expect(r.stdout).toContain(AWS_KEY_ARN);
    expect(r.stdout).toMatch(/^Import as +ECC_NIST_P256$/m);
    expect(r.stdout).toContain(`${join(dir, 'm.ImportToken.bin')} (the ImportToken, ${awsToken.length} bytes)`);
    const bare = byok(['wrap', '--for', 'aws', '--kek', kek[3072]!.pubDer, '--key', key['P-256']!.file, '--algorithm', 'RSA_AES_KEY_WRAP_SHA_256', '--out', join(dir, 'bare.bin')]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain("--key-id '<key-id>'");
    expect(bare.stderr).toMatch(/^byok wrap: warning: the wrapping key came without its ImportToken/);
    expect(readdirSync(dir).sort()).toEqual(['bare.bin', 'm.ImportToken.bin', 'm.bin']);
  });

  it('--out - writes the file to stdout (Vault); the default output is beside the key with the cloud\'s extension', () => {
    const r = byok(['wrap', '--kek', kekFile['vault']!, '--key', key['aes256']!.file, '--out', '-']);
    expect(r.code).toBe(0);
    const opened = opensslRecipeUnwrapWith(tmp.dir, kek[4096]!.privPem, 4096, blobOf('vault', r.stdoutBytes), { hash: 'sha256', aes: true });
    expect(opened.equals(key['aes256']!.canonical)).toBe(true);
    expect(r.stderr).toMatch(/^Destination +HashiCorp Vault/m); // the human text moved to stderr
    const dir = tmp.path('default-out');
    mkdirSync(dir);
    const k = join(dir, 'payments.hex');
    writeFileSync(k, readFileSync(key['aes256']!.file));
    expect(byok(['wrap', '--kek', kekFile['oci']!, '--key', k]).code).toBe(0);
    expect(byok(['wrap', '--kek', kekFile['gcp']!, '--key', k]).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['payments.gcp.bin', 'payments.hex', 'payments.oci.json']);
  });

  it('never overwrites without --force; AWS checks both of its files before writing either', () => {
    const dir = tmp.path('exists');
    mkdirSync(dir);
    const token = join(dir, 'm.ImportToken.bin');
    writeFileSync(token, 'keep');
    const args = ['wrap', '--kek', kekFile['aws']!, '--key', key['P-256']!.file, '--algorithm', 'RSAES_OAEP_SHA_256', '--out', join(dir, 'm.bin')];
    const r = byok(args);
    expect([r.code, isOneLineError(r.stderr)]).toEqual([2, true]);
    expect(r.stderr).toContain('already exists');
    expect(readdirSync(dir)).toEqual(['m.ImportToken.bin']);
    expect(readFileSync(token, 'utf8')).toBe('keep');
    expect(byok([...args, '--force']).code).toBe(0);
    expect(readFileSync(token).equals(awsToken)).toBe(true);
  });
});

describe.skipIf(!HAVE_OPENSSL)('byok unwrap --for: a rehearsal that fails', () => {
  it('the wrong algorithm or the wrong test key: exit 1, one line, no file; a file of the wrong shape: exit 2', () => {
    const dir = tmp.path('unwrap-fail');
    mkdirSync(dir);
    const wrapped = join(dir, 'm.bin');
    expect(byok(['wrap', '--kek', kekFile['gcp']!, '--key', key['P-256']!.file, '--out', wrapped]).code).toBe(0);
    const base = ['unwrap', '--for', 'gcp', '--in', wrapped, '--out', join(dir, 'back.der')];
    for (const [kekKey, alg] of [[kek[3072]!.privPem, 'RSA_OAEP_3072_SHA1_AES_256'], [w('other3072.pem', generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), 'RSA_OAEP_3072_SHA256_AES_256']] as const) {
      const r = byok([...base, '--kek-key', kekKey, '--algorithm', alg]);
      expect([alg, r.code, isOneLineError(r.stderr)]).toEqual([alg, 1, true]);
      expect(r.stderr).toMatch(/does not open with this wrapping private key and algorithm/);
    }
    // A direct method's blob is exactly k bytes: this one cannot be one (WRAPPED_KEY_MALFORMED, bad input).
    const shape = byok([...base, '--kek-key', kek[3072]!.privPem, '--algorithm', 'RSA_OAEP_3072_SHA256']);
    expect([shape.code, isOneLineError(shape.stderr)]).toEqual([2, true]);
    expect(readdirSync(dir)).toEqual(['m.bin']);
  });
});

describe('byok kek --for: size, fingerprint, validity, algorithms', () => {
  it('AWS JSON: inferred, the ARN, ParametersValidTo, the token size and the four algorithms', () => {
    const r = byok(['kek', kekFile['aws']!, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j['cloud']).toBe('aws');
    expect(j['bits']).toBe(3072);
    expect(j['id']).toBe(AWS_KEY_ARN);
    expect(typeof j['expiresAt']).toBe('string');
    expect(j['algorithms']).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256']);
    const spki = kek[3072]!.pub.export({ type: 'spki', format: 'der' });
    expect((j['fingerprint'] as { sha256Hex: string }).sha256Hex).toBe(createHash('sha256').update(spki).digest('hex'));
  });

  it('a Google job past its expireTime warns (exit 0); a bare PEM lists the methods of its size', () => {
    const past = w('gcp-old.json', gcloudImportJobJson(kek[3072]!.pub, { method: 'RSA_OAEP_3072_SHA1_AES_256', expireTime: new Date(Date.now() - 3600_000) }));
    const r = byok(['kek', past]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^byok kek: warning: the import job expired at /);
    expect(r.stdout).toContain(GCP_JOB);
    expect(r.stdout).toMatch(/^algorithms +RSA_OAEP_3072_SHA1_AES_256$/m);
    const bare = JSON.parse(byok(['kek', kek[4096]!.pubPem, '--for', 'gcp', '--json']).stdout) as { algorithms: string[] };
    expect(bare.algorithms).toEqual(['RSA_OAEP_4096_SHA1_AES_256', 'RSA_OAEP_4096_SHA256_AES_256', 'RSA_OAEP_4096_SHA256']);
    const v = byok(['kek', kek[2048]!.pubPem, '--for', 'vault']);
    expect(v.code).toBe(1); // Vault's wrapping key is RSA-4096
    expect(v.stdout).toMatch(/would NOT take this wrapping key: .*RSA-4096/);
  });
});

/** Every refusal of issue 12: [label, wrap arguments, code]. Codes from the list, not from src/. */
function refusals(): [string, string[], string][] {
  const wrap = (cloud: string | undefined, kekName: string, keyName: string, ...more: string[]): string[] =>
    ['wrap', ...(cloud === undefined ? [] : ['--for', cloud]), '--kek', kekFile[kekName] ?? kekName, '--key', key[keyName]?.file ?? keyName, ...more];
  const vaultPriv = w('vault-private.json', JSON.stringify({ request_id: 'r', data: { public_key: readFileSync(kek[4096]!.privPem, 'utf8') }, mount_type: 'transit' }, null, 2));
  const aws = JSON.parse(readFileSync(kekFile['aws']!, 'utf8')) as Record<string, unknown>;
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
  return [
    ['AWS RSAES_OAEP_* with an RSA private key', wrap('aws', 'aws', 'rsa', '--algorithm', 'RSAES_OAEP_SHA_256'), 'UNSUPPORTED_ALGORITHM'],
    ['GCP RSA_OAEP_3072_SHA256 (direct) with an RSA private key', wrap(undefined, 'gcpDirect', 'rsa'), 'UNSUPPORTED_ALGORITHM'],
    ['OCI RSA_OAEP_SHA256 with an RSA private key', wrap('oci', 'oci', 'rsa', '--algorithm', 'RSA_OAEP_SHA256'), 'UNSUPPORTED_ALGORITHM'],
    ['P-521 PKCS#8 too long for RSAES_OAEP_SHA_256 under RSA-2048', wrap('aws', 'aws2048', 'P-521', '--algorithm', 'RSAES_OAEP_SHA_256'), 'TARGET_TOO_LONG'],
    ['EC for OCI', wrap('oci', 'oci', 'P-256'), 'UNSUPPORTED_KEY_TYPE'],
    ['Ed25519 for OCI', wrap('oci', 'oci', 'ed25519'), 'UNSUPPORTED_KEY_TYPE'],
    ['Ed25519 for Azure', ['wrap', '--kek', kek[2048]!.pubPem, '--kid', 'https://contoso.vault.azure.net/keys/KEK/0123456789abcdef0123456789abcdef', '--key', key['ed25519']!.file, '--out', tmp.path('refused', 'x')], 'UNSUPPORTED_KEY_TYPE'],
    ['secp256k1 for Vault', wrap('vault', 'vault', 'secp256k1'), 'UNSUPPORTED_CURVE'],
    ['AES-192 for AWS', wrap('aws', 'aws', 'aes192', '--algorithm', 'RSAES_OAEP_SHA_256'), 'UNSUPPORTED_TARGET_SIZE'],
    ['HMAC of 20 bytes for AWS', wrap('aws', 'aws', 'hmac20', '--algorithm', 'RSAES_OAEP_SHA_256', '--key-type', 'hmac'), 'UNSUPPORTED_TARGET_SIZE'],
    ['HMAC of 20 bytes for Vault', wrap('vault', 'vault', 'hmac20', '--key-type', 'hmac'), 'UNSUPPORTED_TARGET_SIZE'],
    ['a GCP job whose modulus does not match its method', wrap('gcp', 'gcpMismatch', 'P-256'), 'KEK_UNSUPPORTED_SIZE'],
    ['a method other than the job\'s', wrap('gcp', 'gcp', 'P-256', '--algorithm', 'RSA_OAEP_3072_SHA1_AES_256'), 'ALGORITHM_MISMATCH'],
    ['a Google job in state EXPIRED', wrap(undefined, w('gcp-expired.json', gcloudImportJobJson(kek[3072]!.pub, { method: 'RSA_OAEP_3072_SHA256_AES_256', state: 'EXPIRED', expireTime: new Date(Date.now() - 3600_000) })), 'P-256'), 'KEK_EXPIRED'],
    ['AWS without --algorithm', wrap('aws', 'aws', 'P-256'), 'ALGORITHM_REQUIRED'],
    ['an unknown AWS algorithm', wrap('aws', 'aws', 'P-256', '--algorithm', 'RSA_AES_KEY_WRAP_SHA_384'), 'UNSUPPORTED_ALGORITHM'],
    ['Vault JSON with --for aws', wrap('aws', 'vault', 'P-256', '--algorithm', 'RSAES_OAEP_SHA_256'), 'KEK_WRONG_CLOUD'],
    ['AWS JSON with --for azure', wrap('azure', 'aws', 'P-256'), 'KEK_WRONG_CLOUD'],
    ['AWS JSON without PublicKey', wrap(undefined, w('aws-nopk.json', JSON.stringify({ ...aws, PublicKey: undefined }, null, 4)), 'P-256', '--algorithm', 'RSAES_OAEP_SHA_256'), 'MALFORMED_KEK'],
    ['AWS JSON with bad base64', wrap(undefined, w('aws-b64.json', JSON.stringify({ ...aws, PublicKey: `${String(aws['PublicKey']).slice(0, 40)}!!` }, null, 4)), 'P-256', '--algorithm', 'RSAES_OAEP_SHA_256'), 'MALFORMED_KEK'],
    ['truncated Vault JSON', wrap('vault', w('vault-cut.json', readFileSync(kekFile['vault']!, 'utf8').slice(0, 200)), 'P-256'), 'MALFORMED_KEK'],
    ['a private key in the Vault JSON', wrap(undefined, vaultPriv, 'P-256'), 'MALFORMED_KEK'],
    ['an RSA-1024 key in the OCI JSON', wrap(undefined, w('oci-1024.json', ociCliJson(small)), 'aes256'), 'KEK_UNSUPPORTED_SIZE'],
    ['AWS JSON with --out - (the token needs a file)', [...wrap('aws', 'aws', 'P-256', '--algorithm', 'RSAES_OAEP_SHA_256'), '--out', '-'], 'USAGE'],
    ['--key-type with another word', wrap('vault', 'vault', 'hmac32', '--key-type', 'des'), 'USAGE'],
    ['--for with an unknown cloud', wrap('ibm', 'vault', 'hmac32'), 'USAGE'],
    ['an Azure option with --for vault', wrap('vault', 'vault', 'aes256', '--kid', 'https://x.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef'), 'USAGE'],
  ];
}

describe.skipIf(!HAVE_OPENSSL)('what the cloud would refuse: exit 2, one line, no file', () => {
  it('every refusal of the issue\'s list', () => {
    const dir = tmp.path('refused');
    mkdirSync(dir);
    const seen: string[] = [];
    for (const [label, args, code] of refusals()) {
      const out = args.includes('--out') ? [] : ['--out', join(dir, 'out.bin')];
      const text = byok([...args, ...out]);
      expect([label, text.code, isOneLineError(text.stderr), text.stdout]).toEqual([label, 2, true, '']);
      // (--out - and --json both claim stdout: that refusal is checked in text only)
      const j = args.includes('-') ? { ok: false, error: { code: 'USAGE', message: text.stderr } } : JSON.parse(byok([...args, ...out, '--json']).stdout) as { ok: boolean; error: { code: string; message: string } };
      expect([label, j.ok, j.error.code]).toEqual([label, false, code]);
      if (code === 'KEK_WRONG_CLOUD') expect(j.error.message).toMatch(/comes from (HashiCorp Vault|AWS KMS)/);
      expect([label, readdirSync(dir)]).toEqual([label, []]);
      seen.push(code);
    }
    expect(existsSync(join(dir, 'out.ImportToken.bin'))).toBe(false);
    console.log(`clouds CLI: ${seen.length} refusals, each exit 2 with one line and no file`);
  }, 120_000);
});
