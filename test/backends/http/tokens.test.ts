import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenCounter } from '../../../backends/http/tokens.ts';
import { ConfigError } from '../../../src/core/errors.ts';

const TOKENIZER = {
  version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
  pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null,
  model: { type: 'WordLevel', vocab: { '[UNK]': 0, a: 1, b: 2 }, unk_token: '[UNK]' },
};

describe('loadTokenCounter', () => {
  it('counts words without special tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlmbench-tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(TOKENIZER));
    expect((await loadTokenCounter(join(dir, 'tokenizer.json'))).count('a b a')).toBe(3);
  });

  it('names the file when tokenizer_config.json is malformed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlmbench-tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(TOKENIZER));
    writeFileSync(join(dir, 'tokenizer_config.json'), '{"add_bos_token": tr');
    const err = await loadTokenCounter(join(dir, 'tokenizer.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'backend.tokenizer', message: expect.stringContaining(join(dir, 'tokenizer_config.json')) });
  });

  it('names the file when tokenizer.json is JSON but not a tokenizer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlmbench-tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), '{"vocab": {}}');
    const err = await loadTokenCounter(join(dir, 'tokenizer.json')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ field: 'backend.tokenizer', message: expect.stringContaining(join(dir, 'tokenizer.json')) });
  });
});
