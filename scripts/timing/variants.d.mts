// Types for the parts of scripts/timing/variants.mjs that test/core/timing-controls.test.ts imports.
export declare const RELEASE_TARGETS: readonly string[];
