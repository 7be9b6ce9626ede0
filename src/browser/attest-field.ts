// The KEK step's key attestation: an optional attestation file, the root certificates, optional pins.
// The verdict is the library's (verifyKeyAttestation, the same code as `byok attest`) and its words are
// the CLI's (attestationReport). Once an attestation is loaded, the KEK step accepts its KEK only when the
// attestation verifies for exactly that key and kid, as `byok wrap --attestation` does.
// Azure only: the page wraps for Azure, and leaving the Cloud KMS reader out keeps its gzip code off the page.
import { AZURE } from '../attest/azure.js';
import { attestationReport } from '../attest/report.js';
import type { KeyAttestationResult } from '../attest/types.js';
import { verifyAttestationWith } from '../attest/verify.js';
import { ByokError } from '../errors.js';
import type { Kek } from '../kek/index.js';
import { byId, errorText, fileField, readFileBytes, setError, show } from './dom.js';

const MAX_BYTES = 1024 * 1024;

export interface AttestField {
  /**
   * 'none' when no attestation was given (nothing to require), else whether it verifies for `kek`
   * (an unreadable attestation, roots file or pin is 'refused' too). Shows the verdict.
   */
  check(kek: Kek): 'none' | 'verified' | 'refused';
  /** Hides the result (no KEK to verify for). */
  clear(): void;
  enable(): void;
}

export function attestField(onChange: () => void): AttestField {
  const attInput = byId('kek-att-file', HTMLInputElement);
  const rootsInput = byId('kek-roots-file', HTMLInputElement);
  const pinsInput = byId('kek-pins', HTMLInputElement);
  const result = byId('kek-att-result', HTMLElement);
  const verdictEl = byId('kek-att-verdict', HTMLElement);
  const reportEl = byId('kek-att-report', HTMLElement);
  let attestation: Uint8Array | undefined;
  let roots: Uint8Array | undefined;
  // One verification per (inputs, KEK, kid): the KEK step re-checks on every keystroke in the kid field.
  let memo: { key: string; value: KeyAttestationResult | ByokError } | undefined;
  // Inputs whose file could not be read (too large): the KEK is refused until they are fixed or cleared.
  const unreadable = new Set<string>();

  /** Wires a file input to `set`: its bytes once read, undefined while reading, on error or when cleared. */
  function fileInput(input: HTMLInputElement, set: (b: Uint8Array | undefined) => void, what: string): void {
    let generation = 0; // a later choice wins over a slower earlier read
    const changed = (b: Uint8Array | undefined, broken = false): void => {
      set(b);
      if (broken) unreadable.add(input.id);
      else unreadable.delete(input.id);
      memo = undefined;
      onChange();
    };
    fileField(input, (file) => {
      const mine = ++generation;
      changed(undefined);
      setError(input.id, undefined);
      readFileBytes(file, what, MAX_BYTES).then(
        (bytes) => mine === generation && changed(bytes),
        (e: unknown) => {
          if (mine !== generation) return;
          changed(undefined, true);
          setError(input.id, errorText(e));
        },
      );
    }, () => changed(undefined));
  }

  fileInput(attInput, (b) => (attestation = b), 'attestation file');
  fileInput(rootsInput, (b) => (roots = b), 'root certificates file');
  pinsInput.addEventListener('change', () => {
    memo = undefined;
    onChange();
  });

  function show1(r: KeyAttestationResult | undefined, error?: string): void {
    if (r === undefined && error === undefined) {
      show(result, false);
      return;
    }
    const lines = r === undefined ? [] : attestationReport(r);
    verdictEl.textContent = error ?? lines[0] ?? '';
    verdictEl.className = r?.verified === true ? 'ok' : 'error';
    reportEl.textContent = lines.slice(1).join('\n').trim();
    show(reportEl, lines.length > 1);
    show(result, true);
  }

  return {
    check(kek) {
      if (unreadable.size > 0) {
        show1(undefined, 'A file of the attestation could not be read, so this KEK is not accepted.');
        return 'refused';
      }
      if (attestation === undefined) {
        show1(undefined);
        return 'none';
      }
      const pins = pinsInput.value.split(',').map((p) => p.trim()).filter((p) => p !== '');
      const key = `${kek.fingerprint.hex}|${kek.kid ?? ''}|${pins.join(',')}`;
      if (memo?.key !== key) {
        let value: KeyAttestationResult | ByokError;
        try {
          value = verifyAttestationWith([AZURE], attestation, {
            kek,
            roots: roots === undefined ? [] : [roots],
            ...(pins.length === 0 ? {} : { anchors: { marvell: pins, google: pins } }),
          });
        } catch (e) {
          if (!(e instanceof ByokError)) throw e;
          value = e;
        }
        memo = { key, value };
      }
      const v = memo.value;
      if (v instanceof ByokError) {
        const field = v.code === 'INVALID_ARGUMENT' ? 'kek-pins' : v.path?.startsWith('roots') === true ? 'kek-roots-file' : 'kek-att-file';
        setError(field, errorText(v));
        show1(undefined, 'The attestation could not be read, so this KEK is not accepted.');
        return 'refused';
      }
      for (const id of ['kek-att-file', 'kek-roots-file', 'kek-pins']) setError(id, undefined);
      show1(v);
      return v.verified ? 'verified' : 'refused';
    },
    clear() {
      show1(undefined);
    },
    enable() {
      attInput.disabled = false;
      rootsInput.disabled = false;
    },
  };
}
