// `byok attest FILE`: verifies a key attestation (Azure Managed HSM, Google Cloud KMS) offline and prints
// each check. Also the hook `wrap`, `kek` and `batch` call with --attestation: verify first, refuse to go
// on (exit 1, nothing written) unless the attestation holds for their KEK.
import { attestationReport, verifyKeyAttestation, type KeyAttestationResult } from '../../attest/index.js';
import { ByokError } from '../../errors.js';
import type { Kek } from '../../kek/index.js';
import { str, type ArgValues, type CommandSpec, type OptionSpec } from '../args.js';
import type { Command } from '../context.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../exit-codes.js';
import { readInputFile } from '../files.js';
import { aboutFile, readKekFile } from '../inputs.js';

const MAX_ATTESTATION_BYTES = 1024 * 1024;

/** The options of the attestation check, shared by attest, wrap, kek and batch. */
export const ATTESTATION_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  roots: { type: 'string', arg: 'FILE', help: 'PEM file with the root certificates (Marvell LiquidSecurity;\nGoogle Hawksbill for Cloud KMS): trusted only if their keys are pinned' },
  'owner-root': { type: 'string', arg: 'SHA256', help: "pin an Azure pool's Microsoft owner root by its key's SHA-256\n(otherwise it is only reported)" },
  'marvell-pin': { type: 'string', arg: 'SHA256,…', help: "trust these root keys' SHA-256 instead of the built-in Marvell\nLS1/LS2 pins (a lab HSM, a new Marvell root)" },
  'google-pin': { type: 'string', arg: 'SHA256,…', help: 'trust these instead of the built-in Google Hawksbill pin' },
};

const spec: CommandSpec = {
  name: 'attest',
  summary: 'verify a key attestation (Azure Managed HSM, Google Cloud KMS) offline',
  usage: ['byok attest FILE [--kek FILE [--kid URL]] [--roots FILE] [--owner-root SHA256] [--marvell-pin SHA256,…] [--json]'],
  description:
    'FILE is what the cloud returns: the JSON of az keyvault key get-attestation (Managed HSM), or a\n' +
    'Google Cloud KMS import job or key version with its attestation. Checks the Marvell chain up to a\n' +
    'pinned root, the owner chain, that both end in the same partition key, the signature of every blob\n' +
    '(every padding byte), the blob layout, that the attested key is the key named beside it and the\n' +
    'KEK given (--kek), its attributes (never extractable, generated in the HSM) and, for Azure, that\n' +
    'the attested ID is the kid. Exit 0 verified, 1 a check failed (the output says which), 2 bad input.',
  options: {
    kek: { type: 'string', arg: 'FILE', help: 'the KEK that must be the attested key (any KEK form byok reads)' },
    kid: { type: 'string', arg: 'URL', help: "the KEK's versioned key id, when the KEK file has none" },
    ...ATTESTATION_OPTIONS,
  },
  positionals: ['FILE'],
  examples: [
    'az keyvault key get-attestation --hsm-name contoso-hsm --name KEKforBYOK --file att.json',
    'byok attest att.json --roots marvell-roots.pem --kek kek.pem',
    'gcloud kms import-jobs describe job --location global --keyring ring --format json > job.json',
    'byok attest job.json --roots marvell-and-google-roots.pem',
  ],
};

/** Reads and verifies an attestation file for `kek` (if any), with the --roots and --owner-root options. */
export function verifyAttestationFile(path: string, values: ArgValues, kek: Kek | undefined): KeyAttestationResult {
  const bytes = readInputFile(path, 'attestation file', MAX_ATTESTATION_BYTES);
  const rootsPath = str(values, 'roots');
  const roots = rootsPath === undefined ? [] : [new Uint8Array(readInputFile(rootsPath, 'roots file', MAX_ATTESTATION_BYTES))];
  const list = (name: string): string[] | undefined => str(values, name)?.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const anchors = { marvell: list('marvell-pin'), google: list('google-pin'), microsoft: list('owner-root') };
  try {
    return verifyKeyAttestation(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), {
      ...(kek === undefined ? {} : { kek }),
      roots,
      anchors: Object.fromEntries(Object.entries(anchors).filter(([, v]) => v !== undefined)),
    });
  } catch (e) {
    if (e instanceof ByokError && e.path?.startsWith('roots') === true && rootsPath !== undefined) throw aboutFile(e, 'roots file', rootsPath);
    throw aboutFile(e, 'attestation file', path);
  }
}

/**
 * The hook of wrap, kek and batch: with --attestation FILE, verifies it for `kek` and returns the result
 * (undefined without --attestation); throws ATTESTATION_FAILED (exit 1) naming every failed check. The
 * caller prints what it wants once its own output order allows (wrap --out - keeps stdout for data).
 */
export function requireAttestation(values: ArgValues, kek: Kek): KeyAttestationResult | undefined {
  const path = str(values, 'attestation');
  if (path === undefined) {
    const orphan = Object.keys(ATTESTATION_OPTIONS).find((o) => str(values, o) !== undefined);
    if (orphan !== undefined) throw new ByokError('USAGE', `--${orphan} belongs to the attestation check: give the attestation with --attestation FILE`);
    return undefined;
  }
  const r = verifyAttestationFile(path, values, kek);
  if (!r.verified) {
    const failed = r.checks.filter((c) => c.status === 'fail').map((c) => c.detail);
    throw new ByokError('ATTESTATION_FAILED', `the KEK's attestation ${JSON.stringify(path)} does not verify (see byok attest), so this KEK is refused and nothing was written: ${failed.join('; ')}`);
  }
  return r;
}

/** Two lines for wrap and batch: the verdict and what was bound. */
export function attestationSummary(r: KeyAttestationResult): string[] {
  const passed = r.checks.filter((c) => c.status === 'pass').length;
  const notes = r.checks.filter((c) => c.status === 'info').map((c) => c.detail);
  return [attestationReport(r)[0]!, `  ${passed} checks passed, the KEK is the attested key; HSM mode ${r.mode}`, ...notes.map((n) => `  note: ${n}`)];
}

/** What --json reports of a verification (the bytes as hex, no Uint8Arrays). */
export function attestationJson(r: KeyAttestationResult): Record<string, unknown> {
  const k = r.attestedKey;
  return {
    verified: r.verified,
    provider: r.provider,
    format: r.format,
    mode: r.mode,
    kid: r.kid ?? null,
    resource: r.resource ?? null,
    attestedKey: k === undefined ? null : k.kind === 'rsa' ? { kind: 'rsa', bits: k.bits, spkiSha256: k.spkiSha256 } : { kind: 'ec', curve: k.curve, spkiSha256: k.spkiSha256 },
    checks: r.checks,
    objects: r.objects,
    manufacturerChain: r.manufacturerChain,
    ownerChain: r.ownerChain,
  };
}

export const attestCommand: Command = {
  spec,
  async run(args, ctx) {
    const v = args.values;
    const kekPath = str(v, 'kek');
    const kek = kekPath === undefined ? undefined : readKekFile(kekPath, str(v, 'kid'));
    const r = verifyAttestationFile(args.positionals[0]!, v, kek);
    for (const line of attestationReport(r)) ctx.say(line);
    return { exitCode: r.verified ? EXIT_OK : EXIT_CHECK_FAILED, json: attestationJson(r) };
  },
};

/** The --attestation option wrap, kek and batch add (with ATTESTATION_OPTIONS). */
export const ATTESTATION_OPTION: Readonly<Record<string, OptionSpec>> = {
  attestation: { type: 'string', arg: 'FILE', help: 'verify the KEK\'s key attestation first (see byok attest);\nrefuse if it fails' },
  ...ATTESTATION_OPTIONS,
};
