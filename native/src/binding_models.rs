//! Bindings of `tachyon_models`: GARCH family (fit, likelihood, online filter), realized and
//! range volatility, microstructure measures.
//!
//! Streaming objects are opaque `External` handles (cheaper per call than class methods, see
//! `binding_stream.rs`); the TypeScript layer (`ts/src/models/`) wraps them in classes.
//! Fits have a sync and an `AsyncTask` form sharing one implementation; the async form checks
//! its input synchronously first, so bad input throws (or, through the TS `async` wrapper,
//! rejects) with the same coded error as the sync form.

use napi::bindgen_prelude::{AsyncTask, External, Float64Array};
use napi::{Env, Status, Task};
use napi_derive::napi;
use tachyon_models::garch::{self, FitOptions, GarchFilter, GarchFit, GarchParams, GarchSpec};
use tachyon_models::micro::{self, Amihud, KyleLambda, OrderFlowImbalance, RollSpread};
use tachyon_models::realized::{self, RangeEstimator, RangeVol, StreamStats};

use crate::error::{OrThrow, Result};
use crate::options::models::{
    fit_options, spec_names, window, FitOptionsObject, GarchParamsObject, GarchSpecOptions, RangeVolOptions,
};

fn spec_of(spec: &Option<GarchSpecOptions>) -> Result<GarchSpec> {
    GarchSpec::try_from(spec.as_ref().unwrap_or(&GarchSpecOptions::default()))
}

/// Runs `f` on a worker thread's behalf, turning a panic or a model error into a napi error
/// (used by `AsyncTask::compute`, whose error type is napi's own).
fn compute<T>(f: impl FnOnce() -> tachyon_models::Result<T>) -> napi::Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(napi::Error::new(
            Status::GenericFailure,
            format!("[{}] {e}", e.code()),
        )),
        Err(_) => Err(napi::Error::new(
            Status::GenericFailure,
            "[ERR_INTERNAL] the computation panicked",
        )),
    }
}

/// Counters of a streaming model object.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct ModelStreamStats {
    /// Inputs applied.
    pub updates: f64,
    /// Inputs skipped as invalid (non-finite, out of domain).
    pub skipped: f64,
}

impl From<StreamStats> for ModelStreamStats {
    fn from(s: StreamStats) -> Self {
        Self {
            updates: s.updates as f64,
            skipped: s.skipped as f64,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// GARCH family

/// A fitted GARCH-family model.
#[napi(object)]
pub struct GarchFitResult {
    /// The model.
    pub spec: GarchSpecOptions,
    /// Estimates.
    pub params: GarchParamsObject,
    /// Names of the estimated parameters (`mu`, `omega`, `alpha`, `gamma`, `beta`, `nu`).
    pub names: Vec<String>,
    /// Estimates in the order of `names`.
    pub estimates: Vec<f64>,
    /// Standard errors from the inverse Hessian (null if not computed or not positive
    /// definite).
    pub std_errors: Option<Vec<f64>>,
    /// Robust (sandwich / QMLE) standard errors.
    pub robust_std_errors: Option<Vec<f64>>,
    /// Log-likelihood.
    pub loglik: f64,
    /// `-2 loglik + 2k`.
    pub aic: f64,
    /// `-2 loglik + k ln n`.
    pub bic: f64,
    /// Observations.
    pub nobs: u32,
    /// `converged`, `max_iterations`, `max_evaluations`, `line_search_failed` or
    /// `no_finite_start`.
    pub status: String,
    /// `status === 'converged'`.
    pub converged: bool,
    /// Optimiser iterations.
    pub iterations: u32,
    /// Likelihood evaluations.
    pub evaluations: u32,
    /// Parameters on a bound or on the stationarity constraint.
    pub at_bounds: Vec<String>,
    /// Pre-sample variance used (null for the fGarch start).
    pub backcast: Option<f64>,
    /// Conditional variances of the sample.
    pub variances: Float64Array,
    /// Variance of the next observation.
    pub next_variance: f64,
}

impl std::fmt::Debug for GarchFitResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GarchFitResult")
            .field("estimates", &self.estimates)
            .field("loglik", &self.loglik)
            .finish_non_exhaustive()
    }
}

fn fit_to_js(f: &GarchFit) -> GarchFitResult {
    GarchFitResult {
        spec: spec_names(&f.spec),
        params: GarchParamsObject::from((&f.params, &f.spec)),
        names: f.names.iter().map(|s| (*s).to_string()).collect(),
        estimates: f.estimates.clone(),
        std_errors: f.std_errors.clone(),
        robust_std_errors: f.robust_std_errors.clone(),
        loglik: f.loglik,
        aic: f.aic,
        bic: f.bic,
        nobs: f.nobs as u32,
        status: f.status.code().to_string(),
        converged: f.status == garch::FitStatus::Converged,
        iterations: f.iterations as u32,
        evaluations: f.evaluations as u32,
        at_bounds: f.at_bounds.iter().map(|s| (*s).to_string()).collect(),
        backcast: f.backcast,
        variances: Float64Array::new(f.variances.clone()),
        next_variance: f.next_variance,
    }
}

/// Fits a GARCH-family model by maximum likelihood (blocks; see `garchFitAsync`).
#[napi(catch_unwind)]
pub fn garch_fit(
    returns: &[f64],
    spec: Option<GarchSpecOptions>,
    options: Option<FitOptionsObject>,
) -> Result<GarchFitResult> {
    let spec = spec_of(&spec)?;
    let opts = fit_options(&options)?;
    Ok(fit_to_js(&garch::fit(returns, &spec, &opts).or_throw()?))
}

/// The fit on the libuv thread pool.
#[derive(Debug)]
pub struct GarchFitTask {
    returns: Vec<f64>,
    spec: GarchSpec,
    opts: FitOptions,
}

impl Task for GarchFitTask {
    type Output = GarchFit;
    type JsValue = GarchFitResult;

    fn compute(&mut self) -> napi::Result<GarchFit> {
        compute(|| garch::fit(&self.returns, &self.spec, &self.opts))
    }

    fn resolve(&mut self, _env: Env, out: GarchFit) -> napi::Result<GarchFitResult> {
        Ok(fit_to_js(&out))
    }
}

/// `garchFit` on a worker thread. Input is checked before the task starts (bad input throws
/// the same coded errors as `garchFit`).
#[napi(catch_unwind)]
pub fn garch_fit_async(
    returns: &[f64],
    spec: Option<GarchSpecOptions>,
    options: Option<FitOptionsObject>,
) -> Result<AsyncTask<GarchFitTask>> {
    let spec = spec_of(&spec)?;
    let opts = fit_options(&options)?;
    garch::validate_input(returns, &spec).or_throw()?;
    Ok(AsyncTask::new(GarchFitTask {
        returns: returns.to_vec(),
        spec,
        opts,
    }))
}

/// The log-likelihood of a series at given parameters.
#[napi(object)]
pub struct GarchLikelihood {
    /// Log-likelihood.
    pub loglik: f64,
    /// Its gradient with respect to the estimated parameters (`names` order of a fit).
    pub gradient: Vec<f64>,
    /// Conditional variances.
    pub variances: Float64Array,
    /// Variance of the next observation.
    pub next_variance: f64,
}

impl std::fmt::Debug for GarchLikelihood {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GarchLikelihood")
            .field("loglik", &self.loglik)
            .finish_non_exhaustive()
    }
}

/// Evaluates the log-likelihood and variance path at given parameters (no fit).
#[napi(catch_unwind)]
pub fn garch_loglik(
    returns: &[f64],
    spec: Option<GarchSpecOptions>,
    params: GarchParamsObject,
) -> Result<GarchLikelihood> {
    let spec = spec_of(&spec)?;
    let l = garch::loglik(returns, &spec, &GarchParams::from(params)).or_throw()?;
    Ok(GarchLikelihood {
        loglik: l.loglik,
        gradient: l.gradient,
        variances: Float64Array::new(l.variances),
        next_variance: l.next_variance,
    })
}

/// Native state of an online GARCH-family filter (held by JS as an opaque handle).
#[derive(Debug)]
pub struct BindingGarchFilter {
    inner: GarchFilter,
}

/// An online filter whose next-period variance is `variance`.
#[napi(catch_unwind)]
pub fn garch_filter_new(
    spec: Option<GarchSpecOptions>,
    params: GarchParamsObject,
    variance: f64,
) -> Result<External<BindingGarchFilter>> {
    let spec = spec_of(&spec)?;
    Ok(External::new(BindingGarchFilter {
        inner: GarchFilter::new(&spec, &GarchParams::from(params), variance).or_throw()?,
    }))
}

/// Applies one return; returns the next-period variance (non-finite input is skipped and
/// counted).
#[napi]
pub fn garch_filter_update(filter: &mut External<BindingGarchFilter>, r: f64) -> f64 {
    filter.inner.update(r)
}

/// Applies many returns; returns the next-period variance after each.
#[napi]
pub fn garch_filter_update_many(filter: &mut External<BindingGarchFilter>, returns: &[f64]) -> Float64Array {
    let out: Vec<f64> = returns.iter().map(|r| filter.inner.update(*r)).collect();
    Float64Array::new(out)
}

/// Next-period variance.
#[napi]
pub fn garch_filter_variance(filter: &External<BindingGarchFilter>) -> f64 {
    filter.inner.variance()
}

/// Sets the next-period variance.
#[napi(catch_unwind)]
pub fn garch_filter_set_variance(filter: &mut External<BindingGarchFilter>, variance: f64) -> Result<()> {
    filter.inner.set_variance(variance).or_throw()
}

/// Variance forecasts for 1..=horizon periods ahead.
#[napi(catch_unwind)]
pub fn garch_filter_forecast(filter: &External<BindingGarchFilter>, horizon: u32) -> Result<Float64Array> {
    Ok(Float64Array::new(filter.inner.forecast(horizon as usize).or_throw()?))
}

/// Counters.
#[napi]
pub fn garch_filter_stats(filter: &External<BindingGarchFilter>) -> ModelStreamStats {
    let s = filter.inner.stats();
    ModelStreamStats {
        updates: s.updates as f64,
        skipped: s.skipped as f64,
    }
}

/// The filter's parameters.
#[napi]
pub fn garch_filter_params(filter: &External<BindingGarchFilter>) -> GarchParamsObject {
    GarchParamsObject::from((filter.inner.params(), filter.inner.spec()))
}

/// The filter's model.
#[napi]
pub fn garch_filter_spec(filter: &External<BindingGarchFilter>) -> GarchSpecOptions {
    spec_names(filter.inner.spec())
}

// ---------------------------------------------------------------------------------------------
// Realized and range volatility

/// `Σ r²`.
#[napi(catch_unwind)]
pub fn realized_variance(returns: &[f64]) -> Result<f64> {
    realized::realized_variance(returns).or_throw()
}

/// `(π/2) Σ |r_t||r_{t-1}|`.
#[napi(catch_unwind)]
pub fn bipower_variation(returns: &[f64]) -> Result<f64> {
    realized::bipower_variation(returns).or_throw()
}

fn range_config(o: &Option<RangeVolOptions>) -> Result<(RangeEstimator, usize, f64)> {
    let d = RangeVolOptions::default();
    let o = o.as_ref().unwrap_or(&d);
    Ok((
        o.estimator
            .map_or(RangeEstimator::YangZhang, RangeEstimator::from),
        window(o.window.unwrap_or(20), "window")?,
        o.annualization.unwrap_or(1.0),
    ))
}

/// Rolling OHLC volatility, one value per bar (NaN during the warm-up).
#[napi(catch_unwind)]
pub fn range_volatility(
    open: &[f64],
    high: &[f64],
    low: &[f64],
    close: &[f64],
    options: Option<RangeVolOptions>,
) -> Result<Float64Array> {
    let (e, w, a) = range_config(&options)?;
    Ok(Float64Array::new(
        realized::range_volatility(open, high, low, close, e, w, a).or_throw()?,
    ))
}

/// Native state of a streaming OHLC volatility estimator.
#[derive(Debug)]
pub struct BindingRangeVol {
    inner: RangeVol,
}

/// A streaming OHLC volatility estimator.
#[napi(catch_unwind)]
pub fn range_vol_new(options: Option<RangeVolOptions>) -> Result<External<BindingRangeVol>> {
    let (e, w, a) = range_config(&options)?;
    Ok(External::new(BindingRangeVol {
        inner: RangeVol::new(e, w, a).or_throw()?,
    }))
}

/// Applies one bar; the volatility once the window is full, else null.
#[napi]
pub fn range_vol_update(
    est: &mut External<BindingRangeVol>,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
) -> Option<f64> {
    est.inner.update(open, high, low, close)
}

/// Counters.
#[napi]
pub fn range_vol_stats(est: &External<BindingRangeVol>) -> ModelStreamStats {
    est.inner.stats().into()
}

// ---------------------------------------------------------------------------------------------
// Microstructure

/// Multi-level order-flow imbalance over `n` snapshots (arrays `n × levels`, row-major);
/// returns `(n - 1) × levels` values.
#[napi(catch_unwind)]
pub fn order_flow_imbalance(
    bid_px: &[f64],
    bid_qty: &[f64],
    ask_px: &[f64],
    ask_qty: &[f64],
    levels: u32,
) -> Result<Float64Array> {
    let l = window(levels, "levels")?;
    Ok(Float64Array::new(
        micro::order_flow_imbalance(bid_px, bid_qty, ask_px, ask_qty, l).or_throw()?,
    ))
}

/// Native state of a streaming order-flow imbalance tracker.
#[derive(Debug)]
pub struct BindingOfi {
    inner: OrderFlowImbalance,
    out: Vec<f64>,
}

/// A streaming multi-level order-flow imbalance tracker.
#[napi(catch_unwind)]
pub fn ofi_new(levels: u32) -> Result<External<BindingOfi>> {
    let l = window(levels, "levels")?;
    Ok(External::new(BindingOfi {
        inner: OrderFlowImbalance::new(l).or_throw()?,
        out: vec![0.0; l],
    }))
}

/// Applies a snapshot; the per-level imbalance since the previous one, or null for the first
/// (and for an invalid snapshot, which is skipped and counted).
#[napi(catch_unwind)]
pub fn ofi_update(
    ofi: &mut External<BindingOfi>,
    bid_px: &[f64],
    bid_qty: &[f64],
    ask_px: &[f64],
    ask_qty: &[f64],
) -> Result<Option<Float64Array>> {
    let BindingOfi { inner, out } = &mut **ofi;
    let ok = inner.update(bid_px, bid_qty, ask_px, ask_qty, out).or_throw()?;
    Ok(ok.then(|| Float64Array::new(out.clone())))
}

/// Cumulative imbalance per level.
#[napi]
pub fn ofi_cumulative(ofi: &External<BindingOfi>) -> Float64Array {
    Float64Array::new(ofi.inner.cumulative().to_vec())
}

/// Counters.
#[napi]
pub fn ofi_stats(ofi: &External<BindingOfi>) -> ModelStreamStats {
    ofi.inner.stats().into()
}

/// Size-weighted mid per quote.
#[napi(catch_unwind)]
pub fn weighted_mid(bid: &[f64], bid_qty: &[f64], ask: &[f64], ask_qty: &[f64]) -> Result<Float64Array> {
    Ok(Float64Array::new(
        micro::weighted_mid(bid, bid_qty, ask, ask_qty).or_throw()?,
    ))
}

/// Rolling Kyle's lambda over arrays.
#[napi(object)]
pub struct KyleSeries {
    /// Slope per observation (NaN before the window is full or where the flow is constant).
    pub lambda: Float64Array,
    /// Intercept.
    pub intercept: Float64Array,
    /// R².
    pub r2: Float64Array,
}

impl std::fmt::Debug for KyleSeries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KyleSeries").finish_non_exhaustive()
    }
}

/// Rolling regression of price changes on signed flow.
#[napi(catch_unwind)]
pub fn kyle_lambda(price_change: &[f64], signed_flow: &[f64], window_: u32) -> Result<KyleSeries> {
    let (l, c, r2) = micro::kyle_lambda(price_change, signed_flow, window_ as usize).or_throw()?;
    Ok(KyleSeries {
        lambda: Float64Array::new(l),
        intercept: Float64Array::new(c),
        r2: Float64Array::new(r2),
    })
}

/// One Kyle's-lambda estimate.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct KyleEstimate {
    /// Slope (price impact per unit of flow).
    pub lambda: f64,
    /// Intercept.
    pub intercept: f64,
    /// R².
    pub r2: f64,
}

/// Native state of a streaming Kyle's-lambda regression.
#[derive(Debug)]
pub struct BindingKyle {
    inner: KyleLambda,
}

/// A streaming rolling regression over `window` observations.
#[napi(catch_unwind)]
pub fn kyle_new(window_: u32) -> Result<External<BindingKyle>> {
    Ok(External::new(BindingKyle {
        inner: KyleLambda::new(window_ as usize).or_throw()?,
    }))
}

/// Adds an observation; the estimate, or null.
#[napi]
pub fn kyle_update(k: &mut External<BindingKyle>, price_change: f64, signed_flow: f64) -> Option<KyleEstimate> {
    k.inner
        .update(price_change, signed_flow)
        .map(|e| KyleEstimate {
            lambda: e.lambda,
            intercept: e.intercept,
            r2: e.r2,
        })
}

/// Counters.
#[napi]
pub fn kyle_stats(k: &External<BindingKyle>) -> ModelStreamStats {
    k.inner.stats().into()
}

/// Rolling Amihud illiquidity (NaN before the window is full).
#[napi(catch_unwind)]
pub fn amihud(returns: &[f64], dollar_volume: &[f64], window_: u32, scale: Option<f64>) -> Result<Float64Array> {
    Ok(Float64Array::new(
        micro::amihud(returns, dollar_volume, window_ as usize, scale.unwrap_or(1.0)).or_throw()?,
    ))
}

/// Native state of a streaming Amihud measure.
#[derive(Debug)]
pub struct BindingAmihud {
    inner: Amihud,
}

/// A streaming Amihud measure.
#[napi(catch_unwind)]
pub fn amihud_new(window_: u32, scale: Option<f64>) -> Result<External<BindingAmihud>> {
    Ok(External::new(BindingAmihud {
        inner: Amihud::new(window_ as usize, scale.unwrap_or(1.0)).or_throw()?,
    }))
}

/// Adds an observation; the measure once the window is full, else null.
#[napi]
pub fn amihud_update(a: &mut External<BindingAmihud>, ret: f64, dollar_volume: f64) -> Option<f64> {
    a.inner.update(ret, dollar_volume)
}

/// Counters.
#[napi]
pub fn amihud_stats(a: &External<BindingAmihud>) -> ModelStreamStats {
    a.inner.stats().into()
}

/// Rolling Roll spread over arrays.
#[napi(object)]
pub struct RollSeries {
    /// `2√(−autocov)` (0 where the autocovariance is not negative; NaN during warm-up).
    pub spread: Float64Array,
    /// First-order autocovariance of price changes.
    pub autocov: Float64Array,
}

impl std::fmt::Debug for RollSeries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RollSeries").finish_non_exhaustive()
    }
}

/// Rolling Roll (1984) spread.
#[napi(catch_unwind)]
pub fn roll_spread(prices: &[f64], window_: u32) -> Result<RollSeries> {
    let (s, c) = micro::roll_spread(prices, window_ as usize).or_throw()?;
    Ok(RollSeries {
        spread: Float64Array::new(s),
        autocov: Float64Array::new(c),
    })
}

/// One Roll-spread estimate.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct RollEstimate {
    /// Spread.
    pub spread: f64,
    /// Autocovariance.
    pub autocov: f64,
}

/// Native state of a streaming Roll spread.
#[derive(Debug)]
pub struct BindingRoll {
    inner: RollSpread,
}

/// A streaming Roll spread over `window` pairs of price changes.
#[napi(catch_unwind)]
pub fn roll_new(window_: u32) -> Result<External<BindingRoll>> {
    Ok(External::new(BindingRoll {
        inner: RollSpread::new(window_ as usize).or_throw()?,
    }))
}

/// Adds a price; the estimate, or null.
#[napi]
pub fn roll_update(r: &mut External<BindingRoll>, price: f64) -> Option<RollEstimate> {
    r.inner.update(price).map(|e| RollEstimate {
        spread: e.spread,
        autocov: e.autocov,
    })
}

/// Counters.
#[napi]
pub fn roll_stats(r: &External<BindingRoll>) -> ModelStreamStats {
    r.inner.stats().into()
}

/// Effective spread per trade (`2 d (p - m)`, or `2|p - m|` without sides; relative to the mid
/// when `relative`).
#[napi(catch_unwind)]
pub fn effective_spread(
    price: &[f64],
    mid: &[f64],
    side: Option<&[f64]>,
    relative: Option<bool>,
) -> Result<Float64Array> {
    Ok(Float64Array::new(
        micro::effective_spreads(price, mid, side, relative.unwrap_or(false)).or_throw()?,
    ))
}
