// Batch rows whose key is a pkcs11: URI. They run on the main thread, one after another: a PKCS#11 module
// is initialized once per process, and a token computes one wrap at a time anyway. One session per
// token (module and token attributes of the URI) serves all its rows, so the PIN is asked for once and
// the known-answer tests run once. A token that could not be opened (wrong PIN, locked, missing module)
// fails its remaining rows with the same error without trying again: retrying a wrong PIN would count
// against the token's lockout.
import { ByokError } from '../../errors.js';
import { parsePkcs11Uri, type Pkcs11Uri, type TokenSession } from '../../pkcs11/index.js';
import { openTokenSession } from '../../pkcs11/index.js';
import { azureShapeOfTokenKey, wrapTokenKeyForAzure } from '../../transfer/token.js';
import { readByok } from '../../transfer/read.js';
import type { Ctx } from '../context.js';
import { cliPin, moduleDefault } from '../pkcs11.js';
import { existingOutputProblem, failed, finishRow, kekForRow, outputPath, type JobConfig, type RowResult } from './job.js';
import type { ManifestRow } from './manifest.js';

/** Which token session a row needs: its module and token selection (not its object attributes). */
function sessionKey(u: Pkcs11Uri): string {
  return JSON.stringify([
    u.modulePath, u.moduleName, u.token, u.manufacturer, u.serial, u.model, u.slotDescription, u.slotManufacturer,
    u.slotId?.toString(), u.libraryManufacturer, u.libraryDescription, u.libraryVersion, u.pinSource,
  ]);
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Wraps the token rows in manifest order, writing each output as the file rows are written (finishRow),
 * reporting each result to `onRow`. Closes every session it opened.
 */
export async function runTokenRows(
  cfg: JobConfig, rows: readonly ManifestRow[], ctx: Ctx, allowZeroPaddedKwp: boolean, onRow: (index: number, r: RowResult) => void,
): Promise<void> {
  const sessions = new Map<string, TokenSession | ByokError>();
  try {
    for (let i = 0; i < rows.length; i++) {
      await yieldToEvents(); // Ctrl-C and the progress bar get their turn between rows
      onRow(i, await tokenRow(cfg, rows[i]!, ctx, sessions, allowZeroPaddedKwp));
    }
  } finally {
    for (const s of sessions.values()) if (!(s instanceof ByokError)) s.close();
  }
}

async function tokenRow(cfg: JobConfig, row: ManifestRow, ctx: Ctx, sessions: Map<string, TokenSession | ByokError>, allowZeroPaddedKwp: boolean): Promise<RowResult> {
  const out = outputPath(cfg.outDir, row);
  const base = { row: row.row, name: row.name, key: row.key, out };
  try {
    const kek = kekForRow(cfg.kek, row);
    if (kek.kid === undefined) {
      throw new ByokError('BYOK_BAD_KID', 'no kid for the KEK: give --kid, use a KEK file that names it, or fill the kid column');
    }
    const uri = parsePkcs11Uri(row.key);
    const k = sessionKey(uri);
    let session = sessions.get(k);
    if (session === undefined) {
      try {
        session = await openTokenSession(uri, { pin: cliPin(ctx), ...moduleDefault(ctx) });
      } catch (e) {
        session = e instanceof ByokError ? e : new ByokError('PKCS11_ERROR', `opening the token failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      sessions.set(k, session);
    }
    if (session instanceof ByokError) throw session;
    const key = session.findKey(uri);
    const shape = azureShapeOfTokenKey(key);
    const describe = { kty: shape.azure.kty, bits: shape.bits, ...(shape.curve === undefined ? {} : { curve: shape.curve }) };
    const r = wrapTokenKeyForAzure(kek, session, key, { byokPath: out, keyName: row.name, allowZeroPaddedKwp });
    if (!cfg.force && cfg.existing?.has(`${row.name}.byok`) === true) {
      // The token's encoding of the key is not known outside it: a fresh wrap gives its wrapped length.
      const kwp = readByok(r.bytes).ciphertext.length - kek.bits / 8;
      const problem = existingOutputProblem(out, kek, kwp, `this key wraps to ${kwp}`);
      if (problem === undefined) return { ...base, status: 'skipped', ...describe };
      throw new ByokError('FILE_EXISTS', `${out} exists but was not made from this key for this KEK (${problem}): remove it, or re-run with --force to replace it`);
    }
    return finishRow(cfg, { ...base, status: 'wrapped', ...describe, bytes: r.bytes.length, pending: r.bytes });
  } catch (e) {
    return failed(base, e);
  }
}
