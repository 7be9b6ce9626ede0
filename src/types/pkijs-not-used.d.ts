// pkijs is deliberately NOT used in src/ (tsconfig.json maps the module here so an import fails to type-check).
// Why: pkijs does not tree-shake; any import of it adds ~405 KB minified to the single-file browser tool,
// whose whole budget is 320 KB. Read DER with the strict walker of src/keys/der.ts (views, no copies) and
// BER with src/keys/pbe/asn1.ts.
// Tests may use pkijs as an independent parser to cross-check ours. The one exception in src/ is src/serve
// (byok serve's local CA), which is Node-only and never reaches the browser bundle: it imports pkijs as
// "#pkijs-node-only" (package.json "imports"), and test/meta/serve-boundaries.test.ts keeps it there.
export declare const PKIJS_IS_NOT_USED_IN_SRC__SEE_src_types_pkijs_not_used_d_ts: never;
