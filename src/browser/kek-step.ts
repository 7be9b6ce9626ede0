// Step 1: the KEK and the destination. Azure's KEK is read with the library's readKek (every shape the CLI
// reads), the other clouds' wrapping keys with readWrappingKey (the cloud's JSON sets the destination, as
// `byok wrap` infers it). Shows the size and the SHA-256 fingerprint to compare out of band; for Azure takes
// the kid when the file names none and applies Azure's KEK rules (checkKekForAzure); for the other clouds
// shows the validity warnings and applies checkWrappingKeyFor with the chosen algorithm — so what the cloud
// would refuse is refused here, in the CLI's words. With a key attestation loaded (attest-field.ts), the KEK
// is accepted only when the attestation verifies for it.
import { isByokError } from '../errors.js';
import { checkKekForAzure, CLOUD_NAMES, readWrappingKey, wrappingKeyCloud, type Cloud, type Kek, type WrappingKey } from '../kek/index.js';
import { checkWrappingKeyFor, toKek } from '../transfer/index.js';
import { attestField } from './attest-field.js';
import { cloudOf, fillAlgorithms } from './clouds.js';
import { byId, errorText, fileField, readFileBytes, setError, show } from './dom.js';

/** Errors about the algorithm appear next to its picker. */
const ALGORITHM_CODES = new Set(['ALGORITHM_REQUIRED', 'UNSUPPORTED_ALGORITHM', 'ALGORITHM_MISMATCH', 'UNSUPPORTED_HASH']);

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
  'aws-json': 'get-parameters-for-import JSON',
  'gcp-json': 'import job JSON',
  'oci-json': 'OCI wrapping-key JSON',
  'vault-json': 'transit wrapping_key JSON',
};

export interface KekStep {
  /** The KEK, with its kid, once Azure's rules accept it; another cloud's wrapping key once its checks pass. */
  readonly kek: Kek | WrappingKey | undefined;
  /** The destination. */
  readonly cloud: Cloud;
  /** The other clouds: the chosen wrapping algorithm ('' when none is chosen). */
  readonly algorithm: string;
  enable(): void;
}

export function kekStep(onChange: () => void): KekStep {
  const input = byId('kek-file', HTMLInputElement);
  const details = byId('kek-details', HTMLElement);
  const kidInput = byId('kek-kid', HTMLInputElement);
  const kidHint = byId('kek-kid-hint', HTMLElement);
  const ok = byId('kek-ok', HTMLElement);
  const cloudSelect = byId('kek-cloud', HTMLSelectElement);
  const algorithmRow = byId('kek-algorithm-row', HTMLElement);
  const algorithm = byId('kek-algorithm', HTMLSelectElement);
  const warnings = byId('kek-warnings', HTMLElement);
  const kidRow = byId('kek-kid-row', HTMLElement);
  const kidHintDefault = Array.from(kidHint.childNodes, (n) => n.cloneNode(true));

  let read: Kek | undefined; // as read from the file
  let accepted: Kek | undefined; // with the kid, checked
  let fileBytes: Uint8Array | undefined; // the KEK file (public), read again when the destination changes
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
    const cloud = cloudOf(cloudSelect);
    if (cloud !== 'azure') return checkCloud(cloud, read as WrappingKey);
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

  /** Another cloud's wrapping key: its checks with the chosen algorithm (the attestation as for Azure). */
  function checkCloud(cloud: Exclude<Cloud, 'azure'>, k: WrappingKey): void {
    setError('kek-algorithm', undefined);
    try {
      const r = checkWrappingKeyFor(cloud, k, algorithm.value === '' ? {} : { algorithm: algorithm.value });
      setError('kek-file', undefined);
      const attested = attest.check(k);
      if (attested !== 'refused') {
        accepted = k;
        ok.textContent = `${CLOUD_NAMES[cloud]} takes this wrapping key: RSA-${k.bits}, ${r.algorithm}.${attested === 'verified' ? ' Its key attestation verifies.' : ''}`;
        show(ok, true);
      }
    } catch (e) {
      attest.clear();
      setError(isByokError(e) && ALGORITHM_CODES.has(e.code) ? 'kek-algorithm' : 'kek-file', errorText(e));
    }
    onChange();
  }

  /** Reads the KEK file for the chosen destination and shows what it is. */
  function readFor(bytes: Uint8Array): void {
    read = undefined;
    accepted = undefined;
    show(details, false);
    show(ok, false);
    setError('kek-file', undefined);
    setError('kek-kid', undefined);
    setError('kek-algorithm', undefined);
    const cloud = cloudOf(cloudSelect);
    show(kidRow, cloud === 'azure');
    show(algorithmRow, cloud !== 'azure');
    try {
      read = readWrappingKey(bytes, { cloud });
    } catch (e) {
      setError('kek-file', errorText(e));
      onChange();
      return;
    }
    const wk = read as WrappingKey;
    if (cloud !== 'azure') fillAlgorithms(algorithm, cloud, wk.cloud === 'gcp' ? wk.gcp.importMethod : undefined);
    const notes = wk.validity.warnings;
    warnings.textContent = notes.join(' ');
    show(warnings, notes.length > 0);
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
    if (cloud === 'azure' && accepted === undefined && read.kid === undefined) kidInput.focus();
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
    fileBytes = bytes;
    // A cloud's JSON says which cloud it is: the destination follows it (a bare public key keeps the choice).
    const found = wrappingKeyCloud(bytes);
    if (found !== undefined) cloudSelect.value = found;
    readFor(bytes);
  }

  fileField(input, (file) => void load(file));
  kidInput.addEventListener('input', () => check(false));
  kidInput.addEventListener('change', () => check(true));
  cloudSelect.addEventListener('change', () => {
    if (fileBytes !== undefined) readFor(fileBytes);
    else onChange();
  });
  algorithm.addEventListener('change', () => check(true));

  return {
    get kek() {
      return accepted;
    },
    get cloud() {
      return cloudOf(cloudSelect);
    },
    get algorithm() {
      return algorithm.value;
    },
    enable() {
      input.disabled = false;
      cloudSelect.disabled = false;
      attest.enable();
    },
  };
}
