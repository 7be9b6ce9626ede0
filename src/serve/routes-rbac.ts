// Managed HSM local RBAC over REST (Key Vault RBAC 7.x, managed-hsm-endpoint.md §3.1):
//   {scope}/providers/Microsoft.Authorization/roleDefinitions[/{guid}]   GET list, GET, PUT (custom), DELETE
//   {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]   GET list, GET, PUT, DELETE
// where {scope} is "/" (the SDK sends "///providers/…"), "/keys" or "/keys/NAME".
import { badParameter, ServiceError } from './errors.js';
import { jsonBody, optionalObject, requiredString, type Reply, type Request } from './http.js';
import { ASSIGNMENT_SCOPE, isGuid, type Assignment, type Directory } from './principals.js';
import { ACTION_PREFIX, roleDefinitionId, scopeCovers, type RoleDefinition } from './roles.js';

export interface RbacRoute {
  readonly operation: string;
  readonly action: string;
  readonly scope: string;
  run(r: Request): Promise<Reply>;
}

function assignmentJson(a: Assignment): Record<string, unknown> {
  return {
    id: `${a.scope === '/' ? '' : a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    name: a.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: { scope: a.scope, roleDefinitionId: roleDefinitionId(a.roleDefinitionGuid), principalId: a.principalId },
  };
}

/** `principalId eq 'GUID'` (also with `atScope() and`): the principal to filter on, if any. */
function principalFilter(filter: string | null): string | undefined {
  if (filter === null || filter.trim() === '' || filter.trim() === 'atScope()') return undefined;
  const m = /principalId\s+eq\s+'([^']{1,100})'/i.exec(filter);
  if (!m) throw badParameter(`The $filter ${JSON.stringify(filter.slice(0, 100))} is not supported: use atScope() or principalId eq '{id}'.`);
  return m[1];
}

function stringArray(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length > 200) || v.length > 100) throw badParameter(`The property "${what}" must be an array of strings.`);
  return v as string[];
}

function customDefinition(guid: string, body: Record<string, unknown>): RoleDefinition {
  const p = optionalObject(body, 'properties');
  if (!p) throw badParameter('The property "properties" is required.');
  const roleName = requiredString(p, 'roleName');
  if (p['permissions'] !== undefined && !Array.isArray(p['permissions'])) throw badParameter('The property "properties.permissions" must be an array.');
  const permissions = ((p['permissions'] ?? []) as unknown[]).map((x) => {
    if (x === null || typeof x !== 'object') throw badParameter('Each permission must be a JSON object.');
    const o = x as Record<string, unknown>;
    const dataActions = stringArray(o['dataActions'], 'dataActions');
    for (const d of dataActions) if (!d.startsWith(ACTION_PREFIX)) throw badParameter(`The data action ${JSON.stringify(d.slice(0, 100))} is not a Managed HSM data action (${ACTION_PREFIX}…).`);
    return { actions: stringArray(o['actions'], 'actions'), notActions: stringArray(o['notActions'], 'notActions'), dataActions, notDataActions: stringArray(o['notDataActions'], 'notDataActions') };
  });
  return {
    id: roleDefinitionId(guid), name: guid, type: 'Microsoft.Authorization/roleDefinitions',
    properties: { roleName, description: typeof p['description'] === 'string' ? p['description'] : '', type: 'CustomRole', permissions, assignableScopes: ['/'] },
  };
}

/** The route for a role management request (after `providers/Microsoft.Authorization`), or undefined. */
export function rbacRoute(dir: Directory, method: string, seg: readonly string[]): RbacRoute | undefined {
  const at = seg.findIndex((s, i) => s.toLowerCase() === 'providers' && seg[i + 1]?.toLowerCase() === 'microsoft.authorization');
  if (at < 0) return undefined;
  const scope = `/${seg.slice(0, at).join('/')}`;
  if (!ASSIGNMENT_SCOPE.test(scope)) throw badParameter(`The scope ${JSON.stringify(scope.slice(0, 140))} is not a Managed HSM scope: use /, /keys or /keys/NAME.`);
  const [kind, id, ...rest] = seg.slice(at + 2);
  if (rest.length > 0 || kind === undefined) return undefined;
  const wrongMethod = (): never => {
    throw new ServiceError(405, 'MethodNotAllowed', `The method ${method} is not allowed on this path.`);
  };
  if (id !== undefined && !isGuid(id.toLowerCase())) throw badParameter(`The name ${JSON.stringify(id.slice(0, 60))} is not a GUID.`);
  const name = id?.toLowerCase();
  if (kind.toLowerCase() === 'roleassignments') {
    const base = `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments`;
    if (name === undefined) {
      if (method !== 'GET') wrongMethod();
      return {
        operation: 'RoleAssignmentList', action: 'roleAssignments/read/action', scope,
        async run(r) {
          const principal = principalFilter(r.query.get('$filter'));
          const value = dir.assignments().filter((a) => (scopeCovers(scope, a.scope) || scopeCovers(a.scope, scope)) && (principal === undefined || a.principalId === principal));
          return { status: 200, body: { value: value.map(assignmentJson), nextLink: null } };
        },
      };
    }
    const find = (): Assignment => {
      const a = dir.assignments().find((x) => x.name === name);
      if (!a) throw new ServiceError(404, 'RoleAssignmentNotFound', 'Requested role assignment not found');
      return a;
    };
    if (method === 'GET') {
      return { operation: 'RoleAssignmentGet', action: 'roleAssignments/read/action', scope, async run(r) {
        r.note.id = `${base}/${name}`;
        return { status: 200, body: assignmentJson(find()) };
      } };
    }
    if (method === 'PUT') {
      return { operation: 'RoleAssignmentCreate', action: 'roleAssignments/write/action', scope, async run(r) {
        r.note.id = `${base}/${name}`;
        const body = await jsonBody(r);
        const p = optionalObject(body, 'properties');
        if (!p) throw badParameter('The property "properties" is required.');
        const principalId = requiredString(p, 'principalId');
        if (principalId.length > 100) throw badParameter('The property "properties.principalId" is too long.');
        const defGuid = /([0-9a-fA-F-]{36})$/.exec(requiredString(p, 'roleDefinitionId'))?.[1]?.toLowerCase();
        if (defGuid === undefined || !dir.definitions().some((d) => d.name === defGuid)) {
          throw new ServiceError(400, 'RoleDefinitionNotFound', `The role definition ${JSON.stringify(String(p['roleDefinitionId']).slice(0, 140))} was not found.`);
        }
        if (dir.assignments().some((x) => x.name === name)) throw new ServiceError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
        const a: Assignment = { name: name!, principalId, roleDefinitionGuid: defGuid, scope };
        await dir.putAssignment(a);
        return { status: 201, body: assignmentJson(a) };
      } };
    }
    if (method === 'DELETE') {
      return { operation: 'RoleAssignmentDelete', action: 'roleAssignments/delete/action', scope, async run(r) {
        r.note.id = `${base}/${name}`;
        const a = find();
        await dir.deleteAssignment(a.name);
        return { status: 200, body: assignmentJson(a) };
      } };
    }
    return wrongMethod();
  }
  if (kind.toLowerCase() === 'roledefinitions') {
    if (name === undefined) {
      if (method !== 'GET') wrongMethod();
      return { operation: 'RoleDefinitionList', action: 'roleDefinitions/read/action', scope, async run() {
        return { status: 200, body: { value: dir.definitions(), nextLink: null } };
      } };
    }
    const find = (): RoleDefinition => {
      const d = dir.definitions().find((x) => x.name === name);
      if (!d) throw new ServiceError(404, 'RoleDefinitionNotFound', 'Requested role definition not found');
      return d;
    };
    if (method === 'GET') {
      return { operation: 'RoleDefinitionGet', action: 'roleDefinitions/read/action', scope, async run() {
        return { status: 200, body: find() };
      } };
    }
    const builtIn = (): boolean => dir.definitions().some((d) => d.name === name && d.properties.type === 'AKVBuiltInRole');
    if (method === 'PUT') {
      return { operation: 'RoleDefinitionCreate', action: 'roleDefinitions/write/action', scope, async run(r) {
        if (scope !== '/') throw badParameter('Managed HSM only supports \'/\' as the scope of role definitions.');
        if (builtIn()) throw badParameter('A built-in role definition cannot be changed.');
        const d = customDefinition(name!, await jsonBody(r));
        await dir.putDefinition(d);
        return { status: 201, body: d };
      } };
    }
    if (method === 'DELETE') {
      return { operation: 'RoleDefinitionDelete', action: 'roleDefinitions/delete/action', scope, async run() {
        if (builtIn()) throw badParameter('A built-in role definition cannot be deleted.');
        const d = find();
        await dir.deleteDefinition(d.name);
        return { status: 200, body: d };
      } };
    }
    return wrongMethod();
  }
  return undefined;
}
