//! Risk configuration and its validation. Field names in errors are the documented config keys
//! (the same keys the TypeScript `RiskEngine` accepts), e.g. `limits.concentration` or
//! `instruments[2].tickSize`.

use tachyon_core::{Instrument, InstrumentSpec, Notional, Quantity};

use crate::breakers::BreakerConfig;
use crate::control::ControlConfig;
use crate::error::EngineError;

/// Account-wide limits. Fractions are of current equity unless stated otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskLimits {
    /// `limits.maxOrderNotional`: largest notional of one order in quote currency, a decimal
    /// string compared exactly. `None`: only the instrument's `maxNotional` applies.
    pub max_order_notional: Option<String>,
    /// `limits.concentration`: largest |position notional| per symbol / equity. Default 0.05.
    pub concentration: f64,
    /// `limits.correlationThreshold`: instruments with |ρ| at or above it count as one
    /// exposure. Default 0.7.
    pub correlation_threshold: f64,
    /// `limits.maxCorrelatedExposure`: largest |Σ sign(ρ)·notional| over an instrument and its
    /// correlated partners / equity. Default 0.10.
    pub max_correlated_exposure: f64,
    /// `limits.maxHeat`: largest portfolio heat (Σ risk to stop) / equity. Default 0.06.
    pub max_heat: f64,
    /// `limits.defaultStopFraction`: risk of a position without a stop, as a fraction of its
    /// notional. Default 0.02.
    pub default_stop_fraction: f64,
    /// `limits.maxLeverage`: default per-venue leverage cap (gross notional / equity).
    /// Default 3.
    pub max_leverage: f64,
    /// `limits.softDrawdown`: from peak equity; non-reducing orders refused and the
    /// `softDrawdown` breaker fires. Default 0.15.
    pub soft_drawdown: f64,
    /// `limits.hardDrawdown`: from peak equity; non-reducing orders refused and the
    /// `hardDrawdown` breaker fires. Default 0.20.
    pub hard_drawdown: f64,
    /// `limits.dailyLoss`: loss since `startDay` as a fraction of the day's starting equity.
    /// Default 0.05.
    pub daily_loss: f64,
    /// `limits.maxOrders`: orders approved per `limits.rateWindowMs`. Default 20.
    pub max_orders: u32,
    /// `limits.rateWindowMs`: sliding window of the order rate limit. Default 1000.
    pub rate_window_ms: u64,
    /// `limits.reduceStage`: in Reduce mode one order may cut at most this fraction of the
    /// position (rounded up to a lot, at least the minimum quantity). Default 0.5.
    pub reduce_stage: f64,
}

impl Default for RiskLimits {
    fn default() -> Self {
        Self {
            max_order_notional: None,
            concentration: 0.05,
            correlation_threshold: 0.7,
            max_correlated_exposure: 0.10,
            max_heat: 0.06,
            default_stop_fraction: 0.02,
            max_leverage: 3.0,
            soft_drawdown: 0.15,
            hard_drawdown: 0.20,
            daily_loss: 0.05,
            max_orders: 20,
            rate_window_ms: 1_000,
            reduce_stage: 0.5,
        }
    }
}

/// A venue.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueSpec {
    /// `venues[i].name`, unique.
    pub name: String,
    /// `venues[i].maxLeverage`: this venue's cap; default `limits.maxLeverage`.
    pub max_leverage: Option<f64>,
}

/// An instrument and its risk settings.
#[derive(Debug, Clone, PartialEq)]
pub struct InstrumentRisk {
    /// Tick, lot, min/max quantity and notional (`instruments[i].tickSize` …).
    pub spec: InstrumentSpec,
    /// `instruments[i].venue`: the venue's name.
    pub venue: String,
    /// `instruments[i].maxPosition`: largest |position| in base units (decimal string).
    pub max_position: Option<String>,
}

/// Everything a [`crate::RiskEngine`] is configured with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RiskConfig {
    /// Account-wide limits.
    pub limits: RiskLimits,
    /// Circuit breakers.
    pub breakers: BreakerConfig,
    /// Reset key and dead-man interval.
    pub control: ControlConfig,
    /// Venues (ids are positions in this list).
    pub venues: Vec<VenueSpec>,
    /// Instruments (ids are positions in this list; more can be added later).
    pub instruments: Vec<InstrumentRisk>,
}

fn bad(field: impl Into<String>, reason: impl Into<String>) -> EngineError {
    EngineError::Config {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Limits after validation.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub(crate) max_order_notional: Option<Notional>,
    pub(crate) concentration: f64,
    pub(crate) correlation_threshold: f64,
    pub(crate) max_correlated_exposure: f64,
    pub(crate) max_heat: f64,
    pub(crate) default_stop_fraction: f64,
    pub(crate) max_leverage: f64,
    pub(crate) soft_drawdown: f64,
    pub(crate) hard_drawdown: f64,
    pub(crate) daily_loss: f64,
    pub(crate) max_orders: u32,
    pub(crate) rate_window_ns: i64,
    pub(crate) reduce_stage: f64,
}

fn fraction(v: f64, key: &str, allow_one: bool) -> Result<f64, EngineError> {
    let ok = v.is_finite() && v > 0.0 && (v < 1.0 || (allow_one && v == 1.0));
    if ok {
        Ok(v)
    } else {
        let range = if allow_one { "(0, 1]" } else { "(0, 1)" };
        Err(bad(
            format!("limits.{key}"),
            format!("must be in {range}, got {v}"),
        ))
    }
}

impl RiskLimits {
    pub(crate) fn validate(&self) -> Result<Limits, EngineError> {
        let max_order_notional = match &self.max_order_notional {
            None => None,
            Some(t) => {
                let n = tachyon_core::Fixed::parse_auto(t)
                    .and_then(|f| Notional::from_mantissa(f.mantissa(), f.scale()))
                    .map_err(|e| bad("limits.maxOrderNotional", e.to_string()))?;
                if !n.is_positive() {
                    return Err(bad(
                        "limits.maxOrderNotional",
                        format!("must be positive, got {t}"),
                    ));
                }
                Some(n)
            }
        };
        let concentration = fraction(self.concentration, "concentration", true)?;
        let correlation_threshold =
            fraction(self.correlation_threshold, "correlationThreshold", false)?;
        let max_correlated_exposure = self.max_correlated_exposure;
        if !(max_correlated_exposure.is_finite() && max_correlated_exposure > 0.0) {
            return Err(bad(
                "limits.maxCorrelatedExposure",
                format!("must be a positive number, got {max_correlated_exposure}"),
            ));
        }
        let max_heat = fraction(self.max_heat, "maxHeat", true)?;
        let default_stop_fraction =
            fraction(self.default_stop_fraction, "defaultStopFraction", true)?;
        if !(self.max_leverage.is_finite() && self.max_leverage > 0.0) {
            return Err(bad(
                "limits.maxLeverage",
                format!("must be a positive number, got {}", self.max_leverage),
            ));
        }
        let soft = fraction(self.soft_drawdown, "softDrawdown", false)?;
        let hard = fraction(self.hard_drawdown, "hardDrawdown", true)?;
        if soft >= hard {
            return Err(bad(
                "limits.softDrawdown",
                format!("{soft} must be below limits.hardDrawdown {hard}"),
            ));
        }
        let daily_loss = fraction(self.daily_loss, "dailyLoss", true)?;
        if self.max_orders == 0 {
            return Err(bad("limits.maxOrders", "must be at least 1"));
        }
        if self.max_orders > 1_000_000 {
            return Err(bad("limits.maxOrders", "must be at most 1000000"));
        }
        if self.rate_window_ms == 0 || self.rate_window_ms > 86_400_000 {
            return Err(bad(
                "limits.rateWindowMs",
                format!("must be 1 to 86400000, got {}", self.rate_window_ms),
            ));
        }
        let reduce_stage = fraction(self.reduce_stage, "reduceStage", true)?;
        Ok(Limits {
            max_order_notional,
            concentration,
            correlation_threshold,
            max_correlated_exposure,
            max_heat,
            default_stop_fraction,
            max_leverage: self.max_leverage,
            soft_drawdown: soft,
            hard_drawdown: hard,
            daily_loss,
            max_orders: self.max_orders,
            rate_window_ns: (self.rate_window_ms as i64) * 1_000_000,
            reduce_stage,
        })
    }
}

pub(crate) fn validate_venue(v: &VenueSpec, i: usize, default: f64) -> Result<f64, EngineError> {
    if v.name.trim().is_empty() {
        return Err(bad(format!("venues[{i}].name"), "must not be empty"));
    }
    let lev = v.max_leverage.unwrap_or(default);
    if !(lev.is_finite() && lev > 0.0) {
        return Err(bad(
            format!("venues[{i}].maxLeverage"),
            format!("must be a positive number, got {lev}"),
        ));
    }
    Ok(lev)
}

pub(crate) fn validate_instrument(
    r: &InstrumentRisk,
    i: usize,
) -> Result<(Instrument, Option<Quantity>), EngineError> {
    let inst = Instrument::new(&r.spec)
        .map_err(|e| bad(format!("instruments[{i}].{}", e.field()), e.to_string()))?;
    let max_position = match &r.max_position {
        None => None,
        Some(t) => {
            let q = inst
                .qty(t)
                .map_err(|e| bad(format!("instruments[{i}].maxPosition"), e.to_string()))?;
            if !q.is_positive() {
                return Err(bad(
                    format!("instruments[{i}].maxPosition"),
                    format!("must be positive, got {t}"),
                ));
            }
            Some(q)
        }
    };
    Ok((inst, max_position))
}
