// PKCS#12 key choice by friendly name (ASCII and non-ASCII BMPString names), inspection without a
// password, and listing with one — on the pyca files whose names the manifest documents.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { inspectKeyFile, listKeys, readTargetKey } from '../../src/keys/index.js';
import { vectorPath } from '../helpers/vectors.js';

const p12 = (name: string): Uint8Array => new Uint8Array(readFileSync(vectorPath('pyca', 'pkcs12', name)));

describe('PKCS#12 friendly names', () => {
  it('password-protected file: inspect says encrypted; listKeys with the password names the key', () => {
    expect(inspectKeyFile(p12('name-all-pwd.p12'))).toEqual({ format: 'pkcs12', encrypted: true });
    expect(listKeys(p12('name-all-pwd.p12'), 'password')).toEqual([{ index: 0, friendlyName: 'name', kind: 'ec' }]);
    const t = readTargetKey(p12('name-all-pwd.p12'), { password: 'password', friendlyName: 'name' });
    expect(t.source).toEqual({ format: 'pkcs12', container: 'pkcs12', index: 0, friendlyName: 'name' });
  });
  it('non-ASCII friendly name (BMPString) selects the key', () => {
    expect(listKeys(p12('name-unicode-pwd.p12'), 'password')).toEqual([{ index: 0, friendlyName: '☺', kind: 'ec' }]);
    expect(readTargetKey(p12('name-unicode-pwd.p12'), { password: 'password', friendlyName: '☺' }).curve).toBe('P-256');
    try {
      readTargetKey(p12('name-unicode-pwd.p12'), { password: 'password', friendlyName: 'name' });
      expect.unreachable();
    } catch (e) {
      expect((e as ByokError).code).toBe('KEY_NOT_FOUND');
      expect((e as Error).message).toContain('"☺"');
    }
  });
  it('password-less file: the keys are listed by inspection', () => {
    expect(inspectKeyFile(p12('name-all-no-pwd.p12'))).toEqual({ format: 'pkcs12', encrypted: false, keys: [{ index: 0, friendlyName: 'name' }] });
    expect(inspectKeyFile(p12('no-name-no-pwd.p12'))).toEqual({ format: 'pkcs12', encrypted: false, keys: [{ index: 0 }] });
  });
});
