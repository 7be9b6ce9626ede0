// RSA keys for the benchmarks, generated once into a cache folder (RSA key generation is slow and is not
// what is measured): kNNNNN.pem (PKCS#8 PEM, RSA-2048) and a KEK pair per size.
import { generateKeyPair, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The first `n` key file names in `keyDir` (sorted), generating the missing ones 16 at a time. */
export async function ensureRsaKeys(keyDir, n) {
  mkdirSync(keyDir, { recursive: true });
  const have = readdirSync(keyDir).filter((f) => /^k\d+\.pem$/.test(f)).length;
  if (have < n) {
    console.log(`generating ${n - have} RSA-2048 keys into ${keyDir} (once; not timed) …`);
    const gen = promisify(generateKeyPair);
    for (let i = have; i < n; i += 16) {
      const batch = [];
      for (let j = i; j < Math.min(n, i + 16); j++) {
        batch.push(gen('rsa', { modulusLength: 2048 }).then(({ privateKey }) =>
          writeFileSync(join(keyDir, `k${String(j).padStart(5, '0')}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }))));
      }
      await Promise.all(batch);
    }
  }
  return readdirSync(keyDir).filter((f) => /^k\d+\.pem$/.test(f)).sort().slice(0, n);
}

/** kek<bits>.pem (SPKI) and kek<bits>-private.pem (PKCS#8) in `dir`, generated once. */
export function ensureKek(dir, bits) {
  const pub = join(dir, `kek${bits}.pem`);
  const priv = join(dir, `kek${bits}-private.pem`);
  if (!existsSync(priv)) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  return { pub, priv };
}
