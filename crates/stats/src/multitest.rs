//! Multiple-testing adjustments of p-values, as R's `p.adjust`.
//!
//! Family-wise error: Bonferroni, Holm (step-down), Hochberg (step-up). False discovery rate:
//! Benjamini–Hochberg (1995) and Benjamini–Yekutieli (2001, valid under any dependence).
//! Checked against R `p.adjust` (`tests/fixtures/multitest.json`).

use crate::error::{Result, StatsError};

/// An adjustment method of [`p_adjust`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    /// `min(1, m p)`.
    Bonferroni,
    /// Holm's step-down: `max_{j ≤ i} min(1, (m − j + 1) p_(j))`.
    Holm,
    /// Hochberg's step-up: `min_{j ≥ i} min(1, (m − j + 1) p_(j))`.
    Hochberg,
    /// Benjamini–Hochberg FDR: `min_{j ≥ i} min(1, m/j · p_(j))`.
    BenjaminiHochberg,
    /// Benjamini–Yekutieli FDR: BH multiplied by `Σ_{k≤m} 1/k`.
    BenjaminiYekutieli,
}

/// Adjusted p-values, in the order of `p`.
///
/// # Errors
/// [`StatsError::NotFinite`] for NaN/∞ and [`StatsError::InvalidParameter`] for a p-value
/// outside `[0, 1]`. An empty input gives an empty output.
pub fn p_adjust(p: &[f64], method: Adjustment) -> Result<Vec<f64>> {
    for (i, &v) in p.iter().enumerate() {
        if !v.is_finite() {
            return Err(StatsError::NotFinite {
                what: "p",
                index: i,
            });
        }
        if !(0.0..=1.0).contains(&v) {
            return Err(StatsError::InvalidParameter {
                name: "p",
                reason: "must be in [0, 1]",
                value: v,
            });
        }
    }
    let m = p.len();
    let mf = m as f64;
    let mut out = vec![0.0; m];
    if m == 0 {
        return Ok(out);
    }
    // Stable ascending order of the p-values.
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    match method {
        Adjustment::Bonferroni => {
            for (o, v) in out.iter_mut().zip(p) {
                *o = (mf * v).min(1.0);
            }
        }
        Adjustment::Holm => {
            let mut run = 0.0_f64;
            for (j, &i) in order.iter().enumerate() {
                run = run.max((mf - j as f64) * p[i]);
                out[i] = run.min(1.0);
            }
        }
        Adjustment::Hochberg | Adjustment::BenjaminiHochberg | Adjustment::BenjaminiYekutieli => {
            let q = if method == Adjustment::BenjaminiYekutieli {
                (1..=m).map(|k| 1.0 / k as f64).sum::<f64>()
            } else {
                1.0
            };
            let mut run = f64::INFINITY;
            for (j, &i) in order.iter().enumerate().rev() {
                let rank = (j + 1) as f64;
                let factor = match method {
                    Adjustment::Hochberg => mf - rank + 1.0,
                    _ => q * (mf / rank),
                };
                run = run.min(factor * p[i]);
                out[i] = run.min(1.0);
            }
        }
    }
    Ok(out)
}

/// Bonferroni-adjusted p-values (see [`p_adjust`]).
///
/// # Errors
/// As [`p_adjust`].
pub fn bonferroni(p: &[f64]) -> Result<Vec<f64>> {
    p_adjust(p, Adjustment::Bonferroni)
}

/// Benjamini–Hochberg adjusted p-values (q-values; see [`p_adjust`]).
///
/// # Errors
/// As [`p_adjust`].
pub fn benjamini_hochberg(p: &[f64]) -> Result<Vec<f64>> {
    p_adjust(p, Adjustment::BenjaminiHochberg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        // p = (0.01, 0.04, 0.03, 0.2), m = 4.
        let p = [0.01, 0.04, 0.03, 0.2];
        let b = bonferroni(&p).unwrap();
        assert_eq!(b, vec![0.04, 0.16, 0.12, 0.8]);
        // BH: sorted 0.01, 0.03, 0.04, 0.2 × 4/1, 4/2, 4/3, 4/4 = 0.04, 0.06, 0.0533, 0.2;
        // running min from the top: 0.04, 0.0533, 0.0533, 0.2.
        let bh = benjamini_hochberg(&p).unwrap();
        let want = [0.04, 4.0 / 3.0 * 0.04, 4.0 / 3.0 * 0.04, 0.2];
        for (g, w) in bh.iter().zip(want) {
            assert!((g - w).abs() < 1e-15);
        }
        assert!(p_adjust(&[], Adjustment::Holm).unwrap().is_empty());
        assert_eq!(
            p_adjust(&[1.5], Adjustment::Holm).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            p_adjust(&[f64::NAN], Adjustment::Holm).unwrap_err().code(),
            "ERR_NOT_FINITE"
        );
    }
}
