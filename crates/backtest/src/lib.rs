//! # tachyon-backtest
//!
//! The event-driven, deterministic backtest loop. Pure Rust, no N-API.
//!
//! - [`record`]: the 64-byte [`Record`] every data set replays as (bars, trades, book levels).
//! - [`session`]: [`Session`] — records in, orders in, fills and an equity curve out; the
//!   execution conventions (next-open fills, limit fills, slippage, fees) are documented there.
//!   The same session serves Rust-only runs, TypeScript strategies driven in lock step (a call
//!   per order, never per event) and the paper session (records appended live).
//! - [`ledger`]: exact cash, positions, realized P&L, fees and round trips (`i128` at one cash
//!   scale).
//! - [`strategy`]: [`NativeStrategy`], the built-in [`EmaCross`], and [`DecisionStrategy`]: a
//!   strategy that is pure configuration of the decision engine (`tachyon-engine`) over
//!   streaming indicator features (`tachyon-indicators`).
//! - [`run`]: a whole backtest in Rust; [`metrics`]: return, volatility, Sharpe, Sortino,
//!   Calmar, drawdown and its duration, win rate, profit factor, exposure, turnover, fees.
//! - [`split`]: walk-forward windows and purged k-fold with embargo.
//! - [`synthetic`]: seeded synthetic bars (GBM today).
//! - [`venue`]: [`BarVenue`], the bar/trade execution model as a venue behind the OMS
//!   (`tachyon-oms` commands in, venue events out); [`gate`]: the session's pre-trade checks
//!   as the OMS's gate. [`VenueModel::L2`] sends the orders to `tachyon_sim::SimVenue`
//!   instead: L2 book replay with queue position, depth walk and latency.
//!
//! Determinism: nothing reads a wall clock or an unseeded random source; the same records,
//! orders and settings always give the same fills, bit for bit.
//!
//! Errors are [`BacktestError`] (misuse, bad settings) with a stable `code()`; bad records and
//! refused orders are counted data ([`record::RecordError`], [`session::Reject`]).
//!
//! No feature flags.

pub mod error;
pub mod gate;
pub mod ledger;
pub mod metrics;
pub mod record;
pub mod run;
pub mod session;
pub mod split;
pub mod strategy;
pub mod synthetic;
pub mod venue;

pub use error::BacktestError;
pub use ledger::{FeeRate, Ledger, Position, RoundTrip, Side};
pub use metrics::Metrics;
pub use record::{Kind, Record, RECORD_SIZE};
pub use run::{run, RunOptions, RunResult};
pub use session::{
    write_reports, EquityPoint, FillAt, OrderRequest, Reject, Session, SessionConfig, VenueModel,
};
pub use strategy::{DecisionStrategy, Direction, EmaCross, FeatureSpec, NativeStrategy};
pub use tachyon_oms::{ExecReport, REPORT_SIZE};
pub use venue::BarVenue;
