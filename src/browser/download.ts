// Saving bytes from a page opened from disk: a Blob URL on an <a download>. Needs no network and no CSP
// allowance (a download is neither a fetch nor a navigation of this document). The URL is revoked as soon
// as the browser has taken the file, so the Blob can be collected.
export function downloadBytes(bytes: Uint8Array, fileName: string): void {
  // The Blob holds its own copy; the caller may zero `bytes` right after.
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  try {
    a.click();
  } finally {
    a.remove();
    // The download reads the Blob asynchronously; revoking in the same task can cancel it in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}
