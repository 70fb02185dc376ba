import { describe, expect, it } from 'vitest';
import { sqaContext, sqaCqmInput } from '../../src/scoring/sqa-prompt.ts';

/**
 * convert_sqa_to_llava_base_prompt.py: get_context_text joins [hint, caption-or-""] with a space and
 * strips, then "N/A" when empty — so the hint is stripped and a whitespace-only hint becomes "N/A".
 */
describe('ScienceQA CQM prompt (LLaVA conversion)', () => {
  it('strips the hint as get_context_text does; whitespace-only is N/A', () => {
    expect(sqaContext('')).toBe('N/A');
    expect(sqaContext(' \n ')).toBe('N/A');
    expect(sqaContext('  Read the text.\n')).toBe('Read the text.');
  });
  it('the human turn matches the upstream conversion for a padded hint', () => {
    // Python: ("Context: " + "Read the text." + "\nQuestion: Which?\nOptions: (A) x (B) y\n").replace("  ", " ").strip()
    expect(sqaCqmInput({ hint: ' Read the text. ', question: 'Which?', choices: ['x', 'y'] })).toBe('Context: Read the text.\nQuestion: Which?\nOptions: (A) x (B) y');
    expect(sqaCqmInput({ hint: '\n', question: 'Which?', choices: ['x', 'y'] })).toBe('Context: N/A\nQuestion: Which?\nOptions: (A) x (B) y');
  });
});
