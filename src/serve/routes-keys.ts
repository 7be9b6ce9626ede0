// The Key Vault keys REST subset of `byok serve` (Key Vault REST 7.x / 2025-07-01, managed-hsm-endpoint.md
// §1): create, import (JWK and .byok), get, list, versions, update, delete / recover / purge, key
// operations and random bytes. Each route names its audit operation, the data action it needs and the
// RBAC scope it is checked at, before any body is read.
import { randomBytes } from 'node:crypto';
import { parseBlob, unwrapBlob, type KekForImport } from './byok-unwrap.js';
import { badParameter, deletedKeyNotFound, keyNotFound, operationForbidden, ServiceError } from './errors.js';
import {
  b64u, bytesField, jsonBody, optionalObject, requiredString, type Reply, type Request,
} from './http.js';
import { generateMaterial, keyOpsFor, materialFromJwk, normalizeKty, type Material } from './key-material.js';
import { runKeyOperation, type KeyOperation } from './key-ops.js';
import {
  findVersion, KEY_NAME, RECOVERABLE_DAYS, type KeyRecord, type KeyStore, type VersionRecord,
} from './keystore.js';

export interface KeyRoute {
  readonly operation: string;
  readonly action: string;
  readonly scope: string;
  run(r: Request): Promise<Reply>;
}

const OPS: Readonly<Record<string, { op: KeyOperation; operation: string; action: string }>> = {
  sign: { op: 'sign', operation: 'KeySign', action: 'keys/sign/action' },
  verify: { op: 'verify', operation: 'KeyVerify', action: 'keys/verify/action' },
  encrypt: { op: 'encrypt', operation: 'KeyEncrypt', action: 'keys/encrypt/action' },
  decrypt: { op: 'decrypt', operation: 'KeyDecrypt', action: 'keys/decrypt/action' },
  wrapkey: { op: 'wrapKey', operation: 'KeyWrap', action: 'keys/wrap/action' },
  unwrapkey: { op: 'unwrapKey', operation: 'KeyUnwrap', action: 'keys/unwrap/action' },
};

const MAX_TAGS = 15;

function checkName(name: string): string {
  if (!KEY_NAME.test(name)) {
    throw badParameter(`The request URI contains an invalid key name ${JSON.stringify(name.slice(0, 60))}: key names are 1 to 127 letters, digits and dashes.`);
  }
  return name;
}

function kidOf(origin: string, name: string, version?: string): string {
  return `${origin}/keys/${name}${version === undefined ? '' : `/${version}`}`;
}

function attributesOf(v: VersionRecord): Record<string, unknown> {
  return { ...v.attributes, recoverableDays: RECOVERABLE_DAYS, recoveryLevel: 'Recoverable+Purgeable', exportable: false };
}

function keyBundle(origin: string, rec: KeyRecord, v: VersionRecord): Record<string, unknown> {
  return {
    key: { kid: kidOf(origin, rec.name, v.version), kty: v.kty, key_ops: v.keyOps, ...(v.pub ?? {}) },
    attributes: attributesOf(v),
    ...(v.tags ? { tags: v.tags } : {}),
  };
}

function deletedBundle(origin: string, rec: KeyRecord): Record<string, unknown> {
  const v = rec.versions[rec.versions.length - 1]!;
  return {
    ...keyBundle(origin, rec, v),
    recoveryId: `${origin}/deletedkeys/${rec.name}`,
    deletedDate: rec.deleted!.deletedDate,
    scheduledPurgeDate: rec.deleted!.scheduledPurgeDate,
  };
}

function keyItem(origin: string, rec: KeyRecord, v: VersionRecord, versioned: boolean): Record<string, unknown> {
  return { kid: kidOf(origin, rec.name, versioned ? v.version : undefined), attributes: attributesOf(v), ...(v.tags ? { tags: v.tags } : {}) };
}

/** `maxresults` 1..25 (default 25) and `$skiptoken` (an offset, base64url): a page and its nextLink. */
function page<T>(r: Request, items: readonly T[], path: string): { value: T[]; nextLink: string | null } {
  const max = r.query.get('maxresults');
  const n = max === null ? 25 : Number(max);
  if (!Number.isInteger(n) || n < 1 || n > 25) throw badParameter('The query parameter "maxresults" must be a whole number from 1 to 25.');
  const token = r.query.get('$skiptoken');
  let offset = 0;
  if (token !== null) {
    offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) throw badParameter('The query parameter "$skiptoken" is not one this server issued.');
  }
  const value = items.slice(offset, offset + n);
  const next = offset + n < items.length
    ? `${r.origin}${path}?api-version=${encodeURIComponent(r.query.get('api-version') ?? '')}&$skiptoken=${Buffer.from(String(offset + n)).toString('base64url')}&maxresults=${n}`
    : null;
  return { value, nextLink: next };
}

function checkTags(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw badParameter('The property "tags" must be a JSON object of strings.');
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > MAX_TAGS) throw badParameter(`A key can have at most ${MAX_TAGS} tags.`);
  for (const [k, t] of entries) {
    if (typeof t !== 'string' || k.length > 512 || t.length > 256) throw badParameter('Tag names are strings of at most 512 characters and tag values strings of at most 256.');
  }
  return v as Record<string, string>;
}

interface Attributes { enabled?: boolean; nbf?: number; exp?: number }

function checkAttributes(body: Record<string, unknown>): Attributes {
  const a = optionalObject(body, 'attributes');
  if (!a) return {};
  const out: Attributes = {};
  if (a['enabled'] !== undefined && a['enabled'] !== null) {
    if (typeof a['enabled'] !== 'boolean') throw badParameter('The property "attributes.enabled" must be true or false.');
    out.enabled = a['enabled'];
  }
  for (const f of ['nbf', 'exp'] as const) {
    const t = a[f];
    if (t === undefined || t === null) continue;
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) throw badParameter(`The property "attributes.${f}" must be a time in whole seconds since 1970.`);
    out[f] = t;
  }
  if (a['exportable'] === true) throw badParameter('Exportable keys need a release policy, and byok serve does not implement key release.');
  return out;
}

interface CommonFields { readonly attrs: Attributes; readonly tags: Record<string, string> | undefined }

/** attributes, tags and release_policy: checked before any expensive work (key generation, unwrapping). */
function commonFields(body: Record<string, unknown>): CommonFields {
  if (body['release_policy'] !== undefined && body['release_policy'] !== null) {
    throw badParameter('byok serve does not implement key release: send no "release_policy".');
  }
  return { attrs: checkAttributes(body), tags: checkTags(body['tags']) };
}

function versionReply(origin: string, rec: KeyRecord, v: VersionRecord): Reply {
  return { status: 200, body: keyBundle(origin, rec, v) };
}

function noteKey(r: Request, rec: KeyRecord, v: VersionRecord): void {
  r.note.id = kidOf(r.origin, rec.name, v.version);
  r.note.keyProperties = { type: v.kty, size: v.bits, ...(v.crv ? { curve: v.crv } : {}) };
}

async function store(r: Request, s: KeyStore, name: string, material: Material, { attrs, tags }: CommonFields, keyOps: string[]): Promise<Reply> {
  try {
    const { record, version } = await s.addVersion(name, {
      material, keyOps, enabled: attrs.enabled ?? true,
      ...(attrs.nbf !== undefined ? { nbf: attrs.nbf } : {}), ...(attrs.exp !== undefined ? { exp: attrs.exp } : {}), ...(tags ? { tags } : {}),
    });
    noteKey(r, record, version);
    return versionReply(r.origin, record, version);
  } finally {
    material.secret.fill(0);
  }
}

function create(s: KeyStore, name: string): KeyRoute {
  return {
    operation: 'KeyCreate', action: 'keys/create', scope: '/keys',
    async run(r) {
      const body = await jsonBody(r);
      const common = commonFields(body);
      const kty = normalizeKty(body['kty']);
      const keyOps = keyOpsFor(kty, body['key_ops']);
      const material = await generateMaterial(kty, { keySize: body['key_size'] ?? undefined, crv: body['crv'] ?? undefined, publicExponent: body['public_exponent'] ?? undefined });
      return store(r, s, name, material, common, keyOps);
    },
  };
}

function importKey(s: KeyStore, name: string): KeyRoute {
  return {
    operation: 'KeyImport', action: 'keys/import/action', scope: '/keys',
    async run(r) {
      const body = await jsonBody(r);
      const common = commonFields(body);
      if (body['Hsm'] !== undefined && body['Hsm'] !== null && typeof body['Hsm'] !== 'boolean') throw badParameter('The property "Hsm" must be true or false.');
      const jwk = optionalObject(body, 'key');
      if (!jwk) throw badParameter('The property "key" must be a valid JsonWebKey object.');
      const kty = normalizeKty(jwk['kty']);
      const keyOps = keyOpsFor(kty, jwk['key_ops']);
      if (keyOps.includes('import')) throw badParameter('An imported key cannot be a key-exchange key: create KEKs here (key_ops ["import"]).');
      let material: Material;
      if (jwk['key_hsm'] !== undefined && jwk['key_hsm'] !== null) {
        const blob = parseBlob(jwk['key_hsm']);
        const kek = resolveKek(s, blob.kid);
        material = await unwrapBlob(blob, kek, kty, jwk['crv'] ?? undefined);
      } else {
        material = materialFromJwk(kty, jwk);
      }
      return store(r, s, name, material, common, keyOps);
    },
  };
}

/** The KEK a .byok names: a key of this HSM (by name and version; the host may be any this server answers on). */
function resolveKek(s: KeyStore, kid: string): KekForImport {
  const m = /^https:\/\/[^/]+\/keys\/([0-9A-Za-z-]{1,127})\/([0-9a-fA-F]{32})$/.exec(kid);
  const rec = m ? s.get(m[1]!) : undefined;
  const v = rec ? findVersion(rec, m![2]!) : undefined;
  if (!rec || !v) {
    throw badParameter(`The key-exchange key ${JSON.stringify(kid.slice(0, 200))} named in the BYOK blob is not a key of this HSM: wrap the key for a KEK created here (its versioned kid).`, 'KekNotFound');
  }
  return {
    kid, keyOps: v.keyOps, kty: v.kty, enabled: v.attributes.enabled, bits: v.bits,
    decrypt: (ciphertext: Uint8Array) => s.kekDecrypt(rec.name, v, ciphertext),
  };
}

function resolve(s: KeyStore, name: string, version?: string): { rec: KeyRecord; v: VersionRecord } {
  const rec = s.get(name);
  if (!rec) throw keyNotFound(name);
  const v = findVersion(rec, version);
  if (!v) throw keyNotFound(`${name}/${version ?? ''}`);
  return { rec, v };
}

function getKey(s: KeyStore, name: string, version?: string): KeyRoute {
  return {
    operation: 'KeyGet', action: 'keys/read/action', scope: `/keys/${name}`,
    async run(r) {
      const { rec, v } = resolve(s, name, version);
      noteKey(r, rec, v);
      return versionReply(r.origin, rec, v);
    },
  };
}

function updateKey(s: KeyStore, name: string, version?: string): KeyRoute {
  return {
    operation: 'KeyUpdate', action: 'keys/write/action', scope: `/keys/${name}`,
    async run(r) {
      const body = await jsonBody(r);
      const { attrs, tags } = commonFields(body);
      const { v } = resolve(s, name, version);
      const keyOps = body['key_ops'] === undefined || body['key_ops'] === null ? undefined : keyOpsFor(v.kty, body['key_ops']);
      if (keyOps && (keyOps.includes('import') !== v.keyOps.includes('import'))) throw badParameter('The "import" operation of a key-exchange key cannot be added or removed.');
      const { record, version: updated } = await s.updateVersion(name, v.version, {
        ...(keyOps ? { keyOps } : {}), ...(attrs.enabled !== undefined ? { enabled: attrs.enabled } : {}),
        ...(attrs.nbf !== undefined ? { nbf: attrs.nbf } : {}), ...(attrs.exp !== undefined ? { exp: attrs.exp } : {}), ...(tags ? { tags } : {}),
      });
      noteKey(r, record, updated);
      return versionReply(r.origin, record, updated);
    },
  };
}

function keyOperation(s: KeyStore, name: string, version: string | undefined, opName: string): KeyRoute {
  const o = OPS[opName]!;
  return {
    operation: o.operation, action: o.action, scope: `/keys/${name}`,
    async run(r) {
      const body = await jsonBody(r);
      const alg = requiredString(body, 'alg');
      const value = bytesField(body, 'value', true);
      const { rec, v } = resolve(s, name, version);
      noteKey(r, rec, v);
      const kid = kidOf(r.origin, rec.name, v.version);
      if (!v.attributes.enabled) throw operationForbidden(o.op, 'on a disabled key');
      const now = Math.floor(Date.now() / 1000);
      if (v.attributes.nbf !== undefined && now < v.attributes.nbf) throw operationForbidden(o.op, 'before the key\'s activation time (nbf)');
      if (v.attributes.exp !== undefined && now >= v.attributes.exp) throw operationForbidden(o.op, 'on an expired key (exp)');
      if (!v.keyOps.includes(o.op)) throw operationForbidden(o.op, `on this key: its key_ops are ${JSON.stringify(v.keyOps)}`);
      const digest = o.op === 'verify' ? bytesField(body, 'digest', true) : undefined;
      const iv = bytesField(body, 'iv', false);
      const aad = bytesField(body, 'aad', false);
      const tag = bytesField(body, 'tag', false);
      const result = runKeyOperation(s.opKey(rec.name, v), o.op, {
        alg, value, ...(digest ? { digest } : {}), ...(iv ? { iv } : {}), ...(aad ? { aad } : {}), ...(tag ? { tag } : {}),
      });
      if (o.op === 'verify') return { status: 200, body: { value: result.verified } };
      const out = {
        kid, value: b64u(result.value!),
        ...(result.iv ? { iv: b64u(result.iv) } : {}), ...(result.tag ? { tag: b64u(result.tag) } : {}), ...(result.aad ? { aad: b64u(result.aad) } : {}),
      };
      if (o.op === 'decrypt' || o.op === 'unwrapKey') result.value!.fill(0);
      return { status: 200, body: out };
    },
  };
}

/**
 * The route for a keys-API request, undefined for a path this API does not have, or a 405 ServiceError
 * for a known path with another method.
 */
export function keysRoute(s: KeyStore, method: string, seg: readonly string[]): KeyRoute | undefined {
  const wrongMethod = (): never => {
    throw new ServiceError(405, 'MethodNotAllowed', `The method ${method} is not allowed on this path.`);
  };
  const [root, rawName, third, fourth, ...rest] = seg;
  if (rest.length > 0) return undefined;
  if (root === 'rng' && seg.length === 1) {
    if (method !== 'POST') wrongMethod();
    return {
      operation: 'KeyRandom', action: 'rng/action', scope: '/',
      async run(r) {
        const body = await jsonBody(r);
        const count = body['count'];
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 128) throw badParameter('The property "count" must be a whole number from 1 to 128.');
        return { status: 200, body: { value: b64u(randomBytes(count)) } };
      },
    };
  }
  if (root === 'keys') {
    if (rawName === undefined) {
      if (method !== 'GET') wrongMethod();
      return {
        operation: 'KeyList', action: 'keys/read/action', scope: '/keys',
        async run(r) {
          const rows = s.list().map((rec) => keyItem(r.origin, rec, rec.versions[rec.versions.length - 1]!, false));
          return { status: 200, body: page(r, rows, '/keys') };
        },
      };
    }
    const name = checkName(rawName);
    if (third === undefined) {
      if (method === 'PUT') return importKey(s, name);
      if (method === 'GET') return getKey(s, name);
      if (method === 'PATCH') return updateKey(s, name);
      if (method === 'DELETE') {
        return {
          operation: 'KeyDelete', action: 'keys/delete', scope: `/keys/${name}`,
          async run(r) {
            const rec = await s.remove(name);
            r.note.id = kidOf(r.origin, rec.name);
            return { status: 200, body: deletedBundle(r.origin, rec) };
          },
        };
      }
      return wrongMethod();
    }
    if (fourth === undefined) {
      if (third === 'create') return method === 'POST' ? create(s, name) : wrongMethod();
      if (third === 'versions') {
        if (method !== 'GET') wrongMethod();
        return {
          operation: 'KeyListVersions', action: 'keys/read/action', scope: `/keys/${name}`,
          async run(r) {
            const rec = s.get(name);
            if (!rec) throw keyNotFound(name);
            return { status: 200, body: page(r, rec.versions.map((v) => keyItem(r.origin, rec, v, true)), `/keys/${rec.name}/versions`) };
          },
        };
      }
      if (third in OPS) return method === 'POST' ? keyOperation(s, name, undefined, third) : wrongMethod();
      if (/^[0-9a-fA-F]{32}$/.test(third)) {
        if (method === 'GET') return getKey(s, name, third);
        if (method === 'PATCH') return updateKey(s, name, third);
        return wrongMethod();
      }
      return undefined;
    }
    if (/^[0-9a-fA-F]{32}$/.test(third) && fourth in OPS) return method === 'POST' ? keyOperation(s, name, third, fourth) : wrongMethod();
    return undefined;
  }
  if (root === 'deletedkeys' && fourth === undefined) {
    if (rawName === undefined) {
      if (method !== 'GET') wrongMethod();
      return {
        operation: 'KeyListDeleted', action: 'keys/deletedKeys/read/action', scope: '/keys',
        async run(r) {
          return { status: 200, body: page(r, s.listDeleted().map((rec) => deletedBundle(r.origin, rec)), '/deletedkeys') };
        },
      };
    }
    const name = checkName(rawName);
    if (third === 'recover') {
      if (method !== 'POST') wrongMethod();
      return {
        operation: 'KeyRecover', action: 'keys/deletedKeys/recover/action', scope: `/keys/${name}`,
        async run(r) {
          const rec = await s.recover(name);
          const v = rec.versions[rec.versions.length - 1]!;
          noteKey(r, rec, v);
          return versionReply(r.origin, rec, v);
        },
      };
    }
    if (third !== undefined) return undefined;
    if (method === 'GET') {
      return {
        operation: 'KeyGetDeleted', action: 'keys/deletedKeys/read/action', scope: `/keys/${name}`,
        async run(r) {
          const rec = s.getDeleted(name);
          if (!rec) throw deletedKeyNotFound(name);
          return { status: 200, body: deletedBundle(r.origin, rec) };
        },
      };
    }
    if (method === 'DELETE') {
      return {
        operation: 'KeyPurge', action: 'keys/deletedKeys/delete', scope: `/keys/${name}`,
        async run(r) {
          await s.purge(name);
          r.note.id = `${r.origin}/deletedkeys/${name}`;
          return { status: 204 };
        },
      };
    }
    return wrongMethod();
  }
  return undefined;
}

