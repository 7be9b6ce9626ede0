// byok.html's script: starts the Wasm core, checks that the core's bytes are the ones its SHA-256 names,
// then wires the three steps and the Rehearse section. Nothing here touches storage (localStorage,
// sessionStorage, IndexedDB, cookies) or the network; the page's CSP would refuse a request anyway.
// Performance marks ('byok-script', 'byok-core-start', 'byok-core-done', 'byok-ready', 'byok-wrap-start',
// 'byok-wrap-done') let scripts/bench-browser.mjs time the page without instrumenting it further.
import * as core from '../core/index.js';
// In the page this is the build embedded by scripts/build-browser.mjs (the same module src/core loads).
import { WASM_BASE64 } from '../core/generated/wasm-release.js';
import { decodeBase64 } from '../core/instance.js';
import { ByokError } from '../errors.js';
import { byId, errorText, refuseStrayDrops } from './dom.js';
import { kekStep } from './kek-step.js';
import { rehearseStep } from './rehearse.js';
import { wrapStep } from './wrap-step.js';

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/**
 * SHA-256 of the Wasm bytes the core was instantiated from, by WebCrypto (independent of the core), or
 * by the core's own self-tested SHA-256 where WebCrypto is missing.
 */
async function wasmDigest(): Promise<string> {
  const bytes = decodeBase64(WASM_BASE64);
  const subtle = globalThis.crypto?.subtle;
  if (subtle !== undefined) return toHex(new Uint8Array(await subtle.digest('SHA-256', bytes)));
  return toHex(core.sha256(bytes));
}

async function start(): Promise<void> {
  performance.mark('byok-script');
  const status = byId('status', HTMLElement);
  refuseStrayDrops();
  let wrap: ReturnType<typeof wrapStep> | undefined;
  const kek = kekStep(() => wrap?.update());
  wrap = wrapStep(kek);
  const rehearse = rehearseStep();
  // Leaving the page (closing the tab, navigating away) zeroes every key still loaded.
  window.addEventListener('pagehide', () => {
    wrap?.key.clear();
    rehearse.clear();
  });
  try {
    performance.mark('byok-core-start');
    await core.init();
    const info = core.coreInfo();
    if ((await wasmDigest()) !== info.wasmSha256) {
      throw new ByokError('CORE_SELFTEST_FAILED', 'this page is damaged: its Wasm core does not match its SHA-256; get byok.html again and check its own SHA-256');
    }
    performance.mark('byok-core-done');
    byId('core-build', HTMLElement).textContent = info.build;
    byId('core-sha256', HTMLElement).textContent = info.wasmSha256;
  } catch (e) {
    status.textContent = `The crypto core did not start, so nothing can be wrapped: ${errorText(e)}`;
    status.classList.add('error');
    return;
  }
  kek.enable();
  wrap.enable();
  rehearse.enable();
  status.textContent = 'Ready. Start with the KEK.';
  document.documentElement.dataset['ready'] = 'true';
  performance.mark('byok-ready');
}

void start();
