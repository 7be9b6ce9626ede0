// Types for the parts of scripts/timing/ that test/core/timing-controls.test.ts imports.
export declare const THRESHOLD: number;
export interface Core {
  readonly label: string;
  readonly x: Record<string, (...args: number[]) => number>;
  readonly mem: Uint8Array;
  readonly io: number;
}
export interface Result {
  readonly maxT: number;
  readonly leak: boolean;
  readonly samples: number;
}
export declare function loadCores(targets?: readonly string[], variants?: readonly ('shipped' | 'clean' | 'plant')[]): Promise<Record<string, { shipped: Core; clean: Core; plant: Core }>>;
export declare function runOnce(base: object, core: Core, ctx: unknown, opts?: { samples?: number; plant?: readonly [number, number] }): Result;
export declare function detect(base: object, core: Core, ctx: unknown, opts: { chunk: number; maxSamples: number; plant?: readonly [number, number] }): Result;
