import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';

const config = (model: string) => `
models:
  - ${model}
suites: [{ name: scienceqa }]
`;

describe('config: families a server kind can serve', () => {
  it('refuses llava-1.6 on the Triton ensemble and names trtllm-serve as the route', () => {
    let err: unknown;
    try {
      parseConfig(config('{ id: m, family: llava-1.6, backend: { type: http, api: triton, endpoints: ["http://h:8000"], model: ensemble } }'), '/x/c.yaml');
    } catch (e) { err = e; }
    expect(err).toMatchObject({ code: 'E_CONFIG', file: '/x/c.yaml', field: 'models[0].family', hint: expect.stringContaining('trtllm-serve') });
  });

  it('refuses image URLs / bytes for vila on the ensemble (its preprocessing asserts on them)', () => {
    expect(() => parseConfig(config('{ id: m, family: vila, backend: { type: http, api: triton, imageTransport: url, endpoints: ["http://h:8000"], model: ensemble } }'), '/x/c.yaml'))
      .toThrow(/fails an assertion/);
  });

  it('accepts vila on the ensemble, and llava-1.6 on the llmapi model', () => {
    expect(parseConfig(config('{ id: m, family: vila, backend: { type: http, api: triton, endpoints: ["http://h:8000"], model: ensemble } }'), '/x/c.yaml').warnings).toBeUndefined();
    expect(() => parseConfig(config('{ id: m, family: llava-1.6, backend: { type: http, api: triton, tritonPreset: llmapi, endpoints: ["http://h:8000"], model: tensorrt_llm } }'), '/x/c.yaml')).not.toThrow();
  });

  it('warns when trtllm-serve is given a family it does not serve with images', () => {
    const loaded = parseConfig(config('{ id: m, family: llava-1.5, backend: { type: http, server: trtllm-serve, endpoints: ["http://h:8000"], model: llava } }'), '/x/c.yaml');
    expect(loaded.warnings).toEqual([expect.stringMatching(/^models\[0\] \(m\): trtllm-serve serves LLaVA-NeXT .* not family llava-1.5/)]);
    expect(parseConfig(config('{ id: m, family: vila, backend: { type: http, server: trtllm-serve, endpoints: ["http://h:8000"], model: vila } }'), '/x/c.yaml').warnings).toBeUndefined();
  });
});
