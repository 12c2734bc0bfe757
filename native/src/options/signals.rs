//! Options of the signal bindings and their mapping to `tachyon_signals`.

use napi_derive::napi;
use tachyon_signals::{FusionMethod, FusionParams, VpaParams, WyckoffParams};

/// Wyckoff parameters (see the `Wyckoff` docs in `tachyon/signals` for the rules).
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct WyckoffOptions {
    /// ATR period (default 14).
    pub atr_period: Option<u32>,
    /// Average-volume period (default 20).
    pub volume_period: Option<u32>,
    /// Bars over which the prior trend is measured (default 20).
    pub trend_period: Option<u32>,
    /// Climax volume, × average volume (default 2).
    pub climax_volume: Option<f64>,
    /// Climax range, × ATR (default 1.5).
    pub climax_spread: Option<f64>,
    /// Prior trend a climax needs, in ATRs (default 3).
    pub trend_atr: Option<f64>,
    /// Minimum automatic rally/reaction, in ATRs (default 1.5).
    pub ar_min_atr: Option<f64>,
    /// Bars within which the AR must be confirmed (default 15).
    pub ar_window: Option<u32>,
    /// Secondary-test band around the climax level, in ATRs (default 0.5).
    pub st_tolerance_atr: Option<f64>,
    /// Secondary-test volume, × climax volume (default 0.7).
    pub st_volume_ratio: Option<f64>,
    /// Deepest spring / highest upthrust, in ATRs (default 1).
    pub spring_max_atr: Option<f64>,
    /// SOS/SOW volume, × average volume (default 1.5).
    pub sos_volume: Option<f64>,
    /// SOS/SOW range, × ATR (default 1).
    pub sos_spread: Option<f64>,
    /// Distance beyond the range that starts phase E, in ATRs (default 2).
    pub trend_exit_atr: Option<f64>,
    /// Bars after which an unresolved range is dropped (default 300).
    pub max_range_bars: Option<u32>,
}

impl From<WyckoffOptions> for WyckoffParams {
    fn from(o: WyckoffOptions) -> Self {
        let d = WyckoffParams::default();
        let u = |x: Option<u32>, v: usize| x.map_or(v, |x| x as usize);
        Self {
            atr_period: u(o.atr_period, d.atr_period),
            volume_period: u(o.volume_period, d.volume_period),
            trend_period: u(o.trend_period, d.trend_period),
            climax_volume: o.climax_volume.unwrap_or(d.climax_volume),
            climax_spread: o.climax_spread.unwrap_or(d.climax_spread),
            trend_atr: o.trend_atr.unwrap_or(d.trend_atr),
            ar_min_atr: o.ar_min_atr.unwrap_or(d.ar_min_atr),
            ar_window: u(o.ar_window, d.ar_window),
            st_tolerance_atr: o.st_tolerance_atr.unwrap_or(d.st_tolerance_atr),
            st_volume_ratio: o.st_volume_ratio.unwrap_or(d.st_volume_ratio),
            spring_max_atr: o.spring_max_atr.unwrap_or(d.spring_max_atr),
            sos_volume: o.sos_volume.unwrap_or(d.sos_volume),
            sos_spread: o.sos_spread.unwrap_or(d.sos_spread),
            trend_exit_atr: o.trend_exit_atr.unwrap_or(d.trend_exit_atr),
            max_range_bars: u(o.max_range_bars, d.max_range_bars),
        }
    }
}

/// Volume-price parameters.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VolumePriceOptions {
    /// Period of the volume and spread averages (default 20).
    pub period: Option<u32>,
    /// Relative volume counted as high (default 1.5).
    pub high_volume: Option<f64>,
    /// Relative volume counted as low (default 0.7).
    pub low_volume: Option<f64>,
    /// Relative spread counted as wide (default 1.3).
    pub wide_spread: Option<f64>,
    /// Relative spread counted as narrow (default 0.7).
    pub narrow_spread: Option<f64>,
}

impl From<VolumePriceOptions> for VpaParams {
    fn from(o: VolumePriceOptions) -> Self {
        let d = VpaParams::default();
        Self {
            period: o.period.map_or(d.period, |x| x as usize),
            high_volume: o.high_volume.unwrap_or(d.high_volume),
            low_volume: o.low_volume.unwrap_or(d.low_volume),
            wide_spread: o.wide_spread.unwrap_or(d.wide_spread),
            narrow_spread: o.narrow_spread.unwrap_or(d.narrow_spread),
        }
    }
}

/// Fusion method.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FusionMode {
    /// Log-odds pooling weighted by each source's track record.
    Bayesian,
    /// Majority with a quorum.
    Consensus,
    /// Confidence weights decaying with signal age.
    TimeDecay,
    /// Decayed Bayesian evidence behind a quorum, discounted by disagreement.
    Hybrid,
}

impl From<FusionMode> for FusionMethod {
    fn from(m: FusionMode) -> Self {
        match m {
            FusionMode::Bayesian => FusionMethod::Bayesian,
            FusionMode::Consensus => FusionMethod::Consensus,
            FusionMode::TimeDecay => FusionMethod::TimeDecay,
            FusionMode::Hybrid => FusionMethod::Hybrid,
        }
    }
}

/// Signal-fusion options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct SignalFusionOptions {
    /// Method (default 'bayesian').
    pub method: Option<FusionMode>,
    /// Beta prior hits of each source's hit rate (default 1).
    pub prior_hits: Option<f64>,
    /// Beta prior misses (default 1).
    pub prior_misses: Option<f64>,
    /// Forgetting factor of the track record in (0, 1] (default 1 = never forget).
    pub memory: Option<f64>,
    /// Minimum participating sources (consensus, hybrid) (default 1).
    pub quorum: Option<u32>,
    /// Share the winning side must exceed (consensus), in [0.5, 1) (default 0.5).
    pub majority: Option<f64>,
    /// Half-life of a signal's weight, in the unit of the ages you pass (default 1).
    pub half_life: Option<f64>,
    /// Cap on one source's log-likelihood ratio (default logit(0.99) ≈ 4.6).
    pub max_logit: Option<f64>,
}

impl From<SignalFusionOptions> for FusionParams {
    fn from(o: SignalFusionOptions) -> Self {
        let d = FusionParams::default();
        Self {
            method: o.method.map_or(d.method, FusionMethod::from),
            prior_hits: o.prior_hits.unwrap_or(d.prior_hits),
            prior_misses: o.prior_misses.unwrap_or(d.prior_misses),
            memory: o.memory.unwrap_or(d.memory),
            quorum: o.quorum.map_or(d.quorum, |q| q as usize),
            majority: o.majority.unwrap_or(d.majority),
            half_life: o.half_life.unwrap_or(d.half_life),
            max_logit: o.max_logit.unwrap_or(d.max_logit),
        }
    }
}

/// Isotonic calibration knots: `xs` strictly increasing, `ys` non-decreasing, all in [0, 1].
#[napi(object)]
#[derive(Debug, Clone)]
pub struct CalibrationKnots {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
}

/// Ensemble options.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct EnsembleOptions {
    /// Base weight per model (≥ 0); its length is the number of models.
    pub weights: Vec<f64>,
    /// Per-regime weight rows (one weight per model in each); omit for none.
    pub regime_weights: Option<Vec<Vec<f64>>>,
    /// Disagreement penalty λ in [0, 1]; default 0.5.
    pub disagreement_penalty: Option<f64>,
    /// Optional calibration map applied to the combined probability.
    pub calibration: Option<CalibrationKnots>,
}
