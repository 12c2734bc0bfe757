//! Realized and range-based volatility.
//!
//! - [`realized_variance`] `Σ r_t²` and [`bipower_variation`] `(π/2) Σ |r_t||r_{t−1}|`
//!   (Barndorff-Nielsen & Shephard 2004; jump-robust) over a set of (intraday) returns.
//! - [`RangeVol`]: rolling OHLC estimators, streaming (`update` per bar) and batch
//!   ([`range_volatility`]): close-to-close, Parkinson, Garman-Klass, Rogers-Satchell and
//!   Yang-Zhang, with R TTR's `volatility()` conventions (so they can be checked against it):
//!
//! ```text
//! close-to-close  √N · sd(ln C_t/C_{t−1}) over n−1 returns (sample sd)
//! Parkinson       √(N/(4n ln 2) · Σ ln(H/L)²)
//! Garman-Klass    √(N/n · Σ [½ ln(H/L)² − (2 ln 2 − 1) ln(C/O)²])
//! Rogers-Satchell √(N/n · Σ [ln(H/C) ln(H/O) + ln(L/C) ln(L/O)])
//! Yang-Zhang      √(σ²_o + k σ²_c + (1−k) σ²_RS),  k = 0.34 / (1.34 + (n+1)/(n−1)),
//!                 σ²_o = N·var(ln O_t/C_{t−1}), σ²_c = N·var(ln C/O) (sample variances over n),
//!                 σ²_RS = Rogers-Satchell² above
//! ```
//! `N` is the annualisation factor (periods per year; 1 gives per-period volatility), `n` the
//! window. Sums are over the last `n` bars; the first value is available after `n` bars
//! (`n + 1` for Yang-Zhang, whose overnight term needs the previous close).
//!
//! Rolling sums are updated in O(1) and recomputed exactly from the window every time the ring
//! wraps, so rounding does not accumulate on long streams.

use crate::error::{check_param, check_same_len, ModelError, Result};
use crate::rolling::Window;

/// `Σ r_t²`.
///
/// # Errors
/// [`ModelError::NotFinite`] for a non-finite return.
pub fn realized_variance(returns: &[f64]) -> Result<f64> {
    crate::error::check_finite(returns, "returns")?;
    Ok(returns.iter().map(|r| r * r).sum())
}

/// `(π/2) Σ_{t≥1} |r_t||r_{t−1}|` (no small-sample factor `n/(n−1)`).
///
/// # Errors
/// [`ModelError::NotFinite`] for a non-finite return.
pub fn bipower_variation(returns: &[f64]) -> Result<f64> {
    crate::error::check_finite(returns, "returns")?;
    let s: f64 = returns.windows(2).map(|w| (w[0] * w[1]).abs()).sum();
    Ok(std::f64::consts::FRAC_PI_2 * s)
}

/// `ln(p_t / p_{t−1})`, one shorter than `prices`.
///
/// # Errors
/// [`ModelError::InvalidInput`] for a price that is not positive and finite.
pub fn log_returns(prices: &[f64]) -> Result<Vec<f64>> {
    check_prices(prices, "prices")?;
    Ok(prices.windows(2).map(|w| (w[1] / w[0]).ln()).collect())
}

fn check_prices(p: &[f64], what: &'static str) -> Result<()> {
    match p.iter().position(|x| !(*x > 0.0 && x.is_finite())) {
        Some(index) => Err(ModelError::InvalidInput {
            what,
            index,
            reason: "must be a positive finite price",
        }),
        None => Ok(()),
    }
}

/// An OHLC range estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RangeEstimator {
    /// Sample standard deviation of close-to-close log returns.
    CloseToClose,
    /// Parkinson (1980), high-low.
    Parkinson,
    /// Garman & Klass (1980).
    GarmanKlass,
    /// Rogers & Satchell (1991), drift-independent.
    RogersSatchell,
    /// Yang & Zhang (2000): overnight + open-to-close + Rogers-Satchell, drift-independent and
    /// robust to opening jumps.
    YangZhang,
}

/// Counters of a streaming estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamStats {
    /// Inputs applied.
    pub updates: u64,
    /// Inputs skipped as invalid (non-finite, non-positive price, high below low, …).
    pub skipped: u64,
}

/// A streaming rolling OHLC volatility estimator (see the module docs for the formulas).
#[derive(Debug, Clone)]
pub struct RangeVol {
    estimator: RangeEstimator,
    window: usize,
    annualization: f64,
    k: f64,
    prev_close: Option<f64>,
    /// Per bar: [term1, term2, term3, term4, term5] depending on the estimator.
    roll: Window<5>,
    stats: StreamStats,
}

const LN2: f64 = std::f64::consts::LN_2;

impl RangeVol {
    /// An estimator over `window` bars with annualisation factor `annualization` (periods per
    /// year; 1 for per-period volatility).
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] for a window below 2 (3 for close-to-close) or a
    /// non-positive annualisation.
    pub fn new(estimator: RangeEstimator, window: usize, annualization: f64) -> Result<Self> {
        let min = if estimator == RangeEstimator::CloseToClose {
            3
        } else {
            2
        };
        crate::rolling::check_window(window, min, "window")?;
        check_param(
            annualization,
            annualization > 0.0,
            "annualization",
            "must be > 0",
        )?;
        let nf = window as f64;
        // Close-to-close uses n − 1 returns.
        let roll_len = if estimator == RangeEstimator::CloseToClose {
            window - 1
        } else {
            window
        };
        Ok(Self {
            estimator,
            window,
            annualization,
            k: 0.34 / (1.34 + (nf + 1.0) / (nf - 1.0)),
            prev_close: None,
            roll: Window::new(roll_len),
            stats: StreamStats::default(),
        })
    }

    /// The window.
    #[must_use]
    pub fn window(&self) -> usize {
        self.window
    }

    /// Applies one bar; returns the volatility once the window is full. An invalid bar
    /// (non-finite or non-positive price, `high < low`) is skipped and counted, and returns
    /// `None`.
    pub fn update(&mut self, open: f64, high: f64, low: f64, close: f64) -> Option<f64> {
        let ok = [open, high, low, close]
            .iter()
            .all(|x| *x > 0.0 && x.is_finite())
            && low <= high;
        if !ok {
            self.stats.skipped += 1;
            return None;
        }
        self.stats.updates += 1;
        let prev = self.prev_close.replace(close);
        let nf = self.window as f64;
        let n_ann = self.annualization;
        match self.estimator {
            RangeEstimator::CloseToClose => {
                let r = (close / prev?).ln();
                self.roll.push([r, r * r, 0.0, 0.0, 0.0]);
                if !self.roll.full() {
                    return None;
                }
                let m = nf - 1.0;
                let s = &self.roll.sums;
                let var = ((s[1] - s[0] * s[0] / m) / (m - 1.0)).max(0.0);
                Some((n_ann * var).sqrt())
            }
            RangeEstimator::Parkinson => {
                let hl = (high / low).ln();
                self.roll.push([hl * hl, 0.0, 0.0, 0.0, 0.0]);
                if !self.roll.full() {
                    return None;
                }
                Some(
                    (n_ann / (4.0 * nf * LN2) * self.roll.sums[0])
                        .max(0.0)
                        .sqrt(),
                )
            }
            RangeEstimator::GarmanKlass => {
                let hl = (high / low).ln();
                let co = (close / open).ln();
                self.roll.push([
                    0.5 * hl * hl - (2.0 * LN2 - 1.0) * co * co,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                ]);
                if !self.roll.full() {
                    return None;
                }
                Some((n_ann / nf * self.roll.sums[0]).max(0.0).sqrt())
            }
            RangeEstimator::RogersSatchell => {
                self.roll
                    .push([rs_term(open, high, low, close), 0.0, 0.0, 0.0, 0.0]);
                if !self.roll.full() {
                    return None;
                }
                Some((n_ann / nf * self.roll.sums[0]).max(0.0).sqrt())
            }
            RangeEstimator::YangZhang => {
                // The first bar has no overnight return: it only primes the previous close.
                let on = (open / prev?).ln();
                let co = (close / open).ln();
                self.roll
                    .push([on, on * on, co, co * co, rs_term(open, high, low, close)]);
                if !self.roll.full() {
                    return None;
                }
                let s = &self.roll.sums;
                let var_o = ((s[1] - s[0] * s[0] / nf) / (nf - 1.0)).max(0.0);
                let var_c = ((s[3] - s[2] * s[2] / nf) / (nf - 1.0)).max(0.0);
                let rs = s[4] / nf;
                let v = n_ann * (var_o + self.k * var_c + (1.0 - self.k) * rs);
                Some(v.max(0.0).sqrt())
            }
        }
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// Forgets all bars (keeps the configuration; counters are kept).
    pub fn reset(&mut self) {
        self.prev_close = None;
        self.roll.clear();
    }
}

#[inline]
fn rs_term(o: f64, h: f64, l: f64, c: f64) -> f64 {
    (h / c).ln() * (h / o).ln() + (l / c).ln() * (l / o).ln()
}

/// Rolling OHLC volatility over whole arrays: one value per bar, `NaN` where the window is not
/// yet full (the first `window − 1` bars; `window` for Yang-Zhang). Equal to feeding the bars to
/// [`RangeVol::update`] one by one.
///
/// # Errors
/// [`ModelError::LengthMismatch`] for arrays of different lengths, [`ModelError::InvalidInput`]
/// for the first bar with a non-positive or non-finite price or `high < low`, and the
/// parameter errors of [`RangeVol::new`].
pub fn range_volatility(
    open: &[f64],
    high: &[f64],
    low: &[f64],
    close: &[f64],
    estimator: RangeEstimator,
    window: usize,
    annualization: f64,
) -> Result<Vec<f64>> {
    let n = close.len();
    check_same_len(n, open.len(), "open")?;
    check_same_len(n, high.len(), "high")?;
    check_same_len(n, low.len(), "low")?;
    check_prices(open, "open")?;
    check_prices(high, "high")?;
    check_prices(low, "low")?;
    check_prices(close, "close")?;
    if let Some(index) = (0..n).find(|&i| low[i] > high[i]) {
        return Err(ModelError::InvalidInput {
            what: "low",
            index,
            reason: "is above the high",
        });
    }
    let mut est = RangeVol::new(estimator, window, annualization)?;
    Ok((0..n)
        .map(|i| {
            est.update(open[i], high[i], low[i], close[i])
                .unwrap_or(f64::NAN)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realized_measures_by_hand() {
        let r = [0.01, -0.02, 0.005];
        assert!((realized_variance(&r).unwrap() - (1e-4 + 4e-4 + 0.25e-4)).abs() < 1e-18);
        let bv = std::f64::consts::FRAC_PI_2 * (0.01 * 0.02 + 0.02 * 0.005);
        assert!((bipower_variation(&r).unwrap() - bv).abs() < 1e-18);
        assert_eq!(
            realized_variance(&[f64::NAN]).unwrap_err().code(),
            "ERR_NOT_FINITE"
        );
        assert_eq!(
            log_returns(&[1.0, 0.0]).unwrap_err().code(),
            "ERR_INVALID_INPUT"
        );
    }

    #[test]
    fn parkinson_by_hand_and_warmup() {
        let mut p = RangeVol::new(RangeEstimator::Parkinson, 2, 1.0).unwrap();
        assert_eq!(p.update(10.0, 11.0, 9.0, 10.5), None);
        let v = p.update(10.5, 12.0, 10.0, 11.0).unwrap();
        let want = (((11.0f64 / 9.0).ln().powi(2) + (12.0f64 / 10.0).ln().powi(2))
            / (4.0 * 2.0 * LN2))
            .sqrt();
        assert!((v - want).abs() < 1e-15);
        // an invalid bar is skipped and counted
        assert_eq!(p.update(10.0, 9.0, 11.0, 10.0), None);
        assert_eq!(
            p.stats(),
            StreamStats {
                updates: 2,
                skipped: 1
            }
        );
    }

    #[test]
    fn long_streams_do_not_drift() {
        // 1e6 bars of a repeating pattern: the rolling value must stay equal to the fresh one.
        let mut a = RangeVol::new(RangeEstimator::YangZhang, 10, 1.0).unwrap();
        let bar = |i: usize| {
            let o = 100.0 + (i % 7) as f64;
            (
                o,
                o + 2.0 + (i % 3) as f64,
                o - 1.5,
                o + 0.5 * ((i % 5) as f64 - 2.0),
            )
        };
        let mut last = 0.0;
        for i in 0..1_000_000 {
            let (o, h, l, c) = bar(i);
            if let Some(v) = a.update(o, h, l, c) {
                last = v;
            }
        }
        let mut b = RangeVol::new(RangeEstimator::YangZhang, 10, 1.0).unwrap();
        let mut fresh = 0.0;
        for i in 1_000_000 - 11..1_000_000 {
            let (o, h, l, c) = bar(i);
            if let Some(v) = b.update(o, h, l, c) {
                fresh = v;
            }
        }
        assert!((last - fresh).abs() < 1e-13 * fresh, "{last} vs {fresh}");
    }

    #[test]
    fn batch_errors() {
        let o = [1.0, 1.0, 1.0];
        assert_eq!(
            range_volatility(&o, &o, &o, &o[..2], RangeEstimator::Parkinson, 2, 1.0)
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
        let h = [1.0, 0.5, 1.0];
        assert_eq!(
            range_volatility(&o, &h, &o, &o, RangeEstimator::Parkinson, 2, 1.0).unwrap_err(),
            ModelError::InvalidInput {
                what: "low",
                index: 1,
                reason: "is above the high"
            }
        );
        assert_eq!(
            RangeVol::new(RangeEstimator::CloseToClose, 2, 1.0)
                .unwrap_err()
                .code(),
            "ERR_INVALID_PARAMETER"
        );
    }
}
