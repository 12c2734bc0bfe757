//! Moving averages: [`Sma`], [`Ema`], [`Wma`].

use crate::error::{period, IndicatorError};
use crate::input::{Bar, Fields};
use crate::kernels::{self, Lin, Path};
use crate::window::{CompSum, Ring};
use crate::{Indicator, Rows};

/// Implements the single-output parts of [`Indicator`].
macro_rules! single_output {
    ($name:literal) => {
        type Output = f64;
        const OUTPUTS: &'static [&'static str] = &[$name];
        #[inline]
        fn nan_output() -> f64 {
            f64::NAN
        }
        #[inline]
        fn write(out: &f64, dst: &mut [f64]) {
            dst[0] = *out;
        }
    };
}
pub(crate) use single_output;

/// Simple moving average of the last `n` values (compensated running sum: O(1), no drift).
///
/// ```
/// use tachyon_indicators::{Indicator, Sma, Bar};
/// let mut sma = Sma::new(3).unwrap();
/// let out: Vec<f64> = [1.0, 2.0, 3.0, 4.0].iter().map(|&x| sma.step(&Bar::value(x))).collect();
/// assert!(out[1].is_nan());
/// assert_eq!(&out[2..], &[2.0, 3.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Sma {
    ring: Ring,
    sum: CompSum,
}

impl Sma {
    /// SMA over `n ≥ 1` values.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` outside `1..=1_000_000`.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        let n = period("period", n, 1)?;
        Ok(Self {
            ring: Ring::new(n),
            sum: CompSum::new(),
        })
    }

    /// The period.
    #[must_use]
    pub fn period(&self) -> usize {
        self.ring.capacity()
    }

    /// Pushes a value; returns the SMA (NaN until `n` values were seen).
    #[inline]
    pub fn next(&mut self, x: f64) -> f64 {
        if let Some(old) = self.ring.push(x) {
            self.sum.add(-old);
        }
        self.sum.add(x);
        if self.ring.is_full() {
            self.sum.value() / self.ring.capacity() as f64
        } else {
            f64::NAN
        }
    }
}

impl Indicator for Sma {
    single_output!("sma");
    const FIELDS: Fields = Fields::VALUE;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        self.next(bar.close)
    }
    fn is_ready(&self) -> bool {
        self.ring.is_full()
    }
    fn lookback(&self) -> usize {
        self.period() - 1
    }
    fn reset(&mut self) {
        self.ring.clear();
        self.sum.clear();
    }
}

/// How an [`Ema`] starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmaSeed {
    /// The first output (at index `n−1`) is the SMA of the first `n` values (TA-Lib, TTR).
    #[default]
    Sma,
    /// The first output (at index 0) is the first value (pandas `ewm(adjust=False)`).
    First,
}

/// Exponential moving average `v ← v + α·(x − v)`.
///
/// `α = 2/(n+1)` by default, `1/n` for Wilder's smoothing ([`Ema::wilder`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Ema {
    alpha: f64,
    /// `1 − α`, precomputed: the update `keep·y + α·x` keeps only one multiply and one add on
    /// the `y` dependency chain (the `α·x` product is independent of `y`), versus three
    /// dependent operations for `y + α·(x − y)`.
    keep: f64,
    period: usize,
    seed_len: usize,
    count: usize,
    seed_sum: f64,
    value: f64,
}

impl Ema {
    /// EMA with `α = 2/(n+1)`, seeded with the SMA of the first `n` values.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` outside `1..=1_000_000`.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        Self::with_seed(n, EmaSeed::Sma)
    }

    /// EMA with `α = 2/(n+1)` and the given seeding.
    ///
    /// # Errors
    /// As [`Ema::new`].
    pub fn with_seed(n: usize, seed: EmaSeed) -> Result<Self, IndicatorError> {
        let n = period("period", n, 1)?;
        Ok(Self::raw(2.0 / (n as f64 + 1.0), n, seed))
    }

    /// Wilder's smoothing: `α = 1/n`, seeded with the SMA of the first `n` values.
    ///
    /// # Errors
    /// As [`Ema::new`].
    pub fn wilder(n: usize) -> Result<Self, IndicatorError> {
        let n = period("period", n, 1)?;
        Ok(Self::raw(1.0 / n as f64, n, EmaSeed::Sma))
    }

    fn raw(alpha: f64, n: usize, seed: EmaSeed) -> Self {
        Self {
            alpha,
            keep: 1.0 - alpha,
            period: n,
            seed_len: match seed {
                EmaSeed::Sma => n,
                EmaSeed::First => 1,
            },
            count: 0,
            seed_sum: 0.0,
            value: f64::NAN,
        }
    }

    /// The smoothing factor α.
    #[must_use]
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The period `n`.
    #[must_use]
    pub fn period(&self) -> usize {
        self.period
    }

    /// Pushes a value; returns the EMA (NaN during seeding).
    #[inline]
    pub fn next(&mut self, x: f64) -> f64 {
        if self.count >= self.seed_len {
            self.value = self.keep * self.value + self.alpha * x;
        } else {
            self.count += 1;
            self.seed_sum += x;
            if self.count == self.seed_len {
                self.value = self.seed_sum / self.seed_len as f64;
            }
        }
        self.value
    }

    /// The current value (NaN during seeding).
    #[must_use]
    pub fn value(&self) -> f64 {
        self.value
    }
}

impl Indicator for Ema {
    single_output!("ema");
    const FIELDS: Fields = Fields::VALUE;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        self.next(bar.close)
    }
    fn is_ready(&self) -> bool {
        self.count >= self.seed_len
    }
    fn lookback(&self) -> usize {
        self.seed_len - 1
    }
    fn reset(&mut self) {
        self.count = 0;
        self.seed_sum = 0.0;
        self.value = f64::NAN;
    }

    /// Seeding values one by one, then the blocked scan `v ← keep·v + α·x`
    /// ([`kernels`]).
    fn run_valid(&mut self, rows: &Rows<'_>, out: &mut [f64], path: Path) -> f64 {
        let x = rows.close;
        let mut t = 0;
        while t < x.len() && self.count < self.seed_len {
            out[t] = self.next(x[t]);
            t += 1;
        }
        if t < x.len() {
            let k = Lin::new(self.keep, self.alpha);
            self.value = kernels::scan(path, &k, self.value, &x[t..], &mut out[t..]);
        }
        out.last().copied().unwrap_or(f64::NAN)
    }

    /// No separate validation pass: a non-finite value makes the seed sum, and through the
    /// recurrence every later value, non-finite (`a·NaN`, `a·∞`, `0·∞` and `∞ − ∞` are all
    /// non-finite, for every `a ≥ 0`; in the blocked kernel a value reaches all four lanes
    /// of its segment, the segment's end, and through the carries every later segment). So
    /// the batch was valid exactly when the final state is finite — or values so large that
    /// the state overflowed, which the checked fallback handles correctly too. On failure the
    /// state is restored.
    fn run_checked(&mut self, rows: &Rows<'_>, out: &mut [f64], path: Path) -> Option<f64> {
        let before = self.clone();
        let o = self.run_valid(rows, out, path);
        let state = if self.count < self.seed_len {
            self.seed_sum
        } else {
            self.value
        };
        if state.is_finite() {
            Some(o)
        } else {
            *self = before;
            None
        }
    }
}

/// Linearly weighted moving average: weights `1, 2, …, n`, newest heaviest. O(1) per update
/// from the running sum `S` and weighted sum `W`: `W ← W + n·x − S`, `S ← S + x − x_old`
/// (both compensated).
#[derive(Debug, Clone, PartialEq)]
pub struct Wma {
    ring: Ring,
    sum: CompSum,
    wsum: CompSum,
    denom: f64,
}

impl Wma {
    /// WMA over `n ≥ 1` values.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` outside `1..=1_000_000`.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        let n = period("period", n, 1)?;
        Ok(Self {
            ring: Ring::new(n),
            sum: CompSum::new(),
            wsum: CompSum::new(),
            denom: (n * (n + 1)) as f64 / 2.0,
        })
    }

    /// Pushes a value; returns the WMA (NaN until `n` values were seen).
    #[inline]
    pub fn next(&mut self, x: f64) -> f64 {
        let n = self.ring.capacity();
        let k = self.ring.len();
        if let Some(old) = self.ring.push(x) {
            // Every weight drops by one (−S), the new value enters with weight n.
            self.wsum.add(-self.sum.value());
            self.wsum.add(n as f64 * x);
            self.sum.add(-old);
            self.sum.add(x);
        } else {
            self.wsum.add((k + 1) as f64 * x);
            self.sum.add(x);
        }
        if self.ring.is_full() {
            self.wsum.value() / self.denom
        } else {
            f64::NAN
        }
    }
}

impl Indicator for Wma {
    single_output!("wma");
    const FIELDS: Fields = Fields::VALUE;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        self.next(bar.close)
    }
    fn is_ready(&self) -> bool {
        self.ring.is_full()
    }
    fn lookback(&self) -> usize {
        self.ring.capacity() - 1
    }
    fn reset(&mut self) {
        self.ring.clear();
        self.sum.clear();
        self.wsum.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sma_small() {
        let mut s = Sma::new(2).unwrap();
        assert!(s.next(1.0).is_nan());
        assert_eq!(s.next(3.0), 2.0);
        assert_eq!(s.next(5.0), 4.0);
        assert!(Sma::new(0).is_err());
    }

    #[test]
    fn ema_seeds() {
        let mut e = Ema::new(3).unwrap();
        assert!(e.next(1.0).is_nan());
        assert!(e.next(2.0).is_nan());
        assert_eq!(e.next(3.0), 2.0);
        assert_eq!(e.next(4.0), 3.0); // 2 + 0.5·(4−2)
        let mut f = Ema::with_seed(3, EmaSeed::First).unwrap();
        assert_eq!(f.next(1.0), 1.0);
        assert_eq!(f.next(3.0), 2.0);
        assert_eq!(f.lookback(), 0);
    }

    #[test]
    fn wma_matches_direct_weights() {
        let xs: Vec<f64> = (0..200)
            .map(|i| ((i * 37) % 11) as f64 + 0.25 * i as f64)
            .collect();
        let n = 7;
        let mut w = Wma::new(n).unwrap();
        for (t, &x) in xs.iter().enumerate() {
            let got = w.next(x);
            if t + 1 < n {
                assert!(got.is_nan());
                continue;
            }
            let win = &xs[t + 1 - n..=t];
            let want: f64 = win
                .iter()
                .enumerate()
                .map(|(i, v)| (i + 1) as f64 * v)
                .sum::<f64>()
                / (n * (n + 1) / 2) as f64;
            assert!(
                (got - want).abs() <= 1e-12 * want.abs(),
                "t={t}: {got} vs {want}"
            );
        }
    }
}
