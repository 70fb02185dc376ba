import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../src/core/record.ts';
import { halfToFloat } from '../../src/core/f16.ts';
import { getFamily } from '../../src/families/index.ts';
import { runCliIn } from '../helpers/cli.ts';
import { tempDir } from '../helpers/run-config.ts';
import { startTritonStandin, type TritonStandin } from '../helpers/triton-standin.ts';

/**
 * `vlmbench run` of a VILA model over `api: triton`, through the CLI and the shipped suites, against
 * the TensorRT-LLM stand-in (test/helpers/triton-standin.ts; no Triton or GPU here): image_input goes
 * by /infer as the family's FP16 tensor, only the user text is sent, every sample records the server
 * template as its provenance, and the gate refuses to compare it with a client-rendered run.
 */

let ensemble: TritonStandin;
let llmapi: TritonStandin;
const dir = tempDir('vlmbench-triton-e2e-');
beforeAll(async () => {
  ensemble = await startTritonStandin({ modelType: 'vila' });
  llmapi = await startTritonStandin({ preset: 'llmapi', model: 'tensorrt_llm' });
});
afterAll(async () => { await ensemble.close(); await llmapi.close(); });

function writeConfig(name: string, backend: string, report = false): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}
run: { out: ${path.join(dir, 'results')}, fixturesDir: ${path.join(dir, 'fixtures')}, concurrency: 2, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5, jitter: 0 } }
models:
  - id: vila-trt
    family: vila
    backend: ${backend}
suites:
  - { name: ocr }
  - { name: latency, maxTokens: 8, options: { requests: 2, repeats: 1, warmup: 0 } }
report: { enabled: ${report} }
`);
  return file;
}

const samples = (run: string): SampleRecord[] => readFileSync(path.join(dir, 'results', run, 'samples.jsonl'), 'utf8')
  .split('\n').filter(Boolean).map((l) => JSON.parse(l) as SampleRecord);

describe('vlmbench run: VILA over api triton (TensorRT-LLM stand-in)', () => {
  it('sends image_input via /infer with the family tensor, records server-template provenance, and gate refuses a client-rendered baseline', async () => {
    const env = { PATH: process.env.PATH };
    const tri = await runCliIn(dir, ['run', writeConfig('tri', `{ type: http, api: triton, endpoints: ["${ensemble.url}"], model: ensemble }`, true), '--limit', '3', '--run-id', 'tri'], env);
    expect(tri.code, tri.stderr.slice(-2000)).toBe(0);
    expect(tri.stdout).toContain('server template (tensorrt_llm triton preprocessing (vila))');
    // The report labels the scores, and marks them where they meet the published (client-template) figure.
    const html = readFileSync(path.join(dir, 'results', 'tri', 'report.html'), 'utf8');
    expect(html).toContain('server template (tensorrt_llm triton preprocessing (vila))');
    expect(html).toContain('vila-trt (server template)');

    // Every request went to /infer with a [1,1,3,384,384] FP16 image_input and the bare user text.
    expect(ensemble.requests.length).toBeGreaterThanOrEqual(5);
    for (const r of ensemble.requests) {
      expect(r.path).toBe('/v2/models/ensemble/infer');
      expect(r.tensors.image_input).toMatchObject({ datatype: 'FP16', shape: [1, 1, 3, 384, 384] });
      // Only the user text: the server adds its own wrapper, and would tokenise a literal <image> as text.
      expect(String(r.tensors.text_input!.data![0])).not.toMatch(/<image>|USER:|ASSISTANT:/);
    }
    const recs = samples('tri');
    const ocr = recs.filter((s) => s.suite === 'ocr');
    expect(ocr).toHaveLength(3);
    for (const s of recs) {
      expect(s.error, s.sampleId).toBeUndefined();
      expect(s.promptSource).toMatchObject({ by: 'server-template', template: 'tensorrt_llm triton preprocessing (vila)', streamed: false });
    }
    // The tensor is the family's own preprocessing of that sample's image (found in the built-in set).
    const first = ocr[0]!;
    const name = first.input!.images[0]!;
    const file = (readdirSync(path.join(dir, 'fixtures'), { recursive: true }) as string[]).find((f) => path.basename(f) === path.basename(name))!;
    expect(file, name).toBeDefined();
    const pre = await getFamily('vila').preprocess({ kind: 'path', path: path.join(dir, 'fixtures', file) });
    const match = ensemble.requests.some((r) => {
      const b = r.tensors.image_input!.bytes!;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return [0, 777, pre.data.length - 1].every((i) => Math.abs(halfToFloat(v.getUint16(i * 2, true)) - pre.data[i]!) < 2e-3);
    });
    expect(match).toBe(true);
    expect(first.prompt).not.toMatch(/<image>.*<image>/s);

    const cli = await runCliIn(dir, ['run', writeConfig('cli', `{ type: http, api: triton, tritonPreset: llmapi, endpoints: ["${llmapi.url}"], model: tensorrt_llm }`), '--limit', '3', '--run-id', 'cli'], env);
    expect(cli.code, cli.stderr.slice(-2000)).toBe(0);
    expect(samples('cli').every((s) => s.promptSource?.by === 'client')).toBe(true);

    const results = path.join(dir, 'results');
    const refused = await runCliIn(dir, ['gate', '--baseline', path.join(results, 'cli'), '--current', path.join(results, 'tri')], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/prompt provenance differs for vila-trt × ocr: baseline client, current server template/);
    const told = await runCliIn(dir, ['gate', '--baseline', path.join(results, 'cli'), '--current', path.join(results, 'tri'), '--allow-provenance-mismatch'], env);
    expect(told.stdout).toMatch(/gate: /);
  }, 120_000);
});
