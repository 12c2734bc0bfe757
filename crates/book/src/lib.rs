//! # tachyon-book
//!
//! An L2 (price-level) order book kept from a snapshot plus sequenced deltas, and the parsing
//! and synchronisation of Binance's depth messages into it.
//!
//! - [`OrderBook`]: levels on integer mantissas at the instrument's scales; sequence checks
//!   ([`SeqRule`]) that turn a gap into a resync request ([`BookStatus::NeedsResync`]) instead
//!   of a silently wrong book; validation of every level (positive, on tick, on lot) before
//!   anything changes; crossed/locked detection ([`CrossState`]); best bid/ask, spread, mid,
//!   microprice, imbalance, depth. Every refusal is a typed [`BookError`] and is counted in
//!   [`BookStats`].
//! - [`Ladder`]: one side, a sorted structure-of-arrays with the best level last (cheap
//!   updates near the top of book, where real feeds spend their time).
//! - [`binance`]: `depthUpdate` and REST snapshot parsing (exact decimal strings → mantissas)
//!   and [`BinanceDepthSync`], Binance's documented buffer/snapshot/replay procedure for spot
//!   (`U == u + 1`) and futures (`pu == u`).
//!
//! No feature flags.

pub mod binance;
pub mod book;
pub mod error;
pub mod ladder;

pub use binance::{
    parse_depth_snapshot, parse_depth_update, BinanceDepthSync, BinanceMarket, DepthSnapshot,
    DepthUpdate, Scales, SyncOutcome, SyncState,
};
pub use book::{Applied, BookStats, BookStatus, CrossState, Delta, OrderBook, SeqRule};
pub use error::BookError;
pub use ladder::{BookSide, Ladder, Level, LevelChange};
