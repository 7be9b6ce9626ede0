// node-forge ships no types; the tests use it only as an independent oracle (PKCS#12, PBE, OAEP).
declare module 'node-forge';
