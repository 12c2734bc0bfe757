//! # tachyon-riskmath
//!
//! Risk mathematics for Tachyon, a kernel crate: `std` only (plus other kernel crates), Rust
//! 1.63, compiled to WebAssembly as well as natively.
//!
//! - [`sizing`]: position size as a fraction of equity — fractional Kelly (binary and
//!   continuous, multiplier capped at [`sizing::KELLY_CAP`] = 0.25), fixed fractional,
//!   volatility target (from e.g. a GARCH σ forecast), ATR stops; every result clamped to the
//!   caller's cap.
//! - [`var`]: VaR and CVaR — historical (numpy `linear` quantiles), on samples or on portfolio
//!   scenario rows.
//!
//! Errors are hand-written enums with a stable `code()`.

pub mod sizing;
pub mod var;

pub use sizing::{position_fraction, Sizing, SizingError, KELLY_CAP};
pub use var::{historical, VarError, VarEstimate};
