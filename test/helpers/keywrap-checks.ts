// Small helpers for the key-wrap suites: the error code a call throws (or 'none'), and hex.
import { ByokError } from '../../src/errors.js';
import { DECRYPT_FAILED_MESSAGE } from '../../src/core/instance.js';

/**
 * The ByokError code fn throws, 'none' if it returns, or 'not-a-ByokError'. A DECRYPT_FAILED error must
 * also carry the one generic message, or this reports 'DECRYPT_FAILED-with-another-message'.
 */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
    return 'none';
  } catch (e) {
    if (!(e instanceof ByokError)) return 'not-a-ByokError';
    if (e.code === 'DECRYPT_FAILED' && e.message !== DECRYPT_FAILED_MESSAGE) return 'DECRYPT_FAILED-with-another-message';
    return e.code;
  }
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
