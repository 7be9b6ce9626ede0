// Steps 2 and 3: the key to import and the Wrap button. Wrapping is the library's wrapForAzure (the same
// call the CLI makes), the .byok is downloaded as <name>.byok, the az command is shown, and then the key,
// its password and the file field are cleared from the page.
import { ByokError } from '../errors.js';
import { wrapForAzure } from '../transfer/index.js';
import { byId, errorText, setError, show } from './dom.js';
import { downloadBytes } from './download.js';
import type { KekStep } from './kek-step.js';
import { describeKind, keyField, type KeyField } from './key-field.js';

/** Azure key names: 1 to 127 letters, digits and dashes. */
const KEY_NAME = /^[0-9A-Za-z-]{1,127}$/;

/** A key name from a file name: "prod signing key.p12" -> "prod-signing-key". */
export function keyNameFromFile(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, '');
  const name = base.replace(/[^0-9A-Za-z-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 127);
  return name === '' ? 'imported-key' : name;
}

function checkKeyName(name: string): void {
  if (!KEY_NAME.test(name)) {
    throw new ByokError('INVALID_ARGUMENT', `the key name ${JSON.stringify(name.slice(0, 130))} is not a valid Azure key name: use 1 to 127 letters, digits and dashes`);
  }
}

export interface WrapStep {
  readonly key: KeyField;
  enable(): void;
  update(): void;
}

export function wrapStep(kek: KekStep): WrapStep {
  const button = byId('wrap', HTMLButtonElement);
  const hint = byId('wrap-hint', HTMLElement);
  const nameInput = byId('key-name', HTMLInputElement);
  const details = byId('key-details', HTMLElement);
  const result = byId('wrap-result', HTMLElement);
  const done = byId('wrap-done', HTMLElement);
  const command = byId('wrap-command', HTMLElement);
  let ready = false;

  const key = keyField({
    prefix: 'key',
    what: 'key file',
    onChange: () => update(),
    describe: (t) => {
      show(details, t !== undefined);
      if (t === undefined) return;
      show(result, false);
      const from = t.source.format + (t.source.friendlyName === undefined ? '' : `, "${t.source.friendlyName}"`);
      byId('key-found', HTMLElement).textContent = `${describeKind(t)} (read as ${from})`;
      const az = t.azure;
      byId('key-kty', HTMLElement).textContent = az === undefined ? 'none: Azure does not import this key type' : az.crv === undefined ? az.kty : `${az.kty}, curve ${az.crv}`;
      byId('key-ops', HTMLElement).textContent = az?.keyOps.join(' ') ?? '';
      nameInput.value = keyNameFromFile(key.fileName ?? '');
      setError('key-name', undefined);
    },
  });

  function update(): void {
    const missing = [kek.kek === undefined ? 'the KEK with its kid' : '', key.target === undefined ? 'the key' : '']
      .filter((s) => s !== '');
    button.disabled = !ready || missing.length > 0;
    hint.textContent = missing.length > 0
      ? `Load ${missing.join(' and ')} first.`
      : 'Wrapping happens in this page; the .byok file is saved by your browser as a download.';
  }

  nameInput.addEventListener('input', () => setError('key-name', undefined));

  button.addEventListener('click', () => {
    setError('wrap', undefined);
    const k = kek.kek;
    const target = key.target;
    if (k === undefined || target === undefined) return;
    const name = nameInput.value.trim();
    try {
      checkKeyName(name);
    } catch (e) {
      setError('key-name', errorText(e));
      nameInput.focus();
      return;
    }
    performance.mark('byok-wrap-start');
    let bytes: Uint8Array | undefined;
    try {
      const fileName = `${name}.byok`;
      const r = wrapForAzure(k, target, { keyName: name, byokPath: fileName });
      bytes = r.bytes;
      downloadBytes(bytes, fileName);
      performance.mark('byok-wrap-done');
      const what = describeKind(r.summary.target);
      done.textContent = `Saved ${fileName} (${bytes.length} bytes): your ${what}, wrapped for KEK ${r.summary.kek.kid}.`;
      command.textContent = r.azCommand;
      show(result, true);
      // Drop the key: zero it and its file, empty the fields (the KEK is public and stays for the next key).
      key.clear();
      nameInput.value = '';
      done.focus();
    } catch (e) {
      setError('wrap', errorText(e));
    } finally {
      bytes?.fill(0);
    }
  });

  byId('wrap-copy', HTMLButtonElement).addEventListener('click', () => {
    const text = command.textContent ?? '';
    // Clipboard access may be refused for a page opened from disk; selecting the text is the fallback.
    const select = (): void => {
      const range = document.createRange();
      range.selectNodeContents(command);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
    };
    if (navigator.clipboard === undefined) return select();
    navigator.clipboard.writeText(text).catch(select);
  });

  return {
    key,
    enable() {
      ready = true;
      key.enable();
      update();
    },
    update,
  };
}
