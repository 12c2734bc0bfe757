//! Bindings of `tachyon_models`: GARCH family (fit, likelihood, online filter), realized and
//! range volatility, microstructure measures.
//!
//! Streaming objects are opaque `External` handles (cheaper per call than class methods, see
//! `binding_stream.rs`); the TypeScript layer (`ts/src/models/`) wraps them in classes.
//! Fits have a sync and an `AsyncTask` form sharing one implementation; the async form checks
//! its input synchronously first, so bad input throws (or, through the TS `async` wrapper,
//! rejects) with the same coded error as the sync form.

use napi::bindgen_prelude::{AsyncTask, BigInt, External, Float64Array};
use napi::{Env, Status, Task};
use napi_derive::napi;
use tachyon_models::dcc::{self, DccFilter, DccFit, DccOptions};
use tachyon_models::garch::{self, FitOptions, GarchFilter, GarchFit, GarchParams, GarchSpec};
use tachyon_models::micro::{self, Amihud, KyleLambda, OrderFlowImbalance, RollSpread};
use tachyon_models::microprice::{self, MicropriceModel};
use tachyon_models::realized::{self, RangeEstimator, RangeVol, StreamStats};
use tachyon_models::vpin::{self, Vpin};

use crate::error::{OrThrow, Result};
use crate::options::models::{
    dcc_options, fit_options, sigma_mode, spec_names, window, DccFitOptions, GarchParameters,
    GarchSpecOptions, ModelFitOptions, RangeVolOptions, VpinConfig,
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
    pub params: GarchParameters,
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
        params: GarchParameters::from((&f.params, &f.spec)),
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
    options: Option<ModelFitOptions>,
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
#[napi(catch_unwind, ts_return_type = "Promise<GarchFitResult>")]
pub fn garch_fit_async(
    returns: &[f64],
    spec: Option<GarchSpecOptions>,
    options: Option<ModelFitOptions>,
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
    params: GarchParameters,
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
    params: GarchParameters,
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
pub fn garch_filter_update_many(
    filter: &mut External<BindingGarchFilter>,
    returns: &[f64],
) -> Float64Array {
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
pub fn garch_filter_set_variance(
    filter: &mut External<BindingGarchFilter>,
    variance: f64,
) -> Result<()> {
    filter.inner.set_variance(variance).or_throw()
}

/// Variance forecasts for 1..=horizon periods ahead.
#[napi(catch_unwind)]
pub fn garch_filter_forecast(
    filter: &External<BindingGarchFilter>,
    horizon: u32,
) -> Result<Float64Array> {
    Ok(Float64Array::new(
        filter.inner.forecast(horizon as usize).or_throw()?,
    ))
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
pub fn garch_filter_params(filter: &External<BindingGarchFilter>) -> GarchParameters {
    GarchParameters::from((filter.inner.params(), filter.inner.spec()))
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
    let ok = inner
        .update(bid_px, bid_qty, ask_px, ask_qty, out)
        .or_throw()?;
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
pub fn weighted_mid(
    bid: &[f64],
    bid_qty: &[f64],
    ask: &[f64],
    ask_qty: &[f64],
) -> Result<Float64Array> {
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
pub fn kyle_update(
    k: &mut External<BindingKyle>,
    price_change: f64,
    signed_flow: f64,
) -> Option<KyleEstimate> {
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
pub fn amihud(
    returns: &[f64],
    dollar_volume: &[f64],
    window_: u32,
    scale: Option<f64>,
) -> Result<Float64Array> {
    Ok(Float64Array::new(
        micro::amihud(
            returns,
            dollar_volume,
            window_ as usize,
            scale.unwrap_or(1.0),
        )
        .or_throw()?,
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

// ---------------------------------------------------------------------------------------------
// GARCH simulation

/// A simulated GARCH path.
#[napi(object)]
pub struct GarchSimulation {
    /// Returns.
    pub returns: Float64Array,
    /// Conditional variances.
    pub variances: Float64Array,
}

impl std::fmt::Debug for GarchSimulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GarchSimulation").finish_non_exhaustive()
    }
}

/// Simulates `n` returns (after `burn`, default 500) with the portable seeded generator.
#[napi(catch_unwind)]
pub fn garch_simulate(
    spec: Option<GarchSpecOptions>,
    params: GarchParameters,
    n: u32,
    seed: BigInt,
    burn: Option<u32>,
) -> Result<GarchSimulation> {
    let spec = spec_of(&spec)?;
    let seed = seed_of(&seed)?;
    let s = garch::simulate(
        &spec,
        &GarchParams::from(params),
        n as usize,
        burn.unwrap_or(500) as usize,
        seed,
    )
    .or_throw()?;
    Ok(GarchSimulation {
        returns: Float64Array::new(s.returns),
        variances: Float64Array::new(s.variances),
    })
}

fn seed_of(seed: &BigInt) -> Result<u64> {
    let (sign, v, lossless) = seed.get_u64();
    if sign || !lossless {
        return Err(crate::error::invalid_arg(
            "seed must be a bigint between 0 and 2^64 - 1",
        ));
    }
    Ok(v)
}

/// Unconditional variance of a model (null where infinite or undefined).
#[napi(catch_unwind)]
pub fn garch_unconditional_variance(
    spec: Option<GarchSpecOptions>,
    params: GarchParameters,
) -> Result<Option<f64>> {
    let spec = spec_of(&spec)?;
    let p = GarchParams::from(params);
    p.validate(&spec).or_throw()?;
    Ok(p.unconditional_variance(&spec))
}

// ---------------------------------------------------------------------------------------------
// DCC

/// A fitted DCC-GARCH model.
#[napi(object)]
pub struct DccFitResult {
    /// Assets.
    pub n_assets: u32,
    /// Observations.
    pub nobs: u32,
    /// The univariate fits.
    pub univariate: Vec<GarchFitResult>,
    /// News coefficient `a`.
    pub a: f64,
    /// Decay coefficient `b`.
    pub b: f64,
    /// Standard errors of `(a, b)` (second step only), or null.
    pub std_errors: Option<Vec<f64>>,
    /// Robust standard errors of `(a, b)`, or null.
    pub robust_std_errors: Option<Vec<f64>>,
    /// Joint log-likelihood (univariate + correlation).
    pub loglik: f64,
    /// Correlation log-likelihood `L_c`.
    pub loglik_correlation: f64,
    /// Status of the whole fit (first non-converged step).
    pub status: String,
    /// `status === 'converged'`.
    pub converged: bool,
    /// Iterations of the correlation step.
    pub iterations: u32,
    /// Target `Q̄`, row-major `n × n`.
    pub qbar: Float64Array,
    /// `Q` for the period after the sample, row-major.
    pub q_next: Float64Array,
    /// Mean pairwise correlation of `R_t` per observation.
    pub mean_correlation: Float64Array,
}

impl std::fmt::Debug for DccFitResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DccFitResult")
            .field("a", &self.a)
            .field("b", &self.b)
            .finish_non_exhaustive()
    }
}

fn dcc_to_js(f: &DccFit) -> DccFitResult {
    let c = &f.correlation;
    let status = f.status();
    DccFitResult {
        n_assets: c.n_assets as u32,
        nobs: c.nobs as u32,
        univariate: f.univariate.iter().map(fit_to_js).collect(),
        a: c.a,
        b: c.b,
        std_errors: c.std_errors.map(|s| s.to_vec()),
        robust_std_errors: c.robust_std_errors.map(|s| s.to_vec()),
        loglik: f.loglik,
        loglik_correlation: c.loglik,
        status: status.code().to_string(),
        converged: status == garch::FitStatus::Converged,
        iterations: c.iterations as u32,
        qbar: Float64Array::new(c.qbar.clone()),
        q_next: Float64Array::new(c.q_next.clone()),
        mean_correlation: Float64Array::new(c.mean_correlation.clone()),
    }
}

fn check_dcc_input(returns: &[f64], n: u32, opts: &DccOptions) -> Result<()> {
    let n = n as usize;
    if !(2..=dcc::MAX_ASSETS).contains(&n) {
        return Err(crate::error::invalid_arg(format!(
            "nAssets must be between 2 and {}, got {n}",
            dcc::MAX_ASSETS
        )));
    }
    if !returns.len().is_multiple_of(n) {
        return Err(crate::error::invalid_arg(format!(
            "returns must hold nAssets × T values (row-major), got {} for {n} assets",
            returns.len()
        )));
    }
    let t = returns.len() / n;
    let mut col = vec![0.0; t];
    for i in 0..n {
        for (k, c) in col.iter_mut().enumerate() {
            *c = returns[k * n + i];
        }
        garch::validate_input(&col, &opts.univariate).or_throw()?;
    }
    Ok(())
}

/// Fits DCC-GARCH to `returns` (row-major `T × nAssets`; blocks, see `dccFitAsync`).
#[napi(catch_unwind)]
pub fn dcc_fit(
    returns: &[f64],
    n_assets: u32,
    options: Option<DccFitOptions>,
) -> Result<DccFitResult> {
    let opts = dcc_options(&options)?;
    check_dcc_input(returns, n_assets, &opts)?;
    Ok(dcc_to_js(
        &dcc::fit_dcc(returns, n_assets as usize, &opts).or_throw()?,
    ))
}

/// The DCC fit on the libuv thread pool.
#[derive(Debug)]
pub struct DccFitTask {
    returns: Vec<f64>,
    n: usize,
    opts: DccOptions,
}

impl Task for DccFitTask {
    type Output = DccFit;
    type JsValue = DccFitResult;

    fn compute(&mut self) -> napi::Result<DccFit> {
        compute(|| dcc::fit_dcc(&self.returns, self.n, &self.opts))
    }

    fn resolve(&mut self, _env: Env, out: DccFit) -> napi::Result<DccFitResult> {
        Ok(dcc_to_js(&out))
    }
}

/// `dccFit` on a worker thread (input checked first, as `dccFit`).
#[napi(catch_unwind, ts_return_type = "Promise<DccFitResult>")]
pub fn dcc_fit_async(
    returns: &[f64],
    n_assets: u32,
    options: Option<DccFitOptions>,
) -> Result<AsyncTask<DccFitTask>> {
    let opts = dcc_options(&options)?;
    check_dcc_input(returns, n_assets, &opts)?;
    Ok(AsyncTask::new(DccFitTask {
        returns: returns.to_vec(),
        n: n_assets as usize,
        opts,
    }))
}

/// One asset of a DCC filter.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DccAssetInit {
    /// The univariate model.
    pub spec: Option<GarchSpecOptions>,
    /// Its parameters.
    pub params: GarchParameters,
    /// Its next-period variance.
    pub variance: f64,
}

/// Native state of an online DCC filter.
#[derive(Debug)]
pub struct BindingDccFilter {
    inner: DccFilter,
}

/// An online DCC filter from univariate models, `(a, b)`, `Q̄` and the current `Q`.
#[napi(catch_unwind)]
pub fn dcc_filter_new(
    assets: Vec<DccAssetInit>,
    a: f64,
    b: f64,
    qbar: &[f64],
    q: &[f64],
) -> Result<External<BindingDccFilter>> {
    let uni = assets
        .into_iter()
        .map(|x| {
            let spec = spec_of(&x.spec)?;
            GarchFilter::new(&spec, &GarchParams::from(x.params), x.variance).or_throw()
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(External::new(BindingDccFilter {
        inner: DccFilter::new(uni, a, b, qbar, q).or_throw()?,
    }))
}

/// Applies one vector of returns; false if skipped (a non-finite value).
#[napi(catch_unwind)]
pub fn dcc_filter_update(f: &mut External<BindingDccFilter>, returns: &[f64]) -> Result<bool> {
    f.inner.update(returns).or_throw()
}

/// Applies one vector of standardised residuals (correlation only).
#[napi(catch_unwind)]
pub fn dcc_filter_update_standardized(
    f: &mut External<BindingDccFilter>,
    z: &[f64],
) -> Result<bool> {
    f.inner.update_standardized(z).or_throw()
}

/// Next-period correlation matrix (row-major).
#[napi]
pub fn dcc_filter_correlation(f: &External<BindingDccFilter>) -> Float64Array {
    Float64Array::new(f.inner.correlation().to_vec())
}

/// Writes the next-period correlation matrix into `out` (length `n × n`; no allocation).
#[napi(catch_unwind)]
pub fn dcc_filter_correlation_into(
    f: &External<BindingDccFilter>,
    mut out: Float64Array,
) -> Result<()> {
    let r = f.inner.correlation();
    if out.len() != r.len() {
        return Err(crate::error::invalid_arg(format!(
            "out must hold {} values, got {}",
            r.len(),
            out.len()
        )));
    }
    // SAFETY: a synchronous call on the JS thread: JS cannot touch the buffer while this runs
    // and no other Rust reference to it exists; the view's length was checked above.
    unsafe { out.as_mut() }.copy_from_slice(r);
    Ok(())
}

/// Next-period covariance matrix (row-major).
#[napi]
pub fn dcc_filter_covariance(f: &External<BindingDccFilter>) -> Float64Array {
    Float64Array::new(f.inner.covariance())
}

/// Next-period variances.
#[napi]
pub fn dcc_filter_variances(f: &External<BindingDccFilter>) -> Float64Array {
    Float64Array::new(f.inner.variances())
}

/// Correlation forecasts for 1..=horizon, concatenated (`horizon × n × n`).
#[napi(catch_unwind)]
pub fn dcc_filter_forecast(f: &External<BindingDccFilter>, horizon: u32) -> Result<Float64Array> {
    Ok(Float64Array::new(
        f.inner
            .forecast_correlation(horizon as usize)
            .or_throw()?
            .concat(),
    ))
}

/// A correlation-breakdown reading.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct CorrelationBreakdown {
    /// Mean pairwise correlation.
    pub mean_correlation: f64,
    /// Its change over the lookback (null until that many updates exist).
    pub mean_correlation_change: Option<f64>,
    /// Largest eigenvalue of R divided by the number of assets.
    pub largest_eigenvalue_share: f64,
}

/// The breakdown indicator over `lookback` updates (default 20, at most 255).
#[napi(catch_unwind)]
pub fn dcc_filter_breakdown(
    f: &External<BindingDccFilter>,
    lookback: Option<u32>,
) -> Result<CorrelationBreakdown> {
    let b = f
        .inner
        .breakdown(lookback.unwrap_or(20) as usize)
        .or_throw()?;
    Ok(CorrelationBreakdown {
        mean_correlation: b.mean_correlation,
        mean_correlation_change: b.mean_correlation_change,
        largest_eigenvalue_share: b.largest_eigenvalue_share,
    })
}

/// Counters.
#[napi]
pub fn dcc_filter_stats(f: &External<BindingDccFilter>) -> ModelStreamStats {
    f.inner.stats().into()
}

// ---------------------------------------------------------------------------------------------
// VPIN

/// VPIN over arrays.
#[napi(object)]
pub struct VpinSeries {
    /// VPIN as of each bar (NaN until `window` buckets are complete).
    pub by_bar: Float64Array,
    /// VPIN after each completed bucket (NaN for the first `window - 1`).
    pub by_bucket: Float64Array,
    /// Bar index at which each bucket completed.
    pub bucket_bar: Vec<u32>,
    /// σ of price changes used.
    pub sigma: f64,
}

impl std::fmt::Debug for VpinSeries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VpinSeries")
            .field("sigma", &self.sigma)
            .finish_non_exhaustive()
    }
}

/// VPIN over arrays of bar prices and volumes.
#[napi(catch_unwind)]
pub fn vpin(prices: &[f64], volumes: &[f64], options: VpinConfig) -> Result<VpinSeries> {
    let mode = sigma_mode(&options, false)?;
    let w = window(options.window.unwrap_or(50), "window")?;
    let s = vpin::vpin(prices, volumes, options.bucket_volume, w, mode).or_throw()?;
    Ok(VpinSeries {
        by_bar: Float64Array::new(s.by_bar),
        by_bucket: Float64Array::new(s.by_bucket),
        bucket_bar: s.bucket_bar.iter().map(|&i| i as u32).collect(),
        sigma: s.sigma,
    })
}

/// Native state of a streaming VPIN.
#[derive(Debug)]
pub struct BindingVpin {
    inner: Vpin,
}

/// A streaming VPIN estimator.
#[napi(catch_unwind)]
pub fn vpin_new(options: VpinConfig) -> Result<External<BindingVpin>> {
    let mode = sigma_mode(&options, true)?.unwrap_or(vpin::SigmaMode::Expanding);
    let mut o = vpin::VpinOptions::new(options.bucket_volume);
    o.window = window(options.window.unwrap_or(50), "window")?;
    o.sigma = mode;
    o.cdf_history = options.cdf_history.unwrap_or(5_000) as usize;
    Ok(External::new(BindingVpin {
        inner: Vpin::new(o).or_throw()?,
    }))
}

/// Applies one bar; returns the number of buckets it completed.
#[napi]
pub fn vpin_update(v: &mut External<BindingVpin>, price: f64, volume: f64) -> u32 {
    v.inner.update(price, volume)
}

/// Applies many bars; returns VPIN as of each (NaN before the window is full).
#[napi(catch_unwind)]
pub fn vpin_update_many(
    v: &mut External<BindingVpin>,
    prices: &[f64],
    volumes: &[f64],
) -> Result<Float64Array> {
    if prices.len() != volumes.len() {
        return Err(crate::error::invalid_arg(format!(
            "prices and volumes must have the same length, got {} and {}",
            prices.len(),
            volumes.len()
        )));
    }
    let out: Vec<f64> = prices
        .iter()
        .zip(volumes)
        .map(|(p, q)| {
            v.inner.update(*p, *q);
            v.inner.value().unwrap_or(f64::NAN)
        })
        .collect();
    Ok(Float64Array::new(out))
}

/// Current VPIN (null before `window` buckets).
#[napi]
pub fn vpin_value(v: &External<BindingVpin>) -> Option<f64> {
    v.inner.value()
}

/// Empirical CDF of the current VPIN among the kept history (null if none).
#[napi]
pub fn vpin_cdf(v: &External<BindingVpin>, x: Option<f64>) -> Option<f64> {
    match x {
        Some(x) => v.inner.cdf_of(x),
        None => v.inner.cdf(),
    }
}

/// The `p`-quantile of the kept VPIN history (null if none or `p` outside [0, 1]).
#[napi]
pub fn vpin_quantile(v: &External<BindingVpin>, p: f64) -> Option<f64> {
    v.inner.quantile(p)
}

/// Counters of a streaming VPIN.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct VpinStats {
    /// Bars applied.
    pub updates: f64,
    /// Bars skipped (non-finite price, negative or non-finite volume).
    pub skipped: f64,
    /// Buckets completed.
    pub buckets: f64,
    /// Current σ of price changes.
    pub sigma: f64,
    /// Volume in the bucket being filled.
    pub bucket_fill: f64,
}

/// Counters.
#[napi]
pub fn vpin_stats(v: &External<BindingVpin>) -> VpinStats {
    let s = v.inner.stats();
    VpinStats {
        updates: s.updates as f64,
        skipped: s.skipped as f64,
        buckets: s.buckets as f64,
        sigma: v.inner.sigma(),
        bucket_fill: v.inner.bucket_fill(),
    }
}

/// Empirical CDF of each value within a series (NaN stays NaN).
#[napi]
pub fn empirical_cdf(values: &[f64]) -> Float64Array {
    Float64Array::new(vpin::empirical_cdf(values))
}

// ---------------------------------------------------------------------------------------------
// Stoikov micro-price

/// Options of the micro-price fit.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct MicropriceOptions {
    /// Tick size (> 0).
    pub tick: f64,
    /// Imbalance buckets (quantiles); default 10.
    pub imbalance_buckets: Option<u32>,
    /// Spread states (1…n ticks); default 2.
    pub spread_states: Option<u32>,
    /// Quotes between a state and the next one; default 1.
    pub dt: Option<u32>,
}

/// The fitted micro-price table.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct MicropriceTable {
    /// Imbalance quantile edges (`imbalanceBuckets + 1`).
    pub edges: Vec<f64>,
    /// Adjustment `G*` (price units), row-major `spreadStates × imbalanceBuckets`.
    pub adjustment: Vec<f64>,
    /// Expected first mid move `G1`, same layout.
    pub first_move: Vec<f64>,
    /// Terms summed in `G* = Σ B^k G1`.
    pub iterations: u32,
    /// Quote pairs used.
    pub pairs: u32,
}

/// Native state of a fitted micro-price model.
#[derive(Debug)]
pub struct BindingMicroprice {
    inner: MicropriceModel,
}

/// Fits Stoikov's micro-price to quotes sampled at regular intervals.
#[napi(catch_unwind)]
pub fn microprice_fit(
    bid: &[f64],
    ask: &[f64],
    bid_qty: &[f64],
    ask_qty: &[f64],
    options: MicropriceOptions,
) -> Result<External<BindingMicroprice>> {
    let m = microprice::fit_microprice(
        bid,
        ask,
        bid_qty,
        ask_qty,
        options.tick,
        options.imbalance_buckets.unwrap_or(10) as usize,
        options.spread_states.unwrap_or(2) as usize,
        options.dt.unwrap_or(1) as usize,
    )
    .or_throw()?;
    Ok(External::new(BindingMicroprice { inner: m }))
}

/// The fitted table.
#[napi]
pub fn microprice_table(m: &External<BindingMicroprice>) -> MicropriceTable {
    let t = &m.inner;
    MicropriceTable {
        edges: t.edges.clone(),
        adjustment: t.adjustment.clone(),
        first_move: t.first_move.clone(),
        iterations: t.iterations as u32,
        pairs: t.pairs as u32,
    }
}

/// Micro-price of one quote (null outside the fitted spread states).
#[napi]
pub fn microprice_value(
    m: &External<BindingMicroprice>,
    bid: f64,
    ask: f64,
    bid_qty: f64,
    ask_qty: f64,
) -> Option<f64> {
    m.inner.microprice(bid, ask, bid_qty, ask_qty)
}

/// Micro-prices of many quotes (NaN outside the fitted spread states).
#[napi(catch_unwind)]
pub fn microprice_many(
    m: &External<BindingMicroprice>,
    bid: &[f64],
    ask: &[f64],
    bid_qty: &[f64],
    ask_qty: &[f64],
) -> Result<Float64Array> {
    let n = bid.len();
    if ask.len() != n || bid_qty.len() != n || ask_qty.len() != n {
        return Err(crate::error::invalid_arg(
            "bid, ask, bidQty and askQty must have equal lengths",
        ));
    }
    Ok(Float64Array::new(
        (0..n)
            .map(|i| {
                m.inner
                    .microprice(bid[i], ask[i], bid_qty[i], ask_qty[i])
                    .unwrap_or(f64::NAN)
            })
            .collect(),
    ))
}
