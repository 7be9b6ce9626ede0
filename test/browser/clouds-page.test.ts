// dist/byok.html for the other clouds, in Chromium from file://: each cloud's wrapping-key file as its CLI prints
// it sets the destination (a bare PEM takes the choice), the download(s) each cloud takes open with that cloud's
// OpenSSL recipe run backwards to exactly the canonical key, the import command is shown, a missing AWS
// algorithm is refused next to its picker in the library's words, and the rehearsal opens another cloud's file.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { ByokError } from '../../src/errors.js';
import { wrapForAws } from '../../src/transfer/index.js';
import { builtPage, launchChromium, requireChromium, type Browser } from '../helpers/chromium.js';
import { tempDir } from '../helpers/cli.js';
import { awsCliJson, gcloudImportJobJson, ociCliJson } from '../helpers/cloud-keks.js';
import { opensslPkcs8Der, opensslRecipeUnwrapWith, opensslUsable } from '../helpers/openssl-recipe.js';
import { requireTool } from '../helpers/tools.js';

const RUN = requireChromium() && requireTool('OpenSSL 3 CLI', opensslUsable(), 'apt-get install openssl');

let tmp: ReturnType<typeof tempDir>;
let browser: Browser;
let page: Page;
const keks: Record<number, { pub: KeyObject; privPem: string; pubPem: string }> = {};
const keys: Record<string, { file: string; canonical: Buffer }> = {};
let awsToken: Buffer;
const files: Record<string, string> = {};

function write(name: string, data: string | Uint8Array): string {
  const p = tmp.path(name);
  writeFileSync(p, data);
  return p;
}

/** Every download of one click, saved; `count` is how many the click makes. */
async function wrapAndSave(count: number): Promise<{ name: string; path: string }[]> {
  const got: Download[] = [];
  const listener = (d: Download): void => {
    got.push(d);
  };
  page.on('download', listener);
  await page.click('#wrap');
  await page.locator('#wrap-result').waitFor({ state: 'visible' });
  for (let i = 0; i < 50 && got.length < count; i++) await page.waitForTimeout(100);
  page.off('download', listener);
  expect(got.length).toBe(count);
  return Promise.all(got.map(async (d) => {
    const path = tmp.path(`dl-${d.suggestedFilename()}`);
    await d.saveAs(path);
    return { name: d.suggestedFilename(), path };
  }));
}

async function loadKek(file: string): Promise<void> {
  await page.setInputFiles('#kek-file', file);
  await page.locator('#kek-details').waitFor({ state: 'visible' });
}

async function loadKey(file: string): Promise<void> {
  await page.setInputFiles('#key-file', file);
  await page.locator('#key-details').waitFor({ state: 'visible' });
}

beforeAll(async () => {
  if (!RUN) return;
  tmp = tempDir('byok-browser-clouds-');
  for (const bits of [2048, 3072, 4096]) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    keks[bits] = {
      pub: publicKey,
      privPem: write(`kek${bits}-private.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      pubPem: write(`kek${bits}.pem`, publicKey.export({ type: 'spki', format: 'pem' }) as string),
    };
  }
  const aws = awsCliJson(keks[3072]!.pub);
  awsToken = aws.importToken;
  files['aws'] = write('params.json', aws.json);
  files['gcp'] = write('job.json', gcloudImportJobJson(keks[3072]!.pub, { method: 'RSA_OAEP_3072_SHA256' }));
  files['oci'] = write('wrapping-key.json', ociCliJson(keks[2048]!.pub));
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const ecFile = write('signer.pem', ec.export({ type: 'sec1', format: 'pem' }) as string);
  keys['ec'] = { file: ecFile, canonical: opensslPkcs8Der(ecFile) };
  const ed = generateKeyPairSync('ed25519').privateKey;
  const edFile = write('ed-signer.pem', ed.export({ type: 'pkcs8', format: 'pem' }) as string);
  keys['ed'] = { file: edFile, canonical: opensslPkcs8Der(edFile) };
  const hmac = randomBytes(32);
  keys['hmac'] = { file: write('mac.jwk', JSON.stringify({ kty: 'oct', alg: 'HS256', k: hmac.toString('base64url') })), canonical: hmac };
  const aes = randomBytes(32);
  keys['aes'] = { file: write('payments.bin', aes), canonical: aes };
  browser = await launchChromium();
  page = browser.page;
  page.on('pageerror', (e) => {
    throw new Error(`uncaught error in the page: ${e.message}`);
  });
  await page.goto(builtPage().url);
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  tmp?.cleanup();
});

describe.skipIf(!RUN)('dist/byok.html for AWS, Google Cloud, OCI and Vault', () => {
  it('AWS: the JSON sets the destination; no algorithm is refused in the library\'s words; the material and its token download', async () => {
    await loadKek(files['aws']!);
    expect(await page.inputValue('#kek-cloud')).toBe('aws');
    expect(await page.locator('#kek-kid-row').isHidden()).toBe(true);
    await page.locator('#kek-algorithm-error').waitFor({ state: 'visible' });
    let expected = '';
    try {
      wrapForAws(readFileSync(files['aws']!), new Uint8Array(readFileSync(keys['ec']!.file)));
    } catch (e) {
      expected = e instanceof ByokError ? e.message : '';
    }
    expect(await page.textContent('#kek-algorithm-error')).toBe(expected);
    expect(await page.isDisabled('#wrap')).toBe(true);
    await page.selectOption('#kek-algorithm', 'RSA_AES_KEY_WRAP_SHA_256');
    await page.locator('#kek-ok').waitFor({ state: 'visible' });
    await loadKey(keys['ec']!.file);
    const saved = await wrapAndSave(2);
    const material = saved.find((s) => s.name === 'signer.aws.bin')!;
    const token = saved.find((s) => s.name === 'signer.aws.ImportToken.bin')!;
    expect(readFileSync(token.path).equals(awsToken)).toBe(true);
    const opened = opensslRecipeUnwrapWith(tmp.dir, keks[3072]!.privPem, 3072, readFileSync(material.path), { hash: 'sha256', aes: true });
    expect(opened.equals(keys['ec']!.canonical)).toBe(true);
    expect(await page.textContent('#wrap-command')).toMatch(/^aws kms import-key-material --key-id arn:aws:kms:\S+ --encrypted-key-material fileb:\/\/signer\.aws\.bin --import-token fileb:\/\/signer\.aws\.ImportToken\.bin /);
    expect(await page.textContent('#wrap-done')).toContain('to import as ECC_NIST_P256');
  });

  it('Google: the job\'s direct method, an HMAC key as a JWK, the binary wrapped key', async () => {
    await loadKek(files['gcp']!);
    expect(await page.inputValue('#kek-cloud')).toBe('gcp');
    expect(await page.inputValue('#kek-algorithm')).toBe('RSA_OAEP_3072_SHA256');
    await page.locator('#kek-ok').waitFor({ state: 'visible' });
    await loadKey(keys['hmac']!.file);
    const [wrapped] = await wrapAndSave(1);
    expect(wrapped!.name).toBe('mac.gcp.bin');
    const opened = opensslRecipeUnwrapWith(tmp.dir, keks[3072]!.privPem, 3072, readFileSync(wrapped!.path), { hash: 'sha256', aes: false });
    expect(opened.equals(keys['hmac']!.canonical)).toBe(true);
    expect(await page.textContent('#wrap-command')).toMatch(/ --key mac --algorithm hmac-sha256 --wrapped-key-file mac\.gcp\.bin /);
  });

  it('OCI: the JSON wrapped key file for an AES key', async () => {
    await loadKek(files['oci']!);
    expect(await page.inputValue('#kek-cloud')).toBe('oci');
    await page.locator('#kek-ok').waitFor({ state: 'visible' });
    await loadKey(keys['aes']!.file);
    const [wrapped] = await wrapAndSave(1);
    expect(wrapped!.name).toBe('payments.oci.json');
    const file = JSON.parse(readFileSync(wrapped!.path, 'utf8')) as { keyMaterial: string; wrappingAlgorithm: string };
    expect(file.wrappingAlgorithm).toBe('RSA_OAEP_AES_SHA256');
    const opened = opensslRecipeUnwrapWith(tmp.dir, keks[2048]!.privPem, 2048, Buffer.from(file.keyMaterial, 'base64'), { hash: 'sha256', aes: true, mgf1Flag: false });
    expect(opened.equals(keys['aes']!.canonical)).toBe(true);
    expect(await page.textContent('#wrap-command')).toContain(`--key-shape '{"algorithm":"AES","length":32}' --wrapped-import-key file://payments.oci.json`);
  });

  it('Vault: a bare PEM with the destination chosen, an Ed25519 key, the base64 file; then its rehearsal', async () => {
    await page.selectOption('#kek-cloud', 'azure');
    await loadKek(keks[4096]!.pubPem);
    expect(await page.locator('#kek-kid-row').isVisible()).toBe(true); // a bare PEM is Azure's until chosen
    await page.selectOption('#kek-cloud', 'vault');
    await page.locator('#kek-ok').waitFor({ state: 'visible' });
    expect(await page.inputValue('#kek-algorithm')).toBe('SHA256');
    await loadKey(keys['ed']!.file);
    const [wrapped] = await wrapAndSave(1);
    expect(wrapped!.name).toBe('ed-signer.vault.b64');
    const text = readFileSync(wrapped!.path, 'ascii');
    expect(text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const opened = opensslRecipeUnwrapWith(tmp.dir, keks[4096]!.privPem, 4096, Buffer.from(text, 'base64'), { hash: 'sha256', aes: true });
    expect(opened.equals(keys['ed']!.canonical)).toBe(true);
    expect(await page.textContent('#wrap-command')).toBe('vault write transit/keys/ed-signer/import ciphertext=@ed-signer.vault.b64 hash_function=SHA256 type=ed25519');

    await page.setInputFiles('#reh-byok-file', wrapped!.path);
    await page.selectOption('#reh-cloud', 'vault');
    await page.setInputFiles('#reh-kek-file', keks[4096]!.privPem);
    await page.locator('#reh-kek-found').waitFor({ state: 'visible' });
    await page.setInputFiles('#reh-key-file', keys['ed']!.file);
    await page.locator('#reh-key-found').waitFor({ state: 'visible' });
    await page.click('#reh-check');
    await page.locator('#reh-result').waitFor({ state: 'visible' });
    expect(await page.textContent('#reh-result')).toBe('Match: the file opens with this test KEK and holds exactly this Ed25519 private key.');
    // Another hash function does not open it: DECRYPT_FAILED next to the test KEK.
    await page.selectOption('#reh-algorithm', 'SHA512');
    await page.click('#reh-check');
    await page.locator('#reh-kek-file-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#reh-kek-file-error')).toMatch(/does not open with this wrapping private key and algorithm/);
  });
});
