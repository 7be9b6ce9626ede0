// The data folder of `byok serve` (--data DIR): created on first start, reused afterwards.
//
//   DIR/server.json                 tenant id, HSM name, layout version (written last: its presence means set-up finished)
//   DIR/ca.pem                      the local CA certificate: what clients trust (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE)
//   DIR/tls-cert.pem                the server certificate (localhost, 127.0.0.1, ::1), reissued when it nears expiry
//   DIR/admin.json                  the administrator principal: tenantId, clientId, clientSecret, objectId (0600)
//   DIR/principals/NAME.json        more principals, same fields (byok serve principal add)
//   DIR/private/                    0700: ca-key.pem, tls-key.pem, token-key.pem (ES256 token signing), master.key,
//                                   serve.lock (the running server's process id)
//   DIR/keys/keys.log               the key store: a line per change of a key name (key-log.ts), private parts sealed under master.key
//   DIR/rbac/assignments/GUID.json  role assignments;  DIR/rbac/definitions/GUID.json: custom role definitions
//   DIR/audit/YYYY-MM-DD.jsonl      the audit log (hash-chained lines)
import { createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ByokError } from '../errors.js';
import { createCa, createServerCertificate, needsReissue, type IssuedCertificate } from './ca.js';
import { createDurableSync, removeStaleTemporaries, writeDurableSync } from './durable.js';
import { lockDataDir } from './lock.js';
import { newPrincipal, writeAssignmentSync, type PrincipalFile } from './principals.js';
import { ADMIN_ROLES, findBuiltInRole } from './roles.js';

const LAYOUT_VERSION = 1;

export interface DataDir {
  readonly dir: string;
  readonly tenantId: string;
  /** The name the audit log and resource ids use for this HSM. */
  readonly hsmName: string;
  readonly caPem: string;
  readonly tls: { readonly cert: string; readonly key: string };
  readonly tokenKey: KeyObject;
  /** AES-256-GCM key that seals private and secret key material at rest. */
  readonly masterKey: Buffer;
  readonly created: boolean;
  /** Gives back the folder's lock (lock.ts): one server per folder. */
  readonly unlock: () => void;
}

export const dataPaths = (dir: string) => ({
  server: join(dir, 'server.json'),
  ca: join(dir, 'ca.pem'),
  tlsCert: join(dir, 'tls-cert.pem'),
  admin: join(dir, 'admin.json'),
  principals: join(dir, 'principals'),
  private: join(dir, 'private'),
  caKey: join(dir, 'private', 'ca-key.pem'),
  tlsKey: join(dir, 'private', 'tls-key.pem'),
  tokenKey: join(dir, 'private', 'token-key.pem'),
  masterKey: join(dir, 'private', 'master.key'),
  keys: join(dir, 'keys'),
  assignments: join(dir, 'rbac', 'assignments'),
  definitions: join(dir, 'rbac', 'definitions'),
  audit: join(dir, 'audit'),
});

function dataError(dir: string, why: string): ByokError {
  return new ByokError('SERVE_DATA', `data folder ${JSON.stringify(dir)} ${why}`);
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Opens the data folder, creating it (and finishing an interrupted set-up) when needed. */
export function openDataDir(dir: string): DataDir {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw dataError(dir, 'is a file: give a folder (it is created when missing)');
  const p = dataPaths(dir);
  let created = false;
  if (!existsSync(p.server)) {
    if (existsSync(dir) && readdirSync(dir).some((f) => !['private', 'principals', 'keys', 'rbac', 'audit', 'ca.pem', 'tls-cert.pem', 'admin.json'].includes(f) && !f.startsWith('.'))) {
      throw dataError(dir, 'is not empty and is not a byok serve data folder: give an empty or new folder');
    }
    setUp(dir);
    created = true;
  }
  let server: { tenantId: string; hsmName: string; layout: number };
  try {
    server = JSON.parse(read(p.server)) as typeof server;
  } catch (e) {
    throw dataError(dir, `has an unreadable server.json (${(e as Error).message}): restore it from a backup or start with a new folder`);
  }
  if (server.layout !== LAYOUT_VERSION) throw dataError(dir, `has layout ${server.layout}, this byok reads layout ${LAYOUT_VERSION}`);
  // Before anything is cleaned up: another server's temporaries are not stale.
  const unlock = lockDataDir(dir);
  try {
    return { ...openLocked(dir, server), created, unlock };
  } catch (e) {
    unlock();
    throw e;
  }
}

/** The rest of opening, once the folder is this server's. */
function openLocked(dir: string, server: { tenantId: string; hsmName: string }): Omit<DataDir, 'created' | 'unlock'> {
  const p = dataPaths(dir);
  for (const d of [p.keys, p.assignments, p.definitions, p.principals, p.private]) removeStaleTemporaries(d);
  const caPem = read(p.ca);
  let tlsCert = read(p.tlsCert);
  let tlsKey = read(p.tlsKey);
  if (needsReissue(tlsCert, 30)) {
    let s: IssuedCertificate;
    try {
      s = createServerCertificate({ certPem: caPem, keyPem: read(p.caKey) });
    } catch (e) {
      throw dataError(dir, `has a CA (ca.pem, private/ca-key.pem) that cannot issue its server certificate (${(e as Error).message.split('\n')[0]}): restore them from a backup or start with a new folder`);
    }
    writeDurableSync(p.tlsKey, s.keyPem);
    writeDurableSync(p.tlsCert, s.certPem, 0o644);
    tlsCert = s.certPem;
    tlsKey = s.keyPem;
  }
  const masterKey = readFileSync(p.masterKey);
  if (masterKey.length !== 32) throw dataError(dir, 'has a master.key that is not 32 bytes: restore it from a backup (keys sealed under it cannot be read without it)');
  return {
    dir, tenantId: server.tenantId, hsmName: server.hsmName, caPem, tls: { cert: tlsCert, key: tlsKey },
    tokenKey: createPrivateKey(read(p.tokenKey)), masterKey,
  };
}

/**
 * First start: every file, then server.json last. An interrupted set-up (no server.json) is redone from
 * the start on the next start; nothing in it was ever handed out.
 */
function setUp(dir: string): void {
  const p = dataPaths(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const d of [p.private, p.principals, p.keys, p.assignments, p.definitions, p.audit]) mkdirSync(d, { recursive: true, mode: 0o700 });
  chmodSync(p.private, 0o700);
  const tenantId = randomUUID();
  const ca = createCa(tenantId.slice(0, 8));
  const tls = createServerCertificate(ca);
  writeDurableSync(p.caKey, ca.keyPem);
  writeDurableSync(p.ca, ca.certPem, 0o644);
  writeDurableSync(p.tlsKey, tls.keyPem);
  writeDurableSync(p.tlsCert, tls.certPem, 0o644);
  const tokenKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  writeDurableSync(p.tokenKey, tokenKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const master = randomBytes(32);
  writeDurableSync(p.masterKey, master);
  master.fill(0);
  const admin: PrincipalFile = newPrincipal(tenantId);
  writeDurableSync(p.admin, JSON.stringify(admin, null, 2) + '\n');
  for (const roleName of ADMIN_ROLES) {
    const role = findBuiltInRole(roleName)!;
    writeAssignmentSync(p.assignments, { name: randomUUID(), principalId: admin.objectId, roleDefinitionGuid: role.name, scope: '/' });
  }
  const hsmName = 'byok-serve';
  if (!createDurableSync(p.server, JSON.stringify({ layout: LAYOUT_VERSION, tenantId, hsmName, created: new Date().toISOString() }, null, 2) + '\n', 0o644)) {
    throw dataError(dir, 'was set up by another process at the same time: start one server per folder');
  }
}
