// One `byok batch --for aws|gcp|oci|vault` row: its wrapping key (the row's kek column, read once per file and
// thread, else --kek) and algorithm, the same wrap as `byok wrap --for` (prepareWrap → makeParts →
// completeWrap), and resume by the journal. AWS rows whose wrapping-key JSON carries an ImportToken get it
// written beside the output (`<name>.aws.ImportToken.bin`), the token first, so no output is left without it.
import { basename } from 'node:path';
import { hex } from '@scure/base';
import { getCore } from '../../core/index.js';
import { ByokError } from '../../errors.js';
import { readWrappingKey, type WrappingKey } from '../../kek/index.js';
import { wipeTargetKey, type TargetKey } from '../../keys/index.js';
import { completeWrap, prepareWrap, type CloudWrapResult, type WrapOptions } from '../../transfer/index.js';
import { keyCheck, type KeyCheck } from '../../transfer/key-check.js';
import { makeParts } from '../commands/wrap.js';
import { checkKekStage, cloudWrapOptions, tokenPathFor, type CloudOutputs, type OtherCloud } from '../commands/wrap-cloud.js';
import { exists, readInputFile } from '../files.js';
import { aboutFile } from '../inputs.js';
import type { JobConfig, PreparedRow } from './job.js';
import type { JournalEntry } from './journal.js';
import type { ManifestRow } from './manifest.js';
import { checkFields, failed, journalProblem, outputName, outputPath, readRowKey } from './row-key.js';

// Wrapping keys of the kek column, by path: read once per thread (a manifest may name one file for many rows).
const keks = new Map<string, WrappingKey>();

function rowKek(cfg: JobConfig, cloud: OtherCloud, row: ManifestRow): WrappingKey {
  if (row.kek === undefined) {
    if (cfg.kek === undefined) throw new ByokError('USAGE', 'this row has no wrapping key: fill its kek column, or give --kek for the rows without one');
    return cfg.kek as WrappingKey;
  }
  let k = keks.get(row.kek);
  if (k === undefined) {
    const b = readInputFile(row.kek, 'wrapping-key file', 1024 * 1024);
    try {
      k = readWrappingKey(new Uint8Array(b.buffer, b.byteOffset, b.length), { cloud });
    } catch (e) {
      throw aboutFile(e, 'wrapping-key file', row.kek);
    }
    keks.set(row.kek, k);
  }
  return k;
}

/**
 * A token file already there without its output: a run that crashed between the two writes left it (the token is
 * written first). It is kept when it holds exactly this row's token; any other file is not replaced without --force.
 */
function keptToken(cfg: JobConfig, tokenOut: string, token: Uint8Array): boolean {
  if (cfg.force || !(cfg.existing === undefined ? exists(tokenOut) : cfg.existing.has(basename(tokenOut)))) return false;
  const have = readInputFile(tokenOut, 'ImportToken file', 1024 * 1024);
  if (have.length === token.length && have.every((b, i) => b === token[i])) return true;
  throw new ByokError('FILE_EXISTS', `${tokenOut} exists and holds another ImportToken than this row's wrapping key: remove it, or re-run with --force to replace it`);
}

/**
 * What a cloud row's wrap needs from its key: its check value (undefined when a token cannot give one), and
 * the wrap itself for prepareWrap's options (software: prepareWrap + makeParts; a token: the token wraps).
 */
export interface CloudRowKey {
  readonly check: KeyCheck | undefined;
  wrap(kek: WrappingKey, options: WrapOptions): CloudWrapResult;
}

/** A key-file row: the key is read, wrapped in software and wiped. */
export function prepareCloudRow(cfg: JobConfig, cloud: OtherCloud, row: ManifestRow): PreparedRow {
  let target: TargetKey | undefined;
  try {
    return prepareCloudRowWith(cfg, cloud, row, () => {
      const t = (target = readRowKey(row, cfg));
      return {
        check: keyCheck(t),
        wrap: (kek, options) => {
          const plan = prepareWrap(cloud, kek, t, options);
          return completeWrap(plan, makeParts(plan, t)) as CloudWrapResult;
        },
      };
    });
  } finally {
    if (target !== undefined) wipeTargetKey(target);
  }
}

/**
 * One row for a cloud, whatever holds its key (`keyOf` runs after the wrapping key's checks): the wrap, the
 * kept output of an earlier run (resume by the journal) or a refusal, and AWS's ImportToken. Never throws.
 */
export function prepareCloudRowWith(cfg: JobConfig, cloud: OtherCloud, row: ManifestRow, keyOf: () => CloudRowKey): PreparedRow {
  const out = outputPath(cfg.outDir, row, cloud);
  const base = { row: row.row, name: row.name, key: row.key, out };
  try {
    const kek = rowKek(cfg, cloud, row);
    const algorithm = row.algorithm ?? cfg.algorithm;
    checkKekStage(cloud, kek, algorithm);
    const token = kek.cloud === 'aws' ? kek.aws.importToken : undefined;
    const tokenOut = token === undefined ? undefined : tokenPathFor(out);
    const outputs: CloudOutputs = { out, ...(tokenOut === undefined ? {} : { tokenOut, tokenPath: tokenOut }) };
    const key = keyOf();
    const check = key.check;
    // Kept outputs are checked like new ones; the wrap also gives the command line the plan needs.
    const r = key.wrap(kek, cloudWrapOptions(cloud, { ...(algorithm === undefined ? {} : { algorithm }), name: row.name }, outputs));
    const s = r.summary.target;
    const describe = {
      algorithm: r.algorithm, importAs: s.importAs, kekFingerprint: kek.fingerprint.hex, bits: s.bits,
      ...(s.curve === undefined ? {} : { curve: s.curve }), ...(check === undefined ? {} : checkFields(check)),
      ...(r.warnings.length > 0 ? { warnings: r.warnings } : {}),
      command: r.command, ...(tokenOut === undefined ? {} : { importToken: tokenOut }),
    };
    const name = outputName(row, cloud);
    if (!cfg.force && (cfg.existing === undefined ? exists(out) : cfg.existing.has(name))) {
      const problem = check === undefined
        ? 'the key\'s check value cannot be computed (a token AES key without CKA_ENCRYPT), so which key it holds cannot be told'
        : journalProblem(readInputFile(out, 'output file'), name, kek, check, cfg.journal, 'wrapping key')
          ?? (tokenOut !== undefined && !exists(tokenOut) ? `its ImportToken ${tokenOut} is missing` : undefined);
      if (problem === undefined) return { ...base, status: 'skipped', ...describe };
      throw new ByokError('FILE_EXISTS', `${out} exists but cannot be kept (${problem}): remove it, or re-run with --force to replace it`);
    }
    // Without a check value there is no journal line: a re-run then keeps the output only with --force.
    const record: JournalEntry | undefined = check === undefined ? undefined
      : { out: name, byok: hex.encode(getCore().sha256(r.bytes)), kek: hex.encode(kek.fingerprint.sha256), key: check };
    return {
      ...base, status: 'wrapped', ...describe, bytes: r.bytes.length, pending: r.bytes, ...(record === undefined ? {} : { record }),
      ...(token === undefined || keptToken(cfg, tokenOut!, token) ? {} : { pendingToken: token.slice() }),
    };
  } catch (e) {
    return failed(base, e);
  }
}
