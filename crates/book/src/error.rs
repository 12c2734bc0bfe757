//! Why the book refused an update or a venue message.

use tachyon_core::FixedError;

/// Why a book update or venue message was refused. Every refusal leaves the book unchanged
/// and is counted in [`crate::BookStats`] by [`BookError::index`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BookError {
    /// An update arrived while the book has no valid snapshot (before the first one, or
    /// after a sequence gap). Load a snapshot first.
    #[error("the book is not synchronised: load a snapshot first")]
    NotSynced,
    /// An update skipped sequence numbers; the book now needs a snapshot (resync).
    #[error("sequence gap: expected update {expected}, got {got}; the book needs a snapshot")]
    SequenceGap {
        /// The update id the book expected next.
        expected: u64,
        /// The update id that arrived.
        got: u64,
    },
    /// A price is zero or negative.
    #[error("price mantissa {0} must be positive")]
    NonPositivePrice(i64),
    /// A price is not on the instrument's tick grid.
    #[error("price mantissa {price} is not a multiple of the tick mantissa {tick}")]
    OffTick {
        /// Price mantissa.
        price: i64,
        /// Tick mantissa.
        tick: i64,
    },
    /// A level quantity is negative.
    #[error("quantity mantissa {0} must not be negative")]
    NegativeQuantity(i64),
    /// A level quantity is not on the lot grid.
    #[error("quantity mantissa {qty} is not a multiple of the lot mantissa {lot}")]
    OffLot {
        /// Quantity mantissa.
        qty: i64,
        /// Lot mantissa.
        lot: i64,
    },
    /// A snapshot lists the same price twice on one side.
    #[error("snapshot lists price mantissa {0} twice on one side")]
    DuplicateLevel(i64),
    /// A venue message could not be parsed (bad JSON, missing field, wrong event type).
    #[error("malformed venue message: {0}")]
    Malformed(String),
    /// A venue message is for another symbol than this book's.
    #[error("message is for symbol {got:?}, this book is {expected:?}")]
    UnknownSymbol {
        /// Symbol in the message.
        got: String,
        /// Symbol of this book.
        expected: String,
    },
    /// A price or quantity string has more decimal places than the instrument allows, or is
    /// not a decimal number.
    #[error("{field} {source}")]
    Number {
        /// `"price"` or `"quantity"`.
        field: &'static str,
        /// The fixed-point parse failure.
        source: FixedError,
    },
    /// The snapshot is older than the first buffered event (Binance: fetch it again).
    #[error("snapshot lastUpdateId {snapshot} is older than the first buffered event U {first}")]
    SnapshotTooOld {
        /// The snapshot's update id.
        snapshot: u64,
        /// `U` of the first buffered event.
        first: u64,
    },
    /// More events arrived while waiting for a snapshot than the buffer holds.
    #[error("the sync buffer is full ({0} events); the oldest were dropped and a new snapshot is needed")]
    BufferFull(usize),
}

impl BookError {
    /// Stable reason codes, indexed by [`BookError::index`].
    pub const CODES: [&'static str; 12] = [
        "ERR_BOOK_NOT_SYNCED",
        "ERR_SEQUENCE_GAP",
        "ERR_NON_POSITIVE_PRICE",
        "ERR_OFF_TICK",
        "ERR_NEGATIVE_QUANTITY",
        "ERR_OFF_LOT",
        "ERR_DUPLICATE_LEVEL",
        "ERR_MALFORMED_MESSAGE",
        "ERR_UNKNOWN_SYMBOL",
        "ERR_BAD_NUMBER",
        "ERR_SNAPSHOT_TOO_OLD",
        "ERR_SYNC_BUFFER_FULL",
    ];

    /// Index of this reason in [`BookError::CODES`] and in the stats' rejection counters.
    #[must_use]
    pub const fn index(&self) -> usize {
        match self {
            Self::NotSynced => 0,
            Self::SequenceGap { .. } => 1,
            Self::NonPositivePrice(_) => 2,
            Self::OffTick { .. } => 3,
            Self::NegativeQuantity(_) => 4,
            Self::OffLot { .. } => 5,
            Self::DuplicateLevel(_) => 6,
            Self::Malformed(_) => 7,
            Self::UnknownSymbol { .. } => 8,
            Self::Number { .. } => 9,
            Self::SnapshotTooOld { .. } => 10,
            Self::BufferFull(_) => 11,
        }
    }

    /// Stable machine-readable code (the JS error `code`). A number that is too precise
    /// keeps the core code (`ERR_TOO_PRECISE`), so callers see the same code everywhere.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Number { source, .. } => source.code(),
            _ => Self::CODES[self.index()],
        }
    }
}
