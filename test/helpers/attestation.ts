// Marvell-style key attestations made at test time, independently of src/attest: node:crypto keys and
// signatures, and a DER writer of its own (so a bug in the verifier's reader cannot be mirrored here).
//
// The PKI imitates the real ones (kek-attestation.md §1, §A.3): a test "Marvell" root, an X.509 v1 card
// certificate with a multi-valued RDN ("HSM:…, for non-FIPS mode"), a v3 partition certificate without
// extensions issued by the card; a self-signed "Microsoft" owner root (v3, CA) and an owner partition
// certificate with the partition key; a "Google" root issuing owner partition and card certificates.
// Blobs in both layouts (Azure 'object', Google 'response'), signed by the partition key in both
// encodings (PKCS#1 v1.5 over the bare SHA-256, and with DigestInfo). The attested KEKs need only a
// public key, so their moduli are random odd numbers of the right size (no key generation: fast).
import {
  constants, createHash, createPublicKey, generateKeyPair, generateKeyPairSync, privateEncrypt, randomBytes, sign,
  type KeyObject,
} from 'node:crypto';
import { gzipSync } from 'node:zlib';

// ---- a small DER writer ----

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
export const der = (tag: number, ...parts: Uint8Array[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...p: Uint8Array[]): Buffer => der(0x30, ...p);
const set = (...p: Uint8Array[]): Buffer => der(0x31, ...p);
function int(v: number | bigint): Buffer {
  let x = BigInt(v);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(x & 0xffn));
    x >>= 8n;
  } while (x > 0n);
  if ((bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return der(0x02, Buffer.from(bytes));
}
function oid(dotted: string): Buffer {
  const a = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const v of [a[0]! * 40 + a[1]!, ...a.slice(2)]) {
    const t = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) t.unshift(0x80 | (x & 0x7f));
    out.push(...t);
  }
  return der(0x06, Buffer.from(out));
}
const utf8 = (s: string): Buffer => der(0x0c, Buffer.from(s, 'utf8'));
const printable = (s: string): Buffer => der(0x13, Buffer.from(s, 'latin1'));
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2), 'latin1')) : der(0x18, Buffer.from(iso, 'latin1'));
}
const NULL = Buffer.from([0x05, 0x00]);
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), NULL);

/** A Name: each inner array is one RDN (several entries = a multi-valued RDN, as Marvell writes them). */
export type Name = readonly (readonly (readonly [string, string])[])[];
const ATTR_OID: Readonly<Record<string, string>> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };
export const nameDer = (n: Name): Buffer =>
  seq(...n.map((rdn) => set(...rdn.map(([k, v]) => seq(oid(ATTR_OID[k]!), k === 'C' ? printable(v) : utf8(v))))));

// ---- keys and certificates ----

export interface KeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
  readonly spki: Buffer;
  readonly spkiSha256: string;
}

function keyPairOf(publicKey: KeyObject, privateKey: KeyObject): KeyPair {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { publicKey, privateKey, spki, spkiSha256: createHash('sha256').update(spki).digest('hex') };
}

const rsaKeyPairAsync = (bits = 2048): Promise<KeyPair> =>
  new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits }, (err, publicKey, privateKey) => (err ? reject(err) : resolve(keyPairOf(publicKey, privateKey))));
  });

export interface CertSpec {
  readonly subject: Name;
  readonly issuer: Name;
  readonly key: KeyPair;
  readonly signer: KeyPair;
  readonly version?: 1 | 3;
  readonly serial?: number;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** basicConstraints (critical) when set; v3 only. */
  readonly ca?: boolean;
  /** Extra extensions (DER of Extension), v3 only. */
  readonly extensions?: readonly Buffer[];
}

export const YEAR = 365 * 24 * 3600 * 1000;

export function certificate(s: CertSpec): Buffer {
  const version = s.version ?? 3;
  const exts: Buffer[] = [...(s.extensions ?? [])];
  if (s.ca !== undefined) {
    const value = seq(...(s.ca ? [der(0x01, Buffer.from([0xff]))] : [])); // BasicConstraints { cA DEFAULT FALSE }
    exts.unshift(seq(oid('2.5.29.19'), der(0x01, Buffer.from([0xff])), der(0x04, value)));
  }
  const tbs = seq(
    ...(version === 3 ? [der(0xa0, int(2))] : []),
    int(s.serial ?? 1 + Math.floor(Math.random() * 1e9)),
    SHA256_RSA,
    nameDer(s.issuer),
    seq(time(s.notBefore ?? new Date(Date.now() - YEAR)), time(s.notAfter ?? new Date(Date.now() + 5 * YEAR))),
    nameDer(s.subject),
    s.key.spki,
    ...(version === 3 && exts.length > 0 ? [der(0xa3, seq(...exts))] : []),
  );
  return seq(tbs, SHA256_RSA, der(0x03, Buffer.from([0]), sign('sha256', tbs, s.signer.privateKey)));
}

export const pem = (ders: readonly Buffer[]): string =>
  ders.map((d) => `-----BEGIN CERTIFICATE-----\n${d.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`).join('');

const hsmName = (cn: string): Name => [[['C', 'US'], ['ST', 'CA'], ['O', 'Cavium'], ['OU', 'N3FIPS'], ['L', 'SanJose']], [['CN', cn]]];

export interface Pki {
  readonly marvellRoot: KeyPair;
  readonly card: KeyPair;
  readonly partition: KeyPair;
  readonly msRoot: KeyPair;
  readonly googleRoot: KeyPair;
  /** Keys for the negative tests: another root, another partition. */
  readonly otherRoot: KeyPair;
  readonly otherPartition: KeyPair;
}

let cached: Pki | undefined;

/** Generates the seven RSA-2048 keys of the test PKI once per test file, on the thread pool in parallel. */
export async function preparePki(): Promise<Pki> {
  if (cached === undefined) {
    const [marvellRoot, card, partition, msRoot, googleRoot, otherRoot, otherPartition] = await Promise.all(Array.from({ length: 7 }, () => rsaKeyPairAsync()));
    cached = { marvellRoot: marvellRoot!, card: card!, partition: partition!, msRoot: msRoot!, googleRoot: googleRoot!, otherRoot: otherRoot!, otherPartition: otherPartition! };
  }
  return cached;
}

/** The test PKI (await preparePki() first, at the top of the test file). */
export function pki(): Pki {
  if (cached === undefined) throw new Error('call await preparePki() first');
  return cached;
}

export const MARVELL_ROOT_NAME: Name = [[['C', 'US']], [['ST', 'California']], [['L', 'San Jose']], [['O', 'Cavium, Inc.']], [['OU', 'LiquidSecurity']], [['CN', 'localca.liquidsecurity.test']]];
export const CARD_NAME = hsmName('HSM:TEST0001, for non-FIPS mode');
export const PARTITION_NAME = hsmName('HSM:TEST0001:PARTN:3, for non-FIPS mode');
export const MS_ROOT_NAME: Name = [[['C', 'US']], [['ST', 'Washington']], [['L', 'Redmond']], [['O', 'Microsoft Corporation']], [['CN', 't1testpoolhsm']]];
export const GOOGLE_ROOT_NAME: Name = [[['C', 'US']], [['ST', 'CA']], [['L', 'Mountain View']], [['O', 'Google Inc']], [['CN', 'Hawksbill Root v1 test']]];

export interface Chains {
  readonly marvellRoot: Buffer;
  readonly card: Buffer;
  readonly partition: Buffer;
  readonly msRoot: Buffer;
  readonly msPartition: Buffer;
  readonly googleRoot: Buffer;
  readonly googlePartition: Buffer;
  readonly googleCard: Buffer;
}

/** Every certificate, with per-certificate overrides for the negative tests. */
export function chains(over: Partial<Record<keyof Chains, Partial<CertSpec>>> = {}): Chains {
  const k = pki();
  const make = (name: keyof Chains, base: CertSpec): Buffer => certificate({ ...base, ...over[name] });
  return {
    marvellRoot: make('marvellRoot', { subject: MARVELL_ROOT_NAME, issuer: MARVELL_ROOT_NAME, key: k.marvellRoot, signer: k.marvellRoot, version: 1, notBefore: new Date(Date.now() - 11 * YEAR), notAfter: new Date(Date.now() - YEAR) }),
    card: make('card', { subject: CARD_NAME, issuer: MARVELL_ROOT_NAME, key: k.card, signer: k.marvellRoot, version: 1 }),
    partition: make('partition', { subject: PARTITION_NAME, issuer: CARD_NAME, key: k.partition, signer: k.card, version: 3 }),
    msRoot: make('msRoot', { subject: MS_ROOT_NAME, issuer: MS_ROOT_NAME, key: k.msRoot, signer: k.msRoot, ca: true, notAfter: new Date(Date.now() + 25 * YEAR) }),
    msPartition: make('msPartition', { subject: PARTITION_NAME, issuer: MS_ROOT_NAME, key: k.partition, signer: k.msRoot, ca: false }),
    googleRoot: make('googleRoot', { subject: GOOGLE_ROOT_NAME, issuer: GOOGLE_ROOT_NAME, key: k.googleRoot, signer: k.googleRoot, ca: true }),
    googlePartition: make('googlePartition', { subject: PARTITION_NAME, issuer: GOOGLE_ROOT_NAME, key: k.partition, signer: k.googleRoot, ca: false }),
    googleCard: make('googleCard', { subject: CARD_NAME, issuer: GOOGLE_ROOT_NAME, key: k.card, signer: k.googleRoot, ca: false }),
  };
}

// ---- the attested key ----

export type AttestedKeySpec =
  | { readonly kind: 'rsa'; readonly n: Buffer; readonly e: Buffer }
  | { readonly kind: 'ec'; readonly curve: 'P-256' | 'P-384'; readonly point: Buffer; readonly spki: Buffer };

/** A random odd modulus of exactly `bits` bits: only the public key is attested, so no key generation. */
export function rsaKek(bits: 2048 | 3072 | 4096): AttestedKeySpec {
  const n = randomBytes(bits / 8);
  n[0]! |= 0x80;
  n[n.length - 1]! |= 1;
  return { kind: 'rsa', n, e: Buffer.from([1, 0, 1]) };
}

export function ecKey(curve: 'P-256' | 'P-384'): AttestedKeySpec {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const jwk = publicKey.export({ format: 'jwk' });
  return { kind: 'ec', curve, point: Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]), spki: publicKey.export({ format: 'der', type: 'spki' }) };
}

/** The SubjectPublicKeyInfo node:crypto writes for the key (what KCV and EKCV hash). */
export function spkiOf(k: AttestedKeySpec): Buffer {
  if (k.kind === 'ec') return k.spki;
  return createPublicKey({ key: { kty: 'RSA', n: k.n.toString('base64url'), e: k.e.toString('base64url') }, format: 'jwk' }).export({ format: 'der', type: 'spki' });
}

export function spkiPem(k: AttestedKeySpec): string {
  return createPublicKey({ key: spkiOf(k), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString();
}

// ---- blobs ----

export const TAG = {
  CLASS: 0x0000, TOKEN: 0x0001, PRIVATE: 0x0002, LABEL: 0x0003, KEY_TYPE: 0x0100, ID: 0x0102, SENSITIVE: 0x0103,
  ENCRYPT: 0x0104, DECRYPT: 0x0105, WRAP: 0x0106, UNWRAP: 0x0107, SIGN: 0x0108, VERIFY: 0x010a, DERIVE: 0x010c,
  MODULUS: 0x0120, MODULUS_BITS: 0x0121, PUBLIC_EXPONENT: 0x0122, VALUE_LEN: 0x0161, EXTRACTABLE: 0x0162,
  LOCAL: 0x0163, NEVER_EXTRACTABLE: 0x0164, ALWAYS_SENSITIVE: 0x0165, KCV: 0x0173, EKCV: 0x1003, SPLITTABLE: 0x80000002,
} as const;

export type Attr = readonly [number, Buffer];
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
const b1 = (v: number): Buffer => Buffer.from([v]);
const padded = (s: string, n = 128): Buffer => {
  const b = Buffer.alloc(n);
  b.write(s, 'utf8');
  return b;
};

/** The attributes the HSM lists for the key: `cls` 2 (public) or 3 (private). `over` replaces values (null drops one). */
export function keyAttributes(k: AttestedKeySpec, cls: 2 | 3, id: string, over: Readonly<Record<number, Buffer | null>> = {}): Attr[] {
  const priv = cls === 3;
  const spki = spkiOf(k);
  const attrs: Attr[] = [
    [TAG.CLASS, b1(cls)], [TAG.KEY_TYPE, b1(k.kind === 'rsa' ? 0 : 3)], [TAG.TOKEN, b1(1)], [TAG.PRIVATE, b1(1)],
    [TAG.ENCRYPT, b1(priv ? 0 : 1)], [TAG.DECRYPT, b1(priv ? 1 : 0)], [TAG.WRAP, b1(priv ? 0 : 1)], [TAG.UNWRAP, b1(priv ? 1 : 0)],
    [TAG.SIGN, b1(0)], [TAG.VERIFY, b1(0)], [TAG.LOCAL, b1(1)], [TAG.SENSITIVE, b1(priv ? 1 : 0)], [TAG.EXTRACTABLE, b1(priv ? 0 : 1)],
    [TAG.LABEL, padded('customer_key')], [TAG.ID, padded(id)],
    [TAG.VALUE_LEN, u32(k.kind === 'rsa' ? 1217 : k.point.length)],
    [TAG.KCV, createHash('sha1').update(spki).digest().subarray(0, 3)],
    [TAG.MODULUS, k.kind === 'rsa' ? k.n : k.point],
    [TAG.MODULUS_BITS, u32(k.kind === 'rsa' ? k.n.length * 8 : 256)],
    ...(k.kind === 'rsa' ? [[TAG.PUBLIC_EXPONENT, k.e] as Attr] : [[TAG.EKCV, createHash('sha256').update(spki).digest()] as Attr]),
    [TAG.SPLITTABLE, b1(0)], [TAG.DERIVE, b1(0)],
    [TAG.ALWAYS_SENSITIVE, b1(priv ? 1 : 0)], [TAG.NEVER_EXTRACTABLE, b1(priv ? 1 : 0)],
  ];
  const out: Attr[] = [];
  for (const [tag, value] of attrs) {
    if (!(tag in over)) out.push([tag, value]);
    else if (over[tag] !== null) out.push([tag, over[tag]!]);
  }
  for (const [tag, value] of Object.entries(over)) if (value !== null && !attrs.some(([t]) => t === Number(tag))) out.push([Number(tag), value]);
  return out;
}

/** handle, attributeCount, objectSize, TLVs, `slack` zero bytes. `count` overrides the announced count. */
export function objectRecord(handle: number, attrs: readonly Attr[], opts: { count?: number; slack?: number } = {}): Buffer {
  const tlvs = Buffer.concat(attrs.flatMap(([t, v]) => [u32(t), u32(v.length), v]));
  const body = Buffer.concat([tlvs, Buffer.alloc(opts.slack ?? 0)]);
  return Buffer.concat([u32(handle), u32(opts.count ?? attrs.length), u32(body.length), body]);
}

/** Azure's layout: 16 zero bytes, the record's length, the record, zero padding. Unsigned. */
export function objectLayout(record: Buffer, pad = 280): Buffer {
  return Buffer.concat([Buffer.alloc(16), u32(record.length), record, Buffer.alloc(pad)]);
}

/** Google's layout: response header, 16-byte prefix, info header, the objects. Unsigned; `sigLen` for totalSize. */
export function responseLayout(records: readonly Buffer[], sigLen = 256): Buffer {
  const info = Buffer.alloc(8);
  info.writeUInt16BE(1, 0);
  info.writeUInt16BE(3, 2);
  info.writeUInt16BE(8, 4);
  info.writeUInt16BE(records.length > 1 ? 8 + records[0]!.length : 0, 6);
  const buffer = Buffer.concat([info, ...records]);
  const prefix = Buffer.concat([u32(0), u32(0x7e6), u32(0), u32(0x22a6)]);
  const head = Buffer.concat([u32(0), u32(3), u32(16 + prefix.length + buffer.length + sigLen), u32(buffer.length)]);
  return Buffer.concat([head, prefix, buffer]);
}

export type Encoding = 'bare-sha256' | 'digest-info';

/** data || signature by `key` in `encoding`; `tamper` edits the encoded block before the private operation. */
export function signBlob(data: Buffer, key: KeyPair, encoding: Encoding, tamper?: (em: Buffer) => void): Buffer {
  const h = createHash('sha256').update(data).digest();
  if (tamper === undefined) {
    const sig = encoding === 'digest-info' ? sign('sha256', data, key.privateKey) : privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, h);
    return Buffer.concat([data, sig]);
  }
  const k = key.publicKey.asymmetricKeyDetails!.modulusLength! / 8;
  const t = encoding === 'digest-info' ? Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), h]) : h;
  const em = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(k - 3 - t.length, 0xff), Buffer.from([0]), t]);
  tamper(em);
  return Buffer.concat([data, privateEncrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, em)]);
}

// ---- whole files ----

export const KID = 'https://contoso-test.managedhsm.azure.net/keys/KEKforBYOK/0123456789abcdef0123456789abcdef';
export const KID_PATH = '/keys/KEKforBYOK/0123456789abcdef0123456789abcdef';

export interface AzureOptions {
  readonly key?: AttestedKeySpec;
  readonly encoding?: Encoding;
  /** Certificates in the bundle (default: card, partition, MS root, MS partition). */
  readonly bundle?: readonly Buffer[];
  readonly privateAttrs?: Readonly<Record<number, Buffer | null>>;
  readonly publicAttrs?: Readonly<Record<number, Buffer | null>>;
  readonly id?: string;
  readonly kid?: string;
  /** Edits of the private blob after it is signed (truncation, extra bytes, flipped bits …). */
  readonly privateBlob?: (signed: Buffer) => Buffer;
  /** Builds the private blob's unsigned data from its record (default objectLayout). */
  readonly privateData?: (k: AttestedKeySpec, id: string) => Buffer;
  readonly tamper?: (em: Buffer) => void;
  readonly signer?: KeyPair;
  /** The key the file names beside the attestation (default: the attested one). */
  readonly fileKey?: AttestedKeySpec;
}

function jwkOf(k: AttestedKeySpec): Record<string, unknown> {
  if (k.kind === 'rsa') return { kty: 'RSA-HSM', n: k.n.toString('base64url'), e: k.e.toString('base64url') };
  const size = (k.point.length - 1) / 2;
  return { kty: 'EC-HSM', crv: k.curve, x: k.point.subarray(1, 1 + size).toString('base64url'), y: k.point.subarray(1 + size).toString('base64url') };
}

/** The KeyBundle of GET /keys/{name}/attestation (REST spelling), for an RSA-2048 KEK by default. */
export function azureAttestation(o: AzureOptions = {}): { json: Record<string, unknown>; key: AttestedKeySpec; private: Buffer; public: Buffer } {
  const key = o.key ?? rsaKek(2048);
  const c = chains();
  const signer = o.signer ?? pki().partition;
  const enc = o.encoding ?? 'bare-sha256';
  const id = o.id ?? KID_PATH;
  const privData = o.privateData?.(key, id) ?? objectLayout(objectRecord(0x48, keyAttributes(key, 3, id, o.privateAttrs), { slack: 16 }));
  let priv = signBlob(privData, signer, enc, o.tamper);
  if (o.privateBlob) priv = o.privateBlob(priv);
  const pub = signBlob(objectLayout(objectRecord(0x47, keyAttributes(key, 2, id, o.publicAttrs), { slack: 16 })), signer, enc);
  const bundle = o.bundle ?? [c.card, c.partition, c.msRoot, c.msPartition];
  const json = {
    key: { kid: o.kid ?? KID, ...jwkOf(o.fileKey ?? key), key_ops: ['import'] },
    attributes: {
      enabled: true,
      exportable: false,
      attestation: {
        certificatePemFile: Buffer.from(pem(bundle)).toString('base64url'),
        privateKeyAttestation: priv.toString('base64url'),
        publicKeyAttestation: pub.toString('base64url'),
        version: 'MRVL-1',
      },
    },
  };
  return { json, key, private: priv, public: pub };
}

export interface GcpOptions {
  readonly key?: AttestedKeySpec;
  readonly encoding?: Encoding;
  readonly chains?: { readonly caviumCerts: readonly Buffer[]; readonly googleCardCerts: readonly Buffer[]; readonly googlePartitionCerts: readonly Buffer[] };
  /** Edits of the inflated, signed blob. */
  readonly blob?: (signed: Buffer) => Buffer;
  /** Replaces gzip. */
  readonly compress?: (raw: Buffer) => Buffer;
  readonly importJob?: boolean;
}

/** A Cloud KMS ImportJob (RSA KEK, with its public key) or CryptoKeyVersion with its attestation. */
export function gcpAttestation(o: GcpOptions = {}): { json: Record<string, unknown>; key: AttestedKeySpec; raw: Buffer } {
  const key = o.key ?? rsaKek(3072);
  const c = chains();
  const id = createHash('sha256').update(spkiOf(key)).digest('hex');
  const data = responseLayout([objectRecord(0x7e6, keyAttributes(key, 2, id)), objectRecord(0x22a6, keyAttributes(key, 3, id))]);
  let raw = signBlob(data, pki().partition, o.encoding ?? 'digest-info');
  if (o.blob) raw = o.blob(raw);
  const ch = o.chains ?? { caviumCerts: [c.card, c.partition], googleCardCerts: [c.googleCard], googlePartitionCerts: [c.googlePartition] };
  const attestation = {
    format: 'CAVIUM_V2_COMPRESSED',
    content: (o.compress ?? gzipSync)(raw).toString('base64'),
    certChains: { caviumCerts: ch.caviumCerts.map((x) => pem([x])), googleCardCerts: ch.googleCardCerts.map((x) => pem([x])), googlePartitionCerts: ch.googlePartitionCerts.map((x) => pem([x])) },
  };
  const json = o.importJob === false || key.kind === 'ec'
    ? { name: 'projects/p/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1', algorithm: 'EC_SIGN_P256_SHA256', protectionLevel: 'HSM', attestation }
    : { name: 'projects/p/locations/global/keyRings/r/importJobs/j', importMethod: `RSA_OAEP_${key.n.length * 8}_SHA256_AES_256`, protectionLevel: 'HSM', state: 'ACTIVE', publicKey: { pem: spkiPem(key) }, attestation };
  return { json, key, raw };
}

/** The pins of the test PKI (what the built-in Marvell and Google pins are for the real one). */
export function testAnchors(): { marvell: string[]; google: string[] } {
  const k = pki();
  return { marvell: [k.marvellRoot.spkiSha256], google: [k.googleRoot.spkiSha256] };
}

/** The roots a user would pass with --roots: the test Marvell and Google root certificates. */
export function testRoots(): string {
  const c = chains();
  return pem([c.marvellRoot, c.googleRoot]);
}
