//! Net positions with exact realized/unrealized P&L and fees.
//!
//! A position keeps its signed quantity and its signed *cost basis* (the exact sum of
//! `price × qty` of the open part; negative for a short). Reducing a position realizes
//! `sign × closed_qty × price − closed_cost`, where `closed_cost` is the cost basis pro rata,
//! rounded half-even to the notional scale; the rounding remainder stays in the basis, so when
//! the position returns to zero its whole basis has been realized and the realized P&L of a
//! round trip is exactly `Σ sell notional − Σ buy notional`. Fees are kept apart from realized
//! P&L (net = realized − fees).

use tachyon_core::{FixedError, Notional, Price, Quantity, Rounding};

use crate::types::Side;

/// A net position in one instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    qty: i64,
    cost: i64,
    realized: i64,
    fees: i64,
    volume: i64,
    fills: u64,
    price_scale: u8,
    qty_scale: u8,
}

impl Position {
    /// A flat position for an instrument with these scales.
    #[must_use]
    pub fn new(price_scale: u8, qty_scale: u8) -> Self {
        Self {
            qty: 0,
            cost: 0,
            realized: 0,
            fees: 0,
            volume: 0,
            fills: 0,
            price_scale,
            qty_scale,
        }
    }

    fn ns(&self) -> u8 {
        self.price_scale + self.qty_scale
    }

    /// Signed quantity (long positive).
    #[must_use]
    pub fn qty(&self) -> Quantity {
        Quantity::from_mantissa(self.qty, self.qty_scale).unwrap_or(Quantity::zero(0))
    }

    /// Signed quantity mantissa.
    #[must_use]
    pub fn qty_mantissa(&self) -> i64 {
        self.qty
    }

    /// Signed cost basis of the open quantity.
    #[must_use]
    pub fn cost_basis(&self) -> Notional {
        self.notional(self.cost)
    }

    /// Realized P&L before fees.
    #[must_use]
    pub fn realized(&self) -> Notional {
        self.notional(self.realized)
    }

    /// Fees paid (negative = net rebates).
    #[must_use]
    pub fn fees(&self) -> Notional {
        self.notional(self.fees)
    }

    /// Traded notional (absolute).
    #[must_use]
    pub fn volume(&self) -> Notional {
        self.notional(self.volume)
    }

    /// Number of fills booked.
    #[must_use]
    pub fn fills(&self) -> u64 {
        self.fills
    }

    fn notional(&self, m: i64) -> Notional {
        Notional::from_mantissa(m, self.ns()).unwrap_or(Notional::zero(0))
    }

    /// Average entry price of the open quantity (half-even at price scale), if not flat.
    #[must_use]
    pub fn avg_entry(&self) -> Option<Price> {
        if self.qty == 0 {
            return None;
        }
        self.cost_basis()
            .checked_div_qty(self.qty(), self.price_scale, Rounding::HalfEven)
            .ok()
    }

    /// Unrealized P&L at `mark`: `qty × mark − cost basis`.
    ///
    /// # Errors
    /// Scale mismatch or overflow.
    pub fn unrealized(&self, mark: Price) -> Result<Notional, FixedError> {
        mark.checked_mul_qty(self.qty())?
            .checked_sub(self.cost_basis())
    }

    /// Books a fill.
    ///
    /// # Errors
    /// [`FixedError::Overflow`] if a value leaves the `i64` range; the position is unchanged.
    pub fn apply_fill(
        &mut self,
        side: Side,
        price: i64,
        qty: i64,
        fee: i64,
    ) -> Result<(), FixedError> {
        let ovf = |op| FixedError::Overflow { op };
        let s = side.sign();
        let notional = price.checked_mul(qty).ok_or(ovf("fill notional"))?;
        let mut next = *self;
        next.fees = next.fees.checked_add(fee).ok_or(ovf("fees"))?;
        next.volume = next.volume.checked_add(notional).ok_or(ovf("volume"))?;
        next.fills += 1;
        if next.qty == 0 || next.qty.signum() == s {
            next.qty = next.qty.checked_add(s * qty).ok_or(ovf("position"))?;
            next.cost = next.cost.checked_add(s * notional).ok_or(ovf("cost"))?;
        } else {
            let open = next.qty.abs();
            let close = qty.min(open);
            let closed_cost = if close == open {
                next.cost
            } else {
                let num = i128::from(next.cost) * i128::from(close);
                let den = i128::from(open);
                round_half_even(num, den)
            };
            let pos_sign = next.qty.signum();
            let proceeds = i128::from(pos_sign) * i128::from(close) * i128::from(price);
            let realized = i128::from(next.realized) + proceeds - i128::from(closed_cost);
            next.realized = i64::try_from(realized).map_err(|_| ovf("realized"))?;
            next.cost -= closed_cost;
            next.qty += s * close;
            let rest = qty - close;
            if rest > 0 {
                next.qty = s * rest;
                next.cost = s * price.checked_mul(rest).ok_or(ovf("cost"))?;
            }
        }
        *self = next;
        Ok(())
    }
}

/// `num / den` rounded half-even (`den > 0`), as i64 (the result is bounded by `|num/den|`
/// with `|num| <= |cost| · den`, so it fits).
fn round_half_even(num: i128, den: i128) -> i64 {
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    let q = match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => {
            if q % 2 == 0 {
                q
            } else {
                q + 1
            }
        }
    };
    q as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_round_trip_realizes_exactly() {
        // price scale 2, qty scale 3
        let mut p = Position::new(2, 3);
        p.apply_fill(Side::Buy, 10_000, 1_000, 5).unwrap(); // 1.000 @ 100.00
        p.apply_fill(Side::Buy, 10_300, 2_000, 5).unwrap(); // 2.000 @ 103.00
        assert_eq!(p.qty().to_string(), "3.000");
        assert_eq!(p.avg_entry().unwrap().to_string(), "102.00");
        assert_eq!(
            p.unrealized(Price::parse("104.00", 2).unwrap())
                .unwrap()
                .to_string(),
            "6.00000"
        );
        p.apply_fill(Side::Sell, 10_400, 1_000, 5).unwrap(); // realize 2.00
        assert_eq!(p.realized().to_string(), "2.00000");
        p.apply_fill(Side::Sell, 9_900, 2_000, 5).unwrap(); // realize -6.00
        assert_eq!(p.realized().to_string(), "-4.00000");
        assert_eq!(p.qty_mantissa(), 0);
        assert_eq!(p.cost_basis().mantissa(), 0);
        assert_eq!(p.fees().to_string(), "0.00020");
        // Σ sell − Σ buy = 104 + 198 − 100 − 206 = −4
    }

    #[test]
    fn flip_from_long_to_short_and_rounding_stays_in_basis() {
        let mut p = Position::new(2, 0);
        // 3 @ 1.00, 0 fee: basis 300; selling 1 closes 100 exactly
        p.apply_fill(Side::Buy, 100, 1, 0).unwrap();
        p.apply_fill(Side::Buy, 101, 1, 0).unwrap();
        p.apply_fill(Side::Buy, 101, 1, 0).unwrap(); // basis 302 over 3 → 100.67 each
        p.apply_fill(Side::Sell, 100, 1, 0).unwrap(); // closed cost round(302/3)=101 → -1
        assert_eq!(p.realized().mantissa(), -1);
        assert_eq!(p.cost_basis().mantissa(), 201);
        p.apply_fill(Side::Sell, 100, 4, 0).unwrap(); // close 2 (cost 201), open short 2 @ 1.00
        assert_eq!(p.realized().mantissa(), -1 + 200 - 201);
        assert_eq!(p.qty_mantissa(), -2);
        assert_eq!(p.cost_basis().mantissa(), -200);
        p.apply_fill(Side::Buy, 90, 2, 0).unwrap(); // short profit 20
        assert_eq!(p.realized().mantissa(), -2 + 20);
        // round trip: sells 100+400=500, buys 100+101+101+180=482 → +18
        assert_eq!(p.realized().mantissa(), 18);
    }

    #[test]
    fn overflow_leaves_position_unchanged() {
        let mut p = Position::new(2, 0);
        p.apply_fill(Side::Buy, 100, 1, 0).unwrap();
        let before = p;
        assert!(p.apply_fill(Side::Buy, i64::MAX / 2, 3, 0).is_err());
        assert_eq!(p, before);
    }
}
