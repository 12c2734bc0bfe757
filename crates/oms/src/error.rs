//! OMS errors: bad input and impossible venue events. Each is typed, counted by
//! [`OmsError::index`] in [`crate::OmsStats`], and leaves the OMS unchanged.

use tachyon_core::{FixedError, InstrumentId, Rejection};

use crate::order::OrderStatus;
use crate::types::OrderId;

/// Why the OMS refused a request or a venue event.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OmsError {
    /// No instrument with this id is registered.
    #[error("unknown instrument id {0}")]
    UnknownInstrument(InstrumentId),
    /// The client order id is already in use (within the dedup window or by an open order).
    #[error("client order id {client_id:?} was already used by order {existing}")]
    DuplicateClientId {
        /// The id.
        client_id: String,
        /// The order that has it.
        existing: OrderId,
    },
    /// The client order id is empty, too long or has a character outside `[A-Za-z0-9._:/-]`.
    #[error("client order id {0:?} must be 1-36 characters from [A-Za-z0-9._:/-]")]
    BadClientId(String),
    /// Price or quantity breaks an instrument rule (off tick, off lot, non-positive, …).
    #[error("{0}")]
    Instrument(Rejection),
    /// The combination of fields is not a valid order (missing price, post-only market, …).
    #[error("invalid order: {0}")]
    InvalidOrder(&'static str),
    /// A contingent order that cannot be made safe (e.g. an OCO of two resting limits).
    #[error("unsupported contingency: {0}")]
    UnsupportedContingency(&'static str),
    /// No order with this id.
    #[error("unknown order {0}")]
    UnknownOrder(OrderId),
    /// The order is closed (filled, cancelled, rejected or expired).
    #[error("order {order} is {status:?}; it cannot be changed")]
    OrderClosed {
        /// Order.
        order: OrderId,
        /// Its status.
        status: OrderStatus,
    },
    /// A cancel or replace is already in flight for this order.
    #[error("order {0} already has a cancel or replace in flight")]
    RequestInFlight(OrderId),
    /// A venue event that the order's state does not allow (e.g. a fill after a cancel was
    /// acknowledged, an acceptance of a rejected order).
    #[error("order {order}: {event} is not allowed in state {from:?}")]
    InvalidTransition {
        /// Order.
        order: OrderId,
        /// Its status.
        from: OrderStatus,
        /// The event.
        event: &'static str,
    },
    /// A fill larger than the open quantity.
    #[error("order {order}: fill of {qty} exceeds the open quantity {open}")]
    Overfill {
        /// Order.
        order: OrderId,
        /// Fill quantity mantissa.
        qty: i64,
        /// Open quantity mantissa.
        open: i64,
    },
    /// A fill at a worse price than the order's limit, off tick, or non-positive.
    #[error("order {order}: fill price {price} is not valid for this order")]
    BadFillPrice {
        /// Order.
        order: OrderId,
        /// Price mantissa.
        price: i64,
    },
    /// A fill with a zero or negative quantity.
    #[error("order {order}: fill quantity {qty} must be positive")]
    BadFillQty {
        /// Order.
        order: OrderId,
        /// Quantity mantissa.
        qty: i64,
    },
    /// A price or quantity given as text or a float is not a decimal at the instrument's
    /// scale (too precise, not a number, not finite). Raised by adapters that convert input
    /// before calling the OMS; the code is the fixed-point one (`ERR_TOO_PRECISE`, …).
    #[error("{field}: {source}")]
    BadNumber {
        /// Which field.
        field: &'static str,
        /// The conversion failure.
        source: FixedError,
    },
    /// Fixed-point overflow while booking (values beyond ±9.2e18 mantissa units).
    #[error("arithmetic: {0}")]
    Arithmetic(FixedError),
}

impl OmsError {
    /// Stable codes, indexed by [`OmsError::index`].
    pub const CODES: [&'static str; 15] = [
        "ERR_UNKNOWN_INSTRUMENT",
        "ERR_DUPLICATE_CLIENT_ID",
        "ERR_BAD_CLIENT_ID",
        "ERR_INVALID_PRICE_QTY",
        "ERR_INVALID_ORDER",
        "ERR_UNSUPPORTED_CONTINGENCY",
        "ERR_UNKNOWN_ORDER",
        "ERR_ORDER_CLOSED",
        "ERR_REQUEST_IN_FLIGHT",
        "ERR_INVALID_TRANSITION",
        "ERR_OVERFILL",
        "ERR_BAD_FILL_PRICE",
        "ERR_ARITHMETIC",
        "ERR_BAD_FILL_QTY",
        "ERR_BAD_NUMBER",
    ];

    /// Index of this reason in [`OmsError::CODES`] and the error counters.
    #[must_use]
    pub const fn index(&self) -> usize {
        match self {
            Self::UnknownInstrument(_) => 0,
            Self::DuplicateClientId { .. } => 1,
            Self::BadClientId(_) => 2,
            Self::Instrument(_) => 3,
            Self::InvalidOrder(_) => 4,
            Self::UnsupportedContingency(_) => 5,
            Self::UnknownOrder(_) => 6,
            Self::OrderClosed { .. } => 7,
            Self::RequestInFlight(_) => 8,
            Self::InvalidTransition { .. } => 9,
            Self::Overfill { .. } => 10,
            Self::BadFillPrice { .. } => 11,
            Self::Arithmetic(_) => 12,
            Self::BadFillQty { .. } => 13,
            Self::BadNumber { .. } => 14,
        }
    }

    /// Stable machine-readable code (the JS error `code`). Instrument rule failures use the
    /// core's rejection names prefixed with `ERR_` (`ERR_OFF_TICK`, `ERR_NON_POSITIVE_QUANTITY`,
    /// …) so the caller sees exactly which rule.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Instrument(r) => match r {
                Rejection::WrongScale { .. } => "ERR_WRONG_SCALE",
                Rejection::NonPositivePrice(_) => "ERR_NON_POSITIVE_PRICE",
                Rejection::OffTick { .. } => "ERR_OFF_TICK",
                Rejection::NonPositiveQuantity(_) => "ERR_NON_POSITIVE_QUANTITY",
                Rejection::OffLot { .. } => "ERR_OFF_LOT",
                Rejection::BelowMinQuantity { .. } => "ERR_BELOW_MIN_QUANTITY",
                Rejection::AboveMaxQuantity { .. } => "ERR_ABOVE_MAX_QUANTITY",
                Rejection::BelowMinNotional { .. } => "ERR_BELOW_MIN_NOTIONAL",
                Rejection::AboveMaxNotional { .. } => "ERR_ABOVE_MAX_NOTIONAL",
                Rejection::NotionalOverflow => "ERR_NOTIONAL_OVERFLOW",
            },
            Self::BadNumber { source, .. } => source.code(),
            _ => Self::CODES[self.index()],
        }
    }
}

impl From<FixedError> for OmsError {
    fn from(e: FixedError) -> Self {
        Self::Arithmetic(e)
    }
}
