// `byok inspect FILE.byok`: what the blob says and whether it is well formed. Needs no key.
import { ByokError, type ByokErrorCode } from '../../errors.js';
import { matchByokToKek } from '../../transfer/read.js';
import { byokFileArg, IN_OPTION, str } from '../args.js';
import { readKekFile } from '../inputs.js';
import { parseByok, type ParsedByok } from '../../formats/azure.js';
import type { CommandSpec } from '../args.js';
import { kv, type Command } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';
import { readInputFile } from '../files.js';

const spec: CommandSpec = {
  name: 'inspect',
  summary: 'show what a .byok file says and whether it is well formed',
  usage: ['byok inspect FILE.byok [--kek FILE [--kid URL]] [--json]'],
  description:
    'Checks the JSON schema, alg/enc, the KEK kid (a versioned Key Vault or Managed HSM key URL) and that\n' +
    'the ciphertext length is an RSA-OAEP block of a 2048/3072/4096-bit KEK followed by an AES key-wrap block.\n' +
    'It cannot open the blob (only the HSM holding the KEK can); `byok verify` does that with a test KEK.\n' +
    'With --kek it also checks the blob can have been made for that KEK: same kid, a fitting size, an RSA\n' +
    'block below its modulus (exit 1 otherwise).',
  options: {
    kek: { type: 'string', arg: 'FILE', help: 'also check the blob against this KEK (public key)' },
    kid: { type: 'string', arg: 'URL', help: "the KEK's versioned key id, when the KEK file has none" },
    in: IN_OPTION,
  },
  positionals: ['FILE.byok?'],
  examples: ['byok inspect mykey.byok', 'byok inspect mykey.byok --kek kek.json', 'byok inspect mykey.byok --json | jq .kid'],
};

export const inspectCommand: Command = {
  spec,
  checkCodes: new Set<ByokErrorCode>(['BYOK_MALFORMED', 'BYOK_UNSUPPORTED', 'BYOK_BAD_CIPHERTEXT', 'BYOK_BAD_KID', 'BYOK_KID_MISMATCH', 'BYOK_KEK_MISMATCH']),
  async run(args, ctx) {
    const path = byokFileArg(spec, args);
    const bytes = readInputFile(path, '.byok file');
    const parsed = parseByok(bytes);
    const kekPath = str(args.values, 'kek');
    if (kekPath === undefined && str(args.values, 'kid') !== undefined) throw new ByokError('USAGE', "--kid goes with --kek: see 'byok inspect --help'");
    // Read the KEK before printing anything: a bad KEK file is bad input (exit 2), not a finding.
    const kek = kekPath === undefined ? undefined : readKekFile(kekPath, str(args.values, 'kid'));
    for (const line of describeByok(path, bytes.length, parsed)) ctx.say(line);
    if (kek === undefined) return { exitCode: EXIT_OK, json: byokJson(parsed) };
    const reading = matchByokToKek(parsed, kek);
    // Lengths alone allow several KEK sizes; read with this KEK's, the wrapped part must still be a key
    // Azure imports whenever some reading is one (otherwise the layout itself says it cannot be).
    const plausible = parsed.readings.filter((r) => r.looksLike !== undefined);
    if (reading.looksLike === undefined && plausible.length > 0) {
      const [lo, hi] = reading.materialLength;
      throw new ByokError('BYOK_KEK_MISMATCH', `read with this ${kek.bits}-bit KEK the blob would hold ${lo}–${hi} bytes, which no key Azure imports has; its length fits ${plausible.map((r) => `a ${r.kekBits}-bit KEK holding ${articled(r.looksLike!)}`).join(', or ')}: check that you have the KEK named by its kid`);
    }
    const holds = reading.looksLike === undefined ? '' : `: read with it, the blob holds ${reading.materialLength[0]}–${reading.materialLength[1]} bytes, ${articled(reading.looksLike)}`;
    ctx.say(`Fits the KEK in ${kekPath} (RSA ${kek.bits}, SHA-256 ${kek.fingerprint.hex})${holds}${kek.kid ? '' : '; as far as size and modulus tell: that KEK file names no kid'}.`);
    return { exitCode: EXIT_OK, json: { ...byokJson(parsed), kekMatch: { kekBits: reading.kekBits, kwpBytes: reading.kwpLength, kidChecked: kek.kid !== undefined } } };
  },
};

export function byokJson(parsed: ParsedByok): Record<string, unknown> {
  return {
    wellFormed: true,
    schemaVersion: parsed.file.schema_version,
    alg: parsed.file.header.alg,
    enc: parsed.file.header.enc,
    kid: parsed.kid.kid,
    kek: { service: parsed.kid.service, instance: parsed.kid.instance, name: parsed.kid.name, version: parsed.kid.version },
    generator: parsed.file.generator ?? null,
    ciphertextBytes: parsed.ciphertext.length,
    readings: parsed.readings.map((r) => ({
      kekBits: r.kekBits, oaepBytes: r.oaepLength, kwpBytes: r.kwpLength,
      materialBytes: { min: r.materialLength[0], max: r.materialLength[1] }, looksLike: r.looksLike ?? null,
    })),
    warnings: parsed.warnings,
  };
}

export function describeByok(path: string, size: number, parsed: ParsedByok): string[] {
  const k = parsed.kid;
  const where = k.service === 'managedhsm' ? `Managed HSM ${k.instance}` : `key vault ${k.instance}`;
  const reading = (r: ParsedByok['readings'][number]): string =>
    `RSA-OAEP ${r.oaepLength} B (${r.kekBits}-bit KEK) + AES-KWP ${r.kwpLength} B holding ${r.materialLength[0]}–${r.materialLength[1]} B` +
    (r.looksLike ? `: fits ${articled(r.looksLike)}` : '');
  const [best, ...others] = parsed.readings;
  const rows: [string, string][] = [
    ['file', `${path} (${size} bytes)`],
    ['format', `Azure BYOK transfer blob, schema ${parsed.file.schema_version}, alg ${parsed.file.header.alg}, enc ${parsed.file.header.enc}`],
    ['KEK', k.kid],
    ['', `${where}, key ${k.name}, version ${k.version}`],
    ['generator', parsed.file.generator ?? '(none)'],
    ['ciphertext', `${parsed.ciphertext.length} bytes`],
    ['layout', reading(best!)],
    ...others.map((r): [string, string] => ['  or', reading(r)]),
  ];
  const lines = kv(rows);
  for (const w of parsed.warnings) lines.push(`warning: ${w}`);
  lines.push('', 'Well formed. Only the HSM holding the KEK can open it; the layout is inferred from lengths.');
  return lines;
}

// Every label starts with an acronym read letter by letter (AES, EC, RSA): all take "an".
function articled(s: string): string {
  return `an ${s}`;
}
