// SHA-256 compression function (FIPS 180-4 sections 6.2.2 and 4.2.2).
//
// Leaks: nothing beyond the public number of blocks. Every operation is a fixed sequence of 32-bit
// additions, rotations and bitwise operations; memory indices depend only on the round number.

// FIPS 180-4 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K256: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** FIPS 180-4 5.3.3: initial hash value of SHA-256 into st (eight u32, native order). */
export function init256(st: usize): void {
  store<u32>(st, 0x6a09e667); store<u32>(st, 0xbb67ae85, 4);
  store<u32>(st, 0x3c6ef372, 8); store<u32>(st, 0xa54ff53a, 12);
  store<u32>(st, 0x510e527f, 16); store<u32>(st, 0x9b05688c, 20);
  store<u32>(st, 0x1f83d9ab, 24); store<u32>(st, 0x5be0cd19, 28);
}

/** Absorbs n 64-byte blocks at p into the state st; w is 256 bytes of schedule scratch. */
export function compress256(st: usize, p: usize, n: i32, w: usize): void {
  let h0 = load<u32>(st), h1 = load<u32>(st, 4), h2 = load<u32>(st, 8), h3 = load<u32>(st, 12);
  let h4 = load<u32>(st, 16), h5 = load<u32>(st, 20), h6 = load<u32>(st, 24), h7 = load<u32>(st, 28);
  for (let blk = 0; blk < n; blk++) {
    const src = p + (<usize>blk << 6);
    for (let t: usize = 0; t < 16; t++) store<u32>(w + (t << 2), bswap<u32>(load<u32>(src + (t << 2))));
    for (let t: usize = 16; t < 64; t++) {
      const x = load<u32>(w + ((t - 15) << 2));
      const y = load<u32>(w + ((t - 2) << 2));
      const s0: u32 = rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
      const s1: u32 = rotr<u32>(y, 17) ^ rotr<u32>(y, 19) ^ (y >>> 10);
      const v: u32 = load<u32>(w + ((t - 16) << 2)) + s0 + load<u32>(w + ((t - 7) << 2)) + s1;
      store<u32>(w + (t << 2), v);
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let t: usize = 0; t < 64; t++) {
      const S1: u32 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
      const ch: u32 = g ^ (e & (f ^ g));
      const t1: u32 = h + S1 + ch + load<u32>(K256 + (t << 2)) + load<u32>(w + (t << 2));
      const S0: u32 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
      const maj: u32 = (a & b) | (c & (a | b));
      const t2: u32 = S0 + maj;
      h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h0 += a; h1 += b; h2 += c; h3 += d; h4 += e; h5 += f; h6 += g; h7 += h;
  }
  store<u32>(st, h0); store<u32>(st, h1, 4); store<u32>(st, h2, 8); store<u32>(st, h3, 12);
  store<u32>(st, h4, 16); store<u32>(st, h5, 20); store<u32>(st, h6, 24); store<u32>(st, h7, 28);
}
