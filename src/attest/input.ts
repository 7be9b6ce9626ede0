// Reading what the clouds return (kek-attestation.md §1, §A.1, §A.4 step 1, §A.7): the helpers every
// provider's reader uses (azure.ts, gcp.ts), and the dispatcher that finds the attestation member in a
// file and hands it to the provider whose shape it has.
//
// Everything that is not the attested bytes themselves — JSON, base64, PEM, certificate DER — must be
// well formed, else MALFORMED_ATTESTATION (exit 2 in the CLI). The blob's own structure is a check of the
// verifier, not a reading error.
import { base64, base64nopad, base64url, base64urlnopad } from '@scure/base';
import { ByokError } from '../errors.js';
import { readKek } from '../kek/index.js';
import { CURVES, type AzureCurve } from '../keys/oids.js';
import { bytesToText, hasPemBlock, parsePem, withoutBom } from '../keys/pem.js';
import type { AttestationInput, ProviderSpec } from './provider.js';
import { parseCertificate, type Certificate } from './x509.js';

/** A public key named by the input or given by the caller, to compare with the attested one. */
export type PublicKeyRef =
  | { readonly kind: 'rsa'; readonly n: Uint8Array; readonly e: Uint8Array }
  | { readonly kind: 'ec'; readonly curve: AzureCurve; readonly point: Uint8Array };

const CODE = 'MALFORMED_ATTESTATION';
const FIX = 'give the JSON the cloud returned (az keyvault key get-attestation --file; a Cloud KMS import job or key version)';
const MAX_CERTIFICATES = 16;

export function bad(path: string, problem: string): ByokError {
  return new ByokError(CODE, `${path}: ${problem}; ${FIX}`, { path });
}

export function unsupported(path: string, value: string, known: string): ByokError {
  return new ByokError('ATTESTATION_UNSUPPORTED', `${path}: ${JSON.stringify(value.slice(0, 40))} is not a format this toolkit verifies (${known}): update byok-toolkit`, { path });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** base64url (Azure, with or without padding) or base64 (Google's JSON bytes fields). */
export function bytesMember(v: unknown, path: string): Uint8Array {
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

export function certificatesFromPem(text: string, path: string): Certificate[] {
  if (!hasPemBlock(text)) throw bad(path, 'holds no PEM certificate');
  const blocks = parsePem(text, CODE);
  const other = blocks.find((b) => b.label !== 'CERTIFICATE');
  if (other !== undefined) throw bad(path, `holds a "${other.label}" block where only certificates belong`);
  return blocks.map((b, i) => parseCertificate(b.der, `${path} certificate ${i + 1}`));
}

export function jwkKey(jwk: Record<string, unknown>, path: string): PublicKeyRef | undefined {
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

export function str(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(path, 'expected a string');
  return v;
}

function fromObject(obj: Record<string, unknown>, providers: readonly ProviderSpec[]): AttestationInput {
  // Azure: KeyBundle → attributes → attestation; SDK KeyVaultKey → properties → attestation; or the
  // `attributes` object, or the bare attestation. GCP: ImportJob / CryptoKeyVersion → attestation.
  const attrs = obj['attributes'];
  const props = obj['properties'];
  let att = obj;
  let path = 'attestation';
  if (isRecord(attrs) && isRecord(attrs['attestation'])) [att, path] = [attrs['attestation'], 'attributes.attestation'];
  else if (isRecord(props) && isRecord(props['attestation'])) [att, path] = [props['attestation'], 'properties.attestation'];
  else if (isRecord(obj['attestation'])) att = obj['attestation'];
  const spec = providers.find((p) => p.matches(att));
  if (spec !== undefined) return spec.read(obj, att, path);
  if (att['certChains'] !== undefined) throw bad(path, 'a Google Cloud KMS attestation, which this tool does not verify: use byok attest');
  if (isRecord(attrs) || isRecord(props)) {
    throw bad('attributes', 'no attestation in this key (Key Vault Premium keys have none; Managed HSM returns it from GET /keys/{name}/attestation)');
  }
  throw bad('JSON', 'not a key attestation');
}

/**
 * Reads an attestation file (bytes or text of JSON) or an already parsed object (REST body, SDK
 * KeyVaultKey) with the first of `providers` whose shape it has. Throws MALFORMED_ATTESTATION or
 * ATTESTATION_UNSUPPORTED.
 */
export function readAttestationInput(input: Uint8Array | string | object, providers: readonly ProviderSpec[]): AttestationInput {
  let value: unknown = input;
  if (input instanceof Uint8Array || typeof input === 'string') {
    const text = typeof input === 'string' ? input : bytesToText(withoutBom(input));
    const t = text.trim();
    if (!t.startsWith('{') && !t.startsWith('[')) throw bad('input', hasPemBlock(t) ? 'a PEM file, not the JSON of an attestation' : 'not JSON');
    try {
      value = JSON.parse(t);
    } catch {
      throw bad('JSON', 'not valid JSON');
    }
  }
  if (!isRecord(value)) throw bad('JSON', 'expected a JSON object');
  const result = fromObject(value, providers);
  if (result.certificates.length > MAX_CERTIFICATES) throw bad('certificates', `${result.certificates.length} certificates are more than an attestation chain holds`);
  return result;
}
