// Local RBAC and the audit log of `byok serve`: principals added with the CLI while the server runs, the
// built-in roles' limits (a Crypto Auditor reads but cannot create, import or sign; a Crypto User scoped
// to one key cannot touch another), role assignments over REST, every refusal in the audit log, and
// `byok serve audit verify` finding an edited and a removed line.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKek, wrapForAzure } from '../../src/index.js';
import { BUILT_IN_ROLES } from '../../src/serve/index.js';
import { byok, requireBuiltCli } from '../helpers/cli.js';
import { call, startTestServer, tokenFor, type Principal, type TestServer } from '../helpers/serve.js';

const V = 'api-version=7.6';

describe('byok serve local RBAC and audit log', () => {
  let t: TestServer;
  let admin: string;
  let kekKid: string;
  let kekJwk: { n: string; e: string };
  const principal = (name: string): Principal => JSON.parse(readFileSync(join(t.dir, 'principals', `${name}.json`), 'utf8')) as Principal;
  const auditLines = (): Record<string, unknown>[] => readdirSync(join(t.dir, 'audit')).filter((f) => f.endsWith('.jsonl')).sort()
    .flatMap((f) => readFileSync(join(t.dir, 'audit', f), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>));

  beforeAll(async () => {
    requireBuiltCli();
    t = await startTestServer();
    admin = await tokenFor(t.url, t.ca, t.admin);
    const kek = await call(t.url, t.ca, 'POST', `/keys/KEK/create?${V}`, { token: admin, body: { kty: 'RSA-HSM', key_size: 2048, key_ops: ['import'] } });
    expect(kek.status).toBe(200);
    kekKid = kek.json<{ key: { kid: string } }>().key.kid;
    kekJwk = kek.json<{ key: { n: string; e: string } }>().key;
    for (const name of ['one', 'two']) {
      expect((await call(t.url, t.ca, 'POST', `/keys/${name}/create?${V}`, { token: admin, body: { kty: 'EC-HSM', crv: 'P-256' } })).status).toBe(200);
    }
    // principals added with the CLI while this server runs
    expect(byok(['serve', 'principal', 'add', '--data', t.dir, '--name', 'auditor', '--role', 'Crypto Auditor']).code).toBe(0);
    const user = byok(['serve', 'principal', 'add', '--data', t.dir, '--name', 'one-user', '--role', 'crypto-user', '--scope', '/keys/one', '--json']);
    expect(user.code).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ ok: true, role: 'Managed HSM Crypto User', scope: '/keys/one' });
    expect(user.stdout + user.stderr).not.toContain(principal('one-user').clientSecret);
  });
  afterAll(() => t?.stop());

  it('principal add refuses bad names, roles, scopes and an existing name', () => {
    const bad = (args: string[], why: RegExp): void => {
      const r = byok(['serve', 'principal', 'add', '--data', t.dir, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(why);
    };
    bad(['--name', '../x'], /not a valid principal name/);
    bad(['--name', 'p1', '--role', 'Owner'], /not a built-in role/);
    bad(['--name', 'p1', '--role', 'Crypto User', '--scope', '/secrets'], /not a Managed HSM scope/);
    bad(['--name', 'auditor'], /exists already/);
    expect(readdirSync(join(t.dir, 'principals')).sort()).toEqual(['auditor.json', 'one-user.json']);
  });

  it('a Crypto Auditor reads keys but cannot create, import or sign', async () => {
    const token = await tokenFor(t.url, t.ca, principal('auditor'));
    expect((await call(t.url, t.ca, 'GET', `/keys?${V}`, { token })).status).toBe(200);
    expect((await call(t.url, t.ca, 'GET', `/keys/one?${V}`, { token })).status).toBe(200);
    const create = await call(t.url, t.ca, 'POST', `/keys/new/create?${V}`, { token, body: { kty: 'EC-HSM' } });
    expect(create.status).toBe(403);
    expect(create.json()).toMatchObject({ error: { code: 'AccessDenied', message: expect.stringMatching(/^Not authorized to access Microsoft\.KeyVault\/managedHsm\/keys\/create on '\/keys' \(Activity ID: [0-9a-f-]{36}\)$/) } });
    const w = wrapForAzure(readKek({ kty: 'RSA', ...kekJwk }, { kid: kekKid }), new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' })));
    expect((await call(t.url, t.ca, 'PUT', `/keys/imp?${V}`, { token, body: w.importRequest })).status).toBe(403);
    const sign = await call(t.url, t.ca, 'POST', `/keys/one/sign?${V}`, { token, body: { alg: 'ES256', value: createHash('sha256').update('x').digest('base64url') } });
    expect(sign.status).toBe(403);
    expect((await call(t.url, t.ca, 'GET', `/keys/imp?${V}`, { token })).status).toBe(404); // the refused import left nothing
  });

  it('a Crypto User scoped to one key uses it and cannot touch another', async () => {
    const token = await tokenFor(t.url, t.ca, principal('one-user'));
    const digest = createHash('sha256').update('x').digest('base64url');
    expect((await call(t.url, t.ca, 'POST', `/keys/one/sign?${V}`, { token, body: { alg: 'ES256', value: digest } })).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', `/keys/two/sign?${V}`, { alg: 'ES256', value: digest }], ['GET', `/keys/two?${V}`, undefined],
      ['DELETE', `/keys/two?${V}`, undefined], ['GET', `/keys?${V}`, undefined], ['POST', `/keys/three/create?${V}`, { kty: 'EC-HSM' }],
    ] as const) {
      const r = await call(t.url, t.ca, method, path, { token, body });
      expect([path, r.status]).toEqual([path, 403]);
    }
  });

  it('manages role assignments over REST with the service\'s shapes', async () => {
    const auditor = principal('auditor');
    const user = BUILT_IN_ROLES.find((r) => r.properties.roleName === 'Managed HSM Crypto User')!;
    const defs = await call(t.url, t.ca, 'GET', `///providers/Microsoft.Authorization/roleDefinitions?${V}`, { token: admin });
    expect(defs.json<{ value: { name: string; properties: { roleName: string } }[] }>().value.map((d) => d.properties.roleName)).toContain('Managed HSM Crypto Officer');
    const name = 'c2b6a6f0-1b5a-4c2e-9d4e-3f1a2b3c4d5e';
    const put = await call(t.url, t.ca, 'PUT', `/keys/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, {
      token: admin, body: { properties: { roleDefinitionId: user.id, principalId: auditor.objectId } },
    });
    expect(put.status).toBe(201);
    expect(put.json()).toEqual({
      id: `/keys/providers/Microsoft.Authorization/roleAssignments/${name}`, name, type: 'Microsoft.Authorization/roleAssignments',
      properties: { scope: '/keys', roleDefinitionId: `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${user.name}`, principalId: auditor.objectId },
    });
    const token = await tokenFor(t.url, t.ca, auditor);
    expect((await call(t.url, t.ca, 'POST', `/keys/by-auditor/create?${V}`, { token, body: { kty: 'oct-HSM' } })).status).toBe(200);
    const list = await call(t.url, t.ca, 'GET', `/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${auditor.objectId}'`)}&${V}`, { token: admin });
    expect(list.json<{ value: unknown[] }>().value).toHaveLength(2);
    expect((await call(t.url, t.ca, 'DELETE', `/keys/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, { token: admin })).status).toBe(200);
    expect((await call(t.url, t.ca, 'POST', `/keys/by-auditor-2/create?${V}`, { token, body: { kty: 'oct-HSM' } })).status).toBe(403);
    const missing = await call(t.url, t.ca, 'GET', `/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, { token: admin });
    expect([missing.status, missing.json<{ error: { code: string } }>().error.code]).toEqual([404, 'RoleAssignmentNotFound']);
    // the auditor cannot grant itself a role
    const self = await call(t.url, t.ca, 'PUT', `/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, {
      token, body: { properties: { roleDefinitionId: user.id, principalId: auditor.objectId } },
    });
    expect(self.status).toBe(403);
  });

  it('logs every request, refusals included, in the AuditEvent shape and without key material', async () => {
    await t.server.close(); // the last requests of this file were made: flush the log and head.json
    const lines = auditLines();
    const denied = lines.filter((l) => l['httpStatusCode'] === 403);
    expect(denied.length).toBeGreaterThanOrEqual(9);
    for (const d of denied) {
      expect(d).toMatchObject({ category: 'AuditEvent', resultType: 'Failure', resultSignature: 'Forbidden', resourceType: 'managedHSMs' });
      expect(String(d['resultDescription'])).toMatch(/^Not authorized to access /);
      expect(JSON.parse(String(d['identity'])).claim.appid).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(denied.map((d) => d['operationName'])).toEqual(expect.arrayContaining(['KeyCreate', 'KeyImport', 'KeySign', 'KeyGet', 'KeyDelete', 'KeyList', 'RoleAssignmentCreate']));
    const created = lines.find((l) => l['operationName'] === 'KeyCreate' && l['httpStatusCode'] === 200)!;
    expect((created['properties'] as { id: string }).id).toBe(kekKid);
    expect(lines.filter((l) => l['operationName'] === 'Authentication' && l['httpStatusCode'] === 200).length).toBeGreaterThanOrEqual(4);
    const text = readdirSync(join(t.dir, 'audit')).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(t.dir, 'audit', f), 'utf8')).join('');
    for (const p of [t.admin, principal('auditor'), principal('one-user')]) expect(text).not.toContain(p.clientSecret);
    expect(text).not.toContain('key_hsm');
    expect(text).not.toContain('ciphertext');
  });

  it('audit verify passes on the log, and finds an edited and a removed line', () => {
    const ok = byok(['serve', 'audit', 'verify', '--data', t.dir]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout).toMatch(/audit log intact: \d+ lines/);
    const file = join(t.dir, 'audit', readdirSync(join(t.dir, 'audit')).filter((f) => f.endsWith('.jsonl')).sort()[0]!);
    const original = readFileSync(file, 'utf8');
    const rows = original.split('\n');
    writeFileSync(file, rows.map((r, i) => (i === 3 ? r.replace(/"durationMs":\d+/, '"durationMs":99999') : r)).join('\n'));
    const edited = byok(['serve', 'audit', 'verify', '--data', t.dir]);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/line 5: the hash of the line before does not match/);
    writeFileSync(file, rows.filter((_r, i) => i !== 6).join('\n'));
    const removed = byok(['serve', 'audit', 'verify', '--data', t.dir]);
    expect(removed.code).toBe(1);
    expect(removed.stderr).toMatch(/line 7: expected record 7, found 8/);
    writeFileSync(file, rows.slice(0, rows.length - 3).join('\n') + '\n');
    const cut = byok(['serve', 'audit', 'verify', '--data', t.dir]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/the last 2 were removed/);
    writeFileSync(file, original);
    expect(byok(['serve', 'audit', 'verify', '--data', t.dir]).code).toBe(0);
  });
});
