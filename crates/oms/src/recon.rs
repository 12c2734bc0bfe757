//! Reconciliation: the OMS's view against what a venue reports.

use tachyon_core::{InstrumentId, Timestamp};

use crate::oms::Oms;
use crate::order::OrderStatus;
use crate::types::OrderId;

/// An order as the venue reports it (its open orders, or a status query).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VenueOrder {
    /// Our order id (the venue's client order id).
    pub order_id: OrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Total quantity mantissa.
    pub qty: i64,
    /// Filled quantity mantissa.
    pub filled: i64,
    /// Still live at the venue.
    pub open: bool,
}

/// A position as the venue reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VenuePosition {
    /// Instrument.
    pub instrument: InstrumentId,
    /// Signed quantity mantissa.
    pub qty: i64,
}

/// One difference between the OMS and the venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discrepancy {
    /// The OMS thinks the order is live at the venue; the venue does not list it as open.
    MissingAtVenue {
        /// Order.
        order_id: OrderId,
        /// OMS status.
        ours: OrderStatus,
    },
    /// The venue lists an open order the OMS does not know or thinks closed.
    UnknownAtVenue {
        /// Order.
        order_id: OrderId,
        /// OMS status, if the OMS knows the order.
        ours: Option<OrderStatus>,
    },
    /// Filled quantities differ (fills missed or duplicated).
    FilledMismatch {
        /// Order.
        order_id: OrderId,
        /// OMS filled mantissa.
        ours: i64,
        /// Venue filled mantissa.
        venue: i64,
    },
    /// Net positions differ.
    PositionMismatch {
        /// Instrument.
        instrument: InstrumentId,
        /// OMS position mantissa.
        ours: i64,
        /// Venue position mantissa.
        venue: i64,
    },
}

impl Discrepancy {
    /// Stable code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::MissingAtVenue { .. } => "MISSING_AT_VENUE",
            Self::UnknownAtVenue { .. } => "UNKNOWN_AT_VENUE",
            Self::FilledMismatch { .. } => "FILLED_MISMATCH",
            Self::PositionMismatch { .. } => "POSITION_MISMATCH",
        }
    }
}

/// The result of [`Oms::reconcile`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconReport {
    /// Orders compared.
    pub orders_checked: usize,
    /// Positions compared.
    pub positions_checked: usize,
    /// Orders skipped because they were sent less than the grace period ago.
    pub in_flight: usize,
    /// Every difference found.
    pub discrepancies: Vec<Discrepancy>,
}

impl ReconReport {
    /// `true` if nothing differs.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.discrepancies.is_empty()
    }
}

impl Oms {
    /// Compares the OMS with the venue's open orders and positions. Orders changed less than
    /// `grace_ns` before `now` are skipped (their acknowledgement may still be in flight).
    /// Nothing is changed; see [`Oms::apply_reconciliation`].
    #[must_use]
    pub fn reconcile(
        &self,
        venue_orders: &[VenueOrder],
        venue_positions: &[VenuePosition],
        now: Timestamp,
        grace_ns: i64,
    ) -> ReconReport {
        let mut r = ReconReport::default();
        let recent = |t: Timestamp| now.nanos_since(t) < grace_ns;
        for v in venue_orders {
            r.orders_checked += 1;
            let ours = self.order(v.order_id);
            if let Some(o) = ours {
                if recent(o.updated) {
                    r.in_flight += 1;
                    continue;
                }
                if o.filled != v.filled {
                    r.discrepancies.push(Discrepancy::FilledMismatch {
                        order_id: v.order_id,
                        ours: o.filled,
                        venue: v.filled,
                    });
                }
            }
            if v.open && !ours.is_some_and(|o| o.status.is_at_venue()) {
                r.discrepancies.push(Discrepancy::UnknownAtVenue {
                    order_id: v.order_id,
                    ours: ours.map(|o| o.status),
                });
            }
        }
        let mut ours_open: Vec<_> = self
            .open_orders()
            .filter(|o| o.status.is_at_venue())
            .collect();
        ours_open.sort_by_key(|o| o.id);
        for o in ours_open {
            let listed = venue_orders.iter().any(|v| v.order_id == o.id && v.open);
            if !listed {
                if recent(o.updated) {
                    r.in_flight += 1;
                    continue;
                }
                r.orders_checked += 1;
                r.discrepancies.push(Discrepancy::MissingAtVenue {
                    order_id: o.id,
                    ours: o.status,
                });
            }
        }
        for v in venue_positions {
            r.positions_checked += 1;
            let ours = self
                .position(v.instrument)
                .map_or(0, crate::position::Position::qty_mantissa);
            if ours != v.qty {
                r.discrepancies.push(Discrepancy::PositionMismatch {
                    instrument: v.instrument,
                    ours,
                    venue: v.qty,
                });
            }
        }
        r
    }

    /// Closes the orders a report found missing at the venue (status Cancelled, reason
    /// `Reconciled`, a report emitted). Other differences need a decision (re-request fills,
    /// adopt the venue position) and are left to the caller. Returns how many were closed.
    pub fn apply_reconciliation(&mut self, report: &ReconReport, now: Timestamp) -> usize {
        let mut n = 0;
        for d in &report.discrepancies {
            if let Discrepancy::MissingAtVenue { order_id, .. } = *d {
                if self.order(order_id).is_some_and(|o| o.status.is_at_venue()) {
                    self.close_reconciled(order_id, now);
                    n += 1;
                }
            }
        }
        n
    }
}
