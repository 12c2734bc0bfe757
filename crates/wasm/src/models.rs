//! `tachyon_models` for WebAssembly: the twin of `native/src/binding_models.rs` and
//! `native/src/options/models.rs` (same JS names, defaults, results and error codes).
//!
//! The `*Async` forms: `ts/src/native.ts` calls `__validate*Async` (the checks napi's
//! `AsyncTask` forms make before queueing, so bad input throws synchronously with the same
//! code) and then runs the sync form on its WebAssembly worker (`ts/src/wasm/worker.ts`). The
//! exported `*Async` functions themselves compute on the calling thread, for direct users of
//! the glue.

use js_sys::{Float64Array, Promise};
use tachyon_models::dcc::{self, DccFilter, DccFit, DccOptions};
use tachyon_models::garch::{
    self, ErrorDist, FitOptions, GarchFilter, GarchFit, GarchKind, GarchParams, GarchSpec,
    MeanModel, VarianceInit,
};
use tachyon_models::micro::{self, Amihud, KyleLambda, OrderFlowImbalance, RollSpread};
use tachyon_models::microprice::{self, MicropriceModel};
use tachyon_models::optim::OptimOptions;
use tachyon_models::realized::{self, RangeEstimator, RangeVol, StreamStats};
use tachyon_models::vpin::{self, SigmaMode, Vpin};
use wasm_bindgen::prelude::*;

use crate::js::{invalid_arg, numbers, to_uint32, Opts, OrThrow, Out, Result};

// ------------------------------------------------------------------------------ options

/// `GarchSpecOptions` (optional) → the kernel's spec, as native's `TryFrom`.
fn spec_of(v: &JsValue) -> Result<GarchSpec> {
    spec_from(&Opts::optional(v, "GarchSpecOptions")?)
}

fn spec_from(o: &Opts) -> Result<GarchSpec> {
    let init = o.one_of("init", &["backcast", "fgarch", "fixed"])?;
    let init = match (init, o.f64("initialVariance")?) {
        (None | Some(0), None) => VarianceInit::Backcast,
        (Some(1), None) => VarianceInit::FGarch,
        (Some(2) | None, Some(v)) => VarianceInit::Fixed(v),
        (Some(_), None) => return Err(invalid_arg("init 'fixed' needs initialVariance")),
        (Some(_), Some(_)) => {
            return Err(invalid_arg(
                "initialVariance is only used with init 'fixed'",
            ))
        }
    };
    Ok(GarchSpec {
        kind: match o.one_of("kind", &["garch", "gjr", "egarch"])? {
            Some(1) => GarchKind::Gjr,
            Some(2) => GarchKind::Egarch,
            _ => GarchKind::Garch,
        },
        dist: match o.one_of("dist", &["normal", "studentT"])? {
            Some(1) => ErrorDist::StudentT,
            _ => ErrorDist::Normal,
        },
        mean: match o.one_of("mean", &["constant", "zero"])? {
            Some(1) => MeanModel::Zero,
            _ => MeanModel::Constant,
        },
        init,
    })
}

/// The JS names of a spec (`GarchSpecOptions`; `initialVariance` only for `'fixed'`).
fn spec_names(s: &GarchSpec) -> JsValue {
    let (init, initial) = match s.init {
        VarianceInit::Backcast => ("backcast", None),
        VarianceInit::FGarch => ("fgarch", None),
        VarianceInit::Fixed(v) => ("fixed", Some(v)),
    };
    Out::new()
        .set(
            "kind",
            match s.kind {
                GarchKind::Garch => "garch",
                GarchKind::Gjr => "gjr",
                GarchKind::Egarch => "egarch",
            },
        )
        .set(
            "dist",
            match s.dist {
                ErrorDist::Normal => "normal",
                ErrorDist::StudentT => "studentT",
            },
        )
        .set(
            "mean",
            match s.mean {
                MeanModel::Constant => "constant",
                MeanModel::Zero => "zero",
            },
        )
        .set("init", init)
        .opt("initialVariance", initial)
        .build()
}

/// `GarchParameters` → the kernel's parameters.
fn params_of(v: &JsValue, what: &str) -> Result<GarchParams> {
    let o = Opts::required(v, what)?;
    Ok(GarchParams {
        mu: o.f64("mu")?.unwrap_or(0.0),
        omega: o.req_f64("omega")?,
        alpha: o.req_f64("alpha")?,
        gamma: o.f64("gamma")?.unwrap_or(0.0),
        beta: o.req_f64("beta")?,
        nu: o.f64("nu")?,
    })
}

/// The JS `GarchParameters` of fitted parameters (`gamma` absent for GARCH).
fn params_js(p: &GarchParams, s: &GarchSpec) -> JsValue {
    Out::new()
        .set(
            "mu",
            if s.mean == MeanModel::Constant {
                p.mu
            } else {
                0.0
            },
        )
        .set("omega", p.omega)
        .set("alpha", p.alpha)
        .opt(
            "gamma",
            if s.kind == GarchKind::Garch {
                None
            } else {
                Some(p.gamma)
            },
        )
        .set("beta", p.beta)
        .opt("nu", p.nu)
        .build()
}

fn optim_options(o: &Opts) -> Result<OptimOptions> {
    let d = OptimOptions::default();
    let max_iter = o.u32("maxIterations")?.unwrap_or(d.max_iter as u32);
    if max_iter == 0 {
        return Err(invalid_arg("maxIterations must be at least 1"));
    }
    let gtol = o.f64("tolerance")?.unwrap_or(d.gtol);
    if !(gtol > 0.0 && gtol.is_finite()) {
        return Err(invalid_arg(format!(
            "tolerance must be a positive number, got {gtol}"
        )));
    }
    Ok(OptimOptions {
        max_iter: max_iter as usize,
        gtol,
        ..d
    })
}

/// `ModelFitOptions` (optional) → the kernel's fit options.
fn fit_options(v: Option<&Opts>) -> Result<FitOptions> {
    let d = FitOptions::default();
    let o = match v {
        Some(o) => o,
        None => return Ok(d),
    };
    Ok(FitOptions {
        optim: optim_options(o)?,
        std_errors: o.bool("stdErrors")?.unwrap_or(d.std_errors),
    })
}

fn fit_options_of(v: &JsValue) -> Result<FitOptions> {
    if v.is_undefined() || v.is_null() {
        return fit_options(None);
    }
    fit_options(Some(&Opts::required(v, "ModelFitOptions")?))
}

/// A window argument (≥ 1).
fn window(w: u32, what: &str) -> Result<usize> {
    if w == 0 {
        return Err(invalid_arg(format!("{what} must be at least 1")));
    }
    Ok(w as usize)
}

fn range_config(v: &JsValue) -> Result<(RangeEstimator, usize, f64)> {
    let o = Opts::optional(v, "RangeVolOptions")?;
    let e = match o.one_of(
        "estimator",
        &[
            "closeToClose",
            "parkinson",
            "garmanKlass",
            "rogersSatchell",
            "yangZhang",
        ],
    )? {
        Some(0) => RangeEstimator::CloseToClose,
        Some(1) => RangeEstimator::Parkinson,
        Some(2) => RangeEstimator::GarmanKlass,
        Some(3) => RangeEstimator::RogersSatchell,
        _ => RangeEstimator::YangZhang,
    };
    Ok((
        e,
        window(o.u32("window")?.unwrap_or(20), "window")?,
        o.f64("annualization")?.unwrap_or(1.0),
    ))
}

/// `VpinConfig` → (bucket volume, window, σ mode or `None` for the full sample, CDF history).
fn vpin_config(v: &JsValue, streaming: bool) -> Result<(f64, usize, Option<SigmaMode>, usize)> {
    let o = Opts::required(v, "VpinConfig")?;
    let bucket = o.req_f64("bucketVolume")?;
    let sigma = o.f64("sigma")?;
    let given = o.one_of("sigmaMode", &["fixed", "expanding", "ewma", "sample"])?;
    let default = if streaming { 1 } else { 3 };
    let mode = given.unwrap_or(if sigma.is_some() { 0 } else { default });
    let mode = match mode {
        0 => {
            Some(SigmaMode::Fixed(sigma.ok_or_else(|| {
                invalid_arg("sigmaMode 'fixed' needs sigma")
            })?))
        }
        1 => Some(SigmaMode::Expanding),
        2 => Some(SigmaMode::Ewma(o.f64("ewmaLambda")?.ok_or_else(|| {
            invalid_arg("sigmaMode 'ewma' needs ewmaLambda")
        })?)),
        _ if streaming => {
            return Err(invalid_arg(
                "sigmaMode 'sample' needs the whole series: use vpin() or a fixed sigma",
            ))
        }
        _ => None,
    };
    Ok((
        bucket,
        window(o.u32("window")?.unwrap_or(50), "window")?,
        mode,
        o.u32("cdfHistory")?.unwrap_or(5_000) as usize,
    ))
}

fn dcc_options(v: &JsValue) -> Result<DccOptions> {
    let o = Opts::optional(v, "DccFitOptions")?;
    let univariate = match o.obj("univariate")? {
        Some(u) => spec_from(&u)?,
        None => spec_from(&Opts::optional(&JsValue::UNDEFINED, "univariate")?)?,
    };
    let uf = fit_options(o.obj("fit")?.as_ref())?;
    Ok(DccOptions {
        univariate,
        univariate_fit: uf,
        optim: uf.optim,
    })
}

/// A `u64` seed given as a bigint (`0 … 2^64 − 1`), as native's `seed_of`.
fn seed_of(v: &JsValue) -> Result<u64> {
    let bad = || invalid_arg("seed must be a bigint between 0 and 2^64 - 1");
    if !v.is_bigint() {
        return Err(bad());
    }
    let s = js_sys::BigInt::from(v.clone())
        .to_string(10)
        .map_err(|_| bad())?;
    String::from(s).parse::<u64>().map_err(|_| bad())
}

fn stream_stats(s: StreamStats) -> JsValue {
    Out::new()
        .set("updates", s.updates as f64)
        .set("skipped", s.skipped as f64)
        .build()
}

// ------------------------------------------------------------------------------ GARCH family

fn fit_to_js(f: &GarchFit) -> JsValue {
    let names: Vec<&str> = f.names.to_vec();
    let at_bounds: Vec<&str> = f.at_bounds.to_vec();
    Out::new()
        .set("spec", spec_names(&f.spec))
        .set("params", params_js(&f.params, &f.spec))
        .strings("names", &names)
        .numbers("estimates", &f.estimates)
        .opt_value("stdErrors", f.std_errors.as_deref().map(numbers))
        .opt_value(
            "robustStdErrors",
            f.robust_std_errors.as_deref().map(numbers),
        )
        .set("loglik", f.loglik)
        .set("aic", f.aic)
        .set("bic", f.bic)
        .set("nobs", f.nobs as u32)
        .set("status", f.status.code())
        .set("converged", f.status == garch::FitStatus::Converged)
        .set("iterations", f.iterations as u32)
        .set("evaluations", f.evaluations as u32)
        .strings("atBounds", &at_bounds)
        .opt("backcast", f.backcast)
        .float64("variances", &f.variances)
        .set("nextVariance", f.next_variance)
        .build()
}

/// Fits a GARCH-family model by maximum likelihood.
#[wasm_bindgen(js_name = "garchFit")]
pub fn garch_fit(returns: &[f64], spec: JsValue, options: JsValue) -> Result<JsValue> {
    let spec = spec_of(&spec)?;
    let opts = fit_options_of(&options)?;
    Ok(fit_to_js(&garch::fit(returns, &spec, &opts).or_throw()?))
}

/// `garchFit` as a promise, computed on the calling thread (the loader runs `garchFit` on its
/// worker instead, after [`validate_garch_fit_async`]).
#[wasm_bindgen(js_name = "garchFitAsync")]
pub fn garch_fit_async(returns: &[f64], spec: JsValue, options: JsValue) -> Result<Promise> {
    Ok(Promise::resolve(&garch_fit(returns, spec, options)?))
}

/// The checks native's `garchFitAsync` makes before it queues the fit (same coded errors).
#[wasm_bindgen(js_name = "__validateGarchFitAsync")]
pub fn validate_garch_fit_async(returns: &[f64], spec: JsValue, options: JsValue) -> Result<()> {
    let spec = spec_of(&spec)?;
    fit_options_of(&options)?;
    garch::validate_input(returns, &spec).or_throw()
}

/// Evaluates the log-likelihood and variance path at given parameters (no fit).
#[wasm_bindgen(js_name = "garchLoglik")]
pub fn garch_loglik(returns: &[f64], spec: JsValue, params: JsValue) -> Result<JsValue> {
    let spec = spec_of(&spec)?;
    let p = params_of(&params, "GarchParameters")?;
    let l = garch::loglik(returns, &spec, &p).or_throw()?;
    Ok(Out::new()
        .set("loglik", l.loglik)
        .numbers("gradient", &l.gradient)
        .float64("variances", &l.variances)
        .set("nextVariance", l.next_variance)
        .build())
}

/// An online GARCH-family filter (the handle of `garchFilter*` functions).
#[wasm_bindgen(js_name = "GarchFilterHandle")]
#[derive(Debug)]
pub struct GarchFilterHandle {
    inner: GarchFilter,
}

/// An online filter whose next-period variance is `variance`.
#[wasm_bindgen(js_name = "garchFilterNew")]
pub fn garch_filter_new(
    spec: JsValue,
    params: JsValue,
    variance: f64,
) -> Result<GarchFilterHandle> {
    let spec = spec_of(&spec)?;
    let p = params_of(&params, "GarchParameters")?;
    Ok(GarchFilterHandle {
        inner: GarchFilter::new(&spec, &p, variance).or_throw()?,
    })
}

/// Applies one return; returns the next-period variance.
#[wasm_bindgen(js_name = "garchFilterUpdate")]
pub fn garch_filter_update(filter: &mut GarchFilterHandle, r: f64) -> f64 {
    filter.inner.update(r)
}

/// Applies many returns; returns the next-period variance after each.
#[wasm_bindgen(js_name = "garchFilterUpdateMany")]
pub fn garch_filter_update_many(filter: &mut GarchFilterHandle, returns: &[f64]) -> Vec<f64> {
    returns.iter().map(|r| filter.inner.update(*r)).collect()
}

/// Next-period variance.
#[wasm_bindgen(js_name = "garchFilterVariance")]
pub fn garch_filter_variance(filter: &GarchFilterHandle) -> f64 {
    filter.inner.variance()
}

/// Sets the next-period variance.
#[wasm_bindgen(js_name = "garchFilterSetVariance")]
pub fn garch_filter_set_variance(filter: &mut GarchFilterHandle, variance: f64) -> Result<()> {
    filter.inner.set_variance(variance).or_throw()
}

/// Variance forecasts for 1..=horizon periods ahead.
#[wasm_bindgen(js_name = "garchFilterForecast")]
pub fn garch_filter_forecast(filter: &GarchFilterHandle, horizon: f64) -> Result<Vec<f64>> {
    filter
        .inner
        .forecast(to_uint32(horizon) as usize)
        .or_throw()
}

/// Counters.
#[wasm_bindgen(js_name = "garchFilterStats")]
pub fn garch_filter_stats(filter: &GarchFilterHandle) -> JsValue {
    let s = filter.inner.stats();
    Out::new()
        .set("updates", s.updates as f64)
        .set("skipped", s.skipped as f64)
        .build()
}

/// The filter's parameters.
#[wasm_bindgen(js_name = "garchFilterParams")]
pub fn garch_filter_params(filter: &GarchFilterHandle) -> JsValue {
    params_js(filter.inner.params(), filter.inner.spec())
}

/// The filter's model.
#[wasm_bindgen(js_name = "garchFilterSpec")]
pub fn garch_filter_spec(filter: &GarchFilterHandle) -> JsValue {
    spec_names(filter.inner.spec())
}

/// Simulates `n` returns (after `burn`, default 500) with the portable seeded generator.
#[wasm_bindgen(js_name = "garchSimulate")]
pub fn garch_simulate(
    spec: JsValue,
    params: JsValue,
    n: f64,
    seed: JsValue,
    burn: Option<f64>,
) -> Result<JsValue> {
    let spec = spec_of(&spec)?;
    let p = params_of(&params, "GarchParameters")?;
    let seed = seed_of(&seed)?;
    let s = garch::simulate(
        &spec,
        &p,
        to_uint32(n) as usize,
        burn.map_or(500, to_uint32) as usize,
        seed,
    )
    .or_throw()?;
    Ok(Out::new()
        .float64("returns", &s.returns)
        .float64("variances", &s.variances)
        .build())
}

/// Unconditional variance of a model (null where infinite or undefined).
#[wasm_bindgen(js_name = "garchUnconditionalVariance")]
pub fn garch_unconditional_variance(spec: JsValue, params: JsValue) -> Result<JsValue> {
    let spec = spec_of(&spec)?;
    let p = params_of(&params, "GarchParameters")?;
    p.validate(&spec).or_throw()?;
    Ok(nullable(p.unconditional_variance(&spec)))
}

// ------------------------------------------------------------------------------ realized / range

/// `Σ r²`.
#[wasm_bindgen(js_name = "realizedVariance")]
pub fn realized_variance(returns: &[f64]) -> Result<f64> {
    realized::realized_variance(returns).or_throw()
}

/// `(π/2) Σ |r_t||r_{t-1}|`.
#[wasm_bindgen(js_name = "bipowerVariation")]
pub fn bipower_variation(returns: &[f64]) -> Result<f64> {
    realized::bipower_variation(returns).or_throw()
}

/// Rolling OHLC volatility, one value per bar (NaN during the warm-up).
#[wasm_bindgen(js_name = "rangeVolatility")]
pub fn range_volatility(
    open: &[f64],
    high: &[f64],
    low: &[f64],
    close: &[f64],
    options: JsValue,
) -> Result<Vec<f64>> {
    let (e, w, a) = range_config(&options)?;
    realized::range_volatility(open, high, low, close, e, w, a).or_throw()
}

/// A streaming OHLC volatility estimator (the handle of `rangeVol*` functions).
#[wasm_bindgen(js_name = "RangeVolHandle")]
#[derive(Debug)]
pub struct RangeVolHandle {
    inner: RangeVol,
}

/// A streaming OHLC volatility estimator.
#[wasm_bindgen(js_name = "rangeVolNew")]
pub fn range_vol_new(options: JsValue) -> Result<RangeVolHandle> {
    let (e, w, a) = range_config(&options)?;
    Ok(RangeVolHandle {
        inner: RangeVol::new(e, w, a).or_throw()?,
    })
}

/// Applies one bar; the volatility once the window is full, else null.
#[wasm_bindgen(js_name = "rangeVolUpdate")]
pub fn range_vol_update(
    est: &mut RangeVolHandle,
    open: f64,
    high: f64,
    low: f64,
    close: f64,
) -> JsValue {
    nullable(est.inner.update(open, high, low, close))
}

/// Counters.
#[wasm_bindgen(js_name = "rangeVolStats")]
pub fn range_vol_stats(est: &RangeVolHandle) -> JsValue {
    stream_stats(est.inner.stats())
}

/// `null` for `None` (napi's `Option<f64>` result; wasm-bindgen would give `undefined`).
fn nullable(v: Option<f64>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_f64)
}

// ------------------------------------------------------------------------------ microstructure

/// Multi-level order-flow imbalance over `n` snapshots (`n × levels`, row-major).
#[wasm_bindgen(js_name = "orderFlowImbalance")]
pub fn order_flow_imbalance(
    bid_px: &[f64],
    bid_qty: &[f64],
    ask_px: &[f64],
    ask_qty: &[f64],
    levels: f64,
) -> Result<Vec<f64>> {
    let l = window(to_uint32(levels), "levels")?;
    micro::order_flow_imbalance(bid_px, bid_qty, ask_px, ask_qty, l).or_throw()
}

/// A streaming multi-level order-flow imbalance tracker (the handle of `ofi*` functions).
#[wasm_bindgen(js_name = "OfiHandle")]
#[derive(Debug)]
pub struct OfiHandle {
    inner: OrderFlowImbalance,
    out: Vec<f64>,
}

/// A streaming multi-level order-flow imbalance tracker.
#[wasm_bindgen(js_name = "ofiNew")]
pub fn ofi_new(levels: f64) -> Result<OfiHandle> {
    let l = window(to_uint32(levels), "levels")?;
    Ok(OfiHandle {
        inner: OrderFlowImbalance::new(l).or_throw()?,
        out: vec![0.0; l],
    })
}

/// Applies a snapshot; the per-level imbalance since the previous one, or null.
#[wasm_bindgen(js_name = "ofiUpdate")]
pub fn ofi_update(
    ofi: &mut OfiHandle,
    bid_px: &[f64],
    bid_qty: &[f64],
    ask_px: &[f64],
    ask_qty: &[f64],
) -> Result<JsValue> {
    let OfiHandle { inner, out } = ofi;
    let ok = inner
        .update(bid_px, bid_qty, ask_px, ask_qty, out)
        .or_throw()?;
    Ok(if ok {
        Float64Array::from(&out[..]).into()
    } else {
        JsValue::NULL
    })
}

/// Cumulative imbalance per level.
#[wasm_bindgen(js_name = "ofiCumulative")]
pub fn ofi_cumulative(ofi: &OfiHandle) -> Vec<f64> {
    ofi.inner.cumulative().to_vec()
}

/// Counters.
#[wasm_bindgen(js_name = "ofiStats")]
pub fn ofi_stats(ofi: &OfiHandle) -> JsValue {
    stream_stats(ofi.inner.stats())
}

/// Size-weighted mid per quote.
#[wasm_bindgen(js_name = "weightedMid")]
pub fn weighted_mid(
    bid: &[f64],
    bid_qty: &[f64],
    ask: &[f64],
    ask_qty: &[f64],
) -> Result<Vec<f64>> {
    micro::weighted_mid(bid, bid_qty, ask, ask_qty).or_throw()
}

/// Rolling regression of price changes on signed flow.
#[wasm_bindgen(js_name = "kyleLambda")]
pub fn kyle_lambda(price_change: &[f64], signed_flow: &[f64], window_: f64) -> Result<JsValue> {
    let (l, c, r2) =
        micro::kyle_lambda(price_change, signed_flow, to_uint32(window_) as usize).or_throw()?;
    Ok(Out::new()
        .float64("lambda", &l)
        .float64("intercept", &c)
        .float64("r2", &r2)
        .build())
}

/// A streaming Kyle's-lambda regression (the handle of `kyle*` functions).
#[wasm_bindgen(js_name = "KyleHandle")]
#[derive(Debug)]
pub struct KyleHandle {
    inner: KyleLambda,
}

/// A streaming rolling regression over `window` observations.
#[wasm_bindgen(js_name = "kyleNew")]
pub fn kyle_new(window_: f64) -> Result<KyleHandle> {
    Ok(KyleHandle {
        inner: KyleLambda::new(to_uint32(window_) as usize).or_throw()?,
    })
}

/// Adds an observation; the estimate, or null.
#[wasm_bindgen(js_name = "kyleUpdate")]
pub fn kyle_update(k: &mut KyleHandle, price_change: f64, signed_flow: f64) -> JsValue {
    match k.inner.update(price_change, signed_flow) {
        Some(e) => Out::new()
            .set("lambda", e.lambda)
            .set("intercept", e.intercept)
            .set("r2", e.r2)
            .build(),
        None => JsValue::NULL,
    }
}

/// Counters.
#[wasm_bindgen(js_name = "kyleStats")]
pub fn kyle_stats(k: &KyleHandle) -> JsValue {
    stream_stats(k.inner.stats())
}

/// Rolling Amihud illiquidity (NaN before the window is full).
#[wasm_bindgen(js_name = "amihud")]
pub fn amihud(
    returns: &[f64],
    dollar_volume: &[f64],
    window_: f64,
    scale: Option<f64>,
) -> Result<Vec<f64>> {
    micro::amihud(
        returns,
        dollar_volume,
        to_uint32(window_) as usize,
        scale.unwrap_or(1.0),
    )
    .or_throw()
}

/// A streaming Amihud measure (the handle of `amihud*` functions).
#[wasm_bindgen(js_name = "AmihudHandle")]
#[derive(Debug)]
pub struct AmihudHandle {
    inner: Amihud,
}

/// A streaming Amihud measure.
#[wasm_bindgen(js_name = "amihudNew")]
pub fn amihud_new(window_: f64, scale: Option<f64>) -> Result<AmihudHandle> {
    Ok(AmihudHandle {
        inner: Amihud::new(to_uint32(window_) as usize, scale.unwrap_or(1.0)).or_throw()?,
    })
}

/// Adds an observation; the measure once the window is full, else null.
#[wasm_bindgen(js_name = "amihudUpdate")]
pub fn amihud_update(a: &mut AmihudHandle, r: f64, dollar_volume: f64) -> JsValue {
    // (`r`, not `ret`: wasm-bindgen 0.2.83 names its own local `ret` in the glue.)
    nullable(a.inner.update(r, dollar_volume))
}

/// Counters.
#[wasm_bindgen(js_name = "amihudStats")]
pub fn amihud_stats(a: &AmihudHandle) -> JsValue {
    stream_stats(a.inner.stats())
}

/// Rolling Roll (1984) spread.
#[wasm_bindgen(js_name = "rollSpread")]
pub fn roll_spread(prices: &[f64], window_: f64) -> Result<JsValue> {
    let (s, c) = micro::roll_spread(prices, to_uint32(window_) as usize).or_throw()?;
    Ok(Out::new()
        .float64("spread", &s)
        .float64("autocov", &c)
        .build())
}

/// A streaming Roll spread (the handle of `roll*` functions).
#[wasm_bindgen(js_name = "RollHandle")]
#[derive(Debug)]
pub struct RollHandle {
    inner: RollSpread,
}

/// A streaming Roll spread over `window` pairs of price changes.
#[wasm_bindgen(js_name = "rollNew")]
pub fn roll_new(window_: f64) -> Result<RollHandle> {
    Ok(RollHandle {
        inner: RollSpread::new(to_uint32(window_) as usize).or_throw()?,
    })
}

/// Adds a price; the estimate, or null.
#[wasm_bindgen(js_name = "rollUpdate")]
pub fn roll_update(r: &mut RollHandle, price: f64) -> JsValue {
    match r.inner.update(price) {
        Some(e) => Out::new()
            .set("spread", e.spread)
            .set("autocov", e.autocov)
            .build(),
        None => JsValue::NULL,
    }
}

/// Counters.
#[wasm_bindgen(js_name = "rollStats")]
pub fn roll_stats(r: &RollHandle) -> JsValue {
    stream_stats(r.inner.stats())
}

/// Effective spread per trade.
#[wasm_bindgen(js_name = "effectiveSpread")]
pub fn effective_spread(
    price: &[f64],
    mid: &[f64],
    side: Option<Vec<f64>>,
    relative: Option<bool>,
) -> Result<Vec<f64>> {
    micro::effective_spreads(price, mid, side.as_deref(), relative.unwrap_or(false)).or_throw()
}

// ------------------------------------------------------------------------------ DCC

fn dcc_to_js(f: &DccFit) -> JsValue {
    let c = &f.correlation;
    let status = f.status();
    let uni = js_sys::Array::new();
    for u in &f.univariate {
        uni.push(&fit_to_js(u));
    }
    Out::new()
        .set("nAssets", c.n_assets as u32)
        .set("nobs", c.nobs as u32)
        .set("univariate", uni)
        .set("a", c.a)
        .set("b", c.b)
        .opt_value("stdErrors", c.std_errors.map(|s| numbers(&s)))
        .opt_value("robustStdErrors", c.robust_std_errors.map(|s| numbers(&s)))
        .set("loglik", f.loglik)
        .set("loglikCorrelation", c.loglik)
        .set("status", status.code())
        .set("converged", status == garch::FitStatus::Converged)
        .set("iterations", c.iterations as u32)
        .float64("qbar", &c.qbar)
        .float64("qNext", &c.q_next)
        .float64("meanCorrelation", &c.mean_correlation)
        .build()
}

fn check_dcc_input(returns: &[f64], n: u32, opts: &DccOptions) -> Result<()> {
    let n = n as usize;
    if !(2..=dcc::MAX_ASSETS).contains(&n) {
        return Err(invalid_arg(format!(
            "nAssets must be between 2 and {}, got {n}",
            dcc::MAX_ASSETS
        )));
    }
    if returns.len() % n != 0 {
        return Err(invalid_arg(format!(
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

/// Fits DCC-GARCH to `returns` (row-major `T × nAssets`).
#[wasm_bindgen(js_name = "dccFit")]
pub fn dcc_fit(returns: &[f64], n_assets: f64, options: JsValue) -> Result<JsValue> {
    let n = to_uint32(n_assets);
    let opts = dcc_options(&options)?;
    check_dcc_input(returns, n, &opts)?;
    Ok(dcc_to_js(
        &dcc::fit_dcc(returns, n as usize, &opts).or_throw()?,
    ))
}

/// `dccFit` as a promise, computed on the calling thread (the loader runs `dccFit` on its
/// worker instead, after [`validate_dcc_fit_async`]).
#[wasm_bindgen(js_name = "dccFitAsync")]
pub fn dcc_fit_async(returns: &[f64], n_assets: f64, options: JsValue) -> Result<Promise> {
    Ok(Promise::resolve(&dcc_fit(returns, n_assets, options)?))
}

/// The checks native's `dccFitAsync` makes before it queues the fit (same coded errors).
#[wasm_bindgen(js_name = "__validateDccFitAsync")]
pub fn validate_dcc_fit_async(returns: &[f64], n_assets: f64, options: JsValue) -> Result<()> {
    let opts = dcc_options(&options)?;
    check_dcc_input(returns, to_uint32(n_assets), &opts)
}

/// An online DCC filter (the handle of `dccFilter*` functions).
#[wasm_bindgen(js_name = "DccFilterHandle")]
#[derive(Debug)]
pub struct DccFilterHandle {
    inner: DccFilter,
}

/// An online DCC filter from univariate models, `(a, b)`, `Q̄` and the current `Q`.
#[wasm_bindgen(js_name = "dccFilterNew")]
pub fn dcc_filter_new(
    assets: JsValue,
    a: f64,
    b: f64,
    qbar: &[f64],
    q: &[f64],
) -> Result<DccFilterHandle> {
    if !js_sys::Array::is_array(&assets) {
        return Err(invalid_arg("assets must be an array of DccAssetInit"));
    }
    let uni = js_sys::Array::from(&assets)
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let o = Opts::required(&x, &format!("assets[{i}]"))?;
            let spec = match o.obj("spec")? {
                Some(s) => spec_from(&s)?,
                None => spec_of(&JsValue::UNDEFINED)?,
            };
            let params = params_of(
                &o.value("params")?.unwrap_or(JsValue::UNDEFINED),
                &format!("assets[{i}].params"),
            )?;
            GarchFilter::new(&spec, &params, o.req_f64("variance")?).or_throw()
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DccFilterHandle {
        inner: DccFilter::new(uni, a, b, qbar, q).or_throw()?,
    })
}

/// Applies one vector of returns; false if skipped.
#[wasm_bindgen(js_name = "dccFilterUpdate")]
pub fn dcc_filter_update(f: &mut DccFilterHandle, returns: &[f64]) -> Result<bool> {
    f.inner.update(returns).or_throw()
}

/// Applies one vector of standardised residuals (correlation only).
#[wasm_bindgen(js_name = "dccFilterUpdateStandardized")]
pub fn dcc_filter_update_standardized(f: &mut DccFilterHandle, z: &[f64]) -> Result<bool> {
    f.inner.update_standardized(z).or_throw()
}

/// Next-period correlation matrix (row-major).
#[wasm_bindgen(js_name = "dccFilterCorrelation")]
pub fn dcc_filter_correlation(f: &DccFilterHandle) -> Vec<f64> {
    f.inner.correlation().to_vec()
}

/// Writes the next-period correlation matrix into `out` (length `n × n`).
#[wasm_bindgen(js_name = "dccFilterCorrelationInto")]
pub fn dcc_filter_correlation_into(f: &DccFilterHandle, out: &Float64Array) -> Result<()> {
    crate::js::f64_array(out, "out")?;
    let r = f.inner.correlation();
    if out.length() as usize != r.len() {
        return Err(invalid_arg(format!(
            "out must hold {} values, got {}",
            r.len(),
            out.length()
        )));
    }
    out.copy_from(r);
    Ok(())
}

/// Next-period covariance matrix (row-major).
#[wasm_bindgen(js_name = "dccFilterCovariance")]
pub fn dcc_filter_covariance(f: &DccFilterHandle) -> Vec<f64> {
    f.inner.covariance()
}

/// Next-period variances.
#[wasm_bindgen(js_name = "dccFilterVariances")]
pub fn dcc_filter_variances(f: &DccFilterHandle) -> Vec<f64> {
    f.inner.variances()
}

/// Correlation forecasts for 1..=horizon, concatenated (`horizon × n × n`).
#[wasm_bindgen(js_name = "dccFilterForecast")]
pub fn dcc_filter_forecast(f: &DccFilterHandle, horizon: f64) -> Result<Vec<f64>> {
    Ok(f.inner
        .forecast_correlation(to_uint32(horizon) as usize)
        .or_throw()?
        .concat())
}

/// The breakdown indicator over `lookback` updates (default 20).
#[wasm_bindgen(js_name = "dccFilterBreakdown")]
pub fn dcc_filter_breakdown(f: &DccFilterHandle, lookback: Option<f64>) -> Result<JsValue> {
    let b = f
        .inner
        .breakdown(lookback.map_or(20, to_uint32) as usize)
        .or_throw()?;
    Ok(Out::new()
        .set("meanCorrelation", b.mean_correlation)
        .opt("meanCorrelationChange", b.mean_correlation_change)
        .set("largestEigenvalueShare", b.largest_eigenvalue_share)
        .build())
}

/// Counters.
#[wasm_bindgen(js_name = "dccFilterStats")]
pub fn dcc_filter_stats(f: &DccFilterHandle) -> JsValue {
    stream_stats(f.inner.stats())
}

// ------------------------------------------------------------------------------ VPIN

/// VPIN over arrays of bar prices and volumes.
#[wasm_bindgen(js_name = "vpin")]
pub fn vpin(prices: &[f64], volumes: &[f64], options: JsValue) -> Result<JsValue> {
    let (bucket, w, mode, _) = vpin_config(&options, false)?;
    let s = vpin::vpin(prices, volumes, bucket, w, mode).or_throw()?;
    let bars: Vec<f64> = s.bucket_bar.iter().map(|&i| f64::from(i as u32)).collect();
    Ok(Out::new()
        .float64("byBar", &s.by_bar)
        .float64("byBucket", &s.by_bucket)
        .numbers("bucketBar", &bars)
        .set("sigma", s.sigma)
        .build())
}

/// A streaming VPIN estimator (the handle of `vpin*` functions).
#[wasm_bindgen(js_name = "VpinHandle")]
#[derive(Debug)]
pub struct VpinHandle {
    inner: Vpin,
}

/// A streaming VPIN estimator.
#[wasm_bindgen(js_name = "vpinNew")]
pub fn vpin_new(options: JsValue) -> Result<VpinHandle> {
    let (bucket, w, mode, cdf) = vpin_config(&options, true)?;
    let mut o = vpin::VpinOptions::new(bucket);
    o.window = w;
    o.sigma = mode.unwrap_or(SigmaMode::Expanding);
    o.cdf_history = cdf;
    Ok(VpinHandle {
        inner: Vpin::new(o).or_throw()?,
    })
}

/// Applies one bar; returns the number of buckets it completed.
#[wasm_bindgen(js_name = "vpinUpdate")]
pub fn vpin_update(v: &mut VpinHandle, price: f64, volume: f64) -> u32 {
    v.inner.update(price, volume)
}

/// Applies many bars; returns VPIN as of each (NaN before the window is full).
#[wasm_bindgen(js_name = "vpinUpdateMany")]
pub fn vpin_update_many(v: &mut VpinHandle, prices: &[f64], volumes: &[f64]) -> Result<Vec<f64>> {
    if prices.len() != volumes.len() {
        return Err(invalid_arg(format!(
            "prices and volumes must have the same length, got {} and {}",
            prices.len(),
            volumes.len()
        )));
    }
    Ok(prices
        .iter()
        .zip(volumes)
        .map(|(p, q)| {
            v.inner.update(*p, *q);
            v.inner.value().unwrap_or(f64::NAN)
        })
        .collect())
}

/// Current VPIN (null before `window` buckets).
#[wasm_bindgen(js_name = "vpinValue")]
pub fn vpin_value(v: &VpinHandle) -> JsValue {
    nullable(v.inner.value())
}

/// Empirical CDF of the current VPIN (or of `x`) among the kept history (null if none).
#[wasm_bindgen(js_name = "vpinCdf")]
pub fn vpin_cdf(v: &VpinHandle, x: Option<f64>) -> JsValue {
    nullable(match x {
        Some(x) => v.inner.cdf_of(x),
        None => v.inner.cdf(),
    })
}

/// The `p`-quantile of the kept VPIN history (null if none or `p` outside [0, 1]).
#[wasm_bindgen(js_name = "vpinQuantile")]
pub fn vpin_quantile(v: &VpinHandle, p: f64) -> JsValue {
    nullable(v.inner.quantile(p))
}

/// Counters.
#[wasm_bindgen(js_name = "vpinStats")]
pub fn vpin_stats(v: &VpinHandle) -> JsValue {
    let s = v.inner.stats();
    Out::new()
        .set("updates", s.updates as f64)
        .set("skipped", s.skipped as f64)
        .set("buckets", s.buckets as f64)
        .set("sigma", v.inner.sigma())
        .set("bucketFill", v.inner.bucket_fill())
        .build()
}

/// Empirical CDF of each value within a series (NaN stays NaN).
#[wasm_bindgen(js_name = "empiricalCdf")]
pub fn empirical_cdf(values: &[f64]) -> Vec<f64> {
    vpin::empirical_cdf(values)
}

// ------------------------------------------------------------------------------ micro-price

/// A fitted Stoikov micro-price model (the handle of `microprice*` functions).
#[wasm_bindgen(js_name = "MicropriceHandle")]
#[derive(Debug)]
pub struct MicropriceHandle {
    inner: MicropriceModel,
}

/// Fits Stoikov's micro-price to quotes sampled at regular intervals.
#[wasm_bindgen(js_name = "micropriceFit")]
pub fn microprice_fit(
    bid: &[f64],
    ask: &[f64],
    bid_qty: &[f64],
    ask_qty: &[f64],
    options: JsValue,
) -> Result<MicropriceHandle> {
    let o = Opts::required(&options, "MicropriceOptions")?;
    let m = microprice::fit_microprice(
        bid,
        ask,
        bid_qty,
        ask_qty,
        o.req_f64("tick")?,
        o.u32("imbalanceBuckets")?.unwrap_or(10) as usize,
        o.u32("spreadStates")?.unwrap_or(2) as usize,
        o.u32("dt")?.unwrap_or(1) as usize,
    )
    .or_throw()?;
    Ok(MicropriceHandle { inner: m })
}

/// The fitted table.
#[wasm_bindgen(js_name = "micropriceTable")]
pub fn microprice_table(m: &MicropriceHandle) -> JsValue {
    let t = &m.inner;
    Out::new()
        .numbers("edges", &t.edges)
        .numbers("adjustment", &t.adjustment)
        .numbers("firstMove", &t.first_move)
        .set("iterations", t.iterations as u32)
        .set("pairs", t.pairs as u32)
        .build()
}

/// Micro-price of one quote (null outside the fitted spread states).
#[wasm_bindgen(js_name = "micropriceValue")]
pub fn microprice_value(
    m: &MicropriceHandle,
    bid: f64,
    ask: f64,
    bid_qty: f64,
    ask_qty: f64,
) -> JsValue {
    nullable(m.inner.microprice(bid, ask, bid_qty, ask_qty))
}

/// Micro-prices of many quotes (NaN outside the fitted spread states).
#[wasm_bindgen(js_name = "micropriceMany")]
pub fn microprice_many(
    m: &MicropriceHandle,
    bid: &[f64],
    ask: &[f64],
    bid_qty: &[f64],
    ask_qty: &[f64],
) -> Result<Vec<f64>> {
    let n = bid.len();
    if ask.len() != n || bid_qty.len() != n || ask_qty.len() != n {
        return Err(invalid_arg(
            "bid, ask, bidQty and askQty must have equal lengths",
        ));
    }
    Ok((0..n)
        .map(|i| {
            m.inner
                .microprice(bid[i], ask[i], bid_qty[i], ask_qty[i])
                .unwrap_or(f64::NAN)
        })
        .collect())
}
