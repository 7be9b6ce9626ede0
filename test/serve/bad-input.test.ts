// Bad input on every route of `byok serve`: bodies that are not JSON or not objects, fields of the wrong
// type, a body over the limit, unknown or missing API versions, path tricks in key names. Each gets the
// service's error shape (code, message ending with the Activity ID that x-ms-request-id carries) and
// never a crash or a partial key: afterwards the server still answers and the key folder is unchanged.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/serve/index.js';
import { byok, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { call, startTestServer, tokenFor, type HttpReply, type TestServer } from '../helpers/serve.js';

const V = 'api-version=7.6';
const VERSION = '0123456789abcdef0123456789abcdef';
const GUID = '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** Every route that reads a body, with its method and path. */
const BODY_ROUTES: readonly [string, string][] = [
  ['POST', '/keys/k1/create'], ['PUT', '/keys/k1'], ['PATCH', '/keys/k1'], ['PATCH', `/keys/k1/${VERSION}`], ['POST', '/rng'],
  ...['sign', 'verify', 'encrypt', 'decrypt', 'wrapkey', 'unwrapkey'].map((op) => ['POST', `/keys/k1/${VERSION}/${op}`] as [string, string]),
  ['PUT', `/providers/Microsoft.Authorization/roleAssignments/${GUID}`], ['PUT', `/providers/Microsoft.Authorization/roleDefinitions/${GUID}`],
];
const OTHER_ROUTES: readonly [string, string][] = [
  ['GET', '/keys'], ['GET', '/keys/k1'], ['GET', `/keys/k1/${VERSION}`], ['GET', '/keys/k1/versions'], ['DELETE', '/keys/k1'],
  ['GET', '/deletedkeys'], ['GET', '/deletedkeys/k1'], ['DELETE', '/deletedkeys/k1'], ['POST', '/deletedkeys/k1/recover'],
  ['GET', '/providers/Microsoft.Authorization/roleAssignments'], ['GET', `/providers/Microsoft.Authorization/roleAssignments/${GUID}`],
  ['DELETE', `/providers/Microsoft.Authorization/roleAssignments/${GUID}`], ['GET', '/providers/Microsoft.Authorization/roleDefinitions'],
  ['DELETE', `/providers/Microsoft.Authorization/roleDefinitions/${GUID}`],
];

function expectServiceError(r: HttpReply, status: number, code?: string): void {
  expect(r.status).toBe(status);
  const e = r.json<{ error: { code: string; message: string } }>().error;
  expect(typeof e.code).toBe('string');
  if (code) expect(e.code).toBe(code);
  expect(e.message).toMatch(new RegExp(`\\(Activity ID: ${String(r.headers['x-ms-request-id'])}\\)$`));
}

describe('byok serve refuses bad input on every route with the service\'s error shape', () => {
  let t: TestServer;
  let token: string;
  let keysBefore: string[];
  const req = (method: string, path: string, body?: unknown): Promise<HttpReply> => call(t.url, t.ca, method, path, { token, body });

  beforeAll(async () => {
    t = await startTestServer();
    token = await tokenFor(t.url, t.ca, t.admin);
    expect((await req('POST', `/keys/k1/create?${V}`, { kty: 'EC-HSM' })).status).toBe(200);
    keysBefore = readdirSync(join(t.dir, 'keys')).sort();
  });
  afterAll(() => t?.stop());

  it('bodies that are not JSON objects', async () => {
    for (const [method, path] of BODY_ROUTES) {
      for (const body of ['not json', '[1,2]', 'null', '"text"', '{"a":', '']) {
        const r = await req(method, `${path}?${V}`, body);
        expect([method, path, body, r.status]).toEqual([method, path, body, 400]);
        expectServiceError(r, 400, 'BadParameter');
      }
    }
  });

  it('fields of the wrong type', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/keys/k2/create', { kty: 5 }], ['POST', '/keys/k2/create', { kty: 'RSA', key_size: '2048' }],
      ['POST', '/keys/k2/create', { kty: 'RSA', key_size: 1024 }], ['POST', '/keys/k2/create', { kty: 'EC', crv: 'P-192' }],
      ['POST', '/keys/k2/create', { kty: 'EC', key_ops: 'sign' }], ['POST', '/keys/k2/create', { kty: 'EC', key_ops: ['encrypt'] }],
      ['POST', '/keys/k2/create', { kty: 'RSA', key_ops: ['import', 'sign'] }], ['POST', '/keys/k2/create', { kty: 'oct', attributes: [] }],
      ['POST', '/keys/k2/create', { kty: 'oct', attributes: { enabled: 'yes' } }], ['POST', '/keys/k2/create', { kty: 'oct', tags: { a: 1 } }],
      ['POST', '/keys/k2/create', { kty: 'oct', attributes: { exp: -1 } }], ['POST', '/keys/k2/create', { kty: 'oct', release_policy: {} }],
      ['PUT', '/keys/k2', { key: 'x' }], ['PUT', '/keys/k2', { key: { kty: 'RSA' } }], ['PUT', '/keys/k2', { key: { kty: 'EC-HSM', key_hsm: 42 } }],
      ['PUT', '/keys/k2', { key: { kty: 'EC-HSM', key_hsm: 'bm90IGpzb24' } }], ['PUT', '/keys/k2', { key: { kty: 'oct-HSM', key_hsm: Buffer.from('{"schema_version":"1.0.0"}').toString('base64url') } }],
      ['PUT', '/keys/k2', { key: { kty: 'oct', k: 'AAAA' } }], ['PUT', '/keys/k2', { key: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: 'AA' } }],
      ['PUT', '/keys/k2', { key: { kty: 'oct-HSM', k: 'AAAAAAAAAAAAAAAAAAAAAA' }, Hsm: 'yes' }],
      ['PATCH', '/keys/k1', { key_ops: ['encrypt'] }], ['PATCH', '/keys/k1', { attributes: { nbf: 'soon' } }],
      ['POST', '/keys/k1/sign', { alg: 'ES256' }], ['POST', '/keys/k1/sign', { alg: 7, value: 'AA' }], ['POST', '/keys/k1/sign', { alg: 'ES256', value: '!!' }],
      ['POST', '/keys/k1/sign', { alg: 'ES256', value: 'AAAA' }], ['POST', '/keys/k1/sign', { alg: 'RS256', value: 'AAAA' }], ['POST', '/keys/k1/verify', { alg: 'ES256', value: 'AAAA' }],
      ['POST', '/rng', { count: 0 }], ['POST', '/rng', { count: 129 }], ['POST', '/rng', { count: '8' }],
      ['PUT', `/providers/Microsoft.Authorization/roleAssignments/${GUID}`, { properties: { principalId: 5 } }],
      ['PUT', `/providers/Microsoft.Authorization/roleAssignments/${GUID}`, { properties: { principalId: 'x', roleDefinitionId: 'nope' } }],
      ['PUT', `/providers/Microsoft.Authorization/roleDefinitions/${GUID}`, { properties: { roleName: 'r', permissions: [{ dataActions: ['*'] }] } }],
      ['PUT', `/providers/Microsoft.Authorization/roleDefinitions/${GUID}`, { properties: { roleName: 'r', permissions: 'all' } }],
    ];
    for (const [method, path, body] of cases) {
      const r = await req(method, `${path}?${V}`, body);
      expect([path, JSON.stringify(body), r.status]).toEqual([path, JSON.stringify(body), 400]);
      expectServiceError(r, 400);
    }
  });

  it('a body over the limit', async () => {
    const huge = JSON.stringify({ kty: 'oct', tags: { a: 'x'.repeat(2 * 1024 * 1024) } });
    for (const [method, path] of [['POST', '/keys/k3/create'], ['PUT', '/keys/k3'], ['POST', `/keys/k1/${VERSION}/sign`]] as const) {
      const r = await req(method, `${path}?${V}`, huge);
      expectServiceError(r, 413, 'RequestEntityTooLarge');
    }
  });

  it('unknown and missing API versions', async () => {
    for (const [method, path] of [...BODY_ROUTES, ...OTHER_ROUTES]) {
      for (const q of ['?api-version=7.9', '?api-version=abc', '', '?api-version=']) {
        const r = await req(method, `${path}${q}`, method === 'GET' || method === 'DELETE' ? undefined : { kty: 'oct' });
        expectServiceError(r, 400, 'BadParameter');
        expect(r.json<{ error: { message: string } }>().error.message).toMatch(q.length > 13 ? /The specified version \(.+\) is not recognized/ : /api-version query parameter is required/);
      }
    }
    // what the SDK sends: the query key percent-encoded
    expect((await req('GET', '/keys/k1?api%2Dversion=2025-07-01')).status).toBe(200);
    expect((await req('GET', '/keys/k1?api-version=7.6-preview.2')).status).toBe(200);
  });

  it('path tricks in key names, and unknown paths and methods', async () => {
    const tricks = [
      '/keys/..%2F..%2Fprivate%2Fmaster/create', '/keys/a%2Fb/create', '/keys/%2e%2e/create', '/keys/../private/create', '/keys/./k1',
      '/keys/a.b/create', '/keys/a_b', `/keys/${'a'.repeat(128)}/create`, '/keys/k1%00/create', '/keys/k1\\..\\x/create', '/deletedkeys/..%2Fk1',
    ];
    for (const p of tricks) {
      const r = await req('POST', `${p}?${V}`, { kty: 'oct' });
      expect([p, r.status]).toEqual([p, 400]);
      expectServiceError(r, 400, 'BadParameter');
    }
    expectServiceError(await req('GET', `/secrets/s1?${V}`), 404, 'NotFound');
    expectServiceError(await req('GET', `/keys/k1/${VERSION}/sign/extra?${V}`), 404, 'NotFound');
    expectServiceError(await req('POST', `/keys/k1?${V}`, {}), 405, 'MethodNotAllowed');
    expectServiceError(await req('GET', `/keys/k1/create?${V}`), 405, 'MethodNotAllowed');
    expectServiceError(await req('GET', `/keys/missing?${V}`), 404, 'KeyNotFound');
    expectServiceError(await req('GET', `/keys/k1/${'f'.repeat(32)}?${V}`), 404, 'KeyNotFound');
  });

  it('bad token requests get Entra\'s OAuth error shape', async () => {
    const form = (f: Record<string, string>): Promise<HttpReply> =>
      call(t.url, t.ca, 'POST', `/${t.admin.tenantId}/oauth2/v2.0/token`, { body: new URLSearchParams(f).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    for (const [f, error] of [
      [{ grant_type: 'password' }, 'unsupported_grant_type'],
      [{ grant_type: 'client_credentials', client_id: t.admin.clientId }, 'invalid_client'],
      [{ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x', scope: 'https://managedhsm.azure.net/.default' }, 'invalid_client'],
      [{ grant_type: 'client_credentials', client_id: t.admin.clientId, client_secret: t.admin.clientSecret, scope: 'openid' }, 'invalid_scope'],
    ] as const) {
      const r = await form(f);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.json()).toMatchObject({ error, error_description: expect.stringMatching(/^AADSTS\d+: /) });
    }
    const wrongTenant = await call(t.url, t.ca, 'GET', '/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration');
    expect(wrongTenant.json()).toMatchObject({ error: 'invalid_tenant' });
  });

  it('the CLI: a port in use, and misplaced options, are bad usage (exit 2), one line, no stack', () => {
    requireBuiltCli();
    const tmp = tempDir('byok-serve-port-');
    try {
      const r = byok(['serve', '--data', tmp.path('hsm'), '--port', new URL(t.url).port]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^byok serve: cannot listen on 127\.0\.0\.1:\d+: the port is in use .*--port: see 'byok serve --help'\n$/);
      expect(byok(['serve', '--data', tmp.path('hsm'), '--name', 'x']).stderr).toMatch(/--name belongs to 'byok serve principal add'/);
      expect(byok(['serve', 'principal', 'remove', '--data', tmp.path('hsm')]).stderr).toMatch(/unknown subcommand "principal remove"/);
      expect(byok(['serve']).stderr).toMatch(/missing --data DIR/);
    } finally {
      tmp.cleanup();
    }
  });

  it('one server per data folder: a second start is refused (in process and from the CLI); a dead server\'s lock is taken over', async () => {
    requireBuiltCli();
    await expect(startServer({ dataDir: t.dir, port: 0 })).rejects.toMatchObject({ code: 'SERVE_DATA', message: expect.stringMatching(/is in use by another byok serve \(process \d+\): stop it first/) });
    const r = byok(['serve', '--data', t.dir, '--port', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^byok serve: data folder .* is in use by another byok serve \(process \d+\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // a lock left by a process that is gone (kill -9) does not keep the folder locked
    const tmp = tempDir('byok-serve-lock-');
    try {
      const first = await startServer({ dataDir: tmp.path('hsm'), port: 0 });
      await first.close();
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(join(tmp.path('hsm'), 'private', 'serve.lock'), `${gone.stdout}\n`);
      const again = await startServer({ dataDir: tmp.path('hsm'), port: 0 });
      expect(readFileSync(join(tmp.path('hsm'), 'private', 'serve.lock'), 'utf8')).toBe(`${process.pid}\n`);
      await again.close();
      expect(existsSync(join(tmp.path('hsm'), 'private', 'serve.lock'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });

  it('is still serving, and no key was made or changed by any of it', async () => {
    const r = await req('GET', `/keys?${V}`);
    expect(r.json<{ value: { kid: string }[] }>().value.map((k) => k.kid)).toEqual([`${t.url}/keys/k1`]);
    expect(readdirSync(join(t.dir, 'keys')).sort()).toEqual(keysBefore);
    expect(readdirSync(t.dir).sort()).toEqual(['admin.json', 'audit', 'ca.pem', 'keys', 'principals', 'private', 'rbac', 'server.json', 'tls-cert.pem']);
  });
});
