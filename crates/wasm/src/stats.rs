//! `tachyon_stats` for WebAssembly: the twin of `native/src/binding_stats.rs` and
//! `native/src/options/stats.rs` (same JS names, defaults, results and error codes). The
//! `*Async` forms follow `models.rs`: `__validate*Async` makes the checks napi makes before it
//! queues the work, and the loader runs the sync form on its worker.

use js_sys::{Array, Float64Array, Uint32Array};
use tachyon_stats::adf::{self, AdfOptions, AdfResult, LagSelection, Regression};
use tachyon_stats::diagnostics;
use tachyon_stats::evt::{self, GpdFit, PotFit};
use tachyon_stats::hmm::{self, GaussianHmm, HmmFilter, HmmFit, HmmFitOptions};
use tachyon_stats::isotonic::{self, IsotonicCalibrator};
use tachyon_stats::mc::{
    self, Gbm, Heston, Merton, OrnsteinUhlenbeck, PathGenerator, PathSpec, Process,
};
use tachyon_stats::multitest::{self, Adjustment};
use tachyon_stats::{special, StatsError};
use wasm_bindgen::prelude::*;

use crate::js::{invalid_arg, numbers, safe_integer, to_js, to_uint32, Opts, OrThrow, Out, Result};

// ------------------------------------------------------------------------------ options

fn adf_options(v: &JsValue) -> Result<AdfOptions> {
    let o = Opts::optional(v, "AdfTestOptions")?;
    let regression = match o.one_of("regression", &["n", "c", "ct", "ctt"])? {
        Some(0) => Regression::None,
        Some(2) => Regression::ConstantTrend,
        Some(3) => Regression::ConstantTrendSquared,
        _ => Regression::Constant,
    };
    let max = o.u32("maxLag")?.map(|m| m as usize);
    let lags = match o.one_of("autolag", &["aic", "bic", "tstat", "none"])? {
        Some(1) => LagSelection::Bic(max),
        Some(2) => LagSelection::TStat(max),
        Some(3) => LagSelection::Fixed(
            max.ok_or_else(|| invalid_arg("autolag 'none' needs maxLag (the fixed lag)"))?,
        ),
        _ => LagSelection::Aic(max),
    };
    Ok(AdfOptions { regression, lags })
}

/// A seed: a non-negative safe integer, default 0 (native's `seed_of`).
fn seed_of(seed: Option<f64>) -> Result<u64> {
    match seed {
        None => Ok(0),
        Some(s) => {
            let v = safe_integer(s, "seed")?;
            u64::try_from(v).map_err(|_| invalid_arg(format!("seed must be >= 0, got {s}")))
        }
    }
}

fn hmm_options(v: &JsValue) -> Result<(HmmFitOptions, usize)> {
    let o = Opts::optional(v, "HmmOptions")?;
    let d = HmmFitOptions::default();
    let features = o.u32("features")?.unwrap_or(1) as usize;
    if features == 0 {
        return Err(invalid_arg("features must be at least 1"));
    }
    Ok((
        HmmFitOptions {
            states: o.u32("states")?.map_or(d.states, |s| s as usize),
            max_iter: o.u32("maxIter")?.map_or(d.max_iter, |s| s as usize),
            tol: o.f64("tol")?.unwrap_or(d.tol),
            restarts: o.u32("restarts")?.map_or(d.restarts, |s| s as usize),
            seed: seed_of(o.f64("seed")?)?,
            min_variance_ratio: o.f64("minVarianceRatio")?.unwrap_or(d.min_variance_ratio),
        },
        features,
    ))
}

/// `HmmModel` → the kernel's model.
fn hmm_model(v: &JsValue) -> Result<GaussianHmm> {
    let o = Opts::required(v, "HmmModel")?;
    GaussianHmm::new(
        o.req_u32("states")? as usize,
        o.req_u32("features")? as usize,
        o.req_f64s("start")?,
        o.req_f64s("transitions")?,
        o.req_f64s("means")?,
        o.req_f64s("variances")?,
    )
    .or_throw()
}

fn hmm_model_js(m: &GaussianHmm) -> JsValue {
    Out::new()
        .set("states", m.n_states() as u32)
        .set("features", m.n_features() as u32)
        .numbers("start", m.start())
        .numbers("transitions", m.transitions())
        .numbers("means", m.means())
        .numbers("variances", m.variances())
        .build()
}

fn process_of(v: &JsValue) -> Result<Process> {
    let o = Opts::required(v, "ProcessOptions")?;
    let m = o.req_string("model")?;
    let need = |key: &str, name: &str| -> Result<f64> {
        o.f64(key)?
            .ok_or_else(|| invalid_arg(format!("process '{m}' needs {name}")))
    };
    let p = match m.as_str() {
        "gbm" => Process::Gbm(Gbm {
            s0: need("s0", "s0")?,
            mu: o.f64("mu")?.unwrap_or(0.0),
            sigma: need("sigma", "sigma")?,
        }),
        "merton" => Process::Merton(Merton {
            s0: need("s0", "s0")?,
            mu: o.f64("mu")?.unwrap_or(0.0),
            sigma: need("sigma", "sigma")?,
            lambda: need("lambda", "lambda")?,
            jump_mean: o.f64("jumpMean")?.unwrap_or(0.0),
            jump_std: o.f64("jumpStd")?.unwrap_or(0.0),
        }),
        "heston" => Process::Heston(Heston {
            s0: need("s0", "s0")?,
            mu: o.f64("mu")?.unwrap_or(0.0),
            v0: need("v0", "v0")?,
            kappa: need("kappa", "kappa")?,
            theta: need("theta", "theta")?,
            xi: need("xi", "xi")?,
            rho: o.f64("rho")?.unwrap_or(0.0),
        }),
        "ou" => Process::Ou(OrnsteinUhlenbeck {
            x0: need("x0", "x0")?,
            kappa: need("kappa", "kappa")?,
            theta: o.f64("theta")?.unwrap_or(0.0),
            sigma: need("sigma", "sigma")?,
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

/// Validated simulation arguments (native's `SimArgs::from`).
fn sim_args(process: &JsValue, options: &JsValue) -> Result<(Process, f64, PathSpec)> {
    let process = process_of(process)?;
    let o = Opts::required(options, "SimulationOptions")?;
    let paths = o.req_u32("paths")?;
    let steps = o.req_u32("steps")?;
    let dt = o.req_f64("dt")?;
    let total = u64::from(paths) * (u64::from(steps) + 1);
    if total > 1 << 25 {
        return Err(invalid_arg(format!(
            "paths × (steps + 1) = {total} values is above the limit of 2^25 (256 MiB) per call"
        )));
    }
    Ok((
        process,
        dt,
        PathSpec {
            paths: paths as usize,
            steps: steps as usize,
            seed: seed_of(o.f64("seed")?)?,
        },
    ))
}

// ------------------------------------------------------------------------------ tests

fn adf_js(r: &AdfResult) -> JsValue {
    Out::new()
        .set("statistic", r.statistic)
        .set("pValue", r.p_value)
        .set("usedLag", r.used_lag as u32)
        .set("maxLag", r.max_lag as u32)
        .set("nobs", r.nobs as u32)
        .numbers("criticalValues", &r.critical_values)
        .opt("icBest", r.ic_best)
        .set("gamma", r.gamma)
        .set("regression", r.regression.as_str())
        .build()
}

/// Augmented Dickey–Fuller unit-root test (statsmodels `adfuller` conventions).
#[wasm_bindgen(js_name = "adfTest")]
pub fn adf_test(x: &[f64], options: JsValue) -> Result<JsValue> {
    let opts = adf_options(&options)?;
    Ok(adf_js(&adf::adf(x, &opts).or_throw()?))
}

/// Jarque–Bera normality test.
#[wasm_bindgen(js_name = "jarqueBera")]
pub fn jarque_bera(x: &[f64]) -> Result<JsValue> {
    let r = diagnostics::jarque_bera(x).or_throw()?;
    Ok(Out::new()
        .set("statistic", r.statistic)
        .set("pValue", r.p_value)
        .set("skewness", r.skewness)
        .set("kurtosis", r.kurtosis)
        .set("nobs", r.nobs as u32)
        .build())
}

/// A plain array with `null` for `None` (napi's `Vec<Option<f64>>`).
fn nullable_numbers(v: &[Option<f64>]) -> JsValue {
    let a = Array::new_with_length(v.len() as u32);
    for (i, x) in v.iter().enumerate() {
        a.set(i as u32, x.map_or(JsValue::NULL, JsValue::from_f64));
    }
    a.into()
}

/// Ljung–Box and Box–Pierce tests of no autocorrelation up to each lag.
#[wasm_bindgen(js_name = "ljungBox")]
pub fn ljung_box(x: &[f64], options: JsValue) -> Result<JsValue> {
    let o = Opts::optional(&options, "LjungBoxOptions")?;
    let lags = o
        .u32("lags")?
        .map_or_else(|| (x.len() / 5).clamp(1, 10), |l| l as usize);
    let r = diagnostics::ljung_box(x, lags, o.u32("modelDf")?.unwrap_or(0) as usize).or_throw()?;
    let df: Vec<f64> = r.df.iter().map(|d| f64::from(*d as u32)).collect();
    Ok(Out::new()
        .numbers("statistic", &r.statistic)
        .set("pValue", nullable_numbers(&r.p_value))
        .numbers("boxPierce", &r.box_pierce)
        .set("boxPiercePValue", nullable_numbers(&r.box_pierce_p_value))
        .numbers("df", &df)
        .set("nobs", r.nobs as u32)
        .build())
}

/// Sample autocorrelations at lags `0..=nlags`.
#[wasm_bindgen(js_name = "acf")]
pub fn acf(x: &[f64], nlags: f64) -> Result<Vec<f64>> {
    diagnostics::acf(x, to_uint32(nlags) as usize).or_throw()
}

// ------------------------------------------------------------------------------ multiple testing, isotonic

/// Adjusted p-values, in input order (R `p.adjust`).
#[wasm_bindgen(js_name = "pAdjust")]
pub fn p_adjust(p: &[f64], method: JsValue) -> Result<Vec<f64>> {
    const NAMES: [&str; 5] = ["bonferroni", "holm", "hochberg", "BH", "BY"];
    let m = method
        .as_string()
        .and_then(|m| NAMES.iter().position(|n| *n == m));
    let method = match m {
        Some(0) => Adjustment::Bonferroni,
        Some(1) => Adjustment::Holm,
        Some(2) => Adjustment::Hochberg,
        Some(3) => Adjustment::BenjaminiHochberg,
        Some(4) => Adjustment::BenjaminiYekutieli,
        _ => {
            return Err(invalid_arg(format!(
                "method must be one of {}",
                NAMES.join(", ")
            )))
        }
    };
    multitest::p_adjust(p, method).or_throw()
}

/// Weighted isotonic regression (PAVA) of `y` in its given order.
#[wasm_bindgen(js_name = "isotonicRegression")]
pub fn isotonic_regression(y: &[f64], options: JsValue) -> Result<Vec<f64>> {
    let o = Opts::optional(&options, "IsotonicOptions")?;
    let w = o.f64s("weights")?;
    isotonic::isotonic_regression(y, w.as_deref(), o.bool("increasing")?.unwrap_or(true)).or_throw()
}

/// A fitted isotonic calibrator (the handle of `calibrator*` functions).
#[wasm_bindgen(js_name = "CalibratorHandle")]
#[derive(Debug)]
pub struct CalibratorHandle {
    inner: IsotonicCalibrator,
}

/// Fits an isotonic calibrator on `scores` and `outcomes` (optionally weighted).
#[wasm_bindgen(js_name = "calibratorFit")]
pub fn calibrator_fit(
    scores: &[f64],
    outcomes: &[f64],
    weights: Option<Vec<f64>>,
) -> Result<CalibratorHandle> {
    Ok(CalibratorHandle {
        inner: IsotonicCalibrator::fit(scores, outcomes, weights.as_deref()).or_throw()?,
    })
}

/// Rebuilds a calibrator from its knots.
#[wasm_bindgen(js_name = "calibratorFromKnots")]
pub fn calibrator_from_knots(scores: &[f64], values: &[f64]) -> Result<CalibratorHandle> {
    Ok(CalibratorHandle {
        inner: IsotonicCalibrator::from_knots(scores.to_vec(), values.to_vec()).or_throw()?,
    })
}

/// Calibrated value of one score (NaN throws `ERR_NOT_FINITE`).
#[wasm_bindgen(js_name = "calibratorPredict")]
pub fn calibrator_predict(h: &CalibratorHandle, score: f64) -> Result<f64> {
    if score.is_nan() {
        return Err(to_js(&StatsError::NotFinite {
            what: "score",
            index: 0,
        }));
    }
    Ok(h.inner.predict(score))
}

/// Calibrated values of many scores.
#[wasm_bindgen(js_name = "calibratorPredictBatch")]
pub fn calibrator_predict_batch(h: &CalibratorHandle, scores: &[f64]) -> Result<Vec<f64>> {
    tachyon_stats::error::check_finite(scores, "scores").or_throw()?;
    let mut out = vec![0.0; scores.len()];
    h.inner.predict_into(scores, &mut out).or_throw()?;
    Ok(out)
}

/// The calibrator's knots.
#[wasm_bindgen(js_name = "calibratorKnots")]
pub fn calibrator_knots(h: &CalibratorHandle) -> JsValue {
    let (s, v) = h.inner.knots();
    Out::new().numbers("scores", s).numbers("values", v).build()
}

// ------------------------------------------------------------------------------ EVT

fn gpd_js(g: &GpdFit) -> JsValue {
    Out::new()
        .set("shape", g.shape)
        .set("scale", g.scale)
        .set("logLikelihood", g.log_likelihood)
        .opt("seShape", g.std_errors.map(|s| s.0))
        .opt("seScale", g.std_errors.map(|s| s.1))
        .opt_value(
            "covariance",
            g.covariance
                .map(|c| numbers(&[c[0][0], c[0][1], c[1][0], c[1][1]])),
        )
        .set("nobs", g.nobs as u32)
        .set("status", g.status.as_str())
        .build()
}

fn tail_risk(level: f64, var: f64, es: Option<f64>) -> JsValue {
    Out::new()
        .set("level", level)
        .set("var", var)
        .opt("es", es)
        .build()
}

/// GPD maximum-likelihood fit of positive excesses.
#[wasm_bindgen(js_name = "gpdFit")]
pub fn gpd_fit(excesses: &[f64]) -> Result<JsValue> {
    Ok(gpd_js(&evt::gpd_fit(excesses).or_throw()?))
}

/// `gpdFit` as a promise computed on the calling thread (the loader uses its worker).
#[wasm_bindgen(js_name = "gpdFitAsync")]
pub fn gpd_fit_async(excesses: &[f64]) -> js_sys::Promise {
    match gpd_fit(excesses) {
        Ok(v) => js_sys::Promise::resolve(&v),
        Err(e) => js_sys::Promise::reject(&e),
    }
}

/// Native's `gpdFitAsync` checks nothing before it queues the fit (errors reject).
#[wasm_bindgen(js_name = "__validateGpdFitAsync")]
pub fn validate_gpd_fit_async(_excesses: &[f64]) {}

const DEFAULT_LEVELS: [f64; 3] = [0.99, 0.995, 0.999];

/// `PotOptions` → (threshold, quantile, levels), as native's `PotArgs::from`.
fn pot_args(v: &JsValue) -> Result<(Option<f64>, f64, Option<Vec<f64>>)> {
    let o = Opts::optional(v, "PotOptions")?;
    let threshold = o.f64("threshold")?;
    let quantile = o.f64("quantile")?;
    if threshold.is_some() && quantile.is_some() {
        return Err(invalid_arg("give either threshold or quantile, not both"));
    }
    Ok((threshold, quantile.unwrap_or(0.9), o.f64s("levels")?))
}

fn pot_fit_with(
    data: &[f64],
    args: &(Option<f64>, f64, Option<Vec<f64>>),
) -> std::result::Result<JsValue, StatsError> {
    let u = match args.0 {
        Some(u) => u,
        None => evt::threshold_quantile(data, args.1)?,
    };
    let pot = evt::pot_fit(data, u)?;
    let (levels, explicit): (&[f64], bool) = match &args.2 {
        Some(l) => (l, true),
        None => (&DEFAULT_LEVELS, false),
    };
    let risk = Array::new();
    for &p in levels {
        match pot.var(p) {
            Ok(var) => {
                risk.push(&tail_risk(p, var, pot.es(p).ok()));
            }
            Err(e) if explicit => return Err(e),
            Err(_) => {}
        }
    }
    Ok(Out::new()
        .set("threshold", pot.threshold)
        .set("nTotal", pot.n_total as u32)
        .set("nExceed", pot.n_exceed as u32)
        .set("gpd", gpd_js(&pot.gpd))
        .set("risk", risk)
        .build())
}

/// Peaks over threshold: GPD tail of `data` over a threshold (default its 90% quantile).
#[wasm_bindgen(js_name = "potFit")]
pub fn pot_fit(data: &[f64], options: JsValue) -> Result<JsValue> {
    pot_fit_with(data, &pot_args(&options)?).or_throw()
}

/// `potFit` as a promise computed on the calling thread (the loader uses its worker).
#[wasm_bindgen(js_name = "potFitAsync")]
pub fn pot_fit_async(data: &[f64], options: JsValue) -> Result<js_sys::Promise> {
    let args = pot_args(&options)?;
    Ok(match pot_fit_with(data, &args) {
        Ok(v) => js_sys::Promise::resolve(&v),
        Err(e) => js_sys::Promise::reject(&to_js(&e)),
    })
}

/// Native's `potFitAsync` checks its options before it queues the fit.
#[wasm_bindgen(js_name = "__validatePotFitAsync")]
pub fn validate_pot_fit_async(_data: &[f64], options: JsValue) -> Result<()> {
    pot_args(&options).map(|_| ())
}

/// VaR and ES at `level` from a fitted POT model (a `potFit` result).
#[wasm_bindgen(js_name = "potVarEs")]
pub fn pot_var_es(fit: JsValue, level: f64) -> Result<JsValue> {
    let f = Opts::required(&fit, "PotFitResult")?;
    let g = f
        .obj("gpd")?
        .ok_or_else(|| invalid_arg("PotFitResult.gpd is required"))?;
    // The fields napi's conversion of `PotFitResult` requires.
    g.req_string("status")?;
    f.req_list("risk")?;
    let pot = PotFit {
        threshold: f.req_f64("threshold")?,
        n_total: f.req_u32("nTotal")? as usize,
        n_exceed: f.req_u32("nExceed")? as usize,
        gpd: GpdFit {
            shape: g.req_f64("shape")?,
            scale: g.req_f64("scale")?,
            log_likelihood: g.req_f64("logLikelihood")?,
            std_errors: None,
            covariance: None,
            nobs: g.req_u32("nobs")? as usize,
            status: evt::GpdStatus::Converged,
        },
    };
    if !(pot.gpd.scale > 0.0 && pot.gpd.shape.is_finite() && pot.n_exceed <= pot.n_total) {
        return Err(invalid_arg(
            "not a potFit result (scale, shape or counts out of range)",
        ));
    }
    let var = pot.var(level).or_throw()?;
    Ok(tail_risk(level, var, pot.es(level).ok()))
}

/// The `q`-quantile of `data` (linear interpolation; a common POT threshold).
#[wasm_bindgen(js_name = "thresholdQuantile")]
pub fn threshold_quantile(data: &[f64], q: f64) -> Result<f64> {
    evt::threshold_quantile(data, q).or_throw()
}

// ------------------------------------------------------------------------------ HMM

fn hmm_fit_js(f: &HmmFit) -> JsValue {
    Out::new()
        .set("model", hmm_model_js(&f.model))
        .set("logLikelihood", f.log_likelihood)
        .set("iterations", f.iterations as u32)
        .set("converged", f.converged)
        .set("aic", f.aic())
        .set("bic", f.bic())
        .numbers("restarts", &f.restarts)
        .set("flooredVariances", f.notes.floored_variances as u32)
        .set("emptyStates", f.notes.empty_states as u32)
        .build()
}

/// Fits a Gaussian HMM by Baum–Welch from seeded random restarts.
#[wasm_bindgen(js_name = "hmmFit")]
pub fn hmm_fit(x: &[f64], options: JsValue) -> Result<JsValue> {
    let (opts, d) = hmm_options(&options)?;
    Ok(hmm_fit_js(&hmm::fit_gaussian_hmm(x, d, &opts).or_throw()?))
}

/// `hmmFit` as a promise computed on the calling thread (the loader uses its worker).
#[wasm_bindgen(js_name = "hmmFitAsync")]
pub fn hmm_fit_async(x: &[f64], options: JsValue) -> Result<js_sys::Promise> {
    let (opts, d) = hmm_options(&options)?;
    Ok(match hmm::fit_gaussian_hmm(x, d, &opts) {
        Ok(f) => js_sys::Promise::resolve(&hmm_fit_js(&f)),
        Err(e) => js_sys::Promise::reject(&to_js(&e)),
    })
}

/// Native's `hmmFitAsync` checks its options before it queues the fit.
#[wasm_bindgen(js_name = "__validateHmmFitAsync")]
pub fn validate_hmm_fit_async(_x: &[f64], options: JsValue) -> Result<()> {
    hmm_options(&options).map(|_| ())
}

/// Baum–Welch from the given starting model (no restarts, no reordering).
#[wasm_bindgen(js_name = "hmmBaumWelch")]
pub fn hmm_baum_welch(x: &[f64], model: JsValue, options: JsValue) -> Result<JsValue> {
    let o = Opts::optional(&options, "BaumWelchOptions")?;
    let m = hmm_model(&model)?;
    let fit = m
        .baum_welch(
            x,
            o.u32("maxIter")?.map_or(500, |v| v as usize),
            o.f64("tol")?.unwrap_or(1e-6),
            o.f64("minVariance")?.unwrap_or(0.0),
        )
        .or_throw()?;
    Ok(hmm_fit_js(&fit))
}

/// Log-likelihood of `x` under `model`.
#[wasm_bindgen(js_name = "hmmLogLikelihood")]
pub fn hmm_log_likelihood(x: &[f64], model: JsValue) -> Result<f64> {
    hmm_model(&model)?.log_likelihood(x).or_throw()
}

/// Most likely state path (Viterbi).
#[wasm_bindgen(js_name = "hmmViterbi")]
pub fn hmm_viterbi(x: &[f64], model: JsValue) -> Result<JsValue> {
    let (path, log_prob) = hmm_model(&model)?.viterbi(x).or_throw()?;
    let p: Vec<u32> = path.iter().map(|s| *s as u32).collect();
    Ok(Out::new()
        .set("path", Uint32Array::from(&p[..]))
        .set("logProb", log_prob)
        .build())
}

/// Smoothed state probabilities (forward–backward).
#[wasm_bindgen(js_name = "hmmPosteriors")]
pub fn hmm_posteriors(x: &[f64], model: JsValue) -> Result<JsValue> {
    let (p, ll) = hmm_model(&model)?.posteriors(x).or_throw()?;
    Ok(Out::new()
        .float64("probabilities", &p)
        .set("logLikelihood", ll)
        .build())
}

/// An online HMM forward filter (the handle of `hmmFilter*` functions).
#[wasm_bindgen(js_name = "HmmFilterHandle")]
#[derive(Debug)]
pub struct HmmFilterHandle {
    inner: HmmFilter,
}

/// A filter for `model`, before any observation.
#[wasm_bindgen(js_name = "hmmFilterNew")]
pub fn hmm_filter_new(model: JsValue) -> Result<HmmFilterHandle> {
    Ok(HmmFilterHandle {
        inner: hmm_model(&model)?.filter(),
    })
}

/// Feeds one univariate observation; returns the most probable regime.
#[wasm_bindgen(js_name = "hmmFilterUpdate")]
pub fn hmm_filter_update(h: &mut HmmFilterHandle, x: f64) -> Result<u32> {
    h.inner.update(&[x]).or_throw()?;
    Ok(h.inner.regime() as u32)
}

/// Feeds one observation of `features` values; returns the most probable regime.
#[wasm_bindgen(js_name = "hmmFilterUpdateVector")]
pub fn hmm_filter_update_vector(h: &mut HmmFilterHandle, obs: &[f64]) -> Result<u32> {
    h.inner.update(obs).or_throw()?;
    Ok(h.inner.regime() as u32)
}

/// Feeds `n` observations (n×d row-major); returns the filtered probabilities after each.
#[wasm_bindgen(js_name = "hmmFilterUpdateBatch")]
pub fn hmm_filter_update_batch(h: &mut HmmFilterHandle, xs: &[f64]) -> Result<Vec<f64>> {
    let d = h.inner.model().n_features();
    let k = h.inner.model().n_states();
    if xs.len() % d != 0 {
        return Err(invalid_arg(format!(
            "observations: length {} is not a multiple of {d} features",
            xs.len()
        )));
    }
    let mut out = Vec::with_capacity(xs.len() / d * k);
    for obs in xs.chunks(d) {
        out.extend_from_slice(h.inner.update(obs).or_throw()?);
    }
    Ok(out)
}

/// Copies the current filtered probabilities into `out` (length k).
#[wasm_bindgen(js_name = "hmmFilterProbabilities")]
pub fn hmm_filter_probabilities(h: &HmmFilterHandle, out: &Float64Array) -> Result<()> {
    crate::js::f64_array(out, "out")?;
    let p = h.inner.probabilities();
    if out.length() as usize != p.len() {
        return Err(invalid_arg(format!(
            "out must have length {} (states), got {}",
            p.len(),
            out.length()
        )));
    }
    out.copy_from(p);
    Ok(())
}

/// Counters and state of a filter.
#[wasm_bindgen(js_name = "hmmFilterStats")]
pub fn hmm_filter_stats(h: &HmmFilterHandle) -> JsValue {
    Out::new()
        .set("steps", h.inner.steps() as f64)
        .set("rejected", h.inner.rejected() as f64)
        .set("logLikelihood", h.inner.log_likelihood())
        .set("regime", h.inner.regime() as u32)
        .build()
}

/// One-step-ahead state probabilities.
#[wasm_bindgen(js_name = "hmmFilterPredict")]
pub fn hmm_filter_predict(h: &HmmFilterHandle) -> Vec<f64> {
    h.inner.predict_next()
}

/// Back to the initial distribution (counters included).
#[wasm_bindgen(js_name = "hmmFilterReset")]
pub fn hmm_filter_reset(h: &mut HmmFilterHandle) {
    h.inner.reset();
}

// ------------------------------------------------------------------------------ Monte Carlo

fn simulate_with(
    process: &Process,
    dt: f64,
    spec: &PathSpec,
) -> std::result::Result<JsValue, StatsError> {
    let total = spec.paths * (spec.steps + 1);
    let mut values = vec![0.0; total];
    let mut var = matches!(process, Process::Heston(_)).then(|| vec![0.0; total]);
    mc::simulate_into(process, dt, spec, &mut values, var.as_deref_mut())?;
    Ok(Out::new()
        .float64("values", &values)
        .opt_value("variances", var.map(|v| Float64Array::from(&v[..]).into()))
        .set("paths", spec.paths as u32)
        .set("steps", spec.steps as u32)
        .build())
}

/// Seeded Monte Carlo paths of a GBM, Merton, Heston (QE) or OU process.
#[wasm_bindgen(js_name = "mcSimulate")]
pub fn mc_simulate(process: JsValue, options: JsValue) -> Result<JsValue> {
    let (p, dt, spec) = sim_args(&process, &options)?;
    simulate_with(&p, dt, &spec).or_throw()
}

/// `mcSimulate` as a promise computed on the calling thread (the loader uses its worker).
#[wasm_bindgen(js_name = "mcSimulateAsync")]
pub fn mc_simulate_async(process: JsValue, options: JsValue) -> Result<js_sys::Promise> {
    let (p, dt, spec) = sim_args(&process, &options)?;
    Ok(match simulate_with(&p, dt, &spec) {
        Ok(v) => js_sys::Promise::resolve(&v),
        Err(e) => js_sys::Promise::reject(&to_js(&e)),
    })
}

/// Native's `mcSimulateAsync` validates the process and the shape before it queues the work.
#[wasm_bindgen(js_name = "__validateMcSimulateAsync")]
pub fn validate_mc_simulate_async(process: JsValue, options: JsValue) -> Result<()> {
    sim_args(&process, &options).map(|_| ())
}

/// One path generated step by step (the handle of `pathGenerator*` functions).
#[wasm_bindgen(js_name = "PathGeneratorHandle")]
#[derive(Debug)]
pub struct PathGeneratorHandle {
    inner: PathGenerator,
}

/// A streaming path: path `stream` of `mcSimulate` with the same process, `dt` and seed.
#[wasm_bindgen(js_name = "pathGeneratorNew")]
pub fn path_generator_new(process: JsValue, options: JsValue) -> Result<PathGeneratorHandle> {
    let p = process_of(&process)?;
    let o = Opts::required(&options, "PathGeneratorOptions")?;
    let inner = PathGenerator::new(
        &p,
        o.req_f64("dt")?,
        seed_of(o.f64("seed")?)?,
        u64::from(o.u32("stream")?.unwrap_or(0)),
    )
    .or_throw()?;
    Ok(PathGeneratorHandle { inner })
}

/// Advances one step; returns the new value.
#[wasm_bindgen(js_name = "pathGeneratorNext")]
pub fn path_generator_next(h: &mut PathGeneratorHandle) -> f64 {
    h.inner.next_value()
}

/// Advances `out.length` steps, writing each value into `out`.
#[wasm_bindgen(js_name = "pathGeneratorFill")]
pub fn path_generator_fill(h: &mut PathGeneratorHandle, out: &mut [f64]) {
    for v in out.iter_mut() {
        *v = h.inner.next_value();
    }
}

/// Current value, variance and step count.
#[wasm_bindgen(js_name = "pathGeneratorState")]
pub fn path_generator_state(h: &PathGeneratorHandle) -> JsValue {
    Out::new()
        .set("value", h.inner.value())
        .set("variance", h.inner.variance())
        .set("steps", h.inner.steps() as f64)
        .build()
}

// ------------------------------------------------------------------------------ distributions

/// The value, or `ERR_INVALID_ARG` outside the domain (the kernels return NaN there).
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
#[wasm_bindgen(js_name = "normCdf")]
pub fn norm_cdf(x: f64) -> Result<f64> {
    defined(special::norm_cdf(x), "normCdf(x)")
}

/// Standard normal quantile Φ⁻¹(p), `p ∈ [0, 1]`.
#[wasm_bindgen(js_name = "normPpf")]
pub fn norm_ppf(p: f64) -> Result<f64> {
    defined(special::norm_ppf(p), "normPpf(p): p must be in [0, 1]")
}

/// Student-t CDF with `nu > 0` degrees of freedom.
#[wasm_bindgen(js_name = "tCdf")]
pub fn t_cdf(x: f64, nu: f64) -> Result<f64> {
    defined(special::t_cdf(x, nu), "tCdf(x, nu): nu must be > 0")
}

/// Student-t quantile with `nu > 0` degrees of freedom, `p ∈ [0, 1]`.
#[wasm_bindgen(js_name = "tPpf")]
pub fn t_ppf(p: f64, nu: f64) -> Result<f64> {
    defined(
        special::t_ppf(p, nu),
        "tPpf(p, nu): p must be in [0, 1] and nu > 0",
    )
}

/// Chi-square survival function (upper-tail p-value) with `k > 0` degrees of freedom.
#[wasm_bindgen(js_name = "chi2Sf")]
pub fn chi2_sf(x: f64, k: f64) -> Result<f64> {
    defined(special::chi2_sf(x, k), "chi2Sf(x, k): k must be > 0")
}
