import path from 'node:path';
import { DatasetError, UsageError } from '../core/errors.ts';
import type { RunSummary, SampleRecord } from '../core/record.ts';
import type { SuiteContext } from '../core/suite.ts';
import { loadRun, RUN_FILES, writeOutputFile } from '../results/files.ts';
import type { RunManifest } from '../results/manifest.ts';
import { planRun, type RunOverrides } from './plan.ts';
import { summarizeRun, type SummaryTask } from './summarize.ts';

export interface MergeResult {
  outDir: string;
  samples: number;
  /** The config's report settings, so the merged run gets the report an unsharded run would. */
  report: { enabled: boolean; out?: string; published: string[] };
  summary: RunSummary;
}

function checkCompatible(manifests: RunManifest[], dirs: string[]): void {
  const first = manifests[0]!;
  manifests.forEach((m, i) => {
    if (m.configHash !== first.configHash) {
      throw new DatasetError(`shard was run with a different config (hash ${m.configHash} vs ${first.configHash})`, { file: dirs[i] });
    }
    for (const [id, d] of Object.entries(m.datasets)) {
      if (first.datasets[id] && first.datasets[id]!.hash !== d.hash) throw new DatasetError(`dataset of suite '${id}' differs between shards`, { file: dirs[i] });
    }
  });
  const counts = new Set(manifests.map((m) => m.shard?.count ?? 1));
  if (counts.size > 1) {
    throw new UsageError(`the runs have different shard counts (${[...counts].join(', ')})`, { hint: 'merge the shards of one --shard i/n split' });
  }
  const indices = manifests.map((m) => m.shard?.index ?? 0);
  const count = [...counts][0]!;
  if (count > 1 && new Set(indices).size !== count) {
    throw new UsageError(`expected ${count} distinct shards, got indices ${indices.join(', ')}`, { hint: 'pass every shard directory once' });
  }
}

/**
 * Join shard runs into one run: samples deduplicated by key, summary recomputed by the suites'
 * own aggregation, so the result equals an unsharded run.
 */
export async function mergeRuns(shardDirs: string[], outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<MergeResult> {
  if (shardDirs.length === 0) throw new UsageError('merge needs at least one run directory');
  const runs = await Promise.all(shardDirs.map((d) => loadRun(d)));
  checkCompatible(runs.map((r) => r.manifest), shardDirs);
  const byKey = new Map<string, SampleRecord>();
  for (const r of runs) for (const s of r.samples) if (!byKey.has(s.key)) byKey.set(s.key, { ...s, shard: path.basename(r.dir) });
  const samples = [...byKey.values()];

  const first = runs[0]!.manifest;
  if (!first.configFile) throw new UsageError('shard manifest does not record its config file', { file: shardDirs[0] });
  const overrides = { ...(first.overrides as RunOverrides | undefined), shard: undefined };
  const plan = await planRun(first.configFile, overrides, env, outDir, { checkInputs: false });
  const tasks: SummaryTask[] = plan.models.flatMap((m) => plan.suites.map((s) => ({
    model: m.id, suite: s,
    ctx: { datasetDir: s.datasetDir, options: s.options, fixturesDir: plan.fixturesDir, seed: plan.config.run.seed, services: {}, log: () => undefined, limit: s.config.limit } as SuiteContext<unknown>,
  })));
  const summary = summarizeRun(first.runId.replace(/-shard\d+of\d+$/, ''), first.configHash, tasks, samples);

  await writeOutputFile(path.join(outDir, RUN_FILES.samples), samples.map((s) => `${JSON.stringify(s)}\n`).join(''));
  const manifest: RunManifest & { mergedFrom: string[] } = { ...first, runId: summary.runId, shard: undefined, mergedFrom: runs.map((r) => r.dir) };
  await writeOutputFile(path.join(outDir, RUN_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeOutputFile(path.join(outDir, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  return { outDir, samples: samples.length, summary, report: plan.config.report };
}
