import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../src/core/errors.ts';

/**
 * Token counting for servers that report no usage (Triton, or OpenAI servers without
 * include_usage): the model's own tokenizer.json, special tokens not added (vLLM `benchmark_serving.py` tokenizer fallback).
 */
export interface TokenCounter {
  count(text: string): number;
}

export async function loadTokenCounter(path: string, file?: string): Promise<TokenCounter> {
  const bad = (what: string, err: unknown) => new ConfigError(`cannot ${what}: ${err instanceof Error ? err.message : String(err)}`, {
    file, field: 'backend.tokenizer', cause: err, hint: 'point tokenizer at the model\'s tokenizer.json (with its tokenizer_config.json beside it)',
  });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw bad(`read tokenizer ${path}`, err);
  }
  const cfgPath = join(dirname(path), 'tokenizer_config.json');
  let config: unknown = {};
  try {
    if (existsSync(cfgPath)) config = JSON.parse(readFileSync(cfgPath, 'utf8'));
  } catch (err) {
    throw bad(`read ${cfgPath}`, err);
  }
  const { Tokenizer } = await import('@huggingface/tokenizers');
  let tok: InstanceType<typeof Tokenizer>;
  try {
    tok = new Tokenizer(json as object, config as object);
  } catch (err) {
    throw bad(`load tokenizer ${path}`, err);
  }
  return { count: (text) => (text.length === 0 ? 0 : tok.encode(text, { add_special_tokens: false }).ids.length) };
}

/** Rough count when no tokenizer is configured; recorded with source 'estimate'. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);
