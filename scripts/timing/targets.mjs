// What the timing harness times. Each target names the build variant it runs on (variants.mjs), the
// calls per measurement (batch), the measurements of a full run (samples), and setup(core, ctx), which
// returns prepare(cls, pick) — stage input `pick` of class 0 or 1 in the core's I/O region, untimed —,
// run() — one call on the staged input — and the status each class must give. Before timing,
// setupTarget runs inputs of both classes through the export and compares the statuses, so a class is what
// it claims to be. Each class is a pool of 256 inputs: random ones (the dudect "random" class), or 256
// copies of one special value (all-zero keys or data, the zero ciphertext, the low-weight exponent key),
// so that staging does the same work for either class.
//
// The controls are the same measurements on the 'plant' variant with one planted leak switched on: the
// harness must flag each of them, or its results on the real functions do not count.
import { randomBytes } from 'node:crypto';
import { fixed, interleavedPools, kwpBlob, kwWrap, lowWeightKey, oaepEm, pool, randomKeys, rsaEncryptRaw, stageKey } from './inputs.mjs';
import { PLANT } from './variants.mjs';

const ERR_DECRYPT = -2;
const SHA1 = 1;
const K = 256; // RSA-2048

/**
 * Keys shared by the RSA targets, made once per harness run, and the JavaScript padding check (from
 * dist/, when built; the CBC padding target needs it).
 */
export function makeContext(unpadLength) {
  const keys = randomKeys(8);
  const lowWeight = lowWeightKey();
  return { keys, lowWeight, key: keys[0], unpadLength };
}

function statusCheck(core, prepare, run, expected) {
  for (const cls of [0, 1]) {
    for (let pick = 0; pick < 256; pick += 37) {
      prepare(cls, pick);
      const got = run();
      if (got !== expected[cls]) throw new Error(`timing: ${core.label}: class ${cls} gave status ${got}, expected ${expected[cls]}`);
    }
  }
}

/** prepare() staging one pool per class at `at` in the core's memory. */
const stager = (core, pools, at) => (cls, pick) => core.mem.set(pools[cls][pick], at);

// ---- AES-KWP / AES-KW unwrap -----------------------------------------------------------------------

function kwpUnwrap(fault) {
  return (core) => {
    const { x, mem, io } = core;
    const kek = randomBytes(32);
    mem.set(kek, io);
    const prepare = stager(core, [pool(() => kwpBlob(kek, 'none')), pool(() => kwpBlob(kek, fault))], io + 64);
    const run = () => x.aesKwpUnwrap(io, 32, io + 64, 40, io + 128);
    return { prepare, run, expected: [30, ERR_DECRYPT] };
  };
}

function kwUnwrapIv(core) {
  const { x, mem, io } = core;
  const kek = randomBytes(32);
  mem.set(kek, io);
  const iv = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
  const prepare = stager(core, [pool(() => kwWrap(kek, iv, randomBytes(32))), pool(() => kwWrap(kek, randomBytes(8), randomBytes(32)))], io + 64);
  const run = () => x.aesKwUnwrap(io, 32, io + 64, 40, io + 128);
  return { prepare, run, expected: [32, ERR_DECRYPT] };
}

// ---- OAEP decoding, alone (harness entry) and inside the RSA decryption (shipped export) -----------

function oaepDecode(fault) {
  return (core) => {
    const { x, io } = core;
    const prepare = stager(core, [pool(() => oaepEm(K, 'none')), pool(() => oaepEm(K, fault))], io);
    const run = () => x.timingOaepDecode(SHA1, io, K, io + 1024);
    return { prepare, run, expected: [32, ERR_DECRYPT] };
  };
}

const RSA_CT = 2048;
const RSA_OUT = 2560;
const rsaDecrypt = (x, io) => x.rsaOaepDecrypt(io, io + RSA_CT, K, io + RSA_CT, 0, SHA1 | (SHA1 << 8), io + RSA_OUT);

function oaepDecrypt(fault) {
  return (core, ctx) => {
    const { x, io } = core;
    stageKey(core, ctx.key, io);
    const encrypt = (f) => {
      const some = Array.from({ length: 32 }, () => rsaEncryptRaw(ctx.key, oaepEm(K, f)));
      return pool((i) => some[i % some.length]);
    };
    const prepare = stager(core, [encrypt('none'), encrypt(fault)], io + RSA_CT);
    const run = () => rsaDecrypt(x, io);
    return { prepare, run, expected: [32, ERR_DECRYPT] };
  };
}

/** Fixed ciphertext 0 (m = 0; every table entry but the first is zero) against random ciphertexts below n. */
function rsaCiphertext(core, ctx) {
  const { x, io } = core;
  stageKey(core, ctx.key, io);
  const prepare = stager(core, [fixed(new Uint8Array(K)), pool(() => Uint8Array.of(0, ...randomBytes(K - 1)))], io + RSA_CT);
  const run = () => rsaDecrypt(x, io);
  return { prepare, run, expected: [ERR_DECRYPT, ERR_DECRYPT] };
}

/**
 * The low-weight exponent key (fixed) against random OpenSSL keys of the same public sizes, one fixed
 * ciphertext (below every n): the private operation's dependence on the exponent bits, and on the key.
 */
function rsaExponent(core, ctx) {
  const { x, mem, io } = core;
  mem.set(Uint8Array.of(0, ...randomBytes(K - 1)), io + RSA_CT);
  const others = ctx.keys.slice(1);
  const keys = [pool(() => ctx.lowWeight), pool((i) => others[i % others.length])];
  const prepare = (cls, pick) => stageKey(core, keys[cls][pick], io);
  const run = () => rsaDecrypt(x, io);
  return { prepare, run, expected: [ERR_DECRYPT, ERR_DECRYPT] };
}

// ---- AES with different keys and data ------------------------------------------------------------

/** Class pools for "what" (key or data) fixed at zero against random, the other input random in both. */
function aesClasses(what, keyLen, dataLen) {
  const fixedKey = randomBytes(keyLen);
  const keys = what === 'key' ? [fixed(new Uint8Array(keyLen)), pool(() => randomBytes(keyLen))] : [fixed(fixedKey), fixed(fixedKey)];
  const data = what === 'data' ? [fixed(new Uint8Array(dataLen)), pool(() => randomBytes(dataLen))] : [pool(() => randomBytes(dataLen)), pool(() => randomBytes(dataLen))];
  return { keys, data };
}

/** AES encryption (key schedule, 12 blocks) through AES-KW wrap of 16 bytes. */
function aesEncrypt(what) {
  return (core) => {
    const { x, mem, io } = core;
    const { keys, data } = aesClasses(what, 32, 16);
    const prepare = (cls, pick) => {
      mem.set(keys[cls][pick], io);
      mem.set(data[cls][pick], io + 64);
    };
    const run = () => x.aesKwWrap(io, 32, io + 64, 16, io + 128);
    return { prepare, run, expected: [24, 24] };
  };
}

/** AES decryption (key schedule, 4 blocks) through CBC decryption of 64 bytes. */
function aesDecrypt(what) {
  return (core) => {
    const { x, mem, io } = core;
    mem.set(randomBytes(16), io + 64);
    const { keys, data } = aesClasses(what, 32, 64);
    const prepare = (cls, pick) => {
      mem.set(keys[cls][pick], io);
      mem.set(data[cls][pick], io + 128);
    };
    const run = () => x.aesCbcDecrypt(io, 32, io + 64, io + 128, 64, io + 256);
    return { prepare, run, expected: [64, 64] };
  };
}

// ---- CBC padding check (JavaScript, src/keys/pbe/cipher.ts) ----------------------------------------

/**
 * unpadLength on a 32-byte plaintext, both classes invalid (the verdict is public; where the padding is
 * wrong is not): the last byte out of range (0 or above 16) against a full 16-byte padding whose first byte
 * alone is wrong — the two ends of the check.
 */
function cbcPadding(_core, ctx) {
  const unpad = ctx.unpadLength;
  const lastByte = () => {
    const b = randomBytes(32);
    b[31] = b[31] % 2 === 0 ? 0 : 17 + (b[31] % 239);
    return b;
  };
  const firstPadByte = () => {
    const b = randomBytes(32).fill(16, 16);
    b[16] ^= 1 + (b[0] % 255);
    return b;
  };
  const pools = interleavedPools(32, lastByte, firstPadByte);
  let pt = pools[0][0];
  const prepare = (cls, pick) => {
    pt = pools[cls][pick];
  };
  const run = () => unpad(pt, 16);
  return { prepare, run, expected: [-1, -1] };
}

/**
 * The real functions, on the shipped builds (OAEP decoding alone: the harness entry built with the same
 * options). samples: measurements of a full run; batch: calls per measurement.
 */
export const TARGETS = [
  { id: 'kwp-icv', what: 'AES-KWP unwrap: valid vs wrong ICV', variant: 'shipped', batch: 1, samples: 100000, setup: kwpUnwrap('icv') },
  { id: 'kwp-mli-high', what: 'AES-KWP unwrap: valid vs MLI above the padded length', variant: 'shipped', batch: 1, samples: 100000, setup: kwpUnwrap('mli-high') },
  { id: 'kwp-mli-low', what: 'AES-KWP unwrap: valid vs MLI 8 or more below it', variant: 'shipped', batch: 1, samples: 100000, setup: kwpUnwrap('mli-low') },
  { id: 'kwp-padding', what: 'AES-KWP unwrap: valid vs non-zero padding', variant: 'shipped', batch: 1, samples: 100000, setup: kwpUnwrap('padding') },
  { id: 'kw-iv', what: 'AES-KW unwrap: valid vs wrong IV', variant: 'shipped', batch: 1, samples: 100000, setup: kwUnwrapIv },
  { id: 'oaep-y', what: 'OAEP decoding: valid vs Y ≠ 0 (Manger)', variant: 'clean', batch: 1, samples: 20000, setup: oaepDecode('first-byte') },
  { id: 'oaep-lhash', what: 'OAEP decoding: valid vs wrong lHash', variant: 'clean', batch: 1, samples: 20000, setup: oaepDecode('lhash') },
  { id: 'oaep-separator', what: 'OAEP decoding: valid vs no 0x01 separator', variant: 'clean', batch: 1, samples: 20000, setup: oaepDecode('separator') },
  { id: 'rsa-oaep-y', what: 'RSA-2048 OAEP decryption: valid vs Y ≠ 0', variant: 'shipped', batch: 1, samples: 1000, setup: oaepDecrypt('first-byte') },
  { id: 'rsa-oaep-lhash', what: 'RSA-2048 OAEP decryption: valid vs wrong lHash', variant: 'shipped', batch: 1, samples: 1000, setup: oaepDecrypt('lhash') },
  { id: 'rsa-oaep-separator', what: 'RSA-2048 OAEP decryption: valid vs no separator', variant: 'shipped', batch: 1, samples: 1000, setup: oaepDecrypt('separator') },
  { id: 'rsa-ciphertext', what: 'RSA-2048 private operation: ciphertext 0 vs random', variant: 'shipped', batch: 1, samples: 1000, setup: rsaCiphertext },
  { id: 'rsa-exponent', what: 'RSA-2048 private operation: low-weight exponents vs random keys', variant: 'shipped', batch: 1, samples: 3000, setup: rsaExponent },
  { id: 'aes-enc-key', what: 'AES encryption (KW wrap): zero key vs random keys', variant: 'shipped', batch: 1, samples: 40000, setup: aesEncrypt('key') },
  { id: 'aes-enc-data', what: 'AES encryption (KW wrap): zero data vs random data', variant: 'shipped', batch: 1, samples: 40000, setup: aesEncrypt('data') },
  { id: 'aes-dec-key', what: 'AES decryption (CBC): zero key vs random keys', variant: 'shipped', batch: 1, samples: 40000, setup: aesDecrypt('key') },
  { id: 'aes-dec-data', what: 'AES decryption (CBC): zero data vs random data', variant: 'shipped', batch: 1, samples: 40000, setup: aesDecrypt('data') },
  { id: 'cbc-padding', what: 'CBC padding check (JavaScript): wrong last byte vs wrong first padding byte', variant: 'js', batch: 64, samples: 40000, setup: cbcPadding },
];

const target = (id) => TARGETS.find((t) => t.id === id);

/** The positive controls: a real target's measurement, as many samples, on the plant variant with one leak on. */
export const CONTROLS = [
  { id: 'plant-kwp-icv-exit', what: 'early exit in KWP unwrap on the ICV', base: target('kwp-icv'), plant: [PLANT.KWP_ICV_EXIT, 0] },
  { id: 'plant-exponent-bit', what: 'branch on an exponent bit in the exponentiation', base: target('rsa-exponent'), plant: [PLANT.EXP_BIT_BRANCH, 0] },
  { id: 'plant-oaep-y-exit', what: 'early exit in OAEP decoding on the first byte', base: target('oaep-y'), plant: [PLANT.OAEP_Y_EXIT, 0] },
];

/** The tunable control for the smallest caught delay: `iterations` of the spin loop when the ICV is wrong. */
export const delayControl = (iterations) => ({
  id: `plant-kwp-delay-${iterations}`, what: `${iterations}-iteration delay in KWP unwrap on the ICV`, base: target('kwp-icv'), plant: [PLANT.KWP_ICV_DELAY, iterations],
});

/** Sets up a target on a core and checks its classes' statuses. */
export function setupTarget(base, core, ctx, plant) {
  const t = base.setup(core, ctx);
  if (plant !== undefined) core.x.timingSetPlant(plant[0], plant[1]);
  try {
    statusCheck(core, t.prepare, t.run, t.expected);
  } finally {
    if (plant !== undefined) core.x.timingSetPlant(0, 0);
  }
  return t;
}

