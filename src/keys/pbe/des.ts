// DES and Triple-DES (EDE) block decryption, written from FIPS PUB 46-3 (1999): the tables below are the
// standard's IP, IP^-1, E, P, PC-1, PC-2, the left-shift schedule and S1..S8 (§"Tables" and Appendix 1),
// with bits numbered 1..64 from the most significant bit of the first byte as in the standard. Triple-DES
// decryption is D_K1(E_K2(D_K3(c))) (NIST SP 800-67 §3.2; keying option 2 uses K3 = K1).
//
// Only decryption of password-protected legacy files needs this, never encryption of new data.
// Side channels: the S-box lookups (the only secret-indexed accesses) scan all 64 entries of each combined
// S/P table and keep the wanted one by mask, so no memory index depends on the key or the data. The
// permutations and the key schedule move bits at public positions. What may leak: nothing beyond lengths.
// Parity bits of the key are ignored, as in OpenSSL.

const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
  36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
const E = [
  32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
  16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
// S1..S8, each 4 rows of 16 columns (row = bits 1 and 6 of the 6-bit input, column = bits 2..5).
const S = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

/** Bit `pos` (1-based, from the MSB) of a 32-bit word. */
const bit32 = (w: number, pos: number): number => (w >>> (32 - pos)) & 1;

/** Applies a permutation table to a 64-bit value held as two 32-bit words; returns 32-bit words. */
function permute64(hi: number, lo: number, table: readonly number[]): [number, number] {
  let a = 0;
  let b = 0;
  for (let i = 0; i < 32; i++) {
    const p = table[i] as number;
    a = (a << 1) | (p <= 32 ? bit32(hi, p) : bit32(lo, p - 32));
  }
  for (let i = 32; i < 64; i++) {
    const p = table[i] as number;
    b = (b << 1) | (p <= 32 ? bit32(hi, p) : bit32(lo, p - 32));
  }
  return [a >>> 0, b >>> 0];
}

// SP[g][x]: the S-box g output for the 6-bit input x, placed at its nibble and passed through P.
// Computed on first use from the tables above (public data), kept for later calls.
let SP: Int32Array[] | undefined;

function spTables(): Int32Array[] {
  if (SP !== undefined) return SP;
  const out: Int32Array[] = [];
  for (let g = 0; g < 8; g++) {
    const t = new Int32Array(64);
    for (let x = 0; x < 64; x++) {
      const row = ((x >>> 4) & 2) | (x & 1);
      const col = (x >>> 1) & 15;
      const s = ((S[g] as number[])[row * 16 + col] as number) << (28 - 4 * g);
      let pOut = 0;
      for (let i = 0; i < 32; i++) pOut = (pOut << 1) | bit32(s, P[i] as number);
      t[x] = pOut;
    }
    out.push(t);
  }
  SP = out;
  return out;
}

/** 16 round keys of 8 six-bit groups each, in encryption order. */
function keySchedule(key: Uint8Array, off: number): Uint8Array {
  const hi = (((key[off] as number) << 24) | ((key[off + 1] as number) << 16) | ((key[off + 2] as number) << 8) | (key[off + 3] as number)) >>> 0;
  const lo = (((key[off + 4] as number) << 24) | ((key[off + 5] as number) << 16) | ((key[off + 6] as number) << 8) | (key[off + 7] as number)) >>> 0;
  let c = 0;
  let d = 0;
  for (let i = 0; i < 28; i++) {
    const p = PC1[i] as number;
    c = (c << 1) | (p <= 32 ? bit32(hi, p) : bit32(lo, p - 32));
  }
  for (let i = 28; i < 56; i++) {
    const p = PC1[i] as number;
    d = (d << 1) | (p <= 32 ? bit32(hi, p) : bit32(lo, p - 32));
  }
  const ks = new Uint8Array(16 * 8);
  for (let round = 0; round < 16; round++) {
    const s = SHIFTS[round] as number;
    c = ((c << s) | (c >>> (28 - s))) & 0x0fffffff;
    d = ((d << s) | (d >>> (28 - s))) & 0x0fffffff;
    for (let g = 0; g < 8; g++) {
      let v = 0;
      for (let k = 0; k < 6; k++) {
        const p = PC2[g * 6 + k] as number;
        v = (v << 1) | (p <= 28 ? (c >>> (28 - p)) & 1 : (d >>> (56 - p)) & 1);
      }
      ks[round * 8 + g] = v;
    }
  }
  c = d = 0;
  return ks;
}

/** The cipher function f(R, K) with constant-time S/P lookups. */
function f(r: number, ks: Uint8Array, round: number, sp: Int32Array[]): number {
  let out = 0;
  for (let g = 0; g < 8; g++) {
    let x = 0;
    for (let k = 0; k < 6; k++) x = (x << 1) | bit32(r, E[g * 6 + k] as number);
    x ^= ks[round * 8 + g] as number;
    const t = sp[g] as Int32Array;
    let v = 0;
    for (let j = 0; j < 64; j++) v |= (t[j] as number) & (((x ^ j) - 1) >> 31); // mask is -1 iff j === x
    out |= v;
  }
  return out;
}

/** One DES block operation in place; `decrypt` applies the round keys in reverse. */
function crypt(block: Uint8Array, ks: Uint8Array, decrypt: boolean): void {
  const sp = spTables();
  const hi = (((block[0] as number) << 24) | ((block[1] as number) << 16) | ((block[2] as number) << 8) | (block[3] as number)) >>> 0;
  const lo = (((block[4] as number) << 24) | ((block[5] as number) << 16) | ((block[6] as number) << 8) | (block[7] as number)) >>> 0;
  let [l, r] = permute64(hi, lo, IP);
  for (let i = 0; i < 16; i++) {
    const next = (l ^ f(r, ks, decrypt ? 15 - i : i, sp)) >>> 0;
    l = r;
    r = next;
  }
  // The preoutput is R16 L16 (the halves are not swapped back after the last round).
  const [a, b] = permute64(r, l, FP);
  block[0] = a >>> 24;
  block[1] = a >>> 16;
  block[2] = a >>> 8;
  block[3] = a;
  block[4] = b >>> 24;
  block[5] = b >>> 16;
  block[6] = b >>> 8;
  block[7] = b;
  l = r = 0;
}

/** Block decryptor for DES (8-byte key), 2-key 3DES (16) or 3-key 3DES (24 bytes). */
export function desDecryptor(key: Uint8Array): { decryptBlock(block: Uint8Array): void; wipe(): void } {
  if (key.length === 8) {
    const ks = keySchedule(key, 0);
    return { decryptBlock: (b) => crypt(b, ks, true), wipe: () => ks.fill(0) };
  }
  if (key.length !== 16 && key.length !== 24) throw new RangeError(`DES key must be 8, 16 or 24 bytes, got ${key.length}`);
  const k1 = keySchedule(key, 0);
  const k2 = keySchedule(key, 8);
  const k3 = key.length === 24 ? keySchedule(key, 16) : k1;
  return {
    decryptBlock(b) {
      crypt(b, k3, true);
      crypt(b, k2, false);
      crypt(b, k1, true);
    },
    wipe() {
      k1.fill(0);
      k2.fill(0);
      k3.fill(0);
    },
  };
}
