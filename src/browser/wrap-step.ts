// Steps 2 and 3: the key to import and the Wrap button. Wrapping is the library's wrapForAzure, or wrapFor
// for the other clouds (the calls the CLI makes); the file is downloaded as <name>.byok (<name>.aws.bin and
// <name>.aws.ImportToken.bin, .gcp.bin, .oci.json, .vault.b64), the import command is shown, and then the
// key, its password and the file field are cleared from the page.
import { ByokError } from '../errors.js';
import type { Kek } from '../kek/index.js';
import { namedWrapOptions } from '../transfer/cloud-options.js';
import { wrapFor, wrapForAzure, type CloudWrapResult } from '../transfer/index.js';
import { EXTENSIONS } from './clouds.js';
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
      describeImport();
      nameInput.value = keyNameFromFile(key.fileName ?? '');
      setError('key-name', undefined);
    },
  });

  /** The destination's words for the key: Azure's kty and operations, or what another cloud imports it as. */
  function describeImport(): void {
    const t = key.target;
    if (t === undefined) return;
    // Azure's words; another cloud's (what it imports the key as, or why not) come with the wrap.
    const azure = kek.cloud === 'azure';
    for (const id of ['key-kty-label', 'key-kty', 'key-ops-label', 'key-ops']) show(byId(id, HTMLElement), azure);
    const az = t.azure;
    byId('key-kty', HTMLElement).textContent = az === undefined ? 'none: Azure does not import this key type' : az.crv === undefined ? az.kty : `${az.kty}, curve ${az.crv}`;
    byId('key-ops', HTMLElement).textContent = az?.keyOps.join(' ') ?? '';
  }

  function update(): void {
    describeImport();
    const missing = [kek.kek === undefined ? (kek.cloud === 'azure' ? 'the KEK with its kid' : 'the wrapping key and its algorithm') : '', key.target === undefined ? 'the key' : '']
      .filter((s) => s !== '');
    button.disabled = !ready || missing.length > 0;
    hint.textContent = missing.length > 0
      ? `Load ${missing.join(' and ')} first.`
      : `Wrapping happens in this page; the ${kek.cloud === 'azure' ? '.byok file is' : 'file to import is'} saved by your browser as a download.`;
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
      const cloud = kek.cloud;
      let saved: string;
      if (cloud === 'azure') {
        const fileName = `${name}.byok`;
        const r = wrapForAzure(k as Kek, target, { keyName: name, byokPath: fileName });
        bytes = r.bytes;
        downloadBytes(bytes, fileName);
        saved = `Saved ${fileName} (${bytes.length} bytes): your ${describeKind(r.summary.target)}, wrapped for KEK ${r.summary.kek.kid}.`;
        command.textContent = r.azCommand;
      } else {
        const token = `${name}.aws.ImportToken.bin`;
        const r = wrapFor(cloud, k, target, namedWrapOptions(cloud, {
          name, path: `${name}${EXTENSIONS[cloud]}`, tokenPath: token, ...(kek.algorithm === '' ? {} : { algorithm: kek.algorithm }),
        })) as CloudWrapResult;
        bytes = r.bytes;
        downloadBytes(bytes, `${name}${EXTENSIONS[cloud]}`);
        if (r.cloud === 'aws' && r.importToken !== undefined) downloadBytes(r.importToken, token);
        saved = `Saved ${name}${EXTENSIONS[cloud]} (${bytes.length} bytes${r.cloud === 'aws' && r.importToken !== undefined ? `; and ${token}` : ''}): your ${describeKind(target)}, for ${r.summary.kek.id ?? 'the wrapping key'} with ${r.algorithm}, to import as ${r.summary.target.importAs}.${r.warnings.map((w) => ` Warning: ${w}`).join('')}`;
        command.textContent = r.command;
      }
      performance.mark('byok-wrap-done');
      done.textContent = saved;
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
