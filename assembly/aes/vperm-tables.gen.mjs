#!/usr/bin/env node
// Derives the 16-entry tables of the vector-permute AES (vperm.ts) from first principles and checks them
// with a full software model against node:crypto. Run: node assembly/aes/vperm-tables.gen.mjs [--emit]
// (--emit prints the AssemblyScript constants pasted into vperm.ts; test/core/aes-vperm-tables.test.ts
// re-derives them and compares them with vperm.ts, so the constants stay auditable).
//
// The idea is Hamburg's ("Accelerating AES with vector permute instructions", CHES 2009): represent
// GF(2^8) as GF(2^4)[Y]/(Y^2 + Y + nu) and invert with lookups indexed by 4-bit values only. Our own
// derivation: for x = hY + l, d = nu h^2 + h l + l^2 is in GF(16) and x^-1 = (h/d) Y + (h + l)/d.
// Encode x as nibbles (i, k) = (nu h, l), j = i + k, and let a = 1/nu. Then
//   u = 1/i + a/k,  v = 1/j + a/k,  io = 1/u + j = d/(h + l),  jo = 1/v + i = d/(h + (1 + a) l),
// so 1/io = (h + l)/d and 1/jo = (h + l)/d + a l/d, hence x^-1 = ((1 + nu)/io + nu/jo) Y + 1/io: a
// GF(2)-linear function of 1/io plus one of 1/jo. "1/0" is encoded as 0x10, an index >= 16 for which i8x16.swizzle returns 0 (= 1/infinity); two
// such values cancel under XOR, which gives exactly the zero cases (checked below for all 256 inputs).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// ---- GF(16) = GF(2)[z]/(z^4 + z + 1) -------------------------------------------------------------
const mul16 = (a, b) => { let p = 0; for (let i = 0; i < 4; i++) { if ((b >> i) & 1) p ^= a << i; } for (let i = 6; i >= 4; i--) if ((p >> i) & 1) p ^= 0x13 << (i - 4); return p; };
const inv16 = (a) => { for (let b = 1; b < 16; b++) if (mul16(a, b) === 1) return b; return -1; };
// nu: Y^2 + Y + nu irreducible over GF(16) (no root); the first such nu.
const NU = [...Array(16).keys()].find((n) => n > 0 && ![...Array(16).keys()].some((t) => (mul16(t, t) ^ t ^ n) === 0));
const A = inv16(NU);

// ---- tower GF(256): elements [h, l] = hY + l --------------------------------------------------------
const tmul = ([h1, l1], [h2, l2]) => {
  const hh = mul16(h1, h2);
  return [hh ^ mul16(h1, l2) ^ mul16(l1, h2), mul16(hh, NU) ^ mul16(l1, l2)];
};
const tadd = (x, y) => [x[0] ^ y[0], x[1] ^ y[1]];
const tpow = (x, e) => { let r = [0, 1]; for (let i = 0; i < e; i++) r = tmul(r, x); return r; };
// AES field GF(2)[x]/(x^8 + x^4 + x^3 + x + 1)
const mul8 = (a, b) => { let p = 0; for (let i = 0; i < 8; i++) { if (b & 1) p ^= a; const hi = a & 0x80; a = (a << 1) & 0xff; if (hi) a ^= 0x1b; b >>= 1; } return p; };
// beta: a root of the AES polynomial in the tower; Psi(sum b_i x^i) = sum b_i beta^i is a field isomorphism.
let BETA;
for (let c = 2; c < 256 && !BETA; c++) {
  const b = [c >> 4, c & 15];
  const v = [8, 4, 3, 1, 0].map((e) => tpow(b, e)).reduce(tadd);
  if (v[0] === 0 && v[1] === 0) BETA = b;
}
const BPOW = [...Array(8).keys()].map((i) => tpow(BETA, i));
const psi = (x) => BPOW.reduce((acc, bp, i) => ((x >> i) & 1 ? tadd(acc, bp) : acc), [0, 0]);
const PSI = [...Array(256).keys()].map(psi);
const PSI_INV = new Map(PSI.map(([h, l], x) => [(h << 4) | l, x]));
const unpsi = ([h, l]) => PSI_INV.get((h << 4) | l);
for (let t = 0; t < 2000; t++) { // multiplicative check
  const a = (Math.random() * 256) | 0, b = (Math.random() * 256) | 0;
  const m = tmul(PSI[a], PSI[b]), r = PSI[mul8(a, b)];
  if (m[0] !== r[0] || m[1] !== r[1]) throw new Error('Psi is not a field isomorphism');
}

// ---- encodings ------------------------------------------------------------------------------------
/** R(b): the byte (i << 4) | k of a standard byte b. */
const R = (b) => { const [h, l] = PSI[b]; return (mul16(NU, h) << 4) | l; };
const INF = 0x10;
const inv16x = (n) => (n === 0 ? INF : inv16(n));
const rotl8 = (x, n) => ((x << n) | (x >> (8 - n))) & 0xff;
const affLin = (w) => w ^ rotl8(w, 1) ^ rotl8(w, 2) ^ rotl8(w, 3) ^ rotl8(w, 4); // FIPS-197 5.1.1 without 0x63
const affInvLin = (s) => rotl8(s, 1) ^ rotl8(s, 3) ^ rotl8(s, 6); // without 0x05
const swz = (table, idx) => (idx < 16 ? table[idx] : 0);

// Nibble tables shared by both directions.
const T_INV = [...Array(16).keys()].map(inv16x);
const T_AK = [...Array(16).keys()].map((k) => (k === 0 ? INF : mul16(A, inv16(k))));
/** io, jo of the byte z = (i << 4) | k. */
function nibbles(z) {
  const i = z >> 4, k = z & 15, j = i ^ k;
  const ak = T_AK[k];
  const u = T_INV[i] ^ ak, v = T_INV[j] ^ ak;
  return [swz(T_INV, u) ^ j, swz(T_INV, v) ^ i];
}
/** Standard-basis inverse contributions of io and jo: x^-1 = W_IO[io] ^ W_JO[jo]. */
const W_IO = [...Array(16).keys()].map((n) => { if (n === 0) return 0; const t = inv16(n); return unpsi([mul16(1 ^ NU, t), t]); });
const W_JO = [...Array(16).keys()].map((n) => { if (n === 0) return 0; const t = inv16(n); return unpsi([mul16(NU, t), 0]); });
const finv = (x) => { const [io, jo] = nibbles(R(x)); return swz(W_IO, io) ^ swz(W_JO, jo); };
for (let x = 0; x < 256; x++) {
  const w = finv(x);
  if (x === 0 ? w !== 0 : mul8(x, w) !== 1) throw new Error(`inversion wrong at ${x}`);
}

// ---- tables ---------------------------------------------------------------------------------------
const tab = (f) => [...Array(16).keys()].map((n) => f(n) & 0xff);
const lin = (W, g) => tab((n) => g(W[n])); // W[0] = 0 and g linear, so entry 0 is 0 like the swizzle's
const RD = (b) => R(affInvLin(b)); // decryption state encoding (without the constant)
const TABLES = {
  // input transforms: R(b) = IN_LO[b & 15] ^ IN_HI[b >> 4], and the decryption one R(A^-1 b)
  IN_LO: tab((n) => R(n)), IN_HI: tab((n) => R(n << 4)),
  DIN_LO: tab((n) => RD(n)), DIN_HI: tab((n) => RD(n << 4)),
  INV: T_INV, AK: T_AK,
  // encryption middle rounds: R(A w) and R(2 A w); last round: A w in the standard basis
  E1_IO: lin(W_IO, (w) => R(affLin(w))), E1_JO: lin(W_JO, (w) => R(affLin(w))),
  E2_IO: lin(W_IO, (w) => R(mul8(2, affLin(w)))), E2_JO: lin(W_JO, (w) => R(mul8(2, affLin(w)))),
  EO_IO: lin(W_IO, affLin), EO_JO: lin(W_JO, affLin),
  // decryption middle rounds: RD(c w) for the InvMixColumns coefficients; last round: w itself
  D9_IO: lin(W_IO, (w) => RD(mul8(9, w))), D9_JO: lin(W_JO, (w) => RD(mul8(9, w))),
  DB_IO: lin(W_IO, (w) => RD(mul8(11, w))), DB_JO: lin(W_JO, (w) => RD(mul8(11, w))),
  DD_IO: lin(W_IO, (w) => RD(mul8(13, w))), DD_JO: lin(W_JO, (w) => RD(mul8(13, w))),
  DE_IO: lin(W_IO, (w) => RD(mul8(14, w))), DE_JO: lin(W_JO, (w) => RD(mul8(14, w))),
  DO_IO: W_IO, DO_JO: W_JO,
};
/** Byte permutations (swizzle index vectors) on the 16-byte state, FIPS-197 byte order 4c + r. */
const perm = (f) => [...Array(16).keys()].map((p) => f(p & 3, p >> 2)); // f(row, col) -> source index
const PERMS = {
  SHIFT_ROWS: perm((r, c) => 4 * ((c + r) & 3) + r),
  INV_SHIFT_ROWS: perm((r, c) => 4 * ((c - r + 4) & 3) + r),
  ROT1: perm((r, c) => 4 * c + ((r + 1) & 3)), // row r takes row r + 1 of the same column
  ROT2: perm((r, c) => 4 * c + ((r + 2) & 3)),
  ROT3: perm((r, c) => 4 * c + ((r + 3) & 3)),
};
const CONSTS = {
  C63: R(0x63), // encryption round keys 1..Nr carry the affine constant: R(rk ^ 0x63..)
  C05: R(0x05), // decryption state offset: z = RD(s) ^ R(0x05) is the inversion input for s
};

// ---- ShiftRows folded into the MixColumns permutations -------------------------------------------
// Instead of permuting the state every round, the state is held permuted: h = t o P (h[n] = t[P[n]]).
// Each round then applies the S-box to h directly, and the ShiftRows (or InvShiftRows) step is absorbed
// into the three row-rotation permutations of (Inv)MixColumns, into the permutation of the round keys,
// and into one final permutation. P has period 4 in the round number, so 4 sets of permutations serve
// every key size; the set for round r is number r & 3.
const ID = [...Array(16).keys()];
const invPerm = (p) => { const q = []; p.forEach((v, n) => { q[v] = n; }); return q; };
const compose = (a, b) => b.map((i) => a[i]); // sw(sw(v, a), b) = sw(v, compose(a, b))
/** For rounds r = 1..: c_r (ShiftRows seen from the held frame), P_r (frame after round r), Q_r,i. */
function frames(step) {
  const out = [];
  let P = ID;
  for (let r = 1; r <= 16; r++) {
    const c = compose(invPerm(P), step);
    const Pn = invPerm(c);
    const Q = [PERMS.ROT1, PERMS.ROT2, PERMS.ROT3].map((rot) => compose(compose(c, rot), Pn));
    out[r] = { c, P: Pn, Q };
    P = Pn;
  }
  for (let r = 5; r <= 16; r++) { // period 4
    if (JSON.stringify(out[r]) !== JSON.stringify(out[r - 4])) throw new Error('frames are not 4-periodic');
  }
  return out;
}
const ENC_FRAMES = frames(PERMS.SHIFT_ROWS);
const DEC_FRAMES = frames(PERMS.INV_SHIFT_ROWS);
/** Per residue m = r & 3 (m = 0..3): the permutations a round uses, 16 bytes each. */
const frameTable = (F, pick) => [0, 1, 2, 3].map((m) => pick(F[m === 0 ? 4 : m]));
const FRAMES = {
  ENC_Q: frameTable(ENC_FRAMES, (f) => f.Q.flat()), // 4 x (Q1, Q2, Q3)
  ENC_P: frameTable(ENC_FRAMES, (f) => f.P), // round-key permutation of round r
  ENC_C: frameTable(ENC_FRAMES, (f) => f.c), // the last round's output permutation
  DEC_Q: frameTable(DEC_FRAMES, (f) => f.Q.flat()),
  DEC_P: frameTable(DEC_FRAMES, (f) => f.P),
  DEC_C: frameTable(DEC_FRAMES, (f) => f.c),
};

// ---- a full software model of both directions, against node:crypto ------------------------------
const sw = (v, p) => p.map((i) => (i < 16 ? v[i] : 0));
const xor = (a, b) => a.map((x, n) => x ^ b[n]);
const map = (v, f) => v.map(f);
const T = TABLES;
const inT = (lo, hi) => (b) => lo[b & 15] ^ hi[b >> 4];
function sbPair(z, tio, tjo) { const [io, jo] = nibbles(z); return swz(tio, io) ^ swz(tjo, jo); }
function expand(key) { // FIPS-197 5.2, plain
  const sbox = (x) => affLin(finv(x)) ^ 0x63;
  const nk = key.length / 4, nr = nk + 6, w = [...key];
  let rcon = 1;
  for (let i = nk; i < 4 * (nr + 1); i++) {
    let t = w.slice(4 * (i - 1), 4 * i);
    if (i % nk === 0) { t = [sbox(t[1]) ^ rcon, sbox(t[2]), sbox(t[3]), sbox(t[0])]; rcon = mul8(rcon, 2); }
    else if (nk > 6 && i % nk === 4) t = t.map(sbox);
    for (let b = 0; b < 4; b++) w.push(w[4 * (i - nk) + b] ^ t[b]);
  }
  return { nr, rk: [...Array(nr + 1).keys()].map((r) => w.slice(16 * r, 16 * r + 16)) };
}
const invMixCols = (s) => s.map((_, p) => { const c = p & ~3, r = p & 3; return mul8(14, s[c + r]) ^ mul8(11, s[c + ((r + 1) & 3)]) ^ mul8(13, s[c + ((r + 2) & 3)]) ^ mul8(9, s[c + ((r + 3) & 3)]); });
const qOf = (F, m, i) => F[m].slice(16 * i, 16 * i + 16);
function encrypt(key, pt) {
  const { nr, rk } = expand(key);
  let s = xor(map(pt, inT(T.IN_LO, T.IN_HI)), map(rk[0], R));
  for (let r = 1; r < nr; r++) {
    const m = r & 3;
    const s1 = map(s, (z) => sbPair(z, T.E1_IO, T.E1_JO)), s2 = map(s, (z) => sbPair(z, T.E2_IO, T.E2_JO));
    const s3 = xor(s1, s2);
    // MixColumns: 2a + 3a1 + a2 + a3 = s2 + rot1(s3) + rot2(s1) + rot3(s1), rotations in the held frame
    const k = sw(map(rk[r], (b) => R(b ^ 0x63)), FRAMES.ENC_P[m]);
    s = xor(xor(xor(s2, k), sw(s3, qOf(FRAMES.ENC_Q, m, 0))), xor(sw(s1, qOf(FRAMES.ENC_Q, m, 1)), sw(s1, qOf(FRAMES.ENC_Q, m, 2))));
  }
  const y = map(s, (z) => sbPair(z, T.EO_IO, T.EO_JO));
  return xor(sw(y, FRAMES.ENC_C[nr & 3]), rk[nr].map((b) => b ^ 0x63));
}
function decrypt(key, ct) {
  const { nr, rk } = expand(key);
  let s = xor(map(ct, inT(T.DIN_LO, T.DIN_HI)), map(rk[nr], (b) => RD(b) ^ CONSTS.C05));
  for (let r = 1; r < nr; r++) { // r counts rounds done; the key is dw[nr - r]
    const m = r & 3;
    const t9 = map(s, (z) => sbPair(z, T.D9_IO, T.D9_JO)), tb = map(s, (z) => sbPair(z, T.DB_IO, T.DB_JO));
    const td = map(s, (z) => sbPair(z, T.DD_IO, T.DD_JO)), te = map(s, (z) => sbPair(z, T.DE_IO, T.DE_JO));
    const k = sw(map(invMixCols(rk[nr - r]), (b) => RD(b) ^ CONSTS.C05), FRAMES.DEC_P[m]);
    // InvMixColumns: 14a + 11a1 + 13a2 + 9a3, rotations in the held frame
    s = xor(xor(xor(te, sw(tb, qOf(FRAMES.DEC_Q, m, 0))), xor(sw(td, qOf(FRAMES.DEC_Q, m, 1)), sw(t9, qOf(FRAMES.DEC_Q, m, 2)))), k);
  }
  const y = map(s, (z) => sbPair(z, T.DO_IO, T.DO_JO));
  return xor(sw(y, FRAMES.DEC_C[nr & 3]), rk[0]);
}

// ---- the planar encryption (the one vperm.ts runs) ---------------------------------------------------
// Between rounds the encryption state is held as two vectors of nibbles, H (i) and L (k), instead of the
// bytes (i << 4) | k: the next round's lookups then start without a nibble split, which is 2 to 3
// dependent vector operations per round on the critical path. Every byte table T of the middle rounds
// becomes T >> 4 (for H) and T & 15 (for L): XOR, byte permutations and the round keys act on each
// nibble plane separately. E3 = E1 ^ E2 gives 3 A w directly (one XOR less on the path).
const hiT = (t) => t.map((b) => b >> 4);
const loT = (t) => t.map((b) => b & 15);
const E3_IO = T.E1_IO.map((b, n) => b ^ T.E2_IO[n]), E3_JO = T.E1_JO.map((b, n) => b ^ T.E2_JO[n]);
/** Planar tables in the order vperm.ts addresses them (16 bytes each, see PL_* there). */
const PLANES = [
  ['INH_LO', hiT(T.IN_LO)], ['INH_HI', hiT(T.IN_HI)], ['INL_LO', loT(T.IN_LO)], ['INL_HI', loT(T.IN_HI)],
  ['E1H_IO', hiT(T.E1_IO)], ['E1H_JO', hiT(T.E1_JO)], ['E2H_IO', hiT(T.E2_IO)], ['E2H_JO', hiT(T.E2_JO)],
  ['E3H_IO', hiT(E3_IO)], ['E3H_JO', hiT(E3_JO)],
  ['E1L_IO', loT(T.E1_IO)], ['E1L_JO', loT(T.E1_JO)], ['E2L_IO', loT(T.E2_IO)], ['E2L_JO', loT(T.E2_JO)],
  ['E3L_IO', loT(E3_IO)], ['E3L_JO', loT(E3_JO)],
  // KW chains blocks: the last round's output goes straight into the next block's input transform, and
  // both are linear after the lookups, so R(A w) is looked up in planes directly (see vpWrapRounds).
  ['TOH_IO', hiT(T.EO_IO.map(R))], ['TOH_JO', hiT(T.EO_JO.map(R))],
  ['TOL_IO', loT(T.EO_IO.map(R))], ['TOL_JO', loT(T.EO_JO.map(R))],
];
const PL = Object.fromEntries(PLANES);
/** io, jo of each position from the nibble planes h (i) and l (k). */
function ioJo(h, l) {
  const io = [], jo = [];
  for (let p = 0; p < 16; p++) {
    const i = h[p], k = l[p], j = i ^ k, ak = T.AK[k];
    io.push(swz(T.INV, T.INV[i] ^ ak) ^ j);
    jo.push(swz(T.INV, T.INV[j] ^ ak) ^ i);
  }
  return [io, jo];
}
function encryptPlanar(key, pt) {
  const { nr, rk } = expand(key);
  const k0 = map(rk[0], R);
  const ph = pt.map((b) => PL.INH_LO[b & 15] ^ PL.INH_HI[b >> 4]), pl = pt.map((b) => PL.INL_LO[b & 15] ^ PL.INL_HI[b >> 4]);
  let h = xor(ph, k0.map((b) => b >> 4)), l = xor(pl, k0.map((b) => b & 15));
  for (let r = 1; r < nr; r++) {
    const m = r & 3;
    const [io, jo] = ioJo(h, l);
    const k = sw(map(rk[r], (b) => R(b ^ 0x63)), FRAMES.ENC_P[m]);
    const plane = (P, kp) => {
      const e = (name) => io.map((x, p) => swz(PL[`${name}_IO`.replace('?', P)], x) ^ swz(PL[`${name}_JO`.replace('?', P)], jo[p]));
      const s1 = e('E1?'), s2 = e('E2?'), s3 = e('E3?');
      return xor(xor(xor(s2, kp), sw(s3, qOf(FRAMES.ENC_Q, m, 0))), xor(sw(s1, qOf(FRAMES.ENC_Q, m, 1)), sw(s1, qOf(FRAMES.ENC_Q, m, 2))));
    };
    [h, l] = [plane('H', k.map((b) => b >> 4)), plane('L', k.map((b) => b & 15))];
  }
  const [io, jo] = ioJo(h, l);
  const y = io.map((x, p) => swz(T.EO_IO, x) ^ swz(T.EO_JO, jo[p]));
  return xor(sw(y, FRAMES.ENC_C[nr & 3]), rk[nr].map((b) => b ^ 0x63));
}
for (const kl of [16, 24, 32]) for (let t = 0; t < 300; t++) {
  const key = randomBytes(kl), pt = randomBytes(16);
  const ref = createCipheriv(`aes-${kl * 8}-ecb`, key, null).setAutoPadding(false).update(pt);
  if (Buffer.compare(Buffer.from(encryptPlanar([...key], [...pt])), ref) !== 0) throw new Error(`planar model wrong (AES-${kl * 8})`);
}
for (const kl of [16, 24, 32]) for (let t = 0; t < 300; t++) {
  const key = randomBytes(kl), pt = randomBytes(16);
  const ref = createCipheriv(`aes-${kl * 8}-ecb`, key, null).setAutoPadding(false).update(pt);
  const ct = encrypt([...key], [...pt]);
  if (Buffer.compare(Buffer.from(ct), ref) !== 0) throw new Error(`model encrypt wrong (AES-${kl * 8})`);
  const back = decrypt([...key], [...ref]);
  if (Buffer.compare(Buffer.from(back), pt) !== 0) throw new Error(`model decrypt wrong (AES-${kl * 8})`);
}

export const VPERM = { NU, A, BETA, TABLES, FRAMES, PLANES: PLANES.flatMap(([, t]) => t), CONSTS };

if (process.argv.includes('--emit')) {
  const hex = (n) => `${n > 127 ? '<i8>' : ''}0x${n.toString(16).padStart(2, '0')}`;
  for (const [name, t] of Object.entries(TABLES)) {
    console.log(`@inline function ${name}(): v128 { return i8x16(${t.map(hex).join(', ')}); }`);
  }
  const plain = (n) => `0x${n.toString(16).padStart(2, '0')}`;
  for (const [name, sets] of Object.entries(FRAMES)) {
    const flat = sets.flat();
    const rows = [...Array(flat.length / 16).keys()].map((i) => `  ${flat.slice(16 * i, 16 * i + 16).map(plain).join(', ')},`).join('\n');
    console.log(`const ${name}: usize = memory.data<u8>([\n${rows}\n]);`);
  }
  const pl = PLANES.map(([name, t]) => `  ${t.map(plain).join(', ')}, // ${name}`).join('\n');
  console.log(`const PLANES: usize = memory.data<u8>([\n${pl}\n]);`);
  for (const [name, c] of Object.entries(CONSTS)) console.log(`const ${name}: i8 = ${hex(c)};`);
} else if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  console.log(`vperm tables: nu=${NU} beta=[${BETA}]; S-box inversion checked on 256 inputs; model agrees with node:crypto on 900 blocks each way, the planar encryption on 900 more`);
}
