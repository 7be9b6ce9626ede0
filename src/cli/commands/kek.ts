// `byok kek FILE`: size, kid, operations and fingerprint of a KEK, and whether Azure would accept it.
import { ByokError, type ByokErrorCode } from '../../errors.js';
import { checkKekForAzure } from '../../kek/index.js';
import { str, type CommandSpec } from '../args.js';
import { kv, type Command } from '../context.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../exit-codes.js';
import { readKekFile } from '../inputs.js';
import { attestationReport } from '../../attest/index.js';
import { ATTESTATION_OPTION, attestationJson, requireAttestation } from './attest.js';

const spec: CommandSpec = {
  name: 'kek',
  summary: "show a KEK's size, kid, operations and fingerprint, and whether Azure accepts it",
  usage: ['byok kek FILE [--kid URL] [--json]'],
  description:
    'Reads the key-exchange key as az keyvault key download (SPKI PEM/DER), az keyvault key show (JSON),\n' +
    'a JWK, a PKCS#1 public key or a certificate. Checks it like Azure does: RSA 2048/3072/4096, odd\n' +
    'exponent, key_ops exactly ["import"] and kty RSA-HSM when present, a versioned kid.\n' +
    'Read the SHA-256 fingerprint to the key vault owner over a second channel before wrapping.',
  options: {
    kid: { type: 'string', arg: 'URL', help: "the KEK's versioned key id, when FILE has none" },
    ...ATTESTATION_OPTION,
  },
  positionals: ['FILE'],
  examples: ['byok kek kek.pem --kid https://contoso.vault.azure.net/keys/KEKforBYOK/<version>', 'az keyvault key show --vault-name contoso --name KEKforBYOK > kek.json && byok kek kek.json'],
};

/** Codes of Azure's KEK rules: a KEK that breaks one is read fine but would be refused (exit 1). */
const RULE_CODES: readonly ByokErrorCode[] = [
  'KEK_NOT_RSA', 'KEK_UNSUPPORTED_SIZE', 'KEK_BAD_EXPONENT', 'KEK_WRONG_KEY_OPS', 'KEK_WRONG_KTY',
  'KEK_KID_INVALID', 'KEK_KID_UNVERSIONED', 'KEK_KID_MISSING', 'BYOK_BAD_KID', 'ATTESTATION_FAILED',
];

export const kekCommand: Command = {
  spec,
  checkCodes: new Set(RULE_CODES),
  async run(args, ctx) {
    const path = args.positionals[0]!;
    const kek = readKekFile(path, str(args.values, 'kid'));
    const attestation = requireAttestation(args.values, kek);
    let problem: ByokError | undefined;
    try {
      checkKekForAzure(kek, { requireKid: false });
    } catch (e) {
      if (!(e instanceof ByokError) || !RULE_CODES.includes(e.code)) throw e;
      problem = e;
    }
    for (const line of kv([
      ['KEK', `RSA ${kek.bits} bits, public exponent ${exponentText(kek.e)}`],
      ['read as', kek.source],
      ['kid', kek.kid ?? '(none in this file: give it with --kid when wrapping)'],
      ['kty', kek.kty ?? '(not stated)'],
      ['key_ops', kek.keyOps ? JSON.stringify(kek.keyOps) : '(not stated)'],
      ['SHA-256', kek.fingerprint.hex],
      ['in groups', kek.fingerprint.grouped],
      ['base64', kek.fingerprint.base64],
    ])) ctx.say(line);
    ctx.say();
    if (attestation) for (const line of [...attestationReport(attestation), '']) ctx.say(line);
    ctx.say(problem ? `Azure would NOT accept this KEK: ${problem.message}` : `Azure would accept this KEK${kek.kid ? '' : ' (once you give its versioned kid)'}.`);
    return {
      exitCode: problem ? EXIT_CHECK_FAILED : EXIT_OK,
      json: {
        bits: kek.bits,
        exponent: exponentText(kek.e),
        kid: kek.kid ?? null,
        kty: kek.kty ?? null,
        keyOps: kek.keyOps ?? null,
        source: kek.source,
        fingerprint: { sha256Hex: kek.fingerprint.hex, sha256Grouped: kek.fingerprint.grouped, sha256Base64: kek.fingerprint.base64 },
        acceptable: problem === undefined,
        attestation: attestation ? attestationJson(attestation) : null,
        ...(problem ? { problem: { code: problem.code, message: problem.message } } : {}),
      },
    };
  },
};

function exponentText(e: Uint8Array): string {
  let v = 0n;
  for (const b of e) v = (v << 8n) | BigInt(b);
  return v.toString();
}
