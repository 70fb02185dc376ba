import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { userMessage, type ChatMessage } from '../../src/core/request.ts';
import { getFamily, listFamilies } from '../../src/families/index.ts';

const img = { kind: 'path' as const, path: 'unused.png' };
const VICUNA_SYS = "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";

describe('family registry', () => {
  it('lists the five families with their default templates', () => {
    expect(listFamilies().map((f) => [f.key, f.defaultTemplate])).toEqual([
      ['llava-v1', 'llava_v1'], ['llava-1.5', 'vicuna_v1'], ['llava-1.6', 'vicuna_v1'], ['tinyllava', 'phi'], ['vila', 'vicuna_v1'],
    ]);
    expect(getFamily('llava-1.6').templates).toEqual(['vicuna_v1', 'mistral_instruct', 'chatml_direct']);
    expect(getFamily('vila').templates).toEqual(expect.arrayContaining(['vicuna_v1', 'llama_3', 'hermes-2']));
    expect(getFamily('llava-v1').templates).toEqual(expect.arrayContaining(['llava_v0', 'llava_v1']));
  });

  it('unknown family: ConfigError whose hint lists the known keys', () => {
    expect(() => getFamily('llava-2')).toThrow(ConfigError);
    try { getFamily('llava-2'); } catch (e) { expect((e as ConfigError).hint).toBe('known families: llava-v1, llava-1.5, llava-1.6, tinyllava, vila'); }
  });

  it('image tokens per family', () => {
    expect(getFamily('llava-v1').imageTokens(640, 480)).toBe(256);
    expect(getFamily('llava-1.5').imageTokens(640, 480)).toBe(576);
    // TinyLLaVA_Factory drops the first SigLIP feature (strategy "patch"): 27² − 1.
    expect(getFamily('tinyllava').imageTokens(640, 480)).toBe(728);
    expect(getFamily('vila').imageTokens(640, 480)).toBe(196);
    expect(getFamily('llava-1.6').imageTokens(640, 480)).toBe(2340);
    expect(getFamily('llava-1.6').imageTokens(1920, 1080)).toBe(1948);
    // tiny generated models: 32 px images, patch 8
    expect(getFamily('llava-1.5').imageTokens(100, 50, { imageSize: 32, patchSize: 8 })).toBe(16);
    expect(getFamily('llava-1.6').imageTokens(32, 32, { imageSize: 32, patchSize: 8 })).toBe(16 + 4 * 4 + 4);
  });

  it('task defaults: suffixes, max tokens, greedy', () => {
    const d = getFamily('llava-1.5').taskDefaults;
    expect(d.short).toEqual({ suffix: '\nAnswer the question using a single word or phrase.', maxTokens: 128, temperature: 0 });
    expect(d.choice.suffix).toBe("\nAnswer with the option's letter from the given choices directly.");
    expect(d.open).toEqual({ suffix: '', maxTokens: 1024, temperature: 0 });
  });
});

describe('renderPrompt from chat turns', () => {
  it('puts <image>\\n before the question wherever the image part sits; leaves the assistant slot open', () => {
    const m = userMessage('What is shown?', img);
    const { prompt, stop } = getFamily('llava-1.5').renderPrompt([m]);
    expect(prompt).toBe(`${VICUNA_SYS} USER: <image>\nWhat is shown? ASSISTANT:`);
    expect(stop).toEqual(['</s>']);
  });

  it('imageMarker replaces the placeholder (llama.cpp <__media__>)', () => {
    const { prompt } = getFamily('llava-1.6').renderPrompt([userMessage(img, 'Q')], { template: 'mistral_instruct', imageMarker: '<__media__>' });
    expect(prompt).toBe('[INST] <__media__>\nQ [/INST]');
  });

  it('empty stop strings become an empty list (never a stop that blanks output)', () => {
    expect(getFamily('llava-1.6').renderPrompt([userMessage('Q')], { template: 'mistral_instruct' }).stop).toEqual([]);
  });

  it('multi-turn: earlier assistant answers are rendered, a final user turn gets an open slot', () => {
    const msgs: ChatMessage[] = [userMessage(img, 'A?'), { role: 'assistant', content: [{ type: 'text', text: 'a' }] }, userMessage('B?')];
    expect(getFamily('llava-1.5').renderPrompt(msgs).prompt).toBe(`${VICUNA_SYS} USER: <image>\nA? ASSISTANT: a</s>USER: B? ASSISTANT:`);
  });

  it('families render through their own upstream table', () => {
    expect(getFamily('vila').renderPrompt([userMessage(img, 'Q')], { template: 'hermes-2' }).prompt)
      .toBe('<|im_start|>system\nAnswer the questions.<|im_end|><|im_start|>user\n<image>\nQ<|im_end|><|im_start|>assistant\n');
    expect(getFamily('tinyllava').renderPrompt([userMessage('Q', img)]).stop).toEqual(['<|endoftext|>']);
    expect(() => getFamily('llava-1.5').renderPrompt([userMessage('Q')], { template: 'llama_3' })).toThrow(/unknown llava template/);
  });

  it('system messages are refused with a ConfigError', () => {
    expect(() => getFamily('llava-1.5').renderPrompt([{ role: 'system', content: [{ type: 'text', text: 's' }] }, userMessage('Q')])).toThrow(ConfigError);
  });
});
