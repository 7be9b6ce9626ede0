// The Rehearse section: open a .byok (or another cloud's wrapped-key file) with a test KEK's private key
// (unwrapByok / unwrapFor, in the Wasm core) and say whether it holds exactly a given key (verifyByok /
// verifyFor), or what it holds. Errors in the library's words: DECRYPT_FAILED and BYOK_KEK_MISMATCH next to
// the KEK private key, BYOK_KEY_MISMATCH next to the key.
import { isByokError } from '../errors.js';
import type { ParsedByok } from '../formats/azure.js';
import { wipeTargetKey, type TargetKey } from '../keys/index.js';
import { readByok, readUnwrappedMaterial, unwrapByok, unwrapFor, verifyByok, verifyFor, type VerifyResult } from '../transfer/index.js';
import { cloudOf, fillAlgorithms } from './clouds.js';
import { byId, errorText, fileField, readFileBytes, setError, show } from './dom.js';
import { describeKind, keyField, type KeyField } from './key-field.js';

export interface RehearseStep {
  enable(): void;
  /** Forgets the .byok and zeroes both keys. */
  clear(): void;
}

export function rehearseStep(): RehearseStep {
  const byokInput = byId('reh-byok-file', HTMLInputElement);
  const check = byId('reh-check', HTMLButtonElement);
  const clearButton = byId('reh-clear', HTMLButtonElement);
  const result = byId('reh-result', HTMLElement);
  const cloudSelect = byId('reh-cloud', HTMLSelectElement);
  cloudSelect.replaceChildren(...Array.from(byId('kek-cloud', HTMLSelectElement).options, (o) => o.cloneNode(true)));
  const algorithmRow = byId('reh-algorithm-row', HTMLElement);
  const algorithm = byId('reh-algorithm', HTMLSelectElement);
  let fileBytes: Uint8Array | undefined; // the wrapped file (not secret)
  let byok: ParsedByok | undefined; // Azure: parsed when loaded, so a wrong file is named at once
  let ready = false;

  const found = (id: string) => (t: Parameters<typeof describeKind>[0] | undefined): void => {
    const el = byId(id, HTMLElement);
    el.textContent = t === undefined ? '' : `Found: ${describeKind(t)}.`;
    show(el, t !== undefined);
  };
  const kek: KeyField = keyField({ prefix: 'reh-kek', what: 'KEK private key file', onChange: () => update(), describe: found('reh-kek-found') });
  const key: KeyField = keyField({ prefix: 'reh-key', what: 'key file', onChange: () => update(), describe: found('reh-key-found') });

  function update(): void {
    check.disabled = !ready || (cloudOf(cloudSelect) === 'azure' ? byok === undefined : fileBytes === undefined) || kek.target === undefined;
    clearButton.disabled = !ready;
    show(result, false);
    setError('reh-check', undefined);
  }

  /** Parses the file for the chosen destination (Azure: the .byok; the others are read when opened). */
  function parse(): void {
    byok = undefined;
    setError('reh-byok-file', undefined);
    const cloud = cloudOf(cloudSelect);
    show(algorithmRow, cloud !== 'azure' && cloud !== 'oci'); // OCI's file names its algorithm
    if (cloud !== 'azure' && cloud !== 'oci') fillAlgorithms(algorithm, cloud);
    if (cloud === 'azure' && fileBytes !== undefined) {
      try {
        byok = readByok(fileBytes);
      } catch (e) {
        setError('reh-byok-file', errorText(e));
      }
    }
    update();
  }

  async function loadByok(file: File): Promise<void> {
    fileBytes = undefined;
    byok = undefined;
    setError('reh-byok-file', undefined);
    update();
    try {
      fileBytes = await readFileBytes(file, 'wrapped key file', 64 * 1024);
    } catch (e) {
      setError('reh-byok-file', errorText(e));
    }
    parse();
  }

  fileField(byokInput, (file) => void loadByok(file));
  cloudSelect.addEventListener('change', parse);
  algorithm.addEventListener('change', update);

  /** Opens the file with the test private key: the .byok, or another cloud's file with the chosen algorithm. */
  function open(priv: Uint8Array): Uint8Array {
    const cloud = cloudOf(cloudSelect);
    if (cloud === 'azure') return unwrapByok(byok!, priv);
    return unwrapFor(cloud, fileBytes!, priv, algorithm.value === '' || cloud === 'oci' ? {} : { algorithm: algorithm.value });
  }

  function verify(priv: Uint8Array, target: TargetKey): VerifyResult {
    const cloud = cloudOf(cloudSelect);
    if (cloud === 'azure') return verifyByok(byok!, priv, target);
    return verifyFor(cloud, fileBytes!, priv, target, algorithm.value === '' || cloud === 'oci' ? {} : { algorithm: algorithm.value });
  }

  check.addEventListener('click', () => {
    setError('reh-check', undefined);
    setError('reh-kek-file', undefined);
    setError('reh-key-file', undefined);
    show(result, false);
    const privateKey = kek.target;
    if (check.disabled || privateKey === undefined) return;
    const what = cloudOf(cloudSelect) === 'azure' ? 'The .byok' : 'The file';
    try {
      if (privateKey.kind !== 'rsa') {
        // unwrapByok's own words for this mistake.
        open(privateKey.material);
      }
      const target = key.target;
      if (target !== undefined) {
        const v = verify(privateKey.material, target);
        const kind = describeKind({ ...v, keyType: target.keyType });
        result.textContent = v.match === 'exact'
          ? `Match: ${what.toLowerCase()} opens with this test KEK and holds exactly this ${kind}.`
          : `Match: ${what.toLowerCase()} holds this ${kind}, in another valid encoding.`;
      } else {
        const material = open(privateKey.material);
        try {
          const t = readUnwrappedMaterial(material);
          result.textContent = `${what} opens with this test KEK and holds an ${describeKind(t)}. Choose the key it should hold to compare.`;
          wipeTargetKey(t);
        } finally {
          material.fill(0);
        }
      }
      show(result, true);
    } catch (e) {
      if (isByokError(e, 'DECRYPT_FAILED') || isByokError(e, 'INVALID_PRIVATE_KEY') || isByokError(e, 'BYOK_KEK_MISMATCH')) {
        setError('reh-kek-file', errorText(e));
      }
      else if (isByokError(e, 'BYOK_KEY_MISMATCH')) setError('reh-key-file', errorText(e));
      else setError('reh-check', errorText(e));
    }
  });

  function clear(): void {
    byok = undefined;
    fileBytes = undefined;
    byokInput.value = '';
    setError('reh-byok-file', undefined);
    kek.clear();
    key.clear();
    update();
  }
  clearButton.addEventListener('click', clear);

  return {
    enable() {
      ready = true;
      byokInput.disabled = false;
      cloudSelect.disabled = false;
      kek.enable();
      key.enable();
      update();
    },
    clear,
  };
}
