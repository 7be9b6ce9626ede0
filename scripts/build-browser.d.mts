// Types for the parts of scripts/build-browser.mjs that test/browser/build.test.ts imports.
export declare const MAX_PAGE_BYTES: number;
export interface BuiltPage {
  readonly html: Buffer;
  readonly sha256: string;
  readonly sizes: { readonly total: number };
  readonly core: { readonly target: string; readonly sha256: string };
}
export declare function buildPage(options?: { wasm?: 'scalar' | 'simd' | 'both'; maxBytes?: number }): Promise<BuiltPage>;
