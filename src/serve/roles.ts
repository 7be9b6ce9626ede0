// Managed HSM local RBAC: the built-in role definitions with the names, GUIDs and data actions the real
// service returns (managed-hsm-endpoint.md §3.2, "Live" column: GET roleDefinitions on a real HSM), and
// the data action each REST operation needs (§3.3). Role definition ids have no leading slash, as served.

export const ACTION_PREFIX = 'Microsoft.KeyVault/managedHsm/';

export interface RolePermission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

export interface RoleDefinition {
  readonly id: string;
  readonly name: string; // the GUID
  readonly type: 'Microsoft.Authorization/roleDefinitions';
  readonly properties: {
    readonly roleName: string;
    readonly description: string;
    readonly type: 'AKVBuiltInRole' | 'CustomRole';
    readonly permissions: readonly RolePermission[];
    readonly assignableScopes: readonly string[];
  };
}

export const roleDefinitionId = (guid: string): string => `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

function builtIn(guid: string, roleName: string, dataActions: readonly string[], actions: readonly string[] = []): RoleDefinition {
  return {
    id: roleDefinitionId(guid),
    name: guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName,
      description: '',
      type: 'AKVBuiltInRole',
      permissions: [{ actions: actions.map((a) => ACTION_PREFIX + a), notActions: [], dataActions: dataActions.map((a) => ACTION_PREFIX + a), notDataActions: [] }],
      assignableScopes: ['/'],
    },
  };
}

const RA = ['roleAssignments/read/action', 'roleAssignments/write/action', 'roleAssignments/delete/action'];
const RD = ['roleDefinitions/read/action', 'roleDefinitions/write/action', 'roleDefinitions/delete/action'];

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  builtIn('a290e904-7015-4bba-90c8-60543313cdb4', 'Managed HSM Administrator', [
    ...RA, ...RD,
    'securitydomain/download/action', 'securitydomain/download/read', 'securitydomain/upload/action', 'securitydomain/upload/read',
    'securitydomain/transferkey/read', 'backup/start/action', 'backup/status/action', 'restore/start/action', 'restore/status/action',
  ]),
  builtIn('515eb02d-2335-4d2d-92f2-b1cbdf9c3778', 'Managed HSM Crypto Officer', [
    ...RA, ...RD,
    'keys/deletedKeys/read/action', 'keys/deletedKeys/delete', 'keys/deletedKeys/recover/action', 'keys/export/action',
  ]),
  builtIn('21dbd100-6940-42c2-9190-5d6cb909625b', 'Managed HSM Crypto User', [
    'roleDefinitions/read/action', 'roleAssignments/read/action',
    'keys/read/action', 'keys/write/action', 'keys/delete', 'keys/create', 'keys/rotate/action', 'keys/import/action',
    'keys/release/action', 'keys/backup/action', 'keys/restore/action', 'keys/encrypt/action', 'keys/decrypt/action',
    'keys/wrap/action', 'keys/unwrap/action', 'keys/sign/action', 'keys/verify/action', 'keys/derive/action', 'rng/action',
  ]),
  builtIn('4bd23610-cdcf-4971-bdee-bdc562cc28e4', 'Managed HSM Policy Administrator', [...RD, ...RA]),
  builtIn('2c18b078-7c48-4d3a-af88-5a3a1b3f82b3', 'Managed HSM Crypto Auditor', [
    'roleAssignments/read/action', 'roleDefinitions/read/action', 'keys/read/action', 'keys/deletedKeys/read/action',
  ]),
  builtIn('33413926-3206-4cdd-b39a-83574fe37a17', 'Managed HSM Crypto Service Encryption User', [
    'keys/read/action', 'keys/wrap/action', 'keys/unwrap/action',
  ]),
  builtIn('21dbd100-6940-42c2-9190-5d6cb909625c', 'Managed HSM Crypto Service Release User', ['keys/release/action']),
  builtIn('7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8', 'Managed HSM Backup User', ['backup/start/action', 'backup/status/action', 'keys/backup/action']),
  builtIn('6efe6056-5259-49d2-8b3d-d3d73544b20b', 'Managed HSM Restore', ['restore/start/action', 'restore/status/action', 'keys/restore/action']),
];

/** The roles `admin.json`'s principal holds at scope "/": together they allow every operation. */
export const ADMIN_ROLES = ['Managed HSM Administrator', 'Managed HSM Crypto Officer', 'Managed HSM Crypto User'] as const;

/**
 * A built-in role by its name as served ("Managed HSM Crypto User"), without the "Managed HSM " prefix
 * ("Crypto User"), as a lower-case dashed word ("crypto-user"), or by GUID. "Backup" finds "Backup User".
 */
export function findBuiltInRole(query: string): RoleDefinition | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/^managed hsm /, '').replace(/[\s_-]+/g, ' ').trim();
  const q = norm(query);
  return BUILT_IN_ROLES.find((r) => r.name === query.toLowerCase() || norm(r.properties.roleName) === q)
    ?? BUILT_IN_ROLES.find((r) => norm(r.properties.roleName) === `${q} user`);
}

/** `a/b/*` matches `a/b/anything`; `*` alone matches everything; otherwise exact (case-insensitive). */
function actionMatches(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const a = action.toLowerCase();
  if (p === '*' || p === a) return true;
  return p.endsWith('/*') && a.startsWith(p.slice(0, -1));
}

/** Whether a role definition grants `dataAction` (its dataActions minus its notDataActions). */
export function roleGrants(role: RoleDefinition, dataAction: string): boolean {
  return role.properties.permissions.some((p) =>
    p.dataActions.some((d) => actionMatches(d, dataAction)) && !p.notDataActions.some((d) => actionMatches(d, dataAction)));
}

/** Whether an assignment at `assigned` covers a request at `requested`: "/" ⊇ "/keys" ⊇ "/keys/NAME". */
export function scopeCovers(assigned: string, requested: string): boolean {
  const a = assigned.toLowerCase().replace(/\/+$/, '');
  const r = requested.toLowerCase();
  return a === '' || r === a || r.startsWith(`${a}/`);
}
