//! The risk engine as the `Oms` gate (`omsNew({ risk })`) and the functions that reach it
//! through the OMS handle (`omsRisk*`): one engine, owned by the OMS, so its limits, control
//! modes, breakers and transition log are the ones the OMS consults — no second copy.
//! Also the OMS's journal-recovery calls (`omsRestoreFill`, `omsRestoreOrder`).

use napi::bindgen_prelude::{BigInt, Either, External};
use napi_derive::napi;
use tachyon_core::{Clock, MonotonicClock, Notional, Quantity, Timestamp};
use tachyon_engine::RiskEngine;
use tachyon_oms::RiskGate;

use crate::binding_engine::{
    counters_of, flatten_orders_of, kill_on, request_mode_on, reset_on, transitions_of,
    venue_error_on, FlattenOrder, RiskCounts, TransitionRecord,
};
use crate::binding_oms::BindingOms;
use crate::error::{invalid_arg, invalid_state, OrThrow, Result};
use crate::options::engine::{time_arg, ControlMode, ControlSource, RiskEngineOptions};
use crate::options::oms::{instrument_of, price_of, qty_of, NsArg};
use crate::options::OrderInput;

/// Builds the gate of `omsNew({ risk })`.
///
/// # Errors
/// `ERR_INVALID_CONFIG` naming the bad key.
pub(crate) fn risk_gate(o: RiskEngineOptions) -> Result<RiskGate> {
    let now = MonotonicClock::new().now();
    Ok(RiskGate::new(RiskEngine::new(&o.into(), now).or_throw()?))
}

fn gate(h: &BindingOms) -> Result<&RiskGate> {
    h.inner
        .gate()
        .as_any()
        .and_then(|a| a.downcast_ref::<RiskGate>())
        .ok_or_else(no_engine)
}

fn gate_mut(h: &mut BindingOms) -> Result<&mut RiskGate> {
    h.inner
        .gate_mut()
        .as_any_mut()
        .and_then(|a| a.downcast_mut::<RiskGate>())
        .ok_or_else(no_engine)
}

fn no_engine() -> napi::Error<crate::error::ErrorCode> {
    invalid_state("this OMS has no risk engine: create it with `new Oms({ risk: { … } })`")
}

/// `nowNs`, or the wall-anchored clock.
fn now_of(v: Option<&Either<BigInt, f64>>) -> Result<Timestamp> {
    time_arg(v, || MonotonicClock::new().now())
}

/// Whether this OMS's gate is the risk engine.
#[napi]
pub fn oms_has_risk(h: &External<BindingOms>) -> bool {
    gate(h).is_ok()
}

/// Operator command to the OMS's risk engine: go to `mode` (not out of emergency; use
/// `omsRiskReset`). Returns the transition, or `null` if already there.
#[napi(catch_unwind)]
pub fn oms_risk_request_mode(
    h: &External<BindingOms>,
    mode: ControlMode,
    reason: String,
    source: Option<ControlSource>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let now = now_of(now_ns.as_ref())?;
    request_mode_on(gate(h)?.engine(), mode, &reason, source, now)
}

/// The kill switch of the OMS's risk engine: emergency now.
#[napi(catch_unwind)]
pub fn oms_risk_kill(
    h: &External<BindingOms>,
    reason: String,
    source: Option<ControlSource>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let now = now_of(now_ns.as_ref())?;
    Ok(kill_on(gate(h)?.engine(), &reason, source, now))
}

/// Leaves emergency for `to` with the reset key (`ERR_RESET_DENIED` otherwise).
#[napi(catch_unwind)]
pub fn oms_risk_reset(
    h: &External<BindingOms>,
    key: String,
    to: ControlMode,
    operator: String,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<TransitionRecord> {
    let now = now_of(now_ns.as_ref())?;
    reset_on(gate(h)?.engine(), &key, to, &operator, now)
}

/// The risk engine's mode transitions with `seq > afterSeq` (default all), oldest first.
#[napi(catch_unwind)]
pub fn oms_risk_transitions(
    h: &External<BindingOms>,
    after_seq: Option<u32>,
) -> Result<Vec<TransitionRecord>> {
    Ok(transitions_of(gate(h)?.engine(), after_seq))
}

/// New account equity (decimal string or number); may trip the drawdown / daily-loss
/// breakers (the transition is returned).
#[napi(catch_unwind)]
pub fn oms_risk_set_equity(
    h: &mut External<BindingOms>,
    equity: Either<String, f64>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let f = match &equity {
        Either::A(t) => tachyon_core::Fixed::parse_auto(t),
        Either::B(x) if x.is_finite() => tachyon_core::Fixed::parse_auto(&x.to_string()),
        Either::B(x) => return Err(invalid_arg(format!("equity must be finite, got {x}"))),
    }
    .or_throw()?;
    let e = Notional::from_mantissa(f.mantissa(), f.scale()).or_throw()?;
    let now = now_of(now_ns.as_ref())?;
    Ok(gate_mut(h)?.engine_mut().set_equity(e, now).map(Into::into))
}

/// The risk engine's mark price of an instrument (exposure, concentration, P&L).
#[napi(catch_unwind)]
pub fn oms_risk_mark(
    h: &mut External<BindingOms>,
    instrument: u32,
    price: Either<String, f64>,
) -> Result<()> {
    let p = price_of(instrument_of(&h.inner, instrument)?, &price)?;
    gate_mut(h)?.engine_mut().mark(instrument, p).or_throw()
}

/// The risk engine's position in an instrument (decimal string): what the OMS has told it.
#[napi(catch_unwind)]
pub fn oms_risk_position(h: &External<BindingOms>, instrument: u32) -> Result<String> {
    gate(h)?
        .engine()
        .position(instrument)
        .map(|q| q.to_string())
        .ok_or_else(|| invalid_arg(format!("unknown instrument id {instrument}")))
}

/// Totals of the risk engine's checks (per rejection code).
#[napi(catch_unwind)]
pub fn oms_risk_counters(h: &External<BindingOms>) -> Result<RiskCounts> {
    Ok(counters_of(gate(h)?.engine()))
}

/// Fills the risk engine could not book (each leaves its position unchanged).
#[napi(catch_unwind)]
pub fn oms_risk_fill_errors(h: &External<BindingOms>) -> Result<f64> {
    Ok(gate(h)?.fill_errors() as f64)
}

/// An error from a venue (id or name): feeds the venue-error breaker.
#[napi(catch_unwind)]
pub fn oms_risk_on_venue_error(
    h: &mut External<BindingOms>,
    venue: Either<u32, String>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let now = now_of(now_ns.as_ref())?;
    venue_error_on(gate_mut(h)?.engine_mut(), venue, now)
}

/// The orders that flatten every open position at its mark (emergency).
#[napi(catch_unwind)]
pub fn oms_risk_flatten_orders(h: &External<BindingOms>) -> Result<Vec<FlattenOrder>> {
    Ok(flatten_orders_of(gate(h)?.engine()))
}

/// Books a fill from before this OMS existed (journal recovery): the position and the gate
/// (risk engine) move, no order is involved. `fee` is in quote currency at price + quantity
/// scale. Bad values throw with their code, are counted and change nothing.
#[napi(catch_unwind)]
pub fn oms_restore_fill(
    h: &mut External<BindingOms>,
    instrument: u32,
    side: crate::options::OrderSide,
    price: Either<String, f64>,
    qty: Either<String, f64>,
    fee: Option<String>,
    #[napi(ts_arg_type = "bigint | number")] ts_ns: NsArg,
) -> Result<()> {
    let inst = instrument_of(&h.inner, instrument)?;
    let (p, q) = (price_of(inst, &price)?, qty_of(inst, &qty)?);
    let fee = match fee {
        Some(t) => Notional::parse(&t, inst.price_scale() + inst.qty_scale())
            .or_throw()?
            .mantissa(),
        None => 0,
    };
    let ts = ts_ns.get("tsNs")?;
    h.inner
        .restore_fill(instrument, side.into(), p.mantissa(), q.mantissa(), fee, ts)
        .or_throw()
}

/// Takes over an order already working at the venue (journal recovery after a restart):
/// recorded as accepted, or partially filled with `filled` and `filledNotional` (Σ price ×
/// quantity of its earlier fills, a decimal at price + quantity scale), without the gate and
/// without a venue command. Returns its order id. Later fills arrive with `omsOnVenueEvent`.
#[napi(catch_unwind)]
pub fn oms_restore_order(
    h: &mut External<BindingOms>,
    order: OrderInput,
    filled: Option<Either<String, f64>>,
    filled_notional: Option<String>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<f64> {
    let req = order.to_request(&mut h.inner)?;
    let inst = instrument_of(&h.inner, req.instrument)?;
    let f = filled
        .as_ref()
        .map(|v| qty_of(inst, v))
        .transpose()?
        .map_or(0, Quantity::mantissa);
    let n = match filled_notional {
        Some(t) => Notional::parse(&t, inst.price_scale() + inst.qty_scale())
            .or_throw()?
            .mantissa(),
        None => 0,
    };
    let now = now_ns.get("nowNs")?;
    Ok(h.inner
        .restore_order(&req, f, i128::from(n), now)
        .or_throw()?
        .0 as f64)
}
