/**
 * Exact decimal text → integer mantissa at a fixed scale, without going through floating
 * point. Used by the data loaders; the result is a safe integer or the parse fails.
 */

/** Outcome of {@link parseMantissa}: the mantissa, and whether digits had to be rounded off. */
export interface Parsed {
  /** Mantissa at the requested scale (NaN if the text is not a number or out of range). */
  m: number;
  /** `true` if non-zero digits beyond the scale were rounded (half to even). */
  rounded: boolean;
}

const out: Parsed = { m: 0, rounded: false };

/**
 * Parses `[-+]digits[.digits][e±n]` into `mantissa × 10^-scale`, rounding extra digits half to
 * even. Returns a shared result object (copy the fields before the next call). NaN for
 * anything else (empty, `NaN`, `inf`, `1,5`, beyond 2^53).
 */
export function parseMantissa(text: string, scale: number): Parsed {
  out.rounded = false;
  out.m = Number.NaN;
  let s = text.trim();
  if (s.length === 0) return out;
  let exp = 0;
  const ei = s.search(/[eE]/);
  if (ei >= 0) {
    const e = s.slice(ei + 1);
    if (!/^[+-]?\d{1,3}$/.test(e)) return out;
    exp = Number(e);
    s = s.slice(0, ei);
  }
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const dot = s.indexOf('.');
  let int = dot < 0 ? s : s.slice(0, dot);
  let frac = dot < 0 ? '' : s.slice(dot + 1);
  if ((int.length === 0 && frac.length === 0) || !/^\d*$/.test(int) || !/^\d*$/.test(frac)) return out;
  // apply the exponent by moving the point
  if (exp > 0) {
    const take = frac.slice(0, exp).padEnd(exp, '0');
    int += take;
    frac = frac.slice(exp);
  } else if (exp < 0) {
    const k = -exp;
    const pad = int.padStart(k + 1, '0');
    frac = pad.slice(pad.length - k) + frac;
    int = pad.slice(0, pad.length - k);
  }
  let digits = int + frac.slice(0, scale).padEnd(scale, '0');
  const rest = frac.slice(scale);
  let m = 0;
  digits = digits.replace(/^0+(?=\d)/, '');
  if (digits.length > 16) return out;
  m = Number(digits);
  if (rest.length > 0 && /[1-9]/.test(rest)) {
    out.rounded = true;
    const first = rest.charCodeAt(0) - 48;
    const tail = /[1-9]/.test(rest.slice(1));
    if (first > 5 || (first === 5 && (tail || m % 2 === 1))) m += 1;
  }
  if (!Number.isSafeInteger(m)) return out;
  out.m = neg ? -m : m;
  return out;
}

/** Rounds a mantissa to a multiple of `step` (half to even). */
export function roundToStep(m: number, step: number): number {
  if (step <= 1) return m;
  const q = Math.floor(m / step);
  const r = m - q * step;
  if (2 * r < step) return q * step;
  if (2 * r > step) return (q + 1) * step;
  return (q % 2 === 0 ? q : q + 1) * step;
}

/** Decimal places of a decimal string (`"0.010"` → 3). */
export function scaleOf(text: string): number {
  const i = text.indexOf('.');
  return i < 0 ? 0 : text.length - i - 1;
}

/** Mantissa at `scale` → decimal string (exact for safe integers). */
export function formatMantissa(m: number | bigint, scale: number): string {
  const neg = m < 0;
  let s = (neg ? -BigInt(m) : BigInt(m)).toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  }
  return neg && /[1-9]/.test(s) ? `-${s}` : s;
}
