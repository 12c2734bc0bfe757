//! The L2 order book: a snapshot plus sequenced deltas, with validation and analytics.

use tachyon_core::{Instrument, Price, Quantity};

use crate::error::BookError;
use crate::ladder::{BookSide, Ladder, Level, LevelChange, DEFAULT_WINDOW};

/// How update ids chain from one delta to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeqRule {
    /// Each delta covers update ids `[first, last]`; the next must start at `last + 1`.
    /// A delta with `last <= book id` is stale and ignored; one with `first > book id + 1` is a
    /// gap. (Binance spot `U`/`u`; also a plain per-event sequence with `first == last`.)
    #[default]
    Contiguous,
    /// Each delta names the previous delta's last id (`prev`, Binance futures `pu`). The first
    /// delta after a snapshot must straddle it (`first <= id <= last`); after that `prev` must
    /// equal the book id. A delta with `last < id` (first) or `last <= id` (later) is stale.
    PrevLinked,
}

/// Whether the book is usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookStatus {
    /// No snapshot yet.
    AwaitingSnapshot,
    /// Synchronised: every update so far chained correctly.
    Live,
    /// A gap was seen; the levels are stale until the next snapshot.
    NeedsResync,
}

/// Crossed/locked state of the top of book after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossState {
    /// Best bid below best ask (or a side is empty).
    Normal,
    /// Best bid equals best ask.
    Locked,
    /// Best bid above best ask.
    Crossed,
}

/// What an accepted update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The update was applied; the top of book is in this state.
    Applied(CrossState),
    /// The update was older than the book and was ignored (normal while syncing).
    Stale,
}

/// Counters of everything the book has seen. Rejections are indexed like
/// [`BookError::CODES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BookStats {
    /// Snapshots loaded.
    pub snapshots: u64,
    /// Deltas applied.
    pub deltas: u64,
    /// Level changes applied (a delta may carry many).
    pub levels: u64,
    /// Stale deltas ignored.
    pub stale: u64,
    /// Refusals by reason ([`BookError::index`]).
    pub rejected: [u64; 12],
    /// Updates after which the book was crossed.
    pub crossed: u64,
    /// Updates after which the book was locked.
    pub locked: u64,
}

impl BookStats {
    /// Total refusals.
    #[must_use]
    pub fn rejected_total(&self) -> u64 {
        self.rejected.iter().sum()
    }
}

/// A delta: absolute quantities for some levels, covering update ids `[first, last]`.
#[derive(Debug, Clone, Copy)]
pub struct Delta<'a> {
    /// First update id covered.
    pub first: u64,
    /// Last update id covered.
    pub last: u64,
    /// Last id of the previous delta ([`SeqRule::PrevLinked`] only).
    pub prev: Option<u64>,
    /// Bid levels (quantity 0 removes).
    pub bids: &'a [Level],
    /// Ask levels (quantity 0 removes).
    pub asks: &'a [Level],
}

/// An L2 order book for one instrument, on integer mantissas at the instrument's scales.
///
/// Updates are validated as a whole before anything changes: a refused update leaves the
/// book exactly as it was, returns a typed [`BookError`] and is counted. A sequence gap
/// moves the book to [`BookStatus::NeedsResync`]; until the next snapshot every read
/// (`best_bid`, `spread`, …) returns `None`, so a stale book is never read as a live one.
#[derive(Debug, Clone)]
pub struct OrderBook {
    tick: i64,
    lot: i64,
    price_scale: u8,
    qty_scale: u8,
    rule: SeqRule,
    bids: Ladder,
    asks: Ladder,
    id: u64,
    first_after_snapshot: bool,
    status: BookStatus,
    stats: BookStats,
}

impl OrderBook {
    /// An empty book for `instrument`, awaiting its first snapshot.
    #[must_use]
    pub fn new(instrument: &Instrument, rule: SeqRule) -> Self {
        Self::with_grid(
            instrument.tick().mantissa(),
            instrument.lot().mantissa(),
            instrument.price_scale(),
            instrument.qty_scale(),
            rule,
        )
    }

    /// An empty book from raw grid mantissas (tick and lot must be positive).
    #[must_use]
    pub fn with_grid(tick: i64, lot: i64, price_scale: u8, qty_scale: u8, rule: SeqRule) -> Self {
        Self {
            tick: tick.max(1),
            lot: lot.max(1),
            price_scale,
            qty_scale,
            rule,
            bids: Ladder::new(BookSide::Bid, tick.max(1), DEFAULT_WINDOW),
            asks: Ladder::new(BookSide::Ask, tick.max(1), DEFAULT_WINDOW),
            id: 0,
            first_after_snapshot: false,
            status: BookStatus::AwaitingSnapshot,
            stats: BookStats::default(),
        }
    }

    /// Price decimal places.
    #[must_use]
    pub fn price_scale(&self) -> u8 {
        self.price_scale
    }

    /// Quantity decimal places.
    #[must_use]
    pub fn qty_scale(&self) -> u8 {
        self.qty_scale
    }

    /// Tick mantissa.
    #[must_use]
    pub fn tick(&self) -> i64 {
        self.tick
    }

    /// The sequencing rule.
    #[must_use]
    pub fn rule(&self) -> SeqRule {
        self.rule
    }

    /// Current status.
    #[must_use]
    pub fn status(&self) -> BookStatus {
        self.status
    }

    /// `true` when the book is [`BookStatus::Live`].
    #[inline]
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.status == BookStatus::Live
    }

    /// Update id of the last applied snapshot or delta.
    #[must_use]
    pub fn update_id(&self) -> u64 {
        self.id
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> &BookStats {
        &self.stats
    }

    /// Marks the book as needing a snapshot (e.g. after a disconnect).
    pub fn invalidate(&mut self) {
        if self.status == BookStatus::Live {
            self.status = BookStatus::NeedsResync;
        }
    }

    #[inline]
    fn reject<T>(&mut self, e: BookError) -> Result<T, BookError> {
        self.stats.rejected[e.index()] += 1;
        Err(e)
    }

    /// Counts a refusal that happened outside the book (e.g. a parse error in a feed
    /// adapter) under the book's counters.
    pub fn count_rejection(&mut self, e: &BookError) {
        self.stats.rejected[e.index()] += 1;
    }

    #[inline]
    fn check_level(&self, l: &Level, allow_zero: bool) -> Result<(), BookError> {
        if l.price <= 0 {
            return Err(BookError::NonPositivePrice(l.price));
        }
        if self.tick != 1 && l.price % self.tick != 0 {
            return Err(BookError::OffTick {
                price: l.price,
                tick: self.tick,
            });
        }
        if l.qty < 0 || (l.qty == 0 && !allow_zero) {
            return Err(BookError::NegativeQuantity(l.qty));
        }
        if self.lot != 1 && l.qty % self.lot != 0 {
            return Err(BookError::OffLot {
                qty: l.qty,
                lot: self.lot,
            });
        }
        Ok(())
    }

    /// Replaces the book with a snapshot at update id `id`. Zero-quantity levels are skipped.
    ///
    /// # Errors
    /// A level error ([`BookError::NonPositivePrice`], [`BookError::OffTick`],
    /// [`BookError::NegativeQuantity`], [`BookError::OffLot`]) or
    /// [`BookError::DuplicateLevel`]; the book is unchanged.
    pub fn load_snapshot(
        &mut self,
        id: u64,
        bids: &[Level],
        asks: &[Level],
    ) -> Result<CrossState, BookError> {
        for l in bids.iter().chain(asks) {
            if let Err(e) = self.check_level(l, true) {
                return self.reject(e);
            }
        }
        for side in [bids, asks] {
            let mut px: Vec<i64> = side
                .iter()
                .filter(|l| l.qty != 0)
                .map(|l| l.price)
                .collect();
            px.sort_unstable();
            if let Some(w) = px.windows(2).find(|w| w[0] == w[1]) {
                let dup = w[0];
                return self.reject(BookError::DuplicateLevel(dup));
            }
        }
        self.bids.load(bids);
        self.asks.load(asks);
        self.id = id;
        self.first_after_snapshot = true;
        self.status = BookStatus::Live;
        self.stats.snapshots += 1;
        Ok(self.note_cross())
    }

    fn note_cross(&mut self) -> CrossState {
        let c = self.cross_state();
        match c {
            CrossState::Normal => {}
            CrossState::Locked => self.stats.locked += 1,
            CrossState::Crossed => self.stats.crossed += 1,
        }
        c
    }

    /// Crossed/locked state of the current levels (whatever the status).
    #[inline]
    #[must_use]
    pub fn cross_state(&self) -> CrossState {
        match (self.bids.best(), self.asks.best()) {
            (Some(b), Some(a)) if b.price > a.price => CrossState::Crossed,
            (Some(b), Some(a)) if b.price == a.price => CrossState::Locked,
            _ => CrossState::Normal,
        }
    }

    /// Decides whether a delta covering `[first, last]` (with `prev`) applies.
    #[inline]
    fn sequence(&self, first: u64, last: u64, prev: Option<u64>) -> Result<bool, BookError> {
        match self.status {
            BookStatus::Live => {}
            _ => return Err(BookError::NotSynced),
        }
        let id = self.id;
        match self.rule {
            SeqRule::Contiguous => {
                if last <= id {
                    Ok(false)
                } else if first > id.saturating_add(1) {
                    Err(BookError::SequenceGap {
                        expected: id + 1,
                        got: first,
                    })
                } else {
                    Ok(true)
                }
            }
            SeqRule::PrevLinked => {
                if self.first_after_snapshot {
                    if last < id {
                        Ok(false)
                    } else if first > id {
                        Err(BookError::SequenceGap {
                            expected: id,
                            got: first,
                        })
                    } else {
                        Ok(true)
                    }
                } else if last <= id {
                    Ok(false)
                } else {
                    match prev {
                        Some(p) if p == id => Ok(true),
                        Some(p) => Err(BookError::SequenceGap {
                            expected: id,
                            got: p,
                        }),
                        None => Err(BookError::Malformed(
                            "a prev-linked book needs the previous update id (pu)".into(),
                        )),
                    }
                }
            }
        }
    }

    fn on_sequence_error<T>(&mut self, e: BookError) -> Result<T, BookError> {
        if matches!(e, BookError::SequenceGap { .. }) {
            self.status = BookStatus::NeedsResync;
        }
        self.reject(e)
    }

    /// Applies a delta.
    ///
    /// # Errors
    /// [`BookError::NotSynced`], [`BookError::SequenceGap`] (the book then needs a snapshot),
    /// or a level error; the levels are unchanged in every case.
    pub fn apply_delta(&mut self, d: &Delta<'_>) -> Result<Applied, BookError> {
        match self.sequence(d.first, d.last, d.prev) {
            Ok(true) => {}
            Ok(false) => {
                self.stats.stale += 1;
                return Ok(Applied::Stale);
            }
            Err(e) => return self.on_sequence_error(e),
        }
        for l in d.bids.iter().chain(d.asks) {
            if let Err(e) = self.check_level(l, true) {
                return self.reject(e);
            }
        }
        for l in d.bids {
            self.bids.set(l.price, l.qty);
        }
        for l in d.asks {
            self.asks.set(l.price, l.qty);
        }
        self.id = d.last;
        self.first_after_snapshot = false;
        self.stats.deltas += 1;
        self.stats.levels += (d.bids.len() + d.asks.len()) as u64;
        Ok(Applied::Applied(self.note_cross()))
    }

    /// Applies one level change carrying its own sequence number (`first == last == seq`):
    /// the hot path for per-level feeds such as [`tachyon_core::MarketEvent`] streams.
    ///
    /// # Errors
    /// As [`OrderBook::apply_delta`].
    #[inline]
    pub fn apply_level(
        &mut self,
        side: BookSide,
        price: i64,
        qty: i64,
        seq: u64,
    ) -> Result<Applied, BookError> {
        match self.sequence(seq, seq, Some(seq.wrapping_sub(1))) {
            Ok(true) => {}
            Ok(false) => {
                self.stats.stale += 1;
                return Ok(Applied::Stale);
            }
            Err(e) => return self.on_sequence_error(e),
        }
        let l = Level { price, qty };
        if let Err(e) = self.check_level(&l, true) {
            return self.reject(e);
        }
        let change = match side {
            BookSide::Bid => self.bids.set(price, qty),
            BookSide::Ask => self.asks.set(price, qty),
        };
        let _ = change;
        self.id = seq;
        self.first_after_snapshot = false;
        self.stats.deltas += 1;
        self.stats.levels += 1;
        Ok(Applied::Applied(self.note_cross()))
    }

    /// Sets a level without sequencing (for a simulator that owns the book). Validated.
    ///
    /// # Errors
    /// A level error; the book is unchanged.
    pub fn set_level(
        &mut self,
        side: BookSide,
        price: i64,
        qty: i64,
    ) -> Result<LevelChange, BookError> {
        let l = Level { price, qty };
        if let Err(e) = self.check_level(&l, true) {
            return self.reject(e);
        }
        Ok(match side {
            BookSide::Bid => self.bids.set(price, qty),
            BookSide::Ask => self.asks.set(price, qty),
        })
    }

    /// Removes up to `qty` at `price` on `side` (liquidity taken by a simulated fill).
    /// Returns what was removed.
    pub fn consume(&mut self, side: BookSide, price: i64, qty: i64) -> i64 {
        match side {
            BookSide::Bid => self.bids.consume(price, qty),
            BookSide::Ask => self.asks.consume(price, qty),
        }
    }

    /// One side's ladder (whatever the status; prefer the checked reads below).
    #[must_use]
    pub fn ladder(&self, side: BookSide) -> &Ladder {
        match side {
            BookSide::Bid => &self.bids,
            BookSide::Ask => &self.asks,
        }
    }

    /// Best bid level, if live.
    #[inline]
    #[must_use]
    pub fn best_bid(&self) -> Option<Level> {
        if self.is_live() {
            self.bids.best()
        } else {
            None
        }
    }

    /// Best ask level, if live.
    #[inline]
    #[must_use]
    pub fn best_ask(&self) -> Option<Level> {
        if self.is_live() {
            self.asks.best()
        } else {
            None
        }
    }

    /// Best bid as fixed-point values.
    #[must_use]
    pub fn best_bid_fixed(&self) -> Option<(Price, Quantity)> {
        self.best_bid().map(|l| self.fixed(l))
    }

    /// Best ask as fixed-point values.
    #[must_use]
    pub fn best_ask_fixed(&self) -> Option<(Price, Quantity)> {
        self.best_ask().map(|l| self.fixed(l))
    }

    fn fixed(&self, l: Level) -> (Price, Quantity) {
        // Scales were validated by the instrument (<= 9), so these cannot fail.
        (
            Price::from_mantissa(l.price, self.price_scale).unwrap_or(Price::zero(0)),
            Quantity::from_mantissa(l.qty, self.qty_scale).unwrap_or(Quantity::zero(0)),
        )
    }

    /// `ask - bid` as a price mantissa (negative when crossed), if both sides exist.
    #[must_use]
    pub fn spread(&self) -> Option<i64> {
        Some(self.best_ask()?.price - self.best_bid()?.price)
    }

    /// Mid price `(bid + ask) / 2` as a mantissa at price scale + 1 (exact: one extra digit
    /// holds the half tick).
    #[must_use]
    pub fn mid_x10(&self) -> Option<i64> {
        let (b, a) = (self.best_bid()?.price, self.best_ask()?.price);
        Some((b + a) * 5)
    }

    /// Microprice `(bid·askQty + ask·bidQty) / (bidQty + askQty)` in price units (an estimate
    /// for analytics, hence `f64`).
    #[must_use]
    pub fn microprice(&self) -> Option<f64> {
        let (b, a) = (self.best_bid()?, self.best_ask()?);
        let (bq, aq) = (b.qty as f64, a.qty as f64);
        let scale = 10f64.powi(i32::from(self.price_scale));
        Some((b.price as f64 * aq + a.price as f64 * bq) / (bq + aq) / scale)
    }

    /// Order-book imbalance over the best `levels` levels: `(bidQty - askQty) / (bidQty +
    /// askQty)` in [-1, 1]; `None` if not live or both sides are empty.
    #[must_use]
    pub fn imbalance(&self, levels: usize) -> Option<f64> {
        if !self.is_live() {
            return None;
        }
        let b = self.bids.depth_qty(levels) as f64;
        let a = self.asks.depth_qty(levels) as f64;
        if b + a == 0.0 {
            None
        } else {
            Some((b - a) / (b + a))
        }
    }

    /// The best `n` levels of a side, best first (empty if not live).
    #[must_use]
    pub fn depth(&self, side: BookSide, n: usize) -> Vec<Level> {
        if !self.is_live() {
            return Vec::new();
        }
        self.ladder(side).iter().take(n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(rule: SeqRule) -> OrderBook {
        OrderBook::with_grid(1, 1, 2, 3, rule)
    }

    fn lv(p: i64, q: i64) -> Level {
        Level::new(p, q)
    }

    #[test]
    fn contiguous_sequence_rules() {
        let mut b = book(SeqRule::Contiguous);
        assert_eq!(
            b.apply_level(BookSide::Bid, 100, 1, 1),
            Err(BookError::NotSynced)
        );
        b.load_snapshot(10, &[lv(100, 5)], &[lv(101, 5)]).unwrap();
        // stale
        assert_eq!(
            b.apply_delta(&Delta {
                first: 5,
                last: 10,
                prev: None,
                bids: &[lv(100, 1)],
                asks: &[]
            }),
            Ok(Applied::Stale)
        );
        assert_eq!(b.best_bid(), Some(lv(100, 5)));
        // straddling
        b.apply_delta(&Delta {
            first: 9,
            last: 12,
            prev: None,
            bids: &[lv(100, 2)],
            asks: &[],
        })
        .unwrap();
        assert_eq!(b.update_id(), 12);
        // gap
        let err = b
            .apply_delta(&Delta {
                first: 14,
                last: 15,
                prev: None,
                bids: &[lv(100, 3)],
                asks: &[],
            })
            .unwrap_err();
        assert_eq!(
            err,
            BookError::SequenceGap {
                expected: 13,
                got: 14
            }
        );
        assert_eq!(b.status(), BookStatus::NeedsResync);
        assert_eq!(b.best_bid(), None);
        assert_eq!(b.ladder(BookSide::Bid).best(), Some(lv(100, 2)));
        assert_eq!(b.stats().rejected[1], 1);
    }

    #[test]
    fn prev_linked_rules() {
        let mut b = book(SeqRule::PrevLinked);
        b.load_snapshot(100, &[lv(10, 1)], &[lv(12, 1)]).unwrap();
        let d = |first, last, prev| Delta {
            first,
            last,
            prev: Some(prev),
            bids: &[],
            asks: &[],
        };
        assert_eq!(b.apply_delta(&d(90, 99, 89)), Ok(Applied::Stale));
        assert!(matches!(
            b.apply_delta(&d(101, 105, 100)),
            Err(BookError::SequenceGap { .. })
        ));
        b.load_snapshot(100, &[lv(10, 1)], &[lv(12, 1)]).unwrap();
        assert!(matches!(
            b.apply_delta(&d(95, 100, 94)),
            Ok(Applied::Applied(_))
        ));
        assert!(matches!(
            b.apply_delta(&d(101, 104, 100)),
            Ok(Applied::Applied(_))
        ));
        assert!(matches!(
            b.apply_delta(&d(106, 107, 105)),
            Err(BookError::SequenceGap {
                expected: 104,
                got: 105
            })
        ));
    }

    #[test]
    fn bad_levels_leave_the_book_unchanged() {
        let mut b = OrderBook::with_grid(5, 10, 2, 3, SeqRule::Contiguous);
        b.load_snapshot(1, &[lv(100, 10)], &[lv(105, 20)]).unwrap();
        let before = (b.best_bid(), b.best_ask(), b.update_id());
        for (bids, code) in [
            (vec![lv(95, 10), lv(0, 10)], "ERR_NON_POSITIVE_PRICE"),
            (vec![lv(95, 10), lv(96, 10)], "ERR_OFF_TICK"),
            (vec![lv(95, -10)], "ERR_NEGATIVE_QUANTITY"),
            (vec![lv(95, 15)], "ERR_OFF_LOT"),
        ] {
            let e = b
                .apply_delta(&Delta {
                    first: 2,
                    last: 2,
                    prev: None,
                    bids: &bids,
                    asks: &[],
                })
                .unwrap_err();
            assert_eq!(e.code(), code);
            assert_eq!((b.best_bid(), b.best_ask(), b.update_id()), before);
        }
        assert_eq!(b.stats().rejected_total(), 4);
        assert_eq!(
            b.load_snapshot(3, &[lv(100, 10), lv(100, 20)], &[])
                .unwrap_err()
                .code(),
            "ERR_DUPLICATE_LEVEL"
        );
        assert_eq!(b.update_id(), 1);
    }

    #[test]
    fn analytics() {
        let mut b = book(SeqRule::Contiguous);
        b.load_snapshot(1, &[lv(10000, 3000), lv(9999, 1000)], &[lv(10002, 1000)])
            .unwrap();
        assert_eq!(b.spread(), Some(2));
        assert_eq!(b.mid_x10(), Some(100_010));
        // (100.00·1 + 100.02·3)/4 = 100.015
        assert!((b.microprice().unwrap() - 100.015).abs() < 1e-9);
        assert!((b.imbalance(1).unwrap() - 0.5).abs() < 1e-12);
        assert!((b.imbalance(5).unwrap() - 0.6).abs() < 1e-12);
        assert_eq!(
            b.depth(BookSide::Bid, 5),
            vec![lv(10000, 3000), lv(9999, 1000)]
        );
        assert_eq!(
            b.apply_level(BookSide::Bid, 10002, 1, 2),
            Ok(Applied::Applied(CrossState::Locked))
        );
        assert_eq!(
            b.apply_level(BookSide::Bid, 10003, 1, 3),
            Ok(Applied::Applied(CrossState::Crossed))
        );
        assert_eq!((b.stats().locked, b.stats().crossed), (1, 1));
        let (p, q) = b.best_bid_fixed().unwrap();
        assert_eq!(
            (p.to_string(), q.to_string()),
            ("100.03".into(), "0.001".into())
        );
    }
}
