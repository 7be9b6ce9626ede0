// Reading the cloud's key-exchange key (KEK), an RSA public key, from every shape it reaches users in
// (byok-formats.md §1.1): SubjectPublicKeyInfo PEM/DER (`az keyvault key download`), PKCS#1
// "RSA PUBLIC KEY" (.NET ExportRSAPublicKeyPem), an X.509 certificate (PEM/DER), a bare JWK, the JSON of
// `az keyvault key show` / the Key Vault REST API, and the `KeyVaultKey` object of @azure/keyvault-keys
// (accepted by shape; we do not depend on the SDK).
//
// What readKek refuses vs what checkKekForAzure refuses: readKek refuses what is not an RSA public key at
// all (another algorithm, a private key, damaged encodings, an even modulus). Whether Azure would accept
// it as a KEK (size, exponent, kty, key_ops, kid) is checkKekForAzure's job, so a caller can still show
// the fingerprint of, say, a 1024-bit key while telling the user why it cannot be used.
import { base64, base64nopad, base64url, base64urlnopad } from '@scure/base';
import { ByokError } from '../errors.js';
import { bitLength, toBigInt } from '../keys/bigint.js';
import {
  TAG, algorithmIdentifier, bitStringOctets, derError, isNullNode, parseDer, sequence, unsignedInteger, type DerNode,
} from '../keys/der.js';
import { OID, OTHER_KEY_ALGORITHMS } from '../keys/oids.js';
import { bytesToText, hasPemBlock, parsePem, withoutBom } from '../keys/pem.js';
import { isPrintableText } from '../keys/raw.js';
import { rsaSpki } from '../keys/rsa.js';
import { detectCloud, isRecord, wrongCloud } from './detect.js';
import { plainBytes } from '../arguments.js';
import { hasUtf16Bom, utf16Refusal, utf16ToUtf8 } from '../keys/utf16.js';
import { kekFingerprint } from './fingerprint.js';
import type { Kek, KekSource, ReadKekOptions } from './types.js';

const CODE = 'MALFORMED_KEK';
const MAX_KEK_BITS = 16384;

/** How to get the right key, for the refusals of what is not a KEK at all; each cloud's reader has its own. */
export interface KekAdvice {
  /** The cloud, as messages name it ("an Azure KEK is an RSA-HSM key" …). */
  readonly rsa: string;
  /** How to download the public key. */
  readonly download: string;
}

const AZURE_ADVICE: KekAdvice = {
  rsa: 'an Azure KEK is an RSA-HSM key; create one with: az keyvault key create --kty RSA-HSM --size 4096 --ops import --name KEKforBYOK --vault-name <vault>',
  download: 'download it with az keyvault key download --vault-name <vault> --name <kek> --file kek.pem',
};

function notRsa(what: string, path: string, advice: KekAdvice): ByokError {
  return new ByokError('KEK_NOT_RSA', `${path}: the key-exchange key is ${what}, but ${advice.rsa}`, { path });
}

function privateGiven(path: string, advice: KekAdvice): ByokError {
  return new ByokError(
    'MALFORMED_KEK',
    `${path}: this is a private key; the key-exchange key is the cloud's public key: ${advice.download}`,
    { path },
  );
}

interface RsaPublic {
  n: Uint8Array;
  e: Uint8Array;
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1). */
function rsaPublicKey(node: DerNode, path: string): RsaPublic {
  const items = sequence(node, CODE, path, 2, 2);
  return {
    n: unsignedInteger(items[0], CODE, `${path}.modulus`),
    e: unsignedInteger(items[1], CODE, `${path}.publicExponent`),
  };
}

/** SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }. */
function spkiKey(node: DerNode, path: string, advice: KekAdvice): RsaPublic {
  const items = sequence(node, CODE, path, 2, 2);
  const alg = algorithmIdentifier(items[0], CODE, `${path}.algorithm`);
  if (alg.oid !== OID.rsaEncryption) {
    const name = alg.oid === OID.ecPublicKey ? 'an EC key' : alg.oid === OID.rsassaPss ? 'an RSASSA-PSS-only key' : `a ${OTHER_KEY_ALGORITHMS[alg.oid] ?? `key of algorithm ${alg.oid}`}${OTHER_KEY_ALGORITHMS[alg.oid] !== undefined ? ' key' : ''}`;
    throw notRsa(name, `${path}.algorithm`, advice);
  }
  if (alg.params !== undefined && !isNullNode(alg.params)) {
    throw derError(CODE, `${path}.algorithm.parameters`, 'rsaEncryption parameters must be NULL');
  }
  const bits = bitStringOctets(items[1], CODE, `${path}.subjectPublicKey`);
  return rsaPublicKey(parseDer(bits, CODE, `${path}.subjectPublicKey`), `${path}.subjectPublicKey.RSAPublicKey`);
}

/** The SubjectPublicKeyInfo of an X.509 Certificate (RFC 5280 §4.1); the signature is not verified. */
function certificateKey(node: DerNode, path: string, advice: KekAdvice): RsaPublic {
  const [tbs] = sequence(node, CODE, path, 3, 3);
  const fields = sequence(tbs, CODE, `${path}.tbsCertificate`, 6);
  const at = fields[0]?.tag === TAG.ctx(0, true) ? 6 : 5;
  return spkiKey(fields[at] as DerNode, `${path}.tbsCertificate.subjectPublicKeyInfo`, advice);
}

export type DerKind = 'spki' | 'pkcs1' | 'x509';

export function fromDer(der: Uint8Array, path: string, kind?: DerKind, advice: KekAdvice = AZURE_ADVICE): { key: RsaPublic; kind: DerKind } {
  const root = parseDer(der, CODE, path);
  const items = sequence(root, CODE, path, 2);
  const [a, b, c] = items;
  const shape: DerKind | 'private' | undefined =
    a?.tag === TAG.SEQUENCE && b?.tag === TAG.BIT_STRING && items.length === 2 ? 'spki'
    : a?.tag === TAG.INTEGER && b?.tag === TAG.INTEGER && items.length === 2 ? 'pkcs1'
    : a?.tag === TAG.SEQUENCE && b?.tag === TAG.SEQUENCE && c?.tag === TAG.BIT_STRING && items.length === 3 ? 'x509'
    : a?.tag === TAG.INTEGER || (a?.tag === TAG.SEQUENCE && b?.tag === TAG.OCTET_STRING) ? 'private'
    : undefined;
  if (shape === 'private') throw privateGiven(path, advice);
  if (shape === undefined || (kind !== undefined && shape !== kind)) {
    const want = kind === 'spki' ? 'SubjectPublicKeyInfo' : kind === 'pkcs1' ? 'RSAPublicKey' : kind === 'x509' ? 'Certificate' : 'SubjectPublicKeyInfo, RSAPublicKey or X.509 Certificate';
    throw derError(CODE, path, `not a ${want} structure`);
  }
  const key = shape === 'spki' ? spkiKey(root, 'SubjectPublicKeyInfo', advice) : shape === 'pkcs1' ? rsaPublicKey(root, 'RSAPublicKey') : certificateKey(root, 'Certificate', advice);
  return { key, kind: shape };
}

const PEM_KINDS: Readonly<Record<string, DerKind>> = {
  'PUBLIC KEY': 'spki',
  'RSA PUBLIC KEY': 'pkcs1',
  CERTIFICATE: 'x509',
};

export function fromPem(text: string, advice: KekAdvice = AZURE_ADVICE): { key: RsaPublic; source: KekSource } {
  const blocks = parsePem(text, CODE);
  const keys = blocks.filter((b) => PEM_KINDS[b.label] !== undefined);
  const priv = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
  if (keys.length === 0) {
    if (priv !== undefined) throw privateGiven('PEM', advice);
    const labels = blocks.map((b) => `"${b.label}"`).join(', ');
    throw derError(CODE, 'PEM', `found ${labels}; expected "PUBLIC KEY", "RSA PUBLIC KEY" or "CERTIFICATE"`);
  }
  if (keys.length > 1) {
    throw derError(CODE, 'PEM', `the file holds ${keys.length} keys or certificates; give a file with the KEK only`);
  }
  const block = keys[0] as (typeof keys)[number];
  const kind = PEM_KINDS[block.label] as DerKind;
  const { key } = fromDer(block.der, 'PEM', kind, advice);
  return { key, source: kind === 'spki' ? 'spki-pem' : kind === 'pkcs1' ? 'pkcs1-pem' : 'x509' };
}

// ---- JSON shapes ----

/** JWK numbers: base64url per RFC 7518; the Azure CLI and some tools write standard base64. */
function b64Member(obj: Record<string, unknown>, name: string, path: string): Uint8Array {
  const v = obj[name];
  if (v instanceof Uint8Array) return v.slice();
  if (typeof v !== 'string' || v.length === 0) throw derError(CODE, `${path}.${name}`, v === undefined || v === null ? 'missing member' : 'expected a base64url string');
  for (const coder of [base64urlnopad, base64url, base64, base64nopad]) {
    try {
      return coder.decode(v);
    } catch {
      // next variant
    }
  }
  throw derError(CODE, `${path}.${name}`, 'not base64url (RFC 7515 §2) or base64');
}

function stringList(v: unknown, path: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw derError(CODE, path, 'expected an array of strings');
  return [...v] as string[];
}

function optString(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw derError(CODE, path, 'expected a string');
  return v;
}

/** An RSA public key as read from one input, before the checks and the canonical SPKI. */
export interface ParsedKek {
  key: RsaPublic;
  source: KekSource;
  kid?: string;
  keyOps?: string[];
  kty?: string;
}

function jwkKey(jwk: Record<string, unknown>, path: string): RsaPublic {
  const kty = optString(jwk['kty'], `${path}.kty`);
  if (kty === undefined) throw derError(CODE, `${path}.kty`, 'missing "kty"');
  if (kty !== 'RSA' && kty !== 'RSA-HSM') {
    throw notRsa(kty.startsWith('EC') ? 'an EC key' : `a "${kty}" key`, `${path}.kty`, AZURE_ADVICE);
  }
  if (jwk['d'] !== undefined && jwk['d'] !== null) throw privateGiven(path, AZURE_ADVICE);
  return { n: b64Member(jwk, 'n', path), e: b64Member(jwk, 'e', path) };
}

function fromObject(obj: Record<string, unknown>): ParsedKek {
  const inner = obj['key'];
  if (isRecord(inner)) {
    const sdk = inner['n'] instanceof Uint8Array;
    const path = sdk ? 'KeyVaultKey.key' : 'key';
    const key = jwkKey(inner, path);
    // REST: key.kid, key.key_ops; az CLI output: key.keyOps; SDK: id, keyOperations, keyType (or key.*).
    const kid = optString(obj['id'], 'id') ?? optString(inner['kid'], `${path}.kid`);
    const keyOps = stringList(obj['keyOperations'], 'keyOperations') ?? stringList(inner['key_ops'], `${path}.key_ops`) ?? stringList(inner['keyOps'], `${path}.keyOps`);
    const kty = optString(obj['keyType'], 'keyType') ?? optString(inner['kty'], `${path}.kty`);
    return { key, source: sdk ? 'azure-sdk' : 'azure-json', ...opt({ kid, keyOps, kty }) };
  }
  if (obj['kty'] !== undefined) {
    const key = jwkKey(obj, 'JWK');
    const kid = optString(obj['kid'], 'JWK.kid');
    const keyOps = stringList(obj['key_ops'], 'JWK.key_ops') ?? stringList(obj['keyOps'], 'JWK.keyOps');
    const kty = optString(obj['kty'], 'JWK.kty');
    return { key, source: 'jwk', ...opt({ kid, keyOps, kty }) };
  }
  const other = detectCloud(obj);
  if (other !== undefined && other !== 'azure') throw wrongCloud(other, 'azure');
  throw derError(CODE, 'JSON', 'expected a JWK ({"kty","n","e"}), the output of az keyvault key show ({"key": {…}}), or an @azure/keyvault-keys KeyVaultKey');
}

function opt<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function fromText(text: string, fromJson: (obj: Record<string, unknown>) => ParsedKek, what: string, advice: KekAdvice): ParsedKek {
  const t = text.trim();
  // JSON first: a cloud's JSON carries its PEM inside a string ("-----BEGIN PUBLIC KEY-----\n…").
  if (!t.startsWith('{') && hasPemBlock(text)) return fromPem(text, advice);
  if (t.startsWith('{')) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      throw derError(CODE, 'JSON', 'not valid JSON');
    }
    if (!isRecord(v)) throw derError(CODE, 'JSON', 'expected a JSON object');
    return fromJson(v);
  }
  throw derError(CODE, 'input', `not PEM, DER or JSON; give ${what}`);
}

/**
 * The one way every KEK input is taken apart: bytes (printable text is PEM or JSON, anything else DER),
 * text, or an already parsed object. `fromJson` reads the JSON shapes of one cloud; `what` names the accepted
 * inputs in the error for anything else.
 */
export function parseKekInput<T extends ParsedKek>(
  input: unknown,
  fromJson: (obj: Record<string, unknown>) => T,
  what: string,
  advice: KekAdvice = AZURE_ADVICE,
): T | ParsedKek {
  if (input instanceof Uint8Array) {
    const bytes = plainBytes(input);
    if (hasUtf16Bom(bytes)) {
      // A DER key starts with 0x30: a UTF-16 byte order mark means text (az … > kek.json in PowerShell 5.1).
      const utf8 = utf16ToUtf8(bytes);
      if (utf8 === undefined || !isPrintableText(utf8)) throw utf16Refusal('MALFORMED_KEK', 'KEK file');
      return fromText(bytesToText(utf8), fromJson, what, advice);
    }
    const text = withoutBom(bytes);
    if (isPrintableText(text)) return fromText(bytesToText(text), fromJson, what, advice);
    const { key, kind } = fromDer(bytes, 'DER', undefined, advice);
    return { key, source: kind === 'spki' ? 'spki-der' : kind === 'pkcs1' ? 'pkcs1-der' : 'x509' };
  }
  if (typeof input === 'string') return fromText(input, fromJson, what, advice);
  if (isRecord(input)) return fromJson(input);
  throw new ByokError('INVALID_ARGUMENT', `"input" expected Uint8Array, string or object, got ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input}`);
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.slice(i);
}

/**
 * Reads the KEK. `input`: file bytes (PEM, DER or JSON), text, or an object (JWK, az/REST JSON,
 * KeyVaultKey). `opts.kid` supplies the key identifier when the input has none (a PEM download), and
 * must agree with the input's when both exist.
 */
export function readKek(input: Uint8Array | string | object, opts: ReadKekOptions = {}): Kek {
  if (typeof opts !== 'object' || opts === null) throw new ByokError('INVALID_ARGUMENT', '"opts" expected an object');
  if (opts.kid !== undefined && typeof opts.kid !== 'string') throw new ByokError('INVALID_ARGUMENT', '"kid" expected string');
  const parsed = parseKekInput(input, fromObject, 'the file written by az keyvault key download (PEM or DER), a JWK, or the JSON of az keyvault key show');
  return buildKek(parsed, opts.kid);
}

/**
 * The checks every RSA public key passes whatever its source (positive values, odd modulus, e < n, a sane
 * size), the kid rule, and the canonical SubjectPublicKeyInfo with its fingerprint.
 */
export function buildKek(parsed: ParsedKek, kidOption?: string): Kek {
  const n = stripZeros(parsed.key.n);
  const e = stripZeros(parsed.key.e);
  const nv = toBigInt(n);
  const ev = toBigInt(e);
  const bits = bitLength(nv);
  if (nv === 0n || ev === 0n) throw derError(CODE, 'RSAPublicKey', 'the modulus and the exponent must be positive');
  if (bits > MAX_KEK_BITS) throw derError(CODE, 'RSAPublicKey.modulus', `a ${bits}-bit modulus is beyond any RSA key in use`);
  if ((nv & 1n) === 0n) throw derError(CODE, 'RSAPublicKey.modulus', 'the modulus is even, so this is not an RSA key');
  if (ev >= nv) throw derError(CODE, 'RSAPublicKey.publicExponent', 'the public exponent is not smaller than the modulus');
  let kid = parsed.kid;
  if (kidOption !== undefined) {
    if (kid !== undefined && kid !== kidOption) {
      throw new ByokError('KEK_KID_MISMATCH', `the kid given (${kidOption}) differs from the one in the KEK file (${kid}); drop one or make them the same`);
    }
    kid = kidOption;
  }
  const spki = rsaSpki(n, e);
  return {
    n, e, bits,
    ...(kid === undefined ? {} : { kid }),
    ...(parsed.keyOps === undefined ? {} : { keyOps: parsed.keyOps }),
    ...(parsed.kty === undefined ? {} : { kty: parsed.kty }),
    spki,
    fingerprint: kekFingerprint(spki),
    source: parsed.source,
  };
}
