// Password-based decryption for key intake (docs/ARCHITECTURE.md, "Password-based decryption"):
// encrypted PKCS#8 (PBES2, PBES1, PKCS#12 PBE), legacy DEK-Info PEM, and PKCS#12 containers.
export { decryptPkcs8, describePkcs8Encryption } from './pkcs8.js';
export { decryptLegacyPem } from './legacy-pem.js';
export { inspectPkcs12, readPkcs12, type Pkcs12Contents, type Pkcs12Key, type Pkcs12Summary } from './pkcs12.js';
