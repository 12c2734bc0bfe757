//! Options of the statistics bindings (`binding_stats.rs`) and their validation into
//! `tachyon_stats` types.

use napi_derive::napi;
use tachyon_stats::adf::{AdfOptions, LagSelection, Regression};
use tachyon_stats::hmm::{GaussianHmm, HmmFitOptions};
use tachyon_stats::mc::{Gbm, Heston, Merton, OrnsteinUhlenbeck, Process};
use tachyon_stats::multitest::Adjustment;

use crate::error::{invalid_arg, OrThrow, Result};

/// Deterministic terms of the ADF regression (statsmodels names).
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdfRegression {
    /// No constant.
    #[napi(value = "n")]
    N,
    /// Constant (default).
    #[napi(value = "c")]
    C,
    /// Constant and linear trend.
    #[napi(value = "ct")]
    Ct,
    /// Constant, linear and quadratic trend.
    #[napi(value = "ctt")]
    Ctt,
}

/// Lag choice of the ADF test.
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdfAutolag {
    /// Minimise AIC (default).
    #[napi(value = "aic")]
    Aic,
    /// Minimise BIC.
    #[napi(value = "bic")]
    Bic,
    /// Drop lags from the longest until the last is significant at 5%.
    #[napi(value = "tstat")]
    Tstat,
    /// Use exactly `maxLag` lags.
    #[napi(value = "none")]
    None,
}

/// Options of `adfTest`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct AdfTestOptions {
    /// Deterministic terms; default `'c'`.
    pub regression: Option<AdfRegression>,
    /// Lag choice; default `'aic'`.
    pub autolag: Option<AdfAutolag>,
    /// Maximum lag (the lag itself when `autolag` is `'none'`); default
    /// `ceil(12 (n/100)^{1/4})`, capped at `n/2 − terms − 1`.
    pub max_lag: Option<u32>,
}

/// Validates `adfTest` options.
///
/// # Errors
/// `ERR_INVALID_ARG` for `autolag: 'none'` without `maxLag`.
pub fn adf_options(o: Option<AdfTestOptions>) -> Result<AdfOptions> {
    {
        let o = o.unwrap_or_default();
        let regression = match o.regression.unwrap_or(AdfRegression::C) {
            AdfRegression::N => Regression::None,
            AdfRegression::C => Regression::Constant,
            AdfRegression::Ct => Regression::ConstantTrend,
            AdfRegression::Ctt => Regression::ConstantTrendSquared,
        };
        let max = o.max_lag.map(|m| m as usize);
        let lags = match o.autolag.unwrap_or(AdfAutolag::Aic) {
            AdfAutolag::Aic => LagSelection::Aic(max),
            AdfAutolag::Bic => LagSelection::Bic(max),
            AdfAutolag::Tstat => LagSelection::TStat(max),
            AdfAutolag::None => LagSelection::Fixed(
                max.ok_or_else(|| invalid_arg("autolag 'none' needs maxLag (the fixed lag)"))?,
            ),
        };
        Ok(AdfOptions { regression, lags })
    }
}

/// Options of `ljungBox`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct LjungBoxOptions {
    /// Largest lag tested (results for every lag 1..lags); default `min(10, n/5)`, at least 1.
    pub lags: Option<u32>,
    /// Degrees of freedom used by a fitted model (ARMA p + q), subtracted from each lag's
    /// chi-square degrees of freedom; default 0.
    pub model_df: Option<u32>,
}

/// A p-value adjustment method (names as R `p.adjust`).
#[napi(string_enum)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PAdjustMethod {
    /// Bonferroni.
    #[napi(value = "bonferroni")]
    Bonferroni,
    /// Holm step-down.
    #[napi(value = "holm")]
    Holm,
    /// Hochberg step-up.
    #[napi(value = "hochberg")]
    Hochberg,
    /// Benjamini–Hochberg false discovery rate.
    #[napi(value = "BH")]
    Bh,
    /// Benjamini–Yekutieli false discovery rate.
    #[napi(value = "BY")]
    By,
}

impl From<PAdjustMethod> for Adjustment {
    fn from(m: PAdjustMethod) -> Self {
        match m {
            PAdjustMethod::Bonferroni => Adjustment::Bonferroni,
            PAdjustMethod::Holm => Adjustment::Holm,
            PAdjustMethod::Hochberg => Adjustment::Hochberg,
            PAdjustMethod::Bh => Adjustment::BenjaminiHochberg,
            PAdjustMethod::By => Adjustment::BenjaminiYekutieli,
        }
    }
}

/// Options of `isotonicRegression`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct IsotonicOptions {
    /// Positive weights, one per value; default all 1.
    pub weights: Option<Vec<f64>>,
    /// Non-decreasing fit (default `true`); `false` for non-increasing.
    pub increasing: Option<bool>,
}

/// Options of `potFit`: the threshold, directly or as a quantile of the data.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct PotOptions {
    /// The threshold `u`; excludes `quantile`.
    pub threshold: Option<f64>,
    /// Threshold as this quantile of the data (linear interpolation); default 0.9.
    pub quantile: Option<f64>,
    /// Levels at which to report VaR and ES (each must exceed `1 − exceedances/n`); default
    /// `[0.99, 0.995, 0.999]`, keeping the ones the tail covers.
    pub levels: Option<Vec<f64>>,
}

/// Options of `hmmFit`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct HmmOptions {
    /// Number of hidden states; default 2.
    pub states: Option<u32>,
    /// Features per observation (observations are row-major); default 1.
    pub features: Option<u32>,
    /// Maximum EM updates per restart; default 500.
    pub max_iter: Option<u32>,
    /// Stop when an update gains less than this in log-likelihood; default 1e-6.
    pub tol: Option<f64>,
    /// Random restarts; default 5.
    pub restarts: Option<u32>,
    /// Seed of the restarts (a non-negative safe integer); default 0.
    pub seed: Option<f64>,
    /// Variance floor as a fraction of each feature's sample variance; default 1e-6.
    pub min_variance_ratio: Option<f64>,
}

impl HmmOptions {
    /// The pure-crate options and the feature count.
    pub fn resolve(o: Option<HmmOptions>) -> Result<(HmmFitOptions, usize)> {
        let o = o.unwrap_or_default();
        let d = HmmFitOptions::default();
        let features = o.features.unwrap_or(1) as usize;
        if features == 0 {
            return Err(invalid_arg("features must be at least 1"));
        }
        Ok((
            HmmFitOptions {
                states: o.states.map_or(d.states, |s| s as usize),
                max_iter: o.max_iter.map_or(d.max_iter, |s| s as usize),
                tol: o.tol.unwrap_or(d.tol),
                restarts: o.restarts.map_or(d.restarts, |s| s as usize),
                seed: seed_of(o.seed)?,
                min_variance_ratio: o.min_variance_ratio.unwrap_or(d.min_variance_ratio),
            },
            features,
        ))
    }
}

/// A Gaussian HMM's parameters (all row-major).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct HmmModel {
    /// Number of states `k`.
    pub states: u32,
    /// Features per observation `d`.
    pub features: u32,
    /// Initial distribution (k).
    pub start: Vec<f64>,
    /// Transition matrix (k×k, row i = from state i).
    pub transitions: Vec<f64>,
    /// State means (k×d).
    pub means: Vec<f64>,
    /// State variances (k×d).
    pub variances: Vec<f64>,
}

impl HmmModel {
    /// Validates into the pure-crate model.
    pub fn to_model(&self) -> Result<GaussianHmm> {
        GaussianHmm::new(
            self.states as usize,
            self.features as usize,
            self.start.clone(),
            self.transitions.clone(),
            self.means.clone(),
            self.variances.clone(),
        )
        .or_throw()
    }
}

impl From<&GaussianHmm> for HmmModel {
    fn from(m: &GaussianHmm) -> Self {
        Self {
            states: m.n_states() as u32,
            features: m.n_features() as u32,
            start: m.start().to_vec(),
            transitions: m.transitions().to_vec(),
            means: m.means().to_vec(),
            variances: m.variances().to_vec(),
        }
    }
}

/// Options of `hmmBaumWelch` (EM from given starting parameters).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct BaumWelchOptions {
    /// Maximum EM updates; default 500.
    pub max_iter: Option<u32>,
    /// Stop when an update gains less than this; default 1e-6 (`-Infinity` runs `maxIter`).
    pub tol: Option<f64>,
    /// Absolute variance floor; default 0.
    pub min_variance: Option<f64>,
}

/// A stochastic process for the Monte Carlo generators. `model` picks the process; each one
/// reads the fields listed in its documentation and ignores the others.
///
/// - `'gbm'`: `s0`, `mu`, `sigma`.
/// - `'merton'`: `s0`, `mu` (total drift, jumps compensated), `sigma`, `lambda`, `jumpMean`,
///   `jumpStd`.
/// - `'heston'`: `s0`, `mu`, `v0`, `kappa`, `theta`, `xi`, `rho`.
/// - `'ou'`: `x0`, `kappa`, `theta` (long-run mean), `sigma`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ProcessOptions {
    /// `'gbm' | 'merton' | 'heston' | 'ou'`.
    pub model: String,
    /// Initial price (GBM, Merton, Heston).
    pub s0: Option<f64>,
    /// Initial value (OU).
    pub x0: Option<f64>,
    /// Drift per unit time (default 0).
    pub mu: Option<f64>,
    /// Volatility (GBM, Merton diffusion, OU).
    pub sigma: Option<f64>,
    /// Jump intensity per unit time (Merton).
    pub lambda: Option<f64>,
    /// Mean log jump (Merton; default 0).
    pub jump_mean: Option<f64>,
    /// Standard deviation of a log jump (Merton; default 0).
    pub jump_std: Option<f64>,
    /// Initial variance (Heston).
    pub v0: Option<f64>,
    /// Mean-reversion speed (Heston, OU).
    pub kappa: Option<f64>,
    /// Long-run variance (Heston) or long-run mean (OU).
    pub theta: Option<f64>,
    /// Volatility of variance (Heston).
    pub xi: Option<f64>,
    /// Price/variance correlation (Heston; default 0).
    pub rho: Option<f64>,
}

/// A seed argument: a non-negative safe integer, default 0.
///
/// # Errors
/// `ERR_INVALID_ARG` otherwise.
pub fn seed_of(seed: Option<f64>) -> Result<u64> {
    match seed {
        None => Ok(0),
        Some(s) => {
            let v = super::safe_integer(s, "seed")?;
            u64::try_from(v).map_err(|_| invalid_arg(format!("seed must be >= 0, got {s}")))
        }
    }
}

fn need(v: Option<f64>, model: &str, name: &str) -> Result<f64> {
    v.ok_or_else(|| invalid_arg(format!("process '{model}' needs {name}")))
}

impl TryFrom<&ProcessOptions> for Process {
    type Error = napi::Error<crate::error::ErrorCode>;

    fn try_from(o: &ProcessOptions) -> Result<Self> {
        let m = o.model.as_str();
        let p = match m {
            "gbm" => Process::Gbm(Gbm {
                s0: need(o.s0, m, "s0")?,
                mu: o.mu.unwrap_or(0.0),
                sigma: need(o.sigma, m, "sigma")?,
            }),
            "merton" => Process::Merton(Merton {
                s0: need(o.s0, m, "s0")?,
                mu: o.mu.unwrap_or(0.0),
                sigma: need(o.sigma, m, "sigma")?,
                lambda: need(o.lambda, m, "lambda")?,
                jump_mean: o.jump_mean.unwrap_or(0.0),
                jump_std: o.jump_std.unwrap_or(0.0),
            }),
            "heston" => Process::Heston(Heston {
                s0: need(o.s0, m, "s0")?,
                mu: o.mu.unwrap_or(0.0),
                v0: need(o.v0, m, "v0")?,
                kappa: need(o.kappa, m, "kappa")?,
                theta: need(o.theta, m, "theta")?,
                xi: need(o.xi, m, "xi")?,
                rho: o.rho.unwrap_or(0.0),
            }),
            "ou" => Process::Ou(OrnsteinUhlenbeck {
                x0: need(o.x0, m, "x0")?,
                kappa: need(o.kappa, m, "kappa")?,
                theta: o.theta.unwrap_or(0.0),
                sigma: need(o.sigma, m, "sigma")?,
            }),
            other => {
                return Err(invalid_arg(format!(
                    "model must be 'gbm', 'merton', 'heston' or 'ou', got '{other}'"
                )))
            }
        };
        p.validate().or_throw()?;
        Ok(p)
    }
}

/// Shape of a Monte Carlo batch.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SimulationOptions {
    /// Number of paths (`paths × (steps + 1)` may not exceed 2^25 values per call).
    pub paths: u32,
    /// Steps per path (each path has `steps + 1` values; the first is the initial value).
    pub steps: u32,
    /// Step length in the process's time unit (e.g. `1/252` for daily steps in years).
    pub dt: f64,
    /// Seed (a non-negative safe integer); default 0. Path `p` is the same whatever `paths`
    /// is.
    pub seed: Option<f64>,
}

/// Options of a single streaming path (`PathGenerator`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PathGeneratorOptions {
    /// Step length.
    pub dt: f64,
    /// Seed (a non-negative safe integer); default 0.
    pub seed: Option<f64>,
    /// Which path of the seed's family (path `stream` of `simulate` with the same seed);
    /// default 0.
    pub stream: Option<u32>,
}
