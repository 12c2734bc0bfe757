//! Fixed-point decimals for money and quantities.
//!
//! A value is an `i64` mantissa and a decimal `scale`: the value is `mantissa × 10^-scale`.
//! The scale is the instrument's precision (a BTC-USDT price with tick 0.01 has scale 2).
//! Arithmetic between values of different scales is refused with
//! [`FixedError::ScaleMismatch`]: mixing scales is a bug, and the type catches it at run time
//! instead of silently rescaling. Every operation is checked; nothing wraps or rounds unless a
//! [`Rounding`] is asked for.
//!
//! [`Price`], [`Quantity`] and [`Notional`] are distinct types over [`Fixed`], so a price cannot
//! be added to a quantity; `Price × Quantity` gives a `Notional` whose scale is the sum of both.

use std::cmp::Ordering;
use std::fmt;

/// Largest supported scale (decimal places). `10^18` still fits in `i64`.
pub const MAX_SCALE: u8 = 18;

const POW10: [i64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// `10^scale` for `scale <= MAX_SCALE`.
#[inline]
#[must_use]
pub fn pow10(scale: u8) -> i64 {
    POW10[scale as usize]
}

/// Why a fixed-point operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FixedError {
    /// The two operands have different scales.
    #[error("scale mismatch: {left} vs {right} decimal places")]
    ScaleMismatch {
        /// Scale of the left operand.
        left: u8,
        /// Scale of the right operand.
        right: u8,
    },
    /// The result does not fit in `i64` at this scale.
    #[error("overflow in fixed-point {op}")]
    Overflow {
        /// The operation that overflowed.
        op: &'static str,
    },
    /// The requested scale is above [`MAX_SCALE`].
    #[error("scale {0} is above the maximum of {MAX_SCALE}")]
    ScaleTooLarge(u8),
    /// The text is not a plain decimal number (digits, one optional point, optional sign).
    #[error("not a decimal number: {0:?}")]
    Parse(String),
    /// The value has more significant decimal places than the scale allows.
    #[error("{text:?} has more than {scale} decimal places")]
    TooPrecise {
        /// The input as given.
        text: String,
        /// The scale it had to fit.
        scale: u8,
    },
    /// A float input was NaN or infinite.
    #[error("not a finite number: {0}")]
    NotFinite(f64),
    /// Division by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// An exact conversion was asked for and the value is not representable exactly.
    #[error("{0} is not exactly representable at the requested scale")]
    Inexact(String),
}

impl FixedError {
    /// Stable machine-readable code (used as the JS error `code`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::ScaleMismatch { .. } => "ERR_SCALE_MISMATCH",
            Self::Overflow { .. } => "ERR_OVERFLOW",
            Self::ScaleTooLarge(_) => "ERR_SCALE_TOO_LARGE",
            Self::Parse(_) => "ERR_PARSE",
            Self::TooPrecise { .. } => "ERR_TOO_PRECISE",
            Self::NotFinite(_) => "ERR_NOT_FINITE",
            Self::DivisionByZero => "ERR_DIVISION_BY_ZERO",
            Self::Inexact(_) => "ERR_INEXACT",
        }
    }
}

/// How to round when a result does not fit the target scale exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    /// Refuse with [`FixedError::Inexact`] / [`FixedError::TooPrecise`] (the default).
    #[default]
    Exact,
    /// Toward negative infinity.
    Floor,
    /// Toward positive infinity.
    Ceil,
    /// Toward zero.
    TowardZero,
    /// To nearest, ties to even (banker's rounding).
    HalfEven,
    /// To nearest, ties away from zero.
    HalfAwayFromZero,
}

/// Divides `num` by a positive `den` with the given rounding. Returns `None` for an inexact
/// result under [`Rounding::Exact`].
#[inline]
fn div_round(num: i128, den: i128, mode: Rounding) -> Option<i128> {
    debug_assert!(den > 0);
    let q = num.div_euclid(den); // floor for positive den
    let r = num.rem_euclid(den); // 0 <= r < den
    if r == 0 {
        return Some(q);
    }
    let up = q + 1;
    Some(match mode {
        Rounding::Exact => return None,
        Rounding::Floor => q,
        Rounding::Ceil => up,
        Rounding::TowardZero => {
            if num < 0 {
                up
            } else {
                q
            }
        }
        Rounding::HalfEven | Rounding::HalfAwayFromZero => match (2 * r).cmp(&den) {
            Ordering::Less => q,
            Ordering::Greater => up,
            Ordering::Equal => {
                if mode == Rounding::HalfEven {
                    if q % 2 == 0 {
                        q
                    } else {
                        up
                    }
                } else if num < 0 {
                    q
                } else {
                    up
                }
            }
        },
    })
}

/// Rounds `±(mag + f)` with `0 < f < 1` to an integer; `half` is `f.cmp(1/2)`.
fn round_tail(mag: i128, neg: bool, half: Ordering, mode: Rounding) -> Option<i128> {
    let away = match mode {
        Rounding::Exact => return None,
        Rounding::TowardZero => false,
        Rounding::Floor => neg,
        Rounding::Ceil => !neg,
        Rounding::HalfAwayFromZero => half != Ordering::Less,
        Rounding::HalfEven => match half {
            Ordering::Less => false,
            Ordering::Greater => true,
            Ordering::Equal => mag % 2 == 1,
        },
    };
    let r = if away { mag + 1 } else { mag };
    Some(if neg { -r } else { r })
}

#[inline]
fn to_i64(v: i128, op: &'static str) -> Result<i64, FixedError> {
    i64::try_from(v).map_err(|_| FixedError::Overflow { op })
}

/// A signed decimal `mantissa × 10^-scale`.
///
/// Equality and hashing are structural (`1.0` at scale 1 and `1.00` at scale 2 are different
/// values of different instruments); [`Fixed::cmp_value`] compares numerically across scales.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fixed {
    mantissa: i64,
    scale: u8,
}

impl Fixed {
    /// Builds from a raw mantissa.
    ///
    /// # Errors
    /// [`FixedError::ScaleTooLarge`] if `scale > MAX_SCALE`.
    #[inline]
    pub fn from_mantissa(mantissa: i64, scale: u8) -> Result<Self, FixedError> {
        if scale > MAX_SCALE {
            return Err(FixedError::ScaleTooLarge(scale));
        }
        Ok(Self { mantissa, scale })
    }

    /// Zero at `scale` (clamped to [`MAX_SCALE`]).
    #[inline]
    #[must_use]
    pub fn zero(scale: u8) -> Self {
        Self {
            mantissa: 0,
            scale: scale.min(MAX_SCALE),
        }
    }

    /// The raw integer mantissa.
    #[inline]
    #[must_use]
    pub const fn mantissa(self) -> i64 {
        self.mantissa
    }

    /// Number of decimal places.
    #[inline]
    #[must_use]
    pub const fn scale(self) -> u8 {
        self.scale
    }

    /// `true` if the value is zero.
    #[inline]
    #[must_use]
    pub const fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// `true` if the value is strictly positive.
    #[inline]
    #[must_use]
    pub const fn is_positive(self) -> bool {
        self.mantissa > 0
    }

    /// `true` if the value is strictly negative.
    #[inline]
    #[must_use]
    pub const fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    #[inline]
    fn same_scale(self, other: Self) -> Result<(), FixedError> {
        if self.scale == other.scale {
            Ok(())
        } else {
            Err(FixedError::ScaleMismatch {
                left: self.scale,
                right: other.scale,
            })
        }
    }

    /// Exact sum.
    ///
    /// # Errors
    /// [`FixedError::ScaleMismatch`] or [`FixedError::Overflow`].
    #[inline]
    pub fn checked_add(self, other: Self) -> Result<Self, FixedError> {
        self.same_scale(other)?;
        let m = self
            .mantissa
            .checked_add(other.mantissa)
            .ok_or(FixedError::Overflow { op: "add" })?;
        Ok(Self {
            mantissa: m,
            scale: self.scale,
        })
    }

    /// Exact difference.
    ///
    /// # Errors
    /// [`FixedError::ScaleMismatch`] or [`FixedError::Overflow`].
    #[inline]
    pub fn checked_sub(self, other: Self) -> Result<Self, FixedError> {
        self.same_scale(other)?;
        let m = self
            .mantissa
            .checked_sub(other.mantissa)
            .ok_or(FixedError::Overflow { op: "sub" })?;
        Ok(Self {
            mantissa: m,
            scale: self.scale,
        })
    }

    /// Exact negation.
    ///
    /// # Errors
    /// [`FixedError::Overflow`] for `i64::MIN`.
    #[inline]
    pub fn checked_neg(self) -> Result<Self, FixedError> {
        let m = self
            .mantissa
            .checked_neg()
            .ok_or(FixedError::Overflow { op: "neg" })?;
        Ok(Self {
            mantissa: m,
            scale: self.scale,
        })
    }

    /// Exact product by an integer.
    ///
    /// # Errors
    /// [`FixedError::Overflow`].
    #[inline]
    pub fn checked_mul_int(self, k: i64) -> Result<Self, FixedError> {
        let m = self
            .mantissa
            .checked_mul(k)
            .ok_or(FixedError::Overflow { op: "mul" })?;
        Ok(Self {
            mantissa: m,
            scale: self.scale,
        })
    }

    /// Exact product of two decimals; the scale of the result is the sum of the scales.
    ///
    /// # Errors
    /// [`FixedError::ScaleTooLarge`] if the scales sum above [`MAX_SCALE`], or
    /// [`FixedError::Overflow`].
    #[inline]
    pub fn checked_mul(self, other: Self) -> Result<Self, FixedError> {
        let scale = self.scale + other.scale;
        if scale > MAX_SCALE {
            return Err(FixedError::ScaleTooLarge(scale));
        }
        let m = i128::from(self.mantissa) * i128::from(other.mantissa);
        Ok(Self {
            mantissa: to_i64(m, "mul")?,
            scale,
        })
    }

    /// Quotient `self / other` at `scale`, rounded as asked.
    ///
    /// # Errors
    /// [`FixedError::DivisionByZero`], [`FixedError::Inexact`] under [`Rounding::Exact`],
    /// [`FixedError::ScaleTooLarge`] or [`FixedError::Overflow`].
    pub fn checked_div(self, other: Self, scale: u8, mode: Rounding) -> Result<Self, FixedError> {
        if scale > MAX_SCALE {
            return Err(FixedError::ScaleTooLarge(scale));
        }
        if other.mantissa == 0 {
            return Err(FixedError::DivisionByZero);
        }
        // self/other = (ma/mb) * 10^(sb - sa); result mantissa = that * 10^scale
        //            = ma * 10^(scale + sb - sa) / mb
        let exp = i32::from(scale) + i32::from(other.scale) - i32::from(self.scale);
        let (mut num, mut den) = (i128::from(self.mantissa), i128::from(other.mantissa));
        if exp >= 0 {
            // exp <= 36; 10^36 * 2^63 overflows i128, so check.
            let f = 10i128
                .checked_pow(exp.unsigned_abs())
                .ok_or(FixedError::Overflow { op: "div" })?;
            num = num
                .checked_mul(f)
                .ok_or(FixedError::Overflow { op: "div" })?;
        } else {
            let f = 10i128.pow(exp.unsigned_abs());
            den = den
                .checked_mul(f)
                .ok_or(FixedError::Overflow { op: "div" })?;
        }
        if den < 0 {
            num = -num;
            den = -den;
        }
        let q = div_round(num, den, mode)
            .ok_or_else(|| FixedError::Inexact(format!("{self}/{other}")))?;
        Ok(Self {
            mantissa: to_i64(q, "div")?,
            scale,
        })
    }

    /// The same value at another scale.
    ///
    /// # Errors
    /// [`FixedError::Inexact`] when reducing the scale drops non-zero digits under
    /// [`Rounding::Exact`], [`FixedError::ScaleTooLarge`] or [`FixedError::Overflow`].
    pub fn rescale(self, scale: u8, mode: Rounding) -> Result<Self, FixedError> {
        if scale > MAX_SCALE {
            return Err(FixedError::ScaleTooLarge(scale));
        }
        if scale >= self.scale {
            let f = pow10(scale - self.scale);
            let m = self
                .mantissa
                .checked_mul(f)
                .ok_or(FixedError::Overflow { op: "rescale" })?;
            return Ok(Self { mantissa: m, scale });
        }
        let den = i128::from(pow10(self.scale - scale));
        let q = div_round(i128::from(self.mantissa), den, mode)
            .ok_or_else(|| FixedError::Inexact(self.to_string()))?;
        Ok(Self {
            mantissa: to_i64(q, "rescale")?,
            scale,
        })
    }

    /// Numeric comparison, valid across scales (exact, via `i128`).
    #[must_use]
    pub fn cmp_value(self, other: Self) -> Ordering {
        let (a, b) = (i128::from(self.mantissa), i128::from(other.mantissa));
        match self.scale.cmp(&other.scale) {
            Ordering::Equal => a.cmp(&b),
            Ordering::Less => (a * i128::from(pow10(other.scale - self.scale))).cmp(&b),
            Ordering::Greater => a.cmp(&(b * i128::from(pow10(self.scale - other.scale)))),
        }
    }

    /// `true` if `self` is an integer multiple of `step` (same scale required).
    ///
    /// # Errors
    /// [`FixedError::ScaleMismatch`] or [`FixedError::DivisionByZero`] for a zero step.
    #[inline]
    pub fn is_multiple_of(self, step: Self) -> Result<bool, FixedError> {
        self.same_scale(step)?;
        if step.mantissa == 0 {
            return Err(FixedError::DivisionByZero);
        }
        Ok(self.mantissa % step.mantissa == 0)
    }

    /// Rounds to a multiple of `step` (same scale).
    ///
    /// # Errors
    /// [`FixedError::ScaleMismatch`], [`FixedError::DivisionByZero`],
    /// [`FixedError::Inexact`] under [`Rounding::Exact`] or [`FixedError::Overflow`].
    pub fn round_to_step(self, step: Self, mode: Rounding) -> Result<Self, FixedError> {
        self.same_scale(step)?;
        if step.mantissa == 0 {
            return Err(FixedError::DivisionByZero);
        }
        let s = i128::from(step.mantissa).abs();
        let k = div_round(i128::from(self.mantissa), s, mode)
            .ok_or_else(|| FixedError::Inexact(format!("{self} is not a multiple of {step}")))?;
        Ok(Self {
            mantissa: to_i64(k * s, "round")?,
            scale: self.scale,
        })
    }

    /// Parses a plain decimal (`-12.340`) at exactly `scale` decimal places. Extra decimal
    /// places are accepted only if they are zeros, unless `mode` allows rounding.
    ///
    /// # Errors
    /// [`FixedError::Parse`], [`FixedError::TooPrecise`], [`FixedError::ScaleTooLarge`] or
    /// [`FixedError::Overflow`].
    pub fn parse_with(text: &str, scale: u8, mode: Rounding) -> Result<Self, FixedError> {
        if scale > MAX_SCALE {
            return Err(FixedError::ScaleTooLarge(scale));
        }
        if let Some(v) = parse_short(text.as_bytes(), scale) {
            return Ok(v);
        }
        Self::parse_general(text, scale, mode)
    }

    /// The general parser: any length, rounding of extra places, every error. Out of line so
    /// the fast path keeps its registers (no spills, no callee-saved pushes).
    #[cold]
    #[inline(never)]
    fn parse_general(text: &str, scale: u8, mode: Rounding) -> Result<Self, FixedError> {
        // One pass over the bytes. `m` accumulates |value| × 10^scale in u64 without per-digit
        // checks: with at most 19 significant digits it cannot overflow (10^19 < 2^64), and 20 or
        // more significant digits cannot fit i64 anyway (10^19 > i64::MAX), which `sig` catches.
        let b = text.as_bytes();
        let bad = || FixedError::Parse(text.to_owned());
        let overflow = || FixedError::Overflow { op: "parse" };
        let (neg, mut i) = match b.first() {
            Some(b'-') => (true, 1),
            Some(b'+') => (false, 1),
            _ => (false, 0),
        };
        let mut m: u64 = 0;
        let mut sig = 0u32;
        let mut digits = 0usize;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            sig += u32::from(m != 0);
            digits += 1;
            i += 1;
        }
        let mut frac = 0u8;
        // First dropped digit past the scale, and whether any later dropped digit is non-zero.
        let mut first_tail: Option<u8> = None;
        let mut sticky = false;
        if b.get(i) == Some(&b'.') {
            i += 1;
            while let Some(&c) = b.get(i) {
                if !c.is_ascii_digit() {
                    break;
                }
                let d = c - b'0';
                if frac < scale {
                    m = m.wrapping_mul(10).wrapping_add(u64::from(d));
                    sig += u32::from(m != 0);
                    frac += 1;
                } else if first_tail.is_none() {
                    first_tail = Some(d);
                } else {
                    sticky |= d != 0;
                }
                digits += 1;
                i += 1;
            }
        }
        if i != b.len() || digits == 0 {
            return Err(bad());
        }
        if sig > 19 {
            return Err(overflow());
        }
        if frac < scale {
            m = m
                .checked_mul(pow10(scale - frac).unsigned_abs())
                .ok_or_else(overflow)?;
        }
        let mut mag = i128::from(m);
        if let Some(d) = first_tail.filter(|&d| d != 0 || sticky) {
            // Digits beyond the scale: the dropped fraction f is in (0, 1); compare it to 1/2.
            let half = match d.cmp(&5) {
                Ordering::Equal if !sticky => Ordering::Equal,
                Ordering::Equal => Ordering::Greater,
                o => o,
            };
            let q = round_tail(mag, neg, half, mode).ok_or_else(|| FixedError::TooPrecise {
                text: text.to_owned(),
                scale,
            })?;
            return Ok(Self {
                mantissa: to_i64(q, "parse")?,
                scale,
            });
        }
        if neg {
            mag = -mag;
        }
        Ok(Self {
            mantissa: to_i64(mag, "parse")?,
            scale,
        })
    }

    /// Parses at exactly `scale` decimal places ([`Rounding::Exact`]).
    ///
    /// # Errors
    /// As [`Fixed::parse_with`].
    #[inline]
    pub fn parse(text: &str, scale: u8) -> Result<Self, FixedError> {
        Self::parse_with(text, scale, Rounding::Exact)
    }

    /// Parses and takes the scale from the text (`"0.0100"` has scale 4).
    ///
    /// # Errors
    /// As [`Fixed::parse_with`].
    pub fn parse_auto(text: &str) -> Result<Self, FixedError> {
        let (_, _, frac) = split_decimal(text)?;
        let scale = u8::try_from(frac.len()).map_err(|_| FixedError::ScaleTooLarge(u8::MAX))?;
        Self::parse(text, scale)
    }

    /// Converts a float through its shortest round-trip decimal form (so `0.1` is exactly
    /// `0.1`, not `0.1000000000000000055…`), then parses it at `scale` with `mode`.
    ///
    /// # Errors
    /// [`FixedError::NotFinite`] for NaN/±∞, otherwise as [`Fixed::parse_with`].
    pub fn from_f64(x: f64, scale: u8, mode: Rounding) -> Result<Self, FixedError> {
        if !x.is_finite() {
            return Err(FixedError::NotFinite(x));
        }
        // Rust's `Display` for f64 prints the shortest round-trip digits without an exponent.
        Self::parse_with(&x.to_string(), scale, mode)
    }

    /// Nearest `f64` (lossy; for display and analytics, never for accounting).
    #[inline]
    #[must_use]
    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / pow10(self.scale) as f64
    }
}

/// The common case of [`Fixed::parse_with`] without a loop per digit: `[+-]`, then at most 8
/// integer digits without a `.` (7 with one), and after the `.` at most `min(8, scale)`
/// fraction digits. `None` sends the text to the general parser
/// (longer text, extra places, any error), so this path never decides an error and both paths
/// agree on every value (`fast_path_agrees_with_general`).
///
/// SWAR: the body is read as two little-endian `u64` words (`lo`: its first 8 bytes, `hi`: its
/// last 8, overlapping; one byte loop only for bodies shorter than 8). The `.` is found with the
/// zero-byte trick on `lo ^ "........"`; the integer digits are the bytes below it moved to the
/// top of a word, the fraction digits the top bytes of `hi`. With at most 8 digits in all they
/// are joined in one word (one conversion: `12.5` reads as `125`), else converted apart.
#[inline]
fn parse_short(b: &[u8], scale: u8) -> Option<Fixed> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const DOTS: u64 = 0x2E2E_2E2E_2E2E_2E2E;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let (neg, body) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let n = body.len();
    if n == 0 || n > 16 {
        return None;
    }
    let (lo, hi) = if n >= 8 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&body[..8]);
        let lo = u64::from_le_bytes(w);
        w.copy_from_slice(&body[n - 8..]);
        (lo, u64::from_le_bytes(w))
    } else {
        let mut lo = 0u64;
        for (k, &c) in body.iter().enumerate() {
            lo |= u64::from(c) << (8 * k);
        }
        (lo, lo << (8 * (8 - n)))
    };
    // First '.' among the first min(n, 8) bytes (bytes past n in a short `lo` are 0, not '.').
    let x = lo ^ DOTS;
    let found = x.wrapping_sub(ONES) & !x & HIGHS;
    let (d, f) = if found != 0 {
        let d = (found.trailing_zeros() / 8) as usize;
        (d, n - d - 1)
    } else if n <= 8 {
        (n, 0)
    } else {
        return None;
    };
    if f > usize::from(scale).min(8) || d + f == 0 {
        return None;
    }
    // Integer digits = bytes 0..d of `lo` moved to the top; fraction digits = the top f bytes
    // of `hi`. Shifts by 64 (d = 0, f = 0, d + f = 8) are the empty cases.
    let int_top = lo.checked_shl(8 * (8 - d) as u32).unwrap_or(0);
    let keep = u64::MAX.checked_shl(8 * (8 - f) as u32).unwrap_or(0);
    let frac_top = hi & keep;
    let m = if d + f <= 8 {
        // Both fit one word: integer then fraction digits, '0' below; one conversion.
        let w = int_top.checked_shr(8 * f as u32).unwrap_or(0)
            | frac_top
            | ZEROS.checked_shr(8 * (d + f) as u32).unwrap_or(0);
        digits8(w)?.checked_mul(pow10(scale - f as u8).unsigned_abs())?
    } else {
        let iv = digits8(int_top | ZEROS.checked_shr(8 * d as u32).unwrap_or(0))?;
        let fv = digits8(frac_top | (ZEROS & !keep))?;
        // f ≤ scale ≤ 18, so both powers fit; only the integer part can overflow.
        iv.checked_mul(pow10(scale).unsigned_abs())?
            .checked_add(fv * pow10(scale - f as u8).unsigned_abs())?
    };
    let m = i64::try_from(m).ok()?;
    Some(Fixed {
        mantissa: if neg { -m } else { m },
        scale,
    })
}

/// The value of 8 ASCII digits in a little-endian word (the first, most significant digit in
/// the low byte), or `None` if a byte is not a digit. Eight lanes at once (SWAR): every lane
/// must be `0x30..=0x39` (high nibble 3, and still 3 after adding 6), then neighbours combine:
/// pairs (×10), quads (×100), octets (×10⁴).
#[inline]
fn digits8(v: u64) -> Option<u64> {
    let high = v & 0xF0F0_F0F0_F0F0_F0F0;
    let plus6 = (v.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4;
    if high | plus6 != 0x3333_3333_3333_3333 {
        return None;
    }
    let mut x = v & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x * 10 + (x >> 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x * 100 + (x >> 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x * 10_000 + (x >> 32)) & 0xFFFF_FFFF;
    Some(x)
}

/// Splits `[+-]digits[.digits]` into (negative, integer digits, fraction digits).
fn split_decimal(text: &str) -> Result<(bool, &str, &str), FixedError> {
    let bad = || FixedError::Parse(text.to_owned());
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (int_part, frac_part) = match body.find('.') {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad());
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    Ok((neg, int_part, frac_part))
}

impl fmt::Display for Fixed {
    /// Always prints exactly `scale` decimal places, e.g. `-0.050`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.mantissa < 0;
        let abs = self.mantissa.unsigned_abs();
        let p = pow10(self.scale).unsigned_abs();
        let (int, frac) = (abs / p, abs % p);
        let sign = if neg { "-" } else { "" };
        if self.scale == 0 {
            write!(f, "{sign}{int}")
        } else {
            write!(
                f,
                "{sign}{int}.{frac:0width$}",
                width = usize::from(self.scale)
            )
        }
    }
}

impl fmt::Debug for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

macro_rules! fixed_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(Fixed);

        impl $name {
            /// Builds from a raw mantissa.
            ///
            /// # Errors
            /// [`FixedError::ScaleTooLarge`].
            #[inline]
            pub fn from_mantissa(mantissa: i64, scale: u8) -> Result<Self, FixedError> {
                Fixed::from_mantissa(mantissa, scale).map(Self)
            }
            /// Zero at `scale`.
            #[inline]
            #[must_use]
            pub fn zero(scale: u8) -> Self {
                Self(Fixed::zero(scale))
            }
            /// Parses a decimal at exactly `scale` places.
            ///
            /// # Errors
            /// As [`Fixed::parse_with`].
            #[inline]
            pub fn parse(text: &str, scale: u8) -> Result<Self, FixedError> {
                Fixed::parse(text, scale).map(Self)
            }
            /// Parses a decimal, rounding extra places with `mode`.
            ///
            /// # Errors
            /// As [`Fixed::parse_with`].
            #[inline]
            pub fn parse_with(text: &str, scale: u8, mode: Rounding) -> Result<Self, FixedError> {
                Fixed::parse_with(text, scale, mode).map(Self)
            }
            /// From a float via its shortest decimal form.
            ///
            /// # Errors
            /// As [`Fixed::from_f64`].
            #[inline]
            pub fn from_f64(x: f64, scale: u8, mode: Rounding) -> Result<Self, FixedError> {
                Fixed::from_f64(x, scale, mode).map(Self)
            }
            /// The underlying decimal.
            #[inline]
            #[must_use]
            pub const fn fixed(self) -> Fixed {
                self.0
            }
            /// Raw mantissa.
            #[inline]
            #[must_use]
            pub const fn mantissa(self) -> i64 {
                self.0.mantissa()
            }
            /// Decimal places.
            #[inline]
            #[must_use]
            pub const fn scale(self) -> u8 {
                self.0.scale()
            }
            /// Exact sum.
            ///
            /// # Errors
            /// Scale mismatch or overflow.
            #[inline]
            pub fn checked_add(self, o: Self) -> Result<Self, FixedError> {
                self.0.checked_add(o.0).map(Self)
            }
            /// Exact difference.
            ///
            /// # Errors
            /// Scale mismatch or overflow.
            #[inline]
            pub fn checked_sub(self, o: Self) -> Result<Self, FixedError> {
                self.0.checked_sub(o.0).map(Self)
            }
            /// Exact integer multiple.
            ///
            /// # Errors
            /// Overflow.
            #[inline]
            pub fn checked_mul_int(self, k: i64) -> Result<Self, FixedError> {
                self.0.checked_mul_int(k).map(Self)
            }
            /// Exact negation.
            ///
            /// # Errors
            /// Overflow for the minimum mantissa.
            #[inline]
            pub fn checked_neg(self) -> Result<Self, FixedError> {
                self.0.checked_neg().map(Self)
            }
            /// Numeric comparison across scales.
            #[inline]
            #[must_use]
            pub fn cmp_value(self, o: Self) -> Ordering {
                self.0.cmp_value(o.0)
            }
            /// Same value at another scale.
            ///
            /// # Errors
            /// As [`Fixed::rescale`].
            #[inline]
            pub fn rescale(self, scale: u8, mode: Rounding) -> Result<Self, FixedError> {
                self.0.rescale(scale, mode).map(Self)
            }
            /// Lossy float value (display and analytics only).
            #[inline]
            #[must_use]
            pub fn to_f64(self) -> f64 {
                self.0.to_f64()
            }
            /// `true` if zero.
            #[inline]
            #[must_use]
            pub const fn is_zero(self) -> bool {
                self.0.is_zero()
            }
            /// `true` if strictly positive.
            #[inline]
            #[must_use]
            pub const fn is_positive(self) -> bool {
                self.0.is_positive()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }
    };
}

fixed_newtype!(
    /// A price in quote currency per unit, at the instrument's price scale.
    Price
);
fixed_newtype!(
    /// A quantity in base units, at the instrument's quantity scale. Signed: negative
    /// quantities appear in positions and deltas; order quantities are validated positive.
    Quantity
);
fixed_newtype!(
    /// A value in quote currency: `Price × Quantity`, at price scale + quantity scale.
    Notional
);

impl Price {
    /// `self × qty` as a notional (scale = price scale + quantity scale).
    ///
    /// # Errors
    /// [`FixedError::ScaleTooLarge`] or [`FixedError::Overflow`].
    #[inline]
    pub fn checked_mul_qty(self, qty: Quantity) -> Result<Notional, FixedError> {
        self.0.checked_mul(qty.0).map(Notional)
    }

    /// Rounds to a multiple of `tick`.
    ///
    /// # Errors
    /// As [`Fixed::round_to_step`].
    #[inline]
    pub fn round_to_tick(self, tick: Self, mode: Rounding) -> Result<Self, FixedError> {
        self.0.round_to_step(tick.0, mode).map(Self)
    }
}

impl Quantity {
    /// Rounds to a multiple of `lot`.
    ///
    /// # Errors
    /// As [`Fixed::round_to_step`].
    #[inline]
    pub fn round_to_lot(self, lot: Self, mode: Rounding) -> Result<Self, FixedError> {
        self.0.round_to_step(lot.0, mode).map(Self)
    }
}

impl Notional {
    /// Average price `self / qty` at `price_scale` (e.g. a volume-weighted fill price).
    ///
    /// # Errors
    /// As [`Fixed::checked_div`].
    #[inline]
    pub fn checked_div_qty(
        self,
        qty: Quantity,
        price_scale: u8,
        mode: Rounding,
    ) -> Result<Price, FixedError> {
        self.0.checked_div(qty.0, price_scale, mode).map(Price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_format_round_trip() {
        for (text, scale, m) in [
            ("65000.10", 2, 6_500_010),
            ("-0.05", 2, -5),
            ("0.00001", 5, 1),
            ("12", 3, 12_000),
            ("+1.5", 1, 15),
            (".5", 1, 5),
            ("7.", 0, 7),
        ] {
            let v = Fixed::parse(text, scale).unwrap();
            assert_eq!(v.mantissa(), m, "{text}");
            assert_eq!(Fixed::parse(&v.to_string(), scale).unwrap(), v);
        }
        assert_eq!(Fixed::parse("1.2300", 2).unwrap().to_string(), "1.23");
        assert_eq!(Fixed::from_mantissa(-5, 3).unwrap().to_string(), "-0.005");
        assert_eq!(
            Fixed::from_mantissa(i64::MIN, 0).unwrap().to_string(),
            i64::MIN.to_string()
        );
    }

    #[test]
    fn parse_rejects_what_it_should() {
        assert!(matches!(
            Fixed::parse("1.234", 2),
            Err(FixedError::TooPrecise { .. })
        ));
        for bad in [
            "", "-", ".", "1e5", "1.2.3", " 1", "NaN", "1,5", "--1", "0x10",
        ] {
            assert!(
                matches!(Fixed::parse(bad, 2), Err(FixedError::Parse(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            Fixed::parse("9223372036854775808", 0),
            Err(FixedError::Overflow { .. })
        ));
        assert_eq!(
            Fixed::parse("-9223372036854775808", 0).unwrap().mantissa(),
            i64::MIN
        );
        assert!(matches!(
            Fixed::parse("1", 19),
            Err(FixedError::ScaleTooLarge(19))
        ));
        assert!(matches!(
            Fixed::parse("99999999999", 9),
            Err(FixedError::Overflow { .. })
        ));
    }

    #[test]
    fn digits8_reads_and_refuses() {
        let w = |s: &[u8; 8]| u64::from_le_bytes(*s);
        assert_eq!(digits8(w(b"00000000")), Some(0));
        assert_eq!(digits8(w(b"00065000")), Some(65_000));
        assert_eq!(digits8(w(b"99999999")), Some(99_999_999));
        assert_eq!(digits8(w(b"01234567")), Some(1_234_567));
        // Every byte value in every lane.
        for pos in 0..8 {
            for c in 0..=255u8 {
                let mut s = *b"12345678";
                s[pos] = c;
                assert_eq!(digits8(w(&s)).is_some(), c.is_ascii_digit(), "{c} at {pos}");
            }
        }
    }

    #[test]
    fn fast_path_edges() {
        for (text, scale, m) in [
            ("65000.10", 2, Some(6_500_010)),
            ("1234567.12345678", 8, Some(123_456_712_345_678)),
            ("12345678", 0, Some(12_345_678)),
            ("12345678.", 1, None), // dot at byte 8: general path
            ("-.5", 1, Some(-5)),
            ("7.", 0, Some(7)),
            ("0.00001", 5, Some(1)),
            ("1.5", 0, None), // extra place: general path decides
            ("1..5", 2, None),
            ("1.5.", 2, None),
            (".", 2, None),
            ("99999999", 18, None), // overflow: general path reports it
        ] {
            let got = parse_short(text.as_bytes(), scale).map(Fixed::mantissa);
            assert_eq!(got, m, "{text} at scale {scale}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn fast_path_agrees_with_general_on_noise(text in "[+-]?[0-9.+/:a -]{0,18}", scale in 0u8..=18) {
            proptest::prop_assert_eq!(
                Fixed::parse_with(&text, scale, Rounding::Exact),
                Fixed::parse_general(&text, scale, Rounding::Exact)
            );
        }

        #[test]
        fn fast_path_agrees_with_general(
            text in "[+-]?[0-9]{0,10}(\\.[0-9]{0,10})?",
            scale in 0u8..=18,
        ) {
            for mode in [Rounding::Exact, Rounding::HalfEven] {
                proptest::prop_assert_eq!(
                    Fixed::parse_with(&text, scale, mode),
                    Fixed::parse_general(&text, scale, mode)
                );
            }
        }
    }

    #[test]
    fn parse_rounding_modes() {
        let p = |s, m| Fixed::parse_with(s, 1, m).unwrap().mantissa();
        assert_eq!(p("1.25", Rounding::HalfEven), 12);
        assert_eq!(p("1.35", Rounding::HalfEven), 14);
        assert_eq!(p("-1.25", Rounding::HalfEven), -12);
        assert_eq!(p("1.25", Rounding::HalfAwayFromZero), 13);
        assert_eq!(p("-1.25", Rounding::HalfAwayFromZero), -13);
        assert_eq!(p("-1.21", Rounding::Floor), -13);
        assert_eq!(p("-1.21", Rounding::Ceil), -12);
        assert_eq!(p("-1.29", Rounding::TowardZero), -12);
        // sticky digit far beyond 36 places still rounds up a tie
        let long = format!("1.25{}1", "0".repeat(50));
        assert_eq!(p(&long, Rounding::HalfEven), 13);
    }

    #[test]
    fn arithmetic_is_exact_and_checked() {
        let a = Price::parse("100.25", 2).unwrap();
        let b = Price::parse("0.75", 2).unwrap();
        assert_eq!(a.checked_add(b).unwrap().to_string(), "101.00");
        assert_eq!(b.checked_sub(a).unwrap().to_string(), "-99.50");
        let q = Quantity::parse("0.003", 3).unwrap();
        let n = a.checked_mul_qty(q).unwrap();
        assert_eq!((n.to_string(), n.scale()), ("0.30075".to_owned(), 5));
        let c = Price::parse("1.0", 1).unwrap();
        assert_eq!(
            a.checked_add(c),
            Err(FixedError::ScaleMismatch { left: 2, right: 1 })
        );
        let big = Price::from_mantissa(i64::MAX, 2).unwrap();
        assert!(matches!(
            big.checked_add(b),
            Err(FixedError::Overflow { .. })
        ));
        assert!(matches!(
            Price::from_mantissa(i64::MAX, 9)
                .unwrap()
                .checked_mul_qty(Quantity::parse("2", 9).unwrap()),
            Err(FixedError::Overflow { .. })
        ));
    }

    #[test]
    fn division_and_rescale() {
        let n = Notional::parse("100.000", 3).unwrap();
        let q = Quantity::parse("3", 0).unwrap();
        assert_eq!(
            n.checked_div_qty(q, 2, Rounding::HalfEven)
                .unwrap()
                .to_string(),
            "33.33"
        );
        assert!(matches!(
            n.checked_div_qty(q, 2, Rounding::Exact),
            Err(FixedError::Inexact(_))
        ));
        assert_eq!(
            n.checked_div_qty(Quantity::zero(0), 2, Rounding::Floor),
            Err(FixedError::DivisionByZero)
        );
        let x = Fixed::parse("1.2345", 4).unwrap();
        assert_eq!(
            x.rescale(2, Rounding::HalfEven).unwrap().to_string(),
            "1.23"
        );
        assert_eq!(
            x.rescale(6, Rounding::Exact).unwrap().to_string(),
            "1.234500"
        );
        assert!(x.rescale(2, Rounding::Exact).is_err());
        assert_eq!(
            x.cmp_value(Fixed::parse("1.23450", 5).unwrap()),
            Ordering::Equal
        );
        assert_eq!(x.cmp_value(Fixed::parse("1.3", 1).unwrap()), Ordering::Less);
    }

    #[test]
    fn floats_go_through_shortest_decimal() {
        assert_eq!(
            Fixed::from_f64(0.1, 2, Rounding::Exact).unwrap().mantissa(),
            10
        );
        assert_eq!(
            Fixed::from_f64(65000.1, 2, Rounding::Exact)
                .unwrap()
                .mantissa(),
            6_500_010
        );
        assert!(Fixed::from_f64(0.125, 2, Rounding::Exact).is_err());
        assert_eq!(
            Fixed::from_f64(0.125, 2, Rounding::HalfEven)
                .unwrap()
                .mantissa(),
            12
        );
        assert!(matches!(
            Fixed::from_f64(f64::NAN, 2, Rounding::Exact),
            Err(FixedError::NotFinite(_))
        ));
        assert!(matches!(
            Fixed::from_f64(f64::INFINITY, 2, Rounding::Floor),
            Err(FixedError::NotFinite(_))
        ));
        assert!(Fixed::from_f64(1e300, 2, Rounding::Floor).is_err());
    }

    #[test]
    fn steps() {
        let tick = Price::parse("0.05", 2).unwrap();
        let p = Price::parse("10.12", 2).unwrap();
        assert!(!p.fixed().is_multiple_of(tick.fixed()).unwrap());
        assert_eq!(
            p.round_to_tick(tick, Rounding::HalfEven)
                .unwrap()
                .to_string(),
            "10.10"
        );
        assert_eq!(
            p.round_to_tick(tick, Rounding::Ceil).unwrap().to_string(),
            "10.15"
        );
        assert!(p.round_to_tick(tick, Rounding::Exact).is_err());
    }
}
