//! The account: cash, positions with an exact cost basis, realized P&L, fees, and round-trip
//! trades. All money is `i128` at one *cash scale* (the largest notional scale among the
//! instruments: price scale + quantity scale), so nothing is ever rounded except where the
//! docs below say so.
//!
//! # Accounting conventions
//! A position is a signed quantity `Q` and the signed cost `C` of that open quantity
//! (`C = Σ side·qty·price` of the fills that opened it). A fill of `q` at `p` on side `s`:
//! - adds to the position (same direction or from flat): `Q += s·q`, `C += s·q·p`;
//! - reduces it: the closed part `k = min(q, |Q|)` takes `C·k/|Q|` of the cost (rounded half
//!   to even at the cash scale, exact when `|Q|` divides `C·k`), realized P&L
//!   `+= sign(Q)·k·p − C·k/|Q|`; a remainder `q − k` opens a position on the other side.
//! - cash: `−= s·q·p + fee`; the fee is `q·p·rate` rounded half to even at the cash scale.
//!
//! So at every moment `equity = cash + Σ Q·mark` and
//! `equity − initial cash = realized + Σ (Q·mark − C) − fees`, exactly.
//!
//! A *round trip* runs from flat to flat (a flip closes one and opens the next); its P&L is the
//! realized P&L over it minus every fee paid on its fills.

use tachyon_core::fixed::pow10;

pub use tachyon_oms::Side;

/// A fee rate: `mantissa × 10⁻⁸` of notional (so 10 bps is `100_000`; 0.01 bp resolution).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeeRate(pub i64);

impl FeeRate {
    /// Scale of the mantissa.
    pub const SCALE: u8 = 8;

    /// From basis points, rounded to 0.01 bp.
    #[must_use]
    pub fn from_bps(bps: f64) -> Self {
        Self((bps * 10_000.0).round() as i64)
    }

    /// The rate as a fraction (for display).
    #[must_use]
    pub fn fraction(self) -> f64 {
        self.0 as f64 / 1e8
    }

    /// The fee on `notional` (cash-scale mantissa), half to even.
    #[must_use]
    pub fn fee(self, notional: i128) -> i128 {
        div_half_even(notional.abs() * i128::from(self.0), 100_000_000)
    }
}

/// `n / d` rounded half to even (`d > 0`).
#[must_use]
pub fn div_half_even(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => {
            if q % 2 == 0 {
                q
            } else {
                q + 1
            }
        }
    }
}

/// One instrument's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Signed quantity mantissa.
    pub qty: i64,
    /// Signed cost of the open quantity (cash scale).
    pub cost: i128,
    /// Realized P&L, fees excluded (cash scale).
    pub realized: i128,
    /// Fees paid (cash scale).
    pub fees: i128,
    /// Last price seen (mantissa at price scale; 0 before any).
    pub mark: i64,
}

/// A completed (or still open) round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundTrip {
    /// Instrument.
    pub instrument: u32,
    /// +1 long, −1 short.
    pub direction: i8,
    /// First fill.
    pub entry_ns: i64,
    /// Last fill (the one that flattened it), or the last fill so far if still open.
    pub exit_ns: i64,
    /// Largest absolute quantity held (mantissa).
    pub max_qty: i64,
    /// Volume-weighted entry price (mantissa, half to even).
    pub entry_price: i64,
    /// Volume-weighted exit price (mantissa, half to even; 0 if nothing closed).
    pub exit_price: i64,
    /// Realized P&L minus fees (cash scale).
    pub pnl: i128,
    /// Fees (cash scale).
    pub fees: i128,
    /// Entry notional (cash scale), for the return of the trade.
    pub entry_notional: i128,
    /// Fills in the trip.
    pub fills: u32,
    /// Still open at the end of the run.
    pub open: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct TripState {
    active: bool,
    direction: i8,
    entry_ns: i64,
    last_ns: i64,
    max_qty: i64,
    entry_qty: i128,
    entry_notional: i128,
    exit_qty: i128,
    exit_notional: i128,
    realized_start: i128,
    fees: i128,
    fills: u32,
}

/// Cash, positions and round trips.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// Cash (cash scale).
    pub cash: i128,
    initial_cash: i128,
    cash_scale: u8,
    /// `10^(cash_scale − price_scale − qty_scale)` per instrument.
    mult: Vec<i128>,
    positions: Vec<Position>,
    trips: Vec<TripState>,
    closed: Vec<RoundTrip>,
    /// Total traded notional (cash scale).
    pub traded: i128,
    /// Total fees (cash scale).
    pub fees: i128,
    /// `cash` in currency units as a float, refreshed on every fill (for the equity curve).
    cash_f: f64,
    /// Currency units per (quantity mantissa × price mantissa), per instrument.
    unit_f: Vec<f64>,
}

impl Ledger {
    /// A ledger with `initial_cash` (cash-scale mantissa) for instruments with these
    /// `(price_scale, qty_scale)`; the cash scale is their largest notional scale.
    #[must_use]
    pub fn new(initial_cash: i128, scales: &[(u8, u8)]) -> Self {
        Self::with_cash_scale(initial_cash, scales, 0)
    }

    /// As [`Ledger::new`] with at least `min_cash_scale` decimal places for money (a venue that
    /// reports fees more precisely than price × quantity, e.g. 8 decimals).
    #[must_use]
    pub fn with_cash_scale(initial_cash: i128, scales: &[(u8, u8)], min_cash_scale: u8) -> Self {
        let cash_scale = scales
            .iter()
            .map(|(p, q)| p + q)
            .max()
            .unwrap_or(0)
            .max(min_cash_scale)
            .min(tachyon_core::fixed::MAX_SCALE);
        Self {
            cash: initial_cash,
            initial_cash,
            cash_scale,
            mult: scales
                .iter()
                .map(|(p, q)| i128::from(pow10(cash_scale - p - q)))
                .collect(),
            positions: vec![Position::default(); scales.len()],
            trips: vec![TripState::default(); scales.len()],
            closed: Vec::new(),
            traded: 0,
            fees: 0,
            cash_f: initial_cash as f64 / 10f64.powi(i32::from(cash_scale)),
            unit_f: scales
                .iter()
                .map(|(p, q)| 10f64.powi(-i32::from(p + q)))
                .collect(),
        }
    }

    /// `(equity, gross exposure, any position open)` as floats in currency units — one pass,
    /// no 128-bit conversions (the equity curve's hot path; the exact values are
    /// [`Ledger::equity`] and [`Ledger::gross_exposure`]).
    #[inline]
    #[must_use]
    pub fn equity_f64(&self) -> (f64, f64, bool) {
        let mut e = self.cash_f;
        let mut g = 0.0;
        let mut open = false;
        for (p, u) in self.positions.iter().zip(&self.unit_f) {
            if p.qty != 0 {
                let v = p.qty as f64 * p.mark as f64 * u;
                e += v;
                g += v.abs();
                open = true;
            }
        }
        (e, g, open)
    }

    /// The cash scale (decimal places of every money amount).
    #[must_use]
    pub fn cash_scale(&self) -> u8 {
        self.cash_scale
    }

    /// Starting cash.
    #[must_use]
    pub fn initial_cash(&self) -> i128 {
        self.initial_cash
    }

    /// A position.
    #[must_use]
    pub fn position(&self, instrument: u32) -> &Position {
        &self.positions[instrument as usize]
    }

    /// All positions.
    #[must_use]
    pub fn positions(&self) -> &[Position] {
        &self.positions
    }

    /// `qty × price` at the cash scale.
    #[inline]
    #[must_use]
    pub fn notional(&self, instrument: u32, qty: i64, price: i64) -> i128 {
        i128::from(qty) * i128::from(price) * self.mult[instrument as usize]
    }

    /// Records the last price of an instrument.
    #[inline]
    pub fn mark(&mut self, instrument: u32, price: i64) {
        self.positions[instrument as usize].mark = price;
    }

    /// `cash + Σ Q·mark` (cash scale).
    #[must_use]
    pub fn equity(&self) -> i128 {
        let mut e = self.cash;
        for (i, p) in self.positions.iter().enumerate() {
            if p.qty != 0 {
                e += i128::from(p.qty) * i128::from(p.mark) * self.mult[i];
            }
        }
        e
    }

    /// `Σ |Q·mark|` (cash scale).
    #[must_use]
    pub fn gross_exposure(&self) -> i128 {
        let mut g = 0;
        for (i, p) in self.positions.iter().enumerate() {
            if p.qty != 0 {
                g += (i128::from(p.qty) * i128::from(p.mark) * self.mult[i]).abs();
            }
        }
        g
    }

    /// `true` if any position is open.
    #[must_use]
    pub fn in_market(&self) -> bool {
        self.positions.iter().any(|p| p.qty != 0)
    }

    /// Books a fill; returns the fee charged (cash scale).
    ///
    /// # Errors
    /// [`crate::BacktestError::Overflow`] if the position leaves the `i64` range.
    pub fn fill(
        &mut self,
        instrument: u32,
        side: Side,
        qty: i64,
        price: i64,
        rate: FeeRate,
        ts_ns: i64,
    ) -> Result<i128, crate::BacktestError> {
        let fee = rate.fee(self.notional(instrument, qty, price));
        self.apply(instrument, side, qty, price, fee, ts_ns)?;
        Ok(fee)
    }

    /// Books a fill with a given fee (cash scale) — replaying a journal.
    ///
    /// # Errors
    /// [`crate::BacktestError::Overflow`] if the position leaves the `i64` range.
    pub fn apply(
        &mut self,
        instrument: u32,
        side: Side,
        qty: i64,
        price: i64,
        fee: i128,
        ts_ns: i64,
    ) -> Result<(), crate::BacktestError> {
        let i = instrument as usize;
        let n = self.notional(instrument, qty, price);
        let s = side.sign();
        self.cash -= i128::from(s) * n + fee;
        self.cash_f = self.cash as f64 / 10f64.powi(i32::from(self.cash_scale));
        self.traded += n;
        self.fees += fee;
        let p = &mut self.positions[i];
        p.fees += fee;
        let before = p.qty;
        if before == 0 || before.signum() == s {
            p.qty = before
                .checked_add(s * qty)
                .ok_or(crate::BacktestError::Overflow("position"))?;
            p.cost += i128::from(s) * n;
        } else {
            let held = before.abs();
            let k = qty.min(held);
            let closed_cost = div_half_even(p.cost * i128::from(k), i128::from(held));
            let closed_value = self.mult[i] * i128::from(k) * i128::from(price);
            p.realized += i128::from(before.signum()) * closed_value - closed_cost;
            p.cost -= closed_cost;
            p.qty = before + s * k;
            let rest = qty - k;
            if rest > 0 {
                p.qty = s * rest;
                p.cost = i128::from(s) * self.mult[i] * i128::from(rest) * i128::from(price);
            }
        }
        p.mark = if p.mark == 0 { price } else { p.mark };
        let after = p.qty;
        self.track_trip(i, side, qty, price, fee, ts_ns, before, after, n);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // one call site; the values are the fill's
    fn track_trip(
        &mut self,
        i: usize,
        side: Side,
        qty: i64,
        price: i64,
        fee: i128,
        ts_ns: i64,
        before: i64,
        after: i64,
        notional: i128,
    ) {
        let mult = self.mult[i];
        let realized_now = self.positions[i].realized;
        let t = &mut self.trips[i];
        if before == 0 {
            *t = TripState {
                active: true,
                direction: side.sign() as i8,
                entry_ns: ts_ns,
                last_ns: ts_ns,
                max_qty: after.abs(),
                entry_qty: i128::from(qty),
                entry_notional: notional,
                fees: fee,
                fills: 1,
                realized_start: realized_now,
                ..TripState::default()
            };
            return;
        }
        t.last_ns = ts_ns;
        t.fills += 1;
        let s = side.sign();
        if before.signum() == s {
            // adding
            t.entry_qty += i128::from(qty);
            t.entry_notional += notional;
            t.fees += fee;
            t.max_qty = t.max_qty.max(after.abs());
            return;
        }
        let closed = i128::from(qty.min(before.abs()));
        t.exit_qty += closed;
        t.exit_notional += closed * i128::from(price) * mult;
        // share of the fee for the closing part; the rest opens the next trip
        let closing_fee = if i128::from(qty) == closed {
            fee
        } else {
            div_half_even(fee * closed, i128::from(qty))
        };
        t.fees += closing_fee;
        if after == 0 || after.signum() == s {
            let trip = self.finish_trip(i, false);
            self.closed.push(trip);
            if after != 0 {
                let rest = i128::from(after.abs());
                let t = &mut self.trips[i];
                *t = TripState {
                    active: true,
                    direction: s as i8,
                    entry_ns: ts_ns,
                    last_ns: ts_ns,
                    max_qty: after.abs(),
                    entry_qty: rest,
                    entry_notional: rest * i128::from(price) * mult,
                    fees: fee - closing_fee,
                    fills: 1,
                    realized_start: self.positions[i].realized,
                    ..TripState::default()
                };
            }
        }
    }

    fn finish_trip(&mut self, i: usize, open: bool) -> RoundTrip {
        let t = self.trips[i];
        let p = self.positions[i];
        let mult = self.mult[i];
        let vwap = |notional: i128, qty: i128| -> i64 {
            if qty == 0 {
                0
            } else {
                i64::try_from(div_half_even(notional, qty * mult)).unwrap_or(i64::MAX)
            }
        };
        let realized = p.realized - t.realized_start;
        let trip = RoundTrip {
            instrument: i as u32,
            direction: t.direction,
            entry_ns: t.entry_ns,
            exit_ns: t.last_ns,
            max_qty: t.max_qty,
            entry_price: vwap(t.entry_notional, t.entry_qty),
            exit_price: vwap(t.exit_notional, t.exit_qty),
            pnl: realized - t.fees,
            fees: t.fees,
            entry_notional: t.entry_notional,
            fills: t.fills,
            open,
        };
        if !open {
            self.trips[i] = TripState::default();
        }
        trip
    }

    /// Round trips closed so far.
    #[must_use]
    pub fn closed_trips(&self) -> &[RoundTrip] {
        &self.closed
    }

    /// Closed round trips plus the still-open ones (marked `open`, P&L realized so far).
    #[must_use]
    pub fn all_trips(&mut self) -> Vec<RoundTrip> {
        let mut v = self.closed.clone();
        for i in 0..self.trips.len() {
            if self.trips[i].active {
                v.push(self.finish_trip(i, true));
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // price scale 2, qty scale 3 → cash scale 5
    fn ledger() -> Ledger {
        Ledger::new(1_000_000 * 100_000, &[(2, 3)])
    }

    #[test]
    fn fee_rounding_half_even() {
        let r = FeeRate::from_bps(10.0);
        assert_eq!(r.0, 100_000);
        assert_eq!(r.fee(1_000_000), 1_000); // 0.1%
        assert_eq!(FeeRate(50_000_000).fee(5), 2); // 2.5 → 2
        assert_eq!(FeeRate(50_000_000).fee(7), 4); // 3.5 → 4
        assert_eq!(div_half_even(-5, 2), -2);
        assert_eq!(div_half_even(-7, 2), -4);
    }

    #[test]
    fn equity_identity_through_a_flip() {
        let mut l = ledger();
        let rate = FeeRate::from_bps(7.5);
        // buy 1.000 @ 100.00, buy 0.500 @ 103.00, sell 2.000 @ 101.50 (flip short 0.500),
        // buy 0.500 @ 99.99 (flat)
        l.fill(0, Side::Buy, 1_000, 10_000, rate, 1).unwrap();
        l.fill(0, Side::Buy, 500, 10_300, rate, 2).unwrap();
        l.fill(0, Side::Sell, 2_000, 10_150, rate, 3).unwrap();
        assert_eq!(l.position(0).qty, -500);
        l.mark(0, 10_200);
        let p = *l.position(0);
        let unreal = i128::from(p.qty) * i128::from(p.mark) - p.cost;
        assert_eq!(l.equity() - l.initial_cash(), p.realized + unreal - p.fees);
        l.fill(0, Side::Buy, 500, 9_999, rate, 4).unwrap();
        let p = *l.position(0);
        assert_eq!((p.qty, p.cost), (0, 0));
        assert_eq!(l.equity() - l.initial_cash(), p.realized - p.fees);
        // realized: long 1.5 avg 101.00 sold at 101.50 → +0.75; short 0.5 @101.50 covered 99.99 → +0.755
        assert_eq!(p.realized, 75_000 + 75_500);
        let trips = l.all_trips();
        assert_eq!(trips.len(), 2);
        assert_eq!(trips[0].direction, 1);
        assert_eq!(trips[0].entry_price, 10_100);
        assert_eq!(trips[0].exit_price, 10_150);
        assert_eq!(trips[1].direction, -1);
        assert_eq!(trips[1].entry_price, 10_150);
        assert_eq!(trips[1].exit_price, 9_999);
        // fees of the two trips add up to every fee paid
        assert_eq!(trips[0].fees + trips[1].fees, p.fees);
        assert_eq!(trips[0].pnl + trips[1].pnl, p.realized - p.fees);
        assert!(trips.iter().all(|t| !t.open));
    }
}
