import { loadConfig } from '../../config/load.ts';
import { UsageError } from '../../core/errors.ts';
import { isRemoteModelUri, modelsDir, pullModelFile, progressPrinter } from '../../models/pull.ts';
import { modelFiles } from '../../runner/inputs.ts';
import { configArgument, defineCommand, parseCommandArgs, print, QUICKSTART_CONFIG } from '../command.ts';

export const modelsPullCommand = defineCommand({
  name: 'pull',
  summary: 'download every remote model file (hf:, https:) a config names, with progress, ahead of a run',
  help: `Usage: vlmbench models pull [config] [--models a,b]

Downloads the hf:<user>/<repo>/<file> and https:// model files of the config's models (or only those
given with --models) into $VLMBENCH_MODELS_DIR (default .cache/models in the vlmbench folder), where
\`vlmbench run\` finds them. Shows bytes, rate and ETA; an interrupted download resumes; the size and the
sha256 the server states are checked. HF_ENDPOINT selects a mirror, HF_TOKEN a gated repository's token.
Exit 0 when every file is there, 2 when one cannot be fetched (the message says which and why).`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { models: { type: 'string' } });
    const file = configArgument(positionals, io) ?? QUICKSTART_CONFIG;
    // Keys and endpoints are not needed to fetch model files.
    const { config } = await loadConfig(file, io.env, { deferMissingEnv: true });
    const wanted = values.models?.split(',').map((s) => s.trim()).filter(Boolean);
    for (const w of wanted ?? []) {
      if (!config.models.some((m) => m.id === w)) throw new UsageError(`no model '${w}' in ${file}`, { hint: `available: ${config.models.map((m) => m.id).join(', ')}` });
    }
    const uris = [...new Set(config.models.filter((m) => !wanted || wanted.includes(m.id)).flatMap(modelFiles).map((r) => r.path).filter(isRemoteModelUri))];
    if (!uris.length) { print(io.stdout, 'no remote model files in this config'); return 0; }
    const dir = modelsDir(io.env);
    for (const uri of uris) {
      const path = await pullModelFile(uri, { dir, env: io.env, onProgress: progressPrinter((line) => print(io.stderr, line)) });
      print(io.stdout, `${uri}  ${path}`);
    }
    return 0;
  },
});
