import { normalizeEvalAI } from './evalai.ts';
import { gqaPrediction } from './gqa.ts';
import { xlsxSheet, type Cell } from './xlsx.ts';

/**
 * Upload files for the benchmarks whose test splits are scored by a server, byte for byte as LLaVA's
 * converters write them (Python `json.dump` defaults: ", " and ": " separators, ASCII with \u escapes).
 */

/** Python `json.dumps(v)` / `json.dumps(v, indent=n)` for strings, integers, lists and dicts. */
export function pyJson(v: unknown, indent?: number, level = 0): string {
  if (typeof v === 'string') return pyJsonString(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const pad = (n: number) => (indent === undefined ? '' : `\n${' '.repeat(indent * n)}`);
  const sep = indent === undefined ? ', ' : ',';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${pad(level + 1)}${v.map((x) => pyJson(x, indent, level + 1)).join(sep + pad(level + 1))}${pad(level)}]`;
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length === 0 ? '{}' : `{${pad(level + 1)}${entries.map(([k, x]) => `${pyJsonString(k)}: ${pyJson(x, indent, level + 1)}`).join(sep + pad(level + 1))}${pad(level)}}`;
}

const pyFloatRepr = (x: number) => (Number.isFinite(x) ? (String(x).includes('.') || String(x).includes('e') ? String(x) : `${x}.0`) : x > 0 ? 'Infinity' : x < 0 ? '-Infinity' : 'NaN');

function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** An answer of the run: the question id as the question file has it, and the model's text (undefined = no answer). */
export interface RunAnswer { questionId: string | number; text?: string; image?: string }

const numericId = (id: string | number) => (typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id);

/** convert_vqav2_for_submission.py: [{"question_id", "answer": EvalAI(text) or ""}] in question-file order. */
export function vqav2Submission(answers: readonly RunAnswer[]): string {
  return pyJson(answers.map((a) => ({ question_id: numericId(a.questionId), answer: a.text === undefined ? '' : normalizeEvalAI(a.text) })));
}

/** convert_vizwiz_for_submission.py: [{"image", "answer": EvalAI(text)}]; upstream asserts every answer is present. */
export function vizwizSubmission(answers: readonly RunAnswer[]): string {
  const missing = answers.find((a) => a.text === undefined);
  if (missing) throw new RangeError(`no answer for ${missing.image ?? missing.questionId}: the VizWiz server needs every test question`);
  return pyJson(answers.map((a) => ({ image: a.image ?? String(a.questionId), answer: normalizeEvalAI(a.text!) })));
}

/** convert_gqa_for_eval.py: testdev_balanced_predictions.json, [{"questionId", "prediction": text.rstrip('.').lower()}]. */
export function gqaSubmission(answers: readonly RunAnswer[]): string {
  return pyJson(answers.map((a) => ({ questionId: a.questionId, prediction: gqaPrediction(a.text ?? '') })));
}

/** convert_seed_for_submission.py: one {"question_id", "prediction"} line per question of SEED-Bench.json. */
export function seedSubmission(answers: readonly RunAnswer[]): string {
  return answers.map((a) => `${pyJson({ question_id: a.questionId, prediction: a.text ?? '' })}\n`).join('');
}

/** convert_mmvet_for_eval.py: {"v1_<n>": text} with indent=2, the MM-Vet evaluator's result file. */
export function mmvetSubmission(answers: readonly RunAnswer[]): string {
  return pyJson(Object.fromEntries(answers.map((a) => [String(a.questionId), a.text ?? ''])), 2);
}

/** Columns convert_mmbench_for_submission.py drops from the TSV before inserting "prediction" at position 6. */
const MMBENCH_DROPPED = new Set(['hint', 'category', 'source', 'image', 'comment', 'l2-category']);

/**
 * convert_mmbench_for_submission.py: the annotation TSV without hint/category/source/image/comment/
 * l2-category, a "prediction" column inserted at position 6 (the model's raw text by index; empty where
 * there is none), written as .xlsx. Cells read as numbers by pandas (a column of integers or decimals)
 * stay numbers; pandas' NA strings are empty cells.
 */
export function mmbenchSubmission(header: readonly string[], rows: readonly Record<string, string>[], predictions: ReadonlyMap<number, string>, isNa: (v: string) => boolean): Buffer {
  const kept = header.filter((h) => !MMBENCH_DROPPED.has(h));
  const cols = [...kept.slice(0, 6), 'prediction', ...kept.slice(6)];
  const numeric = new Set(kept.filter((h) => {
    const vals = rows.map((r) => r[h] ?? '').filter((v) => !isNa(v));
    return vals.length > 0 && vals.every((v) => /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v.trim()));
  }));
  const out = rows.map((r) => cols.map((h): Cell => {
    if (h === 'prediction') return predictions.get(Number(r.index)) ?? null;
    const v = r[h] ?? '';
    if (isNa(v)) return null;
    return numeric.has(h) ? Number(v) : v;
  }));
  return xlsxSheet(cols, out);
}
