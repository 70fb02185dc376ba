import type { JudgeClient } from '../core/suite.ts';
import type { JudgeCompat } from './relative.ts';
import type { RuleSet } from './rules.ts';

/** What is recorded about the judge next to every judged sample and in summaries. */
export interface JudgeProvenance {
  provider: 'openai' | 'llama-cpp' | (string & {});
  /** Judge model id (openai) or GGUF file name (llama-cpp). */
  model: string;
  temperature: number;
  maxTokens: number;
  /** `official:<file>#<sha>` or `builtin:vlmbench-rules-v1`. */
  rules: string;
  compat: JudgeCompat;
}

export interface CompleteOptions {
  /**
   * Which try this is for the same prompt (0 first). Part of the cache key, so a retry after an
   * unparseable reply asks the judge again while a re-run replays every try from the cache.
   */
  attempt?: number;
  /**
   * Reply shape and sampling for this call, when not the LLaVA-Bench review: 'mmvet-score' asks for one
   * correctness score 0.0–1.0 (MM-Vet grader; the local judge's grammar forces it, an OpenAI-compatible
   * judge gets the user message alone, as mm-vet_evaluator.py sends it). Overrides the config's
   * maxTokens / temperature when given (MM-Vet: 3 tokens, temperature 0 raised by 0.5 per retry).
   */
  format?: JudgeFormat;
  maxTokens?: number;
  temperature?: number;
}

export type JudgeFormat = 'llava-review' | 'mmvet-score';

/** Per-call settings a provider honours (see CompleteOptions). */
export interface CallOptions { format?: JudgeFormat; maxTokens?: number; temperature?: number }

/** The judge vlmbench builds (src/judge/index.ts): a JudgeClient that also carries rules and provenance. */
export interface LlavaJudge extends JudgeClient {
  readonly provenance: JudgeProvenance;
  readonly rules: RuleSet;
  readonly compat: JudgeCompat;
  complete(system: string, user: string, signal?: AbortSignal, opts?: CompleteOptions): Promise<string>;
  /** Judge calls that reached the provider (cache misses), and cache hits, since creation. */
  readonly stats: { calls: number; cacheHits: number };
  /** Model ids the judge API reported answering as, so far (empty for a local judge or cached replies). */
  answeredBy(): string[];
  close(): Promise<void>;
}

export const isLlavaJudge = (j: JudgeClient): j is LlavaJudge =>
  'provenance' in j && 'rules' in j && 'compat' in j;

/** One provider call: system + user in, raw reply out; typed errors (retryable set honestly). */
export interface JudgeProvider {
  readonly model: string;
  /** `attempt` lets a local judge vary its sampling seed per try while staying reproducible. */
  call(system: string, user: string, signal?: AbortSignal, attempt?: number, opts?: CallOptions): Promise<string>;
  /** Model ids the API reported in its replies so far (OpenAI-compatible judges). */
  answeredModels?(): string[];
  close(): Promise<void>;
}
