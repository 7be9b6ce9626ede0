#!/usr/bin/env node
// Import a key into Azure Key Vault (Premium) or Managed HSM with byok-toolkit and @azure/keyvault-keys:
// fetch the KEK, check its fingerprint out of band, wrap the key locally, import it, confirm.
//
//   npm install byok-toolkit @azure/keyvault-keys @azure/identity
//   node azure-import.mjs --vault https://contoso.vault.azure.net --kek KEKforBYOK \
//        --key signing-key.pem --name signing-key [--password-file pw.txt] [--fingerprint 3f2a…(64 hex digits)]
//
// Credentials come from @azure/identity's DefaultAzureCredential (az login, managed identity, …).
// The key never leaves this machine unwrapped: only the .byok blob (wrapped for the vault's HSM) is sent.
//
// Rehearse against `byok serve` (a local Managed HSM stand-in, see the README) with its admin.json:
//   NODE_EXTRA_CA_CERTS=hsm/ca.pem AZURE_TENANT_ID=adfs AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… \
//   AZURE_AUTHORITY_HOST=https://127.0.0.1:8443 node azure-import.mjs --vault https://127.0.0.1:8443 …
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { KeyClient } from '@azure/keyvault-keys';
import { readKek, wrapForAzure } from 'byok-toolkit';

/**
 * The whole import, for scripts: `client` is a KeyClient for the vault that holds the KEK (Azure imports
 * only into that vault). `confirmFingerprint` receives the KEK's SHA-256 fingerprint and must return
 * true only when it matches the value the vault owner read out over another channel.
 */
export async function importByok({ client, kekName, keyBytes, keyName, password, keyOps, confirmFingerprint, log = console.log }) {
  // 1. The KEK: the SDK's KeyVaultKey carries the versioned id, key_ops and n/e; readKek takes it as is.
  const kekKey = await client.getKey(kekName);
  const kek = readKek(kekKey);
  log(`KEK        ${kek.kid}`);
  log(`           RSA ${kek.bits}, key_ops ${JSON.stringify(kek.keyOps)}`);
  log(`SHA-256    ${kek.fingerprint.hex}`);
  // 2. Out-of-band check: an attacker who can change what getKey returns could substitute their own KEK.
  if (!(await confirmFingerprint(kek.fingerprint.hex))) throw new Error('KEK fingerprint not confirmed: nothing was wrapped or sent');
  // 3. Wrap locally (Wasm core: RSA-OAEP SHA-1 + AES-256 key wrap with padding).
  const wrapped = wrapForAzure(kek, keyBytes, { keyName, ...(keyOps ? { keyOps } : {}), ...(password === undefined ? {} : { read: { password } }) });
  log(`wrapped    ${wrapped.summary.target.kty}${wrapped.summary.target.curve ? ` ${wrapped.summary.target.curve}` : ''}, operations ${wrapped.summary.target.keyOps.join(' ')}`);
  // 4. Import: `t` is the raw bytes of the .byok file; the SDK sends it as key_hsm (base64url).
  const imported = await client.importKey(keyName, wrapped.sdkKey, { hardwareProtected: true });
  // 5. Confirm what Azure created.
  log(`imported   ${imported.id}`);
  log(`           ${imported.keyType}${imported.key?.crv ? ` ${imported.key.crv}` : ''}, operations ${(imported.keyOperations ?? []).join(' ')}`);
  if (imported.keyType !== wrapped.summary.target.kty) throw new Error(`Azure created a ${imported.keyType} key, expected ${wrapped.summary.target.kty}`);
  return { imported, wrapped };
}

function sameFingerprint(a, b) {
  const norm = (s) => s.replace(/[\s:]/g, '').toLowerCase(); // "ab12cd…", "AB12 CD34 …" and "ab:12:…" alike
  return norm(a) === norm(b);
}

async function main() {
  const { values: v } = parseArgs({
    options: {
      vault: { type: 'string' }, kek: { type: 'string' }, key: { type: 'string' }, name: { type: 'string' },
      'password-file': { type: 'string' }, fingerprint: { type: 'string' }, ops: { type: 'string' },
    },
  });
  if (!v.vault || !v.kek || !v.key || !v.name) {
    console.error('usage: node azure-import.mjs --vault URL --kek KEK-NAME --key FILE --name NEW-KEY-NAME [--password-file FILE] [--fingerprint HEX] [--ops a,b]');
    process.exit(2);
  }
  let DefaultAzureCredential;
  try {
    ({ DefaultAzureCredential } = await import('@azure/identity'));
  } catch {
    console.error('this example signs in with @azure/identity: npm install @azure/identity');
    process.exit(2);
  }
  // A loopback vault URL is `byok serve`: its challenge names managedhsm.azure.net, not 127.0.0.1.
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(new URL(v.vault).hostname);
  const client = new KeyClient(v.vault, new DefaultAzureCredential(), { disableChallengeResourceVerification: local });
  const password = v['password-file'] ? readFileSync(v['password-file'], 'utf8').split(/\r?\n/)[0] : process.env.BYOK_PASSWORD;
  const keyBytes = new Uint8Array(readFileSync(v.key));
  try {
    await importByok({
      client, kekName: v.kek, keyBytes, keyName: v.name, password,
      ...(v.ops ? { keyOps: v.ops.split(',') } : {}),
      confirmFingerprint: async (fp) => {
        if (v.fingerprint) return sameFingerprint(fp, v.fingerprint);
        if (!process.stdin.isTTY) return false;
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question('Does this fingerprint match what the vault owner read to you? [y/N] ');
        rl.close();
        return /^y(es)?$/i.test(answer.trim());
      },
    });
  } finally {
    keyBytes.fill(0);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(`azure-import: ${e.message}`);
    process.exit(1);
  });
}
