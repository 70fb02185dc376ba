import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { argmax, createSampler, sampleTopP } from '../../../backends/onnx/sampling.ts';
import { mulberry32 } from '../../../src/core/random.ts';
import { createTextStream } from '../../../backends/onnx/text-stream.ts';
import { buildTokenizerJson } from '../../../src/fixtures/onnx/tokenizer.ts';

const tokenizer = new Tokenizer(buildTokenizerJson(), {});
const ids = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false }).ids;

describe('incremental detokenisation', () => {
  it('streams pieces that join to the decoded text and holds back split UTF-8 characters', () => {
    const text = 'café at the end — ok';
    const stream = createTextStream(tokenizer, []);
    const pieces = ids(text).map((id) => stream.push(id).piece);
    expect(pieces.join('') + stream.flush()).toBe(text);
    expect(pieces.some((p) => p === '')).toBe(true); // the bytes of é and — arrive one token at a time
    expect(pieces.join('')).not.toContain('\uFFFD');
  });

  it('cuts at a stop string and never streams a prefix of it', () => {
    const stream = createTextStream(tokenizer, ['</answer>']);
    const pieces: string[] = [];
    let stopped = false;
    for (const id of ids('yes</ans and </answer> tail')) {
      const r = stream.push(id);
      pieces.push(r.piece);
      if (r.stopped) { stopped = true; break; }
    }
    expect(stopped).toBe(true);
    expect(stream.text).toBe('yes</ans and ');
    expect(pieces.join('') + stream.flush()).toBe('yes</ans and ');
    expect(pieces.join('').endsWith('<')).toBe(false);
  });
});

describe('sampling', () => {
  it('greedy takes the first maximum', () => {
    expect(argmax(Float32Array.of(1, 3, 3, 2))).toBe(1);
    expect(createSampler({ temperature: 0, seed: 5 }).next(Float32Array.of(0, 9, 1))).toBe(1);
  });

  it('top-p draws only from the smallest set reaching p, reproducibly per seed', () => {
    const logits = Float32Array.of(5, 4.9, 0, -1, -2);
    const draws = (seed: number): number[] => { const u = mulberry32(seed); return Array.from({ length: 200 }, () => sampleTopP(logits, 1, 0.9, u)); };
    const a = draws(3);
    expect(new Set(a)).toEqual(new Set([0, 1]));
    expect(draws(3)).toEqual(a);
    expect(draws(4)).not.toEqual(a);
  });
});
