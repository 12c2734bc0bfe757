//! One side of an L2 book: a dense, tick-indexed window with an occupancy bitmap, plus an
//! ordered overflow map for levels far from the top.
//!
//! A level's *key* is its price in ticks for bids and the negated price in ticks for asks, so
//! on both sides a larger key is a better price. Keys in `[base, base + window)` live in a
//! flat `Vec<i64>` of quantities indexed by `key - base`, with one bit per slot in a bitmap:
//! setting a level is an index computation and a store, and when the best level is removed
//! the next one is found by scanning bitmap words (64 slots per instruction). Keys below the
//! window (deep levels) live in a `BTreeMap`. When a better price than the window can hold
//! arrives, or the window empties while deep levels remain, the window is re-centred so that
//! the best level sits at three quarters of it (room for the price to move either way).
//! The anchor for this design in `benches/book.rs` is a plain `BTreeMap` book.

use std::collections::BTreeMap;

/// Default window: 16,384 ticks per side (128 KiB of quantities + 2 KiB of bitmap).
pub const DEFAULT_WINDOW: usize = 1 << 14;

/// Which side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookSide {
    /// Buy orders; best = highest price.
    Bid,
    /// Sell orders; best = lowest price.
    Ask,
}

impl BookSide {
    /// The other side.
    #[inline]
    #[must_use]
    pub const fn opposite(self) -> Self {
        match self {
            Self::Bid => Self::Ask,
            Self::Ask => Self::Bid,
        }
    }
}

/// One price level as raw fixed-point mantissas (instrument price and quantity scales).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Level {
    /// Price mantissa.
    pub price: i64,
    /// Aggregate resting quantity mantissa (0 deletes the level in an update).
    pub qty: i64,
}

impl Level {
    /// A level from mantissas.
    #[inline]
    #[must_use]
    pub const fn new(price: i64, qty: i64) -> Self {
        Self { price, qty }
    }
}

/// What a level update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelChange {
    /// A new level was inserted.
    Inserted,
    /// An existing level's quantity changed (or was set to the same value).
    Updated,
    /// An existing level was removed.
    Removed,
    /// A delete for a level that was not there (normal in venue feeds).
    Absent,
}

/// One side of the book. See the module docs.
#[derive(Debug, Clone)]
pub struct Ladder {
    side: BookSide,
    tick: i64,
    window: usize,
    base: i64,
    based: bool,
    qty: Vec<i64>,
    bits: Vec<u64>,
    in_window: usize,
    top: usize,
    overflow: BTreeMap<i64, i64>,
}

impl Ladder {
    /// An empty side for prices on a `tick` grid (mantissas), with a window of `window`
    /// ticks (rounded up to a multiple of 64, at least 64).
    #[must_use]
    pub fn new(side: BookSide, tick: i64, window: usize) -> Self {
        let window = window.max(64).div_ceil(64) * 64;
        Self {
            side,
            tick: tick.max(1),
            window,
            base: 0,
            based: false,
            qty: vec![0; window],
            bits: vec![0; window / 64],
            in_window: 0,
            top: 0,
            overflow: BTreeMap::new(),
        }
    }

    /// Which side this is.
    #[inline]
    #[must_use]
    pub fn side(&self) -> BookSide {
        self.side
    }

    #[inline]
    fn key(&self, price: i64) -> i64 {
        let t = if self.tick == 1 {
            price
        } else {
            price / self.tick
        };
        match self.side {
            BookSide::Bid => t,
            // Prices are validated positive, so negation cannot overflow.
            BookSide::Ask => -t,
        }
    }

    #[inline]
    fn price(&self, key: i64) -> i64 {
        let t = match self.side {
            BookSide::Bid => key,
            BookSide::Ask => -key,
        };
        t * self.tick
    }

    /// Number of levels.
    #[inline]
    #[must_use]
    pub fn len(&self) -> usize {
        self.in_window + self.overflow.len()
    }

    /// `true` if there are no levels.
    #[inline]
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes every level.
    pub fn clear(&mut self) {
        for w in 0..self.bits.len() {
            let mut word = self.bits[w];
            while word != 0 {
                let b = word.trailing_zeros() as usize;
                self.qty[w * 64 + b] = 0;
                word &= word - 1;
            }
            self.bits[w] = 0;
        }
        self.in_window = 0;
        self.top = 0;
        self.overflow.clear();
        self.based = false;
    }

    /// Highest occupied slot strictly below `slot`.
    #[inline]
    fn prev_set(&self, slot: usize) -> Option<usize> {
        let mut w = slot / 64;
        let b = slot % 64;
        let m = self.bits[w] & ((1u64 << b) - 1);
        if m != 0 {
            return Some(w * 64 + 63 - m.leading_zeros() as usize);
        }
        while w > 0 {
            w -= 1;
            let m = self.bits[w];
            if m != 0 {
                return Some(w * 64 + 63 - m.leading_zeros() as usize);
            }
        }
        None
    }

    /// Moves the window so that `best_key` sits at three quarters of it.
    fn recenter(&mut self, best_key: i64) {
        let levels: Vec<(i64, i64)> = self.iter_keys().collect();
        self.clear();
        self.base = best_key - (self.window * 3 / 4) as i64;
        self.based = true;
        for (k, q) in levels {
            self.insert_key(k, q);
        }
    }

    #[inline]
    fn insert_key(&mut self, k: i64, q: i64) {
        if k < self.base {
            self.overflow.insert(k, q);
            return;
        }
        let slot = (k - self.base) as usize;
        self.qty[slot] = q;
        self.bits[slot / 64] |= 1u64 << (slot % 64);
        self.in_window += 1;
        if self.in_window == 1 || slot > self.top {
            self.top = slot;
        }
    }

    /// Sets the level at `price` to `qty` (0 removes it). The caller has validated both
    /// (positive price on the tick grid, non-negative quantity).
    #[inline]
    pub fn set(&mut self, price: i64, qty: i64) -> LevelChange {
        let k = self.key(price);
        if !self.based {
            if qty == 0 {
                return LevelChange::Absent;
            }
            self.recenter(k);
        }
        if k >= self.base + self.window as i64 {
            if qty == 0 {
                return LevelChange::Absent;
            }
            self.recenter(k);
        }
        if k < self.base {
            return self.set_overflow(k, qty);
        }
        let slot = (k - self.base) as usize;
        // SAFETY: base <= k < base + window, so slot < window = qty.len() = 64·bits.len().
        let cell = unsafe { self.qty.get_unchecked_mut(slot) };
        let old = *cell;
        if qty != 0 {
            *cell = qty;
            if old != 0 {
                return LevelChange::Updated;
            }
            self.bits[slot / 64] |= 1u64 << (slot % 64);
            self.in_window += 1;
            if self.in_window == 1 || slot > self.top {
                self.top = slot;
            }
            return LevelChange::Inserted;
        }
        if old == 0 {
            return LevelChange::Absent;
        }
        *cell = 0;
        self.bits[slot / 64] &= !(1u64 << (slot % 64));
        self.in_window -= 1;
        if self.in_window == 0 {
            self.top = 0;
            match self.overflow.last_key_value() {
                Some((&k, _)) => self.recenter(k),
                None => self.based = false,
            }
        } else if slot == self.top {
            // in_window > 0, so a lower occupied slot exists.
            self.top = self.prev_set(slot).unwrap_or(0);
        }
        LevelChange::Removed
    }

    fn set_overflow(&mut self, k: i64, qty: i64) -> LevelChange {
        if qty == 0 {
            if self.overflow.remove(&k).is_some() {
                LevelChange::Removed
            } else {
                LevelChange::Absent
            }
        } else if self.overflow.insert(k, qty).is_some() {
            LevelChange::Updated
        } else {
            LevelChange::Inserted
        }
    }

    /// Quantity resting at `price` (0 if no level).
    #[must_use]
    pub fn qty_at(&self, price: i64) -> i64 {
        let k = self.key(price);
        if !self.based {
            return 0;
        }
        if k < self.base {
            self.overflow.get(&k).copied().unwrap_or(0)
        } else if k < self.base + self.window as i64 {
            self.qty[(k - self.base) as usize]
        } else {
            0
        }
    }

    /// The best level.
    #[inline]
    #[must_use]
    pub fn best(&self) -> Option<Level> {
        if self.in_window > 0 {
            let k = self.base + self.top as i64;
            Some(Level {
                price: self.price(k),
                qty: self.qty[self.top],
            })
        } else {
            self.overflow.last_key_value().map(|(&k, &q)| Level {
                price: self.price(k),
                qty: q,
            })
        }
    }

    /// `(key, qty)` from the best level outwards.
    fn iter_keys(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        let first = if self.in_window > 0 {
            Some(self.top)
        } else {
            None
        };
        let window = std::iter::successors(first, move |&s| self.prev_set(s))
            .map(move |s| (self.base + s as i64, self.qty[s]));
        window.chain(self.overflow.iter().rev().map(|(&k, &q)| (k, q)))
    }

    /// Levels from the best outwards.
    pub fn iter(&self) -> impl Iterator<Item = Level> + '_ {
        self.iter_keys().map(move |(k, q)| Level {
            price: self.price(k),
            qty: q,
        })
    }

    /// The `n`-th level from the top (0 = best).
    #[must_use]
    pub fn nth(&self, n: usize) -> Option<Level> {
        self.iter().nth(n)
    }

    /// Replaces all levels (a snapshot). Levels may come in any order; the caller has
    /// validated them (positive prices on the tick grid, no duplicates). Zero quantities are
    /// skipped.
    pub fn load(&mut self, levels: &[Level]) {
        self.clear();
        let best = levels
            .iter()
            .filter(|l| l.qty != 0)
            .map(|l| self.key(l.price))
            .max();
        if let Some(b) = best {
            self.base = b - (self.window * 3 / 4) as i64;
            self.based = true;
            for l in levels.iter().filter(|l| l.qty != 0) {
                let k = self.key(l.price);
                self.insert_key(k, l.qty);
            }
        }
    }

    /// Total quantity of the best `n` levels.
    #[must_use]
    pub fn depth_qty(&self, n: usize) -> i128 {
        self.iter_keys().take(n).map(|(_, q)| i128::from(q)).sum()
    }

    /// Reduces the level at `price` by `qty` (used by a simulator consuming liquidity);
    /// removes it when it reaches zero. Returns the quantity actually removed.
    pub fn consume(&mut self, price: i64, qty: i64) -> i64 {
        let have = self.qty_at(price);
        let take = qty.min(have).max(0);
        if take > 0 {
            self.set(price, have - take);
        }
        take
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bids_and_asks_keep_best_last() {
        let mut b = Ladder::new(BookSide::Bid, 1, 64);
        for (p, q) in [(100, 1), (102, 2), (101, 3), (99, 4)] {
            assert_eq!(b.set(p, q), LevelChange::Inserted);
        }
        assert_eq!(b.best(), Some(Level::new(102, 2)));
        let prices: Vec<i64> = b.iter().map(|l| l.price).collect();
        assert_eq!(prices, [102, 101, 100, 99]);
        let mut a = Ladder::new(BookSide::Ask, 1, 64);
        for (p, q) in [(105, 1), (103, 2), (104, 3)] {
            a.set(p, q);
        }
        assert_eq!(a.best(), Some(Level::new(103, 2)));
        assert_eq!(a.nth(2), Some(Level::new(105, 1)));
        assert_eq!(a.set(103, 0), LevelChange::Removed);
        assert_eq!(a.set(103, 0), LevelChange::Absent);
        assert_eq!(a.best(), Some(Level::new(104, 3)));
        assert_eq!(a.set(104, 7), LevelChange::Updated);
        assert_eq!(a.qty_at(104), 7);
        assert_eq!(a.depth_qty(5), 8);
    }

    #[test]
    fn window_overflow_and_recentring() {
        let mut b = Ladder::new(BookSide::Bid, 1, 64);
        for p in (0..100).map(|i| 1000 + 2 * i) {
            b.set(p, 1);
        }
        assert_eq!(b.len(), 100);
        // far from the top: present, absent, inserted
        assert_eq!(b.qty_at(1010), 1);
        assert_eq!(b.qty_at(1011), 0);
        assert_eq!(b.set(1011, 5), LevelChange::Inserted);
        assert_eq!(b.nth(100), Some(Level::new(1000, 1)));
        let v: Vec<i64> = b.iter().map(|l| l.price).collect();
        assert!(v.windows(2).all(|w| w[0] > w[1]));
        assert_eq!(b.consume(1011, 3), 3);
        assert_eq!(b.consume(1011, 3), 2);
        assert_eq!(b.qty_at(1011), 0);
        // Remove from the top until the window empties: the overflow becomes the window.
        for p in (0..100).map(|i| 1198 - 2 * i).take(90) {
            assert_eq!(b.set(p, 0), LevelChange::Removed);
            assert_eq!(b.best().unwrap().price, p - 2);
        }
        assert_eq!(b.len(), 10);
        let v: Vec<i64> = b.iter().map(|l| l.price).collect();
        assert_eq!(v, (0..10).map(|i| 1018 - 2 * i).collect::<Vec<_>>());
    }

    #[test]
    fn asks_on_a_coarse_tick() {
        let mut a = Ladder::new(BookSide::Ask, 5, 64);
        a.load(&[Level::new(1000, 1), Level::new(995, 2), Level::new(2000, 3)]);
        assert_eq!(a.best(), Some(Level::new(995, 2)));
        assert_eq!(a.nth(2), Some(Level::new(2000, 3)));
        assert_eq!(a.set(990, 4), LevelChange::Inserted);
        assert_eq!(a.set(5, 4), LevelChange::Inserted); // far better: re-centres
        assert_eq!(a.best(), Some(Level::new(5, 4)));
        let v: Vec<i64> = a.iter().map(|l| l.price).collect();
        assert_eq!(v, [5, 990, 995, 1000, 2000]);
        a.clear();
        assert!(a.is_empty());
        assert_eq!(a.best(), None);
    }
}
