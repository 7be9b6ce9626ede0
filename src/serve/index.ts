// `byok serve`: what the CLI's serve command (and tests, and scripts that embed the server) use.
// A separate entry from the library (src/index.ts): the library stays free of the server's dependencies.
export { startServer, type RunningServer, type ServeOptions } from './server.js';
export { verifyAuditLog, type AuditVerdict } from './audit.js';
export { addPrincipal, type PrincipalFile } from './principals.js';
export { dataPaths } from './data-dir.js';
export { BUILT_IN_ROLES, findBuiltInRole } from './roles.js';
