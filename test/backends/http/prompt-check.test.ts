import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImage } from '../../../backends/http/images.ts';
import { createPromptCheck, promptTokenTolerance } from '../../../backends/http/prompt-check.ts';
import { loadTokenCounter, type TokenCounter } from '../../../backends/http/tokens.ts';
import { ModelConfig } from '../../../src/config/schema.ts';
import { userMessage, type VlmRequest } from '../../../src/core/request.ts';
import { getFamily } from '../../../src/families/index.ts';
import { ensureOnnxFixtures } from '../../../src/fixtures/onnx/index.ts';

let dir: string;
let counter: TokenCounter;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-promptcheck-'));
  const { llava15 } = await ensureOnnxFixtures(dir);
  counter = await loadTokenCounter(path.join(llava15, 'tokenizer.json'));
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const model = ModelConfig.parse({ id: 'remote', family: 'llava-1.5', backend: { type: 'http', endpoints: ['http://127.0.0.1:1/v1'], model: 'm' } });

describe('http prompt_tokens check', () => {
  it('stays quiet when the server counts the family prompt, warns once when it does not', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#336699' } }).png().toBuffer();
    const req: VlmRequest = { sampleId: 's1', messages: [userMessage({ kind: 'buffer', data: png }, 'What is shown?')], params: { maxTokens: 8, temperature: 0 } };
    const images = [await encodeImage({ kind: 'buffer', data: png })];
    const family = getFamily('llava-1.5');
    const text = counter.count(family.renderPrompt(req.messages).prompt.replace('<image>', ''));
    const expected = text + family.imageTokens(40, 30);
    expect(family.imageTokens(40, 30)).toBe(576);
    const logs: string[] = [];
    const check = createPromptCheck(model, counter, (m) => logs.push(m));
    // The server adds BOS: within tolerance.
    await check(req, images, expected + 1);
    expect(logs).toEqual([]);
    // A server on its own template (the 359 vs 226 case): one warning naming both counts, then silence.
    await check(req, images, expected + 133);
    await check(req, images, expected + 133);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(`counted ${expected + 133} prompt tokens`);
    expect(logs[0]).toContain(`has ${expected} (${text} text + 576 image)`);
    expect(promptTokenTolerance(576)).toBeLessThan(133);
  });

  it('does nothing without a tokenizer or a reported count', async () => {
    const logs: string[] = [];
    const req: VlmRequest = { sampleId: 's', messages: [userMessage('hi')], params: { maxTokens: 8, temperature: 0 } };
    await createPromptCheck(model, undefined, (m) => logs.push(m))(req, [], 10_000);
    await createPromptCheck(model, counter, (m) => logs.push(m))(req, [], undefined);
    expect(logs).toEqual([]);
  });
});
