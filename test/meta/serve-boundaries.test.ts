// The boundaries docs/ARCHITECTURE.md sets for src/serve: it uses the library and never the CLI; it is the
// only place pkijs may be imported (through "#pkijs-node-only"), so the browser tool never bundles it;
// the library entry does not export the server.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const files = sources(join(REPO_ROOT, 'src')).map((f) => ({ path: relative(REPO_ROOT, f).split('\\').join('/'), text: readFileSync(f, 'utf8') }));
const imports = (text: string): string[] => [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

describe('src/serve boundaries', () => {
  it('pkijs is imported only by src/serve, through #pkijs-node-only', () => {
    const users = files.filter((f) => imports(f.text).some((i) => i === 'pkijs' || i === '#pkijs-node-only')).map((f) => f.path);
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((p) => !p.startsWith('src/serve/'))).toEqual([]);
    expect(files.filter((f) => imports(f.text).includes('pkijs')).map((f) => f.path)).toEqual([]);
  });
  it('src/serve never imports the CLI, and nothing but the CLI command imports src/serve', () => {
    expect(files.filter((f) => f.path.startsWith('src/serve/') && imports(f.text).some((i) => i.includes('/cli/'))).map((f) => f.path)).toEqual([]);
    const serveUsers = files.filter((f) => !f.path.startsWith('src/serve/') && imports(f.text).some((i) => i.includes('/serve/'))).map((f) => f.path);
    expect(serveUsers).toEqual(['src/cli/commands/serve.ts']);
    expect(readFileSync(join(REPO_ROOT, 'src/index.ts'), 'utf8')).not.toMatch(/serve/);
  });
});
