//! Bindings of `tachyon_stats`: statistical tests, EVT, multiple testing, isotonic
//! calibration, Gaussian HMMs, Monte Carlo paths and the scalar distribution functions.
//!
//! Batch functions take `Float64Array`s. Objects used per tick (the HMM filter, the isotonic
//! calibrator, a streaming path) are `External` handles plus free functions (CONTRIBUTING.md);
//! the TypeScript layer (`ts/src/stats/`) wraps them in classes. Fits and large simulations
//! have a sync and an `AsyncTask` form that share one implementation (`*_impl`); the async
//! form rejects with the same coded error the sync form throws.

use napi::bindgen_prelude::{AsyncTask, External, Float64Array, Uint32Array};
use napi::{Env, Task};
use napi_derive::napi;
use tachyon_stats::adf::{self, AdfResult};
use tachyon_stats::diagnostics;
use tachyon_stats::evt::{self, GpdFit, PotFit};
use tachyon_stats::hmm::{self, GaussianHmm, HmmFilter, HmmFit};
use tachyon_stats::isotonic::{self, IsotonicCalibrator};
use tachyon_stats::mc::{self, PathGenerator, PathSpec, Process};
use tachyon_stats::{multitest, special, StatsError};

use crate::error::{invalid_arg, rejection, OrThrow, Result};
use crate::options::stats::{
    adf_options, seed_of, AdfTestOptions, BaumWelchOptions, HmmModel, HmmOptions, IsotonicOptions,
    LjungBoxOptions, PAdjustMethod, PathGeneratorOptions, PotOptions, ProcessOptions,
    SimulationOptions,
};

/// Work done on the libuv pool: the pure result or the coded error, and panics caught.
type Outcome<T> = std::result::Result<T, StatsError>;

fn run_caught<T>(f: impl FnOnce() -> Outcome<T>) -> napi::Result<Outcome<T>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| {
        napi::Error::new(
            napi::Status::GenericFailure,
            "ERR_INTERNAL: the computation panicked",
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Tests: ADF, Jarque–Bera, Ljung–Box, ACF
// ---------------------------------------------------------------------------------------------

/// Result of `adfTest`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct AdfTestResult {
    /// The ADF statistic (t-ratio of the lagged level).
    pub statistic: f64,
    /// MacKinnon (1994) approximate p-value.
    pub p_value: f64,
    /// Lagged differences used.
    pub used_lag: u32,
    /// Largest lag considered.
    pub max_lag: u32,
    /// Observations in the final regression.
    pub nobs: u32,
    /// MacKinnon (2010) critical values `[1%, 5%, 10%]`.
    pub critical_values: Vec<f64>,
    /// Best AIC/BIC, or the final |t| for `'tstat'`; absent for a fixed lag.
    pub ic_best: Option<f64>,
    /// Coefficient of the lagged level (`ρ − 1`).
    pub gamma: f64,
    /// `'n' | 'c' | 'ct' | 'ctt'`.
    pub regression: String,
}

impl From<AdfResult> for AdfTestResult {
    fn from(r: AdfResult) -> Self {
        Self {
            statistic: r.statistic,
            p_value: r.p_value,
            used_lag: r.used_lag as u32,
            max_lag: r.max_lag as u32,
            nobs: r.nobs as u32,
            critical_values: r.critical_values.to_vec(),
            ic_best: r.ic_best,
            gamma: r.gamma,
            regression: r.regression.as_str().to_owned(),
        }
    }
}

/// Augmented Dickey–Fuller unit-root test (statsmodels `adfuller` conventions).
#[napi(catch_unwind)]
pub fn adf_test(x: &[f64], options: Option<AdfTestOptions>) -> Result<AdfTestResult> {
    let opts = adf_options(options)?;
    Ok(adf::adf(x, &opts).or_throw()?.into())
}

/// Result of `jarqueBera`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct JarqueBeraResult {
    /// `n/6 (S² + (K − 3)²/4)`.
    pub statistic: f64,
    /// χ²₂ upper tail.
    pub p_value: f64,
    /// Sample skewness (biased).
    pub skewness: f64,
    /// Sample kurtosis (biased, not excess).
    pub kurtosis: f64,
    /// Observations.
    pub nobs: u32,
}

/// Jarque–Bera normality test.
#[napi(catch_unwind)]
pub fn jarque_bera(x: &[f64]) -> Result<JarqueBeraResult> {
    let r = diagnostics::jarque_bera(x).or_throw()?;
    Ok(JarqueBeraResult {
        statistic: r.statistic,
        p_value: r.p_value,
        skewness: r.skewness,
        kurtosis: r.kurtosis,
        nobs: r.nobs as u32,
    })
}

/// Result of `ljungBox`: entry `i` is lag `i + 1`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct LjungBoxResult {
    /// Ljung–Box Q for lags 1..m.
    pub statistic: Vec<f64>,
    /// p-values; `null` where the lag is not above `modelDf`.
    pub p_value: Vec<Option<f64>>,
    /// Box–Pierce Q for lags 1..m.
    pub box_pierce: Vec<f64>,
    /// Box–Pierce p-values; `null` where the lag is not above `modelDf`.
    pub box_pierce_p_value: Vec<Option<f64>>,
    /// Chi-square degrees of freedom per lag (`lag − modelDf`, 0 where no p-value).
    pub df: Vec<u32>,
    /// Observations.
    pub nobs: u32,
}

/// Ljung–Box and Box–Pierce tests of no autocorrelation up to each lag.
#[napi(catch_unwind)]
pub fn ljung_box(x: &[f64], options: Option<LjungBoxOptions>) -> Result<LjungBoxResult> {
    let o = options.unwrap_or_default();
    let lags = o
        .lags
        .map_or_else(|| (x.len() / 5).clamp(1, 10), |l| l as usize);
    let r = diagnostics::ljung_box(x, lags, o.model_df.unwrap_or(0) as usize).or_throw()?;
    Ok(LjungBoxResult {
        statistic: r.statistic,
        p_value: r.p_value,
        box_pierce: r.box_pierce,
        box_pierce_p_value: r.box_pierce_p_value,
        df: r.df.iter().map(|d| *d as u32).collect(),
        nobs: r.nobs as u32,
    })
}

/// Sample autocorrelations at lags `0..=nlags`.
#[napi(catch_unwind)]
pub fn acf(x: &[f64], nlags: u32) -> Result<Float64Array> {
    Ok(Float64Array::new(
        diagnostics::acf(x, nlags as usize).or_throw()?,
    ))
}

// ---------------------------------------------------------------------------------------------
// Multiple testing, isotonic regression, calibration
// ---------------------------------------------------------------------------------------------

/// Adjusted p-values, in input order (R `p.adjust`).
#[napi(catch_unwind)]
pub fn p_adjust(p: &[f64], method: PAdjustMethod) -> Result<Float64Array> {
    Ok(Float64Array::new(
        multitest::p_adjust(p, method.into()).or_throw()?,
    ))
}

/// Weighted isotonic regression (PAVA) of `y` in its given order.
#[napi(catch_unwind)]
pub fn isotonic_regression(y: &[f64], options: Option<IsotonicOptions>) -> Result<Float64Array> {
    let o = options.unwrap_or_default();
    Ok(Float64Array::new(
        isotonic::isotonic_regression(y, o.weights.as_deref(), o.increasing.unwrap_or(true))
            .or_throw()?,
    ))
}

/// A fitted isotonic calibrator (opaque handle).
#[derive(Debug)]
pub struct BindingCalibrator {
    inner: IsotonicCalibrator,
}

/// Fits an isotonic calibrator on `scores` and `outcomes` (optionally weighted).
#[napi(catch_unwind)]
pub fn calibrator_fit(
    scores: &[f64],
    outcomes: &[f64],
    weights: Option<Float64Array>,
) -> Result<External<BindingCalibrator>> {
    let inner = IsotonicCalibrator::fit(scores, outcomes, weights.as_deref()).or_throw()?;
    Ok(External::new(BindingCalibrator { inner }))
}

/// Rebuilds a calibrator from its knots.
#[napi(catch_unwind)]
pub fn calibrator_from_knots(
    scores: &[f64],
    values: &[f64],
) -> Result<External<BindingCalibrator>> {
    let inner = IsotonicCalibrator::from_knots(scores.to_vec(), values.to_vec()).or_throw()?;
    Ok(External::new(BindingCalibrator { inner }))
}

/// Calibrated value of one score (NaN throws `ERR_NOT_FINITE`).
#[napi(catch_unwind)]
pub fn calibrator_predict(h: &External<BindingCalibrator>, score: f64) -> Result<f64> {
    if score.is_nan() {
        return Err(crate::error::to_js(&StatsError::NotFinite {
            what: "score",
            index: 0,
        }));
    }
    Ok(h.inner.predict(score))
}

/// Calibrated values of many scores.
#[napi(catch_unwind)]
pub fn calibrator_predict_batch(
    h: &External<BindingCalibrator>,
    scores: &[f64],
) -> Result<Float64Array> {
    tachyon_stats::error::check_finite(scores, "scores").or_throw()?;
    let mut out = vec![0.0; scores.len()];
    h.inner.predict_into(scores, &mut out).or_throw()?;
    Ok(Float64Array::new(out))
}

/// Knots of a calibrator.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct CalibratorKnots {
    /// Knot scores (strictly increasing).
    pub scores: Vec<f64>,
    /// Fitted values at the knots (non-decreasing).
    pub values: Vec<f64>,
}

/// The calibrator's knots (to save it, or to plot the calibration curve).
#[napi]
pub fn calibrator_knots(h: &External<BindingCalibrator>) -> CalibratorKnots {
    let (s, v) = h.inner.knots();
    CalibratorKnots {
        scores: s.to_vec(),
        values: v.to_vec(),
    }
}

// ---------------------------------------------------------------------------------------------
// Extreme value theory
// ---------------------------------------------------------------------------------------------

/// A generalized Pareto fit.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct GpdFitResult {
    /// Shape ξ (> 0: heavy tail).
    pub shape: f64,
    /// Scale σ.
    pub scale: f64,
    /// Maximised log-likelihood.
    pub log_likelihood: f64,
    /// Standard error of ξ (absent unless `status` is `'converged'`).
    pub se_shape: Option<f64>,
    /// Standard error of σ (absent unless `status` is `'converged'`).
    pub se_scale: Option<f64>,
    /// Covariance `[var ξ, cov, cov, var σ]` (absent unless `'converged'`).
    pub covariance: Option<Vec<f64>>,
    /// Excesses fitted.
    pub nobs: u32,
    /// `'converged'`, `'irregular_shape'` (ξ ≤ −½: no standard errors) or
    /// `'singular_information'`.
    pub status: String,
}

impl From<&GpdFit> for GpdFitResult {
    fn from(g: &GpdFit) -> Self {
        Self {
            shape: g.shape,
            scale: g.scale,
            log_likelihood: g.log_likelihood,
            se_shape: g.std_errors.map(|s| s.0),
            se_scale: g.std_errors.map(|s| s.1),
            covariance: g
                .covariance
                .map(|c| vec![c[0][0], c[0][1], c[1][0], c[1][1]]),
            nobs: g.nobs as u32,
            status: g.status.as_str().to_owned(),
        }
    }
}

/// VaR and ES at one level.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct TailRisk {
    /// The level `p`.
    pub level: f64,
    /// Value at risk.
    pub var: f64,
    /// Expected shortfall (absent when ξ ≥ 1).
    pub es: Option<f64>,
}

/// A peaks-over-threshold model.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PotFitResult {
    /// Threshold `u`.
    pub threshold: f64,
    /// Observations.
    pub n_total: u32,
    /// Exceedances over `u`.
    pub n_exceed: u32,
    /// The GPD fitted to the excesses.
    pub gpd: GpdFitResult,
    /// VaR/ES at the requested levels the tail covers.
    pub risk: Vec<TailRisk>,
}

/// Fits a GPD to positive excesses.
fn gpd_fit_impl(y: &[f64]) -> Outcome<GpdFitResult> {
    Ok((&evt::gpd_fit(y)?).into())
}

/// GPD maximum-likelihood fit of positive excesses (profile likelihood + Newton polish).
#[napi(catch_unwind)]
pub fn gpd_fit(excesses: &[f64]) -> Result<GpdFitResult> {
    gpd_fit_impl(excesses).or_throw()
}

/// `gpdFit` on the libuv pool.
#[derive(Debug)]
pub struct GpdFitTask {
    y: Vec<f64>,
}

impl Task for GpdFitTask {
    type Output = Outcome<GpdFitResult>;
    type JsValue = GpdFitResult;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        run_caught(|| gpd_fit_impl(&self.y))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<GpdFitResult> {
        out.map_err(|e| rejection(&env, &e))
    }
}

/// `gpdFit` on a worker thread (same errors, as a rejected promise).
#[napi(ts_return_type = "Promise<GpdFitResult>")]
pub fn gpd_fit_async(excesses: &[f64]) -> AsyncTask<GpdFitTask> {
    AsyncTask::new(GpdFitTask {
        y: excesses.to_vec(),
    })
}

const DEFAULT_LEVELS: [f64; 3] = [0.99, 0.995, 0.999];

fn pot_risk(pot: &PotFit, levels: &[f64], explicit: bool) -> Outcome<Vec<TailRisk>> {
    let mut out = Vec::with_capacity(levels.len());
    for &p in levels {
        match pot.var(p) {
            Ok(var) => out.push(TailRisk {
                level: p,
                var,
                es: pot.es(p).ok(),
            }),
            Err(e) if explicit => return Err(e),
            Err(_) => {}
        }
    }
    Ok(out)
}

/// Resolved `potFit` options.
#[derive(Debug, Clone)]
struct PotArgs {
    threshold: Option<f64>,
    quantile: f64,
    levels: Option<Vec<f64>>,
}

impl PotArgs {
    fn from(o: Option<PotOptions>) -> Result<Self> {
        let o = o.unwrap_or_default();
        if o.threshold.is_some() && o.quantile.is_some() {
            return Err(invalid_arg("give either threshold or quantile, not both"));
        }
        Ok(Self {
            threshold: o.threshold,
            quantile: o.quantile.unwrap_or(0.9),
            levels: o.levels,
        })
    }
}

fn pot_fit_impl(data: &[f64], a: &PotArgs) -> Outcome<PotFitResult> {
    let u = match a.threshold {
        Some(u) => u,
        None => evt::threshold_quantile(data, a.quantile)?,
    };
    let pot = evt::pot_fit(data, u)?;
    let risk = match &a.levels {
        Some(l) => pot_risk(&pot, l, true)?,
        None => pot_risk(&pot, &DEFAULT_LEVELS, false)?,
    };
    Ok(PotFitResult {
        threshold: pot.threshold,
        n_total: pot.n_total as u32,
        n_exceed: pot.n_exceed as u32,
        gpd: (&pot.gpd).into(),
        risk,
    })
}

/// Peaks over threshold: GPD tail of `data` (e.g. losses as positive numbers) over a threshold
/// (default its 90% quantile), with VaR/ES from the McNeil–Frey formulas.
#[napi(catch_unwind)]
pub fn pot_fit(data: &[f64], options: Option<PotOptions>) -> Result<PotFitResult> {
    pot_fit_impl(data, &PotArgs::from(options)?).or_throw()
}

/// `potFit` on the libuv pool.
#[derive(Debug)]
pub struct PotFitTask {
    data: Vec<f64>,
    args: PotArgs,
}

impl Task for PotFitTask {
    type Output = Outcome<PotFitResult>;
    type JsValue = PotFitResult;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        run_caught(|| pot_fit_impl(&self.data, &self.args))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<PotFitResult> {
        out.map_err(|e| rejection(&env, &e))
    }
}

/// `potFit` on a worker thread.
#[napi(catch_unwind, ts_return_type = "Promise<PotFitResult>")]
pub fn pot_fit_async(data: &[f64], options: Option<PotOptions>) -> Result<AsyncTask<PotFitTask>> {
    Ok(AsyncTask::new(PotFitTask {
        data: data.to_vec(),
        args: PotArgs::from(options)?,
    }))
}

/// VaR and ES at `level` from a fitted POT model (a `potFit` result).
#[napi(catch_unwind)]
pub fn pot_var_es(fit: PotFitResult, level: f64) -> Result<TailRisk> {
    let pot = PotFit {
        threshold: fit.threshold,
        n_total: fit.n_total as usize,
        n_exceed: fit.n_exceed as usize,
        gpd: GpdFit {
            shape: fit.gpd.shape,
            scale: fit.gpd.scale,
            log_likelihood: fit.gpd.log_likelihood,
            std_errors: None,
            covariance: None,
            nobs: fit.gpd.nobs as usize,
            status: evt::GpdStatus::Converged,
        },
    };
    if !(pot.gpd.scale > 0.0 && pot.gpd.shape.is_finite() && pot.n_exceed <= pot.n_total) {
        return Err(invalid_arg(
            "not a potFit result (scale, shape or counts out of range)",
        ));
    }
    let var = pot.var(level).or_throw()?;
    Ok(TailRisk {
        level,
        var,
        es: pot.es(level).ok(),
    })
}

/// The `q`-quantile of `data` (linear interpolation; a common POT threshold).
#[napi(catch_unwind)]
pub fn threshold_quantile(data: &[f64], q: f64) -> Result<f64> {
    evt::threshold_quantile(data, q).or_throw()
}

// ---------------------------------------------------------------------------------------------
// Gaussian HMM
// ---------------------------------------------------------------------------------------------

/// Result of `hmmFit` / `hmmBaumWelch`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct HmmFitResult {
    /// The fitted model.
    pub model: HmmModel,
    /// Log-likelihood of `model` on the data.
    pub log_likelihood: f64,
    /// EM updates (in the winning restart).
    pub iterations: u32,
    /// `true` if the tolerance stopped EM, `false` if `maxIter` did.
    pub converged: bool,
    /// Akaike information criterion.
    pub aic: f64,
    /// Bayesian information criterion.
    pub bic: f64,
    /// Final log-likelihood of each restart.
    pub restarts: Vec<f64>,
    /// Variances raised to the floor during EM.
    pub floored_variances: u32,
    /// State updates skipped for lack of posterior weight.
    pub empty_states: u32,
}

impl From<&HmmFit> for HmmFitResult {
    fn from(f: &HmmFit) -> Self {
        Self {
            model: (&f.model).into(),
            log_likelihood: f.log_likelihood,
            iterations: f.iterations as u32,
            converged: f.converged,
            aic: f.aic(),
            bic: f.bic(),
            restarts: f.restarts.clone(),
            floored_variances: f.notes.floored_variances as u32,
            empty_states: f.notes.empty_states as u32,
        }
    }
}

fn hmm_fit_impl(x: &[f64], features: usize, opts: &hmm::HmmFitOptions) -> Outcome<HmmFitResult> {
    Ok((&hmm::fit_gaussian_hmm(x, features, opts)?).into())
}

/// Fits a Gaussian HMM by Baum–Welch from seeded random restarts (states ordered by the
/// variance of the first feature).
#[napi(catch_unwind)]
pub fn hmm_fit(x: &[f64], options: Option<HmmOptions>) -> Result<HmmFitResult> {
    let (opts, d) = HmmOptions::resolve(options)?;
    hmm_fit_impl(x, d, &opts).or_throw()
}

/// `hmmFit` on the libuv pool.
#[derive(Debug)]
pub struct HmmFitTask {
    x: Vec<f64>,
    features: usize,
    opts: hmm::HmmFitOptions,
}

impl Task for HmmFitTask {
    type Output = Outcome<HmmFitResult>;
    type JsValue = HmmFitResult;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        run_caught(|| hmm_fit_impl(&self.x, self.features, &self.opts))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<HmmFitResult> {
        out.map_err(|e| rejection(&env, &e))
    }
}

/// `hmmFit` on a worker thread.
#[napi(catch_unwind, ts_return_type = "Promise<HmmFitResult>")]
pub fn hmm_fit_async(x: &[f64], options: Option<HmmOptions>) -> Result<AsyncTask<HmmFitTask>> {
    let (opts, features) = HmmOptions::resolve(options)?;
    Ok(AsyncTask::new(HmmFitTask {
        x: x.to_vec(),
        features,
        opts,
    }))
}

/// Baum–Welch from the given starting model (no restarts, no reordering).
#[napi(catch_unwind)]
pub fn hmm_baum_welch(
    x: &[f64],
    model: HmmModel,
    options: Option<BaumWelchOptions>,
) -> Result<HmmFitResult> {
    let o = options.unwrap_or_default();
    let m = model.to_model()?;
    let fit = m
        .baum_welch(
            x,
            o.max_iter.map_or(500, |v| v as usize),
            o.tol.unwrap_or(1e-6),
            o.min_variance.unwrap_or(0.0),
        )
        .or_throw()?;
    Ok((&fit).into())
}

/// Log-likelihood of `x` under `model`.
#[napi(catch_unwind)]
pub fn hmm_log_likelihood(x: &[f64], model: HmmModel) -> Result<f64> {
    model.to_model()?.log_likelihood(x).or_throw()
}

/// Viterbi result.
#[napi(object)]
pub struct HmmViterbi {
    /// Most likely state per observation.
    pub path: Uint32Array,
    /// Joint log-probability of the data and the path.
    pub log_prob: f64,
}

impl std::fmt::Debug for HmmViterbi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HmmViterbi")
            .field("len", &self.path.len())
            .field("log_prob", &self.log_prob)
            .finish()
    }
}

/// Most likely state path (Viterbi).
#[napi(catch_unwind)]
pub fn hmm_viterbi(x: &[f64], model: HmmModel) -> Result<HmmViterbi> {
    let (path, log_prob) = model.to_model()?.viterbi(x).or_throw()?;
    Ok(HmmViterbi {
        path: Uint32Array::new(path.iter().map(|s| *s as u32).collect()),
        log_prob,
    })
}

/// Smoothed state probabilities.
#[napi(object)]
pub struct HmmPosteriors {
    /// `P(s_t = j | all data)`, n×k row-major.
    pub probabilities: Float64Array,
    /// Log-likelihood of the data.
    pub log_likelihood: f64,
}

impl std::fmt::Debug for HmmPosteriors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HmmPosteriors")
            .field("len", &self.probabilities.len())
            .field("log_likelihood", &self.log_likelihood)
            .finish()
    }
}

/// Smoothed state probabilities (forward–backward).
#[napi(catch_unwind)]
pub fn hmm_posteriors(x: &[f64], model: HmmModel) -> Result<HmmPosteriors> {
    let (p, ll) = model.to_model()?.posteriors(x).or_throw()?;
    Ok(HmmPosteriors {
        probabilities: Float64Array::new(p),
        log_likelihood: ll,
    })
}

/// An online HMM forward filter (opaque handle).
#[derive(Debug)]
pub struct BindingHmmFilter {
    inner: HmmFilter,
}

/// A filter for `model`, before any observation.
#[napi(catch_unwind)]
pub fn hmm_filter_new(model: HmmModel) -> Result<External<BindingHmmFilter>> {
    let m: GaussianHmm = model.to_model()?;
    Ok(External::new(BindingHmmFilter { inner: m.filter() }))
}

/// Feeds one univariate observation; returns the most probable regime.
#[napi(catch_unwind)]
pub fn hmm_filter_update(h: &mut External<BindingHmmFilter>, x: f64) -> Result<u32> {
    h.inner.update(&[x]).or_throw()?;
    Ok(h.inner.regime() as u32)
}

/// Feeds one observation of `features` values; returns the most probable regime.
#[napi(catch_unwind)]
pub fn hmm_filter_update_vector(h: &mut External<BindingHmmFilter>, obs: &[f64]) -> Result<u32> {
    h.inner.update(obs).or_throw()?;
    Ok(h.inner.regime() as u32)
}

/// Feeds `n` observations (n×d row-major); returns the filtered probabilities after each
/// (n×k). Stops at the first bad observation (thrown; the ones before it are applied).
#[napi(catch_unwind)]
pub fn hmm_filter_update_batch(
    h: &mut External<BindingHmmFilter>,
    xs: &[f64],
) -> Result<Float64Array> {
    let d = h.inner.model().n_features();
    let k = h.inner.model().n_states();
    if !xs.len().is_multiple_of(d) {
        return Err(invalid_arg(format!(
            "observations: length {} is not a multiple of {d} features",
            xs.len()
        )));
    }
    let mut out = Vec::with_capacity(xs.len() / d * k);
    for obs in xs.chunks(d) {
        out.extend_from_slice(h.inner.update(obs).or_throw()?);
    }
    Ok(Float64Array::new(out))
}

/// Copies the current filtered probabilities into `out` (length k).
#[napi(catch_unwind)]
pub fn hmm_filter_probabilities(
    h: &External<BindingHmmFilter>,
    mut out: Float64Array,
) -> Result<()> {
    let p = h.inner.probabilities();
    if out.len() != p.len() {
        return Err(invalid_arg(format!(
            "out must have length {} (states), got {}",
            p.len(),
            out.len()
        )));
    }
    // SAFETY: this call is synchronous on the JS thread, so no JS code touches the buffer
    // while we write it, and the length was checked above.
    unsafe { out.as_mut() }.copy_from_slice(p);
    Ok(())
}

/// Counters and state of a filter.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct HmmFilterStats {
    /// Observations applied.
    pub steps: f64,
    /// Observations rejected (NaN/∞, wrong length, impossible).
    pub rejected: f64,
    /// Log-likelihood of the applied observations.
    pub log_likelihood: f64,
    /// Most probable current regime.
    pub regime: u32,
}

/// Counters of a filter.
#[napi]
pub fn hmm_filter_stats(h: &External<BindingHmmFilter>) -> HmmFilterStats {
    HmmFilterStats {
        steps: h.inner.steps() as f64,
        rejected: h.inner.rejected() as f64,
        log_likelihood: h.inner.log_likelihood(),
        regime: h.inner.regime() as u32,
    }
}

/// One-step-ahead state probabilities `P(s_{t+1} | x_1..t)`.
#[napi]
pub fn hmm_filter_predict(h: &External<BindingHmmFilter>) -> Float64Array {
    Float64Array::new(h.inner.predict_next())
}

/// Back to the initial distribution (counters included).
#[napi]
pub fn hmm_filter_reset(h: &mut External<BindingHmmFilter>) {
    h.inner.reset();
}

// ---------------------------------------------------------------------------------------------
// Monte Carlo
// ---------------------------------------------------------------------------------------------

/// Simulated paths, `paths × (steps + 1)` row-major (column 0 is the initial value).
#[napi(object)]
pub struct SimulatedPaths {
    /// Path values.
    pub values: Float64Array,
    /// Heston variance paths (same layout); absent for the other processes.
    pub variances: Option<Float64Array>,
    /// Number of paths.
    pub paths: u32,
    /// Steps per path.
    pub steps: u32,
}

impl std::fmt::Debug for SimulatedPaths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatedPaths")
            .field("paths", &self.paths)
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

/// Validated simulation arguments.
#[derive(Debug, Clone, Copy)]
pub struct SimArgs {
    process: Process,
    dt: f64,
    spec: PathSpec,
}

impl SimArgs {
    fn from(process: &ProcessOptions, o: &SimulationOptions) -> Result<Self> {
        let process = Process::try_from(process)?;
        let total = u64::from(o.paths) * (u64::from(o.steps) + 1);
        if total > 1 << 25 {
            return Err(invalid_arg(format!(
                "paths × (steps + 1) = {total} values is above the limit of 2^25 (256 MiB) per call"
            )));
        }
        Ok(Self {
            process,
            dt: o.dt,
            spec: PathSpec {
                paths: o.paths as usize,
                steps: o.steps as usize,
                seed: seed_of(o.seed)?,
            },
        })
    }
}

fn simulate_impl(a: &SimArgs) -> Outcome<(Vec<f64>, Option<Vec<f64>>)> {
    let total = a.spec.paths * (a.spec.steps + 1);
    let mut values = vec![0.0; total];
    let mut var = matches!(a.process, Process::Heston(_)).then(|| vec![0.0; total]);
    mc::simulate_into(&a.process, a.dt, &a.spec, &mut values, var.as_deref_mut())?;
    Ok((values, var))
}

fn to_paths(a: &SimArgs, (values, var): (Vec<f64>, Option<Vec<f64>>)) -> SimulatedPaths {
    SimulatedPaths {
        values: Float64Array::new(values),
        variances: var.map(Float64Array::new),
        paths: a.spec.paths as u32,
        steps: a.spec.steps as u32,
    }
}

/// Seeded Monte Carlo paths of a GBM, Merton, Heston (QE) or OU process.
#[napi(catch_unwind)]
pub fn mc_simulate(process: ProcessOptions, options: SimulationOptions) -> Result<SimulatedPaths> {
    let a = SimArgs::from(&process, &options)?;
    Ok(to_paths(&a, simulate_impl(&a).or_throw()?))
}

/// `mcSimulate` on the libuv pool.
#[derive(Debug)]
pub struct SimulateTask {
    args: SimArgs,
}

impl Task for SimulateTask {
    type Output = Outcome<(Vec<f64>, Option<Vec<f64>>)>;
    type JsValue = SimulatedPaths;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        run_caught(|| simulate_impl(&self.args))
    }

    fn resolve(&mut self, env: Env, out: Self::Output) -> napi::Result<SimulatedPaths> {
        Ok(to_paths(&self.args, out.map_err(|e| rejection(&env, &e))?))
    }
}

/// `mcSimulate` on a worker thread.
#[napi(catch_unwind, ts_return_type = "Promise<SimulatedPaths>")]
pub fn mc_simulate_async(
    process: ProcessOptions,
    options: SimulationOptions,
) -> Result<AsyncTask<SimulateTask>> {
    Ok(AsyncTask::new(SimulateTask {
        args: SimArgs::from(&process, &options)?,
    }))
}

/// One path generated step by step (opaque handle).
#[derive(Debug)]
pub struct BindingPathGenerator {
    inner: PathGenerator,
}

/// A streaming path: path `stream` of `mcSimulate` with the same process, `dt` and seed.
#[napi(catch_unwind)]
pub fn path_generator_new(
    process: ProcessOptions,
    options: PathGeneratorOptions,
) -> Result<External<BindingPathGenerator>> {
    let p = Process::try_from(&process)?;
    let inner = PathGenerator::new(
        &p,
        options.dt,
        seed_of(options.seed)?,
        u64::from(options.stream.unwrap_or(0)),
    )
    .or_throw()?;
    Ok(External::new(BindingPathGenerator { inner }))
}

/// Advances one step; returns the new value.
#[napi]
pub fn path_generator_next(h: &mut External<BindingPathGenerator>) -> f64 {
    h.inner.next_value()
}

/// Advances `out.length` steps, writing each value into `out`.
#[napi]
pub fn path_generator_fill(h: &mut External<BindingPathGenerator>, mut out: Float64Array) {
    // SAFETY: this call is synchronous on the JS thread, so no JS code touches the buffer while
    // we write it.
    for v in unsafe { out.as_mut() }.iter_mut() {
        *v = h.inner.next_value();
    }
}

/// State of a streaming path.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct PathGeneratorState {
    /// Current value.
    pub value: f64,
    /// Current variance (Heston; 0 otherwise).
    pub variance: f64,
    /// Steps taken.
    pub steps: f64,
}

/// Current value, variance and step count.
#[napi]
pub fn path_generator_state(h: &External<BindingPathGenerator>) -> PathGeneratorState {
    PathGeneratorState {
        value: h.inner.value(),
        variance: h.inner.variance(),
        steps: h.inner.steps() as f64,
    }
}

// ---------------------------------------------------------------------------------------------
// Distributions (scalar)
// ---------------------------------------------------------------------------------------------

/// The value of a distribution function, or `ERR_INVALID_ARG` when its arguments are outside
/// the domain (the pure functions return NaN there, like `Math.log(-1)`).
fn defined(v: f64, what: &str) -> Result<f64> {
    if v.is_nan() {
        Err(invalid_arg(format!(
            "{what}: argument outside the domain (or NaN)"
        )))
    } else {
        Ok(v)
    }
}

/// Standard normal CDF Φ(x).
#[napi(catch_unwind)]
pub fn norm_cdf(x: f64) -> Result<f64> {
    defined(special::norm_cdf(x), "normCdf(x)")
}

/// Standard normal quantile Φ⁻¹(p), `p ∈ [0, 1]`.
#[napi(catch_unwind)]
pub fn norm_ppf(p: f64) -> Result<f64> {
    defined(special::norm_ppf(p), "normPpf(p): p must be in [0, 1]")
}

/// Student-t CDF with `nu > 0` degrees of freedom.
#[napi(catch_unwind)]
pub fn t_cdf(x: f64, nu: f64) -> Result<f64> {
    defined(special::t_cdf(x, nu), "tCdf(x, nu): nu must be > 0")
}

/// Student-t quantile with `nu > 0` degrees of freedom, `p ∈ [0, 1]`.
#[napi(catch_unwind)]
pub fn t_ppf(p: f64, nu: f64) -> Result<f64> {
    defined(
        special::t_ppf(p, nu),
        "tPpf(p, nu): p must be in [0, 1] and nu > 0",
    )
}

/// Chi-square survival function (upper-tail p-value) with `k > 0` degrees of freedom.
#[napi(catch_unwind)]
pub fn chi2_sf(x: f64, k: f64) -> Result<f64> {
    defined(special::chi2_sf(x, k), "chi2Sf(x, k): k must be > 0")
}
