// pkijs is deliberately NOT used in src/ (tsconfig.json maps the module here so an import fails to type-check).
// Why: pkijs does not tree-shake; any import of it adds ~405 KB minified to the single-file browser tool,
// whose whole budget is 300 KB (issue 5). Use `asn1js` directly as the DER codec (fromBER + the schema
// classes: Sequence, Integer, OctetString, ObjectIdentifier, ...) and check strictness yourself.
// pkijs stays a devDependency: tests may use it as an independent parser to cross-check ours.
export declare const PKIJS_IS_NOT_USED_IN_SRC__USE_ASN1JS__SEE_src_types_pkijs_not_used_d_ts: never;
