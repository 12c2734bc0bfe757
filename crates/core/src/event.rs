//! The market-event record that crosses from JS into Rust.
//!
//! [`MarketEvent`] is a fixed 48-byte `#[repr(C)]` record, little-endian, laid out so the
//! TypeScript writer can fill it through an `Int32Array` (each `i64` as two 32-bit words).
//! Prices and quantities are fixed-point mantissas at the instrument's scale.
//!
//! | offset | field        | type |
//! |-------:|--------------|------|
//! | 0      | `ts_ns`      | i64  |
//! | 8      | `seq`        | u64  |
//! | 16     | `price`      | i64  |
//! | 24     | `qty`        | i64  |
//! | 32     | `instrument` | u32  |
//! | 36     | `kind`       | u8   |
//! | 37     | `side`       | u8   |
//! | 38     | `flags`      | u16  |
//! | 40     | `aux`        | i64  |

/// Size of one record in bytes.
pub const EVENT_SIZE: usize = 48;

/// One market event. See the module docs for the byte layout.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarketEvent {
    /// Exchange or receive time, ns since the epoch.
    pub ts_ns: i64,
    /// Sequence number assigned by the producer; strictly increasing within a stream.
    pub seq: u64,
    /// Price mantissa (instrument price scale).
    pub price: i64,
    /// Quantity mantissa (instrument quantity scale); 0 deletes a book level.
    pub qty: i64,
    /// Instrument id.
    pub instrument: u32,
    /// [`EventKind`] as a byte.
    pub kind: u8,
    /// [`Side`] as a byte.
    pub side: u8,
    /// Reserved flag bits (0 for now).
    pub flags: u16,
    /// Kind-specific extra: book level index, trade id, …
    pub aux: i64,
}

const _: () = assert!(std::mem::size_of::<MarketEvent>() == EVENT_SIZE);
const _: () = assert!(std::mem::align_of::<MarketEvent>() == 8);

/// What a [`MarketEvent`] describes.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A trade print; `side` is the aggressor.
    Trade = 1,
    /// A bid level set to `qty` at `price` (0 deletes it).
    BidLevel = 2,
    /// An ask level set to `qty` at `price` (0 deletes it).
    AskLevel = 3,
    /// The instrument's book is cleared (a snapshot follows).
    BookClear = 4,
    /// Keep-alive; carries only a timestamp.
    Heartbeat = 5,
}

impl EventKind {
    /// All kinds, in discriminant order.
    pub const ALL: [Self; 5] = [
        Self::Trade,
        Self::BidLevel,
        Self::AskLevel,
        Self::BookClear,
        Self::Heartbeat,
    ];

    /// From the record byte.
    #[inline]
    #[must_use]
    pub const fn from_u8(b: u8) -> Option<Self> {
        match b {
            1 => Some(Self::Trade),
            2 => Some(Self::BidLevel),
            3 => Some(Self::AskLevel),
            4 => Some(Self::BookClear),
            5 => Some(Self::Heartbeat),
            _ => None,
        }
    }
}

/// Trade aggressor side.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Unknown or not applicable.
    None = 0,
    /// Buyer-initiated.
    Buy = 1,
    /// Seller-initiated.
    Sell = 2,
}

/// Why a record was rejected by validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum EventError {
    /// `kind` byte is not an [`EventKind`].
    #[error("unknown event kind {0}")]
    UnknownKind(u8),
    /// `side` byte is not a [`Side`].
    #[error("unknown side {0}")]
    UnknownSide(u8),
    /// Trades and book levels need a positive price.
    #[error("price must be positive, got mantissa {0}")]
    NonPositivePrice(i64),
    /// Trades need a positive quantity; book levels a non-negative one.
    #[error("quantity mantissa {0} is not allowed for this kind")]
    BadQuantity(i64),
}

impl EventError {
    /// Index of this reason in [`EventError::CODES`].
    #[must_use]
    pub const fn index(&self) -> usize {
        match self {
            Self::UnknownKind(_) => 0,
            Self::UnknownSide(_) => 1,
            Self::NonPositivePrice(_) => 2,
            Self::BadQuantity(_) => 3,
        }
    }

    /// Stable reason codes, indexed by [`EventError::index`].
    pub const CODES: [&'static str; 4] = [
        "UNKNOWN_KIND",
        "UNKNOWN_SIDE",
        "NON_POSITIVE_PRICE",
        "BAD_QUANTITY",
    ];

    /// Stable machine-readable code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        Self::CODES[self.index()]
    }
}

impl MarketEvent {
    /// Checks the record is meaningful; returns its kind.
    ///
    /// # Errors
    /// The first [`EventError`] found.
    #[inline]
    pub fn validate(&self) -> Result<EventKind, EventError> {
        let kind = EventKind::from_u8(self.kind).ok_or(EventError::UnknownKind(self.kind))?;
        if self.side > 2 {
            return Err(EventError::UnknownSide(self.side));
        }
        match kind {
            EventKind::Trade => {
                if self.price <= 0 {
                    return Err(EventError::NonPositivePrice(self.price));
                }
                if self.qty <= 0 {
                    return Err(EventError::BadQuantity(self.qty));
                }
            }
            EventKind::BidLevel | EventKind::AskLevel => {
                if self.price <= 0 {
                    return Err(EventError::NonPositivePrice(self.price));
                }
                if self.qty < 0 {
                    return Err(EventError::BadQuantity(self.qty));
                }
            }
            EventKind::BookClear | EventKind::Heartbeat => {}
        }
        Ok(kind)
    }

    /// Reads a record from 48 little-endian bytes (any alignment).
    ///
    /// # Panics
    /// Never: the slice is a fixed-size array.
    #[inline]
    #[must_use]
    pub fn from_bytes(b: &[u8; EVENT_SIZE]) -> Self {
        // SAFETY: MarketEvent is repr(C), 48 bytes, every bit pattern is a valid value (plain
        // integers), and read_unaligned tolerates any alignment of the source.
        unsafe { std::ptr::read_unaligned(b.as_ptr().cast::<Self>()) }
    }

    /// The record as 48 bytes (native little-endian layout).
    #[inline]
    #[must_use]
    pub fn to_bytes(&self) -> [u8; EVENT_SIZE] {
        // SAFETY: repr(C) with no padding (48 = 8+8+8+8+4+1+1+2+8), so every byte is initialised.
        unsafe { std::mem::transmute_copy(self) }
    }

    /// The order-independent fingerprint used by stream stats to prove that the records that
    /// arrived are the records that were sent (see [`crate::stream::StreamStats`]).
    #[inline]
    #[must_use]
    pub const fn fingerprint(&self) -> u64 {
        (self.price as u64)
            .wrapping_add((self.qty as u64).wrapping_mul(3))
            .wrapping_add((self.ts_ns as u64).wrapping_mul(7))
            .wrapping_add((self.instrument as u64).wrapping_mul(11))
            .wrapping_add((self.aux as u64).wrapping_mul(13))
            .wrapping_add((self.kind as u64).wrapping_mul(17))
            .wrapping_add((self.side as u64).wrapping_mul(19))
            .wrapping_add(self.seq.wrapping_mul(23))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_round_trips_through_bytes() {
        let e = MarketEvent {
            ts_ns: -5,
            seq: 9,
            price: 1,
            qty: 2,
            instrument: 3,
            kind: 1,
            side: 2,
            flags: 0,
            aux: -7,
        };
        let b = e.to_bytes();
        assert_eq!(i64::from_le_bytes(b[0..8].try_into().unwrap()), -5);
        assert_eq!(u32::from_le_bytes(b[32..36].try_into().unwrap()), 3);
        assert_eq!((b[36], b[37]), (1, 2));
        assert_eq!(i64::from_le_bytes(b[40..48].try_into().unwrap()), -7);
        assert_eq!(MarketEvent::from_bytes(&b), e);
    }

    #[test]
    fn validation_reasons() {
        let ok = MarketEvent {
            price: 10,
            qty: 1,
            kind: 1,
            side: 1,
            ..Default::default()
        };
        assert_eq!(ok.validate(), Ok(EventKind::Trade));
        assert_eq!(
            MarketEvent { kind: 9, ..ok }.validate(),
            Err(EventError::UnknownKind(9))
        );
        assert_eq!(
            MarketEvent { side: 3, ..ok }.validate(),
            Err(EventError::UnknownSide(3))
        );
        assert_eq!(
            MarketEvent { price: 0, ..ok }.validate(),
            Err(EventError::NonPositivePrice(0))
        );
        assert_eq!(
            MarketEvent { qty: 0, ..ok }.validate(),
            Err(EventError::BadQuantity(0))
        );
        assert_eq!(
            MarketEvent {
                qty: 0,
                kind: 2,
                ..ok
            }
            .validate(),
            Ok(EventKind::BidLevel)
        );
        assert_eq!(
            MarketEvent {
                qty: -1,
                kind: 3,
                ..ok
            }
            .validate(),
            Err(EventError::BadQuantity(-1))
        );
        assert_eq!(
            MarketEvent {
                price: 0,
                qty: 0,
                kind: 5,
                ..ok
            }
            .validate(),
            Ok(EventKind::Heartbeat)
        );
        assert_eq!(EventError::BadQuantity(0).code(), "BAD_QUANTITY");
    }
}
