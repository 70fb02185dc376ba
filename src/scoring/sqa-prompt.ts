import { SQA_OPTIONS } from './scienceqa.ts';
import { pyReplace, pyStrip } from './pytext.ts';

/**
 * The LLaVA ScienceQA prompt (LLaVA `llava/eval/model_vqa_science.py`): `scripts/convert_sqa_to_llava.py` with the
 * CQM-A format, as read back by `llava/eval/model_vqa_science.py`.
 */

/** `get_context_text` without captions: `" ".join([hint, ""]).strip()`, or "N/A" when that is empty. */
export function sqaContext(hint: string): string {
  const context = pyStrip(hint);
  return context === '' ? 'N/A' : context;
}

/** `get_choice_text`: `(A) x (B) y …`, space-joined. */
export function sqaChoiceText(choices: readonly string[]): string {
  return choices.map((c, i) => `(${SQA_OPTIONS[i]}) ${c}`).join(' ');
}

/**
 * The human turn of `llava_test_CQM-A.json` without the image tag: `Context: {c}\nQuestion: {q}\nOptions:
 * {choices}\n`, then one pass of `replace("  ", " ")` and `strip()` (so three spaces become two, as upstream).
 */
export function sqaCqmInput(p: { question: string; hint: string; choices: readonly string[] }): string {
  const input = `Context: ${sqaContext(p.hint)}\nQuestion: ${p.question}\nOptions: ${sqaChoiceText(p.choices)}\n`;
  return pyStrip(pyReplace(input, '  ', ' '));
}

/** The human turn as stored in `llava_test_CQM-A.json` (image problems get `\n<image>` appended). */
export function sqaLlavaHumanTurn(input: string, hasImage: boolean): string {
  return hasImage ? `${input}\n<image>` : input;
}

/** model_vqa_science.py: `value.replace('<image>', '').strip()` — the question text the model sees. */
export function sqaQuestionFromHumanTurn(value: string): string {
  return pyStrip(pyReplace(value, '<image>', ''));
}

/**
 * Recover context, choices and answer letter from a converted item when problems.json is not available:
 * `Context: …\nQuestion: …\nOptions: (A) … (B) …` and a gpt turn `The answer is X.`.
 */
export function parseCqmTurns(human: string, gpt: string): { hint: string; question: string; choices: string[]; answer: number } | undefined {
  const m = /^Context: ([^]*?)\nQuestion: ([^]*?)\nOptions: ([^]*)$/u.exec(sqaQuestionFromHumanTurn(human));
  const a = /The answer is ([A-E])\./u.exec(gpt);
  if (!m || !a) return undefined;
  const choices = m[3]!.split(/ ?\([A-E]\) /u).slice(1);
  if (choices.length < 2) return undefined;
  return { hint: m[1] === 'N/A' ? '' : m[1]!, question: m[2]!, choices, answer: SQA_OPTIONS.indexOf(a[1] as (typeof SQA_OPTIONS)[number]) };
}
