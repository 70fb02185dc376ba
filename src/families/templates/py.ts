/**
 * The few Python string semantics the upstream template code depends on. The templates must fail
 * where upstream fails (e.g. `str + None`), so these helpers raise an UpstreamTemplateError carrying the
 * Python exception name instead of silently producing a string.
 */

export class UpstreamTemplateError extends Error {
  /** Python exception class upstream raises: TypeError, AssertionError, ValueError. */
  readonly pyError: string;
  constructor(pyError: string, message: string) {
    super(`${pyError}: ${message}`);
    this.name = 'UpstreamTemplateError';
    this.pyError = pyError;
  }
}

/** Python truthiness of an optional message: None and '' are both false. */
export const truthy = (s: string | null): s is string => s !== null && s !== '';

/** `a + b + …` on Python str: any None operand raises TypeError. */
export function pyConcat(...parts: Array<string | null>): string {
  for (const p of parts) {
    if (p === null) throw new UpstreamTemplateError('TypeError', 'can only concatenate str (not "NoneType") to str');
  }
  return parts.join('');
}

/** `s.lstrip(chars)`: strips any leading character that is in the set (not a prefix!); '' strips nothing. */
export function pyLstrip(s: string, chars: string): string {
  if (chars === '') return s;
  const set = new Set(chars);
  let i = 0;
  while (i < s.length && set.has(s[i]!)) i++;
  return s.slice(i);
}

// Python's str.isspace() set (str.strip() without arguments), which differs from JS trim().
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g');

/** `s.strip()` */
export const pyStrip = (s: string): string => s.replace(PY_STRIP, '');

/** `s.replace(old, new, 1)` without JS `$`-pattern interpretation. */
export const pyReplaceFirst = (s: string, old: string, value: string): string => {
  const at = s.indexOf(old);
  return at < 0 ? s : s.slice(0, at) + value + s.slice(at + old.length);
};
