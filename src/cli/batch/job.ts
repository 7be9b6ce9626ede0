// One batch row, start to end: read the key (password from the row's file or BYOK_PASSWORD), then either
// skip an output that already exists and was made from this key for this KEK (resume, journal.ts), or
// wrap and write it atomically. prepareRow runs in worker threads (or inline), finishRow writes; every
// outcome is a RowResult, never a throw.
import { unlinkSync } from 'node:fs';
import { hex } from '@scure/base';
import { getCore } from '../../core/index.js';
import { ByokError } from '../../errors.js';
import { parseByok } from '../../formats/azure.js';
import { azureImportType } from '../../formats/azure-import.js';
import { importWarnings } from '../../formats/azure-import.js';
import { parseAzureKid } from '../../formats/azure-kid.js';
import { checkKekForAzure, type Kek } from '../../kek/index.js';
import { wipeTargetKey, type TargetKey } from '../../keys/index.js';
import { keyCheck, type KeyCheck } from '../../transfer/key-check.js';
import { matchByokToKek } from '../../transfer/read.js';
import { wrapForAzure, type AzureWrapResult } from '../../transfer/wrap.js';
import type { TargetDescription } from '../../formats/target.js';
import { exists, readInputFile, writeFileAtomic } from '../files.js';
import type { OtherCloud } from '../commands/wrap-cloud.js';
import { prepareCloudRow } from './cloud-job.js';
import type { JournalEntry } from './journal.js';
import type { ManifestRow } from './manifest.js';
import { checkFields, failed, journalProblem, outputPath, readRowKey } from './row-key.js';

export { outputName, outputPath } from './row-key.js';

export interface JobConfig {
  /** The KEK (Azure), or the --kek wrapping key (other clouds; rows may name their own). */
  readonly kek?: Kek;
  /** The destination when not Azure (batch --for). */
  readonly cloud?: OtherCloud;
  /** Other clouds: the --algorithm for rows without an algorithm column. */
  readonly algorithm?: string;
  /** --key-type: what raw symmetric keys are. */
  readonly keyType?: 'aes' | 'hmac';
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
  /** The source HMAC key's check value: HMAC-SHA256(key, 0^32), first 3 bytes (hex). */
  readonly hmacKcv?: string;
  /** Other clouds: the wrapping algorithm, what the key is imported as, the wrapping key's fingerprint, the import command. */
  readonly algorithm?: string;
  readonly importAs?: string;
  readonly kekFingerprint?: string;
  readonly command?: string;
  /** AWS: the ImportToken file written beside the output. */
  readonly importToken?: string;
  /** What the destination would refuse although the output is well formed (e.g. AES for a Key Vault). */
  readonly warnings?: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

// One KEK record per kid, checked once: wrapForAzure remembers checked records by identity.
const kekByKid = new Map<string, Kek>();

function kekForRow(kek: Kek, row: ManifestRow): Kek {
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
  if (check === undefined) return 'the key\'s check value cannot be computed (a token AES key without CKA_ENCRYPT), so which key it holds cannot be told';
  return journalProblem(bytes, `${name}.byok`, kek, check, journal, 'KEK');
}

/**
 * A row computed up to its output: `pending` holds the .byok bytes (not secret) still to be written, and
 * `record` the journal line to append before they get their name.
 */
export interface PreparedRow extends RowResult {
  readonly pending?: Uint8Array;
  /** AWS: the ImportToken to write beside the output first (its own copy: it is transferred from a worker). */
  readonly pendingToken?: Uint8Array;
  readonly record?: JournalEntry;
}

/**
 * Everything of a row but the write: read and check the key, keep a fitting existing output (resume), or
 * wrap. Split from the write so worker threads compute while one thread writes: a write waits on fsync,
 * which would otherwise stall a worker's core.
 */
export function prepareRow(cfg: JobConfig, row: ManifestRow): PreparedRow {
  if (cfg.cloud !== undefined) return prepareCloudRow(cfg, cfg.cloud, row);
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

/** The row's Azure KEK, with a kid (its own or the row's). */
export function rowKek(cfg: JobConfig, row: ManifestRow): Kek & { readonly kid: string } {
  const kek = kekForRow(cfg.kek!, row);
  if (kek.kid === undefined) {
    throw new ByokError('BYOK_BAD_KID', 'no kid for the KEK: give --kid, use a KEK file that names it, or fill the kid column');
  }
  return kek as Kek & { readonly kid: string };
}

/**
 * An Azure row whose key is known by its shape and check (a key file read, or a key in a token): the
 * destination's warnings, keep a fitting existing output (resume), or `wrap` and the journal line. Throws;
 * the caller turns that into a failed row.
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
  const { pending, pendingToken, record: _record, ...result } = r;
  if (pending === undefined) return result;
  const opts = { force: cfg.force, syncDir: false, listedAbsent: cfg.existing !== undefined };
  let tokenWritten = false;
  try {
    if (pendingToken !== undefined && r.importToken !== undefined) {
      writeFileAtomic(r.importToken, pendingToken, opts);
      tokenWritten = true;
    }
    writeFileAtomic(r.out, pending, opts);
    return result;
  } catch (e) {
    if (tokenWritten) {
      try {
        unlinkSync(r.importToken!); // no half result: the token goes with its material
      } catch {
        /* the original error matters */
      }
    }
    const {
      kid: _kid, kty: _kty, bits: _bits, curve: _curve, bytes: _bytes, status: _status, warnings: _warnings,
      command: _command, importToken: _importToken, ...base
    } = result;
    return failed(base, e);
  }
}
