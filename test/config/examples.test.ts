import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../src/fixtures/paths.ts';

const read = (p: string) => readFileSync(path.join(REPO_ROOT, p), 'utf8');
/** Every ${VAR} configs/gpu-ci.yaml reads, plus the apiKeyEnv names it gives. */
function gpuCiVariables(): string[] {
  const text = read('configs/gpu-ci.yaml');
  const vars = new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]!));
  for (const m of text.matchAll(/apiKeyEnv:\s*([A-Z_][A-Z0-9_]*)/g)) vars.add(m[1]!);
  return [...vars].sort();
}

describe('the GPU CI examples set everything configs/gpu-ci.yaml needs', () => {
  it('the config reads the variables the examples document', () => {
    expect(gpuCiVariables().length).toBeGreaterThan(3);
  });

  it('the Kubernetes Indexed Job provides every variable from its ConfigMap or Secret', () => {
    const docs = parseAllDocuments(read('configs/examples/k8s-indexed-job.yaml')).map((d) => d.toJS());
    const cm = docs.find((d) => d.kind === 'ConfigMap');
    const secret = docs.find((d) => d.kind === 'Secret');
    const provided = new Set([...Object.keys(cm.data), ...Object.keys(secret.stringData)]);
    for (const v of gpuCiVariables()) expect(provided, v).toContain(v);
    for (const job of docs.filter((d) => d.kind === 'Job')) {
      const c = job.spec.template.spec.containers[0];
      expect(c.envFrom).toEqual(expect.arrayContaining([{ configMapRef: { name: cm.metadata.name } }, { secretRef: { name: secret.metadata.name } }]));
    }
    // Perf suites run on shard 0 only; shards skip the report, merge writes it.
    expect(read('configs/examples/k8s-indexed-job.yaml')).toMatch(/npx vlmbench merge .* --out \/results\/gpu-ci/);
  });

  it('the GitHub workflow sets every variable, installs the CUDA provider and fails early on a missing one', () => {
    const text = read('configs/examples/github-gpu-ci.yml');
    const wf = parseAllDocuments(text)[0]!.toJS();
    const env = Object.keys(wf.jobs.gate.env);
    for (const v of gpuCiVariables()) expect(env, v).toContain(v);
    const steps = (wf.jobs.gate.steps as Array<{ run?: string }>).map((s) => s.run ?? '');
    expect(text).not.toMatch(/ONNXRUNTIME_NODE_INSTALL:\s*skip/);
    const cuda = steps.findIndex((r) => r.includes('ONNXRUNTIME_NODE_INSTALL=cuda12'));
    const doctor = steps.findIndex((r) => r.includes('vlmbench doctor --require') && r.includes('onnxruntime-cuda'));
    const run = steps.findIndex((r) => r.includes('vlmbench run configs/gpu-ci.yaml'));
    expect(cuda).toBeGreaterThan(-1);
    expect(doctor).toBeGreaterThan(cuda);
    expect(run).toBeGreaterThan(doctor);
  });
});
