//! # tachyon-native
//!
//! The one N-API addon. It holds no logic: each binding converts its arguments, calls one
//! function of a pure crate, and converts the result. Exported classes are `Binding*`
//! newtypes (JS names without the prefix). Errors become JS errors with a stable `code` in
//! [`error`] only; every export that could panic is wrapped with `catch_unwind`.
//!
//! - [`binding_core`]: `Price`, `Quantity`, `Notional`, `Instrument`, clocks, `LatencyHistogram`.
//! - [`binding_engine`]: `DecisionEngine`, `RiskEngine` (limits, control modes, kill switch),
//!   VaR and sizing.
//! - [`binding_models`]: GARCH family, DCC, VPIN, realized and microstructure measures.
//! - [`binding_stream`]: `NativeEventStream`, the JS → Rust market-event stream.
//! - [`binding_indicators`]: one class per indicator (`Ema`, `Adx`, …) and `IndicatorBank`.
//! - [`binding_signals`]: `Wyckoff`, `VolumePrice`, `SignalFusion`, `Ensemble`.
//! - [`binding_stats`]: statistical tests, EVT, multiple testing, isotonic calibration, HMMs,
//!   Monte Carlo paths, distribution functions (`tachyon_stats`).
//! - [`binding_backtest`]: the backtest/paper replay session, Rust-only runs, metrics, splits.
//! - [`binding_book`]: `OrderBook`, `BinanceDepthBook` (L2 book, Binance depth sync).
//! - [`binding_oms`]: `Oms` (orders, positions, reconciliation, execution algorithms).
//! - [`binding_oms_risk`]: the risk engine as the `Oms` gate (`omsRisk*`), journal recovery
//!   (`omsRestoreFill`, `omsRestoreOrder`).
//! - [`binding_sim`]: `SimVenue` (the simulated venue).
//! - [`options`]: every option object and its validation.

#![allow(missing_docs)] // the JS-facing docs are the `///` comments napi copies into index.d.ts

pub mod binding_backtest;
pub mod binding_book;
pub mod binding_core;
pub mod binding_engine;
pub mod binding_indicators;
pub mod binding_models;
pub mod binding_oms;
pub mod binding_oms_risk;
pub mod binding_signals;
pub mod binding_sim;
pub mod binding_stats;
pub mod binding_stream;
pub mod error;
pub mod options;

use napi_derive::napi;

/// Does nothing: the empty call the N-API boundary bench compares against.
#[napi]
pub fn noop() {}

/// `a + b`: a trivial call with arguments and a result, for the boundary bench.
#[napi]
pub fn add_f64(a: f64, b: f64) -> f64 {
    a + b
}

/// Version of the native addon (the crate version).
#[napi]
pub fn native_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
