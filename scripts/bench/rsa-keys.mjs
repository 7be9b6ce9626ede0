// RSA keys for every benchmark, generated once into node_modules/.cache/byok-bench-batch (RSA key
// generation is slow and is not what any benchmark measures): keys/kNNNNN.pem (PKCS#8 PEM, RSA-2048) and
// a KEK pair per size, kek<bits>.pem (SPKI) and kek<bits>-private.pem (PKCS#8).
import { generateKeyPair, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The cache folder under the checkout `root`. */
export function benchCache(root) {
  const dir = join(root, 'node_modules/.cache/byok-bench-batch');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Makes sure `n` keys exist; returns their folder and the sorted file names of the first `n`. */
export async function benchRsaKeys(root, n) {
  const keyDir = join(benchCache(root), 'keys');
  mkdirSync(keyDir, { recursive: true });
  const have = readdirSync(keyDir).filter((f) => /^k\d+\.pem$/.test(f)).length;
  if (have < n) {
    console.log(`generating ${n - have} RSA-2048 keys into ${keyDir} (once; not timed) …`);
    const gen = promisify(generateKeyPair);
    for (let i = have; i < n; i += 16) {
      await Promise.all(Array.from({ length: Math.min(16, n - i) }, (_, j) => gen('rsa', { modulusLength: 2048 }).then(({ privateKey }) =>
        writeFileSync(join(keyDir, `k${String(i + j).padStart(5, '0')}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' })))));
    }
  }
  return { keyDir, keyFiles: readdirSync(keyDir).filter((f) => /^k\d+\.pem$/.test(f)).sort().slice(0, n) };
}

/** The paths of a `bits`-bit KEK pair in the cache, generated once. */
export function benchKek(root, bits) {
  const dir = benchCache(root);
  const pub = join(dir, `kek${bits}.pem`);
  const priv = join(dir, `kek${bits}-private.pem`);
  if (!existsSync(priv)) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  return { pub, priv };
}
