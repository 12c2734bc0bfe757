//! # tachyon-models
//!
//! The models kernel of Tachyon: volatility, correlation and market-microstructure models.
//! Pure Rust, `std` and `tachyon-stats` only, builds with Rust 1.63 so it also compiles to
//! WebAssembly (see CONTRIBUTING.md, "The Rust 1.63 rule").
//!
//! - [`garch`]: GARCH(1,1), GJR-GARCH(1,1), EGARCH(1,1) with Normal or Student-t errors —
//!   maximum likelihood with analytic gradients, standard errors (classic and robust),
//!   AIC/BIC, the online one-observation variance update, analytic forecasts, simulation.
//! - [`dcc`]: DCC-GARCH (Engle 2002 two-step), online `Q_t`/`R_t`, forecasts, a
//!   correlation-breakdown indicator.
//! - [`realized`]: realized variance, bipower variation, rolling OHLC estimators (Yang-Zhang,
//!   Parkinson, Garman-Klass, Rogers-Satchell, close-to-close).
//! - [`vpin`]: VPIN with bulk volume classification and equal-volume buckets, streaming and
//!   batch, and the empirical VPIN CDF.
//! - [`micro`]: multi-level order-flow imbalance, weighted mid, Kyle's lambda, Amihud
//!   illiquidity, Roll spread, effective spread.
//! - [`microprice`]: Stoikov's micro-price (Markov-chain estimate of the expected future mid).
//! - [`optim`]: the constrained quasi-Newton minimiser behind every maximum-likelihood fit.
//!
//! Every fallible routine returns [`ModelError`], whose [`code`](ModelError::code) is the
//! stable string the N-API layer puts on JavaScript errors. Streaming objects never fail on a
//! bad observation: they skip it and count it in their stats.
//!
//! ## Features
//! None.

pub mod dcc;
pub mod error;
pub mod garch;
pub mod micro;
pub mod microprice;
pub mod optim;
pub mod realized;
mod rolling;
pub mod vpin;

pub use error::{ModelError, Result};
