// The `byok` command runner: picks the command, parses its arguments, runs it, and turns every outcome
// into one exit code and, on failure, one line on stderr (or one JSON object with --json). No stack
// traces unless BYOK_DEBUG=1.
import { ByokError } from '../errors.js';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from '../transfer/version.js';
import { closestOption, parseCommandArgs, renderHelp } from './args.js';
import { makeCtx, type CliIo, type Command } from './context.js';
import { EXIT_BAD_INPUT, EXIT_CODES_HELP, EXIT_INTERNAL, EXIT_OK, exitCodeFor } from './exit-codes.js';
import { COMMANDS } from './commands/index.js';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 3;
  return [
    `byok — Bring Your Own Key transfers to Azure Key Vault and Managed HSM (${TOOLKIT_NAME} ${TOOLKIT_VERSION})`,
    '',
    'Usage: byok <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
    "Run 'byok <command> --help' for a command's options. Try 'byok demo' first.",
    EXIT_CODES_HELP,
    '',
  ].join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(mainHelp());
    return EXIT_BAD_INPUT;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    io.stdout.write(mainHelp());
    return EXIT_OK;
  }
  const name = first === 'help' ? rest[0]! : first === '--version' || first === '-V' ? 'version' : first;
  const command: Command | undefined = COMMANDS.find((c) => c.spec.name === name);
  const json = rest.includes('--json');
  if (!command) {
    const names = COMMANDS.map((c) => c.spec.name);
    const guess = name.startsWith('-') ? undefined : closestOption(name, names);
    return fail(io, json, undefined, new ByokError('USAGE', `unknown command ${JSON.stringify(name.slice(0, 40))}${guess === undefined ? '' : ` (did you mean ${guess}?)`}: commands are ${names.join(', ')} (see 'byok --help')`));
  }
  if (first === 'help') {
    io.stdout.write(renderHelp(command.spec));
    return EXIT_OK;
  }
  try {
    const args = parseCommandArgs(command.spec, rest);
    if (args.values['help'] === true) {
      io.stdout.write(renderHelp(command.spec));
      return EXIT_OK;
    }
    const ctx = makeCtx(io, json, command.spec.name);
    const result = await command.run(args, ctx);
    if (json) io.stdout.write(JSON.stringify({ ok: result.exitCode === EXIT_OK, command: command.spec.name, exitCode: result.exitCode, ...result.json }, null, 2) + '\n');
    return result.exitCode;
  } catch (e) {
    return fail(io, json, command, e);
  }
}

function fail(io: CliIo, json: boolean, command: Command | undefined, e: unknown): number {
  const code = exitCodeFor(e, command?.checkCodes);
  const name = command?.spec.name;
  let message: string;
  let errCode: string;
  if (e instanceof ByokError) {
    message = oneLine(e.message);
    errCode = e.code;
  } else {
    errCode = 'INTERNAL';
    message = `internal error: ${oneLine(e instanceof Error ? e.message : String(e))} (please report it with the command you ran; BYOK_DEBUG=1 shows details)`;
  }
  if (json) {
    io.stdout.write(JSON.stringify({ ok: false, ...(name ? { command: name } : {}), exitCode: code, error: { code: errCode, message } }, null, 2) + '\n');
  } else {
    io.stderr.write(`byok${name ? ` ${name}` : ''}: ${message}\n`);
  }
  if (io.env['BYOK_DEBUG'] === '1' && e instanceof Error && e.stack) io.stderr.write(e.stack + '\n');
  return code === EXIT_OK ? EXIT_INTERNAL : code;
}
