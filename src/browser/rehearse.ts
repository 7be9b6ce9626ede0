// The Rehearse section: open a .byok with a test KEK's private key (unwrapByok, RSA-OAEP then AES-KWP in
// the Wasm core) and say whether it holds exactly a given key (verifyByok), or what it holds. Errors in
// the library's words: DECRYPT_FAILED and BYOK_KEK_MISMATCH next to the KEK private key, BYOK_KEY_MISMATCH
// next to the key.
import { isByokError } from '../errors.js';
import type { ParsedByok } from '../formats/azure.js';
import { wipeTargetKey } from '../keys/index.js';
import { readByok, readUnwrappedMaterial, unwrapByok, verifyByok } from '../transfer/index.js';
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
  let byok: ParsedByok | undefined;
  let ready = false;

  const found = (id: string) => (t: Parameters<typeof describeKind>[0] | undefined): void => {
    const el = byId(id, HTMLElement);
    el.textContent = t === undefined ? '' : `Found: ${describeKind(t)}.`;
    show(el, t !== undefined);
  };
  const kek: KeyField = keyField({ prefix: 'reh-kek', what: 'KEK private key file', onChange: () => update(), describe: found('reh-kek-found') });
  const key: KeyField = keyField({ prefix: 'reh-key', what: 'key file', onChange: () => update(), describe: found('reh-key-found') });

  function update(): void {
    check.disabled = !ready || byok === undefined || kek.target === undefined;
    clearButton.disabled = !ready;
    show(result, false);
    setError('reh-check', undefined);
  }

  async function loadByok(file: File): Promise<void> {
    byok = undefined;
    setError('reh-byok-file', undefined);
    update();
    try {
      const bytes = await readFileBytes(file, '.byok file', 64 * 1024);
      byok = readByok(bytes);
    } catch (e) {
      setError('reh-byok-file', errorText(e));
    }
    update();
  }

  fileField(byokInput, (file) => void loadByok(file));

  check.addEventListener('click', () => {
    setError('reh-check', undefined);
    setError('reh-kek-file', undefined);
    setError('reh-key-file', undefined);
    show(result, false);
    const privateKey = kek.target;
    if (byok === undefined || privateKey === undefined) return;
    try {
      if (privateKey.kind !== 'rsa') {
        // unwrapByok's own words for this mistake.
        unwrapByok(byok, privateKey.material);
      }
      const target = key.target;
      if (target !== undefined) {
        const v = verifyByok(byok, privateKey.material, target);
        result.textContent = v.match === 'exact'
          ? `Match: the .byok opens with this test KEK and holds exactly this ${describeKind(v)}.`
          : `Match: the .byok holds this ${describeKind(v)}, in another valid encoding.`;
      } else {
        const material = unwrapByok(byok, privateKey.material);
        try {
          const t = readUnwrappedMaterial(material);
          result.textContent = `The .byok opens with this test KEK and holds an ${describeKind(t)}. Choose the key it should hold to compare.`;
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
      kek.enable();
      key.enable();
      update();
    },
    clear,
  };
}
