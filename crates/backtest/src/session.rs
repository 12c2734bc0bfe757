//! The replay session: records in, orders in, fills and equity out — the one loop behind a
//! Rust-only backtest ([`crate::run`]), a TypeScript-strategy backtest (driven in lock step
//! from JS, a call per order rather than per event) and the paper session (records appended as
//! the market produces them).
//!
//! # The order path
//! [`OrderRequest`] → [`tachyon_oms::Oms::submit`] (order state machine, idempotent client
//! order ids `bt-<n>`, the instrument's rules, then the pre-trade gate [`SessionGate`]) →
//! `VenueCommand`s → [`BarVenue`] (the execution model below; [`tachyon_sim::SimVenue`] in
//! [`VenueModel::L2`]) → `VenueEvent`s →
//! [`tachyon_oms::Oms::on_venue_event`] → the OMS's 64-byte [`ExecReport`]s. Fills the OMS
//! accepts are booked in the exact [`Ledger`] (cash, fees, equity). Report fees are mantissas at
//! the session's cash scale (the OMS's notional scale when there is one instrument and no
//! `min_cash_scale`); on fill reports the `reason` byte is the liquidity (1 maker, 2 taker).
//!
//! # Execution model (documented conventions; the anchor comparison relies on them)
//! - **Bars, `FillAt::NextOpen` (default).** A market order submitted after bar *t* fills at
//!   the *open* of the next bar of its instrument, moved against the trader by the slippage
//!   (`open × (1 ± bps/10⁴)`, rounded to the tick away from the trader). Taker fee.
//! - **Bars, `FillAt::Close`.** A market order fills at once at the last close (the price the
//!   strategy just saw), with slippage and taker fee. Look-ahead free only if the strategy
//!   trades at the close; useful to compare with frameworks that do that.
//! - **Limit orders on bars.** A buy limit `P` fills completely on the first later bar with
//!   `low ≤ P`: at the open if `open ≤ P` (the market gapped through it; taker), else at `P`
//!   (maker). Sells mirror this with `high ≥ P`. No partial fills, no volume cap.
//! - **Trades.** A market order fills at the price of the next trade of its instrument (with
//!   slippage). A buy limit `P` that crosses the last price when submitted (`last ≤ P`) fills
//!   at the next trade's price if that is at or below `P` (taker); otherwise it rests and fills
//!   at `P` on a trade strictly below `P` (maker; a trade *at* `P` may be someone ahead in the
//!   queue, so it does not count). Sells mirror this.
//! - **Book levels** update the mark (mid of best bid and ask when both exist) only; queue
//!   position and depth-walking are the L2 model's job (below).
//! - IOC orders live until the next bar or trade of their instrument, then expire.
//!
//! # L2 replay ([`VenueModel::L2`])
//! The OMS's commands go to [`tachyon_sim::SimVenue`] instead (one pump per record and per
//! order: commands in at the current market time, events delivered by then back to the OMS).
//! - **Book.** A `BookClear` followed by the levels of the same instrument and timestamp is
//!   one snapshot (`on_book_snapshot`, queue estimates clipped to the new sizes); any other
//!   level is a delta (`on_book_level`). The mark is the mid of the sim's book.
//! - **Trades** go to `on_trade` (aggressor from the record; unknown: inferred from the book).
//!   A resting order fills only after the quantity ahead of it at its price has traded (FIFO
//!   estimate by default: it joins behind the displayed size), or completely when a trade
//!   goes through its price; maker.
//! - **Aggressive orders** (market, or a limit that crosses) walk the opposite levels at each
//!   level's price (plus the configured impact), consuming the displayed size; taker. A market
//!   order with an empty opposite side is rejected by the venue (`NO_LIQUIDITY`); IOC
//!   remainders expire at once.
//! - **Latency** (`latency_in`/`latency_out`, seeded) delays arrival and reports in market
//!   time: an order meets the book as it is when it arrives.
//! - **Fees** come from the sim's fee schedule (ppm of notional, rounded half-even at the
//!   instrument's notional scale) and are rescaled exactly (×10^k) to the cash scale for the
//!   ledger and the reports. `taker_fee`, `maker_fee`, `slippage` and `fill_at` do not apply.
//! - **Bad input** is counted in [`SessionStats::bad_records`], never applied: bars
//!   ([`RecordError::BarInL2Mode`], at push), a level that would cross the book or a crossed
//!   snapshot (`CrossedBook`), a level the book refuses (`BadLevel`, off the tick or lot grid),
//!   both when replayed.
//! - `cancel` with latency returns `true` once the request is on its way.
//!
//! # Pre-trade checks
//! The OMS checks the instrument's rules it can see in the request (tick, lot, min/max
//! quantity, a limit order's notional); [`SessionGate`] adds what needs the account: a market
//! order before any price (`NO_PRICE`) and its notional at the last price, `max_position`
//! (with working orders), and the leverage cap (gross exposure after the order, at its
//! reference price, within `max_leverage × equity`). An optional extra gate
//! ([`Session::with_gate`], e.g. `tachyon_oms::RiskGate`) comes last. A refusal is
//! `Err(`[`Reject`]`)` and a counter, not an error; a gate refusal also leaves a `Rejected`
//! order (reason `Gate`, the code in its text) in the OMS.
//!
//! [`SessionGate`]: crate::gate::SessionGate
//! [`BarVenue`]: crate::venue::BarVenue

use std::sync::{Arc, Mutex, PoisonError};

use tachyon_core::{Instrument, InstrumentSpec, Price, Quantity, Timestamp};
use tachyon_oms::{
    ClientOrderId, ExecReport, Oms, OmsConfig, OmsError, OrderId, OrderStatus, OrderType,
    PreTradeGate, Side, TimeInForce, VenueCommand, VenueEvent,
};

use crate::error::BacktestError;
use crate::gate::{AccountView, SessionGate};
use crate::ledger::{FeeRate, Ledger};
use crate::record::{Kind, Record, RecordError};
pub use crate::venue::FillAt;
use crate::venue::{BarVenue, BarVenueConfig, MarketContext};
use tachyon_book::{BookSide, Level};
use tachyon_sim::{SimConfig, SimVenue};

/// Which execution model the session's orders go to.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum VenueModel {
    /// [`BarVenue`]: the bar/trade conventions of the module docs (default).
    #[default]
    Bars,
    /// [`tachyon_sim::SimVenue`]: L2 matching with queue position, depth walk, latency, fee
    /// tiers and impact from this configuration. Book records feed its book, trades its queue
    /// estimates; bar records are refused ([`RecordError::BarInL2Mode`]). The session's
    /// `taker_fee`, `maker_fee`, `slippage` and `fill_at` do not apply (the sim's fee schedule
    /// and the book walk do).
    L2(Box<SimConfig>),
}

/// Settings of a session.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Instruments, in id order.
    pub instruments: Vec<InstrumentSpec>,
    /// Starting cash as a decimal string (e.g. `"100000"`).
    pub initial_cash: String,
    /// Taker fee.
    pub taker_fee: FeeRate,
    /// Maker fee (negative = rebate).
    pub maker_fee: FeeRate,
    /// Market-order slippage in 10⁻⁸ of price (10 bps = 100_000).
    pub slippage: FeeRate,
    /// Bar fill convention.
    pub fill_at: FillAt,
    /// Largest absolute position per instrument (mantissa); `None` = no limit.
    pub max_position: Vec<Option<i64>>,
    /// Gross exposure cap as a multiple of equity; `None` = no cap.
    pub max_leverage: Option<f64>,
    /// Sample the equity curve at most once per this many ns of market time (0 = at every new
    /// timestamp).
    pub sample_ns: i64,
    /// Least decimal places of money amounts (cash, fees); the default (0) is the largest
    /// notional scale of the instruments.
    pub min_cash_scale: u8,
    /// Execution model: bars/trades (default) or L2 through the simulated venue.
    pub venue: VenueModel,
}

impl SessionConfig {
    /// One instrument, 100,000 cash, no fees or slippage, next-open fills.
    #[must_use]
    pub fn simple(spec: InstrumentSpec) -> Self {
        Self {
            instruments: vec![spec],
            initial_cash: "100000".into(),
            taker_fee: FeeRate(0),
            maker_fee: FeeRate(0),
            slippage: FeeRate(0),
            fill_at: FillAt::NextOpen,
            max_position: vec![None],
            max_leverage: None,
            sample_ns: 0,
            min_cash_scale: 0,
            venue: VenueModel::Bars,
        }
    }
}

/// An order as a strategy asks for it. Quantities and prices are mantissas at the
/// instrument's scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderRequest {
    /// Instrument id.
    pub instrument: u32,
    /// Side.
    pub side: Side,
    /// Quantity mantissa (> 0, on the lot grid).
    pub qty: i64,
    /// Limit price mantissa; `None` for a market order.
    pub limit: Option<i64>,
    /// Immediate-or-cancel (expire after the next record of the instrument).
    pub ioc: bool,
}

/// Why an order was refused (a domain outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reject {
    /// Instrument id not configured.
    UnknownInstrument,
    /// Quantity ≤ 0, off the lot grid, or outside min/max quantity.
    BadQuantity,
    /// Limit price ≤ 0 or off the tick grid.
    BadPrice,
    /// Notional below the instrument's minimum or above its maximum.
    Notional,
    /// The position would exceed `max_position`.
    MaxPosition,
    /// Gross exposure would exceed `max_leverage × equity`.
    Leverage,
    /// No price seen yet for a market order's instrument (nothing to check the notional on).
    NoPrice,
    /// Refused by the extra gate (e.g. the risk engine) or its control mode.
    Risk,
}

impl Reject {
    /// Every reason, in code order.
    pub const ALL: [Self; 8] = [
        Self::UnknownInstrument,
        Self::BadQuantity,
        Self::BadPrice,
        Self::Notional,
        Self::MaxPosition,
        Self::Leverage,
        Self::NoPrice,
        Self::Risk,
    ];

    /// Stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::UnknownInstrument => "UNKNOWN_INSTRUMENT",
            Self::BadQuantity => "BAD_QUANTITY",
            Self::BadPrice => "BAD_PRICE",
            Self::Notional => "NOTIONAL",
            Self::MaxPosition => "MAX_POSITION",
            Self::Leverage => "LEVERAGE",
            Self::NoPrice => "NO_PRICE",
            Self::Risk => "RISK",
        }
    }

    /// From a stable code (`None` for a code of another gate).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.code() == code)
    }

    /// `1 +` index (what the N-API `submit` returns negated).
    #[must_use]
    pub const fn byte(self) -> u8 {
        self as u8 + 1
    }
}

/// Counters of what the session did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionStats {
    /// Records accepted into the replay.
    pub records: u64,
    /// Records refused, per [`RecordError`].
    pub bad_records: [u64; 9],
    /// Records processed so far.
    pub processed: u64,
    /// Orders accepted.
    pub orders: u64,
    /// Orders refused, per [`Reject`].
    pub rejected: [u64; 8],
    /// Fills.
    pub fills: u64,
    /// Orders cancelled on request.
    pub cancelled: u64,
    /// IOC orders expired.
    pub expired: u64,
}

/// One point of the equity curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EquityPoint {
    /// Market time.
    pub ts_ns: i64,
    /// Equity (float of the exact cash-scale amount).
    pub equity: f64,
    /// Gross exposure / equity.
    pub exposure: f64,
    /// Any position open.
    pub in_market: bool,
}

/// The replay session (see the module docs).
#[derive(Debug)]
pub struct Session {
    instruments: Vec<Instrument>,
    cfg: SessionConfig,
    records: Vec<Record>,
    cursor: usize,
    /// Records before this index have been dropped from memory (`compact`).
    base: usize,
    last_ts: i64,
    /// Order state, idempotent client ids, the pre-trade gate.
    oms: Oms,
    /// The execution model.
    venue: BarVenue,
    /// What the gate reads of the ledger (refreshed before each submission).
    account: Arc<Mutex<AccountView>>,
    commands: Vec<VenueCommand>,
    events: Vec<VenueEvent>,
    client_seq: u64,
    /// Best bid / ask per instrument (for the mark from a book).
    bbo: Vec<(i64, i64)>,
    seen_price: Vec<bool>,
    ledger: Ledger,
    /// L2 mode: the simulated venue and the snapshot being assembled.
    l2: Option<Box<L2State>>,
    /// `10^(cash_scale − price_scale − qty_scale)` per instrument (a sim fee to cash scale).
    fee_mult: Vec<i128>,
    reports: Vec<ExecReport>,
    stats: SessionStats,
    curve: Vec<EquityPoint>,
    cash_pow: f64,
    now: i64,
}

/// The L2 venue and a snapshot in assembly (`BookClear` + the levels of its timestamp).
#[derive(Debug)]
struct L2State {
    venue: SimVenue,
    /// Instrument and time of the snapshot being assembled.
    snap: Option<(u32, i64)>,
    bids: Vec<Level>,
    asks: Vec<Level>,
}

/// The refusal for an OMS validation error.
fn reject_of(e: &OmsError) -> Reject {
    match e {
        OmsError::UnknownInstrument(_) => Reject::UnknownInstrument,
        OmsError::Instrument(e) => match e.code() {
            "BELOW_MIN_NOTIONAL" | "ABOVE_MAX_NOTIONAL" | "NOTIONAL_OVERFLOW" => Reject::Notional,
            "NON_POSITIVE_PRICE" | "OFF_TICK" | "WRONG_SCALE" => Reject::BadPrice,
            _ => Reject::BadQuantity,
        },
        OmsError::InvalidOrder(_) => Reject::BadPrice,
        _ => Reject::BadQuantity,
    }
}

/// A client order id `bt-<n in base 36>` without a heap allocation.
fn client_id(n: u64) -> ClientOrderId {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 16];
    let mut k = buf.len();
    let mut v = n;
    loop {
        k -= 1;
        buf[k] = DIGITS[(v % 36) as usize];
        v /= 36;
        if v == 0 {
            break;
        }
    }
    k -= 3;
    buf[k..k + 3].copy_from_slice(b"bt-");
    // ASCII only, ≤ 16 characters of the allowed set: always valid.
    ClientOrderId::new(std::str::from_utf8(&buf[k..]).unwrap_or("bt-0"))
        .unwrap_or_else(|_| unreachable!("a generated id is valid"))
}

impl Session {
    /// A session with these settings.
    ///
    /// # Errors
    /// [`BacktestError`] naming the bad setting.
    pub fn new(cfg: SessionConfig) -> Result<Self, BacktestError> {
        Self::with_gate(cfg, None)
    }

    /// A session whose OMS also consults `gate` (after the session's own checks) — for
    /// instance `tachyon_oms::RiskGate`, the decision engine's risk engine, in a Rust-only
    /// backtest. Its control mode becomes the OMS's; its refusals are [`Reject::Risk`].
    ///
    /// # Errors
    /// [`BacktestError`] naming the bad setting.
    pub fn with_gate(
        cfg: SessionConfig,
        gate: Option<Box<dyn PreTradeGate>>,
    ) -> Result<Self, BacktestError> {
        if cfg.instruments.is_empty() {
            return Err(BacktestError::config("instruments", "needs at least one"));
        }
        let instruments = cfg
            .instruments
            .iter()
            .map(Instrument::new)
            .collect::<Result<Vec<_>, _>>()?;
        let scales: Vec<(u8, u8)> = instruments
            .iter()
            .map(|i| (i.price_scale(), i.qty_scale()))
            .collect();
        let cash_scale = scales
            .iter()
            .map(|(p, q)| p + q)
            .max()
            .unwrap_or(0)
            .max(cfg.min_cash_scale)
            .min(tachyon_core::fixed::MAX_SCALE);
        let cash = tachyon_core::Fixed::parse_with(
            &cfg.initial_cash,
            cash_scale,
            tachyon_core::Rounding::Exact,
        )
        .map_err(|e| BacktestError::config("initialCash", e.to_string()))?;
        if !cash.is_positive() {
            return Err(BacktestError::config("initialCash", "must be positive"));
        }
        if cfg.max_position.len() > instruments.len() {
            return Err(BacktestError::config(
                "maxPosition",
                "has more entries than instruments",
            ));
        }
        if let Some(l) = cfg.max_leverage {
            if !(l.is_finite() && l > 0.0) {
                return Err(BacktestError::config("maxLeverage", "must be positive"));
            }
        }
        for (name, r) in [
            ("takerFeeBps", cfg.taker_fee),
            ("makerFeeBps", cfg.maker_fee),
        ] {
            if !(-1_000_000..=10_000_000).contains(&r.0) {
                return Err(BacktestError::config(name, "must be within -100..1000 bps"));
            }
        }
        if !(0..=100_000_000).contains(&cfg.slippage.0) {
            return Err(BacktestError::config(
                "slippageBps",
                "must be within 0..10000 bps",
            ));
        }
        if cfg.sample_ns < 0 {
            return Err(BacktestError::config("sampleNs", "must not be negative"));
        }
        let n = instruments.len();
        let mut max_position = cfg.max_position.clone();
        max_position.resize(n, None);
        let ledger = Ledger::with_cash_scale(i128::from(cash.mantissa()), &scales, cash_scale);
        let mult: Vec<i128> = (0..n as u32).map(|k| ledger.notional(k, 1, 1)).collect();
        let account = Arc::new(Mutex::new(AccountView {
            equity: 0.0,
            qty: vec![0; n],
            mark: vec![0; n],
            seen: vec![false; n],
        }));
        let gate = SessionGate::new(
            max_position.clone(),
            cfg.max_leverage,
            mult.clone(),
            Arc::clone(&account),
            gate,
        );
        let mut oms = Oms::new(Box::new(gate), OmsConfig::default());
        for i in &instruments {
            oms.add_instrument(i.clone());
        }
        let l2 = match &cfg.venue {
            VenueModel::Bars => None,
            VenueModel::L2(sc) => {
                let mut venue = SimVenue::new((**sc).clone()).map_err(|e| match e {
                    tachyon_sim::SimError::Config { field, reason } => {
                        BacktestError::config(format!("venue.l2.{field}"), reason)
                    }
                    other => BacktestError::config("venue.l2", other.to_string()),
                })?;
                for i in &instruments {
                    venue.add_instrument(i.clone());
                }
                Some(Box::new(L2State {
                    venue,
                    snap: None,
                    bids: Vec::new(),
                    asks: Vec::new(),
                }))
            }
        };
        let venue = BarVenue::new(BarVenueConfig {
            taker_fee: cfg.taker_fee,
            maker_fee: cfg.maker_fee,
            slippage: cfg.slippage,
            fill_at: cfg.fill_at,
            ticks: instruments.iter().map(|i| i.tick().mantissa()).collect(),
            mult: mult.clone(),
        });
        Ok(Self {
            ledger,
            cash_pow: 10f64.powi(i32::from(cash_scale)),
            cfg: SessionConfig {
                max_position,
                ..cfg
            },
            instruments,
            records: Vec::new(),
            cursor: 0,
            base: 0,
            last_ts: i64::MIN,
            oms,
            venue,
            l2,
            fee_mult: mult,
            account,
            commands: Vec::with_capacity(4),
            events: Vec::with_capacity(8),
            client_seq: 0,
            bbo: vec![(0, 0); n],
            seen_price: vec![false; n],
            reports: Vec::new(),
            stats: SessionStats::default(),
            curve: Vec::new(),
            now: i64::MIN,
        })
    }

    /// The instruments.
    #[must_use]
    pub fn instruments(&self) -> &[Instrument] {
        &self.instruments
    }

    /// Appends records (validated; bad ones are counted in [`SessionStats::bad_records`] and
    /// skipped). Returns how many were accepted.
    pub fn push(&mut self, records: &[Record]) -> usize {
        self.reserve(records.len());
        let accepted = records.iter().filter(|r| self.accept(r)).count();
        self.stats.records += accepted as u64;
        accepted
    }

    /// [`Session::push`] straight from 64-byte little-endian records (one copy).
    ///
    /// # Errors
    /// [`BacktestError::BadBuffer`] if the length is not a multiple of 64.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Result<usize, BacktestError> {
        if !bytes.len().is_multiple_of(crate::record::RECORD_SIZE) {
            return Err(BacktestError::BadBuffer {
                len: bytes.len(),
                size: crate::record::RECORD_SIZE,
            });
        }
        self.reserve(bytes.len() / crate::record::RECORD_SIZE);
        let mut accepted = 0;
        for chunk in bytes.chunks_exact(crate::record::RECORD_SIZE) {
            // SAFETY: `Record` is repr(C), 64 bytes of plain integers (every bit pattern is a
            // value); read_unaligned accepts any source alignment.
            let r = unsafe { std::ptr::read_unaligned(chunk.as_ptr().cast::<Record>()) };
            if self.accept(&r) {
                accepted += 1;
            }
        }
        self.stats.records += accepted as u64;
        Ok(accepted)
    }

    fn reserve(&mut self, n: usize) {
        self.records.reserve(n);
        if self.cfg.sample_ns == 0 {
            // one curve point per new timestamp at most
            self.curve.reserve(n);
        }
    }

    #[inline]
    fn accept(&mut self, r: &Record) -> bool {
        let res = r.validate().and_then(|_| {
            if (r.instrument as usize) >= self.instruments.len() {
                return Err(RecordError::UnknownInstrument);
            }
            if r.ts_ns < self.last_ts {
                return Err(RecordError::NonMonotonicTime);
            }
            if self.l2.is_some() && r.kind == Kind::Bar as u8 {
                return Err(RecordError::BarInL2Mode);
            }
            Ok(())
        });
        match res {
            Ok(()) => {
                self.last_ts = r.ts_ns;
                self.records.push(*r);
                true
            }
            Err(e) => {
                self.stats.bad_records[e.index()] += 1;
                false
            }
        }
    }

    /// Index of the next record to process (counting every record ever accepted).
    #[must_use]
    pub fn cursor(&self) -> usize {
        self.base + self.cursor
    }

    /// Records accepted so far (processed or not).
    #[must_use]
    pub fn len(&self) -> usize {
        self.base + self.records.len()
    }

    /// `true` before any record was accepted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops processed records from memory (a long paper session).
    pub fn compact(&mut self) {
        if self.cursor > 0 {
            self.records.drain(..self.cursor);
            self.venue.shift(self.cursor);
            self.base += self.cursor;
            self.cursor = 0;
        }
    }

    /// Market time of the last processed record.
    #[must_use]
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Processes records up to (not including) the global index `upto`, stopping early right
    /// after a record that produced reports. Returns the new cursor.
    pub fn advance(&mut self, upto: usize) -> usize {
        let end = upto.saturating_sub(self.base).min(self.records.len());
        while self.cursor < end {
            let had = self.reports.len();
            self.step();
            if self.reports.len() != had {
                break;
            }
        }
        self.cursor()
    }

    /// Processes every record up to `upto` without stopping at reports.
    pub fn advance_all(&mut self, upto: usize) -> usize {
        let end = upto.saturating_sub(self.base).min(self.records.len());
        while self.cursor < end {
            self.step();
        }
        self.cursor()
    }

    /// Processes the next record, if any, and returns it.
    #[inline]
    pub fn step_next(&mut self) -> Option<Record> {
        let r = *self.records.get(self.cursor)?;
        self.step();
        Some(r)
    }

    /// Processes one record (which must exist).
    #[inline]
    fn step(&mut self) {
        let idx = self.cursor;
        let r = self.records[idx];
        self.cursor += 1;
        self.stats.processed += 1;
        if r.ts_ns != self.now {
            self.sample(r.ts_ns);
            self.now = r.ts_ns;
        }
        if self.l2.is_some() {
            self.step_l2(&r);
            return;
        }
        let inst = r.instrument;
        let kind = Kind::from_u8(r.kind);
        if self.venue.has_open() {
            self.venue.on_record(idx, &r, &mut self.events);
            if !self.events.is_empty() {
                self.apply_events();
                self.oms.drain_reports(&mut self.reports);
            }
        }
        let i = inst as usize;
        match kind {
            Some(Kind::Bar) => {
                self.ledger.mark(inst, r.d);
                self.seen_price[i] = true;
            }
            Some(Kind::Trade) => {
                self.ledger.mark(inst, r.a);
                self.seen_price[i] = true;
            }
            Some(Kind::Bid) | Some(Kind::Ask) => {
                let bbo = &mut self.bbo[i];
                if r.kind == Kind::Bid as u8 {
                    if r.b > 0 && r.a >= bbo.0 {
                        bbo.0 = r.a;
                    } else if r.b == 0 && r.a == bbo.0 {
                        bbo.0 = 0;
                    }
                } else if r.b > 0 && (bbo.1 == 0 || r.a <= bbo.1) {
                    bbo.1 = r.a;
                } else if r.b == 0 && r.a == bbo.1 {
                    bbo.1 = 0;
                }
                if bbo.0 > 0 && bbo.1 > 0 {
                    let mid = (bbo.0 + bbo.1) / 2;
                    self.ledger.mark(inst, mid);
                    self.seen_price[i] = true;
                }
            }
            Some(Kind::BookClear) => self.bbo[i] = (0, 0),
            _ => {}
        }
    }

    /// One record in L2 mode: book levels and snapshots to the simulated venue's book,
    /// trades to its queue estimates, then the venue's events due by the record's time to
    /// the OMS and the ledger.
    fn step_l2(&mut self, r: &Record) {
        let inst = r.instrument;
        let kind = Kind::from_u8(r.kind);
        let is_level = matches!(kind, Some(Kind::Bid) | Some(Kind::Ask));
        if let Some(l2) = self.l2.as_deref_mut() {
            if let Some((si, st)) = l2.snap {
                if is_level && si == inst && st == r.ts_ns {
                    if r.b > 0 {
                        let lvl = Level::new(r.a, r.b);
                        if kind == Some(Kind::Bid) {
                            l2.bids.push(lvl);
                        } else {
                            l2.asks.push(lvl);
                        }
                    }
                    return;
                }
            }
        }
        self.flush_snapshot();
        let Some(l2) = self.l2.as_deref_mut() else {
            return;
        };
        let ts = Timestamp::from_nanos(r.ts_ns.max(0));
        let venue = &mut l2.venue;
        let res = match kind {
            Some(Kind::BookClear) => {
                l2.snap = Some((inst, r.ts_ns));
                l2.bids.clear();
                l2.asks.clear();
                venue.advance_to(ts);
                Ok(())
            }
            Some(Kind::Bid) | Some(Kind::Ask) => {
                let side = if kind == Some(Kind::Bid) {
                    BookSide::Bid
                } else {
                    BookSide::Ask
                };
                let crosses = r.b > 0
                    && venue.book(inst).is_some_and(|b| match side {
                        BookSide::Bid => b
                            .ladder(BookSide::Ask)
                            .best()
                            .is_some_and(|a| r.a > a.price),
                        BookSide::Ask => b
                            .ladder(BookSide::Bid)
                            .best()
                            .is_some_and(|x| r.a < x.price),
                    });
                if crosses {
                    venue.advance_to(ts);
                    Err(RecordError::CrossedBook)
                } else {
                    venue
                        .on_book_level(inst, side, r.a, r.b, ts)
                        .map_err(|_| RecordError::BadLevel)
                }
            }
            Some(Kind::Trade) => {
                let aggressor = match r.side {
                    1 => Side::Buy,
                    2 => Side::Sell,
                    _ => infer_aggressor(venue, inst, r.a),
                };
                venue
                    .on_trade(inst, r.a, r.b, aggressor, ts)
                    .map_err(|_| RecordError::BadLevel)
            }
            _ => {
                venue.advance_to(ts);
                Ok(())
            }
        };
        match res {
            Err(e) => self.stats.bad_records[e.index()] += 1,
            Ok(()) if kind == Some(Kind::Trade) => {
                self.ledger.mark(inst, r.a);
                self.seen_price[inst as usize] = true;
            }
            Ok(()) => self.mark_from_book(inst),
        }
        self.pump_l2(ts);
    }

    /// Loads the snapshot being assembled (`BookClear` + its levels) into the venue's book.
    /// A crossed snapshot or one the book refuses leaves the book as it was (counted).
    fn flush_snapshot(&mut self) {
        let Some(l2) = self.l2.as_deref_mut() else {
            return;
        };
        let Some((inst, ts_ns)) = l2.snap.take() else {
            return;
        };
        let ts = Timestamp::from_nanos(ts_ns.max(0));
        let best_bid = l2.bids.iter().map(|l| l.price).max();
        let best_ask = l2.asks.iter().map(|l| l.price).min();
        let res = match (best_bid, best_ask) {
            (Some(b), Some(a)) if b > a => {
                l2.venue.advance_to(ts);
                Err(RecordError::CrossedBook)
            }
            _ => l2
                .venue
                .on_book_snapshot(inst, &l2.bids, &l2.asks, ts)
                .map_err(|_| RecordError::BadLevel),
        };
        match res {
            Err(e) => self.stats.bad_records[e.index()] += 1,
            Ok(()) => self.mark_from_book(inst),
        }
        self.pump_l2(ts);
    }

    /// L2 mode: the mark is the mid of the venue's book when both sides exist.
    fn mark_from_book(&mut self, inst: u32) {
        let Some(book) = self.l2.as_deref().and_then(|l2| l2.venue.book(inst)) else {
            return;
        };
        if let (Some(b), Some(a)) = (
            book.ladder(BookSide::Bid).best(),
            book.ladder(BookSide::Ask).best(),
        ) {
            self.ledger.mark(inst, (b.price + a.price) / 2);
            self.seen_price[inst as usize] = true;
        }
    }

    /// L2 mode: the OMS's commands to the venue at `now`, the venue's events delivered by
    /// `now` back to the OMS and the ledger, until nothing moves (a zero-latency round trip
    /// completes in one call; see `tachyon_sim::Pump`).
    fn pump_l2(&mut self, now: Timestamp) {
        loop {
            self.oms.drain_commands(&mut self.commands);
            let Some(l2) = self.l2.as_deref_mut() else {
                return;
            };
            l2.venue.submit_all(&self.commands, now);
            l2.venue.step(now, &mut self.events);
            let idle = self.commands.is_empty() && self.events.is_empty();
            self.commands.clear();
            if idle {
                break;
            }
            self.apply_events();
        }
        self.oms.drain_reports(&mut self.reports);
    }

    fn sample(&mut self, next_ts: i64) {
        if self.now == i64::MIN {
            return;
        }
        if let Some(last) = self.curve.last() {
            if self.cfg.sample_ns > 0 && next_ts - last.ts_ns < self.cfg.sample_ns {
                return;
            }
        }
        self.push_point();
    }

    fn push_point(&mut self) {
        let (e, g, in_market) = self.ledger.equity_f64();
        self.curve.push(EquityPoint {
            ts_ns: self.now,
            equity: e,
            exposure: if e > 0.0 { g / e } else { 0.0 },
            in_market,
        });
    }

    /// Feeds the venue's events to the OMS; fills the OMS accepts are booked in the ledger.
    fn apply_events(&mut self) {
        let mut events = std::mem::take(&mut self.events);
        let l2 = self.l2.is_some();
        for mut ev in events.drain(..) {
            let fill = match &mut ev {
                VenueEvent::Fill {
                    order_id,
                    price,
                    qty,
                    fee,
                    ts,
                    ..
                } => self.oms.order(*order_id).map(|o| {
                    // The sim's fee is a mantissa at the instrument's notional scale; the
                    // ledger and the reports keep money at the cash scale (exact: ×10^k).
                    let cash_fee = if l2 {
                        i128::from(*fee) * self.fee_mult[o.instrument as usize]
                    } else {
                        i128::from(*fee)
                    };
                    if l2 {
                        *fee = i64::try_from(cash_fee).unwrap_or(if cash_fee < 0 {
                            i64::MIN
                        } else {
                            i64::MAX
                        });
                    }
                    (o.instrument, o.side, *price, *qty, cash_fee, ts.as_nanos())
                }),
                _ => None,
            };
            if self.oms.on_venue_event(&ev).is_err() {
                // Refused by the OMS (counted in its stats): nothing is booked.
                continue;
            }
            match ev {
                VenueEvent::Fill { .. } => {
                    if let Some((inst, side, price, qty, fee, ts)) = fill {
                        match self.ledger.apply(inst, side, qty, price, fee, ts) {
                            Ok(()) => self.stats.fills += 1,
                            // beyond the ledger's range (the OMS's i64 position overflows first)
                            Err(_) => self.stats.rejected[Reject::MaxPosition as usize] += 1,
                        }
                    }
                }
                VenueEvent::Cancelled { .. } => self.stats.cancelled += 1,
                VenueEvent::Expired { .. } => self.stats.expired += 1,
                _ => {}
            }
        }
        self.events = events;
    }

    /// Sends the OMS's pending commands to the venue and applies the answers.
    fn route(&mut self) {
        if self.l2.is_some() {
            let now = self.oms_now();
            self.pump_l2(now);
            return;
        }
        self.oms.drain_commands(&mut self.commands);
        for k in 0..self.commands.len() {
            let cmd = self.commands[k];
            let inst = match cmd {
                VenueCommand::New { instrument, .. } => instrument,
                _ => 0,
            };
            let last = self
                .cursor
                .checked_sub(1)
                .map(|c| self.records[c])
                .filter(|r| r.kind == Kind::Bar as u8 && r.instrument == inst);
            let ctx = MarketContext {
                cursor: self.cursor,
                now: self.now,
                mark: self.ledger.position(inst).mark,
                last_bar_close: last.map(|r| r.d),
            };
            self.venue.on_command(&cmd, &ctx, &mut self.events);
        }
        self.commands.clear();
        self.apply_events();
        self.oms.drain_reports(&mut self.reports);
    }

    /// The gate's snapshot of the ledger.
    fn sync_account(&mut self) {
        let mut a = self.account.lock().unwrap_or_else(PoisonError::into_inner);
        a.equity = self.ledger.equity() as f64;
        for (k, p) in self.ledger.positions().iter().enumerate() {
            a.qty[k] = p.qty;
            a.mark[k] = p.mark;
            a.seen[k] = self.seen_price[k];
        }
    }

    fn oms_now(&self) -> Timestamp {
        Timestamp::from_nanos(self.now.max(0))
    }

    /// Submits an order at the current market time through the OMS (order state, idempotent
    /// client id, the pre-trade gate) to the venue. Accepted orders get the OMS's order id
    /// (and for `FillAt::Close` market orders on bars may fill at once); refusals come back as
    /// `Err(reason)`, counted in [`SessionStats::rejected`]. A refusal by the gate also leaves
    /// a `Rejected` order and report in the OMS; a request the OMS finds malformed (off-tick,
    /// off-lot, unknown instrument) changes nothing.
    ///
    /// # Errors
    /// The [`Reject`] reason.
    pub fn submit(&mut self, req: OrderRequest) -> Result<u64, Reject> {
        let r = self.submit_inner(req);
        if let Err(rej) = r {
            self.stats.rejected[rej as usize] += 1;
        }
        r
    }

    fn submit_inner(&mut self, req: OrderRequest) -> Result<u64, Reject> {
        self.flush_snapshot();
        let inst = self
            .instruments
            .get(req.instrument as usize)
            .ok_or(Reject::UnknownInstrument)?;
        let qty =
            Quantity::from_mantissa(req.qty, inst.qty_scale()).map_err(|_| Reject::BadQuantity)?;
        let price = req
            .limit
            .map(|p| Price::from_mantissa(p, inst.price_scale()))
            .transpose()
            .map_err(|_| Reject::BadPrice)?;
        self.client_seq += 1;
        let oreq = tachyon_oms::OrderRequest {
            client_id: client_id(self.client_seq),
            instrument: req.instrument,
            side: req.side,
            order_type: if price.is_some() {
                OrderType::Limit
            } else {
                OrderType::Market
            },
            qty,
            price,
            trigger: None,
            trail: None,
            tif: if req.ioc || price.is_none() {
                TimeInForce::Ioc
            } else {
                TimeInForce::Gtc
            },
            post_only: false,
            reduce_only: false,
        };
        self.sync_account();
        let now = self.oms_now();
        let out = self.oms.submit(&oreq, now).map_err(|e| reject_of(&e))?;
        if out.status == OrderStatus::Rejected {
            self.oms.drain_reports(&mut self.reports);
            return Err(out
                .gate_code
                .and_then(Reject::from_code)
                .unwrap_or(Reject::Risk));
        }
        self.stats.orders += 1;
        self.route();
        Ok(out.order_id.0)
    }

    /// Cancels an open order; returns `false` if it is not open (filled, expired, unknown).
    ///
    /// In L2 mode with latency the cancel travels to the venue: `true` then means it was
    /// sent and the order is still working (the `Cancelled` report comes later, or a fill
    /// wins the race).
    pub fn cancel(&mut self, id: u64) -> bool {
        self.flush_snapshot();
        let id = OrderId(id);
        if !self.oms.order(id).is_some_and(|o| o.status.is_at_venue()) {
            return false;
        }
        let before = self.stats.cancelled;
        let now = self.oms_now();
        if self.oms.cancel(id, now).is_err() {
            return false;
        }
        self.route();
        self.stats.cancelled > before
            || (self.l2.is_some() && self.oms.order(id).is_some_and(|o| o.status.is_at_venue()))
    }

    /// Books a fill that happened before this session (rebuilding state from a journal): the
    /// ledger changes exactly as it did then; no order, no report (the OMS only knows this
    /// session's orders; the ledger is the account).
    ///
    /// # Errors
    /// [`BacktestError::Config`] for an unknown instrument or a non-positive quantity/price;
    /// [`BacktestError::Overflow`] beyond the fixed-point range.
    pub fn restore_fill(
        &mut self,
        instrument: u32,
        side: Side,
        qty: i64,
        price: i64,
        fee: i128,
        ts_ns: i64,
    ) -> Result<(), BacktestError> {
        if instrument as usize >= self.instruments.len() {
            return Err(BacktestError::config(
                "instrument",
                format!("unknown id {instrument}"),
            ));
        }
        if qty <= 0 || price <= 0 {
            return Err(BacktestError::config(
                "fill",
                "quantity and price must be positive",
            ));
        }
        self.ledger
            .apply(instrument, side, qty, price, fee, ts_ns)?;
        self.ledger.mark(instrument, price);
        self.seen_price[instrument as usize] = true;
        Ok(())
    }

    /// Open orders (ids, in the venue's order).
    #[must_use]
    pub fn open_orders(&self) -> Vec<u64> {
        if self.l2.is_some() {
            let mut v: Vec<u64> = self.oms.open_orders().map(|o| o.id.0).collect();
            v.sort_unstable();
            return v;
        }
        self.venue.open_ids()
    }

    /// Number of open orders.
    #[must_use]
    pub fn open_count(&self) -> usize {
        if self.l2.is_some() {
            return self.oms.open_order_count();
        }
        self.venue.open_count()
    }

    /// The simulated venue in L2 mode (its book, orders and counters); `None` on bars.
    #[must_use]
    pub fn sim(&self) -> Option<&SimVenue> {
        self.l2.as_deref().map(|l2| &l2.venue)
    }

    /// Takes the OMS's execution reports produced since the last call.
    pub fn take_reports(&mut self, out: &mut Vec<ExecReport>) {
        out.append(&mut self.reports);
    }

    /// Reports waiting to be taken.
    #[must_use]
    pub fn pending_reports(&self) -> usize {
        self.reports.len()
    }

    /// The OMS (orders, its counters, its per-order view).
    #[must_use]
    pub fn oms(&self) -> &Oms {
        &self.oms
    }

    /// The ledger (cash, positions, trips).
    #[must_use]
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// Mutable ledger (to list open trips at the end).
    pub fn ledger_mut(&mut self) -> &mut Ledger {
        &mut self.ledger
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> &SessionStats {
        &self.stats
    }

    /// The equity curve so far.
    #[must_use]
    pub fn curve(&self) -> &[EquityPoint] {
        &self.curve
    }

    /// Closes the curve with the current state (call once at the end of a run).
    pub fn finish_curve(&mut self) {
        self.flush_snapshot();
        if self.now != i64::MIN {
            if self.curve.last().map(|p| p.ts_ns) == Some(self.now) {
                self.curve.pop();
            }
            self.push_point();
        }
    }

    /// Equity as a float (for strategies and summaries; the exact value is in the ledger).
    #[must_use]
    pub fn equity_f64(&self) -> f64 {
        self.ledger.equity() as f64 / self.cash_pow
    }

    /// The record at global index `i`, if still in memory.
    #[must_use]
    pub fn record(&self, i: usize) -> Option<&Record> {
        i.checked_sub(self.base).and_then(|k| self.records.get(k))
    }
}

/// The aggressor of a trade print without one: at or above the best ask a buy, at or below
/// the best bid a sell, inside the spread the nearer side (ties and an empty book: a buy).
fn infer_aggressor(venue: &SimVenue, inst: u32, price: i64) -> Side {
    let Some(book) = venue.book(inst) else {
        return Side::Buy;
    };
    let bid = book.ladder(BookSide::Bid).best().map(|l| l.price);
    let ask = book.ladder(BookSide::Ask).best().map(|l| l.price);
    match (bid, ask) {
        (_, Some(a)) if price >= a => Side::Buy,
        (Some(b), _) if price <= b => Side::Sell,
        (Some(b), Some(a)) if price - b < a - price => Side::Sell,
        _ => Side::Buy,
    }
}

/// Writes reports as 64-byte records into a byte buffer (one buffer crosses to JavaScript).
pub fn write_reports(reports: &[ExecReport], out: &mut Vec<u8>) {
    out.reserve(reports.len() * tachyon_oms::REPORT_SIZE);
    for r in reports {
        out.extend_from_slice(&r.to_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_short_and_distinct() {
        assert_eq!(client_id(1).as_str(), "bt-1");
        assert_eq!(client_id(36).as_str(), "bt-10");
        assert_eq!(client_id(u64::MAX).as_str(), "bt-3w5e11264sgsf");
    }
}
