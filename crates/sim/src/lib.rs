//! # tachyon-sim
//!
//! A simulated venue for backtests and paper trading, driven entirely by the caller's clock:
//! commands go in with [`SimVenue::submit`], time moves with [`SimVenue::advance_to`], market
//! data arrives with [`SimVenue::on_book_snapshot`], [`SimVenue::on_book_level`] and
//! [`SimVenue::on_trade`], and execution events come out of [`SimVenue::poll`]. Nothing reads
//! a wall clock, and every random draw (latency, faults) comes from one generator seeded by
//! [`SimConfig::seed`], so the same inputs always give the same outputs.
//!
//! - Matching against an L2 book ([`tachyon_book::OrderBook`]): aggressive orders walk the
//!   opposite levels (consuming the displayed liquidity), resting orders fill from trades and
//!   from book updates that cross them, with a queue-position estimate ([`QueueModel`]: FIFO
//!   or probabilistic).
//! - Latency ([`LatencyModel`]: constant or seeded log-normal), in order per direction.
//! - Maker/taker fee tiers by traded volume ([`FeeSchedule`]), market impact
//!   ([`ImpactModel`]: linear or square-root), partial fills, TIF GTC/IOC/FOK/GTD/DAY,
//!   post-only and reduce-only.
//! - A token-bucket rate limit that refuses like an HTTP 429 with a retry-after
//!   ([`RateLimit`]).
//! - Injected faults ([`FaultConfig`]): dropped commands and events, disconnects (with
//!   optional cancel-on-disconnect), injected rejects, delayed acknowledgements.
//! - [`pump`] connects a [`tachyon_oms::Oms`] to a venue for a zero-ceremony event loop.
//!
//! No feature flags.

pub mod config;
pub mod venue;

pub use config::{
    fee_of, volume_units, FaultConfig, FeeSchedule, FeeTier, ImpactModel, LatencyModel, QueueModel,
    RateLimit, SimConfig, SimError, VOLUME_SCALE,
};
pub use venue::{pump, Pump, SimOrder, SimStats, SimVenue, VenueStatus, MAX_CLOSED_ORDERS};
