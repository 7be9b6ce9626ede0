// Argument parsing for every command: node:util parseArgs, strict, with our own one-line usage errors
// and a --help text rendered from the same option table, so the two never disagree.
import { parseArgs } from 'node:util';
import { ByokError } from '../errors.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder shown in help, e.g. FILE. */
  readonly arg?: string;
  readonly help: string;
  /**
   * Takes every following word up to the next option, like az's `--ops encrypt decrypt` (the value is
   * those words joined by spaces). Only for commands without positional arguments.
   */
  readonly words?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: readonly string[];
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Names of positional arguments, in order; `?` suffix = optional. */
  readonly positionals?: readonly string[];
  readonly examples?: readonly string[];
}

export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  json: { type: 'boolean', help: 'print one machine-readable JSON object on stdout' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export type ArgValues = Readonly<Record<string, string | boolean | undefined>>;

export interface ParsedArgs {
  readonly values: ArgValues;
  readonly positionals: readonly string[];
}

function usageError(spec: CommandSpec, what: string): ByokError {
  return new ByokError('USAGE', `${what}: see 'byok ${spec.name} --help'`);
}

export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of Object.entries(all)) options[name] = o.short === undefined ? { type: o.type } : { type: o.type, short: o.short };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: normalizeArgv(argv, all), options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (e) {
    throw usageError(spec, describeParseError(e, all));
  }
  if (parsed.values['help'] === true) return { values: parsed.values as ArgValues, positionals: parsed.positionals };
  const names = spec.positionals ?? [];
  const required = names.filter((n) => !n.endsWith('?')).length;
  if (parsed.positionals.length > names.length) {
    throw usageError(spec, `unexpected argument ${JSON.stringify(parsed.positionals[names.length])}`);
  }
  if (parsed.positionals.length < required) {
    throw usageError(spec, `missing ${names[parsed.positionals.length]!.replace(/\?$/, '')}`);
  }
  return { values: parsed.values as ArgValues, positionals: parsed.positionals };
}

/**
 * Rewrites the command line into what parseArgs takes, as `--name=value`:
 *   - `--jobs -1`: parseArgs would take "-1" for an option and say "--jobs takes no value"; a string
 *     option's value that looks like a negative number is joined to it, so the option's own check names
 *     the rule;
 *   - `--ops encrypt decrypt` (OptionSpec.words): the words up to the next option are one value.
 */
function normalizeArgv(argv: readonly string[], all: Readonly<Record<string, OptionSpec>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') ? a.slice(2, eq < 0 ? undefined : eq) : undefined;
    const o = name === undefined ? undefined : all[name];
    if (o?.type !== 'string' || a === '--') {
      out.push(a);
      continue;
    }
    const words: string[] = eq < 0 ? [] : [a.slice(eq + 1)];
    if (eq < 0 && argv[i + 1] !== undefined && /^-\d/.test(argv[i + 1]!)) words.push(argv[++i]!);
    if (o.words === true) {
      while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) words.push(argv[++i]!);
    }
    out.push(words.length > 0 ? `--${name}=${words.join(' ')}` : a);
  }
  return out;
}

/** Edit distance, for "did you mean" (option names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The option the user most likely meant: first one whose name is what was typed plus or minus whole
 * words (`--kek` → `--kek-key`, `--password` → `--password-file`), then a close spelling (`--frce`), then
 * one that merely starts with what was typed (or the reverse).
 */
export function closestOption(typed: string, names: readonly string[]): string | undefined {
  const t = typed.replace(/^-+/, '').replace(/=.*$/, '').toLowerCase();
  if (t === '') return undefined;
  let best: { name: string; score: number } | undefined;
  for (const n of names) {
    const d = distance(t, n);
    const score = n.startsWith(`${t}-`) || t.startsWith(`${n}-`) ? 0.5
      : d <= Math.max(2, Math.floor(n.length / 3)) ? d
        : n.startsWith(t) || t.startsWith(n) ? 3 + Math.abs(n.length - t.length) / 10 : Infinity;
    if (score < (best?.score ?? Infinity)) best = { name: n, score };
  }
  return best?.name;
}

function describeParseError(e: unknown, all: Readonly<Record<string, OptionSpec>>): string {
  const code = (e as { code?: string }).code;
  const msg = e instanceof Error ? e.message : String(e);
  const opt = /'(-{1,2}[^' ]+)/.exec(msg)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const guess = opt?.startsWith('--') ? closestOption(opt, Object.keys(all)) : undefined;
      return `unknown option ${opt ?? ''}`.trim() + (guess === undefined ? '' : ` (did you mean --${guess}?)`);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(msg) ? `option ${opt ?? ''} needs a value` : `option ${opt ?? ''} takes no value`;
    default:
      return msg.split('\n')[0] ?? 'invalid arguments';
  }
}

/** `--in FILE.byok`: accepted wherever a command takes its .byok file as the argument. */
export const IN_OPTION: OptionSpec = { type: 'string', arg: 'FILE.byok', help: 'the .byok file, if not given as the argument' };

/**
 * The .byok file a command works on: its argument, or `--in FILE` (unwrap took it that way first; every
 * command taking a .byok accepts both).
 */
export function byokFileArg(spec: CommandSpec, args: ParsedArgs): string {
  const positional = args.positionals[0];
  const option = str(args.values, 'in');
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw usageError(spec, `two .byok files given, ${JSON.stringify(positional)} and --in ${JSON.stringify(option)}: give one`);
  }
  const file = positional ?? option;
  if (file === undefined || file === '') throw usageError(spec, 'missing FILE.byok (the .byok file, as the argument or with --in)');
  return file;
}

/** A string option's value, or undefined. */
export function str(values: ArgValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A required string option; `why` says what it is and where to get it. */
export function required(spec: CommandSpec, values: ArgValues, name: string, why: string): string {
  const v = str(values, name);
  if (v === undefined || v === '') throw usageError(spec, `missing --${name} ${spec.options[name]?.arg ?? ''}`.trimEnd() + ` (${why})`);
  return v;
}

export function flag(values: ArgValues, name: string): boolean {
  return values[name] === true;
}

/** A non-negative integer option. */
export function integer(spec: CommandSpec, values: ArgValues, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw usageError(spec, `--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v.slice(0, 20))}`);
  }
  return Number(v);
}

export function renderHelp(spec: CommandSpec): string {
  const lines: string[] = [`byok ${spec.name} — ${spec.summary}`, '', 'Usage:'];
  for (const u of spec.usage) lines.push(`  ${u}`);
  if (spec.description) lines.push('', ...spec.description.split('\n'));
  const rows = Object.entries({ ...spec.options, ...COMMON_OPTIONS }).map(([name, o]) => {
    const left = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`;
    return [left, o.help] as const;
  });
  const width = Math.min(30, Math.max(...rows.map(([l]) => l.length)) + 2);
  lines.push('', 'Options:');
  for (const [l, h] of rows) {
    const [first, ...rest] = h.split('\n');
    lines.push(l.length >= width ? `  ${l}\n  ${' '.repeat(width)}${first}` : `  ${l.padEnd(width)}${first}`);
    for (const r of rest) lines.push(`  ${' '.repeat(width)}${r}`);
  }
  if (spec.examples && spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const ex of spec.examples) lines.push(`  ${ex}`);
  }
  lines.push('', EXIT_CODES_HELP);
  return lines.join('\n') + '\n';
}
