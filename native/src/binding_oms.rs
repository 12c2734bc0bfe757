//! Bindings of `tachyon_oms`: the `Oms` class (orders, positions, reconciliation, execution
//! algorithms). Execution reports cross as one `Uint8Array` of 64-byte records per drain.

use napi::bindgen_prelude::{BigInt, Either, External, Uint8Array};
use napi_derive::napi;
use tachyon_core::{Instrument, Notional, Price, Quantity, Timestamp};
use tachyon_oms::{
    AlgoState, ExecAlgo, ExecReport, IcebergAlgo, Liquidity, Oms, Order, OrderId, ParentOrder,
    PovAlgo, Reason, ScheduleAlgo, SubmitOutcome, TimeInForce, VenueCommand, VenueEvent,
    VenueOrder, VenuePosition, VenueReject, REPORT_SIZE,
};

use crate::binding_core::BindingInstrument;
use crate::error::{invalid_arg, invalid_state, OrThrow, Result};
use crate::options::oms::{instrument_of, price_in, price_of, qty_in, qty_of, ts_arg, NsArg};
use crate::options::{
    safe_integer, AlgoKind, AlgoOptions, ControlModeName, OmsOptions, OrderInput, OrderKind,
    OrderSide,
};

pub(crate) fn reason_name(r: Reason) -> &'static str {
    match r {
        Reason::None => "none",
        Reason::ControlPause => "controlPause",
        Reason::ControlReduce => "controlReduce",
        Reason::ControlEmergency => "controlEmergency",
        Reason::Gate => "gate",
        Reason::ReduceOnly => "reduceOnly",
        Reason::OcoSibling => "ocoSibling",
        Reason::ParentFailed => "parentFailed",
        Reason::TimeExpired => "timeExpired",
        Reason::Venue => "venue",
        Reason::Requested => "requested",
        Reason::Reconciled => "reconciled",
    }
}

fn venue_reject_of_code(code: &str) -> Option<VenueReject> {
    use VenueReject as V;
    [
        V::RateLimited,
        V::PostOnlyWouldTake,
        V::FokUnfillable,
        V::ReduceOnlyWouldIncrease,
        V::UnknownOrder,
        V::Disconnected,
        V::Injected,
        V::NoLiquidity,
        V::TooLate,
        V::Invalid,
        V::Expired,
    ]
    .into_iter()
    .find(|v| v.code() == code)
}

fn tif_name(t: TimeInForce) -> &'static str {
    match t {
        TimeInForce::Gtc => "gtc",
        TimeInForce::Ioc => "ioc",
        TimeInForce::Fok => "fok",
        TimeInForce::Gtd(_) => "gtd",
        TimeInForce::Day => "day",
    }
}

fn p_str(inst: &Instrument, m: i64) -> String {
    Price::from_mantissa(m, inst.price_scale())
        .map(|p| p.to_string())
        .unwrap_or_default()
}

fn q_str(inst: &Instrument, m: i64) -> String {
    Quantity::from_mantissa(m, inst.qty_scale())
        .map(|q| q.to_string())
        .unwrap_or_default()
}

fn n_str(inst: &Instrument, m: i64) -> String {
    Notional::from_mantissa(m, inst.price_scale() + inst.qty_scale())
        .map(|n| n.to_string())
        .unwrap_or_default()
}

fn order_id_arg(x: f64) -> Result<OrderId> {
    let v = safe_integer(x, "orderId")?;
    u64::try_from(v)
        .map(OrderId)
        .map_err(|_| invalid_arg(format!("orderId must not be negative, got {x}")))
}

/// What happened to a submitted order. A refusal by the control mode, the gate or the
/// reduce-only rule is an answer (`status: "rejected"` with a `reason`), not an exception.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SubmitResult {
    /// The OMS order id.
    pub order_id: f64,
    /// `"new"` (sent), `"held"` (stop waiting for its trigger) or `"rejected"`.
    pub status: String,
    /// Why it was refused (`"controlPause"`, `"gate"`, `"reduceOnly"`, …) or `"none"`.
    pub reason: String,
    /// The gate's refusal code (e.g. `"MAX_POSITION"`), if the gate refused.
    pub gate_code: Option<String>,
}

impl From<&SubmitOutcome> for SubmitResult {
    fn from(o: &SubmitOutcome) -> Self {
        Self {
            order_id: o.order_id.0 as f64,
            status: o.status.name().to_owned(),
            reason: reason_name(o.reason).to_owned(),
            gate_code: o.gate_code.map(str::to_owned),
        }
    }
}

/// An order as the OMS knows it. Decimal strings at the instrument's scales.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct OrderInfo {
    pub order_id: f64,
    pub client_id: String,
    pub instrument: u32,
    pub side: OrderSide,
    #[napi(js_name = "type")]
    pub kind: OrderKind,
    pub tif: String,
    /// `held`, `new`, `accepted`, `partiallyFilled`, `filled`, `cancelled`, `rejected`, `expired`.
    pub status: String,
    pub qty: String,
    pub filled: String,
    pub leaves: String,
    pub price: Option<String>,
    pub trigger: Option<String>,
    /// Volume-weighted average fill price (half-even at the price scale).
    pub avg_price: Option<String>,
    pub fees: String,
    pub reason: String,
    /// Venue rejection code (`RATE_LIMITED`, `POST_ONLY_WOULD_TAKE`, …).
    pub venue_reject: Option<String>,
    /// The gate's refusal message.
    pub reject_text: Option<String>,
    pub cancel_pending: bool,
    pub post_only: bool,
    pub reduce_only: bool,
    pub created_ns: BigInt,
    pub updated_ns: BigInt,
}

fn order_info(inst: &Instrument, o: &Order) -> OrderInfo {
    OrderInfo {
        order_id: o.id.0 as f64,
        client_id: o.client_id.to_string(),
        instrument: o.instrument,
        side: o.side.into(),
        kind: o.order_type.into(),
        tif: tif_name(o.tif).to_owned(),
        status: o.status.name().to_owned(),
        qty: q_str(inst, o.qty),
        filled: q_str(inst, o.filled),
        leaves: q_str(inst, o.leaves()),
        price: o.price.map(|p| p_str(inst, p)),
        trigger: o.trigger.map(|p| p_str(inst, p)),
        avg_price: o.avg_px().map(|p| p_str(inst, p)),
        fees: n_str(inst, o.fees),
        reason: reason_name(o.reason).to_owned(),
        venue_reject: o.venue_reject.map(|v| v.code().to_owned()),
        reject_text: o.reject_text.clone(),
        cancel_pending: o.cancel_pending,
        post_only: o.post_only,
        reduce_only: o.reduce_only,
        created_ns: BigInt::from(o.created.as_nanos()),
        updated_ns: BigInt::from(o.updated.as_nanos()),
    }
}

/// A net position with exact P&L (decimal strings; notional values at price + quantity scale).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct PositionInfo {
    pub instrument: u32,
    /// Signed quantity (long positive).
    pub qty: String,
    /// Signed cost of the open quantity.
    pub cost_basis: String,
    /// Average entry price (half-even), if not flat.
    pub avg_entry: Option<String>,
    /// Realized P&L before fees.
    pub realized: String,
    /// Fees paid (negative = rebates).
    pub fees: String,
    /// `realized − fees`.
    pub net_realized: String,
    /// Unrealized P&L at `mark` (when a mark is given or known).
    pub unrealized: Option<String>,
    /// Absolute traded notional.
    pub volume: String,
    pub fills: f64,
}

/// OMS counters.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct OmsStatsJs {
    pub orders: f64,
    pub events: f64,
    pub fills: f64,
    pub rejected_control: f64,
    pub rejected_gate: f64,
    pub rejected_venue: f64,
    /// Refused requests and impossible venue events by code (non-zero only).
    pub errors: std::collections::HashMap<String, f64>,
    pub errors_total: f64,
    pub late_acks: f64,
    pub duplicate_fills: f64,
    pub oco_violations: f64,
    pub open_orders: f64,
}

/// A command for a venue (for live adapters; the simulated venue takes them directly).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct VenueCommandInfo {
    /// `"new"`, `"cancel"` or `"replace"`.
    pub kind: String,
    pub order_id: f64,
    pub client_id: Option<String>,
    pub instrument: Option<u32>,
    pub side: Option<OrderSide>,
    pub qty: Option<String>,
    /// Limit price; absent for a market order.
    pub price: Option<String>,
    pub tif: Option<String>,
    pub expire_at_ns: Option<BigInt>,
    pub post_only: Option<bool>,
    pub reduce_only: Option<bool>,
}

/// A venue event reported by a live adapter. Decimal strings at the order's instrument scales.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct VenueEventInput {
    /// `accepted`, `rejected`, `fill`, `cancelled`, `expired`, `replaced`, `cancelRejected`,
    /// `replaceRejected`.
    pub kind: String,
    pub order_id: f64,
    pub ts_ns: Either<BigInt, f64>,
    /// Fill price or replaced price.
    pub price: Option<Either<String, f64>>,
    /// Fill quantity or replaced total quantity.
    pub qty: Option<Either<String, f64>>,
    /// Fee in quote currency (decimal).
    pub fee: Option<String>,
    /// Venue trade id (fills).
    pub trade_id: Option<f64>,
    /// `"maker"` or `"taker"` (fills).
    pub liquidity: Option<String>,
    /// Rejection code (`RATE_LIMITED`, …).
    pub reason: Option<String>,
    /// For `RATE_LIMITED`: ns to wait.
    pub retry_after_ns: Option<f64>,
}

/// An order as a venue reports it (for reconciliation).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct VenueOrderInput {
    pub order_id: f64,
    pub instrument: u32,
    pub qty: Either<String, f64>,
    pub filled: Either<String, f64>,
    pub open: bool,
}

/// A position as a venue reports it.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct VenuePositionInput {
    pub instrument: u32,
    /// Signed quantity.
    pub qty: Either<String, f64>,
}

/// One difference between the OMS and the venue.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct DiscrepancyInfo {
    /// `MISSING_AT_VENUE`, `UNKNOWN_AT_VENUE`, `FILLED_MISMATCH`, `POSITION_MISMATCH`.
    pub code: String,
    pub order_id: Option<f64>,
    pub instrument: Option<u32>,
    /// Our value (status, filled quantity or position).
    pub ours: Option<String>,
    /// The venue's value.
    pub venue: Option<String>,
}

/// Result of a reconciliation.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct ReconReportInfo {
    pub orders_checked: u32,
    pub positions_checked: u32,
    pub in_flight: u32,
    pub clean: bool,
    pub discrepancies: Vec<DiscrepancyInfo>,
    /// Orders closed because the venue does not have them (when `apply` was true).
    pub closed: u32,
}

/// Progress of an execution algorithm (quantities as decimal strings).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct AlgoProgressInfo {
    /// `running`, `paused`, `done`, `stopped`.
    pub state: String,
    pub target: String,
    pub filled: String,
    pub working: String,
    pub children: u32,
    pub refused: u32,
    pub last_reason: String,
}

/// The order management system: orders in, venue commands and 64-byte execution reports
/// out. See the TypeScript `Oms` for documentation and examples.
pub struct BindingOms {
    pub(crate) inner: Oms,
    /// (algo id, instrument, algorithm)
    algos: Vec<(u32, u32, Box<dyn ExecAlgo + Send>)>,
    /// Reports already shown to the algorithms, waiting for `drainReports`.
    pending: Vec<ExecReport>,
}

impl std::fmt::Debug for BindingOms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BindingOms")
            .field("inner", &self.inner)
            .field("algos", &self.algos.len())
            .finish_non_exhaustive()
    }
}

impl BindingOms {
    fn inst(&self, id: u32) -> Result<&Instrument> {
        instrument_of(&self.inner, id)
    }

    fn reconcile_with(
        &mut self,
        orders: &[VenueOrder],
        positions: &[VenuePosition],
        now: Timestamp,
        grace_ns: i64,
        apply: bool,
    ) -> ReconReportInfo {
        let rep = self.inner.reconcile(orders, positions, now, grace_ns);
        let closed = if apply {
            self.inner.apply_reconciliation(&rep, now) as u32
        } else {
            0
        };
        let q = |inst: u32, m: i64| {
            self.inner
                .instrument(inst)
                .map_or_else(|| m.to_string(), |i| q_str(i, m))
        };
        let inst_of = |id: OrderId| {
            orders
                .iter()
                .find(|v| v.order_id == id)
                .map(|v| v.instrument)
                .or_else(|| self.inner.order(id).map(|o| o.instrument))
                .unwrap_or(0)
        };
        let discrepancies = rep
            .discrepancies
            .iter()
            .map(|d| {
                use tachyon_oms::Discrepancy as D;
                let code = d.code().to_owned();
                match *d {
                    D::MissingAtVenue { order_id, ours } => DiscrepancyInfo {
                        code,
                        order_id: Some(order_id.0 as f64),
                        instrument: Some(inst_of(order_id)),
                        ours: Some(ours.name().to_owned()),
                        venue: None,
                    },
                    D::UnknownAtVenue { order_id, ours } => DiscrepancyInfo {
                        code,
                        order_id: Some(order_id.0 as f64),
                        instrument: Some(inst_of(order_id)),
                        ours: ours.map(|s| s.name().to_owned()),
                        venue: Some("open".to_owned()),
                    },
                    D::FilledMismatch {
                        order_id,
                        ours,
                        venue,
                    } => {
                        let i = inst_of(order_id);
                        DiscrepancyInfo {
                            code,
                            order_id: Some(order_id.0 as f64),
                            instrument: Some(i),
                            ours: Some(q(i, ours)),
                            venue: Some(q(i, venue)),
                        }
                    }
                    D::PositionMismatch {
                        instrument,
                        ours,
                        venue,
                    } => DiscrepancyInfo {
                        code,
                        order_id: None,
                        instrument: Some(instrument),
                        ours: Some(q(instrument, ours)),
                        venue: Some(q(instrument, venue)),
                    },
                }
            })
            .collect();
        ReconReportInfo {
            orders_checked: rep.orders_checked as u32,
            positions_checked: rep.positions_checked as u32,
            in_flight: rep.in_flight as u32,
            clean: rep.is_clean(),
            discrepancies,
            closed,
        }
    }

    fn venue_event(&self, e: &VenueEventInput) -> Result<VenueEvent> {
        let order_id = order_id_arg(e.order_id)?;
        let ts = ts_arg(&e.ts_ns, "tsNs")?;
        let o = self
            .inner
            .order(order_id)
            .ok_or(tachyon_oms::OmsError::UnknownOrder(order_id))
            .or_throw()?;
        let inst = self.inst(o.instrument)?;
        fn need<'a>(
            v: &'a Option<Either<String, f64>>,
            kind: &str,
            what: &str,
        ) -> Result<&'a Either<String, f64>> {
            v.as_ref()
                .ok_or_else(|| invalid_arg(format!("a {kind} event needs `{what}`")))
        }
        let reject = || -> Result<VenueReject> {
            let code = e.reason.as_deref().unwrap_or("INVALID");
            venue_reject_of_code(code)
                .ok_or_else(|| invalid_arg(format!("unknown venue rejection code {code:?}")))
        };
        Ok(match e.kind.as_str() {
            "accepted" => VenueEvent::Accepted { order_id, ts },
            "rejected" => VenueEvent::Rejected {
                order_id,
                reason: reject()?,
                retry_after_ns: e
                    .retry_after_ns
                    .map(|x| safe_integer(x, "retryAfterNs"))
                    .transpose()?
                    .unwrap_or(0),
                ts,
            },
            "fill" => {
                let ns = inst.price_scale() + inst.qty_scale();
                let fee = match &e.fee {
                    Some(t) => Notional::parse(t, ns).or_throw()?.mantissa(),
                    None => 0,
                };
                VenueEvent::Fill {
                    order_id,
                    trade_id: e
                        .trade_id
                        .map(|x| safe_integer(x, "tradeId"))
                        .transpose()?
                        .unwrap_or(0) as u64,
                    price: price_of(inst, need(&e.price, &e.kind, "price")?)?.mantissa(),
                    qty: qty_of(inst, need(&e.qty, &e.kind, "qty")?)?.mantissa(),
                    fee,
                    liquidity: if e.liquidity.as_deref() == Some("maker") {
                        Liquidity::Maker
                    } else {
                        Liquidity::Taker
                    },
                    ts,
                }
            }
            "cancelled" => VenueEvent::Cancelled { order_id, ts },
            "expired" => VenueEvent::Expired { order_id, ts },
            "replaced" => VenueEvent::Replaced {
                order_id,
                qty: qty_of(inst, need(&e.qty, &e.kind, "qty")?)?.mantissa(),
                price: e
                    .price
                    .as_ref()
                    .map(|p| price_of(inst, p))
                    .transpose()?
                    .map(Price::mantissa),
                ts,
            },
            "cancelRejected" => VenueEvent::CancelRejected {
                order_id,
                reason: reject()?,
                ts,
            },
            "replaceRejected" => VenueEvent::ReplaceRejected {
                order_id,
                reason: reject()?,
                ts,
            },
            k => return Err(invalid_arg(format!("unknown venue event kind {k:?}"))),
        })
    }

    /// Moves new reports out of the OMS, showing each to the algorithms exactly once.
    pub(crate) fn collect_reports(&mut self) {
        let start = self.pending.len();
        self.inner.drain_reports(&mut self.pending);
        for (_, _, a) in &mut self.algos {
            for r in &self.pending[start..] {
                a.on_report(r);
            }
        }
    }
}

/// An OMS with the built-in gate (`options.gate`) or the risk engine (`options.risk`).
#[napi(catch_unwind)]
pub fn oms_new(mut options: Option<OmsOptions>) -> Result<External<BindingOms>> {
    let risk = options.as_mut().and_then(|o| o.risk.take());
    if risk.is_some() && options.as_ref().is_some_and(|o| o.gate.is_some()) {
        return Err(invalid_arg(
            "give either `gate` (the built-in gate) or `risk` (the risk engine), not both",
        ));
    }
    let (cfg, gate) = crate::options::oms::oms_config(options)?;
    let gate: Box<dyn tachyon_oms::PreTradeGate> = match risk {
        Some(r) => Box::new(crate::binding_oms_risk::risk_gate(r)?),
        None => Box::new(gate),
    };
    Ok(External::new(BindingOms {
        inner: Oms::new(gate, cfg),
        algos: Vec::new(),
        pending: Vec::new(),
    }))
}

/// Registers an instrument; returns its id (0, 1, …). Register the same instruments in
/// the same order on the venue.
#[napi(catch_unwind)]
pub fn oms_add_instrument(h: &mut External<BindingOms>, instrument: &BindingInstrument) -> u32 {
    h.inner.add_instrument(instrument.instrument().clone())
}

/// Submits an order at `nowNs`. Bad input throws (`ERR_UNKNOWN_INSTRUMENT`,
/// `ERR_OFF_TICK`, `ERR_NON_POSITIVE_QUANTITY`, `ERR_DUPLICATE_CLIENT_ID`, …) and changes
/// nothing; a refusal by the control mode or the gate is returned.
#[napi(catch_unwind)]
pub fn oms_submit(
    h: &mut External<BindingOms>,
    order: OrderInput,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<SubmitResult> {
    let req = order.to_request(&mut h.inner)?;
    let now = now_ns.get("nowNs")?;
    Ok((&h.inner.submit(&req, now).or_throw()?).into())
}

/// One-cancels-the-other: at least one leg must be a stop or trailing stop. The legs can
/// never both fill.
#[napi(catch_unwind)]
pub fn oms_submit_oco(
    h: &mut External<BindingOms>,
    a: OrderInput,
    b: OrderInput,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<Vec<SubmitResult>> {
    let (ra, rb) = (a.to_request(&mut h.inner)?, b.to_request(&mut h.inner)?);
    let now = now_ns.get("nowNs")?;
    let out = h.inner.submit_oco(&ra, &rb, now).or_throw()?;
    Ok(out.iter().map(Into::into).collect())
}

/// One-triggers-the-other: `pending` is sent once `working` has filled completely.
#[napi(catch_unwind)]
pub fn oms_submit_oto(
    h: &mut External<BindingOms>,
    working: OrderInput,
    pending: OrderInput,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<Vec<SubmitResult>> {
    let (w, p) = (
        working.to_request(&mut h.inner)?,
        pending.to_request(&mut h.inner)?,
    );
    let now = now_ns.get("nowNs")?;
    let out = h.inner.submit_oto(&w, &p, now).or_throw()?;
    Ok(out.iter().map(Into::into).collect())
}

/// Bracket: `entry`, then an OCO of `takeProfit` (limit) and `stopLoss` (stop) once the
/// entry has filled completely.
#[napi(catch_unwind)]
pub fn oms_submit_bracket(
    h: &mut External<BindingOms>,
    entry: OrderInput,
    take_profit: OrderInput,
    stop_loss: OrderInput,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<Vec<SubmitResult>> {
    let e = entry.to_request(&mut h.inner)?;
    let t = take_profit.to_request(&mut h.inner)?;
    let s = stop_loss.to_request(&mut h.inner)?;
    let now = now_ns.get("nowNs")?;
    let out = h.inner.submit_bracket(&e, &t, &s, now).or_throw()?;
    Ok(out.iter().map(Into::into).collect())
}

/// Cancels an order (idempotent while a cancel is in flight). Throws `ERR_UNKNOWN_ORDER`
/// or `ERR_ORDER_CLOSED`.
#[napi(catch_unwind)]
pub fn oms_cancel(
    h: &mut External<BindingOms>,
    order_id: f64,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<()> {
    let id = order_id_arg(order_id)?;
    h.inner.cancel(id, now_ns.get("nowNs")?).or_throw()
}

/// Cancels every open order (of one instrument, or all); returns how many.
#[napi(catch_unwind)]
pub fn oms_cancel_all(
    h: &mut External<BindingOms>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
    instrument: Option<u32>,
) -> Result<u32> {
    Ok(h.inner.cancel_all(instrument, now_ns.get("nowNs")?) as u32)
}

/// Cancel-replace: a new total quantity and/or price (decimal strings or numbers).
#[napi(catch_unwind)]
pub fn oms_replace(
    h: &mut External<BindingOms>,
    order_id: f64,
    qty: Option<Either<String, f64>>,
    price: Option<Either<String, f64>>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<()> {
    let id = order_id_arg(order_id)?;
    let inst_id = h
        .inner
        .order(id)
        .ok_or(tachyon_oms::OmsError::UnknownOrder(id))
        .or_throw()?
        .instrument;
    let inst = h.inst(inst_id)?;
    let conv = (|| {
        Ok::<_, tachyon_oms::OmsError>((
            qty.as_ref().map(|v| qty_in(inst, v, "qty")).transpose()?,
            price
                .as_ref()
                .map(|v| price_in(inst, v, "price"))
                .transpose()?,
        ))
    })();
    let (q, p) = match conv {
        Ok(v) => v,
        Err(e) => {
            h.inner.count_error(&e);
            return Err(crate::error::to_js(&e));
        }
    };
    h.inner.replace(id, q, p, now_ns.get("nowNs")?).or_throw()
}

/// A reference price (last trade, mid or mark) for an instrument: updates marks and
/// trailing stops, fires held stops.
#[napi(catch_unwind)]
pub fn oms_on_price(
    h: &mut External<BindingOms>,
    instrument: u32,
    price: Either<String, f64>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<()> {
    let p = price_of(h.inst(instrument)?, &price)?;
    h.inner
        .on_price(instrument, p.mantissa(), now_ns.get("nowNs")?);
    Ok(())
}

/// Time passes: expires held GTD/DAY orders and runs the execution algorithms' timers.
#[napi(catch_unwind)]
pub fn oms_on_time(
    h: &mut External<BindingOms>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<()> {
    let now = now_ns.get("nowNs")?;
    h.inner.on_time(now);
    // Algorithms see every report before they act.
    h.collect_reports();
    let this: &mut BindingOms = h;
    for (_, _, a) in &mut this.algos {
        a.on_timer(now, &mut this.inner);
    }
    Ok(())
}

/// Every execution report since the last drain, as 64-byte records (see
/// `decodeReports` in TypeScript). Also passes them to the running algorithms.
#[napi(catch_unwind)]
pub fn oms_drain_reports(h: &mut External<BindingOms>) -> Uint8Array {
    h.collect_reports();
    let mut bytes = Vec::with_capacity(h.pending.len() * REPORT_SIZE);
    for r in &h.pending {
        bytes.extend_from_slice(&r.to_bytes());
    }
    h.pending.clear();
    Uint8Array::new(bytes)
}

/// Moves up to `out.length / 64` reports into a caller-owned buffer (no allocation); returns
/// how many records were written. Reports that do not fit stay for the next call.
#[napi(catch_unwind)]
pub fn oms_drain_reports_into(h: &mut External<BindingOms>, mut out: Uint8Array) -> u32 {
    // SAFETY: the typed array is a live argument of this call; JavaScript is suspended until
    // it returns, and nothing else holds a Rust view of this memory.
    let out: &mut [u8] = unsafe { out.as_mut() };
    h.collect_reports();
    let cap = out.len() / REPORT_SIZE;
    let n = cap.min(h.pending.len());
    for (k, r) in h.pending.drain(..n).enumerate() {
        out[k * REPORT_SIZE..(k + 1) * REPORT_SIZE].copy_from_slice(&r.to_bytes());
    }
    n as u32
}

/// Hot-path submit of a market or limit order from primitives: `side` 1 buy / 2 sell; `kind`
/// 1 market / 2 limit; `tif` 0 GTC, 1 IOC, 2 FOK, 3 DAY; `flags` bit 0 post-only, bit 1
/// reduce-only; `qty` and `price` are mantissas at the instrument's scales (`price` ignored for
/// a market order). Returns the order id. Bad input throws as in `omsSubmit`; a refusal by the
/// control mode, the gate or the venue shows in the order's status and its report.
#[napi(catch_unwind)]
pub fn oms_submit_fast(
    h: &mut External<BindingOms>,
    client_id: String,
    instrument: u32,
    side: u32,
    kind: u32,
    qty: f64,
    price: f64,
    tif: u32,
    flags: u32,
    now_ns: f64,
) -> Result<f64> {
    let this: &mut BindingOms = h;
    let bad = |m: String| invalid_arg(m);
    let side = match side {
        1 => tachyon_oms::Side::Buy,
        2 => tachyon_oms::Side::Sell,
        s => return Err(bad(format!("side must be 1 (buy) or 2 (sell), got {s}"))),
    };
    let tif = match tif {
        0 => TimeInForce::Gtc,
        1 => TimeInForce::Ioc,
        2 => TimeInForce::Fok,
        3 => TimeInForce::Day,
        t => return Err(bad(format!("tif must be 0-3, got {t}"))),
    };
    let inst = instrument_of(&this.inner, instrument)?;
    let (ps, qs) = (inst.price_scale(), inst.qty_scale());
    let client_id = match tachyon_oms::ClientOrderId::new(&client_id) {
        Ok(c) => c,
        Err(e) => {
            this.inner.count_error(&e);
            return Err(crate::error::to_js(&e));
        }
    };
    let qty = Quantity::from_mantissa(safe_integer(qty, "qty")?, qs).or_throw()?;
    let order_type = match kind {
        1 => tachyon_oms::OrderType::Market,
        2 => tachyon_oms::OrderType::Limit,
        k => {
            return Err(bad(format!(
                "kind must be 1 (market) or 2 (limit), got {k}"
            )))
        }
    };
    let price = if order_type == tachyon_oms::OrderType::Limit {
        Some(Price::from_mantissa(safe_integer(price, "price")?, ps).or_throw()?)
    } else {
        None
    };
    let req = tachyon_oms::OrderRequest {
        client_id,
        instrument,
        side,
        order_type,
        qty,
        price,
        trigger: None,
        trail: None,
        tif,
        post_only: flags & 1 != 0,
        reduce_only: flags & 2 != 0,
    };
    let now = Timestamp::from_nanos(safe_integer(now_ns, "nowNs")?);
    Ok(this.inner.submit(&req, now).or_throw()?.order_id.0 as f64)
}

/// Commands for a live venue adapter (the simulated venue takes them itself).
#[napi(catch_unwind)]
pub fn oms_drain_commands(h: &mut External<BindingOms>) -> Vec<VenueCommandInfo> {
    let mut cmds = Vec::new();
    h.inner.drain_commands(&mut cmds);
    cmds.iter()
        .map(|c| {
            let id = c.order_id();
            let o = h.inner.order(id);
            let inst = o.and_then(|o| h.inner.instrument(o.instrument));
            match (*c, inst) {
                (
                    VenueCommand::New {
                        instrument,
                        side,
                        qty,
                        price,
                        tif,
                        post_only,
                        reduce_only,
                        ..
                    },
                    Some(i),
                ) => VenueCommandInfo {
                    kind: "new".into(),
                    order_id: id.0 as f64,
                    client_id: o.map(|o| o.client_id.to_string()),
                    instrument: Some(instrument),
                    side: Some(side.into()),
                    qty: Some(q_str(i, qty)),
                    price: price.map(|p| p_str(i, p)),
                    tif: Some(tif_name(tif).into()),
                    expire_at_ns: match tif {
                        TimeInForce::Gtd(t) => Some(BigInt::from(t.as_nanos())),
                        _ => None,
                    },
                    post_only: Some(post_only),
                    reduce_only: Some(reduce_only),
                },
                (VenueCommand::Replace { qty, price, .. }, Some(i)) => VenueCommandInfo {
                    kind: "replace".into(),
                    order_id: id.0 as f64,
                    client_id: o.map(|o| o.client_id.to_string()),
                    instrument: o.map(|o| o.instrument),
                    side: None,
                    qty: Some(q_str(i, qty)),
                    price: price.map(|p| p_str(i, p)),
                    tif: None,
                    expire_at_ns: None,
                    post_only: None,
                    reduce_only: None,
                },
                _ => VenueCommandInfo {
                    kind: "cancel".into(),
                    order_id: id.0 as f64,
                    client_id: o.map(|o| o.client_id.to_string()),
                    instrument: o.map(|o| o.instrument),
                    side: None,
                    qty: None,
                    price: None,
                    tif: None,
                    expire_at_ns: None,
                    post_only: None,
                    reduce_only: None,
                },
            }
        })
        .collect()
}

/// Applies a venue event from a live adapter. An impossible event (a fill after an
/// acknowledged cancel, an overfill, …) throws with its code and changes nothing.
#[napi(catch_unwind)]
pub fn oms_on_venue_event(h: &mut External<BindingOms>, event: VenueEventInput) -> Result<()> {
    let ev = h.venue_event(&event)?;
    h.inner.on_venue_event(&ev).or_throw()
}

/// An order, or `null`.
#[napi]
pub fn oms_order(h: &External<BindingOms>, order_id: f64) -> Option<OrderInfo> {
    let id = order_id_arg(order_id).ok()?;
    let o = h.inner.order(id)?;
    Some(order_info(h.inner.instrument(o.instrument)?, o))
}

/// An order by client id (within the dedup window), or `null`.
#[napi]
pub fn oms_order_by_client_id(h: &External<BindingOms>, client_id: String) -> Option<OrderInfo> {
    let o = h.inner.order_by_client(&client_id)?;
    Some(order_info(h.inner.instrument(o.instrument)?, o))
}

/// Open orders (held or at the venue), by order id.
#[napi]
pub fn oms_open_orders(h: &External<BindingOms>) -> Vec<OrderInfo> {
    let mut v: Vec<&Order> = h.inner.open_orders().collect();
    v.sort_by_key(|o| o.id);
    v.into_iter()
        .filter_map(|o| Some(order_info(h.inner.instrument(o.instrument)?, o)))
        .collect()
}

/// The position in an instrument; unrealized P&L at `mark` (or the last reference price).
#[napi(catch_unwind)]
pub fn oms_position(
    h: &External<BindingOms>,
    instrument: u32,
    mark: Option<Either<String, f64>>,
) -> Result<PositionInfo> {
    let inst = h.inst(instrument)?;
    let p = h
        .inner
        .position(instrument)
        .ok_or_else(|| invalid_state("no position slot"))?;
    let mark = match mark {
        Some(m) => Some(price_of(inst, &m)?),
        None => h.inner.portfolio().mark(instrument),
    };
    let net = p
        .realized()
        .checked_sub(p.fees())
        .map_or_else(|_| String::new(), |n| n.to_string());
    Ok(PositionInfo {
        instrument,
        qty: p.qty().to_string(),
        cost_basis: p.cost_basis().to_string(),
        avg_entry: p.avg_entry().map(|x| x.to_string()),
        realized: p.realized().to_string(),
        fees: p.fees().to_string(),
        net_realized: net,
        unrealized: mark
            .and_then(|m| p.unrealized(m).ok())
            .map(|u| u.to_string()),
        volume: p.volume().to_string(),
        fills: p.fills() as f64,
    })
}

/// Counters.
#[napi]
pub fn oms_stats(h: &External<BindingOms>) -> OmsStatsJs {
    let s = h.inner.stats();
    OmsStatsJs {
        orders: s.orders as f64,
        events: s.events as f64,
        fills: s.fills as f64,
        rejected_control: s.rejected_control as f64,
        rejected_gate: s.rejected_gate as f64,
        rejected_venue: s.rejected_venue as f64,
        errors: tachyon_oms::OmsError::CODES
            .iter()
            .zip(s.errors.iter())
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| ((*c).to_owned(), *n as f64))
            .collect(),
        errors_total: s.errors_total() as f64,
        late_acks: s.late_acks as f64,
        duplicate_fills: s.duplicate_fills as f64,
        oco_violations: s.oco_violations as f64,
        open_orders: h.inner.open_order_count() as f64,
    }
}

/// The control mode the gate reports.
#[napi]
pub fn oms_control_mode(h: &External<BindingOms>) -> ControlModeName {
    h.inner.gate().mode().into()
}

/// Sets the built-in gate's control mode. Returns `false` if the connected gate takes its
/// mode from elsewhere.
#[napi]
pub fn oms_set_control_mode(h: &mut External<BindingOms>, mode: ControlModeName) -> bool {
    h.inner.gate_mut().set_mode(mode.into())
}

/// Emergency: cancels everything and sends reduce-only market orders that flatten every
/// position. Returns their order ids.
#[napi(catch_unwind)]
pub fn oms_emergency_flatten(
    h: &mut External<BindingOms>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<Vec<f64>> {
    Ok(h.inner
        .emergency_flatten(now_ns.get("nowNs")?)
        .iter()
        .map(|i| i.0 as f64)
        .collect())
}

/// Compares the OMS with a venue's reported orders and positions. With `apply`, orders
/// the venue does not have are closed (`reason: "reconciled"`).
#[napi(catch_unwind)]
pub fn oms_reconcile(
    h: &mut External<BindingOms>,
    orders: Vec<VenueOrderInput>,
    positions: Vec<VenuePositionInput>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
    grace_ns: Option<f64>,
    apply: Option<bool>,
) -> Result<ReconReportInfo> {
    let mut vo = Vec::with_capacity(orders.len());
    for o in &orders {
        let inst = h.inst(o.instrument)?;
        vo.push(VenueOrder {
            order_id: order_id_arg(o.order_id)?,
            instrument: o.instrument,
            qty: qty_of(inst, &o.qty)?.mantissa(),
            filled: qty_of(inst, &o.filled)?.mantissa(),
            open: o.open,
        });
    }
    let mut vp = Vec::with_capacity(positions.len());
    for p in &positions {
        let inst = h.inst(p.instrument)?;
        vp.push(VenuePosition {
            instrument: p.instrument,
            qty: qty_of(inst, &p.qty)?.mantissa(),
        });
    }
    let grace = grace_ns
        .map(|g| safe_integer(g, "graceNs"))
        .transpose()?
        .unwrap_or(0);
    Ok(h.reconcile_with(
        &vo,
        &vp,
        now_ns.get("nowNs")?,
        grace,
        apply.unwrap_or(false),
    ))
}

/// Reconciles directly against a simulated venue's open orders and positions.
#[napi(catch_unwind)]
pub fn oms_reconcile_with_venue(
    h: &mut External<BindingOms>,
    venue: &External<crate::binding_sim::BindingSimVenue>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
    grace_ns: Option<f64>,
    apply: Option<bool>,
) -> Result<ReconReportInfo> {
    let grace = grace_ns
        .map(|g| safe_integer(g, "graceNs"))
        .transpose()?
        .unwrap_or(0);
    let (orders, positions) = (venue.inner.all_orders(), venue.inner.positions());
    Ok(h.reconcile_with(
        &orders,
        &positions,
        now_ns.get("nowNs")?,
        grace,
        apply.unwrap_or(false),
    ))
}

/// Starts an execution algorithm (children go through the control mode and the gate).
/// Returns its id. Drive it with `onTime`; reports reach it through `drainReports`/`onTime`.
#[napi(catch_unwind)]
pub fn oms_start_algo(h: &mut External<BindingOms>, options: AlgoOptions) -> Result<u32> {
    let inst = h.inst(options.instrument)?.clone();
    let parent = ParentOrder {
        instrument: options.instrument,
        side: options.side.into(),
        qty: qty_of(&inst, &options.qty)?,
        limit: options
            .limit
            .as_ref()
            .map(|p| price_of(&inst, p))
            .transpose()?,
        client_prefix: options.client_prefix.clone(),
    };
    let span = || -> Result<(Timestamp, Timestamp)> {
        let s = options
            .start_ns
            .as_ref()
            .ok_or_else(|| invalid_arg("startNs is required"))?;
        let e = options
            .end_ns
            .as_ref()
            .ok_or_else(|| invalid_arg("endNs is required"))?;
        Ok((ts_arg(s, "startNs")?, ts_arg(e, "endNs")?))
    };
    let algo: Box<dyn ExecAlgo + Send> = match options.kind {
        AlgoKind::Twap => {
            let (s, e) = span()?;
            let n = options.slices.unwrap_or(10);
            if n == 0 {
                return Err(invalid_arg("slices must be at least 1"));
            }
            Box::new(ScheduleAlgo::twap(parent, s, e, n, &h.inner).or_throw()?)
        }
        AlgoKind::Vwap => {
            let (s, e) = span()?;
            let prof = options
                .profile
                .as_ref()
                .ok_or_else(|| invalid_arg("profile is required for vwap"))?;
            let prof = prof
                .iter()
                .map(|&x| {
                    if x.is_finite() && x >= 0.0 {
                        Ok(x.round() as u64)
                    } else {
                        Err(invalid_arg(format!("profile values must be >= 0, got {x}")))
                    }
                })
                .collect::<Result<Vec<u64>>>()?;
            Box::new(ScheduleAlgo::vwap(parent, s, e, &prof, &h.inner).or_throw()?)
        }
        AlgoKind::Pov => {
            let rate = options
                .rate
                .ok_or_else(|| invalid_arg("rate is required for pov"))?;
            if !(rate > 0.0 && rate <= 1.0) {
                return Err(invalid_arg(format!("rate must be in (0, 1], got {rate}")));
            }
            let min_child = options
                .min_child
                .as_ref()
                .map(|m| qty_of(&inst, m))
                .transpose()?
                .map_or(0, Quantity::mantissa);
            Box::new(
                PovAlgo::new(parent, (rate * 1e6).round() as u32, min_child, &h.inner)
                    .or_throw()?,
            )
        }
        AlgoKind::Iceberg => {
            let d = options
                .display
                .as_ref()
                .ok_or_else(|| invalid_arg("display is required for iceberg"))?;
            Box::new(IcebergAlgo::new(parent, qty_of(&inst, d)?, &h.inner).or_throw()?)
        }
    };
    let id = h.algos.last().map_or(1, |(i, _, _)| i + 1);
    h.algos.push((id, options.instrument, algo));
    Ok(id)
}

/// Progress of an algorithm.
#[napi(catch_unwind)]
pub fn oms_algo_progress(h: &External<BindingOms>, algo_id: u32) -> Result<AlgoProgressInfo> {
    let (_, inst, a) = h
        .algos
        .iter()
        .find(|(i, _, _)| *i == algo_id)
        .ok_or_else(|| invalid_arg(format!("no algorithm with id {algo_id}")))?;
    let p = a.progress();
    let inst = h.inst(*inst)?;
    let q = |m: i64| q_str(inst, m);
    Ok(AlgoProgressInfo {
        state: match p.state {
            AlgoState::Running => "running",
            AlgoState::Paused => "paused",
            AlgoState::Done => "done",
            AlgoState::Stopped => "stopped",
        }
        .to_owned(),
        target: q(p.target),
        filled: q(p.filled),
        working: q(p.working),
        children: p.children,
        refused: p.refused,
        last_reason: reason_name(p.last_reason).to_owned(),
    })
}

/// Stops an algorithm and cancels its live children.
#[napi(catch_unwind)]
pub fn oms_stop_algo(
    h: &mut External<BindingOms>,
    algo_id: u32,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<()> {
    let now = now_ns.get("nowNs")?;
    let this: &mut BindingOms = h;
    let (_, _, a) = this
        .algos
        .iter_mut()
        .find(|(i, _, _)| *i == algo_id)
        .ok_or_else(|| invalid_arg(format!("no algorithm with id {algo_id}")))?;
    a.stop(now, &mut this.inner);
    Ok(())
}

/// Market volume traded by others (drives POV algorithms on that instrument).
#[napi(catch_unwind)]
pub fn oms_on_market_volume(
    h: &mut External<BindingOms>,
    instrument: u32,
    qty: Either<String, f64>,
) -> Result<()> {
    let q = qty_of(h.inst(instrument)?, &qty)?.mantissa();
    for (_, i, a) in &mut h.algos {
        if *i == instrument {
            a.on_market_volume(q);
        }
    }
    Ok(())
}
