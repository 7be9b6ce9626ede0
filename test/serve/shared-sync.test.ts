// Group commit (src/serve/durable.ts sharedSync): a writer's promise settles only after a sync that
// STARTED after the writer called, concurrent writers share syncs, and a failed sync fails its writers.
import { describe, expect, it } from 'vitest';
import { sharedSync } from '../../src/serve/durable.js';

function controlledRuns() {
  const runs: { started: number; finish: (e?: Error) => void }[] = [];
  let clock = 0;
  const run = (): Promise<void> => new Promise<void>((resolve, reject) => {
    runs.push({ started: ++clock, finish: (e) => (e ? reject(e) : resolve()) });
  });
  return { runs, run, tick: () => ++clock };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('sharedSync', () => {
  it('makes a writer wait for a sync that started after it called, and shares syncs between writers', async () => {
    const { runs, run, tick } = controlledRuns();
    const sync = sharedSync(run);
    const done: string[] = [];
    const a = sync().then(() => done.push('a'));
    expect(runs).toHaveLength(1); // a starts a sync at once
    const calledB = tick();
    const b = sync().then(() => done.push('b'));
    const c = sync().then(() => done.push('c'));
    expect(runs).toHaveLength(1); // b and c wait for the next one, which cannot start yet
    runs[0]!.finish();
    await settle();
    expect(done).toEqual(['a']); // the sync in flight when b and c wrote does not cover them
    expect(runs).toHaveLength(2);
    expect(runs[1]!.started).toBeGreaterThan(calledB);
    runs[1]!.finish();
    await Promise.all([a, b, c]);
    expect(done).toEqual(['a', 'b', 'c']);
    expect(runs).toHaveLength(2); // three writers, two syncs
    // idle again: the next writer starts its own sync
    const d = sync();
    expect(runs).toHaveLength(3);
    runs[2]!.finish();
    await d;
  });

  it('fails every writer that waited for a failed sync, and recovers for the next', async () => {
    const { runs, run } = controlledRuns();
    const sync = sharedSync(run);
    const a = sync();
    const b = sync();
    runs[0]!.finish(new Error('EIO'));
    await expect(a).rejects.toThrow('EIO');
    await settle();
    runs[1]!.finish(new Error('EIO again'));
    await expect(b).rejects.toThrow('EIO again');
    const c = sync();
    runs[2]!.finish();
    await expect(c).resolves.toBeUndefined();
  });
});
