// scripts/build-browser.mjs: one self-contained file within the 320 KB budget, a CSP whose hashes are
// those of the inline script and style (so nothing else can run), no external reference, reproducible.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPage, MAX_PAGE_BYTES } from '../../scripts/build-browser.mjs';

interface Page { html: Buffer; sha256: string; sizes: { total: number }; core: { target: string; sha256: string } }
const build = buildPage as (o?: { wasm?: string; maxBytes?: number }) => Promise<Page>;
const b64 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('base64');

describe('scripts/build-browser.mjs', () => {
  it('builds one file within the budget whose CSP allows exactly its inline script and style', async () => {
    const page = await build();
    const html = page.html.toString('utf8');
    expect(MAX_PAGE_BYTES).toBe(320_000);
    expect(page.html.length).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    expect(page.core.target).toBe('release'); // the scalar build runs on every browser with Wasm
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)];
    expect([scripts.length, (html.match(/<script/g) ?? []).length, styles.length]).toEqual([1, 1, 1]);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toEqual({
      'default-src': "'none'",
      'script-src': `'sha256-${b64(scripts[0]?.[1] ?? '')}' 'wasm-unsafe-eval'`,
      'style-src': `'sha256-${b64(styles[0]?.[1] ?? '')}'`,
      'connect-src': "'none'",
      'form-action': "'none'",
      'base-uri': "'none'",
      'require-trusted-types-for': "'script'",
      'trusted-types': "'none'",
    });
    // The CSP meta tag comes before anything it must govern.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    // Nothing refers to another resource: no src/href attributes, no <link>, no url() in the styles.
    expect(html.match(/\s(src|href|srcset|action|poster|data)=/gi)).toBeNull();
    expect(html).not.toMatch(/<link|<iframe|<object|<embed|<base/i);
    expect(styles[0]?.[1]).not.toMatch(/url\(|@import/);
    expect(html).not.toContain('__CSP__');
    expect(createHash('sha256').update(page.html).digest('hex')).toBe(page.sha256);
  });

  it('is reproducible and refuses a page over the budget', async () => {
    const [a, b] = [await build(), await build()];
    expect(a.sha256).toBe(b.sha256);
    await expect(build({ maxBytes: a.html.length - 1 })).rejects.toThrow(/over the \d+-byte budget/);
    await expect(build({ wasm: 'both' })).rejects.toThrow(/--wasm must be one of/);
  });
});
