//! Options of the indicator bindings and their mapping to `tachyon_indicators` (defaults and
//! validation live here; range checks are the pure crate's).

use napi_derive::napi;
use tachyon_indicators::{EmaSeed, Layout, Spec};

use crate::error::{invalid_arg, Result};

/// How an EMA starts.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmaSeedMode {
    /// First output at bar `period − 1`: the SMA of the first `period` values (TA-Lib, TTR).
    Sma,
    /// First output at bar 0: the first value (pandas `ewm(adjust=False)`).
    First,
}

/// A period (bars). Default per indicator (see each class).
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct PeriodOptions {
    /// Number of bars.
    pub period: Option<u32>,
}

/// EMA options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct EmaOptions {
    /// Number of bars (α = 2/(period+1)); default 20.
    pub period: Option<u32>,
    /// Seeding; default `'sma'`.
    pub seed: Option<EmaSeedMode>,
}

/// MACD options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct MacdOptions {
    /// Fast EMA period; default 12.
    pub fast: Option<u32>,
    /// Slow EMA period; default 26.
    pub slow: Option<u32>,
    /// Signal EMA period; default 9.
    pub signal: Option<u32>,
}

/// Bollinger options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct BollingerOptions {
    /// Window; default 20.
    pub period: Option<u32>,
    /// Band width in population standard deviations; default 2.
    pub std_dev: Option<f64>,
}

/// Stochastic options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct StochasticOptions {
    /// Raw %K window; default 14.
    pub k_period: Option<u32>,
    /// SMA smoothing of %K (1 = fast stochastic); default 3.
    pub k_smooth: Option<u32>,
    /// SMA period of %D; default 3.
    pub d_period: Option<u32>,
}

/// VWAP options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VwapOptions {
    /// Rolling window in bars; omit for an anchored (cumulative) VWAP reset by `reset()`.
    pub period: Option<u32>,
}

/// Keltner options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct KeltnerOptions {
    /// EMA period of the middle line; default 20.
    pub period: Option<u32>,
    /// Band width in ATRs; default 2.
    pub multiplier: Option<f64>,
    /// ATR period; default `period`.
    pub atr_period: Option<u32>,
}

/// Ichimoku options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct IchimokuOptions {
    /// Conversion-line window; default 9.
    pub tenkan: Option<u32>,
    /// Base-line window; default 26.
    pub kijun: Option<u32>,
    /// Leading-span-B window; default 52.
    pub senkou: Option<u32>,
    /// Forward shift of the leading spans; default 26.
    pub displacement: Option<u32>,
}

/// Parabolic SAR options.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct SarOptions {
    /// Acceleration step; default 0.02.
    pub acceleration: Option<f64>,
    /// Maximum acceleration; default 0.2.
    pub maximum: Option<f64>,
}

/// Indicator kinds of an `IndicatorBank`.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorKind {
    Sma,
    Ema,
    Wma,
    Rsi,
    Macd,
    Bollinger,
    Atr,
    Adx,
    Stochastic,
    WilliamsR,
    Obv,
    Cci,
    Mfi,
    Vwap,
    Keltner,
    Donchian,
    Ichimoku,
    ParabolicSar,
}

/// One indicator of a bank: `kind` plus that kind's options (same names and defaults as the
/// single classes).
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct IndicatorSpec {
    pub kind: IndicatorKind,
    pub period: Option<u32>,
    pub seed: Option<EmaSeedMode>,
    pub fast: Option<u32>,
    pub slow: Option<u32>,
    pub signal: Option<u32>,
    pub std_dev: Option<f64>,
    pub k_period: Option<u32>,
    pub k_smooth: Option<u32>,
    pub d_period: Option<u32>,
    pub multiplier: Option<f64>,
    pub atr_period: Option<u32>,
    pub tenkan: Option<u32>,
    pub kijun: Option<u32>,
    pub senkou: Option<u32>,
    pub displacement: Option<u32>,
    pub acceleration: Option<f64>,
    pub maximum: Option<f64>,
}

/// Feature-matrix layout of a bank.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixLayout {
    /// `features[i·F + f]`: one feature vector per instrument (default).
    InstrumentMajor,
    /// `features[f·N + i]`: one contiguous column per feature.
    FeatureMajor,
}

/// Options of an `IndicatorBank`.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct IndicatorBankOptions {
    /// Number of instruments `N` (1 … 16,777,216).
    pub instruments: u32,
    /// The indicators, in feature order.
    pub indicators: Vec<IndicatorSpec>,
    /// Matrix layout; default `'instrumentMajor'`.
    pub layout: Option<MatrixLayout>,
}

fn p(x: Option<u32>, d: usize) -> usize {
    x.map_or(d, |v| v as usize)
}

pub fn ema_seed(s: Option<EmaSeedMode>) -> EmaSeed {
    match s {
        Some(EmaSeedMode::First) => EmaSeed::First,
        _ => EmaSeed::Sma,
    }
}

impl From<&IndicatorSpec> for Spec {
    fn from(s: &IndicatorSpec) -> Spec {
        match s.kind {
            IndicatorKind::Sma => Spec::Sma(p(s.period, 20)),
            IndicatorKind::Ema => Spec::Ema(p(s.period, 20), ema_seed(s.seed)),
            IndicatorKind::Wma => Spec::Wma(p(s.period, 20)),
            IndicatorKind::Rsi => Spec::Rsi(p(s.period, 14)),
            IndicatorKind::Macd => Spec::Macd(p(s.fast, 12), p(s.slow, 26), p(s.signal, 9)),
            IndicatorKind::Bollinger => Spec::Bollinger(p(s.period, 20), s.std_dev.unwrap_or(2.0)),
            IndicatorKind::Atr => Spec::Atr(p(s.period, 14)),
            IndicatorKind::Adx => Spec::Adx(p(s.period, 14)),
            IndicatorKind::Stochastic => {
                Spec::Stochastic(p(s.k_period, 14), p(s.k_smooth, 3), p(s.d_period, 3))
            }
            IndicatorKind::WilliamsR => Spec::WilliamsR(p(s.period, 14)),
            IndicatorKind::Obv => Spec::Obv,
            IndicatorKind::Cci => Spec::Cci(p(s.period, 20)),
            IndicatorKind::Mfi => Spec::Mfi(p(s.period, 14)),
            IndicatorKind::Vwap => Spec::Vwap(s.period.map(|v| v as usize)),
            IndicatorKind::Keltner => {
                let n = p(s.period, 20);
                Spec::Keltner(n, s.multiplier.unwrap_or(2.0), p(s.atr_period, n))
            }
            IndicatorKind::Donchian => Spec::Donchian(p(s.period, 20)),
            IndicatorKind::Ichimoku => Spec::Ichimoku(
                p(s.tenkan, 9),
                p(s.kijun, 26),
                p(s.senkou, 52),
                p(s.displacement, 26),
            ),
            IndicatorKind::ParabolicSar => {
                Spec::ParabolicSar(s.acceleration.unwrap_or(0.02), s.maximum.unwrap_or(0.2))
            }
        }
    }
}

/// The pure crate's layout.
#[must_use]
pub fn layout_of(l: Option<MatrixLayout>) -> Layout {
    match l {
        Some(MatrixLayout::FeatureMajor) => Layout::FeatureMajor,
        _ => Layout::InstrumentMajor,
    }
}

/// Timestamps given as JS numbers (safe integers, any unit) → `i64`.
///
/// # Errors
/// `ERR_INVALID_ARG` for a value that is not a safe integer.
pub fn timestamps(ts: &[f64]) -> Result<Vec<i64>> {
    ts.iter()
        .enumerate()
        .map(|(i, &t)| {
            crate::options::safe_integer(t, "ts")
                .map_err(|_| invalid_arg(format!("ts[{i}] must be a safe integer, got {t}")))
        })
        .collect()
}

/// One optional timestamp.
///
/// # Errors
/// `ERR_INVALID_ARG` for a value that is not a safe integer.
pub fn timestamp(ts: Option<f64>) -> Result<i64> {
    match ts {
        None => Ok(tachyon_indicators::NO_TS),
        Some(t) => crate::options::safe_integer(t, "ts"),
    }
}
