// The key store of `byok serve`: one record per key name (all its versions and its deleted state), each
// change recorded whole in the key log (key-log.ts) and on disk before it is acknowledged. Changes to one
// name are serialized (a promise chain per name); different names proceed in parallel. The whole store
// is also held in memory, updated only after the file is on disk, so readers never see a change that
// could still be lost. Private and secret material stays sealed (key-material.ts) and is opened on use.
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { openKeyLog } from './key-log.js';
import { deletedKeyNotFound, keyNotFound, ServiceError } from './errors.js';
import { seal, unseal, type Curve, type Kty, type Material, type PublicJwk } from './key-material.js';
import type { OpKey } from './key-ops.js';

export const KEY_NAME = /^[0-9A-Za-z-]{1,127}$/;
export const RECOVERABLE_DAYS = 90;

export interface KeyAttributes {
  readonly enabled: boolean;
  readonly nbf?: number;
  readonly exp?: number;
  readonly created: number;
  readonly updated: number;
}

export interface VersionRecord {
  readonly version: string;
  readonly kty: Kty;
  readonly crv?: Curve;
  readonly bits: number;
  readonly keyOps: readonly string[];
  readonly pub?: PublicJwk;
  readonly sealed: string;
  readonly attributes: KeyAttributes;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface KeyRecord {
  readonly name: string;
  readonly versions: readonly VersionRecord[];
  readonly deleted?: { readonly deletedDate: number; readonly scheduledPurgeDate: number };
}

export interface NewVersion {
  readonly material: Material;
  readonly keyOps: readonly string[];
  readonly enabled: boolean;
  readonly nbf?: number;
  readonly exp?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface VersionPatch {
  readonly keyOps?: readonly string[];
  readonly enabled?: boolean;
  readonly nbf?: number;
  readonly exp?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

const now = (): number => Math.floor(Date.now() / 1000);

export function conflictDeleted(name: string): ServiceError {
  return new ServiceError(409, 'Conflict', `Key ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.`, { inner: 'ObjectIsDeletedButRecoverable' });
}

export interface KeyStore {
  get(name: string): KeyRecord | undefined;
  getDeleted(name: string): KeyRecord | undefined;
  list(): readonly KeyRecord[];
  listDeleted(): readonly KeyRecord[];
  addVersion(name: string, v: NewVersion): Promise<{ record: KeyRecord; version: VersionRecord }>;
  updateVersion(name: string, version: string, patch: VersionPatch): Promise<{ record: KeyRecord; version: VersionRecord }>;
  remove(name: string): Promise<KeyRecord>;
  recover(name: string): Promise<KeyRecord>;
  purge(name: string): Promise<void>;
  /** The key of a version for an operation (opened from its sealed form once, then cached). */
  opKey(name: string, v: VersionRecord): OpKey;
  /** Closes the log (after the requests in flight have finished). */
  close(): void;
  /** RSA-OAEP (SHA-1) decryption with a KEK version's private key, for .byok imports. */
  kekDecrypt(name: string, v: VersionRecord, ciphertext: Uint8Array): Promise<ArrayBuffer>;
}

/**
 * Copies of each KEK's private key, one per thread of libuv's pool (UV_THREADPOOL_SIZE as the process
 * started with it, else libuv's 4): node:crypto holds a lock per key object for the whole RSA operation,
 * so imports under one KEK would otherwise run one at a time whatever the cores (measured: 0.98 cores
 * busy with one copy, 1.9 with four on 2 cores).
 */
const KEK_COPIES = Math.min(16, Math.max(1, Number(process.env['UV_THREADPOOL_SIZE']) || 4));

export function findVersion(record: KeyRecord, version: string | undefined): VersionRecord | undefined {
  if (version === undefined || version === '') return record.versions[record.versions.length - 1];
  const v = version.toLowerCase();
  return record.versions.find((x) => x.version === v);
}

export function openKeyStore(dir: string, masterKey: Buffer): KeyStore {
  const { records, log } = openKeyLog(dir);
  const locks = new Map<string, Promise<unknown>>();
  const opened = new Map<string, OpKey>();
  const kekKeys = new Map<string, Promise<{ key: webcrypto.CryptoKey; busy: number }[]>>();
  const aadOf = (name: string, version: string): string => `${name.toLowerCase()}/${version}`;

  /** Runs `fn` after every earlier change to the same name has settled. */
  function serialize<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const key = name.toLowerCase();
    const prev = locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.then(() => undefined, () => undefined);
    locks.set(key, settled);
    void settled.then(() => {
      if (locks.get(key) === settled) locks.delete(key);
    });
    return next;
  }

  async function persist(r: KeyRecord): Promise<void> {
    await log.put(r);
    records.set(r.name.toLowerCase(), r);
  }

  const active = (name: string): KeyRecord | undefined => {
    const r = records.get(name.toLowerCase());
    return r && !r.deleted ? r : undefined;
  };

  return {
    get: active,
    getDeleted(name) {
      const r = records.get(name.toLowerCase());
      return r?.deleted ? r : undefined;
    },
    list: () => [...records.values()].filter((r) => !r.deleted).sort((a, b) => a.name.localeCompare(b.name)),
    listDeleted: () => [...records.values()].filter((r) => r.deleted).sort((a, b) => a.name.localeCompare(b.name)),

    addVersion(name, v) {
      return serialize(name, async () => {
        const existing = records.get(name.toLowerCase());
        if (existing?.deleted) throw conflictDeleted(existing.name);
        const t = now();
        const version = randomBytes(16).toString('hex');
        const m = v.material;
        const rec: VersionRecord = {
          version, kty: m.kty, bits: m.bits, keyOps: [...v.keyOps],
          ...(m.crv ? { crv: m.crv } : {}), ...(m.pub ? { pub: m.pub } : {}),
          sealed: seal(masterKey, m.secret, aadOf(name, version)),
          attributes: { enabled: v.enabled, ...(v.nbf !== undefined ? { nbf: v.nbf } : {}), ...(v.exp !== undefined ? { exp: v.exp } : {}), created: t, updated: t },
          ...(v.tags ? { tags: v.tags } : {}),
        };
        const record: KeyRecord = { name: existing?.name ?? name, versions: [...(existing?.versions ?? []), rec] };
        await persist(record);
        if (m.key) opened.set(aadOf(name, version), { kty: m.kty, ...(m.crv ? { crv: m.crv } : {}), key: m.key });
        return { record, version: rec };
      });
    },

    updateVersion(name, version, patch) {
      return serialize(name, async () => {
        const r = active(name);
        if (!r) throw keyNotFound(name);
        const old = findVersion(r, version);
        if (!old) throw keyNotFound(`${name}/${version}`);
        const a = old.attributes;
        const attributes: KeyAttributes = {
          enabled: patch.enabled ?? a.enabled,
          ...((patch.nbf ?? a.nbf) !== undefined ? { nbf: patch.nbf ?? a.nbf } : {}),
          ...((patch.exp ?? a.exp) !== undefined ? { exp: patch.exp ?? a.exp } : {}),
          created: a.created, updated: now(),
        };
        const updated: VersionRecord = { ...old, keyOps: patch.keyOps ?? old.keyOps, attributes, ...(patch.tags ? { tags: patch.tags } : {}) };
        const record: KeyRecord = { ...r, versions: r.versions.map((x) => (x === old ? updated : x)) };
        await persist(record);
        return { record, version: updated };
      });
    },

    remove(name) {
      return serialize(name, async () => {
        const r = active(name);
        if (!r) throw keyNotFound(name);
        const t = now();
        const record: KeyRecord = { ...r, deleted: { deletedDate: t, scheduledPurgeDate: t + RECOVERABLE_DAYS * 86400 } };
        await persist(record);
        return record;
      });
    },

    recover(name) {
      return serialize(name, async () => {
        const r = records.get(name.toLowerCase());
        if (!r?.deleted) throw deletedKeyNotFound(name);
        const record: KeyRecord = { name: r.name, versions: r.versions };
        await persist(record);
        return record;
      });
    },

    purge(name) {
      return serialize(name, async () => {
        const r = records.get(name.toLowerCase());
        if (!r?.deleted) throw deletedKeyNotFound(name);
        await log.purge(r.name);
        records.delete(r.name.toLowerCase());
        for (const v of r.versions) {
          opened.delete(aadOf(r.name, v.version));
          kekKeys.delete(aadOf(r.name, v.version));
        }
      });
    },

    opKey(name, v) {
      const id = aadOf(name, v.version);
      let k = opened.get(id);
      if (k === undefined) {
        const secret = unseal(masterKey, v.sealed, id);
        try {
          k = v.kty === 'oct-HSM'
            ? { kty: v.kty, aes: Buffer.from(secret) }
            : { kty: v.kty, ...(v.crv ? { crv: v.crv } : {}), key: createPrivateKey({ key: secret, format: 'der', type: 'pkcs8' }) };
        } finally {
          secret.fill(0);
        }
        opened.set(id, k);
      }
      return k;
    },

    close: () => log.close(),

    async kekDecrypt(name, v, ciphertext) {
      const id = aadOf(name, v.version);
      let copies = kekKeys.get(id);
      if (copies === undefined) {
        const secret = unseal(masterKey, v.sealed, id);
        const loading = Promise.all(Array.from({ length: KEK_COPIES }, () =>
          webcrypto.subtle.importKey('pkcs8', secret, { name: 'RSA-OAEP', hash: 'SHA-1' }, false, ['decrypt'])));
        copies = loading.finally(() => secret.fill(0)).then((keys) => keys.map((key) => ({ key, busy: 0 })));
        kekKeys.set(id, copies);
      }
      const all = await copies;
      const c = all.reduce((a, b) => (b.busy < a.busy ? b : a));
      c.busy++;
      try {
        return await webcrypto.subtle.decrypt({ name: 'RSA-OAEP' }, c.key, ciphertext);
      } finally {
        c.busy--;
      }
    },
  };
}
