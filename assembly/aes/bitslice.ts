// Bitsliced AES for one block (the scalar build's code path): no table lookups at all, so no memory index
// and no branch depends on the key or the data.
//
// Representation: eight 32-bit slices; slice b holds bit b of each of the 16 state bytes, the byte in row
// r and column c at bit 4r + c (row-major), and the 16 bits are repeated in the upper half so that the
// row rotations of MixColumns are plain 32-bit rotations. ShiftRows is not applied per round: the state
// is held in a rotating frame (see "rounds in a rotating frame" below), so a middle round is the S-box
// circuit plus one fused pass of MixColumns and AddRoundKey.
// SubBytes is the 113-gate S-box circuit of Boyar, Matthews and Peralta ("A very compact S-box for AES",
// the CMT circuit published by Boyar and Peralta; structure ported, gate names kept so it can be checked
// against the listing). InvSubBytes uses InvS = G o S o G with G(x) = A^-1(x ^ 0x63), the inverse affine
// map (FIPS-197 5.3.2), so one circuit serves both directions. InvMixColumns is MixColumns of
// a ^ 4(a ^ rot2(a)) (the factorisation of the inverse matrix into the forward one and (05, 00, 04, 00)).
//
// Leaks: nothing secret. All operations are fixed sequences of 32-bit logic on values in locals or at
// fixed scratch addresses; the number of rounds depends on the public key length only.

// ---- bytes <-> slices ---------------------------------------------------------------------------

/** Transposes the 8x8 bit matrix held in x (bit 8j + b <-> bit 8b + j). An involution. */
@inline function transpose8(x: u64): u64 {
  let t: u64 = (x ^ (x >> 7)) & 0x00aa00aa00aa00aa;
  x = x ^ t ^ (t << 7);
  t = (x ^ (x >> 14)) & 0x0000cccc0000cccc;
  x = x ^ t ^ (t << 14);
  t = (x ^ (x >> 28)) & 0x00000000f0f0f0f0;
  return x ^ t ^ (t << 28);
}

/** Loads the 16 bytes at p (FIPS-197 order: byte 4c + r is row r, column c) into the slices at st. */
export function bsLoad(st: usize, p: usize): void {
  let w0 = load<u32>(p), w1 = load<u32>(p, 4), w2 = load<u32>(p, 8), w3 = load<u32>(p, 12);
  // Transpose the 4x4 byte matrix so that word r holds row r.
  let t: u32 = ((w0 >>> 16) ^ w2) & 0xffff; w0 ^= t << 16; w2 ^= t;
  t = ((w1 >>> 16) ^ w3) & 0xffff; w1 ^= t << 16; w3 ^= t;
  t = ((w0 >>> 8) ^ w1) & 0x00ff00ff; w0 ^= t << 8; w1 ^= t;
  t = ((w2 >>> 8) ^ w3) & 0x00ff00ff; w2 ^= t << 8; w3 ^= t;
  const lo = transpose8(<u64>w0 | (<u64>w1 << 32));
  const hi = transpose8(<u64>w2 | (<u64>w3 << 32));
  for (let b: usize = 0; b < 8; b++) {
    const s = (<u32>(lo >> (b << 3)) & 0xff) | ((<u32>(hi >> (b << 3)) & 0xff) << 8);
    store<u32>(st + (b << 2), s | (s << 16));
  }
}

/** Stores the slices at st as 16 bytes at p. */
export function bsStore(st: usize, p: usize): void {
  let lo: u64 = 0, hi: u64 = 0;
  for (let b: usize = 0; b < 8; b++) {
    const s = load<u32>(st + (b << 2));
    lo |= <u64>(s & 0xff) << (b << 3);
    hi |= <u64>((s >>> 8) & 0xff) << (b << 3);
  }
  lo = transpose8(lo);
  hi = transpose8(hi);
  let w0 = <u32>lo, w1 = <u32>(lo >> 32), w2 = <u32>hi, w3 = <u32>(hi >> 32);
  let t: u32 = ((w0 >>> 8) ^ w1) & 0x00ff00ff; w0 ^= t << 8; w1 ^= t;
  t = ((w2 >>> 8) ^ w3) & 0x00ff00ff; w2 ^= t << 8; w3 ^= t;
  t = ((w0 >>> 16) ^ w2) & 0xffff; w0 ^= t << 16; w2 ^= t;
  t = ((w1 >>> 16) ^ w3) & 0xffff; w1 ^= t << 16; w3 ^= t;
  store<u32>(p, w0); store<u32>(p, w1, 4); store<u32>(p, w2, 8); store<u32>(p, w3, 12);
}

// ---- SubBytes ------------------------------------------------------------------------------------

/** S-box on every byte of the slices at st (Boyar-Matthews-Peralta circuit; u0/s0 are bit 7). */
export function bsSubBytes(st: usize): void {
  const u0 = load<u32>(st, 28), u1 = load<u32>(st, 24), u2 = load<u32>(st, 20), u3 = load<u32>(st, 16);
  const u4 = load<u32>(st, 12), u5 = load<u32>(st, 8), u6 = load<u32>(st, 4), u7 = load<u32>(st, 0);
  // Top linear layer.
  const t1 = u0 ^ u3, t2 = u0 ^ u5, t3 = u0 ^ u6, t4 = u3 ^ u5, t5 = u4 ^ u6, t6 = t1 ^ t5, t7 = u1 ^ u2;
  const t8 = u7 ^ t6, t9 = u7 ^ t7, t10 = t6 ^ t7, t11 = u1 ^ u5, t12 = u2 ^ u5, t13 = t3 ^ t4, t14 = t6 ^ t11;
  const t15 = t5 ^ t11, t16 = t5 ^ t12, t17 = t9 ^ t16, t18 = u3 ^ u7, t19 = t7 ^ t18, t20 = t1 ^ t19;
  const t21 = u6 ^ u7, t22 = t7 ^ t21, t23 = t2 ^ t22, t24 = t2 ^ t10, t25 = t20 ^ t17, t26 = t3 ^ t16;
  const t27 = t1 ^ t12;
  // Shared non-linear middle: inversion in GF(2^8) through GF(2^4).
  const m1 = t13 & t6, m2 = t23 & t8, m3 = t14 ^ m1, m4 = t19 & u7, m5 = m4 ^ m1, m6 = t3 & t16;
  const m7 = t22 & t9, m8 = t26 ^ m6, m9 = t20 & t17, m10 = m9 ^ m6, m11 = t1 & t15, m12 = t4 & t27;
  const m13 = m12 ^ m11, m14 = t2 & t10, m15 = m14 ^ m11, m16 = m3 ^ m2, m17 = m5 ^ t24, m18 = m8 ^ m7;
  const m19 = m10 ^ m15, m20 = m16 ^ m13, m21 = m17 ^ m15, m22 = m18 ^ m13, m23 = m19 ^ t25;
  const m24 = m22 ^ m23, m25 = m22 & m20, m26 = m21 ^ m25, m27 = m20 ^ m21, m28 = m23 ^ m25;
  const m29 = m28 & m27, m30 = m26 & m24, m31 = m20 & m23, m32 = m27 & m31, m33 = m27 ^ m25;
  const m34 = m21 & m22, m35 = m24 & m34, m36 = m24 ^ m25, m37 = m21 ^ m29, m38 = m32 ^ m33;
  const m39 = m23 ^ m30, m40 = m35 ^ m36, m41 = m38 ^ m40, m42 = m37 ^ m39, m43 = m37 ^ m38;
  const m44 = m39 ^ m40, m45 = m42 ^ m41, m46 = m44 & t6, m47 = m40 & t8, m48 = m39 & u7;
  const m49 = m43 & t16, m50 = m38 & t9, m51 = m37 & t17, m52 = m42 & t15, m53 = m45 & t27;
  const m54 = m41 & t10, m55 = m44 & t13, m56 = m40 & t23, m57 = m39 & t19, m58 = m43 & t3;
  const m59 = m38 & t22, m60 = m37 & t20, m61 = m42 & t1, m62 = m45 & t4, m63 = m41 & t2;
  // Bottom linear layer (includes the affine map).
  const l0 = m61 ^ m62, l1 = m50 ^ m56, l2 = m46 ^ m48, l3 = m47 ^ m55, l4 = m54 ^ m58, l5 = m49 ^ m61;
  const l6 = m62 ^ l5, l7 = m46 ^ l3, l8 = m51 ^ m59, l9 = m52 ^ m53, l10 = m53 ^ l4, l11 = m60 ^ l2;
  const l12 = m48 ^ m51, l13 = m50 ^ l0, l14 = m52 ^ m61, l15 = m55 ^ l1, l16 = m56 ^ l0, l17 = m57 ^ l1;
  const l18 = m58 ^ l8, l19 = m63 ^ l4, l20 = l0 ^ l1, l21 = l1 ^ l7, l22 = l3 ^ l12, l23 = l18 ^ l2;
  const l24 = l15 ^ l9, l25 = l6 ^ l10, l26 = l7 ^ l9, l27 = l8 ^ l10, l28 = l11 ^ l14, l29 = l11 ^ l17;
  store<u32>(st, l6 ^ l24, 28);
  store<u32>(st, ~(l16 ^ l26), 24);
  store<u32>(st, ~(l19 ^ l28), 20);
  store<u32>(st, l6 ^ l21, 16);
  store<u32>(st, l20 ^ l22, 12);
  store<u32>(st, l25 ^ l29, 8);
  store<u32>(st, ~(l13 ^ l27), 4);
  store<u32>(st, ~(l6 ^ l23), 0);
}

/** G(x) = A^-1(x ^ 0x63) = rotl(x,1) ^ rotl(x,3) ^ rotl(x,6) ^ 0x05 on every byte of the slices. */
function bsInvAffine(st: usize): void {
  const x0 = load<u32>(st, 0), x1 = load<u32>(st, 4), x2 = load<u32>(st, 8), x3 = load<u32>(st, 12);
  const x4 = load<u32>(st, 16), x5 = load<u32>(st, 20), x6 = load<u32>(st, 24), x7 = load<u32>(st, 28);
  // Output bit b = x[b-1] ^ x[b-3] ^ x[b-6] (indices mod 8); 0x05 complements bits 0 and 2.
  store<u32>(st, ~(x7 ^ x5 ^ x2), 0);
  store<u32>(st, x0 ^ x6 ^ x3, 4);
  store<u32>(st, ~(x1 ^ x7 ^ x4), 8);
  store<u32>(st, x2 ^ x0 ^ x5, 12);
  store<u32>(st, x3 ^ x1 ^ x6, 16);
  store<u32>(st, x4 ^ x2 ^ x7, 20);
  store<u32>(st, x5 ^ x3 ^ x0, 24);
  store<u32>(st, x6 ^ x4 ^ x1, 28);
}

export function bsInvSubBytes(st: usize): void {
  bsInvAffine(st);
  bsSubBytes(st);
  bsInvAffine(st);
}

// ---- MixColumns, AddRoundKey -----------------------------------------------------------

/**
 * MixColumns: out = 2a + 3a1 + a2 + a3 (ai: the column rotated up by i rows) computed as
 * 2t + a1 + rot2(t) with t = a + a1. Multiplication by 2 is xtime on the slices (x^8 = x^4 + x^3 + x + 1).
 */
export function bsMixColumns(st: usize): void {
  const a0 = load<u32>(st, 0), a1 = load<u32>(st, 4), a2 = load<u32>(st, 8), a3 = load<u32>(st, 12);
  const a4 = load<u32>(st, 16), a5 = load<u32>(st, 20), a6 = load<u32>(st, 24), a7 = load<u32>(st, 28);
  const r0 = rotr<u32>(a0, 4), r1 = rotr<u32>(a1, 4), r2 = rotr<u32>(a2, 4), r3 = rotr<u32>(a3, 4);
  const r4 = rotr<u32>(a4, 4), r5 = rotr<u32>(a5, 4), r6 = rotr<u32>(a6, 4), r7 = rotr<u32>(a7, 4);
  const t0 = a0 ^ r0, t1 = a1 ^ r1, t2 = a2 ^ r2, t3 = a3 ^ r3;
  const t4 = a4 ^ r4, t5 = a5 ^ r5, t6 = a6 ^ r6, t7 = a7 ^ r7;
  store<u32>(st, t7 ^ r0 ^ rotr<u32>(t0, 8), 0);
  store<u32>(st, t0 ^ t7 ^ r1 ^ rotr<u32>(t1, 8), 4);
  store<u32>(st, t1 ^ r2 ^ rotr<u32>(t2, 8), 8);
  store<u32>(st, t2 ^ t7 ^ r3 ^ rotr<u32>(t3, 8), 12);
  store<u32>(st, t3 ^ t7 ^ r4 ^ rotr<u32>(t4, 8), 16);
  store<u32>(st, t4 ^ r5 ^ rotr<u32>(t5, 8), 20);
  store<u32>(st, t5 ^ r6 ^ rotr<u32>(t6, 8), 24);
  store<u32>(st, t6 ^ r7 ^ rotr<u32>(t7, 8), 28);
}

/** InvMixColumns = MixColumns(a + 4(a + rot2(a))). */
export function bsInvMixColumns(st: usize): void {
  const a0 = load<u32>(st, 0), a1 = load<u32>(st, 4), a2 = load<u32>(st, 8), a3 = load<u32>(st, 12);
  const a4 = load<u32>(st, 16), a5 = load<u32>(st, 20), a6 = load<u32>(st, 24), a7 = load<u32>(st, 28);
  const u0 = a0 ^ rotr<u32>(a0, 8), u1 = a1 ^ rotr<u32>(a1, 8), u2 = a2 ^ rotr<u32>(a2, 8);
  const u3 = a3 ^ rotr<u32>(a3, 8), u4 = a4 ^ rotr<u32>(a4, 8), u5 = a5 ^ rotr<u32>(a5, 8);
  const u6 = a6 ^ rotr<u32>(a6, 8), u7 = a7 ^ rotr<u32>(a7, 8);
  // v = 4u: xtime twice. 2u: (u7, u0^u7, u1, u2^u7, u3^u7, u4, u5, u6).
  const d0 = u7, d1 = u0 ^ u7, d2 = u1, d3 = u2 ^ u7, d4 = u3 ^ u7, d5 = u4, d6 = u5, d7 = u6;
  store<u32>(st, a0 ^ d7, 0);
  store<u32>(st, a1 ^ d0 ^ d7, 4);
  store<u32>(st, a2 ^ d1, 8);
  store<u32>(st, a3 ^ d2 ^ d7, 12);
  store<u32>(st, a4 ^ d3 ^ d7, 16);
  store<u32>(st, a5 ^ d4, 20);
  store<u32>(st, a6 ^ d5, 24);
  store<u32>(st, a7 ^ d6, 28);
  bsMixColumns(st);
}

@inline function bsAddRoundKey(st: usize, rk: usize): void {
  for (let b: usize = 0; b < 32; b += 4) store<u32>(st + b, load<u32>(st + b) ^ load<u32>(rk + b));
}

/** Row r of a slice rotated left by r columns (ShiftRows on one slice). */
@inline function sr(x: u32): u32 {
  return (x & 0x000f000f) |
    ((x >>> 1) & 0x00700070) | ((x << 3) & 0x00800080) |
    ((x >>> 2) & 0x03000300) | ((x << 2) & 0x0c000c00) |
    ((x >>> 3) & 0x10001000) | ((x << 1) & 0xe000e000);
}

/**
 * Nibble-wise right rotation by c (every row's columns move left by c): new column j = old column j + c.
 * lo/hi are the masks of the bits that stay in their nibble / wrap around; c = 0 is the identity.
 */
@inline function crot(x: u32, c: u32): u32 {
  const lo: u32 = 0x11111111 * (0xf >> c);
  return ((x >>> c) & lo) | ((x << (4 - c)) & ~lo);
}

// ---- rounds in a rotating frame ------------------------------------------------------------------
// ShiftRows is not applied each round. The state is held with its rows rotated by a per-round amount
// (period 4 in the round number), which turns MixColumns' row rotations into a row rotation (a 32-bit
// rotation) plus a column rotation by c1 (for rot1) and c2 (for rot2) of every nibble, with c1, c2 the
// round's frame: encryption (m, 2m mod 4), decryption (-m mod 4, 2m mod 4), m = round & 3. Round keys are
// pre-rotated into the frame; the last round rotates the state back. (The same frames as the vector
// permute code; vperm-tables.gen.mjs derives them as byte permutations. Public: they depend on the round
// number only.)

/** MixColumns in frame (c1, c2), then AddRoundKey: out = 2(a + Q1 a) + Q1 a + Q2(a + Q1 a) + k. */
@inline function bsMixAddFrame(st: usize, rk: usize, c1: u32, c2: u32): void {
  const a0 = load<u32>(st, 0), a1 = load<u32>(st, 4), a2 = load<u32>(st, 8), a3 = load<u32>(st, 12);
  const a4 = load<u32>(st, 16), a5 = load<u32>(st, 20), a6 = load<u32>(st, 24), a7 = load<u32>(st, 28);
  const r0 = rotr<u32>(crot(a0, c1), 4), r1 = rotr<u32>(crot(a1, c1), 4), r2 = rotr<u32>(crot(a2, c1), 4);
  const r3 = rotr<u32>(crot(a3, c1), 4), r4 = rotr<u32>(crot(a4, c1), 4), r5 = rotr<u32>(crot(a5, c1), 4);
  const r6 = rotr<u32>(crot(a6, c1), 4), r7 = rotr<u32>(crot(a7, c1), 4);
  const t0 = a0 ^ r0, t1 = a1 ^ r1, t2 = a2 ^ r2, t3 = a3 ^ r3;
  const t4 = a4 ^ r4, t5 = a5 ^ r5, t6 = a6 ^ r6, t7 = a7 ^ r7;
  store<u32>(st, t7 ^ r0 ^ rotr<u32>(crot(t0, c2), 8) ^ load<u32>(rk, 0), 0);
  store<u32>(st, t0 ^ t7 ^ r1 ^ rotr<u32>(crot(t1, c2), 8) ^ load<u32>(rk, 4), 4);
  store<u32>(st, t1 ^ r2 ^ rotr<u32>(crot(t2, c2), 8) ^ load<u32>(rk, 8), 8);
  store<u32>(st, t2 ^ t7 ^ r3 ^ rotr<u32>(crot(t3, c2), 8) ^ load<u32>(rk, 12), 12);
  store<u32>(st, t3 ^ t7 ^ r4 ^ rotr<u32>(crot(t4, c2), 8) ^ load<u32>(rk, 16), 16);
  store<u32>(st, t4 ^ r5 ^ rotr<u32>(crot(t5, c2), 8) ^ load<u32>(rk, 20), 20);
  store<u32>(st, t5 ^ r6 ^ rotr<u32>(crot(t6, c2), 8) ^ load<u32>(rk, 24), 24);
  store<u32>(st, t6 ^ r7 ^ rotr<u32>(crot(t7, c2), 8) ^ load<u32>(rk, 28), 28);
}

/** G after the S-box circuit, AddRoundKey, then InvMixColumns = MixColumns(a + 4(a + Q2 a)), in frame. */
@inline function bsAffineAddInvMixFrame(st: usize, rk: usize, c1: u32, c2: u32): void {
  const x0 = load<u32>(st, 0), x1 = load<u32>(st, 4), x2 = load<u32>(st, 8), x3 = load<u32>(st, 12);
  const x4 = load<u32>(st, 16), x5 = load<u32>(st, 20), x6 = load<u32>(st, 24), x7 = load<u32>(st, 28);
  const a0 = ~(x7 ^ x5 ^ x2) ^ load<u32>(rk, 0), a1 = x0 ^ x6 ^ x3 ^ load<u32>(rk, 4);
  const a2 = ~(x1 ^ x7 ^ x4) ^ load<u32>(rk, 8), a3 = x2 ^ x0 ^ x5 ^ load<u32>(rk, 12);
  const a4 = x3 ^ x1 ^ x6 ^ load<u32>(rk, 16), a5 = x4 ^ x2 ^ x7 ^ load<u32>(rk, 20);
  const a6 = x5 ^ x3 ^ x0 ^ load<u32>(rk, 24), a7 = x6 ^ x4 ^ x1 ^ load<u32>(rk, 28);
  const u0 = a0 ^ rotr<u32>(crot(a0, c2), 8), u1 = a1 ^ rotr<u32>(crot(a1, c2), 8);
  const u2 = a2 ^ rotr<u32>(crot(a2, c2), 8), u3 = a3 ^ rotr<u32>(crot(a3, c2), 8);
  const u4 = a4 ^ rotr<u32>(crot(a4, c2), 8), u5 = a5 ^ rotr<u32>(crot(a5, c2), 8);
  const u6 = a6 ^ rotr<u32>(crot(a6, c2), 8), u7 = a7 ^ rotr<u32>(crot(a7, c2), 8);
  // b = a + 4u (xtime twice: 2u = (u7, u0^u7, u1, u2^u7, u3^u7, u4, u5, u6)).
  const d0 = u7, d1 = u0 ^ u7, d2 = u1, d3 = u2 ^ u7, d4 = u3 ^ u7, d5 = u4, d6 = u5, d7 = u6;
  store<u32>(st, a0 ^ d7, 0);
  store<u32>(st, a1 ^ d0 ^ d7, 4);
  store<u32>(st, a2 ^ d1, 8);
  store<u32>(st, a3 ^ d2 ^ d7, 12);
  store<u32>(st, a4 ^ d3 ^ d7, 16);
  store<u32>(st, a5 ^ d4, 20);
  store<u32>(st, a6 ^ d5, 24);
  store<u32>(st, a7 ^ d6, 28);
  bsMixAddFrame(st, ZERO_KEY, c1, c2);
}

/** The middle encryption round r after SubBytes, with its frame's rotations as constants. */
function bsEncMix(st: usize, rk: usize, r: i32): void {
  const m = r & 3;
  if (m == 0) bsMixAddFrame(st, rk, 0, 0);
  else if (m == 1) bsMixAddFrame(st, rk, 1, 2);
  else if (m == 2) bsMixAddFrame(st, rk, 2, 0);
  else bsMixAddFrame(st, rk, 3, 2);
}

/** The middle decryption round r after the S-box circuit. */
function bsDecMix(st: usize, rk: usize, r: i32): void {
  const m = r & 3;
  if (m == 0) bsAffineAddInvMixFrame(st, rk, 0, 0);
  else if (m == 1) bsAffineAddInvMixFrame(st, rk, 3, 2);
  else if (m == 2) bsAffineAddInvMixFrame(st, rk, 2, 0);
  else bsAffineAddInvMixFrame(st, rk, 1, 2);
}

/** 32 zero bytes (static data): MixColumns without a round key. */
const ZERO_KEY: usize = memory.data(32, 16);

/** Rows rotated by k ShiftRows steps (k = 0..3), then AddRoundKey: the last round's way out of the frame. */
function bsShiftAdd(st: usize, rk: usize, k: i32): void {
  for (let b: usize = 0; b < 32; b += 4) {
    let x = load<u32>(st + b);
    for (let i = 0; i < k; i++) x = sr(x);
    store<u32>(st + b, x ^ load<u32>(rk + b));
  }
}


// ---- cipher --------------------------------------------------------------------------------------

/** Slices of the 16 key bytes at key, rows rotated by k ShiftRows steps, at out. */
function keySlices(out: usize, key: usize, k: i32): void {
  bsLoad(out, key);
  for (let b: usize = 0; b < 32; b += 4) {
    let x = load<u32>(out + b);
    for (let i = 0; i < k; i++) x = sr(x);
    store<u32>(out + b, x);
  }
}

/**
 * Round keys in slice form, each in the frame of the round that uses it: encryption keys at ek (round r
 * key rotated by (4 - r) mod 4 steps, the last one as is), decryption keys at dk in the order decryption
 * uses them (w_Nr; then w_Nr-r rotated by r mod 4 steps; w_0).
 */
export function bsPrepareKeys(kexp: usize, nr: i32, ek: usize, dk: usize, dirs: i32): void {
  if (dirs & 1) {
    keySlices(ek, kexp, 0);
    for (let r = 1; r < nr; r++) keySlices(ek + (<usize>r << 5), kexp + (<usize>r << 4), (4 - (r & 3)) & 3);
    keySlices(ek + (<usize>nr << 5), kexp + (<usize>nr << 4), 0);
  }
  if (dirs & 2) {
    keySlices(dk, kexp + (<usize>nr << 4), 0);
    for (let r = 1; r < nr; r++) keySlices(dk + (<usize>r << 5), kexp + (<usize>(nr - r) << 4), r & 3);
    keySlices(dk + (<usize>nr << 5), kexp, 0);
  }
}

/** Encrypts the 16 bytes at blk in place (FIPS-197 5.1), st: 32 bytes of state scratch. */
export function bsEncrypt(ek: usize, nr: i32, blk: usize, st: usize): void {
  bsLoad(st, blk);
  bsAddRoundKey(st, ek);
  for (let r = 1; r < nr; r++) {
    bsSubBytes(st);
    bsEncMix(st, ek + (<usize>r << 5), r);
  }
  bsSubBytes(st);
  bsShiftAdd(st, ek + (<usize>nr << 5), nr & 3);
  bsStore(st, blk);
}

/** Decrypts the 16 bytes at blk in place (FIPS-197 5.3, the inverse cipher, in rotating frames). */
export function bsDecrypt(dk: usize, nr: i32, blk: usize, st: usize): void {
  bsLoad(st, blk);
  bsAddRoundKey(st, dk);
  for (let r = 1; r < nr; r++) {
    bsInvAffine(st);
    bsSubBytes(st);
    bsDecMix(st, dk + (<usize>r << 5), r);
  }
  bsInvSubBytes(st);
  bsShiftAdd(st, dk + (<usize>nr << 5), (4 - (nr & 3)) & 3);
  bsStore(st, blk);
}
