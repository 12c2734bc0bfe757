//! Identifiers, order requests, the commands the OMS sends to a venue, the events a venue sends
//! back, and the fixed-size execution report the OMS emits.

use std::fmt;

use tachyon_core::{InstrumentId, Notional, Price, Quantity, Timestamp};

/// The OMS's own order id (also the id the venue knows the order by). Never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct OrderId(pub u64);

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Longest client order id (Binance's `newClientOrderId` limit).
pub const MAX_CLIENT_ID_LEN: usize = 36;

/// A client order id: 1–36 characters from `[A-Za-z0-9._:/-]`, stored inline (no heap).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ClientOrderId {
    len: u8,
    bytes: [u8; MAX_CLIENT_ID_LEN],
}

impl ClientOrderId {
    /// Validates and copies `s`.
    ///
    /// # Errors
    /// [`crate::OmsError::BadClientId`] for an empty or too long id or a character outside
    /// the allowed set.
    pub fn new(s: &str) -> Result<Self, crate::OmsError> {
        let b = s.as_bytes();
        let ok = !b.is_empty()
            && b.len() <= MAX_CLIENT_ID_LEN
            && b.iter().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b':' | b'/' | b'-')
            });
        if !ok {
            return Err(crate::OmsError::BadClientId(s.chars().take(64).collect()));
        }
        let mut bytes = [0u8; MAX_CLIENT_ID_LEN];
        bytes[..b.len()].copy_from_slice(b);
        Ok(Self {
            len: b.len() as u8,
            bytes,
        })
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII bytes are ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::hash::Hash for ClientOrderId {
    /// Fixed cost: the length and the 36 bytes as five words (unused bytes are zero).
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let w = |i: usize| {
            let mut b = [0u8; 8];
            let end = (i + 8).min(MAX_CLIENT_ID_LEN);
            b[..end - i].copy_from_slice(&self.bytes[i..end]);
            u64::from_le_bytes(b)
        };
        state.write_u64(w(0) ^ u64::from(self.len));
        state.write_u64(w(8));
        state.write_u64(w(16));
        state.write_u64(w(24));
        state.write_u64(w(32));
    }
}

impl fmt::Debug for ClientOrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientOrderId({:?})", self.as_str())
    }
}

impl fmt::Display for ClientOrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Side {
    /// Buy.
    Buy = 1,
    /// Sell.
    Sell = 2,
}

impl Side {
    /// +1 for buy, -1 for sell.
    #[inline]
    #[must_use]
    pub const fn sign(self) -> i64 {
        match self {
            Self::Buy => 1,
            Self::Sell => -1,
        }
    }

    /// From the report/record byte (1 buy, 2 sell).
    #[inline]
    #[must_use]
    pub const fn from_u8(b: u8) -> Option<Self> {
        match b {
            1 => Some(Self::Buy),
            2 => Some(Self::Sell),
            _ => None,
        }
    }

    /// The other side.
    #[inline]
    #[must_use]
    pub const fn opposite(self) -> Self {
        match self {
            Self::Buy => Self::Sell,
            Self::Sell => Self::Buy,
        }
    }
}

/// Order type. Stops and trailing stops are held by the OMS and sent to the venue as market
/// or limit orders when they trigger, so they work on any venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum OrderType {
    /// Takes liquidity at any price.
    Market = 1,
    /// Rests at `price` or better.
    Limit = 2,
    /// Becomes a market order when the reference price reaches `trigger`.
    StopMarket = 3,
    /// Becomes a limit order at `price` when the reference price reaches `trigger`.
    StopLimit = 4,
    /// A stop market order whose trigger follows the best reference price by `trail`.
    TrailingStop = 5,
}

impl OrderType {
    /// `true` for the types the OMS holds until a trigger (stop, stop-limit, trailing).
    #[inline]
    #[must_use]
    pub const fn is_triggered(self) -> bool {
        matches!(
            self,
            Self::StopMarket | Self::StopLimit | Self::TrailingStop
        )
    }
}

/// Time in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeInForce {
    /// Good till cancelled.
    Gtc,
    /// Immediate or cancel: fill what is possible now, expire the rest.
    Ioc,
    /// Fill or kill: fill everything now or nothing.
    Fok,
    /// Good till the given time.
    Gtd(Timestamp),
    /// Good for the trading day (until the next UTC midnight by default).
    Day,
}

impl TimeInForce {
    /// Stable code (`GTC`, `IOC`, `FOK`, `GTD`, `DAY`).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Gtc => "GTC",
            Self::Ioc => "IOC",
            Self::Fok => "FOK",
            Self::Gtd(_) => "GTD",
            Self::Day => "DAY",
        }
    }
}

/// What a client asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderRequest {
    /// Idempotency key: the same id twice never makes two orders.
    pub client_id: ClientOrderId,
    /// Instrument id in the OMS's registry.
    pub instrument: InstrumentId,
    /// Buy or sell.
    pub side: Side,
    /// Order type.
    pub order_type: OrderType,
    /// Quantity (positive, on the lot grid).
    pub qty: Quantity,
    /// Limit price (limit and stop-limit orders).
    pub price: Option<Price>,
    /// Trigger price (stop and stop-limit orders; optional activation price for trailing).
    pub trigger: Option<Price>,
    /// Trailing distance in price units (trailing stops).
    pub trail: Option<Price>,
    /// Time in force.
    pub tif: TimeInForce,
    /// Reject instead of taking liquidity (limit orders only).
    pub post_only: bool,
    /// Only ever reduce the position.
    pub reduce_only: bool,
}

impl OrderRequest {
    /// A GTC limit order.
    #[must_use]
    pub fn limit(
        client_id: ClientOrderId,
        instrument: InstrumentId,
        side: Side,
        qty: Quantity,
        price: Price,
    ) -> Self {
        Self {
            client_id,
            instrument,
            side,
            order_type: OrderType::Limit,
            qty,
            price: Some(price),
            trigger: None,
            trail: None,
            tif: TimeInForce::Gtc,
            post_only: false,
            reduce_only: false,
        }
    }

    /// A market order (IOC).
    #[must_use]
    pub fn market(
        client_id: ClientOrderId,
        instrument: InstrumentId,
        side: Side,
        qty: Quantity,
    ) -> Self {
        Self {
            order_type: OrderType::Market,
            price: None,
            tif: TimeInForce::Ioc,
            ..Self::limit(client_id, instrument, side, qty, Price::zero(0))
        }
    }

    /// A stop market order triggering at `trigger`.
    #[must_use]
    pub fn stop(
        client_id: ClientOrderId,
        instrument: InstrumentId,
        side: Side,
        qty: Quantity,
        trigger: Price,
    ) -> Self {
        Self {
            order_type: OrderType::StopMarket,
            trigger: Some(trigger),
            tif: TimeInForce::Gtc,
            ..Self::market(client_id, instrument, side, qty)
        }
    }

    /// A trailing stop following the reference price at distance `trail`.
    #[must_use]
    pub fn trailing_stop(
        client_id: ClientOrderId,
        instrument: InstrumentId,
        side: Side,
        qty: Quantity,
        trail: Price,
    ) -> Self {
        Self {
            order_type: OrderType::TrailingStop,
            trail: Some(trail),
            tif: TimeInForce::Gtc,
            ..Self::market(client_id, instrument, side, qty)
        }
    }

    /// Same order with another time in force.
    #[must_use]
    pub fn with_tif(mut self, tif: TimeInForce) -> Self {
        self.tif = tif;
        self
    }

    /// Same order, post-only.
    #[must_use]
    pub fn post_only(mut self) -> Self {
        self.post_only = true;
        self
    }

    /// Same order, reduce-only.
    #[must_use]
    pub fn reduce_only(mut self) -> Self {
        self.reduce_only = true;
        self
    }
}

/// What the OMS asks a venue to do. Venues see only market and limit orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueCommand {
    /// Place an order.
    New {
        /// Order id (the venue's client order id).
        order_id: OrderId,
        /// Instrument.
        instrument: InstrumentId,
        /// Side.
        side: Side,
        /// Quantity mantissa.
        qty: i64,
        /// Limit price mantissa; `None` for a market order.
        price: Option<i64>,
        /// Time in force.
        tif: TimeInForce,
        /// Post-only.
        post_only: bool,
        /// Reduce-only.
        reduce_only: bool,
    },
    /// Cancel an order.
    Cancel {
        /// Order id.
        order_id: OrderId,
    },
    /// Change quantity and/or price (cancel-replace keeping the id).
    Replace {
        /// Order id.
        order_id: OrderId,
        /// New total quantity mantissa.
        qty: i64,
        /// New limit price mantissa.
        price: Option<i64>,
    },
}

impl VenueCommand {
    /// The order the command is about.
    #[must_use]
    pub fn order_id(&self) -> OrderId {
        match *self {
            Self::New { order_id, .. }
            | Self::Cancel { order_id }
            | Self::Replace { order_id, .. } => order_id,
        }
    }
}

/// Who provided liquidity in a fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Liquidity {
    /// Our resting order was hit.
    Maker = 1,
    /// We took resting liquidity.
    Taker = 2,
}

/// Why a venue refused something. Codes are stable strings; a rate-limit refusal carries the
/// retry-after like an HTTP 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum VenueReject {
    /// Too many requests (HTTP 429).
    RateLimited = 1,
    /// A post-only order would have taken liquidity.
    PostOnlyWouldTake = 2,
    /// A fill-or-kill order could not be filled completely.
    FokUnfillable = 3,
    /// A reduce-only order would increase the position.
    ReduceOnlyWouldIncrease = 4,
    /// The venue does not know the order.
    UnknownOrder = 5,
    /// The venue is disconnected.
    Disconnected = 6,
    /// A rejection injected by the simulator's fault model.
    Injected = 7,
    /// A market order found no liquidity.
    NoLiquidity = 8,
    /// The order is already closed (cancel/replace too late).
    TooLate = 9,
    /// The request is invalid for the venue (e.g. replace below the filled quantity).
    Invalid = 10,
    /// Good-till-date already in the past.
    Expired = 11,
}

impl VenueReject {
    /// Stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::RateLimited => "RATE_LIMITED",
            Self::PostOnlyWouldTake => "POST_ONLY_WOULD_TAKE",
            Self::FokUnfillable => "FOK_UNFILLABLE",
            Self::ReduceOnlyWouldIncrease => "REDUCE_ONLY_WOULD_INCREASE",
            Self::UnknownOrder => "UNKNOWN_ORDER",
            Self::Disconnected => "DISCONNECTED",
            Self::Injected => "INJECTED",
            Self::NoLiquidity => "NO_LIQUIDITY",
            Self::TooLate => "TOO_LATE",
            Self::Invalid => "INVALID",
            Self::Expired => "EXPIRED",
        }
    }
}

/// What a venue reports about our orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueEvent {
    /// The order is live at the venue.
    Accepted {
        /// Order.
        order_id: OrderId,
        /// Venue time.
        ts: Timestamp,
    },
    /// The order was refused.
    Rejected {
        /// Order.
        order_id: OrderId,
        /// Why.
        reason: VenueReject,
        /// For [`VenueReject::RateLimited`]: nanoseconds to wait.
        retry_after_ns: i64,
        /// Venue time.
        ts: Timestamp,
    },
    /// A (partial) execution.
    Fill {
        /// Order.
        order_id: OrderId,
        /// Venue trade id (unique per venue; a repeated id is ignored).
        trade_id: u64,
        /// Price mantissa.
        price: i64,
        /// Quantity mantissa.
        qty: i64,
        /// Fee in quote currency (notional scale mantissa; negative = rebate).
        fee: i64,
        /// Maker or taker.
        liquidity: Liquidity,
        /// Venue time.
        ts: Timestamp,
    },
    /// The order was cancelled on request.
    Cancelled {
        /// Order.
        order_id: OrderId,
        /// Venue time.
        ts: Timestamp,
    },
    /// The order expired (IOC/FOK remainder, GTD, DAY).
    Expired {
        /// Order.
        order_id: OrderId,
        /// Venue time.
        ts: Timestamp,
    },
    /// A replace was applied.
    Replaced {
        /// Order.
        order_id: OrderId,
        /// New total quantity mantissa.
        qty: i64,
        /// New limit price mantissa.
        price: Option<i64>,
        /// Venue time.
        ts: Timestamp,
    },
    /// A cancel was refused.
    CancelRejected {
        /// Order.
        order_id: OrderId,
        /// Why.
        reason: VenueReject,
        /// Venue time.
        ts: Timestamp,
    },
    /// A replace was refused.
    ReplaceRejected {
        /// Order.
        order_id: OrderId,
        /// Why.
        reason: VenueReject,
        /// Venue time.
        ts: Timestamp,
    },
}

impl VenueEvent {
    /// The order the event is about.
    #[must_use]
    pub fn order_id(&self) -> OrderId {
        match *self {
            Self::Accepted { order_id, .. }
            | Self::Rejected { order_id, .. }
            | Self::Fill { order_id, .. }
            | Self::Cancelled { order_id, .. }
            | Self::Expired { order_id, .. }
            | Self::Replaced { order_id, .. }
            | Self::CancelRejected { order_id, .. }
            | Self::ReplaceRejected { order_id, .. } => order_id,
        }
    }

    /// Venue time of the event.
    #[must_use]
    pub fn ts(&self) -> Timestamp {
        match *self {
            Self::Accepted { ts, .. }
            | Self::Rejected { ts, .. }
            | Self::Fill { ts, .. }
            | Self::Cancelled { ts, .. }
            | Self::Expired { ts, .. }
            | Self::Replaced { ts, .. }
            | Self::CancelRejected { ts, .. }
            | Self::ReplaceRejected { ts, .. } => ts,
        }
    }
}

/// Why an order ended up where it is (the `reason` byte of an [`ExecReport`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum Reason {
    /// Nothing special.
    #[default]
    None = 0,
    /// Refused: control mode Pause (no new orders).
    ControlPause = 1,
    /// Refused: control mode Reduce and the order would not reduce.
    ControlReduce = 2,
    /// Refused or cancelled: control mode Emergency.
    ControlEmergency = 3,
    /// Refused by the pre-trade gate (see the order's rejection text).
    Gate = 4,
    /// Refused by the OMS: reduce-only order would not reduce.
    ReduceOnly = 5,
    /// Cancelled because its OCO sibling executed or triggered.
    OcoSibling = 6,
    /// Cancelled because its OTO parent ended without filling completely.
    ParentFailed = 7,
    /// Expired by its GTD/DAY time while held by the OMS.
    TimeExpired = 8,
    /// Refused by the venue (see `venue_reject`).
    Venue = 9,
    /// Cancelled on request.
    Requested = 10,
    /// Closed by reconciliation with the venue.
    Reconciled = 11,
}

/// What an [`ExecReport`] says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ReportKind {
    /// Order created and sent to the venue.
    New = 1,
    /// Order held by the OMS (stop waiting for its trigger, OTO child waiting for its parent).
    Held = 2,
    /// Held order triggered/released and sent.
    Triggered = 3,
    /// Venue accepted the order.
    Accepted = 4,
    /// Partial fill.
    PartialFill = 5,
    /// Final fill.
    Fill = 6,
    /// Cancelled.
    Cancelled = 7,
    /// Rejected (by the OMS, the gate or the venue).
    Rejected = 8,
    /// Expired.
    Expired = 9,
    /// Quantity/price replaced.
    Replaced = 10,
    /// Cancel refused by the venue.
    CancelRejected = 11,
    /// Replace refused by the venue.
    ReplaceRejected = 12,
}

/// Size of an [`ExecReport`] in bytes.
pub const REPORT_SIZE: usize = 64;

/// One execution report: a fixed 64-byte `#[repr(C)]` record so a batch crosses to
/// JavaScript as one buffer. Prices are mantissas at the instrument's price scale,
/// quantities at its quantity scale, the fee at the notional scale.
///
/// | offset | field | type |
/// |---:|---|---|
/// | 0 | `ts_ns` | i64 |
/// | 8 | `order_id` | u64 |
/// | 16 | `last_px` | i64 |
/// | 24 | `last_qty` | i64 |
/// | 32 | `cum_qty` | i64 |
/// | 40 | `avg_px` | i64 (VWAP of fills, half-even at price scale; 0 before any fill) |
/// | 48 | `fee` | i64 |
/// | 56 | `instrument` | u32 |
/// | 60 | `kind` | u8 ([`ReportKind`]) |
/// | 61 | `status` | u8 ([`crate::OrderStatus`]) |
/// | 62 | `side` | u8 ([`Side`]) |
/// | 63 | `reason` | u8 ([`Reason`]; venue rejections add 100 + [`VenueReject`]; on fills the [`Liquidity`] byte) |
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExecReport {
    /// Time of the event (venue time for venue events, OMS time otherwise).
    pub ts_ns: i64,
    /// Order id.
    pub order_id: u64,
    /// Price of this fill (0 if not a fill).
    pub last_px: i64,
    /// Quantity of this fill (0 if not a fill).
    pub last_qty: i64,
    /// Cumulative filled quantity.
    pub cum_qty: i64,
    /// Volume-weighted average fill price (half-even at price scale).
    pub avg_px: i64,
    /// Fee of this fill.
    pub fee: i64,
    /// Instrument id.
    pub instrument: u32,
    /// [`ReportKind`] byte.
    pub kind: u8,
    /// Order status after the event.
    pub status: u8,
    /// [`Side`] byte.
    pub side: u8,
    /// [`Reason`] byte, or 100 + [`VenueReject`] byte; on `PartialFill`/`Fill` reports the
    /// [`Liquidity`] byte (1 maker, 2 taker).
    pub reason: u8,
}

const _: () = assert!(std::mem::size_of::<ExecReport>() == REPORT_SIZE);

impl ExecReport {
    /// The record as 64 bytes (native little-endian layout).
    #[inline]
    #[must_use]
    pub fn to_bytes(&self) -> [u8; REPORT_SIZE] {
        // SAFETY: repr(C), 7×8 + 4 + 4×1 = 64 bytes, no padding, so every byte is initialised.
        unsafe { std::mem::transmute_copy(self) }
    }
}

/// A fill as booked by the OMS (what [`crate::PreTradeGate::on_fill`] sees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillInfo {
    /// Order.
    pub order_id: OrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Price.
    pub price: Price,
    /// Quantity.
    pub qty: Quantity,
    /// Fee.
    pub fee: Notional,
    /// Venue time.
    pub ts: Timestamp,
}
