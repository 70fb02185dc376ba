import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { detectFamily, type Inspection, type ModelEvidence } from '../../families/inspect.ts';
import { readModelEvidence } from '../../families/model-files.ts';
import { defineCommand, parseCommandArgs, print, type CliIO } from '../command.ts';

const HELP = `Usage:
  vlmbench models inspect <path> [--family <family>] [--json]

Reads model files without loading weights and prints the family they look like, the upstream
template it would use, the vision image size and the image tokens per image. <path> is a GGUF file
(language model or mmproj; metadata only), an ONNX / transformers.js model folder (config.json,
preprocessor_config.json) or a Hugging Face config.json. With --family, warns when the files
disagree. Exit 0 (warnings included); 2 when the path cannot be read.

Examples:
  vlmbench models inspect models/mmproj-model-f16.gguf
  vlmbench models inspect models/llava-1.5-7b-onnx --family llava-1.5`;

const OPTIONS = { family: { type: 'string' }, json: { type: 'boolean' } } as const;

function describe(e: ModelEvidence, r: Inspection): string {
  const tokens = r.tokensPerImage === null ? 'unknown'
    : 'fixed' in r.tokensPerImage ? `${r.tokensPerImage.fixed}`
      : `AnyRes: ${r.tokensPerImage.anyres.base} base + grid, ${r.tokensPerImage.anyres.min}–${r.tokensPerImage.anyres.max} (e.g. ${r.tokensPerImage.anyres.example.size} → ${r.tokensPerImage.anyres.example.tokens}; see 'vlmbench models tokens')`;
  return [
    `file:       ${e.file} (${e.kind}${e.name ? `, name '${e.name}'` : ''})`,
    `family:     ${r.family ?? 'unknown'}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}`,
    `template:   ${r.template ?? '-'}`,
    `image size: ${r.imageSize ?? '-'}${r.patchSize ? ` px, patch ${r.patchSize}` : ''}`,
    `tokens per image: ${tokens}`,
    ...r.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

export const modelsInspectCommand = defineCommand({
  name: 'inspect',
  summary: 'Which family a GGUF, ONNX folder or config.json looks like (template, image size, tokens)',
  help: HELP,
  async run(argv: string[], io: CliIO) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (positionals.length !== 1) throw new UsageError('give exactly one model path', { hint: 'vlmbench models inspect <file.gguf | folder | config.json>' });
    const target = path.resolve(io.cwd, positionals[0]!);
    const evidence = await readModelEvidence(target);
    const results = evidence.map((e) => ({ evidence: e, inspection: detectFamily(e, values.family) }));
    if (values.json) {
      print(io.stdout, JSON.stringify(results.length === 1 ? results[0] : results));
    } else {
      print(io.stdout, results.map((r) => describe(r.evidence, r.inspection)).join('\n\n'));
    }
    return 0;
  },
});
