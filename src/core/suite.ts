import type { z } from 'zod';
import type { BackendCapabilities, ModelInfo } from './backend.ts';
import type { ErrorRecord } from './errors.ts';
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
  aggregate(records: SampleRecord[], ctx: SuiteContext<Opts>): Omit<SuiteSummary, 'model' | 'suite'>;
  metrics: Record<string, MetricSpec>;
  /** Scores go through the configured LLM judge: the run needs the judge (and its key) only when such a suite runs. */
  usesJudge?: boolean;
  /** Generate (once, deterministically) the built-in sample set under fixturesDir; returns its folder. */
  builtinDataset?(fixturesDir: string): Promise<string>;
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
  /** Generate (once, deterministically) the built-in prompts/images under fixturesDir; returns its folder. */
  builtinDataset?(fixturesDir: string): Promise<string>;
}

export type Suite<Doc = unknown, Opts = unknown> = QualitySuite<Doc, Opts> | PerfSuite<Opts>;

/** Identity helper that keeps the generics of a suite definition. */
export function defineSuite<Doc, Opts>(suite: QualitySuite<Doc, Opts>): QualitySuite<Doc, Opts>;
export function defineSuite<Opts>(suite: PerfSuite<Opts>): PerfSuite<Opts>;
export function defineSuite(suite: Suite<any, any>): Suite<any, any> {
  return suite;
}
