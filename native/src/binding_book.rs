//! Bindings of `tachyon_book`: `OrderBook` and `BinanceDepthBook`.

use napi::bindgen_prelude::{External, Float64Array};
use napi_derive::napi;
use tachyon_book::{
    Applied, BinanceDepthSync, BookSide, BookStats, BookStatus, CrossState, Delta, Level,
    OrderBook, SyncOutcome, SyncState,
};
use tachyon_core::{Price, Quantity};

use crate::binding_core::BindingInstrument;
use crate::error::{invalid_arg, OrThrow, Result};
use crate::options::{
    safe_integer, BinanceDepthOptions, BookSideName, OrderBookOptions, SequenceRule,
};

/// Interleaved `[price, qty, price, qty, …]` mantissas → levels.
fn levels(a: &[f64], what: &str) -> Result<Vec<Level>> {
    if !a.len().is_multiple_of(2) {
        return Err(invalid_arg(format!(
            "{what} must hold [price, qty] mantissa pairs; got an odd length {}",
            a.len()
        )));
    }
    a.chunks_exact(2)
        .enumerate()
        .map(|(i, p)| {
            Ok(Level::new(
                safe_integer(p[0], &format!("{what}[{}] price", i))?,
                safe_integer(p[1], &format!("{what}[{}] qty", i))?,
            ))
        })
        .collect()
}

fn id_arg(x: f64, what: &str) -> Result<u64> {
    let v = safe_integer(x, what)?;
    u64::try_from(v).map_err(|_| invalid_arg(format!("{what} must not be negative, got {x}")))
}

/// One price level: decimal strings and raw mantissas.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BookLevel {
    /// Price as a decimal string at the instrument's scale.
    pub price: String,
    /// Quantity as a decimal string.
    pub qty: String,
    /// Price mantissa.
    pub price_mantissa: f64,
    /// Quantity mantissa.
    pub qty_mantissa: f64,
}

/// Counters of a book.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BookStatsJs {
    pub snapshots: f64,
    pub deltas: f64,
    pub levels: f64,
    pub stale: f64,
    /// Refusals by code (`ERR_SEQUENCE_GAP`, `ERR_OFF_TICK`, …), only non-zero ones.
    pub rejected: std::collections::HashMap<String, f64>,
    pub rejected_total: f64,
    pub crossed: f64,
    pub locked: f64,
}

impl From<&BookStats> for BookStatsJs {
    fn from(s: &BookStats) -> Self {
        let rejected = tachyon_book::BookError::CODES
            .iter()
            .zip(s.rejected.iter())
            .filter(|(_, n)| **n > 0)
            .map(|(c, n)| ((*c).to_owned(), *n as f64))
            .collect();
        Self {
            snapshots: s.snapshots as f64,
            deltas: s.deltas as f64,
            levels: s.levels as f64,
            stale: s.stale as f64,
            rejected,
            rejected_total: s.rejected_total() as f64,
            crossed: s.crossed as f64,
            locked: s.locked as f64,
        }
    }
}

fn cross_name(c: CrossState) -> &'static str {
    match c {
        CrossState::Normal => "normal",
        CrossState::Locked => "locked",
        CrossState::Crossed => "crossed",
    }
}

fn level_js(b: &OrderBook, l: Level) -> BookLevel {
    BookLevel {
        price: Price::from_mantissa(l.price, b.price_scale())
            .map(|p| p.to_string())
            .unwrap_or_default(),
        qty: Quantity::from_mantissa(l.qty, b.qty_scale())
            .map(|q| q.to_string())
            .unwrap_or_default(),
        price_mantissa: l.price as f64,
        qty_mantissa: l.qty as f64,
    }
}

fn fixed_str(m: i64, scale: u8) -> String {
    Price::from_mantissa(m, scale)
        .map(|p| p.to_string())
        .unwrap_or_default()
}

/// The read-only queries shared by `OrderBook` and `BinanceDepthBook` (one free function per
/// query and handle type; names are passed in because napi exports need distinct names).
macro_rules! book_reads {
    ($t:ty, $status:ident, $update_id:ident, $cross:ident, $best_bid:ident, $best_ask:ident,
     $spread:ident, $mid:ident, $micro:ident, $imbalance:ident, $depth:ident, $stats:ident) => {
        /// `"awaitingSnapshot"`, `"live"` or `"needsResync"`. Reads return `null` unless live.
        #[napi]
        pub fn $status(h: &External<$t>) -> &'static str {
            match h.book().status() {
                BookStatus::AwaitingSnapshot => "awaitingSnapshot",
                BookStatus::Live => "live",
                BookStatus::NeedsResync => "needsResync",
            }
        }

        /// Update id of the last snapshot or delta applied.
        #[napi]
        pub fn $update_id(h: &External<$t>) -> f64 {
            h.book().update_id() as f64
        }

        /// `"normal"`, `"locked"` (bid = ask) or `"crossed"` (bid > ask).
        #[napi]
        pub fn $cross(h: &External<$t>) -> &'static str {
            cross_name(h.book().cross_state())
        }

        /// Best bid, or `null`.
        #[napi]
        pub fn $best_bid(h: &External<$t>) -> Option<BookLevel> {
            let b = h.book();
            b.best_bid().map(|l| level_js(b, l))
        }

        /// Best ask, or `null`.
        #[napi]
        pub fn $best_ask(h: &External<$t>) -> Option<BookLevel> {
            let b = h.book();
            b.best_ask().map(|l| level_js(b, l))
        }

        /// `ask − bid` as a decimal string (negative when crossed), or `null`.
        #[napi]
        pub fn $spread(h: &External<$t>) -> Option<String> {
            let b = h.book();
            b.spread().map(|s| fixed_str(s, b.price_scale()))
        }

        /// `(bid + ask) / 2`, exact, as a decimal string with one more decimal place.
        #[napi]
        pub fn $mid(h: &External<$t>) -> Option<String> {
            let b = h.book();
            b.mid_x10().map(|m| fixed_str(m, b.price_scale() + 1))
        }

        /// Microprice `(bid·askQty + ask·bidQty) / (bidQty + askQty)` (an estimate; a number).
        #[napi]
        pub fn $micro(h: &External<$t>) -> Option<f64> {
            h.book().microprice()
        }

        /// `(bidQty − askQty) / (bidQty + askQty)` over the best `levels` levels.
        #[napi]
        pub fn $imbalance(h: &External<$t>, levels: u32) -> Option<f64> {
            h.book().imbalance(levels as usize)
        }

        /// The best `n` levels of a side as `[price, qty, …]` mantissas, best first.
        #[napi]
        pub fn $depth(h: &External<$t>, side: BookSideName, n: u32) -> Float64Array {
            let v: Vec<f64> = h
                .book()
                .depth(BookSide::from(side), n as usize)
                .iter()
                .flat_map(|l| [l.price as f64, l.qty as f64])
                .collect();
            Float64Array::new(v)
        }

        /// Counters (refusals by code, crossed/locked updates, …).
        #[napi]
        pub fn $stats(h: &External<$t>) -> BookStatsJs {
            h.book().stats().into()
        }
    };
}

/// An L2 order book on fixed-point mantissas: snapshot + sequenced deltas. A sequence gap
/// throws `ERR_SEQUENCE_GAP` and marks the book `needsResync` (reads return `null` until the
/// next snapshot); a bad level throws (`ERR_OFF_TICK`, `ERR_NEGATIVE_QUANTITY`, …) and changes
/// nothing. Every refusal is counted in `stats()`.
#[derive(Debug)]
pub struct BindingOrderBook {
    inner: OrderBook,
}

impl BindingOrderBook {
    fn book(&self) -> &OrderBook {
        &self.inner
    }
}

book_reads!(
    BindingOrderBook,
    book_status,
    book_update_id,
    book_cross_state,
    book_best_bid,
    book_best_ask,
    book_spread,
    book_mid,
    book_microprice,
    book_imbalance,
    book_depth,
    book_stats
);

/// Outcome of a batch of level updates.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct ApplyLevelsResult {
    /// Updates applied.
    pub applied: u32,
    /// Updates ignored as stale.
    pub stale: u32,
}

/// An empty book for `instrument`, awaiting a snapshot.
#[napi(catch_unwind)]
pub fn book_new(
    instrument: &BindingInstrument,
    options: Option<OrderBookOptions>,
) -> Result<External<BindingOrderBook>> {
    let rule = options
        .and_then(|o| o.sequence)
        .unwrap_or(SequenceRule::Contiguous);
    Ok(External::new(BindingOrderBook {
        inner: OrderBook::new(instrument.instrument(), rule.into()),
    }))
}

/// Replaces the book with a snapshot at `updateId`. `bids`/`asks` hold `[price, qty, …]`
/// mantissa pairs. Returns the cross state.
#[napi(catch_unwind)]
pub fn book_load_snapshot(
    h: &mut External<BindingOrderBook>,
    update_id_: f64,
    bids: Float64Array,
    asks: Float64Array,
) -> Result<&'static str> {
    let id = id_arg(update_id_, "updateId")?;
    let (b, a) = (levels(&bids, "bids")?, levels(&asks, "asks")?);
    Ok(cross_name(h.inner.load_snapshot(id, &b, &a).or_throw()?))
}

/// Applies a delta covering update ids `[first, last]` (`prev`: the previous delta's last
/// id, for `sequence: "prevLinked"`). Returns `"applied"` or `"stale"`.
#[napi(catch_unwind)]
pub fn book_apply_delta(
    h: &mut External<BindingOrderBook>,
    first: f64,
    last: f64,
    bids: Float64Array,
    asks: Float64Array,
    prev: Option<f64>,
) -> Result<&'static str> {
    let (b, a) = (levels(&bids, "bids")?, levels(&asks, "asks")?);
    let d = Delta {
        first: id_arg(first, "first")?,
        last: id_arg(last, "last")?,
        prev: prev.map(|p| id_arg(p, "prev")).transpose()?,
        bids: &b,
        asks: &a,
    };
    Ok(match h.inner.apply_delta(&d).or_throw()? {
        Applied::Applied(_) => "applied",
        Applied::Stale => "stale",
    })
}

/// Applies many single-level updates: `records` holds `[side, price, qty, seq]` quadruples
/// (side 0 = bid, 1 = ask; mantissas; each `seq` one more than the last). Stops at the
/// first refused update and throws its error (with its index); earlier ones stay applied.
#[napi(catch_unwind)]
pub fn book_apply_levels(
    h: &mut External<BindingOrderBook>,
    records: Float64Array,
) -> Result<ApplyLevelsResult> {
    let r: &[f64] = &records;
    if !r.len().is_multiple_of(4) {
        return Err(invalid_arg(format!(
            "records must hold [side, price, qty, seq] quadruples; got length {}",
            r.len()
        )));
    }
    let mut out = ApplyLevelsResult {
        applied: 0,
        stale: 0,
    };
    for (i, q) in r.chunks_exact(4).enumerate() {
        let side = match q[0] as i64 {
            0 if q[0] == 0.0 => BookSide::Bid,
            1 if q[0] == 1.0 => BookSide::Ask,
            _ => {
                return Err(invalid_arg(format!(
                    "record {i}: side must be 0 (bid) or 1 (ask), got {}",
                    q[0]
                )))
            }
        };
        let price = safe_integer(q[1], "price")?;
        let qty = safe_integer(q[2], "qty")?;
        let seq = id_arg(q[3], "seq")?;
        match h.inner.apply_level(side, price, qty, seq) {
            Ok(Applied::Applied(_)) => out.applied += 1,
            Ok(Applied::Stale) => out.stale += 1,
            Err(e) => {
                let mut err = crate::error::to_js(&e);
                err.reason = format!("record {i}: {}", err.reason);
                return Err(err);
            }
        }
    }
    Ok(out)
}

/// Keeps a book in sync with Binance's diff depth stream and REST snapshots, following
/// Binance's documented procedure (spot `U == u + 1`, futures `pu == u`). Feed every stream
/// message to `onDepthMessage`; when `needsSnapshot` is true, fetch
/// `/api/v3/depth` (or `/fapi/v1/depth`) and pass the body to `onSnapshot`.
#[derive(Debug)]
pub struct BindingBinanceDepthBook {
    inner: BinanceDepthSync,
}

impl BindingBinanceDepthBook {
    fn book(&self) -> &OrderBook {
        self.inner.book()
    }
}

book_reads!(
    BindingBinanceDepthBook,
    binance_book_status,
    binance_book_update_id,
    binance_book_cross_state,
    binance_book_best_bid,
    binance_book_best_ask,
    binance_book_spread,
    binance_book_mid,
    binance_book_microprice,
    binance_book_imbalance,
    binance_book_depth,
    binance_book_stats
);

/// A synchroniser for `options.symbol` on `instrument`'s grid.
#[napi(catch_unwind)]
pub fn binance_book_new(
    instrument: &BindingInstrument,
    options: BinanceDepthOptions,
) -> Result<External<BindingBinanceDepthBook>> {
    if options.symbol.trim().is_empty() {
        return Err(invalid_arg("symbol must not be empty"));
    }
    Ok(External::new(BindingBinanceDepthBook {
        inner: BinanceDepthSync::new(
            options.market.into(),
            options.symbol.trim(),
            instrument.instrument(),
            options.max_buffer.unwrap_or(10_000) as usize,
        ),
    }))
}

/// Feeds one diff depth stream message (raw or combined-stream JSON text). Returns
/// `"buffered"`, `"applied"` or `"stale"`; throws `ERR_SEQUENCE_GAP` (the book then needs a
/// snapshot), `ERR_MALFORMED_MESSAGE`, `ERR_UNKNOWN_SYMBOL`, `ERR_TOO_PRECISE`, … and
/// counts every refusal.
#[napi(catch_unwind)]
pub fn binance_book_on_depth_message(
    h: &mut External<BindingBinanceDepthBook>,
    text: String,
) -> Result<&'static str> {
    Ok(match h.inner.on_depth_message(&text).or_throw()? {
        SyncOutcome::Buffered => "buffered",
        SyncOutcome::Applied(_) => "applied",
        SyncOutcome::Stale => "stale",
    })
}

/// Feeds a REST depth snapshot (JSON text); returns how many buffered events were applied
/// on top. Throws `ERR_SNAPSHOT_TOO_OLD` (fetch again) or `ERR_SEQUENCE_GAP`.
#[napi(catch_unwind)]
pub fn binance_book_on_snapshot(
    h: &mut External<BindingBinanceDepthBook>,
    text: String,
) -> Result<u32> {
    match h.inner.on_snapshot(&text).or_throw()? {
        SyncOutcome::Applied(n) => Ok(n as u32),
        _ => Ok(0),
    }
}

/// `true` when a REST snapshot should be fetched (a resync request).
#[napi]
pub fn binance_book_needs_snapshot(h: &External<BindingBinanceDepthBook>) -> bool {
    h.inner.needs_snapshot()
}

/// `"buffering"` or `"live"`.
#[napi]
pub fn binance_book_sync_state(h: &External<BindingBinanceDepthBook>) -> &'static str {
    match h.inner.state() {
        SyncState::Buffering => "buffering",
        SyncState::Live => "live",
    }
}

/// Events waiting for a snapshot.
#[napi]
pub fn binance_book_buffered(h: &External<BindingBinanceDepthBook>) -> u32 {
    h.inner.buffered() as u32
}

/// Times the sync fell back to buffering after a gap.
#[napi]
pub fn binance_book_resyncs(h: &External<BindingBinanceDepthBook>) -> f64 {
    h.inner.resyncs() as f64
}
