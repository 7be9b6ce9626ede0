// SHA-1 compression function (FIPS 180-4 sections 6.1.2 and 4.1.1). SHA-1 is here only because RSA-OAEP
// with SHA-1 is what Azure's CKM_RSA_AES_KEY_WRAP uses; OAEP needs no collision resistance.
//
// Leaks: nothing beyond the public number of blocks (fixed sequence of 32-bit operations, memory indices
// depend only on the round number).

/** FIPS 180-4 5.3.1: initial hash value of SHA-1 into st (five u32, native order). */
export function init1(st: usize): void {
  store<u32>(st, 0x67452301); store<u32>(st, 0xefcdab89, 4); store<u32>(st, 0x98badcfe, 8);
  store<u32>(st, 0x10325476, 12); store<u32>(st, 0xc3d2e1f0, 16);
}

/** Absorbs n 64-byte blocks at p into the state st; w is 320 bytes of schedule scratch. */
export function compress1(st: usize, p: usize, n: i32, w: usize): void {
  let h0 = load<u32>(st), h1 = load<u32>(st, 4), h2 = load<u32>(st, 8), h3 = load<u32>(st, 12);
  let h4 = load<u32>(st, 16);
  for (let blk = 0; blk < n; blk++) {
    const src = p + (<usize>blk << 6);
    for (let t: usize = 0; t < 16; t++) store<u32>(w + (t << 2), bswap<u32>(load<u32>(src + (t << 2))));
    for (let t: usize = 16; t < 80; t++) {
      const x: u32 = load<u32>(w + ((t - 3) << 2)) ^ load<u32>(w + ((t - 8) << 2)) ^
        load<u32>(w + ((t - 14) << 2)) ^ load<u32>(w + ((t - 16) << 2));
      store<u32>(w + (t << 2), rotl<u32>(x, 1));
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let t: usize = 0; t < 20; t++) {
      const tmp: u32 = rotl<u32>(a, 5) + (d ^ (b & (c ^ d))) + e + 0x5a827999 + load<u32>(w + (t << 2));
      e = d; d = c; c = rotl<u32>(b, 30); b = a; a = tmp;
    }
    for (let t: usize = 20; t < 40; t++) {
      const tmp: u32 = rotl<u32>(a, 5) + (b ^ c ^ d) + e + 0x6ed9eba1 + load<u32>(w + (t << 2));
      e = d; d = c; c = rotl<u32>(b, 30); b = a; a = tmp;
    }
    for (let t: usize = 40; t < 60; t++) {
      const tmp: u32 = rotl<u32>(a, 5) + ((b & c) | (d & (b | c))) + e + 0x8f1bbcdc + load<u32>(w + (t << 2));
      e = d; d = c; c = rotl<u32>(b, 30); b = a; a = tmp;
    }
    for (let t: usize = 60; t < 80; t++) {
      const tmp: u32 = rotl<u32>(a, 5) + (b ^ c ^ d) + e + 0xca62c1d6 + load<u32>(w + (t << 2));
      e = d; d = c; c = rotl<u32>(b, 30); b = a; a = tmp;
    }
    h0 += a; h1 += b; h2 += c; h3 += d; h4 += e;
  }
  store<u32>(st, h0); store<u32>(st, h1, 4); store<u32>(st, h2, 8); store<u32>(st, h3, 12);
  store<u32>(st, h4, 16);
}
