// Types for the parts of scripts/timing/targets.mjs that test/core/timing-controls.test.ts imports.
export interface Staged {
  prepare(cls: number, pick: number): void;
  run(): number;
  readonly expected: readonly [number, number];
}
export interface Target {
  readonly id: string;
  readonly what: string;
  readonly variant: string;
  readonly batch: number;
  readonly samples: number;
  setup(core: unknown, ctx: unknown): Staged;
}
export interface Control {
  readonly id: string;
  readonly what: string;
  readonly base: Target;
  readonly plant: readonly [number, number];
}
export declare const TARGETS: readonly Target[];
export declare const CONTROLS: readonly Control[];
export declare function makeContext(unpadLength: ((pt: Uint8Array, blockLen: number) => number) | undefined): unknown;
