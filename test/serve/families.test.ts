import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBackend as createHttpBackend } from '../../backends/http/index.ts';
import { createBackend as createOnnxBackend } from '../../backends/onnx/index.ts';
import { ModelConfig } from '../../src/config/schema.ts';
import { userMessage } from '../../src/core/request.ts';
import type { VlmRequest } from '../../src/core/request.ts';
import { ensureOnnxFixtures } from '../../src/fixtures/onnx/index.ts';
import { testImage } from '../backends/onnx/helpers.ts';
import { tempDir } from '../helpers/run-config.ts';

const BIN = fileURLToPath(new URL('../../bin/vlmbench.js', import.meta.url));

/**
 * `vlmbench serve` (the real CLI, its own process) serves the tiny LLaVA v1, TinyLLaVA and VILA ONNX
 * exports from `fixture:` references; through the http backend each answers exactly what the same
 * export answers when called directly.
 */
const MODELS = [
  { id: 'v1', family: 'llava-v1', fixture: 'llava-v1', dir: 'llavaV1', merge: 'repeat' },
  { id: 'tiny', family: 'tinyllava', fixture: 'tinyllava', dir: 'tinyllava', merge: 'splice' },
  { id: 'vila', family: 'vila', fixture: 'vila', dir: 'vila', merge: 'splice', template: 'llama_3' },
] as const;

describe('vlmbench serve: LLaVA v1, TinyLLaVA and VILA on ONNX', () => {
  it('serves each family and matches the local backend', async () => {
    const root = tempDir();
    const fixtures = path.join(root, 'fixtures');
    const file = path.join(root, 'serve.yaml');
    writeFileSync(file, ['models:', ...MODELS.flatMap((m) => [
      `  - id: ${m.id}`, `    family: ${m.family}`, ...('template' in m ? [`    template: ${m.template}`] : []),
      `    backend: { type: onnx, dir: "fixture:onnx/${m.fixture}", threads: 1, merge: ${m.merge} }`,
    ]), 'suites: [{ name: scienceqa }]'].join('\n'));
    const child = spawn(process.execPath, [BIN, 'serve', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VLMBENCH_FIXTURES_DIR: fixtures } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('\n')) resolve(out); });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const served = /^serving (.+) at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(line);
      expect(served, line).not.toBeNull();
      expect(served![1]!.split(', ')).toEqual(MODELS.map((m) => m.id));
      const url = served![2]!;
      const dirs = await ensureOnnxFixtures(fixtures);
      const image = await testImage(48, 30, [250, 200, 10], [10, 10, 90]);
      for (const m of MODELS) {
        const req: VlmRequest = { sampleId: m.id, messages: [userMessage(image, 'What is in the image?')], params: { maxTokens: 10, temperature: 0 } };
        const local = await createOnnxBackend(ModelConfig.parse({
          id: m.id, family: m.family, ...('template' in m ? { template: m.template } : {}),
          backend: { type: 'onnx', dir: dirs[m.dir], threads: 1, merge: m.merge },
        }), { log: () => {} });
        const http = await createHttpBackend(ModelConfig.parse({
          id: `${m.id}-http`, family: m.family, backend: { type: 'http', server: 'vlmbench', model: m.id, endpoints: [url] },
        }), { log: () => {} });
        try {
          const direct = await local.generate(req, { signal: new AbortController().signal });
          const viaHttp = await http.generate(req, { signal: new AbortController().signal });
          expect(direct.text.length, m.id).toBeGreaterThan(0);
          expect(viaHttp.text, m.id).toBe(direct.text);
          expect(viaHttp.usage.completionTokens, m.id).toBe(direct.usage.completionTokens);
          expect(viaHttp.usage.promptTokens, m.id).toBe(direct.usage.promptTokens);
        } finally {
          await http.close?.();
          await local.close?.();
        }
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
