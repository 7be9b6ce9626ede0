// verifyKeyAttestation: everything a Marvell key attestation can prove about a KEK, checked offline
// (kek-attestation.md §A.6, with §1's corrections), and nothing taken on trust from the file:
//
//   1. the manufacturer chain up to a pinned Marvell root and the owner chain (chains.ts);
//   2. each blob's signature by the partition key, in the provider's exact encoding with every padding
//      byte checked (pkcs1.ts): Azure — PKCS#1 v1.5 padding over the bare SHA-256 (firmware 2.x) or with
//      DigestInfo (3.x); Google — with DigestInfo only;
//   3. the blob layout (blob.ts): Azure one object per blob (private, public); Google two objects (public
//      and private) in one gzip-compressed blob;
//   4. the attested key: both objects name the same modulus/point, the KCV (first 3 bytes of SHA-1) and
//      EKCV (SHA-256) of its SubjectPublicKeyInfo agree, and it is the KEK given and the key the file names;
//   5. the private object's attributes: private key class, never extractable, sensitive from birth,
//      generated in the HSM;
//   6. Azure: the attested ID is /keys/<name>/<version> of the kid.
//
// A failed check is a result ('fail'), never an exception: the caller shows every check. Exceptions are
// for input that is not an attestation at all (MALFORMED_ATTESTATION, ATTESTATION_UNSUPPORTED) or a bad
// argument (INVALID_ARGUMENT, and readKek's errors for a bad `kek`).
import { getCore } from '../core/index.js';
import { ByokError } from '../errors.js';
import { readKek, type Kek } from '../kek/index.js';
import { ecSpki, uncompressedPoint } from '../keys/ec.js';
import { CURVES } from '../keys/oids.js';
import { bytesToText, hasPemBlock, parsePem, withoutBom } from '../keys/pem.js';
import { rsaSpki } from '../keys/rsa.js';
import { GOOGLE_ROOT_PINS, MARVELL_ROOT_PINS, normalizePins } from './anchors.js';
import { ATTR, attribute, parseMarvellBlob, type MarvellBlob, type MarvellObject } from './blob.js';
import { buildChains, hex, short } from './chains.js';
import { gunzipBounded, isGzip } from './gzip.js';
import { readAttestationInput, type AttestationInput, type PublicKeyRef } from './input.js';
import { describeEncoding, pkcs1Verify, type SignatureEncoding } from './pkcs1.js';
import type {
  AttestationCheck, AttestedKey, AttestedObject, KeyAttestationResult, VerifyKeyAttestationOptions,
} from './types.js';
import { parseCertificate, sameBytes, type Certificate } from './x509.js';

const CLASS_PUBLIC = 2;
const CLASS_PRIVATE = 3;
const KEY_TYPE_RSA = 0;
const KEY_TYPE_EC = 3;

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function bitLength(b: Uint8Array): number {
  const s = stripZeros(b);
  return s[0] === 0 ? 0 : (s.length - 1) * 8 + (32 - Math.clz32(s[0]!));
}

function rootsFrom(list: readonly (Uint8Array | string)[]): Certificate[] {
  const out: Certificate[] = [];
  list.forEach((item, i) => {
    if (!(item instanceof Uint8Array) && typeof item !== 'string') throw new ByokError('INVALID_ARGUMENT', '"roots" expected an array of PEM strings or DER bytes');
    const text = typeof item === 'string' ? item : bytesToText(withoutBom(item));
    if (hasPemBlock(text)) {
      for (const [j, b] of parsePem(text, 'MALFORMED_ATTESTATION').entries()) {
        if (b.label === 'CERTIFICATE') out.push(parseCertificate(b.der, `root file ${i + 1} certificate ${j + 1}`));
      }
    } else if (item instanceof Uint8Array) {
      out.push(parseCertificate(item, `root file ${i + 1}`));
    } else {
      throw new ByokError('MALFORMED_ATTESTATION', `root file ${i + 1}: holds no PEM certificate; give the root certificate as PEM or DER`);
    }
  });
  return out;
}

function kekOf(v: VerifyKeyAttestationOptions['kek']): Kek | undefined {
  if (v === undefined) return undefined;
  const k = v as Partial<Kek>;
  if (k.n instanceof Uint8Array && k.e instanceof Uint8Array && k.spki instanceof Uint8Array && k.fingerprint !== undefined) return v as Kek;
  return readKek(v as Uint8Array | string | object);
}

const bool = (v: Uint8Array | undefined): boolean | undefined => (v === undefined || v.length === 0 ? undefined : v.some((x) => x !== 0));
const num = (v: Uint8Array | undefined): number | undefined => {
  if (v === undefined || v.length === 0 || v.length > 4) return undefined;
  let n = 0;
  for (const x of v) n = n * 256 + x;
  return n;
};
const text = (v: Uint8Array | undefined): string | undefined => {
  if (v === undefined) return undefined;
  const end = v.indexOf(0);
  return new TextDecoder('utf-8', { fatal: false }).decode(end < 0 ? v : v.subarray(0, end));
};

function describeObject(blob: AttestedObject['blob'], o: MarvellObject): AttestedObject {
  const a = (tag: number): Uint8Array | undefined => attribute(o, tag);
  const entries: [keyof AttestedObject, unknown][] = [
    ['class', num(a(ATTR.CLASS))], ['keyType', num(a(ATTR.KEY_TYPE))],
    ['extractable', bool(a(ATTR.EXTRACTABLE))], ['neverExtractable', bool(a(ATTR.NEVER_EXTRACTABLE))],
    ['sensitive', bool(a(ATTR.SENSITIVE))], ['alwaysSensitive', bool(a(ATTR.ALWAYS_SENSITIVE))],
    ['local', bool(a(ATTR.LOCAL))], ['token', bool(a(ATTR.TOKEN))],
    ['encrypt', bool(a(ATTR.ENCRYPT))], ['decrypt', bool(a(ATTR.DECRYPT))], ['wrap', bool(a(ATTR.WRAP))],
    ['unwrap', bool(a(ATTR.UNWRAP))], ['sign', bool(a(ATTR.SIGN))], ['verify', bool(a(ATTR.VERIFY))],
    ['derive', bool(a(ATTR.DERIVE))], ['label', text(a(ATTR.LABEL))], ['id', text(a(ATTR.ID))],
    ['modulusBits', num(a(ATTR.MODULUS_BITS))],
    ['kcv', a(ATTR.KCV) && hex(a(ATTR.KCV)!)], ['ekcv', a(ATTR.EKCV) && hex(a(ATTR.EKCV)!)],
  ];
  return { blob, handle: o.handle, ...Object.fromEntries(entries.filter(([, v]) => v !== undefined)) } as AttestedObject;
}

/** The attested public key from an object's MODULUS (RSA n, or the EC point) and PUBLIC_EXPONENT. */
function keyFromObject(o: MarvellObject): AttestedKey | string {
  const type = num(attribute(o, ATTR.KEY_TYPE));
  const mod = attribute(o, ATTR.MODULUS);
  if (mod === undefined || mod.length === 0) return 'the object has no modulus/point attribute (0x0120)';
  const core = getCore();
  if (type === KEY_TYPE_RSA) {
    const e = attribute(o, ATTR.PUBLIC_EXPONENT);
    if (e === undefined || e.length === 0) return 'the RSA object has no public exponent attribute (0x0122)';
    const n = stripZeros(mod);
    const ee = stripZeros(e);
    const spki = rsaSpki(n, ee);
    return { kind: 'rsa', bits: bitLength(n), n, e: ee, spki, spkiSha256: hex(core.sha256(spki)) };
  }
  if (type === KEY_TYPE_EC) {
    // The curve is not an attribute: it follows from the point's length and which curve it lies on.
    for (const curve of CURVES.filter((c) => mod.length === 1 + 2 * Math.ceil(c.bits / 8))) {
      try {
        const point = uncompressedPoint(curve, mod, 'attested point');
        if (!sameBytes(point, mod)) continue;
        const spki = ecSpki(curve, point);
        return { kind: 'ec', curve: curve.name, point, spki, spkiSha256: hex(core.sha256(spki)) };
      } catch {
        // not on this curve: try the next of the same size
      }
    }
    return `the attested EC point (${mod.length} bytes) is not an uncompressed point of P-256, P-384, P-521 or secp256k1`;
  }
  return `key type ${type ?? '(missing)'} is neither RSA (0) nor EC (3)`;
}

function sameKey(a: AttestedKey, b: PublicKeyRef): boolean {
  if (a.kind === 'rsa' && b.kind === 'rsa') return sameBytes(a.n, stripZeros(b.n)) && sameBytes(a.e, stripZeros(b.e));
  if (a.kind === 'ec' && b.kind === 'ec') return a.curve === b.curve && sameBytes(a.point, b.point);
  return false;
}

const keyText = (k: AttestedKey): string => (k.kind === 'rsa' ? `RSA-${k.bits}` : `EC ${k.curve}`);
const refText = (k: PublicKeyRef): string => (k.kind === 'rsa' ? `RSA-${bitLength(k.n)}` : `EC ${k.curve}`);

/** `/keys/<name>/<version>` of a Key Vault / Managed HSM key identifier, or undefined. */
function kidPath(kid: string): string | undefined {
  try {
    const parts = new URL(kid).pathname.split('/');
    return parts.length === 4 && parts[1] === 'keys' && parts[2] !== '' && parts[3] !== '' ? `/keys/${parts[2]}/${parts[3]}` : undefined;
  } catch {
    return undefined;
  }
}

interface ReadBlob {
  readonly name: 'private' | 'public' | 'content';
  readonly parsed?: MarvellBlob;
}

/**
 * Verifies a key attestation offline. `input`: the file (bytes or text of the JSON the cloud returned)
 * or the parsed object (REST body, @azure/keyvault-keys KeyVaultKey). Never throws for a failed check:
 * read `verified` and `checks`.
 */
export function verifyKeyAttestation(input: Uint8Array | string | object, opts: VerifyKeyAttestationOptions = {}): KeyAttestationResult {
  if (typeof opts !== 'object' || opts === null) throw new ByokError('INVALID_ARGUMENT', '"opts" expected an object');
  if (opts.at !== undefined && !(opts.at instanceof Date && !Number.isNaN(opts.at.getTime()))) throw new ByokError('INVALID_ARGUMENT', '"at" expected a valid Date');
  const att: AttestationInput = readAttestationInput(input);
  const kek = kekOf(opts.kek);
  const roots = rootsFrom(opts.roots ?? []);
  const at = opts.at ?? new Date();
  const chains = buildChains({
    provider: att.provider,
    bundle: att.certificates,
    roots,
    marvellPins: normalizePins(opts.anchors?.marvell ?? MARVELL_ROOT_PINS, 'anchors.marvell'),
    googlePins: normalizePins(opts.anchors?.google ?? GOOGLE_ROOT_PINS, 'anchors.google'),
    microsoftPins: normalizePins(opts.anchors?.microsoft ?? [], 'anchors.microsoft'),
    at,
  });
  const checks: AttestationCheck[] = [...chains.checks];
  const replaced = (['marvell', 'google'] as const).filter((k) => opts.anchors?.[k] !== undefined);
  if (replaced.length > 0) {
    checks.unshift({ id: 'anchors', status: 'info', detail: `the caller replaced the built-in ${replaced.map((k) => (k === 'marvell' ? 'Marvell' : 'Google')).join(' and ')} root pins: trust rests on the pins given, not on the published roots` });
  }
  const partitionKey = chains.partition?.key.kind === 'rsa' ? chains.partition.key : undefined;
  const sigLen = partitionKey ? stripZeros(partitionKey.n).length : 256;
  const encodings: SignatureEncoding[] = att.provider === 'azure' ? ['bare-sha256', 'digest-info'] : ['digest-info'];

  // ---- each blob: decompress, signature, layout ----
  const blobs: ReadBlob[] = att.blobs.map(({ name, bytes }) => {
    let raw = bytes;
    if (att.provider === 'gcp') {
      if (!isGzip(bytes)) {
        checks.push({ id: `layout:${name}`, status: 'fail', detail: `${name} blob: a Google Cloud KMS attestation (${att.format}) is gzip-compressed, this one is not` });
        return { name };
      }
      raw = gunzipBounded(bytes, `attestation.${name}`);
    }
    if (partitionKey === undefined) {
      checks.push({ id: `signature:${name}`, status: 'fail', detail: `${name} blob: not verified, since the chains give no RSA partition key to verify it with` });
    } else if (raw.length <= sigLen) {
      checks.push({ id: `signature:${name}`, status: 'fail', detail: `${name} blob: ${raw.length} bytes cannot hold data and a ${sigLen}-byte signature` });
    } else {
      const r = pkcs1Verify(partitionKey, raw.subarray(0, raw.length - sigLen), raw.subarray(raw.length - sigLen), 'sha256', encodings);
      checks.push(r.ok
        ? { id: `signature:${name}`, status: 'pass', detail: `${name} blob: signed by the partition key, ${describeEncoding(r.encoding)}, every padding byte checked` }
        : { id: `signature:${name}`, status: 'fail', detail: `${name} blob: signature not valid: ${r.reason}` });
    }
    try {
      return { name, parsed: parseMarvellBlob(raw, sigLen) };
    } catch (e) {
      if (!(e instanceof ByokError)) throw e;
      checks.push({ id: `layout:${name}`, status: 'fail', detail: `${name} blob: ${e.message}` });
      return { name };
    }
  });

  // ---- layout per provider: which objects, and which is the private key ----
  const objects: { blob: ReadBlob['name']; o: MarvellObject }[] = [];
  for (const b of blobs) {
    if (b.parsed === undefined) continue;
    const classes = b.parsed.objects.map((o) => num(attribute(o, ATTR.CLASS)));
    const want = b.name === 'private' ? [CLASS_PRIVATE] : b.name === 'public' ? [CLASS_PUBLIC] : [CLASS_PUBLIC, CLASS_PRIVATE];
    const ok = classes.length === want.length && want.every((c) => classes.includes(c));
    const layout = b.parsed.layout === 'object' ? 'object layout' : 'response layout';
    const shape = b.name === 'content' ? 'two objects (public and private key)' : `one ${b.name} key object`;
    checks.push(ok
      ? { id: `layout:${b.name}`, status: 'pass', detail: `${b.name} blob: ${layout}, ${shape}, ${b.parsed.objects.map((o) => o.attributes.length).join(' + ')} attributes, lengths exact` }
      : { id: `layout:${b.name}`, status: 'fail', detail: `${b.name} blob: expected ${shape}, found object classes [${classes.map((c) => c ?? 'none').join(', ')}]` });
    if (ok) for (const o of b.parsed.objects) objects.push({ blob: b.name, o });
  }
  const described = objects.map(({ blob, o }) => describeObject(blob, o));
  const privateObj = objects.find(({ o }) => num(attribute(o, ATTR.CLASS)) === CLASS_PRIVATE)?.o;

  // ---- the attested key: one key across objects, KCV/EKCV, bound to the KEK and the file's key ----
  let attestedKey: AttestedKey | undefined;
  if (objects.length > 0) {
    const keys = objects.map(({ o }) => keyFromObject(o));
    const problem = keys.find((k): k is string => typeof k === 'string');
    const first = keys[0] as AttestedKey;
    if (problem !== undefined) {
      checks.push({ id: 'attested-key', status: 'fail', detail: `attested key: ${problem}` });
    } else if (!keys.every((k) => typeof k !== 'string' && sameBytes(k.spki, first.spki))) {
      checks.push({ id: 'attested-key', status: 'fail', detail: 'attested key: the objects name different keys' });
    } else {
      attestedKey = first;
      checks.push({ id: 'attested-key', status: 'pass', detail: `attested key: ${keyText(first)}, SubjectPublicKeyInfo SHA-256 ${first.spkiSha256}` });
      checks.push(...kcvChecks(first, objects.map(({ o }) => o)));
    }
  }
  const refs: { id: string; what: string; key: PublicKeyRef }[] = [];
  if (kek !== undefined) refs.push({ id: 'key-match:kek', what: 'the KEK given', key: { kind: 'rsa', n: kek.n, e: kek.e } });
  if (att.key !== undefined) refs.push({ id: 'key-match:file', what: att.provider === 'azure' ? "the key the file names (key.n, key.e)" : "the import job's public key", key: att.key });
  for (const r of refs) {
    if (attestedKey === undefined) checks.push({ id: r.id, status: 'fail', detail: `${r.what}: not compared, since no attested key could be read` });
    else if (sameKey(attestedKey, r.key)) checks.push({ id: r.id, status: 'pass', detail: `${r.what} is the attested key (${attestedKey.kind === 'rsa' ? 'modulus and exponent' : 'curve and point'} equal)` });
    else checks.push({ id: r.id, status: 'fail', detail: `${r.what} (${refText(r.key)}) is NOT the attested key (${keyText(attestedKey)}, SHA-256 ${short(attestedKey.spkiSha256)}): do not wrap for it` });
  }
  if (refs.length === 0 && attestedKey !== undefined) {
    checks.push({ id: 'key-match', status: 'info', detail: `no KEK given to compare: the attested key's SHA-256 fingerprint is ${attestedKey.spkiSha256}; give the KEK (--kek) to bind it` });
  }

  // ---- the private key's attributes ----
  if (privateObj !== undefined) checks.push(attributeCheck(privateObj));
  else if (objects.length > 0) checks.push({ id: 'attributes', status: 'fail', detail: 'no private key object was attested, so nothing shows the key cannot leave the HSM' });

  // ---- Azure: the attested ID names the kid ----
  if (att.provider === 'azure') checks.push(...idChecks(objects.map(({ o }) => o), [att.kid, kek?.kid]));

  const mode = modeOf(chains.card, chains.partition);
  if (chains.card !== undefined) {
    checks.push({ id: 'mode', status: 'info', detail: `the HSM card certificate says: ${mode === 'not stated' ? 'no FIPS mode stated' : `"for ${mode} mode"`}${mode === 'non-FIPS' ? ' (the partition does not run in its FIPS-validated mode)' : ''}` });
  }
  return {
    verified: checks.every((c) => c.status !== 'fail'),
    provider: att.provider,
    format: att.format,
    checks,
    ...(attestedKey === undefined ? {} : { attestedKey }),
    objects: described,
    manufacturerChain: chains.manufacturer,
    ownerChain: chains.owner,
    mode,
    ...(att.kid === undefined ? {} : { kid: att.kid }),
    ...(att.resource === undefined ? {} : { resource: att.resource }),
  };
}

function kcvChecks(key: AttestedKey, objects: readonly MarvellObject[]): AttestationCheck[] {
  const core = getCore();
  const kcv = core.sha1(key.spki).subarray(0, 3);
  const ekcv = core.sha256(key.spki);
  const out: AttestationCheck[] = [];
  for (const [id, tag, want, what] of [['kcv', ATTR.KCV, kcv, 'KCV (SHA-1 of the SubjectPublicKeyInfo, 3 bytes)'], ['ekcv', ATTR.EKCV, ekcv, 'EKCV (SHA-256 of the SubjectPublicKeyInfo)']] as const) {
    const values = objects.map((o) => attribute(o, tag)).filter((v): v is Uint8Array => v !== undefined);
    if (values.length === 0) continue;
    const bad = values.find((v) => !sameBytes(v, want));
    out.push(bad === undefined
      ? { id, status: 'pass', detail: `${what} agrees with the attested key` }
      : { id, status: 'fail', detail: `${what} is ${hex(bad)}, but the attested key's is ${hex(want)}` });
  }
  return out;
}

/** What a KEK's private half must be: a private key that never left the HSM and was made in it. */
const REQUIRED: readonly { tag: number; name: string; want: number }[] = [
  { tag: ATTR.CLASS, name: 'CLASS', want: CLASS_PRIVATE },
  { tag: ATTR.EXTRACTABLE, name: 'EXTRACTABLE', want: 0 },
  { tag: ATTR.NEVER_EXTRACTABLE, name: 'NEVER_EXTRACTABLE', want: 1 },
  { tag: ATTR.SENSITIVE, name: 'SENSITIVE', want: 1 },
  { tag: ATTR.ALWAYS_SENSITIVE, name: 'ALWAYS_SENSITIVE', want: 1 },
  { tag: ATTR.LOCAL, name: 'LOCAL', want: 1 },
];

function attributeCheck(o: MarvellObject): AttestationCheck {
  const wrong: string[] = [];
  for (const r of REQUIRED) {
    const v = attribute(o, r.tag);
    const got = r.tag === ATTR.CLASS ? num(v) : bool(v) === undefined ? undefined : Number(bool(v));
    if (got !== r.want) wrong.push(`${r.name}=${got ?? '(missing)'} (must be ${r.want})`);
  }
  return wrong.length === 0
    ? { id: 'attributes', status: 'pass', detail: 'private key: EXTRACTABLE=0, NEVER_EXTRACTABLE=1, SENSITIVE=1, ALWAYS_SENSITIVE=1, LOCAL=1 (generated in the HSM, never extractable)' }
    : { id: 'attributes', status: 'fail', detail: `private key attributes: ${wrong.join(', ')}` };
}

function idChecks(objects: readonly MarvellObject[], kids: readonly (string | undefined)[]): AttestationCheck[] {
  if (objects.length === 0) return [];
  const ids = [...new Set(objects.map((o) => text(attribute(o, ATTR.ID)) ?? ''))];
  if (ids.length !== 1 || ids[0] === '') return [{ id: 'key-id', status: 'fail', detail: `attested ID: ${ids.length === 1 ? 'missing' : `the objects carry different IDs (${ids.map((s) => JSON.stringify(s)).join(', ')})`}` }];
  const id = ids[0]!;
  const given = [...new Set(kids.filter((k): k is string => k !== undefined))];
  if (given.length === 0) return [{ id: 'key-id', status: 'info', detail: `attested ID ${JSON.stringify(id)}; no kid to compare it with` }];
  return given.map((kid) => {
    const path = kidPath(kid);
    return path === id
      ? { id: 'key-id', status: 'pass', detail: `attested ID ${JSON.stringify(id)} is the path of the kid ${kid}` }
      : { id: 'key-id', status: 'fail', detail: `attested ID ${JSON.stringify(id)} is not the path of the kid ${kid} (${path === undefined ? 'not a /keys/<name>/<version> URL' : JSON.stringify(path)})` };
  });
}

function modeOf(card: Certificate | undefined, partition: Certificate | undefined): string {
  const m = /for (non-)?FIPS mode/i.exec(card?.commonName ?? '') ?? /for (non-)?FIPS mode/i.exec(partition?.commonName ?? '');
  if (m === null) return 'not stated';
  return m[1] === undefined ? 'FIPS' : 'non-FIPS';
}
