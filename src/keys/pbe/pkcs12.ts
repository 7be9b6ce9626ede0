// PKCS#12 (RFC 7292) reading: the password-integrity MAC is checked before anything is decrypted, then
// every key and X.509 certificate is collected.
//
//   PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
//   MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
//   AuthenticatedSafe ::= SEQUENCE OF ContentInfo   -- data (plain) or encryptedData (password privacy)
//   SafeContents ::= SEQUENCE OF SafeBag
//   SafeBag ::= SEQUENCE { bagId OID, bagValue [0] EXPLICIT ANY, bagAttributes SET OF PKCS12Attribute OPTIONAL }
//
// MAC (RFC 7292 App. B): HMAC-<digest> keyed with the PKCS#12 KDF (ID 3) over the content octets of
// authSafe; or PBMAC1 (RFC 9579: PBKDF2 + HMAC, the password as UTF-8, MacData's macSalt and iterations
// ignored). A MAC mismatch is WRONG_PASSWORD (or PASSWORD_REQUIRED when none was given): a wrong password
// and a damaged file cannot be told apart, and we do not try to.
//
// Password candidates (see password.ts): an absent password tries the empty-string encoding and the
// two-zero-byte one (tools differ); a given non-ASCII password also tries the byte-per-character form of
// OpenSSL < 1.1.0 after the correct one. With a MAC, the MAC picks the candidate; without one, each
// encrypted part is tried with every candidate and must decrypt to well-formed DER.
//
// Public-key integrity and privacy modes (signedData, envelopedData) are refused by name. Input may be
// BER (Windows, NSS and Java write indefinite lengths); returned keys and certificates are DER.
import { ByokError } from '../../errors.js';
import {
  algorithmIdentifier,
  bmpString,
  encoded,
  explicit,
  implicitOctets,
  isDerSequence,
  octets,
  oid,
  parseBer,
  seq,
  structError,
  uint,
  type Node,
} from './asn1.js';
import { wrongPassword } from './cipher.js';
import { decryptToDerSequence, requireBytes } from './decrypt.js';
import { chargeWork, checkIterations, equalCt, hashOf, hmacWith, MAX_TOTAL_WORK, pbkdf2, pkcs12Kdf, type HashName } from './kdf.js';
import { OID, oidLabel } from './oids.js';
import { legacyOpenSslBmp, stringToBmp, wipeForms, type PasswordForms } from './password.js';
import { parsePbkdf2Params, pbeScheme, prfHash } from './schemes.js';

export interface Pkcs12Key {
  /** PKCS#9 friendlyName of the bag, if any. */
  readonly friendlyName?: string;
  /** PKCS#9 localKeyId of the bag, if any (pairs a key with its certificate). */
  readonly localKeyId?: Uint8Array;
  /** PrivateKeyInfo DER. */
  readonly pkcs8: Uint8Array;
}

export interface Pkcs12Contents {
  /** Every private key (keyBag and pkcs8ShroudedKeyBag), in file order. */
  readonly keys: Pkcs12Key[];
  /** DER X.509 certificates from certBags, in file order. */
  readonly certificates: Uint8Array[];
}

/** What a PKCS#12 file shows without its password (see inspectPkcs12). */
export interface Pkcs12Summary {
  /** e.g. "HMAC-SHA-256 (PKCS#12 KDF, 2048 iterations)", "PBMAC1 (PBKDF2-hmacWithSHA256, HMAC-SHA-256)"; undefined: no MAC. */
  readonly integrity: string | undefined;
  /** Key bags outside encrypted parts, in file order; `encryption` names the scheme of a shrouded bag. */
  readonly keys: { friendlyName?: string; localKeyId?: Uint8Array; encryption?: string }[];
  /** Certificates outside encrypted parts. */
  readonly certificates: number;
  /** Scheme names of encryptedData parts, whose bags stay hidden until decrypted. */
  readonly encryptedParts: string[];
}

const CODE = 'MALFORMED_PKCS12';
const MAX_BAG_NESTING = 4;

const MAC_DIGESTS: Readonly<Record<string, HashName>> = {
  [OID.md5]: 'md5',
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
  [OID.sha512_224]: 'sha512_224',
  [OID.sha512_256]: 'sha512_256',
};

function unsupported(what: string, path: string): ByokError {
  return new ByokError(
    'UNSUPPORTED_ENCRYPTION',
    `${path}: ${what} is not supported; export the PKCS#12 again with password protection (e.g. openssl pkcs12 -export, or Windows "Export with password")`,
    { path },
  );
}

function noPasswordGiven(): ByokError {
  return new ByokError('PASSWORD_REQUIRED', 'this PKCS#12 file is password-protected: give its password');
}

/** Candidate encodings for the password argument, most likely first. */
function candidates(password: string | undefined): PasswordForms[] {
  const empty = () => new Uint8Array(0);
  if (password === undefined) {
    return [
      { utf8: empty(), bmp: empty() },
      { utf8: empty(), bmp: new Uint8Array(2) },
    ];
  }
  if (password === '') {
    return [
      { utf8: empty(), bmp: new Uint8Array(2) },
      { utf8: empty(), bmp: empty() },
    ];
  }
  const utf8 = new TextEncoder().encode(password);
  const forms: PasswordForms[] = [{ utf8, bmp: stringToBmp(password) }];
  if (/[^\x00-\x7f]/.test(password)) forms.push({ utf8: utf8.slice(), bmp: legacyOpenSslBmp(utf8) });
  return forms;
}

interface MacCheck {
  readonly name: string;
  /** Work of one verification, in hash-iteration units (see PbeScheme.cost). */
  readonly cost: number;
  /** Returns true when the MAC verifies with this candidate. */
  verify(form: PasswordForms): boolean;
}

const HASH_LABEL: Readonly<Record<HashName, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha224: 'SHA-224',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
  sha512_224: 'SHA-512/224',
  sha512_256: 'SHA-512/256',
};

function parseMac(n: Node, authSafe: Uint8Array, path: string): MacCheck {
  const items = seq(n, CODE, path, { min: 2, max: 3 });
  const digestInfo = seq(items[0], CODE, `${path}.mac`, { min: 2, max: 2 });
  const alg = algorithmIdentifier(digestInfo[0], CODE, `${path}.mac.digestAlgorithm`);
  const expected = octets(digestInfo[1], CODE, `${path}.mac.digest`);
  const macSalt = octets(items[1], CODE, `${path}.macSalt`);
  const iterations = items[2] === undefined ? 1 : uint(items[2], CODE, `${path}.iterations`);

  if (alg.oid === OID.pbmac1) {
    // PBMAC1-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, messageAuthScheme AlgorithmIdentifier }
    const pp = `${path}.mac.digestAlgorithm.parameters`;
    const params = seq(alg.params, CODE, pp, { min: 2, max: 2 });
    const kdf = algorithmIdentifier(params[0], CODE, `${pp}.keyDerivationFunc`);
    if (kdf.oid !== OID.pbkdf2) throw unsupported(`PBMAC1 with key derivation ${oidLabel(kdf.oid)}`, `${pp}.keyDerivationFunc`);
    const p = parsePbkdf2Params(kdf.params, CODE, `${pp}.keyDerivationFunc.parameters`);
    const macHash = prfHash(params[1], CODE, `${pp}.messageAuthScheme`);
    // RFC 9579 §5: keyLength is REQUIRED for PBMAC1 (no cipher to infer it from).
    if (p.keyLength === undefined) {
      throw new ByokError('INVALID_PBE_PARAMETERS', `${pp}.keyDerivationFunc.parameters.keyLength: missing (RFC 9579 requires it)`, {
        path: `${pp}.keyDerivationFunc.parameters.keyLength`,
      });
    }
    if (p.keyLength > 1024) throw new ByokError('INVALID_PBE_PARAMETERS', `${pp}: PBMAC1 key length ${p.keyLength} is unreasonable`, { path: pp });
    const keyLength = p.keyLength;
    return {
      name: `PBMAC1 (PBKDF2-HMAC-${HASH_LABEL[p.prf]}, ${p.iterations} iterations; HMAC-${HASH_LABEL[macHash]})`,
      cost: p.iterations * Math.ceil(keyLength / hashOf(p.prf).outputLen),
      verify(form) {
        const key = pbkdf2(p.prf, form.utf8, p.salt, p.iterations, keyLength);
        const mac = hmacWith(macHash, key, authSafe);
        key.fill(0);
        return equalCt(mac, expected);
      },
    };
  }

  const hash = MAC_DIGESTS[alg.oid];
  if (hash === undefined) throw unsupported(`MAC digest ${oidLabel(alg.oid)}`, `${path}.mac.digestAlgorithm`);
  checkIterations(iterations, `${path}.iterations`);
  const macLen = hashOf(hash).outputLen;
  return {
    name: `HMAC-${HASH_LABEL[hash]} (PKCS#12 KDF, ${iterations} iterations)`,
    cost: iterations,
    verify(form) {
      const key = pkcs12Kdf(hash, form.bmp, macSalt, 3, iterations, macLen);
      const mac = hmacWith(hash, key, authSafe);
      key.fill(0);
      return equalCt(mac, expected);
    },
  };
}

/** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY DEFINED BY contentType OPTIONAL } */
function contentInfo(n: Node | undefined, path: string): { type: string; content: Node } {
  const items = seq(n, CODE, path, { min: 1, max: 2 });
  const type = oid(items[0], CODE, `${path}.contentType`);
  return { type, content: explicit(items[1], 0, CODE, `${path}.content`) };
}

interface Collector {
  readonly keys: Pkcs12Key[];
  readonly certificates: Uint8Array[];
  /** Buffers to wipe once done (decrypted SafeContents). */
  readonly scratch: Uint8Array[];
  readonly forms: readonly PasswordForms[];
  /** Key-derivation work left for this file (hostile files with many encrypted parts). */
  readonly budget: { left: number };
  /** Set by inspectPkcs12: record what is visible, decrypt nothing. */
  readonly peek?: { keys: Pkcs12Summary['keys']; certificates: number; encryptedParts: string[]; cost: number };
}

function attributes(n: Node | undefined, path: string): { friendlyName?: string; localKeyId?: Uint8Array } {
  const out: { friendlyName?: string; localKeyId?: Uint8Array } = {};
  if (n === undefined) return out;
  seq(n, CODE, path, undefined, true).forEach((attr, i) => {
    const ap = `${path}[${i}]`;
    const items = seq(attr, CODE, ap, { min: 2, max: 2 });
    const type = oid(items[0], CODE, `${ap}.attrId`);
    const values = seq(items[1], CODE, `${ap}.attrValues`, { min: 1, max: 1 }, true);
    // Some exporters terminate the name with U+0000 (seen in pyca's no-password.p12); OpenSSL shows it
    // without, and users type it without, so trailing NULs are dropped.
    if (type === OID.friendlyName) out.friendlyName = bmpString(values[0], CODE, `${ap}.friendlyName`).replace(/\u0000+$/, '');
    else if (type === OID.localKeyId) out.localKeyId = octets(values[0], CODE, `${ap}.localKeyId`).slice();
  });
  return out;
}

function readSafeContents(n: Node, c: Collector, path: string, depth: number): void {
  if (depth > MAX_BAG_NESTING) throw structError(CODE, path, 'safeContentsBags nested too deeply');
  seq(n, CODE, path).forEach((bag, i) => {
    const bp = `${path}[${i}]`;
    const items = seq(bag, CODE, bp, { min: 2, max: 3 });
    const bagId = oid(items[0], CODE, `${bp}.bagId`);
    const value = explicit(items[1], 0, CODE, `${bp}.bagValue`);
    const attrs = attributes(items[2], `${bp}.bagAttributes`);
    switch (bagId) {
      case OID.keyBag: {
        const pkcs8 = encoded(value);
        if (!isDerSequence(pkcs8)) throw structError(CODE, `${bp}.bagValue`, 'keyBag PrivateKeyInfo is not DER');
        if (c.peek) c.peek.keys.push({ ...attrs });
        else c.keys.push({ ...attrs, pkcs8: pkcs8.slice() });
        break;
      }
      case OID.pkcs8ShroudedKeyBag: {
        const epki = seq(value, CODE, `${bp}.bagValue`, { min: 2, max: 2 });
        const scheme = pbeScheme(epki[0], CODE, `${bp}.bagValue.encryptionAlgorithm`);
        const ct = octets(epki[1], CODE, `${bp}.bagValue.encryptedData`);
        if (c.peek) {
          c.peek.keys.push({ ...attrs, encryption: scheme.name });
          c.peek.cost += scheme.cost;
        } else {
          chargeWork(c.budget, scheme.cost * c.forms.length, `${bp}.bagValue.encryptionAlgorithm`);
          c.keys.push({ ...attrs, pkcs8: decryptToDerSequence(scheme, c.forms, ct) });
        }
        break;
      }
      case OID.certBag: {
        // CertBag ::= SEQUENCE { certId OID, certValue [0] EXPLICIT ANY }; x509Certificate holds DER in an OCTET STRING.
        const cb = seq(value, CODE, `${bp}.bagValue`, { min: 2, max: 2 });
        const certId = oid(cb[0], CODE, `${bp}.bagValue.certId`);
        if (certId === OID.x509Certificate) {
          const der = octets(explicit(cb[1], 0, CODE, `${bp}.bagValue.certValue`), CODE, `${bp}.bagValue.certValue`);
          if (!isDerSequence(der)) throw structError(CODE, `${bp}.bagValue.certValue`, 'certificate is not DER');
          if (c.peek) c.peek.certificates++;
          else c.certificates.push(der.slice());
        }
        break;
      }
      case OID.safeContentsBag:
        readSafeContents(value, c, `${bp}.bagValue`, depth + 1);
        break;
      default:
        // crlBag, secretBag and private bag types carry nothing we import.
        break;
    }
  });
}

function berSequence(bytes: Uint8Array): boolean {
  try {
    seq(parseBer(bytes, CODE, 'SafeContents'), CODE, 'SafeContents');
    return true;
  } catch {
    return false;
  }
}

function readAuthenticatedSafe(authSafe: Uint8Array, c: Collector): void {
  const root = 'AuthenticatedSafe';
  seq(parseBer(authSafe, CODE, root), CODE, root).forEach((ci, i) => {
    const p = `${root}[${i}]`;
    const { type, content } = contentInfo(ci, p);
    if (type === OID.data) {
      const bytes = octets(content, CODE, `${p}.content`);
      readSafeContents(parseBer(bytes, CODE, `${p}.content`), c, `${p}.SafeContents`, 0);
    } else if (type === OID.encryptedData) {
      // EncryptedData ::= SEQUENCE { version, encryptedContentInfo, unprotectedAttrs [1] IMPLICIT OPTIONAL }
      // EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OPTIONAL }
      const ed = seq(content, CODE, `${p}.content`, { min: 2, max: 3 });
      uint(ed[0], CODE, `${p}.content.version`);
      const eci = seq(ed[1], CODE, `${p}.content.encryptedContentInfo`, { min: 2, max: 3 });
      const innerType = oid(eci[0], CODE, `${p}.content.encryptedContentInfo.contentType`);
      if (innerType !== OID.data) throw structError(CODE, `${p}.content.encryptedContentInfo.contentType`, 'expected data');
      const scheme = pbeScheme(eci[1], CODE, `${p}.content.encryptedContentInfo.contentEncryptionAlgorithm`);
      const ct = implicitOctets(eci[2], 0, CODE, `${p}.content.encryptedContentInfo.encryptedContent`);
      if (c.peek) {
        c.peek.encryptedParts.push(scheme.name);
        c.peek.cost += scheme.cost;
        return;
      }
      chargeWork(c.budget, scheme.cost * c.forms.length, `${p}.content.encryptedContentInfo.contentEncryptionAlgorithm`);
      const plain = decryptToDerSequence(scheme, c.forms, ct, berSequence);
      c.scratch.push(plain);
      readSafeContents(parseBer(plain, CODE, `${p}.SafeContents`), c, `${p}.SafeContents`, 0);
    } else if (type === OID.envelopedData) {
      throw unsupported('public-key privacy mode (envelopedData)', `${p}.contentType`);
    } else {
      throw unsupported(`content type ${oidLabel(type)}`, `${p}.contentType`);
    }
  });
}

/**
 * Reads a PKCS#12 file (DER or BER). `password` undefined means none was given. Returns every private key
 * (PrivateKeyInfo DER, with friendlyName and localKeyId) and every X.509 certificate. The caller owns the
 * returned buffers and should wipe the keys after use.
 *
 * Errors: MALFORMED_PKCS12 (structure, with `path`), PASSWORD_REQUIRED (protected, no password given),
 * WRONG_PASSWORD (MAC mismatch or undecryptable content), UNSUPPORTED_ENCRYPTION (scheme named),
 * INVALID_PBE_PARAMETERS, KDF_LIMIT_EXCEEDED.
 */
export function readPkcs12(der: Uint8Array, password: string | undefined): Pkcs12Contents {
  requireBytes(der, 'der');
  if (password !== undefined && typeof password !== 'string') {
    throw new ByokError('INVALID_ARGUMENT', `"password" expected string or undefined, got ${typeof password}`);
  }
  const { authSafe, mac } = openPfx(der);
  let forms = candidates(password);
  const all = forms;
  try {
    const budget = { left: MAX_TOTAL_WORK };
    if (mac !== undefined) {
      chargeWork(budget, mac.cost * forms.length, 'PFX.macData');
      const match = forms.find((f) => mac.verify(f));
      if (match === undefined) throw password === undefined ? noPasswordGiven() : wrongPassword();
      forms = [match];
    }
    // Fail fast on hostile files: charge every encrypted part and bag visible without decrypting before
    // deriving anything; bags revealed inside encrypted parts are charged as they appear.
    const visible = { keys: [], certificates: 0, encryptedParts: [], cost: 0 };
    readAuthenticatedSafe(authSafe, { keys: [], certificates: [], scratch: [], forms: [], budget: { left: 0 }, peek: visible });
    chargeWork({ left: budget.left }, visible.cost * forms.length, 'AuthenticatedSafe');
    const c: Collector = { keys: [], certificates: [], scratch: [], forms, budget };
    try {
      readAuthenticatedSafe(authSafe, c);
    } catch (e) {
      for (const k of c.keys) k.pkcs8.fill(0);
      if (password === undefined && e instanceof ByokError && e.code === 'WRONG_PASSWORD') throw noPasswordGiven();
      throw e;
    } finally {
      for (const s of c.scratch) s.fill(0);
    }
    return { keys: c.keys, certificates: c.certificates };
  } finally {
    wipeForms(all);
  }
}

/** PFX ::= SEQUENCE { version, authSafe, macData OPTIONAL }: the authenticated content and its MAC. */
function openPfx(der: Uint8Array): { authSafe: Uint8Array; mac: MacCheck | undefined } {
  const pfx = seq(parseBer(der, CODE, 'PFX'), CODE, 'PFX', { min: 2, max: 3 });
  const version = uint(pfx[0], CODE, 'PFX.version');
  if (version !== 3) throw structError(CODE, 'PFX.version', `version ${version}, expected 3 (PKCS#12 v1.0/1.1)`);
  const { type, content } = contentInfo(pfx[1], 'PFX.authSafe');
  if (type === OID.signedData) throw unsupported('public-key integrity mode (signedData)', 'PFX.authSafe.contentType');
  if (type !== OID.data) throw unsupported(`authSafe content type ${oidLabel(type)}`, 'PFX.authSafe.contentType');
  const authSafe = octets(content, CODE, 'PFX.authSafe.content');
  return { authSafe, mac: pfx[2] === undefined ? undefined : parseMac(pfx[2], authSafe, 'PFX.macData') };
}

/**
 * What a PKCS#12 file shows without its password: the integrity scheme, the key bags outside encrypted
 * parts (friendlyName, localKeyId, the shrouding scheme), the number of such certificates and the schemes
 * of encrypted parts. Nothing is decrypted or verified; structure errors are MALFORMED_PKCS12.
 * OpenSSL, Windows and macOS keep key bags outside encrypted parts, so their names show here.
 */
export function inspectPkcs12(der: Uint8Array): Pkcs12Summary {
  requireBytes(der, 'der');
  const { authSafe, mac } = openPfx(der);
  const peek = { keys: [] as Pkcs12Summary['keys'], certificates: 0, encryptedParts: [] as string[], cost: 0 };
  readAuthenticatedSafe(authSafe, { keys: [], certificates: [], scratch: [], forms: [], budget: { left: 0 }, peek });
  return { integrity: mac?.name, keys: peek.keys, certificates: peek.certificates, encryptedParts: peek.encryptedParts };
}
