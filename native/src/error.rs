//! The one place Rust errors become JavaScript errors.
//!
//! Every error thrown by the addon is a JS `Error` whose `code` is a stable string
//! (`ERR_SCALE_MISMATCH`, `ERR_INVALID_ARG`, …) and whose message says what was wrong.
//! Pure crates give each error a `code()`; [`Coded`] collects them and [`OrThrow`] converts.

use std::fmt::Display;

/// The `code` of a thrown JS error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode(pub &'static str);

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// Result type of every binding that can throw. (Named `Result` on purpose: napi-derive
/// recognises fallible exports by that name.)
pub type Result<T> = napi::Result<T, ErrorCode>;

/// An error with a stable code.
pub trait Coded: Display {
    /// The stable code.
    fn code(&self) -> &'static str;
}

macro_rules! coded {
    ($($t:ty),* $(,)?) => {
        $(impl Coded for $t {
            fn code(&self) -> &'static str {
                <$t>::code(self)
            }
        })*
    };
}

coded!(
    tachyon_core::FixedError,
    tachyon_core::InstrumentError,
    tachyon_core::PoolError,
    tachyon_core::time::ClockError,
    tachyon_core::ring::CapacityError,
    tachyon_core::shm::RingError,
    tachyon_indicators::IndicatorError,
    tachyon_indicators::InputError,
    tachyon_signals::SignalError,
    tachyon_engine::EngineError,
    tachyon_riskmath::SizingError,
    tachyon_riskmath::VarError,
    tachyon_models::ModelError,
    tachyon_stats::StatsError,
    tachyon_book::BookError,
    tachyon_oms::OmsError,
    tachyon_sim::SimError,
);

/// Builds the JS error for a coded Rust error.
pub fn to_js(e: &impl Coded) -> napi::Error<ErrorCode> {
    napi::Error::new(ErrorCode(e.code()), e.to_string())
}

/// The rejection of an `AsyncTask` promise for a coded error: the same JS `Error` (code and
/// message) the sync form throws. (A task's own error type carries only a napi `Status`, so the
/// JS error is built here, on the JS thread, and handed back by reference.)
pub fn rejection(env: &napi::Env, e: &impl Coded) -> napi::Error {
    let js = napi::JsError::from(to_js(e)).into_unknown(*env);
    napi::Error::from(js)
}

/// A misuse of the API detected in the binding itself (bad argument shape or range).
pub fn invalid_arg(message: impl Into<String>) -> napi::Error<ErrorCode> {
    napi::Error::new(ErrorCode("ERR_INVALID_ARG"), message.into())
}

/// An operation on an object in the wrong state (e.g. pushing to a closed stream).
pub fn invalid_state(message: impl Into<String>) -> napi::Error<ErrorCode> {
    napi::Error::new(ErrorCode("ERR_INVALID_STATE"), message.into())
}

/// The OS refused something (thread creation, …).
pub fn system(message: impl Into<String>) -> napi::Error<ErrorCode> {
    napi::Error::new(ErrorCode("ERR_SYSTEM"), message.into())
}

/// Converts `std::result::Result<T, E: Coded>` into a binding [`Result`].
pub trait OrThrow<T> {
    /// Maps the error through [`to_js`].
    ///
    /// # Errors
    /// The mapped error.
    fn or_throw(self) -> Result<T>;
}

impl<T, E: Coded> OrThrow<T> for std::result::Result<T, E> {
    #[inline]
    fn or_throw(self) -> Result<T> {
        self.map_err(|e| to_js(&e))
    }
}
