import path from 'node:path';
import type { SampleRecord } from '../core/record.ts';
import { UsageError } from '../core/errors.ts';
import { loadRun, RUN_FILES, writeOutputFile } from '../results/files.ts';

/**
 * Metadata a paired test may need: suites' pairing declarations filter (`where`: hasImage, format, kind),
 * cluster and group by meta fields. Short scalar fields are kept; long text, arrays and objects are not.
 */
function compactMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta ?? {}).filter(([, v]) =>
    typeof v === 'boolean' || typeof v === 'number' || (typeof v === 'string' && v.length <= 200)));
}

/** What a committed baseline keeps of each sample: enough for paired tests, no outputs or images. */
function compact(r: SampleRecord): SampleRecord {
  const rec: SampleRecord = { key: r.key, model: r.model, suite: r.suite, sampleId: r.sampleId, repeat: r.repeat, scores: r.scores, finishedAt: r.finishedAt };
  const meta = compactMeta(r.meta);
  if (Object.keys(meta).length > 0) rec.meta = meta;
  if (r.error) rec.error = { code: r.error.code, message: r.error.message.slice(0, 200), retryable: r.error.retryable };
  return rec;
}

/**
 * `vlmbench baseline promote`: store a compact baseline (summary, manifest, per-sample scores) meant to
 * be committed, in the same layout as a run so the gate reads either.
 */
export async function promoteBaseline(runDir: string, toDir: string): Promise<{ dir: string; samples: number; bytes: number }> {
  if (path.resolve(runDir) === path.resolve(toDir)) {
    throw new UsageError('the baseline would overwrite the run it is made from', { file: toDir, hint: 'pass --to a separate folder, e.g. baselines/main' });
  }
  const run = await loadRun(runDir);
  const samples = run.samples.map(compact).map((s) => `${JSON.stringify(s)}\n`).join('');
  const { config: _config, ...manifest } = run.manifest;
  const files: Array<[string, string]> = [
    [RUN_FILES.samples, samples],
    [RUN_FILES.summary, `${JSON.stringify(run.summary, null, 2)}\n`],
    [RUN_FILES.manifest, `${JSON.stringify({ ...manifest, promotedFrom: path.basename(run.dir), promotedAt: new Date().toISOString() }, null, 2)}\n`],
  ];
  let bytes = 0;
  for (const [name, text] of files) { await writeOutputFile(path.join(toDir, name), text); bytes += Buffer.byteLength(text); }
  return { dir: toDir, samples: run.samples.length, bytes };
}
