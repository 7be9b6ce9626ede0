// Memory checks for the symmetric core's tests: the arena is zero after a call, and given secrets occur
// nowhere in the whole Wasm memory (every 8-byte window of each secret is searched).
import type { WasmCore } from '../../src/core/instance.js';

/** Offset of the first non-zero byte of the arena [ioBase, arenaEnd), or -1 when it is all zero. */
export function firstDirtyArenaByte(core: WasmCore): number {
  // Word-wise first (the arena is ~1.6 MB and this runs after every call), then the odd tail bytes.
  const start = core.ioBase;
  const words = (core.arenaEnd - start) >>> 2;
  const w32 = new Uint32Array(core.mem.buffer, start, words);
  for (let i = 0; i < words; i++) {
    if (w32[i] !== 0) {
      for (let j = 0; j < 4; j++) if (core.mem[start + 4 * i + j] !== 0) return start + 4 * i + j;
    }
  }
  for (let a = start + 4 * words; a < core.arenaEnd; a++) if (core.mem[a] !== 0) return a;
  return -1;
}

/** Addresses of Wasm memory where any 8-byte window of any secret occurs (at most 5 reported). */
export function findSecrets(core: WasmCore, secrets: readonly Uint8Array[]): string[] {
  const wins = new Map<bigint, number>();
  secrets.forEach((s, idx) => {
    const dv = new DataView(s.buffer, s.byteOffset, s.byteLength);
    for (let i = 0; i + 8 <= s.length; i++) {
      const w = dv.getBigUint64(i, true);
      if (w !== 0n) wins.set(w, idx);
    }
  });
  const dv = new DataView(core.mem.buffer);
  const hits: string[] = [];
  for (let i = 0; i + 8 <= core.mem.length && hits.length < 5; i++) {
    const w = dv.getBigUint64(i, true);
    if (w !== 0n && wins.has(w)) hits.push(`secret #${wins.get(w)} at 0x${i.toString(16)}`);
  }
  return hits;
}
