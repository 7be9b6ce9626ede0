// What a command gets to talk to the world: streams, environment, and a printer that keeps human text
// off stdout when stdout carries data (--out -) or JSON (--json).
import type { ByokErrorCode } from '../errors.js';
import type { CommandSpec, ParsedArgs } from './args.js';
import type { ExitCode } from './exit-codes.js';

export interface CliIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface Ctx {
  readonly io: CliIo;
  readonly json: boolean;
  /** A human-readable line (suppressed with --json). Goes to stderr once stdout carries data. */
  say(line?: string): void;
  /** "byok <command>: warning: …" on stderr (suppressed with --json, whose object carries the warnings). */
  warn(message: string): void;
  /** From now on stdout carries data (`--out -`): human lines move to stderr. */
  stdoutCarriesData(): void;
  /** Writes data to stdout (the `--out -` payload). */
  writeData(bytes: Uint8Array): Promise<void>;
  /** True when human output goes to a terminal (progress bars, prompts). */
  readonly interactive: boolean;
}

export interface CommandResult {
  readonly exitCode: ExitCode;
  /** The --json result (without `ok`/`command`, which the runner adds). */
  readonly json: Record<string, unknown>;
}

export interface Command {
  readonly spec: CommandSpec;
  /** Error codes that mean "the check failed" (exit 1) for this command rather than bad input (exit 2). */
  readonly checkCodes?: ReadonlySet<ByokErrorCode>;
  run(args: ParsedArgs, ctx: Ctx): Promise<CommandResult>;
}

export function makeCtx(io: CliIo, json: boolean, command: string): Ctx {
  let human: NodeJS.WriteStream = io.stdout;
  return {
    io,
    json,
    interactive: io.stderr.isTTY === true,
    say(line = '') {
      if (!json) human.write(line + '\n');
    },
    warn(message) {
      if (!json) io.stderr.write(`byok ${command}: warning: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    },
    stdoutCarriesData() {
      human = io.stderr;
    },
    writeData(bytes) {
      return new Promise((resolve, reject) => {
        io.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
      });
    },
  };
}

/** Aligned "label  value" lines for human output. */
export function kv(rows: readonly (readonly [string, string])[], indent = ''): string[] {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}${v}`);
}
