//! Why the risk engine refused an order: one variant per limit, each with a stable code.

use std::fmt;

use tachyon_core::{Notional, Quantity, Rejection};

use crate::control::Mode;

/// A refused order (a domain outcome, returned as data).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RiskRejection {
    /// The instrument id was never registered.
    UnknownInstrument {
        /// The id given.
        id: u32,
    },
    /// The control mode forbids this order (Pause: every order; Reduce and Emergency: every
    /// order that is not position-reducing).
    Mode {
        /// The mode in force.
        mode: Mode,
    },
    /// In Reduce mode, the order cuts more than `limits.reduceStage` of the position.
    ReduceStage {
        /// Quantity asked.
        qty: Quantity,
        /// Largest quantity allowed in this stage.
        max: Quantity,
    },
    /// Price/quantity precision, tick, lot, min/max quantity or min/max notional of the
    /// instrument (`tachyon_core::Instrument::check_order`).
    Instrument(Rejection),
    /// Above `limits.maxOrderNotional`.
    MaxOrderNotional {
        /// The order's notional.
        notional: Notional,
        /// The limit.
        max: Notional,
    },
    /// `limits.maxOrders` orders were already approved within `limits.rateWindowMs`.
    RateLimit {
        /// The limit.
        max_orders: u32,
        /// The window.
        window_ms: u64,
    },
    /// |position after the order| above `instruments[i].maxPosition` (and growing).
    PositionLimit {
        /// Position after the order.
        position: Quantity,
        /// The limit.
        max: Quantity,
    },
    /// No (positive) equity is known, so no risk-increasing order can be sized against it.
    NoEquity,
    /// Drawdown from peak at or beyond `limits.hardDrawdown`: only reducing orders pass.
    HardDrawdown {
        /// Current drawdown (fraction).
        drawdown: f64,
        /// The limit.
        limit: f64,
    },
    /// Drawdown from peak at or beyond `limits.softDrawdown`: only reducing orders pass.
    SoftDrawdown {
        /// Current drawdown (fraction).
        drawdown: f64,
        /// The limit.
        limit: f64,
    },
    /// Loss since the day's start at or beyond `limits.dailyLoss`: only reducing orders pass.
    DailyLoss {
        /// Current loss (fraction of the day's starting equity).
        loss: f64,
        /// The limit.
        limit: f64,
    },
    /// |position notional| / equity would exceed `limits.concentration`.
    Concentration {
        /// Ratio after the order.
        ratio: f64,
        /// The limit.
        limit: f64,
    },
    /// Exposure of the instrument and its correlated partners / equity would exceed
    /// `limits.maxCorrelatedExposure`.
    CorrelatedExposure {
        /// Ratio after the order.
        ratio: f64,
        /// The limit.
        limit: f64,
    },
    /// Portfolio heat / equity would exceed `limits.maxHeat`.
    Heat {
        /// Ratio after the order.
        ratio: f64,
        /// The limit.
        limit: f64,
    },
    /// Gross notional on the venue / its equity would exceed its leverage cap.
    Leverage {
        /// Venue id.
        venue: u32,
        /// Leverage after the order.
        ratio: f64,
        /// The cap.
        limit: f64,
    },
    /// The position or notional after the order does not fit the fixed-point range.
    Overflow,
}

/// Every rejection code, in counter order.
pub const REJECTION_CODES: [&str; 27] = [
    "UNKNOWN_INSTRUMENT",
    "MODE_PAUSE",
    "MODE_REDUCE",
    "MODE_EMERGENCY",
    "REDUCE_STAGE",
    "WRONG_SCALE",
    "NON_POSITIVE_PRICE",
    "OFF_TICK",
    "NON_POSITIVE_QUANTITY",
    "OFF_LOT",
    "BELOW_MIN_QUANTITY",
    "ABOVE_MAX_QUANTITY",
    "BELOW_MIN_NOTIONAL",
    "ABOVE_MAX_NOTIONAL",
    "NOTIONAL_OVERFLOW",
    "MAX_ORDER_NOTIONAL",
    "RATE_LIMIT",
    "POSITION_LIMIT",
    "NO_EQUITY",
    "HARD_DRAWDOWN",
    "SOFT_DRAWDOWN",
    "DAILY_LOSS",
    "CONCENTRATION",
    "CORRELATED_EXPOSURE",
    "PORTFOLIO_HEAT",
    "LEVERAGE",
    "OVERFLOW",
];

impl RiskRejection {
    /// Stable code (one of [`REJECTION_CODES`]).
    #[must_use]
    pub fn code(&self) -> &'static str {
        REJECTION_CODES[self.index()]
    }

    /// Position of [`RiskRejection::code`] in [`REJECTION_CODES`].
    #[must_use]
    pub fn index(&self) -> usize {
        match self {
            Self::UnknownInstrument { .. } => 0,
            Self::Mode { mode } => match mode {
                Mode::Pause | Mode::Normal => 1,
                Mode::Reduce => 2,
                Mode::Emergency => 3,
            },
            Self::ReduceStage { .. } => 4,
            Self::Instrument(r) => match r {
                Rejection::WrongScale { .. } => 5,
                Rejection::NonPositivePrice(_) => 6,
                Rejection::OffTick { .. } => 7,
                Rejection::NonPositiveQuantity(_) => 8,
                Rejection::OffLot { .. } => 9,
                Rejection::BelowMinQuantity { .. } => 10,
                Rejection::AboveMaxQuantity { .. } => 11,
                Rejection::BelowMinNotional { .. } => 12,
                Rejection::AboveMaxNotional { .. } => 13,
                Rejection::NotionalOverflow => 14,
            },
            Self::MaxOrderNotional { .. } => 15,
            Self::RateLimit { .. } => 16,
            Self::PositionLimit { .. } => 17,
            Self::NoEquity => 18,
            Self::HardDrawdown { .. } => 19,
            Self::SoftDrawdown { .. } => 20,
            Self::DailyLoss { .. } => 21,
            Self::Concentration { .. } => 22,
            Self::CorrelatedExposure { .. } => 23,
            Self::Heat { .. } => 24,
            Self::Leverage { .. } => 25,
            Self::Overflow => 26,
        }
    }
}

fn pct(x: f64) -> String {
    format!("{:.3}%", x * 100.0)
}

impl fmt::Display for RiskRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownInstrument { id } => write!(f, "unknown instrument id {id}"),
            Self::Mode { mode } => match mode {
                Mode::Pause | Mode::Normal => write!(f, "trading is paused: no new orders"),
                Mode::Reduce => write!(f, "reduce mode: only position-reducing orders"),
                Mode::Emergency => {
                    write!(f, "emergency: only orders that flatten positions")
                }
            },
            Self::ReduceStage { qty, max } => write!(
                f,
                "reduce mode: quantity {qty} is above this stage's maximum {max}"
            ),
            Self::Instrument(r) => fmt::Display::fmt(r, f),
            Self::MaxOrderNotional { notional, max } => write!(
                f,
                "order notional {notional} is above limits.maxOrderNotional {max}"
            ),
            Self::RateLimit {
                max_orders,
                window_ms,
            } => write!(
                f,
                "order rate limit: {max_orders} orders per {window_ms} ms already reached"
            ),
            Self::PositionLimit { position, max } => write!(
                f,
                "position after the order {position} is above maxPosition {max}"
            ),
            Self::NoEquity => write!(f, "no positive equity is known (call setEquity)"),
            Self::HardDrawdown { drawdown, limit } => write!(
                f,
                "drawdown {} is at or beyond the hard limit {}",
                pct(*drawdown),
                pct(*limit)
            ),
            Self::SoftDrawdown { drawdown, limit } => write!(
                f,
                "drawdown {} is at or beyond the soft limit {}",
                pct(*drawdown),
                pct(*limit)
            ),
            Self::DailyLoss { loss, limit } => write!(
                f,
                "daily loss {} is at or beyond the limit {}",
                pct(*loss),
                pct(*limit)
            ),
            Self::Concentration { ratio, limit } => write!(
                f,
                "position would be {} of equity, above the concentration limit {}",
                pct(*ratio),
                pct(*limit)
            ),
            Self::CorrelatedExposure { ratio, limit } => write!(
                f,
                "correlated exposure would be {} of equity, above {}",
                pct(*ratio),
                pct(*limit)
            ),
            Self::Heat { ratio, limit } => write!(
                f,
                "portfolio heat would be {} of equity, above {}",
                pct(*ratio),
                pct(*limit)
            ),
            Self::Leverage {
                venue,
                ratio,
                limit,
            } => write!(
                f,
                "leverage on venue {venue} would be {ratio:.3}×, above the cap {limit}×"
            ),
            Self::Overflow => write!(f, "position or notional overflows the fixed-point range"),
        }
    }
}
