// byok.html's script: starts the Wasm core, then wires the three steps and the Rehearse section.
// Nothing here touches storage (localStorage, sessionStorage, IndexedDB, cookies) or the network; the
// page's CSP would refuse a request anyway. performance marks 'byok-ready', 'byok-wrap-start' and
// 'byok-wrap-done' let scripts/bench-browser.mjs time the page without instrumenting it further.
import * as core from '../core/index.js';
import { byId, errorText, refuseStrayDrops } from './dom.js';
import { kekStep } from './kek-step.js';
import { rehearseStep } from './rehearse.js';
import { wrapStep } from './wrap-step.js';

async function start(): Promise<void> {
  const status = byId('status', HTMLElement);
  refuseStrayDrops();
  let wrap: ReturnType<typeof wrapStep> | undefined;
  const kek = kekStep(() => wrap?.update());
  wrap = wrapStep(kek);
  const rehearse = rehearseStep();
  try {
    await core.init();
  } catch (e) {
    status.textContent = `The crypto core did not start, so nothing can be wrapped: ${errorText(e)}`;
    status.classList.add('error');
    return;
  }
  const info = core.coreInfo();
  byId('core-build', HTMLElement).textContent = info.build;
  byId('core-sha256', HTMLElement).textContent = info.wasmSha256;
  kek.enable();
  wrap.enable();
  rehearse.enable();
  status.textContent = 'Ready. Start with the KEK.';
  document.documentElement.dataset['ready'] = 'true';
  performance.mark('byok-ready');
}

void start();
