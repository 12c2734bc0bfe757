//! Binance depth messages and the documented local-book synchronisation procedure.
//!
//! Message shapes (copied into `tests/fixtures/binance/` with their source URLs):
//! - diff depth stream event `depthUpdate` with `U` (first update id), `u` (last update id),
//!   `b`/`a` arrays of `[price, qty]` decimal strings; USDⓈ-M/COIN-M futures add `pu`
//!   (the previous event's `u`) and `T`. A combined-stream wrapper `{"stream", "data"}` is
//!   accepted too.
//! - REST depth snapshot `{"lastUpdateId", "bids", "asks"}` (futures add `E` and `T`).
//!
//! Prices and quantities are parsed exactly into mantissas at the instrument's scales:
//! trailing zeros beyond the scale are fine (`"4.00000000"` at scale 2), non-zero digits
//! beyond it are a typed error ([`BookError::Number`] with `ERR_TOO_PRECISE`).
//!
//! [`BinanceDepthSync`] implements the procedure from Binance's "How to manage a local order
//! book correctly":
//! - **Spot**: buffer events; fetch a snapshot; if its `lastUpdateId` is below the first
//!   buffered `U`, fetch again ([`BookError::SnapshotTooOld`]); drop buffered events with
//!   `u <= lastUpdateId`; the first applied event must straddle `lastUpdateId + 1`; after that
//!   each event's `U` must be the previous `u + 1`. Events with `u` at or below the book's id
//!   are ignored as stale.
//! - **Futures**: drop events with `u < lastUpdateId`; the first applied event must have
//!   `U <= lastUpdateId <= u`; after that each event's `pu` must equal the previous `u`.
//!
//! A gap at any point moves the sync back to buffering and raises
//! [`BinanceDepthSync::needs_snapshot`]: the book is never silently wrong.

use std::collections::VecDeque;

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use tachyon_core::{Instrument, Price, Quantity};

use crate::book::{Applied, BookStats, Delta, OrderBook, SeqRule};
use crate::error::BookError;
use crate::ladder::Level;

/// Which Binance market the messages come from (they chain update ids differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinanceMarket {
    /// Spot: `U == previous u + 1`.
    Spot,
    /// USDⓈ-M or COIN-M futures: `pu == previous u`.
    Futures,
}

impl BinanceMarket {
    fn rule(self) -> SeqRule {
        match self {
            Self::Spot => SeqRule::Contiguous,
            Self::Futures => SeqRule::PrevLinked,
        }
    }
}

/// A `[price, qty]` pair as borrowed strings; extra elements (old payloads carried a third,
/// ignored one) are skipped.
#[derive(Debug, Clone, Copy)]
struct PxQty<'a>(&'a str, &'a str);

impl<'de: 'a, 'a> Deserialize<'de> for PxQty<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = PxQty<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a [price, quantity] array of decimal strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let p: &'a str = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let q: &'a str = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(PxQty(p, q))
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

#[derive(Debug, Deserialize)]
struct RawDepth<'a> {
    #[serde(rename = "e", default)]
    event: Option<&'a str>,
    #[serde(rename = "E", default)]
    event_time: Option<i64>,
    #[serde(rename = "T", default)]
    tx_time: Option<i64>,
    #[serde(rename = "s", default)]
    symbol: Option<&'a str>,
    #[serde(rename = "U", default)]
    first: Option<u64>,
    #[serde(rename = "u", default)]
    last: Option<u64>,
    #[serde(rename = "pu", default)]
    prev: Option<u64>,
    #[serde(rename = "b", default, borrow)]
    bids: Option<Vec<PxQty<'a>>>,
    #[serde(rename = "a", default, borrow)]
    asks: Option<Vec<PxQty<'a>>>,
    #[serde(rename = "data", default, borrow)]
    data: Option<Box<RawDepth<'a>>>,
}

#[derive(Debug, Deserialize)]
struct RawSnapshot<'a> {
    #[serde(rename = "lastUpdateId")]
    last_update_id: u64,
    #[serde(rename = "E", default)]
    event_time: Option<i64>,
    #[serde(rename = "T", default)]
    tx_time: Option<i64>,
    #[serde(borrow)]
    bids: Vec<PxQty<'a>>,
    #[serde(borrow)]
    asks: Vec<PxQty<'a>>,
}

/// A parsed `depthUpdate` event, prices and quantities as mantissas.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DepthUpdate {
    /// Event time (ms since the epoch).
    pub event_time_ms: i64,
    /// Transaction time (futures only).
    pub tx_time_ms: Option<i64>,
    /// Symbol as sent (upper case).
    pub symbol: String,
    /// `U`: first update id in the event.
    pub first: u64,
    /// `u`: last update id in the event.
    pub last: u64,
    /// `pu`: last update id of the previous event (futures only).
    pub prev: Option<u64>,
    /// Bid levels.
    pub bids: Vec<Level>,
    /// Ask levels.
    pub asks: Vec<Level>,
}

impl DepthUpdate {
    /// As a book delta.
    #[must_use]
    pub fn as_delta(&self) -> Delta<'_> {
        Delta {
            first: self.first,
            last: self.last,
            prev: self.prev,
            bids: &self.bids,
            asks: &self.asks,
        }
    }
}

/// A parsed REST depth snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DepthSnapshot {
    /// `lastUpdateId`.
    pub last_update_id: u64,
    /// Message output time (futures only).
    pub event_time_ms: Option<i64>,
    /// Transaction time (futures only).
    pub tx_time_ms: Option<i64>,
    /// Bid levels, best first as sent.
    pub bids: Vec<Level>,
    /// Ask levels, best first as sent.
    pub asks: Vec<Level>,
}

/// Parses decimal strings at fixed scales.
#[derive(Debug, Clone, Copy)]
pub struct Scales {
    /// Price decimal places.
    pub price: u8,
    /// Quantity decimal places.
    pub qty: u8,
}

impl Scales {
    /// The scales of an instrument.
    #[must_use]
    pub fn of(i: &Instrument) -> Self {
        Self {
            price: i.price_scale(),
            qty: i.qty_scale(),
        }
    }

    fn levels(self, raw: &[PxQty<'_>], out: &mut Vec<Level>) -> Result<(), BookError> {
        out.reserve(raw.len());
        for PxQty(p, q) in raw {
            let price = Price::parse(p, self.price)
                .map_err(|source| BookError::Number {
                    field: "price",
                    source,
                })?
                .mantissa();
            let qty = Quantity::parse(q, self.qty)
                .map_err(|source| BookError::Number {
                    field: "quantity",
                    source,
                })?
                .mantissa();
            out.push(Level { price, qty });
        }
        Ok(())
    }
}

fn malformed(e: &serde_json::Error) -> BookError {
    BookError::Malformed(e.to_string())
}

/// Parses a diff depth event (raw or wrapped in a combined-stream envelope).
///
/// # Errors
/// [`BookError::Malformed`] for bad JSON, a missing field or another event type;
/// [`BookError::Number`] for a price/quantity that is not a decimal at the given scales.
pub fn parse_depth_update(text: &str, scales: Scales) -> Result<DepthUpdate, BookError> {
    parse_depth_update_for(text, scales, None)
}

/// As [`parse_depth_update`], refusing a message for another symbol than `expect` (compared
/// case-insensitively) before its numbers are parsed.
fn parse_depth_update_for(
    text: &str,
    scales: Scales,
    expect: Option<&str>,
) -> Result<DepthUpdate, BookError> {
    let mut raw: RawDepth<'_> = serde_json::from_str(text).map_err(|e| malformed(&e))?;
    if let Some(inner) = raw.data.take() {
        raw = *inner;
    }
    match raw.event {
        Some("depthUpdate") => {}
        Some(other) => {
            return Err(BookError::Malformed(format!(
                "expected a depthUpdate event, got {other:?}"
            )))
        }
        None => return Err(BookError::Malformed("missing field `e`".into())),
    }
    let need = |v: Option<u64>, name: &str| {
        v.ok_or_else(|| BookError::Malformed(format!("missing field `{name}`")))
    };
    let first = need(raw.first, "U")?;
    let last = need(raw.last, "u")?;
    if first > last {
        return Err(BookError::Malformed(format!(
            "first update id U={first} is after last update id u={last}"
        )));
    }
    let symbol = raw
        .symbol
        .ok_or_else(|| BookError::Malformed("missing field `s`".into()))?;
    if let Some(e) = expect {
        if !symbol.eq_ignore_ascii_case(e) {
            return Err(BookError::UnknownSymbol {
                got: symbol.to_owned(),
                expected: e.to_owned(),
            });
        }
    }
    let mut out = DepthUpdate {
        event_time_ms: raw.event_time.unwrap_or(0),
        tx_time_ms: raw.tx_time,
        symbol: symbol.to_owned(),
        first,
        last,
        prev: raw.prev,
        bids: Vec::new(),
        asks: Vec::new(),
    };
    scales.levels(raw.bids.as_deref().unwrap_or(&[]), &mut out.bids)?;
    scales.levels(raw.asks.as_deref().unwrap_or(&[]), &mut out.asks)?;
    Ok(out)
}

/// Parses a REST depth snapshot (spot `/api/v3/depth` or futures `/fapi/v1/depth`).
///
/// # Errors
/// As [`parse_depth_update`].
pub fn parse_depth_snapshot(text: &str, scales: Scales) -> Result<DepthSnapshot, BookError> {
    let raw: RawSnapshot<'_> = serde_json::from_str(text).map_err(|e| malformed(&e))?;
    let mut out = DepthSnapshot {
        last_update_id: raw.last_update_id,
        event_time_ms: raw.event_time,
        tx_time_ms: raw.tx_time,
        bids: Vec::new(),
        asks: Vec::new(),
    };
    scales.levels(&raw.bids, &mut out.bids)?;
    scales.levels(&raw.asks, &mut out.asks)?;
    Ok(out)
}

/// Where the synchroniser is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    /// Buffering events; a snapshot is needed.
    Buffering,
    /// The book is live and events apply directly.
    Live,
}

/// What a message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncOutcome {
    /// Event buffered until a snapshot arrives.
    Buffered,
    /// Event applied (or, for a snapshot, snapshot loaded and `n` buffered events applied).
    Applied(usize),
    /// Event older than the book; ignored.
    Stale,
}

/// Keeps an [`OrderBook`] in sync with Binance's diff depth stream and REST snapshots.
#[derive(Debug)]
pub struct BinanceDepthSync {
    market: BinanceMarket,
    symbol: String,
    scales: Scales,
    book: OrderBook,
    buffer: VecDeque<DepthUpdate>,
    max_buffer: usize,
    state: SyncState,
    resyncs: u64,
}

impl BinanceDepthSync {
    /// A synchroniser for `symbol` (Binance spelling, e.g. `BNBBTC`; compared
    /// case-insensitively) on `instrument`'s grid, buffering at most `max_buffer` events while
    /// waiting for a snapshot.
    #[must_use]
    pub fn new(
        market: BinanceMarket,
        symbol: &str,
        instrument: &Instrument,
        max_buffer: usize,
    ) -> Self {
        Self {
            market,
            symbol: symbol.to_ascii_uppercase(),
            scales: Scales::of(instrument),
            book: OrderBook::new(instrument, market.rule()),
            buffer: VecDeque::new(),
            max_buffer: max_buffer.max(1),
            state: SyncState::Buffering,
            resyncs: 0,
        }
    }

    /// The book (check [`OrderBook::is_live`] before trusting it; reads return `None`
    /// otherwise).
    #[must_use]
    pub fn book(&self) -> &OrderBook {
        &self.book
    }

    /// Current state.
    #[must_use]
    pub fn state(&self) -> SyncState {
        self.state
    }

    /// `true` when a REST snapshot should be fetched and passed to
    /// [`BinanceDepthSync::on_snapshot`] (a resync request).
    #[must_use]
    pub fn needs_snapshot(&self) -> bool {
        self.state == SyncState::Buffering
    }

    /// Events waiting for a snapshot.
    #[must_use]
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Times the sync fell back to buffering after a gap.
    #[must_use]
    pub fn resyncs(&self) -> u64 {
        self.resyncs
    }

    /// The book's counters (parse failures are counted there too).
    #[must_use]
    pub fn stats(&self) -> &BookStats {
        self.book.stats()
    }

    fn fail<T>(&mut self, e: BookError) -> Result<T, BookError> {
        self.book.count_rejection(&e);
        Err(e)
    }

    fn push_buffer(&mut self, u: DepthUpdate) -> Result<SyncOutcome, BookError> {
        if self.buffer.len() >= self.max_buffer {
            self.buffer.pop_front();
            self.buffer.push_back(u);
            return self.fail(BookError::BufferFull(self.max_buffer));
        }
        self.buffer.push_back(u);
        Ok(SyncOutcome::Buffered)
    }

    fn back_to_buffering(&mut self) {
        self.state = SyncState::Buffering;
        self.buffer.clear();
        self.book.invalidate();
        self.resyncs += 1;
    }

    /// Feeds one diff depth stream message (text as received).
    ///
    /// # Errors
    /// Parse errors ([`BookError::Malformed`], [`BookError::Number`]),
    /// [`BookError::UnknownSymbol`], a level error, [`BookError::SequenceGap`] (the sync then
    /// buffers again and [`BinanceDepthSync::needs_snapshot`] is true), or
    /// [`BookError::BufferFull`]. The book is unchanged by a refused message.
    pub fn on_depth_message(&mut self, text: &str) -> Result<SyncOutcome, BookError> {
        let u = match parse_depth_update_for(text, self.scales, Some(&self.symbol)) {
            Ok(u) => u,
            Err(e) => return self.fail(e),
        };
        self.on_depth_update(u)
    }

    /// Feeds one already-parsed event.
    ///
    /// # Errors
    /// As [`BinanceDepthSync::on_depth_message`] minus the parse errors.
    pub fn on_depth_update(&mut self, u: DepthUpdate) -> Result<SyncOutcome, BookError> {
        if !u.symbol.eq_ignore_ascii_case(&self.symbol) {
            let e = BookError::UnknownSymbol {
                got: u.symbol,
                expected: self.symbol.clone(),
            };
            return self.fail(e);
        }
        if self.market == BinanceMarket::Futures && u.prev.is_none() {
            return self.fail(BookError::Malformed(
                "futures depth events need `pu`".into(),
            ));
        }
        match self.state {
            SyncState::Buffering => self.push_buffer(u),
            SyncState::Live => match self.book.apply_delta(&u.as_delta()) {
                Ok(Applied::Applied(_)) => Ok(SyncOutcome::Applied(1)),
                Ok(Applied::Stale) => Ok(SyncOutcome::Stale),
                Err(e @ BookError::SequenceGap { .. }) => {
                    self.back_to_buffering();
                    // This event is the first of the new buffer.
                    self.buffer.push_back(u);
                    Err(e)
                }
                Err(e) => Err(e),
            },
        }
    }

    /// Feeds a REST depth snapshot (text as received) and applies the buffered events.
    ///
    /// # Errors
    /// Parse or level errors; [`BookError::SnapshotTooOld`] (spot: fetch another snapshot;
    /// nothing changed); [`BookError::SequenceGap`] when the buffered events do not connect to
    /// the snapshot (the buffer is cleared; keep streaming and fetch a new snapshot).
    pub fn on_snapshot(&mut self, text: &str) -> Result<SyncOutcome, BookError> {
        let s = match parse_depth_snapshot(text, self.scales) {
            Ok(s) => s,
            Err(e) => return self.fail(e),
        };
        self.on_depth_snapshot(&s)
    }

    /// Feeds an already-parsed snapshot.
    ///
    /// # Errors
    /// As [`BinanceDepthSync::on_snapshot`] minus the parse errors.
    pub fn on_depth_snapshot(&mut self, s: &DepthSnapshot) -> Result<SyncOutcome, BookError> {
        let id = s.last_update_id;
        if self.market == BinanceMarket::Spot {
            if let Some(first) = self.buffer.front() {
                if id < first.first {
                    let e = BookError::SnapshotTooOld {
                        snapshot: id,
                        first: first.first,
                    };
                    return self.fail(e);
                }
            }
        }
        // Validate the snapshot before dropping anything.
        let mut trial = self.book.clone();
        if let Err(e) = trial.load_snapshot(id, &s.bids, &s.asks) {
            return self.fail(e);
        }
        // Drop what the snapshot already contains.
        match self.market {
            BinanceMarket::Spot => self.buffer.retain(|u| u.last > id),
            BinanceMarket::Futures => self.buffer.retain(|u| u.last >= id),
        }
        let mut applied = 0;
        for u in &self.buffer {
            match trial.apply_delta(&u.as_delta()) {
                Ok(Applied::Applied(_)) => applied += 1,
                Ok(Applied::Stale) => {}
                Err(e) => {
                    // Either the first event does not straddle the snapshot or the buffer
                    // has a hole: the buffer is useless, wait for fresh events.
                    self.buffer.clear();
                    self.book.count_rejection(&e);
                    self.book.invalidate();
                    return Err(e);
                }
            }
        }
        self.buffer.clear();
        self.book = trial;
        self.state = SyncState::Live;
        Ok(SyncOutcome::Applied(applied))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scales() -> Scales {
        Scales { price: 4, qty: 0 }
    }

    #[test]
    fn parses_wrapped_and_raw_events_and_old_three_element_levels() {
        let raw = r#"{"e":"depthUpdate","E":1,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}"#;
        let u = parse_depth_update(raw, scales()).unwrap();
        assert_eq!((u.first, u.last, u.prev), (157, 160, None));
        assert_eq!(u.bids, vec![Level::new(24, 10)]);
        let wrapped = format!(r#"{{"stream":"bnbbtc@depth","data":{raw}}}"#);
        assert_eq!(parse_depth_update(&wrapped, scales()).unwrap(), u);
        let old = r#"{"e":"depthUpdate","E":1,"s":"ZRXETH","U":412371,"u":412373,"b":[["0.00053691","1634.00000000",[]]],"a":[]}"#;
        let u = parse_depth_update(old, Scales { price: 8, qty: 0 }).unwrap();
        assert_eq!(u.bids, vec![Level::new(53_691, 1634)]);
    }

    #[test]
    fn typed_parse_errors() {
        let code = |t: &str| parse_depth_update(t, scales()).unwrap_err().code();
        assert_eq!(code("not json"), "ERR_MALFORMED_MESSAGE");
        assert_eq!(
            code(r#"{"e":"trade","s":"X","U":1,"u":1}"#),
            "ERR_MALFORMED_MESSAGE"
        );
        assert_eq!(
            code(r#"{"e":"depthUpdate","s":"X","u":1}"#),
            "ERR_MALFORMED_MESSAGE"
        );
        assert_eq!(
            code(r#"{"e":"depthUpdate","s":"X","U":2,"u":1}"#),
            "ERR_MALFORMED_MESSAGE"
        );
        assert_eq!(
            code(r#"{"e":"depthUpdate","s":"X","U":1,"u":1,"b":[["0.00241","1"]]}"#),
            "ERR_TOO_PRECISE"
        );
        assert_eq!(
            code(r#"{"e":"depthUpdate","s":"X","U":1,"u":1,"b":[["abc","1"]]}"#),
            "ERR_PARSE"
        );
        assert_eq!(
            code(r#"{"e":"depthUpdate","s":"X","U":1,"u":1,"b":[[1.5,"1"]]}"#),
            "ERR_MALFORMED_MESSAGE"
        );
        assert_eq!(
            code(r#"{"e":"depthUpdate","s":"X","U":1,"u":1,"b":[["1"]]}"#),
            "ERR_MALFORMED_MESSAGE"
        );
    }
}
