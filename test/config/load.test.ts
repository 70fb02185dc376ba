import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, redactConfig } from '../../src/config/load.ts';

const base = `models:
  - id: m
    family: llava-1.5
    backend: { type: llama-cpp, model: models/m.gguf, mmproj: "hf:org/repo/mmproj.gguf", threads: 1 }
suites:
  - name: scienceqa
    dataset: data/sqa
`;

describe('parseConfig', () => {
  it('resolves file paths against the config folder and leaves URIs and builtin alone', () => {
    const { config } = parseConfig(`${base}  - name: ocr\n`, '/cfg/dir/run.yaml', {});
    const b = config.models[0]!.backend;
    expect(b.type === 'llama-cpp' && b.model).toBe(path.resolve('/cfg/dir/models/m.gguf'));
    expect(b.type === 'llama-cpp' && b.mmproj).toBe('hf:org/repo/mmproj.gguf');
    expect(config.suites[0]!.dataset).toBe(path.resolve('/cfg/dir/data/sqa'));
    expect(config.suites[1]!.dataset).toBe('builtin');
    expect(config.run.out).toBe(path.resolve('/cfg/dir/results'));
  });

  it('interpolates ${VAR} and remembers where secrets went, for redaction', () => {
    const loaded = parseConfig(base.replace('models/m.gguf', '"${MODEL_DIR}/m.gguf"'), '/c.yaml', { MODEL_DIR: '/secret/place' });
    const b = loaded.config.models[0]!.backend;
    expect(b.type === 'llama-cpp' && b.model).toBe('/secret/place/m.gguf');
    expect(loaded.secretPaths).toEqual(['models[0].backend.model']);
    const red = redactConfig(loaded.config, loaded.secretPaths) as { models: Array<{ backend: { model: string } }> };
    expect(red.models[0]!.backend.model).toBe('[redacted]');
    expect(JSON.stringify(red)).not.toContain('/secret/place');
  });

  it('fills defaults from the schema', () => {
    const { config } = parseConfig(base, '/c.yaml', {});
    expect(config.run.concurrency).toBe(1);
    expect(config.run.retry.attempts).toBe(3);
    expect(config.models[0]!.backend.type === 'llama-cpp' && config.models[0]!.backend.contextSize).toBe(2048);
  });

  it('a missing required field names it', () => {
    expect(() => parseConfig('suites: [{name: x}]\n', '/c.yaml', {})).toThrow(expect.objectContaining({ field: 'models' }));
  });
});
