// Small DOM helpers for the page. Text only (textContent, createElement): the page's CSP enforces Trusted
// Types with no policy, so any HTML sink would throw, and no file name or key label can become markup.
import { ByokError, isByokError } from '../errors.js';

/** The element with this id, checked to be of the expected kind (a template mistake fails loudly). */
export function byId<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }): T {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`page template: #${id} is missing or not a ${kind.name}`);
  return el;
}

export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}

/**
 * The words shown for an error: a ByokError's own message, exactly as the CLI prints it (without the
 * CLI's "key file <path>:" prefix, since the message sits next to the field it concerns).
 */
export function errorText(e: unknown): string {
  if (isByokError(e)) return e.message.replace(/\s*\n\s*/g, ' ');
  const detail = e instanceof Error ? e.message : String(e);
  return `internal error: ${detail.replace(/\s*\n\s*/g, ' ')} (please report it)`;
}

/**
 * Shows `message` in the error paragraph `#<id>-error` next to `#<id>` (or hides it when undefined),
 * and marks the control invalid for assistive technology.
 */
export function setError(id: string, message: string | undefined): void {
  const p = byId(`${id}-error`, HTMLElement);
  p.textContent = message ?? '';
  // Announced when it appears (the paragraph is already referenced by the control's aria-describedby).
  if (message === undefined) p.removeAttribute('role');
  else p.setAttribute('role', 'alert');
  show(p, message !== undefined);
  const control = document.getElementById(id);
  if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement || control instanceof HTMLButtonElement) {
    if (message === undefined) control.removeAttribute('aria-invalid');
    else control.setAttribute('aria-invalid', 'true');
  }
}

/** Largest file read, as the CLI (16 MiB): a key file is a few KB; anything larger is the wrong file. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** The bytes of a chosen or dropped file. The caller zeroes them when done. */
export async function readFileBytes(file: File, what: string, maxBytes = MAX_FILE_BYTES): Promise<Uint8Array> {
  if (file.size > maxBytes) {
    // Same words as the CLI's INPUT_TOO_LARGE.
    throw new ByokError('INPUT_TOO_LARGE', `${what} ${JSON.stringify(file.name)} is ${file.size} bytes, more than the ${maxBytes} this tool reads: check that it is the right file`);
  }
  return new Uint8Array(await file.arrayBuffer());
}

/**
 * Makes `zone` accept a dropped file for the file input inside it. The input stays the keyboard and
 * screen-reader way in; dropping is a shortcut for the mouse.
 */
function dropZone(zone: HTMLElement, onFile: (file: File) => void): void {
  let depth = 0;
  zone.addEventListener('dragenter', (ev) => {
    ev.preventDefault();
    depth++;
    zone.classList.add('over');
  });
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove('over');
  });
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    depth = 0;
    zone.classList.remove('over');
    const file = ev.dataTransfer?.files[0];
    if (file !== undefined) onFile(file);
  });
}

/**
 * Wires a file input and the drop zone around it to one handler: choosing and dropping lead to the same
 * load, and a dropped file is put into the input so the keyboard path and the drop agree. `onCleared` runs
 * when the user empties the input.
 */
export function fileField(input: HTMLInputElement, onFile: (file: File) => void, onCleared?: () => void): void {
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) onFile(file);
    else onCleared?.();
  });
  const zone = input.closest('.drop');
  if (zone instanceof HTMLElement) {
    dropZone(zone, (file) => {
      if (input.disabled) return;
      const dt = new DataTransfer();
      dt.items.add(file);
      input.files = dt.files;
      onFile(file);
    });
  }
}

/** A file dropped outside a zone would make the browser open it in place of this page: refuse that. */
export function refuseStrayDrops(): void {
  for (const type of ['dragover', 'drop'] as const) {
    window.addEventListener(type, (ev) => {
      ev.preventDefault();
      if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'none';
    });
  }
}
