// Principals (client-credentials apps) and role assignments of a `byok serve` data folder, and the
// server's view of them. Both are plain files, so `byok serve principal add` can add them while a server
// runs: the server re-reads a folder when its modification time moves, and re-reads the principals when
// a client id it does not know asks for a token.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ByokError } from '../errors.js';
import { createDurableSync, removeDurable, writeDurable } from './durable.js';
import { BUILT_IN_ROLES, findBuiltInRole, roleGrants, scopeCovers, type RoleDefinition } from './roles.js';

/** What admin.json and principals/NAME.json hold: what ClientSecretCredential and `az login` take. */
export interface PrincipalFile {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The service principal's object id: the `oid` claim, and `principalId` in role assignments. */
  readonly objectId: string;
}

export interface Assignment {
  readonly name: string; // GUID
  readonly principalId: string;
  readonly roleDefinitionGuid: string;
  readonly scope: string; // "/", "/keys" or "/keys/NAME"
}

export const PRINCIPAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ASSIGNMENT_SCOPE = /^\/(keys(\/[0-9A-Za-z-]{1,127})?)?$/;

/**
 * A new principal. The secret starts with a letter (`az login -p -x…` would read a leading dash as an
 * option) and carries 256 random bits.
 */
export function newPrincipal(tenantId: string): PrincipalFile {
  return { tenantId, clientId: randomUUID(), clientSecret: `bs${randomBytes(32).toString('base64url')}`, objectId: randomUUID() };
}

export function isGuid(s: string): boolean {
  return GUID.test(s);
}

export function writeAssignmentSync(dir: string, a: Assignment): void {
  if (!createDurableSync(join(dir, `${a.name}.json`), JSON.stringify(a) + '\n')) {
    throw new ByokError('SERVE_DATA', `role assignment ${a.name} exists already`);
  }
}

interface Principal extends PrincipalFile {
  readonly label: string;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined; // a file being replaced, or damaged: it is skipped, never half-read
  }
}

/** A folder of JSON files, re-read when its modification time moves (or moved within 2 s of the last read). */
function folderCache<T>(dir: string, valid: (v: T) => boolean): { all(): readonly T[]; invalidate(): void } {
  let mtime = -1;
  let readAt = 0;
  let items: T[] = [];
  return {
    all() {
      const m = statSync(dir).mtimeMs;
      // A change within the file system's timestamp granularity of the last read would keep the same
      // mtime: while the folder changed recently, read it again.
      if (m !== mtime || readAt - m < 2000) {
        readAt = Date.now();
        mtime = m;
        items = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'))
          .map((f) => readJson<T>(join(dir, f)))
          .filter((v): v is T => v !== undefined && valid(v));
      }
      return items;
    },
    invalidate() {
      mtime = -1;
    },
  };
}

export interface Directory {
  /** The principal with this client id whose secret matches, or undefined (checked without an early exit on the secret). */
  authenticate(clientId: string, clientSecret: string): Principal | undefined;
  /** True when a role assigned to `objectId` at a scope covering `scope` grants `dataAction`. */
  allowed(objectId: string, dataAction: string, scope: string): boolean;
  assignments(): readonly Assignment[];
  putAssignment(a: Assignment): Promise<void>;
  deleteAssignment(name: string): Promise<boolean>;
  definitions(): readonly RoleDefinition[];
  putDefinition(d: RoleDefinition): Promise<void>;
  deleteDefinition(guid: string): Promise<boolean>;
}

export function openDirectory(paths: { admin: string; principals: string; assignments: string; definitions: string }): Directory {
  const principalFiles = folderCache<PrincipalFile>(paths.principals, (p) => typeof p.clientId === 'string' && typeof p.clientSecret === 'string' && typeof p.objectId === 'string');
  const assignmentFiles = folderCache<Assignment>(paths.assignments, (a) => isGuid(a.name) && typeof a.principalId === 'string' && typeof a.roleDefinitionGuid === 'string' && typeof a.scope === 'string');
  const definitionFiles = folderCache<RoleDefinition>(paths.definitions, (d) => isGuid(d.name) && Array.isArray(d.properties?.permissions));
  const admin = readJson<PrincipalFile>(paths.admin);
  const principals = (): Principal[] => [
    ...(admin ? [{ ...admin, label: 'admin' }] : []),
    ...principalFiles.all().map((p) => ({ ...p, label: p.clientId })),
  ];
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  const definitions = (): RoleDefinition[] => [...BUILT_IN_ROLES, ...definitionFiles.all()];
  return {
    authenticate(clientId, clientSecret) {
      let p = principals().find((x) => x.clientId === clientId);
      if (!p) {
        principalFiles.invalidate();
        p = principals().find((x) => x.clientId === clientId);
      }
      // Compare digests so the comparison's time does not depend on where the secrets differ.
      const ok = timingSafeEqual(digest(p?.clientSecret ?? ''), digest(clientSecret));
      return p && ok && p.clientSecret !== '' ? p : undefined;
    },
    allowed(objectId, dataAction, scope) {
      const defs = definitions();
      return assignmentFiles.all().some((a) => a.principalId === objectId && scopeCovers(a.scope, scope)
        && defs.some((d) => d.name === a.roleDefinitionGuid && roleGrants(d, dataAction)));
    },
    assignments: () => assignmentFiles.all(),
    async putAssignment(a) {
      await writeDurable(join(paths.assignments, `${a.name}.json`), JSON.stringify(a) + '\n');
      assignmentFiles.invalidate();
    },
    async deleteAssignment(name) {
      const path = join(paths.assignments, `${name}.json`);
      if (!isGuid(name) || !existsSync(path)) return false;
      await removeDurable(path);
      assignmentFiles.invalidate();
      return true;
    },
    definitions,
    async putDefinition(d) {
      await writeDurable(join(paths.definitions, `${d.name}.json`), JSON.stringify(d) + '\n');
      definitionFiles.invalidate();
    },
    async deleteDefinition(guid) {
      const path = join(paths.definitions, `${guid}.json`);
      if (!isGuid(guid) || !existsSync(path)) return false;
      await removeDurable(path);
      definitionFiles.invalidate();
      return true;
    },
  };
}

/** `byok serve principal add`: writes principals/NAME.json and, with a role, its assignment. */
export function addPrincipal(
  paths: { admin: string; principals: string; assignments: string; server: string },
  opts: { name: string; role?: string; scope?: string },
): { file: string; principal: PrincipalFile; role?: string; scope?: string } {
  if (!existsSync(paths.server)) throw new ByokError('SERVE_DATA', `no byok serve data folder at ${JSON.stringify(join(paths.server, '..'))}: start \`byok serve --data DIR\` once to create it`);
  if (!PRINCIPAL_NAME.test(opts.name)) {
    throw new ByokError('USAGE', `--name ${JSON.stringify(opts.name.slice(0, 70))} is not a valid principal name: 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit`);
  }
  if (opts.scope !== undefined && opts.role === undefined) throw new ByokError('USAGE', '--scope needs --role: give the role the principal holds at that scope');
  const scope = opts.scope ?? '/';
  if (!ASSIGNMENT_SCOPE.test(scope)) throw new ByokError('USAGE', `--scope ${JSON.stringify(scope.slice(0, 140))} is not a Managed HSM scope: use /, /keys or /keys/NAME`);
  const role = opts.role === undefined ? undefined : findBuiltInRole(opts.role);
  if (opts.role !== undefined && role === undefined) {
    throw new ByokError('USAGE', `--role ${JSON.stringify(opts.role.slice(0, 60))} is not a built-in role: use one of ${BUILT_IN_ROLES.map((r) => `"${r.properties.roleName.replace(/^Managed HSM /, '')}"`).join(', ')}`);
  }
  const server = JSON.parse(readFileSync(paths.server, 'utf8')) as { tenantId: string };
  const principal = newPrincipal(server.tenantId);
  const file = join(paths.principals, `${opts.name}.json`);
  if (!createDurableSync(file, JSON.stringify(principal, null, 2) + '\n')) {
    throw new ByokError('FILE_EXISTS', `principal ${JSON.stringify(opts.name)} exists already (${file}): choose another --name`);
  }
  if (role) writeAssignmentSync(paths.assignments, { name: randomUUID(), principalId: principal.objectId, roleDefinitionGuid: role.name, scope });
  return { file, principal, ...(role ? { role: role.properties.roleName, scope } : {}) };
}
