// Debian's Chromium driven by playwright-core (no browser download: executablePath is the system binary),
// and the single-file page under test. A missing Chromium skips with a printed reason (fails under CI=true).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { requireTool } from './tools.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_PATH = process.env['BYOK_CHROMIUM'] ?? '/usr/bin/chromium';
/** Where screenshots go (git-ignored). */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

/** The flags of issue 5: headless, no GPU, and nothing that talks to the network in the background. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export function chromiumUsable(): boolean {
  if (!existsSync(CHROMIUM_PATH)) return false;
  const r = spawnSync(CHROMIUM_PATH, ['--version'], { stdio: 'ignore', timeout: 30_000 });
  return r.error === undefined && r.status === 0;
}

/** True when Chromium can be used; otherwise prints why the browser tests are skipped (throws under CI). */
export function requireChromium(): boolean {
  return requireTool('chromium', chromiumUsable(), 'apt-get install chromium');
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the browser requested, in order (documents, subresources, fetches, downloads). */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh profile (its own --user-data-dir, removed on close) and returns its
 * first page. `viewport` and `deviceScaleFactor` emulate a screen (200% zoom: half the CSS width, scale 2).
 */
export async function launchChromium(opts: { viewport?: { width: number; height: number }; deviceScaleFactor?: number } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'byok-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    acceptDownloads: true,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    deviceScaleFactor: opts.deviceScaleFactor ?? 1,
    timeout: 60_000,
  });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    requests,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Newest modification time under a directory (files only). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * dist/byok.html, rebuilt first (with scripts/build-browser.mjs, which writes only that file and its
 * .sha256) when it is missing or older than src/, the build script or package.json. `npm test` builds it
 * in pretest; this keeps `npx vitest run test/browser` honest after an edit.
 */
export function builtPage(): { path: string; url: string } {
  const path = join(REPO_ROOT, 'dist/byok.html');
  const inputs = Math.max(
    newestMtime(join(REPO_ROOT, 'src')),
    statSync(join(REPO_ROOT, 'scripts/build-browser.mjs')).mtimeMs,
    statSync(join(REPO_ROOT, 'package.json')).mtimeMs,
  );
  if (!existsSync(path) || statSync(path).mtimeMs < inputs) {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build-browser.mjs')], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`scripts/build-browser.mjs failed: ${r.stderr || r.stdout}`);
  }
  return { path, url: pathToFileURL(path).href };
}

/** A path in test-artifacts/ for a screenshot (the folder is created on demand). */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
