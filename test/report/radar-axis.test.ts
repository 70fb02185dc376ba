import { describe, expect, it } from 'vitest';
import type { RunSummary, SuiteSummary } from '../../src/core/record.ts';
import type { LoadedRun } from '../../src/results/files.ts';
import type { RunManifest } from '../../src/results/manifest.ts';
import { measuredRadar, modelSeries } from '../../src/report/series.ts';

/** The combined `ocr` suite's headline follows the first benchmark found: its axis must follow the headline. */

const ocr = (headline: string, value: number, unit: string): SuiteSummary => ({
  model: 'm', suite: 'ocr', n: 10, errors: 0, headline, metrics: { [headline]: { value, n: 10, better: 'higher', unit } },
});
const run = (results: SuiteSummary[]): LoadedRun => ({
  dir: '/r/a', samples: [], manifest: { models: [{ id: 'm' }] } as unknown as RunManifest,
  summary: { runId: 'a', createdAt: '', configHash: '', results } satisfies RunSummary,
});

describe('measuredRadar: the ocr suite', () => {
  it('a DocVQA-only ocr run is drawn on DocVQA, not beside the published TextVQA numbers', () => {
    const m = measuredRadar(modelSeries([run([ocr('docvqa_anls', 41, 'ANLS×100')])]));
    expect(m.axes).toEqual(['DocVQA']);
    expect(m.series[0]!.values).toEqual({ DocVQA: 41 });
  });

  it('an OCRBench-only ocr run is drawn on OCRBench', () => {
    expect(measuredRadar(modelSeries([run([ocr('ocrbench_score', 512, 'points')])])).axes).toEqual(['OCRBench']);
  });

  it('a TextVQA headline stays on TextVQA', () => {
    expect(measuredRadar(modelSeries([run([ocr('textvqa_accuracy', 58, '%')])])).axes).toEqual(['TextVQA']);
  });
});
