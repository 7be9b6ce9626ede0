// One batch row, start to end: read the key (password from the row's file or BYOK_PASSWORD), then either
// skip an output that already exists and fits (resume), or wrap and write it atomically. prepareRow runs in
// worker threads (or inline), finishRow writes; every outcome is a RowResult, never a throw.
import { join } from 'node:path';
import { ByokError } from '../../errors.js';
import { parseByok } from '../../formats/azure.js';
import { checkKekForAzure, type Kek } from '../../kek/index.js';
import { readTargetKey, wipeTargetKey, type TargetKey } from '../../keys/index.js';
import { matchByokToKek } from '../../transfer/read.js';
import { wrapForAzure } from '../../transfer/wrap.js';
import { exists, readInputFile, writeFileAtomic } from '../files.js';
import type { ManifestRow } from './manifest.js';

export interface JobConfig {
  readonly kek: Kek;
  readonly outDir: string;
  readonly force: boolean;
  /** Output names present when the run started (scanOutputFolder); without it each row stats its output. */
  readonly existing?: ReadonlySet<string>;
  /** Run the RSA pairwise consistency test on every key (ReadTargetKeyOptions.pairwiseTest). */
  readonly pairwiseTest?: boolean;
  /** BYOK_PASSWORD as bytes, for rows without a password_file. */
  readonly envPassword?: Uint8Array;
}

export type RowStatus = 'wrapped' | 'skipped' | 'failed';

export interface RowResult {
  readonly row: number;
  readonly name: string;
  readonly key: string;
  readonly out: string;
  readonly status: RowStatus;
  readonly kty?: string;
  readonly bits?: number;
  readonly curve?: string;
  readonly bytes?: number;
  readonly error?: { readonly code: string; readonly message: string };
}

export function outputPath(outDir: string, row: ManifestRow): string {
  return join(outDir, `${row.name}.byok`);
}

// One KEK record per kid, checked once: wrapForAzure remembers checked records by identity.
const kekByKid = new Map<string, Kek>();

export function kekForRow(kek: Kek, row: ManifestRow): Kek {
  if (row.kid === undefined || row.kid === kek.kid) return kek;
  if (kek.kid !== undefined) {
    throw new ByokError('BYOK_KID_MISMATCH', `the row's kid ${row.kid} is not the KEK's kid ${kek.kid}: a batch wraps for one KEK; fix the kid column or run a batch per KEK`);
  }
  let k = kekByKid.get(row.kid);
  if (k === undefined) {
    k = { ...kek, kid: row.kid };
    checkKekForAzure(k, { requireKid: true });
    kekByKid.set(row.kid, k);
  }
  return k;
}

function readRowKey(row: ManifestRow, cfg: JobConfig): TargetKey {
  let password: Uint8Array | undefined;
  if (row.passwordFile !== undefined) {
    const raw = readInputFile(row.passwordFile, 'password file', 64 * 1024);
    let end = raw.indexOf(0x0a);
    if (end < 0) end = raw.length;
    if (end > 0 && raw[end - 1] === 0x0d) end--;
    password = Uint8Array.from(raw.subarray(0, end));
    raw.fill(0);
  } else if (cfg.envPassword !== undefined) {
    password = Uint8Array.from(cfg.envPassword);
  }
  const bytes = readInputFile(row.key, 'key file');
  try {
    return readTargetKey(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), {
      ...(password === undefined ? {} : { password }),
      ...(cfg.pairwiseTest === true ? { pairwiseTest: true } : {}),
    });
  } catch (e) {
    if (e instanceof ByokError && e.code === 'PASSWORD_REQUIRED') {
      throw new ByokError('PASSWORD_REQUIRED', 'the key file is encrypted: give a password_file for this row or set BYOK_PASSWORD');
    }
    throw e;
  } finally {
    bytes.fill(0);
    password?.fill(0);
  }
}

/** Why an existing output cannot be kept, or undefined when it is a finished output of this row. */
function resumeProblem(out: string, kek: Kek, target: TargetKey): string | undefined {
  const expected = 8 * Math.ceil(target.material.length / 8) + 8;
  return existingOutputProblem(out, kek, expected, `this key is ${target.material.length}`);
}

/**
 * Why the .byok at `out` is not a finished output for this KEK and a key whose wrapped form is
 * `expectedKwpLength` bytes (`thisKey` completes the message), or undefined when it is.
 */
export function existingOutputProblem(out: string, kek: Kek, expectedKwpLength: number, thisKey: string): string | undefined {
  let parsed;
  try {
    parsed = parseByok(readInputFile(out, '.byok file'));
  } catch (e) {
    return `it is not a valid .byok (${e instanceof ByokError ? e.message : 'unreadable'})`;
  }
  if (kek.kid !== undefined && parsed.kid.kid !== kek.kid) return `it is for KEK ${parsed.kid.kid}`;
  let kwpLength: number;
  try {
    kwpLength = matchByokToKek(parsed, kek).kwpLength;
  } catch (e) {
    return e instanceof ByokError ? e.message : 'it does not fit this KEK';
  }
  if (kwpLength !== expectedKwpLength) return `its wrapped key is ${kwpLength - 8 - 7}–${kwpLength - 8} bytes, ${thisKey}`;
  return undefined;
}

/** A row computed up to its output: `pending` holds the .byok bytes (not secret) still to be written. */
export interface PreparedRow extends RowResult {
  readonly pending?: Uint8Array;
}

export function failed(base: Omit<RowResult, 'status'>, e: unknown): RowResult {
  const error = e instanceof ByokError
    ? { code: e.code, message: e.message }
    : { code: 'INTERNAL', message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
  return { ...base, status: 'failed', error };
}

/**
 * Everything of a row but the write: read and check the key, keep a fitting existing output (resume), or
 * wrap. Split from the write so worker threads compute while one thread writes: a write waits on fsync,
 * which would otherwise stall a worker's core.
 */
export function prepareRow(cfg: JobConfig, row: ManifestRow): PreparedRow {
  const out = outputPath(cfg.outDir, row);
  const base = { row: row.row, name: row.name, key: row.key, out };
  let target: TargetKey | undefined;
  try {
    const kek = kekForRow(cfg.kek, row);
    if (kek.kid === undefined) {
      throw new ByokError('BYOK_BAD_KID', 'no kid for the KEK: give --kid, use a KEK file that names it, or fill the kid column');
    }
    target = readRowKey(row, cfg);
    const describe = {
      kty: target.azure.kty, bits: target.bits, ...(target.curve === undefined ? {} : { curve: target.curve }),
    };
    if (!cfg.force && (cfg.existing === undefined ? exists(out) : cfg.existing.has(`${row.name}.byok`))) {
      const problem = resumeProblem(out, kek, target);
      if (problem === undefined) return { ...base, status: 'skipped', ...describe };
      throw new ByokError('FILE_EXISTS', `${out} exists but was not made from this key for this KEK (${problem}): remove it, or re-run with --force to replace it`);
    }
    const r = wrapForAzure(kek, target, { byokPath: out, keyName: row.name });
    return { ...base, status: 'wrapped', ...describe, bytes: r.bytes.length, pending: r.bytes };
  } catch (e) {
    return failed(base, e);
  } finally {
    if (target !== undefined) wipeTargetKey(target);
  }
}

/** Writes a prepared row's output atomically (fsync'd before it gets its name); the final RowResult. */
export function finishRow(cfg: JobConfig, r: PreparedRow): RowResult {
  const { pending, ...result } = r;
  if (pending === undefined) return result;
  try {
    writeFileAtomic(r.out, pending, { force: cfg.force, syncDir: false, listedAbsent: cfg.existing !== undefined });
    return result;
  } catch (e) {
    const { kty: _kty, bits: _bits, curve: _curve, bytes: _bytes, status: _status, ...base } = result;
    return failed(base, e);
  }
}

export function processRow(cfg: JobConfig, row: ManifestRow): RowResult {
  return finishRow(cfg, prepareRow(cfg, row));
}
