// `byok unwrap` and `byok verify`: rehearsals with a test wrapping key whose private key you hold, for every
// destination: Azure's .byok, and (--for) AWS's and Google's binary files, OCI's JSON, Vault's base64.
import type { RsaPrivateKey } from '../../core/index.js';
import { ByokError, type ByokErrorCode } from '../../errors.js';
import type { Cloud } from '../../kek/index.js';
import { wipeTargetKey, type TargetKey } from '../../keys/index.js';
import { unwrapFor, verifyFor } from '../../transfer/cloud-unwrap.js';
import { readByok } from '../../transfer/read.js';
import { bitLengthVarTime, wipeRsaComponents } from '../../transfer/rsa-components.js';
import { readUnwrappedMaterial, unwrapByok, verifyByok, type VerifyResult } from '../../transfer/unwrap.js';
import { byokFileArg, flag, IN_OPTION, required, str, type ArgValues, type CommandSpec, type ParsedArgs } from '../args.js';
import { kv, type Command, type CommandResult, type Ctx } from '../context.js';
import { ALGORITHM_HELP, cloudOption, FOR_OPTION, refuseOptions } from '../destination.js';
import { EXIT_OK } from '../exit-codes.js';
import { readInputFile, writeFileAtomic } from '../files.js';
import { aboutFile, readKeyFile } from '../inputs.js';
import { describeKind, readKekPrivate } from '../kek-private.js';
import { passwordSource } from '../password.js';
import { redactPkcs11Uri } from '../../pkcs11/index.js';
import { verifyTokenKeyFor } from '../../transfer/token.js';
import { isPkcs11Uri, openTokenKey, refuseFileOptions, withTokenCleanup } from '../pkcs11.js';
import { KEY_READ_OPTIONS, readOptionsFrom } from './wrap.js';

/** Blob does not open with this key / opens to another key / is for another KEK: the check failed. */
const CHECK_CODES: ReadonlySet<ByokErrorCode> = new Set<ByokErrorCode>(['DECRYPT_FAILED', 'BYOK_KEY_MISMATCH', 'BYOK_KEK_MISMATCH']);

const KEK_KEY_OPTIONS = {
  'kek-key': { type: 'string', arg: 'FILE', help: "the test KEK's RSA private key (PEM/DER, PKCS#8/PKCS#1, PKCS#12, JWK)" },
  'kek-password-file': { type: 'string', arg: 'FILE', help: 'password of an encrypted KEK private key file' },
} as const;

const CLOUD_OPTIONS = {
  ...FOR_OPTION,
  algorithm: { type: 'string', arg: 'ALG', help: `${ALGORITHM_HELP}\n(OCI: read from the file)` },
} as const;

const WRAPPED_IN = { ...IN_OPTION, arg: 'FILE', help: 'the .byok file, or the file wrapped for --for CLOUD, if not given as the argument' } as const;

/** The file to open: the .byok (Azure) or the cloud's wrapped-key file. */
function wrappedPath(spec: CommandSpec, args: ParsedArgs, cloud: Cloud): string {
  if (cloud === 'azure') return byokFileArg(spec, args);
  const file = args.positionals[0] ?? str(args.values, 'in');
  if (file === undefined || file === '') throw new ByokError('USAGE', `missing the wrapped key file (as the argument or with --in): see 'byok ${spec.name} --help'`);
  return file;
}

interface Opened {
  open(priv: RsaPrivateKey): Uint8Array;
  verify(priv: RsaPrivateKey, target: TargetKey): VerifyResult;
}

/** Reads and parses the wrapped file before any private key is read (a wrong file is reported first). */
function openerFor(cloud: Cloud, path: string, v: ArgValues): Opened {
  if (cloud === 'azure') {
    const parsed = readByok(readInputFile(path, '.byok file'));
    return { open: (priv) => unwrapByok(parsed, priv), verify: (priv, t) => verifyByok(parsed, priv, t) };
  }
  const b = readInputFile(path, 'wrapped key file');
  const bytes = new Uint8Array(b.buffer, b.byteOffset, b.length);
  const algorithm = str(v, 'algorithm');
  const options = algorithm === undefined ? {} : { algorithm };
  const about = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw aboutFile(e, 'wrapped key file', path);
    }
  };
  return {
    open: (priv) => about(() => unwrapFor(cloud, bytes, priv, options)),
    verify: (priv, t) => about(() => verifyFor(cloud, bytes, priv, t, options)),
  };
}

function destination(spec: CommandSpec, v: ArgValues): Cloud {
  const cloud = cloudOption(spec, v) ?? 'azure';
  if (cloud === 'azure') refuseOptions(spec, v, cloud, ['algorithm'], 'the other clouds');
  return cloud;
}

const unwrapSpec: CommandSpec = {
  name: 'unwrap',
  summary: 'open a .byok (or another cloud\'s wrapped key) with a test KEK private key (rehearsals)',
  usage: ['byok unwrap --kek-key FILE FILE.byok -o FILE|- [-f]', 'byok unwrap --for aws|gcp|oci|vault --kek-key FILE --in FILE -o FILE|- [--algorithm ALG] [-f]'],
  description:
    'Writes what the blob holds: PKCS#8 DER for RSA, EC and Ed25519 keys, the raw bytes for AES and HMAC\n' +
    'keys (mode 0600). Only for rehearsals with a KEK you generated yourself: the real KEK never leaves\n' +
    "the cloud's HSM. --for opens what byok wrap --for wrote (AWS and Google: the binary file; OCI: the\n" +
    'wrapped-import-key JSON; Vault: the base64 text).',
  options: {
    ...KEK_KEY_OPTIONS,
    ...CLOUD_OPTIONS,
    'key-type': KEY_READ_OPTIONS['key-type'],
    in: WRAPPED_IN,
    out: { type: 'string', short: 'o', arg: 'FILE|-', help: 'where to write the key material (- for stdout, not a terminal\nunless --force)' },
    force: { type: 'boolean', short: 'f', help: 'replace an existing output file; write key bytes to a terminal' },
  },
  positionals: ['FILE?'],
  examples: [
    'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out test-kek.pem',
    'byok unwrap --kek-key test-kek.pem mykey.byok -o mykey.p8.der',
    'byok unwrap --for aws --algorithm RSA_AES_KEY_WRAP_SHA_256 --kek-key test-kek.pem --in mykey.aws.bin -o mykey.p8.der',
  ],
};

export const unwrapCommand: Command = {
  spec: unwrapSpec,
  checkCodes: CHECK_CODES,
  async run(args, ctx) {
    const v = args.values;
    const cloud = destination(unwrapSpec, v);
    const kekKeyPath = required(unwrapSpec, v, 'kek-key', "the test KEK's private key");
    const inPath = wrappedPath(unwrapSpec, args, cloud);
    const out = required(unwrapSpec, v, 'out', 'where to write the key; - for stdout');
    const keyType = readOptionsFrom(v, unwrapSpec).keyType;
    if (out === '-' && ctx.json) throw new ByokError('USAGE', "--out - and --json both use stdout: choose one (see 'byok unwrap --help')");
    if (out === '-' && ctx.io.stdout.isTTY === true && !flag(v, 'force')) {
      // Key bytes on a screen end up in scrollback, terminal logs and screen recordings.
      throw new ByokError('USAGE', 'stdout is a terminal: --out - would print the key bytes there; redirect it (--out - > key.der), give --out FILE, or add --force');
    }
    const opened = openerFor(cloud, inPath, v);
    const priv = await readKekPrivate(kekKeyPath, str(v, 'kek-password-file'), ctx);
    let material: Uint8Array | undefined;
    try {
      material = opened.open(priv);
      let kindText = 'key material of an unrecognized type';
      let info: Record<string, unknown> = { kind: null };
      try {
        const t = readUnwrappedMaterial(material, keyType);
        kindText = `${describeKind(t.kind, t.bits, t.curve, t.keyType)}, ${t.kind === 'oct' ? 'raw bytes' : 'PKCS#8 DER'}`;
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
      return { exitCode: EXIT_OK, json: { ...(cloud === 'azure' ? {} : { cloud }), in: inPath, out: out === '-' ? null : out, bytes: material.length, ...info } };
    } finally {
      material?.fill(0);
      wipeRsaComponents(priv);
    }
  },
};

const verifySpec: CommandSpec = {
  name: 'verify',
  summary: 'check that a .byok (or another cloud\'s wrapped key) opens to exactly a given key (rehearsals)',
  usage: ['byok verify --kek-key FILE -k FILE FILE.byok', 'byok verify --for aws|gcp|oci|vault --kek-key FILE -k FILE --in FILE [--algorithm ALG]'],
  description:
    'Opens the blob with the test KEK private key and compares what it holds with the key file.\n' +
    'Exit 0 only when it is that key; 1 when it opens to another key or does not open with this KEK.',
  options: {
    ...KEK_KEY_OPTIONS,
    ...CLOUD_OPTIONS,
    key: { type: 'string', short: 'k', arg: 'FILE|URI', help: 'the key that should be inside: a key file, or a pkcs11: URI' },
    ...KEY_READ_OPTIONS,
    in: WRAPPED_IN,
  },
  positionals: ['FILE?'],
  examples: [
    'byok verify --kek-key test-kek.pem --key signing-key.pem signing-key.byok',
    'byok verify --for vault --kek-key test-kek.pem --key signer.pem --in signer.vault.b64',
    'byok verify --kek-key test-kek.pem --key "pkcs11:token=rehearsal;object=signing-2024?module-path=/usr/lib/softhsm/libsofthsm2.so" signing-2024.byok',
  ],
};

export const verifyCommand: Command = {
  spec: verifySpec,
  checkCodes: CHECK_CODES,
  async run(args, ctx) {
    const v = args.values;
    const cloud = destination(verifySpec, v);
    const kekKeyPath = required(verifySpec, v, 'kek-key', "the test KEK's private key");
    const keyPath = required(verifySpec, v, 'key', 'the key the blob should hold');
    const byokPath = wrappedPath(verifySpec, args, cloud);
    if (isPkcs11Uri(keyPath)) return verifyTokenKey(v, ctx, cloud, kekKeyPath, keyPath, byokPath);
    const { transportPath, ...readOpts } = readOptionsFrom(v, verifySpec);
    if (transportPath !== undefined) throw new ByokError('USAGE', "--transport-key is for 'byok wrap'; give verify the plain key file");
    const opened = openerFor(cloud, byokPath, v);
    const pw = passwordSource(str(v, 'password-file'), ctx.io);
    const priv = await readKekPrivate(kekKeyPath, str(v, 'kek-password-file'), ctx);
    try {
      const target = await readKeyFile(keyPath, 'key file', cloud === 'azure' ? readOpts : { ...readOpts, azureChecks: false }, pw);
      try {
        const r = opened.verify(priv, target);
        const what = describeKind(r.kind, r.bits, r.curve, target.keyType);
        ctx.say(r.match === 'exact'
          ? `OK: ${byokPath} opens to exactly ${keyPath} (${what}, canonical encoding).`
          : `OK: ${byokPath} opens to the same ${what} as ${keyPath}, in another valid encoding.`);
        return { exitCode: EXIT_OK, json: { ...(cloud === 'azure' ? {} : { cloud }), byok: byokPath, key: keyPath, match: r.match, kind: r.kind, bits: r.bits, curve: r.curve ?? null } };
      } finally {
        wipeTargetKey(target);
      }
    } finally {
      wipeRsaComponents(priv);
      pw.wipe();
    }
  },
};

/** verify with a key held in a token: the blob's key against the token key's public half (or one AES block). */
async function verifyTokenKey(v: ArgValues, ctx: Ctx, cloud: Cloud, kekKeyPath: string, uri: string, byokPath: string): Promise<CommandResult> {
  refuseFileOptions(v, verifySpec.name);
  const b = readInputFile(byokPath, cloud === 'azure' ? '.byok file' : 'wrapped key file');
  const bytes = new Uint8Array(b.buffer, b.byteOffset, b.length);
  if (cloud === 'azure') readByok(bytes); // a malformed file is refused before a password or PIN is asked for
  const algorithm = str(v, 'algorithm');
  const priv = await readKekPrivate(kekKeyPath, str(v, 'kek-password-file'), ctx);
  try {
    return await withTokenCleanup(async () => {
      const { session, key } = await openTokenKey(uri, ctx);
      try {
        const r = verifyTokenKeyFor(cloud, bytes, priv, session, key, algorithm === undefined ? {} : { algorithm });
        const what = describeKind(r.kind, r.bits, r.curve);
        const how = key.kind === 'oct' ? 'encrypts a test block as the token\'s key does' : 'has the public key of the token\'s key';
        ctx.say(`OK: ${byokPath} opens to the token's ${what}${key.label === undefined ? '' : ` ${JSON.stringify(key.label)}`} (the key inside ${how}).`);
        if (r.zeroPadding !== undefined) ctx.say(`Note: the key's encoding is followed by ${r.zeroPadding} zero byte(s): the token zero-padded it before its RFC 5649 wrap (SoftHSM < 2.7).`);
        return {
          exitCode: EXIT_OK,
          json: { ...(cloud === 'azure' ? {} : { cloud }), byok: byokPath, key: redactPkcs11Uri(uri), match: r.match, kind: r.kind, bits: r.bits, curve: r.curve ?? null, zeroPadding: r.zeroPadding ?? 0 },
        };
      } finally {
        session.close();
      }
    });
  } finally {
    wipeRsaComponents(priv);
  }
}
