import path from 'node:path';
import type { SampleRecord } from '../core/record.ts';
import type { ModelSeries } from './series.ts';
import { makeThumbnails, resolveImage, type ThumbnailOptions } from './thumbnails.ts';

export const VERDICTS = ['right', 'wrong', 'partial', 'error', 'unscored'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * Sample data for the page's browser, compact enough for 10,000 samples: strings are interned once
 * (questions repeat across models), rows are arrays of indices, thumbnails are shared per image.
 * Row columns: [series, suite, sampleId, question, answer, reference, score, verdict, thumb, error, repeat];
 * string/thumb indices are -1 when absent.
 */
export interface SamplePayload {
  series: string[];
  suites: string[];
  verdicts: readonly string[];
  strings: string[];
  thumbs: string[];
  rows: Array<[number, number, number, number, number, number, number | null, number, number, number, number]>;
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

function textOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
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

  const pending: Array<{ rec: SampleRecord; si: number; binary: boolean; unitScale: boolean; headline?: string; dirs: string[] }> = [];
  let omitted = 0;
  series.forEach((s, si) => {
    const recs = s.run.samples.filter((r) => r.model === s.model);
    const bySuite = new Map<string, SampleRecord[]>();
    for (const r of recs) { const l = bySuite.get(r.suite); if (l) l.push(r); else bySuite.set(r.suite, [r]); }
    for (const [suite, list] of bySuite) {
      const headline = s.run.summary.results.find((x) => x.model === s.model && x.suite === suite)?.headline;
      const scores = list.map((r) => headlineScore(r, headline)).filter((v): v is number => v !== null);
      const binary = scores.length > 0 && scores.every((v) => v === 0 || v === 1);
      const unitScale = scores.every((v) => v >= 0 && v <= 1);
      const ds = s.run.manifest.datasets?.[suite]?.path;
      const dirs = [...(ds ? [ds] : []), s.run.dir];
      for (const rec of list) {
        if (pending.length >= maxRows) { omitted++; continue; }
        pending.push({ rec, si, binary, unitScale, headline, dirs });
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
      const img = p.rec.input?.images?.[0];
      const key = img && `${p.dirs.join('\u0000')}\u0000${img}`;
      if (!key || wanted.has(key)) continue;
      const rank = perSuite.get(p.rec.suite) ?? 0;
      perSuite.set(p.rec.suite, rank + 1);
      wanted.set(key, { parts: [img, ...p.dirs], rank });
    }
    await mapLimit([...wanted], 8, async ([key, { parts: [img, ...dirs] }]) => { fileOf.set(key, await resolveImage(img!, dirs)); });
    // Interleave suites (1st image of every suite, then the 2nd…) so the cap leaves every suite some thumbnails.
    const files = [...wanted].sort((a, b) => a[1].rank - b[1].rank)
      .map(([k]) => fileOf.get(k)).filter((f): f is string => f !== undefined);
    thumbs = await makeThumbnails(files, opts.thumbnails);
  }
  const thumbOf = (key: string): number => {
    const f = fileOf.get(key);
    return f === undefined ? -1 : thumbs?.index.get(f) ?? -1;
  };

  const rows: SamplePayload['rows'] = pending.map(({ rec, si, binary, unitScale, headline, dirs }) => {
    const score = headlineScore(rec, headline);
    const img = rec.input?.images?.[0];
    const thumb = img ? thumbOf(`${dirs.join('\u0000')}\u0000${img}`) : -1;
    const question = rec.input?.text ?? rec.prompt;
    const imageNote = rec.input?.images?.length ? `\n[image: ${rec.input.images.join(', ')}]` : '';
    return [
      si, suiteIdx(rec.suite), intern(rec.sampleId), intern(question === undefined ? undefined : question + imageNote),
      intern(rec.output), intern(textOf(rec.reference)), score, VERDICTS.indexOf(verdictOf(rec, score, binary, unitScale)), thumb,
      intern(rec.error ? `${rec.error.code}: ${rec.error.message}` : undefined), rec.repeat,
    ];
  });
  return {
    series: series.map((s) => s.name), suites, verdicts: VERDICTS, strings, thumbs: thumbs?.uris ?? [], rows,
    omitted, thumbsSkipped: thumbs?.skipped ?? 0,
  };
}
