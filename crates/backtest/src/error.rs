//! Errors of the backtest crate (misuse and bad configuration). Rejected orders and bad
//! records are data, not errors: see [`crate::session::Reject`] and
//! [`crate::record::RecordError`].

/// Misuse of the backtest API or an invalid configuration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BacktestError {
    /// A configuration field is invalid.
    #[error("invalid backtest config {field}: {reason}")]
    Config {
        /// The field (camelCase, as in the JS options).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An instrument spec is invalid.
    #[error(transparent)]
    Instrument(#[from] tachyon_core::InstrumentError),
    /// Exact arithmetic overflowed (a position or cash balance beyond the fixed-point range).
    #[error("fixed-point overflow in {0}")]
    Overflow(&'static str),
    /// A byte buffer is not a whole number of records.
    #[error("buffer of {len} bytes is not a whole number of {size}-byte records")]
    BadBuffer {
        /// Bytes given.
        len: usize,
        /// Record size.
        size: usize,
    },
    /// A split could not be made from these sizes.
    #[error("cannot split: {0}")]
    Split(String),
}

impl BacktestError {
    /// Stable machine-readable code (the JS error `code`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Config { .. } => "ERR_BACKTEST_CONFIG",
            Self::Instrument(e) => e.code(),
            Self::Overflow(_) => "ERR_OVERFLOW",
            Self::BadBuffer { .. } => "ERR_INVALID_ARG",
            Self::Split(_) => "ERR_BACKTEST_SPLIT",
        }
    }

    pub(crate) fn config(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Config {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
