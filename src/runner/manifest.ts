import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { redactConfig } from '../config/load.ts';
import type { ModelConfig } from '../config/schema.ts';
import type { ModelInfo } from '../core/backend.ts';
import { VlmbenchError } from '../core/errors.ts';
import { REPO_ROOT } from '../fixtures/paths.ts';
import type { RunManifest } from '../results/manifest.ts';
import { gitCommit, hardwareFingerprint, hashDataset, hashModelFiles, sha256, stableStringify } from './fingerprint.ts';
import type { RunPlan } from './plan.ts';

const TRACKED_PACKAGES = ['@fugood/llama.node', 'node-llama-cpp', 'onnxruntime-node', 'sharp', 'undici', 'vega', 'vega-lite', 'zod'];

async function packageVersion(name: string): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return undefined;
  }
}

function modelFiles(m: ModelConfig): string[] {
  const b = m.backend;
  switch (b.type) {
    case 'llama-cpp': return [b.model, b.mmproj].filter((f): f is string => !!f && !f.startsWith('hf:'));
    case 'onnx': return [b.dir];
    case 'custom': return [b.module];
    case 'http': return [];
  }
}

/**
 * Hash of the prompt each model's family/template renders for a canonical conversation. A template the
 * family cannot render here (`chat_template`: the model folder's own) is hashed from the folder's file.
 */
async function templateHash(m: ModelConfig): Promise<string> {
  if (m.template === 'chat_template' && m.backend.type === 'onnx') {
    const text = await readFile(path.join(m.backend.dir, 'tokenizer_config.json'), 'utf8').catch(() => '');
    return sha256(`chat_template\0${text}`).slice(0, 16);
  }
  const { getFamily } = await import('../families/index.ts');
  const { prompt, stop } = getFamily(m.family).renderPrompt(
    [{ role: 'user', content: [{ type: 'image', image: { kind: 'path', path: 'x.png' } }, { type: 'text', text: 'Q' }] }],
    { template: m.template },
  );
  return sha256(stableStringify({ prompt, stop })).slice(0, 16);
}

/**
 * The config hash ignores where results go, which shard ran and secret values, so resumed runs and
 * shards match.
 */
export function configHash(plan: RunPlan): string {
  const { run: { out: _out, id: _id, ...run }, ...rest } = plan.config;
  const redacted = redactConfig({ ...rest, run } as never, plan.secretPaths);
  // The resolved backends (fixture references expanded), redacted too: a rotated API key is no new config.
  const { models } = redactConfig({ models: plan.models } as never, plan.secretPaths) as { models: ModelConfig[] };
  return sha256(stableStringify({ config: redacted, models: models.map((m) => m.backend), overrides: { ...plan.overrides, out: undefined, runId: undefined, shard: undefined } })).slice(0, 16);
}

const shortHash = (v: unknown) => sha256(stableStringify(v ?? null)).slice(0, 16);

/**
 * The evaluation part of the config, one hash per field that shapes the scores independently of the model
 * under test: each suite (name, split, limit, max tokens, prompt, resolved options), the judge settings
 * that change its verdicts, and the seed. Dataset contents and prompt templates are hashed on their own
 * (datasets, templateHashes). Two runs that differ here are not comparable; the gate names the field.
 */
export function evaluationHashes(plan: RunPlan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of plan.suites) {
    const { dataset: _dataset, id: _id, options: _options, ...cfg } = s.config;
    out[`suites.${s.id}`] = shortHash({ ...cfg, options: s.options });
  }
  const j = plan.config.judge;
  if (j) out.judge = shortHash({ provider: j.provider, model: j.model, temperature: j.temperature, maxTokens: j.maxTokens, rules: j.rules, compat: j.compat });
  out['run.seed'] = shortHash(plan.config.run.seed);
  return out;
}

/**
 * The model part, per model id: its backend settings (type, files, quantization, runtime options such as
 * threads or context size), secrets redacted. A gate reports a difference here; it is what a gate is for.
 */
export function modelHashes(plan: RunPlan): Record<string, string> {
  const { models } = redactConfig({ models: plan.models } as never, plan.secretPaths) as { models: ModelConfig[] };
  return Object.fromEntries(models.map((m) => [m.id, shortHash(m.backend)]));
}

export async function buildManifest(plan: RunPlan, runId: string): Promise<RunManifest> {
  const cacheFile = path.join(path.dirname(plan.runDir), '.hash-cache.json');
  const packages: Record<string, string> = {};
  for (const name of TRACKED_PACKAGES) {
    const v = await packageVersion(name);
    if (v) packages[name] = v;
  }
  const datasets: RunManifest['datasets'] = {};
  for (const s of plan.suites) datasets[s.id] = { path: s.datasetDir, hash: await hashDataset(s.datasetDir) };
  const templateHashes: Record<string, string> = {};
  for (const m of plan.models) templateHashes[m.id] = await templateHash(m);
  return {
    runId,
    createdAt: new Date().toISOString(),
    vlmbenchVersion: (await packageVersionOfSelf()) ?? '0.0.0',
    gitCommit: gitCommit(REPO_ROOT),
    node: process.version,
    packages,
    config: redactConfig(plan.config, plan.secretPaths),
    configFile: plan.configFile,
    overrides: { ...plan.overrides },
    configHash: configHash(plan),
    evaluationHashes: evaluationHashes(plan),
    modelHashes: modelHashes(plan),
    models: await Promise.all(plan.models.map(async (m) => ({
      id: m.id,
      family: m.family,
      template: m.template,
      backend: m.backend.type,
      files: await hashModelFiles(modelFiles(m), cacheFile),
    }))),
    datasets,
    templateHashes,
    hardware: hardwareFingerprint(),
    shard: plan.overrides.shard,
  };
}

async function packageVersionOfSelf(): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** After backends load, record what they actually used (device/provider, runtime, warnings). */
export function withBackendInfo(manifest: RunManifest, infos: ModelInfo[]): RunManifest {
  return {
    ...manifest,
    models: manifest.models.map((m) => {
      const info = infos.find((i) => i.id === m.id);
      return info ? { ...m, device: info.device, runtime: info.runtime, runtimeCommit: info.runtimeCommit, warnings: info.warnings, quantization: info.quantization, ...(info.servers ? { servers: info.servers } : {}), ...(info.capabilities ? { capabilities: info.capabilities } : {}) } : m;
    }),
  };
}

/** Resume is only honest when nothing that shapes the results changed. */
export function resumeDifferences(previous: RunManifest, current: RunManifest): string[] {
  const diffs: string[] = [];
  if (previous.configHash !== current.configHash) diffs.push('the config (or --limit/--models/--suites) changed');
  const shardOf = (m: RunManifest) => (m.shard && m.shard.count > 1 ? `${m.shard.index}/${m.shard.count}` : 'none');
  if (shardOf(previous) !== shardOf(current)) diffs.push(`the shard changed (${shardOf(previous)} → ${shardOf(current)})`);
  for (const [id, d] of Object.entries(current.datasets)) {
    const prev = previous.datasets[id];
    if (prev && prev.hash !== d.hash) diffs.push(`dataset of suite '${id}' changed (${d.path})`);
  }
  for (const m of current.models) {
    const prev = previous.models.find((p) => p.id === m.id);
    if (!prev) continue;
    const prevHashes = prev.files.map((f) => f.sha256).join();
    if (prevHashes !== m.files.map((f) => f.sha256).join()) diffs.push(`model files of '${m.id}' changed`);
  }
  for (const [id, h] of Object.entries(current.templateHashes)) {
    if (previous.templateHashes[id] && previous.templateHashes[id] !== h) diffs.push(`prompt template of '${id}' changed`);
  }
  return diffs;
}

export class ResumeError extends VlmbenchError {
  constructor(message: string, runDir: string) {
    super('E_RESUME', message, { file: runDir, hint: 'start a new run, or pass --force to resume anyway' });
  }
}
