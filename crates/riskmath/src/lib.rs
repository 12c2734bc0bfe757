//! # tachyon-riskmath
//!
//! Risk mathematics for Tachyon, a kernel crate: `std` and `tachyon-stats` only, Rust
//! 1.63, compiled to WebAssembly as well as natively.
//!
//! - [`sizing`]: position size as a fraction of equity — fractional Kelly (binary and
//!   continuous, multiplier capped at [`sizing::KELLY_CAP`] = 0.25), fixed fractional,
//!   volatility target (from e.g. a GARCH σ forecast), ATR stops; every result clamped to the
//!   caller's cap.
//! - [`var`]: VaR and CVaR — historical (numpy `linear` quantiles), on samples or on portfolio
//!   scenario rows.
//! - [`parametric`]: portfolio VaR/CVaR from means, volatilities and a correlation matrix —
//!   parametric Normal and Student-t, and seeded Monte Carlo (Cholesky of `D R D`).
//!
//! Errors are hand-written enums with a stable `code()`.

pub mod parametric;
pub mod sizing;
pub mod var;

pub use parametric::{parametric, Dist, Portfolio};
pub use sizing::{position_fraction, Sizing, SizingError, KELLY_CAP};
pub use var::{historical, VarError, VarEstimate};
