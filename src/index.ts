// byok-toolkit library entry: re-exports only, no side effects at import.
export * as core from './core/index.js';
export { ByokError, isByokError, type ByokErrorCode } from './errors.js';
export * from './kek/index.js';
export * from './keys/index.js';
