//! Market-microstructure measures.
//!
//! - [`OrderFlowImbalance`] / [`order_flow_imbalance`]: multi-level order-flow imbalance from
//!   consecutive L2 snapshots (Cont, Kukanov & Stoikov 2014; per level as in Xu, Gould &
//!   Howison 2018). For level `m` between snapshots `n−1` and `n`:
//!   `e_m = 1[Pᵇ_n ≥ Pᵇ_{n−1}] qᵇ_n − 1[Pᵇ_n ≤ Pᵇ_{n−1}] qᵇ_{n−1}
//!        − 1[Pᵃ_n ≤ Pᵃ_{n−1}] qᵃ_n + 1[Pᵃ_n ≥ Pᵃ_{n−1}] qᵃ_{n−1}`.
//!   A level with quantity 0 is absent (its price is taken as −∞ for bids, +∞ for asks).
//! - [`weighted_mid`]: the size-weighted mid `(Pᵇ Qᵃ + Pᵃ Qᵇ)/(Qᵇ + Qᵃ)`.
//! - [`KyleLambda`]: rolling OLS of price changes on signed volume, `Δp_t = c + λ·x_t`.
//! - [`Amihud`]: rolling mean of `|r_t| / dollar volume_t` (Amihud 2002).
//! - [`RollSpread`]: `2√(−Cov(Δp_t, Δp_{t−1}))` over a rolling window (Roll 1984).
//! - [`effective_spreads`]: `2·d·(p − m)` per trade (`2|p − m|` without sides), optionally
//!   relative to the mid.
//!
//! Streaming objects take one observation per `update`, skip and count invalid ones; batch
//! functions over whole arrays equal feeding the streaming object element by element and mark
//! positions without a value (warm-up, undefined estimate) with `NaN`, as documented on each.

use crate::error::{check_param, check_same_len, ModelError, Result};
use crate::realized::StreamStats;
use crate::rolling::Window;

// ---------------------------------------------------------------------------------------------
// Order-flow imbalance

/// Streaming multi-level order-flow imbalance.
#[derive(Debug, Clone)]
pub struct OrderFlowImbalance {
    levels: usize,
    /// Previous snapshot: bid px, bid qty, ask px, ask qty per level.
    prev: Vec<[f64; 4]>,
    has_prev: bool,
    cumulative: Vec<f64>,
    stats: StreamStats,
}

impl OrderFlowImbalance {
    /// A tracker of `levels` book levels per side.
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] for zero levels.
    pub fn new(levels: usize) -> Result<Self> {
        crate::rolling::check_window(levels, 1, "levels")?;
        Ok(Self {
            levels,
            prev: vec![[0.0; 4]; levels],
            has_prev: false,
            cumulative: vec![0.0; levels],
            stats: StreamStats::default(),
        })
    }

    /// Levels per side.
    #[must_use]
    pub fn levels(&self) -> usize {
        self.levels
    }

    /// Applies a snapshot (`levels` prices and quantities per side, best first). Writes the
    /// per-level imbalance since the previous snapshot into `out` and returns `true`; returns
    /// `false` (and leaves `out` alone) for the first snapshot and for an invalid one, which is
    /// skipped and counted (a non-finite or negative quantity, a non-finite price on a level
    /// with quantity, a crossed best bid/ask).
    ///
    /// # Errors
    /// [`ModelError::LengthMismatch`] when a slice does not hold `levels` values.
    pub fn update(
        &mut self,
        bid_px: &[f64],
        bid_qty: &[f64],
        ask_px: &[f64],
        ask_qty: &[f64],
        out: &mut [f64],
    ) -> Result<bool> {
        let l = self.levels;
        check_same_len(l, bid_px.len(), "bid prices")?;
        check_same_len(l, bid_qty.len(), "bid quantities")?;
        check_same_len(l, ask_px.len(), "ask prices")?;
        check_same_len(l, ask_qty.len(), "ask quantities")?;
        check_same_len(l, out.len(), "output")?;
        if !snapshot_valid(bid_px, bid_qty, ask_px, ask_qty) {
            self.stats.skipped += 1;
            return Ok(false);
        }
        self.stats.updates += 1;
        let had = self.has_prev;
        for m in 0..l {
            let cur = [
                eff_bid(bid_px[m], bid_qty[m]),
                bid_qty[m],
                eff_ask(ask_px[m], ask_qty[m]),
                ask_qty[m],
            ];
            if had {
                let p = self.prev[m];
                let e = ofi_level(&p, &cur);
                out[m] = e;
                self.cumulative[m] += e;
            }
            self.prev[m] = cur;
        }
        self.has_prev = true;
        Ok(had)
    }

    /// Sum of the per-level imbalances since creation (or the last [`Self::reset`]).
    #[must_use]
    pub fn cumulative(&self) -> &[f64] {
        &self.cumulative
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// Forgets the previous snapshot and zeroes the cumulative sums.
    pub fn reset(&mut self) {
        self.has_prev = false;
        self.cumulative.iter_mut().for_each(|v| *v = 0.0);
    }
}

#[inline]
fn eff_bid(px: f64, qty: f64) -> f64 {
    if qty > 0.0 {
        px
    } else {
        f64::NEG_INFINITY
    }
}

#[inline]
fn eff_ask(px: f64, qty: f64) -> f64 {
    if qty > 0.0 {
        px
    } else {
        f64::INFINITY
    }
}

/// One level's contribution; `p`, `c` = [bid px, bid qty, ask px, ask qty] (effective prices).
#[inline]
fn ofi_level(p: &[f64; 4], c: &[f64; 4]) -> f64 {
    let mut e = 0.0;
    if c[0] >= p[0] {
        e += c[1];
    }
    if c[0] <= p[0] {
        e -= p[1];
    }
    if c[2] <= p[2] {
        e -= c[3];
    }
    if c[2] >= p[2] {
        e += p[3];
    }
    e
}

fn snapshot_valid(bp: &[f64], bq: &[f64], ap: &[f64], aq: &[f64]) -> bool {
    let side_ok = |px: &[f64], q: &[f64]| {
        px.iter()
            .zip(q)
            .all(|(p, q)| q.is_finite() && *q >= 0.0 && (*q == 0.0 || p.is_finite()))
    };
    side_ok(bp, bq) && side_ok(ap, aq) && !(bq[0] > 0.0 && aq[0] > 0.0 && bp[0] >= ap[0])
}

/// Order-flow imbalance over a sequence of `n` snapshots stored row-major (`n × levels`
/// values per array). Returns `(n − 1) × levels` values: row `i` is the flow between snapshots
/// `i` and `i + 1`.
///
/// # Errors
/// [`ModelError::LengthMismatch`] if an array is not `n × levels`; [`ModelError::InvalidInput`]
/// naming the first invalid snapshot (see [`OrderFlowImbalance::update`]).
pub fn order_flow_imbalance(
    bid_px: &[f64],
    bid_qty: &[f64],
    ask_px: &[f64],
    ask_qty: &[f64],
    levels: usize,
) -> Result<Vec<f64>> {
    let mut t = OrderFlowImbalance::new(levels)?;
    if bid_px.len() % levels != 0 {
        return Err(ModelError::LengthMismatch {
            what: "bid prices (a multiple of levels)",
            expected: bid_px.len() / levels * levels,
            got: bid_px.len(),
        });
    }
    let n = bid_px.len() / levels;
    check_same_len(bid_px.len(), bid_qty.len(), "bid quantities")?;
    check_same_len(bid_px.len(), ask_px.len(), "ask prices")?;
    check_same_len(bid_px.len(), ask_qty.len(), "ask quantities")?;
    let mut out = vec![0.0; n.saturating_sub(1) * levels];
    let mut row = vec![0.0; levels];
    for i in 0..n {
        let s = i * levels..(i + 1) * levels;
        let (bp, bq, ap, aq) = (
            &bid_px[s.clone()],
            &bid_qty[s.clone()],
            &ask_px[s.clone()],
            &ask_qty[s],
        );
        if !snapshot_valid(bp, bq, ap, aq) {
            return Err(ModelError::InvalidInput {
                what: "snapshot",
                index: i,
                reason:
                    "has a negative or non-finite quantity, a non-finite price or a crossed book",
            });
        }
        if t.update(bp, bq, ap, aq, &mut row)? {
            out[(i - 1) * levels..i * levels].copy_from_slice(&row);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Microprice

/// Size-weighted mid `(Pᵇ Qᵃ + Pᵃ Qᵇ)/(Qᵇ + Qᵃ)` per quote.
///
/// # Errors
/// [`ModelError::LengthMismatch`]; [`ModelError::InvalidInput`] for a non-finite price, a
/// negative or non-finite quantity, or both quantities zero.
pub fn weighted_mid(
    bid: &[f64],
    bid_qty: &[f64],
    ask: &[f64],
    ask_qty: &[f64],
) -> Result<Vec<f64>> {
    let n = bid.len();
    check_same_len(n, bid_qty.len(), "bid quantities")?;
    check_same_len(n, ask.len(), "ask prices")?;
    check_same_len(n, ask_qty.len(), "ask quantities")?;
    (0..n)
        .map(|i| {
            let (b, bq, a, aq) = (bid[i], bid_qty[i], ask[i], ask_qty[i]);
            let ok = b.is_finite()
                && a.is_finite()
                && bq >= 0.0
                && aq >= 0.0
                && bq + aq > 0.0
                && (bq + aq).is_finite();
            if ok {
                Ok((b * aq + a * bq) / (bq + aq))
            } else {
                Err(ModelError::InvalidInput {
                    what: "quote",
                    index: i,
                    reason: "needs finite prices and non-negative quantities, not both zero",
                })
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Kyle's lambda

/// A rolling Kyle's-lambda estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KyleEstimate {
    /// Slope `λ`: price impact per unit of signed volume.
    pub lambda: f64,
    /// Intercept `c`.
    pub intercept: f64,
    /// `R²` of the regression (0 when the price changes are constant).
    pub r2: f64,
}

/// Streaming rolling regression `Δp_t = c + λ·x_t` over the last `window` observations, where
/// `x_t` is the signed order flow (e.g. signed volume or signed dollar volume).
#[derive(Debug, Clone)]
pub struct KyleLambda {
    win: Window<5>,
    stats: StreamStats,
}

impl KyleLambda {
    /// A regression over `window ≥ 3` observations.
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] for a window below 3.
    pub fn new(window: usize) -> Result<Self> {
        crate::rolling::check_window(window, 3, "window")?;
        Ok(Self {
            win: Window::new(window),
            stats: StreamStats::default(),
        })
    }

    /// Adds an observation; returns the estimate once the window is full and the flow varies
    /// in it (`None` otherwise). Non-finite inputs are skipped and counted.
    pub fn update(&mut self, price_change: f64, signed_flow: f64) -> Option<KyleEstimate> {
        if !(price_change.is_finite() && signed_flow.is_finite()) {
            self.stats.skipped += 1;
            return None;
        }
        self.stats.updates += 1;
        let (x, y) = (signed_flow, price_change);
        self.win.push([x, y, x * x, x * y, y * y]);
        if !self.win.full() {
            return None;
        }
        let n = self.win.len as f64;
        let s = &self.win.sums;
        let sxx = s[2] - s[0] * s[0] / n;
        let sxy = s[3] - s[0] * s[1] / n;
        let syy = s[4] - s[1] * s[1] / n;
        if sxx.is_nan() || sxx <= 1e-12 * s[2].abs() {
            return None;
        }
        let lambda = sxy / sxx;
        let intercept = (s[1] - lambda * s[0]) / n;
        let r2 = if syy > 0.0 {
            (sxy * sxy / (sxx * syy)).min(1.0)
        } else {
            0.0
        };
        Some(KyleEstimate {
            lambda,
            intercept,
            r2,
        })
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> StreamStats {
        self.stats
    }
}

/// Rolling Kyle's lambda over whole arrays: `(lambda, intercept, r2)`, one value per
/// observation, `NaN` before the window is full or where the flow is constant in the window.
///
/// # Errors
/// [`ModelError::LengthMismatch`], [`ModelError::NotFinite`], window errors.
pub fn kyle_lambda(
    price_change: &[f64],
    signed_flow: &[f64],
    window: usize,
) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    check_same_len(price_change.len(), signed_flow.len(), "signed flow")?;
    crate::error::check_finite(price_change, "price changes")?;
    crate::error::check_finite(signed_flow, "signed flow")?;
    let mut k = KyleLambda::new(window)?;
    let n = price_change.len();
    let (mut l, mut c, mut r2) = (vec![f64::NAN; n], vec![f64::NAN; n], vec![f64::NAN; n]);
    for i in 0..n {
        if let Some(e) = k.update(price_change[i], signed_flow[i]) {
            l[i] = e.lambda;
            c[i] = e.intercept;
            r2[i] = e.r2;
        }
    }
    Ok((l, c, r2))
}

// ---------------------------------------------------------------------------------------------
// Amihud

/// Streaming Amihud illiquidity: the mean of `|r_t| / V_t` over the last `window` valid
/// observations (`V_t` the dollar volume), times `scale` (e.g. 1e6).
#[derive(Debug, Clone)]
pub struct Amihud {
    win: Window<1>,
    scale: f64,
    stats: StreamStats,
}

impl Amihud {
    /// A rolling mean over `window ≥ 1` observations.
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] for a zero window or a non-positive scale.
    pub fn new(window: usize, scale: f64) -> Result<Self> {
        crate::rolling::check_window(window, 1, "window")?;
        check_param(scale, scale > 0.0, "scale", "must be > 0")?;
        Ok(Self {
            win: Window::new(window),
            scale,
            stats: StreamStats::default(),
        })
    }

    /// Adds an observation; returns the measure once the window is full. Observations with a
    /// non-finite return or a dollar volume that is not positive and finite are skipped and
    /// counted (the ratio is undefined on days without trading).
    pub fn update(&mut self, ret: f64, dollar_volume: f64) -> Option<f64> {
        if !(ret.is_finite() && dollar_volume > 0.0 && dollar_volume.is_finite()) {
            self.stats.skipped += 1;
            return None;
        }
        self.stats.updates += 1;
        self.win.push([ret.abs() / dollar_volume]);
        if self.win.full() {
            Some(self.scale * self.win.sums[0] / self.win.len as f64)
        } else {
            None
        }
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> StreamStats {
        self.stats
    }
}

/// Rolling Amihud illiquidity over whole arrays (see [`Amihud`]); `NaN` before the window is
/// full.
///
/// # Errors
/// [`ModelError::LengthMismatch`]; [`ModelError::InvalidInput`] for a non-finite return or a
/// dollar volume that is not positive and finite; window/scale errors.
pub fn amihud(
    returns: &[f64],
    dollar_volume: &[f64],
    window: usize,
    scale: f64,
) -> Result<Vec<f64>> {
    check_same_len(returns.len(), dollar_volume.len(), "dollar volume")?;
    crate::error::check_finite(returns, "returns")?;
    if let Some(index) = dollar_volume
        .iter()
        .position(|v| !(*v > 0.0 && v.is_finite()))
    {
        return Err(ModelError::InvalidInput {
            what: "dollar volume",
            index,
            reason: "must be positive and finite",
        });
    }
    let mut a = Amihud::new(window, scale)?;
    Ok(returns
        .iter()
        .zip(dollar_volume)
        .map(|(r, v)| a.update(*r, *v).unwrap_or(f64::NAN))
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Roll

/// A rolling Roll-spread estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RollEstimate {
    /// `2√(−autocov)` when the autocovariance is negative, else 0 (the model does not apply).
    pub spread: f64,
    /// Sample covariance of `(Δp_t, Δp_{t−1})` over the window.
    pub autocov: f64,
}

/// Streaming Roll (1984) spread: sample covariance (denominator `window − 1`) of consecutive
/// price changes over the last `window` pairs — pandas'
/// `dp.rolling(window).cov(dp.shift(1))`.
#[derive(Debug, Clone)]
pub struct RollSpread {
    win: Window<5>,
    prev_price: Option<f64>,
    prev_change: Option<f64>,
    stats: StreamStats,
}

impl RollSpread {
    /// A window of `window ≥ 2` pairs of price changes.
    ///
    /// # Errors
    /// [`ModelError::InvalidParameter`] for a window below 2.
    pub fn new(window: usize) -> Result<Self> {
        crate::rolling::check_window(window, 2, "window")?;
        Ok(Self {
            win: Window::new(window),
            prev_price: None,
            prev_change: None,
            stats: StreamStats::default(),
        })
    }

    /// Adds a transaction price; returns the estimate once `window` pairs are in. Non-finite
    /// prices are skipped and counted.
    pub fn update(&mut self, price: f64) -> Option<RollEstimate> {
        if !price.is_finite() {
            self.stats.skipped += 1;
            return None;
        }
        self.stats.updates += 1;
        let prev = self.prev_price.replace(price)?;
        let d = price - prev;
        let d1 = self.prev_change.replace(d)?;
        self.win.push([d, d1, d * d1, 0.0, 0.0]);
        if !self.win.full() {
            return None;
        }
        let n = self.win.len as f64;
        let s = &self.win.sums;
        let autocov = (s[2] - s[0] * s[1] / n) / (n - 1.0);
        Some(RollEstimate {
            spread: if autocov < 0.0 {
                2.0 * (-autocov).sqrt()
            } else {
                0.0
            },
            autocov,
        })
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> StreamStats {
        self.stats
    }
}

/// Rolling Roll spread over a price array: `(spread, autocov)`, one value per price, `NaN`
/// until `window` pairs of changes exist (the first `window + 1` prices).
///
/// # Errors
/// [`ModelError::NotFinite`], window errors.
pub fn roll_spread(prices: &[f64], window: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    crate::error::check_finite(prices, "prices")?;
    let mut r = RollSpread::new(window)?;
    let n = prices.len();
    let (mut s, mut c) = (vec![f64::NAN; n], vec![f64::NAN; n]);
    for i in 0..n {
        if let Some(e) = r.update(prices[i]) {
            s[i] = e.spread;
            c[i] = e.autocov;
        }
    }
    Ok((s, c))
}

// ---------------------------------------------------------------------------------------------
// Effective spread

/// Effective spread per trade: `2·d·(p − m)` with `d = +1` for buyer-initiated and `−1` for
/// seller-initiated trades, or `2|p − m|` when `side` is `None`; divided by `m` when
/// `relative`.
///
/// # Errors
/// [`ModelError::LengthMismatch`]; [`ModelError::InvalidInput`] for a non-finite price, a
/// non-positive or non-finite mid, or a side other than ±1.
pub fn effective_spreads(
    price: &[f64],
    mid: &[f64],
    side: Option<&[f64]>,
    relative: bool,
) -> Result<Vec<f64>> {
    check_same_len(price.len(), mid.len(), "mid")?;
    if let Some(s) = side {
        check_same_len(price.len(), s.len(), "side")?;
    }
    (0..price.len())
        .map(|i| {
            let (p, m) = (price[i], mid[i]);
            if !(p.is_finite() && m.is_finite() && m > 0.0) {
                return Err(ModelError::InvalidInput {
                    what: "trade",
                    index: i,
                    reason: "needs a finite price and a positive finite mid",
                });
            }
            let v = match side {
                Some(s) if s[i] == 1.0 || s[i] == -1.0 => 2.0 * s[i] * (p - m),
                Some(_) => {
                    return Err(ModelError::InvalidInput {
                        what: "side",
                        index: i,
                        reason: "must be +1 (buy) or -1 (sell)",
                    })
                }
                None => 2.0 * (p - m).abs(),
            };
            Ok(if relative { v / m } else { v })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ofi_hand_computed_two_levels() {
        let mut t = OrderFlowImbalance::new(2).unwrap();
        let mut out = [0.0; 2];
        // snapshot 0: bids 100 x 5, 99 x 7; asks 101 x 4, 102 x 6
        assert!(!t
            .update(
                &[100.0, 99.0],
                &[5.0, 7.0],
                &[101.0, 102.0],
                &[4.0, 6.0],
                &mut out
            )
            .unwrap());
        // snapshot 1: bid L1 size up to 8 (same price) → +8 − 5 = +3;
        //             ask L1 price down to 100.5 x 2 → −2 (new ask) + 0 → −2;   level 1 total +1
        //             L2: bid 99 → 99.5 x 1 (up) → +1; ask 102 x 6 → 102 x 9 same → −9 + 6 = −3 → −2
        assert!(t
            .update(
                &[100.0, 99.5],
                &[8.0, 1.0],
                &[100.5, 102.0],
                &[2.0, 9.0],
                &mut out
            )
            .unwrap());
        assert_eq!(out, [1.0, -2.0]);
        // snapshot 2: L1 bid disappears (qty 0 → −∞): −8; ask L1 up to 101 x 3 → +2 (old ask
        // left); L2 unchanged → 1 − 1 − 9 + 9 = 0
        assert!(t
            .update(
                &[0.0, 99.5],
                &[0.0, 1.0],
                &[101.0, 102.0],
                &[3.0, 9.0],
                &mut out
            )
            .unwrap());
        assert_eq!(out, [-8.0 + 2.0, 0.0]);
        assert_eq!(t.cumulative(), &[1.0 - 6.0, -2.0]);
        // crossed and negative snapshots are skipped
        assert!(!t
            .update(
                &[102.0, 99.0],
                &[1.0, 1.0],
                &[101.0, 103.0],
                &[1.0, 1.0],
                &mut out
            )
            .unwrap());
        assert!(!t
            .update(
                &[100.0, 99.0],
                &[-1.0, 1.0],
                &[101.0, 103.0],
                &[1.0, 1.0],
                &mut out
            )
            .unwrap());
        assert_eq!(
            t.stats(),
            StreamStats {
                updates: 3,
                skipped: 2
            }
        );
        assert_eq!(
            OrderFlowImbalance::new(1 << 40).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            KyleLambda::new(usize::MAX).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            t.update(&[1.0], &[1.0], &[2.0], &[1.0], &mut out)
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
    }

    #[test]
    fn ofi_batch_equals_streaming_and_reports_bad_rows() {
        let bp = [100.0, 99.0, 100.0, 99.5, 100.0, 99.5];
        let bq = [5.0, 7.0, 8.0, 1.0, 6.0, 2.0];
        let ap = [101.0, 102.0, 100.5, 102.0, 100.5, 101.0];
        let aq = [4.0, 6.0, 2.0, 9.0, 5.0, 4.0];
        let v = order_flow_imbalance(&bp, &bq, &ap, &aq, 2).unwrap();
        assert_eq!(v.len(), 4);
        assert_eq!(&v[..2], &[1.0, -2.0]);
        let mut bad = bq;
        bad[3] = f64::NAN;
        let e = order_flow_imbalance(&bp, &bad, &ap, &aq, 2).unwrap_err();
        assert_eq!(e.code(), "ERR_INVALID_INPUT");
        assert!(e.to_string().contains("snapshot[1]"), "{e}");
    }

    #[test]
    fn weighted_mid_by_hand() {
        let m = weighted_mid(&[100.0], &[3.0], &[101.0], &[1.0]).unwrap();
        assert!((m[0] - (100.0 * 1.0 + 101.0 * 3.0) / 4.0).abs() < 1e-12);
        assert_eq!(
            weighted_mid(&[100.0], &[0.0], &[101.0], &[0.0])
                .unwrap_err()
                .code(),
            "ERR_INVALID_INPUT"
        );
    }

    #[test]
    fn kyle_exact_line_and_skips() {
        let mut k = KyleLambda::new(3).unwrap();
        assert_eq!(k.update(0.1 + 0.5 * 1.0, 1.0), None);
        assert_eq!(k.update(f64::NAN, 1.0), None);
        assert_eq!(k.update(0.1 + 0.5 * -2.0, -2.0), None);
        let e = k.update(0.1 + 0.5 * 4.0, 4.0).unwrap();
        assert!((e.lambda - 0.5).abs() < 1e-12 && (e.intercept - 0.1).abs() < 1e-12);
        assert!((e.r2 - 1.0).abs() < 1e-12);
        assert_eq!(
            k.stats(),
            StreamStats {
                updates: 3,
                skipped: 1
            }
        );
        // constant flow: not estimable
        let mut c = KyleLambda::new(3).unwrap();
        for _ in 0..5 {
            assert_eq!(c.update(0.3, 2.0), None);
        }
    }

    #[test]
    fn roll_hand_computed() {
        // prices 10, 11, 10, 11, 10: changes +1 −1 +1 −1; pairs (−1,+1), (+1,−1), (−1,+1)
        // window 3: means −1/3 and 1/3; cov = Σ(d − m)(d1 − m1)/2 = −(4/3)·… by hand:
        // pairs (d, d1): (−1, 1), (1, −1), (−1, 1); Σ d·d1 = −3; Σd = −1; Σd1 = 1
        // cov = (−3 − (−1)(1)/3)/2 = (−3 + 1/3)/2 = −4/3
        let (s, c) = roll_spread(&[10.0, 11.0, 10.0, 11.0, 10.0], 3).unwrap();
        assert!(s[..4].iter().all(|v| v.is_nan()));
        assert!((c[4] + 4.0 / 3.0).abs() < 1e-12);
        assert!((s[4] - 2.0 * (4.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn amihud_and_effective_spread() {
        let a = amihud(&[0.01, -0.02, 0.03], &[1e6, 2e6, 3e6], 2, 1e6).unwrap();
        assert!(a[0].is_nan());
        assert!((a[1] - 1e6 * (0.01 / 1e6 + 0.02 / 2e6) / 2.0).abs() < 1e-15);
        assert!((a[2] - 1e6 * (0.02 / 2e6 + 0.03 / 3e6) / 2.0).abs() < 1e-15);
        assert_eq!(
            amihud(&[0.1], &[0.0], 1, 1.0).unwrap_err().code(),
            "ERR_INVALID_INPUT"
        );
        let mut s = Amihud::new(1, 1.0).unwrap();
        assert_eq!(s.update(0.1, 0.0), None);
        assert_eq!(s.stats().skipped, 1);

        let e = effective_spreads(&[100.02, 99.97], &[100.0, 100.0], Some(&[1.0, -1.0]), false)
            .unwrap();
        assert!((e[0] - 0.04).abs() < 1e-9 && (e[1] - 0.06).abs() < 1e-9);
        let r = effective_spreads(&[100.02], &[100.0], None, true).unwrap();
        assert!((r[0] - 0.0004).abs() < 1e-12);
        assert_eq!(
            effective_spreads(&[1.0], &[1.0], Some(&[0.0]), false)
                .unwrap_err()
                .code(),
            "ERR_INVALID_INPUT"
        );
    }
}
