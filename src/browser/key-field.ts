// A private-key file field: choose or drop the file, then (only when needed) a password field and a
// picker for files holding several keys. The file is read by key intake exactly as the CLI reads it;
// intake's errors drive what appears: PASSWORD_REQUIRED shows the password field, WRONG_PASSWORD an
// error beside it, MULTIPLE_KEYS the picker.
import { isByokError } from '../errors.js';
import { listKeys, readTargetKey, wipeTargetKey, type ReadTargetKeyOptions, type TargetKey } from '../keys/index.js';
import { byId, errorText, fileField, readFileBytes, setError, show } from './dom.js';

export interface KeyField {
  /** The key read from the file, once it was read. Owned by the field: wiped by clear(). */
  readonly target: TargetKey | undefined;
  /** The chosen file's name, for naming the output. */
  readonly fileName: string | undefined;
  /** Forgets everything: zeroes the file bytes and the key, empties the file input, password and picker. */
  clear(): void;
  /** Enables the file input once the core runs. */
  enable(): void;
}

export interface KeyFieldOptions {
  /** Element id prefix: <prefix>-file, <prefix>-password(-row), <prefix>-index(-row). */
  readonly prefix: string;
  /** How the CLI names this input in its messages ("key file"). */
  readonly what: string;
  /** Called whenever the field gains or loses a key. */
  readonly onChange: (field: KeyField) => void;
  /** Shows what was found (or hides it with undefined). */
  readonly describe: (target: TargetKey | undefined) => void;
}

/** "RSA-3072 private key", "EC P-256 private key", "Ed25519 private key", "AES-256 key", "HMAC-384 key". */
export function describeKind(t: { readonly kind: TargetKey['kind']; readonly bits: number; readonly curve?: string | undefined; readonly keyType?: string | undefined }): string {
  if (t.kind === 'rsa') return `RSA-${t.bits} private key`;
  if (t.kind === 'ec') return `EC ${t.curve ?? `${t.bits}-bit`} private key`;
  if (t.kind === 'ed25519') return 'Ed25519 private key';
  return `${t.keyType === 'hmac' ? 'HMAC' : 'AES'}-${t.bits} key`;
}

export function keyField(opts: KeyFieldOptions): KeyField {
  const { prefix } = opts;
  const input = byId(`${prefix}-file`, HTMLInputElement);
  const passwordRow = byId(`${prefix}-password-row`, HTMLFormElement);
  const password = byId(`${prefix}-password`, HTMLInputElement);
  const indexRow = byId(`${prefix}-index-row`, HTMLElement);
  const picker = byId(`${prefix}-index`, HTMLSelectElement);

  let bytes: Uint8Array | undefined;
  let fileName: string | undefined;
  let target: TargetKey | undefined;
  let generation = 0; // a newer file supersedes a read still in progress

  const field: KeyField = {
    get target() {
      return target;
    },
    get fileName() {
      return fileName;
    },
    clear() {
      generation++;
      forgetKey();
      bytes?.fill(0);
      bytes = undefined;
      fileName = undefined;
      input.value = '';
      resetExtras();
      setError(`${prefix}-file`, undefined);
      opts.describe(undefined);
      opts.onChange(field);
    },
    enable() {
      input.disabled = false;
    },
  };

  function forgetKey(): void {
    if (target !== undefined) wipeTargetKey(target);
    target = undefined;
  }

  function resetExtras(): void {
    password.value = '';
    show(passwordRow, false);
    setError(`${prefix}-password`, undefined);
    picker.replaceChildren();
    show(indexRow, false);
    setError(`${prefix}-index`, undefined);
  }

  function readOptions(): ReadTargetKeyOptions & { password?: string } {
    const o: { password?: string; keyIndex?: number } = {};
    if (!passwordRow.hidden) o.password = password.value;
    if (!indexRow.hidden && picker.value !== '') o.keyIndex = Number(picker.value);
    return o;
  }

  function fillPicker(data: Uint8Array, pw: string | undefined): void {
    const keys = listKeys(data, pw);
    const choose = document.createElement('option');
    choose.value = '';
    choose.textContent = `Choose one of ${keys.length} keys`;
    const options = keys.map((k) => {
      const o = document.createElement('option');
      o.value = String(k.index);
      const kind = k.kind === 'rsa' ? 'RSA' : k.kind === 'ec' ? 'EC' : k.kind === 'oct' ? 'AES' : k.kind;
      o.textContent = `Key ${k.index}${k.friendlyName === undefined ? '' : ` "${k.friendlyName}"`}: ${kind}`;
      return o;
    });
    picker.replaceChildren(choose, ...options);
    show(indexRow, true);
  }

  /** Reads the key with what the user has given so far, and shows what is still needed. */
  function read(): void {
    forgetKey();
    opts.describe(undefined);
    if (bytes === undefined) return;
    setError(`${prefix}-file`, undefined);
    setError(`${prefix}-password`, undefined);
    setError(`${prefix}-index`, undefined);
    const o = readOptions();
    try {
      target = readTargetKey(bytes, o);
      // The password did its work: drop it now, unless the picker may need it again for another key.
      if (!passwordRow.hidden && indexRow.hidden) {
        password.value = '';
        show(passwordRow, false);
      }
      opts.describe(target);
    } catch (e) {
      if (isByokError(e, 'PASSWORD_REQUIRED') && passwordRow.hidden) {
        show(passwordRow, true);
        password.focus();
      } else if (isByokError(e, 'PASSWORD_REQUIRED') || isByokError(e, 'WRONG_PASSWORD')) {
        setError(`${prefix}-password`, errorText(e));
        password.select();
        password.focus();
      } else if (isByokError(e, 'MULTIPLE_KEYS') && o.keyIndex === undefined) {
        try {
          fillPicker(bytes, o.password);
          picker.focus();
        } catch (e2) {
          setError(`${prefix}-file`, errorText(e2));
        }
      } else if (o.keyIndex !== undefined && !indexRow.hidden) {
        setError(`${prefix}-index`, errorText(e));
      } else {
        setError(`${prefix}-file`, errorText(e));
      }
    }
    opts.onChange(field);
  }

  async function load(file: File): Promise<void> {
    const mine = ++generation;
    forgetKey();
    bytes?.fill(0);
    bytes = undefined;
    resetExtras();
    opts.describe(undefined);
    setError(`${prefix}-file`, undefined);
    let data: Uint8Array;
    try {
      data = await readFileBytes(file, opts.what);
    } catch (e) {
      setError(`${prefix}-file`, errorText(e));
      opts.onChange(field);
      return;
    }
    if (mine !== generation) {
      data.fill(0);
      return;
    }
    bytes = data;
    fileName = file.name;
    read();
  }

  fileField(input, (file) => void load(file), () => field.clear());
  passwordRow.addEventListener('submit', (ev) => {
    ev.preventDefault();
    read();
  });
  picker.addEventListener('change', () => {
    if (picker.value !== '') read();
  });
  return field;
}
