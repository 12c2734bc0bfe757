//! Errors of the signals crate.

use std::fmt;

use tachyon_indicators::IndicatorError;

/// A parameter, an input shape or an input value is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalError {
    /// A parameter is out of range.
    InvalidParam {
        /// Parameter name.
        name: &'static str,
        /// What was given.
        value: f64,
        /// What is accepted.
        expected: &'static str,
    },
    /// Inputs differ in length (or a source/model index is out of range).
    LengthMismatch {
        /// The offending input.
        what: &'static str,
        /// Its length (or index).
        len: usize,
        /// The expected length (or count).
        expected: usize,
    },
    /// An input value is not usable (NaN, out of its domain).
    InvalidInput {
        /// The input.
        what: &'static str,
        /// Position in the call's inputs.
        index: usize,
        /// The value.
        value: f64,
        /// What is accepted.
        expected: &'static str,
    },
}

impl SignalError {
    /// Stable error code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidParam { .. } => "ERR_INVALID_PARAM",
            Self::LengthMismatch { .. } => "ERR_LENGTH_MISMATCH",
            Self::InvalidInput { .. } => "ERR_INVALID_INPUT",
        }
    }
}

impl fmt::Display for SignalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidParam {
                name,
                value,
                expected,
            } => write!(f, "{name} must be {expected}, got {value}"),
            Self::LengthMismatch {
                what,
                len,
                expected,
            } => write!(f, "{what} has length {len}, expected {expected}"),
            Self::InvalidInput {
                what,
                index,
                value,
                expected,
            } => write!(f, "{what}[{index}] must be {expected}, got {value}"),
        }
    }
}

impl std::error::Error for SignalError {}

impl From<IndicatorError> for SignalError {
    fn from(e: IndicatorError) -> Self {
        match e {
            IndicatorError::InvalidParam {
                name,
                value,
                expected,
            } => Self::InvalidParam {
                name,
                value,
                expected,
            },
            IndicatorError::MissingField { field } => Self::LengthMismatch {
                what: field,
                len: 0,
                expected: 1,
            },
            IndicatorError::LengthMismatch {
                what,
                len,
                expected,
            } => Self::LengthMismatch {
                what,
                len,
                expected,
            },
        }
    }
}

/// `Ok(())` if `ok`, else an [`SignalError::InvalidParam`].
pub(crate) fn check(
    name: &'static str,
    value: f64,
    ok: bool,
    expected: &'static str,
) -> Result<(), SignalError> {
    if ok {
        Ok(())
    } else {
        Err(SignalError::InvalidParam {
            name,
            value,
            expected,
        })
    }
}
