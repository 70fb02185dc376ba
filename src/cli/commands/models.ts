import { UsageError } from '../../core/errors.ts';
import { commandRows, defineCommand, print, type Command } from '../command.ts';
import { modelsInspectCommand } from './models-inspect.ts';
import { modelsPromptCommand } from './models-prompt.ts';
import { modelsTokensCommand } from './models-tokens.ts';
import { modelsMakeFixturesCommand } from './models-make-fixtures.ts';
import { modelsPullCommand } from './models-pull.ts';

/** `vlmbench models <sub>`; other modules append to this list (e.g. make-fixtures). */
export const MODELS_SUBCOMMANDS: Command[] = [modelsPromptCommand, modelsTokensCommand, modelsInspectCommand, modelsMakeFixturesCommand, modelsPullCommand];

function help(): string {
  return [
    'Usage: vlmbench models <subcommand> [options]',
    '',
    'Model-family knowledge: templates, image tokens, model files.',
    '',
    'Subcommands:',
    ...commandRows(MODELS_SUBCOMMANDS),
    '',
    "Run 'vlmbench models <subcommand> --help' for its options.",
  ].join('\n');
}

export const modelsCommand = defineCommand({
  name: 'models',
  summary: 'Prompt templates, image-token counts and model-file inspection per family',
  get help() { return help(); },
  subcommands: MODELS_SUBCOMMANDS,
  async run(argv, io) {
    if (argv.length === 0) { print(io.stdout, help()); return 0; }
    throw new UsageError(`unknown subcommand 'models ${argv[0]}'`, { hint: `one of ${MODELS_SUBCOMMANDS.map((c) => c.name).join(', ')}` });
  },
});

export default modelsCommand;
