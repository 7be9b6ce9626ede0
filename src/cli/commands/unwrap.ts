// `byok unwrap` and `byok verify`: rehearsals with a test KEK whose private key you hold.
import type { ByokErrorCode } from '../../errors.js';
import { wipeTargetKey } from '../../keys/index.js';
import { readByok } from '../../transfer/read.js';
import { readUnwrappedMaterial, unwrapByok, verifyByok } from '../../transfer/unwrap.js';
import { redactPkcs11Uri } from '../../pkcs11/index.js';
import { verifyTokenKeyFor } from '../../transfer/token.js';
import { byokFileArg, flag, IN_OPTION, required, str, type ArgValues, type CommandSpec } from '../args.js';
import { kv, type Command, type CommandResult, type Ctx } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';
import { readInputFile, writeFileAtomic } from '../files.js';
import { readKeyFile } from '../inputs.js';
import { passwordSource, type PasswordSource } from '../password.js';
import { isPkcs11Uri, openTokenKey, refuseFileOptions, withTokenCleanup } from '../pkcs11.js';
import { KEY_READ_OPTIONS, readOptionsFrom } from './wrap.js';
import { ByokError } from '../../errors.js';
import type { RsaPrivateKey } from '../../core/index.js';
import { rsaComponentsFromPkcs8, wipeRsaComponents, bitLengthVarTime } from '../../transfer/rsa-components.js';

/** Blob does not open with this key / opens to another key / is for another KEK: the check failed. */
const CHECK_CODES: ReadonlySet<ByokErrorCode> = new Set<ByokErrorCode>(['DECRYPT_FAILED', 'BYOK_KEY_MISMATCH', 'BYOK_KEK_MISMATCH']);

const KEK_KEY_OPTIONS = {
  'kek-key': { type: 'string', arg: 'FILE', help: "the test KEK's RSA private key (PEM/DER, PKCS#8/PKCS#1, PKCS#12, JWK)" },
  'kek-password-file': { type: 'string', arg: 'FILE', help: 'password of an encrypted KEK private key file' },
} as const;

async function readKekPrivate(path: string, passwordFile: string | undefined, ctx: Parameters<Command['run']>[1]): Promise<RsaPrivateKey> {
  // BYOK_PASSWORD belongs to the key being wrapped or verified, never to the KEK: an explicit file only.
  const pw: PasswordSource = passwordSource(passwordFile, { ...ctx.io, env: {} });
  try {
    const t = await readKeyFile(path, 'KEK private key', {}, pw);
    try {
      if (t.kind !== 'rsa') throw new ByokError('INVALID_PRIVATE_KEY', `${JSON.stringify(path)} holds ${t.kind === 'ec' ? 'an EC' : 'an AES'} key: --kek-key needs the test KEK's RSA private key`);
      return rsaComponentsFromPkcs8(t.material);
    } finally {
      wipeTargetKey(t);
    }
  } finally {
    pw.wipe();
  }
}

function describeKind(kind: string, bits: number, curve: string | undefined): string {
  return kind === 'rsa' ? `RSA-${bits} private key` : kind === 'ec' ? `EC ${curve ?? ''} private key` : `AES-${bits} key`;
}

const unwrapSpec: CommandSpec = {
  name: 'unwrap',
  summary: 'open a .byok with a test KEK private key (rehearsals)',
  usage: ['byok unwrap --kek-key FILE FILE.byok -o FILE|- [-f]'],
  description:
    'Writes what the blob holds: PKCS#8 DER for RSA and EC keys, the raw bytes for AES keys (mode 0600).\n' +
    'Only for rehearsals with a KEK you generated yourself: the real KEK never leaves the Azure HSM.',
  options: {
    ...KEK_KEY_OPTIONS,
    in: IN_OPTION,
    out: { type: 'string', short: 'o', arg: 'FILE|-', help: 'where to write the key material (- for stdout, not a terminal\nunless --force)' },
    force: { type: 'boolean', short: 'f', help: 'replace an existing output file; write key bytes to a terminal' },
  },
  positionals: ['FILE.byok?'],
  examples: ['openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out test-kek.pem', 'byok unwrap --kek-key test-kek.pem mykey.byok -o mykey.p8.der'],
};

export const unwrapCommand: Command = {
  spec: unwrapSpec,
  checkCodes: CHECK_CODES,
  async run(args, ctx) {
    const v = args.values;
    const kekKeyPath = required(unwrapSpec, v, 'kek-key', "the test KEK's private key");
    const inPath = byokFileArg(unwrapSpec, args);
    const out = required(unwrapSpec, v, 'out', 'where to write the key; - for stdout');
    if (out === '-' && ctx.json) throw new ByokError('USAGE', "--out - and --json both use stdout: choose one (see 'byok unwrap --help')");
    if (out === '-' && ctx.io.stdout.isTTY === true && !flag(v, 'force')) {
      // Key bytes on a screen end up in scrollback, terminal logs and screen recordings.
      throw new ByokError('USAGE', 'stdout is a terminal: --out - would print the key bytes there; redirect it (--out - > key.der), give --out FILE, or add --force');
    }
    const parsed = readByok(readInputFile(inPath, '.byok file'));
    const priv = await readKekPrivate(kekKeyPath, str(v, 'kek-password-file'), ctx);
    let material: Uint8Array | undefined;
    try {
      material = unwrapByok(parsed, priv);
      let kindText = 'key material of an unrecognized type';
      let info: Record<string, unknown> = { kind: null };
      try {
        const t = readUnwrappedMaterial(material);
        kindText = `${describeKind(t.kind, t.bits, t.curve)}, ${t.kind === 'oct' ? 'raw bytes' : 'PKCS#8 DER'}`;
        info = { kind: t.kind, bits: t.bits, curve: t.curve ?? null };
        wipeTargetKey(t);
      } catch {
        /* still write what the blob holds: the rehearsal may be about exactly that */
      }
      if (out === '-') {
        ctx.stdoutCarriesData();
        await ctx.writeData(material);
      } else {
        writeFileAtomic(out, material, { force: flag(v, 'force') });
      }
      for (const line of kv([
        ['Opened', `${inPath} with a ${bitLengthVarTime(priv.n)}-bit test KEK`],
        ['Holds', `${kindText} (${material.length} bytes)`],
        ['Wrote', out === '-' ? 'stdout' : `${out} (mode 0600)`],
      ])) ctx.say(line);
      return { exitCode: EXIT_OK, json: { in: inPath, out: out === '-' ? null : out, bytes: material.length, ...info } };
    } finally {
      material?.fill(0);
      wipeRsaComponents(priv);
    }
  },
};

/** `verify --key pkcs11:…`: the blob against the token's key, by its public half or one AES block. */
async function verifyTokenKey(v: ArgValues, ctx: Ctx, kekKeyPath: string, uri: string, byokPath: string): Promise<CommandResult> {
  refuseFileOptions(v, verifySpec.name);
  const bytes = readInputFile(byokPath, '.byok file');
  readByok(bytes); // a malformed file is refused before a password or PIN is asked for
  const priv = await readKekPrivate(kekKeyPath, str(v, 'kek-password-file'), ctx);
  try {
    return await withTokenCleanup(async () => {
      const { session, key } = await openTokenKey(uri, ctx);
      try {
        const r = verifyTokenKeyFor('azure', bytes, priv, session, key);
        const what = describeKind(r.kind, r.bits, r.curve);
        const how = key.kind === 'oct' ? 'encrypts a test block as the token\'s key does' : 'has the public key of the token\'s key';
        ctx.say(`OK: ${byokPath} opens to the token's ${what}${key.label === undefined ? '' : ` ${JSON.stringify(key.label)}`} (the key inside ${how}).`);
        if (r.zeroPadding !== undefined) ctx.say(`Note: the key's encoding is followed by ${r.zeroPadding} zero byte(s): the token zero-padded it before its RFC 5649 wrap (SoftHSM < 2.7).`);
        return { exitCode: EXIT_OK, json: { byok: byokPath, key: redactPkcs11Uri(uri), match: r.match, kind: r.kind, bits: r.bits, curve: r.curve ?? null, zeroPadding: r.zeroPadding ?? 0 } };
      } finally {
        session.close();
      }
    });
  } finally {
    wipeRsaComponents(priv);
  }
}

const verifySpec: CommandSpec = {
  name: 'verify',
  summary: 'check that a .byok opens to exactly a given key (rehearsals)',
  usage: ['byok verify --kek-key FILE -k FILE FILE.byok'],
  description:
    'Opens the blob with the test KEK private key and compares what it holds with the key file.\n' +
    'Exit 0 only when it is that key; 1 when it opens to another key or does not open with this KEK.',
  options: {
    ...KEK_KEY_OPTIONS,
    key: { type: 'string', short: 'k', arg: 'FILE|URI', help: 'the key that should be inside: a key file, or a pkcs11: URI' },
    ...KEY_READ_OPTIONS,
    in: IN_OPTION,
  },
  positionals: ['FILE.byok?'],
  examples: [
    'byok verify --kek-key test-kek.pem --key signing-key.pem signing-key.byok',
    'byok verify --kek-key test-kek.pem --key "pkcs11:token=rehearsal;object=signing-2024?module-path=/usr/lib/softhsm/libsofthsm2.so" signing-2024.byok',
  ],
};

export const verifyCommand: Command = {
  spec: verifySpec,
  checkCodes: CHECK_CODES,
  async run(args, ctx) {
    const v = args.values;
    const kekKeyPath = required(verifySpec, v, 'kek-key', "the test KEK's private key");
    const keyPath = required(verifySpec, v, 'key', 'the key the blob should hold');
    const byokPath = byokFileArg(verifySpec, args);
    if (isPkcs11Uri(keyPath)) return verifyTokenKey(v, ctx, kekKeyPath, keyPath, byokPath);
    const { transportPath, ...readOpts } = readOptionsFrom(v, verifySpec);
    if (transportPath !== undefined) throw new ByokError('USAGE', "--transport-key is for 'byok wrap'; give verify the plain key file");
    const parsed = readByok(readInputFile(byokPath, '.byok file'));
    const pw = passwordSource(str(v, 'password-file'), ctx.io);
    const priv = await readKekPrivate(kekKeyPath, str(v, 'kek-password-file'), ctx);
    try {
      const target = await readKeyFile(keyPath, 'key file', readOpts, pw);
      try {
        const r = verifyByok(parsed, priv, target);
        const what = describeKind(r.kind, r.bits, r.curve);
        ctx.say(r.match === 'exact'
          ? `OK: ${byokPath} opens to exactly ${keyPath} (${what}, canonical encoding).`
          : `OK: ${byokPath} opens to the same ${what} as ${keyPath}, in another valid encoding.`);
        return { exitCode: EXIT_OK, json: { byok: byokPath, key: keyPath, match: r.match, kind: r.kind, bits: r.bits, curve: r.curve ?? null } };
      } finally {
        wipeTargetKey(target);
      }
    } finally {
      wipeRsaComponents(priv);
      pw.wipe();
    }
  },
};
