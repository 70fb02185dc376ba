import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SampleRecord } from '../../../src/core/record.ts';
import type { JudgeClient, SuiteContext } from '../../../src/core/suite.ts';
import type { VlmResult } from '../../../src/core/response.ts';
import type { LlavaBenchOptions } from '../../../suites/llava-bench/suite.ts';

export const tmp = (p = 'lb-') => mkdtempSync(path.join(tmpdir(), p));

export function suiteCtx(datasetDir: string, judge?: JudgeClient, options: Partial<LlavaBenchOptions> = {}): SuiteContext<LlavaBenchOptions> {
  return {
    datasetDir, fixturesDir: tmp(), seed: 0, services: judge ? { judge } : {}, log: () => {},
    options: { layout: 'auto', judgeRetries: 2, bootstrapIterations: 500, ...options },
  };
}

export function okResult(text: string): VlmResult & { ok: true } {
  return {
    ok: true, text, finishReason: 'stop',
    usage: { promptTokens: 10, completionTokens: 5, source: 'estimate' },
    timings: { startedAt: 0, chunkMs: [], chunkTokens: [], endMs: 1 },
  };
}

/** A journal line as the runner would write it for a scored sample. */
export function record(suite: string, sampleId: string, output: string, outcome: { scores: SampleRecord['scores']; meta?: Record<string, unknown>; reference?: unknown }): SampleRecord {
  return {
    key: `${suite}:${sampleId}`, model: 'm', suite, sampleId, repeat: 0, output, scores: outcome.scores,
    meta: outcome.meta, reference: outcome.reference, finishedAt: new Date(0).toISOString(),
  };
}
