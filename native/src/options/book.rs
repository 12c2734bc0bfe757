//! Options of the book bindings.

use napi_derive::napi;
use tachyon_book::{BinanceMarket, BookSide, SeqRule};

/// How update ids chain from one delta to the next.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceRule {
    /// The next delta starts at the previous last id + 1 (Binance spot `U`/`u`; per-level feeds).
    Contiguous,
    /// Each delta names the previous delta's last id (Binance futures `pu`).
    PrevLinked,
}

impl From<SequenceRule> for SeqRule {
    fn from(r: SequenceRule) -> Self {
        match r {
            SequenceRule::Contiguous => Self::Contiguous,
            SequenceRule::PrevLinked => Self::PrevLinked,
        }
    }
}

/// Options of an order book.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct OrderBookOptions {
    /// Sequencing rule; default `"contiguous"`.
    pub sequence: Option<SequenceRule>,
}

/// A side of the book.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookSideName {
    /// Bids.
    Bid,
    /// Asks.
    Ask,
}

impl From<BookSideName> for BookSide {
    fn from(s: BookSideName) -> Self {
        match s {
            BookSideName::Bid => Self::Bid,
            BookSideName::Ask => Self::Ask,
        }
    }
}

/// Which Binance market the depth messages come from.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinanceMarketName {
    /// Spot (`U == previous u + 1`).
    Spot,
    /// USDⓈ-M / COIN-M futures (`pu == previous u`).
    Futures,
}

impl From<BinanceMarketName> for BinanceMarket {
    fn from(m: BinanceMarketName) -> Self {
        match m {
            BinanceMarketName::Spot => Self::Spot,
            BinanceMarketName::Futures => Self::Futures,
        }
    }
}

/// Options of a Binance depth synchroniser.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct BinanceDepthOptions {
    /// `"spot"` or `"futures"`.
    pub market: BinanceMarketName,
    /// Binance symbol, e.g. `"BNBBTC"` (case-insensitive).
    pub symbol: String,
    /// Events buffered while waiting for a snapshot; default 10,000.
    pub max_buffer: Option<u32>,
}
