import { describe, expect, it } from 'vitest';
import { samplingOptions } from '../../../backends/llama-cpp/generate.ts';

describe('llama-cpp sampler settings', () => {
  it('greedy is top_k 1 with every extra sampler off', () => {
    expect(samplingOptions({ maxTokens: 8, temperature: 0 }, 3)).toMatchObject({
      temperature: 0, top_k: 1, top_p: 1, min_p: 0, seed: 3, penalty_repeat: 1, dry_multiplier: 0, xtc_probability: 0,
    });
  });

  it('temperature sampling is plain temperature + top-p: @fugood\'s default min_p 0.05 is switched off', () => {
    // The ONNX backend and HF generate() sample from temperature + top-p only; llama.cpp's min_p
    // default would cut the tail of the distribution and make the backends differ.
    expect(samplingOptions({ maxTokens: 8, temperature: 0.7, topP: 0.9, seed: 5 }, 3)).toMatchObject({
      temperature: 0.7, top_k: 0, top_p: 0.9, min_p: 0, seed: 5,
    });
  });
});
