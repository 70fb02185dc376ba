import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicyMetrics, DEFAULT_POLICY, describePolicy, loadPolicy } from '../../src/gate/policy.ts';
import { modelChanges } from '../../src/gate/consistency.ts';
import type { RunManifest } from '../../src/results/manifest.ts';
import { runCli } from '../helpers/cli.ts';
import { REPO } from '../helpers/run-config.ts';

describe('gate policy', () => {
  it('the built-in default is exactly configs/gate.yaml', async () => {
    expect(await loadPolicy(path.join(REPO, 'configs', 'gate.yaml'))).toEqual(DEFAULT_POLICY);
  });

  it('a per-benchmark override changes only the fields it writes', async () => {
    const { GatePolicy, policyFor } = await import('../../src/gate/policy.ts');
    const p = GatePolicy.parse({ accuracy: { default: { max_drop: 3, floor: 10 }, benchmarks: { ocr: { cluster_by: 'image' } } } });
    expect(policyFor(p, 'ocr')).toMatchObject({ max_drop: 3, floor: 10, cluster_by: 'image' });
  });

  it('--help prints the built-in policy', async () => {
    const r = await runCli(['gate', '--help']);
    for (const line of describePolicy(DEFAULT_POLICY)) expect(r.stdout).toContain(line);
    expect(r.stdout).toContain('peak_output_throughput');
  });

  it('rejects a metric no suite produces, naming the field and the real metrics; perf gates may name any registered metric', () => {
    const produced = new Set(['img_accuracy', 'accuracy']);
    const policy = { ...DEFAULT_POLICY, accuracy: { ...DEFAULT_POLICY.accuracy, benchmarks: { scienceqa: { metric: 'img_acc' } } } };
    expect(() => checkPolicyMetrics(policy as never, 'g.yaml', produced, new Set(['ttft_p90', 'peak_output_throughput']))).toThrow(/metric 'img_acc'/);
    try { checkPolicyMetrics(policy as never, 'g.yaml', produced); } catch (err) {
      expect((err as { field: string }).field).toBe('accuracy.benchmarks.scienceqa.metric');
      expect((err as { hint: string }).hint).toBe('real metrics: accuracy, img_accuracy');
    }
    expect(() => checkPolicyMetrics(DEFAULT_POLICY, undefined, produced, new Set(['ttft_p90', 'peak_output_throughput']))).not.toThrow();
    expect(() => checkPolicyMetrics(DEFAULT_POLICY, undefined, produced, new Set(['ttft_p90']))).toThrow(/peak_output_throughput/);
  });
});

describe('model part of the comparison', () => {
  const manifest = (files: string, quantization: string, hash: string) => ({
    models: [{ id: 'm', family: 'llava-1.5', backend: 'llama-cpp', quantization, runtime: 'llama.node 1', files: [{ path: `/x/${files}`, size: 1, sha256: files }] }],
    modelHashes: { m: hash },
  }) as unknown as RunManifest;

  it('reports what changed in the model under test, in words', () => {
    expect(modelChanges(manifest('a.gguf', 'F16', 'h1'), manifest('b.gguf', 'Q4_K_M', 'h2'), [['m', 'm']])).toEqual([{
      model: 'm', changes: ['model files a.gguf → b.gguf (content differs)', 'quantization F16 → Q4_K_M', 'backend settings differ'],
    }]);
    expect(modelChanges(manifest('a.gguf', 'F16', 'h1'), manifest('a.gguf', 'F16', 'h1'), [['m', 'm']])).toEqual([]);
  });
});
