import { formatError, isUserInputError, UsageError } from '../core/errors.ts';
import { didYouMean } from '../core/suggest.ts';
import { COMMANDS } from './commands/index.ts';
import { commandRows, print, wantsHelp, type CliIO, type Command } from './command.ts';

const VERSION = '0.1.0';

function topHelp(): string {
  return [
    'vlmbench — evaluate and benchmark LLaVA-family vision-language models',
    '',
    'Usage: vlmbench <command> [options]',
    '',
    'Commands:',
    ...commandRows(COMMANDS),
    '',
    'Global options:',
    '  --verbose     show stack traces and debug logs',
    '  --version     print the version',
    '  -h, --help    show help (also after any command)',
    '',
    'Exit codes: 0 ok, 1 failures or regressions, 2 usage or input error, 130 interrupted.',
  ].join('\n');
}

function findCommand(list: Command[], argv: string[]): { cmd: Command | undefined; rest: string[] } {
  let cmds = list;
  let cmd: Command | undefined;
  let i = 0;
  while (i < argv.length) {
    const next = cmds.find((c) => c.name === argv[i]);
    if (!next) break;
    cmd = next;
    i++;
    if (!next.subcommands) break;
    cmds = next.subcommands;
  }
  return { cmd, rest: argv.slice(i) };
}

export async function main(argv: string[], io: Partial<CliIO> = {}): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  const ctx: CliIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    verbose,
  };
  if (args[0] === '--version') { print(ctx.stdout, VERSION); return 0; }
  if (args.length === 0 || (wantsHelp(args) && !COMMANDS.some((c) => c.name === args[0]))) {
    print(ctx.stdout, topHelp());
    return 0;
  }
  const { cmd, rest } = findCommand(COMMANDS, args);
  try {
    if (!cmd) throw new UsageError(`unknown command '${args[0]}'${didYouMean(args[0]!, COMMANDS.map((c) => c.name))}`, { hint: "run 'vlmbench --help' for the list" });
    if (wantsHelp(rest) || (cmd.subcommands && rest.length === 0)) {
      print(ctx.stdout, cmd.help);
      return 0;
    }
    return await cmd.run(rest, ctx);
  } catch (err) {
    print(ctx.stderr, `vlmbench: ${formatError(err)}`);
    if (verbose && err instanceof Error && err.stack) print(ctx.stderr, err.stack);
    return isUserInputError(err) ? 2 : 1;
  }
}
