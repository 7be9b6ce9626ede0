// Key files for the CLI tests, made with node:crypto (an independent implementation) in a temp folder.
import {
  constants, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, randomBytes,
  type KeyObject,
} from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBuiltCli, tempDir } from '../helpers/cli.js';

export const KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/eba63d27e4e34e028839b53fac905621';
export const OTHER_KID = 'https://contoso-byok.vault.azure.net/keys/KEKforBYOK/00000000000000000000000000000001';
export const PASSWORD = 'correct horse battery staple ✓';

export interface Fixtures {
  readonly dir: string;
  readonly kekPub: string;
  readonly kekPriv: string;
  readonly kekPrivateKey: KeyObject;
  readonly kekBits: number;
  /** az keyvault key show JSON of the KEK, kid included. */
  readonly kekJson: string;
  readonly otherKekPub: string;
  readonly otherKekPriv: string;
  readonly rsa: string;           // RSA-2048 PKCS#8 PEM
  readonly rsaPublic: KeyObject;
  readonly ec: string;            // EC P-256 SEC1 PEM
  readonly ecPublic: KeyObject;
  readonly aes: string;           // AES-256, 32 raw bytes
  readonly aesBytes: Buffer;
  readonly encrypted: string;     // RSA-2048 encrypted PKCS#8 PEM (PBES2 AES-256-CBC), PASSWORD
  readonly encryptedPublic: KeyObject;
  readonly passwordFile: string;
  readonly wrongPasswordFile: string;
  readonly rsa1024: string;
  readonly ecKek: string;         // an EC public key where a KEK is expected
  readonly kek1024: string;
  readonly garbage: string;
}

export function makeFixtures(dir: string): Fixtures {
  const w = (name: string, data: string | Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  const kek = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const enc = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const aesBytes = randomBytes(32);
  const jwk = kek.publicKey.export({ format: 'jwk' });
  const kekJson = JSON.stringify({
    attributes: { enabled: true }, key: { kid: KID, kty: 'RSA-HSM', key_ops: ['import'], n: jwk.n, e: jwk.e },
  });
  return {
    dir,
    kekPub: w('kek.pem', kek.publicKey.export({ type: 'spki', format: 'pem' }) as string),
    kekPriv: w('kek-private.pem', kek.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    kekPrivateKey: kek.privateKey,
    kekBits: 2048,
    kekJson: w('kek.json', kekJson),
    otherKekPub: w('other-kek.pem', other.publicKey.export({ type: 'spki', format: 'pem' }) as string),
    otherKekPriv: w('other-kek-private.pem', other.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    rsa: w('rsa.pem', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    rsaPublic: rsa.publicKey,
    ec: w('ec.pem', ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string),
    ecPublic: ec.publicKey,
    aes: w('aes.key', aesBytes),
    aesBytes,
    encrypted: w('encrypted.pem', enc.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSWORD }) as string),
    encryptedPublic: enc.publicKey,
    passwordFile: w('password.txt', `${PASSWORD}\n`),
    wrongPasswordFile: w('wrong-password.txt', 'not the password\n'),
    rsa1024: w('rsa1024.pem', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    ecKek: w('ec-kek.pem', ec.publicKey.export({ type: 'spki', format: 'pem' }) as string),
    kek1024: w('kek1024.pem', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string),
    garbage: w('garbage.pem', '-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n'),
  };
}

/** Opens a .byok ciphertext with node:crypto alone (OAEP-SHA1, then id-aes256-wrap-pad). */
export function nodeOpen(kekPrivate: KeyObject, kekBits: number, ciphertext: Uint8Array): Buffer {
  const k = kekBits / 8;
  const aes = privateDecrypt({ key: kekPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ciphertext.subarray(0, k));
  const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
  return Buffer.concat([d.update(ciphertext.subarray(k)), d.final()]);
}

/** The ciphertext bytes of a .byok file's text. */
export function ciphertextOf(byokText: string): Buffer {
  return Buffer.from((JSON.parse(byokText) as { ciphertext: string }).ciphertext, 'base64url');
}

/** SPKI DER of the public key inside an unwrapped PKCS#8 (node:crypto parses it). */
export function publicOfPkcs8(der: Uint8Array): Buffer {
  return createPublicKey(createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
}

export function spkiDer(k: KeyObject): Buffer {
  return k.export({ type: 'spki', format: 'der' });
}

/** SHA-256(SPKI DER) as sha256sum prints it: the fingerprint every byok output shows. */
export function fingerprintHex(k: KeyObject): string {
  return createHash('sha256').update(spkiDer(k)).digest('hex');
}

/** "AB12 CD34 …": the same fingerprint grouped to read aloud (an extra field beside it). */
export function fingerprintGroups(k: KeyObject): string {
  return fingerprintHex(k).toUpperCase().match(/.{4}/g)!.join(' ');
}

/** The built CLI (checked once) and a fresh folder of fixtures for one test file. */
export function cliSetup(): { tmp: ReturnType<typeof tempDir>; fx: Fixtures } {
  requireBuiltCli();
  const tmp = tempDir();
  return { tmp, fx: makeFixtures(tmp.dir) };
}
