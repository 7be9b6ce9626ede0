// `byok demo`: a whole rehearsal on this machine, no arguments, no network. A test KEK stands in for the
// Azure KEK; an RSA-3072, an EC P-256 and an AES-256 key are wrapped with our Wasm core, then each .byok
// is opened twice: by our core (verifyByok) and independently by node:crypto (OpenSSL).
import {
  constants, createDecipheriv, generateKeyPair, generateKeyPairSync, privateDecrypt, randomBytes, type KeyObject,
} from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readKek } from '../../kek/index.js';
import { readTargetKey, wipeTargetKey, type TargetKey } from '../../keys/index.js';
import { readByok } from '../../transfer/read.js';
import { verifyByok } from '../../transfer/unwrap.js';
import { wrapForAzure } from '../../transfer/wrap.js';
import type { CommandSpec } from '../args.js';
import type { Command } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';
import { writeFileAtomic } from '../files.js';
import { shellQuote } from '../../formats/azure-import.js';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'wrap and verify demo keys in a temporary folder (no arguments, no network)',
  usage: ['byok demo [--json]'],
  description:
    'Generates a test KEK (RSA-2048, standing in for the Azure KEK) and three keys to import (RSA-3072,\n' +
    'EC P-256, AES-256) in a new temporary folder, wraps each into a .byok with the Wasm core, and checks\n' +
    'each by opening it again: with the core, and independently with node:crypto (OpenSSL).\n' +
    'The folder is kept so you can try the other commands on it.',
  options: {},
  examples: ['byok demo'],
};

const generateKeyPairAsync = promisify(generateKeyPair);
// A made-up, well-formed key id: the demo vault does not exist.
const DEMO_KID = 'https://byok-demo.vault.azure.net/keys/demo-kek/0123456789abcdef0123456789abcdef';

/** Opens a blob with node:crypto only: OAEP-SHA1 with the KEK private key, then id-aes256-wrap-pad. */
function openWithNodeCrypto(kekPrivate: KeyObject, kekBytes: number, ciphertext: Uint8Array): Buffer {
  const aes = privateDecrypt({ key: kekPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ciphertext.subarray(0, kekBytes));
  try {
    const d = createDecipheriv('id-aes256-wrap-pad', aes, Buffer.from('A65959A6', 'hex'));
    return Buffer.concat([d.update(ciphertext.subarray(kekBytes)), d.final()]);
  } finally {
    aes.fill(0);
  }
}

export const demoCommand: Command = {
  spec,
  async run(_args, ctx) {
    const started = performance.now();
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'byok-demo-')));
    const say = ctx.say;
    say(`byok demo: a complete rehearsal in ${dir}`);
    say('Nothing leaves this machine; every key here is a throw-away test key.');
    say();

    // Key generation runs on libuv's threads in parallel: RSA-3072 dominates.
    const [kekPair, rsaPair] = await Promise.all([
      generateKeyPairAsync('rsa', { modulusLength: 2048 }),
      generateKeyPairAsync('rsa', { modulusLength: 3072 }),
    ]);
    const ecPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    const write = (name: string, data: Uint8Array | string): string => {
      const p = join(dir, name);
      writeFileAtomic(p, typeof data === 'string' ? new TextEncoder().encode(data) : data, { syncDir: false });
      return p;
    };
    const kekPublicPath = write('kek-public.pem', kekPair.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const kekPrivatePath = write('kek-private.pem', kekPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const kek = readKek(new TextEncoder().encode(kekPair.publicKey.export({ type: 'spki', format: 'pem' }) as string), { kid: DEMO_KID });
    say('1. The KEK (key-exchange key)');
    say(`   In Azure you create it with 'az keyvault key create --kty RSA-HSM --ops import' and download its`);
    say(`   public half. Here a local RSA-${kek.bits} test KEK stands in for it:`);
    say(`     public key   ${kekPublicPath}`);
    say(`     kid          ${DEMO_KID}  (made up)`);
    say(`     SHA-256      ${kek.fingerprint.hex}`);
    say('   Before a real transfer, compare this fingerprint with the vault owner over a second channel.');
    say();

    const aes = randomBytes(32);
    const targets = [
      { name: 'rsa-3072', file: write('rsa-3072.pem', rsaPair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), label: 'RSA-3072 private key, PKCS#8 PEM' },
      { name: 'ec-p256', file: write('ec-p256.pem', ecPair.privateKey.export({ type: 'sec1', format: 'pem' }) as string), label: 'EC P-256 private key, SEC1 PEM' },
      { name: 'aes-256', file: write('aes-256.key', aes), label: 'AES-256 key, 32 raw bytes' },
    ];
    aes.fill(0);
    say('2. The keys to import (generated with node:crypto)');
    for (const t of targets) say(`     ${t.file.padEnd(dir.length + 14)}  ${t.label}`);
    say();

    say('3. Wrap each for the KEK: RSA-OAEP (SHA-1) of a fresh AES-256 key, then AES key wrap with padding');
    const results: Record<string, unknown>[] = [];
    const read: TargetKey[] = [];
    const kekPrivateDer = new Uint8Array(kekPair.privateKey.export({ type: 'pkcs8', format: 'der' }));
    try {
      for (const t of targets) {
        const keyBytes = new Uint8Array(readFileSync(t.file));
        const target = readTargetKey(keyBytes, {});
        keyBytes.fill(0);
        try {
          const byokPath = join(dir, `${t.name}.byok`);
          const r = wrapForAzure(kek, target, { byokPath, keyName: t.name });
          write(`${t.name}.byok`, r.bytes);
          say(`     ${byokPath.padEnd(dir.length + 14)}  ${String(r.bytes.length).padStart(5)} bytes  → ${r.summary.target.kty}${r.summary.target.curve ? ` ${r.summary.target.curve}` : ''}`);
          results.push({ name: t.name, key: t.file, byok: byokPath, bytes: r.bytes.length, kty: r.summary.target.kty, keyOps: r.summary.target.keyOps, azCommand: r.azCommand });
          read.push(target);
        } catch (e) {
          wipeTargetKey(target);
          throw e;
        }
      }
      say();

      say('4. Verify: open each .byok again and compare with the original key');
      for (const [i, res] of results.entries()) {
        const target = read[i]!;
        const parsed = readByok(readFileSync(res['byok'] as string));
        const ours = verifyByok(parsed, kekPrivateDer, target);
        const opened = openWithNodeCrypto(kekPair.privateKey, kek.bits / 8, parsed.ciphertext);
        const independent = opened.equals(target.material);
        opened.fill(0);
        res['verified'] = ours.match;
        res['nodeCryptoMatch'] = independent;
        if (!independent) throw new Error(`node:crypto opened ${res['name'] as string}.byok to different bytes`);
        say(`     ✓ ${String(res['name']).padEnd(9)} Wasm core: ${ours.match === 'exact' ? 'exactly the original key' : 'the same key'}; node:crypto (OpenSSL): identical bytes`);
      }
    } finally {
      kekPrivateDer.fill(0);
      for (const t of read) wipeTargetKey(t);
    }
    say();

    const first = results[0]!;
    say('5. Try next');
    say(`     byok inspect ${shellQuote(first['byok'] as string)}`);
    say(`     byok verify --kek-key ${shellQuote(kekPrivatePath)} --key ${shellQuote(String(results[1]!['key']))} ${shellQuote(String(results[1]!['byok']))}`);
    say('   In Azure, this is the command that would import the first key:');
    say(`     ${String(first['azCommand'])}`);
    say(`   The README walks through the whole Azure workflow. Remove the demo folder with: rm -r ${shellQuote(dir)}`);
    say();
    const seconds = (performance.now() - started) / 1000;
    say(`Done in ${seconds.toFixed(1)} s: 3 keys wrapped and verified.`);
    return {
      exitCode: EXIT_OK,
      json: { dir, kek: { publicKey: kekPublicPath, privateKey: kekPrivatePath, kid: DEMO_KID, bits: kek.bits, fingerprint: kek.fingerprint.hex, fingerprintGrouped: kek.fingerprint.grouped }, keys: results, seconds },
    };
  },
};
