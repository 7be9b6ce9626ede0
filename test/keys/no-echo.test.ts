// Error messages never show what a wrong argument or an unrecognised file holds: a hex key passed where
// bytes are expected, bytes passed as an option, a key file in a format we do not read. Each check makes
// the same mistake with two different contents of the same shape and requires the same message, so no
// part of a message can depend on the content; and the content's text is searched for as well.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getCore } from '../../src/core/index.js';
import { readTargetKey } from '../../src/keys/index.js';
import { errorOf } from '../helpers/errors.js';

const messageOf = (f: () => unknown): string => errorOf(f).message;

/** The message for each of two contents, which must be equal and contain neither content. */
function sameMessage(make: (content: string) => () => unknown, contents: [string, string]): string {
  const [a, b] = contents.map((c) => messageOf(make(c))) as [string, string];
  expect(a).toBe(b);
  for (const c of contents.filter((x) => x.length >= 8)) expect(a).not.toContain(c.slice(0, 8));
  return a;
}

const hexKey = (): string => randomBytes(16).toString('hex'); // 32 characters, the old quoting limit

describe('argument errors name the type and the length, never the content', () => {
  const core = getCore();
  const kek = new Uint8Array(32);

  it('strings of every length up to 64 passed as bytes (a hex AES key, for one)', () => {
    for (let len = 1; len <= 64; len++) {
      const pair: [string, string] = [randomBytes(len).toString('hex').slice(0, len), randomBytes(len).toString('hex').slice(0, len)];
      if (pair[0] === pair[1]) continue;
      const m = sameMessage((s) => () => core.aesKwpWrap(s as unknown as Uint8Array, new Uint8Array(16)), pair);
      expect(m).toContain(`a string of length ${len}`);
      sameMessage((s) => () => core.aesKwpUnwrap(kek, s as unknown as Uint8Array), pair);
      sameMessage((s) => () => core.sha256(s as unknown as Uint8Array), pair);
    }
  });

  it('a hex key passed as a hash name, bytes passed as options', () => {
    sameMessage((s) => () => core.rsaOaepEncrypt({ n: new Uint8Array(256).fill(0xff), e: Uint8Array.of(1, 0, 1) }, new Uint8Array(1), { hash: s as 'sha1' }), [hexKey(), hexKey()]);
    const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
    sameMessage((s) => () => core.rsaAesKeyWrap({ n: new Uint8Array(256).fill(0xff), e: Uint8Array.of(1, 0, 1) }, new Uint8Array(16), { hash: 'sha1', aesKeyBits: bytes(s) as unknown as 256 }), [hexKey(), hexKey()]);
    const m = sameMessage((s) => () => readTargetKey(new Uint8Array(8), { format: bytes(s) as unknown as 'pkcs8' }), [hexKey(), hexKey()]);
    expect(m).toContain('Uint8Array of length 16');
    expect(m).not.toMatch(/\d+,\d+,\d+/); // String(Uint8Array) would list the bytes
  });
});

describe('an unrecognised binary file', () => {
  it('is described by its length only', () => {
    for (let i = 0; i < 20; i++) {
      // A DER SEQUENCE of random content: binary, not a structure we know.
      const body = [randomBytes(40), randomBytes(40)];
      const files = body.map((b) => Uint8Array.from([0x30, 0x28, ...b]));
      const [a, b] = files.map((f) => messageOf(() => readTargetKey(f)));
      expect(a).toBe(b);
      expect(a).toContain('42 bytes');
      for (const f of files) expect(a).not.toContain(Buffer.from(f.subarray(0, 2)).toString('hex').replace(/(..)/, '$1 '));
    }
  });
});
