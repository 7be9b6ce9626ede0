// Helpers for the `byok serve` tests: a server in a temporary data folder (in this process, or the built
// CLI in a child process), raw HTTPS requests that trust the server's own CA, tokens from its token
// endpoint, and .byok blobs made by hand with node:crypto (for keys the toolkit itself refuses to wrap).
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, createCipheriv, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { startServer, type RunningServer } from '../../src/serve/index.js';
import { CLI, REPO_ROOT, tempDir } from './cli.js';

export interface Principal {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly objectId: string;
}

export interface TestServer {
  readonly url: string;
  readonly dir: string;
  readonly ca: string;
  readonly admin: Principal;
  readonly server: RunningServer;
  stop(): Promise<void>;
}

export async function startTestServer(prefix = 'byok-serve-'): Promise<TestServer> {
  const tmp = tempDir(prefix);
  const server = await startServer({ dataDir: tmp.path('hsm'), port: 0 });
  return {
    url: server.url, dir: tmp.path('hsm'), server,
    ca: readFileSync(server.caPath, 'utf8'),
    admin: JSON.parse(readFileSync(server.adminPath, 'utf8')) as Principal,
    async stop() {
      await server.close();
      tmp.cleanup();
    },
  };
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTPS request to the server, trusting its CA; body: a string/Buffer sent as is, or JSON. */
export function call(
  url: string, ca: string, method: string, path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpReply> {
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    // The path goes out exactly as given (no URL normalisation), so tests can send `..` and `%2F`.
    const req = request({
      hostname: u.hostname, port: u.port, path, method, ca, agent: false,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A token for `p` from the server's own client-credentials endpoint. */
export async function tokenFor(url: string, ca: string, p: Principal, resource = 'https://managedhsm.azure.net'): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: `${resource}/.default` });
  const r = await call(url, ca, 'POST', `/${p.tenantId}/oauth2/v2.0/token`, { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return r.json<{ access_token: string }>().access_token;
}

/**
 * A .byok made with node:crypto alone (RSA-OAEP SHA-1 of a fresh AES-256 key, then AES-KWP), for payloads
 * the toolkit refuses to wrap (unsupported curves) and for tampering.
 */
export function handMadeByok(kid: string, kekPublic: KeyObject, payload: Uint8Array): Buffer {
  const aes = randomBytes(32);
  const c = createCipheriv('id-aes256-wrap-pad', aes, Buffer.from('a65959a6', 'hex'));
  const ct = Buffer.concat([
    publicEncrypt({ key: kekPublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, aes),
    c.update(payload), c.final(),
  ]);
  return Buffer.from(JSON.stringify({ schema_version: '1.0.0', header: { kid, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' }, ciphertext: ct.toString('base64url'), generator: 'test' }));
}

/** The built CLI's `byok serve` in a child process; resolves with its URL once it prints "listening on". */
export function spawnServe(dataDir: string, extraEnv: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0'], { cwd: REPO_ROOT, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`byok serve did not start: ${out} ${err}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (https:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, out: () => out });
      }
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`byok serve exited with ${code}: ${err}`));
    });
  });
}
