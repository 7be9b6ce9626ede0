// One batch row, start to end: read the key (password from the row's file or BYOK_PASSWORD), then either
// skip an output that already exists and was made from this key for this KEK (resume, journal.ts), or
// wrap and write it atomically. prepareRow runs in worker threads (or inline), finishRow writes; every
// outcome is a RowResult, never a throw.
import { join } from 'node:path';
import { hex } from '@scure/base';
import { getCore } from '../../core/index.js';
import { ByokError } from '../../errors.js';
import { parseByok } from '../../formats/azure.js';
import { azureImportType, importWarnings } from '../../formats/azure-import.js';
import type { TargetDescription } from '../../formats/target.js';
import { parseAzureKid } from '../../formats/azure-kid.js';
import { checkKekForAzure, type Kek } from '../../kek/index.js';
import { readTargetKey, wipeTargetKey, type TargetKey } from '../../keys/index.js';
import { keyCheck, type KeyCheck } from '../../transfer/key-check.js';
import { matchByokToKek } from '../../transfer/read.js';
import { wrapForAzure, type AzureWrapResult } from '../../transfer/wrap.js';
import { exists, readInputFile, writeFileAtomic } from '../files.js';
import { withOptionHint } from '../inputs.js';
import { readPasswordFile } from '../password.js';
import type { JournalEntry } from './journal.js';
import type { ManifestRow } from './manifest.js';

export interface JobConfig {
  readonly kek: Kek;
  readonly outDir: string;
  readonly force: boolean;
  /** Output names present when the run started (scanOutputFolder); without it each row stats its output. */
  readonly existing?: ReadonlySet<string>;
  /** The output folder's journal when the run started (readJournal): what earlier runs wrote, from which key. */
  readonly journal?: ReadonlyMap<string, JournalEntry>;
  /** Run the RSA pairwise consistency test on every key (ReadTargetKeyOptions.pairwiseTest). */
  readonly pairwiseTest?: boolean;
  /** BYOK_PASSWORD as bytes, for rows without a password_file. */
  readonly envPassword?: Uint8Array;
  /** Fail rows the destination would not import (WrapForAzureOptions.strict) instead of warning. */
  readonly strict?: boolean;
}

/** 'not-done': the run was interrupted (Ctrl-C) before the row was done; a re-run does it. */
export type RowStatus = 'wrapped' | 'skipped' | 'failed' | 'not-done';

export interface RowResult {
  readonly row: number;
  readonly name: string;
  readonly key: string;
  readonly out: string;
  readonly status: RowStatus;
  /** The KEK kid the output is for (the KEK's, or the row's kid column). */
  readonly kid?: string;
  readonly kty?: string;
  readonly bits?: number;
  readonly curve?: string;
  readonly bytes?: number;
  /** SHA-256 (hex) of the source key's public key (RSA, EC): confirms the import (import plan). */
  readonly publicKeySha256?: string;
  /** The source AES key's check value (hex, 3 bytes). */
  readonly kcv?: string;
  /** What the destination would refuse although the output is well formed (e.g. AES for a Key Vault). */
  readonly warnings?: readonly string[];
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
    password = readPasswordFile(row.passwordFile);
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
    throw withOptionHint(e, { MULTIPLE_KEYS: 'a manifest row takes a file holding one key: export each key to a file of its own' });
  } finally {
    bytes.fill(0);
    password?.fill(0);
  }
}

/** Why an existing output cannot be kept, or undefined when this batch recorded it as made from `check` for `kek`. */
function resumeProblem(out: string, name: string, kek: Kek, check: KeyCheck | undefined, journal: ReadonlyMap<string, JournalEntry> | undefined): string | undefined {
  const bytes = readInputFile(out, '.byok file');
  let parsed;
  try {
    parsed = parseByok(bytes);
  } catch (e) {
    return `it is not a valid .byok (${e instanceof ByokError ? e.message : 'unreadable'})`;
  }
  if (kek.kid !== undefined && parsed.kid.kid !== kek.kid) return `it is for KEK ${parsed.kid.kid}`;
  try {
    matchByokToKek(parsed, kek);
  } catch (e) {
    return e instanceof ByokError ? e.message : 'it does not fit this KEK';
  }
  const entry = journal?.get(`${name}.byok`);
  if (entry === undefined) return 'the batch journal has no record of writing it, so which key it holds cannot be told';
  if (entry.byok !== hex.encode(getCore().sha256(bytes))) return 'it has changed since the batch wrote it';
  if (entry.kek !== hex.encode(kek.fingerprint.sha256)) return 'the journal records it for another KEK';
  if (check === undefined) return 'the key\'s check value cannot be computed (a token AES key without CKA_ENCRYPT), so which key it holds cannot be told';
  if (entry.key.kind !== check.kind || entry.key.hex !== check.hex) return 'it was made from another key: the key file changed since';
  return undefined;
}

function checkFields(check: KeyCheck): { publicKeySha256: string } | { kcv: string } {
  return check.kind === 'aes-kcv' ? { kcv: check.hex } : { publicKeySha256: check.hex };
}

/**
 * A row computed up to its output: `pending` holds the .byok bytes (not secret) still to be written, and
 * `record` the journal line to append before they get their name.
 */
export interface PreparedRow extends RowResult {
  readonly pending?: Uint8Array;
  readonly record?: JournalEntry;
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
  const base = rowBase(cfg, row);
  let target: TargetKey | undefined;
  try {
    const kek = rowKek(cfg, row);
    const t = (target = readRowKey(row, cfg));
    return prepareKnownRow(cfg, row, kek, t, keyCheck(t), () => wrapForAzure(kek, t, { byokPath: base.out, keyName: row.name }));
  } catch (e) {
    return failed(base, e);
  } finally {
    if (target !== undefined) wipeTargetKey(target);
  }
}

export function rowBase(cfg: JobConfig, row: ManifestRow): Omit<RowResult, 'status'> & { readonly out: string } {
  return { row: row.row, name: row.name, key: row.key, out: outputPath(cfg.outDir, row) };
}

/** The row's KEK, with a kid (its own or the row's). */
export function rowKek(cfg: JobConfig, row: ManifestRow): Kek & { readonly kid: string } {
  const kek = kekForRow(cfg.kek, row);
  if (kek.kid === undefined) {
    throw new ByokError('BYOK_BAD_KID', 'no kid for the KEK: give --kid, use a KEK file that names it, or fill the kid column');
  }
  return kek as Kek & { readonly kid: string };
}

/**
 * A row whose key is known by its shape and check (a key file read, or a key in a token): the destination's
 * warnings, keep a fitting existing output (resume), or `wrap` and the journal line. Throws; the caller
 * turns that into a failed row.
 */
export function prepareKnownRow(
  cfg: JobConfig, row: ManifestRow, kek: Kek & { readonly kid: string }, target: Pick<TargetDescription, 'kind' | 'bits' | 'curve' | 'keyType'>,
  check: KeyCheck | undefined, wrap: () => AzureWrapResult,
): PreparedRow {
  const base = rowBase(cfg, row);
  // Kept outputs are checked like new ones: a kept AES blob for a Key Vault is still not importable.
  const kty = azureImportType(target).kty;
  const warnings = importWarnings(parseAzureKid(kek.kid), kty);
  if (cfg.strict === true && warnings.length > 0) throw new ByokError('BYOK_NOT_IMPORTABLE', warnings[0]!);
  const describe = {
    kid: kek.kid, kty, bits: target.bits, ...(target.curve === undefined ? {} : { curve: target.curve }), ...(check === undefined ? {} : checkFields(check)),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  if (!cfg.force && (cfg.existing === undefined ? exists(base.out) : cfg.existing.has(`${row.name}.byok`))) {
    const problem = resumeProblem(base.out, row.name, kek, check, cfg.journal);
    if (problem === undefined) return { ...base, status: 'skipped', ...describe };
    throw new ByokError('FILE_EXISTS', `${base.out} exists but cannot be kept (${problem}): remove it, or re-run with --force to replace it`);
  }
  const r = wrap();
  // Without a check value there is no journal line: a re-run then keeps the output only with --force.
  const record: JournalEntry | undefined = check === undefined ? undefined : {
    out: `${row.name}.byok`, byok: hex.encode(getCore().sha256(r.bytes)), kek: hex.encode(kek.fingerprint.sha256), key: check,
  };
  // The wrap's own warnings beyond the destination's (a token that zero-pads before RFC 5649).
  const all = [...new Set([...warnings, ...r.warnings])];
  return { ...base, status: 'wrapped', ...describe, ...(all.length > 0 ? { warnings: all } : {}), bytes: r.bytes.length, pending: r.bytes, ...(record === undefined ? {} : { record }) };
}

/** Writes a prepared row's output atomically (fsync'd before it gets its name); the final RowResult. */
export function finishRow(cfg: JobConfig, r: PreparedRow): RowResult {
  const { pending, record: _record, ...result } = r;
  if (pending === undefined) return result;
  try {
    writeFileAtomic(r.out, pending, { force: cfg.force, syncDir: false, listedAbsent: cfg.existing !== undefined });
    return result;
  } catch (e) {
    const { kid: _kid, kty: _kty, bits: _bits, curve: _curve, bytes: _bytes, status: _status, warnings: _warnings, ...base } = result;
    return failed(base, e);
  }
}
