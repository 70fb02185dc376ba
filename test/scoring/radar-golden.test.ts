import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gqaPrediction, gqaTotals, type GqaItem } from '../../src/scoring/gqa.ts';
import { mmeTotals, type MmeItem } from '../../src/scoring/mme.ts';
import { mmbenchCircular, mmbenchExtract } from '../../src/scoring/mmbench.ts';
import { mmvetTotals } from '../../src/scoring/mmvet.ts';
import { parsePope, popeMetrics } from '../../src/scoring/pope.ts';
import { pyFormatFixed } from '../../src/scoring/pytext.ts';
import { seedCorrect, seedTotals } from '../../src/scoring/seed.ts';
import { gqaSubmission, mmbenchSubmission, mmvetSubmission, seedSubmission, vizwizSubmission, vqav2Submission } from '../../src/scoring/submissions.ts';
import { ensureRadarSample } from '../../src/fixtures/datasets/radar.ts';
import { isNone, readTsv } from '../../suites/mmbench/tsv.ts';
import { gradeMmvet } from '../../suites/mm-vet/suite.ts';

/**
 * Golden outputs of the official scripts, run unchanged (stdlib + Debian python3-sklearn/pandas) on the
 * adversarial inputs stored next to them; `source` in the file names each script and commit.
 */
const golden = JSON.parse(readFileSync(new URL('./golden/radar.json', import.meta.url), 'utf8'));

describe('POPE: eval_pope.py per category', () => {
  const inputs = golden.pope.inputs as Record<string, [string, string][]>;
  it.each(Object.keys(inputs))('%s', (cat) => {
    const m = popeMetrics(inputs[cat]!.map(([text, label]) => ({ pred: parsePope(text), label })));
    const want = golden.pope.outputs[cat];
    expect({ tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn }).toEqual({ tp: want.tp, fp: want.fp, tn: want.tn, fn: want.fn });
    for (const k of ['accuracy', 'precision', 'recall', 'f1', 'yesRatio'] as const) expect(m[k]).toBe(want[k]);
  });
});

describe('MME: convert_answer_to_mme.py + calculation.py', () => {
  const t = mmeTotals(golden.mme.items as MmeItem[]);
  it('every subtask score (acc×100 + acc+×100) equals the official output exactly', () => {
    for (const [name, score] of Object.entries(golden.mme.subtasks as Record<string, number>)) expect([name, t.subtasks[name]!.score]).toEqual([name, score]);
  });
  it('Perception and Cognition totals', () => {
    expect(t.perception).toBe(golden.mme.totals.Perception);
    expect(t.cognition).toBe(golden.mme.totals.Cognition);
    expect(t.missing).toEqual({ perception: [], cognition: [] });
  });
});

describe('GQA: convert_gqa_for_eval.py + eval.py', () => {
  const questions = golden.gqa.questions as Record<string, { answer: string; isBalanced: boolean; types: { structural: string; semantic: string }; groups: { global: string | null } }>;
  const answers = golden.gqa.answers as { question_id: string; text: string }[];
  it('predictions file: text.rstrip(".").lower()', () => {
    expect(answers.map((a) => ({ questionId: a.question_id, prediction: gqaPrediction(a.text) }))).toEqual(golden.gqa.predictionsFile);
  });
  it('accuracy, binary, open, distribution and per-type tables', () => {
    const items: GqaItem[] = answers.map((a) => {
      const q = questions[a.question_id]!;
      return { prediction: a.text, answer: q.answer, isBalanced: q.isBalanced, structural: q.types.structural, semantic: q.types.semantic, globalGroup: q.groups.global };
    });
    const t = gqaTotals(items);
    const s = golden.gqa.scores;
    expect([t.accuracy, t.binary, t.open, t.distribution]).toEqual([s.accuracy, s.binary, s.open, s.distribution]);
    expect(t.perStructural).toEqual(s.accuracyPerStructuralType);
    expect(t.perSemantic).toEqual(s.accuracyPerSemanticType);
  });
});

const nan = (v: unknown) => (v === 'NaN' ? NaN : v);

describe('MMBench: VLMEvalKit can_infer + CircularEval (exact matching)', () => {
  const rows = golden.mmbench.rows as { index: number; choices: Record<string, string>; answer: string; prediction: string; extracted: string | false }[];
  it.each(rows.map((r) => [r.prediction, r] as const))('%j', (_, r) => {
    expect(mmbenchExtract(r.prediction, r.choices)).toBe(r.extracted);
  });
  it('a question counts only when every rotation is right', () => {
    const c = mmbenchCircular(rows.map((r) => ({ index: r.index, correct: mmbenchExtract(r.prediction, r.choices) === r.answer })));
    const hits = golden.mmbench.groupHits as Record<string, number>;
    expect(c.groups).toBe(Object.keys(hits).length);
    expect(c.groupsRight).toBe(Object.values(hits).reduce((a, b) => a + b, 0));
    expect(c.circular).toBe((100 * c.groupsRight) / c.groups);
  });
});

describe('SEED-Bench: convert_seed_for_submission.py', () => {
  const seed = golden.seed;
  it('per-type and image accuracy lines, missing answers counted wrong', () => {
    const answers = new Map((seed.answers as { question_id: number; text: string }[]).map((a) => [String(a.question_id), a.text]));
    // Rebuild the items from the upload file's question order and the annotation answers kept in the golden file.
    const items = (seed.annotation as { question_id: string; answer: string; question_type_id: number; data_type: string }[])
      .filter((q) => q.data_type === 'image')
      .map((q) => ({ typeId: q.question_type_id, correct: seedCorrect(answers.get(q.question_id) ?? '\u0000missing', q.answer) === 1 }));
    const t = seedTotals(items);
    const names = Object.fromEntries(Object.entries(seed.questionType as Record<string, number>).map(([n, id]) => [id, n]));
    const lines = Object.entries(t.perType).map(([id, [acc]]) => `${names[Number(id)]}: ${pyFormatFixed(acc, 2)}%`);
    expect([...lines, `image accuracy: ${pyFormatFixed(t.total, 2)}%`]).toEqual((seed.printed as string[]).filter((l) => !/^(Action|Procedure|Total)/.test(l)));
  });
});

describe('MM-Vet: mm-vet_evaluator.py grading and totals', () => {
  const mv = golden.mmvet;
  const data = mv.data as Record<string, { capability: string[]; question: string; answer: string }>;
  it('grader prompts, temperatures, retries and scores per item', async () => {
    for (const id of Object.keys(data)) {
      const replies = mv.script[id] as string[];
      const seen: { user: string; temperature?: number }[] = [];
      const judge = {
        id: 'scripted', provenance: {}, rules: {}, compat: 'default', stats: { calls: 0, cacheHits: 0 }, close: async () => {},
        complete: async (_s: string, user: string, _sig?: AbortSignal, o?: { temperature?: number }) => { seen.push({ user, temperature: o?.temperature }); return replies[Math.min(seen.length - 1, replies.length - 1)]!; },
      };
      const grade = await gradeMmvet(judge as never, data[id]!, mv.predictions[id]);
      const calls = (mv.calls as { id: string; temperature: number; prompt: string }[]).filter((c) => c.id === id).slice(0, 5);
      expect(seen.map((s) => s.user)).toEqual(calls.map((c) => c.prompt));
      expect(seen.map((s) => s.temperature)).toEqual(calls.map((c) => c.temperature));
      expect(grade.score).toEqual(nan(mv.scores[id]));
    }
  });
  it('per-capability and total scores (×100, numpy rounding to one decimal)', () => {
    const t = mmvetTotals(Object.keys(data).map((id) => ({ capabilities: data[id]!.capability, score: nan(mv.scores[id]) as number })));
    const want = Object.fromEntries(Object.entries(mv.capScores as Record<string, unknown>).filter(([k]) => !['std', 'runs', 'total'].includes(k)).map(([k, v]) => [k, nan(v)]));
    expect(Object.fromEntries(t.columns)).toEqual(want);
    expect(t.total).toEqual(nan(mv.capScores.total));
    expect(new Set(t.columns.map(([c]) => c))).toEqual(new Set((mv.columns as string[]).filter((c) => !['std', 'runs', 'total'].includes(c))));
  });
});

describe('submission files: LLaVA converters, byte for byte', () => {
  const sub = golden.submissions;
  const texts = sub.texts as string[];
  it('VQAv2 test-dev (EvalAI answers, "" for a question without an answer)', () => {
    const ids = sub.vqav2.questionIds as number[];
    expect(vqav2Submission(ids.map((id, i) => ({ questionId: String(id), text: texts[i] })))).toBe(sub.vqav2.upload);
  });
  it('VizWiz test', () => {
    expect(vizwizSubmission((sub.vizwiz.images as string[]).map((image, i) => ({ questionId: image, image, text: texts[i] })))).toBe(sub.vizwiz.upload);
  });
  it('MM-Vet results file (indent 2)', () => {
    expect(mmvetSubmission(texts.map((t, i) => ({ questionId: `v1_${i}`, text: t })))).toBe(sub.mmvet);
  });
  it('SEED-Bench upload lines and GQA predictions file', () => {
    const up = golden.seed.uploadAnswers as { question_id: number; text: string }[];
    const order = (golden.seed.annotation as { question_id: string }[]).map((q) => q.question_id);
    const byId = new Map(up.map((a) => [String(a.question_id), a.text]));
    expect(seedSubmission(order.map((id) => ({ questionId: id, text: byId.get(id) })))).toBe(golden.seed.upload);
    const g = golden.gqa.answers as { question_id: string; text: string }[];
    expect(JSON.parse(gqaSubmission(g.map((a) => ({ questionId: a.question_id, text: a.text }))))).toEqual(golden.gqa.predictionsFile);
  });
});

describe('MMBench upload (.xlsx): convert_mmbench_for_submission.py', () => {
  it('same sheet, columns and cells as the official converter (read back with openpyxl)', async () => {
    const ms = golden.mmbenchSubmission;
    const dir = await ensureRadarSample(mkdtempSync(path.join(tmpdir(), 'mmb-sub-')), 'mmbench');
    const { header, rows } = await readTsv(path.join(dir, 'mmbench_dev_20230712.tsv'), '');
    const preds = new Map((ms.answers as { question_id: number; text: string }[]).map((a) => [a.question_id, a.text]));
    const xlsx = mmbenchSubmission(header, rows, preds, isNone);
    const sheet = /<sheetData>(.*)<\/sheetData>/s.exec(xlsx.toString('utf8'))![1]!;
    const unxml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const grid = [...sheet.matchAll(/<row r="\d+">(.*?)<\/row>/gs)].map(([, row]) => {
      const cells: unknown[] = Array((ms.grid as unknown[][])[0]!.length).fill(null);
      for (const [, ref, t, body] of row!.matchAll(/<c r="([A-Z]+)\d+"( t="inlineStr")?>(.*?)<\/c>/gs)) {
        const col = ref!.charCodeAt(0) - 65;
        cells[col] = t ? unxml(/<t[^>]*>(.*)<\/t>/s.exec(body!)![1]!) : Number(/<v>(.*)<\/v>/.exec(body!)![1]);
      }
      return cells;
    });
    expect(grid).toEqual(ms.grid);
    expect(xlsx.subarray(0, 4).toString('hex')).toBe('504b0304');
  });
});
