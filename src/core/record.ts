import type { ErrorRecord } from './errors.ts';
import type { FinishReason, Timings, Usage } from './response.ts';

/** Value of one per-sample score: a number (1/0 for right/wrong, graded otherwise) or null = not scorable. */
export type ScoreValue = number | null;

/**
 * One line of results/<run>/samples.jsonl: a finished (model, suite, sample, repeat). Appended and
 * flushed before the sample counts as done; `key` makes resume idempotent.
 */
export interface SampleRecord {
  /** Stable key: `${model}\u0000${suite}\u0000${sampleId}\u0000${repeat}` hashed; see sampleKey(). */
  key: string;
  model: string;
  suite: string;
  sampleId: string;
  repeat: number;
  /** Exact prompt sent (after the family template), when known. */
  prompt?: string;
  /** Input summary for browsing: question text and image file names (never image bytes). */
  input?: {
    text: string;
    images: string[];
    /** Image files as the request sent them (paths; buffers by name), when they differ from `images`. */
    files?: string[];
  };
  output?: string;
  finishReason?: FinishReason;
  usage?: Usage;
  timings?: Timings;
  /** Reference answer(s) for browsing and re-scoring. */
  reference?: unknown;
  scores: Record<string, ScoreValue>;
  /** Suite-specific fields used by aggregation (category, subject, grade, image id…). */
  meta?: Record<string, unknown>;
  error?: ErrorRecord;
  attempts?: number;
  /** Who rendered the prompt the model saw (client template, server template, raw); see PromptSource. */
  promptSource?: PromptSource;
  /** Where this record came from when merged from shards. */
  shard?: string;
  finishedAt: string;
}

/**
 * Prompt provenance. `client`: the harness rendered the family's upstream template (the reference
 * protocol); `server-template`: the server applied its own chat template or hard-coded wrapper
 * (`template` names it when known); `raw`: a custom module built the prompt. `streamed` says whether the
 * answer came as a stream; `messages` are the chat messages sent when the server renders them
 * (images shown as `<image>`).
 */
export interface PromptSource {
  by: 'client' | 'server-template' | 'raw';
  template?: string;
  streamed?: boolean;
  messages?: Array<{ role: string; content: string }>;
}

/** Short label for tables: `client`, `server template (<name>)`, `raw`. */
export function promptSourceLabel(p: PromptSource | undefined): string {
  if (!p || p.by === 'client') return 'client';
  return p.by === 'raw' ? 'raw' : `server template${p.template ? ` (${p.template})` : ''}`;
}

/** One aggregated metric with its uncertainty. */
export interface MetricValue {
  value: number | null;
  /** 95% interval, same units as value. */
  ci?: [number, number];
  n: number;
  /** 'higher' for accuracy-like metrics, 'lower' for latency-like ones. */
  better?: 'higher' | 'lower';
  unit?: string;
}

export interface SuiteSummary {
  model: string;
  suite: string;
  /** Samples attempted / errored. */
  n: number;
  errors: number;
  /** Headline metric key in `metrics` (used by radar charts, gates and comparisons). */
  headline?: string;
  metrics: Record<string, MetricValue>;
  /** Extra tables (e.g. ScienceQA categories, judge provenance). */
  tables?: Record<string, unknown>;
  notes?: string[];
  /** Prompt provenance of the samples (promptSourceLabel), joined with ' + ' when they differ. */
  promptSource?: string;
}

export interface RunSummary {
  runId: string;
  createdAt: string;
  configHash: string;
  results: SuiteSummary[];
}
