// Reading inputs with clear errors, and writing outputs atomically: a temporary file in the same folder
// (mode 0600, fsync), then a no-clobber link (or a rename with --force), then the folder fsync'd. A crash
// or an error leaves either no file or the complete file — never a partial one — and never a stray
// temporary beside it when the process survives to clean up.
import {
  closeSync, constants, fchmodSync, fsyncSync, linkSync, lstatSync, openSync, readSync, fstatSync,
  renameSync, unlinkSync, writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ByokError } from '../errors.js';

/** Key files, KEKs, manifests and .byok files are all far smaller than this. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

function sysCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Reads a whole file. `what` names it in messages ("key file", "KEK"). The caller wipes the returned
 * buffer when it held key material.
 */
export function readInputFile(path: string, what: string, maxBytes = MAX_INPUT_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    throw readError(path, what, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ByokError('FILE_READ_FAILED', `${what} ${JSON.stringify(path)} is a folder: give the path of a file`);
    if (st.size > maxBytes) {
      throw new ByokError('INPUT_TOO_LARGE', `${what} ${JSON.stringify(path)} is ${st.size} bytes, more than the ${maxBytes} this tool reads: check that it is the right file`);
    }
    if (st.isFile() && st.size > 0) return readKnownSize(fd, st.size);
    // Read until EOF rather than trusting st.size (pipes and /dev/fd report 0).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) {
        for (const c of chunks) c.fill(0);
        buf.fill(0);
        throw new ByokError('INPUT_TOO_LARGE', `${what} ${JSON.stringify(path)} is more than the ${maxBytes} bytes this tool reads: check that it is the right file`);
      }
      chunks.push(buf.subarray(0, n));
    }
    const out = Buffer.concat(chunks, total);
    for (const c of chunks) c.fill(0);
    return out;
  } catch (e) {
    if (e instanceof ByokError) throw e;
    throw readError(path, what, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * A regular file of known size: one buffer of that size (a batch reads thousands of small key files; the
 * 64 KB chunks of the general path were most of its garbage). A file that shrank meanwhile gives fewer bytes.
 */
function readKnownSize(fd: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let total = 0;
  while (total < size) {
    const n = readSync(fd, buf, total, size - total, null);
    if (n === 0) break;
    total += n;
  }
  return total === size ? buf : buf.subarray(0, total);
}

function readError(path: string, what: string, e: unknown): ByokError {
  const p = JSON.stringify(path);
  switch (sysCode(e)) {
    case 'ENOENT':
      return new ByokError('FILE_NOT_FOUND', `${what} ${p} not found: check the path`);
    case 'EACCES':
    case 'EPERM':
      return new ByokError('FILE_READ_FAILED', `${what} ${p} cannot be read: permission denied`);
    case 'EISDIR':
      return new ByokError('FILE_READ_FAILED', `${what} ${p} is a folder: give the path of a file`);
    default:
      return new ByokError('FILE_READ_FAILED', `${what} ${p} cannot be read (${sysCode(e) ?? 'error'})`);
  }
}

export function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    if (sysCode(e) === 'ENOENT') return false;
    throw e;
  }
}

export interface WriteOptions {
  /** Replace an existing file (atomically). Without it an existing file is an error and stays untouched. */
  readonly force?: boolean;
  /** Defaults to 0600: outputs may be key material (unwrap) or name a customer's keys (.byok). */
  readonly mode?: number;
  /**
   * fsync the folder after publishing (default true). Batch runs pass false and fsync the folder once at
   * the end (`syncDir`): the files themselves are always fsync'd before they get their name.
   */
  readonly syncDir?: boolean;
  /**
   * The caller has just listed the folder and `path` was not in it (batch): skip the pre-check. An
   * existing name is still refused, by link(); the pre-check only saves writing a temporary file first.
   */
  readonly listedAbsent?: boolean;
}

/**
 * Writes `data` to `path` atomically. Throws FILE_EXISTS (without touching anything) when `path` exists
 * and `force` is not set, FILE_WRITE_FAILED otherwise; in every failure no file is left at `path` that
 * was not there before, and the temporary file is removed.
 */
export function writeFileAtomic(path: string, data: Uint8Array, opts: WriteOptions = {}): void {
  const mode = opts.mode ?? 0o600;
  const dir = dirname(path);
  if (opts.listedAbsent !== true) {
    const problem = outputPathProblem(path);
    if (problem !== undefined) throw problem;
  }
  if (!opts.force && opts.listedAbsent !== true && exists(path)) {
    throw new ByokError('FILE_EXISTS', `${JSON.stringify(path)} already exists: choose another --out or add --force to replace it`);
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    try {
      fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    } catch (e) {
      const c = sysCode(e);
      if (c === 'ENOENT') throw new ByokError('FILE_WRITE_FAILED', `cannot write ${JSON.stringify(path)}: folder ${JSON.stringify(dir)} does not exist`);
      if (c === 'EACCES' || c === 'EPERM' || c === 'EROFS') throw new ByokError('FILE_WRITE_FAILED', `cannot write ${JSON.stringify(path)}: no permission to create files in ${JSON.stringify(dir)}`);
      if (c === 'ENOTDIR') throw outputPathProblem(path) ?? new ByokError('FILE_WRITE_FAILED', `cannot write ${JSON.stringify(path)}: part of the path is a file, not a folder`);
      throw e;
    }
    fchmodSync(fd, mode); // the umask may have removed bits; never more than asked
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (opts.force) {
      renameSync(tmp, path);
    } else {
      // link() fails with EEXIST if `path` appeared meanwhile: no check-then-rename race.
      try {
        linkSync(tmp, path);
      } catch (e) {
        if (sysCode(e) === 'EEXIST') {
          throw new ByokError('FILE_EXISTS', `${JSON.stringify(path)} already exists: choose another --out or add --force to replace it`);
        }
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS'].includes(sysCode(e) ?? '')) throw e;
        // File systems without hard links (some FUSE/SMB mounts): check, then rename.
        if (exists(path)) throw new ByokError('FILE_EXISTS', `${JSON.stringify(path)} already exists: choose another --out or add --force to replace it`);
        renameSync(tmp, path);
      }
    }
    if (opts.syncDir ?? true) syncDir(dir);
  } catch (e) {
    if (e instanceof ByokError) throw e;
    throw new ByokError('FILE_WRITE_FAILED', `cannot write ${JSON.stringify(path)} (${sysCode(e) ?? (e instanceof Error ? e.message : 'error')})`);
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing; the original error matters */
      }
    }
    try {
      unlinkSync(tmp); // after link(): drops the second name; after rename() or failure: removes leftovers
    } catch {
      /* gone already (renamed) */
    }
  }
}

/**
 * Why `path` cannot be an output file, in words (not EISDIR/ENOTDIR): it is a folder, or one of the
 * folders it names is a file. Undefined when neither is the case.
 */
function outputPathProblem(path: string): ByokError | undefined {
  try {
    if (lstatSync(path).isDirectory()) {
      return new ByokError('FILE_WRITE_FAILED', `${JSON.stringify(path)} is a folder: give the path of a file (for example ${JSON.stringify(join(path, 'name.byok'))})`);
    }
    return undefined;
  } catch (e) {
    if (sysCode(e) !== 'ENOTDIR') return undefined;
  }
  // Some folder on the way is a file: name the first one.
  let p = dirname(path);
  for (let up = dirname(p); p !== up; p = up, up = dirname(p)) {
    try {
      if (!lstatSync(p).isDirectory()) break;
    } catch {
      /* that one is missing or unreadable: look further up */
    }
  }
  return new ByokError('FILE_WRITE_FAILED', `cannot write ${JSON.stringify(path)}: ${JSON.stringify(p)} is a file, not a folder`);
}

/** fsync a folder so the names created in it survive a crash. */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a folder; the file itself is durable already.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
