// Batch rows whose key is a pkcs11: URI, for Azure or (batch --for) any other cloud. They run on the main
// thread, one after another: a PKCS#11 module
// is initialized once per process, and a token computes one wrap at a time anyway. One session per
// token (module and token attributes of the URI) serves all its rows, so the PIN is asked for once and
// the known-answer tests run once. A token that could not be opened (wrong PIN, locked, missing module)
// fails its remaining rows with the same error without trying again: retrying a wrong PIN would count
// against the token's lockout. Resume and the journal work as for files: the key check is the SHA-256 of
// the key's public key (from its public attributes) or the AES key check value computed in the token.
import { hex } from '@scure/base';
import { getCore } from '../../core/index.js';
import { ByokError, isByokError } from '../../errors.js';
import {
  describeTokenTarget, openTokenSession, parsePkcs11Uri, tokenParts, type Pkcs11Uri, type TokenKey, type TokenSession,
} from '../../pkcs11/index.js';
import { encryptBlockInToken } from '../../pkcs11/use.js';
import type { KeyCheck } from '../../transfer/key-check.js';
import { prepareTokenWrap } from '../../transfer/token.js';
import { completeWrap, type CloudWrapResult } from '../../transfer/index.js';
import { completeAzureWrap } from '../../transfer/wrap.js';
import type { OtherCloud } from '../commands/wrap-cloud.js';
import { prepareCloudRowWith } from './cloud-job.js';
import type { Ctx } from '../context.js';
import { cliPin, moduleDefault } from '../pkcs11.js';
import { finishRow, prepareKnownRow, rowBase, rowKek, type JobConfig, type PreparedRow, type RowResult } from './job.js';
import { failed, outputPath } from './row-key.js';
import { openJournal } from './journal.js';
import type { ManifestRow } from './manifest.js';

/** Which token session a row needs: its module and token selection (not its object attributes). */
function sessionKey(u: Pkcs11Uri): string {
  return JSON.stringify([
    u.modulePath, u.moduleName, u.token, u.manufacturer, u.serial, u.model, u.slotDescription, u.slotManufacturer,
    u.slotId?.toString(), u.libraryManufacturer, u.libraryDescription, u.libraryVersion, u.pinSource,
  ]);
}

/** keyCheck (transfer/key-check.ts) of a token key, without its value; undefined when the token cannot give it. */
function tokenKeyCheck(session: TokenSession, key: TokenKey): KeyCheck | undefined {
  if (key.kind === 'oct') {
    try {
      return { kind: 'aes-kcv', hex: hex.encode(encryptBlockInToken(session, key, new Uint8Array(16)).subarray(0, 3)) };
    } catch {
      return undefined; // CKA_ENCRYPT false: the row wraps, but is not journaled (see prepareKnownRow)
    }
  }
  if (key.publicKey === undefined) return undefined;
  return { kind: 'public-key-sha256', hex: hex.encode(getCore().sha256(key.publicKey)) };
}

export interface TokenRows {
  /** Computes one row (never throws); rows of one token share its session. */
  prepare(row: ManifestRow): Promise<PreparedRow>;
  /** Closes every session opened (destroying their session objects). */
  close(): void;
}

/**
 * `rowsPerSession`: how many rows each session (by sessionKey) will serve; a session serving more than
 * one reads the token's key directory at its first lookup rather than searching first (keys.ts).
 */
export function tokenRows(cfg: JobConfig, ctx: Ctx, allowZeroPaddedKwp: boolean, signal?: AbortSignal, rowsPerSession?: ReadonlyMap<string, number>): TokenRows {
  const sessions = new Map<string, TokenSession | ByokError>();
  const sessionFor = async (uri: Pkcs11Uri): Promise<TokenSession> => {
    const k = sessionKey(uri);
    let session = sessions.get(k);
    if (session === undefined) {
      try {
        session = await openTokenSession(uri, { pin: cliPin(ctx, signal), ...moduleDefault(ctx), manyKeys: (rowsPerSession?.get(k) ?? 0) > 1 });
      } catch (e) {
        session = e instanceof ByokError ? e : new ByokError('PKCS11_ERROR', `opening the token failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      sessions.set(k, session);
    }
    if (session instanceof ByokError) throw session;
    return session;
  };
  /** A row for AWS, GCP, OCI or Vault: the same checks, resume and ImportToken as a key file's row. */
  const prepareCloud = async (cloud: OtherCloud, row: ManifestRow): Promise<PreparedRow> => {
    try {
      const uri = parsePkcs11Uri(row.key);
      const session = await sessionFor(uri);
      const key = session.findKey(uri);
      return prepareCloudRowWith(cfg, cloud, row, () => ({
        check: tokenKeyCheck(session, key),
        wrap: (kek, options) => {
          const plan = prepareTokenWrap(cloud, kek, session, key, { ...options, allowZeroPaddedKwp });
          return completeWrap(plan, tokenParts(session, key, { allowZeroPaddedKwp })(plan)) as CloudWrapResult;
        },
      }));
    } catch (e) {
      const base = { row: row.row, name: row.name, key: row.key, out: outputPath(cfg.outDir, row, cloud) };
      return isByokError(e, 'INTERRUPTED') ? { ...base, status: 'not-done' } : failed(base, e);
    }
  };
  return {
    async prepare(row) {
      if (cfg.cloud !== undefined) return prepareCloud(cfg.cloud, row);
      const base = rowBase(cfg, row);
      try {
        const kek = rowKek(cfg, row);
        const uri = parsePkcs11Uri(row.key);
        const session = await sessionFor(uri);
        const key = session.findKey(uri);
        const target = describeTokenTarget(key);
        if (target === undefined) throw new ByokError('PKCS11_UNSUPPORTED_KEY', `a ${key.keyType} key cannot be imported into Azure: RSA, EC and AES keys can be`);
        return prepareKnownRow(cfg, row, kek, target, tokenKeyCheck(session, key), () => {
          const plan = prepareTokenWrap('azure', kek, session, key, { byokPath: base.out, keyName: row.name, allowZeroPaddedKwp });
          return completeAzureWrap(plan, tokenParts(session, key, { allowZeroPaddedKwp })(plan));
        });
      } catch (e) {
        // Ctrl-C at a PIN prompt: the row was not done, as the rows after it.
        return isByokError(e, 'INTERRUPTED') ? { ...base, status: 'not-done' } : failed(base, e);
      }
    },
    close() {
      for (const s of sessions.values()) if (!(s instanceof ByokError)) s.close();
    },
  };
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Wraps the token rows in manifest order: each row's journal line (fsync'd), then its output, as runBatch
 * does for files; each result goes to `onRow`. Stops between rows when `signal` is aborted (Ctrl-C): the rows
 * left are 'not-done'. Closes every session it opened.
 */
export async function runTokenRows(
  cfg: JobConfig, rows: readonly ManifestRow[], ctx: Ctx, allowZeroPaddedKwp: boolean, onRow: (index: number, r: RowResult) => void, signal?: AbortSignal,
): Promise<void> {
  const perSession = new Map<string, number>();
  for (const row of rows) {
    try {
      const k = sessionKey(parsePkcs11Uri(row.key));
      perSession.set(k, (perSession.get(k) ?? 0) + 1);
    } catch {
      /* a malformed URI fails its own row in prepare */
    }
  }
  const t = tokenRows(cfg, ctx, allowZeroPaddedKwp, signal, perSession);
  const journal = openJournal(cfg.outDir);
  try {
    for (let i = 0; i < rows.length; i++) {
      await yieldToEvents(); // Ctrl-C and the progress bar get their turn between rows
      const row = rows[i]!;
      if (signal?.aborted === true) {
        onRow(i, { row: row.row, name: row.name, key: row.key, out: outputPath(cfg.outDir, row, cfg.cloud), status: 'not-done' });
        continue;
      }
      const p = await t.prepare(row);
      if (p.record !== undefined) journal.append([p.record]);
      onRow(i, finishRow(cfg, p));
    }
  } finally {
    journal.close();
    t.close();
  }
}
