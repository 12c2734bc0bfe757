//! `tachyon_signals` for WebAssembly: the twin of `native/src/binding_signals.rs` and
//! `native/src/options/signals.rs` (same JS names, defaults, results and error codes).

use js_sys::{Uint16Array, Uint8Array};
use tachyon_indicators::Bar;
use tachyon_signals::{
    BetaForecast, Calibrator, Ensemble, EnsembleParams, FusionMethod, FusionParams,
    IsotonicCalibration, Phase, Schematic, SignalFusion, SourceSignal, Vpa, VpaFlag, VpaParams,
    Wyckoff, WyckoffOutput, WyckoffParams,
};
use wasm_bindgen::prelude::*;

use crate::indicators::{input_stats, timestamp};
use crate::js::{f64s, invalid_arg, numbers, to_uint32, Opts, OrThrow, Out, Result};

// ------------------------------------------------------------------------------ options

fn wyckoff_params(o: &Opts) -> Result<WyckoffParams> {
    let d = WyckoffParams::default();
    let u = |k: &str, v: usize| -> Result<usize> { Ok(o.u32(k)?.map_or(v, |x| x as usize)) };
    let f = |k: &str, v: f64| -> Result<f64> { Ok(o.f64(k)?.unwrap_or(v)) };
    Ok(WyckoffParams {
        atr_period: u("atrPeriod", d.atr_period)?,
        volume_period: u("volumePeriod", d.volume_period)?,
        trend_period: u("trendPeriod", d.trend_period)?,
        climax_volume: f("climaxVolume", d.climax_volume)?,
        climax_spread: f("climaxSpread", d.climax_spread)?,
        trend_atr: f("trendAtr", d.trend_atr)?,
        ar_min_atr: f("arMinAtr", d.ar_min_atr)?,
        ar_window: u("arWindow", d.ar_window)?,
        st_tolerance_atr: f("stToleranceAtr", d.st_tolerance_atr)?,
        st_volume_ratio: f("stVolumeRatio", d.st_volume_ratio)?,
        spring_max_atr: f("springMaxAtr", d.spring_max_atr)?,
        sos_volume: f("sosVolume", d.sos_volume)?,
        sos_spread: f("sosSpread", d.sos_spread)?,
        trend_exit_atr: f("trendExitAtr", d.trend_exit_atr)?,
        max_range_bars: u("maxRangeBars", d.max_range_bars)?,
    })
}

fn vpa_params(o: &Opts) -> Result<VpaParams> {
    let d = VpaParams::default();
    Ok(VpaParams {
        period: o.u32("period")?.map_or(d.period, |x| x as usize),
        high_volume: o.f64("highVolume")?.unwrap_or(d.high_volume),
        low_volume: o.f64("lowVolume")?.unwrap_or(d.low_volume),
        wide_spread: o.f64("wideSpread")?.unwrap_or(d.wide_spread),
        narrow_spread: o.f64("narrowSpread")?.unwrap_or(d.narrow_spread),
    })
}

const FUSION_MODES: [&str; 4] = ["bayesian", "consensus", "timeDecay", "hybrid"];

fn fusion_method(i: usize) -> FusionMethod {
    match i {
        0 => FusionMethod::Bayesian,
        1 => FusionMethod::Consensus,
        2 => FusionMethod::TimeDecay,
        _ => FusionMethod::Hybrid,
    }
}

fn fusion_params(o: &Opts) -> Result<FusionParams> {
    let d = FusionParams::default();
    Ok(FusionParams {
        method: o
            .one_of("method", &FUSION_MODES)?
            .map_or(d.method, fusion_method),
        prior_hits: o.f64("priorHits")?.unwrap_or(d.prior_hits),
        prior_misses: o.f64("priorMisses")?.unwrap_or(d.prior_misses),
        memory: o.f64("memory")?.unwrap_or(d.memory),
        quorum: o.u32("quorum")?.map_or(d.quorum, |q| q as usize),
        majority: o.f64("majority")?.unwrap_or(d.majority),
        half_life: o.f64("halfLife")?.unwrap_or(d.half_life),
        max_logit: o.f64("maxLogit")?.unwrap_or(d.max_logit),
    })
}

fn calibrator(k: &Opts) -> Result<Box<IsotonicCalibration>> {
    Ok(Box::new(
        IsotonicCalibration::from_knots(&k.req_f64s("xs")?, &k.req_f64s("ys")?).or_throw()?,
    ))
}

// ------------------------------------------------------------------------------ Wyckoff

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::None => "none",
        Phase::A => "A",
        Phase::B => "B",
        Phase::C => "C",
        Phase::D => "D",
        Phase::E => "E",
    }
}

fn schematic_name(s: Schematic) -> &'static str {
    match s {
        Schematic::None => "none",
        Schematic::Accumulation => "accumulation",
        Schematic::Distribution => "distribution",
    }
}

fn reading(o: &WyckoffOutput) -> JsValue {
    let events: Vec<&str> = o.event_list().map(|e| e.name()).collect();
    Out::new()
        .strings("events", &events)
        .set("mask", u32::from(o.events))
        .set("phase", phase_name(o.phase))
        .set("schematic", schematic_name(o.schematic))
        .set("support", o.support)
        .set("resistance", o.resistance)
        .build()
}

/// Wyckoff event detector and phase labeller (the handle of `wyckoff*` functions).
#[wasm_bindgen(js_name = "WyckoffHandle")]
#[derive(Debug)]
pub struct WyckoffHandle {
    inner: Wyckoff,
}

/// Creates the detector; `ERR_INVALID_PARAM` names a bad option.
#[wasm_bindgen(js_name = "wyckoffNew")]
pub fn wyckoff_new(options: JsValue) -> Result<WyckoffHandle> {
    let p = wyckoff_params(&Opts::optional(&options, "WyckoffOptions")?)?;
    Ok(WyckoffHandle {
        inner: Wyckoff::new(p).or_throw()?,
    })
}

/// Processes one bar; a bad bar throws a coded error (counted; state kept).
#[wasm_bindgen(js_name = "wyckoffUpdate")]
pub fn wyckoff_update(
    h: &mut WyckoffHandle,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    ts: Option<f64>,
) -> Result<JsValue> {
    let bar = Bar::hlcv(high, low, close, volume).at(timestamp(ts)?);
    Ok(reading(&h.inner.update(&bar).or_throw()?))
}

/// Processes columns of equal length; refused bars read as no event, NaN levels.
#[wasm_bindgen(js_name = "wyckoffBatch")]
pub fn wyckoff_batch(
    h: &mut WyckoffHandle,
    high: &[f64],
    low: &[f64],
    close: &[f64],
    volume: &[f64],
) -> Result<JsValue> {
    let n = high.len();
    if low.len() != n || close.len() != n || volume.len() != n {
        return Err(invalid_arg(
            "high, low, close and volume must have equal lengths",
        ));
    }
    let mut ev = vec![0u16; n];
    let mut ph = vec![0u8; n];
    let mut sc = vec![0u8; n];
    let mut sup = vec![f64::NAN; n];
    let mut res = vec![f64::NAN; n];
    for t in 0..n {
        if let Ok(o) = h
            .inner
            .update(&Bar::hlcv(high[t], low[t], close[t], volume[t]))
        {
            ev[t] = o.events;
            ph[t] = o.phase as u8;
            sc[t] = o.schematic as u8;
            sup[t] = o.support;
            res[t] = o.resistance;
        }
    }
    Ok(Out::new()
        .set("events", Uint16Array::from(&ev[..]))
        .set("phases", Uint8Array::from(&ph[..]))
        .set("schematics", Uint8Array::from(&sc[..]))
        .float64("support", &sup)
        .float64("resistance", &res)
        .build())
}

/// How many times each event fired: SC, BC, AR, ARe, ST, Spring, UT, SOS, SOW.
#[wasm_bindgen(js_name = "wyckoffEventCounts")]
pub fn wyckoff_event_counts(h: &WyckoffHandle) -> JsValue {
    let c: Vec<f64> = h.inner.event_counts().iter().map(|c| *c as f64).collect();
    numbers(&c)
}

/// Inputs accepted and refused by reason.
#[wasm_bindgen(js_name = "wyckoffStats")]
pub fn wyckoff_stats(h: &WyckoffHandle) -> JsValue {
    input_stats(h.inner.input_stats())
}

/// Back to the initial state (counters kept).
#[wasm_bindgen(js_name = "wyckoffReset")]
pub fn wyckoff_reset(h: &mut WyckoffHandle) {
    h.inner.reset();
}

// ------------------------------------------------------------------------------ volume-price

/// Volume-price analysis (the handle of `volumePrice*` functions).
#[wasm_bindgen(js_name = "VolumePriceHandle")]
#[derive(Debug)]
pub struct VolumePriceHandle {
    inner: Vpa,
}

/// Creates the analyser; `ERR_INVALID_PARAM` names a bad option.
#[wasm_bindgen(js_name = "volumePriceNew")]
pub fn volume_price_new(options: JsValue) -> Result<VolumePriceHandle> {
    let p = vpa_params(&Opts::optional(&options, "VolumePriceOptions")?)?;
    Ok(VolumePriceHandle {
        inner: Vpa::new(p).or_throw()?,
    })
}

/// Analyses one bar; a bad bar throws a coded error (counted; state kept).
#[wasm_bindgen(js_name = "volumePriceUpdate")]
pub fn volume_price_update(
    h: &mut VolumePriceHandle,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    ts: Option<f64>,
) -> Result<JsValue> {
    let bar = Bar::hlcv(high, low, close, volume).at(timestamp(ts)?);
    let o = h.inner.update(&bar).or_throw()?;
    Ok(Out::new()
        .set("flags", u32::from(o.flags))
        .set("effortNoResult", o.has(VpaFlag::EffortNoResult))
        .set("resultNoEffort", o.has(VpaFlag::ResultNoEffort))
        .set("noDemand", o.has(VpaFlag::NoDemand))
        .set("noSupply", o.has(VpaFlag::NoSupply))
        .set("effort", o.effort)
        .set("result", o.result)
        .set("closeLocation", o.close_location)
        .build())
}

/// Flag counts: effort without result, result without effort, no demand, no supply.
#[wasm_bindgen(js_name = "volumePriceFlagCounts")]
pub fn volume_price_flag_counts(h: &VolumePriceHandle) -> JsValue {
    let c: Vec<f64> = h.inner.flag_counts().iter().map(|c| *c as f64).collect();
    numbers(&c)
}

/// Inputs accepted and refused by reason.
#[wasm_bindgen(js_name = "volumePriceStats")]
pub fn volume_price_stats(h: &VolumePriceHandle) -> JsValue {
    input_stats(h.inner.input_stats())
}

// ------------------------------------------------------------------------------ fusion

/// Track records and fusion of several sources (the handle of `fusion*` functions).
#[wasm_bindgen(js_name = "SignalFusionHandle")]
#[derive(Debug)]
pub struct SignalFusionHandle {
    inner: SignalFusion,
}

/// Fusion of `sources` sources; `ERR_INVALID_PARAM` names a bad option.
#[wasm_bindgen(js_name = "fusionNew")]
pub fn fusion_new(sources: f64, options: JsValue) -> Result<SignalFusionHandle> {
    let p = fusion_params(&Opts::optional(&options, "SignalFusionOptions")?)?;
    Ok(SignalFusionHandle {
        inner: SignalFusion::new(to_uint32(sources) as usize, p).or_throw()?,
    })
}

/// Number of sources.
#[wasm_bindgen(js_name = "fusionSources")]
pub fn fusion_sources(h: &SignalFusionHandle) -> u32 {
    h.inner.sources() as u32
}

/// Records whether source `i`'s last signal was right.
#[wasm_bindgen(js_name = "fusionRecord")]
pub fn fusion_record(h: &mut SignalFusionHandle, source: f64, correct: bool) -> Result<()> {
    h.inner
        .record(to_uint32(source) as usize, correct)
        .or_throw()
}

/// Source `i`'s posterior mean accuracy.
#[wasm_bindgen(js_name = "fusionAccuracy")]
pub fn fusion_accuracy(h: &SignalFusionHandle, source: f64) -> Result<f64> {
    let source = to_uint32(source);
    let a = h.inner.accuracy(source as usize);
    if a.is_nan() {
        return Err(invalid_arg(format!("source {source} is out of range")));
    }
    Ok(a)
}

/// Fuses one signal per source: `directions` (−1/0/1), `confidences` in [0, 1] and optional
/// `ages`. `method` overrides the configured one for this call.
#[wasm_bindgen(js_name = "fusionFuse")]
pub fn fusion_fuse(
    h: &mut SignalFusionHandle,
    directions: &[i8],
    confidences: &[f64],
    ages: Option<Vec<f64>>,
    method: Option<String>,
) -> Result<JsValue> {
    let n = directions.len();
    if confidences.len() != n || ages.as_ref().map_or(false, |a| a.len() != n) {
        return Err(invalid_arg(
            "directions, confidences and ages must have equal lengths",
        ));
    }
    let method = match method {
        None => None,
        Some(m) => Some(fusion_method(
            FUSION_MODES.iter().position(|x| *x == m).ok_or_else(|| {
                invalid_arg(format!(
                    "method must be one of {}, got {m:?}",
                    FUSION_MODES.join(", ")
                ))
            })?,
        )),
    };
    let signals: Vec<SourceSignal> = (0..n)
        .map(|i| SourceSignal {
            direction: directions[i],
            confidence: confidences[i],
            age: ages.as_ref().map_or(0.0, |a| a[i]),
        })
        .collect();
    let saved = h.inner.params().method;
    if let Some(m) = method {
        h.inner.set_method(m);
    }
    let mut contrib = vec![0.0; n];
    let r = h.inner.fuse(&signals, &mut contrib);
    h.inner.set_method(saved);
    let r = r.or_throw()?;
    Ok(Out::new()
        .set("direction", i32::from(r.direction))
        .set("confidence", r.confidence)
        .set("score", r.score)
        .set("participants", r.participants as u32)
        .float64("contributions", &contrib)
        .build())
}

// ------------------------------------------------------------------------------ ensemble

/// Weighted ensemble of Beta forecasts (the handle of `ensemble*` functions).
#[wasm_bindgen(js_name = "EnsembleHandle")]
#[derive(Debug)]
pub struct EnsembleHandle {
    inner: Ensemble,
}

/// Creates the ensemble; `ERR_INVALID_PARAM` / `ERR_INVALID_INPUT` name a bad option.
#[wasm_bindgen(js_name = "ensembleNew")]
pub fn ensemble_new(options: JsValue) -> Result<EnsembleHandle> {
    let o = Opts::required(&options, "EnsembleOptions")?;
    let regime_weights = match o.list("regimeWeights")? {
        None => Vec::new(),
        Some(rows) => rows
            .iter()
            .enumerate()
            .map(|(i, r)| f64s(r, &format!("EnsembleOptions.regimeWeights[{i}]")))
            .collect::<Result<Vec<Vec<f64>>>>()?,
    };
    let mut inner = Ensemble::new(EnsembleParams {
        weights: o.req_f64s("weights")?,
        regime_weights,
        disagreement_penalty: o.f64("disagreementPenalty")?.unwrap_or(0.5),
    })
    .or_throw()?;
    if let Some(k) = o.obj("calibration")? {
        inner.set_calibrator(Some(calibrator(&k)?));
    }
    Ok(EnsembleHandle { inner })
}

/// Number of models.
#[wasm_bindgen(js_name = "ensembleModels")]
pub fn ensemble_models(h: &EnsembleHandle) -> u32 {
    h.inner.models() as u32
}

/// Number of regimes (0 without regime weights).
#[wasm_bindgen(js_name = "ensembleRegimes")]
pub fn ensemble_regimes(h: &EnsembleHandle) -> u32 {
    h.inner.regimes() as u32
}

/// Sets the calibration knots, or clears calibration with `null`.
#[wasm_bindgen(js_name = "ensembleSetCalibration")]
pub fn ensemble_set_calibration(h: &mut EnsembleHandle, knots: JsValue) -> Result<()> {
    let c = if knots.is_undefined() || knots.is_null() {
        None
    } else {
        Some(calibrator(&Opts::required(&knots, "CalibrationKnots")?)? as Box<dyn Calibrator>)
    };
    h.inner.set_calibrator(c);
    Ok(())
}

/// Combines one Beta(α, β) forecast per model; `regime` gives the regime probabilities.
#[wasm_bindgen(js_name = "ensembleCombine")]
pub fn ensemble_combine(
    h: &EnsembleHandle,
    alphas: &[f64],
    betas: &[f64],
    regime: Option<Vec<f64>>,
) -> Result<JsValue> {
    if alphas.len() != betas.len() {
        return Err(invalid_arg("alphas and betas must have equal lengths"));
    }
    let fc: Vec<BetaForecast> = alphas
        .iter()
        .zip(betas)
        .map(|(a, b)| BetaForecast::new(*a, *b))
        .collect();
    let mut w = vec![0.0; fc.len()];
    let r = h.inner.combine(&fc, regime.as_deref(), &mut w).or_throw()?;
    Ok(Out::new()
        .set("direction", i32::from(r.direction))
        .set("confidence", r.confidence)
        .set("probability", r.probability)
        .set("rawProbability", r.raw_probability)
        .set("disagreement", r.disagreement)
        .set("alpha", r.alpha)
        .set("beta", r.beta)
        .float64("weights", &w)
        .build())
}
