/**
 * Python string semantics the official scorers depend on. JavaScript's `trim`, `\s`, `\d`, `.` and
 * `length` differ from Python's `strip`, `split`, `\d`, `.` and `len` on non-ASCII input, and
 * `toFixed` rounds ties differently from `'{:.2f}'.format` — each difference moves published scores.
 */

/**
 * Python's whitespace set (`str.isspace`, used by `strip()` and `split()`): unlike JavaScript's `\s`
 * it includes U+001C–U+001F and U+0085, and excludes U+FEFF.
 */
const PY_WS_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_RUN = new RegExp(`[${PY_WS_CLASS}]+`, 'u');
const PY_LEADING_WS = new RegExp(`^[${PY_WS_CLASS}]+`, 'u');
const PY_TRAILING_WS = new RegExp(`[${PY_WS_CLASS}]+$`, 'u');

/** `s.strip()` */
export function pyStrip(s: string): string {
  return s.replace(PY_LEADING_WS, '').replace(PY_TRAILING_WS, '');
}

/** `s.split()` with no argument: split on runs of whitespace, no empty strings. */
export function pySplit(s: string): string[] {
  const stripped = pyStrip(s);
  return stripped === '' ? [] : stripped.split(PY_WS_RUN);
}

/** `len(s)`: code points, not UTF-16 units. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** `s.replace(old, new)` for every occurrence (literal, not a pattern). */
export function pyReplace(s: string, old: string, replacement: string): string {
  return s.split(old).join(replacement);
}

/**
 * `'{:.Nf}'.format(x)`: Python rounds the exact binary value half-to-even (25/32·100 = 78.125 → "78.12"),
 * where `toFixed` rounds the tie up ("78.13"). `toFixed(100)` yields the exact decimal expansion for
 * any value at least 2^-48, which covers percentages of counts.
 */
export function pyFormatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  const negative = x < 0 || Object.is(x, -0);
  const exact = Math.abs(x).toFixed(100);
  const [intPart, frac = ''] = exact.split('.') as [string, string?];
  const kept = frac.slice(0, digits);
  const rest = frac.slice(digits);
  let digitsStr = intPart + kept;
  const first = rest[0] ?? '0';
  const tail = rest.slice(1);
  const roundUp = first > '5' || (first === '5' && (/[1-9]/.test(tail) || Number(digitsStr.at(-1)) % 2 === 1));
  if (roundUp) digitsStr = incrementDecimal(digitsStr);
  const head = digitsStr.slice(0, digitsStr.length - digits) || '0';
  const out = digits > 0 ? `${head}.${digitsStr.slice(-digits)}` : head;
  return negative ? `-${out}` : out;
}

function incrementDecimal(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === '9') { chars[i] = '0'; continue; }
    chars[i] = String(Number(chars[i]) + 1);
    return chars.join('');
  }
  return `1${chars.join('')}`;
}

/** Python's `round(x, n)`: half-to-even on the exact binary value, as a number. */
export function pyRound(x: number, digits: number): number {
  return Number(pyFormatFixed(x, digits));
}
