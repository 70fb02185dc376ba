import { DatasetError, toErrorRecord, type ErrorRecord } from '../core/errors.ts';
import type { PromptSource, SampleRecord } from '../core/record.ts';
import { DEFAULT_GEN_PARAMS, isImagePart, isTextPart, type VlmRequest } from '../core/request.ts';
import type { LoadedSample, QualitySuite, ScoreOutcome } from '../core/suite.ts';
import type { VlmResult } from '../core/response.ts';
import type { TaskContext } from './context.ts';
import { sampleKey } from './journal.ts';
import { inShard } from './shard.ts';

type Doc = unknown;

/** Phase: load the dataset and keep the samples this run (limit, tag, shard) is responsible for. */
async function selectSamples(task: TaskContext, suite: QualitySuite<Doc, unknown>): Promise<LoadedSample<Doc>[]> {
  const tag = task.suiteCtx.tag;
  // Loaders honour `limit` themselves (the first N); with a tag the N come from the tagged samples, so
  // the loader must yield them all and the limit applies below.
  const all = await suite.load(tag ? { ...task.suiteCtx, limit: undefined } : task.suiteCtx);
  refuseDuplicateIds(task, all);
  const tagged = tag ? all.filter((s) => hasTag(s, tag, task.suiteId)) : all;
  const limited = task.suiteCtx.limit ? firstGroups(tagged, task.suiteCtx.limit, suite.group) : tagged;
  return limited.filter((s) => inShard(task.suiteId, s.id, task.shard));
}

/** The first `n` samples, or with a `group` hook every sample of the first `n` groups (kept whole). */
function firstGroups(samples: LoadedSample<Doc>[], n: number, group?: (doc: Doc) => string): LoadedSample<Doc>[] {
  if (!group) return samples.slice(0, n);
  const kept = new Set<string>();
  return samples.filter((s) => {
    const g = 'doc' in s ? group(s.doc) : `error:${s.id}`;
    if (!kept.has(g) && kept.size < n) kept.add(g);
    return kept.has(g);
  });
}

/**
 * The journal keys samples by id, so two samples with one id would silently become one: a loader
 * that yields a repeated id is a bug in the loader or the data, and the suite stops before running.
 */
function refuseDuplicateIds(task: TaskContext, all: readonly LoadedSample<Doc>[]): void {
  const seen = new Set<string>();
  for (const s of all) {
    if (seen.has(s.id)) {
      throw new DatasetError(`suite '${task.suiteId}' yields sample id '${s.id}' more than once; results would overwrite each other`, {
        file: task.suiteCtx.datasetDir, field: 'sample id',
        hint: 'every sample needs its own id: check the dataset for repeated ids, or report the suite\'s loader as a bug',
      });
    }
    seen.add(s.id);
  }
}

/**
 * A sample has a tag when its dataset gives it one; tagging suites mark their own `regression` fifth
 * with `regressionTag`, by group, so paired clusters and CircularEval questions stay whole. Samples
 * without tags (an untagged dataset such as LLaVA-Bench, or a sample that failed to load) get a built-in
 * `regression` subset: a deterministic fifth by id hash, stable as the dataset grows.
 */
function hasTag(s: LoadedSample<Doc>, tag: string, suiteId: string): boolean {
  if ('doc' in s && s.tags) return s.tags.includes(tag);
  return tag === REGRESSION_TAG && inShard(suiteId, s.id, { index: 0, count: 5 });
}

export const REGRESSION_TAG = 'regression';

function buildRequest(task: TaskContext, suite: QualitySuite<Doc, unknown>, id: string, doc: Doc): VlmRequest {
  const prep = suite.toRequest(doc, task.model, task.suiteCtx);
  const params = { ...DEFAULT_GEN_PARAMS, ...prep.params };
  if (task.suiteCtx.maxTokens) params.maxTokens = task.suiteCtx.maxTokens;
  // Config image.exifRotate travels on each image, so every backend (and its engine) decodes alike.
  const messages = task.image?.exifRotate
    ? prep.messages.map((m) => ({ ...m, content: m.content.map((p) => (p.type === 'image' ? { ...p, image: { ...p.image, exifRotate: true } } : p)) }))
    : prep.messages;
  return { sampleId: id, messages, params };
}

/** The model's declared provenance; custom modules build their own prompts (`raw`), every other backend renders the family's. */
export function defaultPromptSource(task: Pick<TaskContext, 'model'>): PromptSource {
  return task.model.info.promptSource ?? { by: task.model.info.backend === 'custom' ? 'raw' : 'client' };
}

async function inputSummary(req: VlmRequest, task: TaskContext): Promise<SampleRecord['input']> {
  const parts = req.messages.flatMap((m) => m.content);
  return {
    text: parts.filter(isTextPart).map((p) => p.text).join('\n'),
    // Bytes (images stored inside a TSV) are kept in the run folder so the record names a file too.
    images: await Promise.all(parts.filter(isImagePart).map((p) => (task.saveImage ? task.saveImage(p.image) : Promise.resolve(p.image.kind === 'path' ? p.image.path : p.image.name ?? '<buffer>')))),
  };
}

/**
 * The suite's own input summary (display names) plus the image files the request actually sent, so
 * the report finds each image whatever the dataset layout.
 */
function withSentFiles(described: SampleRecord['input'], sent: SampleRecord['input']): SampleRecord['input'] {
  if (!described) return sent;
  return sent?.images.length ? { ...described, files: sent.images } : described;
}

async function scoreSafely(suite: QualitySuite<Doc, unknown>, doc: Doc, result: VlmResult & { ok: true }, task: TaskContext): Promise<ScoreOutcome | ErrorRecord> {
  try {
    return await suite.score(doc, result, task.suiteCtx);
  } catch (err) {
    return toErrorRecord(err);
  }
}

/** Generate, score and journal one sample. Aborted requests are not journaled, so resume redoes them. */
async function runSample(task: TaskContext, suite: QualitySuite<Doc, unknown>, sample: LoadedSample<Doc>): Promise<void> {
  const base = {
    key: sampleKey(task.model.info.id, task.suiteId, sample.id),
    model: task.model.info.id,
    suite: task.suiteId,
    sampleId: sample.id,
    repeat: 0,
  };
  const finish = (rec: Omit<SampleRecord, keyof typeof base | 'finishedAt'>) => {
    task.journal.append({ ...base, ...rec, finishedAt: new Date().toISOString() });
    task.events.onSampleDone?.({ model: base.model, suite: base.suite }, !rec.error);
    task.errors.sampleDone(base.model, base.suite, base.sampleId, rec.error);
  };
  if ('error' in sample) return finish({ scores: {}, error: sample.error });

  const described = suite.describe?.(sample.doc) ?? {};
  let req: VlmRequest;
  try {
    req = buildRequest(task, suite, sample.id, sample.doc);
  } catch (err) {
    return finish({ scores: {}, meta: described.meta, reference: described.reference, error: toErrorRecord(err) });
  }
  const result = await task.scheduler.submit(task.backend, req, { shouldStart: () => !task.stop.aborted && !task.errors.stopped(base.model) });
  if (!result.ok && result.error.code === 'E_ABORTED') return;

  const promptSource = (result.ok ? result.promptSource : undefined) ?? defaultPromptSource(task);
  const common = { input: withSentFiles(described.input, await inputSummary(req, task)), prompt: result.prompt, promptSource, meta: described.meta, reference: described.reference };
  if (!result.ok) return finish({ ...common, scores: {}, timings: result.timings, error: result.error, attempts: result.attempts });

  const outcome = await scoreSafely(suite, sample.doc, result, task);
  const gen = { output: result.text, finishReason: result.finishReason, usage: result.usage, timings: result.timings };
  if ('code' in outcome) return finish({ ...common, ...gen, scores: {}, error: outcome });
  finish({
    ...common,
    ...gen,
    scores: outcome.scores,
    meta: { ...common.meta, ...outcome.meta },
    reference: outcome.reference ?? common.reference,
  });
}

export async function executeQualitySuite(task: TaskContext, suite: QualitySuite<Doc, unknown>): Promise<void> {
  const samples = await selectSamples(task, suite);
  const todo = samples.filter((s) => !task.journal.has(sampleKey(task.model.info.id, task.suiteId, s.id)));
  const t = { model: task.model.info.id, suite: task.suiteId };
  task.events.onTaskStart?.({ ...t, total: samples.length, alreadyDone: samples.length - todo.length });
  await Promise.all(todo.map((s) => runSample(task, suite, s)));
  task.events.onTaskEnd?.(t);
}
