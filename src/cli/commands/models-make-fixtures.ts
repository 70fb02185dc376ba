import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureGgufFixtures } from '../../fixtures/gguf/index.ts';
import { ensureOnnxFixtures } from '../../fixtures/onnx/index.ts';
import { defaultFixturesDir } from '../../fixtures/paths.ts';
import { outputPathError } from '../../results/files.ts';
import { defineCommand, parseCommandArgs, print } from '../command.ts';

export const modelsMakeFixturesCommand = defineCommand({
  name: 'make-fixtures',
  summary: 'write the generated tiny GGUF and ONNX test models (deterministic, no downloads)',
  help: `Usage: vlmbench models make-fixtures [--dir DIR] [--json]

Writes the tiny random-weight models the quickstart and tests use: a llama-architecture GGUF text model,
LLaVA-1.5 and LLaVA-1.6 mmproj files, and ONNX exports in the transformers.js layout for every family:
LLaVA v1, LLaVA-1.5, LLaVA-1.6, TinyLLaVA (Phi-2) and VILA1.5 (Llama-3 and Vicuna decoders).
Same seed → byte-identical files; existing files are kept.
Default DIR: $VLMBENCH_FIXTURES_DIR or .cache/fixtures in the vlmbench folder (what fixture:… references use).`,
  async run(argv, io) {
    const { values } = parseCommandArgs(argv, { dir: { type: 'string' }, json: { type: 'boolean' } }, false);
    const dir = values.dir ? path.resolve(io.cwd, values.dir) : defaultFixturesDir(io.env);
    // A --dir that cannot be created is the user's to fix (exit 2), not a generator failure.
    await mkdir(dir, { recursive: true }).catch((err) => { throw outputPathError(err, dir); });
    const [gguf, onnx] = [await ensureGgufFixtures(dir), await ensureOnnxFixtures(dir)];
    const files = {
      ...gguf, onnxLlavaV1: onnx.llavaV1, onnxLlava15: onnx.llava15, onnxLlava16: onnx.llava16,
      onnxTinyllava: onnx.tinyllava, onnxVila: onnx.vila, onnxVilaVicuna: onnx.vilaVicuna,
    };
    if (values.json) print(io.stdout, JSON.stringify(files, null, 2));
    else for (const [k, v] of Object.entries(files)) print(io.stdout, `${k.padEnd(18)} ${v}`);
    return 0;
  },
});
