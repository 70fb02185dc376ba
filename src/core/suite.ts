import type { z } from 'zod';
import type { BackendCapabilities, ModelInfo } from './backend.ts';
import { ConfigError, type ErrorRecord } from './errors.ts';
import type { SampleRecord, ScoreValue, SuiteSummary } from './record.ts';
import type { ChatMessage, GenParams, VlmRequest } from './request.ts';
import type { VlmResult } from './response.ts';

/** What a suite needs to know about the model a request goes to (prompts come from the family). */
export interface SuiteModel {
  info: ModelInfo;
  family: string;
  template?: string;
}

export interface SuiteContext<Opts> {
  /** Dataset folder (absolute), or the built-in sample set's folder. */
  datasetDir: string;
  split?: string;
  limit?: number;
  maxTokens?: number;
  prompt?: string;
  tag?: string;
  options: Opts;
  /** Folder for generated fixtures (tiny models, built-in sample sets). */
  fixturesDir: string;
  seed: number;
  /** Services a suite may use while scoring (e.g. the LLM judge). */
  services: SuiteServices;
  log: (msg: string) => void;
}

export interface SuiteServices {
  /** Judge a prompt with the configured LLM judge; undefined when no judge is configured. */
  judge?: JudgeClient;
}

export interface JudgeClient {
  readonly id: string;
  /** Returns the judge's raw reply; throws a typed error (E_JUDGE) after retries. */
  complete(system: string, user: string, signal?: AbortSignal): Promise<string>;
}

/** A loaded dataset item, or a per-sample error (bad line, missing image…) that is recorded, not thrown. */
export type LoadedSample<Doc> =
  | { id: string; doc: Doc; tags?: string[] }
  | { id: string; error: ErrorRecord };

export interface PreparedRequest {
  messages: ChatMessage[];
  params: Partial<GenParams>;
}

export interface ScoreOutcome {
  scores: Record<string, ScoreValue>;
  meta?: Record<string, unknown>;
  reference?: unknown;
}

export interface MetricSpec {
  better: 'higher' | 'lower';
  unit?: string;
}

/**
 * Which test compares two runs' per-sample values for one headline metric:
 * - mcnemar: 0/1 items, exact McNemar on the discordant pairs (accuracy-type headlines);
 * - bootstrap-mean: graded items, paired bootstrap of the difference in means (soft accuracy, ANLS);
 * - bootstrap-ratio: the headline is a ratio of means (LLaVA-Bench relative = mean(model)/mean(ref)):
 *   paired bootstrap of the ratio's difference, resampling clusters;
 * - distribution: per-request measurements that do not pair item by item (latency, throughput): the two
 *   runs' distributions are compared (bootstrap of the percentile/mean and Mann-Whitney), and only when
 *   the hardware fingerprints match.
 */
export type PairedTest = 'mcnemar' | 'bootstrap-mean' | 'bootstrap-ratio' | 'distribution';

/** How a summary metric is computed from per-sample scores, so compare and gate can pair two runs. */
export interface HeadlinePairing {
  /** Summary metric this pairing reproduces (a key of the suite's `metrics`). */
  metric: string;
  test: PairedTest;
  /** Per-sample keys in SampleRecord.scores; bootstrap-ratio: [numerator, denominator]; others: one key. */
  scores: readonly string[];
  /** Only samples whose meta[field] equals the value enter (SQA-IMG pairs only its image subset). */
  where?: { meta: string; equals: string | number | boolean };
  /** Items sharing meta[groupBy] collapse to one item that is 1 only when all are 1 (MMBench CircularEval). */
  groupBy?: string;
  /** Bootstrap resamples clusters of samples sharing meta[clusterBy] (LLaVA-Bench: the image). */
  clusterBy?: string;
  /** distribution: which statistic of the per-request values the metric reports (0.5 = p50; 'mean'). */
  statistic?: number | 'mean';
  /** Direction of the per-sample score when it differs from the metric's (TPOT for a tok/s headline). */
  better?: 'higher' | 'lower';
}

/** Throws a ConfigError naming the suite and field when a pairing declaration cannot work. */
export function checkPairing(name: string, metrics: Record<string, MetricSpec>, pairing: readonly HeadlinePairing[] | undefined): void {
  const field = `suite '${name}' pairing`;
  const fail = (msg: string, i?: number) => {
    throw new ConfigError(`suite '${name}': ${msg}`, {
      field: i === undefined ? field : `${field}[${i}]`,
      hint: 'declare, next to `metrics`, how each headline metric is computed from per-sample scores (see HeadlinePairing in src/core/suite.ts), so compare and gate can pair runs',
    });
  };
  if (!pairing || pairing.length === 0) fail('declares no pairing: compare and gate could not pair its samples');
  pairing!.forEach((p, i) => {
    if (!(p.metric in metrics)) fail(`pairing names metric '${p.metric}', which is not one of its metrics (${Object.keys(metrics).join(', ')})`, i);
    const want = p.test === 'bootstrap-ratio' ? 2 : 1;
    if (p.scores.length !== want || p.scores.some((k) => typeof k !== 'string' || k.length === 0)) {
      fail(`pairing for '${p.metric}' (${p.test}) needs ${want === 2 ? 'two per-sample score keys [numerator, denominator]' : 'one per-sample score key'}, got ${JSON.stringify(p.scores)}`, i);
    }
    if (p.statistic !== undefined && p.test !== 'distribution') fail(`pairing for '${p.metric}': statistic applies to the distribution test only`, i);
    if (typeof p.statistic === 'number' && !(p.statistic > 0 && p.statistic < 1)) fail(`pairing for '${p.metric}': statistic must be a quantile in (0, 1) or 'mean'`, i);
  });
}

/**
 * A quality suite is data plus a few typed hooks (the lmms-eval idea): load items, turn one into a
 * request through the model's family, score the answer with pure scorers, aggregate.
 */
export interface QualitySuite<Doc, Opts> {
  kind: 'quality';
  name: string;
  description: string;
  optionsSchema: z.ZodType<Opts>;
  load(ctx: SuiteContext<Opts>): Promise<LoadedSample<Doc>[]>;
  toRequest(doc: Doc, model: SuiteModel, ctx: SuiteContext<Opts>): PreparedRequest;
  score(doc: Doc, result: VlmResult & { ok: true }, ctx: SuiteContext<Opts>): Promise<ScoreOutcome> | ScoreOutcome;
  /** Per-sample fields recorded even when generation failed (category, subject…). */
  describe?(doc: Doc): { meta?: Record<string, unknown>; reference?: unknown; input?: SampleRecord['input'] };
  /**
   * Samples scored together (MMBench CircularEval: every rotation of one question): `limit` counts
   * groups and keeps each whole. Without it, `limit` counts samples.
   */
  group?(doc: Doc): string;
  aggregate(records: SampleRecord[], ctx: SuiteContext<Opts>): Omit<SuiteSummary, 'model' | 'suite'>;
  metrics: Record<string, MetricSpec>;
  /** How each headline metric is computed from per-sample scores (required, non-empty): compare/gate pair on it. */
  pairing: readonly HeadlinePairing[];
  /** Scores go through the configured LLM judge: the run needs the judge (and its key) only when such a suite runs. */
  usesJudge?: boolean;
  /** Generate (once, deterministically) the built-in sample set under fixturesDir; returns its folder. */
  builtinDataset?(fixturesDir: string): Promise<string>;
  /**
   * Cheap check, before anything is written, that `dir` holds this suite's dataset (its layout files);
   * throws a DatasetError naming what is missing. Per-sample problems stay per-sample errors in load.
   */
  checkDataset?(dir: string, options: Opts): void;
}

/** Drives a performance suite: it issues its own requests through the scheduler and records them. */
export interface PerfDriver {
  model: SuiteModel;
  /** What the backend can do, e.g. whether concurrency means parallel sequences or queueing. */
  capabilities: BackendCapabilities;
  /** Send one request through the scheduler (retries/timeouts apply); resolves to the result value. */
  send(req: VlmRequest, signal?: AbortSignal): Promise<VlmResult>;
  /** Append a finished record to the journal (the runner fills key/model/suite/finishedAt). */
  record(rec: Omit<SampleRecord, 'key' | 'model' | 'suite' | 'finishedAt'>): Promise<void>;
  /** sampleIds already in the journal for this model × suite (resume). */
  done: ReadonlySet<string>;
  signal: AbortSignal;
}

export interface PerfSuite<Opts> {
  kind: 'performance';
  name: string;
  description: string;
  optionsSchema: z.ZodType<Opts>;
  run(driver: PerfDriver, ctx: SuiteContext<Opts>): Promise<void>;
  aggregate(records: SampleRecord[], ctx: SuiteContext<Opts>): Omit<SuiteSummary, 'model' | 'suite'>;
  metrics: Record<string, MetricSpec>;
  /** How summary metrics relate to per-request records (distribution tests); required, non-empty. */
  pairing: readonly HeadlinePairing[];
  /** Generate (once, deterministically) the built-in prompts/images under fixturesDir; returns its folder. */
  builtinDataset?(fixturesDir: string): Promise<string>;
}

export type Suite<Doc = unknown, Opts = unknown> = QualitySuite<Doc, Opts> | PerfSuite<Opts>;

/**
 * Keeps the generics of a suite definition and checks its pairing declaration at load time, so a suite
 * whose samples compare and gate cannot pair fails when it is defined, not as "n 0" in a comparison.
 */
export function defineSuite<Doc, Opts>(suite: QualitySuite<Doc, Opts>): QualitySuite<Doc, Opts>;
export function defineSuite<Opts>(suite: PerfSuite<Opts>): PerfSuite<Opts>;
export function defineSuite(suite: Suite<any, any>): Suite<any, any> {
  checkPairing(suite.name, suite.metrics, suite.pairing);
  return suite;
}
