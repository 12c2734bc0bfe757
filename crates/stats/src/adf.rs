//! Augmented Dickey–Fuller unit-root test with automatic lag choice and MacKinnon p-values.
//!
//! The test regression is
//! `Δx_t = γ x_{t−1} + Σ_{i=1}^{p} φ_i Δx_{t−i} + deterministic terms + ε_t`
//! and the statistic is the t-ratio of `γ̂`. It follows statsmodels `adfuller` exactly:
//! the default maximum lag `⌈12 (n/100)^{1/4}⌉` (capped at `n/2 − k − 1`), lag choice by AIC,
//! BIC or the "t-stat" rule on a common sample of `n − 1 − maxlag` observations, then the
//! final regression on all observations the chosen lag allows.
//!
//! p-values use MacKinnon's (1994) response surfaces, critical values MacKinnon's (2010)
//! finite-sample surfaces (1996 for the no-constant case); the coefficient tables are in
//! this file with their sources, printed by `scripts/refs/stats/mackinnon.py`.
//!
//! Checked against statsmodels `adfuller` and R `urca::ur.df` on real data
//! (`tests/fixtures/adf.json`).

use crate::error::{check_finite, Result, StatsError};
use crate::linalg::{lstsq, nested_ols, Matrix};
use crate::special::norm_cdf;

/// Deterministic terms of the test regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regression {
    /// No constant, no trend (statsmodels `"n"`, urca `"none"`).
    None,
    /// A constant (statsmodels `"c"`, urca `"drift"`).
    Constant,
    /// A constant and a linear trend (statsmodels `"ct"`, urca `"trend"`).
    ConstantTrend,
    /// A constant, a linear and a quadratic trend (statsmodels `"ctt"`).
    ConstantTrendSquared,
}

impl Regression {
    /// Number of deterministic regressors.
    #[must_use]
    pub fn n_terms(self) -> usize {
        match self {
            Self::None => 0,
            Self::Constant => 1,
            Self::ConstantTrend => 2,
            Self::ConstantTrendSquared => 3,
        }
    }

    /// The statsmodels name: `"n"`, `"c"`, `"ct"` or `"ctt"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "n",
            Self::Constant => "c",
            Self::ConstantTrend => "ct",
            Self::ConstantTrendSquared => "ctt",
        }
    }

    fn table(self) -> &'static MacKinnon {
        match self {
            Self::None => &TAB_N,
            Self::Constant => &TAB_C,
            Self::ConstantTrend => &TAB_CT,
            Self::ConstantTrendSquared => &TAB_CTT,
        }
    }
}

/// How many lagged differences to include.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LagSelection {
    /// Exactly this many.
    Fixed(usize),
    /// Minimise AIC over `0..=max` (default `max`: `⌈12 (n/100)^{1/4}⌉`).
    Aic(Option<usize>),
    /// Minimise BIC over `0..=max`.
    Bic(Option<usize>),
    /// Start at `max` and drop lags until the last one has `|t| ≥ 1.645` (5% two-sided
    /// normal), statsmodels' `autolag="t-stat"`.
    TStat(Option<usize>),
}

/// Options of [`adf`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdfOptions {
    /// Deterministic terms; default [`Regression::Constant`].
    pub regression: Regression,
    /// Lag choice; default AIC with the default maximum.
    pub lags: LagSelection,
}

impl Default for AdfOptions {
    fn default() -> Self {
        Self {
            regression: Regression::Constant,
            lags: LagSelection::Aic(None),
        }
    }
}

/// Outcome of [`adf`].
#[derive(Debug, Clone, PartialEq)]
pub struct AdfResult {
    /// The ADF statistic (t-ratio of the lagged level).
    pub statistic: f64,
    /// MacKinnon (1994) approximate p-value.
    pub p_value: f64,
    /// Lagged differences in the final regression.
    pub used_lag: usize,
    /// The maximum lag considered (equal to `used_lag` for a fixed lag).
    pub max_lag: usize,
    /// Observations in the final regression.
    pub nobs: usize,
    /// MacKinnon (2010) critical values at 1%, 5% and 10% for `nobs`.
    pub critical_values: [f64; 3],
    /// The best information criterion (AIC/BIC) or the final `|t|` (t-stat rule); `None` for a
    /// fixed lag.
    pub ic_best: Option<f64>,
    /// Estimated coefficient `γ̂` of the lagged level (`ρ̂ − 1`).
    pub gamma: f64,
    /// The deterministic terms used.
    pub regression: Regression,
}

/// The default maximum lag `⌈12 (n/100)^{1/4}⌉` (Schwert 1989) for `n` observations.
#[must_use]
pub fn default_max_lag(n: usize) -> usize {
    (12.0 * (n as f64 / 100.0).powf(0.25)).ceil() as usize
}

/// Augmented Dickey–Fuller test of a unit root in `x`.
///
/// # Errors
/// [`StatsError::NotFinite`] for NaN/∞; [`StatsError::TooShort`] when the series leaves no
/// degrees of freedom for the regression; [`StatsError::Constant`] for a constant series;
/// [`StatsError::InvalidParameter`] for a fixed or maximum lag above `n/2 − k − 1`;
/// [`StatsError::Singular`] if the regressors are collinear (e.g. an exactly linear series
/// with a trend term).
pub fn adf(x: &[f64], opts: &AdfOptions) -> Result<AdfResult> {
    check_finite(x, "x")?;
    let n = x.len();
    let k = opts.regression.n_terms();
    // statsmodels: maxlag ≤ n/2 − k − 1 must be ≥ 0, and the regression needs residual dof.
    let needed = 2 * (k + 1) + 2;
    if n < needed {
        return Err(StatsError::TooShort {
            what: "ADF test",
            needed,
            got: n,
        });
    }
    if x.iter().all(|v| *v == x[0]) {
        return Err(StatsError::Constant { what: "x" });
    }
    let cap = n / 2 - k - 1;
    let check_lag = |l: usize| -> Result<usize> {
        if l > cap {
            Err(StatsError::InvalidParameter {
                name: "lag",
                reason: "must be at most n/2 - (deterministic terms) - 1",
                value: l as f64,
            })
        } else {
            Ok(l)
        }
    };
    let auto_max = |m: Option<usize>| -> Result<usize> {
        match m {
            Some(m) => check_lag(m),
            None => Ok(default_max_lag(n).min(cap)),
        }
    };
    let dx: Vec<f64> = x.windows(2).map(|w| w[1] - w[0]).collect();

    let (used_lag, max_lag, ic_best) = match opts.lags {
        LagSelection::Fixed(l) => (check_lag(l)?, l, None),
        LagSelection::Aic(m) | LagSelection::Bic(m) | LagSelection::TStat(m) => {
            let max = auto_max(m)?;
            let (lag, ic) = choose_lag(x, &dx, max, opts)?;
            (lag, max, Some(ic))
        }
    };

    // Final regression on every observation the chosen lag allows.
    let (design, y) = design(x, &dx, used_lag, used_lag, opts.regression, false);
    let fit = lstsq(&design, &y)?;
    let statistic = fit.coef[0] / fit.std_errors[0];
    let nobs = y.len();
    Ok(AdfResult {
        statistic,
        p_value: mackinnon_p(statistic, opts.regression),
        used_lag,
        max_lag,
        nobs,
        critical_values: mackinnon_crit(opts.regression, Some(nobs)),
        ic_best,
        gamma: fit.coef[0],
        regression: opts.regression,
    })
}

/// Lag choice on the common sample that `max` lags leave (statsmodels `_autolag`). The
/// candidate models are nested — deterministic terms, the level, then lags 1, 2, … — so one QR
/// of the largest design gives every candidate's RSS and last t-ratio ([`nested_ols`]).
fn choose_lag(x: &[f64], dx: &[f64], max: usize, opts: &AdfOptions) -> Result<(usize, f64)> {
    let k = opts.regression.n_terms();
    let (d, y) = design(x, dx, max, max, opts.regression, true);
    let fits = nested_ols(&d, &y)?;
    let nobs = y.len() as f64;
    if let LagSelection::TStat(_) = opts.lags {
        // From the longest model down: stop at the first whose last regressor (the last lag,
        // or the level when no lag is left) is significant at 5% (normal, two-sided).
        let mut last = (0.0, 0);
        for lag in (0..=max).rev() {
            let t = fits.last_t[k + lag].abs();
            last = (t, lag);
            if t >= 1.644_853_626_951_472_2 {
                break;
            }
        }
        return Ok((last.1, last.0));
    }
    let mut best = (f64::INFINITY, 0);
    for lag in 0..=max {
        let cols = k + 1 + lag;
        let llf = fits.llf(cols);
        let p = cols as f64;
        let ic = match opts.lags {
            LagSelection::Bic(_) => -2.0 * llf + nobs.ln() * p,
            _ => -2.0 * llf + 2.0 * p,
        };
        // Ties go to the smaller lag (strict improvement required), as Python's min on tuples.
        if ic < best.0 {
            best = (ic, lag);
        }
    }
    Ok((best.1, best.0))
}

/// The ADF design: columns `[x_{t−1}, Δx_{t−1}, …, Δx_{t−lag}, 1, t, t²]` (as many
/// deterministic terms as `reg` asks for; with `prepend` the deterministic terms come first,
/// statsmodels' order for lag selection) on the sample that `sample_lag ≥ lag` lags leave,
/// and the response `Δx_t`.
fn design(
    x: &[f64],
    dx: &[f64],
    lag: usize,
    sample_lag: usize,
    reg: Regression,
    prepend: bool,
) -> (Matrix, Vec<f64>) {
    let k = reg.n_terms();
    let cols = 1 + lag + k;
    let rows = dx.len() - sample_lag;
    let mut data = Vec::with_capacity(rows * cols);
    let mut y = Vec::with_capacity(rows);
    for (r, t) in (sample_lag..dx.len()).enumerate() {
        y.push(dx[t]);
        let trend = (r + 1) as f64;
        let terms = [1.0, trend, trend * trend];
        if prepend {
            data.extend_from_slice(&terms[..k]);
        }
        data.push(x[t]);
        for i in 1..=lag {
            data.push(dx[t - i]);
        }
        if !prepend {
            data.extend_from_slice(&terms[..k]);
        }
    }
    (
        Matrix::from_vec(rows, cols, data).expect("rows × cols elements by construction"),
        y,
    )
}

// ---------------------------------------------------------------------------------------------
// MacKinnon response surfaces (N = 1: one I(1) series, i.e. the ADF test)
// ---------------------------------------------------------------------------------------------

/// MacKinnon's tables for one regression type.
#[derive(Debug)]
struct MacKinnon {
    /// Above this the p-value is 1.
    tau_max: f64,
    /// Below this the p-value is 0.
    tau_min: f64,
    /// The switch between the small-p and large-p polynomials.
    tau_star: f64,
    /// Small-p polynomial in τ (ascending powers), through Φ.
    small_p: [f64; 3],
    /// Large-p polynomial in τ (ascending powers), through Φ.
    large_p: [f64; 4],
    /// Critical values at 1%, 5%, 10%: `β∞ + β₁/T + β₂/T² + β₃/T³`.
    crit: [[f64; 4]; 3],
}

// MacKinnon (1994), Table 3, N = 1, tau statistics: τ_max, τ_min, τ* and the small-p
// (scaled by [1, 1, 1e-2]) and large-p (scaled by [1, 1e-1, 1e-1, 1e-2]) coefficients.
// MacKinnon (2010), Table 2, N = 1 (τ_nc from MacKinnon 1996, Table 1): critical values.
const TAB_N: MacKinnon = MacKinnon {
    tau_max: f64::INFINITY,
    tau_min: -19.04,
    tau_star: -1.04,
    small_p: [0.6344, 1.2378, 3.2496 * 1e-2],
    large_p: [0.4797, 9.3557 * 1e-1, -0.6999 * 1e-1, 3.3066 * 1e-2],
    crit: [
        [-2.56574, -2.2358, -3.627, 0.0],
        [-1.941, -0.2686, -3.365, 31.223],
        [-1.61682, 0.2656, -2.714, 25.364],
    ],
};
const TAB_C: MacKinnon = MacKinnon {
    tau_max: 2.74,
    tau_min: -18.83,
    tau_star: -1.61,
    small_p: [2.1659, 1.4412, 3.8269 * 1e-2],
    large_p: [1.7339, 9.3202 * 1e-1, -1.2745 * 1e-1, -1.0368 * 1e-2],
    crit: [
        [-3.43035, -6.5393, -16.786, -79.433],
        [-2.86154, -2.8903, -4.234, -40.04],
        [-2.56677, -1.5384, -2.809, 0.0],
    ],
};
const TAB_CT: MacKinnon = MacKinnon {
    tau_max: 0.7,
    tau_min: -16.18,
    tau_star: -2.89,
    small_p: [3.2512, 1.6047, 4.9588 * 1e-2],
    large_p: [2.5261, 6.1654 * 1e-1, -3.7956 * 1e-1, -6.0285 * 1e-2],
    crit: [
        [-3.95877, -9.0531, -28.428, -134.155],
        [-3.41049, -4.3904, -9.036, -45.374],
        [-3.12705, -2.5856, -3.925, -22.38],
    ],
};
const TAB_CTT: MacKinnon = MacKinnon {
    tau_max: 0.54,
    tau_min: -17.17,
    tau_star: -3.21,
    small_p: [4.0003, 1.658, 4.8288 * 1e-2],
    large_p: [3.0778, 4.9529 * 1e-1, -4.1477 * 1e-1, -5.9359 * 1e-2],
    crit: [
        [-4.37113, -11.5882, -35.819, -334.047],
        [-3.83239, -5.9057, -12.49, -118.284],
        [-3.55326, -3.6596, -5.293, -63.559],
    ],
};

fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, ci| acc * x + ci)
}

/// MacKinnon (1994) approximate p-value of an ADF statistic (statsmodels `mackinnonp`, N = 1).
/// NaN only for a NaN statistic.
#[must_use]
pub fn mackinnon_p(statistic: f64, regression: Regression) -> f64 {
    if statistic.is_nan() {
        return f64::NAN;
    }
    let t = regression.table();
    if statistic > t.tau_max {
        return 1.0;
    }
    if statistic < t.tau_min {
        return 0.0;
    }
    if statistic <= t.tau_star {
        norm_cdf(poly(&t.small_p, statistic))
    } else {
        norm_cdf(poly(&t.large_p, statistic))
    }
}

/// MacKinnon (2010) critical values at 1%, 5% and 10% for a regression with `nobs`
/// observations (`None`: the asymptotic values).
#[must_use]
pub fn mackinnon_crit(regression: Regression, nobs: Option<usize>) -> [f64; 3] {
    let t = regression.table();
    let mut out = [0.0; 3];
    for (o, c) in out.iter_mut().zip(&t.crit) {
        *o = match nobs {
            None => c[0],
            Some(n) => poly(c, 1.0 / n as f64),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn asymptotic_critical_values_are_the_published_ones() {
        // MacKinnon (2010) Table 2, N = 1, constant: −3.43035, −2.86154, −2.56677.
        assert_eq!(
            mackinnon_crit(Regression::Constant, None),
            [-3.43035, -2.86154, -2.56677]
        );
        // The p-value at the asymptotic 5% critical value is about 5%.
        for reg in [
            Regression::None,
            Regression::Constant,
            Regression::ConstantTrend,
            Regression::ConstantTrendSquared,
        ] {
            let c = mackinnon_crit(reg, None);
            let p = mackinnon_p(c[1], reg);
            assert!((p - 0.05).abs() < 0.003, "{reg:?}: {p}");
            let p = mackinnon_p(c[0], reg);
            assert!((p - 0.01).abs() < 0.002, "{reg:?}: {p}");
        }
    }

    #[test]
    fn random_walk_is_not_rejected_and_white_noise_is() {
        let mut r = Rng::new(5);
        let mut walk = vec![0.0];
        for _ in 0..999 {
            let last = *walk.last().unwrap();
            walk.push(last + r.normal());
        }
        let noise: Vec<f64> = (0..1000).map(|_| r.normal()).collect();
        let o = AdfOptions::default();
        assert!(adf(&walk, &o).unwrap().p_value > 0.05);
        assert!(adf(&noise, &o).unwrap().p_value < 1e-6);
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let o = AdfOptions::default();
        assert_eq!(
            adf(&[1.0; 50], &o).unwrap_err().code(),
            "ERR_CONSTANT_SERIES"
        );
        assert_eq!(
            adf(&[1.0, 2.0, 1.5], &o).unwrap_err().code(),
            "ERR_TOO_SHORT"
        );
        let mut x: Vec<f64> = (0..50).map(|i| (i as f64).sin()).collect();
        x[7] = f64::NAN;
        assert_eq!(adf(&x, &o).unwrap_err().code(), "ERR_NOT_FINITE");
        let x: Vec<f64> = (0..50).map(|i| (i as f64).sin()).collect();
        let o = AdfOptions {
            lags: LagSelection::Fixed(40),
            ..o
        };
        assert_eq!(adf(&x, &o).unwrap_err().code(), "ERR_INVALID_PARAMETER");
    }
}
