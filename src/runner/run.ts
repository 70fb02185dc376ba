import type { ImageSource } from '../core/request.ts';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelConfig } from '../config/schema.ts';
import type { Backend, ModelInfo } from '../core/backend.ts';
import { formatError, UsageError } from '../core/errors.ts';
import type { RunSummary, SampleRecord } from '../core/record.ts';
import type { JudgeClient, SuiteContext, SuiteServices } from '../core/suite.ts';
import { outputPathError, RUN_FILES, readSamples } from '../results/files.ts';
import type { RunManifest } from '../results/manifest.ts';
import { loadBackend } from './backends.ts';
import type { RunEvents, TaskContext } from './context.ts';
import { collectErrorKinds, ErrorTracker, type ErrorKind } from './error-kinds.ts';
import { executePerfSuite } from './execute-perf.ts';
import { executeQualitySuite } from './execute-quality.ts';
import { pullRemoteModels } from './inputs.ts';
import { createSentImageStore } from './sent-images.ts';
import { Journal } from './journal.ts';
import { acquireRunLock } from './lock.ts';
import { buildManifest, resumeDifferences, ResumeError, withBackendInfo } from './manifest.ts';
import { planRun, type PlannedSuite, type RunOverrides, type RunPlan } from './plan.ts';
import { createScheduler } from './scheduler.ts';
import { createServedEndpoints } from './served-endpoints.ts';
import { failureCount, summarizeRun, type SummaryTask } from './summarize.ts';

export interface RunOptions {
  configFile: string;
  overrides?: RunOverrides;
  /** Resume this run directory instead of starting a new one. */
  resumeDir?: string;
  /** Resume even if the config, dataset or model files changed. */
  force?: boolean;
  /** On resume, run again the samples whose last record is an error. */
  retryErrors?: boolean;
  env?: NodeJS.ProcessEnv;
  events?: RunEvents;
  /** First Ctrl-C: start no new requests, let in-flight ones finish. */
  stop?: AbortSignal;
  /** Second Ctrl-C: abort in-flight requests too. */
  abort?: AbortSignal;
  /** Write report.html at the end (default true when the config enables reports). */
  report?: boolean;
}

export interface RunOutcome {
  runDir: string;
  summary: RunSummary;
  failures: number;
  interrupted: boolean;
  reportPath?: string;
  /** Every error kind in the run's records, with counts (the CLI prints them after the table). */
  errorKinds: ErrorKind[];
}

/** Write then rename: a kill mid-write leaves the previous file (a torn manifest.json could not be resumed). */
async function writeJson(file: string, data: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

/** Phase 2: write the manifest, or check that a resumed run still matches it. */
async function prepareRunDir(plan: RunPlan, opts: RunOptions): Promise<RunManifest> {
  const manifestFile = path.join(plan.runDir, RUN_FILES.manifest);
  if (!opts.resumeDir) await refuseExistingRun(plan.runDir);
  const previous = opts.resumeDir
    ? (JSON.parse(await readFile(manifestFile, 'utf8').catch(() => 'null')) as RunManifest | null)
    : null;
  const runId = previous?.runId ?? path.basename(plan.runDir);
  const manifest = await buildManifest(plan, runId);
  if (previous && !opts.force) {
    const diffs = resumeDifferences(previous, manifest);
    if (diffs.length) throw new ResumeError(`cannot resume: ${diffs.join('; ')}`, plan.runDir);
  }
  // Returned as written: the manifest rewritten after execution must keep createdAt and resumedAt.
  const written = previous ? { ...manifest, createdAt: previous.createdAt, resumedAt: new Date().toISOString() } : manifest;
  await writeJson(manifestFile, written);
  return written;
}

/**
 * A fresh run into a folder that already holds one (same --run-id or run.id) would keep its samples as
 * "already done" under a rewritten manifest, bypassing the resume checks: only --resume continues a run.
 */
async function refuseExistingRun(runDir: string): Promise<void> {
  const present = await Promise.all([RUN_FILES.manifest, RUN_FILES.samples].map((f) => stat(path.join(runDir, f)).then((s) => s.size > 0, () => false)));
  if (!present.some(Boolean)) return;
  throw new UsageError('this run folder already holds a run', {
    file: runDir, hint: `continue it with: vlmbench run --resume ${runDir} (it checks that nothing changed); or pick another --run-id / run.id`,
  });
}

async function createServices(plan: RunPlan, log: (m: string) => void, env: NodeJS.ProcessEnv): Promise<SuiteServices & { close(): Promise<void> }> {
  if (!plan.config.judge) return { close: async () => undefined };
  const { createJudge } = await import('../judge/index.ts');
  const judge: JudgeClient & { close(): Promise<void> } = await createJudge(plan.config.judge, {
    cacheDir: plan.config.judge.cacheDir ?? path.join(path.dirname(plan.runDir), '.judge-cache'),
    log,
    // The run's environment (the CLI's), where the config's apiKeyEnv variables were looked up.
    env,
  });
  return { judge, close: () => judge.close() };
}

function suiteContext(plan: RunPlan, s: PlannedSuite, services: SuiteServices, log: (m: string) => void): SuiteContext<unknown> {
  const c = s.config;
  return {
    datasetDir: s.datasetDir, split: c.split, limit: c.limit, maxTokens: c.maxTokens, prompt: c.prompt, tag: c.tag,
    options: s.options, fixturesDir: plan.fixturesDir, seed: plan.config.run.seed, services, log,
  };
}

/** What the execution phase shares across models and suites. */
interface RunState {
  plan: RunPlan;
  opts: RunOptions;
  journal: Journal;
  services: SuiteServices;
  /** Records already journaled when the run started (resume), read once by Journal.open. */
  existing: SampleRecord[];
  served: ReturnType<typeof createServedEndpoints>;
  summaryTasks: SummaryTask[];
  infos: ModelInfo[];
  stop: AbortSignal;
  errors: ErrorTracker;
  log: (msg: string) => void;
  saveImage: (image: ImageSource) => Promise<string>;
}

/** Phase 3: every model × suite, one model loaded at a time. */
async function executeAll(
  plan: RunPlan, opts: RunOptions, journal: Journal, existing: SampleRecord[], services: SuiteServices, summaryTasks: SummaryTask[],
): Promise<ModelInfo[]> {
  const log = opts.events?.log ?? (() => undefined);
  const state: RunState = {
    plan, opts, journal, services, summaryTasks, log,
    existing,
    served: createServedEndpoints(plan, log),
    infos: [],
    stop: opts.stop ?? new AbortController().signal,
    errors: new ErrorTracker({ after: plan.config.run.stopAfterErrors }, log),
    saveImage: createSentImageStore(plan.runDir),
  };
  opts.events?.onRunStart?.({ tasks: plan.models.length * plan.suites.length });
  try {
    for (const [i, model] of plan.models.entries()) {
      if (state.stop.aborted) break;
      await executeModel(state, model);
      await state.served.release(plan.models.slice(i + 1));
    }
  } finally {
    await state.served.close();
  }
  return state.infos;
}

/** Load one model (a load failure fails its tasks, not the run), run each suite, unload. */
async function executeModel(state: RunState, model: ModelConfig): Promise<void> {
  const { plan, log } = state;
  const contexts = plan.suites.map((s) => ({ s, ctx: suiteContext(plan, s, state.services, log) }));
  let backend: Backend;
  try {
    // The run's concurrency goes with the model: a backend with server slots sizes them to it.
    const sized = { ...model, concurrency: model.concurrency ?? plan.config.run.concurrency };
    backend = await loadBackend(await state.served.resolve(sized), { fixturesDir: plan.fixturesDir, log, signal: state.opts.abort });
    await backend.preflight?.().catch(async (err: unknown) => { await backend.close?.(); throw err; });
  } catch (err) {
    const failure = `model '${model.id}' could not be loaded: ${formatError(err)}`;
    log(failure);
    for (const { s, ctx } of contexts) state.summaryTasks.push({ model: model.id, suite: s, ctx, failure });
    return;
  }
  state.infos.push({ ...backend.info, capabilities: backend.capabilities });
  try {
    for (const { s, ctx } of contexts) {
      const task: SummaryTask = { model: model.id, suite: s, ctx };
      state.summaryTasks.push(task);
      if (state.stop.aborted) break;
      const stoppedBefore = state.errors.stopped(model.id);
      if (stoppedBefore) {
        task.failure = stoppedBefore;
        continue;
      }
      // Load tests measure the whole machine: one measurement per sharded run, on shard 0, not one per pod.
      const shard = plan.overrides.shard;
      if (s.suite.kind === 'performance' && shard && shard.count > 1 && shard.index !== 0) {
        task.skipped = `performance suites run on shard 0 of ${shard.count} only`;
        continue;
      }
      // A suite that cannot load its samples (or dies mid-way) fails its task, not the run.
      await executeTask(state, model, backend, s, ctx).catch((err: unknown) => {
        task.failure = `suite '${s.id}' failed for model '${model.id}': ${formatError(err)}`;
        log(task.failure);
      });
      task.failure ??= state.errors.stopped(model.id);
    }
  } finally {
    await backend.close?.();
  }
}

async function executeTask(state: RunState, model: ModelConfig, backend: Backend, s: PlannedSuite, ctx: SuiteContext<unknown>): Promise<void> {
  const { plan, opts } = state;
  const scheduler = createScheduler({
    concurrency: model.concurrency ?? plan.config.run.concurrency,
    retry: plan.config.run.retry,
    timeoutMs: plan.config.run.timeoutMs,
    signal: opts.abort,
  });
  const task: TaskContext = {
    suite: s.suite, suiteId: s.id, suiteConfig: s.config, suiteCtx: ctx,
    model: { info: backend.info, family: model.family, template: model.template },
    backend, scheduler, journal: state.journal, events: opts.events ?? {}, stop: state.stop, shard: plan.overrides.shard, errors: state.errors,
    image: plan.config.image,
    saveImage: state.saveImage,
  };
  if (s.suite.kind === 'quality') return executeQualitySuite(task, s.suite);
  const done = new Set(state.existing.filter((r) => r.model === model.id && r.suite === s.id).map((r) => r.sampleId));
  return executePerfSuite(task, s.suite, done);
}

/** Phase 5: the HTML report, when the report module is present and enabled. */
async function writeReport(plan: RunPlan): Promise<string | undefined> {
  const { writeRunReport } = await import('../report/index.ts');
  return writeRunReport(plan.runDir, { out: plan.config.report.out, published: plan.config.report.published });
}

/** plan → prepare run dir → execute → summarize → report. */
export async function runBenchmark(opts: RunOptions): Promise<RunOutcome> {
  const env = opts.env ?? process.env;
  const log = opts.events?.log ?? (() => undefined);
  if (opts.retryErrors && !opts.resumeDir) throw new UsageError('--retry-errors needs --resume <run-dir>', { hint: 'vlmbench run --resume <run-dir> --retry-errors' });
  const plan = await planRun(opts.configFile, opts.overrides ?? {}, env, opts.resumeDir);
  // Remote model files the plan found missing but reachable: fetched (with progress) before the run starts.
  await pullRemoteModels(plan.toPull, { env, log, signal: opts.abort });
  // An unusable --out / run.out is the user's to fix (exit 2), found before any work starts.
  await mkdir(plan.runDir, { recursive: true }).catch((err) => { throw outputPathError(err, plan.runDir); });
  const releaseLock = acquireRunLock(plan.runDir);
  try {
    return await runLocked(plan, opts, log);
  } finally {
    releaseLock();
  }
}

async function runLocked(plan: RunPlan, opts: RunOptions, log: (m: string) => void): Promise<RunOutcome> {
  const manifest = await prepareRunDir(plan, opts);
  const { journal, existing } = await Journal.open(plan.runDir, { retryErrors: opts.retryErrors });
  const services = await createServices(plan, log, opts.env ?? process.env).catch((err: unknown) => { journal.close(); throw err; });
  const summaryTasks: SummaryTask[] = [];
  let infos: ModelInfo[] = [];
  try {
    infos = await executeAll(plan, opts, journal, existing, services, summaryTasks);
  } finally {
    journal.close();
    await services.close();
  }
  await writeJson(path.join(plan.runDir, RUN_FILES.manifest), withBackendInfo(manifest, infos));
  const records = await readSamples(plan.runDir);
  const summary = summarizeRun(manifest.runId, manifest.configHash, summaryTasks, records);
  await writeJson(path.join(plan.runDir, RUN_FILES.summary), summary);
  const interrupted = !!opts.stop?.aborted;
  let reportPath: string | undefined;
  if ((opts.report ?? plan.config.report.enabled) && !interrupted) {
    reportPath = await writeReport(plan).catch((err) => { log(`report not written: ${formatError(err)}`); return undefined; });
  }
  return { runDir: plan.runDir, summary, failures: failureCount(summary, summaryTasks), interrupted, reportPath, errorKinds: collectErrorKinds(records) };
}
