//! # tachyon-core
//!
//! The primitives every other Tachyon crate builds on. Pure Rust, no N-API.
//!
//! - [`fixed`]: [`Price`], [`Quantity`], [`Notional`] — `i64` fixed point with a decimal scale,
//!   exact checked arithmetic, decimal-string round trips.
//! - [`instrument`]: [`Instrument`] specs (tick, lot, min/max quantity, min/max notional) and
//!   order validation with a typed [`Rejection`].
//! - [`time`]: nanosecond [`Timestamp`], the [`Clock`] trait, [`MonotonicClock`] and the
//!   deterministic [`SimClock`] for backtests.
//! - [`pool`]: fixed-capacity object [`Pool`] with generation-checked handles.
//! - [`ring`]: lock-free [`spsc`](ring::spsc) ring and bounded [`MpmcQueue`](ring::mpmc::MpmcQueue).
//! - [`hist`] (feature `histogram`, default): [`LatencyHistogram`] over hdrhistogram.
//! - [`event`], [`shm`], [`stream`]: the 48-byte [`MarketEvent`] record, the ring shared with
//!   JavaScript, and the consumer thread that drains them into a sink.
//!
//! Every fallible call returns a `thiserror` enum with a stable `code()` string; the N-API
//! layer turns that into the JS error's `code`.
//!
//! ## Features
//! - `histogram` (default): enables [`hist`] and its `hdrhistogram` dependency.

pub mod event;
pub mod fixed;
#[cfg(feature = "histogram")]
pub mod hist;
pub mod instrument;
pub mod pool;
pub mod ring;
pub mod shm;
pub mod stream;
pub mod time;

pub use event::{EventKind, MarketEvent, Side};
pub use fixed::{Fixed, FixedError, Notional, Price, Quantity, Rounding};
#[cfg(feature = "histogram")]
pub use hist::{LatencyHistogram, LatencySummary};
pub use instrument::{Instrument, InstrumentError, InstrumentId, InstrumentSpec, Rejection};
pub use pool::{Handle, Pool, PoolError};
pub use time::{Clock, MonotonicClock, SimClock, Timestamp};
