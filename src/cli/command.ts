import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors.ts';
import { didYouMean } from '../core/suggest.ts';
import { REPO_ROOT } from '../fixtures/paths.ts';

/** Streams and environment a command may use; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  verbose: boolean;
}

export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  name: string;
  summary: string;
  /** Full --help text (usage line, options, examples). */
  help: string;
  /** Returns the exit code: 0 ok, 1 failures/regressions, 2 usage or input error. */
  run(argv: string[], io: CliIO): Promise<number>;
  /** Nested commands (e.g. `models prompt`). */
  subcommands?: Command[];
}

export function defineCommand(cmd: Command): Command {
  return cmd;
}

/** parseArgs with strict checking; an unknown flag becomes a UsageError naming it and the closest known one. */
export function parseCommandArgs<O extends CommandOptions>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      // Node's message: "Unknown option '--limt'. To specify a positional argument …"
      const flag = /'(-{1,2}[^']+)'/.exec((err as Error).message)?.[1];
      if (flag) {
        const known = [...Object.keys(options), 'help', 'verbose'];
        const name = flag.replace(/^-+/, '').split('=')[0]!;
        throw new UsageError(`unknown option ${flag}${didYouMean(name, known, (n) => `--${n}`)}`, { cause: err, hint: 'see --help' });
      }
    }
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err, hint: 'see --help' });
  }
}

/** Default config of `run` and `serve`: the quickstart on tiny generated models. */
export const QUICKSTART_CONFIG = path.join(REPO_ROOT, 'configs', 'quickstart.yaml');

/** The optional `[config]` argument: at most one, resolved against cwd; undefined when none is given. */
export function configArgument(positionals: string[], io: CliIO, hint?: string): string | undefined {
  if (positionals.length > 1) throw new UsageError(`expected one config file, got ${positionals.length}`, { hint });
  return positionals[0] ? path.resolve(io.cwd, positionals[0]) : undefined;
}

/** `  name  summary` lines with the names padded to one column, for the command lists in --help. */
export function commandRows(commands: readonly Command[]): string[] {
  const width = Math.max(...commands.map((c) => c.name.length));
  return commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export function print(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
