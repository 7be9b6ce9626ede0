// Step 1: the KEK. Read with the library's readKek (every shape the CLI reads), show its size and the
// SHA-256 fingerprint to compare out of band, take the kid when the file names none, and apply Azure's
// KEK rules (checkKekForAzure) so a KEK Azure would refuse is refused here, in the CLI's words. With a key
// attestation loaded (attest-field.ts), the KEK is accepted only when the attestation verifies for it.
import { isByokError } from '../errors.js';
import { checkKekForAzure, readKek, type Kek } from '../kek/index.js';
import { toKek } from '../transfer/index.js';
import { attestField } from './attest-field.js';
import { byId, errorText, fileField, readFileBytes, setError, show } from './dom.js';

/** Errors about the kid appear next to the kid field; every other one next to the KEK file. */
const KID_CODES = new Set(['KEK_KID_MISSING', 'KEK_KID_INVALID', 'KEK_KID_UNVERSIONED', 'KEK_KID_MISMATCH', 'BYOK_KID_MISMATCH', 'BYOK_BAD_KID']);

const SOURCES: Record<string, string> = {
  'spki-pem': 'public key PEM',
  'spki-der': 'public key DER',
  'pkcs1-pem': 'PKCS#1 public key PEM',
  'pkcs1-der': 'PKCS#1 public key DER',
  x509: 'certificate',
  jwk: 'JWK',
  'azure-json': 'Key Vault JSON',
  'azure-sdk': 'Key Vault SDK object',
};

export interface KekStep {
  /** The KEK, with its kid, once Azure's rules accept it. */
  readonly kek: Kek | undefined;
  enable(): void;
}

export function kekStep(onChange: () => void): KekStep {
  const input = byId('kek-file', HTMLInputElement);
  const details = byId('kek-details', HTMLElement);
  const kidInput = byId('kek-kid', HTMLInputElement);
  const kidHint = byId('kek-kid-hint', HTMLElement);
  const ok = byId('kek-ok', HTMLElement);
  const kidHintDefault = Array.from(kidHint.childNodes, (n) => n.cloneNode(true));

  let read: Kek | undefined; // as read from the file
  let accepted: Kek | undefined; // with the kid, checked
  let generation = 0;
  const attest = attestField(() => check(false));

  /** Applies the kid and Azure's rules; `loud` shows a kid error (on change, not on every keystroke). */
  function check(loud: boolean): void {
    accepted = undefined;
    show(ok, false);
    if (read === undefined) {
      attest.clear();
      return onChange();
    }
    const kid = kidInput.value.trim();
    try {
      const k = kid === '' || read.kid !== undefined ? read : toKek(read, kid);
      checkKekForAzure(k, { requireKid: true });
      setError('kek-kid', undefined);
      setError('kek-file', undefined);
      const attested = attest.check(k);
      if (attested !== 'refused') {
        accepted = k;
        ok.textContent = `Azure accepts this KEK: RSA-${k.bits}, kid ${k.kid ?? ''}.${attested === 'verified' ? ' Its key attestation verifies.' : ''}`;
        show(ok, true);
      }
    } catch (e) {
      attest.clear();
      const code = isByokError(e) ? e.code : '';
      if (KID_CODES.has(code)) {
        // While typing, only an error already shown is kept current; a new one waits for `change`.
        if (loud || kidInput.getAttribute('aria-invalid') === 'true') setError('kek-kid', errorText(e));
      } else {
        setError('kek-file', errorText(e));
      }
    }
    onChange();
  }

  async function load(file: File): Promise<void> {
    const mine = ++generation;
    read = undefined;
    accepted = undefined;
    show(details, false);
    setError('kek-file', undefined);
    setError('kek-kid', undefined);
    onChange();
    let bytes: Uint8Array;
    try {
      bytes = await readFileBytes(file, 'KEK file', 1024 * 1024);
    } catch (e) {
      setError('kek-file', errorText(e));
      return;
    }
    if (mine !== generation) return;
    try {
      read = readKek(bytes);
    } catch (e) {
      setError('kek-file', errorText(e));
      return;
    }
    byId('kek-size', HTMLElement).textContent = `RSA ${read.bits} bits (read as ${SOURCES[read.source] ?? read.source})`;
    byId('kek-fingerprint', HTMLElement).textContent = read.fingerprint.grouped; // read aloud in groups
    if (read.kid !== undefined) {
      kidInput.value = read.kid;
      kidInput.readOnly = true;
      kidHint.textContent = 'Named by the KEK file.';
    } else {
      kidInput.value = '';
      kidInput.readOnly = false;
      kidHint.replaceChildren(...kidHintDefault.map((n) => n.cloneNode(true)));
    }
    show(details, true);
    check(false);
    if (accepted === undefined && read.kid === undefined) kidInput.focus();
  }

  fileField(input, (file) => void load(file));
  kidInput.addEventListener('input', () => check(false));
  kidInput.addEventListener('change', () => check(true));

  return {
    get kek() {
      return accepted;
    },
    enable() {
      input.disabled = false;
      attest.enable();
    },
  };
}
