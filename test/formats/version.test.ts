// The generator string names the toolkit's version: it must be package.json's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from '../../src/transfer/version.js';

describe('toolkit version constant', () => {
  it('equals package.json name and version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(TOOLKIT_NAME).toBe(pkg.name);
    expect(TOOLKIT_VERSION).toBe(pkg.version);
  });
});
