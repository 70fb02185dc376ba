import { z } from 'zod';
import { BackendOptions } from './backends.ts';

/**
 * The run config. These zod schemas are the single source of truth: TypeScript types are inferred
 * from them and configs/schema.json is generated from them (`npm run schema`).
 */

export const ModelConfig = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"'),
  /** Family key from the registry (src/families), e.g. llava-1.5, llava-1.6, tinyllava, vila, llava-v1. */
  family: z.string().min(1),
  /** Upstream conversation template key; defaults to the family's. */
  template: z.string().optional(),
  backend: BackendOptions,
  /** Requests in flight for this model. */
  concurrency: z.int().positive().optional(),
  tags: z.array(z.string()).default([]),
});

export const SuiteConfig = z.strictObject({
  /** Suite name: conversation, detail, reasoning, scienceqa, ocr, latency, throughput… */
  name: z.string().min(1),
  /** Optional distinct id when the same suite runs twice with other options. */
  id: z.string().optional(),
  /** Dataset folder in the official layout; 'builtin' uses the generated sample set. */
  dataset: z.string().default('builtin'),
  split: z.string().optional(),
  /** The first N samples (after `tag`); MMBench counts questions, each with all its CircularEval rotations. */
  limit: z.int().positive().optional(),
  maxTokens: z.int().positive().optional(),
  /** Prompt variant key defined by the suite. */
  prompt: z.string().optional(),
  /** Run only samples carrying this tag (e.g. 'regression'). */
  tag: z.string().optional(),
  /** Suite-specific options, validated by the suite's own schema. */
  options: z.record(z.string(), z.unknown()).default({}),
});

export const RetryConfig = z.strictObject({
  attempts: z.int().min(1).default(3),
  baseDelayMs: z.int().min(0).default(500),
  maxDelayMs: z.int().min(0).default(20_000),
  /** Multiplicative jitter: the delay is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: z.number().min(0).max(1).default(0.25),
  /** Longest Retry-After a server may ask for and be waited for; a longer ask fails the sample, saying so. */
  maxRetryAfterMs: z.int().min(0).default(30_000),
});

export const JudgeConfig = z.strictObject({
  provider: z.enum(['openai', 'llama-cpp']),
  /** OpenAI-compatible endpoint (provider openai). */
  endpoint: z.string().url().optional(),
  /** Judge model id (openai) or GGUF path (llama-cpp). */
  model: z.string().min(1),
  apiKeyEnv: z.string().optional(),
  temperature: z.number().min(0).default(0.2),
  maxTokens: z.int().positive().default(1024),
  threads: z.int().positive().optional(),
  /** Path to LLaVA's official rule.json; a built-in rule text is used otherwise. */
  rules: z.string().optional(),
  concurrency: z.int().positive().default(4),
  cacheDir: z.string().optional(),
  /**
   * 'llava' (default) reproduces LLaVA's summarize_gpt_review.py (the published protocol); 'robust'
   * retries unparseable judgements and excludes failures (opt-in, not comparable with published numbers).
   */
  compat: z.enum(['llava', 'robust']).default('llava'),
});

export const RunConfig = z.strictObject({
  /** Run id; default: config name + timestamp. */
  id: z.string().optional(),
  /** Output root; each run writes to <out>/<run-id>/. */
  out: z.string().default('results'),
  concurrency: z.int().positive().default(1),
  timeoutMs: z.int().positive().default(600_000),
  retry: RetryConfig.default(RetryConfig.parse({})),
  /** Where generated tiny models and sample sets are cached. */
  fixturesDir: z.string().optional(),
  seed: z.int().default(0),
  /**
   * Stop a model's remaining samples after this many consecutive errors of one kind (a dead endpoint,
   * a missing file); errors tied to one input (image, dataset line, judge) never count. 0 = never stop.
   */
  stopAfterErrors: z.int().min(0).default(5),
});

export const ReportConfig = z.strictObject({
  enabled: z.boolean().default(true),
  out: z.string().optional(),
  /** Published reference scores to overlay: bundled names (llava-family) or YAML paths; [] for none. */
  published: z.array(z.string()).default(['llava-family']),
});

/**
 * How dataset images are decoded. Defaults reproduce upstream loaders (PIL `Image.open(...).convert('RGB')`),
 * which ignore the EXIF orientation tag; `exifRotate: true` shows photos upright instead.
 */
export const ImageConfig = z.strictObject({
  exifRotate: z.boolean().default(false),
});

export const Config = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().default('vlmbench'),
  description: z.string().optional(),
  run: RunConfig.default(RunConfig.parse({})),
  models: z.array(ModelConfig).min(1),
  suites: z.array(SuiteConfig).min(1),
  judge: JudgeConfig.optional(),
  report: ReportConfig.default(ReportConfig.parse({})),
  image: ImageConfig.default(ImageConfig.parse({})),
  gate: z.strictObject({ policy: z.string().optional(), baseline: z.string().optional() }).optional(),
});

export type ModelConfig = z.infer<typeof ModelConfig>;
export type SuiteConfig = z.infer<typeof SuiteConfig>;
export type RetryConfig = z.infer<typeof RetryConfig>;
export type JudgeConfig = z.infer<typeof JudgeConfig>;
export type RunConfig = z.infer<typeof RunConfig>;
export type Config = z.infer<typeof Config>;
export type ImageConfig = z.infer<typeof ImageConfig>;
