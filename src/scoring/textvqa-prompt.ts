/**
 * LLaVA's TextVQA question recovery (`llava/eval/eval_textvqa.py::prompt_processor`
 * §3.3): the scorer finds the annotation by (image id, question.lower()), taking the question out of the
 * saved prompt. Returns undefined where upstream asserts.
 */
export function textvqaQuestionFromPrompt(prompt: string): string | undefined {
  const lines = prompt.split('\n');
  let question: string | undefined;
  if (prompt.startsWith('OCR tokens: ')) {
    question = /Question: ([^]*?) Short answer:/u.exec(prompt)?.[1];
  } else if (prompt.includes('Reference OCR token: ') && lines.length === 3) {
    question = prompt.startsWith('Reference OCR token:') ? lines[1] : lines[0];
  } else if (lines.length === 2) {
    question = lines[0];
  }
  return question?.toLowerCase();
}

/** The short-answer suffix LLaVA's question files already carry (docs/Evaluation.md). */
export const LLAVA_SHORT_SUFFIX = '\nAnswer the question using a single word or phrase.';

/** The OCR-token line of `llava_textvqa_val_v051_ocr.jsonl`, if the prompt has one. */
export function textvqaOcrLine(prompt: string): string | undefined {
  return prompt.split('\n').find((l) => l.startsWith('Reference OCR token: '));
}
