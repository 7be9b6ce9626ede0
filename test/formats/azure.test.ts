// The .byok format layer (src/formats): base64url, kid parsing, building and parsing the JSON, and the
// ciphertext's shape. Blobs here are made by node:crypto (OpenSSL), so the format code is checked against
// an independent producer and consumer, not against itself.
import { constants, createCipheriv, createDecipheriv, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByokError } from '../../src/errors.js';
import { base64urlDecode, base64urlEncode, base64urlEncodeAscii } from '../../src/formats/base64url.js';
import { parseAzureKid } from '../../src/formats/azure-kid.js';
import {
  buildByok, parseByok, readCiphertext, readingForKek, serializeByok, splitCiphertext,
} from '../../src/formats/azure.js';
import { azImportCommand, checkKeyOps, importRequest, sdkKey, shellQuote } from '../../src/formats/azure-import.js';
import { codeOf } from '../helpers/errors.js';

const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';


/** An Azure blob made by node:crypto alone: OAEP-SHA1(KEK, aes256) || KWP(aes256, material). */
function nodeBlob(kekPub: KeyObject, material: Uint8Array): Uint8Array {
  const aes = randomBytes(32);
  const oaep = publicEncrypt({ key: kekPub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, aes);
  const c = createCipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
  const kwp = Buffer.concat([c.update(material), c.final()]);
  return new Uint8Array(Buffer.concat([oaep, kwp]));
}

function nodeOpen(kekPriv: KeyObject, oaep: Uint8Array, kwp: Uint8Array): Buffer {
  const aes = privateDecrypt({ key: kekPriv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, oaep);
  const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([d.update(kwp), d.final()]);
}

describe('base64url', () => {
  it('encodes exactly like Buffer base64url (unpadded) for every length 0..300 and random data', () => {
    for (let n = 0; n <= 300; n++) {
      const b = randomBytes(n);
      expect(base64urlEncode(b)).toBe(b.toString('base64url'));
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4000 }), (b) => base64urlEncode(b) === Buffer.from(b).toString('base64url')));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => Buffer.from(base64urlEncodeAscii(b)).toString('latin1') === Buffer.from(b).toString('base64url')));
  });

  it('decodes padded and unpadded forms to the same bytes as Buffer', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      const unpadded = Buffer.from(b).toString('base64url');
      const padded = Buffer.from(b).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
      const u = base64urlDecode(unpadded);
      const p = base64urlDecode(padded);
      return u.ok && p.ok && Buffer.from(u.bytes).equals(Buffer.from(b)) && Buffer.from(p.bytes).equals(Buffer.from(b))
        && !u.padded && p.padded === padded.endsWith('=');
    }));
  });

  it('rejects what Buffer would silently accept', () => {
    const problem = (s: string) => {
      const r = base64urlDecode(s);
      return r.ok ? 'ok' : r.problem;
    };
    expect(problem('ab+c')).toBe('standard-alphabet');
    expect(problem('ab/c')).toBe('standard-alphabet');
    expect(problem('ab c')).toBe('bad-character');
    expect(problem('abcd\n')).toBe('bad-character');
    expect(problem('abcde')).toBe('bad-length');     // 4k+1 characters encode nothing
    expect(problem('ab=')).toBe('bad-length');       // padding must complete a quantum
    expect(problem('a===')).toBe('bad-length');
    expect(problem('ab=c')).toBe('bad-length');
    expect(problem('QR')).toBe('non-canonical');     // 'Q' + 'R': low bits set; canonical is "QQ"
    expect(problem('QUJ')).toBe('non-canonical');    // canonical "QUI"
    expect(problem('QQ')).toBe('ok');
    expect(problem('QQ==')).toBe('ok');
    expect(problem('')).toBe('ok');
    expect(problem('é')).toBe('bad-character');
  });
});

describe('parseAzureKid', () => {
  it('accepts versioned Key Vault and Managed HSM key ids and names their parts', () => {
    const v = parseAzureKid(KID);
    expect(v).toMatchObject({ service: 'vault', instance: 'contoso-byok', name: 'KEKforBYOK', version: 'eba63d27e4e34e028839b53fac905621' });
    const m = parseAzureKid('https://myhsm.managedhsm.azure.net/keys/kek/0123456789abcdef0123456789ABCDEF');
    expect(m).toMatchObject({ service: 'managedhsm', instance: 'myhsm', name: 'kek' });
    expect(parseAzureKid('https://gov-vault.vault.usgovcloudapi.net/keys/k/0123456789abcdef0123456789abcdef/').service).toBe('vault');
  });

  it('accepts the kids `byok serve` issues: a loopback host with a port', () => {
    for (const host of ['127.0.0.1:8443', 'localhost:50123', '[::1]:8443', '127.0.0.1']) {
      const k = parseAzureKid(`https://${host}/keys/KEK/0123456789abcdef0123456789abcdef`);
      expect(k).toMatchObject({ service: 'managedhsm', instance: 'localhost', host: host.replace(/:\d+$/, ''), name: 'KEK', version: '0123456789abcdef0123456789abcdef' });
    }
  });

  it.each([
    ['https://contoso-byok.vault.azure.net/keys/KEKforBYOK', /no key version/],
    ['https://contoso-byok.vault.azure.net/keys/KEKforBYOK/', /no key version/],
    ['http://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621', /not an https/],
    ['https://contoso.example.com/keys/k/eba63d27e4e34e028839b53fac905621', /not on a Key Vault/],
    ['https://contoso-byok.vault.azure.net/secrets/k/eba63d27e4e34e028839b53fac905621', /not a key identifier/],
    ['https://contoso-byok.vault.azure.net/keys/k/v1', /32 hex/],
    ['https://contoso-byok.vault.azure.net/keys/k_x/eba63d27e4e34e028839b53fac905621', /invalid key name/],
    ['https://contoso-byok.vault.azure.net:8443/keys/k/eba63d27e4e34e028839b53fac905621', /parts a key identifier never has/],
    ['https://user@contoso-byok.vault.azure.net/keys/k/eba63d27e4e34e028839b53fac905621', /parts a key identifier never has/],
    ['https://contoso-byok.vault.azure.net/keys/k/eba63d27e4e34e028839b53fac905621?x=1', /parts a key identifier never has/],
    ['https://contoso-byok.vault.azure.net/keys/k/eba63d27e4e34e028839b53fac905621#f', /parts a key identifier never has/],
    ['https://user@127.0.0.1:8443/keys/k/eba63d27e4e34e028839b53fac905621', /parts a key identifier never has/],
    ['https://127.0.0.1:8443/keys/k/eba63d27e4e34e028839b53fac905621?api-version=7.6', /parts a key identifier never has/],
    ['https://127.0.0.1.example.com:8443/keys/k/eba63d27e4e34e028839b53fac905621', /parts a key identifier never has/],
    ['http://127.0.0.1:8443/keys/k/eba63d27e4e34e028839b53fac905621', /not an https/],
    ['KEKforBYOK', /not a URL/],
  ])('rejects %s with BYOK_BAD_KID and says how to get the versioned kid', (kid, why) => {
    let err: unknown;
    try {
      parseAzureKid(kid);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ByokError);
    expect((err as ByokError).code).toBe('BYOK_BAD_KID');
    expect((err as ByokError).message).toMatch(why);
    expect((err as ByokError).message).toMatch(/az keyvault key show/);
  });
});

describe('.byok build and parse', () => {
  const keks = [2048, 3072, 4096].map((bits) => ({ bits, ...generateKeyPairSync('rsa', { modulusLength: bits }) }));
  const targets: [string, Uint8Array][] = [
    ['AES-128', randomBytes(16)],
    ['AES-256', randomBytes(32)],
    ['EC P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'der' })],
    ['EC P-521', generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey.export({ type: 'pkcs8', format: 'der' })],
    ['RSA-2048', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' })],
  ].map(([n, m]) => [n as string, new Uint8Array(m as Buffer)]);

  it('writes the fields Microsoft specifies, in order, compact UTF-8 without BOM, unpadded base64url', () => {
    const blob = nodeBlob(keks[0]!.publicKey, targets[1]![1]);
    const bytes = serializeByok(buildByok({ kid: KID, ciphertext: blob, generator: 'byok-toolkit 0.0.0-test' }));
    const text = Buffer.from(bytes).toString('utf8');
    expect(bytes[0]).toBe(0x7b); // '{', no BOM
    expect(text).toBe(`{"schema_version":"1.0.0","header":{"kid":"${KID}","alg":"dir","enc":"CKM_RSA_AES_KEY_WRAP"},"ciphertext":"${Buffer.from(blob).toString('base64url')}","generator":"byok-toolkit 0.0.0-test"}`);
    // §1.5: compact files start with this outer base64url prefix
    expect(Buffer.from(bytes).toString('base64url').startsWith('eyJzY2hlbWFfdmVyc2lvbiI6IjEuMC4wIiwiaGVh')).toBe(true);
  });

  it('serializes byte for byte as JSON.stringify would, whatever the strings hold (quotes, controls, non-ASCII)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\u2028', 'é', '\u0000'));
    fc.assert(fc.property(text, text, fc.option(text, { nil: undefined }), fc.oneof(text, fc.base64String(), fc.stringMatching(/^[A-Za-z0-9_-]{0,300}$/)), (sv, kid, generator, ciphertext) => {
      const file = { schema_version: sv, header: { kid, alg: 'dir', enc: 'CKM_RSA_AES_KEY_WRAP' }, ciphertext, ...(generator === undefined ? {} : { generator }) };
      const want = new TextEncoder().encode(JSON.stringify(file));
      return Buffer.from(serializeByok(file)).equals(Buffer.from(want));
    }), { numRuns: 2000 });
  });

  for (const kek of keks) {
    for (const [name, material] of targets) {
      it(`KEK ${kek.bits}, ${name}: parses back, splits at k bytes, and node:crypto opens both parts`, () => {
        const blob = nodeBlob(kek.publicKey, material);
        const parsed = parseByok(serializeByok(buildByok({ kid: KID, ciphertext: blob, generator: 'g' })));
        expect(Buffer.from(parsed.ciphertext).equals(Buffer.from(blob))).toBe(true);
        expect(parsed.warnings).toEqual([]);
        const r = readingForKek(parsed, kek.bits);
        expect(r.oaepLength).toBe(kek.bits / 8);
        expect(r.materialLength[0]).toBeLessThanOrEqual(material.length);
        expect(r.materialLength[1]).toBeGreaterThanOrEqual(material.length);
        // Length alone can be ambiguous (512+24 = 384+152: AES-128 under RSA-4096 or EC P-256 under
        // RSA-3072), so the true reading must be one of those that fit a key type, and those come first.
        expect(r.looksLike).toContain(name.startsWith('EC') ? 'EC private key' : name);
        const firstUnknown = parsed.readings.findIndex((x) => x.looksLike === undefined);
        if (firstUnknown >= 0) expect(parsed.readings.indexOf(r)).toBeLessThan(firstUnknown);
        const { oaep, kwp } = splitCiphertext(parsed, kek.bits);
        expect(nodeOpen(kek.privateKey, oaep, kwp).equals(Buffer.from(material))).toBe(true);
      });
    }
  }

  it('accepts padded base64url and a BOM, with warnings; standard base64 is refused', () => {
    const blob = nodeBlob(keks[0]!.publicKey, randomBytes(32)); // 296 bytes: base64 needs one '=' of padding
    const file = buildByok({ kid: KID, ciphertext: blob, generator: 'g' });
    const padded = { ...file, ciphertext: Buffer.from(blob).toString('base64').replace(/\+/g, '-').replace(/\//g, '_') };
    expect(padded.ciphertext.endsWith('=')).toBe(true);
    const p = parseByok(JSON.stringify(padded, null, 2));
    expect(Buffer.from(p.ciphertext).equals(Buffer.from(blob))).toBe(true);
    expect(p.warnings.join()).toMatch(/padding/);
    const bom = parseByok(new Uint8Array([0xef, 0xbb, 0xbf, ...serializeByok(file)]));
    expect(bom.warnings.join()).toMatch(/byte order mark/);
    const std = Buffer.from(blob).toString('base64');
    if (/[+/]/.test(std)) expect(codeOf(() => parseByok(JSON.stringify({ ...file, ciphertext: std })))).toBe('BYOK_BAD_CIPHERTEXT');
    const noGen = { schema_version: file.schema_version, header: file.header, ciphertext: file.ciphertext };
    expect(parseByok(JSON.stringify(noGen)).warnings.join()).toMatch(/generator/);
  });

  it('refuses every malformed shape with a typed error', () => {
    const blob = nodeBlob(keks[0]!.publicKey, randomBytes(32));
    const good = buildByok({ kid: KID, ciphertext: blob, generator: 'g' }) as unknown as Record<string, unknown>;
    const header = good['header'] as Record<string, unknown>;
    const cases: [unknown, string][] = [
      ['not json', 'BYOK_MALFORMED'],
      ['[]', 'BYOK_MALFORMED'],
      [{ ...good, schema_version: undefined }, 'BYOK_MALFORMED'],
      [{ ...good, schema_version: 1 }, 'BYOK_MALFORMED'],
      [{ ...good, schema_version: '2.0.0' }, 'BYOK_UNSUPPORTED'],
      [{ ...good, header: 'x' }, 'BYOK_MALFORMED'],
      [{ ...good, header: { ...header, kid: undefined } }, 'BYOK_MALFORMED'],
      [{ ...good, header: { ...header, alg: 'RSA-OAEP' } }, 'BYOK_UNSUPPORTED'],
      [{ ...good, header: { ...header, enc: 'CKM_RSA_AES_KEY_WRAP_PAD' } }, 'BYOK_UNSUPPORTED'],
      [{ ...good, header: { ...header, kid: 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK' } }, 'BYOK_BAD_KID'],
      [{ ...good, ciphertext: undefined }, 'BYOK_MALFORMED'],
      [{ ...good, ciphertext: 'a b' }, 'BYOK_BAD_CIPHERTEXT'],
      [{ ...good, ciphertext: Buffer.from(blob.subarray(0, 295)).toString('base64url') }, 'BYOK_BAD_CIPHERTEXT'],
      [{ ...good, ciphertext: Buffer.from(blob.subarray(0, 256 + 8)).toString('base64url') }, 'BYOK_BAD_CIPHERTEXT'],
      [{ ...good, ciphertext: '' }, 'BYOK_BAD_CIPHERTEXT'],
      [{ ...good, generator: 5 }, 'BYOK_MALFORMED'],
    ];
    for (const [input, code] of cases) {
      const text = typeof input === 'string' ? input : JSON.stringify(input);
      expect([text.slice(0, 60), codeOf(() => parseByok(text))]).toEqual([text.slice(0, 60), code]);
    }
    expect(codeOf(() => parseByok(new Uint8Array([0xff, 0xfe, 0x7b])))).toBe('BYOK_MALFORMED');
    expect(codeOf(() => parseByok(new Uint8Array(70 * 1024).fill(0x20)))).toBe('BYOK_MALFORMED');
  });

  it('readCiphertext: exactly the lengths k + 8m (m >= 2) for k = 256/384/512', () => {
    for (let len = 0; len <= 3000; len++) {
      const expected = [2048, 3072, 4096].filter((b) => len - b / 8 >= 16 && (len - b / 8) % 8 === 0);
      expect(readCiphertext(len).map((r) => r.kekBits).sort()).toEqual(expected.sort());
    }
  });

  it('readingForKek names the sizes the blob could be for', () => {
    const parsed = parseByok(serializeByok(buildByok({ kid: KID, ciphertext: nodeBlob(keks[0]!.publicKey, randomBytes(32)), generator: 'g' })));
    expect(codeOf(() => readingForKek(parsed, 3072))).toBe('BYOK_KEK_MISMATCH');
  });

  it('buildByok refuses an unversioned kid and an impossible ciphertext', () => {
    expect(codeOf(() => buildByok({ kid: 'https://a-b.vault.azure.net/keys/k', ciphertext: new Uint8Array(296), generator: 'g' }))).toBe('BYOK_BAD_KID');
    expect(codeOf(() => buildByok({ kid: KID, ciphertext: new Uint8Array(300), generator: 'g' }))).toBe('BYOK_BAD_CIPHERTEXT');
  });
});

describe('import request, SDK key and az command', () => {
  const fileBytes = new TextEncoder().encode('{"schema_version":"1.0.0"}');

  it('key_hsm is unpadded base64url of the exact file bytes; the SDK gets the raw bytes', () => {
    const req = importRequest({ kty: 'EC-HSM', crv: 'P-256', keyOps: ['sign', 'verify'], fileBytes });
    expect(req).toEqual({ key: { kty: 'EC-HSM', crv: 'P-256', key_ops: ['sign', 'verify'], key_hsm: Buffer.from(fileBytes).toString('base64url') }, attributes: { enabled: true } });
    expect(req.key.key_hsm).not.toMatch(/[=+/]/);
    const sdk = sdkKey({ kty: 'RSA-HSM', keyOps: ['sign'], fileBytes });
    expect(sdk.t).toBe(fileBytes);
    expect('crv' in sdk).toBe(false);
  });

  it('builds the az command for a vault and a Managed HSM, with -HSM dropped from --kty', () => {
    const kek = parseAzureKid(KID);
    expect(azImportCommand({ kek, kty: 'EC-HSM', crv: 'P-256K', keyOps: ['sign', 'verify'], byokPath: 'my key.byok', keyName: 'k1' }))
      .toBe("az keyvault key import --vault-name contoso-byok --name k1 --byok-file 'my key.byok' --kty EC --curve P-256K --ops sign verify");
    const hsm = parseAzureKid('https://myhsm.managedhsm.azure.net/keys/kek/0123456789abcdef0123456789abcdef');
    expect(azImportCommand({ kek: hsm, kty: 'oct-HSM', keyOps: ['encrypt', 'decrypt'], byokPath: 'aes.byok' }))
      .toBe("az keyvault key import --hsm-name myhsm --name '<new-key-name>' --byok-file aes.byok --kty oct --ops encrypt decrypt");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it('checkKeyOps enforces what Azure allows per key type', () => {
    expect(codeOf(() => checkKeyOps('EC-HSM', ['sign', 'verify']))).toBe('ok');
    expect(codeOf(() => checkKeyOps('EC-HSM', ['sign', 'wrapKey']))).toBe('BYOK_BAD_OPS');
    expect(codeOf(() => checkKeyOps('RSA-HSM', []))).toBe('BYOK_BAD_OPS');
    expect(codeOf(() => checkKeyOps('RSA-HSM', ['sign', 'sign']))).toBe('BYOK_BAD_OPS');
    expect(codeOf(() => checkKeyOps('oct-HSM', ['sign']))).toBe('BYOK_BAD_OPS');
  });
});
