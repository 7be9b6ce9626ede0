// Issue 12 proof: for every cloud × wrapping algorithm × target type (RSA 2048/3072/4096, EC P-256/P-384/P-521,
// secp256k1, Ed25519, AES 128/192/256, HMAC of 20/28/32/48/64 bytes), what the cloud accepts is wrapped by us
// and opened with the cloud's published OpenSSL recipe run backwards — to exactly the canonical key
// (`openssl pkcs8 -topk8 -nocrypt -outform DER`, or the raw bytes) — and the recipe's own blobs open with
// unwrapFor; a second cross-check with python3-cryptography (gcloud's client-side wrap code path) both ways.
// What the cloud refuses is refused before anything is made, with the code an independent table here names.
// Wrapping keys come as each CLI prints them (test/helpers/cloud-keks.ts).
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RsaPrivateKey } from '../../src/core/index.js';
import { isByokError } from '../../src/errors.js';
import { AWS_ALGORITHMS } from '../../src/formats/aws.js';
import { GCP_IMPORT_METHODS } from '../../src/formats/gcp.js';
import { OCI_ALGORITHMS } from '../../src/formats/oci.js';
import type { Cloud } from '../../src/kek/index.js';
import { readTargetKey, type ReadTargetKeyOptions } from '../../src/keys/index.js';
import { prepareWrap, unwrapFor, verifyFor, wrapFor, type CloudWrapResult } from '../../src/transfer/index.js';
import { awsCliJson, gcloudImportJobJson, ociCliJson, vaultCliJson } from '../helpers/cloud-keks.js';
import { tempDir } from '../helpers/openssl.js';
import { opensslPkcs8Der, opensslRecipeUnwrapWith, opensslRecipeWrapWith, opensslUsable, type RecipeScheme } from '../helpers/openssl-recipe.js';
import { requirePyca, runPycaJobs, type PycaJob } from '../helpers/pyca.js';
import { fromKeyObject } from '../helpers/rsa-keys.js';
import { requireTool } from '../helpers/tools.js';

const HAVE_OPENSSL = requireTool('OpenSSL 3 CLI', opensslUsable(), 'apt-get install openssl');
const HAVE_PYCA = requirePyca();

type Hash = RecipeScheme['hash'];
type Type = 'rsa' | 'ec' | 'ed25519' | 'aes' | 'hmac';

interface Target {
  readonly name: string;
  readonly type: Type;
  readonly bits: number;
  readonly curve?: string;
  /** A key file as a user has it, and how to read it. */
  readonly file: string;
  readonly read?: ReadTargetKeyOptions;
  /** What the cloud receives, made without our code: openssl pkcs8 -topk8 DER, or the raw key. */
  readonly canonical: string;
  readonly materialLength: number;
}

interface Destination {
  readonly cloud: Exclude<Cloud, 'azure'>;
  readonly algorithm: string;
  readonly kekBits: number;
  /** The wrapping-key file as the cloud's CLI prints it. */
  readonly kekInput: string;
  readonly recipe: RecipeScheme;
}

let tmp: ReturnType<typeof tempDir>;
const keks = new Map<number, { pub: KeyObject; pubPem: string; pubDer: string; privPem: string; priv: RsaPrivateKey }>();
const targets: Target[] = [];
const destinations: Destination[] = [];

/** The code a cloud's rules give, written from the clouds' documentation (byok-formats.md §2), not from src/. */
function expected(d: Destination, t: Target): string {
  const direct = !d.recipe.aes;
  const fits = (cap: number): boolean => t.materialLength <= cap;
  const cap = d.kekBits / 8 - 2 * { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[d.recipe.hash] - 2;
  const bytes = t.bits / 8;
  switch (d.cloud) {
    case 'aws':
      if (t.type === 'aes') return bytes !== 32 ? 'UNSUPPORTED_TARGET_SIZE' : direct ? 'ok' : 'UNSUPPORTED_ALGORITHM';
      if (t.type === 'hmac') return ![28, 32, 48, 64].includes(bytes) ? 'UNSUPPORTED_TARGET_SIZE' : direct ? 'ok' : 'UNSUPPORTED_ALGORITHM';
      if (t.type === 'rsa') return direct ? 'UNSUPPORTED_ALGORITHM' : 'ok';
      return direct && !fits(cap) ? 'TARGET_TOO_LONG' : 'ok';
    case 'gcp':
      if (t.type === 'aes') return [16, 32].includes(bytes) ? 'ok' : 'UNSUPPORTED_TARGET_SIZE';
      if (t.type === 'hmac') return [20, 28, 32, 48, 64].includes(bytes) ? 'ok' : 'UNSUPPORTED_TARGET_SIZE';
      if (t.type === 'ec' && t.curve === 'P-521') return 'UNSUPPORTED_CURVE';
      if (t.type === 'rsa') return direct ? 'UNSUPPORTED_ALGORITHM' : 'ok';
      return 'ok';
    case 'oci':
      if (t.type === 'aes') return 'ok';
      if (t.type === 'rsa') return direct ? 'UNSUPPORTED_ALGORITHM' : 'ok';
      return 'UNSUPPORTED_KEY_TYPE';
    default:
      if (t.type === 'aes') return [16, 32].includes(bytes) ? 'ok' : 'UNSUPPORTED_TARGET_SIZE';
      if (t.type === 'hmac') return bytes >= 32 && bytes <= 512 ? 'ok' : 'UNSUPPORTED_TARGET_SIZE';
      if (t.type === 'ec' && t.curve === 'secp256k1') return 'UNSUPPORTED_CURVE';
      return 'ok';
  }
}

/** The file to submit, as the cloud reads it, back to the blob the recipe opens. */
function blobOf(r: CloudWrapResult): Buffer {
  if (r.cloud === 'oci') return Buffer.from((JSON.parse(Buffer.from(r.bytes).toString('utf8')) as { keyMaterial: string }).keyMaterial, 'base64');
  if (r.cloud === 'vault') return Buffer.from(Buffer.from(r.bytes).toString('ascii'), 'base64');
  return Buffer.from(r.bytes);
}

/** A blob made without us, as the file the cloud would be given. */
function fileOf(d: Destination, blob: Buffer): Uint8Array {
  if (d.cloud === 'oci') return new TextEncoder().encode(JSON.stringify({ keyMaterial: blob.toString('base64'), wrappingAlgorithm: d.algorithm }));
  if (d.cloud === 'vault') return new TextEncoder().encode(`${blob.toString('base64')}\n`);
  return new Uint8Array(blob);
}

beforeAll(() => {
  if (!HAVE_OPENSSL) return;
  tmp = tempDir('byok-clouds-');
  const w = (name: string, data: string | Uint8Array): string => tmp.file(name, data);
  for (const bits of [2048, 3072, 4096]) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    keks.set(bits, {
      pub: publicKey,
      pubPem: w(`kek${bits}.pem`, publicKey.export({ type: 'spki', format: 'pem' }) as string),
      pubDer: w(`kek${bits}.der`, publicKey.export({ type: 'spki', format: 'der' })),
      privPem: w(`kek${bits}-private.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      priv: fromKeyObject(privateKey).priv,
    });
  }
  const kek = (bits: number): KeyObject => (keks.get(bits) as { pub: KeyObject }).pub;
  const hashOf = (name: string): Hash => (/SHA_?256/.test(name) ? 'sha256' : /SHA_?1(?!\d)/.test(name) ? 'sha1' : /384/.test(name) ? 'sha384' : 'sha512');
  for (const algorithm of AWS_ALGORITHMS) {
    destinations.push({ cloud: 'aws', algorithm, kekBits: 3072, kekInput: w(`aws-${algorithm}.json`, awsCliJson(kek(3072)).json), recipe: { hash: hashOf(algorithm), aes: algorithm.startsWith('RSA_AES'), derKey: true } });
  }
  for (const method of GCP_IMPORT_METHODS) {
    const bits = method.includes('4096') ? 4096 : 3072;
    destinations.push({ cloud: 'gcp', algorithm: method, kekBits: bits, kekInput: w(`gcp-${method}.json`, gcloudImportJobJson(kek(bits), { method })), recipe: { hash: hashOf(method.replace(/_\d{4}_/, '_')), aes: method.endsWith('_AES_256') } });
  }
  for (const algorithm of OCI_ALGORITHMS) {
    destinations.push({ cloud: 'oci', algorithm, kekBits: 2048, kekInput: w('oci.json', ociCliJson(kek(2048))), recipe: { hash: 'sha256', aes: algorithm === 'RSA_OAEP_AES_SHA256', mgf1Flag: false } });
  }
  for (const algorithm of ['SHA1', 'SHA256', 'SHA384', 'SHA512']) {
    destinations.push({ cloud: 'vault', algorithm, kekBits: 4096, kekInput: w('vault.json', vaultCliJson(kek(4096))), recipe: { hash: algorithm.toLowerCase() as Hash, aes: true } });
  }

  const pem = (k: KeyObject, type: 'pkcs1' | 'pkcs8' | 'sec1'): string => k.export({ type, format: 'pem' }) as string;
  const asym: [string, Type, number, string | undefined, KeyObject, string, string | Uint8Array][] = [];
  for (const bits of [2048, 3072, 4096]) {
    const k = generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
    asym.push([`RSA-${bits}`, 'rsa', bits, undefined, k, `rsa${bits}.pem`, pem(k, bits === 3072 ? 'pkcs1' : 'pkcs8')]);
  }
  for (const [curve, node, bits] of [['P-256', 'P-256', 256], ['P-384', 'P-384', 384], ['P-521', 'P-521', 521], ['secp256k1', 'secp256k1', 256]] as const) {
    const k = generateKeyPairSync('ec', { namedCurve: node }).privateKey;
    asym.push([`EC ${curve}`, 'ec', bits, curve, k, `${curve}.sec1.pem`, pem(k, 'sec1')]);
  }
  const ed = generateKeyPairSync('ed25519').privateKey;
  asym.push(['Ed25519', 'ed25519', 256, undefined, ed, 'ed25519.jwk', JSON.stringify(ed.export({ format: 'jwk' }))]);
  for (const [name, type, bits, curve, key, file, data] of asym) {
    const canonical = opensslPkcs8Der(w(`${file}.pkcs8.pem`, pem(key, 'pkcs8')));
    targets.push({ name, type, bits, ...(curve === undefined ? {} : { curve }), file: w(file, data), canonical: w(`${file}.canonical.der`, canonical), materialLength: canonical.length });
  }
  for (const bits of [128, 192, 256]) {
    const k = randomBytes(bits / 8);
    targets.push({ name: `AES-${bits}`, type: 'aes', bits, file: w(`aes${bits}.hex`, `${k.toString('hex')}\n`), canonical: w(`aes${bits}.raw`, k), materialLength: k.length });
  }
  for (const len of [20, 28, 32, 48, 64]) {
    const k = randomBytes(len);
    targets.push({ name: `HMAC-${len}`, type: 'hmac', bits: len * 8, file: w(`hmac${len}.b64`, k.toString('base64')), read: { keyType: 'hmac' }, canonical: w(`hmac${len}.raw`, k), materialLength: len });
  }
}, 300_000);

afterAll(() => tmp?.cleanup());

describe.skipIf(!HAVE_OPENSSL)('every cloud × algorithm × target: ours opens with the recipe, the recipe\'s with ours', () => {
  const pycaJobs: PycaJob[] = [];
  const pycaWraps: { d: Destination; t: Target; out: string }[] = [];
  const tally = { accepted: 0, refused: 0, codes: new Map<string, number>() };

  it('the whole matrix', () => {
    expect(destinations.length).toBe(4 + 6 + 2 + 4);
    expect(targets.length).toBe(16);
    for (const d of destinations) {
      const kek = keks.get(d.kekBits) as { pubPem: string; pubDer: string; privPem: string; priv: RsaPrivateKey };
      const kekInput = new Uint8Array(readFileSync(d.kekInput));
      for (const t of targets) {
        const label = `${d.cloud} ${d.algorithm} ${t.name}`;
        const keyFile = new Uint8Array(readFileSync(t.file));
        const want = expected(d, t);
        let code = 'ok';
        try {
          prepareWrap(d.cloud, kekInput, readTargetKey(keyFile, t.read), { algorithm: d.algorithm });
        } catch (e) {
          if (!isByokError(e)) throw e;
          code = e.code;
        }
        expect([label, code]).toEqual([label, want]);
        if (code !== 'ok') {
          tally.refused++;
          tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
          // wrapFor refuses the same way, from the key file's bytes too
          expect([label, (() => { try { wrapFor(d.cloud, kekInput, keyFile, { algorithm: d.algorithm, ...(t.read === undefined ? {} : { read: t.read }) }); return 'ok'; } catch (e) { return isByokError(e) ? e.code : 'thrown'; } })()]).toEqual([label, want]);
          continue;
        }
        tally.accepted++;
        const canonical = readFileSync(t.canonical);
        // 1. ours, opened with the recipe run backwards: exactly the canonical key
        const r = wrapFor(d.cloud, kekInput, keyFile, { algorithm: d.algorithm, ...(t.read === undefined ? {} : { read: t.read }) }) as CloudWrapResult;
        const blob = blobOf(r);
        expect([label, blob.length]).toEqual([label, d.kekBits / 8 + (d.recipe.aes ? 8 * Math.ceil(t.materialLength / 8) + 8 : 0)]);
        const opened = opensslRecipeUnwrapWith(tmp.dir, kek.privPem, d.kekBits, blob, d.recipe);
        expect([label, opened.toString('hex')]).toEqual([label, canonical.toString('hex')]);
        // ...and with our own rehearsal (the private key as a PEM file for the first target, as a record after)
        const priv = t === targets[0] ? new Uint8Array(readFileSync(kek.privPem)) : kek.priv;
        expect(verifyFor(d.cloud, r.bytes, priv, keyFile, { algorithm: d.algorithm, ...(t.read === undefined ? {} : { readTarget: t.read }) }).match).toBe('exact');
        // 2. the recipe's blob, opened with unwrapFor: exactly what the recipe wrapped
        const theirs = opensslRecipeWrapWith(tmp.dir, d.recipe.derKey === true ? kek.pubDer : kek.pubPem, t.canonical, d.recipe);
        const back = unwrapFor(d.cloud, fileOf(d, theirs), kek.priv, { algorithm: d.algorithm });
        expect([label, Buffer.from(back).toString('hex')]).toEqual([label, canonical.toString('hex')]);
        // 3. jobs for python3-cryptography: open ours; wrap for us to open
        const blobFile = tmp.file(`${d.cloud}-${d.algorithm}-${t.name.replace(/\W/g, '')}.blob`, blob);
        const out = `${blobFile}.pyca`;
        pycaJobs.push({ op: 'unwrap', aes: d.recipe.aes, hash: d.recipe.hash, key: kek.privPem, material: t.canonical, blob: blobFile });
        pycaJobs.push({ op: 'wrap', aes: d.recipe.aes, hash: d.recipe.hash, key: kek.pubPem, material: t.canonical, out });
        pycaWraps.push({ d, t, out });
      }
    }
    console.log(`clouds × algorithms × targets: ${tally.accepted} wrapped and opened both ways with the OpenSSL CLI recipes; ${tally.refused} refused (${[...tally.codes].map(([c, n]) => `${c}=${n}`).join(', ')})`);
    expect(tally.accepted + tally.refused).toBe(destinations.length * targets.length);
  }, 600_000);

  it.skipIf(!HAVE_PYCA)('python3-cryptography opens every blob of ours, and we open every blob it makes', () => {
    expect(pycaJobs.length).toBe(2 * tally.accepted);
    const jobsFile = tmp.file('pyca-jobs.json', JSON.stringify(pycaJobs));
    const results = runPycaJobs(jobsFile);
    expect(results.length).toBe(pycaJobs.length);
    const failed = results.map((r, i) => [r, pycaJobs[i]] as const).filter(([r]) => r !== 'ok');
    expect(failed).toEqual([]);
    for (const { d, t, out } of pycaWraps) {
      const kek = keks.get(d.kekBits) as { priv: RsaPrivateKey };
      const back = unwrapFor(d.cloud, fileOf(d, readFileSync(out)), kek.priv, { algorithm: d.algorithm });
      expect([d.cloud, d.algorithm, t.name, Buffer.from(back).equals(readFileSync(t.canonical))]).toEqual([d.cloud, d.algorithm, t.name, true]);
    }
    console.log(`python3-cryptography: opened ${pycaWraps.length} blobs of ours, made ${pycaWraps.length} that unwrapFor opened`);
  }, 300_000);
});

// Keep the matrix honest about its own coverage: every target type reaches every cloud that takes it.
describe.skipIf(!HAVE_OPENSSL)('coverage of the matrix', () => {
  it('each cloud accepts each type the documentation says it takes, under at least one algorithm', () => {
    const takes: Record<Exclude<Cloud, 'azure'>, Type[]> = {
      aws: ['rsa', 'ec', 'ed25519', 'aes', 'hmac'], gcp: ['rsa', 'ec', 'ed25519', 'aes', 'hmac'], oci: ['rsa', 'aes'], vault: ['rsa', 'ec', 'ed25519', 'aes', 'hmac'],
    };
    for (const [cloud, types] of Object.entries(takes)) {
      for (const type of types) {
        const ok = destinations.filter((d) => d.cloud === cloud).some((d) => targets.some((t) => t.type === type && expected(d, t) === 'ok'));
        expect([cloud, type, ok]).toEqual([cloud, type, true]);
      }
    }
  });
});
