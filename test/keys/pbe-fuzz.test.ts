// Property tests: random and mutated inputs for decryptPkcs8, readPkcs12 and decryptLegacyPem (10,000 each
// per run). Mutations start from real files OpenSSL writes at test time with iteration count 1 (so a
// mutated count stays cheap): bit flips, byte overwrites, truncation, insertion, deletion and changed
// TLV length bytes. Every input must end in a result or a ByokError, never another exception, and take
// less than a second.
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { decryptLegacyPem, decryptPkcs8, inspectPkcs12, readPkcs12 } from '../../src/keys/pbe/index.js';
import { LEGACY, OPENSSL_OK, derOf, openssl, scratchDir } from '../helpers/pbe-openssl.js';
import { toHex } from '../helpers/vectors.js';

// PBE_FUZZ_RUNS raises the count for a longer local soak; CI runs the default.
const RUNS = Number(process.env['PBE_FUZZ_RUNS'] ?? 10_000);
const PW = 'fuzz pw';
const PWB = new TextEncoder().encode(PW);

let dir: ReturnType<typeof scratchDir>;
const pkcs8Fixtures: Uint8Array[] = [];
const p12Fixtures: Uint8Array[] = [];
const pemFixtures: { dekInfo: string; body: Uint8Array }[] = [];

beforeAll(() => {
  if (!OPENSSL_OK) return;
  dir = scratchDir();
  const key = dir.path('k.pem');
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  openssl(['req', '-x509', '-new', '-key', key, '-subj', '/CN=fuzz', '-days', '30', '-out', dir.path('k.crt')]);
  const p8 = (args: string[], legacy = false) =>
    pkcs8Fixtures.push(openssl(['pkcs8', '-topk8', '-in', key, '-outform', 'DER', '-passout', `pass:${PW}`, '-iter', '1', ...args, ...(legacy ? LEGACY : [])]));
  p8(['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256']);
  p8(['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1']);
  p8(['-v2', 'des3']);
  p8(['-v2', 'rc2-40-cbc'], true);
  p8(['-v1', 'PBE-SHA1-3DES']);
  p8(['-v1', 'PBE-SHA1-RC2-40'], true);
  p8(['-v1', 'PBE-MD5-DES'], true);
  pkcs8Fixtures.push(openssl(['pkcs8', '-topk8', '-in', key, '-outform', 'DER', '-passout', `pass:${PW}`, '-scrypt', '-scrypt_N', '16', '-scrypt_r', '1', '-scrypt_p', '1']));
  const p12 = (args: string[], legacy = false) => {
    openssl([
      'pkcs12', '-export', '-inkey', key, '-in', dir.path('k.crt'), '-passout', `pass:${PW}`, '-iter', '1', '-maciter', ...args, ...(legacy ? LEGACY : []), '-out', dir.path('f.p12'),
    ]);
    p12Fixtures.push(dir.read('f.p12'));
  };
  p12([]);
  p12(['-legacy']);
  p12(['-nomac']);
  p12(['-nomac', '-legacy']);
  p12(['-keypbe', 'NONE', '-certpbe', 'NONE', '-nomac']);
  p12(['-keypbe', 'NONE', '-certpbe', 'NONE']);
  for (const c of ['aes128', 'aes256', 'des3', 'des']) {
    const { der, pem } = derOf(openssl(['ec', '-in', key, `-${c}`, '-passout', `pass:${PW}`, ...(c === 'des' ? LEGACY : [])]));
    pemFixtures.push({ dekInfo: pem?.headers['DEK-Info'] as string, body: der });
  }
});
afterAll(() => dir?.cleanup());

/** Offsets of TLV length bytes in a DER/BER structure (walked leniently; used to aim mutations). */
function lengthOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  const walk = (pos: number, end: number, depth: number) => {
    while (pos < end && depth < 20) {
      const id = b[pos]!;
      let p = pos + 1;
      if ((id & 0x1f) === 0x1f) while (p < end && (b[p++]! & 0x80) !== 0);
      if (p >= end) return;
      out.push(p);
      const l0 = b[p++]!;
      let len = l0;
      if (l0 === 0x80) return; // indefinite: stop here
      if (l0 > 0x80) {
        len = 0;
        for (let i = 0; i < (l0 & 0x7f) && p < end; i++) len = len * 256 + b[p++]!;
      }
      if ((id & 0x20) !== 0) walk(p, Math.min(end, p + len), depth + 1);
      pos = p + len;
    }
  };
  walk(0, b.length, 0);
  return out;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'flipTail'; back: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'length'; which: number; delta: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  // Aimed at the end of the file, where ciphertexts and bag contents sit, so decryption paths get exercised.
  fc.record({ kind: fc.constant('flipTail' as const), back: fc.nat({ max: 400 }), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('length' as const), which: fc.nat(), delta: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0) }),
);

function mutate(src: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = src.slice();
  for (const m of muts) {
    if (b.length === 0) break;
    const at = (x: number) => x % b.length;
    switch (m.kind) {
      case 'flip':
        b[at(m.at)]! ^= 1 << m.bit;
        break;
      case 'flipTail':
        b[Math.max(0, b.length - 1 - (m.back % b.length))]! ^= 1 << m.bit;
        break;
      case 'set':
        b[at(m.at)] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, at(m.at));
        break;
      case 'insert': {
        const i = at(m.at);
        b = Uint8Array.from([...b.subarray(0, i), ...m.bytes, ...b.subarray(i)]);
        break;
      }
      case 'delete': {
        const i = at(m.at);
        b = Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + m.count)]);
        break;
      }
      case 'length': {
        const offs = lengthOffsets(b);
        if (offs.length === 0) break;
        const o = offs[m.which % offs.length]!;
        b[o] = (b[o]! + m.delta) & 0xff;
        break;
      }
    }
  }
  return b;
}

function inputArb(fixtures: () => Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((r) => Uint8Array.from([0x30, ...(r.length < 128 ? [r.length] : [0x81, r.length & 0xff]), ...r])) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
        .map(([i, muts]) => mutate(fixtures()[i % fixtures().length]!, muts)),
    },
  );
}

interface Stats { ok: number; maxMs: number; codes: Record<string, number> }
const stats: Record<string, Stats> = {};
afterAll(() => console.log(`pbe fuzz: ${JSON.stringify(stats)}`));

/** Runs fn; only ByokErrors are allowed; records time and outcome. */
function check(name: string, input: unknown, fn: () => unknown): void {
  const s = (stats[name] ??= { ok: 0, maxMs: 0, codes: {} });
  const t = performance.now();
  try {
    fn();
    s.ok++;
  } catch (e) {
    if (!(e instanceof ByokError)) {
      throw new Error(`${name}: non-ByokError ${String(e)} for input ${typeof input === 'string' ? input : toHex(input as Uint8Array)}`, { cause: e });
    }
    s.codes[e.code] = (s.codes[e.code] ?? 0) + 1;
    expect(e.message).not.toContain(PW);
  } finally {
    const ms = performance.now() - t;
    s.maxMs = Math.max(s.maxMs, Math.round(ms));
    expect(ms, `${name} took ${ms.toFixed(0)} ms`).toBeLessThan(1000);
  }
}

describe.runIf(OPENSSL_OK)('property: random and mutated inputs give a result or a ByokError, within a second', () => {
  it(`decryptPkcs8 (${RUNS} inputs)`, () => {
    fc.assert(
      fc.property(inputArb(() => pkcs8Fixtures), fc.boolean(), (input, right) => {
        check('decryptPkcs8', input, () => decryptPkcs8(input, right ? PWB : new Uint8Array([1, 2])));
      }),
      { numRuns: RUNS },
    );
  });

  it(`readPkcs12 and inspectPkcs12 (${RUNS} inputs)`, () => {
    fc.assert(
      fc.property(inputArb(() => p12Fixtures), fc.constantFrom<string | undefined>(PW, PW, PW, undefined, '', 'wrong'), (input, pw) => {
        check('readPkcs12', input, () => readPkcs12(input, pw));
        check('inspectPkcs12', input, () => inspectPkcs12(input).encryptedParts.length);
      }),
      { numRuns: RUNS },
    );
  });

  it(`decryptLegacyPem (${RUNS} inputs)`, () => {
    const dekInfoArb = fc.oneof(
      fc.nat().map((i) => pemFixtures[i % pemFixtures.length]!.dekInfo),
      fc.tuple(fc.constantFrom('AES-128-CBC', 'AES-256-CBC', 'DES-EDE3-CBC', 'DES-CBC', 'DES-EDE-CBC', 'RC2-CBC', 'X', ''), fc.uint8Array({ maxLength: 20 })).map(
        ([c, iv]) => `${c},${toHex(iv)}`,
      ),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(fc.nat(), dekInfoArb, fc.array(mutationArb, { maxLength: 3 }), fc.boolean(), (i, dek, muts, right) => {
        const f = pemFixtures[i % pemFixtures.length]!;
        const useOwn = i % 3 !== 0;
        const body = mutate(f.body, muts);
        check('decryptLegacyPem', dek, () => decryptLegacyPem(useOwn ? f.dekInfo : dek, body, right ? PWB : new Uint8Array([9])));
      }),
      { numRuns: RUNS },
    );
  });

  it('unmutated fixtures do decrypt (the mutation base is sound)', () => {
    for (const f of pkcs8Fixtures) expect(decryptPkcs8(f, PWB)[0]).toBe(0x30);
    for (const f of p12Fixtures) expect(readPkcs12(f, PW).keys).toHaveLength(1);
    for (const f of pemFixtures) expect(decryptLegacyPem(f.dekInfo, f.body, PWB)[0]).toBe(0x30);
    // asn1js sanity: the p12 fixtures are DER (so length mutations are aimed at real length bytes)
    for (const f of p12Fixtures) expect(asn1js.fromBER(f).offset).toBe(f.length);
  });
});
