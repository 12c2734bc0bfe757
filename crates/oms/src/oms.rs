//! The order management system: requests in, venue commands and execution reports out.
//!
//! Event-driven and single-threaded: the caller passes time in (`now`), feeds venue events
//! ([`Oms::on_venue_event`]) and reference prices ([`Oms::on_price`]), and drains the commands
//! for the venue ([`Oms::drain_commands`]) and the reports for the strategy
//! ([`Oms::drain_reports`]). Nothing here reads a clock or blocks, so the same code runs in a
//! deterministic backtest and live.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use tachyon_core::{Instrument, InstrumentId, Notional, Price, Quantity, Timestamp};

use crate::error::OmsError;
use crate::gate::{ControlMode, OrderIntent, PortfolioView, PreTradeGate};
use crate::order::{allowed, Links, Order, OrderStatus, Transition};
use crate::position::Position;
use crate::types::{
    ClientOrderId, ExecReport, FillInfo, OrderId, OrderRequest, OrderType, Reason, ReportKind,
    Side, TimeInForce, VenueCommand, VenueEvent, VenueReject,
};

/// FxHash-style hasher for integer and short byte keys (order ids, client ids).
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        // Multiply-xor rounds only carry entropy towards the high bits, while hash tables
        // index by the low ones: fold the high half back in.
        let x = self.0;
        (x ^ (x >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (x >> 29)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// A remembered client id.
#[derive(Debug, Clone, Copy)]
struct IdSlot {
    order: OrderId,
    open: bool,
    in_window: bool,
}

/// OMS settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OmsConfig {
    /// How many recent client order ids are remembered for deduplication (open orders'
    /// ids are always remembered). Default 65,536.
    pub dedup_window: usize,
    /// Closed orders kept for queries before the oldest are forgotten. Default 16,384 (the
    /// order map is the OMS's working set: keeping it small keeps lookups in cache).
    pub max_closed: usize,
    /// DAY orders held by the OMS expire at the next multiple of 24 h after creation, shifted
    /// by this offset (0 = UTC midnight).
    pub day_offset_ns: i64,
}

impl Default for OmsConfig {
    fn default() -> Self {
        Self {
            dedup_window: 65_536,
            max_closed: 16_384,
            day_offset_ns: 0,
        }
    }
}

/// Counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OmsStats {
    /// Orders created (including ones refused by control or gate).
    pub orders: u64,
    /// Venue events processed (valid or not).
    pub events: u64,
    /// Fills booked.
    pub fills: u64,
    /// Orders refused by the control mode.
    pub rejected_control: u64,
    /// Orders refused by the gate.
    pub rejected_gate: u64,
    /// Orders refused by the venue.
    pub rejected_venue: u64,
    /// Refused requests and impossible events by reason ([`OmsError::index`]).
    pub errors: [u64; 15],
    /// Acknowledgements that arrived after a fill (harmless, ignored).
    pub late_acks: u64,
    /// Fills with an already booked trade id (ignored).
    pub duplicate_fills: u64,
    /// Fills on both legs of an OCO pair reported by a venue (must stay 0).
    pub oco_violations: u64,
}

impl OmsStats {
    /// Total errors.
    #[must_use]
    pub fn errors_total(&self) -> u64 {
        self.errors.iter().sum()
    }
}

/// What happened to a submitted order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitOutcome {
    /// The order id (also for a refused order: it is recorded as rejected).
    pub order_id: OrderId,
    /// Held, New or Rejected.
    pub status: OrderStatus,
    /// Why it was refused, if it was.
    pub reason: Reason,
    /// The gate's refusal code, if the gate refused.
    pub gate_code: Option<&'static str>,
}

#[derive(Debug)]
struct Portfolio {
    instruments: Vec<Instrument>,
    positions: Vec<Position>,
    open_buy: Vec<i64>,
    open_sell: Vec<i64>,
    marks: Vec<Option<i64>>,
    open_orders: usize,
}

impl Portfolio {
    fn adjust_open(&mut self, instrument: InstrumentId, side: Side, delta: i64) {
        let i = instrument as usize;
        match side {
            Side::Buy => self.open_buy[i] += delta,
            Side::Sell => self.open_sell[i] += delta,
        }
    }

    fn reduces(&self, instrument: InstrumentId, side: Side, qty: i64) -> bool {
        let pos = self.positions[instrument as usize].qty_mantissa();
        pos != 0 && pos.signum() == -side.sign() && qty <= pos.abs()
    }
}

impl PortfolioView for Portfolio {
    fn instrument(&self, id: InstrumentId) -> Option<&Instrument> {
        self.instruments.get(id as usize)
    }
    fn position(&self, id: InstrumentId) -> Quantity {
        self.positions
            .get(id as usize)
            .map_or(Quantity::zero(0), Position::qty)
    }
    fn open_qty(&self, id: InstrumentId, side: Side) -> Quantity {
        let i = id as usize;
        let (Some(inst), Some(b), Some(s)) = (
            self.instruments.get(i),
            self.open_buy.get(i),
            self.open_sell.get(i),
        ) else {
            return Quantity::zero(0);
        };
        let m = match side {
            Side::Buy => *b,
            Side::Sell => *s,
        };
        Quantity::from_mantissa(m, inst.qty_scale()).unwrap_or(Quantity::zero(0))
    }
    fn open_orders(&self) -> usize {
        self.open_orders
    }
    fn mark(&self, id: InstrumentId) -> Option<Price> {
        let i = id as usize;
        let m = (*self.marks.get(i)?)?;
        Price::from_mantissa(m, self.instruments.get(i)?.price_scale()).ok()
    }
}

/// The order management system. See the module docs.
pub struct Oms {
    cfg: OmsConfig,
    gate: Box<dyn PreTradeGate>,
    book: Portfolio,
    orders: FastMap<u64, Order>,
    next_id: u64,
    client_ids: FastMap<ClientOrderId, IdSlot>,
    client_fifo: VecDeque<ClientOrderId>,
    closed_fifo: VecDeque<OrderId>,
    held: Vec<OrderId>,
    /// Cancels to send again at the next `on_time` (an OCO leg waits for them).
    cancel_retry: Vec<OrderId>,
    commands: Vec<VenueCommand>,
    reports: Vec<ExecReport>,
    stats: OmsStats,
    now: Timestamp,
}

impl std::fmt::Debug for Oms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oms")
            .field("cfg", &self.cfg)
            .field("orders", &self.orders.len())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

fn make_report(
    o: &Order,
    kind: ReportKind,
    ts: Timestamp,
    last_px: i64,
    last_qty: i64,
    fee: i64,
) -> ExecReport {
    let reason = match (o.reason, o.venue_reject) {
        (Reason::Venue, Some(v)) => 100 + v as u8,
        (r, _) => r as u8,
    };
    ExecReport {
        ts_ns: ts.as_nanos(),
        order_id: o.id.0,
        last_px,
        last_qty,
        cum_qty: o.filled,
        avg_px: o.avg_px().unwrap_or(0),
        fee,
        instrument: o.instrument,
        kind: kind as u8,
        status: o.status as u8,
        side: o.side as u8,
        reason,
    }
}

/// Open-quantity contribution of an order (its leaves while not terminal).
#[inline]
fn open_leaves(o: &Order) -> i64 {
    if o.status.is_terminal() {
        0
    } else {
        o.leaves()
    }
}

enum FollowUp {
    None,
    CancelLocal(OrderId, Reason),
    Release(OrderId),
}

impl Oms {
    /// An OMS consulting `gate` before every order.
    #[must_use]
    pub fn new(gate: Box<dyn PreTradeGate>, cfg: OmsConfig) -> Self {
        Self {
            cfg: OmsConfig {
                dedup_window: cfg.dedup_window.max(1),
                max_closed: cfg.max_closed.max(1),
                ..cfg
            },
            gate,
            book: Portfolio {
                instruments: Vec::new(),
                positions: Vec::new(),
                open_buy: Vec::new(),
                open_sell: Vec::new(),
                marks: Vec::new(),
                open_orders: 0,
            },
            orders: FastMap::default(),
            next_id: 1,
            client_ids: FastMap::default(),
            client_fifo: VecDeque::new(),
            closed_fifo: VecDeque::new(),
            held: Vec::new(),
            cancel_retry: Vec::new(),
            commands: Vec::with_capacity(64),
            reports: Vec::with_capacity(256),
            stats: OmsStats::default(),
            now: Timestamp::EPOCH,
        }
    }

    /// Registers an instrument; returns its id (0, 1, 2, … in order of registration).
    pub fn add_instrument(&mut self, instrument: Instrument) -> InstrumentId {
        let id = self.book.instruments.len() as InstrumentId;
        self.book.positions.push(Position::new(
            instrument.price_scale(),
            instrument.qty_scale(),
        ));
        self.book.instruments.push(instrument);
        self.book.open_buy.push(0);
        self.book.open_sell.push(0);
        self.book.marks.push(None);
        id
    }

    /// The registered instrument.
    #[must_use]
    pub fn instrument(&self, id: InstrumentId) -> Option<&Instrument> {
        self.book.instruments.get(id as usize)
    }

    /// Instrument id by symbol.
    #[must_use]
    pub fn instrument_id(&self, symbol: &str) -> Option<InstrumentId> {
        self.book
            .instruments
            .iter()
            .position(|i| i.symbol() == symbol)
            .map(|i| i as InstrumentId)
    }

    /// Replaces the gate (e.g. to connect the risk engine).
    pub fn set_gate(&mut self, gate: Box<dyn PreTradeGate>) {
        self.gate = gate;
    }

    /// The gate.
    #[must_use]
    pub fn gate(&self) -> &dyn PreTradeGate {
        self.gate.as_ref()
    }

    /// The gate, mutably (e.g. to change a test gate's mode).
    pub fn gate_mut(&mut self) -> &mut dyn PreTradeGate {
        self.gate.as_mut()
    }

    /// The portfolio as the gate sees it.
    #[must_use]
    pub fn portfolio(&self) -> &dyn PortfolioView {
        &self.book
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> &OmsStats {
        &self.stats
    }

    /// The position in an instrument.
    #[must_use]
    pub fn position(&self, id: InstrumentId) -> Option<&Position> {
        self.book.positions.get(id as usize)
    }

    /// An order (open, or closed and not yet forgotten).
    #[must_use]
    pub fn order(&self, id: OrderId) -> Option<&Order> {
        self.orders.get(&id.0)
    }

    /// An order by client id (within the dedup window).
    #[must_use]
    pub fn order_by_client(&self, client_id: &str) -> Option<&Order> {
        let c = ClientOrderId::new(client_id).ok()?;
        self.order(self.known_client_id(&c)?)
    }

    /// Open orders (held or at the venue), in no particular order.
    pub fn open_orders(&self) -> impl Iterator<Item = &Order> + '_ {
        self.orders.values().filter(|o| o.is_open())
    }

    /// Number of open orders.
    #[must_use]
    pub fn open_order_count(&self) -> usize {
        self.book.open_orders
    }

    /// Last time passed in.
    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Moves commands for the venue into `out` (appends).
    pub fn drain_commands(&mut self, out: &mut Vec<VenueCommand>) {
        out.append(&mut self.commands);
    }

    /// Moves execution reports into `out` (appends).
    pub fn drain_reports(&mut self, out: &mut Vec<ExecReport>) {
        out.append(&mut self.reports);
    }

    /// Pending commands, without draining.
    #[must_use]
    pub fn pending_commands(&self) -> &[VenueCommand] {
        &self.commands
    }

    /// Pending reports, without draining.
    #[must_use]
    pub fn pending_reports(&self) -> &[ExecReport] {
        &self.reports
    }

    fn tick(&mut self, now: Timestamp) {
        if now > self.now {
            self.now = now;
        }
    }

    /// Counts a refusal found before the OMS was called (e.g. an adapter that could not
    /// convert a price), so every bad input shows in [`OmsStats::errors`].
    pub fn count_error(&mut self, e: &OmsError) {
        self.stats.errors[e.index()] += 1;
    }

    fn fail<T>(&mut self, e: OmsError) -> Result<T, OmsError> {
        self.stats.errors[e.index()] += 1;
        Err(e)
    }

    // ---- submission ---------------------------------------------------------------------

    /// Validates a request without changing anything; returns the order it would create.
    fn prepare(&self, r: &OrderRequest, now: Timestamp) -> Result<Order, OmsError> {
        let inst = self
            .book
            .instruments
            .get(r.instrument as usize)
            .ok_or(OmsError::UnknownInstrument(r.instrument))?;
        inst.check_qty(r.qty).map_err(OmsError::Instrument)?;
        let bad = OmsError::InvalidOrder;
        match r.order_type {
            OrderType::Market => {
                if r.price.is_some() {
                    return Err(bad("a market order takes no price"));
                }
                if !matches!(r.tif, TimeInForce::Ioc | TimeInForce::Fok) {
                    return Err(bad("a market order must be IOC or FOK"));
                }
            }
            OrderType::Limit => {
                let p = r.price.ok_or(bad("a limit order needs a price"))?;
                inst.check_order(p, r.qty).map_err(OmsError::Instrument)?;
            }
            OrderType::StopMarket | OrderType::StopLimit => {
                let t = r.trigger.ok_or(bad("a stop order needs a trigger price"))?;
                inst.check_price(t).map_err(OmsError::Instrument)?;
                if r.order_type == OrderType::StopLimit {
                    let p = r
                        .price
                        .ok_or(bad("a stop-limit order needs a limit price"))?;
                    inst.check_order(p, r.qty).map_err(OmsError::Instrument)?;
                } else if r.price.is_some() {
                    return Err(bad("a stop market order takes no limit price"));
                }
            }
            OrderType::TrailingStop => {
                let t = r
                    .trail
                    .ok_or(bad("a trailing stop needs a trail distance"))?;
                inst.check_price(t).map_err(OmsError::Instrument)?;
                if r.price.is_some() || r.trigger.is_some() {
                    return Err(bad(
                        "a trailing stop takes only a trail distance (no price or trigger)",
                    ));
                }
            }
        }
        if r.post_only {
            if !matches!(r.order_type, OrderType::Limit | OrderType::StopLimit) {
                return Err(bad("post-only needs a limit order"));
            }
            if matches!(r.tif, TimeInForce::Ioc | TimeInForce::Fok) {
                return Err(bad("post-only cannot be IOC or FOK"));
            }
        }
        if let TimeInForce::Gtd(t) = r.tif {
            if t <= now {
                return Err(bad("the GTD time is not in the future"));
            }
        }
        if let Some(existing) = self.known_client_id(&r.client_id) {
            return Err(OmsError::DuplicateClientId {
                client_id: r.client_id.to_string(),
                existing,
            });
        }
        let expires = match r.tif {
            TimeInForce::Day => {
                const DAY: i64 = 86_400_000_000_000;
                let t = now.as_nanos() - self.cfg.day_offset_ns;
                Some(Timestamp::from_nanos(
                    (t.div_euclid(DAY) + 1) * DAY + self.cfg.day_offset_ns,
                ))
            }
            TimeInForce::Gtd(t) => Some(t),
            _ => None,
        };
        let status = if r.order_type.is_triggered() {
            OrderStatus::Held
        } else {
            OrderStatus::New
        };
        Ok(Order {
            id: OrderId(0),
            client_id: r.client_id,
            instrument: r.instrument,
            side: r.side,
            order_type: r.order_type,
            qty: r.qty.mantissa(),
            price: r.price.map(Price::mantissa),
            trigger: r.trigger.map(Price::mantissa),
            trail: r.trail.map(Price::mantissa),
            tif: r.tif,
            post_only: r.post_only,
            reduce_only: r.reduce_only,
            status,
            filled: 0,
            filled_notional: 0,
            fees: 0,
            min_fill_px: i64::MAX,
            max_fill_px: i64::MIN,
            fill_count: 0,
            last_trade_id: 0,
            cancel_pending: false,
            replace_pending: None,
            release_pending: false,
            links: Links::default(),
            reason: Reason::None,
            venue_reject: None,
            reject_text: None,
            created: now,
            updated: now,
            expires,
        })
    }

    /// Control mode + reduce-only + gate. `Err((reason, gate code, text))` refuses.
    fn admit(
        &mut self,
        id: OrderId,
        is_release: bool,
    ) -> Result<(), (Reason, Option<&'static str>, Option<String>)> {
        let o = &self.orders[&id.0];
        let (instrument, side, order_type, leaves, price, reduce_only) = (
            o.instrument,
            o.side,
            o.order_type,
            o.leaves(),
            o.price,
            o.reduce_only,
        );
        let reduces = self.book.reduces(instrument, side, leaves);
        match self.gate.mode() {
            ControlMode::Normal => {}
            ControlMode::Pause => {
                if !is_release {
                    return Err((Reason::ControlPause, None, None));
                }
            }
            ControlMode::Reduce => {
                if !reduces {
                    return Err((Reason::ControlReduce, None, None));
                }
            }
            ControlMode::Emergency => return Err((Reason::ControlEmergency, None, None)),
        }
        if reduce_only && !reduces {
            return Err((Reason::ReduceOnly, None, None));
        }
        let inst = &self.book.instruments[instrument as usize];
        let intent = OrderIntent {
            instrument,
            side,
            order_type,
            qty: Quantity::from_mantissa(leaves, inst.qty_scale()).unwrap_or(Quantity::zero(0)),
            price: price.and_then(|p| Price::from_mantissa(p, inst.price_scale()).ok()),
            reduce_only,
            reduces_position: reduces,
            is_release,
            mark: self.book.mark(instrument),
            ts: self.now,
        };
        self.gate
            .check(&intent, &self.book)
            .map_err(|g| (Reason::Gate, Some(g.code), Some(g.message)))
    }

    /// Remembers a client id. The last `dedup_window` ids are kept (oldest forgotten first,
    /// O(1)); an open order's id is kept however old it is, and forgotten when the order
    /// closes if it has left the window by then.
    fn remember_client_id(&mut self, c: ClientOrderId, id: OrderId, open: bool) {
        self.client_ids.insert(
            c,
            IdSlot {
                order: id,
                open,
                in_window: true,
            },
        );
        self.client_fifo.push_back(c);
        while self.client_fifo.len() > self.cfg.dedup_window {
            let Some(old) = self.client_fifo.pop_front() else {
                break;
            };
            if let Some(slot) = self.client_ids.get_mut(&old) {
                if slot.open {
                    slot.in_window = false;
                } else {
                    self.client_ids.remove(&old);
                }
            }
        }
    }

    fn known_client_id(&self, c: &ClientOrderId) -> Option<OrderId> {
        self.client_ids.get(c).map(|s| s.order)
    }

    /// Inserts a prepared order (assigning its id) and records the client id.
    fn insert(&mut self, mut o: Order) -> OrderId {
        let id = OrderId(self.next_id);
        self.next_id += 1;
        o.id = id;
        self.stats.orders += 1;
        if o.is_open() {
            self.book.adjust_open(o.instrument, o.side, o.leaves());
            self.book.open_orders += 1;
        }
        let (client_id, open) = (o.client_id, o.is_open());
        self.orders.insert(id.0, o);
        self.remember_client_id(client_id, id, open);
        id
    }

    fn venue_command(o: &Order) -> VenueCommand {
        let (price, tif) = match o.order_type {
            OrderType::Market | OrderType::StopMarket | OrderType::TrailingStop => {
                let tif = if o.tif == TimeInForce::Fok {
                    TimeInForce::Fok
                } else {
                    TimeInForce::Ioc
                };
                (None, tif)
            }
            OrderType::Limit | OrderType::StopLimit => (o.price, o.tif),
        };
        VenueCommand::New {
            order_id: o.id,
            instrument: o.instrument,
            side: o.side,
            qty: o.leaves(),
            price,
            tif,
            post_only: o.post_only,
            reduce_only: o.reduce_only,
        }
    }

    /// Admits and dispatches an inserted order: a venue command (New), or held, or rejected.
    fn dispatch(&mut self, id: OrderId, now: Timestamp) -> SubmitOutcome {
        let held_for_parent = self.orders[&id.0].links.parent.is_some();
        match self.admit(id, false) {
            Err((reason, code, text)) => {
                self.reject_local(id, reason, text, now);
                SubmitOutcome {
                    order_id: id,
                    status: OrderStatus::Rejected,
                    reason,
                    gate_code: code,
                }
            }
            Ok(()) => {
                let o = self.orders.get_mut(&id.0).expect("inserted");
                if o.status == OrderStatus::Held || held_for_parent {
                    o.status = OrderStatus::Held;
                    self.held.push(id);
                    self.reports
                        .push(make_report(o, ReportKind::Held, now, 0, 0, 0));
                } else {
                    self.commands.push(Self::venue_command(o));
                    self.reports
                        .push(make_report(o, ReportKind::New, now, 0, 0, 0));
                }
                SubmitOutcome {
                    order_id: id,
                    status: o.status,
                    reason: Reason::None,
                    gate_code: None,
                }
            }
        }
    }

    /// Submits an order.
    ///
    /// Bad input (unknown instrument, off-tick price, zero/negative quantity, duplicate client
    /// id, an impossible combination of fields) is an `Err`, counted, and changes nothing. A
    /// refusal by the control mode, the reduce-only rule or the gate is a domain outcome: the
    /// order is recorded as [`OrderStatus::Rejected`] with its [`Reason`], a report is emitted,
    /// and the client id is used up.
    ///
    /// # Errors
    /// [`OmsError::UnknownInstrument`], [`OmsError::Instrument`], [`OmsError::InvalidOrder`],
    /// [`OmsError::DuplicateClientId`].
    pub fn submit(
        &mut self,
        req: &OrderRequest,
        now: Timestamp,
    ) -> Result<SubmitOutcome, OmsError> {
        self.tick(now);
        let o = match self.prepare(req, now) {
            Ok(o) => o,
            Err(e) => return self.fail(e),
        };
        let id = self.insert(o);
        Ok(self.dispatch(id, now))
    }

    fn prepare_all(
        &mut self,
        reqs: &[&OrderRequest],
        now: Timestamp,
    ) -> Result<Vec<Order>, OmsError> {
        let mut out = Vec::with_capacity(reqs.len());
        for (i, r) in reqs.iter().enumerate() {
            if reqs[..i].iter().any(|q| q.client_id == r.client_id) {
                return self.fail(OmsError::DuplicateClientId {
                    client_id: r.client_id.to_string(),
                    existing: OrderId(0),
                });
            }
            if r.instrument != reqs[0].instrument {
                return self.fail(OmsError::UnsupportedContingency(
                    "all legs must be on the same instrument",
                ));
            }
            match self.prepare(r, now) {
                Ok(o) => out.push(o),
                Err(e) => return self.fail(e),
            }
        }
        Ok(out)
    }

    /// Submits a one-cancels-the-other pair. At least one leg must be a stop or trailing stop
    /// (held by the OMS): when either leg executes or triggers, the other is cancelled, and a
    /// triggered stop is only sent after the resting leg's cancel is confirmed, so the two
    /// legs can never both fill. An OCO of two resting limits cannot give that guarantee
    /// without venue support and is refused.
    ///
    /// # Errors
    /// As [`Oms::submit`] for either leg, or [`OmsError::UnsupportedContingency`]; nothing
    /// is created unless both legs are valid.
    pub fn submit_oco(
        &mut self,
        a: &OrderRequest,
        b: &OrderRequest,
        now: Timestamp,
    ) -> Result<[SubmitOutcome; 2], OmsError> {
        self.tick(now);
        if !a.order_type.is_triggered() && !b.order_type.is_triggered() {
            return self.fail(OmsError::UnsupportedContingency(
                "an OCO needs at least one stop or trailing-stop leg",
            ));
        }
        let mut legs = self.prepare_all(&[a, b], now)?;
        let lb = legs.pop().expect("two legs");
        let la = legs.pop().expect("two legs");
        let ia = self.insert(la);
        let ib = self.insert(lb);
        self.link_oco(ia, ib);
        let ra = self.dispatch(ia, now);
        if ra.status == OrderStatus::Rejected {
            self.reject_local(ib, ra.reason, None, now);
            let rb = self.outcome(ib);
            return Ok([ra, rb]);
        }
        let rb = self.dispatch(ib, now);
        if rb.status == OrderStatus::Rejected {
            // Keep the pair atomic: take back the first leg.
            self.cancel_pair_leg(ia, rb.reason, now);
            let ra = self.outcome(ia);
            return Ok([ra, rb]);
        }
        Ok([ra, rb])
    }

    fn outcome(&self, id: OrderId) -> SubmitOutcome {
        let o = &self.orders[&id.0];
        SubmitOutcome {
            order_id: id,
            status: o.status,
            reason: o.reason,
            gate_code: None,
        }
    }

    fn cancel_pair_leg(&mut self, id: OrderId, reason: Reason, now: Timestamp) {
        let status = self.orders[&id.0].status;
        if status == OrderStatus::Held {
            self.close_local(id, OrderStatus::Cancelled, reason, now);
        } else if status.is_at_venue() {
            let o = self.orders.get_mut(&id.0).expect("exists");
            o.cancel_pending = true;
            self.commands.push(VenueCommand::Cancel { order_id: id });
        }
    }

    fn link_oco(&mut self, a: OrderId, b: OrderId) {
        if let Some(o) = self.orders.get_mut(&a.0) {
            o.links.oco = Some(b);
        }
        if let Some(o) = self.orders.get_mut(&b.0) {
            o.links.oco = Some(a);
        }
    }

    /// Submits a one-triggers-the-other pair: `pending` is held until `working` fills
    /// completely, then released (through the gate again). If `working` ends without filling
    /// completely, `pending` is cancelled.
    ///
    /// # Errors
    /// As [`Oms::submit`] for either leg; nothing is created unless both are valid.
    pub fn submit_oto(
        &mut self,
        working: &OrderRequest,
        pending: &OrderRequest,
        now: Timestamp,
    ) -> Result<[SubmitOutcome; 2], OmsError> {
        self.tick(now);
        let mut legs = self.prepare_all(&[working, pending], now)?;
        let lp = legs.pop().expect("two legs");
        let lw = legs.pop().expect("two legs");
        let iw = self.insert(lw);
        let ip = self.insert(lp);
        self.orders.get_mut(&ip.0).expect("inserted").links.parent = Some(iw);
        self.orders.get_mut(&iw.0).expect("inserted").links.children[0] = Some(ip);
        let rw = self.dispatch(iw, now);
        if rw.status == OrderStatus::Rejected {
            self.reject_local(ip, Reason::ParentFailed, None, now);
            return Ok([rw, self.outcome(ip)]);
        }
        let rp = self.dispatch(ip, now);
        Ok([rw, rp])
    }

    /// Submits a bracket: an `entry` order and, once it fills completely, an OCO of a
    /// `take_profit` limit and a `stop_loss` stop (both on the opposite side).
    ///
    /// # Errors
    /// As [`Oms::submit`] for any leg, [`OmsError::InvalidOrder`] if the exits are not on
    /// the opposite side or the stop-loss is not a stop, [`OmsError::UnsupportedContingency`]
    /// for legs on different instruments. Nothing is created unless all legs are valid.
    pub fn submit_bracket(
        &mut self,
        entry: &OrderRequest,
        take_profit: &OrderRequest,
        stop_loss: &OrderRequest,
        now: Timestamp,
    ) -> Result<[SubmitOutcome; 3], OmsError> {
        self.tick(now);
        let exit = entry.side.opposite();
        if take_profit.side != exit || stop_loss.side != exit {
            return self.fail(OmsError::InvalidOrder(
                "bracket exits must be on the opposite side of the entry",
            ));
        }
        if !stop_loss.order_type.is_triggered() {
            return self.fail(OmsError::InvalidOrder(
                "a bracket's stop-loss must be a stop or trailing stop",
            ));
        }
        let mut legs = self.prepare_all(&[entry, take_profit, stop_loss], now)?;
        let ls = legs.pop().expect("three legs");
        let lt = legs.pop().expect("three legs");
        let le = legs.pop().expect("three legs");
        let ie = self.insert(le);
        let it = self.insert(lt);
        let is = self.insert(ls);
        self.link_oco(it, is);
        for c in [it, is] {
            self.orders.get_mut(&c.0).expect("inserted").links.parent = Some(ie);
        }
        self.orders.get_mut(&ie.0).expect("inserted").links.children = [Some(it), Some(is)];
        let re = self.dispatch(ie, now);
        if re.status == OrderStatus::Rejected {
            self.reject_local(it, Reason::ParentFailed, None, now);
            self.reject_local(is, Reason::ParentFailed, None, now);
            return Ok([re, self.outcome(it), self.outcome(is)]);
        }
        let rt = self.dispatch(it, now);
        let rs = self.dispatch(is, now);
        Ok([re, rt, rs])
    }

    // ---- local state changes -----------------------------------------------------------

    fn unhold(&mut self, id: OrderId) {
        if let Some(i) = self.held.iter().position(|&h| h == id) {
            self.held.swap_remove(i);
        }
    }

    /// Moves an open order to a terminal status locally and emits the report.
    fn close_local(&mut self, id: OrderId, status: OrderStatus, reason: Reason, now: Timestamp) {
        let Some(o) = self.orders.get_mut(&id.0) else {
            return;
        };
        if o.status.is_terminal() {
            return;
        }
        let before = open_leaves(o);
        o.status = status;
        o.reason = reason;
        o.updated = now;
        o.release_pending = false;
        let kind = match status {
            OrderStatus::Rejected => ReportKind::Rejected,
            OrderStatus::Expired => ReportKind::Expired,
            _ => ReportKind::Cancelled,
        };
        self.reports.push(make_report(o, kind, now, 0, 0, 0));
        let (inst, side) = (o.instrument, o.side);
        self.book.adjust_open(inst, side, -before);
        self.on_closed(id, now);
    }

    fn reject_local(&mut self, id: OrderId, reason: Reason, text: Option<String>, now: Timestamp) {
        match reason {
            Reason::ControlPause | Reason::ControlReduce | Reason::ControlEmergency => {
                self.stats.rejected_control += 1;
            }
            Reason::Gate => self.stats.rejected_gate += 1,
            _ => {}
        }
        if let Some(o) = self.orders.get_mut(&id.0) {
            o.reject_text = text;
        }
        self.close_local(id, OrderStatus::Rejected, reason, now);
    }

    /// Book-keeping once an order is terminal: open counts, held list, OTO children,
    /// forgetting old closed orders.
    fn on_closed(&mut self, id: OrderId, now: Timestamp) {
        self.book.open_orders = self.book.open_orders.saturating_sub(1);
        self.unhold(id);
        if let Some(c) = self.orders.get(&id.0).map(|o| o.client_id) {
            if let Some(slot) = self.client_ids.get_mut(&c) {
                if slot.order == id {
                    slot.open = false;
                    if !slot.in_window {
                        self.client_ids.remove(&c);
                    }
                }
            }
        }
        let (children, fully_filled) = match self.orders.get(&id.0) {
            Some(o) => (o.links.children, o.status == OrderStatus::Filled),
            None => return,
        };
        for c in children.into_iter().flatten() {
            if fully_filled {
                self.release_child(c, now);
            } else {
                self.close_local(c, OrderStatus::Cancelled, Reason::ParentFailed, now);
            }
        }
        self.closed_fifo.push_back(id);
        while self.closed_fifo.len() > self.cfg.max_closed {
            if let Some(old) = self.closed_fifo.pop_front() {
                self.orders.remove(&old.0);
            }
        }
    }

    /// A child whose OTO parent filled: stops keep waiting for their trigger; others go out.
    fn release_child(&mut self, id: OrderId, now: Timestamp) {
        let Some(o) = self.orders.get_mut(&id.0) else {
            return;
        };
        if o.status != OrderStatus::Held {
            return;
        }
        o.links.parent = None;
        if o.order_type.is_triggered() {
            return;
        }
        self.release(id, now);
    }

    /// Sends a held order to the venue (after admission with `is_release = true`).
    fn release(&mut self, id: OrderId, now: Timestamp) {
        if let Err((reason, _, text)) = self.admit(id, true) {
            self.reject_local(id, reason, text, now);
            return;
        }
        self.unhold(id);
        let o = self.orders.get_mut(&id.0).expect("exists");
        o.status = OrderStatus::New;
        o.release_pending = false;
        o.updated = now;
        self.commands.push(Self::venue_command(o));
        self.reports
            .push(make_report(o, ReportKind::Triggered, now, 0, 0, 0));
    }

    /// A held stop fired (or an OCO leg executed): take care of the sibling, then release.
    fn fire(&mut self, id: OrderId, now: Timestamp) {
        let sibling = self.orders[&id.0].links.oco;
        if let Some(s) = sibling {
            let st = self.orders.get(&s.0).map(|o| o.status);
            match st {
                Some(OrderStatus::Held) => {
                    self.close_local(s, OrderStatus::Cancelled, Reason::OcoSibling, now);
                }
                Some(st) if st.is_at_venue() => {
                    // Send only after the resting leg's cancel is confirmed.
                    self.orders.get_mut(&id.0).expect("exists").release_pending = true;
                    let so = self.orders.get_mut(&s.0).expect("exists");
                    if !so.cancel_pending {
                        so.cancel_pending = true;
                        so.reason = Reason::OcoSibling;
                        self.commands.push(VenueCommand::Cancel { order_id: s });
                    }
                    return;
                }
                _ => {}
            }
        }
        self.release(id, now);
    }

    // ---- recovery ---------------------------------------------------------------------

    /// Books a fill that happened before this OMS existed (recovery from a journal): the
    /// position moves and the gate is told (`on_fill`), as for a venue fill, but no order is
    /// involved and no report is emitted. `fee` is a notional mantissa at price + quantity
    /// scale.
    ///
    /// # Errors
    /// [`OmsError::UnknownInstrument`], [`OmsError::BadFillQty`], [`OmsError::BadFillPrice`]
    /// (non-positive or off-tick), [`OmsError::Arithmetic`]. A refused fill is counted and
    /// changes nothing.
    pub fn restore_fill(
        &mut self,
        instrument: InstrumentId,
        side: Side,
        price: i64,
        qty: i64,
        fee: i64,
        ts: Timestamp,
    ) -> Result<(), OmsError> {
        self.tick(ts);
        let Some(inst) = self.book.instruments.get(instrument as usize) else {
            return self.fail(OmsError::UnknownInstrument(instrument));
        };
        let (ps, qs, tick) = (inst.price_scale(), inst.qty_scale(), inst.tick().mantissa());
        if qty <= 0 {
            return self.fail(OmsError::BadFillQty {
                order: OrderId(0),
                qty,
            });
        }
        if price <= 0 || price % tick != 0 {
            return self.fail(OmsError::BadFillPrice {
                order: OrderId(0),
                price,
            });
        }
        let info = (|| {
            Ok::<_, tachyon_core::FixedError>(FillInfo {
                order_id: OrderId(0),
                instrument,
                side,
                price: Price::from_mantissa(price, ps)?,
                qty: Quantity::from_mantissa(qty, qs)?,
                fee: Notional::from_mantissa(fee, ps + qs)?,
                ts,
            })
        })();
        let info = match info {
            Ok(i) => i,
            Err(e) => return self.fail(e.into()),
        };
        let mut next = self.book.positions[instrument as usize];
        if let Err(e) = next.apply_fill(side, price, qty, fee) {
            return self.fail(e.into());
        }
        self.book.positions[instrument as usize] = next;
        self.gate.on_fill(&info);
        Ok(())
    }

    /// Takes over an order that is already working at the venue (recovery after a restart):
    /// it is recorded as accepted (or partially filled, with `filled` quantity and
    /// `filled_notional` = Σ price × quantity mantissas of its earlier fills) without passing
    /// the control mode or the gate and without a venue command. Its earlier fills are not
    /// booked here (see [`Oms::restore_fill`]); later ones arrive as venue events. Emits an
    /// `Accepted` report.
    ///
    /// # Errors
    /// As [`Oms::submit`] for the request (a duplicate client id included), and
    /// [`OmsError::InvalidOrder`] for a stop or trailing stop, or a `filled` outside
    /// `0..qty`.
    pub fn restore_order(
        &mut self,
        req: &OrderRequest,
        filled: i64,
        filled_notional: i128,
        now: Timestamp,
    ) -> Result<OrderId, OmsError> {
        self.tick(now);
        if req.order_type.is_triggered() {
            return self.fail(OmsError::InvalidOrder(
                "only market and limit orders can be restored",
            ));
        }
        let mut o = match self.prepare(req, now) {
            Ok(o) => o,
            Err(e) => return self.fail(e),
        };
        if filled < 0
            || filled >= o.qty
            || filled_notional < 0
            || (filled == 0) != (filled_notional == 0)
        {
            return self.fail(OmsError::InvalidOrder(
                "a restored order's filled quantity must be in 0..qty with a matching notional",
            ));
        }
        o.filled = filled;
        o.filled_notional = filled_notional;
        if filled > 0 {
            o.status = OrderStatus::PartiallyFilled;
            if let Some(px) = o.avg_px() {
                o.min_fill_px = px;
                o.max_fill_px = px;
            }
        } else {
            o.status = OrderStatus::Accepted;
        }
        let id = self.insert(o);
        let o = &self.orders[&id.0];
        self.reports
            .push(make_report(o, ReportKind::Accepted, now, 0, 0, 0));
        Ok(id)
    }

    // ---- requests on existing orders ---------------------------------------------------

    /// Cancels an order. A held order is cancelled at once; an order at the venue gets a
    /// cancel request (idempotent: a second call while one is in flight sends nothing).
    ///
    /// # Errors
    /// [`OmsError::UnknownOrder`], [`OmsError::OrderClosed`].
    pub fn cancel(&mut self, id: OrderId, now: Timestamp) -> Result<(), OmsError> {
        self.tick(now);
        let Some(o) = self.orders.get_mut(&id.0) else {
            return self.fail(OmsError::UnknownOrder(id));
        };
        if o.status.is_terminal() {
            let e = OmsError::OrderClosed {
                order: id,
                status: o.status,
            };
            return self.fail(e);
        }
        if o.status == OrderStatus::Held {
            self.close_local(id, OrderStatus::Cancelled, Reason::Requested, now);
            return Ok(());
        }
        if !o.cancel_pending {
            o.cancel_pending = true;
            o.reason = Reason::Requested;
            self.commands.push(VenueCommand::Cancel { order_id: id });
        }
        Ok(())
    }

    /// Cancels every open order (of one instrument, or all). Returns how many were asked.
    pub fn cancel_all(&mut self, instrument: Option<InstrumentId>, now: Timestamp) -> usize {
        let ids: Vec<OrderId> = self
            .orders
            .values()
            .filter(|o| o.is_open() && instrument.is_none_or(|i| i == o.instrument))
            .map(|o| o.id)
            .collect();
        let mut n = 0;
        for id in ids {
            if self.orders.get(&id.0).is_some_and(Order::is_open) && self.cancel(id, now).is_ok() {
                n += 1;
            }
        }
        n
    }

    /// Emergency: cancels every open order and sends reduce-only market orders that flatten
    /// every position (these bypass the control mode and the gate). Returns the flattening
    /// orders.
    pub fn emergency_flatten(&mut self, now: Timestamp) -> Vec<OrderId> {
        self.cancel_all(None, now);
        let mut out = Vec::new();
        for i in 0..self.book.instruments.len() {
            let pos = self.book.positions[i].qty_mantissa();
            if pos == 0 {
                continue;
            }
            let side = if pos > 0 { Side::Sell } else { Side::Buy };
            let scale = self.book.instruments[i].qty_scale();
            let Ok(qty) = Quantity::from_mantissa(pos.abs(), scale) else {
                continue;
            };
            let cid = format!("flat-{}-{}", i, self.next_id);
            let Ok(client_id) = ClientOrderId::new(&cid) else {
                continue;
            };
            let req = OrderRequest::market(client_id, i as InstrumentId, side, qty).reduce_only();
            let Ok(o) = self.prepare(&req, now) else {
                continue;
            };
            let id = self.insert(o);
            let o = &self.orders[&id.0];
            self.commands.push(Self::venue_command(o));
            self.reports
                .push(make_report(o, ReportKind::New, now, 0, 0, 0));
            out.push(id);
        }
        out
    }

    /// Changes quantity and/or price (cancel-replace keeping the id). For a limit order at
    /// the venue this sends a replace request; for a held order it applies at once (the price
    /// is the trigger of a stop market order and the limit of a stop-limit).
    ///
    /// # Errors
    /// [`OmsError::UnknownOrder`], [`OmsError::OrderClosed`], [`OmsError::RequestInFlight`]
    /// (a cancel or replace is pending, or the order is not yet acknowledged),
    /// [`OmsError::InvalidOrder`] (market or trailing orders, quantity not above the filled
    /// quantity), [`OmsError::Instrument`] (off tick/lot).
    pub fn replace(
        &mut self,
        id: OrderId,
        qty: Option<Quantity>,
        price: Option<Price>,
        now: Timestamp,
    ) -> Result<(), OmsError> {
        self.tick(now);
        match self.check_replace(id, qty, price) {
            Ok((new_qty, new_price, held)) => {
                let o = self.orders.get_mut(&id.0).expect("checked");
                if held {
                    let before = o.leaves();
                    o.qty = new_qty;
                    if let Some(p) = new_price {
                        if o.order_type == OrderType::StopMarket {
                            o.trigger = Some(p);
                        } else {
                            o.price = Some(p);
                        }
                    }
                    o.updated = now;
                    let after = o.leaves();
                    self.reports
                        .push(make_report(o, ReportKind::Replaced, now, 0, 0, 0));
                    let (inst, side) = (o.instrument, o.side);
                    self.book.adjust_open(inst, side, after - before);
                } else {
                    let price = new_price.or(o.price);
                    o.replace_pending = Some((new_qty, price));
                    self.commands.push(VenueCommand::Replace {
                        order_id: id,
                        qty: new_qty,
                        price,
                    });
                }
                Ok(())
            }
            Err(e) => self.fail(e),
        }
    }

    fn check_replace(
        &self,
        id: OrderId,
        qty: Option<Quantity>,
        price: Option<Price>,
    ) -> Result<(i64, Option<i64>, bool), OmsError> {
        let o = self.orders.get(&id.0).ok_or(OmsError::UnknownOrder(id))?;
        if o.status.is_terminal() {
            return Err(OmsError::OrderClosed {
                order: id,
                status: o.status,
            });
        }
        if matches!(o.order_type, OrderType::Market | OrderType::TrailingStop) {
            return Err(OmsError::InvalidOrder(
                "only limit, stop and stop-limit orders can be replaced",
            ));
        }
        let held = o.status == OrderStatus::Held;
        if !held
            && (o.status == OrderStatus::New || o.cancel_pending || o.replace_pending.is_some())
        {
            return Err(OmsError::RequestInFlight(id));
        }
        let inst = &self.book.instruments[o.instrument as usize];
        let new_qty = match qty {
            Some(q) => {
                inst.check_qty(q).map_err(OmsError::Instrument)?;
                q.mantissa()
            }
            None => o.qty,
        };
        if new_qty <= o.filled {
            return Err(OmsError::InvalidOrder(
                "the new quantity must be above the filled quantity",
            ));
        }
        let new_price = match price {
            Some(p) => {
                inst.check_price(p).map_err(OmsError::Instrument)?;
                Some(p.mantissa())
            }
            None => None,
        };
        Ok((new_qty, new_price, held))
    }

    // ---- market data and time ---------------------------------------------------------

    /// A reference price (last trade, mid or mark — the caller's choice) for an instrument:
    /// updates the mark and trailing stops, and fires held stops whose trigger is reached.
    /// Buy stops fire at `price >= trigger`, sell stops at `price <= trigger`.
    pub fn on_price(&mut self, instrument: InstrumentId, price: i64, now: Timestamp) {
        self.tick(now);
        if let Some(m) = self.book.marks.get_mut(instrument as usize) {
            *m = Some(price);
        } else {
            return;
        }
        if self.held.is_empty() {
            return;
        }
        let mut fire: Vec<OrderId> = Vec::new();
        for &id in &self.held {
            let Some(o) = self.orders.get_mut(&id.0) else {
                continue;
            };
            if o.instrument != instrument || o.links.parent.is_some() || o.release_pending {
                continue;
            }
            if o.order_type == OrderType::TrailingStop {
                let trail = o.trail.unwrap_or(0);
                let t = match o.side {
                    Side::Sell => price - trail,
                    Side::Buy => price + trail,
                };
                o.trigger = Some(match (o.side, o.trigger) {
                    (Side::Sell, Some(cur)) => cur.max(t),
                    (Side::Buy, Some(cur)) => cur.min(t),
                    (_, None) => t,
                });
            }
            let Some(trigger) = o.trigger else {
                continue;
            };
            let hit = match o.side {
                Side::Buy => price >= trigger,
                Side::Sell => price <= trigger,
            };
            if hit {
                fire.push(id);
            }
        }
        for id in fire {
            if self.orders.get(&id.0).map(|o| o.status) == Some(OrderStatus::Held) {
                self.fire(id, now);
            }
        }
    }

    /// Expires held orders whose GTD/DAY time has passed (orders at the venue are expired by
    /// the venue), and re-sends cancels an OCO leg is waiting for after a transient refusal.
    pub fn on_time(&mut self, now: Timestamp) {
        self.tick(now);
        for id in std::mem::take(&mut self.cancel_retry) {
            if let Some(o) = self.orders.get_mut(&id.0) {
                if o.status.is_at_venue() && !o.cancel_pending {
                    o.cancel_pending = true;
                    self.commands.push(VenueCommand::Cancel { order_id: id });
                }
            }
        }
        let due: Vec<OrderId> = self
            .held
            .iter()
            .copied()
            .filter(|id| {
                self.orders
                    .get(&id.0)
                    .and_then(|o| o.expires)
                    .is_some_and(|t| t <= now)
            })
            .collect();
        for id in due {
            self.close_local(id, OrderStatus::Expired, Reason::TimeExpired, now);
        }
    }

    // ---- venue events --------------------------------------------------------------------

    /// Applies one venue event.
    ///
    /// # Errors
    /// [`OmsError::UnknownOrder`], [`OmsError::InvalidTransition`] (e.g. a fill after an
    /// acknowledged cancel), [`OmsError::Overfill`], [`OmsError::BadFillPrice`],
    /// [`OmsError::Arithmetic`]. A refused event is counted and changes nothing.
    pub fn on_venue_event(&mut self, ev: &VenueEvent) -> Result<(), OmsError> {
        self.stats.events += 1;
        self.tick(ev.ts());
        match self.handle(ev) {
            Ok(follow) => {
                match follow {
                    FollowUp::None => {}
                    FollowUp::CancelLocal(id, reason) => {
                        self.close_local(id, OrderStatus::Cancelled, reason, ev.ts());
                    }
                    FollowUp::Release(id) => {
                        if self.orders.get(&id.0).map(|o| o.status) == Some(OrderStatus::Held) {
                            self.release(id, ev.ts());
                        }
                    }
                }
                Ok(())
            }
            Err(e) => self.fail(e),
        }
    }

    /// Applies many venue events; returns how many were refused (each refusal is counted).
    pub fn on_venue_events(&mut self, evs: &[VenueEvent]) -> usize {
        evs.iter()
            .filter(|e| self.on_venue_event(e).is_err())
            .count()
    }

    fn transition_err(o: &Order, t: Transition) -> OmsError {
        OmsError::InvalidTransition {
            order: o.id,
            from: o.status,
            event: t.name(),
        }
    }

    #[allow(clippy::too_many_lines)] // one match over the event kinds reads best in one place
    fn handle(&mut self, ev: &VenueEvent) -> Result<FollowUp, OmsError> {
        let id = ev.order_id();
        let o = self
            .orders
            .get_mut(&id.0)
            .ok_or(OmsError::UnknownOrder(id))?;
        let ts = ev.ts();
        match *ev {
            VenueEvent::Accepted { .. } => {
                // An acknowledgement overtaken by fills, a cancel or an expiry (a delayed ack)
                // is harmless; one for a rejected or never-sent order is not.
                let late = matches!(
                    o.status,
                    OrderStatus::Filled | OrderStatus::Cancelled | OrderStatus::Expired
                );
                if !late && !allowed(o.status, Transition::Accept) {
                    return Err(Self::transition_err(o, Transition::Accept));
                }
                if o.status == OrderStatus::New {
                    o.status = OrderStatus::Accepted;
                    o.updated = ts;
                    self.reports
                        .push(make_report(o, ReportKind::Accepted, ts, 0, 0, 0));
                } else {
                    self.stats.late_acks += 1;
                }
                Ok(FollowUp::None)
            }
            VenueEvent::Rejected { reason, .. } => {
                if !allowed(o.status, Transition::Reject) {
                    return Err(Self::transition_err(o, Transition::Reject));
                }
                o.venue_reject = Some(reason);
                self.stats.rejected_venue += 1;
                let sibling = o.links.oco;
                self.close_local(id, OrderStatus::Rejected, Reason::Venue, ts);
                // The resting leg of an OCO was refused: a triggered sibling may go out now.
                Ok(self.sibling_after_close(sibling))
            }
            VenueEvent::Fill {
                trade_id,
                price,
                qty,
                fee,
                liquidity,
                ..
            } => {
                // A repeated trade id is ignored, also when it completed the order.
                if trade_id != 0 && trade_id == o.last_trade_id {
                    self.stats.duplicate_fills += 1;
                    return Ok(FollowUp::None);
                }
                if !allowed(o.status, Transition::Fill) {
                    return Err(Self::transition_err(o, Transition::Fill));
                }
                if qty <= 0 {
                    return Err(OmsError::BadFillQty { order: id, qty });
                }
                if qty > o.leaves() {
                    return Err(OmsError::Overfill {
                        order: id,
                        qty,
                        open: o.leaves(),
                    });
                }
                let inst = &self.book.instruments[o.instrument as usize];
                let tick = inst.tick().mantissa();
                let limit_ok = match (o.order_type, o.price) {
                    (OrderType::Limit | OrderType::StopLimit, Some(l)) => match o.side {
                        Side::Buy => price <= l,
                        Side::Sell => price >= l,
                    },
                    _ => true,
                };
                if price <= 0 || price % tick != 0 || !limit_ok {
                    return Err(OmsError::BadFillPrice { order: id, price });
                }
                // Book the position first on a copy: an overflow changes nothing.
                let pos = &mut self.book.positions[o.instrument as usize];
                let mut next = *pos;
                next.apply_fill(o.side, price, qty, fee)?;
                *pos = next;
                o.filled += qty;
                o.filled_notional += i128::from(price) * i128::from(qty);
                o.fees += fee;
                o.min_fill_px = o.min_fill_px.min(price);
                o.max_fill_px = o.max_fill_px.max(price);
                o.fill_count += 1;
                o.last_trade_id = trade_id;
                o.updated = ts;
                let done = o.leaves() == 0;
                o.status = if done {
                    OrderStatus::Filled
                } else {
                    OrderStatus::PartiallyFilled
                };
                let kind = if done {
                    ReportKind::Fill
                } else {
                    ReportKind::PartialFill
                };
                let mut rep = make_report(o, kind, ts, price, qty, fee);
                // A fill's reason byte is its liquidity (1 maker, 2 taker): the fee's why.
                rep.reason = liquidity as u8;
                self.reports.push(rep);
                let (inst_id, side, sibling) = (o.instrument, o.side, o.links.oco);
                self.book.adjust_open(inst_id, side, -qty);
                self.stats.fills += 1;
                let scales = (
                    self.book.instruments[inst_id as usize].price_scale(),
                    self.book.instruments[inst_id as usize].qty_scale(),
                );
                let info = FillInfo {
                    order_id: id,
                    instrument: inst_id,
                    side,
                    price: Price::from_mantissa(price, scales.0)?,
                    qty: Quantity::from_mantissa(qty, scales.1)?,
                    fee: Notional::from_mantissa(fee, scales.0 + scales.1)?,
                    ts,
                };
                self.gate.on_fill(&info);
                if done {
                    self.on_closed(id, ts);
                }
                // Any execution of an OCO leg cancels the other.
                if let Some(s) = sibling {
                    if let Some(so) = self.orders.get(&s.0) {
                        if so.filled > 0 {
                            self.stats.oco_violations += 1;
                        }
                        if so.status == OrderStatus::Held {
                            return Ok(FollowUp::CancelLocal(s, Reason::OcoSibling));
                        }
                        if so.status.is_at_venue() && !so.cancel_pending {
                            let so = self.orders.get_mut(&s.0).expect("exists");
                            so.cancel_pending = true;
                            so.reason = Reason::OcoSibling;
                            self.commands.push(VenueCommand::Cancel { order_id: s });
                        }
                    }
                }
                Ok(FollowUp::None)
            }
            VenueEvent::Cancelled { .. } | VenueEvent::Expired { .. } => {
                let cancel = matches!(ev, VenueEvent::Cancelled { .. });
                let t = if cancel {
                    Transition::Cancel
                } else {
                    Transition::Expire
                };
                if !allowed(o.status, t) {
                    return Err(Self::transition_err(o, t));
                }
                let reason = if o.cancel_pending && cancel {
                    if o.reason == Reason::OcoSibling {
                        Reason::OcoSibling
                    } else {
                        Reason::Requested
                    }
                } else {
                    Reason::None
                };
                o.cancel_pending = false;
                let sibling = o.links.oco;
                let status = if cancel {
                    OrderStatus::Cancelled
                } else {
                    OrderStatus::Expired
                };
                self.close_local(id, status, reason, ts);
                Ok(self.sibling_after_close(sibling))
            }
            VenueEvent::Replaced { qty, price, .. } => {
                if !allowed(o.status, Transition::Replace) {
                    return Err(Self::transition_err(o, Transition::Replace));
                }
                if qty <= o.filled {
                    return Err(OmsError::Overfill {
                        order: id,
                        qty,
                        open: o.filled,
                    });
                }
                let before = o.leaves();
                o.qty = qty;
                o.price = price;
                o.replace_pending = None;
                o.updated = ts;
                let after = o.leaves();
                self.reports
                    .push(make_report(o, ReportKind::Replaced, ts, 0, 0, 0));
                let (inst, side) = (o.instrument, o.side);
                self.book.adjust_open(inst, side, after - before);
                Ok(FollowUp::None)
            }
            VenueEvent::CancelRejected { reason, .. } => {
                o.cancel_pending = false;
                o.venue_reject = Some(reason);
                self.reports
                    .push(make_report(o, ReportKind::CancelRejected, ts, 0, 0, 0));
                // A triggered OCO leg waits for this cancel: retry a transient refusal at the
                // next `on_time` (a refusal because the order is gone is followed by its fill).
                let transient = matches!(
                    reason,
                    VenueReject::RateLimited | VenueReject::Disconnected | VenueReject::Injected
                );
                let waiting = o
                    .links
                    .oco
                    .and_then(|s| self.orders.get(&s.0))
                    .is_some_and(|s| s.status == OrderStatus::Held && s.release_pending);
                if transient && waiting && !self.cancel_retry.contains(&id) {
                    self.cancel_retry.push(id);
                }
                Ok(FollowUp::None)
            }
            VenueEvent::ReplaceRejected { reason, .. } => {
                o.replace_pending = None;
                o.venue_reject = Some(reason);
                self.reports
                    .push(make_report(o, ReportKind::ReplaceRejected, ts, 0, 0, 0));
                Ok(FollowUp::None)
            }
        }
    }

    /// After an OCO leg closed without executing: a sibling waiting to be released goes out.
    fn sibling_after_close(&self, sibling: Option<OrderId>) -> FollowUp {
        match sibling.and_then(|s| self.orders.get(&s.0)) {
            Some(so) if so.status == OrderStatus::Held && so.release_pending => {
                FollowUp::Release(so.id)
            }
            _ => FollowUp::None,
        }
    }

    /// Marks an order closed after reconciliation found the venue does not have it.
    pub(crate) fn close_reconciled(&mut self, id: OrderId, now: Timestamp) {
        self.close_local(id, OrderStatus::Cancelled, Reason::Reconciled, now);
    }
}

/// Venue reject code for a report's `reason` byte (≥ 100), if any.
#[must_use]
pub fn venue_reject_of(reason_byte: u8) -> Option<VenueReject> {
    use VenueReject as V;
    Some(match reason_byte.checked_sub(100)? {
        1 => V::RateLimited,
        2 => V::PostOnlyWouldTake,
        3 => V::FokUnfillable,
        4 => V::ReduceOnlyWouldIncrease,
        5 => V::UnknownOrder,
        6 => V::Disconnected,
        7 => V::Injected,
        8 => V::NoLiquidity,
        9 => V::TooLate,
        10 => V::Invalid,
        11 => V::Expired,
        _ => return None,
    })
}
