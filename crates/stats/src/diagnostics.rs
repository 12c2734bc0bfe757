//! Residual diagnostics: sample moments, the Jarque–Bera normality test, the sample
//! autocorrelation function and the Ljung–Box / Box–Pierce portmanteau tests.
//!
//! Conventions follow statsmodels (`jarque_bera`, `acf`, `acorr_ljungbox`), R
//! `tseries::jarque.bera.test` and R `Box.test`; `tests/fixtures/diagnostics.json` holds their
//! values on real data (`scripts/refs/stats/diagnostics.py`).

use crate::error::{check_finite, check_len, Result, StatsError};
use crate::special::chi2_sf;

/// Biased (population) sample moments, as `scipy.stats.skew` / `kurtosis(fisher=False)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    /// Number of observations.
    pub nobs: usize,
    /// Mean.
    pub mean: f64,
    /// Variance with divisor `n`.
    pub variance: f64,
    /// Skewness `m₃ / m₂^{3/2}`.
    pub skewness: f64,
    /// Kurtosis `m₄ / m₂²` (3 for the normal; not the excess).
    pub kurtosis: f64,
}

/// Mean, variance and the standardised third and fourth central moments (two-pass).
///
/// # Errors
/// [`StatsError::NotFinite`], [`StatsError::TooShort`] below 2 observations,
/// [`StatsError::Constant`] for a constant series (skewness and kurtosis undefined).
pub fn moments(x: &[f64]) -> Result<Moments> {
    check_finite(x, "x")?;
    check_len(x, 2, "moments")?;
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for v in x {
        let d = v - mean;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    let (m2, m3, m4) = (m2 / n, m3 / n, m4 / n);
    // A constant series can leave rounding-level m₂ > 0 when the mean is inexact.
    if m2 <= f64::EPSILON * f64::EPSILON * mean * mean || m2 == 0.0 {
        return Err(StatsError::Constant { what: "x" });
    }
    Ok(Moments {
        nobs: x.len(),
        mean,
        variance: m2,
        skewness: m3 / (m2 * m2.sqrt()),
        kurtosis: m4 / (m2 * m2),
    })
}

/// Result of [`jarque_bera`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JarqueBera {
    /// `n/6 · (S² + (K − 3)²/4)`.
    pub statistic: f64,
    /// Upper tail of χ²₂ at the statistic.
    pub p_value: f64,
    /// Sample skewness `S` (biased).
    pub skewness: f64,
    /// Sample kurtosis `K` (biased, not excess).
    pub kurtosis: f64,
    /// Number of observations.
    pub nobs: usize,
}

/// Jarque–Bera test of normality.
///
/// # Errors
/// As [`moments`].
pub fn jarque_bera(x: &[f64]) -> Result<JarqueBera> {
    let m = moments(x)?;
    let n = m.nobs as f64;
    let ek = m.kurtosis - 3.0;
    let statistic = n / 6.0 * (m.skewness * m.skewness + 0.25 * ek * ek);
    Ok(JarqueBera {
        statistic,
        p_value: chi2_sf(statistic, 2.0),
        skewness: m.skewness,
        kurtosis: m.kurtosis,
        nobs: m.nobs,
    })
}

/// Sample autocorrelations `ρ̂₀ = 1, ρ̂₁, …, ρ̂_{nlags}` with the usual (biased) estimator
/// `Σ_{t≥k} (x_t − x̄)(x_{t−k} − x̄) / Σ (x_t − x̄)²` (statsmodels `acf(adjusted=False)`).
///
/// # Errors
/// [`StatsError::NotFinite`], [`StatsError::TooShort`] unless `n > nlags`,
/// [`StatsError::Constant`].
pub fn acf(x: &[f64], nlags: usize) -> Result<Vec<f64>> {
    check_finite(x, "x")?;
    check_len(x, nlags + 1, "acf")?;
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let d: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let c0: f64 = d.iter().map(|v| v * v).sum();
    if c0 <= f64::EPSILON * f64::EPSILON * mean * mean * n || c0 == 0.0 {
        return Err(StatsError::Constant { what: "x" });
    }
    Ok((0..=nlags)
        .map(|k| d[k..].iter().zip(&d).map(|(a, b)| a * b).sum::<f64>() / c0)
        .collect())
}

/// Result of [`ljung_box`]: one entry per lag `1..=max_lag`.
#[derive(Debug, Clone, PartialEq)]
pub struct LjungBox {
    /// Lags `1..=max_lag`.
    pub lags: Vec<usize>,
    /// Ljung–Box `Q(m) = n(n+2) Σ_{k≤m} ρ̂ₖ² / (n − k)`.
    pub statistic: Vec<f64>,
    /// Upper tail of `χ²_{m − model_df}`; `None` where `m ≤ model_df` (no degrees of
    /// freedom left; statsmodels reports NaN there).
    pub p_value: Vec<Option<f64>>,
    /// Box–Pierce `Q_BP(m) = n Σ_{k≤m} ρ̂ₖ²`.
    pub box_pierce: Vec<f64>,
    /// Box–Pierce p-values, `None` where `m ≤ model_df`.
    pub box_pierce_p_value: Vec<Option<f64>>,
    /// Degrees of freedom `m − model_df` (0 where no p-value is reported).
    pub df: Vec<usize>,
    /// Observations.
    pub nobs: usize,
}

/// Ljung–Box (and Box–Pierce) portmanteau tests of no autocorrelation up to each lag
/// `1..=max_lag`, with `model_df` degrees of freedom subtracted for fitted ARMA parameters
/// (R `Box.test(fitdf = …)`).
///
/// # Errors
/// [`StatsError::InvalidParameter`] for `max_lag = 0`, plus those of [`acf`].
pub fn ljung_box(x: &[f64], max_lag: usize, model_df: usize) -> Result<LjungBox> {
    if max_lag == 0 {
        return Err(StatsError::InvalidParameter {
            name: "maxLag",
            reason: "must be at least 1",
            value: 0.0,
        });
    }
    let r = acf(x, max_lag)?;
    let n = x.len() as f64;
    let mut out = LjungBox {
        lags: Vec::with_capacity(max_lag),
        statistic: Vec::with_capacity(max_lag),
        p_value: Vec::with_capacity(max_lag),
        box_pierce: Vec::with_capacity(max_lag),
        box_pierce_p_value: Vec::with_capacity(max_lag),
        df: Vec::with_capacity(max_lag),
        nobs: x.len(),
    };
    let (mut lb, mut bp) = (0.0, 0.0);
    for (k, rk) in r.iter().enumerate().skip(1) {
        let r2 = rk * rk;
        lb += r2 / (n - k as f64);
        bp += r2;
        let q = n * (n + 2.0) * lb;
        let qbp = n * bp;
        let df = k.saturating_sub(model_df);
        out.lags.push(k);
        out.statistic.push(q);
        out.box_pierce.push(qbp);
        out.df.push(df);
        if df > 0 {
            out.p_value.push(Some(chi2_sf(q, df as f64)));
            out.box_pierce_p_value.push(Some(chi2_sf(qbp, df as f64)));
        } else {
            out.p_value.push(None);
            out.box_pierce_p_value.push(None);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_small_case() {
        // x = 1, 2, 3, 4, 10: mean 4, deviations −3, −2, −1, 0, 6; m2 = 50/5 = 10,
        // m3 = (−27 − 8 − 1 + 216)/5 = 36, m4 = (81 + 16 + 1 + 1296)/5 = 278.8.
        let m = moments(&[1.0, 2.0, 3.0, 4.0, 10.0]).unwrap();
        assert!((m.variance - 10.0).abs() < 1e-15);
        assert!((m.skewness - 36.0 / 10f64.powf(1.5)).abs() < 1e-14);
        assert!((m.kurtosis - 2.788).abs() < 1e-14);
        // ACF lag 1: (−3·−2 + −2·−1 + −1·0 + 0·6) / 50 = 8/50.
        let r = acf(&[1.0, 2.0, 3.0, 4.0, 10.0], 1).unwrap();
        assert!((r[1] - 0.16).abs() < 1e-15);
        // Ljung–Box lag 1: 5·7·0.16²/4.
        let lb = ljung_box(&[1.0, 2.0, 3.0, 4.0, 10.0], 1, 0).unwrap();
        assert!((lb.statistic[0] - 35.0 * 0.0256 / 4.0).abs() < 1e-14);
    }

    #[test]
    fn bad_input() {
        assert_eq!(
            jarque_bera(&[2.0; 10]).unwrap_err().code(),
            "ERR_CONSTANT_SERIES"
        );
        assert_eq!(jarque_bera(&[1.0]).unwrap_err().code(), "ERR_TOO_SHORT");
        assert_eq!(
            ljung_box(&[1.0, f64::INFINITY, 2.0], 1, 0)
                .unwrap_err()
                .code(),
            "ERR_NOT_FINITE"
        );
        assert_eq!(
            ljung_box(&[1.0, 2.0, 3.0], 3, 0).unwrap_err().code(),
            "ERR_TOO_SHORT"
        );
        assert_eq!(
            ljung_box(&[1.0, 2.0, 3.0], 0, 0).unwrap_err().code(),
            "ERR_INVALID_PARAMETER"
        );
        let lb = ljung_box(&[1.0, 3.0, 2.0, 5.0, 4.0, 7.0], 3, 2).unwrap();
        assert_eq!(lb.p_value[..2], [None, None]);
        assert!(lb.p_value[2].is_some());
    }
}
