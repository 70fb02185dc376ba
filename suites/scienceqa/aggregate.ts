import type { MetricValue, SampleRecord, SuiteSummary } from '../../src/core/record.ts';
import type { MetricSpec } from '../../src/core/suite.ts';
import { llavaSqaSummaryLine, SQA_CATEGORIES, sqaCategoryTable, type SqaTableItem } from '../../src/scoring/scienceqa.ts';
import { wilsonInterval } from '../../src/scoring/stats.ts';

export const SQA_METRICS: Record<string, MetricSpec> = {
  img_accuracy: { better: 'higher', unit: '%' },
  accuracy: { better: 'higher', unit: '%' },
  ...Object.fromEntries(SQA_CATEGORIES.map((c) => [c, { better: 'higher', unit: '%' } satisfies MetricSpec])),
};

/** What a record carries in `meta` (written by describe/score). */
export interface SqaMeta { pid?: string; subject?: string; grade?: string; hint?: string; hasImage?: boolean; compat?: string }

const pctMetric = (correct: number, n: number): MetricValue => {
  if (n === 0) return { value: null, n: 0, better: 'higher', unit: '%' };
  const [lo, hi] = wilsonInterval(correct, n);
  return { value: (correct / n) * 100, ci: [lo * 100, hi * 100], n, better: 'higher', unit: '%' };
};

/**
 * ScienceQA summary, following the official scripts:
 * - accuracy: every attempted question; a failed generation counts as wrong (LLaVA writes FAILED for it);
 * - img_accuracy (headline, LLaVA-1.5's "SQA" column = SQA-IMG): image questions that got an answer —
 *   a missing prediction drops out of this denominator, as in eval_science_qa.py;
 * - NAT … G7-12: the tools/evaluate_acc.py table (TXT and IMG overlap), failures counted wrong.
 * All with 95% Wilson intervals.
 */
export function aggregateScienceQA(records: SampleRecord[]): Omit<SuiteSummary, 'model' | 'suite'> {
  const items: SqaTableItem[] = records.map((r) => {
    const m = (r.meta ?? {}) as SqaMeta;
    return { correct: !r.error && r.scores.correct === 1, subject: m.subject ?? '', grade: m.grade ?? '', hint: m.hint ?? '', hasImage: m.hasImage === true };
  });
  const errors = records.filter((r) => r.error).length;
  const table = sqaCategoryTable(items);
  const img = records.filter((r, i) => !r.error && items[i]!.hasImage);
  const imgCorrect = img.filter((r) => r.scores.correct === 1).length;
  const metrics: Record<string, MetricValue> = {
    img_accuracy: pctMetric(imgCorrect, img.length),
    accuracy: pctMetric(table.Avg.correct, table.Avg.total),
  };
  for (const c of SQA_CATEGORIES) metrics[c] = pctMetric(table[c].correct, table[c].total);
  const compat = [...new Set(records.map((r) => (r.meta as SqaMeta | undefined)?.compat).filter(Boolean))];
  const notes = [
    llavaSqaSummaryLine(records.length, table.Avg.correct, img.length, imgCorrect),
    `Answer extraction: ${compat.join(', ') || 'llava'}${compat.includes('lenient') ? ' (vlmbench lenient mode — not comparable with published numbers)' : ' (LLaVA eval_science_qa.py)'}.`,
  ];
  if (errors > 0) notes.push(`${errors} question(s) have no answer (dataset or generation error): counted wrong in accuracy and the table, left out of img_accuracy (LLaVA's rule).`);
  const official = Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v.official]));
  return {
    n: records.length, errors, headline: 'img_accuracy', metrics, notes,
    tables: { scienceqa: { columns: ['Avg', ...SQA_CATEGORIES], official, counts: table } },
  };
}
