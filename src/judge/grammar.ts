/**
 * GBNF for a local judge: the first line is exactly two integer scores 1–10 separated by one space
 * (what both parsers accept), then a newline and a bounded explanation without control characters.
 * The bound ends generation even on a model that never emits EOS.
 */
export function judgeGrammar(maxExplanationChars = 400): string {
  return [
    'root ::= score " " score "\\n" explanation',
    'score ::= [1-9] | "10"',
    `explanation ::= [^\\x00-\\x08\\x0b-\\x1f]{1,${maxExplanationChars}}`,
  ].join('\n');
}

/** GBNF for the MM-Vet grader reply: one correctness score 0.0, 0.1, … 1.0 and nothing else. */
export function mmvetGrammar(): string {
  return 'root ::= "0." [0-9] | "1.0"';
}
