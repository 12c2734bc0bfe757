//! Options of the backtest bindings: sessions, native strategies, synthetic bars, splits.

use napi_derive::napi;
use tachyon_backtest::session::{FillAt, SessionConfig, VenueModel};
use tachyon_backtest::strategy::Direction;
use tachyon_backtest::FeeRate;
use tachyon_core::{InstrumentSpec, Quantity};

use crate::error::{invalid_arg, Result};
use crate::options::InstrumentOptions;

/// When market orders on bars fill.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FillAtOption {
    /// At the next bar's open (default).
    NextOpen,
    /// At once, at the last close.
    Close,
}

/// Which execution model a session's orders go to.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueModelName {
    /// Bars and trades with the documented conventions (default).
    Bars,
    /// L2 book replay through the simulated venue (queue position, depth walk, latency).
    L2,
}

/// Settings of a backtest / paper session (see `tachyon_backtest::session` for the execution
/// conventions).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BacktestSessionOptions {
    /// Instruments, in id order.
    pub instruments: Vec<InstrumentOptions>,
    /// Starting cash, a decimal string; default `"100000"`.
    pub initial_cash: Option<String>,
    /// Taker fee in basis points; default 0.
    pub taker_fee_bps: Option<f64>,
    /// Maker fee in basis points (negative = rebate); default 0.
    pub maker_fee_bps: Option<f64>,
    /// Market-order slippage in basis points; default 0.
    pub slippage_bps: Option<f64>,
    /// Bar fill convention; default `nextOpen`.
    pub fill_at: Option<FillAtOption>,
    /// Largest absolute position per instrument, decimal strings (`null` = no limit).
    pub max_position: Option<Vec<Option<String>>>,
    /// Gross exposure cap as a multiple of equity.
    pub max_leverage: Option<f64>,
    /// Sample the equity curve at most every this many milliseconds of market time (0 = at
    /// every new timestamp).
    pub sample_ms: Option<f64>,
    /// Least decimal places of money (cash, fees); default: the largest price + quantity scale.
    pub cash_scale: Option<u32>,
    /// Execution model; default `bars`. `l2` replays book levels and trades through the
    /// simulated venue (bars are refused as `BAR_IN_L2_MODE`).
    pub venue: Option<VenueModelName>,
    /// The simulated venue's settings in `l2` mode (seed, latency, queue model, impact, …).
    /// Without `fees` there, one tier from `takerFeeBps`/`makerFeeBps` applies.
    pub l2: Option<crate::options::sim::SimVenueOptions>,
}

/// Basis points as parts per million (exact for multiples of 0.01 bp).
fn ppm(v: Option<f64>, name: &str) -> Result<i64> {
    let p = v.unwrap_or(0.0) * 100.0;
    if !p.is_finite() || (p - p.round()).abs() > 1e-9 {
        return Err(invalid_arg(format!(
            "{name} must be a multiple of 0.01 bp in l2 mode, got {}",
            v.unwrap_or(0.0)
        )));
    }
    Ok(p.round() as i64)
}

fn bps(v: Option<f64>, name: &str) -> Result<FeeRate> {
    let v = v.unwrap_or(0.0);
    if !v.is_finite() {
        return Err(invalid_arg(format!(
            "{name} must be a finite number, got {v}"
        )));
    }
    Ok(FeeRate::from_bps(v))
}

impl TryFrom<BacktestSessionOptions> for SessionConfig {
    type Error = napi::Error<crate::error::ErrorCode>;

    fn try_from(o: BacktestSessionOptions) -> Result<Self> {
        let instruments: Vec<InstrumentSpec> = o
            .instruments
            .iter()
            .cloned()
            .map(InstrumentSpec::from)
            .collect();
        let mut max_position = Vec::new();
        for (i, m) in o.max_position.unwrap_or_default().into_iter().enumerate() {
            let Some(text) = m else {
                max_position.push(None);
                continue;
            };
            let spec = instruments
                .get(i)
                .ok_or_else(|| invalid_arg("maxPosition has more entries than instruments"))?;
            let lot = Quantity::parse_auto(&spec.lot_size)
                .map_err(|e| invalid_arg(format!("instruments[{i}].lotSize: {e}")))?;
            let q = Quantity::parse(&text, lot.scale())
                .map_err(|e| invalid_arg(format!("maxPosition[{i}]: {e}")))?;
            max_position.push(Some(q.mantissa()));
        }
        let venue = match o.venue.unwrap_or(VenueModelName::Bars) {
            VenueModelName::Bars => VenueModel::Bars,
            VenueModelName::L2 => {
                let own_fees = o.l2.as_ref().is_some_and(|l| l.fees.is_some());
                let mut sc = crate::options::sim::sim_config(o.l2.clone())?;
                if !own_fees {
                    sc.fees = tachyon_sim::FeeSchedule {
                        tiers: vec![tachyon_sim::FeeTier {
                            min_volume: tachyon_core::Notional::zero(0),
                            maker_ppm: ppm(o.maker_fee_bps, "makerFeeBps")?,
                            taker_ppm: ppm(o.taker_fee_bps, "takerFeeBps")?,
                        }],
                    };
                }
                VenueModel::L2(Box::new(sc))
            }
        };
        let sample_ms = o.sample_ms.unwrap_or(0.0);
        if !(sample_ms.is_finite() && sample_ms >= 0.0) {
            return Err(invalid_arg(format!(
                "sampleMs must be a non-negative number, got {sample_ms}"
            )));
        }
        Ok(SessionConfig {
            instruments,
            initial_cash: o.initial_cash.unwrap_or_else(|| "100000".into()),
            taker_fee: bps(o.taker_fee_bps, "takerFeeBps")?,
            maker_fee: bps(o.maker_fee_bps, "makerFeeBps")?,
            slippage: bps(o.slippage_bps, "slippageBps")?,
            fill_at: match o.fill_at.unwrap_or(FillAtOption::NextOpen) {
                FillAtOption::NextOpen => FillAt::NextOpen,
                FillAtOption::Close => FillAt::Close,
            },
            max_position,
            max_leverage: o.max_leverage,
            sample_ns: (sample_ms * 1e6) as i64,
            min_cash_scale: u8::try_from(o.cash_scale.unwrap_or(0))
                .ok()
                .filter(|s| *s <= 18)
                .ok_or_else(|| invalid_arg("cashScale must be between 0 and 18"))?,
            venue,
        })
    }
}

/// One feature of a decision strategy.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct FeatureOptions {
    /// `"emaGap"` (fast, slow), `"rsi"` (period), `"return"` (bars), `"bollingerB"` (period, k).
    pub kind: String,
    pub fast: Option<u32>,
    pub slow: Option<u32>,
    pub period: Option<u32>,
    pub bars: Option<u32>,
    /// Bollinger width in standard deviations; default 2.
    pub k: Option<f64>,
}

/// A strategy run entirely in Rust.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct NativeStrategyOptions {
    /// `"emaCross"` or `"decision"` (features scored by the decision engine).
    pub kind: String,
    /// Fast EMA period (emaCross); default 10.
    pub fast: Option<u32>,
    /// Slow EMA period (emaCross); default 30.
    pub slow: Option<u32>,
    /// Position size per instrument, a decimal string at the lot scale.
    pub qty: String,
    /// `true`: long or short; `false` (default): long or flat.
    pub long_short: Option<bool>,
    /// Features (decision).
    pub features: Option<Vec<FeatureOptions>>,
    /// One weight per feature (decision).
    pub weights: Option<Vec<f64>>,
    /// Added to the weighted sum; default 0.
    pub bias: Option<f64>,
    /// Lower clamp per feature.
    pub feature_min: Option<Vec<f64>>,
    /// Upper clamp per feature.
    pub feature_max: Option<Vec<f64>>,
    /// Score cap; default 1.
    pub score_cap: Option<f64>,
    /// Buy when the score is at least this; default 0.5.
    pub buy_threshold: Option<f64>,
    /// Sell when the score is at most minus this; default 0.5.
    pub sell_threshold: Option<f64>,
}

/// The decision strategy's features and engine parameters.
///
/// # Errors
/// `ERR_INVALID_ARG` naming the bad field.
pub fn decision_setup(
    o: &NativeStrategyOptions,
) -> Result<(
    Vec<tachyon_backtest::FeatureSpec>,
    tachyon_engine::StrategyConfig,
)> {
    use tachyon_backtest::FeatureSpec;
    let feats = o
        .features
        .as_ref()
        .ok_or_else(|| invalid_arg("strategy.features is required for kind \"decision\""))?;
    let mut specs = Vec::with_capacity(feats.len());
    for (i, f) in feats.iter().enumerate() {
        let need = |v: Option<u32>, name: &str| {
            v.map(|x| x as usize).ok_or_else(|| {
                invalid_arg(format!(
                    "strategy.features[{i}].{name} is required for {}",
                    f.kind
                ))
            })
        };
        specs.push(match f.kind.as_str() {
            "emaGap" => FeatureSpec::EmaGap { fast: need(f.fast, "fast")?, slow: need(f.slow, "slow")? },
            "rsi" => FeatureSpec::Rsi { period: need(f.period, "period")? },
            "return" => FeatureSpec::Return { bars: need(f.bars, "bars")? },
            "bollingerB" => FeatureSpec::BollingerB { period: need(f.period, "period")?, k: f.k.unwrap_or(2.0) },
            other => {
                return Err(invalid_arg(format!(
                    "strategy.features[{i}].kind must be emaGap, rsi, return or bollingerB, got {other:?}"
                )))
            }
        });
    }
    let weights = o
        .weights
        .clone()
        .ok_or_else(|| invalid_arg("strategy.weights is required for kind \"decision\""))?;
    Ok((
        specs,
        tachyon_engine::StrategyConfig {
            weights,
            bias: o.bias.unwrap_or(0.0),
            feature_min: o.feature_min.clone(),
            feature_max: o.feature_max.clone(),
            score_cap: o.score_cap.unwrap_or(1.0),
            buy_threshold: o.buy_threshold.unwrap_or(0.5),
            sell_threshold: o.sell_threshold.unwrap_or(0.5),
        },
    ))
}

/// A validated EMA-cross setup.
#[derive(Debug, Clone, Copy)]
pub struct EmaCrossSetup {
    pub fast: usize,
    pub slow: usize,
    pub direction: Direction,
}

/// Validates a native strategy (`qty` is parsed later, at the instruments' lot scale).
///
/// # Errors
/// `ERR_INVALID_ARG` naming the field.
pub fn ema_cross_setup(o: &NativeStrategyOptions) -> Result<EmaCrossSetup> {
    let fast = o.fast.unwrap_or(10) as usize;
    let slow = o.slow.unwrap_or(30) as usize;
    if fast == 0 || slow == 0 || fast >= slow || slow > 1_000_000 {
        return Err(invalid_arg(format!(
            "strategy needs 1 <= fast < slow <= 1000000, got fast {fast}, slow {slow}"
        )));
    }
    Ok(EmaCrossSetup {
        fast,
        slow,
        direction: if o.long_short.unwrap_or(false) {
            Direction::LongShort
        } else {
            Direction::LongOnly
        },
    })
}

/// Metric settings.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct MetricOptions {
    /// Periods per year (default: inferred from the curve's median spacing, 365.25-day year).
    pub periods_per_year: Option<f64>,
    /// Annual risk-free rate; default 0.
    pub risk_free: Option<f64>,
}

/// Settings of a synthetic bar series: a price process of `tachyon_stats::mc` on the tick grid.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SyntheticBarsOptions {
    /// Seed.
    pub seed: f64,
    /// `"gbm"` (default), `"merton"`, `"heston"` or `"ou"`.
    pub model: Option<String>,
    /// Merton: jumps per year; default 50.
    pub jump_intensity: Option<f64>,
    /// Merton: mean log jump; default 0.
    pub jump_mean: Option<f64>,
    /// Merton: standard deviation of a log jump; default 0.01.
    pub jump_std: Option<f64>,
    /// Heston: initial variance; default `sigma²`.
    pub v0: Option<f64>,
    /// Heston / OU: mean-reversion speed per year; default 2 (Heston), 50 (OU).
    pub kappa: Option<f64>,
    /// Heston: long-run variance (default `sigma²`); OU: long-run price (default the start price).
    pub theta: Option<f64>,
    /// Heston: volatility of variance; default 0.5.
    pub xi: Option<f64>,
    /// Heston: correlation of price and variance shocks; default −0.7.
    pub rho: Option<f64>,
    /// Instrument id written into the records; default 0.
    pub instrument: Option<u32>,
    /// First open price; default 65000.
    pub start_price: Option<f64>,
    /// Annual drift; default 0.
    pub mu: Option<f64>,
    /// Annual volatility as a fraction of price (OU: of the long-run price); default 0.6.
    pub sigma: Option<f64>,
    /// First bar's open time in ms since the epoch; default 2024-01-01.
    pub start_ms: Option<f64>,
    /// Bar length in ms; default 60000.
    pub bar_ms: Option<f64>,
    /// Path samples per bar; default 8.
    pub steps_per_bar: Option<u32>,
    /// Tick size, decimal string; default `"0.01"`.
    pub tick_size: Option<String>,
    /// Mean bar volume, decimal string in base units; default `"5"`.
    pub mean_volume: Option<String>,
    /// Lot size (scale of volume), decimal string; default `"0.00001"`.
    pub lot_size: Option<String>,
}
