// The test wrapping key's private half for rehearsals (unwrap, verify), and how a key is named in their output.
import type { RsaPrivateKey } from '../core/index.js';
import { ByokError } from '../errors.js';
import { wipeTargetKey } from '../keys/index.js';
import { rsaComponentsFromPkcs8 } from '../transfer/rsa-components.js';
import type { Ctx } from './context.js';
import { readKeyFile } from './inputs.js';
import { passwordSource, type PasswordSource } from './password.js';

export async function readKekPrivate(path: string, passwordFile: string | undefined, ctx: Ctx): Promise<RsaPrivateKey> {
  // BYOK_PASSWORD belongs to the key being wrapped or verified, never to the KEK: an explicit file only.
  const pw: PasswordSource = passwordSource(passwordFile, { ...ctx.io, env: {} });
  try {
    const t = await readKeyFile(path, 'KEK private key', {}, pw);
    try {
      if (t.kind !== 'rsa') throw new ByokError('INVALID_PRIVATE_KEY', `${JSON.stringify(path)} holds ${t.kind === 'ec' ? 'an EC' : t.kind === 'ed25519' ? 'an Ed25519' : 'a symmetric'} key: --kek-key needs the test KEK's RSA private key`);
      return rsaComponentsFromPkcs8(t.material);
    } finally {
      wipeTargetKey(t);
    }
  } finally {
    pw.wipe();
  }
}

export function describeKind(kind: string, bits: number, curve: string | undefined, keyType?: string): string {
  return kind === 'rsa' ? `RSA-${bits} private key` : kind === 'ec' ? `EC ${curve ?? ''} private key` : kind === 'ed25519' ? 'Ed25519 private key' : `${keyType === 'hmac' ? 'HMAC' : 'AES'}-${bits} key`;
}

