//! Oscillators: [`Rsi`], [`Macd`], [`Stochastic`], [`WilliamsR`], [`Cci`].

use crate::error::{period, IndicatorError};
use crate::input::{Bar, Fields};
use crate::kernels::{self, Lin, Path, RsiCarry};
use crate::ma::{single_output, Ema, Sma};
use crate::window::{CompSum, MaxWindow, MinWindow, Ring};
use crate::{Indicator, Rows};

/// Wilder's relative strength index.
///
/// Changes `d = xₜ − xₜ₋₁`; gains `max(d, 0)`, losses `max(−d, 0)`. The average gain and loss
/// start as the plain means of the first `n` changes (output at index `n`), then follow
/// `avg ← (avg·(n−1) + x)/n`. `RSI = 100·avgGain/(avgGain + avgLoss)`; 50 if both are 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Rsi {
    n: usize,
    prev: f64,
    started: bool,
    count: usize,
    gain: f64,
    loss: f64,
}

impl Rsi {
    /// RSI over `n ≥ 1` changes.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` outside `1..=1_000_000`.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        Ok(Self {
            n: period("period", n, 1)?,
            prev: 0.0,
            started: false,
            count: 0,
            gain: 0.0,
            loss: 0.0,
        })
    }

    /// Pushes a value; returns the RSI (NaN for the first `n` values).
    #[inline]
    pub fn next(&mut self, x: f64) -> f64 {
        if !self.started {
            self.started = true;
            self.prev = x;
            return f64::NAN;
        }
        let d = x - self.prev;
        self.prev = x;
        let (g, l) = if d > 0.0 { (d, 0.0) } else { (0.0, -d) };
        let n = self.n as f64;
        self.count += 1;
        if self.count < self.n {
            self.gain += g;
            self.loss += l;
            return f64::NAN;
        } else if self.count == self.n {
            self.gain = (self.gain + g) / n;
            self.loss = (self.loss + l) / n;
        } else {
            self.gain = (self.gain * (n - 1.0) + g) / n;
            self.loss = (self.loss * (n - 1.0) + l) / n;
        }
        let s = self.gain + self.loss;
        if s == 0.0 {
            50.0
        } else {
            100.0 * self.gain / s
        }
    }
}

impl Indicator for Rsi {
    single_output!("rsi");
    const FIELDS: Fields = Fields::VALUE;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        self.next(bar.close)
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
        self.gain = 0.0;
        self.loss = 0.0;
    }

    /// Seeding values one by one, then the blocked kernel ([`kernels`]):
    /// gains and losses in one pass, both averages as scans `avg ← (1 − 1/n)·avg + x/n`, the
    /// ratio in a third.
    fn run_valid(&mut self, rows: &Rows<'_>, out: &mut [f64], path: Path) -> f64 {
        let x = rows.close;
        let mut t = 0;
        while t < x.len() && !(self.started && self.count >= self.n) {
            out[t] = self.next(x[t]);
            t += 1;
        }
        if t < x.len() {
            let n = self.n as f64;
            let k = Lin::new((n - 1.0) / n, 1.0 / n);
            let carry = RsiCarry {
                prev: self.prev,
                gain: self.gain,
                loss: self.loss,
            };
            let c = kernels::rsi(path, &k, carry, &x[t..], &mut out[t..]);
            self.prev = c.prev;
            self.gain = c.gain;
            self.loss = c.loss;
            self.count += x.len() - t;
        }
        out.last().copied().unwrap_or(f64::NAN)
    }
}

/// MACD outputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MacdOutput {
    /// Fast EMA − slow EMA.
    pub macd: f64,
    /// EMA of the MACD line.
    pub signal: f64,
    /// `macd − signal`.
    pub histogram: f64,
}

/// Moving average convergence/divergence: `EMA(fast) − EMA(slow)` and its signal EMA.
///
/// Each EMA is SMA-seeded on its own first `n` inputs (TTR's `MACD(percent = FALSE)`); the
/// signal EMA starts on the first `signal` MACD values. TA-Lib instead seeds the fast EMA so
/// that it starts with the slow one; the difference decays like `(1 − 2/(fast+1))ᵗ`.
#[derive(Debug, Clone, PartialEq)]
pub struct Macd {
    fast: Ema,
    slow: Ema,
    signal: Ema,
}

impl Macd {
    /// MACD(`fast`, `slow`, `signal`), e.g. (12, 26, 9); requires `fast < slow`.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for a period out of range or `fast ≥ slow`.
    pub fn new(fast: usize, slow: usize, signal: usize) -> Result<Self, IndicatorError> {
        let f = Ema::new(fast)?;
        let s = Ema::new(slow)?;
        if fast >= slow {
            return Err(IndicatorError::param(
                "fast",
                fast as f64,
                "smaller than the slow period",
            ));
        }
        Ok(Self {
            fast: f,
            slow: s,
            signal: Ema::new(signal)?,
        })
    }

    /// Pushes a value.
    #[inline]
    pub fn next(&mut self, x: f64) -> MacdOutput {
        let f = self.fast.next(x);
        let s = self.slow.next(x);
        if s.is_nan() {
            return Self::nan_output();
        }
        let m = f - s;
        let sig = self.signal.next(m);
        MacdOutput {
            macd: m,
            signal: sig,
            histogram: m - sig,
        }
    }
}

impl Indicator for Macd {
    type Output = MacdOutput;
    const FIELDS: Fields = Fields::VALUE;
    const OUTPUTS: &'static [&'static str] = &["macd", "signal", "histogram"];

    #[inline]
    fn step(&mut self, bar: &Bar) -> MacdOutput {
        self.next(bar.close)
    }
    fn nan_output() -> MacdOutput {
        MacdOutput {
            macd: f64::NAN,
            signal: f64::NAN,
            histogram: f64::NAN,
        }
    }
    #[inline]
    fn write(o: &MacdOutput, dst: &mut [f64]) {
        dst[0] = o.macd;
        dst[1] = o.signal;
        dst[2] = o.histogram;
    }
    fn is_ready(&self) -> bool {
        self.signal.is_ready()
    }
    fn lookback(&self) -> usize {
        self.slow.period() + self.signal.period() - 2
    }
    fn reset(&mut self) {
        self.fast.reset();
        self.slow.reset();
        self.signal.reset();
    }
}

/// Stochastic oscillator outputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StochasticOutput {
    /// %K (raw %K smoothed by an SMA of `kSmooth`; raw when `kSmooth = 1`).
    pub k: f64,
    /// %D: SMA of %K over `dPeriod`.
    pub d: f64,
}

/// Stochastic oscillator. Raw `%K = 100·(C − LL)/(HH − LL)` over the last `kPeriod` bars
/// (50 when `HH = LL`); `%K` = SMA(`kSmooth`) of raw %K; `%D` = SMA(`dPeriod`) of `%K`.
/// (14, 1, 3) is the fast stochastic (TA-Lib `STOCHF`, TTR `fastK`/`fastD`); (14, 3, 3) the
/// slow one (TA-Lib `STOCH`, TTR `fastD`/`slowD`).
#[derive(Debug, Clone, PartialEq)]
pub struct Stochastic {
    k_period: usize,
    hh: MaxWindow,
    ll: MinWindow,
    k_sma: Sma,
    d_sma: Sma,
}

impl Stochastic {
    /// Stochastic(`k_period`, `k_smooth`, `d_period`).
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for a period out of range.
    pub fn new(k_period: usize, k_smooth: usize, d_period: usize) -> Result<Self, IndicatorError> {
        let k_period = period("kPeriod", k_period, 1)?;
        Ok(Self {
            k_period,
            hh: MaxWindow::new(k_period),
            ll: MinWindow::new(k_period),
            k_sma: Sma::new(period("kSmooth", k_smooth, 1)?)?,
            d_sma: Sma::new(period("dPeriod", d_period, 1)?)?,
        })
    }
}

impl Indicator for Stochastic {
    type Output = StochasticOutput;
    const FIELDS: Fields = Fields::HLC;
    const OUTPUTS: &'static [&'static str] = &["k", "d"];

    #[inline]
    fn step(&mut self, bar: &Bar) -> StochasticOutput {
        let hh = self.hh.push(bar.high);
        let ll = self.ll.push(bar.low);
        if !self.hh.is_full() {
            return Self::nan_output();
        }
        let raw = if hh > ll {
            100.0 * (bar.close - ll) / (hh - ll)
        } else {
            50.0
        };
        let k = self.k_sma.next(raw);
        let d = if k.is_nan() {
            f64::NAN
        } else {
            self.d_sma.next(k)
        };
        StochasticOutput { k, d }
    }
    fn nan_output() -> StochasticOutput {
        StochasticOutput {
            k: f64::NAN,
            d: f64::NAN,
        }
    }
    #[inline]
    fn write(o: &StochasticOutput, dst: &mut [f64]) {
        dst[0] = o.k;
        dst[1] = o.d;
    }
    fn is_ready(&self) -> bool {
        self.d_sma.is_ready()
    }
    fn lookback(&self) -> usize {
        self.k_period + self.k_sma.period() + self.d_sma.period() - 3
    }
    fn reset(&mut self) {
        self.hh.clear();
        self.ll.clear();
        self.k_sma.reset();
        self.d_sma.reset();
    }
}

/// Williams %R: `−100·(HH − C)/(HH − LL)` over the last `n` bars; −50 when `HH = LL`.
/// (TTR's `WPR` returns `(HH − C)/(HH − LL)`, i.e. ours divided by −100.)
#[derive(Debug, Clone, PartialEq)]
pub struct WilliamsR {
    hh: MaxWindow,
    ll: MinWindow,
    n: usize,
}

impl WilliamsR {
    /// %R over `n ≥ 1` bars.
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

impl Indicator for WilliamsR {
    single_output!("wpr");
    const FIELDS: Fields = Fields::HLC;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        let hh = self.hh.push(bar.high);
        let ll = self.ll.push(bar.low);
        if !self.hh.is_full() {
            f64::NAN
        } else if hh > ll {
            -100.0 * (hh - bar.close) / (hh - ll)
        } else {
            -50.0
        }
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

/// Commodity channel index: typical price `tp`, its SMA `m` and mean absolute deviation
/// `md = Σ|tpᵢ − m|/n` over `n` bars; `CCI = (tp − m)/(0.015·md)`, 0 when `md = 0`.
///
/// **Cost**: the mean absolute deviation is taken around the *current* mean, which changes
/// every bar, so it cannot be updated from a running sum: each update scans the `n`-value
/// window (O(n), fixed state). This is the one indicator here that is not O(1).
#[derive(Debug, Clone, PartialEq)]
pub struct Cci {
    ring: Ring,
    sum: CompSum,
    c: f64,
}

impl Cci {
    /// CCI over `n ≥ 2` bars with the usual constant 0.015.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` out of range.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        let n = period("period", n, 2)?;
        Ok(Self {
            ring: Ring::new(n),
            sum: CompSum::new(),
            c: 0.015,
        })
    }
}

impl Indicator for Cci {
    single_output!("cci");
    const FIELDS: Fields = Fields::HLC;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        let tp = bar.typical();
        if let Some(old) = self.ring.push(tp) {
            self.sum.add(-old);
        }
        self.sum.add(tp);
        if !self.ring.is_full() {
            return f64::NAN;
        }
        let n = self.ring.capacity() as f64;
        let m = self.sum.value() / n;
        let md = self
            .ring
            .as_unordered_slice()
            .iter()
            .map(|v| (v - m).abs())
            .sum::<f64>()
            / n;
        if md > 0.0 {
            (tp - m) / (self.c * md)
        } else {
            0.0
        }
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsi_edge_cases() {
        let mut r = Rsi::new(2).unwrap();
        assert!(r.next(1.0).is_nan());
        assert!(r.next(1.0).is_nan());
        assert_eq!(r.next(1.0), 50.0); // nothing moved
        assert_eq!(r.next(2.0), 100.0); // only gains
        let mut r = Rsi::new(1).unwrap();
        r.next(2.0);
        assert_eq!(r.next(1.0), 0.0);
    }

    #[test]
    fn macd_composition() {
        let xs: Vec<f64> = (0..60).map(|i| 10.0 + (i as f64 * 0.3).sin()).collect();
        let mut m = Macd::new(3, 5, 2).unwrap();
        let (mut f, mut s, mut g) = (
            Ema::new(3).unwrap(),
            Ema::new(5).unwrap(),
            Ema::new(2).unwrap(),
        );
        for (t, &x) in xs.iter().enumerate() {
            let o = m.next(x);
            let (a, b) = (f.next(x), s.next(x));
            if t < 4 {
                assert!(o.macd.is_nan());
                continue;
            }
            assert_eq!(o.macd, a - b);
            let sig = g.next(a - b);
            assert!(o.signal.to_bits() == sig.to_bits());
            if t >= m.lookback() {
                assert!(!o.histogram.is_nan());
            }
        }
        assert!(Macd::new(26, 12, 9).is_err());
    }

    #[test]
    fn stochastic_flat_and_bounds() {
        let mut s = Stochastic::new(3, 1, 2).unwrap();
        for _ in 0..4 {
            s.step(&Bar::hlc(1.0, 1.0, 1.0));
        }
        assert_eq!(s.step(&Bar::hlc(1.0, 1.0, 1.0)).k, 50.0);
        let o = s.step(&Bar::hlc(2.0, 1.0, 2.0));
        assert_eq!(o.k, 100.0);
        let mut w = WilliamsR::new(2).unwrap();
        w.step(&Bar::hlc(2.0, 1.0, 1.5));
        assert_eq!(w.step(&Bar::hlc(3.0, 2.0, 3.0)), 0.0);
        assert_eq!(w.step(&Bar::hlc(3.0, 1.0, 1.0)), -100.0);
    }

    #[test]
    fn cci_flat_is_zero() {
        let mut c = Cci::new(3).unwrap();
        for _ in 0..5 {
            let v = c.step(&Bar::hlc(2.0, 1.0, 1.5));
            assert!(v.is_nan() || v == 0.0);
        }
    }
}
