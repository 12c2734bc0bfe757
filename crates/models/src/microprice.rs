//! Stoikov's micro-price (Stoikov 2018, "The micro-price: a high-frequency estimator of future
//! prices"): the limit of expected future mid prices given the current spread and order-book
//! imbalance, estimated from quote data as an absorbing Markov chain.
//!
//! The state of a quote is `(spread in ticks s ∈ 1..=S, imbalance bucket b ∈ 0..n)`, with
//! imbalance `I = Qᵇ/(Qᵇ + Qᵃ)` bucketed at its empirical quantiles (pandas `qcut`: linear
//! quantiles, right-closed bins). Fitting follows the published procedure:
//!
//! 1. Keep quotes with `1 ≤ s ≤ S`; pair each with the quote `dt` rows later; the mid change
//!    `dM`, rounded to half ticks, must be within one tick.
//! 2. Symmetrise: every pair is also counted mirrored (`b → n−1−b`, `dM → −dM`).
//! 3. Count transitions: without a mid move, `Q[(s,b) → (s,b')]`; with one, `R1[(s,b), dM]`
//!    and `R2[(s,b) → (s',b')]`. Normalise `[Q | R1]` and `[Q | R2]` by row.
//! 4. `G¹ = (I − Q)⁻¹ R1 K` (expected first mid move, `K` the move sizes) and
//!    `B = (I − Q)⁻¹ R2` (state after the first move); the adjustment is
//!    `G* = Σ_{k≥0} Bᵏ G¹`, iterated to convergence (Stoikov's notebook stops at `B⁵`).
//!
//! `(I − Q)⁻¹ y` is computed as the Neumann series `Σ Qᵏ y` (the expected-visits series of the
//! absorbing chain; `Q` is strictly sub-stochastic when every state can move), iterated to
//! 1e-15. The micro-price is `mid + G*(s, b)`.

use crate::error::{check_param, check_same_len, ModelError, Result};

/// A fitted micro-price model.
#[derive(Debug, Clone, PartialEq)]
pub struct MicropriceModel {
    /// Tick size.
    pub tick: f64,
    /// Imbalance buckets `n`.
    pub n_imbalance: usize,
    /// Spread states `S` (spreads of 1…S ticks).
    pub n_spread: usize,
    /// Quantile edges of the imbalance buckets (`n + 1` values).
    pub edges: Vec<f64>,
    /// Adjustment `G*` in price units, row-major `S × n` (spread, then bucket).
    pub adjustment: Vec<f64>,
    /// First-move expectation `G¹`, same layout.
    pub first_move: Vec<f64>,
    /// Terms of the series `Σ Bᵏ G¹` summed.
    pub iterations: usize,
    /// Quote pairs used (before symmetrisation).
    pub pairs: usize,
}

/// Half-tick mid moves allowed: −1, −½, +½, +1 tick.
const MOVES: [i64; 4] = [-2, -1, 1, 2];

/// Linear-interpolation quantile of sorted data (numpy's default).
fn quantile_sorted(s: &[f64], p: f64) -> f64 {
    let h = (s.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(s.len() - 1);
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}

/// Bucket of `x` for right-closed bins with `edges` (first bin closed on the left); values
/// outside the edges go to the first or last bucket.
fn bucket(edges: &[f64], x: f64) -> usize {
    let n = edges.len() - 1;
    let i = edges.partition_point(|e| *e < x); // first edge ≥ x
    i.saturating_sub(1).min(n - 1)
}

/// Fits the micro-price model to quotes sampled at regular intervals (arrays of equal length:
/// best bid, best ask, and their sizes).
///
/// # Errors
/// [`ModelError::LengthMismatch`]; [`ModelError::InvalidParameter`] for a non-positive tick,
/// fewer than 2 buckets, no spread state, `dt = 0`; [`ModelError::NotFinite`] for non-finite
/// quotes; [`ModelError::InvalidInput`] when the imbalance quantile edges are not distinct (too
/// few distinct imbalances for `n` buckets) or a state is never observed (use fewer buckets or
/// spreads, or more data); [`ModelError::TooShort`] with too few usable quote pairs.
#[allow(clippy::too_many_lines)] // one estimation procedure, step by step as in the paper
pub fn fit_microprice(
    bid: &[f64],
    ask: &[f64],
    bid_qty: &[f64],
    ask_qty: &[f64],
    tick: f64,
    n_imbalance: usize,
    n_spread: usize,
    dt: usize,
) -> Result<MicropriceModel> {
    let m = bid.len();
    check_same_len(m, ask.len(), "ask")?;
    check_same_len(m, bid_qty.len(), "bid quantities")?;
    check_same_len(m, ask_qty.len(), "ask quantities")?;
    for (x, what) in [
        (bid, "bid"),
        (ask, "ask"),
        (bid_qty, "bid quantities"),
        (ask_qty, "ask quantities"),
    ] {
        crate::error::check_finite(x, what)?;
    }
    check_param(tick, tick > 0.0, "tick", "must be > 0")?;
    check_param(
        n_imbalance as f64,
        n_imbalance >= 2,
        "imbalance buckets",
        "must be >= 2",
    )?;
    check_param(
        n_spread as f64,
        n_spread >= 1,
        "spread states",
        "must be >= 1",
    )?;
    check_param(dt as f64, dt >= 1, "dt", "must be >= 1")?;
    check_param(
        (n_imbalance.saturating_mul(n_spread)) as f64,
        n_imbalance <= 1_000 && n_spread <= 100 && n_imbalance * n_spread <= 2_000,
        "states (imbalance buckets × spread states)",
        "must be at most 2000",
    )?;
    let n = n_imbalance;
    let p = n * n_spread;

    // 1. quotes with a spread of 1..=S ticks and positive depth
    let mut spread = Vec::with_capacity(m);
    let mut mid = Vec::with_capacity(m);
    let mut imb = Vec::with_capacity(m);
    for i in 0..m {
        let s = ((ask[i] - bid[i]) / tick).round();
        let depth = bid_qty[i] + ask_qty[i];
        if s >= 1.0 && s <= n_spread as f64 && depth > 0.0 && bid_qty[i] >= 0.0 && ask_qty[i] >= 0.0
        {
            spread.push(s as usize - 1);
            mid.push(0.5 * (bid[i] + ask[i]));
            imb.push(bid_qty[i] / depth);
        }
    }
    crate::error::check_len(spread.len(), dt + 2 * p, "usable quotes")?;
    let mut sorted = imb.clone();
    sorted.sort_by(f64::total_cmp);
    let edges: Vec<f64> = (0..=n)
        .map(|k| quantile_sorted(&sorted, k as f64 / n as f64))
        .collect();
    if let Some(k) = edges.windows(2).position(|w| w[0] >= w[1]) {
        return Err(ModelError::InvalidInput {
            what: "imbalance quantile edges",
            index: k + 1,
            reason: "are not distinct: too few distinct imbalances for the number of buckets",
        });
    }
    let state: Vec<usize> = spread
        .iter()
        .zip(&imb)
        .map(|(s, x)| s * n + bucket(&edges, *x))
        .collect();

    // 2–3. transition counts, symmetrised
    let mut q_counts = vec![0.0; p * p];
    let mut r1_counts = vec![0.0; p * 4];
    let mut r2_counts = vec![0.0; p * p];
    let mirror = |k: usize| (k / n) * n + (n - 1 - k % n);
    let mut pairs = 0;
    for i in 0..spread.len() - dt {
        let j = i + dt;
        let dm = ((mid[j] - mid[i]) / tick * 2.0).round() as i64;
        if dm.abs() > 2 {
            continue;
        }
        pairs += 1;
        let (a, b) = (state[i], state[j]);
        for (from, to, d) in [(a, b, dm), (mirror(a), mirror(b), -dm)] {
            if d == 0 {
                // Stoikov's counts keep the current spread for moves without a mid change.
                let to_same_spread = (from / n) * n + to % n;
                q_counts[from * p + to_same_spread] += 1.0;
            } else {
                let col = MOVES.iter().position(|x| *x == d).unwrap_or(0);
                r1_counts[from * 4 + col] += 1.0;
                r2_counts[from * p + to] += 1.0;
            }
        }
    }
    crate::error::check_len(pairs, 2 * p, "quote pairs within one tick")?;

    // Normalise [Q | R1] and [Q | R2] by row.
    let mut q = vec![0.0; p * p];
    let mut r1 = vec![0.0; p * 4];
    let mut r2 = vec![0.0; p * p];
    for k in 0..p {
        let nq: f64 = q_counts[k * p..(k + 1) * p].iter().sum();
        let n1 = nq + r1_counts[k * 4..(k + 1) * 4].iter().sum::<f64>();
        let n2 = nq + r2_counts[k * p..(k + 1) * p].iter().sum::<f64>();
        let moves: f64 = r1_counts[k * 4..(k + 1) * 4].iter().sum();
        if n1 == 0.0 || moves == 0.0 {
            return Err(ModelError::InvalidInput {
                what: "state (spread, imbalance bucket)",
                index: k,
                reason:
                    "is never observed with a mid move: use fewer buckets or spreads, or more data",
            });
        }
        for c in 0..p {
            q[k * p + c] = q_counts[k * p + c] / n1;
            r2[k * p + c] = r2_counts[k * p + c] / n2;
        }
        for c in 0..4 {
            r1[k * 4 + c] = r1_counts[k * 4 + c] / n1;
        }
    }
    // 4. G¹ = (I − Q)⁻¹ R1 K, B = (I − Q)⁻¹ R2
    let kvec: Vec<f64> = MOVES.iter().map(|d| *d as f64 * 0.5 * tick).collect();
    let r1k: Vec<f64> = (0..p)
        .map(|k| (0..4).map(|c| r1[k * 4 + c] * kvec[c]).sum())
        .collect();
    let g1 = neumann(&q, p, &r1k, 1)?;
    let b = neumann(&q, p, &r2, p)?;
    let mut g = g1.clone();
    let mut iterations = 1;
    let scale = g1.iter().fold(tick, |a, v| a.max(v.abs()));
    for it in 1..100_000 {
        let next: Vec<f64> = (0..p)
            .map(|k| g1[k] + (0..p).map(|c| b[k * p + c] * g[c]).sum::<f64>())
            .collect();
        let delta = next
            .iter()
            .zip(&g)
            .fold(0.0_f64, |a, (x, y)| a.max((x - y).abs()));
        g = next;
        iterations = it + 1;
        if delta <= 1e-15 * scale {
            break;
        }
    }
    Ok(MicropriceModel {
        tick,
        n_imbalance: n,
        n_spread,
        edges,
        adjustment: g,
        first_move: g1,
        iterations,
        pairs,
    })
}

/// `(I − Q)⁻¹ Y` for `Y` with `cols` columns (row-major `p × cols`) by `X ← Y + Q X`.
fn neumann(q: &[f64], p: usize, y: &[f64], cols: usize) -> Result<Vec<f64>> {
    let mut x = y.to_vec();
    let scale = y.iter().fold(f64::MIN_POSITIVE, |a, v| a.max(v.abs()));
    for _ in 0..1_000_000 {
        let mut next = y.to_vec();
        for i in 0..p {
            for k in 0..p {
                let qik = q[i * p + k];
                if qik != 0.0 {
                    for c in 0..cols {
                        next[i * cols + c] += qik * x[k * cols + c];
                    }
                }
            }
        }
        let delta = next
            .iter()
            .zip(&x)
            .fold(0.0_f64, |a, (u, v)| a.max((u - v).abs()));
        x = next;
        if delta <= 1e-15 * scale.max(x.iter().fold(0.0_f64, |a, v| a.max(v.abs()))) {
            return Ok(x);
        }
    }
    Err(ModelError::InvalidInput {
        what: "no-move transition matrix",
        index: 0,
        reason: "has a state that never moves the mid (the series does not converge)",
    })
}

impl MicropriceModel {
    /// The adjustment `G*` for a quote, or `None` if its spread is outside `1..=S` ticks or it
    /// has no depth.
    #[must_use]
    pub fn adjustment_for(&self, bid: f64, ask: f64, bid_qty: f64, ask_qty: f64) -> Option<f64> {
        let s = ((ask - bid) / self.tick).round();
        let depth = bid_qty + ask_qty;
        if !(s >= 1.0 && s <= self.n_spread as f64 && depth > 0.0 && depth.is_finite()) {
            return None;
        }
        let b = bucket(&self.edges, bid_qty / depth);
        Some(self.adjustment[(s as usize - 1) * self.n_imbalance + b])
    }

    /// The micro-price `mid + G*` of a quote (see [`Self::adjustment_for`]).
    #[must_use]
    pub fn microprice(&self, bid: f64, ask: f64, bid_qty: f64, ask_qty: f64) -> Option<f64> {
        self.adjustment_for(bid, ask, bid_qty, ask_qty)
            .map(|g| 0.5 * (bid + ask) + g)
    }
}

/// The synthetic quote process of the reference fixture (integer LCG, so Rust and Python
/// produce identical quotes): `(bid, ask, bid size, ask size)` for `n` steps.
#[doc(hidden)]
#[must_use]
pub fn synthetic_quotes(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut x = seed;
    let mut next = || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    let (mut bid, mut spread, mut bq, mut aq) = (10_000_i64, 1_i64, 5_i64, 5_i64);
    let mut out = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for _ in 0..n {
        out.0.push(bid as f64 * 0.01);
        out.1.push((bid + spread) as f64 * 0.01);
        out.2.push(bq as f64);
        out.3.push(aq as f64);
        let r = next();
        let ev = r % 100;
        let v = (r / 100) as i64;
        // up-moves are more likely when the bid queue is larger
        let up = v % (bq + aq) < bq;
        if ev < 30 {
            bq = (bq + v % 5 - 2).max(1);
        } else if ev < 60 {
            aq = (aq + v % 5 - 2).max(1);
        } else if ev < 70 {
            if spread == 1 {
                // widen: the side under pressure gives way
                if up {
                    spread = 2;
                } else {
                    bid -= 1;
                    spread = 2;
                }
            } else if up {
                bid += 1;
                spread = 1;
            } else {
                spread = 1;
            }
            bq = 1 + v % 9;
            aq = 1 + (v / 9) % 9;
        } else if ev < 80 {
            bid += if up { 1 } else { -1 };
            bq = 1 + v % 9;
            aq = 1 + (v / 9) % 9;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_right_closed() {
        let e = [0.0, 0.25, 0.5, 1.0];
        assert_eq!(bucket(&e, 0.0), 0);
        assert_eq!(bucket(&e, 0.25), 0);
        assert_eq!(bucket(&e, 0.2500001), 1);
        assert_eq!(bucket(&e, 1.0), 2);
        assert_eq!(bucket(&e, 2.0), 2);
        assert_eq!(bucket(&e, -1.0), 0);
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
    }

    #[test]
    fn symmetric_and_monotone_on_synthetic_quotes() {
        let (b, a, bq, aq) = synthetic_quotes(100_000, 7);
        let m = fit_microprice(&b, &a, &bq, &aq, 0.01, 5, 2, 1).unwrap();
        // symmetrisation: G*(s, b) = −G*(s, n−1−b)
        for s in 0..2 {
            for k in 0..5 {
                let x = m.adjustment[s * 5 + k];
                let y = m.adjustment[s * 5 + 4 - k];
                assert!((x + y).abs() < 1e-12, "{:?}", m.adjustment);
            }
        }
        // more bid depth → higher micro-price
        for s in 0..2 {
            for k in 1..5 {
                assert!(m.adjustment[s * 5 + k] > m.adjustment[s * 5 + k - 1]);
            }
        }
        // within half a spread of the mid
        assert!(m.adjustment.iter().all(|g| g.abs() < 0.01));
        let mp = m.microprice(100.0, 100.01, 9.0, 1.0).unwrap();
        assert!(mp > 100.005 && mp < 100.01);
        assert_eq!(m.microprice(100.0, 100.05, 9.0, 1.0), None);
    }

    #[test]
    fn bad_input() {
        let (b, a, bq, aq) = synthetic_quotes(100, 1);
        assert_eq!(
            fit_microprice(&b, &a, &bq, &aq[..50], 0.01, 5, 2, 1)
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
        assert_eq!(
            fit_microprice(&b, &a, &bq, &aq, 0.0, 5, 2, 1)
                .unwrap_err()
                .code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            fit_microprice(&b, &a, &bq, &aq, 0.01, 1 << 40, 2, 1)
                .unwrap_err()
                .code(),
            "ERR_INVALID_PARAMETER"
        );
        let flat = vec![1.0; 1000];
        let bid = vec![100.0; 1000];
        let ask = vec![100.01; 1000];
        assert_eq!(
            fit_microprice(&bid, &ask, &flat, &flat, 0.01, 5, 1, 1)
                .unwrap_err()
                .code(),
            "ERR_INVALID_INPUT"
        );
    }
}
