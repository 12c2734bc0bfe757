//! [`ModelError`]: the one error type of the models kernel.
//!
//! Written by hand (no `thiserror`: kernel crates depend on `std` only). Every variant has a
//! stable [`code`](ModelError::code) that the N-API layer copies into the JS error. The codes
//! shared with `tachyon-stats` (`ERR_NOT_FINITE`, `ERR_TOO_SHORT`, …) mean the same thing there.
//!
//! Errors are for inputs a routine cannot work with at all. A fit that ran but did not converge
//! is an *answer*: it comes back as data with a status (see [`crate::garch::FitStatus`]).

use std::fmt;

/// What went wrong in a model routine.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// An input value is NaN or ±∞.
    NotFinite {
        /// The argument that held it.
        what: &'static str,
        /// Position of the first offending element (0 for scalars).
        index: usize,
    },
    /// The series is too short for the model.
    TooShort {
        /// The argument or model.
        what: &'static str,
        /// The minimum length needed.
        needed: usize,
        /// The length given.
        got: usize,
    },
    /// Two inputs that must have equal lengths do not.
    LengthMismatch {
        /// Which pair.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// The series has no variation, so the model is not identified.
    Constant {
        /// The argument.
        what: &'static str,
    },
    /// A parameter or option is outside its domain.
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// What the domain is, e.g. `"must be > 0"`.
        reason: &'static str,
        /// The value given.
        value: f64,
    },
    /// An input element is outside its domain (e.g. a non-positive price, a high below the
    /// low).
    InvalidInput {
        /// The argument.
        what: &'static str,
        /// Position of the first offending element.
        index: usize,
        /// What the domain is.
        reason: &'static str,
    },
    /// A model specification that is not supported (e.g. a variance initialisation that a
    /// model kind does not define).
    InvalidSpec {
        /// What is wrong.
        reason: &'static str,
    },
    /// An error from the statistics kernel (linear algebra, special functions).
    Stats(tachyon_stats::StatsError),
}

impl ModelError {
    /// The stable code carried into JavaScript errors.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFinite { .. } => "ERR_NOT_FINITE",
            Self::TooShort { .. } => "ERR_TOO_SHORT",
            Self::LengthMismatch { .. } => "ERR_LENGTH_MISMATCH",
            Self::Constant { .. } => "ERR_CONSTANT_SERIES",
            Self::InvalidParameter { .. } => "ERR_INVALID_PARAMETER",
            Self::InvalidInput { .. } => "ERR_INVALID_INPUT",
            Self::InvalidSpec { .. } => "ERR_INVALID_SPEC",
            Self::Stats(e) => e.code(),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFinite { what, index } => {
                write!(f, "{what}[{index}] is not a finite number")
            }
            Self::TooShort { what, needed, got } => {
                write!(f, "{what} needs at least {needed} observations, got {got}")
            }
            Self::LengthMismatch {
                what,
                expected,
                got,
            } => write!(f, "{what}: expected length {expected}, got {got}"),
            Self::Constant { what } => write!(f, "{what} is constant (no variation)"),
            Self::InvalidParameter {
                name,
                reason,
                value,
            } => write!(f, "{name} {reason}, got {value}"),
            Self::InvalidInput {
                what,
                index,
                reason,
            } => write!(f, "{what}[{index}] {reason}"),
            Self::InvalidSpec { reason } => write!(f, "invalid model specification: {reason}"),
            Self::Stats(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for ModelError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Stats(e) => Some(e),
            _ => None,
        }
    }
}

impl From<tachyon_stats::StatsError> for ModelError {
    fn from(e: tachyon_stats::StatsError) -> Self {
        Self::Stats(e)
    }
}

/// Result alias of the crate.
pub type Result<T> = std::result::Result<T, ModelError>;

/// Checks every element of `xs` is finite.
///
/// # Errors
/// [`ModelError::NotFinite`] naming `what` and the first bad index.
pub(crate) fn check_finite(xs: &[f64], what: &'static str) -> Result<()> {
    match xs.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(ModelError::NotFinite { what, index }),
        None => Ok(()),
    }
}

/// Checks `len >= needed`.
///
/// # Errors
/// [`ModelError::TooShort`].
pub(crate) fn check_len(len: usize, needed: usize, what: &'static str) -> Result<()> {
    if len < needed {
        Err(ModelError::TooShort {
            what,
            needed,
            got: len,
        })
    } else {
        Ok(())
    }
}

/// Checks two lengths agree.
///
/// # Errors
/// [`ModelError::LengthMismatch`].
pub(crate) fn check_same_len(expected: usize, got: usize, what: &'static str) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(ModelError::LengthMismatch {
            what,
            expected,
            got,
        })
    }
}

/// Checks a scalar parameter with a predicate (non-finite values always fail).
///
/// # Errors
/// [`ModelError::InvalidParameter`].
pub(crate) fn check_param(
    value: f64,
    ok: bool,
    name: &'static str,
    reason: &'static str,
) -> Result<()> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(ModelError::InvalidParameter {
            name,
            reason,
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_messages() {
        let e = ModelError::TooShort {
            what: "returns",
            needed: 10,
            got: 3,
        };
        assert_eq!(e.code(), "ERR_TOO_SHORT");
        assert_eq!(
            e.to_string(),
            "returns needs at least 10 observations, got 3"
        );
        assert_eq!(
            check_finite(&[1.0, f64::NAN], "x").unwrap_err(),
            ModelError::NotFinite {
                what: "x",
                index: 1
            }
        );
        assert_eq!(
            check_param(f64::NAN, true, "p", "must be finite")
                .unwrap_err()
                .code(),
            "ERR_INVALID_PARAMETER"
        );
        assert_eq!(
            ModelError::InvalidSpec { reason: "x" }.code(),
            "ERR_INVALID_SPEC"
        );
    }
}
