// One `byok serve` per data folder: two servers on one folder would each keep their own view of the keys
// and interleave lines in the key log and the audit chain (a later start then refuses the damaged log).
// The lock is DIR/private/serve.lock holding the server's process id, created exclusively. A lock whose
// process is gone (kill -9, power cut) is stale and taken over; process ids are reused, so a lock naming
// this very process counts as held only when this process took it.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByokError } from '../errors.js';

const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it exists, under another user
  }
}

/** Takes the data folder's lock; the returned function gives it back. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'private', 'serve.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      held.add(path);
      return () => {
        if (!held.delete(path)) return;
        try {
          unlinkSync(path);
        } catch {
          // already gone: nothing to give back
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
    }
    let pid = NaN;
    try {
      pid = Number(readFileSync(path, 'utf8').trim());
    } catch {
      // removed meanwhile: try again
    }
    const inUse = Number.isSafeInteger(pid) && pid > 0 && (pid === process.pid ? held.has(path) : alive(pid));
    if (inUse) {
      throw new ByokError('SERVE_DATA', `data folder ${JSON.stringify(dir)} is in use by another byok serve (process ${pid}): stop it first or give another --data (if no such server runs, remove ${path})`);
    }
    try {
      unlinkSync(path); // stale: its process is gone
    } catch {
      // taken over by another start meanwhile: the next attempt tells
    }
  }
}
