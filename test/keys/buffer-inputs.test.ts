// Node Buffers as inputs: Buffer.slice() returns a view, not a copy (unlike Uint8Array.slice()), so
// intake's owned copies, wiped after use, were the caller's own bytes: readTargetKey(readFileSync(f))
// zeroed the caller's buffer. Found when a test read a token's unwrapped PKCS#8 twice.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inspectKeyFile, listKeys, readTargetKey } from '../../src/keys/index.js';

describe('intake leaves Buffer inputs as they were', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('readTargetKey, inspectKeyFile and listKeys on a Buffer (plain, and a view at an offset)', () => {
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const pool = Buffer.concat([Buffer.from('xxxxx'), der]);
    for (const input of [Buffer.from(der), pool.subarray(5)]) {
      const before = Buffer.from(input);
      const a = readTargetKey(input);
      expect(input.equals(before)).toBe(true);
      const b = readTargetKey(input); // and it reads the same key a second time
      expect(Buffer.from(b.material).equals(Buffer.from(a.material))).toBe(true);
      inspectKeyFile(input);
      listKeys(input);
      expect(input.equals(before)).toBe(true);
    }
  });

  it('an encrypted key: the password Buffer is left as it was too', () => {
    const pem = Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw-1234' }) as string);
    const password = Buffer.from('pw-1234');
    readTargetKey(pem, { password });
    listKeys(pem, password);
    expect(password.toString()).toBe('pw-1234');
  });
});
