/**
 * The one way the project's CLIs read their flags (over node:util parseArgs): `--help`/`-h` prints the usage
 * on stdout and exits 0; an unknown or malformed flag prints one line naming it, then the usage, on stderr
 * and exits 2 — never a stack trace. Value checks after parsing report through {@link CliUsageError} /
 * {@link exitWithUsage} the same way.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export interface CliDefinition<O extends ParseArgsOptionsConfig> {
  /** The whole usage text, starting with `usage: npm run …`. */
  readonly usage: string;
  readonly options: O;
  /** @default false */
  readonly allowPositionals?: boolean;
}

/** Exit status for bad command-line input (the convention of shells and their builtins). */
const USAGE_EXIT_CODE = 2;

/** Prints `message` (one line) and the usage on stderr, then exits 2. */
export function exitWithUsage(usage: string, message: string): never {
  console.error(message.split('\n')[0]);
  console.error(usage);
  process.exit(USAGE_EXIT_CODE);
}

/**
 * A flag's whole-number value from `min` to `max`; anything else ends the command with one line naming the
 * flag, then the usage (exit 2).
 */
export function wholeNumberFlag(usage: string, flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    exitWithUsage(usage, `--${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** `--help` or `-h` before a `--` terminator. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** parseArgs' error as one line that names the flag, e.g. `unknown option --foo`. */
export function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const flag = quoted.split(' ')[0] ?? quoted;
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)} (this command takes no positional arguments)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing')
        ? `${flag} needs a value`
        : `${flag} ${message.includes('does not take') ? 'takes no value' : 'has an invalid value'}`;
    default:
      return message.split('\n')[0] ?? message;
  }
}

/**
 * Parses `argv` (default: this process's arguments) strictly. Handles `--help` and parse errors itself
 * (exit 0 / exit 2); returns the values only when the command line is well-formed.
 */
export function parseCli<O extends ParseArgsOptionsConfig>(
  definition: CliDefinition<O>,
  argv: readonly string[] = process.argv.slice(2),
) {
  if (wantsHelp(argv)) {
    console.log(definition.usage);
    process.exit(0);
  }
  try {
    return parseArgs({
      args: [...argv],
      options: definition.options,
      allowPositionals: definition.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    return exitWithUsage(definition.usage, describeParseError(error));
  }
}
