// The batch journal, byok-batch-journal.jsonl in the output folder: one JSON line per output a batch
// wrote there, naming the output, the SHA-256 of its bytes, the KEK it was made for and the source key
// (keyCheck: public-key SHA-256 or AES key check value). A re-run keeps an existing output only when
// the journal's last line for it matches the file and the key the manifest names now: the blob itself
// cannot tell which key it holds without the KEK's private key, which only the cloud HSM has.
//
// Lines are appended and fsync'd before the outputs they describe get their names (runBatch), so every
// output a batch wrote has its line, even after a crash. A line without its output (a crash between the
// two) is harmless: no file has that SHA-256. Nothing secret is written: public-key digests and 3-byte
// AES key check values are what HSMs print and the import plan shows.
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyCheck } from '../../transfer/key-check.js';
import { exists, readInputFile } from '../files.js';

export const JOURNAL_NAME = 'byok-batch-journal.jsonl';

export interface JournalEntry {
  /** Output file name in the folder, `<name>.byok`. */
  readonly out: string;
  /** SHA-256 (hex) of the output's bytes. */
  readonly byok: string;
  /** SHA-256 (hex) of the KEK's SubjectPublicKeyInfo: the KEK fingerprint. */
  readonly kek: string;
  readonly key: KeyCheck;
}

function isEntry(x: unknown): x is JournalEntry {
  const e = x as Partial<JournalEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.out === 'string' && typeof e.byok === 'string' && typeof e.kek === 'string'
    && typeof e.key === 'object' && e.key !== null && typeof e.key.kind === 'string' && typeof e.key.hex === 'string';
}

/** The last entry per output name. Unreadable lines (a crash mid-append) are skipped. */
export function readJournal(outDir: string): Map<string, JournalEntry> {
  const path = join(outDir, JOURNAL_NAME);
  const map = new Map<string, JournalEntry>();
  if (!exists(path)) return map;
  const text = readInputFile(path, 'batch journal', 1024 * 1024 * 1024).toString('utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const e: unknown = JSON.parse(line);
      if (isEntry(e)) map.set(e.out, e);
    } catch {
      /* a torn last line */
    }
  }
  return map;
}

export interface JournalWriter {
  /** Appends the entries and fsyncs the journal before returning. */
  append(entries: readonly JournalEntry[]): void;
  close(): void;
}

export function openJournal(outDir: string): JournalWriter {
  const fd = openSync(join(outDir, JOURNAL_NAME), constants.O_RDWR | constants.O_CREAT | constants.O_APPEND, 0o600);
  // A line torn by a crash is ended first, so the next entry starts a line of its own.
  const size = fstatSync(fd).size;
  const last = Buffer.alloc(1);
  if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) writeSync(fd, '\n');
  return {
    append(entries) {
      if (entries.length === 0) return;
      writeSync(fd, entries.map((e) => JSON.stringify(e) + '\n').join(''));
      fsyncSync(fd);
    },
    close() {
      closeSync(fd);
    },
  };
}
