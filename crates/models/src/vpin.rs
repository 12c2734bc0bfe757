//! VPIN, the volume-synchronised probability of informed trading (Easley, López de Prado &
//! O'Hara 2012), with bulk volume classification.
//!
//! Per bar `i` (a time bar, or a trade) with price `P_i` and volume `V_i`:
//!
//! 1. **Bulk volume classification.** `V^B_i = V_i · Φ(ΔP_i / σ_ΔP)`, `V^S_i = V_i − V^B_i`,
//!    with `ΔP_i = P_i − P_{i−1}` and `σ_ΔP` the standard deviation of price changes
//!    ([`SigmaMode`]). Pass log prices to classify on log returns instead.
//! 2. **Equal-volume buckets.** Volume fills buckets of size `V_b` in arrival order; a bar that
//!    crosses a bucket boundary is split and its remainder carried into the next bucket(s),
//!    each part keeping the bar's buy fraction.
//! 3. **VPIN** after each completed bucket `τ`:
//!    `VPIN_τ = Σ_{j=τ−n+1..τ} |V^S_j − V^B_j| / (n·V_b)` over the last `n` buckets.
//!
//! The first bar only primes the previous price (it has no price change); its volume is not
//! bucketed. While `σ_ΔP` is zero (no price variation seen yet) bars are split evenly.
//!
//! [`Vpin::update`] is the streaming form (one bar per call, O(1) amortised: a bar spanning
//! many buckets fills them in bulk); [`vpin`] runs it over arrays. [`Vpin::cdf`] is the
//! empirical CDF of the VPIN values seen (a bounded history), the usual basis of alert
//! thresholds ("VPIN above its 0.99 quantile"); [`empirical_cdf`] ranks a whole series.

use tachyon_stats::special::norm_cdf;

use crate::error::{check_param, check_same_len, ModelError, Result};
use crate::rolling::Window;

/// How `σ_ΔP` is estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SigmaMode {
    /// A given value (> 0), e.g. estimated on a past sample.
    Fixed(f64),
    /// Standard deviation (population) of all price changes so far, the current one included.
    Expanding,
    /// Exponentially weighted RMS of price changes with decay `λ ∈ (0, 1)`:
    /// `s² ← λ s² + (1 − λ) ΔP²`, started at the first `ΔP²`.
    Ewma(f64),
}

/// Configuration of a [`Vpin`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VpinOptions {
    /// Volume per bucket `V_b` (> 0), e.g. average daily volume / 50.
    pub bucket_volume: f64,
    /// Buckets in the VPIN window `n` (default 50).
    pub window: usize,
    /// Estimation of `σ_ΔP` (default [`SigmaMode::Expanding`]).
    pub sigma: SigmaMode,
    /// VPIN values kept for [`Vpin::cdf`] (default 5,000; 0 disables the history).
    pub cdf_history: usize,
}

impl VpinOptions {
    /// Options with a bucket volume and the defaults.
    #[must_use]
    pub fn new(bucket_volume: f64) -> Self {
        Self {
            bucket_volume,
            window: 50,
            sigma: SigmaMode::Expanding,
            cdf_history: 5_000,
        }
    }

    fn validate(&self) -> Result<()> {
        check_param(
            self.bucket_volume,
            self.bucket_volume > 0.0,
            "bucket volume",
            "must be > 0",
        )?;
        crate::rolling::check_window(self.window, 1, "window")?;
        match self.sigma {
            SigmaMode::Fixed(s) => check_param(s, s > 0.0, "sigma", "must be > 0"),
            SigmaMode::Ewma(l) => check_param(l, l > 0.0 && l < 1.0, "lambda", "must be in (0, 1)"),
            SigmaMode::Expanding => Ok(()),
        }
    }
}

/// Counters of a [`Vpin`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VpinStats {
    /// Bars applied (the priming bar included).
    pub updates: u64,
    /// Bars skipped: non-finite price, negative or non-finite volume.
    pub skipped: u64,
    /// Buckets completed.
    pub buckets: u64,
}

/// Streaming VPIN.
#[derive(Debug, Clone)]
pub struct Vpin {
    opts: VpinOptions,
    prev_price: Option<f64>,
    // σ estimation
    n_changes: u64,
    mean: f64,
    m2: f64,
    ewma: f64,
    // current bucket
    fill: f64,
    buy: f64,
    // completed buckets
    imbalances: Window<1>,
    last_bucket: Option<(f64, f64)>,
    value: Option<f64>,
    history: Vec<f64>,
    hist_pos: usize,
    /// Direct-mapped memo of `Φ` by the bits of `z` (64 slots; NaN marks an empty slot).
    phi_cache: [(u64, f64); 64],
    stats: VpinStats,
}

impl Vpin {
    /// A new estimator.
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] for a non-positive bucket volume, a zero window, or an
    /// invalid σ mode parameter.
    pub fn new(opts: VpinOptions) -> Result<Self> {
        opts.validate()?;
        Ok(Self {
            imbalances: Window::new(opts.window),
            history: Vec::with_capacity(opts.cdf_history.min(1 << 16)),
            opts,
            prev_price: None,
            n_changes: 0,
            mean: 0.0,
            m2: 0.0,
            ewma: 0.0,
            fill: 0.0,
            buy: 0.0,
            last_bucket: None,
            value: None,
            hist_pos: 0,
            phi_cache: [(0, f64::NAN); 64],
            stats: VpinStats::default(),
        })
    }

    /// The options.
    #[must_use]
    pub fn options(&self) -> &VpinOptions {
        &self.opts
    }

    /// Current `σ_ΔP` (0 until price variation is seen).
    #[must_use]
    pub fn sigma(&self) -> f64 {
        match self.opts.sigma {
            SigmaMode::Fixed(s) => s,
            SigmaMode::Expanding => {
                if self.n_changes == 0 {
                    0.0
                } else {
                    (self.m2 / self.n_changes as f64).sqrt()
                }
            }
            SigmaMode::Ewma(_) => self.ewma.sqrt(),
        }
    }

    /// Applies one bar; returns the number of buckets it completed. Invalid bars (non-finite
    /// price, negative or non-finite volume) are skipped and counted.
    #[inline]
    pub fn update(&mut self, price: f64, volume: f64) -> u32 {
        self.step(price, volume, &mut |_, _| {})
    }

    /// [`Vpin::update`], reporting every completed bucket to `on_bucket(vpin, count)`: `vpin`
    /// after the bucket (`NaN` before the window is full), `count` consecutive buckets with
    /// that value.
    #[inline]
    fn step<F: FnMut(f64, u64)>(&mut self, price: f64, volume: f64, on_bucket: &mut F) -> u32 {
        if !(price.is_finite() && volume >= 0.0 && volume.is_finite()) {
            self.stats.skipped += 1;
            return 0;
        }
        self.stats.updates += 1;
        let prev = match self.prev_price.replace(price) {
            Some(p) => p,
            None => return 0,
        };
        let dp = price - prev;
        self.observe_change(dp);
        let sigma = self.sigma();
        let z = if sigma > 0.0 { dp / sigma } else { 0.0 };
        let frac = self.buy_fraction(z);
        self.add_volume(volume, frac, on_bucket)
    }

    /// `Φ(z)`, memoised by the exact bits of `z`: prices on a tick grid with a fixed σ repeat
    /// the same few standardised changes, and the exact normal CDF costs tens of ns. A hit
    /// returns the same bits as a fresh evaluation, so results do not depend on the cache.
    #[inline]
    fn buy_fraction(&mut self, z: f64) -> f64 {
        let bits = z.to_bits();
        let slot = ((bits ^ (bits >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize;
        let (key, value) = self.phi_cache[slot];
        if key == bits && !value.is_nan() {
            return value;
        }
        let v = norm_cdf(z);
        self.phi_cache[slot] = (bits, v);
        v
    }

    #[inline]
    fn observe_change(&mut self, dp: f64) {
        match self.opts.sigma {
            SigmaMode::Fixed(_) => {}
            SigmaMode::Expanding => {
                self.n_changes += 1;
                let d = dp - self.mean;
                self.mean += d / self.n_changes as f64;
                self.m2 += d * (dp - self.mean);
            }
            SigmaMode::Ewma(l) => {
                self.ewma = if self.n_changes == 0 {
                    dp * dp
                } else {
                    l * self.ewma + (1.0 - l) * dp * dp
                };
                self.n_changes += 1;
            }
        }
    }

    /// Adds `volume` with buy fraction `frac`; returns buckets completed.
    #[inline]
    fn add_volume<F: FnMut(f64, u64)>(&mut self, volume: f64, frac: f64, on_bucket: &mut F) -> u32 {
        let vb = self.opts.bucket_volume;
        let space = vb - self.fill;
        if volume < space {
            self.fill += volume;
            self.buy += volume * frac;
            return 0;
        }
        // Complete the current bucket.
        let buy = self.buy + space * frac;
        self.complete(buy, on_bucket);
        let mut rest = volume - space;
        let mut done: u64 = 1;
        // Whole buckets inside this bar all have the same buy fraction. After `window` of them
        // the window holds only such buckets and VPIN stops changing: complete those one by
        // one, and account for the rest in bulk.
        let whole = (rest / vb).floor();
        if whole >= 1.0 {
            let k = if whole < 1.8e19 {
                whole as u64
            } else {
                u64::MAX
            };
            let each = k.min(self.opts.window as u64);
            for _ in 0..each {
                self.complete(vb * frac, on_bucket);
            }
            let bulk = k - each;
            if bulk > 0 {
                self.stats.buckets += bulk;
                let v = self.value.unwrap_or(f64::NAN);
                let cap = self.opts.cdf_history as u64;
                for _ in 0..bulk.min(cap) {
                    self.remember(v);
                }
                on_bucket(v, bulk);
            }
            rest -= whole * vb;
            done = done.saturating_add(k);
        }
        self.fill = rest;
        self.buy = rest * frac;
        u32::try_from(done).unwrap_or(u32::MAX)
    }

    fn complete<F: FnMut(f64, u64)>(&mut self, buy: f64, on_bucket: &mut F) {
        let vb = self.opts.bucket_volume;
        let imbalance = (vb - 2.0 * buy).abs();
        self.last_bucket = Some((buy, vb - buy));
        self.imbalances.push([imbalance]);
        self.stats.buckets += 1;
        if self.imbalances.full() {
            let v = self.imbalances.sums[0] / (self.opts.window as f64 * vb);
            self.value = Some(v);
            self.remember(v);
            on_bucket(v, 1);
        } else {
            on_bucket(f64::NAN, 1);
        }
    }

    fn remember(&mut self, v: f64) {
        let cap = self.opts.cdf_history;
        if cap > 0 {
            if self.history.len() < cap {
                self.history.push(v);
            } else {
                self.history[self.hist_pos] = v;
                self.hist_pos = (self.hist_pos + 1) % cap;
            }
        }
    }

    /// VPIN after the last completed bucket, once `window` buckets exist.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        self.value
    }

    /// `(buy, sell)` volume of the last completed bucket.
    #[must_use]
    pub fn last_bucket(&self) -> Option<(f64, f64)> {
        self.last_bucket
    }

    /// Volume in the bucket being filled.
    #[must_use]
    pub fn bucket_fill(&self) -> f64 {
        self.fill
    }

    /// Empirical CDF of the current VPIN among the kept history: the fraction of kept values
    /// `≤` it. `None` before the first value or with the history disabled.
    #[must_use]
    pub fn cdf(&self) -> Option<f64> {
        self.value.and_then(|v| self.cdf_of(v))
    }

    /// Empirical CDF at `x` of the kept VPIN values.
    #[must_use]
    pub fn cdf_of(&self, x: f64) -> Option<f64> {
        if self.history.is_empty() || !x.is_finite() {
            return None;
        }
        let below = self.history.iter().filter(|v| **v <= x).count();
        Some(below as f64 / self.history.len() as f64)
    }

    /// The `p`-quantile of the kept VPIN values (lower empirical quantile,
    /// `sorted[ceil(p·m) − 1]`), e.g. an alert threshold for `p = 0.99`.
    #[must_use]
    pub fn quantile(&self, p: f64) -> Option<f64> {
        if self.history.is_empty() || !(0.0..=1.0).contains(&p) {
            return None;
        }
        let mut v = self.history.clone();
        let m = v.len();
        let k = ((p * m as f64).ceil() as usize).clamp(1, m) - 1;
        let (_, x, _) = v.select_nth_unstable_by(k, f64::total_cmp);
        Some(*x)
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> VpinStats {
        self.stats
    }
}

/// Result of [`vpin`] over arrays.
#[derive(Debug, Clone, PartialEq)]
pub struct VpinSeries {
    /// VPIN as of each bar (`NaN` until `window` buckets are complete).
    pub by_bar: Vec<f64>,
    /// VPIN after each completed bucket (`NaN` for the first `window − 1` buckets).
    pub by_bucket: Vec<f64>,
    /// Bar index at which each bucket completed.
    pub bucket_bar: Vec<usize>,
    /// `σ_ΔP` used (for [`SigmaMode::Fixed`] and the full-sample default).
    pub sigma: f64,
}

/// VPIN over arrays of bar prices and volumes. With `opts.sigma = None` the full-sample
/// standard deviation of the price changes is used (the paper's choice); otherwise the given
/// mode runs as in streaming.
///
/// # Errors
/// [`ModelError::LengthMismatch`]; [`ModelError::NotFinite`] for a price;
/// [`ModelError::InvalidInput`] for a negative or non-finite volume;
/// [`ModelError::TooShort`] with fewer than 2 bars; [`ModelError::Constant`] when all price
/// changes are equal and no σ is given; option errors.
pub fn vpin(
    prices: &[f64],
    volumes: &[f64],
    bucket_volume: f64,
    window: usize,
    sigma: Option<SigmaMode>,
) -> Result<VpinSeries> {
    check_same_len(prices.len(), volumes.len(), "volumes")?;
    crate::error::check_finite(prices, "prices")?;
    crate::error::check_len(prices.len(), 2, "prices")?;
    if let Some(index) = volumes.iter().position(|v| !(*v >= 0.0 && v.is_finite())) {
        return Err(ModelError::InvalidInput {
            what: "volumes",
            index,
            reason: "must be non-negative and finite",
        });
    }
    let mode = match sigma {
        Some(m) => m,
        None => {
            let n = (prices.len() - 1) as f64;
            let mean = (prices[prices.len() - 1] - prices[0]) / n;
            let var = prices
                .windows(2)
                .map(|w| {
                    let d = w[1] - w[0] - mean;
                    d * d
                })
                .sum::<f64>()
                / n;
            if var.is_nan() || var <= 0.0 {
                return Err(ModelError::Constant {
                    what: "price changes",
                });
            }
            SigmaMode::Fixed(var.sqrt())
        }
    };
    let total_volume: f64 = volumes.iter().sum();
    if total_volume / bucket_volume > MAX_BATCH_BUCKETS {
        return Err(ModelError::InvalidParameter {
            name: "bucket volume",
            reason: "is too small for the data (more than 1e8 buckets)",
            value: bucket_volume,
        });
    }
    let mut opts = VpinOptions::new(bucket_volume);
    opts.window = window;
    opts.sigma = mode;
    opts.cdf_history = 0;
    let mut v = Vpin::new(opts)?;
    let mut by_bar = Vec::with_capacity(prices.len());
    let mut by_bucket = Vec::new();
    let mut bucket_bar = Vec::new();
    for (i, (&p, &q)) in prices.iter().zip(volumes).enumerate() {
        v.step(p, q, &mut |value, count| {
            for _ in 0..count {
                by_bucket.push(value);
                bucket_bar.push(i);
            }
        });
        by_bar.push(v.value().unwrap_or(f64::NAN));
    }
    Ok(VpinSeries {
        by_bar,
        by_bucket,
        bucket_bar,
        sigma: v.sigma(),
    })
}

/// Most buckets [`vpin`] produces (guards memory against a tiny bucket volume).
const MAX_BATCH_BUCKETS: f64 = 1e8;

/// Empirical CDF of each value within the series: `#{j : x_j ≤ x_i} / m` over the `m` finite
/// values (`NaN` stays `NaN`).
#[must_use]
pub fn empirical_cdf(values: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let m = sorted.len() as f64;
    values
        .iter()
        .map(|x| {
            if x.is_finite() {
                sorted.partition_point(|v| v <= x) as f64 / m
            } else {
                f64::NAN
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Φ(1) and Φ(−1) from scipy.stats.norm.cdf (SciPy 1.17): independent of our erfc.
    const PHI1: f64 = 0.841_344_746_068_542_9;
    const PHI_M1: f64 = 0.158_655_253_931_457_05;

    #[test]
    fn hand_computed_buckets_with_carry_over() {
        let mut o = VpinOptions::new(10.0);
        o.window = 2;
        o.sigma = SigmaMode::Fixed(1.0);
        let mut v = Vpin::new(o).unwrap();
        assert_eq!(v.update(100.0, 7.0), 0); // primes the price; volume not bucketed
                                             // ΔP = +1 → buy fraction Φ(1); 15 units: bucket 1 full (10), 5 carried
        assert_eq!(v.update(101.0, 15.0), 1);
        let b1 = 10.0 * PHI1;
        assert!((v.last_bucket().unwrap().0 - b1).abs() < 1e-12);
        assert_eq!(v.value(), None); // one bucket < window 2
        assert!((v.bucket_fill() - 5.0).abs() < 1e-12);
        // ΔP = −1 → Φ(−1); 5 units complete bucket 2: buy = 5Φ(1) + 5Φ(−1) = 5
        assert_eq!(v.update(100.0, 5.0), 1);
        let b2 = 5.0 * PHI1 + 5.0 * PHI_M1;
        assert!((b2 - 5.0).abs() < 1e-12);
        let want = ((10.0 - 2.0 * b1).abs() + (10.0 - 2.0 * b2).abs()) / (2.0 * 10.0);
        assert!(
            (v.value().unwrap() - want).abs() < 1e-12,
            "{:?} vs {want}",
            v.value()
        );
        assert!((want - 0.341_344_746_068_542_9).abs() < 1e-12);
        // a bar of 35 units at ΔP = 0 (fraction ½): 3 whole buckets + 5 carried, balanced
        assert_eq!(v.update(100.0, 35.0), 3);
        assert_eq!(v.value(), Some(0.0));
        assert_eq!(v.stats().buckets, 5);
        // bad bars are skipped and counted
        assert_eq!(v.update(f64::NAN, 1.0), 0);
        assert_eq!(v.update(100.0, -1.0), 0);
        assert_eq!(v.stats().skipped, 2);
        assert_eq!(v.stats().updates, 4);
    }

    #[test]
    fn phi_memo_returns_the_exact_cdf() {
        let mut v = Vpin::new(VpinOptions::new(1.0)).unwrap();
        for z in [0.0, 1.0, -1.0, 2.5, -3.7, 1.0, 0.0, 1e-300, -0.0] {
            let want = norm_cdf(z);
            assert_eq!(v.buy_fraction(z).to_bits(), want.to_bits());
            assert_eq!(v.buy_fraction(z).to_bits(), want.to_bits()); // hit
        }
        // many distinct values through 64 slots: collisions evict, never corrupt
        for i in 0..10_000 {
            let z = (i as f64 - 5_000.0) * 1e-3;
            assert_eq!(v.buy_fraction(z).to_bits(), norm_cdf(z).to_bits());
        }
    }

    #[test]
    fn huge_bars_do_not_loop_forever() {
        let mut o = VpinOptions::new(1.0);
        o.window = 3;
        o.cdf_history = 10;
        let mut v = Vpin::new(o).unwrap();
        v.update(1.0, 0.0);
        let k = v.update(2.0, 1e15);
        assert_eq!(k, u32::MAX); // saturated count
        assert!(vpin(&[1.0, 2.0], &[0.0, 1e15], 1.0, 3, None).is_err());
        assert_eq!(v.stats().buckets, 1_000_000_000_000_000);
        assert!(v.value().is_some());
    }

    #[test]
    fn batch_equals_streaming_and_cdf() {
        let n = 2000;
        let mut p = 100.0;
        let (mut prices, mut vols) = (Vec::new(), Vec::new());
        for i in 0..n {
            p += ((i * 7919 % 13) as f64 - 6.0) * 0.01;
            prices.push(p);
            vols.push(50.0 + (i * 31 % 17) as f64 * 10.0);
        }
        let s = vpin(&prices, &vols, 500.0, 20, Some(SigmaMode::Expanding)).unwrap();
        let mut o = VpinOptions::new(500.0);
        o.window = 20;
        let mut v = Vpin::new(o).unwrap();
        for i in 0..n {
            v.update(prices[i], vols[i]);
            let want = v.value().unwrap_or(f64::NAN);
            assert!(want.to_bits() == s.by_bar[i].to_bits(), "bar {i}");
        }
        assert_eq!(s.by_bucket.len() as u64, v.stats().buckets);
        // CDF of the final value among the history vs the batch empirical CDF
        let finite: Vec<f64> = s
            .by_bucket
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        let c = empirical_cdf(&finite);
        assert!((v.cdf().unwrap() - c[c.len() - 1]).abs() < 1e-12);
        let q = v.quantile(0.5).unwrap();
        assert!((v.cdf_of(q).unwrap() - 0.5).abs() <= 1.0 / finite.len() as f64 + 1e-12);
        // errors
        assert_eq!(
            vpin(&[1.0, 1.0], &[1.0, 1.0], 1.0, 2, None)
                .unwrap_err()
                .code(),
            "ERR_CONSTANT_SERIES"
        );
        assert_eq!(
            vpin(&[1.0], &[1.0], 1.0, 2, None).unwrap_err().code(),
            "ERR_TOO_SHORT"
        );
        assert_eq!(
            vpin(&[1.0, 2.0], &[1.0, -1.0], 1.0, 2, None)
                .unwrap_err()
                .code(),
            "ERR_INVALID_INPUT"
        );
        assert_eq!(
            Vpin::new(VpinOptions::new(0.0)).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
    }
}
