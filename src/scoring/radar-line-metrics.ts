import { gqaCorrect, gqaTotals } from './gqa.ts';
import { MMBENCH_OPTIONS, mmbenchCircular, mmbenchExtract } from './mmbench.ts';
import { MME_COGNITION, MME_PERCEPTION, mmeCorrect, mmeTotals } from './mme.ts';
import { mmvetTotals } from './mmvet.ts';
import { parsePope, popeMetrics, type YesNo } from './pope.ts';
import { pyFormatFixed } from './pytext.ts';
import { seedCorrect, seedTotals } from './seed.ts';

/**
 * `vlmbench score --metric` for the radar benchmarks scored by their official scripts' rules; each
 * summary line prints what that script prints. Shares FieldProblem and the LineMetric shape with
 * line-metrics.ts (passed in to keep the import one-way).
 */

export interface FieldError { new (field: string, message: string): Error }
type Obj = Record<string, unknown>;

export function radarLineMetrics(FieldProblem: FieldError) {
  const describe = (v: unknown) => (v === undefined ? 'nothing' : Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`);
  const str = (o: Obj, f: string): string => {
    if (typeof o[f] !== 'string') throw new FieldProblem(f, `"${f}" must be a string (got ${describe(o[f])})`);
    return o[f] as string;
  };
  const optStr = (o: Obj, f: string): string | undefined => (o[f] === undefined ? undefined : str(o, f));
  const int = (o: Obj, f: string): number => {
    const v = typeof o[f] === 'string' && /^\d+$/.test(o[f] as string) ? Number(o[f]) : o[f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new FieldProblem(f, `"${f}" must be a non-negative integer (got ${describe(o[f])})`);
    return v;
  };
  const f2 = (x: number) => (Number.isNaN(x) ? 'n/a' : pyFormatFixed(x, 2));

  const gqa = {
    fields: 'prediction, answer (optional: structural, semantic, isBalanced)',
    read: (o: Obj) => ({
      prediction: str(o, 'prediction'), answer: str(o, 'answer'), structural: optStr(o, 'structural') ?? '', semantic: optStr(o, 'semantic') ?? '',
      isBalanced: o.isBalanced !== false,
    }),
    score: (x: { prediction: string; answer: string }) => gqaCorrect(x.prediction, x.answer),
    summary: (inputs: { prediction: string; answer: string; structural: string; semantic: string; isBalanced: boolean }[]) => {
      const t = gqaTotals(inputs.map((x) => ({ ...x, globalGroup: null })));
      const typed = inputs.some((x) => x.structural);
      return `gqa: n=${t.n} Accuracy: ${f2(t.accuracy)}%${typed ? ` Binary: ${f2(t.binary)}% Open: ${f2(t.open)}%` : ''} (eval.py, prediction = text.rstrip('.').lower())`;
    },
  };

  const mme = {
    fields: 'prediction, answer (Yes|No), subtask, image',
    read: (o: Obj) => {
      const answer = str(o, 'answer');
      if (!['yes', 'no'].includes(answer.toLowerCase())) throw new FieldProblem('answer', `"answer" must be Yes or No (got ${JSON.stringify(answer)})`);
      return { prediction: str(o, 'prediction'), gt: answer, subtask: str(o, 'subtask'), image: str(o, 'image') };
    },
    score: (x: { prediction: string; gt: string }) => mmeCorrect(x.prediction, x.gt),
    summary: (inputs: { prediction: string; gt: string; subtask: string; image: string }[]) => {
      const t = mmeTotals(inputs);
      const parts = Object.entries(t.subtasks).map(([k, v]) => `${k} ${f2(v.score)}`);
      const p = MME_PERCEPTION.length - t.missing.perception.length;
      const c = MME_COGNITION.length - t.missing.cognition.length;
      return `mme: n=${inputs.length} Perception=${f2(t.perception)} (${p}/10 subtasks) Cognition=${f2(t.cognition)} (${c}/4 subtasks); ${parts.join(', ')} (calculation.py: acc×100 + acc+×100)`;
    },
  };

  const mmbench = {
    fields: 'prediction, answer (letter), index, A, B (C, D optional)',
    read: (o: Obj) => {
      const choices: Record<string, string> = {};
      for (const c of MMBENCH_OPTIONS) {
        if (o[c] === undefined || o[c] === null || o[c] === '') break;
        choices[c] = str(o, c);
      }
      if (Object.keys(choices).length < 2) throw new FieldProblem('A', 'options "A" and "B" must be strings');
      const answer = str(o, 'answer');
      if (!(answer in choices)) throw new FieldProblem('answer', `"answer" must be one of ${Object.keys(choices).join(', ')} (got ${JSON.stringify(answer)})`);
      return { prediction: str(o, 'prediction'), answer, index: int(o, 'index'), choices };
    },
    score: (x: { prediction: string; answer: string; choices: Record<string, string> }) => (mmbenchExtract(x.prediction, x.choices) === x.answer ? 1 : 0),
    summary: (inputs: { index: number }[], scores: number[]) => {
      const c = mmbenchCircular(inputs.map((x, i) => ({ index: x.index, correct: scores[i] === 1 })));
      return `mmbench: rows=${inputs.length} CircularEval=${f2(c.circular)}% (${c.groupsRight}/${c.groups} questions right in every rotation) vanilla=${f2(c.vanilla)}% (VLMEvalKit exact matching, no LLM fallback)`;
    },
  };

  const seed = {
    fields: 'prediction, answer (A–D), question_type_id',
    read: (o: Obj) => ({ prediction: str(o, 'prediction'), answer: str(o, 'answer'), typeId: int(o, 'question_type_id') }),
    score: (x: { prediction: string; answer: string }) => seedCorrect(x.prediction, x.answer),
    summary: (inputs: { typeId: number }[], scores: number[]) => {
      const t = seedTotals(inputs.map((x, i) => ({ typeId: x.typeId, correct: scores[i] === 1 })));
      return `seed: n=${t.n} accuracy=${f2(t.total)}%; ${Object.entries(t.perType).map(([k, [a]]) => `type ${k} ${f2(a)}%`).join(', ')} (exact letter, convert_seed_for_submission.py)`;
    },
  };

  const pope = {
    fields: 'prediction, label (yes|no) (optional: category)',
    read: (o: Obj) => {
      const label = o.label;
      if (label !== 'yes' && label !== 'no') throw new FieldProblem('label', `"label" must be "yes" or "no" (got ${JSON.stringify(label)})`);
      return { prediction: str(o, 'prediction'), label: label as YesNo, category: optStr(o, 'category') };
    },
    score: (x: { prediction: string; label: YesNo }) => (parsePope(x.prediction) === x.label ? 1 : 0),
    summary: (inputs: { prediction: string; label: YesNo; category?: string }[]) => {
      const f = (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(4));
      const line = (xs: typeof inputs) => {
        const m = popeMetrics(xs.map((x) => ({ pred: parsePope(x.prediction), label: x.label })));
        return { m, text: `n=${xs.length} accuracy=${f(m.accuracy)} precision=${f(m.precision)} recall=${f(m.recall)} f1=${f(m.f1)} yes-ratio=${f(m.yesRatio)}` };
      };
      const cats = [...new Set(inputs.map((x) => x.category).filter((c): c is string => c !== undefined))];
      if (cats.length === 0) return `pope: ${line(inputs).text}`;
      const per = cats.map((c) => ({ c, ...line(inputs.filter((x) => x.category === c)) }));
      const meanF1 = per.reduce((s, p) => s + p.m.f1, 0) / per.length;
      return `pope: mean F1 over ${per.length} categor${per.length === 1 ? 'y' : 'ies'} = ${f(meanF1 * 100 / 100)} (×100 = ${f2(meanF1 * 100)}, as LLaVA-1.5 reports it); ${per.map((p) => `${p.c}: ${p.text}`).join('; ')}`;
    },
  };

  const mmvet = {
    fields: 'score (grader 0.0–1.0), capability[]; or prediction, answer, question with --judge to grade them',
    read: (o: Obj) => {
      const caps = o.capability;
      if (!Array.isArray(caps) || !caps.every((c) => typeof c === 'string')) throw new FieldProblem('capability', `"capability" must be a list of strings (got ${describe(caps)})`);
      const score = o.score;
      if (score !== undefined && (typeof score !== 'number' || !(score >= 0 && score <= 1))) throw new FieldProblem('score', `"score" must be a number from 0.0 to 1.0 (got ${JSON.stringify(score)})`);
      const graded = typeof score === 'number';
      return {
        capabilities: caps as string[], score: graded ? score : undefined,
        prediction: graded ? optStr(o, 'prediction') : str(o, 'prediction'), answer: graded ? optStr(o, 'answer') : str(o, 'answer'), question: graded ? optStr(o, 'question') : str(o, 'question'),
      };
    },
    score: (x: { score?: number }) => {
      if (x.score === undefined) throw new FieldProblem('score', 'no "score": grade the lines with --judge <judge-config.yaml>, or give each line a grader score');
      return x.score;
    },
    summary: (inputs: { capabilities: string[] }[], scores: number[]) => {
      const t = mmvetTotals(inputs.map((x, i) => ({ capabilities: x.capabilities, score: scores[i]! })));
      return `mmvet: n=${t.n} total=${t.total}; ${t.columns.map(([c, v]) => `${c} ${v}`).join(', ')} (mm-vet_evaluator.py: mean grader score ×100 per capability, one decimal)`;
    },
  };

  return { gqa, mme, mmbench, seed, pope, mmvet };
}
