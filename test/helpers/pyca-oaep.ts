// Parser for the RSA-OAEP known-answer files in pyca/oaep: the RSA Laboratories format (oaep-vect.txt,
// spaced hex over several lines) and pyca's SHA-2 derivatives (oaep-sha*-sha*.txt, one hex line), both
// "# Field:" headers followed by hex, plus BoringSSL's evp_tests format (oaep-label.txt: KEY = PKCS#8 DER).
import { createPrivateKey } from 'node:crypto';
import type { HashName, RsaPrivateKey } from '../../src/core/types.js';
import { readVector } from './vectors.js';

export interface PycaOaepCase {
  readonly file: string;
  readonly name: string;
  readonly key: RsaPrivateKey;
  readonly hash: string;
  readonly mgf1Hash: string;
  readonly label: Uint8Array;
  readonly msg: Uint8Array;
  readonly ct: Uint8Array;
}

const fromHex = (s: string): Uint8Array => {
  const h = s.replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(h.length % 2 ? `0${h}` : h, 'hex'));
};

/** Files in the "# Field:" formats. */
export function parseHashHeaderFile(file: string): PycaOaepCase[] {
  const lines = readVector('pyca', 'oaep', file).toString('latin1').split(/\r?\n/);
  const out: PycaOaepCase[] = [];
  let key: Partial<Record<keyof RsaPrivateKey, Uint8Array>> = {};
  let inPrivate = false;
  let hash = 'sha1';
  let mgf = 'sha1';
  let exName = '';
  let msg: Uint8Array | undefined;
  let i = 0;
  const readHex = (): Uint8Array => {
    let acc = '';
    while (i < lines.length && /^[0-9a-fA-F\s]+$/.test(lines[i] as string) && (lines[i] as string).trim() !== '') {
      acc += lines[i];
      i++;
    }
    return fromHex(acc);
  };
  while (i < lines.length) {
    const line = (lines[i] as string).trim();
    i++;
    if (/^# (Example\b|Example \d+:)/.test(line)) {
      key = {};
      inPrivate = false;
      continue;
    }
    if (/^# Private key/.test(line)) inPrivate = true;
    const ex = /^# OAEP Example ([\d.]+)(?:\s+alg=(\w+)\s+mgf1=(\w+))?/.exec(line);
    if (ex) {
      exName = ex[1] as string;
      hash = ex[2] ?? 'sha1';
      mgf = ex[3] ?? 'sha1';
      continue;
    }
    const field = /^# ([A-Za-z0-9 ,]+):\s*$/.exec(line)?.[1];
    if (field === undefined) continue;
    const value = readHex();
    if (value.length === 0) continue;
    switch (field) {
      case 'Modulus': key.n = value; break;
      case 'Exponent': if (inPrivate) key.d = value; else key.e = value; break;
      case 'Public exponent': key.e = value; break;
      case 'Private exponent': key.d = value; break;
      case 'Prime 1': key.p = value; break;
      case 'Prime 2': key.q = value; break;
      case 'Prime exponent 1': key.dp = value; break;
      case 'Prime exponent 2': key.dq = value; break;
      case 'Coefficient': key.qi = value; break;
      case 'Message':
      case 'Message to be encrypted': msg = value; break;
      case 'Encryption':
      case 'Ciphertext, the RSA encryption of EM': {
        if (!msg) throw new Error(`${file}: encryption without message in example ${exName}`);
        out.push({
          file, name: `${file} #${exName || 1}`, key: key as RsaPrivateKey, hash, mgf1Hash: mgf,
          label: new Uint8Array(0), msg, ct: value,
        });
        msg = undefined;
        break;
      }
      default: break; // Seed and intermediate values: not used (decryption vectors)
    }
  }
  return out;
}

/** BoringSSL evp_tests format: KEY (PKCS#8 DER hex), OAEPDigest, OAEPLabel, Input (ct), Output (message). */
export function parseEvpFile(file: string): PycaOaepCase[] {
  const text = readVector('pyca', 'oaep', file).toString('latin1');
  const out: PycaOaepCase[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const f = new Map<string, string>();
    for (const line of block.split(/\r?\n/)) {
      const m = /^(\w+)\s*=\s*(.*)$/.exec(line.trim());
      if (m) f.set(m[1] as string, m[2] as string);
    }
    const der = f.get('KEY');
    if (!der) continue;
    const jwk = createPrivateKey({ key: Buffer.from(der, 'hex'), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
    const b = (s: string | undefined): Uint8Array => Uint8Array.from(Buffer.from(s ?? '', 'base64url'));
    const output = f.get('Output') ?? '';
    const hash = (f.get('OAEPDigest') ?? 'SHA1').toLowerCase().replace('-', '');
    out.push({
      file,
      name: `${file} COUNT=${f.get('COUNT') ?? '?'}`,
      key: { n: b(jwk.n), e: b(jwk.e), d: b(jwk.d), p: b(jwk.p), q: b(jwk.q), dp: b(jwk.dp), dq: b(jwk.dq), qi: b(jwk.qi) },
      hash,
      mgf1Hash: (f.get('MGF1Digest') ?? f.get('OAEPDigest') ?? 'SHA1').toLowerCase().replace('-', ''),
      label: fromHex(f.get('OAEPLabel') ?? ''),
      msg: output.startsWith('"') ? Uint8Array.from(Buffer.from(JSON.parse(output) as string, 'utf8')) : fromHex(output),
      ct: fromHex(f.get('Input') ?? ''),
    });
  }
  return out;
}

export const SUPPORTED: readonly string[] = ['sha1', 'sha256', 'sha384', 'sha512'];
export const asHash = (h: string): HashName => h as HashName;
