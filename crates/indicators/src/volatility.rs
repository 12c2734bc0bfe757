//! Volatility and channels: [`Bollinger`], [`Atr`], [`Keltner`], [`Donchian`].

use crate::error::{period, positive, IndicatorError};
use crate::input::{Bar, Fields};
use crate::kernels::{self, BandCols, BandSums, Lin, Path};
use crate::ma::{single_output, Ema};
use crate::window::{MaxWindow, MinWindow, Ring};
use crate::{Indicator, Rows};

/// A channel: lower, middle and upper line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    /// Lower line.
    pub lower: f64,
    /// Middle line.
    pub middle: f64,
    /// Upper line.
    pub upper: f64,
}

impl Bands {
    const NAN: Self = Self {
        lower: f64::NAN,
        middle: f64::NAN,
        upper: f64::NAN,
    };
}

/// Bollinger outputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BollingerOutput {
    /// `middle − k·σ`.
    pub lower: f64,
    /// SMA of the window.
    pub middle: f64,
    /// `middle + k·σ`.
    pub upper: f64,
    /// `(x − lower)/(upper − lower)`; 0.5 when σ = 0.
    pub percent_b: f64,
}

/// Bollinger bands: SMA ± k·σ with σ the *population* standard deviation of the last `n`
/// values (TA-Lib `BBANDS`, TTR `BBands`).
///
/// The window's sums are kept *shifted* by an anchor `K`: `S₁ = Σ(x − K)`, `S₂ = Σ(x − K)²`,
/// so `mean = K + S₁/n` and `M2 = S₂ − S₁²/n`. When the window first fills and then every `n`
/// bars, `K` becomes the newest value and both sums are recomputed from the window (O(n) per
/// `n` bars: amortised O(1)); in between they slide (`+ (x − K) − (x_old − K)`, and the
/// squares). `K` therefore lies in every window it serves, which bounds `S₂` by
/// `(n+1)·M2`: the subtraction loses at most a factor `n+1`, so σ is accurate *relative to
/// itself* (a flat window gives exactly 0), not merely relative to the price level as with
/// `E[x²] − E[x]²` or a running Welford update. The batch form runs the same arithmetic
/// ([`kernels`]): a batch gives the same bits as stepping.
#[derive(Debug, Clone, PartialEq)]
pub struct Bollinger {
    ring: Ring,
    k: f64,
    /// The anchor `K` and the shifted sums over the window.
    sums: BandSums,
}

impl Bollinger {
    /// Bands over `n ≥ 2` values at `k` standard deviations.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` out of range or `k` not finite and > 0.
    pub fn new(n: usize, k: f64) -> Result<Self, IndicatorError> {
        let n = period("period", n, 2)?;
        Ok(Self {
            ring: Ring::new(n),
            k: positive("stdDev", k)?,
            sums: BandSums::default(),
        })
    }

    /// Re-anchors on the newest value `x` and recomputes the sums from the window.
    fn anchor(&mut self, x: f64) {
        let (older, newer) = self.ring.chronological();
        self.sums = BandSums::anchored(x, older, newer);
    }

    /// Pushes a value.
    #[inline]
    pub fn next(&mut self, x: f64) -> BollingerOutput {
        let n = self.ring.capacity();
        match self.ring.push(x) {
            None if self.ring.is_full() => self.anchor(x),
            None => return Self::nan_output(),
            Some(old) => {
                self.sums.since += 1;
                if self.sums.since == n {
                    self.anchor(x);
                } else {
                    self.sums.slide(x, old);
                }
            }
        }
        let [lower, middle, upper, percent_b] = self.sums.bands(1.0 / n as f64, self.k, x);
        BollingerOutput {
            lower,
            middle,
            upper,
            percent_b,
        }
    }
}

impl Indicator for Bollinger {
    type Output = BollingerOutput;
    const FIELDS: Fields = Fields::VALUE;
    const OUTPUTS: &'static [&'static str] = &["lower", "middle", "upper", "percentB"];

    #[inline]
    fn step(&mut self, bar: &Bar) -> BollingerOutput {
        self.next(bar.close)
    }
    fn nan_output() -> BollingerOutput {
        BollingerOutput {
            lower: f64::NAN,
            middle: f64::NAN,
            upper: f64::NAN,
            percent_b: f64::NAN,
        }
    }
    #[inline]
    fn write(o: &BollingerOutput, dst: &mut [f64]) {
        dst[0] = o.lower;
        dst[1] = o.middle;
        dst[2] = o.upper;
        dst[3] = o.percent_b;
    }
    fn is_ready(&self) -> bool {
        self.ring.is_full()
    }
    fn lookback(&self) -> usize {
        self.ring.capacity() - 1
    }
    fn reset(&mut self) {
        self.ring.clear();
        self.sums = BandSums::default();
    }

    /// The first `n` values one by one (their windows reach into the state), then the
    /// kernel over the rest ([`kernels`]): the same anchored sums and the same
    /// expressions as [`Bollinger::next`], with the bands computed in a separate vectorised
    /// pass. The outputs and the state afterwards are exactly those of stepping.
    fn run_valid(&mut self, rows: &Rows<'_>, out: &mut [f64], path: Path) -> BollingerOutput {
        let n = self.ring.capacity();
        let len = rows.rows;
        let x = rows.close;
        let mut tmp = [0.0; 4];
        let mut last = Self::nan_output();
        for (t, &v) in x[..len.min(n)].iter().enumerate() {
            last = self.next(v);
            Self::write(&last, &mut tmp);
            for (k, v) in tmp.iter().enumerate() {
                out[k * len + t] = *v;
            }
        }
        if len <= n {
            return last;
        }
        let (lower, rest) = out.split_at_mut(len);
        let (middle, rest) = rest.split_at_mut(len);
        let (upper, percent_b) = rest.split_at_mut(len);
        let cols = BandCols {
            lower,
            middle,
            upper,
            percent_b,
        };
        self.sums = kernels::bollinger(path, n, self.k, self.sums, x, cols);
        self.ring.clear();
        for &v in &x[len - n..] {
            self.ring.push(v);
        }
        let at = |k: usize| out[k * len + len - 1];
        BollingerOutput {
            lower: at(0),
            middle: at(1),
            upper: at(2),
            percent_b: at(3),
        }
    }
}

/// Average true range (Wilder). `TR = max(H, C₋₁) − min(L, C₋₁)` from the second bar; the
/// ATR starts as the mean of the first `n` TRs (index `n`) and then follows
/// `atr ← (atr·(n−1) + TR)/n` (TA-Lib `ATR`, TTR `ATR`).
#[derive(Debug, Clone, PartialEq)]
pub struct Atr {
    n: usize,
    prev_close: f64,
    started: bool,
    count: usize,
    value: f64,
}

impl Atr {
    /// ATR over `n ≥ 1` bars.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` out of range.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        Ok(Self {
            n: period("period", n, 1)?,
            prev_close: 0.0,
            started: false,
            count: 0,
            value: 0.0,
        })
    }

    /// True range of `bar` against the previous close.
    #[inline]
    fn true_range(&self, bar: &Bar) -> f64 {
        bar.high.max(self.prev_close) - bar.low.min(self.prev_close)
    }

    /// Pushes a bar; returns the ATR (NaN for the first `n` bars).
    #[inline]
    pub fn next(&mut self, bar: &Bar) -> f64 {
        if !self.started {
            self.started = true;
            self.prev_close = bar.close;
            return f64::NAN;
        }
        let tr = self.true_range(bar);
        self.prev_close = bar.close;
        self.count += 1;
        let n = self.n as f64;
        if self.count < self.n {
            self.value += tr;
            return f64::NAN;
        } else if self.count == self.n {
            self.value = (self.value + tr) / n;
        } else {
            self.value = (self.value * (n - 1.0) + tr) / n;
        }
        self.value
    }
}

impl Indicator for Atr {
    single_output!("atr");
    const FIELDS: Fields = Fields::HLC;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        self.next(bar)
    }
    fn is_ready(&self) -> bool {
        self.count >= self.n
    }
    fn lookback(&self) -> usize {
        self.n
    }
    fn reset(&mut self) {
        self.started = false;
        self.count = 0;
        self.value = 0.0;
    }

    /// Seeding bars one by one, then the blocked kernel ([`kernels`]): true
    /// ranges in one pass, `atr ← (1 − 1/n)·atr + TR/n` as a scan.
    fn run_valid(&mut self, rows: &Rows<'_>, out: &mut [f64], path: Path) -> f64 {
        let n = rows.rows;
        let mut t = 0;
        while t < n && !(self.started && self.count >= self.n) {
            out[t] = self.next(&rows.bar(t));
            t += 1;
        }
        if t < n {
            let nf = self.n as f64;
            let k = Lin::new((nf - 1.0) / nf, 1.0 / nf);
            let (pc, v) = kernels::atr(
                path,
                &k,
                self.prev_close,
                self.value,
                &rows.high[t..],
                &rows.low[t..],
                &rows.close[t..],
                &mut out[t..],
            );
            self.prev_close = pc;
            self.value = v;
            self.count += n - t;
        }
        out.last().copied().unwrap_or(f64::NAN)
    }
}

/// Keltner channels: middle = EMA(`n`) of the typical price (SMA-seeded), bands ±
/// `multiplier`·ATR(`atrPeriod`) (TTR `keltnerChannels`, which uses `atrPeriod = n`).
#[derive(Debug, Clone, PartialEq)]
pub struct Keltner {
    ema: Ema,
    atr: Atr,
    mult: f64,
}

impl Keltner {
    /// Keltner(`n`, `multiplier`, `atr_period`), e.g. (20, 2, 20).
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for a period out of range or a non-positive multiplier.
    pub fn new(n: usize, multiplier: f64, atr_period: usize) -> Result<Self, IndicatorError> {
        Ok(Self {
            ema: Ema::new(n)?,
            atr: Atr::new(period("atrPeriod", atr_period, 1)?)?,
            mult: positive("multiplier", multiplier)?,
        })
    }
}

impl Indicator for Keltner {
    type Output = Bands;
    const FIELDS: Fields = Fields::HLC;
    const OUTPUTS: &'static [&'static str] = &["lower", "middle", "upper"];

    #[inline]
    fn step(&mut self, bar: &Bar) -> Bands {
        let m = self.ema.next(bar.typical());
        let a = self.atr.next(bar);
        Bands {
            lower: m - self.mult * a,
            middle: m,
            upper: m + self.mult * a,
        }
    }
    fn nan_output() -> Bands {
        Bands::NAN
    }
    #[inline]
    fn write(o: &Bands, dst: &mut [f64]) {
        dst[0] = o.lower;
        dst[1] = o.middle;
        dst[2] = o.upper;
    }
    fn is_ready(&self) -> bool {
        self.ema.is_ready() && self.atr.is_ready()
    }
    fn lookback(&self) -> usize {
        self.ema.lookback().max(self.atr.lookback())
    }
    fn reset(&mut self) {
        self.ema.reset();
        self.atr.reset();
    }
}

/// Donchian channel: highest high and lowest low of the last `n` bars and their midpoint
/// (TTR `DonchianChannel`).
#[derive(Debug, Clone, PartialEq)]
pub struct Donchian {
    hh: MaxWindow,
    ll: MinWindow,
    n: usize,
}

impl Donchian {
    /// Donchian over `n ≥ 1` bars.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` out of range.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        let n = period("period", n, 1)?;
        Ok(Self {
            hh: MaxWindow::new(n),
            ll: MinWindow::new(n),
            n,
        })
    }
}

impl Indicator for Donchian {
    type Output = Bands;
    const FIELDS: Fields = Fields::HL;
    const OUTPUTS: &'static [&'static str] = &["upper", "middle", "lower"];

    #[inline]
    fn step(&mut self, bar: &Bar) -> Bands {
        let hh = self.hh.push(bar.high);
        let ll = self.ll.push(bar.low);
        if !self.hh.is_full() {
            return Bands::NAN;
        }
        Bands {
            lower: ll,
            middle: (hh + ll) / 2.0,
            upper: hh,
        }
    }
    fn nan_output() -> Bands {
        Bands::NAN
    }
    #[inline]
    fn write(o: &Bands, dst: &mut [f64]) {
        dst[0] = o.upper;
        dst[1] = o.middle;
        dst[2] = o.lower;
    }
    fn is_ready(&self) -> bool {
        self.hh.is_full()
    }
    fn lookback(&self) -> usize {
        self.n - 1
    }
    fn reset(&mut self) {
        self.hh.clear();
        self.ll.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bollinger_variance_does_not_drift() {
        // A million-step random walk at level 1e4 with small moves: the slid sums must match
        // a two-pass variance of the final window.
        let mut s: u64 = 42;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let n = 20;
        let mut b = Bollinger::new(n, 2.0).unwrap();
        let mut x = 1e4;
        let mut last = Vec::new();
        let mut out = Bollinger::nan_output();
        for _ in 0..1_000_000 {
            x += next() * 0.01;
            out = b.next(x);
            last.push(x);
            if last.len() > n {
                last.remove(0);
            }
        }
        let m = last.iter().sum::<f64>() / n as f64;
        let var = last.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64;
        let sd = (out.upper - out.middle) / 2.0;
        assert!(
            (sd - var.sqrt()).abs() <= 1e-9 * var.sqrt(),
            "{sd} vs {}",
            var.sqrt()
        );
        assert!((out.middle - m).abs() <= 1e-14 * m);
    }

    #[test]
    fn atr_hand_computed() {
        let mut a = Atr::new(2).unwrap();
        assert!(a.next(&Bar::hlc(10.0, 8.0, 9.0)).is_nan());
        assert!(a.next(&Bar::hlc(11.0, 9.0, 10.0)).is_nan()); // TR 2
        assert_eq!(a.next(&Bar::hlc(10.5, 6.0, 7.0)), 3.25); // TR 4.5 → (2+4.5)/2
        assert_eq!(a.next(&Bar::hlc(8.0, 7.0, 7.5)), (3.25 + 1.0) / 2.0);
    }

    #[test]
    fn donchian_lines() {
        let mut d = Donchian::new(2).unwrap();
        d.step(&Bar::hlc(5.0, 1.0, 2.0));
        let o = d.step(&Bar::hlc(4.0, 2.0, 3.0));
        assert_eq!((o.upper, o.middle, o.lower), (5.0, 3.0, 1.0));
    }
}
