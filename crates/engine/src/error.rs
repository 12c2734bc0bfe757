//! The crate's error type: misuse and invalid configuration. Domain outcomes (a rejected order,
//! a held instrument) are data, not errors.

use crate::control::Mode;

/// What went wrong, with a stable [`EngineError::code`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// A configuration field is invalid; `field` uses the documented (JS) key, e.g.
    /// `limits.concentration` or `weights[3]`.
    #[error("invalid config `{field}`: {reason}")]
    Config {
        /// The documented key of the field at fault.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An input has the wrong length.
    #[error("{what}: expected length {expected}, got {got}")]
    Dimension {
        /// Which input.
        what: &'static str,
        /// The length required.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The requested SIMD path is not available on this CPU.
    #[error("kernel path `{0}` is not supported on this CPU")]
    UnsupportedPath(&'static str),
    /// An instrument or venue id that was never registered.
    #[error("unknown {what} id {id}")]
    Unknown {
        /// `"instrument"` or `"venue"`.
        what: &'static str,
        /// The id given.
        id: u32,
    },
    /// A mode change that the control state machine does not allow.
    #[error("mode transition {from} → {to} is not allowed{hint}")]
    Transition {
        /// Current mode.
        from: Mode,
        /// Requested mode.
        to: Mode,
        /// Extra guidance (e.g. "leaving emergency needs reset()").
        hint: &'static str,
    },
    /// An Emergency reset without the right key (or with none configured).
    #[error("reset refused: {0}")]
    ResetDenied(&'static str),
    /// A value that must be a finite number is not; names the argument.
    #[error("{0} must be a finite number")]
    NotFinite(&'static str),
    /// Sizing inputs are unusable (`tachyon_riskmath`).
    #[error("sizing: {0}")]
    Sizing(#[from] tachyon_riskmath::SizingError),
    /// VaR inputs are unusable (`tachyon_riskmath`).
    #[error("var: {0}")]
    Var(#[from] tachyon_riskmath::VarError),
    /// A fixed-point operation failed (scale mismatch, overflow …).
    #[error(transparent)]
    Fixed(#[from] tachyon_core::FixedError),
}

impl EngineError {
    /// Stable machine-readable code (the JS error `code`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Config { .. } => "ERR_INVALID_CONFIG",
            Self::Dimension { .. } => "ERR_DIMENSION",
            Self::UnsupportedPath(_) => "ERR_UNSUPPORTED_PATH",
            Self::Unknown { .. } => "ERR_UNKNOWN_ID",
            Self::Transition { .. } => "ERR_MODE_TRANSITION",
            Self::ResetDenied(_) => "ERR_RESET_DENIED",
            Self::NotFinite(_) => "ERR_NOT_FINITE",
            Self::Sizing(e) => e.code(),
            Self::Var(e) => e.code(),
            Self::Fixed(e) => e.code(),
        }
    }
}
