import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { renderTemplate, templateKeys, type TemplateSource, type Turn } from '../../src/families/index.ts';
import { UpstreamTemplateError } from '../../src/families/templates/index.ts';

/**
 * Golden strings: LLaVA `llava/conversation.py` `get_prompt` (rendered single-turn prompts, `\n` = LF) and its
 * appendix (stop strings, raising templates, VILA and TinyLLaVA quirks). {q} = 'What is shown?'.
 */
const Q = 'What is shown?';
const ask = (q = `<image>\n${Q}`): Turn[] => [{ role: 'user', content: q }, { role: 'assistant', content: null }];
const render = (source: TemplateSource, key: string, turns: Turn[] = ask()) => renderTemplate(source, key, turns);

const VICUNA_V1 = `A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions. USER: <image>\n${Q} ASSISTANT:`;
const LLAVA_V1 = `A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions. USER: <image>\n${Q} ASSISTANT:`;
const LLAVA_V0 = `A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.###Human: <image>\n${Q}###Assistant:`;
const MISTRAL_INSTRUCT = `[INST] <image>\n${Q} [/INST]`;
const CHATML_DIRECT = `<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<image>\n${Q}<|im_end|><|im_start|>assistant\n`;
const LLAVA_LLAMA_2 = `[INST] <<SYS>>\nYou are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.\n<</SYS>>\n\n<image>\n${Q} [/INST]`;
const PHI = `A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions. USER: <image>\n${Q} ASSISTANT:`;
const LLAMA_3 = `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n<image>\n${Q}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`;

describe('single-turn prompts equal upstream get_prompt byte for byte', () => {
  const cases: Array<[TemplateSource, string, string, string | null]> = [
    ['llava', 'vicuna_v1', VICUNA_V1, '</s>'],
    ['llava', 'v1', VICUNA_V1, '</s>'],
    ['llava', 'llava_v1', LLAVA_V1, '</s>'],
    ['llava', 'llava_v0', LLAVA_V0, '###'],
    ['llava', 'mistral_instruct', MISTRAL_INSTRUCT, null],
    ['llava', 'chatml_direct', CHATML_DIRECT, '<|im_end|>'],
    ['llava', 'mistral_direct', CHATML_DIRECT, '<|im_end|>'],
    ['llava', 'llava_llama_2', LLAVA_LLAMA_2, '<s>'],
    ['vila', 'vicuna_v1', VICUNA_V1, '</s>'],
    ['vila', 'hermes-2', CHATML_DIRECT, '<|im_end|>'],
    ['vila', 'llama_3', LLAMA_3, '<|eot_id|>'],
    ['tinyllava', 'phi', PHI, '<|endoftext|>'],
  ];
  it.each(cases)('%s %s', (source, key, prompt, stop) => {
    expect(render(source, key)).toEqual({ prompt, stop });
  });

  it('vicuna_v1 and TinyLLaVA phi render the same text (tokenizer and EOS differ)', () => {
    expect(render('tinyllava', 'phi').prompt).toBe(render('llava', 'vicuna_v1').prompt);
  });
});

describe('multi-turn and separators', () => {
  const turns: Turn[] = [
    { role: 'user', content: '<image>\nA?' }, { role: 'assistant', content: 'a' },
    { role: 'user', content: 'B?' }, { role: 'assistant', content: null },
  ];
  it('TWO style ends completed assistant turns with sep2 </s>', () => {
    expect(render('llava', 'vicuna_v1', turns).prompt).toBe(
      "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions. USER: <image>\nA? ASSISTANT: a</s>USER: B? ASSISTANT:");
  });
  it('LLAMA_2 style: " answer </s>" then "<s>[INST] …"; lstrip removes only the leading <s>', () => {
    expect(render('llava', 'mistral_instruct', turns).prompt).toBe('[INST] <image>\nA? [/INST] a </s>[INST] B? [/INST]');
    expect(render('llava', 'llava_llama_2', turns).prompt).toMatch(/^\[INST\] <<SYS>>\n.* \[\/INST\] a <\/s><s>\[INST\] B\? \[\/INST\]$/s);
  });
  it('VILA mistral starts with a literal <s> and puts no space after [/INST]', () => {
    expect(render('vila', 'mistral', turns)).toEqual({ prompt: '<s>[INST] <image>\nA? [/INST]a</s>[INST] B? [/INST]', stop: null });
  });
  it('VILA llama_3 ends a finished final turn with <|end_of_text|>, earlier ones with <|eot_id|>', () => {
    const done: Turn[] = [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }];
    expect(render('vila', 'llama_3', done).prompt.endsWith('<|start_header_id|>user<|end_header_id|>\n\nQ<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nA<|end_of_text|>')).toBe(true);
  });
  it('MPT style (mpt) uses its own system text', () => {
    expect(render('llava', 'mpt').prompt).toBe(
      `<|im_start|>system\nA conversation between a user and an LLM-based AI assistant. The assistant gives helpful and honest answers.<|im_end|><|im_start|>user\n<image>\n${Q}<|im_end|><|im_start|>assistant\n`);
  });
  it('llama_2 uses the long Llama-2 system prompt (two spaces after "safe.")', () => {
    const p = render('llava', 'llama_2').prompt;
    expect(p.startsWith('[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant. Always answer as helpfully as possible, while being safe.  Your answers')).toBe(true);
    expect(p.endsWith(`please don't share false information.\n<</SYS>>\n\n<image>\n${Q} [/INST]`)).toBe(true);
  });
});

describe('appendix: quirks of the official code', () => {
  it('default and v0 insert the renewable-energy example exchange before the user turn', () => {
    for (const key of ['default', 'v0']) {
      const { prompt, stop } = render('llava', key);
      expect(prompt.startsWith("A chat between a curious human and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the human's questions.###Human: What are the key differences between renewable and non-renewable energy sources?###Assistant: Renewable energy sources are")).toBe(true);
      expect(prompt.endsWith(`economic and social instability.\n###Human: <image>\n${Q}###Assistant:`)).toBe(true);
      expect(stop).toBe('###');
    }
  });
  it('mmtag templates: system text without a space before "The visual content"; no tags for plain string turns', () => {
    const { prompt } = render('llava', 'v1_mmtag');
    expect(prompt).toContain('using natural language.The visual content will be provided with the following format: <Image>visual content</Image>. USER: <image>\n');
    expect(prompt).not.toContain('Received.');
    expect(render('llava', 'v0_mmtag').prompt).toContain('</Image>.###Human: <image>\n');
  });
  it('plain renders question + "\\n" with stop "\\n", and raises once an assistant turn is filled', () => {
    expect(render('llava', 'plain')).toEqual({ prompt: `<image>\n${Q}\n`, stop: '\n' });
    const filled: Turn[] = [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }];
    for (const key of ['plain', 'v0_plain']) {
      expect(() => render('llava', key, filled)).toThrow(UpstreamTemplateError);
      expect(() => render('llava', key, filled)).toThrow(/TypeError/);
    }
  });
  it('VILA auto always raises', () => {
    expect(() => render('vila', 'auto')).toThrow(/ValueError: Invalid style/);
  });
  it('LLAMA_2 styles assert a non-empty first user message', () => {
    expect(() => render('llava', 'mistral_instruct', [{ role: 'user', content: '' }, { role: 'assistant', content: null }])).toThrow(/AssertionError: first message should not be none/);
    expect(() => render('llava', 'llava_llama_2', [{ role: 'assistant', content: 'x' }, { role: 'assistant', content: null }])).toThrow(/first message should come from user/);
  });
  it('an empty assistant string is falsy in LLaVA (renders as an open slot)', () => {
    expect(render('llava', 'vicuna_v1', [{ role: 'user', content: 'Q' }, { role: 'assistant', content: '' }]).prompt.endsWith('USER: Q ASSISTANT:')).toBe(true);
  });
  it('TinyLLaVA moves <image> to the front of the question and strips whitespace', () => {
    expect(render('tinyllava', 'phi', ask(`  ${Q} <image>  `)).prompt).toBe(PHI);
    expect(render('tinyllava', 'phi', ask(`<image>\n<image>\n${Q}`)).prompt).toBe(PHI);
  });
  it('TinyLLaVA completed turns end with the template EOS; stop is that EOS', () => {
    const turns: Turn[] = [{ role: 'user', content: 'A?' }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'B?' }, { role: 'assistant', content: null }];
    const eos: Record<string, string> = { phi: '<|endoftext|>', llama: '</s>', gemma: '<eos>', qwen2_base: '<|endoftext|>', qwen2_instruct: '<|im_end|>' };
    for (const [key, e] of Object.entries(eos)) {
      expect(render('tinyllava', key, turns)).toEqual({
        prompt: `A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions. USER: A? ASSISTANT: a${e}USER: B? ASSISTANT:`,
        stop: e,
      });
    }
  });
  it('TinyLLaVA pretrain leaks the placeholder into an empty assistant slot', () => {
    expect(render('tinyllava', 'pretrain')).toEqual({ prompt: '<image>{{content}}\n:', stop: null });
  });
  it('TinyLLaVA drops a leading assistant turn and asserts question/answer counts match', () => {
    const lead: Turn[] = [{ role: 'assistant', content: 'hi' }, ...ask()];
    expect(render('tinyllava', 'phi', lead).prompt).toBe(PHI);
    expect(() => render('tinyllava', 'phi', [{ role: 'user', content: 'Q' }])).toThrow(/qa is not match/);
  });
});

describe('template tables', () => {
  it('hold every upstream key', () => {
    expect(templateKeys('llava').sort()).toEqual(['chatml_direct', 'default', 'llama_2', 'llava_llama_2', 'llava_v0', 'llava_v1', 'mistral_direct', 'mistral_instruct', 'mpt', 'plain', 'v0', 'v0_mmtag', 'v0_plain', 'v1', 'v1_mmtag', 'vicuna_v1']);
    expect(templateKeys('vila')).toEqual(expect.arrayContaining(['auto', 'hermes-2', 'llama_3', 'mistral', 'vicuna_v1', 'vicuna_v1_nosys', 'v1', 'plain', 'llava_llama_2', 'mpt']));
    expect(templateKeys('tinyllava').sort()).toEqual(['gemma', 'llama', 'phi', 'pretrain', 'qwen2_base', 'qwen2_instruct']);
  });
  it('unknown keys are a ConfigError listing the known ones', () => {
    expect(() => render('llava', 'vicuna')).toThrow(/unknown llava template 'vicuna'/);
    let err: unknown;
    try { render('vila', 'nope'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).hint).toContain('hermes-2');
  });
});
