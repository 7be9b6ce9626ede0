// The key store's file: DIR/keys/keys.log, one line per change, appended and group-committed. A line is
//   {"seq":N,"put":KeyRecord}<TAB>DIGEST      (the whole record of one key name after the change)
//   {"seq":N,"purge":"name"}<TAB>DIGEST       (the name is gone)
// where DIGEST is the first 128 bits of the SHA-256 of the JSON, in hex, and seq counts lines from 1.
//
// Why a log and not a file per key name (the first layout): a change is then one write(2) and a share of
// one fdatasync, instead of create + write + fsync + close + rename + folder fsync of its own — under
// 16 concurrent imports that was a third of the server's CPU outside the KEK's RSA operation.
//
// Durability: a change is acknowledged only after an fdatasync that started after its line was written
// (sharedSync), so every acknowledged line is on disk. Recovery at start: lines are read until the first
// that is incomplete or fails its digest or sequence; that tail was never acknowledged (every sync covers
// all lines before it) and is cut off. A good line after a bad one is not a crash's tail but damage, and
// the server refuses to start rather than drop acknowledged changes. The log is rewritten compactly
// (one line per live name, written beside it, fsync'd, renamed over it) at start and when superseded
// lines outnumber live ones four to one; a data folder of the first layout is moved into it at start.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ByokError } from '../errors.js';
import { fdatasyncAsync, sharedSync, syncDirSync, writeAll, writeDurableSync } from './durable.js';
import type { KeyRecord } from './keystore.js';

const LOG = 'keys.log';
const NAME = /^[0-9A-Za-z-]{1,127}$/;
/** Compaction at run time: superseded lines beyond this many, and four times the live names. */
const COMPACT_MIN_LINES = 10_000;

type Entry = { readonly seq: number; readonly put: KeyRecord } | { readonly seq: number; readonly purge: string };

export interface KeyLog {
  /** Records the new state of a key name; resolves once it is on disk. */
  put(record: KeyRecord): Promise<void>;
  /** Records that a name is purged; resolves once it is on disk. */
  purge(name: string): Promise<void>;
  close(): void;
}

const digest = (json: string): string => createHash('sha256').update(json).digest('hex').slice(0, 32);
const lineOf = (e: Entry): string => {
  const json = JSON.stringify(e);
  return `${json}\t${digest(json)}\n`;
};

function damaged(path: string, why: string): ByokError {
  return new ByokError('SERVE_DATA', `key log ${path} ${why}: restore the data folder from a backup, or move the damaged line away if you know it`);
}

function checkRecord(r: unknown): r is KeyRecord {
  const x = r as KeyRecord | null;
  return x !== null && typeof x === 'object' && typeof x.name === 'string' && NAME.test(x.name) && Array.isArray(x.versions);
}

/** One line's entry, or undefined when it is not a whole, intact line. */
function parseLine(line: string): Entry | undefined {
  const tab = line.lastIndexOf('\t');
  if (tab < 0) return undefined;
  const json = line.slice(0, tab);
  if (digest(json) !== line.slice(tab + 1)) return undefined;
  try {
    const e = JSON.parse(json) as Partial<{ seq: unknown; put: unknown; purge: unknown }>;
    if (typeof e.seq !== 'number') return undefined;
    if (e.put !== undefined && checkRecord(e.put)) return { seq: e.seq, put: e.put };
    if (typeof e.purge === 'string' && NAME.test(e.purge)) return { seq: e.seq, purge: e.purge };
  } catch {
    // a digest that matches JSON that does not parse: not written by this code
  }
  return undefined;
}

/** Reads the log into `records`; cuts a torn tail. Returns the number of lines kept. */
function readLog(path: string, records: Map<string, KeyRecord>): number {
  if (!existsSync(path)) return 0;
  const buf = readFileSync(path);
  let pos = 0;
  let seq = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const e = parseLine(buf.toString('utf8', pos, nl));
    if (e === undefined || e.seq !== seq + 1) break;
    seq = e.seq;
    if ('put' in e) records.set(e.put.name.toLowerCase(), e.put);
    else records.delete(e.purge.toLowerCase());
    pos = nl + 1;
  }
  if (pos < buf.length) {
    // Everything after the last good line must be a tail no sync covered: no intact line may follow.
    // (The first of them counts too: intact but out of sequence means a line before it was removed.)
    const rest = buf.toString('utf8', pos).split('\n');
    if (rest.some((l) => parseLine(l) !== undefined)) throw damaged(path, `line ${seq + 1} is damaged (or one before it was removed) and intact lines follow it`);
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, pos);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return seq;
}

/** The first layout: DIR/keys/NAME.json, one file per name. */
function readKeyFiles(dir: string, records: Map<string, KeyRecord>): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
  for (const f of files) {
    try {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
      if (!checkRecord(r) || `${r.name.toLowerCase()}.json` !== f) throw new Error('not a key record');
      records.set(r.name.toLowerCase(), r);
    } catch (e) {
      throw new ByokError('SERVE_DATA', `key file ${join(dir, f)} cannot be read (${(e as Error).message}): restore it from a backup or move it away`);
    }
  }
  return files;
}

/** Opens DIR/keys: the records it holds (latest per lower-case name) and the log to record changes in. */
export function openKeyLog(dir: string, opts: { compactAfter?: number } = {}): { records: Map<string, KeyRecord>; log: KeyLog } {
  const compactAfter = opts.compactAfter ?? COMPACT_MIN_LINES;
  const path = join(dir, LOG);
  const records = new Map<string, KeyRecord>();
  // Files of the first layout are read first: if a move into the log was cut short, the log is newer.
  const oldFiles = readKeyFiles(dir, records);
  let lines = readLog(path, records);
  // What the log says once every written line is synced (lines not yet synced included).
  const latest = new Map(records);
  let seq = 0;
  let fd = -1;

  function compact(): void {
    const snapshot = [...latest.values()].map((r, i) => lineOf({ seq: i + 1, put: r })).join('');
    writeDurableSync(path, snapshot, 0o600);
    if (fd >= 0) closeSync(fd);
    fd = openSync(path, 'a', 0o600);
    seq = latest.size;
    lines = latest.size;
  }

  if (oldFiles.length > 0 || !existsSync(path) || lines > 2 * latest.size + 64) compact();
  else {
    fd = openSync(path, 'a', 0o600);
    seq = lines;
  }
  if (oldFiles.length > 0) {
    for (const f of oldFiles) unlinkSync(join(dir, f));
    syncDirSync(dir);
  }

  let compactDue = false;
  // Compaction runs inside a sync round: no other fdatasync is in flight on the old descriptor then, and
  // the snapshot (fsync'd before its rename) holds every line written so far, synced or not.
  const sync = sharedSync(async () => {
    await fdatasyncAsync(fd);
    if (compactDue) {
      compactDue = false;
      compact();
    }
  });

  /**
   * Writes one line for `name` (its new record, or undefined for a purge). A line cut short by a failed
   * write is cut off again and nothing is recorded, so the next line does not follow a broken one.
   */
  function append(name: string, record: KeyRecord | undefined): Promise<void> {
    const key = name.toLowerCase();
    const line = lineOf(record ? { seq: seq + 1, put: record } : { seq: seq + 1, purge: name });
    const size = fstatSync(fd).size;
    try {
      writeAll(fd, line);
    } catch (e) {
      ftruncateSync(fd, size);
      throw e;
    }
    seq++;
    lines++;
    if (record) latest.set(key, record);
    else latest.delete(key);
    if (lines > compactAfter && lines > 4 * latest.size) compactDue = true;
    return sync();
  }

  return {
    records,
    log: {
      put: (record) => append(record.name, record),
      purge: (name) => append(name, undefined),
      close() {
        if (fd >= 0) closeSync(fd);
        fd = -1;
      },
    },
  };
}
