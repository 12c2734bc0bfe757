//! The replay session: records in, orders in, fills and equity out — the one loop behind a
//! Rust-only backtest ([`crate::run`]), a TypeScript-strategy backtest (driven in lock step
//! from JS, a call per order rather than per event) and the paper session (records appended as
//! the market produces them).
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
//!   position and depth-walking are the simulated venue's job (`tachyon-sim`).
//! - IOC orders live until the next record of their instrument, then expire.
//!
//! Pre-trade checks here are the instrument's rules (tick, lot, min/max quantity and
//! notional), `max_position`, and a leverage cap (gross exposure after the order, at the
//! order's reference price, within `max_leverage × equity`). A refusal is a report with a
//! reason code, not an error.

use tachyon_core::{Instrument, InstrumentSpec, Price, Quantity};

use crate::error::BacktestError;
use crate::ledger::{FeeRate, Ledger, Side};
use crate::record::{Kind, Record, RecordError};
use crate::report::{Reason, Report, ReportKind, Status};

/// When market orders on bars fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FillAt {
    /// At the next bar's open.
    #[default]
    NextOpen,
    /// At once, at the last close.
    Close,
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
}

impl Reject {
    /// Every reason, in code order.
    pub const ALL: [Self; 7] = [
        Self::UnknownInstrument,
        Self::BadQuantity,
        Self::BadPrice,
        Self::Notional,
        Self::MaxPosition,
        Self::Leverage,
        Self::NoPrice,
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
        }
    }

    /// The reason byte in a [`Report`] (`1 +` index).
    #[must_use]
    pub const fn byte(self) -> u8 {
        self as u8 + 1
    }
}

#[derive(Debug, Clone, Copy)]
struct Open {
    id: u64,
    req: OrderRequest,
    /// Index of the first record that may fill it.
    from: usize,
    /// Seen a record of its instrument since submission (for taker/maker on limits).
    rested: bool,
}

/// Counters of what the session did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionStats {
    /// Records accepted into the replay.
    pub records: u64,
    /// Records refused, per [`RecordError`].
    pub bad_records: [u64; 6],
    /// Records processed so far.
    pub processed: u64,
    /// Orders accepted.
    pub orders: u64,
    /// Orders refused, per [`Reject`].
    pub rejected: [u64; 7],
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
    open: Vec<Open>,
    next_id: u64,
    /// Best bid / ask per instrument (for the mark from a book).
    bbo: Vec<(i64, i64)>,
    seen_price: Vec<bool>,
    ledger: Ledger,
    reports: Vec<Report>,
    stats: SessionStats,
    curve: Vec<EquityPoint>,
    cash_pow: f64,
    now: i64,
}

fn price_mul_bps(price: i64, rate: FeeRate, up: bool, tick: i64) -> i64 {
    if rate.0 == 0 {
        return price;
    }
    // price × (1 ± rate) on the tick grid, rounded against the trader
    let num = i128::from(price) * (100_000_000 + if up { rate.0 } else { -rate.0 } as i128);
    let den = 100_000_000i128 * i128::from(tick);
    let ticks = if up {
        (num + den - 1).div_euclid(den)
    } else {
        num.div_euclid(den)
    };
    i64::try_from(ticks * i128::from(tick))
        .unwrap_or(price)
        .max(tick)
}

impl Session {
    /// A session with these settings.
    ///
    /// # Errors
    /// [`BacktestError`] naming the bad setting.
    pub fn new(cfg: SessionConfig) -> Result<Self, BacktestError> {
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
        Ok(Self {
            ledger: Ledger::with_cash_scale(i128::from(cash.mantissa()), &scales, cash_scale),
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
            open: Vec::new(),
            next_id: 1,
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
            for o in &mut self.open {
                o.from = o.from.saturating_sub(self.cursor);
            }
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
        let inst = r.instrument;
        let kind = Kind::from_u8(r.kind);
        if !self.open.is_empty() {
            self.match_orders(idx, &r, kind);
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

    fn match_orders(&mut self, idx: usize, r: &Record, kind: Option<Kind>) {
        let mut k = 0;
        while k < self.open.len() {
            let o = self.open[k];
            if o.req.instrument != r.instrument || idx < o.from {
                k += 1;
                continue;
            }
            let fill = match kind {
                Some(Kind::Bar) => self.bar_fill(&o, r),
                Some(Kind::Trade) => self.trade_fill(&o, r),
                _ => None,
            };
            let relevant = matches!(kind, Some(Kind::Bar) | Some(Kind::Trade));
            if let Some((price, maker)) = fill {
                self.open.swap_remove(k);
                self.execute(o.id, o.req, price, maker, r.ts_ns);
                continue;
            }
            if relevant {
                if o.req.ioc {
                    self.open.swap_remove(k);
                    self.stats.expired += 1;
                    self.report(
                        ReportKind::Expired,
                        Status::Expired,
                        o.id,
                        &o.req,
                        0,
                        0,
                        0,
                        Reason::None as u8,
                        r.ts_ns,
                    );
                    continue;
                }
                self.open[k].rested = true;
            }
            k += 1;
        }
    }

    fn slipped(&self, inst: u32, price: i64, side: Side) -> i64 {
        let tick = self.instruments[inst as usize].tick().mantissa();
        price_mul_bps(price, self.cfg.slippage, side == Side::Buy, tick)
    }

    fn bar_fill(&self, o: &Open, r: &Record) -> Option<(i64, bool)> {
        let (open, high, low) = (r.a, r.b, r.c);
        match o.req.limit {
            None => Some((self.slipped(o.req.instrument, open, o.req.side), false)),
            Some(p) => match o.req.side {
                Side::Buy if open <= p => Some((open, false)),
                Side::Buy if low <= p => Some((p, true)),
                Side::Sell if open >= p => Some((open, false)),
                Side::Sell if high >= p => Some((p, true)),
                _ => None,
            },
        }
    }

    fn trade_fill(&self, o: &Open, r: &Record) -> Option<(i64, bool)> {
        let px = r.a;
        match o.req.limit {
            None => Some((self.slipped(o.req.instrument, px, o.req.side), false)),
            Some(p) => {
                let marketable = match o.req.side {
                    Side::Buy => px <= p,
                    Side::Sell => px >= p,
                };
                if !o.rested && marketable {
                    return Some((px, false));
                }
                let through = match o.req.side {
                    Side::Buy => px < p,
                    Side::Sell => px > p,
                };
                through.then_some((p, true))
            }
        }
    }

    fn execute(&mut self, id: u64, req: OrderRequest, price: i64, maker: bool, ts: i64) {
        let rate = if maker {
            self.cfg.maker_fee
        } else {
            self.cfg.taker_fee
        };
        match self
            .ledger
            .fill(req.instrument, req.side, req.qty, price, rate, ts)
        {
            Ok(fee) => {
                self.stats.fills += 1;
                let fee = i64::try_from(fee).unwrap_or(i64::MAX);
                let mut rep = Report {
                    ts_ns: ts,
                    order_id: id,
                    last_px: price,
                    last_qty: req.qty,
                    cum_qty: req.qty,
                    avg_px: price,
                    fee,
                    instrument: req.instrument,
                    kind: ReportKind::Fill as u8,
                    status: Status::Filled as u8,
                    side: req.side as u8,
                    reason: if maker { 1 } else { 0 },
                };
                // `reason` on a fill carries the liquidity flag: 1 maker, 0 taker
                rep.reason = u8::from(maker);
                self.reports.push(rep);
            }
            Err(_) => {
                self.stats.rejected[Reject::MaxPosition as usize] += 1;
                self.report(
                    ReportKind::Rejected,
                    Status::Rejected,
                    id,
                    &req,
                    0,
                    0,
                    0,
                    Reject::MaxPosition.byte(),
                    ts,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)] // a report has that many fields
    fn report(
        &mut self,
        kind: ReportKind,
        status: Status,
        id: u64,
        req: &OrderRequest,
        px: i64,
        qty: i64,
        fee: i64,
        reason: u8,
        ts: i64,
    ) {
        self.reports.push(Report {
            ts_ns: ts,
            order_id: id,
            last_px: px,
            last_qty: qty,
            cum_qty: qty,
            avg_px: px,
            fee,
            instrument: req.instrument,
            kind: kind as u8,
            status: status as u8,
            side: req.side as u8,
            reason,
        });
    }

    fn check(&self, req: &OrderRequest) -> Result<(), Reject> {
        let inst = self
            .instruments
            .get(req.instrument as usize)
            .ok_or(Reject::UnknownInstrument)?;
        let i = req.instrument as usize;
        let qty =
            Quantity::from_mantissa(req.qty, inst.qty_scale()).map_err(|_| Reject::BadQuantity)?;
        inst.check_qty(qty).map_err(|_| Reject::BadQuantity)?;
        let reference = match req.limit {
            Some(p) => {
                let price =
                    Price::from_mantissa(p, inst.price_scale()).map_err(|_| Reject::BadPrice)?;
                inst.check_price(price).map_err(|_| Reject::BadPrice)?;
                p
            }
            None => {
                if !self.seen_price[i] {
                    return Err(Reject::NoPrice);
                }
                self.ledger.position(req.instrument).mark
            }
        };
        let price =
            Price::from_mantissa(reference, inst.price_scale()).map_err(|_| Reject::BadPrice)?;
        match inst.check_order(price, qty) {
            Ok(_) => {}
            Err(e) => {
                return Err(match e.code() {
                    "BELOW_MIN_NOTIONAL" | "ABOVE_MAX_NOTIONAL" | "NOTIONAL_OVERFLOW" => {
                        Reject::Notional
                    }
                    "NON_POSITIVE_PRICE" | "OFF_TICK" | "WRONG_SCALE" => Reject::BadPrice,
                    _ => Reject::BadQuantity,
                })
            }
        }
        let pos = self.ledger.position(req.instrument).qty;
        let after = i128::from(pos) + i128::from(req.side.sign()) * i128::from(req.qty);
        // pending orders of the instrument count toward the limits
        let pending: i128 = self
            .open
            .iter()
            .filter(|o| o.req.instrument == req.instrument)
            .map(|o| i128::from(o.req.side.sign()) * i128::from(o.req.qty))
            .sum();
        let reduces = after.abs() < i128::from(pos).abs();
        if let Some(max) = self.cfg.max_position[i] {
            if !reduces && (after + pending).abs() > i128::from(max) {
                return Err(Reject::MaxPosition);
            }
        }
        if let Some(lev) = self.cfg.max_leverage {
            if !reduces {
                let equity = self.ledger.equity() as f64;
                let mut gross = 0.0;
                for (k, p) in self.ledger.positions().iter().enumerate() {
                    let q = if k == i {
                        after + pending
                    } else {
                        i128::from(p.qty)
                    };
                    let mark = if k == i { reference } else { p.mark };
                    gross += (self.ledger.notional(k as u32, 1, mark) as f64 * q as f64).abs();
                }
                if gross > lev * equity {
                    return Err(Reject::Leverage);
                }
            }
        }
        Ok(())
    }

    /// Submits an order at the current market time. Accepted orders get an id and (for
    /// `FillAt::Close` market orders on bars) may fill at once; refusals come back as
    /// `Err(reason)` and as a `Rejected` report.
    pub fn submit(&mut self, req: OrderRequest) -> Result<u64, Reject> {
        let id = self.next_id;
        self.next_id += 1;
        if let Err(rej) = self.check(&req) {
            self.stats.rejected[rej as usize] += 1;
            self.report(
                ReportKind::Rejected,
                Status::Rejected,
                id,
                &req,
                0,
                0,
                0,
                rej.byte(),
                self.now.max(0),
            );
            return Err(rej);
        }
        self.stats.orders += 1;
        let last_is_bar = self.cursor > 0
            && self.records[self.cursor - 1].kind == Kind::Bar as u8
            && self.records[self.cursor - 1].instrument == req.instrument;
        if self.cfg.fill_at == FillAt::Close && req.limit.is_none() && last_is_bar {
            let close = self.records[self.cursor - 1].d;
            let px = self.slipped(req.instrument, close, req.side);
            self.execute(id, req, px, false, self.now);
            return Ok(id);
        }
        // A limit that does not cross the last price rests from the start (maker-only fills).
        let mark = self.ledger.position(req.instrument).mark;
        let marketable = match (req.limit, req.side) {
            (None, _) => true,
            (Some(p), Side::Buy) => mark <= p,
            (Some(p), Side::Sell) => mark >= p,
        };
        self.open.push(Open {
            id,
            req,
            from: self.cursor,
            rested: !marketable,
        });
        Ok(id)
    }

    /// Cancels an open order; returns `false` if it is not open (filled, expired, unknown).
    pub fn cancel(&mut self, id: u64) -> bool {
        if let Some(k) = self.open.iter().position(|o| o.id == id) {
            let o = self.open.swap_remove(k);
            self.stats.cancelled += 1;
            self.report(
                ReportKind::Cancelled,
                Status::Cancelled,
                id,
                &o.req,
                0,
                0,
                0,
                Reason::Requested as u8,
                self.now.max(0),
            );
            true
        } else {
            false
        }
    }

    /// Books a fill that happened before this session (rebuilding state from a journal): the
    /// ledger changes exactly as it did then; no report, no order.
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

    /// Open orders (ids).
    #[must_use]
    pub fn open_orders(&self) -> Vec<u64> {
        self.open.iter().map(|o| o.id).collect()
    }

    /// Number of open orders.
    #[must_use]
    pub fn open_count(&self) -> usize {
        self.open.len()
    }

    /// Takes the reports produced since the last call.
    pub fn take_reports(&mut self, out: &mut Vec<Report>) {
        out.append(&mut self.reports);
    }

    /// Reports waiting to be taken.
    #[must_use]
    pub fn pending_reports(&self) -> usize {
        self.reports.len()
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

    /// The equity curve so far (plus the current point if `with_now`).
    #[must_use]
    pub fn curve(&self) -> &[EquityPoint] {
        &self.curve
    }

    /// Closes the curve with the current state (call once at the end of a run).
    pub fn finish_curve(&mut self) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slippage_rounds_against_the_trader() {
        // 100.00 with tick 0.01 (mantissa 10000), 10 bps → buy 100.10, sell 99.90
        assert_eq!(price_mul_bps(10_000, FeeRate(100_000), true, 1), 10_010);
        assert_eq!(price_mul_bps(10_000, FeeRate(100_000), false, 1), 9_990);
        // 1 bp of 100.00 is 0.01: tick 0.05 (mantissa 5) → up to 100.05 / down to 99.95
        assert_eq!(price_mul_bps(10_000, FeeRate(10_000), true, 5), 10_005);
        assert_eq!(price_mul_bps(10_000, FeeRate(10_000), false, 5), 9_995);
        assert_eq!(price_mul_bps(10_000, FeeRate(0), true, 5), 10_000);
    }
}
