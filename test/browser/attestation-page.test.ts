// Issue 15 in the browser tool: dist/byok.html (Chromium, file://) takes a Managed HSM key attestation in
// its KEK step with the root certificates and pins, shows the library's verdict in the CLI's words, and
// accepts the KEK only when the attestation verifies for exactly that key and kid: then a wrap goes
// through (node:crypto opens the download); an attestation of another key, an unreadable one, a bad pin
// or a Cloud KMS attestation leaves the Wrap button disabled with the reason shown.
import { constants, createDecipheriv, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZURE } from '../../src/attest/azure.js';
import { attestationReport } from '../../src/attest/report.js';
import { verifyAttestationWith } from '../../src/attest/verify.js';
import { azureAttestation, gcpAttestation, preparePki, rsaKek, testAnchors, testRoots, KID } from '../helpers/attestation.js';
import { builtPage, launchChromium, requireChromium, type Browser } from '../helpers/chromium.js';
import { tempDir } from '../helpers/cli.js';

const RUN = requireChromium();

let tmp: ReturnType<typeof tempDir>;
let browser: Browser;
const files: Record<string, string> = {};
let kekPrivate: ReturnType<typeof generateKeyPairSync>['privateKey'];
let pins: string;

function write(name: string, data: string | Uint8Array): string {
  const p = tmp.path(name);
  writeFileSync(p, data);
  return p;
}

beforeAll(async () => {
  if (!RUN) return;
  await preparePki();
  tmp = tempDir('byok-browser-attest-');
  // A real KEK this time, so that node:crypto can open what the page wraps for it.
  const kek = generateKeyPairSync('rsa', { modulusLength: 2048 });
  kekPrivate = kek.privateKey;
  const jwk = kek.publicKey.export({ format: 'jwk' });
  const key = { kind: 'rsa' as const, n: Buffer.from(jwk.n!, 'base64url'), e: Buffer.from(jwk.e!, 'base64url') };
  const good = azureAttestation({ key });
  files['kek'] = write('kek-show.json', JSON.stringify({ key: good.json['key'] }));
  files['att'] = write('att.json', JSON.stringify(good.json));
  files['other'] = write('att-other-key.json', JSON.stringify(azureAttestation({ key: rsaKek(2048) }).json));
  files['gcp'] = write('import-job.json', JSON.stringify(gcpAttestation().json));
  files['junk'] = write('junk.json', 'hello');
  files['huge'] = write('huge.json', Buffer.alloc(1024 * 1024 + 1, 0x20));
  files['roots'] = write('roots.pem', testRoots());
  files['target'] = write('target.pem', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  pins = [...testAnchors().marvell, ...testAnchors().google].join(', ');
  browser = await launchChromium();
  browser.page.on('pageerror', (e) => {
    throw new Error(`uncaught error in the page: ${e.message}`);
  });
  await browser.page.goto(builtPage().url);
  await browser.page.locator('html[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  tmp?.cleanup();
});

describe.skipIf(!RUN)('byok.html: the KEK step takes a key attestation', () => {
  it('verifies it, shows the verdict in the CLI words, and a wrap for the attested KEK opens with node:crypto', async () => {
    const page = browser.page;
    await page.setInputFiles('#kek-file', files['kek']!);
    await page.locator('#kek-ok').waitFor({ state: 'visible' });
    expect(await page.textContent('#kek-ok')).not.toContain('attestation');
    await page.click('#kek-attest summary');
    await page.fill('#kek-pins', pins);
    await page.locator('#kek-pins').dispatchEvent('change');
    await page.setInputFiles('#kek-roots-file', files['roots']!);
    await page.setInputFiles('#kek-att-file', files['att']!);
    await page.locator('#kek-att-result').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.getElementById('kek-ok')?.textContent?.includes('Its key attestation verifies.'));
    // The same words as the library (and so as `byok attest`).
    const lib = attestationReport(verifyAttestationWith([AZURE], new Uint8Array(readFileSync(files['att']!)), {
      kek: new Uint8Array(readFileSync(files['kek']!)), roots: [testRoots()], anchors: { marvell: testAnchors().marvell.concat(testAnchors().google), google: testAnchors().marvell.concat(testAnchors().google) },
    }));
    expect(await page.textContent('#kek-att-verdict')).toBe(lib[0]);
    expect(lib[0]).toMatch(/^VERIFIED: Azure Managed HSM key attestation \(MRVL-1\) of an RSA-2048 key/);
    expect(await page.getAttribute('#kek-att-verdict', 'class')).toBe('ok');
    const report = await page.textContent('#kek-att-report');
    expect(report).toContain('HSM mode: non-FIPS');
    expect(report).toMatch(/ok {4}the KEK given is the attested key \(modulus and exponent equal\)/);
    expect(report).toMatch(/ok {4}attested ID "\/keys\/KEKforBYOK\/[0-9a-f]{32}" is the path of the kid/);

    await page.setInputFiles('#key-file', files['target']!);
    await page.locator('#key-details').waitFor({ state: 'visible' });
    expect(await page.isDisabled('#wrap')).toBe(false);
    const wait = page.waitForEvent('download');
    await page.click('#wrap');
    const download = await wait;
    const saved = tmp.path('wrapped.byok');
    await download.saveAs(saved);
    const file = JSON.parse(readFileSync(saved, 'utf8')) as { header: { kid: string }; ciphertext: string };
    expect(file.header.kid).toBe(KID);
    const ct = Buffer.from(file.ciphertext, 'base64url');
    const aes = privateDecrypt({ key: kekPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ct.subarray(0, 256));
    const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
    expect(Buffer.concat([d.update(ct.subarray(256)), d.final()]).length).toBeGreaterThan(100);
  });

  it('an attestation of another key: NOT VERIFIED, the KEK is not accepted, Wrap stays disabled', async () => {
    const page = browser.page;
    await page.setInputFiles('#key-file', files['target']!);
    await page.locator('#key-details').waitFor({ state: 'visible' });
    await page.setInputFiles('#kek-att-file', files['other']!);
    await page.waitForFunction(() => document.getElementById('kek-att-verdict')?.textContent?.startsWith('NOT VERIFIED'));
    expect(await page.getAttribute('#kek-att-verdict', 'class')).toBe('error');
    expect(await page.textContent('#kek-att-report')).toMatch(/FAIL {2}the KEK given \(RSA-2048\) is NOT the attested key/);
    expect(await page.locator('#kek-ok').isHidden()).toBe(true);
    expect(await page.isDisabled('#wrap')).toBe(true);
  });

  it('an unreadable attestation, a Cloud KMS one, a bad pin: the reason next to the field, Wrap disabled', async () => {
    const page = browser.page;
    await page.setInputFiles('#kek-att-file', files['huge']!);
    await page.locator('#kek-att-file-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#kek-att-file-error')).toMatch(/is 1048577 bytes, more than the 1048576 this tool reads/);
    expect(await page.textContent('#kek-att-verdict')).toMatch(/could not be read, so this KEK is not accepted/);
    expect(await page.isDisabled('#wrap')).toBe(true);
    await page.setInputFiles('#kek-att-file', files['junk']!);
    await page.locator('#kek-att-file-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#kek-att-file-error')).toMatch(/^input: not JSON; give the JSON the cloud returned/);
    expect(await page.isDisabled('#wrap')).toBe(true);
    await page.setInputFiles('#kek-att-file', files['gcp']!);
    await page.waitForFunction(() => document.getElementById('kek-att-file-error')?.textContent?.includes('Google Cloud KMS'));
    expect(await page.textContent('#kek-att-file-error')).toMatch(/a Google Cloud KMS attestation, which this tool does not verify: use byok attest/);
    await page.setInputFiles('#kek-att-file', files['att']!);
    await page.fill('#kek-pins', 'not a pin');
    await page.locator('#kek-pins').dispatchEvent('change');
    await page.locator('#kek-pins-error').waitFor({ state: 'visible' });
    expect(await page.textContent('#kek-pins-error')).toMatch(/expected SHA-256 values of 64 hexadecimal digits/);
    expect(await page.isDisabled('#wrap')).toBe(true);
    await page.fill('#kek-pins', pins);
    await page.locator('#kek-pins').dispatchEvent('change');
    await page.waitForFunction(() => document.getElementById('kek-ok')?.textContent?.includes('Its key attestation verifies.'));
    expect(await page.locator('#kek-pins-error').isHidden()).toBe(true);
    expect(await page.isDisabled('#wrap')).toBe(false);
  });
});
