import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../scripts/gen-schema.ts';
import { REPO } from '../helpers/run-config.ts';

describe('configs/schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema` after changing src/config)', () => {
    const committed = JSON.parse(readFileSync(path.join(REPO, 'configs', 'schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
  it('describes every backend type for editor completion', () => {
    const text = readFileSync(path.join(REPO, 'configs', 'schema.json'), 'utf8');
    for (const t of ['llama-cpp', 'onnx', 'http', 'custom']) expect(text).toContain(`"${t}"`);
  });
});
