// What a call throws, for tests that tabulate outcomes: the ByokError code, or 'ok' when it returns.
// Anything other than a ByokError is rethrown, so an unexpected exception fails the test as itself.
import { ByokError, type ByokErrorCode } from '../../src/errors.js';

export function codeOf(fn: () => unknown): ByokErrorCode | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof ByokError) return e.code;
    throw e;
  }
}

/** The ByokError the call throws; fails when it returns or throws something else. */
export function errorOf(fn: () => unknown): ByokError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ByokError) return e;
    throw e;
  }
  throw new Error('expected a ByokError');
}
