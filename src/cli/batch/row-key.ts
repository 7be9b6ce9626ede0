// What every batch row does whatever the destination: its output's name, read its key (password from the
// row's file or BYOK_PASSWORD), describe the key by its check value, judge an existing output by the journal,
// and turn an error into a failed row.
import { join } from 'node:path';
import { hex } from '@scure/base';
import { getCore } from '../../core/index.js';
import { ByokError, isByokError } from '../../errors.js';
import type { Kek } from '../../kek/index.js';
import { readTargetKey, type TargetKey } from '../../keys/index.js';
import type { KeyCheck } from '../../transfer/key-check.js';
import { readInputFile } from '../files.js';
import { withOptionHint } from '../inputs.js';
import { readPasswordFile } from '../password.js';
import { CLOUD_EXTENSIONS, type OtherCloud } from '../commands/wrap-cloud.js';
import type { JobConfig, RowResult } from './job.js';
import type { JournalEntry } from './journal.js';
import type { ManifestRow } from './manifest.js';

/** The output's file name: `<name>.byok`, or the cloud's extension (`.aws.bin`, `.gcp.bin`, `.oci.json`, `.vault.b64`). */
export function outputName(row: Pick<ManifestRow, 'name'>, cloud: OtherCloud | undefined): string {
  return `${row.name}${cloud === undefined ? '.byok' : CLOUD_EXTENSIONS[cloud]}`;
}

export function outputPath(outDir: string, row: ManifestRow, cloud?: OtherCloud): string {
  return join(outDir, outputName(row, cloud));
}

/**
 * Why an existing output cannot be kept by the journal's record of it (the file cannot tell which key it
 * holds without the wrapping key's private half): undefined when this batch wrote exactly these bytes from
 * `check`'s key for `kek`.
 */
export function journalProblem(bytes: Uint8Array, name: string, kek: Kek, check: KeyCheck, journal: ReadonlyMap<string, JournalEntry> | undefined, kekWord: string): string | undefined {
  const entry = journal?.get(name);
  if (entry === undefined) return 'the batch journal has no record of writing it, so which key it holds cannot be told';
  if (entry.byok !== hex.encode(getCore().sha256(bytes))) return 'it has changed since the batch wrote it';
  if (entry.kek !== hex.encode(kek.fingerprint.sha256)) return `the journal records it for another ${kekWord}`;
  if (entry.key.kind !== check.kind || entry.key.hex !== check.hex) return 'it was made from another key: the key file changed since';
  return undefined;
}

export function readRowKey(row: ManifestRow, cfg: JobConfig): TargetKey {
  let password: Uint8Array | undefined;
  if (row.passwordFile !== undefined) {
    password = readPasswordFile(row.passwordFile);
  } else if (cfg.envPassword !== undefined) {
    password = Uint8Array.from(cfg.envPassword);
  }
  const bytes = readInputFile(row.key, 'key file');
  const input = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const opts = {
    ...(password === undefined ? {} : { password }),
    ...(cfg.pairwiseTest === true ? { pairwiseTest: true } : {}),
    // The other clouds judge sizes by their own rules (intake's default ones are Azure's).
    ...(cfg.cloud === undefined ? {} : { azureChecks: false }),
  };
  try {
    if (cfg.keyType === undefined) return readTargetKey(input, opts);
    // --key-type says what the symmetric keys of the manifest are; its other rows are read as they are.
    try {
      return readTargetKey(input, { ...opts, keyType: cfg.keyType });
    } catch (e) {
      if (!isByokError(e, 'FORMAT_MISMATCH')) throw e;
      return readTargetKey(input, opts);
    }
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

export function checkFields(check: KeyCheck): { publicKeySha256: string } | { kcv: string } | { hmacKcv: string } {
  switch (check.kind) {
    case 'aes-kcv': return { kcv: check.hex };
    case 'hmac-kcv': return { hmacKcv: check.hex };
    default: return { publicKeySha256: check.hex };
  }
}

export function failed(base: Omit<RowResult, 'status'>, e: unknown): RowResult {
  const error = e instanceof ByokError
    ? { code: e.code, message: e.message }
    : { code: 'INTERNAL', message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
  return { ...base, status: 'failed', error };
}
