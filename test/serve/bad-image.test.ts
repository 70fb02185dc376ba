import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../src/config/schema.ts';
import { startServe, type RunningServe } from '../../src/serve/start.ts';

/**
 * `vlmbench serve` on the tiny GGUF model (child process, as the CLI runs it): a truncated JPEG is a
 * 400 naming the image, and the server keeps answering (it used to answer 500 to every later request).
 */
let dir: string;
let served: RunningServe;
let goodUrl: string;
let badUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vlmb-serve-bad-image-'));
  const raw = Buffer.alloc(48 * 48 * 3).map((_, i) => (i * 5) & 255);
  const jpeg = await sharp(raw, { raw: { width: 48, height: 48, channels: 3 } }).jpeg().toBuffer();
  goodUrl = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  badUrl = `data:image/jpeg;base64,${jpeg.subarray(0, jpeg.length >> 1).toString('base64')}`;
  const config = Config.parse({
    models: [{ id: 'gguf', family: 'llava-1.5', backend: { type: 'llama-cpp', model: 'fixture:gguf/text', mmproj: 'fixture:gguf/mmproj-1.5', threads: 1, contextSize: 1024, grammar: 'root ::= [\\x01-\\x7F]*' } }],
    suites: [{ name: 'conversation' }],
  });
  served = await startServe({ config, port: 0, fixturesDir: path.join(dir, 'fixtures'), log: () => {} });
}, 60_000);
afterAll(async () => {
  await served?.close();
  await rm(dir, { recursive: true, force: true });
});

async function ask(url: string, stream = false): Promise<{ status: number; body: Record<string, any>; text: string }> {
  const res = await fetch(`${served.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gguf', max_tokens: 2, temperature: 0, stream, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }, { type: 'text', text: 'What is it?' }] }] }),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) as Record<string, any> : {}, text };
}

describe('serve with a bad image', () => {
  it('answers 400 invalid_image for a truncated JPEG and keeps serving', async () => {
    expect((await ask(goodUrl)).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const bad = await ask(badUrl);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_image', param: 'messages' });
      expect(bad.body.error.message).toMatch(/^image-0: cannot decode image: .*premature end of JPEG/);
      const next = await ask(goodUrl);
      expect(next.status).toBe(200);
      expect(next.body.choices[0].message.content).toEqual(expect.any(String));
    }
  });

  it('answers a streamed request with a bad image 400 too, before any stream starts', async () => {
    const bad = await ask(badUrl, true);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_image', param: 'messages' });
    const good = await ask(goodUrl, true);
    expect(good.status).toBe(200);
    expect(good.text).toMatch(/data: \[DONE\]/);
  });
});
