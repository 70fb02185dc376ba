/**
 * Python number formatting and rounding, reproduced exactly. The LLaVA review prompt embeds Python's
 * `str(list)` of bounding boxes, the official parser uses Python's `float()`, and the official summary
 * rounds with Python's `round` (half-to-even on the exact binary value). JavaScript's `String`,
 * `JSON.stringify`, `Number` and `toFixed` differ on all three, so they are written out here.
 */
import { pyStrip } from '../scoring/pytext.ts';

/** Python `repr(float)`: shortest round-trip digits; fixed notation for exponents in [-4, 16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument yields the shortest digits that round-trip (as Python's repr).
  const [mant = '', expText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${sign}${m}e${e}`;
}

/** One element as Python prints it inside a list: ints keep their integer form, floats use repr. */
export function pyNumberRepr(x: number, isInt: boolean): string {
  if (isInt && Number.isInteger(x)) return BigInt(x).toString();
  return pyFloatRepr(x);
}

/** Python `str(list_of_numbers)`: `[0.1, 0.25, 0]` with `, ` separators. `ints[i]` marks JSON integer literals. */
export function pyListRepr(values: readonly number[], ints: readonly boolean[] = []): string {
  return `[${values.map((v, i) => pyNumberRepr(v, ints[i] ?? false)).join(', ')}]`;
}

/** Exact decimal expansion of a finite double as a scaled BigInt: x = num / 10^scale. */
function exactDecimal(x: number): { num: bigint; scale: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const negative = hi >>> 31 === 1;
  const expBits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else { mantissa |= 1n << 52n; exp = expBits - 1075; }
  let num: bigint;
  let scale: number;
  if (exp >= 0) { num = mantissa << BigInt(exp); scale = 0; }
  else { num = mantissa * 5n ** BigInt(-exp); scale = -exp; } // m / 2^k = m * 5^k / 10^k
  return { num: negative ? -num : num, scale };
}

/** Python's built-in `round(x, ndigits)` for floats: half-to-even on the exact binary value. */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const { num, scale } = exactDecimal(x);
  if (scale <= ndigits) return x;
  const divisor = 10n ** BigInt(scale - ndigits);
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let q = abs / divisor;
  const r = abs % divisor;
  const twice = r * 2n;
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q += 1n;
  // Python builds the result from the decimal string, so parse it back the same way.
  const digits = q.toString().padStart(ndigits + 1, '0');
  const text = ndigits > 0 ? `${digits.slice(0, -ndigits)}.${digits.slice(-ndigits)}` : digits;
  const value = Number(text);
  return negative ? -value : value;
}

/** Unicode decimal digit (Nd) → its value; Nd characters come in runs of ten starting at zero. */
function unicodeDigitValue(ch: string): number | undefined {
  if (!/\p{Nd}/u.test(ch)) return undefined;
  let cp = ch.codePointAt(0)!;
  let start = cp;
  while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** Python `float(text)`: undefined where Python raises ValueError. Accepts `8_9`, non-ASCII digits, inf, nan. */
export function pyParseFloat(text: string): number | undefined {
  // Python's whitespace set (JavaScript's \s also has U+FEFF, which float() rejects).
  const stripped = pyStrip(text);
  const ascii = Array.from(stripped, (ch) => {
    const d = /[0-9]/.test(ch) ? undefined : unicodeDigitValue(ch);
    return d === undefined ? ch : String(d);
  }).join('');
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(ascii);
  if (special) {
    const neg = special[1] === '-';
    if (special[2]!.toLowerCase() === 'nan') return NaN;
    return neg ? -Infinity : Infinity;
  }
  if (!PY_FLOAT.test(ascii)) return undefined;
  return Number(ascii.replace(/_/g, ''));
}
