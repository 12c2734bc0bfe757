//! Errors of constructors and batch calls (per-bar refusals are [`InputError`](crate::InputError)).

use std::fmt;

/// A constructor parameter or a batch call's shape is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorError {
    /// A parameter is out of its range.
    InvalidParam {
        /// Parameter name.
        name: &'static str,
        /// What was given.
        value: f64,
        /// What is accepted, e.g. `"an integer ≥ 1"`.
        expected: &'static str,
    },
    /// An input column the indicator reads was not given.
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// Input or output columns differ in length.
    LengthMismatch {
        /// The offending column.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The expected length.
        expected: usize,
    },
}

impl IndicatorError {
    /// Stable error code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidParam { .. } => "ERR_INVALID_PARAM",
            Self::MissingField { .. } => "ERR_MISSING_FIELD",
            Self::LengthMismatch { .. } => "ERR_LENGTH_MISMATCH",
        }
    }

    pub(crate) fn param(name: &'static str, value: f64, expected: &'static str) -> Self {
        Self::InvalidParam {
            name,
            value,
            expected,
        }
    }
}

impl fmt::Display for IndicatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidParam {
                name,
                value,
                expected,
            } => write!(f, "{name} must be {expected}, got {value}"),
            Self::MissingField { field } => {
                write!(f, "input column {field} is required by this indicator")
            }
            Self::LengthMismatch {
                what,
                len,
                expected,
            } => write!(f, "{what} has length {len}, expected {expected}"),
        }
    }
}

impl std::error::Error for IndicatorError {}

/// Checks an integer period in `[min, 1_000_000]`.
pub(crate) fn period(name: &'static str, p: usize, min: usize) -> Result<usize, IndicatorError> {
    if p < min || p > 1_000_000 {
        Err(IndicatorError::param(
            name,
            p as f64,
            if min <= 1 {
                "an integer between 1 and 1000000"
            } else {
                "an integer between 2 and 1000000"
            },
        ))
    } else {
        Ok(p)
    }
}

/// Checks a finite positive real.
pub(crate) fn positive(name: &'static str, x: f64) -> Result<f64, IndicatorError> {
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(IndicatorError::param(name, x, "a finite number > 0"))
    }
}
