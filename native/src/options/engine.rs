//! Options of the engine bindings: strategies, risk configuration, sizing rules, control modes.
//! The JS keys are the documented config keys; validation (with the field named) happens in
//! `tachyon_engine`, except for the shape checks done here (mode names, sizing rule kinds).

use napi::bindgen_prelude::{BigInt, Either};
use napi_derive::napi;
use tachyon_core::{InstrumentSpec, Timestamp};
use tachyon_engine::breakers::{BreakerConfig, ModeRule, TriggerRule};
use tachyon_engine::control::{ControlConfig, Mode, Source};
use tachyon_engine::risk::{InstrumentRisk, RiskLimits, VenueSpec};
use tachyon_engine::{OrderSide, RiskConfig, StrategyConfig};
use tachyon_riskmath::Sizing;

use crate::error::{invalid_arg, Result};
use crate::options::{bigint_i64, safe_integer};

/// A trading mode.
#[napi(string_enum = "lowercase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlMode {
    /// Everything allowed within limits.
    Normal,
    /// No new orders.
    Pause,
    /// Only position-reducing orders, staged.
    Reduce,
    /// Cancel all and flatten; leaving it needs `reset`.
    Emergency,
}

impl From<ControlMode> for Mode {
    fn from(m: ControlMode) -> Self {
        match m {
            ControlMode::Normal => Self::Normal,
            ControlMode::Pause => Self::Pause,
            ControlMode::Reduce => Self::Reduce,
            ControlMode::Emergency => Self::Emergency,
        }
    }
}

impl From<Mode> for ControlMode {
    fn from(m: Mode) -> Self {
        match m {
            Mode::Normal => Self::Normal,
            Mode::Pause => Self::Pause,
            Mode::Reduce => Self::Reduce,
            Mode::Emergency => Self::Emergency,
        }
    }
}

/// Who asks for a mode change from JS.
#[napi(string_enum = "lowercase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlSource {
    /// The programmatic API (default).
    Api,
    /// The command line.
    Cli,
    /// A process signal.
    Signal,
}

/// The engine's source for an optional JS source (default `api`).
#[must_use]
pub fn source_of(s: Option<ControlSource>) -> Source {
    match s.unwrap_or(ControlSource::Api) {
        ControlSource::Api => Source::Api,
        ControlSource::Cli => Source::Cli,
        ControlSource::Signal => Source::Signal,
    }
}

/// Buy or sell.
#[napi(string_enum = "lowercase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeSide {
    /// Buy.
    Buy,
    /// Sell.
    Sell,
}

impl From<TradeSide> for OrderSide {
    fn from(s: TradeSide) -> Self {
        match s {
            TradeSide::Buy => Self::Buy,
            TradeSide::Sell => Self::Sell,
        }
    }
}

/// A decision strategy: weights, clamps, thresholds.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct StrategyOptions {
    /// One weight per feature; the feature count is its length (1 to 4096).
    pub weights: Vec<f64>,
    /// Added to the weighted sum; default 0.
    pub bias: Option<f64>,
    /// Lower clamp per feature (use `-Infinity` for none); default none.
    pub feature_min: Option<Vec<f64>>,
    /// Upper clamp per feature (use `Infinity` for none); default none.
    pub feature_max: Option<Vec<f64>>,
    /// The score is clamped to `[-scoreCap, scoreCap]`; confidence is `|score| / scoreCap`.
    pub score_cap: f64,
    /// Buy when `score >= buyThreshold` (in `(0, scoreCap]`).
    pub buy_threshold: f64,
    /// Sell when `score <= -sellThreshold` (in `(0, scoreCap]`).
    pub sell_threshold: f64,
    /// Force a kernel: `"scalar"`, `"avx2"` or `"avx512"`; default the fastest available.
    pub path: Option<String>,
}

impl From<&StrategyOptions> for StrategyConfig {
    fn from(o: &StrategyOptions) -> Self {
        Self {
            weights: o.weights.clone(),
            bias: o.bias.unwrap_or(0.0),
            feature_min: o.feature_min.clone(),
            feature_max: o.feature_max.clone(),
            score_cap: o.score_cap,
            buy_threshold: o.buy_threshold,
            sell_threshold: o.sell_threshold,
        }
    }
}

/// Account-wide risk limits (every key optional; defaults in the docs).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RiskLimitsOptions {
    /// Largest order notional in quote currency (decimal string); default none.
    pub max_order_notional: Option<String>,
    /// Largest |position notional| per symbol / equity; default 0.05.
    pub concentration: Option<f64>,
    /// |ρ| at or above which instruments count as one exposure; default 0.7.
    pub correlation_threshold: Option<f64>,
    /// Largest correlated exposure / equity; default 0.10.
    pub max_correlated_exposure: Option<f64>,
    /// Largest portfolio heat (Σ risk to stop) / equity; default 0.06.
    pub max_heat: Option<f64>,
    /// Risk of a position without a stop, as a fraction of its notional; default 0.02.
    pub default_stop_fraction: Option<f64>,
    /// Default per-venue leverage cap; default 3.
    pub max_leverage: Option<f64>,
    /// Soft drawdown from peak equity (only reducing orders; breaker → reduce); default 0.15.
    pub soft_drawdown: Option<f64>,
    /// Hard drawdown from peak equity (only reducing orders; breaker → emergency); default 0.20.
    pub hard_drawdown: Option<f64>,
    /// Daily loss as a fraction of the day's starting equity; default 0.05.
    pub daily_loss: Option<f64>,
    /// Orders approved per `rateWindowMs`; default 20.
    pub max_orders: Option<u32>,
    /// Order-rate window in ms; default 1000.
    pub rate_window_ms: Option<u32>,
    /// In reduce mode, largest cut of a position per order; default 0.5.
    pub reduce_stage: Option<f64>,
}

/// One breaker: threshold and resulting mode.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct TriggerOptions {
    /// Default true.
    pub enabled: Option<bool>,
    /// The breaker's threshold (see the docs for units).
    pub threshold: Option<f64>,
    /// Mode it moves to.
    pub mode: Option<ControlMode>,
}

/// A breaker whose threshold is a risk limit (drawdowns, daily loss).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ModeTriggerOptions {
    /// Default true.
    pub enabled: Option<bool>,
    /// Mode it moves to.
    pub mode: Option<ControlMode>,
}

/// Circuit breakers.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct BreakerOptions {
    /// Slippage above `threshold` × expected; default 3 → reduce.
    pub slippage: Option<TriggerOptions>,
    /// No quote for `threshold` ms; default 500 → pause.
    pub quote_staleness: Option<TriggerOptions>,
    /// Spread above `threshold` × recent median; default 5 → pause.
    pub spread: Option<TriggerOptions>,
    /// Spreads kept per instrument for the median; default 64.
    pub spread_window: Option<u32>,
    /// Spreads needed before the spread breaker can fire; default 20.
    pub spread_min_samples: Option<u32>,
    /// `threshold` venue errors within `venueErrorWindowMs`; default 5 → pause.
    pub venue_errors: Option<TriggerOptions>,
    /// Window of the venue-error breaker; default 10000.
    pub venue_error_window_ms: Option<u32>,
    /// Drawdown ≥ `limits.softDrawdown`; default → reduce.
    pub soft_drawdown: Option<ModeTriggerOptions>,
    /// Drawdown ≥ `limits.hardDrawdown`; default → emergency.
    pub hard_drawdown: Option<ModeTriggerOptions>,
    /// Daily loss ≥ `limits.dailyLoss`; default → pause.
    pub daily_loss: Option<ModeTriggerOptions>,
}

/// Kill-switch settings.
#[napi(object)]
#[derive(Clone, Default)]
pub struct ControlOptions {
    /// Secret needed by `reset()` to leave emergency (≥ 8 characters). Without it emergency is
    /// final for the process. Never logged or recorded.
    pub reset_key: Option<String>,
    /// Dead-man interval: emergency if `heartbeat()` is not called within it; default off.
    pub heartbeat_ms: Option<u32>,
}

impl std::fmt::Debug for ControlOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlOptions")
            .field("reset_key", &self.reset_key.as_ref().map(|_| "<redacted>"))
            .field("heartbeat_ms", &self.heartbeat_ms)
            .finish()
    }
}

/// A venue.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct VenueOptions {
    /// Unique name.
    pub name: String,
    /// Leverage cap on this venue; default `limits.maxLeverage`.
    pub max_leverage: Option<f64>,
}

/// An instrument with its risk settings.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RiskInstrumentOptions {
    /// Venue symbol, unique.
    pub symbol: String,
    /// Price increment (decimal string).
    pub tick_size: String,
    /// Quantity increment (decimal string).
    pub lot_size: String,
    /// Smallest order quantity; default one lot.
    pub min_qty: Option<String>,
    /// Largest order quantity; default unlimited.
    pub max_qty: Option<String>,
    /// Smallest order notional; default 0.
    pub min_notional: Option<String>,
    /// Largest order notional; default unlimited.
    pub max_notional: Option<String>,
    /// Venue name (one of `venues[].name`).
    pub venue: String,
    /// Largest |position| (decimal string); default unlimited.
    pub max_position: Option<String>,
}

/// Everything a risk engine is configured with.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RiskEngineOptions {
    /// Account-wide limits.
    pub limits: Option<RiskLimitsOptions>,
    /// Circuit breakers.
    pub breakers: Option<BreakerOptions>,
    /// Kill switch: reset key and dead-man interval.
    pub control: Option<ControlOptions>,
    /// Venues (ids are positions in this list).
    pub venues: Vec<VenueOptions>,
    /// Instruments (ids are positions in this list).
    pub instruments: Vec<RiskInstrumentOptions>,
}

fn trigger(o: Option<TriggerOptions>, d: TriggerRule) -> TriggerRule {
    let o = o.unwrap_or_default();
    TriggerRule {
        enabled: o.enabled.unwrap_or(d.enabled),
        threshold: o.threshold.unwrap_or(d.threshold),
        mode: o.mode.map_or(d.mode, Mode::from),
    }
}

fn mode_rule(o: Option<ModeTriggerOptions>, d: ModeRule) -> ModeRule {
    let o = o.unwrap_or_default();
    ModeRule {
        enabled: o.enabled.unwrap_or(d.enabled),
        mode: o.mode.map_or(d.mode, Mode::from),
    }
}

impl From<RiskInstrumentOptions> for InstrumentRisk {
    fn from(o: RiskInstrumentOptions) -> Self {
        Self {
            spec: InstrumentSpec {
                symbol: o.symbol,
                tick_size: o.tick_size,
                lot_size: o.lot_size,
                min_qty: o.min_qty,
                max_qty: o.max_qty,
                min_notional: o.min_notional,
                max_notional: o.max_notional,
            },
            venue: o.venue,
            max_position: o.max_position,
        }
    }
}

impl From<RiskEngineOptions> for RiskConfig {
    fn from(o: RiskEngineOptions) -> Self {
        let l = o.limits.unwrap_or_default();
        let d = RiskLimits::default();
        let limits = RiskLimits {
            max_order_notional: l.max_order_notional,
            concentration: l.concentration.unwrap_or(d.concentration),
            correlation_threshold: l.correlation_threshold.unwrap_or(d.correlation_threshold),
            max_correlated_exposure: l
                .max_correlated_exposure
                .unwrap_or(d.max_correlated_exposure),
            max_heat: l.max_heat.unwrap_or(d.max_heat),
            default_stop_fraction: l.default_stop_fraction.unwrap_or(d.default_stop_fraction),
            max_leverage: l.max_leverage.unwrap_or(d.max_leverage),
            soft_drawdown: l.soft_drawdown.unwrap_or(d.soft_drawdown),
            hard_drawdown: l.hard_drawdown.unwrap_or(d.hard_drawdown),
            daily_loss: l.daily_loss.unwrap_or(d.daily_loss),
            max_orders: l.max_orders.unwrap_or(d.max_orders),
            rate_window_ms: l.rate_window_ms.map_or(d.rate_window_ms, u64::from),
            reduce_stage: l.reduce_stage.unwrap_or(d.reduce_stage),
        };
        let b = o.breakers.unwrap_or_default();
        let db = BreakerConfig::default();
        let breakers = BreakerConfig {
            slippage: trigger(b.slippage, db.slippage),
            quote_staleness: trigger(b.quote_staleness, db.quote_staleness),
            spread: trigger(b.spread, db.spread),
            spread_window: b.spread_window.map_or(db.spread_window, |v| v as usize),
            spread_min_samples: b
                .spread_min_samples
                .map_or(db.spread_min_samples, |v| v as usize),
            venue_errors: trigger(b.venue_errors, db.venue_errors),
            venue_error_window_ms: b
                .venue_error_window_ms
                .map_or(db.venue_error_window_ms, u64::from),
            soft_drawdown: mode_rule(b.soft_drawdown, db.soft_drawdown),
            hard_drawdown: mode_rule(b.hard_drawdown, db.hard_drawdown),
            daily_loss: mode_rule(b.daily_loss, db.daily_loss),
        };
        let c = o.control.unwrap_or_default();
        Self {
            limits,
            breakers,
            control: ControlConfig {
                reset_key: c.reset_key,
                heartbeat_ms: c.heartbeat_ms.map(u64::from),
            },
            venues: o
                .venues
                .into_iter()
                .map(|v| VenueSpec {
                    name: v.name,
                    max_leverage: v.max_leverage,
                })
                .collect(),
            instruments: o.instruments.into_iter().map(Into::into).collect(),
        }
    }
}

/// A sizing rule. `kind` picks the formula; the other keys are its inputs.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SizingOptions {
    /// `"kelly"`, `"kellyContinuous"`, `"fixedFractional"`, `"volTarget"` or `"atrStop"`.
    pub kind: String,
    /// kelly: probability of a win.
    pub win_prob: Option<f64>,
    /// kelly: win/loss payoff ratio.
    pub payoff: Option<f64>,
    /// kelly, kellyContinuous: Kelly multiplier (capped at 0.25); default 0.25.
    pub multiplier: Option<f64>,
    /// kellyContinuous: expected excess return per period.
    pub mu: Option<f64>,
    /// kellyContinuous: volatility per period.
    pub sigma: Option<f64>,
    /// fixedFractional, atrStop: fraction of equity risked to the stop.
    pub risk_fraction: Option<f64>,
    /// fixedFractional, atrStop: entry price.
    pub entry: Option<f64>,
    /// fixedFractional: stop price.
    pub stop: Option<f64>,
    /// volTarget: target volatility.
    pub target_vol: Option<f64>,
    /// volTarget: forecast volatility (e.g. GARCH), same period as the target.
    pub forecast_vol: Option<f64>,
    /// atrStop: average true range.
    pub atr: Option<f64>,
    /// atrStop: stop distance in ATRs.
    pub atr_multiple: Option<f64>,
}

impl TryFrom<&SizingOptions> for Sizing {
    type Error = napi::Error<crate::error::ErrorCode>;

    fn try_from(o: &SizingOptions) -> Result<Self> {
        let need = |v: Option<f64>, name: &str| {
            v.ok_or_else(|| invalid_arg(format!("sizing kind {:?} needs `{name}`", o.kind)))
        };
        Ok(match o.kind.as_str() {
            "kelly" => Self::Kelly {
                win_prob: need(o.win_prob, "winProb")?,
                payoff: need(o.payoff, "payoff")?,
                multiplier: o.multiplier.unwrap_or(0.25),
            },
            "kellyContinuous" => Self::KellyContinuous {
                mu: need(o.mu, "mu")?,
                sigma: need(o.sigma, "sigma")?,
                multiplier: o.multiplier.unwrap_or(0.25),
            },
            "fixedFractional" => Self::FixedFractional {
                risk_fraction: need(o.risk_fraction, "riskFraction")?,
                entry: need(o.entry, "entry")?,
                stop: need(o.stop, "stop")?,
            },
            "volTarget" => Self::VolTarget {
                target_vol: need(o.target_vol, "targetVol")?,
                forecast_vol: need(o.forecast_vol, "forecastVol")?,
            },
            "atrStop" => Self::AtrStop {
                risk_fraction: need(o.risk_fraction, "riskFraction")?,
                entry: need(o.entry, "entry")?,
                atr: need(o.atr, "atr")?,
                atr_multiple: need(o.atr_multiple, "atrMultiple")?,
            },
            k => {
                return Err(invalid_arg(format!(
                    "sizing kind must be kelly, kellyContinuous, fixedFractional, volTarget or \
                     atrStop, got {k:?}"
                )))
            }
        })
    }
}

/// A timestamp argument in ns (bigint or safe-integer number); `None` → `default`.
///
/// # Errors
/// `ERR_INVALID_ARG` for a bigint outside i64 or a non-integer number.
pub fn time_arg(
    v: Option<&Either<BigInt, f64>>,
    default: impl FnOnce() -> Timestamp,
) -> Result<Timestamp> {
    Ok(match v {
        None => default(),
        Some(Either::A(b)) => Timestamp::from_nanos(bigint_i64(b, "nowNs")?),
        Some(Either::B(x)) => Timestamp::from_nanos(safe_integer(*x, "nowNs")?),
    })
}
