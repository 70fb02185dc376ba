/**
 * Run by backend.test.ts in a fresh process (node --import tsx): loads the tiny LLaVA-1.5 model and
 * prints one greedy answer as `RESULT <json>` (the native runtime writes its own lines to stdout).
 */
import { createBackend } from '../../../backends/llama-cpp/index.ts';
import { imageRequest, tinyModelConfig } from './helpers.ts';

const [model, mmproj, image] = process.argv.slice(2) as [string, string, string];
const backend = await createBackend(tinyModelConfig({ family: 'llava-1.5', model, mmproj }), { log: () => {} });
const out = await backend.generate(imageRequest(image, 24), { signal: new AbortController().signal });
process.stdout.write(`\nRESULT ${JSON.stringify({ text: out.text, usage: out.usage })}\n`);
await backend.close();
