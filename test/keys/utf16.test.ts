// UTF-16 files with a byte order mark — what Windows PowerShell 5.1 writes for `az … > kek.json` or
// `"secret" > pass.txt` — are read as the text they hold (issue 10, bug 3): KEKs, key files, password files
// and manifests, little- and big-endian; a BOM-marked file that is not text says it is UTF-16, and a binary
// AES key that happens to start with FF FE is still a binary key.
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKek } from '../../src/kek/index.js';
import { readTargetKey } from '../../src/keys/index.js';
import { byok, isOneLineError } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';
import { cliSetup, KID, PASSWORD, type Fixtures } from '../cli/fixtures.js';
import type { tempDir } from '../helpers/cli.js';

/** Text as Windows PowerShell 5.1 writes it with `>`: UTF-16LE with a BOM, CRLF line ends. */
function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf16le')]);
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le.swap16()]);
}

let tmp: ReturnType<typeof tempDir>;
let fx: Fixtures;
beforeAll(() => ({ tmp, fx } = cliSetup()));
afterAll(() => tmp.cleanup());

describe('library: readKek and readTargetKey read UTF-16 text', () => {
  it.each([['LE', utf16le], ['BE', utf16be]] as const)('KEK as az JSON and as PEM, UTF-16%s', (_, enc) => {
    const utf8 = readKek(readFileSync(fx.kekJson));
    for (const text of [readFileSync(fx.kekJson, 'utf8'), readFileSync(fx.kekPub, 'utf8')]) {
      const k = readKek(enc(text), { kid: KID });
      expect(k.fingerprint.sha256).toEqual(utf8.fingerprint.sha256);
      expect(k.kid).toBe(KID);
    }
  });

  it.each([['LE', utf16le], ['BE', utf16be]] as const)('key files (PKCS#8 PEM, JWK, hex AES, encrypted PEM), UTF-16%s', (_, enc) => {
    const rsa = readTargetKey(enc(readFileSync(fx.rsa, 'utf8')));
    expect(rsa.publicKey).toEqual(new Uint8Array(fx.rsaPublic.export({ type: 'spki', format: 'der' })));
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ec = readTargetKey(enc(JSON.stringify(jwk.privateKey.export({ format: 'jwk' }))));
    expect(ec.publicKey).toEqual(new Uint8Array(jwk.publicKey.export({ type: 'spki', format: 'der' })));
    expect(readTargetKey(enc(`${fx.aesBytes.toString('hex')}\n`)).material).toEqual(new Uint8Array(fx.aesBytes));
    const enc1 = readTargetKey(enc(readFileSync(fx.encrypted, 'utf8')), { password: PASSWORD });
    expect(enc1.publicKey).toEqual(new Uint8Array(fx.encryptedPublic.export({ type: 'spki', format: 'der' })));
  });

  it('a binary AES key starting with FF FE is a binary key, not UTF-16', () => {
    for (const prefix of [[0xff, 0xfe], [0xfe, 0xff]]) {
      const key = Buffer.concat([Buffer.from(prefix), randomBytes(30)]);
      expect(readTargetKey(key).material).toEqual(new Uint8Array(key));
    }
  });

  it('a UTF-16 file that is not text this tool reads says so, instead of "DER … damaged"', () => {
    const binary = Buffer.concat([Buffer.from([0xff, 0xfe]), randomBytes(300)]);
    for (const e of [errorOf(() => readKek(binary)), errorOf(() => readTargetKey(binary))]) {
      expect(e.message).toMatch(/UTF-16/);
      expect(e.message).toMatch(/UTF-8/);
      expect(e.message).not.toMatch(/DER/);
    }
  });
});

describe('byok: UTF-16 KEK, key, password and manifest files', () => {
  it('kek, wrap (password file too) and batch read what PowerShell 5.1 writes', () => {
    const dir = tmp.path('utf16');
    mkdirSync(dir);
    const w = (name: string, data: Buffer): string => {
      writeFileSync(join(dir, name), data);
      return join(dir, name);
    };
    const kek = w('kek.json', utf16le(readFileSync(fx.kekJson, 'utf8')));
    const k = byok(['kek', kek, '--json']);
    expect(k.code).toBe(0);
    const digest = createHash('sha256').update(createPublicKey(fx.kekPrivateKey).export({ type: 'spki', format: 'der' })).digest('hex');
    expect(JSON.stringify(JSON.parse(k.stdout))).toContain(digest);
    const key = w('enc.pem', utf16le(readFileSync(fx.encrypted, 'utf8')));
    const pw = w('pass.txt', utf16le(`${PASSWORD}\n`));
    const r = byok(['wrap', '--kek', kek, '--key', key, '--password-file', pw, '--out', join(dir, 'enc.byok')]);
    expect(r.code, r.stderr).toBe(0);
    expect(byok(['verify', '--kek-key', fx.kekPriv, '--key', fx.encrypted, '--password-file', fx.passwordFile, join(dir, 'enc.byok')]).code).toBe(0);
    w('keys.csv', utf16le(`name,key,password_file\nsecret,enc.pem,pass.txt\n`));
    const b = byok(['batch', '--kek', kek, '--manifest', join(dir, 'keys.csv'), '--out-dir', join(dir, 'out')]);
    expect(b.code, b.stderr).toBe(0);
  });

  it('a UTF-16 KEK file that is not text: one line saying it is UTF-16', () => {
    const bad = tmp.path('bad-utf16.json');
    writeFileSync(bad, Buffer.concat([Buffer.from([0xff, 0xfe]), randomBytes(64)]));
    const r = byok(['kek', bad]);
    expect(r.code).toBe(2);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/UTF-16/);
  });
});
