// Reading what the clouds return into one shape (kek-attestation.md §1, §A.1, §A.4 step 1, §A.7):
//
//   Azure Managed HSM: the KeyBundle of GET /keys/{name}[/{version}]/attestation (az keyvault key
//     get-attestation --file, REST), or its `attributes`, or the bare `attestation` object, or the
//     @azure/keyvault-keys KeyVaultKey (`properties.attestation`, Uint8Array fields). `certificatePemFile`
//     (older swagger: `certificates`) is base64url of PEM text; the blobs are base64url; `version` MRVL-1.
//   Google Cloud KMS: an ImportJob or CryptoKeyVersion with `attestation: { format, content, certChains:
//     { caviumCerts, googleCardCerts, googlePartitionCerts } }`, or the bare attestation. `content` is
//     base64 of the gzip-compressed blob; formats CAVIUM_V1_COMPRESSED and CAVIUM_V2_COMPRESSED.
//
// Everything that is not the attested bytes themselves — JSON, base64, PEM, certificate DER — must be
// well formed, else MALFORMED_ATTESTATION (exit 2 in the CLI). The blob's own structure is a check of the
// verifier, not a reading error.
import { base64, base64nopad, base64url, base64urlnopad } from '@scure/base';
import { ByokError } from '../errors.js';
import { readKek } from '../kek/index.js';
import { CURVES, type AzureCurve } from '../keys/oids.js';
import { bytesToText, hasPemBlock, parsePem, withoutBom } from '../keys/pem.js';
import { parseCertificate, type Certificate } from './x509.js';

export type AttestationProvider = 'azure' | 'gcp';

/** A public key named by the input or given by the caller, to compare with the attested one. */
export type PublicKeyRef =
  | { readonly kind: 'rsa'; readonly n: Uint8Array; readonly e: Uint8Array }
  | { readonly kind: 'ec'; readonly curve: AzureCurve; readonly point: Uint8Array };

export interface AttestationInput {
  readonly provider: AttestationProvider;
  /** Azure's `version` (MRVL-1) or GCP's `format`. */
  readonly format: string;
  /** Azure: 'private' and (optionally) 'public'; GCP: 'content' (gzip). */
  readonly blobs: readonly { readonly name: 'private' | 'public' | 'content'; readonly bytes: Uint8Array }[];
  readonly certificates: readonly Certificate[];
  /** The key the file names beside the attestation (Azure `key`, a GCP ImportJob's `publicKey`). */
  readonly key?: PublicKeyRef;
  /** Azure: the key identifier (`key.kid` or the SDK's `id`). */
  readonly kid?: string;
  /** GCP: the resource name (`name`). */
  readonly resource?: string;
}

const CODE = 'MALFORMED_ATTESTATION';
const FIX = 'give the JSON the cloud returned: az keyvault key get-attestation --hsm-name H --name K --file att.json (Azure Managed HSM), or gcloud kms import-jobs describe … --format json (Google Cloud KMS)';
const MAX_CERTIFICATES = 16;

function bad(path: string, problem: string): ByokError {
  return new ByokError(CODE, `${path}: ${problem}; ${FIX}`, { path });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** base64url (Azure, with or without padding) or base64 (Google's JSON bytes fields). */
function bytesMember(v: unknown, path: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v !== 'string' || v.trim() === '') throw bad(path, v === undefined || v === null ? 'missing' : 'expected a base64 string');
  const s = v.replace(/[\r\n]/g, '').trim();
  for (const coder of [base64urlnopad, base64url, base64, base64nopad]) {
    try {
      return coder.decode(s);
    } catch {
      // the next alphabet or padding rule
    }
  }
  throw bad(path, 'not base64url or base64');
}

function certificatesFromPem(text: string, path: string): Certificate[] {
  if (!hasPemBlock(text)) throw bad(path, 'holds no PEM certificate');
  const blocks = parsePem(text, CODE);
  const other = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (other !== undefined) throw bad(path, `holds a "${other.label}" block where only certificates belong`);
  return blocks.map((b, i) => parseCertificate(b.der, `${path} certificate ${i + 1}`));
}

function jwkKey(jwk: Record<string, unknown>, path: string): PublicKeyRef | undefined {
  const kty = jwk['kty'];
  if (typeof kty !== 'string') return undefined;
  if (kty.startsWith('RSA')) {
    const k = readKek({ kty: 'RSA', n: jwk['n'], e: jwk['e'] });
    return { kind: 'rsa', n: k.n, e: k.e };
  }
  if (kty.startsWith('EC')) {
    const curve = CURVES.find((c) => c.name === jwk['crv']);
    if (curve === undefined) throw bad(`${path}.crv`, `unknown curve ${JSON.stringify(jwk['crv'])}`);
    const size = Math.ceil(curve.bits / 8);
    const x = bytesMember(jwk['x'], `${path}.x`);
    const y = bytesMember(jwk['y'], `${path}.y`);
    if (x.length !== size || y.length !== size) throw bad(path, `x and y of a ${curve.name} key are ${size} bytes each`);
    const point = new Uint8Array(1 + 2 * size);
    point[0] = 4;
    point.set(x, 1);
    point.set(y, 1 + size);
    return { kind: 'ec', curve: curve.name, point };
  }
  return undefined; // oct keys: nothing to compare with
}

function str(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(path, 'expected a string');
  return v;
}

function azure(obj: Record<string, unknown>, att: Record<string, unknown>, path: string): AttestationInput {
  const version = str(att['version'], `${path}.version`);
  if (version === undefined) throw bad(`${path}.version`, 'missing');
  if (version !== 'MRVL-1') {
    throw new ByokError('ATTESTATION_UNSUPPORTED', `${path}.version: attestation version ${JSON.stringify(version.slice(0, 40))} is not one this toolkit verifies (MRVL-1, Marvell LiquidSecurity): update byok-toolkit`, { path: `${path}.version` });
  }
  const pemField = att['certificatePemFile'] !== undefined ? 'certificatePemFile' : 'certificates';
  const pem = bytesToText(bytesMember(att[pemField], `${path}.${pemField}`));
  const certificates = certificatesFromPem(pem, `${path}.${pemField}`);
  const blobs: { name: 'private' | 'public'; bytes: Uint8Array }[] = [
    { name: 'private', bytes: bytesMember(att['privateKeyAttestation'], `${path}.privateKeyAttestation`) },
  ];
  if (att['publicKeyAttestation'] !== undefined && att['publicKeyAttestation'] !== null) {
    blobs.push({ name: 'public', bytes: bytesMember(att['publicKeyAttestation'], `${path}.publicKeyAttestation`) });
  }
  const jwk = isRecord(obj['key']) ? obj['key'] : undefined;
  const kid = str(obj['id'], 'id') ?? (jwk ? str(jwk['kid'], 'key.kid') : undefined);
  const key = jwk ? jwkKey(jwk, 'key') : undefined;
  return { provider: 'azure', format: version, blobs, certificates, ...(key ? { key } : {}), ...(kid ? { kid } : {}) };
}

const GCP_FORMATS = ['CAVIUM_V1_COMPRESSED', 'CAVIUM_V2_COMPRESSED'];
const GCP_CHAINS = ['caviumCerts', 'googleCardCerts', 'googlePartitionCerts'];

function gcp(obj: Record<string, unknown>, att: Record<string, unknown>, path: string): AttestationInput {
  const format = str(att['format'], `${path}.format`);
  if (format === undefined) throw bad(`${path}.format`, 'missing');
  if (!GCP_FORMATS.includes(format)) {
    throw new ByokError('ATTESTATION_UNSUPPORTED', `${path}.format: attestation format ${JSON.stringify(format.slice(0, 40))} is not one this toolkit verifies (${GCP_FORMATS.join(', ')}): update byok-toolkit`, { path: `${path}.format` });
  }
  const content = bytesMember(att['content'], `${path}.content`);
  const chains = att['certChains'];
  if (!isRecord(chains)) throw bad(`${path}.certChains`, 'missing: the certificate chains are needed to verify the attestation');
  const certificates: Certificate[] = [];
  for (const name of GCP_CHAINS) {
    const list = chains[name];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw bad(`${path}.certChains.${name}`, 'expected an array of PEM strings');
    for (const [i, pem] of (list as string[]).entries()) certificates.push(...certificatesFromPem(pem, `${path}.certChains.${name}[${i}]`));
  }
  let key: PublicKeyRef | undefined;
  const publicKey = obj['publicKey'];
  if (isRecord(publicKey) && publicKey['pem'] !== undefined) {
    const pem = str(publicKey['pem'], 'publicKey.pem') ?? '';
    const k = readKek(pem);
    key = { kind: 'rsa', n: k.n, e: k.e };
  }
  const resource = str(obj['name'], 'name');
  return { provider: 'gcp', format, blobs: [{ name: 'content', bytes: content }], certificates, ...(key ? { key } : {}), ...(resource ? { resource } : {}) };
}

function fromObject(obj: Record<string, unknown>): AttestationInput {
  // Azure: KeyBundle → attributes → attestation; SDK KeyVaultKey → properties → attestation; or the
  // `attributes` object, or the bare attestation. GCP: ImportJob / CryptoKeyVersion → attestation.
  const attrs = obj['attributes'];
  const props = obj['properties'];
  let att = obj;
  let path = 'attestation';
  if (isRecord(attrs) && isRecord(attrs['attestation'])) [att, path] = [attrs['attestation'], 'attributes.attestation'];
  else if (isRecord(props) && isRecord(props['attestation'])) [att, path] = [props['attestation'], 'properties.attestation'];
  else if (isRecord(obj['attestation'])) att = obj['attestation'];
  if (att['privateKeyAttestation'] !== undefined || att['certificatePemFile'] !== undefined || att['certificates'] !== undefined) {
    return azure(obj, att, path);
  }
  if (att['content'] !== undefined || att['format'] !== undefined || att['certChains'] !== undefined) return gcp(obj, att, path);
  if (isRecord(attrs) || isRecord(props)) {
    throw bad('attributes', 'there is no attestation in this file (a key without one: Key Vault Premium keys have none, and Managed HSM returns it only from GET /keys/{name}/attestation)');
  }
  throw bad('JSON', 'not a key attestation');
}

const MAX_TEXT = 2 * 1024 * 1024;

/**
 * Reads an attestation file (bytes or text of JSON) or an already parsed object (REST body, SDK
 * KeyVaultKey). Throws MALFORMED_ATTESTATION or ATTESTATION_UNSUPPORTED.
 */
export function readAttestationInput(input: Uint8Array | string | object): AttestationInput {
  let value: unknown = input;
  if (input instanceof Uint8Array || typeof input === 'string') {
    const text = typeof input === 'string' ? input : bytesToText(withoutBom(input));
    if (text.length > MAX_TEXT) throw bad('input', `${text.length} characters is far more than an attestation`);
    const t = text.trim();
    if (!t.startsWith('{') && !t.startsWith('[')) throw bad('input', hasPemBlock(t) ? 'a PEM file, not the JSON of an attestation' : 'not JSON');
    try {
      value = JSON.parse(t);
    } catch {
      throw bad('JSON', 'not valid JSON');
    }
  }
  if (!isRecord(value)) throw bad('JSON', 'expected a JSON object');
  const result = fromObject(value);
  if (result.certificates.length > MAX_CERTIFICATES) throw bad('certificates', `${result.certificates.length} certificates are more than an attestation chain holds`);
  return result;
}
