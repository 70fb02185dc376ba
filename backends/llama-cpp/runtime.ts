import { createRequire } from 'node:module';

/**
 * The part of @fugood/llama.node (libmtmd inside) this backend uses, typed here so the package is
 * imported lazily and its TypeScript sources are never type-checked as part of the project.
 */

export interface FugoodModelOptions {
  model: string;
  n_ctx: number;
  n_batch: number;
  n_threads: number;
  n_gpu_layers: number;
  n_parallel: number;
  use_mmap?: boolean;
  lib_variant?: 'default' | 'cuda' | 'vulkan';
}

export interface FugoodCompletionOptions {
  prompt: string;
  media_paths?: string[];
  n_predict: number;
  temperature: number;
  top_k?: number;
  top_p?: number;
  min_p?: number;
  seed: number;
  penalty_repeat?: number;
  penalty_last_n?: number;
  dry_multiplier?: number;
  xtc_probability?: number;
  stop?: string[];
  ignore_eos?: boolean;
  /** GBNF (the native addon reads it; unlike logit_bias). */
  grammar?: string;
}

export interface FugoodToken { token: string; content?: string; accumulated_text?: string }

export interface FugoodCompletionResult {
  text: string;
  tokens_predicted: number;
  tokens_evaluated: number;
  truncated: boolean;
  context_full: boolean;
  interrupted: boolean;
  stopped_eos?: boolean;
  stopped_words?: boolean;
  stopping_word?: string;
  stopped_limited?: boolean;
  timings: {
    prompt_n: number; prompt_ms: number; prompt_per_second: number;
    predicted_n: number; predicted_ms: number; predicted_per_second: number;
  };
}

export interface FugoodTokenizeResult {
  tokens: Int32Array;
  has_media: boolean;
  chunk_pos: number[];
  chunk_pos_media: number[];
}

export interface FugoodContext {
  getSystemInfo(): string;
  getUsedDevices(): string[];
  getModelInfo(): { desc: string; nEmbd: number; nParams: number; size: number; metadata: Record<string, string> };
  initMultimodal(options: { path: string; use_gpu?: boolean }): boolean;
  isMultimodalEnabled(): boolean;
  completion(options: FugoodCompletionOptions, onToken?: (t: FugoodToken) => void): Promise<FugoodCompletionResult>;
  stopCompletion(): void;
  tokenize(text: string, opts?: { media_paths?: string[] }): Promise<FugoodTokenizeResult>;
  clearCache(clearData?: boolean): void;
  release(): Promise<void>;
}

export interface FugoodModule {
  loadModel(options: FugoodModelOptions): Promise<FugoodContext>;
  isLibVariantAvailable(variant?: string): Promise<boolean>;
}

export const FUGOOD_PACKAGE = '@fugood/llama.node';

/** Import @fugood/llama.node on first use (native addon; nothing loads at import time of this module). */
export async function loadFugood(): Promise<FugoodModule> {
  // A non-literal specifier keeps tsc from type-checking the package's shipped .ts sources.
  const specifier: string = FUGOOD_PACKAGE;
  const mod = (await import(specifier)) as FugoodModule & { default?: FugoodModule };
  return typeof mod.loadModel === 'function' ? mod : mod.default!;
}

/** `@fugood/llama.node@<installed version>`, recorded in ModelInfo.runtime. */
export function fugoodRuntimeId(): string {
  const require = createRequire(import.meta.url);
  const { version } = require(`${FUGOOD_PACKAGE}/package.json`) as { version: string };
  return `${FUGOOD_PACKAGE}@${version}`;
}

/** Thread count llama.cpp reports in its system info line ("n_threads = 1 / 2 | CPU : …"). */
export function reportedThreads(systemInfo: string): number | undefined {
  const m = /n_threads\s*=\s*(\d+)/.exec(systemInfo);
  return m ? Number(m[1]) : undefined;
}
