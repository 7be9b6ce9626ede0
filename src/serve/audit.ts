// The audit log of `byok serve`: DIR/audit/YYYY-MM-DD.jsonl (UTC), one AuditEvent per request in Azure
// Monitor's resource-log shape (built by server.ts), each line ending with
//   "chain": { "seq": N, "prev": "<SHA-256 hex of the previous line's bytes>" }
// (the first line's prev is 64 zeros). Removing, inserting, reordering or editing a line breaks the chain
// at that point; `verifyAuditLog` finds where. DIR/audit/head.json records the last seq and hash (written
// every few seconds and at a clean stop), so lines cut off the end are found too.
//
// A line is written (write(2) on an O_APPEND descriptor) before the response leaves, so every answered
// request is in the log even if the process is killed right after; the file is fsync'd with head.json,
// so a power cut can lose at most the last few seconds of lines (never key material: there is none).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurableSync } from './durable.js';

const ZERO = '0'.repeat(64);
const FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;
const HEAD = 'head.json';

export interface AuditLog {
  append(event: Record<string, unknown>): void;
  /** fsync the current file and write head.json (also done every few seconds while lines arrive). */
  flush(): void;
  close(): void;
}

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

function logFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => FILE.test(f)).sort();
}

/** The last complete line of a file, after cutting an incomplete tail (a line being written when the power went). */
function lastLine(path: string): string | undefined {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    const buf = Buffer.alloc(Math.min(size, 1 << 20));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    let text = buf.toString('utf8');
    if (!text.endsWith('\n')) {
      const cut = text.lastIndexOf('\n');
      ftruncateSync(fd, size - (text.length - cut - 1));
      text = text.slice(0, cut + 1);
    }
    const lines = text.split('\n');
    return lines.length >= 2 ? lines[lines.length - 2] : undefined;
  } finally {
    closeSync(fd);
  }
}

export function openAuditLog(dir: string): AuditLog {
  let seq = 0;
  let prev = ZERO;
  const files = logFiles(dir);
  for (let i = files.length - 1; i >= 0; i--) {
    const last = lastLine(join(dir, files[i]!));
    if (last !== undefined) {
      seq = (JSON.parse(last) as { chain: { seq: number } }).chain.seq;
      prev = sha256(last);
      break;
    }
  }
  let day = '';
  let fd = -1;
  let dirty = false;
  const timer = setInterval(() => {
    if (dirty) flush();
  }, 2000);
  timer.unref();

  function flush(): void {
    if (fd >= 0) fsyncSync(fd);
    writeDurableSync(join(dir, HEAD), JSON.stringify({ seq, hash: prev }) + '\n', 0o644);
    dirty = false;
  }

  return {
    append(event) {
      const today = new Date().toISOString().slice(0, 10);
      if (today !== day) {
        if (fd >= 0) {
          fsyncSync(fd);
          closeSync(fd);
        }
        fd = openSync(join(dir, `${today}.jsonl`), 'a', 0o600);
        day = today;
      }
      seq++;
      const line = JSON.stringify({ ...event, chain: { seq, prev } });
      writeSync(fd, line + '\n');
      prev = sha256(line);
      dirty = true;
    },
    flush,
    close() {
      clearInterval(timer);
      flush();
      if (fd >= 0) closeSync(fd);
      fd = -1;
    },
  };
}

export interface AuditVerdict {
  readonly ok: boolean;
  readonly files: number;
  readonly lines: number;
  /** Where the chain breaks first, and how: "2026-12-03.jsonl line 17: …". */
  readonly problem?: string;
}

/** Checks the whole chain, file by file, and the last line against head.json. */
export function verifyAuditLog(dir: string): AuditVerdict {
  const files = logFiles(dir);
  let prev = ZERO;
  let seq = 0;
  let lines = 0;
  const broken = (file: string, n: number, why: string): AuditVerdict =>
    ({ ok: false, files: files.length, lines, problem: `${file} line ${n}: ${why}` });
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    const rows = text.split('\n');
    if (rows[rows.length - 1] === '') rows.pop();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      let chain: { seq?: unknown; prev?: unknown } | undefined;
      try {
        chain = (JSON.parse(row) as { chain?: { seq?: unknown; prev?: unknown } }).chain;
      } catch {
        return broken(f, i + 1, 'not a JSON line (edited or cut)');
      }
      if (chain?.prev !== prev) {
        return broken(f, i + 1, chain?.seq === seq + 1
          ? 'the hash of the line before does not match (the line before was edited)'
          : `expected record ${seq + 1}, found ${JSON.stringify(chain?.seq ?? null)} (a line before it was removed, or lines were reordered)`);
      }
      if (chain.seq !== seq + 1) return broken(f, i + 1, `expected record ${seq + 1}, found ${JSON.stringify(chain.seq ?? null)}`);
      seq++;
      lines++;
      prev = sha256(row);
    }
  }
  const headPath = join(dir, HEAD);
  if (existsSync(headPath)) {
    const head = JSON.parse(readFileSync(headPath, 'utf8')) as { seq: number; hash: string };
    if (head.seq > seq) return { ok: false, files: files.length, lines, problem: `head.json records ${head.seq} lines, the log has ${seq}: the last ${head.seq - seq} were removed` };
    if (head.seq === seq && head.hash !== prev) return { ok: false, files: files.length, lines, problem: `the last line (record ${seq}) is not the one head.json records: it was edited` };
  }
  return { ok: true, files: files.length, lines };
}
