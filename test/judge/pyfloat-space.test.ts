import { describe, expect, it } from 'vitest';
import { parseScoreOfficial } from '../../src/judge/parse.ts';
import { pyParseFloat } from '../../src/judge/pyformat.ts';

/** Python's float() strips str.isspace() characters: U+FEFF is not one (JavaScript's \s has it), U+001C–U+001F and U+0085 are. */
describe('pyParseFloat whitespace is Python\'s, not JavaScript\'s', () => {
  it.each(['\ufeff8', '8\ufeff'])('float(%j) raises', (t) => expect(pyParseFloat(t)).toBeUndefined());
  it.each(['\x1c8', '8\x85', '\u30008\u3000', '8\r'])('float(%j) = 8', (t) => expect(pyParseFloat(t)).toBe(8));
  it('a judge reply starting with a byte-order mark fails parse_score, as upstream', () => {
    expect(parseScoreOfficial('\ufeff8 9\nok')).toEqual([-1, -1]);
  });
});
