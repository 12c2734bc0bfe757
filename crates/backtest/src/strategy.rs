//! Strategies that run inside the Rust loop (no JavaScript call per event).
//!
//! A [`NativeStrategy`] sees each processed record and may submit orders through the
//! [`Session`]. The built-in [`EmaCross`] is the reference strategy of the anchor comparison
//! (bench/anchor): fast and slow EMAs of the close, SMA-seeded with α = 2/(n+1) (the TA-Lib /
//! TTR / backtrader convention); when the fast line crosses above the slow one it targets
//! `+qty`, below it `0` (long-only) or `−qty` (long-short). Orders are market orders for the
//! difference between the target and the position plus pending orders.

use crate::ledger::Side;
use crate::record::{Kind, Record};
use crate::session::{OrderRequest, Session};

/// A strategy run by the Rust loop.
pub trait NativeStrategy {
    /// Called after the session processed `record` (fills it caused are already booked).
    fn on_record(&mut self, session: &mut Session, record: &Record);
}

/// SMA-seeded exponential moving average (α = 2/(n+1)); NaN until `n` values were seen.
/// (The same convention as `tachyon_indicators::Ema`, TA-Lib and TTR.)
#[derive(Debug, Clone)]
pub struct Ema {
    n: usize,
    alpha: f64,
    seen: usize,
    sum: f64,
    value: f64,
}

impl Ema {
    /// EMA over `n ≥ 1` values.
    #[must_use]
    pub fn new(n: usize) -> Self {
        let n = n.max(1);
        Self {
            n,
            alpha: 2.0 / (n as f64 + 1.0),
            seen: 0,
            sum: 0.0,
            value: f64::NAN,
        }
    }

    /// Pushes a value; returns the EMA (NaN while seeding).
    #[inline]
    pub fn next(&mut self, x: f64) -> f64 {
        if self.seen < self.n {
            self.seen += 1;
            self.sum += x;
            if self.seen == self.n {
                self.value = self.sum / self.n as f64;
            }
        } else {
            self.value += self.alpha * (x - self.value);
        }
        self.value
    }
}

/// Long-only or long-short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Targets `+qty` or flat.
    LongOnly,
    /// Targets `+qty` or `−qty`.
    LongShort,
}

/// EMA crossover on bar closes (or trade prices), one instance per instrument set.
#[derive(Debug, Clone)]
pub struct EmaCross {
    fast: Vec<Ema>,
    slow: Vec<Ema>,
    prev_diff: Vec<f64>,
    qty: i64,
    direction: Direction,
    price_pow: Vec<f64>,
    /// Crossovers seen (for tests and summaries).
    pub signals: u64,
}

impl EmaCross {
    /// `fast < slow` periods, `qty` mantissa per instrument, for `price_scales`.
    #[must_use]
    pub fn new(
        fast: usize,
        slow: usize,
        qty: i64,
        direction: Direction,
        price_scales: &[u8],
    ) -> Self {
        let n = price_scales.len();
        Self {
            fast: vec![Ema::new(fast); n],
            slow: vec![Ema::new(slow); n],
            prev_diff: vec![f64::NAN; n],
            qty,
            direction,
            price_pow: price_scales
                .iter()
                .map(|s| 10f64.powi(i32::from(*s)))
                .collect(),
            signals: 0,
        }
    }
}

impl NativeStrategy for EmaCross {
    #[inline]
    fn on_record(&mut self, s: &mut Session, r: &Record) {
        let i = r.instrument as usize;
        let px = match Kind::from_u8(r.kind) {
            Some(Kind::Bar) => r.d,
            Some(Kind::Trade) => r.a,
            _ => return,
        };
        let x = px as f64 / self.price_pow[i];
        let f = self.fast[i].next(x);
        let sl = self.slow[i].next(x);
        let diff = f - sl;
        let prev = self.prev_diff[i];
        self.prev_diff[i] = diff;
        if !(diff.is_finite() && prev.is_finite()) {
            return;
        }
        let target = if prev <= 0.0 && diff > 0.0 {
            self.qty
        } else if prev >= 0.0 && diff < 0.0 {
            match self.direction {
                Direction::LongOnly => 0,
                Direction::LongShort => -self.qty,
            }
        } else {
            return;
        };
        self.signals += 1;
        let pos = s.ledger().position(r.instrument).qty;
        let delta = target - pos;
        if delta != 0 {
            let side = if delta > 0 { Side::Buy } else { Side::Sell };
            let _ = s.submit(OrderRequest {
                instrument: r.instrument,
                side,
                qty: delta.abs(),
                limit: None,
                ioc: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ema_is_sma_seeded() {
        let mut e = Ema::new(3);
        assert!(e.next(1.0).is_nan());
        assert!(e.next(2.0).is_nan());
        assert_eq!(e.next(3.0), 2.0);
        assert_eq!(e.next(6.0), 4.0); // 2 + 0.5 × (6 − 2)
    }
}
