#!/usr/bin/env node
// npm run bench:browser — the browser tool's speed in Debian's Chromium (a benchmark, not a test; issue 5):
//   - page load: navigation start to "usable" (the core instantiated and checked, the inputs enabled: the
//     page's performance mark 'byok-ready'), as the first page of a freshly started browser (what a user
//     opening the file sees) and again in a new tab, each beside a trivial page measured the same way;
//   - wrap: an RSA-4096 target under a 4096-bit KEK, from the click on Wrap to the download, measured
//     from Node (click to Playwright's download event) and inside the page (mark to mark);
//   - also reported: choosing the RSA-4096 key file until the page shows it (intake parses the key and
//     checks its primes there, before Wrap is clicked).
// Targets: wrap < 200 ms, load < 300 ms. Both Wasm builds are measured (the page embeds the scalar one).
// The first download of each build is opened with node:crypto and must hold exactly the key, so only a
// correct page is timed.
//
//   node scripts/bench-browser.mjs [--runs N] [--wasm scalar|simd|both]
import { constants, createDecipheriv, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { buildPage } from './build-browser.mjs';

const CHROMIUM = process.env.BYOK_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic'];
const KID = 'https://bench.vault.azure.net/keys/KEKforBYOK/0123456789abcdef0123456789abcdef';
const WRAP_TARGET_MS = 200;
const LOAD_TARGET_MS = 300;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, wasm: { type: 'string', default: 'both' } } });
const runs = Number(values.runs);
const builds = values.wasm === 'both' ? ['scalar', 'simd'] : [values.wasm];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`;

function unwrapWithNode(bytes, priv) {
  const ct = Buffer.from(JSON.parse(bytes.toString('utf8')).ciphertext, 'base64url');
  const aes = privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ct.subarray(0, 512));
  const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([d.update(ct.subarray(512)), d.final()]);
}

async function withBrowser(f) {
  const profile = mkdtempSync(join(tmpdir(), 'byok-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, acceptDownloads: true });
  try {
    return await f(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function ready(page) {
  await page.locator('html[data-ready="true"]').waitFor({ state: 'attached', timeout: 30_000 });
  return page.evaluate(() => performance.getEntriesByName('byok-ready')[0].startTime);
}

/** First load in a freshly started browser (what a user opening the file sees), one browser per sample. */
async function coldLoads(url, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push(await withBrowser(async (context) => {
      const page = await context.newPage();
      await page.goto(url);
      return ready(page);
    }));
  }
  return out;
}

async function bench(build, dir, fixtures) {
  const page0 = await buildPage({ wasm: build });
  const html = join(dir, `byok-${build}.html`);
  writeFileSync(html, page0.html);
  const url = pathToFileURL(html).href;
  const trivial = join(dir, 'trivial.html');
  // Baseline: the same measurement on a trivial page (one inline script that marks itself ready), to
  // tell this page's cost from the browser's own on this machine at this moment.
  writeFileSync(trivial, '<!doctype html><title>t</title><p>t<script>performance.mark("byok-ready");document.documentElement.dataset.ready="true"</script>');
  const coldRuns = Math.max(3, Math.ceil(runs / 3));
  const cold = await coldLoads(url, coldRuns);
  const coldBaseline = await coldLoads(pathToFileURL(trivial).href, coldRuns);
  const profile = mkdtempSync(join(tmpdir(), 'byok-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, acceptDownloads: true });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  try {
    // Page load: a new tab per load, so nothing of the previous document is reused but the browser's caches.
    const warm = [];
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      await page.goto(url);
      warm.push(await ready(page));
      await page.close();
    }
    const baseline = [];
    for (let i = 0; i < runs; i++) {
      const page = await context.newPage();
      await page.goto(pathToFileURL(trivial).href);
      baseline.push(await ready(page));
      await page.close();
    }

    const page = await context.newPage();
    await page.goto(url);
    await ready(page);
    await page.setInputFiles('#kek-file', fixtures.kek);
    await page.locator('#kek-details').waitFor({ state: 'visible' });
    await page.fill('#kek-kid', KID);
    await page.locator('#kek-kid').dispatchEvent('change');
    await page.locator('#kek-ok').waitFor({ state: 'visible' });

    const clickToDownload = [];
    const inPage = [];
    const keyRead = [];
    for (let i = 0; i <= runs; i++) {
      // Chromium drops a download that follows ten others within about a second (measured: every 11th of a
      // rapid burst never starts); a person wrapping keys one by one is far slower, so pace the runs.
      if (i > 0) await page.waitForTimeout(1100);
      const t0 = performance.now();
      await page.setInputFiles('#key-file', fixtures.key);
      await page.locator('#key-details').waitFor({ state: 'visible' });
      const t1 = performance.now();
      const wait = page.waitForEvent('download');
      const t2 = performance.now();
      await page.click('#wrap');
      const download = await Promise.race([
        wait,
        page.locator('#wrap-error').waitFor({ state: 'visible', timeout: 30_000 }).then(async () => {
          throw new Error(`${build}: the page refused to wrap: ${await page.textContent('#wrap-error')}`);
        }),
      ]);
      const t3 = performance.now();
      if (i === 0) {
        // Cross-check before timing: the page's .byok opens with node:crypto to exactly the key.
        const out = join(dir, `check-${build}.byok`);
        await download.saveAs(out);
        if (!unwrapWithNode(readFileSync(out), fixtures.kekPriv).equals(fixtures.canonical)) {
          throw new Error(`${build}: the page's .byok does not hold the key; not timing a wrong result`);
        }
        continue; // the first run warms up (JIT, Wasm tier-up)
      }
      await download.delete();
      keyRead.push(t1 - t0);
      clickToDownload.push(t3 - t2);
      inPage.push(await page.evaluate(() => {
        const m = performance.measure('wrap', 'byok-wrap-start', 'byok-wrap-done').duration;
        performance.clearMarks('byok-wrap-start');
        performance.clearMarks('byok-wrap-done');
        return m;
      }));
    }
    const foreign = requests.filter((u) => u !== url && !u.startsWith('blob:') && !u.endsWith('/trivial.html'));
    return { build, size: page0.sizes.total, core: page0.core, cold, coldBaseline, warm, baseline, keyRead, clickToDownload, inPage, foreign };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'byok-bench-browser-'));
  try {
    const kek = generateKeyPairSync('rsa', { modulusLength: 4096 });
    const target = generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey;
    const fixtures = {
      kek: join(dir, 'kek.pem'),
      key: join(dir, 'rsa-4096.pem'),
      kekPriv: kek.privateKey,
      canonical: target.export({ type: 'pkcs8', format: 'der' }),
    };
    writeFileSync(fixtures.kek, kek.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(fixtures.key, target.export({ type: 'pkcs8', format: 'pem' }));
    const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    console.log(`bench:browser — ${version}; ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores); Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`);
    console.log(`RSA-4096 target (PKCS#8 PEM) under an RSA-4096 KEK; ${runs} timed runs after one warm-up; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    for (const build of builds) {
      const r = await bench(build, dir, fixtures);
      const pass = (ms, target) => (ms < target ? `under the ${target} ms target` : `OVER the ${target} ms target`);
      console.log(`\nWasm ${r.core.target} (${build}${build === 'scalar' ? ', the one byok.html embeds' : ''}); page ${(r.size / 1000).toFixed(1)} KB`);
      console.log(`  load to usable, first page of a fresh browser: ${fmt(r.cold)}  ${pass(median(r.cold), LOAD_TARGET_MS)}`);
      console.log(`    trivial page, the same way:                 ${fmt(r.coldBaseline)}  (the browser's own share)`);
      console.log(`  load to usable, again in a new tab:          ${fmt(r.warm)}  ${pass(median(r.warm), LOAD_TARGET_MS)}`);
      console.log(`    trivial page, the same way:                 ${fmt(r.baseline)}`);
      console.log(`  wrap, click -> download event:               ${fmt(r.clickToDownload)}  ${pass(median(r.clickToDownload), WRAP_TARGET_MS)}`);
      console.log(`  wrap, in the page (click handler):           ${fmt(r.inPage)}`);
      console.log(`  key file chosen -> key shown:                ${fmt(r.keyRead)}  (parsing and key checks, before Wrap)`);
      if (r.foreign.length > 0) console.log(`  WARNING: the page requested ${r.foreign.join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench:browser: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exit(1);
});
