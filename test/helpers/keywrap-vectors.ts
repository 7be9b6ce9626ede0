// Typed loaders for AES key-wrap vectors: Wycheproof keywrap files (schemas/keywrap_test_schema_v1.json)
// and the NIST SP 800-38F CAVS files in pyca/keywrap (KW/KWP, AE/AD, AES-128/192/256; CRLF line endings;
// sections "[PLAINTEXT LENGTH = bits]", records "COUNT/K/P/C" with "FAIL" in place of P for rejected AD).
import { hex, readJsonVector, readVector } from './vectors.js';

export interface WycheproofKeywrapTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly key: string;
  readonly msg: string;
  readonly ct: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}

export interface WycheproofKeywrapFile {
  readonly algorithm: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly { readonly keySize: number; readonly tests: readonly WycheproofKeywrapTest[] }[];
}

/** All tests of a Wycheproof keywrap file, checking that the count matches the file's header. */
export function wycheproofKeywrap(file: 'aes_wrap_test.json' | 'aes_kwp_test.json'): WycheproofKeywrapTest[] {
  const j = readJsonVector<WycheproofKeywrapFile>('wycheproof', file);
  const tests = j.testGroups.flatMap((g) => g.tests);
  if (tests.length !== j.numberOfTests) {
    throw new Error(`${file}: ${tests.length} tests found, header says ${j.numberOfTests}`);
  }
  return tests;
}

export interface NistKeywrapCase {
  readonly count: number;
  /** Plaintext length in bits, from the section header. */
  readonly plaintextBits: number;
  readonly k: Uint8Array;
  /** Absent in AD cases that must FAIL. */
  readonly p?: Uint8Array;
  /** Absent in AE files only if the file is malformed (checked by the loader). */
  readonly c: Uint8Array;
  readonly fail: boolean;
}

export type NistKeywrapFile = `${'KW' | 'KWP'}_${'AE' | 'AD'}_${128 | 192 | 256}.txt`;

export function nistKeywrapFiles(): NistKeywrapFile[] {
  const out: NistKeywrapFile[] = [];
  for (const mode of ['KW', 'KWP'] as const) {
    for (const dir of ['AE', 'AD'] as const) for (const bits of [128, 192, 256] as const) out.push(`${mode}_${dir}_${bits}.txt`);
  }
  return out;
}

/** Parses one CAVS key-wrap file; throws on anything it does not understand, so no case is lost. */
export function nistKeywrap(file: NistKeywrapFile): NistKeywrapCase[] {
  const lines = readVector('pyca', 'keywrap', file).toString('latin1').split(/\r?\n/);
  const cases: NistKeywrapCase[] = [];
  let bits = -1;
  let cur: { count?: number; k?: Uint8Array; p?: Uint8Array; c?: Uint8Array; fail: boolean } | undefined;
  const flush = (): void => {
    if (!cur) return;
    if (cur.count === undefined || !cur.k || !cur.c || (!cur.p && !cur.fail)) {
      throw new Error(`${file}: incomplete record near COUNT = ${String(cur.count)}`);
    }
    cases.push({ count: cur.count, plaintextBits: bits, k: cur.k, p: cur.p, c: cur.c, fail: cur.fail });
    cur = undefined;
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sec = /^\[PLAINTEXT LENGTH = (\d+)\]$/.exec(line);
    if (sec) {
      flush();
      bits = Number(sec[1]);
      continue;
    }
    if (line === 'FAIL') {
      if (!cur) throw new Error(`${file}: FAIL outside a record`);
      cur.fail = true;
      continue;
    }
    const kv = /^(COUNT|K|P|C) = ([0-9a-fA-F]*)$/.exec(line);
    if (!kv) throw new Error(`${file}: unexpected line ${JSON.stringify(line)}`);
    const [, name, value] = kv as unknown as [string, string, string];
    if (name === 'COUNT') {
      flush();
      cur = { count: Number(value), fail: false };
    } else if (!cur) {
      throw new Error(`${file}: ${name} outside a record`);
    } else if (name === 'K') cur.k = hex(value);
    else if (name === 'P') cur.p = hex(value);
    else cur.c = hex(value);
  }
  flush();
  return cases;
}
