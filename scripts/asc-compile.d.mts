// Types for scripts/asc-compile.mjs, which test helpers import.
export declare const TARGETS: readonly string[];
export declare function compileWithTarget(options: {
  entry: string;
  target: string;
  sources?: Readonly<Record<string, string>>;
}): Promise<Uint8Array<ArrayBuffer>>;
