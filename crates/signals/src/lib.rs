//! # tachyon-signals
//!
//! Trading signals built on bars and on other signals. Kernel crate: `std` and
//! `tachyon-indicators` only, Rust 1.63 (also compiled to WebAssembly).
//!
//! - [`wyckoff`]: [`Wyckoff`] — selling/buying climax, automatic rally/reaction, secondary
//!   test, spring, upthrust, sign of strength/weakness, and phase A–E labelling of
//!   accumulation and distribution ranges. The rules and the state machine are written down
//!   in the module docs.
//! - [`vpa`]: [`Vpa`] — volume-price analysis: effort vs result, no-demand and no-supply bars.
//! - [`fusion`]: [`SignalFusion`] — fusing directional signals of several sources: Bayesian
//!   (weights from each source's track record), consensus (majority with a quorum),
//!   time-decay and a hybrid; each returns direction, confidence and contributions.
//! - [`ensemble`]: [`Ensemble`] — combining model forecasts given as Beta(α, β): weighted
//!   direction and confidence, a disagreement penalty, regime-dependent weights and optional
//!   isotonic calibration.
//!
//! Bar inputs are validated as in `tachyon-indicators` (NaN/missing bars, `high < low`,
//! negative volume, out-of-order timestamps are refused with an `InputError` and counted).
//!
//! ## Features
//! None.

pub mod ensemble;
pub mod error;
pub mod fusion;
pub mod vpa;
pub mod wyckoff;

pub use ensemble::{
    BetaForecast, Calibrator, Ensemble, EnsembleOutput, EnsembleParams, IsotonicCalibration,
};
pub use error::SignalError;
pub use fusion::{Fused, FusionMethod, FusionParams, SignalFusion, SourceSignal};
pub use vpa::{Vpa, VpaFlag, VpaOutput, VpaParams};
pub use wyckoff::{Phase, Schematic, Wyckoff, WyckoffEvent, WyckoffOutput, WyckoffParams};
