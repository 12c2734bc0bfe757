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
//! Statistics and regimes:
//! - [`adf`]: augmented Dickey–Fuller test (lag choice by AIC/BIC/t-stat, MacKinnon p-values
//!   and critical values).
//! - [`diagnostics`]: moments, Jarque–Bera, autocorrelation, Ljung–Box / Box–Pierce.
//! - [`evt`]: peaks over threshold with a GPD tail (MLE, standard errors), VaR and ES.
//! - [`multitest`]: Bonferroni, Holm, Hochberg, Benjamini–Hochberg/Yekutieli adjustments.
//! - [`isotonic`]: weighted PAVA and an isotonic probability calibrator.
//! - [`hmm`]: Gaussian HMM (diagonal): Baum–Welch with restarts, Viterbi, online filter.
//! - [`mc`]: seeded path generators — GBM, Merton jump-diffusion, Heston (QE), OU.
//!
//! Every estimator is checked against an independent implementation (statsmodels, scipy,
//! R urca/tseries/evd/stats, hmmlearn, scikit-learn) on real data in `tests/fixtures/`.
//!
//! Every fallible routine returns [`StatsError`], whose [`code`](StatsError::code) is the
//! stable string the N-API layer puts on JavaScript errors.
//!
//! ## Features
//! None.

pub mod adf;
pub mod diagnostics;
pub mod error;
pub mod evt;
pub mod hmm;
pub mod isotonic;
pub mod linalg;
pub mod mc;
pub mod multitest;
pub mod rng;
pub mod special;

pub use error::{Result, StatsError};
