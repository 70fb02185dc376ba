import path from 'node:path';
import type { SampleRecord } from '../core/record.ts';
import type { ModelSeries } from './series.ts';
import { isPerfSummary } from './series.ts';
import { findBySuffix, makeThumbnails, resolveImage, type ThumbnailOptions } from './thumbnails.ts';

/** judged: LLaVA-Bench style (a judge's score against the reference's); measured: perf requests. */
export const VERDICTS = ['right', 'wrong', 'partial', 'judged', 'measured', 'error', 'unscored'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * Sample data for the page's browser, compact enough for 10,000 samples: strings are interned once
 * (questions repeat across models), rows are arrays of indices, thumbnails are shared per image.
 * Row columns: [series, suite, sampleId, question, answer, reference, score, verdict, thumb, error, repeat,
 * scoreText, review]; string/thumb indices are -1 when absent.
 */
export interface SamplePayload {
  series: string[];
  suites: string[];
  verdicts: readonly string[];
  strings: string[];
  thumbs: string[];
  rows: Array<[number, number, number, number, number, number, number | null, number, number, number, number, number, number]>;
  /** Samples left out because of maxRows. */
  omitted: number;
  thumbsSkipped: number;
}

export interface SamplePayloadOptions {
  /** Longest string kept per field (answers can be long). */
  maxChars?: number;
  maxRows?: number;
  thumbnails?: ThumbnailOptions | false;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… [${s.length - max} more characters]` : s;
}

const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * A reference as a reader would write it: VQA answer lists as distinct answers with counts
 * ("stop ×6 | STOP"), multiple choice as "(B) 3", LLaVA-Bench's reference answer as its text.
 */
export function referenceText(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (scalar(v)) return String(v);
  if (Array.isArray(v)) {
    if (!v.every(scalar)) return v.map(referenceText).filter(Boolean).join(' | ');
    const counts = new Map<string, number>();
    for (const x of v) counts.set(String(x), (counts.get(String(x)) ?? 0) + 1);
    return [...counts].map(([a, n]) => (n > 1 ? `${a} ×${n}` : a)).join(' | ');
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.letter === 'string' && Array.isArray(o.choices) && typeof o.answer === 'number') return `(${o.letter}) ${String(o.choices[o.answer] ?? '')}`;
    if (typeof o.answer === 'string') return o.answer;
    if (Array.isArray(o.answers)) return referenceText(o.answers);
    return Object.entries(o).map(([k, x]) => `${k}: ${referenceText(x) ?? ''}`).join('\n');
  }
  return String(v);
}

const n1 = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? (Math.round(v * 10) / 10).toString() : '—');

/** LLaVA-Bench: the judge's two scores (model, reference) and the review it wrote. */
function judged(rec: SampleRecord): { score: number | null; text: string; review?: string } | undefined {
  const m = rec.scores.judge_model, r = rec.scores.judge_ref;
  if (typeof m !== 'number' && typeof r !== 'number') return undefined;
  const rel = typeof m === 'number' && typeof r === 'number' && r > 0 ? (100 * m) / r : null;
  const others = Object.entries(rec.scores).filter(([k, v]) => !k.startsWith('judge_') && typeof v === 'number').map(([k, v]) => `${k} ${(v as number).toFixed(2)}`);
  const review = (rec.meta?.review as { content?: unknown; status?: unknown } | undefined);
  return {
    score: rel, text: `judge: model ${n1(m)} vs ref ${n1(r)}${rel === null ? '' : ` → ${rel.toFixed(1)}%`}${others.length ? `\n${others.join(', ')}` : ''}`,
    review: review ? `${typeof review.status === 'string' && review.status !== 'ok' ? `[${review.status}] ` : ''}${String(review.content ?? '')}` : undefined,
  };
}

/** Perf request: its latencies instead of a score. */
function measured(rec: SampleRecord): string {
  const s = rec.scores, load = (rec.meta as { load?: unknown } | undefined)?.load;
  const parts = [['TTFT', s.ttft_ms], ['TPOT', s.tpot_ms], ['E2E', s.e2el_ms]].filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k} ${n1(v)} ms`);
  if (parts.length === 0 && rec.timings) parts.push(`TTFT ${n1(rec.timings.firstTokenMs)} ms`, `E2E ${n1(rec.timings.endMs)} ms`);
  return `${typeof load === 'string' ? `${load}: ` : ''}${parts.join('\n')}`;
}

/** The per-sample score shown and filtered on: the suite's headline key, else its first score. */
export function headlineScore(rec: SampleRecord, headline: string | undefined): number | null {
  const key = headline && headline in rec.scores ? headline : Object.keys(rec.scores)[0];
  const v = key ? rec.scores[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Right/wrong for 0/1 scores; graded scores are wrong at 0, right at full marks when the suite's scores
 * live in [0, 1] (VQA soft accuracy, ANLS), partial otherwise.
 */
export function verdictOf(rec: SampleRecord, score: number | null, binary: boolean, unitScale = false): Verdict {
  if (rec.error) return 'error';
  if (score === null) return 'unscored';
  if (binary) return score === 1 ? 'right' : 'wrong';
  if (score <= 0) return 'wrong';
  return unitScale && score >= 1 ? 'right' : 'partial';
}

/** The image file the sample sent (input.files), else its display name. */
function imageOf(rec: SampleRecord): string | undefined {
  return rec.input?.files?.[0] ?? rec.input?.images?.[0];
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]!); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function buildSamplePayload(series: readonly ModelSeries[], opts: SamplePayloadOptions = {}): Promise<SamplePayload> {
  const maxChars = opts.maxChars ?? 1500;
  const maxRows = opts.maxRows ?? 50_000;
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string | undefined): number => {
    if (s === undefined || s === '') return -1;
    const c = clip(s, maxChars);
    let i = index.get(c);
    if (i === undefined) { i = strings.length; strings.push(c); index.set(c, i); }
    return i;
  };
  const suites: string[] = [];
  const suiteIdx = (s: string) => { let i = suites.indexOf(s); if (i < 0) { i = suites.length; suites.push(s); } return i; };

  const pending: Array<{ rec: SampleRecord; si: number; binary: boolean; unitScale: boolean; perf: boolean; headline?: string; dirs: string[] }> = [];
  let omitted = 0;
  series.forEach((s, si) => {
    const recs = s.run.samples.filter((r) => r.model === s.model);
    const bySuite = new Map<string, SampleRecord[]>();
    for (const r of recs) { const l = bySuite.get(r.suite); if (l) l.push(r); else bySuite.set(r.suite, [r]); }
    for (const [suite, list] of bySuite) {
      const summary = s.run.summary.results.find((x) => x.model === s.model && x.suite === suite);
      const headline = summary?.headline;
      const perf = summary ? isPerfSummary(summary) : list.every((r) => r.timings && Object.keys(r.scores).every((k) => k.endsWith('_ms')));
      const scores = list.map((r) => headlineScore(r, headline)).filter((v): v is number => v !== null);
      const binary = scores.length > 0 && scores.every((v) => v === 0 || v === 1);
      const unitScale = scores.every((v) => v >= 0 && v <= 1);
      const ds = s.run.manifest.datasets?.[suite]?.path;
      // The layouts the shipped suites use (LLaVA-Bench images/, ScienceQA images/test/<pid>/, TextVQA
      // train_images/) for runs older than input.files; suffix search below covers the rest.
      const dirs = [...(ds ? [ds, path.join(ds, 'images'), path.join(ds, 'images', 'test'), path.join(ds, 'train_images')] : []), s.run.dir];
      for (const rec of list) {
        if (pending.length >= maxRows) { omitted++; continue; }
        pending.push({ rec, si, binary, unitScale, perf, headline, dirs });
      }
    }
  });

  // Resolve each distinct image name once, then thumbnail each distinct file once.
  const fileOf = new Map<string, string | undefined>();
  let thumbs: Awaited<ReturnType<typeof makeThumbnails>> | undefined;
  if (opts.thumbnails !== false) {
    const wanted = new Map<string, { parts: string[]; rank: number }>();
    const perSuite = new Map<string, number>();
    for (const p of pending) {
      const img = imageOf(p.rec);
      const key = img && `${p.dirs.join('\u0000')}\u0000${img}`;
      if (!key || wanted.has(key)) continue;
      const rank = perSuite.get(p.rec.suite) ?? 0;
      perSuite.set(p.rec.suite, rank + 1);
      wanted.set(key, { parts: [img, ...p.dirs], rank });
    }
    await mapLimit([...wanted], 8, async ([key, { parts: [img, ...dirs] }]) => { fileOf.set(key, await resolveImage(img!, dirs)); });
    // Still missing: look for a file whose path ends with the recorded name under the dataset folder.
    const missing = [...wanted].filter(([k]) => fileOf.get(k) === undefined);
    if (missing.length) {
      const found = await findBySuffix(missing.map(([, w]) => ({ name: w.parts[0]!, root: w.parts[1] })));
      for (const [k, w] of missing) fileOf.set(k, found.get(`${w.parts[1]}\u0000${w.parts[0]}`));
    }
    // Interleave suites (1st image of every suite, then the 2nd…) so the cap leaves every suite some thumbnails.
    const files = [...wanted].sort((a, b) => a[1].rank - b[1].rank)
      .map(([k]) => fileOf.get(k)).filter((f): f is string => f !== undefined);
    thumbs = await makeThumbnails(files, opts.thumbnails);
  }
  const thumbOf = (key: string): number => {
    const f = fileOf.get(key);
    return f === undefined ? -1 : thumbs?.index.get(f) ?? -1;
  };

  const rows: SamplePayload['rows'] = pending.map(({ rec, si, binary, unitScale, perf, headline, dirs }) => {
    const judge = judged(rec);
    const score = perf ? null : judge ? judge.score : headlineScore(rec, headline);
    const verdict: Verdict = rec.error ? 'error' : perf ? 'measured' : judge ? 'judged' : verdictOf(rec, score, binary, unitScale);
    const scoreText = perf && !rec.error ? measured(rec) : judge?.text;
    const img = imageOf(rec);
    const thumb = img ? thumbOf(`${dirs.join('\u0000')}\u0000${img}`) : -1;
    const question = rec.input?.text ?? rec.prompt;
    const imageNote = rec.input?.images?.length ? `\n[image: ${rec.input.images.join(', ')}]` : '';
    return [
      si, suiteIdx(rec.suite), intern(rec.sampleId), intern(question === undefined ? undefined : question + imageNote),
      intern(rec.output), intern(referenceText(rec.reference)), score, VERDICTS.indexOf(verdict), thumb,
      intern(rec.error ? `${rec.error.code}: ${rec.error.message}` : undefined), rec.repeat, intern(scoreText), intern(judge?.review),
    ];
  });
  return {
    series: series.map((s) => s.name), suites, verdicts: VERDICTS, strings, thumbs: thumbs?.uris ?? [], rows,
    omitted, thumbsSkipped: thumbs?.skipped ?? 0,
  };
}
