import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { JudgeConfig } from '../config/schema.ts';
import { ConfigError, DatasetError, UsageError } from '../core/errors.ts';
import type { RunSummary, SampleRecord, SuiteSummary } from '../core/record.ts';
import { readSamples, RUN_FILES } from '../results/files.ts';
import { aggregateLlavaBench } from './aggregate.ts';
import { createJudge } from './index.ts';
import { isLlavaBenchRecord, itemFromRecord, scoreAnswer } from './sample.ts';

/** The streams rescoreRun writes to (structurally the CLI's CliIO). */
export interface RescoreIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A judge config file: the JudgeConfig fields at the top level, or a full run config with `judge:`. */
export async function readJudgeConfig(file: string, cwd: string): Promise<JudgeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read judge config: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file, hint: 'check the --judge path' });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`judge config is not valid YAML: ${(err as Error).message}`, { file, cause: err });
  }
  const isRunConfig = typeof doc === 'object' && doc !== null && 'judge' in doc;
  const raw = isRunConfig ? (doc as { judge: unknown }).judge : doc;
  const parsed = JudgeConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // An unknown key is named by its own path, not its parent's.
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const field = [isRunConfig ? 'judge' : '', ...issue.path.map(String), ...unknown.slice(0, 1)].filter(Boolean).join('.');
    const message = unknown.length ? `unknown field ${unknown.map((k) => `'${k}'`).join(', ')}` : issue.message;
    throw new ConfigError(message, { file, field: field || '(top level)', hint: 'fields: provider, endpoint, model, apiKeyEnv, temperature, maxTokens, threads, rules, concurrency, cacheDir, compat' });
  }
  const c = parsed.data;
  // Paths in the file are relative to the working directory, as in run configs.
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.resolve(cwd, p));
  return { ...c, rules: abs(c.rules), cacheDir: abs(c.cacheDir), model: c.provider === 'llama-cpp' ? abs(c.model)! : c.model };
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

const fmt = (v: number | null | undefined, d = 1) => (typeof v === 'number' ? v.toFixed(d) : '–');

/**
 * Re-judge the LLaVA-Bench samples of a finished run with another (or the same) judge, without
 * running the model again: samples.jsonl is rewritten atomically with the new scores and judge
 * provenance, and the LLaVA-Bench entries of summary.json are recomputed. Cached replies cost nothing.
 * Exit code: 0 all judged, 1 some judgements failed, 2 usage/input errors (thrown as typed errors).
 */
export async function rescoreRun(runDir: string, judgeConfigPath: string, io: RescoreIO): Promise<number> {
  const dir = path.resolve(io.cwd, runDir);
  const samplesFile = path.join(dir, RUN_FILES.samples);
  if (!existsSync(samplesFile)) throw new UsageError(`no ${RUN_FILES.samples} in ${dir}`, { file: dir, hint: 'pass a run folder written by `vlmbench run`' });
  const config = await readJudgeConfig(path.resolve(io.cwd, judgeConfigPath), io.cwd);
  const records = await readSamples(dir);
  const targets = records.filter((r) => isLlavaBenchRecord(r) && !r.error && typeof r.output === 'string');
  if (targets.length === 0) {
    io.stderr.write(`no answered LLaVA-Bench samples in ${samplesFile}; nothing to re-judge\n`);
    return 0;
  }
  // Every record must be re-judgeable before the judge (a local model, perhaps) starts or anything is written.
  const items = targets.map((r) => {
    try {
      return itemFromRecord(r);
    } catch (err) {
      if (err instanceof DatasetError) throw new DatasetError(err.message, { file: samplesFile, field: err.field, hint: err.hint, cause: err });
      throw err;
    }
  });
  const judge = await createJudge(config, {
    cacheDir: path.join(path.dirname(dir), '.judge-cache'), env: io.env,
    log: (m) => io.stderr.write(`${m}\n`),
  });
  const updated = new Map<string, SampleRecord>();
  try {
    await Promise.all(targets.map(async (r, i) => {
      const out = await scoreAnswer(items[i]!, r.output!, { judge, retries: 2 });
      updated.set(r.key, { ...r, scores: { ...r.scores, ...out.scores }, meta: { ...r.meta, ...out.meta }, reference: out.reference });
    }));
  } finally {
    await judge.close();
  }
  const all = records.map((r) => updated.get(r.key) ?? r);
  await writeAtomic(samplesFile, all.map((r) => `${JSON.stringify(r)}\n`).join(''));

  // Recompute the summaries of every model × suite that holds re-judged records.
  const summaryFile = path.join(dir, RUN_FILES.summary);
  const summary: RunSummary = existsSync(summaryFile)
    ? (JSON.parse(await readFile(summaryFile, 'utf8')) as RunSummary)
    : { runId: path.basename(dir), createdAt: new Date().toISOString(), configHash: '', results: [] };
  const pairs = [...new Set([...updated.values()].map((r) => JSON.stringify([r.model, r.suite])))].map((p) => JSON.parse(p) as [string, string]);
  let failures = 0;
  for (const [model, suite] of pairs) {
    const agg = aggregateLlavaBench(all.filter((r) => r.model === model && r.suite === suite), { seed: 0, iterations: 2000 });
    const entry: SuiteSummary = { model, suite, ...agg, notes: [...(agg.notes ?? []), `Re-judged by \`vlmbench score\` at ${new Date().toISOString()}.`] };
    const i = summary.results.findIndex((s) => s.model === model && s.suite === suite);
    if (i >= 0) summary.results[i] = entry; else summary.results.push(entry);
    failures += agg.metrics.judge_failures?.value ?? 0;
    io.stdout.write(`${model} ${suite}: relative ${fmt(agg.metrics.relative?.value)}% (reference ${fmt(agg.metrics.ref_score?.value)}, model ${fmt(agg.metrics.model_score?.value)}), judge failures ${agg.metrics.judge_failures?.value ?? 0}/${agg.metrics.judge_failures?.n ?? 0}\n`);
  }
  await writeAtomic(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  io.stdout.write(`judge ${judge.id} (rules ${judge.provenance.rules}, compat ${judge.compat}): ${judge.stats.calls} call(s), ${judge.stats.cacheHits} cached; ${targets.length} sample(s) re-judged → ${samplesFile}\n`);
  return failures > 0 ? 1 : 0;
}
