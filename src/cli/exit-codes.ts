// Exit codes of every `byok` command (issue 4): scripts branch on them, so they never change meaning.
import { ByokError, type ByokErrorCode } from '../errors.js';

export const EXIT_OK = 0;
/** A check ran and failed: the blob does not open to that key, the KEK is not acceptable to Azure, … */
export const EXIT_CHECK_FAILED = 1;
/** Bad usage or bad input: unknown option, missing file, malformed key, wrong password, … */
export const EXIT_BAD_INPUT = 2;
/** A bug or an environment fault: the core's self-test failed, an unexpected exception. */
export const EXIT_INTERNAL = 3;

/** Stopped by Ctrl-C (SIGINT) or SIGTERM after a clean finish (batch): 128 + the signal number, as shells do. */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

export type ExitCode = typeof EXIT_OK | typeof EXIT_CHECK_FAILED | typeof EXIT_BAD_INPUT | typeof EXIT_INTERNAL | typeof EXIT_SIGINT | typeof EXIT_SIGTERM;

const INTERNAL_CODES: ReadonlySet<ByokErrorCode> = new Set<ByokErrorCode>([
  'CORE_NOT_INITIALIZED', 'CORE_SELFTEST_FAILED', 'CORE_INTERNAL', 'FAULT_DETECTED',
]);

/**
 * Exit code for an error. `checkCodes` are the codes that mean "the check this command performs failed"
 * for the command at hand (e.g. DECRYPT_FAILED for `verify`), which are bad input for others.
 */
export function exitCodeFor(e: unknown, checkCodes: ReadonlySet<ByokErrorCode> = new Set()): ExitCode {
  if (!(e instanceof ByokError)) return EXIT_INTERNAL;
  if (INTERNAL_CODES.has(e.code)) return EXIT_INTERNAL;
  if (checkCodes.has(e.code)) return EXIT_CHECK_FAILED;
  return EXIT_BAD_INPUT;
}

export const EXIT_CODES_HELP = 'Exit codes: 0 success, 1 a check failed, 2 bad usage or bad input, 3 internal error.';
