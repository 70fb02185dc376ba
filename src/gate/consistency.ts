/**
 * What makes two runs comparable. The evaluation side (suites, datasets, prompt templates, judge, seed)
 * must match: a difference is inconclusive and names the field. The model side (backend settings, files,
 * quantization, runtime) is what a gate is for: it is reported, never an error.
 */
import type { RunManifest } from '../results/manifest.ts';
import type { GateCheck } from './evaluate.ts';
import type { GatePolicy } from './policy.ts';

export function consistencyChecks(b: RunManifest | undefined, c: RunManifest | undefined, policy: GatePolicy, pairs: Array<[string, string | undefined]>): GateCheck[] {
  const checks: GateCheck[] = [];
  const add = (model: string, benchmark: string, ok: boolean, what: string) =>
    checks.push({ model, benchmark, check: 'consistency', status: ok ? 'pass' : 'error', message: ok ? `${what} matches` : `${what} differs between baseline and current: results are not comparable` });
  if (!b || !c) return checks;
  if (policy.require_same.includes('config')) {
    const be = b.evaluationHashes;
    const ce = c.evaluationHashes;
    if (!be || !ce) {
      checks.push({ model: '*', benchmark: '*', check: 'consistency', status: 'skipped', message: `evaluation config not checked: the ${!be ? 'baseline' : 'current'} manifest predates per-field evaluation hashes (re-run it to check suites, judge and seed)` });
    } else {
      const fields = Object.keys(be).filter((f) => f in ce);
      const differing = fields.filter((f) => be[f] !== ce[f]);
      for (const f of differing) add('*', f.startsWith('suites.') ? f.slice('suites.'.length) : '*', false, `evaluation config field '${f}'`);
      if (differing.length === 0) add('*', '*', true, `evaluation config (${fields.join(', ')})`);
    }
  }
  if (policy.require_same.includes('dataset')) {
    for (const [id, d] of Object.entries(b.datasets)) if (c.datasets[id]) add('*', id, c.datasets[id]!.hash === d.hash, `dataset of '${id}'`);
  }
  if (policy.require_same.includes('template')) {
    for (const [bm, cm] of pairs) {
      if (cm && b.templateHashes[bm] && c.templateHashes[cm]) add(cm, '*', b.templateHashes[bm] === c.templateHashes[cm], `prompt template of '${cm}'`);
    }
  }
  return checks;
}

/** What changed in the model under test, per model pair, in words (empty when nothing did). */
export function modelChanges(b: RunManifest | undefined, c: RunManifest | undefined, pairs: Array<[string, string | undefined]>): Array<{ model: string; changes: string[] }> {
  if (!b || !c) return [];
  const out: Array<{ model: string; changes: string[] }> = [];
  for (const [bm, cm] of pairs) {
    if (!cm) continue;
    const mb = b.models.find((m) => m.id === bm);
    const mc = c.models.find((m) => m.id === cm);
    const changes: string[] = [];
    if (bm !== cm) changes.push(`model id ${bm} → ${cm}`);
    if (mb && mc) {
      if (mb.backend !== mc.backend) changes.push(`backend ${mb.backend} → ${mc.backend}`);
      const files = (m: typeof mb) => m.files.map((f) => f.sha256).join();
      if (files(mb) !== files(mc)) changes.push(`model files ${mb.files.map((f) => f.path.split('/').pop()).join(', ') || '—'} → ${mc.files.map((f) => f.path.split('/').pop()).join(', ') || '—'} (content differs)`);
      if ((mb.quantization ?? '') !== (mc.quantization ?? '')) changes.push(`quantization ${mb.quantization ?? '?'} → ${mc.quantization ?? '?'}`);
      if ((mb.runtime ?? '') !== (mc.runtime ?? '')) changes.push(`runtime ${mb.runtime ?? '?'} → ${mc.runtime ?? '?'}`);
      if ((mb.device ?? '') !== (mc.device ?? '')) changes.push(`device ${mb.device ?? '?'} → ${mc.device ?? '?'}`);
    }
    const hb = b.modelHashes?.[bm];
    const hc = c.modelHashes?.[cm];
    if (hb && hc && hb !== hc) {
      const keys = differingBackendKeys(b.config, c.config, bm, cm);
      changes.push(keys.length > 0 ? `backend settings differ: ${keys.join(', ')}` : 'backend settings differ');
    }
    if (changes.length > 0) out.push({ model: cm, changes });
  }
  return out;
}

/** The backend keys whose values differ between the two runs' recorded configs (secrets are already redacted). */
function differingBackendKeys(bConfig: unknown, cConfig: unknown, bm: string, cm: string): string[] {
  const backendOf = (config: unknown, id: string): Record<string, unknown> | undefined => {
    const models = (config as { models?: Array<{ id?: string; backend?: Record<string, unknown> }> } | undefined)?.models;
    return models?.find((m) => m.id === id)?.backend;
  };
  const b = backendOf(bConfig, bm);
  const c = backendOf(cConfig, cm);
  if (!b || !c) return [];
  return [...new Set([...Object.keys(b), ...Object.keys(c)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(c[k])).sort();
}
