// `byok wrap`: one key → one .byok for an Azure KEK, or the file another cloud imports (--for, or the cloud its
// wrapping-key JSON names: wrap-cloud.ts). Every destination takes the same path: prepareWrap → makeParts →
// completeWrap.
import { basename, dirname, extname, join } from 'node:path';
import { wipeTargetKey, type ReadTargetKeyOptions } from '../../keys/index.js';
import { completeWrap, prepareWrap, softwareWrap, type CloudWrapResult, type WrapPlan } from '../../transfer/index.js';
import type { AzureWrapResult } from '../../transfer/wrap.js';
import type { WrappedParts } from '../../formats/scheme.js';
import type { TargetKey } from '../../keys/index.js';
import { tokenParts, type TokenKey, type TokenSession, type TokenWrapPlan } from '../../pkcs11/index.js';
import { prepareTokenWrap } from '../../transfer/token.js';
import { checkKekForAzure, type Kek, type WrappingKey } from '../../kek/index.js';
import type { WrapOptions } from '../../transfer/cloud-wrap.js';
import { flag, integer, required, str, type ArgValues, type CommandSpec } from '../args.js';
import { kv, type Command, type CommandResult, type Ctx } from '../context.js';
import { ALGORITHM_HELP, destinationOf, FOR_OPTION, readCloudKekFile, refuseOptions } from '../destination.js';
import { checkKekStage, cloudOutputs, cloudWrapOptions, defaultCloudOut, reportCloudWrap, writeCloudOutputs, type OtherCloud } from './wrap-cloud.js';
import { EXIT_OK } from '../exit-codes.js';
import { writeFileAtomic } from '../files.js';
import { readKekFile, readKeyFile, readTransportKeyFile, withOptionHint } from '../inputs.js';
import { passwordSource } from '../password.js';
import { defaultTokenOutPath, isPkcs11Uri, openTokenKey, refuseFileOptions, TOKEN_OPTIONS, withTokenCleanup } from '../pkcs11.js';
import { ByokError, type ByokErrorCode } from '../../errors.js';
import { checkAzureKeyName } from '../../formats/azure-import.js';
import { ATTESTATION_OPTION, attestationJson, attestationSummary, requireAttestation } from './attest.js';

export const PAIRWISE_HELP =
  'RSA keys: also encrypt a test message with the public key and decrypt it\nwith the private key (one private-key operation per key); catches a\ncomposite "prime" from a faulty generator, which the default checks cannot';

const STRICT_HELP = 'refuse (exit 1) a key Azure would not import although it wraps: an AES key\nfor a Key Vault KEK (Managed HSM only); without it that is a warning';

/** A wrap that is well formed but that the destination would refuse: exit 1, not bad input. */
export const WRAP_CHECK_CODES: ReadonlySet<ByokErrorCode> = new Set<ByokErrorCode>(['BYOK_NOT_IMPORTABLE', 'ATTESTATION_FAILED']);

export const KEY_READ_OPTIONS = {
  'password-file': { type: 'string', arg: 'FILE', help: 'password of an encrypted key file (first line of FILE);\nalso BYOK_PASSWORD, else a prompt on a terminal' },
  'key-index': { type: 'string', arg: 'N', help: 'which key of a file holding several (PKCS#12, PEM bundle, JWK Set)' },
  'friendly-name': { type: 'string', arg: 'NAME', help: 'choose the PKCS#12 key by its friendly name' },
  'transport-key': { type: 'string', arg: 'FILE', help: 'the key file is an HSM export wrapped under this AES transport key' },
  'transport-wrap': { type: 'string', arg: 'kw|kwp', help: 'how the export is wrapped (default: try KWP, then KW)' },
  'key-type': { type: 'string', arg: 'aes|hmac', help: 'what a raw, hex, base64 or JWK oct key is (default: AES for 16, 24 or\n32 bytes); hmac for HMAC keys (AWS, Google Cloud, Vault)' },
  'pairwise-test': { type: 'boolean', help: PAIRWISE_HELP },
} as const;

const spec: CommandSpec = {
  name: 'wrap',
  summary: "wrap a key for a cloud's wrapping key: Azure .byok, AWS KMS, Google Cloud KMS, OCI Vault, Vault",
  usage: [
    'byok wrap --kek FILE -k FILE [--kid URL] [-o FILE|-] [-f] [options]',
    'byok wrap --for aws|gcp|oci|vault --kek FILE -k FILE [--algorithm ALG] [-o FILE|-] [-f] [options]',
    'byok wrap [--for CLOUD] --kek FILE -k pkcs11:URI [-o FILE|-] [-f] [options]',
  ],
  description:
    'Reads the KEK (az keyvault key download output, az keyvault key show JSON, JWK, certificate) and the\n' +
    'key to import (PKCS#8, PKCS#1, SEC1, PKCS#12, JWK, raw AES; encrypted or not), wraps it with\n' +
    'CKM_RSA_AES_KEY_WRAP (RSA-OAEP SHA-1 + AES-256 key wrap with padding) and writes the .byok\n' +
    '(mode 0600, never over an existing file without --force). Prints the KEK fingerprint to compare\n' +
    'out of band, and the az command that imports the file.\n' +
    'Other clouds (--for, or inferred from the wrapping-key JSON their CLI prints): aws writes the binary\n' +
    'EncryptedKeyMaterial and, from the get-parameters-for-import JSON, the ImportToken beside it\n' +
    '(<out>.ImportToken.bin); gcp the binary wrapped key; oci the --wrapped-import-key JSON; vault the\n' +
    'base64 ciphertext. Each prints the command that imports the file; what the cloud would refuse is\n' +
    'refused first (exit 2, nothing written).\n' +
    'With --key pkcs11:token=…;object=…?module-path=… the key never leaves the token in clear: the token\n' +
    'wraps it (PIN from pin-source in the URI, BYOK_PKCS11_PIN, or a prompt; see the README); for\n' +
    'another cloud than Azure give --out FILE.',
  options: {
    ...FOR_OPTION,
    kek: { type: 'string', arg: 'FILE', help: "the Azure KEK (public key), or the cloud's wrapping key: its CLI's JSON\nor a PEM/DER public key" },
    key: { type: 'string', short: 'k', arg: 'FILE|URI', help: 'the key to import: a key file, or a pkcs11: URI (RFC 7512)' },
    kid: { type: 'string', arg: 'URL', help: "the KEK's versioned key id, when the KEK file has none (Azure)" },
    algorithm: { type: 'string', arg: 'ALG', help: ALGORITHM_HELP },
    ...KEY_READ_OPTIONS,
    ...TOKEN_OPTIONS,
    ops: { type: 'string', words: true, arg: 'OP…', help: 'key operations, as az takes them: --ops sign verify (commas work too;\ndefault: RSA all six, EC sign verify, AES encrypt decrypt wrapKey unwrapKey)' },
    name: { type: 'string', arg: 'NAME', help: 'name of the key to create, for the printed import command\n(Azure: 1 to 127 letters, digits and dashes)' },
    'key-id': { type: 'string', arg: 'ARN', help: 'AWS: the KMS key, when the wrapping key is a bare PublicKey.bin' },
    'import-token': { type: 'string', arg: 'FILE', help: 'AWS: the ImportToken file to name in the import command (with a\nbare PublicKey.bin); the JSON\'s own token is written beside --out' },
    'key-algorithm': { type: 'string', arg: 'ALG', help: 'Google: the CryptoKeyVersionAlgorithm to import as, where the key\nallows several (RSA_SIGN_PSS_2048_SHA256, AES_128_GCM, …)' },
    out: { type: 'string', short: 'o', arg: 'FILE|-', help: 'output file (default: <key file name>.byok beside the key; .aws.bin,\n.gcp.bin, .oci.json, .vault.b64 for the other clouds); - writes stdout' },
    force: { type: 'boolean', short: 'f', help: 'replace an existing output file' },
    strict: { type: 'boolean', help: STRICT_HELP },
    ...ATTESTATION_OPTION,
  },
  examples: [
    'az keyvault key download --vault-name contoso --name KEKforBYOK --file kek.pem',
    'KID=$(az keyvault key show --vault-name contoso --name KEKforBYOK --query key.kid -o tsv)',
    'byok wrap --kek kek.pem --kid "$KID" --key signing-key.pem',
    'BYOK_PASSWORD=… byok wrap --kek kek.pem --kid "$KID" --key export.p12 --key-index 1 --out k1.byok',
    'aws kms get-parameters-for-import --key-id $KEY --wrapping-algorithm RSA_AES_KEY_WRAP_SHA_256 --wrapping-key-spec RSA_4096 > aws-kek.json',
    'byok wrap --kek aws-kek.json --algorithm RSA_AES_KEY_WRAP_SHA_256 --key signing-key.pem',
    'gcloud kms import-jobs describe job --location global --keyring ring --format json > job.json',
    'byok wrap --kek job.json --key hmac.bin --key-type hmac',
    'vault read -format=json transit/wrapping_key > vault-kek.json && byok wrap --kek vault-kek.json --key ed25519.pem --name signer',
    'byok wrap --kek kek.pem --kid "$KID" --key "pkcs11:token=prod-hsm;object=signing-2024;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin"',
  ],
};

export function readOptionsFrom(values: Record<string, unknown>, s: CommandSpec): ReadTargetKeyOptions & { transportPath?: string } {
  const v = values as Record<string, string | boolean | undefined>;
  const keyIndex = integer(s, v, 'key-index');
  const friendlyName = str(v, 'friendly-name');
  const transportWrap = str(v, 'transport-wrap');
  if (transportWrap !== undefined && transportWrap !== 'kw' && transportWrap !== 'kwp') {
    throw new ByokError('USAGE', `--transport-wrap must be kw or kwp, got ${JSON.stringify(transportWrap.slice(0, 20))}: see 'byok ${s.name} --help'`);
  }
  const keyType = str(v, 'key-type');
  if (keyType !== undefined && keyType !== 'aes' && keyType !== 'hmac') {
    throw new ByokError('USAGE', `--key-type must be aes or hmac, got ${JSON.stringify(keyType.slice(0, 20))}: see 'byok ${s.name} --help'`);
  }
  const transportPath = str(v, 'transport-key');
  if (transportWrap !== undefined && transportPath === undefined) {
    throw new ByokError('USAGE', `--transport-wrap needs --transport-key FILE: see 'byok ${s.name} --help'`);
  }
  return {
    ...(flag(v, 'pairwise-test') ? { pairwiseTest: true } : {}),
    ...(keyIndex === undefined ? {} : { keyIndex }),
    ...(friendlyName === undefined ? {} : { friendlyName }),
    ...(transportWrap === undefined ? {} : { transportWrap }),
    ...(keyType === undefined ? {} : { keyType }),
    ...(transportPath === undefined ? {} : { transportPath }),
  };
}

/** Default output: the key file's name with .byok, beside it. */
export function defaultOutPath(keyPath: string): string {
  const ext = extname(keyPath);
  return join(dirname(keyPath), `${basename(keyPath, ext)}.byok`);
}

export function describeTarget(r: AzureWrapResult['summary']['target']): string {
  const what = r.kind === 'rsa' ? `RSA-${r.bits} private key` : r.kind === 'ec' ? `EC ${r.curve ?? ''} private key` : `AES-${r.bits} key`;
  return `${what} (${r.format === 'pkcs11' ? 'wrapped inside the PKCS#11 token' : `read as ${r.format}`})`;
}

/**
 * Who makes the parts of a wrap: the Wasm core (softwareWrap). The plan says what to make; a PKCS#11 token
 * holding the key makes the same parts from the same plan instead.
 */
export function makeParts(plan: WrapPlan, target: TargetKey): WrappedParts {
  return softwareWrap(plan.scheme, { n: plan.kek.n, e: plan.kek.e }, plan.kek.bits, target.material);
}

/** Every check and refusal (in the plan), the parts, the cloud's bytes: the one path of every destination. */
function wrapWith(plan: WrapPlan, target: TargetKey): ReturnType<typeof completeWrap> {
  return completeWrap(plan, makeParts(plan, target));
}

/**
 * The mechanism step of a token wrap, `(plan) => WrappedParts`: the token wraps the key for the plan's
 * scheme and wrapping key, whatever cloud the plan was prepared for (prepareWrap, prepareTokenWrap).
 */
export function tokenPartsFor(v: ArgValues, session: TokenSession, key: TokenKey): (plan: TokenWrapPlan) => WrappedParts {
  return tokenParts(session, key, flag(v, 'allow-zero-padded-kwp') ? { allowZeroPaddedKwp: true } : {});
}

/**
 * A pkcs11: key, for any cloud: the plan from the key's public attributes (every refusal before the token
 * works), the parts from the token, the cloud's bytes from completeWrap. `out` knows the default output
 * name once the key is found.
 */
async function wrapInToken<R>(v: ArgValues, ctx: Ctx, cloud: 'azure' | OtherCloud, kek: Kek | WrappingKey, uri: string, options: (key: TokenKey) => WrapOptions): Promise<{ result: R; key: TokenKey }> {
  refuseFileOptions(v, spec.name);
  return withTokenCleanup(async () => {
    const { session, key } = await openTokenKey(uri, ctx);
    try {
      const plan = prepareTokenWrap(cloud, kek, session, key, { ...options(key), allowZeroPaddedKwp: flag(v, 'allow-zero-padded-kwp') });
      return { result: completeWrap(plan, tokenPartsFor(v, session, key)(plan)) as R, key };
    } finally {
      session.close();
    }
  });
}

const AZURE_ONLY = ['kid', 'ops', 'strict'] as const;
const CLOUD_ONLY = ['algorithm', 'key-id', 'import-token', 'key-algorithm'] as const;

export const wrapCommand: Command = {
  spec,
  checkCodes: WRAP_CHECK_CODES,
  async run(args, ctx) {
    const v = args.values;
    const kekPath = required(spec, v, 'kek', 'the KEK: az keyvault key download --vault-name V --name KEK --file kek.pem');
    const cloud = destinationOf(spec, v, kekPath);
    if (cloud === 'azure') {
      refuseOptions(spec, v, cloud, CLOUD_ONLY, 'the other clouds');
      return runAzure(args.values, kekPath, ctx);
    }
    refuseOptions(spec, v, cloud, AZURE_ONLY, 'Azure');
    return runCloud(args.values, cloud, kekPath, ctx);
  },
};

const AZURE_HINTS = { BYOK_BAD_OPS: 'set them with --ops, e.g. --ops sign verify', KEK_KID_MISSING: 'give it with --kid URL' };

async function runAzure(v: ArgValues, kekPath: string, ctx: Ctx): Promise<CommandResult> {
  const keyPath = required(spec, v, 'key', 'the key file to wrap, or a pkcs11: URI');
  const token = isPkcs11Uri(keyPath);
  if (!token && flag(v, 'allow-zero-padded-kwp')) throw new ByokError('USAGE', "--allow-zero-padded-kwp is for pkcs11: keys (a token's key wrap), not key files: see 'byok wrap --help'");
  if (str(v, 'out') === '-' && ctx.json) throw new ByokError('USAGE', "--out - and --json both use stdout: choose one (see 'byok wrap --help')");
  const ops = str(v, 'ops')?.split(/[\s,]+/).filter((s) => s !== '');
  const { transportPath, ...readOpts } = readOptionsFrom(v, spec);
  const name = str(v, 'name');
  if (name !== undefined) checkAzureKeyName(name); // before any file is read, a token opened or a password asked for
  const kek = readKekFile(kekPath, str(v, 'kid'));
  const attestation = requireAttestation(v, kek);
  const optionsFor = (out: string): WrapOptions => ({
    strict: flag(v, 'strict'),
    byokPath: out === '-' ? '<file>.byok' : out,
    ...(ops === undefined ? {} : { keyOps: ops }),
    ...(name === undefined ? {} : { keyName: name }),
  });
  const pw = passwordSource(str(v, 'password-file'), ctx.io);
  let transportKey: Uint8Array | undefined;
  try {
    let result: AzureWrapResult;
    let out: string;
    if (token) {
      checkKekForAzure(kek, { requireKid: true }); // a wrong KEK is reported before the token is opened or a PIN asked for
      try {
        const outFor = (key: TokenKey): string => str(v, 'out') ?? defaultTokenOutPath(key);
        const made = await wrapInToken<AzureWrapResult>(v, ctx, 'azure', kek, keyPath, (key) => optionsFor(outFor(key)));
        [result, out] = [made.result, outFor(made.key)];
      } catch (e) {
        throw withOptionHint(e, AZURE_HINTS);
      }
    } else {
      out = str(v, 'out') ?? defaultOutPath(keyPath);
      transportKey = transportPath === undefined ? undefined : readTransportKeyFile(transportPath);
      const target = await readKeyFile(keyPath, 'key file', { ...readOpts, ...(transportKey ? { transportKey } : {}) }, pw);
      try {
        result = wrapWith(prepareWrap('azure', kek, target, optionsFor(out)), target) as AzureWrapResult;
      } catch (e) {
        throw withOptionHint(e, AZURE_HINTS);
      } finally {
        wipeTargetKey(target);
      }
    }
    if (out === '-') {
      ctx.stdoutCarriesData();
      await ctx.writeData(result.bytes);
    } else {
      writeFileAtomic(out, result.bytes, { force: flag(v, 'force') });
    }
    const s = result.summary;
    const pairwise = readOpts.pairwiseTest === true && s.target.kind === 'rsa';
    for (const line of kv([
      ['KEK', `RSA ${s.kek.bits}, ${s.kek.kid}`],
      ['', `SHA-256 fingerprint ${s.kek.fingerprint}`],
      ['Target', `${describeTarget(s.target)}${pairwise ? ', pairwise test passed' : ''}`],
      ['Import as', `${s.target.kty}${s.target.curve ? ` ${s.target.curve}` : ''}, operations ${s.target.keyOps.join(' ')}`],
      ['Wrote', out === '-' ? 'stdout' : `${out} (${result.bytes.length} bytes, mode 0600)`],
    ])) ctx.say(line);
    if (attestation) for (const line of attestationSummary(attestation)) ctx.say(line);
    ctx.say();
    ctx.say('Compare the fingerprint with the one the key vault owner reads to you, then import:');
    ctx.say(`  ${result.azCommand}`);
    for (const w of result.warnings) ctx.warn(w);
    return {
      exitCode: EXIT_OK,
      json: {
        out: out === '-' ? null : out,
        bytes: result.bytes.length,
        kek: s.kek,
        target: s.target,
        pairwiseTest: pairwise,
        warnings: result.warnings,
        attestation: attestation ? attestationJson(attestation) : null,
        azCommand: result.azCommand,
        importRequest: { ...result.importRequest, key: { ...result.importRequest.key } },
      },
    };
  } finally {
    transportKey?.fill(0);
    pw.wipe();
  }
}

async function runCloud(v: ArgValues, cloud: OtherCloud, kekPath: string, ctx: Ctx): Promise<CommandResult> {
  const keyPath = required(spec, v, 'key', 'the key file to wrap, or a pkcs11: URI');
  const token = isPkcs11Uri(keyPath);
  if (!token && flag(v, 'allow-zero-padded-kwp')) throw new ByokError('USAGE', "--allow-zero-padded-kwp is for pkcs11: keys (a token's key wrap), not key files: see 'byok wrap --help'");
  const force = flag(v, 'force');
  if (str(v, 'out') === '-' && ctx.json) throw new ByokError('USAGE', "--out - and --json both use stdout: choose one (see 'byok wrap --help')");
  const { transportPath, ...readOpts } = readOptionsFrom(v, spec);
  const kek = readCloudKekFile(kekPath, cloud);
  checkKekStage(cloud, kek, str(v, 'algorithm'));
  const attestation = requireAttestation(v, kek);
  // A token key's default output is named after its label, known once the key is found.
  let outputs = token ? undefined : cloudOutputs(cloud, kek, defaultCloudOut(keyPath, cloud), v, force);
  const pw = passwordSource(str(v, 'password-file'), ctx.io);
  let transportKey: Uint8Array | undefined;
  try {
    let result: CloudWrapResult;
    if (token) {
      result = (await wrapInToken<CloudWrapResult>(v, ctx, cloud, kek, keyPath, (key) => {
        outputs = cloudOutputs(cloud, kek, defaultCloudOut(defaultTokenOutPath(key), cloud), v, force);
        return cloudWrapOptions(cloud, v, outputs);
      })).result;
    } else {
      transportKey = transportPath === undefined ? undefined : readTransportKeyFile(transportPath);
      // The cloud's own rules judge the key's size (intake's default ones are Azure's).
      const target = await readKeyFile(keyPath, 'key file', { ...readOpts, azureChecks: false, ...(transportKey ? { transportKey } : {}) }, pw);
      try {
        result = wrapWith(prepareWrap(cloud, kek, target, cloudWrapOptions(cloud, v, outputs!)), target) as CloudWrapResult;
      } finally {
        wipeTargetKey(target);
      }
    }
    await writeCloudOutputs(result, outputs!, force, ctx);
    const pairwise = readOpts.pairwiseTest === true && result.summary.target.kind === 'rsa';
    const json = reportCloudWrap(result, outputs!, ctx, pairwise);
    if (attestation) for (const line of attestationSummary(attestation)) ctx.say(line);
    return { exitCode: EXIT_OK, json: { ...json, attestation: attestation ? attestationJson(attestation) : null } };
  } finally {
    transportKey?.fill(0);
    pw.wipe();
  }
}
