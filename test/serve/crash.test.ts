// Crash safety of `byok serve` (the built CLI, as users run it): 8 clients import keys concurrently, the
// server is killed with SIGKILL mid-stream, and after a restart every import that was acknowledged is
// there (its acknowledged version) and signs with the key that was imported. Nothing else is there: every
// key present is one a client sent (an import in flight at the kill may have been stored before its
// answer was lost, and then it is complete), no key is half-written, and the audit chain is intact.
import { createHash, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readKek, wrapForAzure } from '../../src/index.js';
import { byok, requireBuiltCli, tempDir } from '../helpers/cli.js';
import { call, spawnServe, tokenFor, type Principal } from '../helpers/serve.js';

const V = 'api-version=7.6';
const CLIENTS = 8;
const PER_CLIENT = 14;
const KILL_AFTER = 32; // acknowledged imports before the kill

describe('byok serve survives kill -9 during concurrent imports', () => {
  const tmp = tempDir('byok-serve-crash-');
  afterAll(() => tmp.cleanup());

  it('keeps every acknowledged import, and nothing half-made', async () => {
    requireBuiltCli();
    const dir = tmp.path('hsm');
    const first = await spawnServe(dir);
    expect(first.out()).toContain('NOT a production HSM');
    expect(first.out()).toMatch(new RegExp(`CA +${join(dir, 'ca.pem')}`));
    expect(first.out()).toContain(`authorityHost: '${first.url}', disableInstanceDiscovery: true`);
    expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const admin = JSON.parse(readFileSync(join(dir, 'admin.json'), 'utf8')) as Principal;
    let token = await tokenFor(first.url, ca, admin);
    const kek = await call(first.url, ca, 'POST', `/keys/KEK/create?${V}`, { token, body: { kty: 'RSA-HSM', key_size: 2048, key_ops: ['import'] } });
    expect(kek.status).toBe(200);
    const kekJson = kek.json<{ key: { kid: string; n: string; e: string } }>().key;
    const kekInfo = readKek({ kty: 'RSA', n: kekJson.n, e: kekJson.e }, { kid: kekJson.kid });

    const targets = new Map<string, KeyObject>();
    const bodies: { name: string; body: unknown }[][] = [];
    for (let c = 0; c < CLIENTS; c++) {
      bodies.push([]);
      for (let i = 0; i < PER_CLIENT; i++) {
        const name = `c${c}-k${i}`;
        const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        targets.set(name, pair.publicKey);
        bodies[c]!.push({ name, body: wrapForAzure(kekInfo, new Uint8Array(pair.privateKey.export({ type: 'pkcs8', format: 'der' }))).importRequest });
      }
    }
    const acked = new Map<string, string>(); // name -> acknowledged version
    const attempted = new Set<string>();
    let killed = false;
    const exited = new Promise<NodeJS.Signals | null>((res) => first.child.on('exit', (_code, signal) => res(signal)));
    await Promise.all(bodies.map(async (list) => {
      for (const { name, body } of list) {
        if (killed) return;
        attempted.add(name);
        let r;
        try {
          r = await call(first.url, ca, 'PUT', `/keys/${name}?${V}`, { token, body });
        } catch {
          return; // the server is gone
        }
        expect(r.status).toBe(200);
        acked.set(name, r.json<{ key: { kid: string } }>().key.kid.split('/').pop()!);
        if (acked.size >= KILL_AFTER && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    }));
    expect(await exited).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(attempted.size).toBeGreaterThan(acked.size); // imports were in flight when it died

    const second = await spawnServe(dir);
    try {
      expect(readdirSync(join(dir, 'keys')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      token = await tokenFor(second.url, ca, admin);
      const present = new Map<string, string>();
      for (let path: string | null = `/keys?${V}`; path !== null;) {
        const page: { value: { kid: string }[]; nextLink: string | null } = (await call(second.url, ca, 'GET', path, { token })).json();
        for (const k of page.value) present.set(k.kid.split('/').pop()!, k.kid);
        path = page.nextLink === null ? null : page.nextLink.slice(second.url.length);
      }
      present.delete('KEK');
      for (const [name, version] of acked) {
        expect(present.has(name)).toBe(true);
        const got = await call(second.url, ca, 'GET', `/keys/${name}?${V}`, { token });
        expect(got.json<{ key: { kid: string } }>().key.kid.endsWith(`/${version}`)).toBe(true);
      }
      for (const name of present.keys()) {
        expect(attempted.has(name)).toBe(true);
        const digest = createHash('sha256').update(name).digest();
        const sig = await call(second.url, ca, 'POST', `/keys/${name}/sign?${V}`, { token, body: { alg: 'ES256', value: digest.toString('base64url') } });
        expect(sig.status).toBe(200);
        expect(verify('sha256', Buffer.from(name), { key: targets.get(name)!, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig.json<{ value: string }>().value, 'base64url'))).toBe(true);
      }
    } finally {
      const stopped = new Promise<number | null>((res) => second.child.on('exit', (code) => res(code)));
      second.child.kill('SIGTERM');
      expect(await stopped).toBe(0);
    }
    const audit = byok(['serve', 'audit', 'verify', '--data', dir]);
    expect([audit.code, audit.stderr]).toEqual([0, '']);
  });
});
