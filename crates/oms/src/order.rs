//! Orders and their state machine.
//!
//! ```text
//!            ┌──────────── Held ────────────┐  (stops, trailing stops, OTO children)
//!            │ trigger / parent filled      │ cancel, expire, parent failed, gate
//!            ▼                              ▼
//!   New ──► Accepted ──► PartiallyFilled ──► Filled
//!    │         │               │
//!    │         └───────┬───────┘
//!    ▼                 ▼
//!  Rejected     Cancelled / Expired
//! ```
//! `New` may also go straight to a fill, `Cancelled` or `Expired` (a venue may report an IOC's
//! fills or expiry without a separate acknowledgement). Terminal states accept nothing: a fill
//! after an acknowledged cancel is an [`crate::OmsError::InvalidTransition`].

use tachyon_core::{InstrumentId, Timestamp};

use crate::types::{ClientOrderId, OrderId, OrderType, Reason, Side, TimeInForce, VenueReject};

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum OrderStatus {
    /// Held by the OMS: waiting for a trigger or an OTO parent.
    Held = 1,
    /// Sent to the venue, not yet acknowledged.
    New = 2,
    /// Live at the venue, nothing filled.
    Accepted = 3,
    /// Live at the venue, partly filled.
    PartiallyFilled = 4,
    /// Completely filled (terminal).
    Filled = 5,
    /// Cancelled (terminal).
    Cancelled = 6,
    /// Refused by the OMS, the gate or the venue (terminal).
    Rejected = 7,
    /// Expired: IOC/FOK remainder, GTD or DAY (terminal).
    Expired = 8,
}

impl OrderStatus {
    /// `true` for Filled, Cancelled, Rejected, Expired.
    #[inline]
    #[must_use]
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Filled | Self::Cancelled | Self::Rejected | Self::Expired
        )
    }

    /// `true` while the venue may still execute it (New, Accepted, PartiallyFilled).
    #[inline]
    #[must_use]
    pub const fn is_at_venue(self) -> bool {
        matches!(self, Self::New | Self::Accepted | Self::PartiallyFilled)
    }

    /// Stable lower-case name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::New => "new",
            Self::Accepted => "accepted",
            Self::PartiallyFilled => "partiallyFilled",
            Self::Filled => "filled",
            Self::Cancelled => "cancelled",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
        }
    }

    /// From the report byte.
    #[must_use]
    pub const fn from_u8(b: u8) -> Option<Self> {
        Some(match b {
            1 => Self::Held,
            2 => Self::New,
            3 => Self::Accepted,
            4 => Self::PartiallyFilled,
            5 => Self::Filled,
            6 => Self::Cancelled,
            7 => Self::Rejected,
            8 => Self::Expired,
            _ => return None,
        })
    }
}

/// A venue-side event kind, for transition checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Venue accepted.
    Accept,
    /// Venue rejected.
    Reject,
    /// A fill.
    Fill,
    /// Cancel acknowledged.
    Cancel,
    /// Expired.
    Expire,
    /// Replace applied.
    Replace,
    /// Held order released to the venue.
    Release,
}

impl Transition {
    /// Name used in errors.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Fill => "fill",
            Self::Cancel => "cancel",
            Self::Expire => "expire",
            Self::Replace => "replace",
            Self::Release => "release",
        }
    }
}

/// `true` if `t` is allowed from `from`. (Whether a fill completes the order is decided by
/// quantities, not here.)
#[must_use]
pub const fn allowed(from: OrderStatus, t: Transition) -> bool {
    use OrderStatus as S;
    use Transition as T;
    match (from, t) {
        (S::Held, T::Release | T::Cancel | T::Expire | T::Reject) => true,
        (S::New, T::Accept | T::Reject | T::Fill | T::Cancel | T::Expire) => true,
        (S::Accepted | S::PartiallyFilled, T::Fill | T::Cancel | T::Expire | T::Replace) => true,
        // A duplicate or late acknowledgement of a live order is harmless; the caller ignores it.
        (S::Accepted | S::PartiallyFilled, T::Accept) => true,
        _ => false,
    }
}

/// Contingent links between orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Links {
    /// The other leg of an OCO pair.
    pub oco: Option<OrderId>,
    /// The OTO parent this order waits for.
    pub parent: Option<OrderId>,
    /// OTO children released when this order fills completely (up to two: a bracket's OCO).
    pub children: [Option<OrderId>; 2],
}

/// One order and everything the OMS knows about it.
#[derive(Debug, Clone)]
pub struct Order {
    /// OMS id.
    pub id: OrderId,
    /// Client id.
    pub client_id: ClientOrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Type as submitted.
    pub order_type: OrderType,
    /// Total quantity mantissa (changes with a replace).
    pub qty: i64,
    /// Limit price mantissa.
    pub price: Option<i64>,
    /// Trigger price mantissa (stops; for trailing stops, the current trailing trigger).
    pub trigger: Option<i64>,
    /// Trailing distance mantissa.
    pub trail: Option<i64>,
    /// Time in force.
    pub tif: TimeInForce,
    /// Post-only.
    pub post_only: bool,
    /// Reduce-only.
    pub reduce_only: bool,
    /// Status.
    pub status: OrderStatus,
    /// Filled quantity mantissa.
    pub filled: i64,
    /// Σ price × qty of fills (notional-scale mantissa, exact).
    pub filled_notional: i128,
    /// Σ fees of fills (notional-scale mantissa).
    pub fees: i64,
    /// Lowest fill price mantissa.
    pub min_fill_px: i64,
    /// Highest fill price mantissa.
    pub max_fill_px: i64,
    /// Number of fills.
    pub fill_count: u32,
    /// Last venue trade id booked (duplicates are ignored).
    pub last_trade_id: u64,
    /// A cancel request is in flight.
    pub cancel_pending: bool,
    /// A replace request is in flight: (qty, price).
    pub replace_pending: Option<(i64, Option<i64>)>,
    /// Held order whose trigger fired, waiting for its OCO sibling's cancel to be confirmed.
    pub release_pending: bool,
    /// Contingent links.
    pub links: Links,
    /// Why it is where it is.
    pub reason: Reason,
    /// The venue's reason, when `reason == Reason::Venue`.
    pub venue_reject: Option<VenueReject>,
    /// The gate's refusal text, when `reason == Reason::Gate`.
    pub reject_text: Option<String>,
    /// Creation time.
    pub created: Timestamp,
    /// Time of the last change.
    pub updated: Timestamp,
    /// When a held DAY order expires (end of its UTC day).
    pub expires: Option<Timestamp>,
}

impl Order {
    /// Open quantity mantissa (`qty − filled`).
    #[inline]
    #[must_use]
    pub fn leaves(&self) -> i64 {
        self.qty - self.filled
    }

    /// VWAP of fills, half-even at the price scale (`None` before any fill). Because it is
    /// rounded to the price grid it always lies within `[min_fill_px, max_fill_px]`.
    #[must_use]
    pub fn avg_px(&self) -> Option<i64> {
        if self.filled == 0 {
            return None;
        }
        // Fast path: both fit in i64 (the usual case); i128 division is several times slower.
        if let Ok(num) = i64::try_from(self.filled_notional) {
            let den = self.filled;
            let q = num.div_euclid(den);
            let r = num.rem_euclid(den);
            return Some(match (2 * i128::from(r)).cmp(&i128::from(den)) {
                std::cmp::Ordering::Less => q,
                std::cmp::Ordering::Greater => q + 1,
                std::cmp::Ordering::Equal => q + (q & 1),
            });
        }
        let num = self.filled_notional;
        let den = i128::from(self.filled);
        let q = num.div_euclid(den);
        let r = num.rem_euclid(den);
        let q = match (2 * r).cmp(&den) {
            std::cmp::Ordering::Less => q,
            std::cmp::Ordering::Greater => q + 1,
            std::cmp::Ordering::Equal => q + (q & 1),
        };
        i64::try_from(q).ok()
    }

    /// `true` if not terminal.
    #[inline]
    #[must_use]
    pub fn is_open(&self) -> bool {
        !self.status.is_terminal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_states_accept_nothing() {
        for s in [
            OrderStatus::Filled,
            OrderStatus::Cancelled,
            OrderStatus::Rejected,
            OrderStatus::Expired,
        ] {
            for t in [
                Transition::Accept,
                Transition::Reject,
                Transition::Fill,
                Transition::Cancel,
                Transition::Expire,
                Transition::Replace,
                Transition::Release,
            ] {
                assert!(!allowed(s, t), "{s:?} {t:?}");
            }
        }
        assert!(allowed(OrderStatus::New, Transition::Fill));
        assert!(!allowed(OrderStatus::Accepted, Transition::Reject));
        assert!(!allowed(OrderStatus::Held, Transition::Fill));
        assert!(!allowed(OrderStatus::New, Transition::Replace));
    }
}
