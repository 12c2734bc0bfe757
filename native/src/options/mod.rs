//! Every option object a binding accepts, and its validation (`TryFrom` into the pure crates'
//! types). One file per area; shared argument helpers live here.

pub mod book;
pub mod core;
pub mod engine;
pub mod indicators;
pub mod models;
pub mod oms;
pub mod signals;
pub mod sim;
pub mod stats;

pub use self::book::*;
pub use self::core::*;
pub use self::oms::*;
pub use self::sim::*;

use napi::bindgen_prelude::BigInt;

use crate::error::{invalid_arg, Result};

/// A JS number that must be an integer exactly representable in a double.
///
/// # Errors
/// `ERR_INVALID_ARG` naming `what` for NaN, ±∞, fractions or unsafe integers.
pub fn safe_integer(x: f64, what: &str) -> Result<i64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !x.is_finite() || x.fract() != 0.0 || x.abs() > MAX_SAFE {
        return Err(invalid_arg(format!(
            "{what} must be a safe integer, got {x}"
        )));
    }
    Ok(x as i64)
}

/// A finite JS number.
///
/// # Errors
/// `ERR_INVALID_ARG` naming `what` for NaN or ±∞.
pub fn finite(x: f64, what: &str) -> Result<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(invalid_arg(format!(
            "{what} must be a finite number, got {x}"
        )))
    }
}

/// A BigInt that must fit `i64`.
///
/// # Errors
/// `ERR_INVALID_ARG` naming `what`.
pub fn bigint_i64(b: &BigInt, what: &str) -> Result<i64> {
    let (v, lossless) = b.get_i64();
    if !lossless {
        return Err(invalid_arg(format!(
            "{what} does not fit a signed 64-bit integer"
        )));
    }
    Ok(v)
}
