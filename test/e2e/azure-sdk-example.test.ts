// examples/azure-import.mjs against a stand-in Key Vault: a local HTTPS server that speaks the REST
// calls the real @azure/keyvault-keys makes (challenge auth, GET key, PUT key). It checks what reaches the
// wire: `key_hsm` is the unpadded base64url of the exact .byok bytes, `kty` carries -HSM, and the blob
// opens (node:crypto) with the KEK's private key to the key the script was given.
import { spawn, spawnSync } from 'node:child_process';
import {
  constants, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, type KeyObject,
} from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { opensslUsable } from '../helpers/openssl-recipe.js';
import { requireTool } from '../helpers/tools.js';

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
const HAVE_OPENSSL = requireTool('OpenSSL 3 CLI (test certificate)', opensslUsable(), 'apt-get install openssl');

interface Seen { method: string; path: string; auth: boolean; body?: Record<string, unknown> }

describe.skipIf(!HAVE_OPENSSL)('examples/azure-import.mjs with @azure/keyvault-keys', () => {
  let tmp: ReturnType<typeof tempDir>;
  let server: Server;
  let port: number;
  const seen: Seen[] = [];
  const kek = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const target = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let opened: KeyObject | undefined;

  beforeAll(async () => {
    requireBuiltCli();
    tmp = tempDir('byok-sdk-');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', tmp.path('tls.key'), '-out', tmp.path('tls.crt')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const jwk = kek.publicKey.export({ format: 'jwk' });
    server = createServer({ key: readFileSync(tmp.path('tls.key')), cert: readFileSync(tmp.path('tls.crt')) }, (req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => {
        const path = (req.url ?? '').split('?')[0]!;
        const auth = req.headers.authorization === 'Bearer fake-token';
        seen.push({ method: req.method ?? '', path, auth, ...(data ? { body: JSON.parse(data) as Record<string, unknown> } : {}) });
        const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        if (!auth) {
          send(401, { error: { code: 'Unauthorized' } }, { 'www-authenticate': 'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"' });
          return;
        }
        const attributes = { enabled: true, created: 1764000000, updated: 1764000000, recoveryLevel: 'Recoverable+Purgeable' };
        if (req.method === 'GET' && /^\/keys\/KEKforBYOK\/?$/.test(path)) {
          send(200, { key: { kid: KID, kty: 'RSA-HSM', key_ops: ['import'], n: jwk.n, e: jwk.e }, attributes });
          return;
        }
        const put = /^\/keys\/([\w-]+)$/.exec(path);
        if (req.method === 'PUT' && put) {
          // What Azure does with key_hsm: decode, read the .byok, open it with the KEK inside the HSM.
          const key = (JSON.parse(data) as { key: { kty: string; crv?: string; key_ops: string[]; key_hsm: string } }).key;
          const file = JSON.parse(Buffer.from(key.key_hsm, 'base64url').toString('utf8')) as { header: { kid: string }; ciphertext: string };
          const ct = Buffer.from(file.ciphertext, 'base64url');
          const aes = privateDecrypt({ key: kek.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ct.subarray(0, 256));
          const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
          const pkcs8 = Buffer.concat([d.update(ct.subarray(256)), d.final()]);
          opened = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
          const pub = opened.export({ format: 'jwk' });
          send(200, { key: { kid: `https://contoso-byok.vault.azure.net/keys/${put[1]}/0123456789abcdef0123456789abcdef`, kty: key.kty, crv: pub.crv, x: pub.x, y: pub.y, key_ops: key.key_ops }, attributes });
          return;
        }
        send(404, { error: { code: 'NotFound' } });
      });
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    port = (server.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    await new Promise((res) => server?.close(res));
    tmp?.cleanup();
  });

  it('fetches the KEK, checks its fingerprint, wraps locally and imports through the SDK', async () => {
    const keyFile = tmp.path('signing.pem');
    writeFileSync(keyFile, target.privateKey.export({ type: 'sec1', format: 'pem' }) as string);
    // A driver in a child process: the example resolves 'byok-toolkit' (this package, built) and the SDK.
    // It lives inside the checkout (git-ignored test-artifacts/) so that node_modules resolve.
    mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
    const driverDir = mkdtempSync(join(REPO_ROOT, 'test-artifacts', 'sdk-'));
    const driver = join(driverDir, 'driver.mjs');
    writeFileSync(driver, `
import { readFileSync } from 'node:fs';
import { KeyClient } from '@azure/keyvault-keys';
import { importByok } from ${JSON.stringify(`${REPO_ROOT}/examples/azure-import.mjs`)};
const credential = { getToken: async () => ({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3600_000 }) };
const client = new KeyClient('https://127.0.0.1:${port}', credential, { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
const fingerprints = [];
const { imported } = await importByok({
  client, kekName: 'KEKforBYOK', keyBytes: new Uint8Array(readFileSync(${JSON.stringify(keyFile)})), keyName: 'signing-key',
  confirmFingerprint: async (fp) => { fingerprints.push(fp); return true; }, log: () => {},
});
console.log(JSON.stringify({ id: imported.id, keyType: imported.keyType, ops: imported.keyOperations, fingerprints }));
`);
    const child = spawn(process.execPath, [driver], { cwd: REPO_ROOT, env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    rmSync(driverDir, { recursive: true, force: true });
    expect([code, err]).toEqual([0, '']);
    const result = JSON.parse(out) as { id: string; keyType: string; ops: string[]; fingerprints: string[] };
    expect(result.keyType).toBe('EC-HSM');
    expect(result.ops).toEqual(['sign', 'verify']);
    expect(result.id).toMatch(/\/keys\/signing-key\//);
    // the fingerprint shown for confirmation is SHA-256 of the KEK's SPKI
    const { createHash } = await import('node:crypto');
    const fp = createHash('sha256').update(kek.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    expect(result.fingerprints).toEqual([fp]);

    // On the wire: authenticated PUT with key_hsm = unpadded base64url of a .byok for this KEK's kid.
    const put = seen.find((s) => s.method === 'PUT' && s.auth)!;
    const key = (put.body as { key: { kty: string; crv: string; key_ops: string[]; key_hsm: string } }).key;
    expect(key.kty).toBe('EC-HSM');
    expect(key.crv).toBe('P-256');
    expect(key.key_hsm).toMatch(/^[A-Za-z0-9_-]+$/);
    const file = JSON.parse(Buffer.from(key.key_hsm, 'base64url').toString('utf8')) as { schema_version: string; header: { kid: string; alg: string; enc: string } };
    expect(file).toMatchObject({ schema_version: '1.0.0', header: { kid: KID, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' } });
    expect(opened!.export({ type: 'spki', format: 'der' }).equals(target.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    // the payload never travelled unauthenticated (the SDK strips the body on its challenge round)
    expect(seen.filter((s) => !s.auth && s.body !== undefined && 'key' in s.body)).toEqual([]);
  }, 60_000);
});
