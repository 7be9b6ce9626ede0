// `byok wrap`: one key → one .byok for an Azure KEK.
import { basename, dirname, extname, join } from 'node:path';
import type { WrappedParts } from '../../formats/scheme.js';
import { checkKekForAzure, type Kek } from '../../kek/index.js';
import { wipeTargetKey, type ReadTargetKeyOptions } from '../../keys/index.js';
import { tokenParts, type TokenKey, type TokenSession, type TokenWrapPlan } from '../../pkcs11/index.js';
import { prepareTokenWrap } from '../../transfer/token.js';
import { completeAzureWrap, wrapForAzure, type AzureWrapResult } from '../../transfer/wrap.js';
import { flag, integer, required, str, type ArgValues, type CommandSpec } from '../args.js';
import { kv, type Command, type Ctx } from '../context.js';
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
  'pairwise-test': { type: 'boolean', help: PAIRWISE_HELP },
} as const;

const spec: CommandSpec = {
  name: 'wrap',
  summary: 'wrap a key for an Azure KEK into a .byok file',
  usage: ['byok wrap --kek FILE -k FILE [--kid URL] [-o FILE|-] [-f] [options]', 'byok wrap --kek FILE -k pkcs11:URI [--kid URL] [-o FILE|-] [-f] [options]'],
  description:
    'Reads the KEK (az keyvault key download output, az keyvault key show JSON, JWK, certificate) and the\n' +
    'key to import (PKCS#8, PKCS#1, SEC1, PKCS#12, JWK, raw AES; encrypted or not), wraps it with\n' +
    'CKM_RSA_AES_KEY_WRAP (RSA-OAEP SHA-1 + AES-256 key wrap with padding) and writes the .byok\n' +
    '(mode 0600, never over an existing file without --force). Prints the KEK fingerprint to compare\n' +
    'out of band, and the az command that imports the file.\n' +
    'With --key pkcs11:token=…;object=…?module-path=… the key never leaves the token in clear: the token\n' +
    'wraps it (PIN from pin-source in the URI, BYOK_PKCS11_PIN, or a prompt; see the README).',
  options: {
    kek: { type: 'string', arg: 'FILE', help: 'the Azure KEK (public key)' },
    key: { type: 'string', short: 'k', arg: 'FILE|URI', help: 'the key to import: a key file, or a pkcs11: URI (RFC 7512)' },
    kid: { type: 'string', arg: 'URL', help: "the KEK's versioned key id, when the KEK file has none" },
    ...KEY_READ_OPTIONS,
    ...TOKEN_OPTIONS,
    ops: { type: 'string', words: true, arg: 'OP…', help: 'key operations, as az takes them: --ops sign verify (commas work too;\ndefault: RSA all six, EC sign verify, AES encrypt decrypt wrapKey unwrapKey)' },
    name: { type: 'string', arg: 'NAME', help: 'name of the key to create, for the printed az command\n(Azure: 1 to 127 letters, digits and dashes)' },
    out: { type: 'string', short: 'o', arg: 'FILE|-', help: 'output file (default: <key file name>.byok beside the key);\n- writes the .byok to stdout' },
    force: { type: 'boolean', short: 'f', help: 'replace an existing output file' },
    strict: { type: 'boolean', help: STRICT_HELP },
    ...ATTESTATION_OPTION,
  },
  examples: [
    'az keyvault key download --vault-name contoso --name KEKforBYOK --file kek.pem',
    'KID=$(az keyvault key show --vault-name contoso --name KEKforBYOK --query key.kid -o tsv)',
    'byok wrap --kek kek.pem --kid "$KID" --key signing-key.pem',
    'BYOK_PASSWORD=… byok wrap --kek kek.pem --kid "$KID" --key export.p12 --key-index 1 --out k1.byok',
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
  const transportPath = str(v, 'transport-key');
  if (transportWrap !== undefined && transportPath === undefined) {
    throw new ByokError('USAGE', `--transport-wrap needs --transport-key FILE: see 'byok ${s.name} --help'`);
  }
  return {
    ...(flag(v, 'pairwise-test') ? { pairwiseTest: true } : {}),
    ...(keyIndex === undefined ? {} : { keyIndex }),
    ...(friendlyName === undefined ? {} : { friendlyName }),
    ...(transportWrap === undefined ? {} : { transportWrap }),
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

interface Produced {
  readonly result: AzureWrapResult;
  readonly out: string;
  readonly pairwise: boolean;
}

interface WrapOpts {
  readonly strict: boolean;
  readonly keyOps?: string[];
  readonly keyName?: string;
}

const byokPathFor = (out: string): string => (out === '-' ? '<file>.byok' : out);
const HINTS = { BYOK_BAD_OPS: 'set them with --ops, e.g. --ops sign verify', KEK_KID_MISSING: 'give it with --kid URL' };

/** A key file: read it (asking for its password when needed), wrap it in the core. */
async function wrapFromFile(v: ArgValues, ctx: Ctx, kek: Kek, keyPath: string, opts: WrapOpts): Promise<Produced> {
  if (flag(v, 'allow-zero-padded-kwp')) throw new ByokError('USAGE', "--allow-zero-padded-kwp is for pkcs11: keys (a token's key wrap), not key files: see 'byok wrap --help'");
  const out = str(v, 'out') ?? defaultOutPath(keyPath);
  const { transportPath, ...readOpts } = readOptionsFrom(v, spec);
  const pw = passwordSource(str(v, 'password-file'), ctx.io);
  let transportKey: Uint8Array | undefined;
  try {
    transportKey = transportPath === undefined ? undefined : readTransportKeyFile(transportPath);
    const target = await readKeyFile(keyPath, 'key file', { ...readOpts, ...(transportKey ? { transportKey } : {}) }, pw);
    try {
      const result = wrapForAzure(kek, target, { byokPath: byokPathFor(out), ...opts });
      return { result, out, pairwise: readOpts.pairwiseTest === true && result.summary.target.kind === 'rsa' };
    } catch (e) {
      throw withOptionHint(e, HINTS);
    } finally {
      wipeTargetKey(target);
    }
  } finally {
    transportKey?.fill(0);
    pw.wipe();
  }
}

/**
 * The mechanism step of a token wrap, `(plan) => WrappedParts`: the token wraps the key for the plan's
 * scheme and wrapping key, whatever cloud the plan was prepared for (prepareWrap, prepareTokenWrap).
 */
export function tokenPartsFor(v: ArgValues, session: TokenSession, key: TokenKey): (plan: TokenWrapPlan) => WrappedParts {
  return tokenParts(session, key, flag(v, 'allow-zero-padded-kwp') ? { allowZeroPaddedKwp: true } : {});
}

/** A pkcs11: URI: the plan from the key's public attributes, the parts from the token, the .byok. */
async function wrapFromToken(v: ArgValues, ctx: Ctx, kek: Kek, uri: string, opts: WrapOpts): Promise<Produced> {
  refuseFileOptions(v, spec.name);
  checkKekForAzure(kek, { requireKid: true }); // a wrong KEK is reported before the token is opened or a PIN asked for
  return withTokenCleanup(async () => {
    const { session, key } = await openTokenKey(uri, ctx);
    try {
      const out = str(v, 'out') ?? defaultTokenOutPath(key);
      try {
        const plan = prepareTokenWrap('azure', kek, session, key, { byokPath: byokPathFor(out), ...opts, allowZeroPaddedKwp: flag(v, 'allow-zero-padded-kwp') });
        return { result: completeAzureWrap(plan, tokenPartsFor(v, session, key)(plan)), out, pairwise: false };
      } catch (e) {
        throw withOptionHint(e, HINTS);
      }
    } finally {
      session.close();
    }
  });
}

export const wrapCommand: Command = {
  spec,
  checkCodes: WRAP_CHECK_CODES,
  async run(args, ctx) {
    const v = args.values;
    const kekPath = required(spec, v, 'kek', 'the KEK: az keyvault key download --vault-name V --name KEK --file kek.pem');
    const keyPath = required(spec, v, 'key', 'the key file to wrap, or a pkcs11: URI');
    if (str(v, 'out') === '-' && ctx.json) throw new ByokError('USAGE', "--out - and --json both use stdout: choose one (see 'byok wrap --help')");
    const ops = str(v, 'ops')?.split(/[\s,]+/).filter((s) => s !== '');
    const name = str(v, 'name');
    if (name !== undefined) checkAzureKeyName(name); // before any file is read, a token opened or a password asked for
    const kek = readKekFile(kekPath, str(v, 'kid'));
    const attestation = requireAttestation(v, kek);
    const opts: WrapOpts = { strict: flag(v, 'strict'), ...(ops === undefined ? {} : { keyOps: ops }), ...(name === undefined ? {} : { keyName: name }) };
    const { result, out, pairwise } = isPkcs11Uri(keyPath)
      ? await wrapFromToken(v, ctx, kek, keyPath, opts)
      : await wrapFromFile(v, ctx, kek, keyPath, opts);
    if (out === '-') {
      ctx.stdoutCarriesData();
      await ctx.writeData(result.bytes);
    } else {
      writeFileAtomic(out, result.bytes, { force: flag(v, 'force') });
    }
    const s = result.summary;
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
  },
};
