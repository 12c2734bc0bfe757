//! # tachyon-stats
//!
//! The statistics kernel of Tachyon: pure Rust, `std` only, builds with Rust 1.63 so it also
//! compiles to WebAssembly (see CONTRIBUTING.md, "The Rust 1.63 rule").
//!
//! Shared numerical infrastructure (used by `tachyon-models` and `tachyon-riskmath`):
//! - [`special`]: log-gamma, digamma, error function, incomplete gamma and beta, and the
//!   normal, chi-square and Student-t distributions (CDF, survival, quantile, density).
//! - [`linalg`]: a small dense row-major [`Matrix`](linalg::Matrix) with Cholesky, SPD solves
//!   and inverse, log-determinant, Householder least squares and the Jacobi symmetric
//!   eigen-decomposition.
//! - [`rng`]: [`Rng`](rng::Rng), xoshiro256** seeded by splitmix64, identical streams on every
//!   platform (including WASM), with normal, exponential, Poisson, gamma and Student-t draws.
//!
//! Every fallible routine returns [`StatsError`], whose [`code`](StatsError::code) is the
//! stable string the N-API layer puts on JavaScript errors.
//!
//! ## Features
//! None.

pub mod error;
pub mod linalg;
pub mod rng;
pub mod special;

pub use error::{Result, StatsError};
