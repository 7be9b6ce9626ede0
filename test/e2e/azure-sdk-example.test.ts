// examples/azure-import.mjs, run as a user runs it, against `byok serve`: the real @azure/identity
// (DefaultAzureCredential from the environment, through the server's ADFS-style authority) and
// @azure/keyvault-keys fetch the KEK, check its fingerprint, import what the toolkit wrapped, and the
// server — which opens the blob with node:crypto — holds exactly the key the script was given.
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { KeyClient } from '@azure/keyvault-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/serve.js';

describe('examples/azure-import.mjs against byok serve', () => {
  const tmp = tempDir('byok-example-');
  let t: TestServer;
  let client: KeyClient;
  const kekPublic = { n: '', e: '' };

  beforeAll(async () => {
    requireBuiltCli(); // the example imports 'byok-toolkit', i.e. this package's dist/
    t = await startTestServer();
    const cred = new ClientSecretCredential(t.admin.tenantId, t.admin.clientId, t.admin.clientSecret, { authorityHost: t.url, disableInstanceDiscovery: true, tlsOptions: { ca: t.ca } });
    client = new KeyClient(t.url, cred, { disableChallengeResourceVerification: true, tlsOptions: { ca: t.ca }, retryOptions: { maxRetries: 0 } });
    const kek = await client.createRsaKey('KEKforBYOK', { hsm: true, keySize: 3072, keyOps: ['import'] });
    kekPublic.n = Buffer.from(kek.key!.n!).toString('base64url');
    kekPublic.e = Buffer.from(kek.key!.e!).toString('base64url');
  });
  afterAll(async () => {
    await t?.stop();
    tmp.cleanup();
  });

  function runExample(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'examples/azure-import.mjs'), ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env, NODE_NO_WARNINGS: '1', NODE_EXTRA_CA_CERTS: join(t.dir, 'ca.pem'),
        AZURE_TENANT_ID: 'adfs', AZURE_CLIENT_ID: t.admin.clientId, AZURE_CLIENT_SECRET: t.admin.clientSecret, AZURE_AUTHORITY_HOST: t.url,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    return new Promise((res) => child.on('exit', (code) => res({ code, out, err })));
  }

  it('imports the key after the fingerprint matches, and the HSM holds that key', async () => {
    const target = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const keyFile = tmp.path('signing.pem');
    writeFileSync(keyFile, target.privateKey.export({ type: 'sec1', format: 'pem' }) as string);
    const { createPublicKey } = await import('node:crypto');
    const spki = createPublicKey({ key: { kty: 'RSA', ...kekPublic }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    const fingerprint = createHash('sha256').update(spki).digest('hex'); // as sha256sum prints it
    const r = await runExample(['--vault', t.url, '--kek', 'KEKforBYOK', '--key', keyFile, '--name', 'signing-key', '--fingerprint', fingerprint]);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(`SHA-256    ${fingerprint}`);
    expect(r.out).toMatch(new RegExp(`imported   ${t.url}/keys/signing-key/[0-9a-f]{32}`));
    const imported = await client.getKey('signing-key');
    expect(imported.keyType).toBe('EC-HSM');
    expect(imported.keyOperations).toEqual(['sign', 'verify']);
    const jwk = target.publicKey.export({ format: 'jwk' });
    expect([imported.key!.crv, Buffer.from(imported.key!.x!).toString('base64url'), Buffer.from(imported.key!.y!).toString('base64url')]).toEqual([jwk.crv, jwk.x, jwk.y]);
  });

  it('sends nothing when the fingerprint does not match', async () => {
    const keyFile = tmp.path('other.pem');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string);
    const r = await runExample(['--vault', t.url, '--kek', 'KEKforBYOK', '--key', keyFile, '--name', 'not-sent', '--fingerprint', 'AB12 CD34']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/fingerprint not confirmed: nothing was wrapped or sent/);
    const names: string[] = [];
    for await (const p of client.listPropertiesOfKeys()) names.push(p.name);
    expect(names).not.toContain('not-sent');
  });
});
