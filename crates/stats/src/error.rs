//! [`StatsError`]: the one error type of the statistics kernel.
//!
//! Written by hand (no `thiserror`: kernel crates depend on `std` only). Every variant has a
//! stable [`code`](StatsError::code) string that the N-API layer copies into the JS error.

use std::fmt;

/// What went wrong in a statistics routine.
///
/// Domain failures that are *answers* (a fit that did not converge but produced a usable
/// estimate, a test on a short sample) are reported in result structs where that is more
/// useful; this enum is for inputs the routine cannot work with at all.
#[derive(Debug, Clone, PartialEq)]
pub enum StatsError {
    /// An input value is NaN or ±∞.
    NotFinite {
        /// The argument that held it.
        what: &'static str,
        /// Position of the first offending element (0 for scalars).
        index: usize,
    },
    /// The series is too short for the requested model or statistic.
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
    /// The series (or a regressor) has no variation, so the statistic is undefined.
    Constant {
        /// The argument.
        what: &'static str,
    },
    /// A parameter is outside its domain (e.g. a negative variance, a probability above 1).
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// What the domain is, e.g. `"must be > 0"`.
        reason: &'static str,
        /// The value given.
        value: f64,
    },
    /// Matrix shapes do not fit the operation.
    Shape {
        /// The operation.
        what: &'static str,
        /// Expected `rows × cols`.
        expected: (usize, usize),
        /// Given `rows × cols`.
        got: (usize, usize),
    },
    /// A matrix that must be symmetric positive definite is not (Cholesky met a
    /// non-positive pivot).
    NotPositiveDefinite {
        /// The pivot index where factorisation failed.
        pivot: usize,
    },
    /// A design matrix is rank deficient (least squares has no unique solution).
    Singular {
        /// Numerical rank found.
        rank: usize,
        /// Number of columns.
        cols: usize,
    },
    /// An iterative method did not converge within its iteration budget.
    NoConvergence {
        /// The method.
        what: &'static str,
        /// Iterations spent.
        iterations: usize,
    },
}

impl StatsError {
    /// The stable code carried into JavaScript errors.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFinite { .. } => "ERR_NOT_FINITE",
            Self::TooShort { .. } => "ERR_TOO_SHORT",
            Self::LengthMismatch { .. } => "ERR_LENGTH_MISMATCH",
            Self::Constant { .. } => "ERR_CONSTANT_SERIES",
            Self::InvalidParameter { .. } => "ERR_INVALID_PARAMETER",
            Self::Shape { .. } => "ERR_SHAPE",
            Self::NotPositiveDefinite { .. } => "ERR_NOT_POSITIVE_DEFINITE",
            Self::Singular { .. } => "ERR_SINGULAR",
            Self::NoConvergence { .. } => "ERR_NO_CONVERGENCE",
        }
    }
}

impl fmt::Display for StatsError {
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
            Self::Shape {
                what,
                expected,
                got,
            } => write!(
                f,
                "{what}: expected a {}x{} matrix, got {}x{}",
                expected.0, expected.1, got.0, got.1
            ),
            Self::NotPositiveDefinite { pivot } => write!(
                f,
                "matrix is not symmetric positive definite (pivot {pivot} is not positive)"
            ),
            Self::Singular { rank, cols } => {
                write!(
                    f,
                    "design matrix is rank deficient (rank {rank} < {cols} columns)"
                )
            }
            Self::NoConvergence { what, iterations } => {
                write!(f, "{what} did not converge in {iterations} iterations")
            }
        }
    }
}

impl std::error::Error for StatsError {}

/// Result alias of the crate.
pub type Result<T> = std::result::Result<T, StatsError>;

/// Checks every element of `xs` is finite.
///
/// # Errors
/// [`StatsError::NotFinite`] naming `what` and the first bad index.
pub fn check_finite(xs: &[f64], what: &'static str) -> Result<()> {
    match xs.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(StatsError::NotFinite { what, index }),
        None => Ok(()),
    }
}

/// Checks `xs.len() >= needed`.
///
/// # Errors
/// [`StatsError::TooShort`].
pub fn check_len(xs: &[f64], needed: usize, what: &'static str) -> Result<()> {
    if xs.len() < needed {
        Err(StatsError::TooShort {
            what,
            needed,
            got: xs.len(),
        })
    } else {
        Ok(())
    }
}

/// Checks a scalar parameter with a predicate.
///
/// # Errors
/// [`StatsError::InvalidParameter`] when `ok` is false or `value` is not finite.
pub fn check_param(value: f64, ok: bool, name: &'static str, reason: &'static str) -> Result<()> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(StatsError::InvalidParameter {
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
    fn codes_are_stable_and_messages_name_the_input() {
        let e = StatsError::TooShort {
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
            StatsError::NotFinite {
                what: "x",
                index: 1
            }
        );
        assert!(check_param(f64::INFINITY, true, "nu", "must be > 0").is_err());
        assert!(check_param(2.0, true, "nu", "must be > 0").is_ok());
    }
}
