// Bounded gunzip (RFC 1952) of Google Cloud KMS attestations, the same code in Node and browsers (fflate,
// pure JavaScript, synchronous). The input is fed in small slices and decoding stops as soon as the
// output passes the limit, so a gzip bomb costs at most one slice's worth of work (DEFLATE expands at
// most ~1032:1, so < 1.1 MB per 1 KiB slice) and never allocates more than the limit plus that.
//
// Exactly one gzip member is accepted, and its ISIZE trailer must equal the output length. The CRC-32 is
// not checked: the attestation's signature covers every inflated byte, which is the check that matters.
import { Gunzip } from 'fflate';
import { ByokError } from '../errors.js';

/** Largest inflated attestation accepted: real ones are ~2 KB (EC P-256) to ~5 KB (RSA-4096, two objects). */
export const MAX_INFLATED_BYTES = 64 * 1024;
const SLICE = 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function bad(what: string, problem: string): ByokError {
  return new ByokError('MALFORMED_ATTESTATION', `${what}: ${problem}; the attestation file is damaged or is not what the cloud returned: download it again`, { path: what });
}

/** The inflated bytes of one gzip member; MALFORMED_ATTESTATION for anything else. */
export function gunzipBounded(gz: Uint8Array, what: string, limit = MAX_INFLATED_BYTES): Uint8Array {
  if (!isGzip(gz) || gz.length < 18) throw bad(what, 'not gzip data');
  const parts: Uint8Array[] = [];
  let total = 0;
  let members = 1;
  const stream = new Gunzip((chunk) => {
    total += chunk.length;
    if (total > limit) throw bad(what, `inflates to more than ${limit} bytes, far more than any key attestation (a gzip bomb?)`);
    parts.push(chunk);
  });
  stream.onmember = () => {
    members++;
  };
  try {
    for (let i = 0; i < gz.length; i += SLICE) {
      const end = Math.min(gz.length, i + SLICE);
      stream.push(gz.subarray(i, end), end === gz.length);
      if (members > 1) throw bad(what, 'holds more than one gzip member');
    }
  } catch (e) {
    if (e instanceof ByokError) throw e;
    throw bad(what, `not valid gzip (${e instanceof Error ? e.message : String(e)})`);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  const isize = (gz[gz.length - 4]! | (gz[gz.length - 3]! << 8) | (gz[gz.length - 2]! << 16) | (gz[gz.length - 1]! << 24)) >>> 0;
  if (isize !== total % 2 ** 32) throw bad(what, 'its length trailer does not match the inflated data (truncated, or bytes after the gzip data)');
  return out;
}
