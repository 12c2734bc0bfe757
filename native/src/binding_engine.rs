//! Bindings of `tachyon_engine` (decision engine, risk engine, control) and `tachyon_riskmath`
//! (VaR, sizing). Translation only.

use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::{
    BigInt, Either, External, Float64Array, Float64ArraySlice, Uint16ArraySlice, Uint8ArraySlice,
};
use napi_derive::napi;
use tachyon_core::{
    Clock, InstrumentId, MonotonicClock, Notional, Price, Quantity, Rounding, Timestamp,
};
use tachyon_engine::control::Transition;
use tachyon_engine::decision::{DecisionColumns, KernelPath};
use tachyon_engine::risk::{Approval, REJECTION_CODES};
use tachyon_engine::{
    DecisionEngine, OrderIntent, RiskEngine, RiskRejection, StrategyConfig, Watchdog,
};
use tachyon_riskmath::Sizing;

use crate::error::{invalid_arg, invalid_state, system, OrThrow, Result};
use crate::options::engine::{
    source_of, time_arg, ControlMode, ControlSource, RiskEngineOptions, SizingOptions,
    StrategyOptions, TradeSide,
};
use crate::options::{finite, safe_integer};

/// Byte range of a slice (empty slices cannot overlap anything).
fn range<T>(s: &[T]) -> (usize, usize) {
    let a = s.as_ptr() as usize;
    let n = std::mem::size_of_val(s);
    if n == 0 {
        (usize::MAX, usize::MAX)
    } else {
        (a, a + n)
    }
}

fn overlaps<A, B>(a: &[A], b: &[B]) -> bool {
    let ((a0, a1), (b0, b1)) = (range(a), range(b));
    a0 < b1 && b0 < a1
}

// ---------------------------------------------------------------------------- decisions

/// Totals of a decision engine.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct DecisionCounts {
    pub decisions: f64,
    pub buys: f64,
    pub sells: f64,
    /// Held inside the threshold band.
    pub holds: f64,
    /// Held because a feature was NaN or ±Infinity.
    pub missing_feature: f64,
    /// Held because the score was not finite.
    pub non_finite_score: f64,
    /// Rows where a feature or score clamp fired.
    pub clamped: f64,
}

fn strategy(o: &StrategyOptions) -> Result<(StrategyConfig, Option<KernelPath>)> {
    let path = match &o.path {
        None => None,
        Some(p) => Some(KernelPath::from_name(p).ok_or_else(|| {
            invalid_arg(format!(
                "path must be \"scalar\", \"avx2\" or \"avx512\", got {p:?}"
            ))
        })?),
    };
    Ok((StrategyConfig::from(o), path))
}

fn write_out(out: &mut [f64], d: &tachyon_engine::Decision) -> u32 {
    out[0] = d.score;
    out[1] = d.confidence;
    out[2] = f64::from(d.clamp.0);
    out[3] = f64::from(d.reason as u8);
    out[4] = if d.clamp_feature == tachyon_engine::decision::NO_FEATURE {
        -1.0
    } else {
        f64::from(d.clamp_feature)
    };
    d.action as u32
}

/// The native decision engine, held by JS as an opaque `External` handle (free functions on a
/// handle cross N-API far cheaper than napi class methods; see CONTRIBUTING.md). Use the
/// TypeScript `DecisionEngine`.
pub struct BindingDecisionEngine {
    inner: DecisionEngine,
    /// JS-owned staging arrays (features in, `[score, confidence, clamp, reason, feature]`
    /// out) bound once, so the hottest call passes no arrays.
    staging: Option<(Float64Array, Float64Array)>,
}

impl std::fmt::Debug for BindingDecisionEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BindingDecisionEngine")
            .field("inner", &self.inner)
            .field("staged", &self.staging.is_some())
            .finish()
    }
}

// Handles are spelled `External<BindingDecisionEngine>` in every signature (napi's typegen does
// not declare Rust type aliases).

/// Validates the strategy (`ERR_INVALID_CONFIG` naming the field) and picks the kernel.
#[napi(catch_unwind)]
pub fn decision_new(options: StrategyOptions) -> Result<External<BindingDecisionEngine>> {
    let (cfg, path) = strategy(&options)?;
    let inner = match path {
        Some(p) => DecisionEngine::with_path(&cfg, p),
        None => DecisionEngine::new(&cfg),
    }
    .or_throw()?;
    Ok(External::new(BindingDecisionEngine {
        inner,
        staging: None,
    }))
}

/// Kernels this CPU supports, slowest first.
#[napi]
pub fn decision_available_paths() -> Vec<String> {
    KernelPath::ALL
        .into_iter()
        .filter(|p| p.is_supported())
        .map(|p| p.name().to_owned())
        .collect()
}

/// Features per row.
#[napi]
pub fn decision_n_features(engine: &External<BindingDecisionEngine>) -> u32 {
    engine.inner.n_features() as u32
}

/// The kernel in use.
#[napi]
pub fn decision_path(engine: &External<BindingDecisionEngine>) -> String {
    engine.inner.path().name().to_owned()
}

/// Replaces the strategy (same validation; the kernel stays). Unbinds the staging arrays
/// (the feature count may change).
#[napi(catch_unwind)]
pub fn decision_set_strategy(
    engine: &mut External<BindingDecisionEngine>,
    options: StrategyOptions,
) -> Result<()> {
    let (cfg, _) = strategy(&options)?;
    engine.inner.set_strategy(&cfg).or_throw()?;
    engine.staging = None;
    Ok(())
}

/// Binds the staging arrays of `decisionDecideStaged`: `input` of exactly `nFeatures`
/// entries, `output` of at least 5, not overlapping. The caller keeps them private and never
/// transfers or detaches their buffers.
#[napi(catch_unwind)]
pub fn decision_bind_staging(
    engine: &mut External<BindingDecisionEngine>,
    input: Float64Array,
    output: Float64Array,
) -> Result<()> {
    if input.len() != engine.inner.n_features() || output.len() < 5 || overlaps(&input, &output) {
        return Err(invalid_arg(
            "staging needs an input of nFeatures and a separate output of length >= 5",
        ));
    }
    engine.staging = Some((input, output));
    Ok(())
}

/// Decides the row in the bound staging input, writes the details to the staging output and
/// returns the action code. The cheapest call across the boundary.
#[napi(catch_unwind)]
pub fn decision_decide_staged(engine: &mut External<BindingDecisionEngine>) -> Result<u32> {
    let BindingDecisionEngine { inner, staging } = &mut **engine;
    let Some((input, output)) = staging else {
        return Err(invalid_state("call decisionBindStaging first"));
    };
    let d = inner.decide_one(input).or_throw()?;
    // SAFETY: JS is blocked during this synchronous call; `output` was checked at binding not
    // to overlap `input`, and the TS wrapper never hands the arrays out or detaches them.
    Ok(write_out(unsafe { output.as_mut() }, &d))
}

/// One instrument: returns the action code (0 hold, 1 buy, 2 sell) and writes
/// `[score, confidence, clampFlags, holdReason, clampFeature]` into `out` (length ≥ 5).
#[napi(catch_unwind)]
pub fn decision_decide_into(
    engine: &mut External<BindingDecisionEngine>,
    features: &[f64],
    mut out: Float64ArraySlice<'_>,
) -> Result<u32> {
    // SAFETY: JS is blocked for the duration of this synchronous call and nothing else holds
    // the view; overlap with `features` is refused just below.
    let out = unsafe { out.as_mut() };
    if out.len() < 5 || overlaps(features, out) {
        return Err(invalid_arg(
            "out must be a separate Float64Array of length >= 5",
        ));
    }
    let d = engine.inner.decide_one(features).or_throw()?;
    Ok(write_out(out, &d))
}

/// Every row of `features` (instruments × features, row-major) into the output columns (one
/// entry per instrument each; no two arrays may share memory).
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn decision_decide_batch(
    engine: &mut External<BindingDecisionEngine>,
    features: &[f64],
    actions: Uint8ArraySlice<'_>,
    scores: Float64ArraySlice<'_>,
    confidence: Float64ArraySlice<'_>,
    clamps: Uint8ArraySlice<'_>,
    reasons: Uint8ArraySlice<'_>,
    clamp_features: Uint16ArraySlice<'_>,
) -> Result<()> {
    decide_columns(
        engine,
        features,
        features,
        actions,
        scores,
        confidence,
        clamps,
        reasons,
        clamp_features,
    )
}

/// Rows `start … start + rows` of `features` (counted in rows of `nFeatures` values from
/// element `featureStart`) into the output columns: a window of a larger buffer (the server's
/// copy of a request frame) without a subarray per call. Bounds are checked.
#[napi(catch_unwind)]
#[allow(clippy::too_many_arguments)]
pub fn decision_decide_rows(
    engine: &mut External<BindingDecisionEngine>,
    features: &[f64],
    feature_start: u32,
    rows: u32,
    actions: Uint8ArraySlice<'_>,
    scores: Float64ArraySlice<'_>,
    confidence: Float64ArraySlice<'_>,
    clamps: Uint8ArraySlice<'_>,
    reasons: Uint8ArraySlice<'_>,
    clamp_features: Uint16ArraySlice<'_>,
) -> Result<()> {
    let nf = engine.inner.n_features();
    let from = feature_start as usize;
    let to = (rows as usize)
        .checked_mul(nf)
        .and_then(|n| n.checked_add(from))
        .filter(|&to| to <= features.len())
        .ok_or_else(|| {
            invalid_arg(format!(
                "rows {rows} × {nf} features from element {from} overrun the {} features given",
                features.len()
            ))
        })?;
    decide_columns(
        engine,
        features,
        &features[from..to],
        actions,
        scores,
        confidence,
        clamps,
        reasons,
        clamp_features,
    )
}

#[allow(clippy::too_many_arguments)]
fn decide_columns(
    engine: &mut External<BindingDecisionEngine>,
    whole: &[f64],
    features: &[f64],
    mut actions: Uint8ArraySlice<'_>,
    mut scores: Float64ArraySlice<'_>,
    mut confidence: Float64ArraySlice<'_>,
    mut clamps: Uint8ArraySlice<'_>,
    mut reasons: Uint8ArraySlice<'_>,
    mut clamp_features: Uint16ArraySlice<'_>,
) -> Result<()> {
    let ranges = [
        range(whole),
        range(&actions),
        range(&scores),
        range(&confidence),
        range(&clamps),
        range(&reasons),
        range(&clamp_features),
    ];
    for (i, a) in ranges.iter().enumerate() {
        if ranges[i + 1..].iter().any(|b| a.0 < b.1 && b.0 < a.1) {
            return Err(invalid_arg(
                "features and the output arrays must not share memory",
            ));
        }
    }
    // SAFETY: JS is blocked for the duration of this synchronous call and the seven views
    // were just checked to be pairwise disjoint, so these are the only references to them.
    let (actions, scores, confidence, clamps, reasons, clamp_features) = unsafe {
        (
            actions.as_mut(),
            scores.as_mut(),
            confidence.as_mut(),
            clamps.as_mut(),
            reasons.as_mut(),
            clamp_features.as_mut(),
        )
    };
    let mut cols = DecisionColumns {
        actions,
        scores,
        confidence,
        clamps,
        reasons,
        clamp_features,
    };
    engine
        .inner
        .decide_batch_columns(features, &mut cols)
        .or_throw()
}

/// Totals so far.
#[napi]
pub fn decision_counters(engine: &External<BindingDecisionEngine>) -> DecisionCounts {
    let c = engine.inner.counters();
    DecisionCounts {
        decisions: c.decisions as f64,
        buys: c.buys as f64,
        sells: c.sells as f64,
        holds: c.holds as f64,
        missing_feature: c.missing_feature as f64,
        non_finite_score: c.non_finite_score as f64,
        clamped: c.clamped as f64,
    }
}

// ---------------------------------------------------------------------------- risk

/// One recorded mode change.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct TransitionRecord {
    /// 1, 2, 3 … without gaps.
    pub seq: f64,
    /// Nanoseconds since the epoch.
    pub ts_ns: BigInt,
    pub from: ControlMode,
    pub to: ControlMode,
    /// Why, in words; breakers start with their key (`"spread: …"`).
    pub reason: String,
    /// `"api"`, `"cli"`, `"signal"`, `"heartbeat"`, `"trigger"` or `"reset"`.
    pub source: String,
}

impl From<Transition> for TransitionRecord {
    fn from(t: Transition) -> Self {
        Self {
            seq: t.seq as f64,
            ts_ns: BigInt::from(t.ts_ns),
            from: t.from.into(),
            to: t.to.into(),
            reason: t.reason,
            source: t.source.name().to_owned(),
        }
    }
}

/// The outcome of a pre-trade check. A rejection is data: `ok` is false and `code` names the
/// limit.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RiskCheck {
    pub ok: bool,
    /// Rejection code, e.g. `CONCENTRATION`, `MODE_PAUSE`, `OFF_TICK`.
    pub code: Option<String>,
    /// Human-readable reason.
    pub message: Option<String>,
    /// Order notional (decimal string) when approved.
    pub notional: Option<String>,
    /// Position after a full fill (decimal string) when approved.
    pub position_after: Option<String>,
    /// The order reduces the position without flipping it.
    pub reducing: Option<bool>,
}

impl From<std::result::Result<Approval, RiskRejection>> for RiskCheck {
    fn from(r: std::result::Result<Approval, RiskRejection>) -> Self {
        match r {
            Ok(a) => Self {
                ok: true,
                code: None,
                message: None,
                notional: Some(a.notional.to_string()),
                position_after: Some(a.position_after.to_string()),
                reducing: Some(a.reducing),
            },
            Err(e) => Self {
                ok: false,
                code: Some(e.code().to_owned()),
                message: Some(e.to_string()),
                notional: None,
                position_after: None,
                reducing: None,
            },
        }
    }
}

/// Counts of the risk engine's checks.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct RiskCounts {
    pub checked: f64,
    pub approved: f64,
    /// Rejections per code (only codes seen).
    pub rejected: std::collections::HashMap<String, f64>,
}

/// An order as JS gives it.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct OrderIntentOptions {
    /// Instrument id or symbol.
    pub instrument: Either<u32, String>,
    pub side: TradeSide,
    /// Limit (or expected fill) price at the instrument's scale: decimal string or number.
    pub price: Either<String, f64>,
    /// Quantity at the instrument's scale: decimal string or number.
    pub qty: Either<String, f64>,
    /// Protective stop for the position (portfolio heat).
    pub stop: Option<Either<String, f64>>,
}

/// A sizing result.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SizedOrderResult {
    pub side: TradeSide,
    /// Quantity rounded down to the lot (decimal string).
    pub qty: String,
    /// The capped fraction of equity it came from.
    pub fraction: f64,
}

/// The native risk engine, held by JS as an opaque `External` handle; use the TypeScript
/// `RiskEngine`.
pub struct BindingRiskEngine {
    inner: RiskEngine,
    clock: Arc<MonotonicClock>,
    watchdog: Option<Watchdog>,
}

impl std::fmt::Debug for BindingRiskEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BindingRiskEngine")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl BindingRiskEngine {
    fn now(&self, v: Option<&Either<BigInt, f64>>) -> Result<Timestamp> {
        time_arg(v, || self.clock.now())
    }

    fn id(&self, v: &Either<u32, String>) -> Result<InstrumentId> {
        match v {
            Either::A(id) if (*id as usize) < self.inner.instrument_count() => Ok(*id),
            Either::A(id) => Err(invalid_arg(format!("unknown instrument id {id}"))),
            Either::B(s) => self
                .inner
                .instrument_id(s)
                .ok_or_else(|| invalid_arg(format!("unknown instrument {s:?}"))),
        }
    }

    fn price(&self, id: InstrumentId, v: &Either<String, f64>) -> Result<Price> {
        let s = self.inner.instrument(id).map_or(0, |i| i.price_scale());
        match v {
            Either::A(t) => Price::parse(t, s),
            Either::B(x) => Price::from_f64(*x, s, Rounding::Exact),
        }
        .or_throw()
    }

    fn qty(&self, id: InstrumentId, v: &Either<String, f64>) -> Result<Quantity> {
        let s = self.inner.instrument(id).map_or(0, |i| i.qty_scale());
        match v {
            Either::A(t) => Quantity::parse(t, s),
            Either::B(x) => Quantity::from_f64(*x, s, Rounding::Exact),
        }
        .or_throw()
    }

    fn notional(v: &Either<String, f64>, what: &str) -> Result<Notional> {
        let f = match v {
            Either::A(t) => tachyon_core::Fixed::parse_auto(t),
            Either::B(x) => {
                finite(*x, what)?;
                tachyon_core::Fixed::parse_auto(&x.to_string())
            }
        }
        .or_throw()?;
        Notional::from_mantissa(f.mantissa(), f.scale()).or_throw()
    }
}

/// Validates the configuration (`ERR_INVALID_CONFIG` naming the field).
#[napi(catch_unwind)]
pub fn risk_new(options: RiskEngineOptions) -> Result<External<BindingRiskEngine>> {
    let clock = Arc::new(MonotonicClock::new());
    let inner = RiskEngine::new(&options.into(), clock.now()).or_throw()?;
    Ok(External::new(BindingRiskEngine {
        inner,
        clock,
        watchdog: None,
    }))
}

/// Every rejection code.
#[napi]
pub fn risk_rejection_codes() -> Vec<String> {
    REJECTION_CODES.iter().map(|c| (*c).to_owned()).collect()
}

/// Current mode (one atomic load in Rust).
#[napi]
pub fn risk_mode(engine: &External<BindingRiskEngine>) -> ControlMode {
    engine.inner.mode().into()
}

/// Id of a symbol, or -1.
#[napi]
pub fn risk_instrument_id(engine: &External<BindingRiskEngine>, symbol: String) -> i32 {
    engine.inner.instrument_id(&symbol).map_or(-1, |i| i as i32)
}

/// Id of a venue, or -1.
#[napi]
pub fn risk_venue_id(engine: &External<BindingRiskEngine>, name: String) -> i32 {
    engine.inner.venue_id(&name).map_or(-1, |i| i as i32)
}

/// Checks an order against every limit; approval consumes one order-rate slot.
#[napi(catch_unwind)]
pub fn risk_check(
    engine: &mut External<BindingRiskEngine>,
    order: OrderIntentOptions,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<RiskCheck> {
    let id = engine.id(&order.instrument)?;
    let intent = OrderIntent {
        instrument: id,
        side: order.side.into(),
        price: engine.price(id, &order.price)?,
        qty: engine.qty(id, &order.qty)?,
        stop: order
            .stop
            .as_ref()
            .map(|s| engine.price(id, s))
            .transpose()?,
    };
    let now = engine.now(now_ns.as_ref())?;
    Ok(engine.inner.check(&intent, now).into())
}

/// Fast path with mantissas at the instrument's scales: returns -1 if approved, else the
/// index of the code in `rejectionCodes()`.
#[napi(catch_unwind)]
pub fn risk_check_mantissa(
    engine: &mut External<BindingRiskEngine>,
    instrument: u32,
    buy: bool,
    price_mantissa: f64,
    qty_mantissa: f64,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<i32> {
    let i = engine
        .inner
        .instrument(instrument)
        .ok_or_else(|| invalid_arg(format!("unknown instrument id {instrument}")))?;
    let (ps, qs) = (i.price_scale(), i.qty_scale());
    let intent = OrderIntent {
        instrument,
        side: if buy {
            tachyon_engine::OrderSide::Buy
        } else {
            tachyon_engine::OrderSide::Sell
        },
        price: Price::from_mantissa(safe_integer(price_mantissa, "priceMantissa")?, ps)
            .or_throw()?,
        qty: Quantity::from_mantissa(safe_integer(qty_mantissa, "qtyMantissa")?, qs).or_throw()?,
        stop: None,
    };
    let now = engine.now(now_ns.as_ref())?;
    Ok(match engine.inner.check(&intent, now) {
        Ok(_) => -1,
        Err(e) => e.index() as i32,
    })
}

/// Totals of the checks.
#[napi]
pub fn risk_counters(engine: &External<BindingRiskEngine>) -> RiskCounts {
    counters_of(&engine.inner)
}

// The engine calls that both handles reach — a `RiskEngine` of its own (`risk*`) and the one
// inside an `Oms` gate (`omsRisk*`, binding_oms_risk.rs) — written once here.

pub(crate) fn counters_of(e: &RiskEngine) -> RiskCounts {
    let c = e.counters();
    RiskCounts {
        checked: c.checked as f64,
        approved: c.approved as f64,
        rejected: REJECTION_CODES
            .iter()
            .zip(c.rejected)
            .filter(|(_, n)| *n > 0)
            .map(|(code, n)| ((*code).to_owned(), n as f64))
            .collect(),
    }
}

pub(crate) fn request_mode_on(
    e: &RiskEngine,
    mode: ControlMode,
    reason: &str,
    source: Option<ControlSource>,
    now: Timestamp,
) -> Result<Option<TransitionRecord>> {
    Ok(e.control()
        .request(mode.into(), source_of(source), reason, now)
        .or_throw()?
        .map(Into::into))
}

pub(crate) fn kill_on(
    e: &RiskEngine,
    reason: &str,
    source: Option<ControlSource>,
    now: Timestamp,
) -> Option<TransitionRecord> {
    e.control()
        .kill(source_of(source), reason, now)
        .map(Into::into)
}

pub(crate) fn reset_on(
    e: &RiskEngine,
    key: &str,
    to: ControlMode,
    operator: &str,
    now: Timestamp,
) -> Result<TransitionRecord> {
    Ok(e.control()
        .reset(key, to.into(), operator, now)
        .or_throw()?
        .into())
}

pub(crate) fn transitions_of(e: &RiskEngine, after_seq: Option<u32>) -> Vec<TransitionRecord> {
    e.control()
        .transitions_since(u64::from(after_seq.unwrap_or(0)))
        .into_iter()
        .map(Into::into)
        .collect()
}

pub(crate) fn venue_error_on(
    e: &mut RiskEngine,
    venue: Either<u32, String>,
    now: Timestamp,
) -> Result<Option<TransitionRecord>> {
    let v = match venue {
        Either::A(v) => v,
        Either::B(name) => e
            .venue_id(&name)
            .ok_or_else(|| invalid_arg(format!("unknown venue {name:?}")))?,
    };
    Ok(e.on_venue_error(v, now).or_throw()?.map(Into::into))
}

pub(crate) fn flatten_orders_of(e: &RiskEngine) -> Vec<FlattenOrder> {
    e.flatten_intents()
        .into_iter()
        .map(|o| FlattenOrder {
            instrument: o.instrument,
            symbol: e
                .instrument(o.instrument)
                .map(|i| i.symbol().to_owned())
                .unwrap_or_default(),
            side: match o.side {
                tachyon_engine::OrderSide::Buy => TradeSide::Buy,
                tachyon_engine::OrderSide::Sell => TradeSide::Sell,
            },
            qty: o.qty.to_string(),
            price: o.price.to_string(),
        })
        .collect()
}

/// Operator command: go to `mode` (not out of emergency; use `reset`).
#[napi(catch_unwind)]
pub fn risk_request_mode(
    engine: &External<BindingRiskEngine>,
    mode: ControlMode,
    reason: String,
    source: Option<ControlSource>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let now = engine.now(now_ns.as_ref())?;
    request_mode_on(&engine.inner, mode, &reason, source, now)
}

/// The kill switch: emergency now.
#[napi(catch_unwind)]
pub fn risk_kill(
    engine: &External<BindingRiskEngine>,
    reason: String,
    source: Option<ControlSource>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let now = engine.now(now_ns.as_ref())?;
    Ok(kill_on(&engine.inner, &reason, source, now))
}

/// Leaves emergency for `to` with the reset key (`ERR_RESET_DENIED` otherwise).
#[napi(catch_unwind)]
pub fn risk_reset(
    engine: &External<BindingRiskEngine>,
    key: String,
    to: ControlMode,
    operator: String,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<TransitionRecord> {
    let now = engine.now(now_ns.as_ref())?;
    reset_on(&engine.inner, &key, to, &operator, now)
}

/// Transitions with `seq > afterSeq` (default all), oldest first.
#[napi]
pub fn risk_transitions(
    engine: &External<BindingRiskEngine>,
    after_seq: Option<u32>,
) -> Vec<TransitionRecord> {
    transitions_of(&engine.inner, after_seq)
}

/// The orchestrator is alive (dead-man switch).
#[napi(catch_unwind)]
pub fn risk_heartbeat(
    engine: &External<BindingRiskEngine>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<()> {
    let now = engine.now(now_ns.as_ref())?;
    engine.inner.control().heartbeat(now);
    Ok(())
}

/// Arms the dead-man switch with an interval in ms.
#[napi(catch_unwind)]
pub fn risk_arm_heartbeat(
    engine: &External<BindingRiskEngine>,
    interval_ms: f64,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<()> {
    let ms = safe_integer(interval_ms, "intervalMs")?;
    let now = engine.now(now_ns.as_ref())?;
    engine
        .inner
        .control()
        .arm_heartbeat(ms.saturating_mul(1_000_000), now)
        .or_throw()
}

/// Disarms the dead-man switch.
#[napi]
pub fn risk_disarm_heartbeat(engine: &External<BindingRiskEngine>) {
    engine.inner.control().disarm_heartbeat();
}

/// Checks the dead-man switch now (trips to emergency if overdue).
#[napi(catch_unwind)]
pub fn risk_check_heartbeat(
    engine: &External<BindingRiskEngine>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let now = engine.now(now_ns.as_ref())?;
    Ok(engine.inner.control().check_heartbeat(now).map(Into::into))
}

/// Starts a Rust thread that checks the dead-man switch every `pollMs` on the monotonic
/// clock (so it trips even if the JS event loop is blocked).
#[napi(catch_unwind)]
pub fn risk_start_watchdog(engine: &mut External<BindingRiskEngine>, poll_ms: u32) -> Result<()> {
    if engine.watchdog.is_some() {
        return Err(invalid_state("the watchdog is already running"));
    }
    if poll_ms == 0 {
        return Err(invalid_arg("pollMs must be positive"));
    }
    let w = Watchdog::spawn(
        Arc::clone(engine.inner.control()),
        engine.clock.clone(),
        Duration::from_millis(u64::from(poll_ms)),
    )
    .map_err(|e| system(format!("cannot start the watchdog thread: {e}")))?;
    engine.watchdog = Some(w);
    Ok(())
}

/// Stops the watchdog thread (no-op if not running).
#[napi]
pub fn risk_stop_watchdog(engine: &mut External<BindingRiskEngine>) {
    engine.watchdog = None;
}

/// New account equity (decimal string or number); may trip drawdown / daily-loss breakers.
#[napi(catch_unwind)]
pub fn risk_set_equity(
    engine: &mut External<BindingRiskEngine>,
    equity: Either<String, f64>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let e = BindingRiskEngine::notional(&equity, "equity")?;
    let now = engine.now(now_ns.as_ref())?;
    Ok(engine.inner.set_equity(e, now).map(Into::into))
}

/// Starts a new trading day at the current equity.
#[napi]
pub fn risk_start_day(engine: &mut External<BindingRiskEngine>) {
    engine.inner.start_day();
}

/// Collateral on a venue (its leverage is gross / this).
#[napi(catch_unwind)]
pub fn risk_set_venue_equity(
    engine: &mut External<BindingRiskEngine>,
    venue: u32,
    equity: Either<String, f64>,
) -> Result<()> {
    let e = BindingRiskEngine::notional(&equity, "equity")?;
    engine.inner.set_venue_equity(venue, e).or_throw()
}

/// Applies a fill; returns the new position (decimal string).
#[napi(catch_unwind)]
pub fn risk_apply_fill(
    engine: &mut External<BindingRiskEngine>,
    instrument: Either<u32, String>,
    side: TradeSide,
    qty: Either<String, f64>,
    price: Either<String, f64>,
) -> Result<String> {
    let id = engine.id(&instrument)?;
    let (q, p) = (engine.qty(id, &qty)?, engine.price(id, &price)?);
    Ok(engine
        .inner
        .apply_fill(id, side.into(), q, p)
        .or_throw()?
        .to_string())
}

/// Replaces a position and its mark (reconciliation).
#[napi(catch_unwind)]
pub fn risk_set_position(
    engine: &mut External<BindingRiskEngine>,
    instrument: Either<u32, String>,
    qty: Either<String, f64>,
    mark: Either<String, f64>,
) -> Result<()> {
    let id = engine.id(&instrument)?;
    let (q, p) = (engine.qty(id, &qty)?, engine.price(id, &mark)?);
    engine.inner.set_position(id, q, p).or_throw()
}

/// Current position (decimal string).
#[napi(catch_unwind)]
pub fn risk_position(
    engine: &External<BindingRiskEngine>,
    instrument: Either<u32, String>,
) -> Result<String> {
    let id = engine.id(&instrument)?;
    Ok(engine
        .inner
        .position(id)
        .map(|q| q.to_string())
        .unwrap_or_default())
}

/// New mark price.
#[napi(catch_unwind)]
pub fn risk_mark(
    engine: &mut External<BindingRiskEngine>,
    instrument: Either<u32, String>,
    price: Either<String, f64>,
) -> Result<()> {
    let id = engine.id(&instrument)?;
    let p = engine.price(id, &price)?;
    engine.inner.mark(id, p).or_throw()
}

/// Sets (or clears with `null`) a position's stop.
#[napi(catch_unwind)]
pub fn risk_set_stop(
    engine: &mut External<BindingRiskEngine>,
    instrument: Either<u32, String>,
    stop: Option<Either<String, f64>>,
) -> Result<()> {
    let id = engine.id(&instrument)?;
    let s = stop.as_ref().map(|s| engine.price(id, s)).transpose()?;
    engine.inner.set_stop(id, s).or_throw()
}

/// Correlation matrix of the instruments (row-major n × n, e.g. DCC R_t).
#[napi(catch_unwind)]
pub fn risk_set_correlation(
    engine: &mut External<BindingRiskEngine>,
    matrix: &[f64],
) -> Result<()> {
    engine.inner.set_correlation(matrix).or_throw()
}

/// A top-of-book quote (staleness, spread breaker).
#[napi(catch_unwind)]
pub fn risk_on_quote(
    engine: &mut External<BindingRiskEngine>,
    instrument: Either<u32, String>,
    bid: Either<String, f64>,
    ask: Either<String, f64>,
    ts_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let id = engine.id(&instrument)?;
    let (b, a) = (engine.price(id, &bid)?, engine.price(id, &ask)?);
    let ts = engine.now(ts_ns.as_ref())?;
    Ok(engine
        .inner
        .on_quote(id, b, a, ts)
        .or_throw()?
        .map(Into::into))
}

/// A fill's slippage against the expected one (bps).
#[napi(catch_unwind)]
pub fn risk_on_slippage(
    engine: &mut External<BindingRiskEngine>,
    expected_bps: f64,
    observed_bps: f64,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let now = engine.now(now_ns.as_ref())?;
    Ok(engine
        .inner
        .on_slippage(expected_bps, observed_bps, now)
        .or_throw()?
        .map(Into::into))
}

/// An error from a venue (id or name).
#[napi(catch_unwind)]
pub fn risk_on_venue_error(
    engine: &mut External<BindingRiskEngine>,
    venue: Either<u32, String>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Option<TransitionRecord>> {
    let now = engine.now(now_ns.as_ref())?;
    venue_error_on(&mut engine.inner, venue, now)
}

/// Time-driven checks: quote staleness and the dead-man heartbeat.
#[napi(catch_unwind)]
pub fn risk_poll(
    engine: &mut External<BindingRiskEngine>,
    now_ns: Option<Either<BigInt, f64>>,
) -> Result<Vec<TransitionRecord>> {
    let now = engine.now(now_ns.as_ref())?;
    Ok(engine.inner.poll(now).into_iter().map(Into::into).collect())
}

/// Sizes an order: capped fraction of equity → lot-rounded quantity at `price`.
#[napi(catch_unwind)]
pub fn risk_size(
    engine: &External<BindingRiskEngine>,
    instrument: Either<u32, String>,
    rule: SizingOptions,
    price: Either<String, f64>,
    max_fraction: f64,
) -> Result<SizedOrderResult> {
    let id = engine.id(&instrument)?;
    let p = engine.price(id, &price)?;
    let s = engine
        .inner
        .size(id, &Sizing::try_from(&rule)?, p, max_fraction)
        .or_throw()?;
    Ok(SizedOrderResult {
        side: match s.side {
            tachyon_engine::OrderSide::Buy => TradeSide::Buy,
            tachyon_engine::OrderSide::Sell => TradeSide::Sell,
        },
        qty: s.qty.to_string(),
        fraction: s.fraction,
    })
}

// ---------------------------------------------------------------------------- riskmath

/// VaR and CVaR as positive losses.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct VarResult {
    pub var: f64,
    pub cvar: f64,
}

impl From<tachyon_riskmath::VarEstimate> for VarResult {
    fn from(e: tachyon_riskmath::VarEstimate) -> Self {
        Self {
            var: e.var,
            cvar: e.cvar,
        }
    }
}

/// Historical VaR/CVaR of a P&L sample at `level` (e.g. 0.99), numpy `linear` quantiles.
#[napi(catch_unwind)]
pub fn var_historical(pnl: &[f64], level: f64) -> Result<VarResult> {
    Ok(tachyon_riskmath::var::historical(pnl, level)
        .or_throw()?
        .into())
}

/// Historical VaR/CVaR of a portfolio: `scenarios` rows (T × N) weighted by `weights` (N).
#[napi(catch_unwind)]
pub fn var_historical_portfolio(
    scenarios: &[f64],
    weights: &[f64],
    level: f64,
) -> Result<VarResult> {
    Ok(
        tachyon_riskmath::var::historical_portfolio(scenarios, weights, level)
            .or_throw()?
            .into(),
    )
}

/// The capped fraction of equity for a sizing rule.
#[napi(catch_unwind)]
pub fn position_fraction(rule: SizingOptions, max_fraction: f64) -> Result<f64> {
    tachyon_riskmath::position_fraction(&Sizing::try_from(&rule)?, max_fraction).or_throw()
}

/// A portfolio for parametric and Monte Carlo VaR: `n` weights (position values), per-asset
/// mean returns and volatilities, and the `n × n` correlation matrix (row-major, e.g. DCC R_t).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct VarPortfolioOptions {
    pub weights: Vec<f64>,
    pub mu: Vec<f64>,
    pub sd: Vec<f64>,
    pub corr: Vec<f64>,
}

/// Return distribution and Monte Carlo settings.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct VarModelOptions {
    /// Student-t degrees of freedom (> 2); default: normal.
    pub nu: Option<f64>,
    /// Monte Carlo paths (≥ 100); default 100,000.
    pub paths: Option<u32>,
    /// Monte Carlo seed; default 1.
    pub seed: Option<u32>,
}

fn dist_of(m: &VarModelOptions) -> tachyon_riskmath::Dist {
    match m.nu {
        Some(nu) => tachyon_riskmath::Dist::StudentT { nu },
        None => tachyon_riskmath::Dist::Normal,
    }
}

fn portfolio_of(p: &VarPortfolioOptions) -> Result<tachyon_riskmath::Portfolio> {
    tachyon_riskmath::Portfolio::new(&p.weights, &p.mu, &p.sd, &p.corr).or_throw()
}

/// Parametric VaR/CVaR of one return distribution (mean `mu`, standard deviation `sigma`);
/// Student-t when `model.nu` is given.
#[napi(catch_unwind)]
pub fn var_parametric(
    mu: f64,
    sigma: f64,
    level: f64,
    model: Option<VarModelOptions>,
) -> Result<VarResult> {
    let m = model.unwrap_or_default();
    Ok(tachyon_riskmath::parametric(mu, sigma, level, dist_of(&m))
        .or_throw()?
        .into())
}

/// Parametric VaR/CVaR of a portfolio (σ_p = √(wᵀ D R D w)).
#[napi(catch_unwind)]
pub fn var_portfolio_parametric(
    portfolio: VarPortfolioOptions,
    level: f64,
    model: Option<VarModelOptions>,
) -> Result<VarResult> {
    let m = model.unwrap_or_default();
    Ok(portfolio_of(&portfolio)?
        .parametric(level, dist_of(&m))
        .or_throw()?
        .into())
}

/// Seeded Monte Carlo VaR/CVaR of a portfolio (synchronous).
#[napi(catch_unwind)]
pub fn var_portfolio_monte_carlo(
    portfolio: VarPortfolioOptions,
    level: f64,
    model: Option<VarModelOptions>,
) -> Result<VarResult> {
    let m = model.unwrap_or_default();
    Ok(portfolio_of(&portfolio)?
        .monte_carlo(
            level,
            dist_of(&m),
            m.paths.unwrap_or(100_000) as usize,
            u64::from(m.seed.unwrap_or(1)),
        )
        .or_throw()?
        .into())
}

/// The Monte Carlo run on the libuv thread pool.
#[derive(Debug)]
pub struct MonteCarloTask {
    portfolio: tachyon_riskmath::Portfolio,
    level: f64,
    dist: tachyon_riskmath::Dist,
    paths: usize,
    seed: u64,
}

impl napi::Task for MonteCarloTask {
    type Output = VarResult;
    type JsValue = VarResult;

    fn compute(&mut self) -> napi::Result<VarResult> {
        self.portfolio
            .monte_carlo(self.level, self.dist, self.paths, self.seed)
            .map(Into::into)
            // Inputs were validated when the task was created; what is left is a correlation
            // matrix that is not positive definite, reported with its message.
            .map_err(|e| {
                napi::Error::new(
                    napi::Status::GenericFailure,
                    format!("{} [{}]", e, e.code()),
                )
            })
    }

    fn resolve(&mut self, _env: napi::Env, output: VarResult) -> napi::Result<VarResult> {
        Ok(output)
    }
}

/// As `varPortfolioMonteCarlo`, computed off the JS thread; resolves to the same result.
#[napi(catch_unwind)]
pub fn var_portfolio_monte_carlo_async(
    portfolio: VarPortfolioOptions,
    level: f64,
    model: Option<VarModelOptions>,
) -> Result<napi::bindgen_prelude::AsyncTask<MonteCarloTask>> {
    let m = model.unwrap_or_default();
    let p = portfolio_of(&portfolio)?;
    let dist = dist_of(&m);
    let paths = m.paths.unwrap_or(100_000) as usize;
    // Validate now (level, nu, positive definiteness on a 100-path run, path count) so the
    // async form throws the same typed errors as the sync one.
    p.monte_carlo(level, dist, 100, 0).or_throw()?;
    if paths < 100 {
        return Err(crate::error::to_js(&tachyon_riskmath::VarError::TooFew {
            need: 100,
            got: paths,
        }));
    }
    Ok(napi::bindgen_prelude::AsyncTask::new(MonteCarloTask {
        portfolio: p,
        level,
        dist,
        paths,
        seed: u64::from(m.seed.unwrap_or(1)),
    }))
}

/// An order that flattens one position (see `riskFlattenOrders`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct FlattenOrder {
    pub instrument: u32,
    pub symbol: String,
    pub side: TradeSide,
    /// Full position size (decimal string).
    pub qty: String,
    /// The position's mark (decimal string): the expected fill price.
    pub price: String,
}

/// The orders that flatten every open position at its mark (what emergency asks the OMS to
/// send after cancelling everything).
#[napi]
pub fn risk_flatten_orders(engine: &External<BindingRiskEngine>) -> Vec<FlattenOrder> {
    flatten_orders_of(&engine.inner)
}
