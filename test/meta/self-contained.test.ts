// A fresh clone must test itself with nothing beside it: no tracked file may point outside the checkout
// (a sibling folder, a machine's absolute path, an environment variable naming one).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const git = spawnSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
const tracked = git.status === 0 ? git.stdout.split('\0').filter((f) => f !== '') : [];

// Built from parts so that this file does not match itself.
const OUTSIDE = [
  new RegExp(['\\.\\./', 'shared'].join('')),
  new RegExp(['/', 'work/'].join('')),
  new RegExp(['/', 'root/'].join('')),
  new RegExp(['/', 'home/', '[a-z]'].join('')),
  new RegExp(['BYOK', '_VECTORS'].join('')),
];

describe('self-contained repository', () => {
  it.skipIf(git.status !== 0)('no tracked text file names a path outside the checkout', () => {
    const hits: string[] = [];
    for (const f of tracked) {
      if (f.startsWith('test/vectors/')) continue; // upstream bytes, checked by vectors.test.ts
      const text = readFileSync(join(REPO_ROOT, f));
      if (text.includes(0)) continue; // binary
      const s = text.toString('utf8');
      for (const re of OUTSIDE) {
        const m = re.exec(s);
        if (m) hits.push(`${f}: ${m[0]}`);
      }
    }
    expect(hits).toEqual([]);
    expect(tracked.length).toBeGreaterThan(100);
  });
});
