// verifyAttestationWith: everything a Marvell key attestation can prove about a KEK, checked offline
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
import { bitLength, hex, sameBytes, short, stripZeros } from './bytes.js';
import { buildChains } from './chains.js';
import { readAttestationInput, type PublicKeyRef } from './input.js';
import { describeEncoding, pkcs1Verify } from './pkcs1.js';
import type { ProviderSpec } from './provider.js';
import {
  fail, note, pass, type AttestationCheck, type AttestedKey, type AttestedObject, type KeyAttestationResult,
  type VerifyKeyAttestationOptions,
} from './types.js';
import { parseCertificate, type Certificate } from './x509.js';

const CLASS_PUBLIC = 2;
const CLASS_PRIVATE = 3;
const KEY_TYPE_RSA = 0;
const KEY_TYPE_EC = 3;

/** The caller's root certificates; errors carry the path "roots" so callers can point at that input. */
function rootsFrom(list: readonly (Uint8Array | string)[], what: string): Certificate[] {
  const out: Certificate[] = [];
  list.forEach((item, i) => {
    if (!(item instanceof Uint8Array) && typeof item !== 'string') throw new ByokError('INVALID_ARGUMENT', '"roots" expected an array of PEM strings or DER bytes');
    const where = `${what}${list.length > 1 ? ` file ${i + 1}` : ''}`;
    try {
      const text = typeof item === 'string' ? item : bytesToText(withoutBom(item));
      if (hasPemBlock(text)) {
        const blocks = parsePem(text, 'MALFORMED_ATTESTATION').filter((b) => b.label === 'CERTIFICATE');
        if (blocks.length === 0) throw new ByokError('MALFORMED_ATTESTATION', 'holds no CERTIFICATE block; give the root certificates');
        blocks.forEach((b, j) => out.push(parseCertificate(b.der, `certificate ${j + 1}`)));
      } else if (item instanceof Uint8Array) {
        out.push(parseCertificate(item, 'certificate'));
      } else {
        throw new ByokError('MALFORMED_ATTESTATION', 'holds no PEM certificate; give the root certificates as PEM (or one as DER)');
      }
    } catch (e) {
      if (!(e instanceof ByokError)) throw e;
      throw new ByokError(e.code, `${where}: ${e.message}`, { path: where, cause: e });
    }
  });
  return out;
}

/** A root given again (the built-in one, or the same file twice) would read as a second issuer of the card. */
function withoutRepeats(certs: readonly Certificate[]): Certificate[] {
  const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  return certs.filter((c, i) => !certs.slice(0, i).some((d) => same(d.tbs, c.tbs)));
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
    return 'the attested EC point lies on none of P-256, P-384, P-521, secp256k1';
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
 * Verifies a key attestation offline with the given providers' readers (clouds.ts has the library's
 * verifyKeyAttestation, with all of them). Never throws for a failed check: read `verified` and `checks`.
 */
export function verifyAttestationWith(
  providers: readonly ProviderSpec[],
  input: Uint8Array | string | object,
  opts: VerifyKeyAttestationOptions = {},
): KeyAttestationResult {
  if (typeof opts !== 'object' || opts === null) throw new ByokError('INVALID_ARGUMENT', '"opts" expected an object');
  if (opts.at !== undefined && !(opts.at instanceof Date && !Number.isNaN(opts.at.getTime()))) throw new ByokError('INVALID_ARGUMENT', '"at" expected a valid Date');
  const att = readAttestationInput(input, providers);
  const spec = providers.find((p) => p.name === att.provider)!;
  const kek = kekOf(opts.kek);
  if (opts.roots !== undefined && !Array.isArray(opts.roots)) throw new ByokError('INVALID_ARGUMENT', '"roots" expected an array of PEM strings or DER bytes');
  const roots = withoutRepeats([...rootsFrom(spec.builtInRoots, 'built-in roots'), ...rootsFrom(opts.roots ?? [], 'roots')]);
  const at = opts.at ?? new Date();
  const chains = buildChains({
    bundle: att.certificates,
    roots,
    marvellPins: normalizePins(opts.anchors?.marvell ?? MARVELL_ROOT_PINS, 'anchors.marvell'),
    googlePins: normalizePins(opts.anchors?.google ?? GOOGLE_ROOT_PINS, 'anchors.google'),
    microsoftPins: normalizePins(opts.anchors?.microsoft ?? [], 'anchors.microsoft'),
    at,
  }, spec);
  const checks: AttestationCheck[] = [...chains.checks];
  const replaced = (['marvell', 'google'] as const).filter((k) => opts.anchors?.[k] !== undefined);
  if (replaced.length > 0) {
    checks.unshift(note('anchors', `the built-in ${replaced.map((k) => k[0]!.toUpperCase() + k.slice(1)).join(' and ')} root pins were replaced by the caller's`));
  }
  const partitionKey = chains.partition?.key.kind === 'rsa' ? chains.partition.key : undefined;
  const sigLen = partitionKey ? stripZeros(partitionKey.n).length : 256;

  // ---- each blob: decompress, signature, layout ----
  const blobs: ReadBlob[] = att.blobs.map(({ name, bytes }) => {
    const raw = spec.unpack(name, bytes);
    if (!(raw instanceof Uint8Array)) {
      checks.push(raw);
      return { name };
    }
    if (partitionKey === undefined) {
      checks.push(fail(`signature:${name}`, `${name} blob: not verified: the chains give no RSA partition key`));
    } else if (raw.length <= sigLen) {
      checks.push(fail(`signature:${name}`, `${name} blob: ${raw.length} bytes cannot hold data and a ${sigLen}-byte signature`));
    } else {
      const r = pkcs1Verify(partitionKey, raw.subarray(0, raw.length - sigLen), raw.subarray(raw.length - sigLen), 'sha256', spec.encodings);
      checks.push(r.ok
        ? pass(`signature:${name}`, `${name} blob: signed by the partition key, ${describeEncoding(r.encoding)}, every padding byte checked`)
        : fail(`signature:${name}`, `${name} blob: signature not valid: ${r.reason}`));
    }
    try {
      return { name, parsed: parseMarvellBlob(raw, sigLen) };
    } catch (e) {
      if (!(e instanceof ByokError)) throw e;
      checks.push(fail(`layout:${name}`, `${name} blob: ${e.message}`));
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
      ? pass(`layout:${b.name}`, `${b.name} blob: ${layout}, ${shape}, ${b.parsed.objects.map((o) => o.attributes.length).join(' + ')} attributes, lengths exact`)
      : fail(`layout:${b.name}`, `${b.name} blob: expected ${shape}, found object classes [${classes.map((c) => c ?? 'none').join(', ')}]`));
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
      checks.push(fail('attested-key', `attested key: ${problem}`));
    } else if (!keys.every((k) => typeof k !== 'string' && sameBytes(k.spki, first.spki))) {
      checks.push(fail('attested-key', 'attested key: the objects name different keys'));
    } else {
      attestedKey = first;
      checks.push(pass('attested-key', `attested key: ${keyText(first)}, SubjectPublicKeyInfo SHA-256 ${first.spkiSha256}`));
      checks.push(...kcvChecks(first, objects.map(({ o }) => o)));
    }
  }
  const refs: { id: string; what: string; key: PublicKeyRef }[] = [];
  if (kek !== undefined) refs.push({ id: 'key-match:kek', what: 'the KEK given', key: { kind: 'rsa', n: kek.n, e: kek.e } });
  if (att.key !== undefined) refs.push({ id: 'key-match:file', what: att.provider === 'azure' ? "the key the file names (key.n, key.e)" : "the import job's public key", key: att.key });
  for (const r of refs) {
    if (attestedKey === undefined) checks.push(fail(r.id, `${r.what}: not compared (no attested key)`));
    else if (sameKey(attestedKey, r.key)) checks.push(pass(r.id, `${r.what} is the attested key (${attestedKey.kind === 'rsa' ? 'modulus and exponent' : 'curve and point'} equal)`));
    else checks.push(fail(r.id, `${r.what} (${refText(r.key)}) is NOT the attested key (${keyText(attestedKey)}, SHA-256 ${short(attestedKey.spkiSha256)}): do not wrap for it`));
  }
  if (refs.length === 0 && attestedKey !== undefined) {
    checks.push(note('key-match', `no KEK given: compare the attested key's SHA-256 fingerprint ${attestedKey.spkiSha256} with the KEK's`));
  }

  // ---- the private key's attributes ----
  if (privateObj !== undefined) checks.push(attributeCheck(privateObj));
  else if (objects.length > 0) checks.push(fail('attributes', 'no private key object attested: nothing shows the key cannot leave the HSM'));

  // ---- Azure: the attested ID names the kid ----
  if (att.provider === 'azure') checks.push(...idChecks(objects.map(({ o }) => o), [att.kid, kek?.kid]));

  const mode = modeOf(chains.card, chains.partition);
  if (chains.card !== undefined) {
    checks.push(note('mode', `the HSM card certificate says: ${mode === 'not stated' ? 'no FIPS mode' : `"for ${mode} mode"`}${mode === 'non-FIPS' ? ' (not its FIPS-validated mode)' : ''}`));
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
      ? pass(id, `${what} agrees with the attested key`)
      : fail(id, `${what} is ${hex(bad)}, but the attested key's is ${hex(want)}`));
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
    ? pass('attributes', `private key: ${REQUIRED.slice(1).map((r) => `${r.name}=${r.want}`).join(', ')} (made in the HSM, never extractable)`)
    : fail('attributes', `private key attributes: ${wrong.join(', ')}`);
}

function idChecks(objects: readonly MarvellObject[], kids: readonly (string | undefined)[]): AttestationCheck[] {
  if (objects.length === 0) return [];
  const ids = [...new Set(objects.map((o) => text(attribute(o, ATTR.ID)) ?? ''))];
  if (ids.length !== 1 || ids[0] === '') return [fail('key-id', `attested ID: ${ids.length === 1 ? 'missing' : `the objects carry different IDs (${ids.map((s) => JSON.stringify(s)).join(', ')})`}`)];
  const id = ids[0]!;
  const given = [...new Set(kids.filter((k): k is string => k !== undefined))];
  if (given.length === 0) return [note('key-id', `attested ID ${JSON.stringify(id)}; no kid to compare it with`)];
  return given.map((kid) => {
    const path = kidPath(kid);
    return path === id
      ? pass('key-id', `attested ID ${JSON.stringify(id)} is the path of the kid ${kid}`)
      : fail('key-id', `attested ID ${JSON.stringify(id)} is not the path of the kid ${kid} (${path === undefined ? 'not a /keys/<name>/<version> URL' : JSON.stringify(path)})`);
  });
}

function modeOf(card: Certificate | undefined, partition: Certificate | undefined): string {
  const m = /for (non-)?FIPS mode/i.exec(card?.commonName ?? '') ?? /for (non-)?FIPS mode/i.exec(partition?.commonName ?? '');
  if (m === null) return 'not stated';
  return m[1] === undefined ? 'FIPS' : 'non-FIPS';
}
