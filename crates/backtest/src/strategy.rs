//! Strategies that run inside the Rust loop (no JavaScript call per event).
//!
//! A [`NativeStrategy`] sees each processed record and may submit orders through the
//! [`Session`]. The built-in [`EmaCross`] is the reference strategy of the anchor comparison
//! (bench/anchor): fast and slow EMAs of the close (`tachyon_indicators::Ema`: SMA-seeded,
//! α = 2/(n+1), the TA-Lib / TTR / backtrader convention); when the fast line crosses above the slow one it targets
//! `+qty`, below it `0` (long-only) or `−qty` (long-short). Orders are market orders for the
//! difference between the target and the position plus pending orders.

use tachyon_indicators::Ema;

use crate::error::BacktestError;
use crate::ledger::Side;
use crate::record::{Kind, Record};
use crate::session::{OrderRequest, Session};

/// A strategy run by the Rust loop.
pub trait NativeStrategy {
    /// Called after the session processed `record` (fills it caused are already booked).
    fn on_record(&mut self, session: &mut Session, record: &Record);
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
    ///
    /// # Errors
    /// [`BacktestError::Config`] unless `1 ≤ fast < slow ≤ 1,000,000` and `qty > 0`.
    pub fn new(
        fast: usize,
        slow: usize,
        qty: i64,
        direction: Direction,
        price_scales: &[u8],
    ) -> Result<Self, BacktestError> {
        if fast == 0 || fast >= slow {
            return Err(BacktestError::config(
                "fast",
                format!("needs 1 <= fast < slow, got {fast} and {slow}"),
            ));
        }
        if qty <= 0 {
            return Err(BacktestError::config("qty", "must be positive"));
        }
        let bad =
            |e: tachyon_indicators::IndicatorError| BacktestError::config("slow", e.to_string());
        let (f, sl) = (Ema::new(fast).map_err(bad)?, Ema::new(slow).map_err(bad)?);
        let n = price_scales.len();
        Ok(Self {
            fast: vec![f; n],
            slow: vec![sl; n],
            prev_diff: vec![f64::NAN; n],
            qty,
            direction,
            price_pow: price_scales
                .iter()
                .map(|s| 10f64.powi(i32::from(*s)))
                .collect(),
            signals: 0,
        })
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
    fn bad_periods_are_config_errors() {
        assert!(EmaCross::new(30, 10, 1, Direction::LongOnly, &[2]).is_err());
        assert!(EmaCross::new(0, 10, 1, Direction::LongOnly, &[2]).is_err());
        assert!(EmaCross::new(3, 10, 0, Direction::LongOnly, &[2]).is_err());
        assert!(EmaCross::new(3, 10, 1, Direction::LongOnly, &[2]).is_ok());
    }
}
