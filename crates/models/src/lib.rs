//! # tachyon-models
//!
//! The models kernel: volatility, correlation and market-microstructure models, pure Rust
//! (`std` and `tachyon-stats` only; builds with Rust 1.63 for WebAssembly).
//!
//! - [`optim`]: the constrained quasi-Newton minimiser behind every maximum-likelihood fit.
//! - [`error`]: [`ModelError`], the crate's one error type, with stable codes.

pub mod error;
pub mod optim;

pub use error::{ModelError, Result};
pub mod garch;
pub mod micro;
pub mod realized;
mod rolling;
