// RSA-2048 PKCS#8 PEM keys for the benchmarks, generated once into node_modules/.cache/byok-bench-batch/keys
// (k00000.pem, k00001.pem, …): RSA key generation is slow and is not what any benchmark measures.
import { generateKeyPair } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Makes sure `n` keys exist; returns their folder and the sorted file names of the first `n`. */
export async function benchRsaKeys(root, n) {
  const keyDir = join(root, 'node_modules/.cache/byok-bench-batch/keys');
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
