import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateKeys, TEMPLATE_SOURCES } from '../../src/families/index.ts';
import { runCli } from '../helpers/cli.ts';

/** Golden strings rendered by LLaVA `llava/conversation.py` `get_prompt`; {q} = 'What is shown?'. */
const Q = 'What is shown?';
const VICUNA_V1 = `A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions. USER: <image>\n${Q} ASSISTANT:`;
const LLAVA_V1 = `A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions. USER: <image>\n${Q} ASSISTANT:`;
const LLAVA_V0 = `A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.###Human: <image>\n${Q}###Assistant:`;
const CHATML = `<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<image>\n${Q}<|im_end|><|im_start|>assistant\n`;
const LLAVA_LLAMA_2 = `[INST] <<SYS>>\nYou are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.\n<</SYS>>\n\n<image>\n${Q} [/INST]`;
const LLAMA_3 = `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n<image>\n${Q}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`;

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'vlmbench-models-prompt-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('vlmbench models prompt (single)', () => {
  it('renders vicuna_v1 with \\n in the argument read as a newline', async () => {
    const r = await runCli(['models', 'prompt', '--template', 'vicuna_v1', '--user', `<image>\\n${Q}`, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: 'llava', template: 'vicuna_v1', prompt: VICUNA_V1, stop: '</s>' });
  });

  it('text output shows the exact prompt between marker lines and the stop string', async () => {
    const r = await runCli(['models', 'prompt', '--source', 'vila', '--template', 'llama_3', '--user', `<image>\\n${Q}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('stop:     "<|eot_id|>"');
    const between = r.stdout.split(/\n--- exact prompt[^\n]*\n/)[1]!.split('\n---\n')[0];
    expect(between).toBe(LLAMA_3);
  });

  it('keeps --user/--assistant order and leaves the last assistant slot open', async () => {
    const r = await runCli(['models', 'prompt', '--template', 'mistral_instruct', '--user', 'A?', '--assistant', 'a', '--user', 'B?', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ prompt: '[INST] A? [/INST] a </s>[INST] B? [/INST]', stop: null });
  });

  it('--image-marker swaps the placeholder (llama.cpp <__media__>)', async () => {
    const r = await runCli(['models', 'prompt', '--template', 'chatml_direct', '--user', '<image>\\nQ', '--image-marker', '<__media__>', '--json']);
    expect(JSON.parse(r.stdout).prompt).toBe('<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<__media__>\nQ<|im_end|><|im_start|>assistant\n');
  });

  it('--family picks the source and default template', async () => {
    const r = await runCli(['models', 'prompt', '--family', 'tinyllava', '--user', `${Q} <image>`, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: 'tinyllava', template: 'phi', prompt: VICUNA_V1, stop: '<|endoftext|>' });
  });

  it('usage errors exit 2: unknown template (listing keys), upstream raise, no turns', async () => {
    const unknown = await runCli(['models', 'prompt', '--template', 'vicuna', '--user', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown llava template 'vicuna'[\s\S]*vicuna_v1/);
    const raises = await runCli(['models', 'prompt', '--source', 'vila', '--template', 'auto', '--user', 'x']);
    expect(raises.code).toBe(2);
    expect(raises.stderr).toContain("upstream vila template 'auto' raises ValueError");
    expect((await runCli(['models', 'prompt', '--template', 'v1'])).code).toBe(2);
  });
});

describe('vlmbench models prompt --in/--out (batch)', () => {
  const ask = [{ role: 'user', content: `<image>\n${Q}` }];
  const expected: Array<[string, string, string | null, string | null]> = [
    // source, template, prompt, stop
    ['llava', 'vicuna_v1', VICUNA_V1, '</s>'],
    ['llava', 'v1', VICUNA_V1, '</s>'],
    ['llava', 'llava_v1', LLAVA_V1, '</s>'],
    ['llava', 'llava_v0', LLAVA_V0, '###'],
    ['llava', 'mistral_instruct', `[INST] <image>\n${Q} [/INST]`, null],
    ['llava', 'chatml_direct', CHATML, '<|im_end|>'],
    ['llava', 'mistral_direct', CHATML, '<|im_end|>'],
    ['llava', 'llava_llama_2', LLAVA_LLAMA_2, '<s>'],
    ['llava', 'plain', `<image>\n${Q}\n`, '\n'],
    ['llava', 'v0_plain', `<image>\n${Q}\n`, '\n'],
    ['vila', 'vicuna_v1', VICUNA_V1, '</s>'],
    ['vila', 'hermes-2', CHATML, '<|im_end|>'],
    ['vila', 'llama_3', LLAMA_3, '<|eot_id|>'],
    ['vila', 'mistral', `<s>[INST] <image>\n${Q} [/INST]`, null],
    ['tinyllava', 'phi', VICUNA_V1, '<|endoftext|>'],
    ['tinyllava', 'llama', VICUNA_V1, '</s>'],
    ['tinyllava', 'pretrain', '<image>{{content}}\n:', null],
  ];

  it('writes input + prompt + stop per line, or error where upstream raises; every upstream key renders', async () => {
    const cases = [
      ...expected.map(([source, template]) => ({ source, template, messages: ask })),
      { template: 'plain', messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }] },
      { source: 'vila', template: 'auto', messages: ask },
      { template: 'vicuna_v1', messages: [...ask, { role: 'assistant', content: null }], id: 'explicit-open-slot' },
      // Every key of every table, with a plain single turn: renders or raises, never crashes.
      ...TEMPLATE_SOURCES.flatMap((source) => templateKeys(source).map((template) => ({ source, template, messages: ask, all: true }))),
    ];
    const inFile = path.join(dir, 'cases.jsonl');
    const outFile = path.join(dir, 'rendered.jsonl');
    await writeFile(inFile, cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
    const r = await runCli(['models', 'prompt', '--in', inFile, '--out', outFile]);
    expect(r.code).toBe(0);
    const out = (await readFile(outFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(cases.length);
    expected.forEach(([source, template, prompt, stop], i) => {
      expect(out[i]).toEqual({ source, template, messages: ask, prompt, stop });
    });
    const n = expected.length;
    expect(out[n]).toMatchObject({ template: 'plain', error: expect.stringContaining('TypeError') });
    expect(out[n]).not.toHaveProperty('prompt');
    expect(out[n + 1]).toMatchObject({ template: 'auto', error: expect.stringContaining('ValueError') });
    expect(out[n + 2]).toMatchObject({ id: 'explicit-open-slot', prompt: VICUNA_V1 });
    const all = out.filter((o) => o.all === true);
    expect(all.filter((o) => 'error' in o).map((o) => `${o.source}:${o.template}`)).toEqual(['vila:auto']);
    expect(r.stderr).toMatch(/raised upstream/);
  });

  it('a malformed line stops the batch with exit 2 naming the line and field', async () => {
    const inFile = path.join(dir, 'bad.jsonl');
    await writeFile(inFile, `${JSON.stringify({ template: 'vicuna_v1', messages: ask })}\n${JSON.stringify({ template: 'vicuna_v1', messages: [{ role: 'system', content: 'x' }] })}\n`);
    const r = await runCli(['models', 'prompt', '--in', inFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${inFile}:2`);
    expect(r.stderr).toContain('messages[0].role');
    expect(r.stdout).toBe('');
  });
});
