import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SampleRecord } from '../../../src/core/record.ts';
import type { LoadedSample, QualitySuite, SuiteContext, SuiteModel } from '../../../src/core/suite.ts';
import type { VlmResult } from '../../../src/core/response.ts';

export const tmp = (p = 'sqa-') => mkdtempSync(path.join(tmpdir(), p));

export function ctxFor<O>(datasetDir: string, options: O, extra: Partial<SuiteContext<O>> = {}): SuiteContext<O> {
  return { datasetDir, fixturesDir: tmp('fx-'), seed: 0, services: {}, log: () => {}, options, ...extra };
}

export const model = (family = 'llava-1.5'): SuiteModel => ({
  family, info: { id: 'm', family, backend: 'llama-cpp', files: [] },
});

export function okResult(text: string): VlmResult & { ok: true } {
  return {
    ok: true, text, finishReason: 'stop',
    usage: { promptTokens: 10, completionTokens: 5, source: 'estimate' },
    timings: { startedAt: 0, chunkMs: [], chunkTokens: [], endMs: 1 },
  };
}

export const docs = <D>(samples: LoadedSample<D>[]) => samples.flatMap((s) => ('doc' in s ? [{ id: s.id, doc: s.doc }] : []));
export const errorsOf = <D>(samples: LoadedSample<D>[]) => samples.flatMap((s) => ('error' in s ? [{ id: s.id, error: s.error }] : []));

/** Run score() for every loaded doc with the reply `answer(doc)` and build the journal records, as the runner would. */
export async function recordsFor<D, O>(suite: QualitySuite<D, O>, samples: LoadedSample<D>[], ctx: SuiteContext<O>, answer: (doc: D) => string | Error): Promise<SampleRecord[]> {
  const out: SampleRecord[] = [];
  for (const s of samples) {
    const base = { key: `${suite.name}:${s.id}`, model: 'm', suite: suite.name, sampleId: s.id, repeat: 0, finishedAt: new Date(0).toISOString() };
    if ('error' in s) { out.push({ ...base, scores: {}, error: s.error }); continue; }
    const reply = answer(s.doc);
    const described = suite.describe?.(s.doc) ?? {};
    if (reply instanceof Error) {
      out.push({ ...base, scores: {}, meta: described.meta, reference: described.reference, error: { code: 'E_BACKEND', message: reply.message, retryable: false } });
      continue;
    }
    const o = await suite.score(s.doc, okResult(reply), ctx);
    out.push({ ...base, output: reply, scores: o.scores, meta: o.meta, reference: o.reference });
  }
  return out;
}
