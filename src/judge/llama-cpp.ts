import { createHash } from 'node:crypto';
import path from 'node:path';
import pLimit from 'p-limit';
import { BackendError, ConfigError, ModelFileError } from '../core/errors.ts';
import type { JudgeConfig } from '../config/schema.ts';
import { judgeGrammar, mmvetGrammar } from './grammar.ts';
import type { JudgeProvider } from './types.ts';

const promptSeed = (text: string) => createHash('sha256').update(text).digest().readUInt32LE(0);

/** Smallest context that holds a LLaVA-Bench review prompt plus the reply on real tokenizers. */
const MIN_CONTEXT = 4096;

/**
 * Local GGUF judge through node-llama-cpp, in process, CPU, explicit threads (node-llama-cpp: the
 * default picks 4 threads on a 2-core machine and decodes ~500× slower). Output is constrained by a
 * grammar so every reply starts with a parseable score line. Calls run one at a time on one sequence.
 */
export async function createLlamaCppProvider(config: JudgeConfig, log: (msg: string) => void): Promise<JudgeProvider> {
  const threads = config.threads ?? 1;
  const { getLlama, LlamaChatSession, LlamaLogLevel, resolveChatWrapper } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: threads, logLevel: LlamaLogLevel.error });
  let model;
  try {
    model = await llama.loadModel({ modelPath: path.resolve(config.model) });
  } catch (err) {
    await llama.dispose();
    throw new ModelFileError(`cannot load judge GGUF: ${(err as Error).message}`, {
      file: config.model, field: 'judge.model', cause: err, hint: 'judge.model must be a GGUF text model for provider llama-cpp',
    });
  }
  const contextSize = Math.max(MIN_CONTEXT, Math.min(model.trainContextSize, 8192));
  let context: Awaited<ReturnType<typeof model.createContext>>;
  let grammar: Awaited<ReturnType<typeof llama.createGrammar>>;
  let scoreGrammar: Awaited<ReturnType<typeof llama.createGrammar>>;
  try {
    context = await model.createContext({ contextSize, threads, sequences: 1 });
    grammar = await llama.createGrammar({ grammar: judgeGrammar() });
    scoreGrammar = await llama.createGrammar({ grammar: mmvetGrammar() });
  } catch (err) {
    // Release the native model (and context, if made) before reporting, as a failed load above does.
    await model.dispose().catch(() => undefined);
    await llama.dispose().catch(() => undefined);
    throw err;
  }
  // Resolve the model's chat template once: "auto" would re-detect it (many template renders) per call.
  const chatWrapper = resolveChatWrapper(model);
  log(`judge: ${path.basename(config.model)} on llama.cpp (CPU, ${threads} thread${threads === 1 ? '' : 's'}, context ${contextSize})`);
  const one = pLimit(1);
  return {
    model: path.basename(config.model),
    call: (system, user, signal, attempt = 0, opts = {}) => one(async () => {
      const sequence = context.getSequence();
      const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: system, chatWrapper, autoDisposeSequence: false });
      try {
        return await session.prompt(user, {
          grammar: opts.format === 'mmvet-score' ? scoreGrammar : grammar,
          temperature: opts.temperature ?? config.temperature, maxTokens: opts.maxTokens ?? config.maxTokens, signal,
          // Same prompt and try → same sampling, whatever order the calls arrive in.
          seed: (promptSeed(user) + attempt) >>> 0,
        });
      } catch (err) {
        if (signal?.aborted) throw new BackendError('judge request aborted', { code: 'E_ABORTED', cause: err });
        throw new BackendError(`local judge failed: ${(err as Error).message}`, { code: 'E_JUDGE', retryable: false, cause: err });
      } finally {
        session.dispose({ disposeSequence: true });
      }
    }),
    async close() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

export function assertLocalJudgeConfig(config: JudgeConfig): void {
  if (config.endpoint) {
    throw new ConfigError('judge.endpoint is for provider openai; provider llama-cpp loads judge.model (a GGUF path) in process', { field: 'judge.endpoint' });
  }
}
