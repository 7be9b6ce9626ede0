// Issue 5 proof: dist/byok.html, opened from file:// in Debian's Chromium, wraps a KEK's worth of target
// keys (RSA, EC, AES; encrypted PKCS#8, a password-protected PKCS#12 and a PEM bundle among them) into
// .byok downloads that node:crypto alone (OAEP SHA-1, then id-aes256-wrap-pad) opens to exactly the
// canonical key: `openssl pkcs8 -topk8 -nocrypt -outform DER` for RSA/EC, the raw bytes for AES. Also:
// the page makes no request but for itself, its CSP blocks requests, eval and injected scripts (with a
// positive control that the same requests do arrive from a page without it), it stores nothing, errors
// appear next to their field in the library's (= the CLI's) words, the Rehearse section, keyboard use,
// and 200% zoom. A screenshot of the filled-in page is saved to test-artifacts/ on every run.
import {
  constants, createDecipheriv, createHash, createPublicKey, generateKeyPairSync, privateDecrypt, randomBytes, type KeyObject,
} from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { checkKekForAzure, readKek } from '../../src/kek/index.js';
import { readTargetKey } from '../../src/keys/index.js';
import { readByok, unwrapByok, verifyByok } from '../../src/transfer/index.js';
import { artifactPath, builtPage, launchChromium, requireChromium, type Browser } from '../helpers/chromium.js';
import { tempDir } from '../helpers/cli.js';
import { opensslPkcs8Der, opensslUsable } from '../helpers/openssl-recipe.js';
import { requireTool } from '../helpers/tools.js';
import type { Page } from 'playwright-core';

const HAVE_CHROMIUM = requireChromium();
const HAVE_OPENSSL = requireTool('OpenSSL 3 CLI', opensslUsable(), 'apt-get install openssl');
const RUN = HAVE_CHROMIUM && HAVE_OPENSSL;

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const KEK_BITS = 3072;
const P12_PASSWORD = 'correct horse battery staple';
const P8_PASSWORD = 'p8-pässwörd';

interface Target {
  readonly label: string;
  readonly file: string;
  /** What the page should say it found. */
  readonly found: RegExp;
  readonly kty: 'RSA' | 'EC' | 'oct';
  readonly curve?: string;
  /** Exactly what the .byok must hold: OpenSSL's PKCS#8 DER, or the raw AES key. */
  readonly canonical: Buffer;
  readonly password?: string;
  /** Index to choose in the picker (files holding several keys). */
  readonly pick?: string;
  /** The key name the page derives from the file name. */
  readonly keyName: string;
}

let tmp: ReturnType<typeof tempDir>;
let kekPriv: KeyObject;
let kekPem: string;
let kekPrivPem: string;
let kekAzJson: string;
let otherPrivPem: string; // RSA-3072 like the KEK: the blob's length fits, the decryption fails
let smallPrivPem: string; // RSA-2048: refused by the blob's length before any decryption
const targets: Target[] = [];
let browser: Browser;
let page: Page;
let pageUrl: string;
const downloads: { target: Target; path: string }[] = [];

function write(name: string, data: string | Uint8Array): string {
  const p = tmp.path(name);
  writeFileSync(p, data);
  return p;
}

function opensslCli(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.trim().split('\n')[0] ?? ''}`);
}

/** node:crypto alone: split at k, OAEP-SHA-1 decrypt the AES key, id-aes256-wrap-pad decipher the rest. */
function unwrapWithNode(byokBytes: Buffer, priv: KeyObject, kekBits: number): Buffer {
  const file = JSON.parse(byokBytes.toString('utf8')) as { header: { kid: string; alg: string; enc: string }; ciphertext: string };
  const ct = Buffer.from(file.ciphertext, 'base64url');
  const k = kekBits / 8;
  const aesKey = privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ct.subarray(0, k));
  expect(aesKey.length).toBe(32);
  const d = createDecipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([d.update(ct.subarray(k)), d.final()]);
}

/** The message the library throws for `f` (the CLI prints the same words after its file prefix). */
function libraryMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ByokError) return e.message;
    throw e;
  }
  throw new Error('expected the library to throw');
}

async function loadKek(path: string): Promise<void> {
  await page.setInputFiles('#kek-file', path);
  await page.locator('#kek-details').waitFor({ state: 'visible' });
}

async function loadKey(t: Target): Promise<void> {
  await page.setInputFiles('#key-file', t.file);
  if (t.password !== undefined) {
    await page.locator('#key-password').waitFor({ state: 'visible' });
    await page.fill('#key-password', t.password);
    await page.press('#key-password', 'Enter'); // the keyboard path: Enter submits the password form
  }
  if (t.pick !== undefined) {
    await page.locator('#key-index').waitFor({ state: 'visible' });
    await page.selectOption('#key-index', t.pick);
  }
  await page.locator('#key-details').waitFor({ state: 'visible' });
}

beforeAll(async () => {
  if (!RUN) return;
  tmp = tempDir('byok-browser-');
  const kek = generateKeyPairSync('rsa', { modulusLength: KEK_BITS });
  kekPriv = kek.privateKey;
  kekPem = write('kek.pem', kek.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  kekPrivPem = write('kek-private.pem', kek.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const jwk = kek.publicKey.export({ format: 'jwk' });
  // The JSON `az keyvault key show` prints: it names the kid, so the page must not ask for it.
  kekAzJson = write('kek-show.json', JSON.stringify({ attributes: { enabled: true }, key: { kid: KID, kty: 'RSA-HSM', keyOps: ['import'], n: jwk.n, e: jwk.e } }, null, 2));
  otherPrivPem = write('other-private.pem', generateKeyPairSync('rsa', { modulusLength: KEK_BITS }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  smallPrivPem = write('small-private.pem', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);

  const pkcs8Pem = (k: KeyObject): string => k.export({ type: 'pkcs8', format: 'pem' }) as string;
  { // RSA-2048, PKCS#8 PEM
    const k = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const file = write('rsa-2048.pem', pkcs8Pem(k));
    targets.push({ label: 'RSA-2048 PKCS#8 PEM', file, found: /^RSA-2048 private key \(read as pkcs8\)$/, kty: 'RSA', canonical: opensslPkcs8Der(file), keyName: 'rsa-2048' });
  }
  { // EC P-256, SEC1 PEM ("BEGIN EC PRIVATE KEY")
    const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const file = write('ec p256.key', k.export({ type: 'sec1', format: 'pem' }) as string);
    targets.push({ label: 'EC P-256 SEC1 PEM', file, found: /^EC P-256 private key \(read as sec1\)$/, kty: 'EC', curve: 'P-256', canonical: opensslPkcs8Der(file), keyName: 'ec-p256' });
  }
  { // AES-256, raw binary
    const key = randomBytes(32);
    const file = write('aes-256.bin', key);
    targets.push({ label: 'AES-256 raw', file, found: /^AES-256 key \(read as raw\)$/, kty: 'oct', canonical: key, keyName: 'aes-256' });
  }
  { // EC P-384 in a password-protected PKCS#12 made by the OpenSSL CLI (AES-256-CBC/PBKDF2, OpenSSL 3's default)
    const keyPem = tmp.path('p384.pem');
    const certPem = tmp.path('p384.crt');
    opensslCli(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', keyPem, '-out', certPem, '-subj', '/CN=byok browser test', '-days', '2']);
    const p12 = tmp.path('HSM export (P-384).p12');
    opensslCli(['pkcs12', '-export', '-inkey', keyPem, '-in', certPem, '-name', 'signing key', '-passout', `pass:${P12_PASSWORD}`, '-out', p12]);
    targets.push({ label: 'EC P-384 in a password-protected PKCS#12', file: p12, found: /^EC P-384 private key \(read as pkcs12, "signing key"\)$/, kty: 'EC', curve: 'P-384', canonical: opensslPkcs8Der(keyPem), password: P12_PASSWORD, keyName: 'HSM-export-P-384' });
  }
  { // RSA-3072, encrypted PKCS#8 (PBES2, AES-256-CBC) with a non-ASCII password
    const k = generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
    const plain = write('rsa-3072-plain.pem', pkcs8Pem(k));
    const file = write('rsa-3072.enc.pem', k.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: P8_PASSWORD }) as string);
    targets.push({ label: 'RSA-3072 encrypted PKCS#8', file, found: /^RSA-3072 private key \(read as pkcs8-encrypted\)$/, kty: 'RSA', canonical: opensslPkcs8Der(plain), password: P8_PASSWORD, keyName: 'rsa-3072-enc' });
  }
  { // A PEM bundle of two keys: the picker appears, the second one is chosen
    const first = generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey;
    const second = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    const secondFile = write('second.pem', pkcs8Pem(second));
    const file = write('two-keys.pem', pkcs8Pem(first) + pkcs8Pem(second));
    targets.push({ label: 'second key of a PEM bundle (secp256k1)', file, found: /^EC P-256K private key \(read as pkcs8\)$/, kty: 'EC', curve: 'P-256K', canonical: opensslPkcs8Der(secondFile), pick: '1', keyName: 'two-keys' });
  }

  pageUrl = builtPage().url;
  browser = await launchChromium();
  page = browser.page;
  page.on('pageerror', (e) => {
    throw new Error(`uncaught error in the page: ${e.message}`);
  });
  await page.goto(pageUrl);
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  tmp?.cleanup();
});

describe.skipIf(!RUN)('dist/byok.html in Chromium from file://', () => {
  it('starts the Wasm core and shows its build and SHA-256 with the toolkit version', async () => {
    const sha = await page.textContent('#core-sha256');
    const build = await page.textContent('#core-build');
    // The hash shown is the SHA-256 of the embedded module's bytes, recomputed here from the generated module.
    const gen = readFileSync(new URL(`../../src/core/generated/wasm-${build ?? ''}.ts`, import.meta.url), 'utf8');
    const b64 = /WASM_BASE64 =\s*"([^"]+)"/.exec(gen)?.[1] ?? '';
    expect(sha).toBe(createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex'));
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(await page.textContent('#version')).toBe(`${pkg.name} ${pkg.version}`);
    expect(await page.textContent('#status')).toMatch(/^Ready/);
  });

  it('every control is labelled and the first Tab lands on the KEK file input', async () => {
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll('input, select, textarea'))
        .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.id));
    expect(unlabelled).toEqual([]);
    const nameless = await page.evaluate(() => Array.from(document.querySelectorAll('button')).filter((b) => (b.textContent ?? '').trim() === '').map((b) => b.id));
    expect(nameless).toEqual([]);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('kek-file');
    // Keyboard focus is visible (:focus-visible outline), not the browser default removed.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).not.toBe('none');
  });

  it('a KEK from `az keyvault key show` JSON: size, its kid, and the fingerprint node:crypto computes', async () => {
    await loadKek(kekAzJson);
    const spkiDer = createPublicKey(kekPriv).export({ type: 'spki', format: 'der' });
    const hex = createHash('sha256').update(spkiDer).digest('hex').toUpperCase().match(/.{4}/g)?.join(' ');
    expect(await page.textContent('#kek-fingerprint')).toBe(hex);
    expect(await page.textContent('#kek-size')).toBe(`RSA ${KEK_BITS} bits (read as Key Vault JSON)`);
    expect(await page.inputValue('#kek-kid')).toBe(KID);
    expect(await page.locator('#kek-kid').getAttribute('readonly')).not.toBeNull();
    await page.locator('#kek-ok').waitFor({ state: 'visible' });
  });

  it('a KEK PEM without kid: asks for it, refuses an unversioned one in the library\'s words, takes the right one', async () => {
    await loadKek(kekPem);
    expect(await page.inputValue('#kek-kid')).toBe('');
    expect(await page.locator('#kek-kid').getAttribute('readonly')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('kek-kid');
    const unversioned = KID.replace(/\/[0-9a-f]{32}$/, '');
    await page.fill('#kek-kid', unversioned);
    await page.locator('#kek-kid').dispatchEvent('change');
    const expected = libraryMessage(() => checkKekForAzure({ ...readKek(new Uint8Array(readFileSync(kekPem))), kid: unversioned }, { requireKid: true }));
    expect(await page.textContent('#kek-kid-error')).toBe(expected);
    expect(await page.locator('#kek-kid').getAttribute('aria-invalid')).toBe('true');
    expect(await page.isDisabled('#wrap')).toBe(true);
    await page.fill('#kek-kid', KID);
    await page.locator('#kek-kid').dispatchEvent('change');
    await page.locator('#kek-ok').waitFor({ state: 'visible' });
    expect(await page.locator('#kek-kid-error').isHidden()).toBe(true);
  });

  it('a wrong password shows the library\'s WRONG_PASSWORD message next to the password field', async () => {
    const p12 = targets.find((t) => t.label.includes('PKCS#12')) as Target;
    await page.setInputFiles('#key-file', p12.file);
    await page.locator('#key-password').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('key-password');
    await page.fill('#key-password', 'not the password');
    await page.click('#key-password-open');
    await page.locator('#key-password-error').waitFor({ state: 'visible' });
    const expected = libraryMessage(() => readTargetKey(new Uint8Array(readFileSync(p12.file)), { password: 'not the password' }));
    expect(expected.length).toBeGreaterThan(0);
    expect(await page.textContent('#key-password-error')).toBe(expected);
    expect(await page.locator('#key-details').isHidden()).toBe(true);
    expect(await page.isDisabled('#wrap')).toBe(true);
  });

  it('wraps every target type; node:crypto opens each download to exactly the canonical key', async () => {
    let done = 0;
    for (const [i, t] of targets.entries()) {
      await loadKey(t);
      expect([t.label, await page.textContent('#key-found')]).toEqual([t.label, expect.stringMatching(t.found)]);
      expect(await page.textContent('#key-kty')).toBe(`${t.kty}-HSM${t.curve === undefined ? '' : `, curve ${t.curve}`}`);
      expect(await page.inputValue('#key-name')).toBe(t.keyName);
      if (i === 0) await page.screenshot({ path: artifactPath('byok-page-filled.png'), fullPage: true });
      const wait = page.waitForEvent('download');
      if (i % 2 === 0) {
        await page.click('#wrap');
      } else {
        await page.focus('#wrap'); // the keyboard path
        await page.keyboard.press('Enter');
      }
      const download = await wait;
      expect(download.suggestedFilename()).toBe(`${t.keyName}.byok`);
      const path = tmp.path(`download-${i}.byok`);
      await download.saveAs(path);
      downloads.push({ target: t, path });
      const bytes = readFileSync(path);
      const file = JSON.parse(bytes.toString('utf8')) as { schema_version: string; header: { kid: string; alg: string; enc: string } };
      expect([file.schema_version, file.header]).toEqual(['1.0.0', { kid: KID, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' }]);
      const opened = unwrapWithNode(bytes, kekPriv, KEK_BITS);
      expect([t.label, opened.toString('hex')]).toEqual([t.label, t.canonical.toString('hex')]);
      // The az command for this key, and the key dropped from the page.
      const cmd = await page.textContent('#wrap-command');
      expect(cmd).toContain(`az keyvault key import --vault-name contoso-byok --name ${t.keyName} --byok-file ${t.keyName}.byok --kty ${t.kty}`);
      if (t.curve !== undefined) expect(cmd).toContain(`--curve ${t.curve}`);
      expect(await page.textContent('#wrap-done')).toContain(`Saved ${t.keyName}.byok (${bytes.length} bytes)`);
      expect(await page.evaluate(() => {
        const input = document.getElementById('key-file') as HTMLInputElement;
        return [input.value, input.files?.length ?? 0, (document.getElementById('key-password') as HTMLInputElement).value,
          (document.getElementById('key-name') as HTMLInputElement).value, document.getElementById('key-details')?.hidden,
          document.getElementById('key-password-row')?.hidden, document.getElementById('key-index-row')?.hidden];
      })).toEqual(['', 0, '', '', true, true, true]);
      expect(await page.isDisabled('#wrap')).toBe(true);
      if (i === 0) await page.screenshot({ path: artifactPath('byok-page-wrapped.png'), fullPage: true });
      done++;
    }
    expect(done).toBe(targets.length);
    console.log(`browser e2e: ${done} targets wrapped in Chromium and opened by node:crypto (${targets.map((t) => t.label).join('; ')})`);
  });

  it('Rehearse: the .byok opens with the test KEK private key and matches the key; mismatches are named', async () => {
    const rsa = downloads.find((d) => d.target.kty === 'RSA' && d.target.password === undefined);
    const ec = downloads.find((d) => d.target.label.startsWith('EC P-256'));
    if (rsa === undefined || ec === undefined) throw new Error('the wrap test did not run');
    await page.setInputFiles('#reh-byok-file', rsa.path);
    await page.setInputFiles('#reh-kek-file', kekPrivPem);
    await page.locator('#reh-kek-found').waitFor({ state: 'visible' });
    // Without a key to compare: what the file holds.
    await page.click('#reh-check');
    await page.locator('#reh-result').waitFor({ state: 'visible' });
    expect(await page.textContent('#reh-result')).toContain('holds an RSA-2048 private key');
    // With the right key.
    await page.setInputFiles('#reh-key-file', rsa.target.file);
    await page.locator('#reh-key-found').waitFor({ state: 'visible' });
    await page.click('#reh-check');
    await page.locator('#reh-result').waitFor({ state: 'visible' });
    expect(await page.textContent('#reh-result')).toBe('Match: the .byok opens with this test KEK and holds exactly this RSA-2048 private key.');
    // With another key: BYOK_KEY_MISMATCH next to the key field, in the library's words.
    await page.setInputFiles('#reh-key-file', ec.target.file);
    await page.locator('#reh-key-found').waitFor({ state: 'visible' });
    await page.click('#reh-check');
    await page.locator('#reh-key-file-error').waitFor({ state: 'visible' });
    const rsaBytes = new Uint8Array(readFileSync(rsa.path));
    const mismatch = libraryMessage(() => verifyByok(rsaBytes, new Uint8Array(readFileSync(kekPrivPem)), new Uint8Array(readFileSync(ec.target.file))));
    expect(await page.textContent('#reh-key-file-error')).toBe(mismatch);
    expect(await page.locator('#reh-result').isHidden()).toBe(true);
    // With another KEK private key of the same size: DECRYPT_FAILED next to it; of another size: BYOK_KEK_MISMATCH.
    for (const other of [otherPrivPem, smallPrivPem]) {
      await page.setInputFiles('#reh-kek-file', other);
      await page.locator('#reh-kek-found').waitFor({ state: 'visible' });
      await page.click('#reh-check');
      await page.locator('#reh-kek-file-error').waitFor({ state: 'visible' });
      const expected = libraryMessage(() => unwrapByok(readByok(rsaBytes), new Uint8Array(readFileSync(other))));
      expect(await page.textContent('#reh-kek-file-error')).toBe(expected);
      expect(await page.locator('#reh-result').isHidden()).toBe(true);
    }
    await page.click('#reh-clear');
    expect(await page.evaluate(() => ['reh-byok-file', 'reh-kek-file', 'reh-key-file'].map((id) => (document.getElementById(id) as HTMLInputElement).value))).toEqual(['', '', '']);
  });

  it('makes no request but for the page itself and stores nothing', async () => {
    const others = browser.requests.filter((u) => u !== pageUrl);
    // Downloads of blob: URLs the page made itself are not network requests; list them apart.
    const network = others.filter((u) => !u.startsWith('blob:'));
    console.log(`browser requests: ${browser.requests.length} in all — the page ${browser.requests.filter((u) => u === pageUrl).length}×, blob: downloads ${others.length - network.length}, anything else ${network.length}`);
    expect(network).toEqual([]);
    expect(browser.requests.filter((u) => u === pageUrl).length).toBe(1);
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
      idb: typeof indexedDB.databases === 'function' ? (await indexedDB.databases()).length : 0,
      caches: typeof caches === 'undefined' ? 0 : (await caches.keys()).length,
    }));
    expect(stored).toEqual({ local: 0, session: 0, cookie: '', idb: 0, caches: 0 });
    expect(await browser.context.cookies()).toEqual([]);
  });
});

describe.skipIf(!RUN)('the page\'s Content-Security-Policy', () => {
  let server: Server;
  let origin: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
      res.end('reached');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** Tries fetch, an image, a WebSocket, eval and an injected inline script from the current page. */
  async function attempts(p: Page, tag: string): Promise<{ fetch: string; eval: string; script: string; violations: string[] }> {
    return p.evaluate(async ({ origin: o, tag: t }) => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const fetched = await fetch(`${o}/fetch-${t}`).then((r) => r.text(), (e: unknown) => `refused: ${String(e)}`);
      const img = new Image();
      img.src = `${o}/img-${t}`;
      try {
        const ws = new WebSocket(`${o.replace('http', 'ws')}/ws-${t}`);
        ws.onerror = () => undefined;
      } catch {
        // refused synchronously
      }
      // Code from a string, run by the page itself (DevTools evaluations may bypass the CSP, page timers do not).
      let evaluated = 'not run';
      try {
        (setTimeout as (code: string, ms: number) => number)('document.documentElement.dataset.evaluated = "yes"', 0);
      } catch (e) {
        evaluated = `refused: ${(e as Error).name}`;
      }
      let scripted = 'not run';
      try {
        const s = document.createElement('script');
        s.textContent = 'document.documentElement.dataset.injected = "yes"';
        document.body.append(s);
      } catch (e) {
        scripted = `refused: ${(e as Error).name}`;
      }
      await new Promise((r) => setTimeout(r, 500));
      if (document.documentElement.dataset['injected'] === 'yes') scripted = 'ran';
      if (document.documentElement.dataset['evaluated'] === 'yes') evaluated = 'ran';
      return { fetch: fetched, eval: evaluated, script: scripted, violations };
    }, { origin, tag });
  }

  it('positive control: the same attempts reach a local server from a file:// page without the CSP', async () => {
    const control = write('control.html', '<!doctype html><title>control</title><body>control</body>');
    const p = await browser.context.newPage();
    await p.goto(`file://${control}`);
    const r = await attempts(p, 'control');
    await p.close();
    expect(r.fetch).toBe('reached');
    expect(r.eval).toBe('ran');
    expect(r.script).toBe('ran');
    expect(hits).toContain('/fetch-control');
  });

  it('blocks fetch, images, WebSockets, eval and injected scripts from the tool\'s page', async () => {
    const before = hits.length;
    const p = await browser.context.newPage();
    await p.goto(pageUrl);
    await p.locator('html[data-ready="true"]').waitFor({ state: 'attached' });
    const r = await attempts(p, 'byok');
    const csp = await p.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    await p.close();
    expect(hits.slice(before)).toEqual([]);
    expect(r.fetch).toMatch(/^refused: TypeError/);
    console.log(`CSP: ${JSON.stringify(r)}`);
    expect(r.eval).not.toBe('ran');
    expect(r.script).not.toBe('ran');
    // fetch and WebSocket (connect-src), the image (img-src); code from strings and the injected script are
    // stopped by Trusted Types before script-src is consulted.
    expect(r.violations.filter((v) => v === 'connect-src').length).toBe(2);
    expect(r.violations).toEqual(expect.arrayContaining(['img-src', 'require-trusted-types-for']));
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]{43}=' 'wasm-unsafe-eval'; style-src 'sha256-[A-Za-z0-9+/]{43}='; connect-src 'none'; form-action 'none'; base-uri 'none'/);
  });
});

describe.skipIf(!RUN)('200% zoom', () => {
  it('a 1280-pixel window at 200% (640 CSS pixels, scale 2) needs no horizontal scrolling', async () => {
    const b = await launchChromium({ viewport: { width: 640, height: 900 }, deviceScaleFactor: 2 });
    try {
      await b.page.goto(pageUrl);
      await b.page.locator('html[data-ready="true"]').waitFor({ state: 'attached' });
      const p = page;
      page = b.page; // loadKek/loadKey act on `page`
      try {
        await loadKek(kekPem);
        await page.fill('#kek-kid', KID);
        await page.locator('#kek-kid').dispatchEvent('change');
        await loadKey(targets[0] as Target);
      } finally {
        page = p;
      }
      const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await b.page.screenshot({ path: artifactPath('byok-page-200pct.png'), fullPage: true });
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await b.close();
    }
  });
});
