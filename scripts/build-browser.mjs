#!/usr/bin/env node
// Builds dist/byok.html: the air-gapped browser tool as ONE self-contained file (issue 5).
//
//   node scripts/build-browser.mjs [--out FILE] [--wasm both|scalar|simd] [--max-bytes N]
//
// The page script (src/browser/main.ts and everything in src/ it imports, Wasm core included as base64)
// is bundled and minified by esbuild, the styles minified, and both inlined into src/browser/page.html.
// The Content-Security-Policy meta tag allows exactly that inline script and that style element, by their
// SHA-256 computed here, plus 'wasm-unsafe-eval' to compile the core; everything else is 'none', so the
// page can make no network request at all. The build is reproducible (same sources, same bytes): it
// prints the page's SHA-256 and writes it to <out>.sha256 (sha256sum format) for users to check.
//
// The Wasm core: ONE build is embedded, the scalar one by default. Both builds as base64 (~38 + ~44 KB)
// do not fit the 300 KB budget next to asn1js and @noble (~200 KB), and the scalar build runs on every
// browser with Wasm while the SIMD one needs a 2021+ engine; wrapping uses only the public RSA operation,
// where SIMD gains little (scripts/bench-browser.mjs measures both: --wasm simd). The embedded module is
// deflate-compressed (about 55% smaller) and inflated at load by fflate (4 KB, pure JS, so no
// DecompressionStream is needed on older browsers); the page checks the SHA-256 of the inflated bytes
// before it declares itself ready, so the hash the footer shows (core.coreInfo()) is that of the bytes
// that actually run.
//
// It refuses to write a page larger than the budget (320 KB, issues 5 and 15), a script containing "</script"
// (it would end the inline element early), or a template missing one of its placeholders.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const browserDir = join(root, 'src/browser');

/**
 * Size budget: 300 KB (issue 5), raised to 320 KB for the key attestation verifier (issue 15, ~32 KB);
 * counted as 320,000 bytes (the stricter reading).
 */
export const MAX_PAGE_BYTES = 320_000;

/** Which Wasm build to embed (see the header): 'scalar' (default) or 'simd'. */
const WASM_CHOICES = ['scalar', 'simd'];

const sha256b64 = (text) => createHash('sha256').update(text, 'utf8').digest('base64');

/** The generated module of a build (src/core/generated, written by scripts/build-wasm.mjs). */
function readGenerated(choice) {
  const file = join(root, 'src/core/generated', choice === 'simd' ? 'wasm-release-simd.ts' : 'wasm-release.ts');
  const text = readFileSync(file, 'utf8');
  const field = (name) => {
    const m = new RegExp(`export const ${name} =\\s*"([^"]*)"`).exec(text);
    if (!m) throw new Error(`${relative(root, file)} has no ${name}: run node scripts/build-wasm.mjs`);
    return m[1];
  };
  const wasm = Buffer.from(field('WASM_BASE64'), 'base64');
  const target = field('WASM_TARGET');
  const sha256 = field('WASM_SHA256');
  if (createHash('sha256').update(wasm).digest('hex') !== sha256) {
    throw new Error(`${relative(root, file)}: WASM_SHA256 does not match its bytes; rebuild with node scripts/build-wasm.mjs`);
  }
  return { target, sha256, wasm };
}

/**
 * esbuild plugin: both generated Wasm modules that src/core/index.ts imports resolve to one virtual
 * module holding the chosen build, deflated. It inflates at load and exports the same three constants as
 * the generated module, so src/core runs unchanged (its SIMD probe then sees the same build twice and
 * takes it). src/browser/main.ts imports the scalar module too, and so gets these same bytes to check.
 */
function embeddedWasm(choice) {
  const { target, sha256, wasm } = readGenerated(choice);
  const deflated = deflateRawSync(wasm, { level: 9 });
  if (!inflateRawSync(deflated).equals(wasm)) throw new Error('deflate round trip failed');
  // Kept small and fast because it runs before the page is usable: fflate's inflate (~15 ms cold), then
  // base64 in 8 KB chunks for src/core's loader. The SHA-256 of these bytes is checked by main.ts after
  // the core starts (WebCrypto), against the WASM_SHA256 the footer shows.
  const source = `
import { inflateSync } from 'fflate';
export const WASM_TARGET = ${JSON.stringify(target)};
export const WASM_SHA256 = ${JSON.stringify(sha256)};
const bytes = inflateSync(Uint8Array.from(atob(${JSON.stringify(deflated.toString('base64'))}), (c) => c.charCodeAt(0)));
let bin = '';
for (let i = 0; i < bytes.length; i += 8192) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
export const WASM_BASE64 = btoa(bin);
`;
  return {
    plugin: {
      name: 'embedded-wasm',
      setup(build) {
        build.onResolve({ filter: /\/generated\/wasm-[a-z-]+\.js$/ }, () => ({ path: 'embedded-wasm', namespace: 'byok' }));
        build.onLoad({ filter: /.*/, namespace: 'byok' }, () => ({ contents: source, loader: 'js', resolveDir: root }));
      },
    },
    info: { target, sha256, bytes: wasm.length, deflated: deflated.length },
  };
}

function csp(scriptHash, styleHash) {
  return [
    "default-src 'none'", // every fetch directive not named below: no images, fonts, frames, workers…
    `script-src 'sha256-${scriptHash}' 'wasm-unsafe-eval'`, // this inline script, and compiling the core
    `style-src 'sha256-${styleHash}'`,
    "connect-src 'none'",
    "form-action 'none'", // not covered by default-src
    "base-uri 'none'",
    // The script builds the page with textContent and createElement only: any HTML sink (innerHTML …)
    // throws, so a crafted file name or key label can never become markup. Browsers without Trusted
    // Types ignore these two.
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

function replaceOnce(text, marker, value) {
  const i = text.indexOf(marker);
  if (i < 0 || text.indexOf(marker, i + marker.length) >= 0) {
    throw new Error(`src/browser/page.html must contain ${marker} exactly once`);
  }
  // A function replacement, so "$&" and friends in the value stay literal.
  return text.slice(0, i) + value + text.slice(i + marker.length);
}

export async function buildPage({ wasm = 'scalar', maxBytes = MAX_PAGE_BYTES } = {}) {
  if (!WASM_CHOICES.includes(wasm)) throw new Error(`--wasm must be one of ${WASM_CHOICES.join(', ')}`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const core = embeddedWasm(wasm);

  const bundle = await esbuild.build({
    entryPoints: [join(browserDir, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    // Chromium/Edge 91+, Firefox 90+, Safari 15+: BigInt, async/await, optional chaining (2021 laptops).
    target: ['es2020', 'chrome91', 'firefox90', 'safari15'],
    charset: 'utf8',
    legalComments: 'eof', // keeps the /*! … */ licence notices of bundled libraries (asn1js, noble)
    write: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [core.plugin],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const script = bundle.outputFiles[0].text.trimEnd();
  if (/<\/script/i.test(script) || /<!--/.test(script)) {
    throw new Error('the bundled script contains "</script" or "<!--": it cannot be inlined safely');
  }
  const imported = Object.keys(bundle.metafile.inputs);
  const nodeOnly = imported.filter((p) => p.startsWith('node:') || p.includes('/cli/'));
  if (nodeOnly.length > 0) throw new Error(`the page script must not import Node-only code: ${nodeOnly.join(', ')}`);

  const css = await esbuild.transform(readFileSync(join(browserDir, 'styles.css'), 'utf8'), {
    loader: 'css', minify: true, target: ['chrome91', 'firefox90', 'safari15'],
  });
  const style = css.code.trimEnd();
  if (/<\/style/i.test(style)) throw new Error('the styles contain "</style"');

  let html = readFileSync(join(browserDir, 'page.html'), 'utf8');
  html = replaceOnce(html, '__CSP__', csp(sha256b64(script), sha256b64(style)));
  html = replaceOnce(html, '__VERSION__', `${pkg.name} ${pkg.version}`);
  html = replaceOnce(html, '/*__STYLE__*/', style);
  html = replaceOnce(html, '/*__SCRIPT__*/', script);

  const bytes = Buffer.from(html, 'utf8');
  const sizes = { total: bytes.length, script: Buffer.byteLength(script), style: Buffer.byteLength(style) };
  if (bytes.length > maxBytes) {
    throw new Error(`dist/byok.html would be ${bytes.length} bytes, over the ${maxBytes}-byte budget (script ${sizes.script}, styles ${sizes.style})`);
  }
  return { html: bytes, sizes, sha256: createHash('sha256').update(bytes).digest('hex'), inputs: imported, core: core.info };
}

function writeAtomic(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(root, 'dist/byok.html') },
      wasm: { type: 'string', default: 'scalar' },
      'max-bytes': { type: 'string' },
    },
  });
  const maxBytes = values['max-bytes'] === undefined ? MAX_PAGE_BYTES : Number(values['max-bytes']);
  const page = await buildPage({ wasm: values.wasm, maxBytes });
  writeAtomic(values.out, page.html);
  const name = values.out.split('/').pop();
  writeAtomic(`${values.out}.sha256`, `${page.sha256}  ${name}\n`);
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  console.log(
    `build-browser: ${relative(process.cwd(), values.out) || values.out} ${kb(page.sizes.total)} ` +
      `(script ${kb(page.sizes.script)}, styles ${kb(page.sizes.style)}; budget ${kb(maxBytes)})`,
  );
  console.log(`build-browser: Wasm core ${page.core.target} ${page.core.sha256} (${page.core.bytes} bytes, ${page.core.deflated} deflated)`);
  console.log(`build-browser: SHA-256 ${page.sha256}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(`build-browser: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
