//! Isotonic regression by the pool-adjacent-violators algorithm (weighted), and an isotonic
//! probability calibrator.
//!
//! [`isotonic_regression`] solves `min Σ wᵢ (yᵢ − fᵢ)²` subject to `f₁ ≤ f₂ ≤ … ≤ fₙ` (or
//! `≥` for a decreasing fit) in `O(n)`. [`IsotonicCalibrator`] maps raw scores to calibrated
//! probabilities: it sorts by score, pools tied scores, fits PAVA and predicts by linear
//! interpolation between the fitted points, clipping outside the fitted range (the
//! scikit-learn `IsotonicRegression(out_of_bounds="clip")` convention).
//!
//! Checked against R `isoreg` (unweighted), scipy `optimize.isotonic_regression` (weighted) and
//! scikit-learn `IsotonicRegression` (calibrator) in `tests/fixtures/isotonic.json`.

use crate::error::{check_finite, Result, StatsError};

fn check_weights(w: &[f64], n: usize) -> Result<()> {
    if w.len() != n {
        return Err(StatsError::LengthMismatch {
            what: "weights",
            expected: n,
            got: w.len(),
        });
    }
    check_finite(w, "weights")?;
    if let Some(&v) = w.iter().find(|v| **v <= 0.0) {
        return Err(StatsError::InvalidParameter {
            name: "weights",
            reason: "must be > 0",
            value: v,
        });
    }
    Ok(())
}

/// Weighted PAVA on `y` in its given order; returns the fitted values.
///
/// # Errors
/// [`StatsError::NotFinite`] for NaN/∞ in `y` or `weights`, [`StatsError::LengthMismatch`]
/// for weights of another length, [`StatsError::InvalidParameter`] for a weight ≤ 0.
pub fn isotonic_regression(
    y: &[f64],
    weights: Option<&[f64]>,
    increasing: bool,
) -> Result<Vec<f64>> {
    check_finite(y, "y")?;
    if let Some(w) = weights {
        check_weights(w, y.len())?;
    }
    let sign = if increasing { 1.0 } else { -1.0 };
    let blocks = pava(
        y.iter().map(|v| sign * v),
        (0..y.len()).map(|i| weights.map_or(1.0, |w| w[i])),
    );
    let mut out = Vec::with_capacity(y.len());
    for b in &blocks {
        out.extend(std::iter::repeat(sign * b.value).take(b.len));
    }
    Ok(out)
}

/// A block of pooled points: weighted mean, total weight, number of points.
#[derive(Debug, Clone, Copy)]
struct Block {
    value: f64,
    weight: f64,
    len: usize,
}

/// PAVA for a non-decreasing fit. The stack of blocks is the algorithm's whole state.
fn pava(y: impl Iterator<Item = f64>, w: impl Iterator<Item = f64>) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for (v, wt) in y.zip(w) {
        let mut cur = Block {
            value: v,
            weight: wt,
            len: 1,
        };
        while let Some(prev) = blocks.last() {
            if prev.value <= cur.value {
                break;
            }
            let total = prev.weight + cur.weight;
            cur = Block {
                value: (prev.value * prev.weight + cur.value * cur.weight) / total,
                weight: total,
                len: prev.len + cur.len,
            };
            blocks.pop();
        }
        blocks.push(cur);
    }
    blocks
}

/// A fitted isotonic calibration map from scores to (probability) outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct IsotonicCalibrator {
    /// Knot scores, strictly increasing (the first and last score of each fitted block).
    xs: Vec<f64>,
    /// Fitted values at the knots, non-decreasing.
    ys: Vec<f64>,
}

impl IsotonicCalibrator {
    /// Fits on `scores` and `outcomes` (e.g. 0/1 labels), optionally weighted.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] for inputs of different lengths,
    /// [`StatsError::TooShort`] for an empty input, [`StatsError::NotFinite`] and
    /// [`StatsError::InvalidParameter`] (weights ≤ 0).
    pub fn fit(scores: &[f64], outcomes: &[f64], weights: Option<&[f64]>) -> Result<Self> {
        if outcomes.len() != scores.len() {
            return Err(StatsError::LengthMismatch {
                what: "outcomes",
                expected: scores.len(),
                got: outcomes.len(),
            });
        }
        if scores.is_empty() {
            return Err(StatsError::TooShort {
                what: "calibration data",
                needed: 1,
                got: 0,
            });
        }
        check_finite(scores, "scores")?;
        check_finite(outcomes, "outcomes")?;
        if let Some(w) = weights {
            check_weights(w, scores.len())?;
        }
        let wt = |i: usize| weights.map_or(1.0, |w| w[i]);
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        // Pool tied scores: one point per distinct score with the weighted mean outcome.
        let mut ux: Vec<f64> = Vec::new();
        let mut uy: Vec<f64> = Vec::new();
        let mut uw: Vec<f64> = Vec::new();
        for &i in &order {
            let (x, y, w) = (scores[i], outcomes[i], wt(i));
            if ux.last() == Some(&x) {
                let k = ux.len() - 1;
                let total = uw[k] + w;
                uy[k] = (uy[k] * uw[k] + y * w) / total;
                uw[k] = total;
            } else {
                ux.push(x);
                uy.push(y);
                uw.push(w);
            }
        }
        let blocks = pava(uy.iter().copied(), uw.iter().copied());
        let mut xs = Vec::with_capacity(2 * blocks.len());
        let mut ys = Vec::with_capacity(2 * blocks.len());
        let mut start = 0;
        for b in &blocks {
            xs.push(ux[start]);
            ys.push(b.value);
            if b.len > 1 {
                xs.push(ux[start + b.len - 1]);
                ys.push(b.value);
            }
            start += b.len;
        }
        Ok(Self { xs, ys })
    }

    /// The calibrated value for `score`: linear interpolation between knots, clipped to the
    /// end values outside them. NaN for a NaN score.
    #[must_use]
    pub fn predict(&self, score: f64) -> f64 {
        if score.is_nan() {
            return f64::NAN;
        }
        let n = self.xs.len();
        if score <= self.xs[0] {
            return self.ys[0];
        }
        if score >= self.xs[n - 1] {
            return self.ys[n - 1];
        }
        // First knot strictly above `score`; 1 ≤ hi ≤ n − 1.
        let hi = self.xs.partition_point(|x| *x <= score);
        let (x0, x1) = (self.xs[hi - 1], self.xs[hi]);
        let (y0, y1) = (self.ys[hi - 1], self.ys[hi]);
        y0 + (y1 - y0) * ((score - x0) / (x1 - x0))
    }

    /// [`predict`](Self::predict) for each score.
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`] if `out` is not as long as `scores`.
    pub fn predict_into(&self, scores: &[f64], out: &mut [f64]) -> Result<()> {
        if out.len() != scores.len() {
            return Err(StatsError::LengthMismatch {
                what: "output",
                expected: scores.len(),
                got: out.len(),
            });
        }
        for (o, s) in out.iter_mut().zip(scores) {
            *o = self.predict(*s);
        }
        Ok(())
    }

    /// The knots `(scores, fitted values)`.
    #[must_use]
    pub fn knots(&self) -> (&[f64], &[f64]) {
        (&self.xs, &self.ys)
    }

    /// Rebuilds a calibrator from knots (e.g. saved with [`knots`](Self::knots)).
    ///
    /// # Errors
    /// [`StatsError::LengthMismatch`], [`StatsError::TooShort`] (no knots),
    /// [`StatsError::NotFinite`], and [`StatsError::InvalidParameter`] unless the scores
    /// strictly increase and the values do not decrease.
    pub fn from_knots(xs: Vec<f64>, ys: Vec<f64>) -> Result<Self> {
        if xs.len() != ys.len() {
            return Err(StatsError::LengthMismatch {
                what: "knot values",
                expected: xs.len(),
                got: ys.len(),
            });
        }
        if xs.is_empty() {
            return Err(StatsError::TooShort {
                what: "knots",
                needed: 1,
                got: 0,
            });
        }
        check_finite(&xs, "knot scores")?;
        check_finite(&ys, "knot values")?;
        if let Some(w) = xs.windows(2).find(|w| w[1] <= w[0]) {
            return Err(StatsError::InvalidParameter {
                name: "knot scores",
                reason: "must be strictly increasing",
                value: w[1],
            });
        }
        if let Some(w) = ys.windows(2).find(|w| w[1] < w[0]) {
            return Err(StatsError::InvalidParameter {
                name: "knot values",
                reason: "must be non-decreasing",
                value: w[1],
            });
        }
        Ok(Self { xs, ys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pava_hand_case() {
        // 1, 3, 2, 4 → 1, 2.5, 2.5, 4; weights (1, 1, 3, 1) → 1, 2.25, 2.25, 4.
        assert_eq!(
            isotonic_regression(&[1.0, 3.0, 2.0, 4.0], None, true).unwrap(),
            vec![1.0, 2.5, 2.5, 4.0]
        );
        assert_eq!(
            isotonic_regression(&[1.0, 3.0, 2.0, 4.0], Some(&[1.0, 1.0, 3.0, 1.0]), true).unwrap(),
            vec![1.0, 2.25, 2.25, 4.0]
        );
        assert_eq!(
            isotonic_regression(&[1.0, 3.0, 2.0, 4.0], None, false).unwrap(),
            vec![2.5, 2.5, 2.5, 2.5]
        );
    }

    #[test]
    fn calibrator_pools_ties_and_interpolates() {
        // Scores 1, 1, 2, 3 with outcomes 0, 1, 0, 1: ties pool to 0.5 at 1, then 0 at 2
        // violates → pooled (0.5·2 + 0)/3 = 1/3 over scores 1..2, 1 at 3.
        let c =
            IsotonicCalibrator::fit(&[2.0, 1.0, 3.0, 1.0], &[0.0, 0.0, 1.0, 1.0], None).unwrap();
        assert!((c.predict(1.5) - 1.0 / 3.0).abs() < 1e-15);
        assert!((c.predict(2.5) - (1.0 / 3.0 + 0.5 * (2.0 / 3.0))).abs() < 1e-15);
        assert_eq!(c.predict(-10.0), c.predict(1.0));
        assert_eq!(c.predict(10.0), 1.0);
        let (xs, ys) = c.knots();
        let again = IsotonicCalibrator::from_knots(xs.to_vec(), ys.to_vec()).unwrap();
        assert_eq!(again, c);
        assert_eq!(
            IsotonicCalibrator::fit(&[1.0], &[1.0, 2.0], None)
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
        assert_eq!(
            isotonic_regression(&[1.0, 2.0], Some(&[1.0, 0.0]), true)
                .unwrap_err()
                .code(),
            "ERR_INVALID_PARAMETER"
        );
    }
}
