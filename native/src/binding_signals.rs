//! Bindings of `tachyon_signals` as `External` handles plus free functions (`wyckoff_*`,
//! `volume_price_*`, `fusion_*`, `ensemble_*`); the TS layer wraps them in classes.

use napi::bindgen_prelude::{External, Float64Array, Uint16Array, Uint8Array};
use napi_derive::napi;
use tachyon_indicators::Bar;
use tachyon_signals::{
    BetaForecast, Ensemble, EnsembleParams, FusionParams, IsotonicCalibration, Phase, Schematic,
    SignalFusion, SourceSignal, Vpa, VpaFlag, Wyckoff, WyckoffOutput,
};

use crate::binding_indicators::{input_stats, InputStats};
use crate::error::{invalid_arg, OrThrow, Result};
use crate::options::indicators::timestamp;
use crate::options::signals::{
    CalibrationKnots, EnsembleOptions, FusionMode, SignalFusionOptions, VolumePriceOptions,
    WyckoffOptions,
};

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

/// One bar's Wyckoff reading.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct WyckoffReading {
    /// Events on this bar: `SC`, `BC`, `AR`, `ARe`, `ST`, `Spring`, `UT`, `SOS`, `SOW`.
    pub events: Vec<String>,
    /// The events as a bit mask (SC 1, BC 2, AR 4, ARe 8, ST 16, Spring 32, UT 64, SOS 128,
    /// SOW 256).
    pub mask: u32,
    /// Phase after this bar: `'none'` or `'A'` … `'E'`.
    pub phase: String,
    /// `'none'`, `'accumulation'` or `'distribution'`.
    pub schematic: String,
    /// Support of the tracked range (NaN if none).
    pub support: f64,
    /// Resistance of the tracked range (NaN before the AR).
    pub resistance: f64,
}

fn reading(o: &WyckoffOutput) -> WyckoffReading {
    WyckoffReading {
        events: o.event_list().map(|e| e.name().to_owned()).collect(),
        mask: u32::from(o.events),
        phase: phase_name(o.phase).to_owned(),
        schematic: schematic_name(o.schematic).to_owned(),
        support: o.support,
        resistance: o.resistance,
    }
}

/// Wyckoff readings of a batch, one entry per bar.
#[napi(object)]
#[allow(missing_debug_implementations)] // napi typed arrays do not implement Debug
pub struct WyckoffSeries {
    /// Event bit masks (see `WyckoffReading.mask`); 0 for refused bars.
    pub events: Uint16Array,
    /// Phases 0 (none) … 5 (E).
    pub phases: Uint8Array,
    /// Schematic 0 none, 1 accumulation, 2 distribution.
    pub schematics: Uint8Array,
    /// Range support (NaN if none or refused).
    pub support: Float64Array,
    /// Range resistance.
    pub resistance: Float64Array,
}

/// Wyckoff event detector and phase labeller.
#[derive(Debug)]
pub struct BindingWyckoff {
    inner: Wyckoff,
}

/// Creates the detector; `ERR_INVALID_PARAM` names a bad option.
#[napi(catch_unwind)]
pub fn wyckoff_new(options: Option<WyckoffOptions>) -> Result<External<BindingWyckoff>> {
    Ok(External::new(BindingWyckoff {
        inner: Wyckoff::new(options.unwrap_or_default().into()).or_throw()?,
    }))
}

/// Processes one bar; a bad bar throws a coded error (counted; state kept).
#[napi(catch_unwind)]
pub fn wyckoff_update(
    h: &mut External<BindingWyckoff>,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    ts: Option<f64>,
) -> Result<WyckoffReading> {
    let bar = Bar::hlcv(high, low, close, volume).at(timestamp(ts)?);
    Ok(reading(&h.inner.update(&bar).or_throw()?))
}

/// Processes columns of equal length; refused bars read as no event, NaN levels.
#[napi(catch_unwind)]
pub fn wyckoff_batch(
    h: &mut External<BindingWyckoff>,
    high: &[f64],
    low: &[f64],
    close: &[f64],
    volume: &[f64],
) -> Result<WyckoffSeries> {
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
    Ok(WyckoffSeries {
        events: Uint16Array::new(ev),
        phases: Uint8Array::new(ph),
        schematics: Uint8Array::new(sc),
        support: Float64Array::new(sup),
        resistance: Float64Array::new(res),
    })
}

/// How many times each event fired: SC, BC, AR, ARe, ST, Spring, UT, SOS, SOW.
#[napi]
pub fn wyckoff_event_counts(h: &External<BindingWyckoff>) -> Vec<f64> {
    h.inner.event_counts().iter().map(|c| *c as f64).collect()
}

/// Inputs accepted and refused by reason.
#[napi]
pub fn wyckoff_stats(h: &External<BindingWyckoff>) -> InputStats {
    input_stats(h.inner.input_stats())
}

/// Back to the initial state (counters kept).
#[napi]
pub fn wyckoff_reset(h: &mut External<BindingWyckoff>) {
    h.inner.reset();
}

/// One bar's volume-price reading.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct VolumePriceReading {
    /// Bit mask: 1 effort without result, 2 result without effort, 4 no demand, 8 no supply.
    pub flags: u32,
    pub effort_no_result: bool,
    pub result_no_effort: bool,
    pub no_demand: bool,
    pub no_supply: bool,
    /// Volume relative to its average (NaN during warm-up).
    pub effort: f64,
    /// Range relative to its average (NaN during warm-up).
    pub result: f64,
    /// Close position in the bar's range, 0 (low) … 1 (high).
    pub close_location: f64,
}

/// Volume-price analysis: effort vs result, no-demand and no-supply bars.
#[derive(Debug)]
pub struct BindingVolumePrice {
    inner: Vpa,
}

/// Creates the analyser; `ERR_INVALID_PARAM` names a bad option.
#[napi(catch_unwind)]
pub fn volume_price_new(
    options: Option<VolumePriceOptions>,
) -> Result<External<BindingVolumePrice>> {
    Ok(External::new(BindingVolumePrice {
        inner: Vpa::new(options.unwrap_or_default().into()).or_throw()?,
    }))
}

/// Analyses one bar; a bad bar throws a coded error (counted; state kept).
#[napi(catch_unwind)]
pub fn volume_price_update(
    h: &mut External<BindingVolumePrice>,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    ts: Option<f64>,
) -> Result<VolumePriceReading> {
    let bar = Bar::hlcv(high, low, close, volume).at(timestamp(ts)?);
    let o = h.inner.update(&bar).or_throw()?;
    Ok(VolumePriceReading {
        flags: u32::from(o.flags),
        effort_no_result: o.has(VpaFlag::EffortNoResult),
        result_no_effort: o.has(VpaFlag::ResultNoEffort),
        no_demand: o.has(VpaFlag::NoDemand),
        no_supply: o.has(VpaFlag::NoSupply),
        effort: o.effort,
        result: o.result,
        close_location: o.close_location,
    })
}

/// Flag counts: effort without result, result without effort, no demand, no supply.
#[napi]
pub fn volume_price_flag_counts(h: &External<BindingVolumePrice>) -> Vec<f64> {
    h.inner.flag_counts().iter().map(|c| *c as f64).collect()
}

/// Inputs accepted and refused by reason.
#[napi]
pub fn volume_price_stats(h: &External<BindingVolumePrice>) -> InputStats {
    input_stats(h.inner.input_stats())
}

/// A fused signal.
#[napi(object)]
#[allow(missing_debug_implementations)] // napi typed arrays do not implement Debug
pub struct FusionResult {
    /// −1, 0 (no signal) or +1.
    pub direction: i32,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Signed score (log-odds for bayesian/hybrid, vote balance for consensus, weighted mean
    /// for time-decay).
    pub score: f64,
    /// Sources that took part.
    pub participants: u32,
    /// Each source's contribution to the score (0 for abstainers).
    pub contributions: Float64Array,
}

/// Track records and fusion of several sources' directional signals.
#[derive(Debug)]
pub struct BindingSignalFusion {
    inner: SignalFusion,
}

/// Fusion of `sources` sources; `ERR_INVALID_PARAM` names a bad option.
#[napi(catch_unwind)]
pub fn fusion_new(
    sources: u32,
    options: Option<SignalFusionOptions>,
) -> Result<External<BindingSignalFusion>> {
    let p: FusionParams = options.unwrap_or_default().into();
    Ok(External::new(BindingSignalFusion {
        inner: SignalFusion::new(sources as usize, p).or_throw()?,
    }))
}

/// Number of sources.
#[napi]
pub fn fusion_sources(h: &External<BindingSignalFusion>) -> u32 {
    h.inner.sources() as u32
}

/// Records whether source `i`'s last signal was right.
#[napi(catch_unwind)]
pub fn fusion_record(
    h: &mut External<BindingSignalFusion>,
    source: u32,
    correct: bool,
) -> Result<()> {
    h.inner.record(source as usize, correct).or_throw()
}

/// Source `i`'s posterior mean accuracy.
#[napi(catch_unwind)]
pub fn fusion_accuracy(h: &External<BindingSignalFusion>, source: u32) -> Result<f64> {
    let a = h.inner.accuracy(source as usize);
    if a.is_nan() {
        return Err(invalid_arg(format!("source {source} is out of range")));
    }
    Ok(a)
}

/// Fuses one signal per source: `directions` (−1/0/1), `confidences` in [0, 1] and
/// optional `ages` (≥ 0, default 0). `method` overrides the configured one for this call.
#[napi(catch_unwind)]
pub fn fusion_fuse(
    h: &mut External<BindingSignalFusion>,
    directions: &[i8],
    confidences: &[f64],
    ages: Option<&[f64]>,
    method: Option<FusionMode>,
) -> Result<FusionResult> {
    let n = directions.len();
    if confidences.len() != n || ages.is_some_and(|a| a.len() != n) {
        return Err(invalid_arg(
            "directions, confidences and ages must have equal lengths",
        ));
    }
    let signals: Vec<SourceSignal> = (0..n)
        .map(|i| SourceSignal {
            direction: directions[i],
            confidence: confidences[i],
            age: ages.map_or(0.0, |a| a[i]),
        })
        .collect();
    let saved = h.inner.params().method;
    if let Some(m) = method {
        h.inner.set_method(m.into());
    }
    let mut contrib = vec![0.0; n];
    let r = h.inner.fuse(&signals, &mut contrib);
    h.inner.set_method(saved);
    let r = r.or_throw()?;
    Ok(FusionResult {
        direction: i32::from(r.direction),
        confidence: r.confidence,
        score: r.score,
        participants: r.participants as u32,
        contributions: Float64Array::new(contrib),
    })
}

/// The ensemble's combined forecast.
#[napi(object)]
#[allow(missing_debug_implementations)] // napi typed arrays do not implement Debug
pub struct EnsembleResult {
    /// −1, 0 or +1.
    pub direction: i32,
    /// `|2p − 1|·(1 − λ·disagreement)`.
    pub confidence: f64,
    /// Calibrated probability of an up move.
    pub probability: f64,
    /// Weighted mean probability before calibration.
    pub raw_probability: f64,
    /// Disagreement in [0, 1].
    pub disagreement: f64,
    /// Moment-matched Beta α of the mixture (NaN if undefined).
    pub alpha: f64,
    /// Moment-matched Beta β.
    pub beta: f64,
    /// Normalised effective weight of each model.
    pub weights: Float64Array,
}

/// Weighted ensemble of Beta(α, β) forecasts with regime weights, a disagreement penalty and
/// optional isotonic calibration.
#[derive(Debug)]
pub struct BindingEnsemble {
    inner: Ensemble,
}

fn calibrator(k: &CalibrationKnots) -> Result<Box<IsotonicCalibration>> {
    Ok(Box::new(
        IsotonicCalibration::from_knots(&k.xs, &k.ys).or_throw()?,
    ))
}

/// Creates the ensemble; `ERR_INVALID_PARAM` / `ERR_INVALID_INPUT` name a bad option.
#[napi(catch_unwind)]
pub fn ensemble_new(options: EnsembleOptions) -> Result<External<BindingEnsemble>> {
    let mut inner = Ensemble::new(EnsembleParams {
        weights: options.weights,
        regime_weights: options.regime_weights.unwrap_or_default(),
        disagreement_penalty: options.disagreement_penalty.unwrap_or(0.5),
    })
    .or_throw()?;
    if let Some(k) = &options.calibration {
        inner.set_calibrator(Some(calibrator(k)?));
    }
    Ok(External::new(BindingEnsemble { inner }))
}

/// Number of models.
#[napi]
pub fn ensemble_models(h: &External<BindingEnsemble>) -> u32 {
    h.inner.models() as u32
}

/// Number of regimes (0 without regime weights).
#[napi]
pub fn ensemble_regimes(h: &External<BindingEnsemble>) -> u32 {
    h.inner.regimes() as u32
}

/// Sets the calibration knots, or clears calibration with `null`.
#[napi(catch_unwind)]
pub fn ensemble_set_calibration(
    h: &mut External<BindingEnsemble>,
    knots: Option<CalibrationKnots>,
) -> Result<()> {
    let c = match &knots {
        Some(k) => Some(calibrator(k)? as Box<dyn tachyon_signals::Calibrator>),
        None => None,
    };
    h.inner.set_calibrator(c);
    Ok(())
}

/// Combines one Beta(α, β) forecast per model; `regime` gives the regime probabilities
/// (required when regime weights are configured).
#[napi(catch_unwind)]
pub fn ensemble_combine(
    h: &External<BindingEnsemble>,
    alphas: &[f64],
    betas: &[f64],
    regime: Option<&[f64]>,
) -> Result<EnsembleResult> {
    if alphas.len() != betas.len() {
        return Err(invalid_arg("alphas and betas must have equal lengths"));
    }
    let fc: Vec<BetaForecast> = alphas
        .iter()
        .zip(betas)
        .map(|(a, b)| BetaForecast::new(*a, *b))
        .collect();
    let mut w = vec![0.0; fc.len()];
    let r = h.inner.combine(&fc, regime, &mut w).or_throw()?;
    Ok(EnsembleResult {
        direction: i32::from(r.direction),
        confidence: r.confidence,
        probability: r.probability,
        raw_probability: r.raw_probability,
        disagreement: r.disagreement,
        alpha: r.alpha,
        beta: r.beta,
        weights: Float64Array::new(w),
    })
}
