//! The replay record: one 64-byte `#[repr(C)]` layout for bars, trades and book updates, so a
//! data set of any kind crosses from JavaScript as one buffer and replays as one sorted stream.
//!
//! | offset | field        | bar            | trade            | book level        |
//! |-------:|--------------|----------------|------------------|-------------------|
//! | 0      | `ts_ns` i64  | bar open time  | trade time       | update time       |
//! | 8      | `a` i64      | open           | price            | price             |
//! | 16     | `b` i64      | high           | quantity         | quantity (0 = delete) |
//! | 24     | `c` i64      | low            | trade id         | level / aux       |
//! | 32     | `d` i64      | close          | 0                | 0                 |
//! | 40     | `e` i64      | volume         | 0                | 0                 |
//! | 48     | `seq` u64    | input row      | input row        | input row         |
//! | 56     | `instrument` u32 |            |                  |                   |
//! | 60     | `kind` u8    | [`Kind::Bar`] (16) | `Trade` (1)  | `Bid` (2) / `Ask` (3) / `BookClear` (4) |
//! | 61     | `side` u8    | 0              | aggressor 1 buy / 2 sell | 0         |
//! | 62     | `flags` u16  | reserved       |                  |                   |
//!
//! Prices are mantissas at the instrument's price scale, quantities (and bar volume) at its
//! quantity scale. Kinds 1–5 match `tachyon_core::EventKind`.

/// Size of one record in bytes.
pub const RECORD_SIZE: usize = 64;

/// What a record describes.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A trade print.
    Trade = 1,
    /// A bid level set (quantity 0 deletes it).
    Bid = 2,
    /// An ask level set (quantity 0 deletes it).
    Ask = 3,
    /// The book is cleared (a snapshot follows).
    BookClear = 4,
    /// Keep-alive: only the timestamp counts.
    Heartbeat = 5,
    /// An OHLCV bar.
    Bar = 16,
}

impl Kind {
    /// From the record byte.
    #[must_use]
    pub const fn from_u8(b: u8) -> Option<Self> {
        match b {
            1 => Some(Self::Trade),
            2 => Some(Self::Bid),
            3 => Some(Self::Ask),
            4 => Some(Self::BookClear),
            5 => Some(Self::Heartbeat),
            16 => Some(Self::Bar),
            _ => None,
        }
    }
}

/// One replay record (see the module docs).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Record {
    /// Nanoseconds since the epoch.
    pub ts_ns: i64,
    /// Open / price.
    pub a: i64,
    /// High / quantity.
    pub b: i64,
    /// Low / trade id / level.
    pub c: i64,
    /// Close.
    pub d: i64,
    /// Volume.
    pub e: i64,
    /// Input order (row number).
    pub seq: u64,
    /// Instrument id.
    pub instrument: u32,
    /// [`Kind`] byte.
    pub kind: u8,
    /// Aggressor side of a trade.
    pub side: u8,
    /// Reserved.
    pub flags: u16,
}

const _: () = assert!(std::mem::size_of::<Record>() == RECORD_SIZE);

/// Why a record was refused (counted per reason, the replay goes on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordError {
    /// Unknown `kind` byte.
    UnknownKind,
    /// Instrument id not configured.
    UnknownInstrument,
    /// Timestamp earlier than the previous record's.
    NonMonotonicTime,
    /// A price is zero or negative.
    NonPositivePrice,
    /// `high`/`low` do not bound `open`/`close`.
    InconsistentBar,
    /// A negative quantity or volume, or a trade without quantity.
    BadQuantity,
    /// A bar in an L2 session (`VenueModel::L2` replays book levels and trades only).
    BarInL2Mode,
    /// L2 mode: a book level (or a snapshot) that would leave the best bid above the best
    /// ask; the book is left unchanged. Counted when the record is replayed.
    CrossedBook,
    /// L2 mode: a book level the venue's book refused (off the tick or lot grid, a price
    /// listed twice in one snapshot); the book is left unchanged. Counted when replayed.
    BadLevel,
}

impl RecordError {
    /// Every reason, in counter order.
    pub const ALL: [Self; 9] = [
        Self::UnknownKind,
        Self::UnknownInstrument,
        Self::NonMonotonicTime,
        Self::NonPositivePrice,
        Self::InconsistentBar,
        Self::BadQuantity,
        Self::BarInL2Mode,
        Self::CrossedBook,
        Self::BadLevel,
    ];

    /// Stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::UnknownKind => "UNKNOWN_KIND",
            Self::UnknownInstrument => "UNKNOWN_INSTRUMENT",
            Self::NonMonotonicTime => "NON_MONOTONIC_TIME",
            Self::NonPositivePrice => "NON_POSITIVE_PRICE",
            Self::InconsistentBar => "INCONSISTENT_BAR",
            Self::BadQuantity => "BAD_QUANTITY",
            Self::BarInL2Mode => "BAR_IN_L2_MODE",
            Self::CrossedBook => "CROSSED_BOOK",
            Self::BadLevel => "BAD_LEVEL",
        }
    }

    /// Index into counters.
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl Record {
    /// A bar.
    #[must_use]
    pub const fn bar(instrument: u32, ts_ns: i64, o: i64, h: i64, l: i64, c: i64, v: i64) -> Self {
        Self {
            ts_ns,
            a: o,
            b: h,
            c: l,
            d: c,
            e: v,
            seq: 0,
            instrument,
            kind: Kind::Bar as u8,
            side: 0,
            flags: 0,
        }
    }

    /// A trade.
    #[must_use]
    pub const fn trade(instrument: u32, ts_ns: i64, price: i64, qty: i64, side: u8) -> Self {
        Self {
            ts_ns,
            a: price,
            b: qty,
            c: 0,
            d: 0,
            e: 0,
            seq: 0,
            instrument,
            kind: Kind::Trade as u8,
            side,
            flags: 0,
        }
    }

    /// A book level (`bid` or ask).
    #[must_use]
    pub const fn level(instrument: u32, ts_ns: i64, bid: bool, price: i64, qty: i64) -> Self {
        Self {
            ts_ns,
            a: price,
            b: qty,
            c: 0,
            d: 0,
            e: 0,
            seq: 0,
            instrument,
            kind: if bid {
                Kind::Bid as u8
            } else {
                Kind::Ask as u8
            },
            side: 0,
            flags: 0,
        }
    }

    /// Checks the record's own consistency (not its order or instrument).
    ///
    /// # Errors
    /// The first [`RecordError`] found.
    pub fn validate(&self) -> Result<Kind, RecordError> {
        let kind = Kind::from_u8(self.kind).ok_or(RecordError::UnknownKind)?;
        match kind {
            Kind::Bar => {
                if self.a <= 0 || self.b <= 0 || self.c <= 0 || self.d <= 0 {
                    return Err(RecordError::NonPositivePrice);
                }
                let (o, h, l, c) = (self.a, self.b, self.c, self.d);
                if h < o || h < c || l > o || l > c || l > h {
                    return Err(RecordError::InconsistentBar);
                }
                if self.e < 0 {
                    return Err(RecordError::BadQuantity);
                }
            }
            Kind::Trade => {
                if self.a <= 0 {
                    return Err(RecordError::NonPositivePrice);
                }
                if self.b <= 0 {
                    return Err(RecordError::BadQuantity);
                }
            }
            Kind::Bid | Kind::Ask => {
                if self.a <= 0 {
                    return Err(RecordError::NonPositivePrice);
                }
                if self.b < 0 {
                    return Err(RecordError::BadQuantity);
                }
            }
            Kind::BookClear | Kind::Heartbeat => {}
        }
        Ok(kind)
    }

    /// Reads records from little-endian bytes (any alignment).
    ///
    /// # Errors
    /// [`crate::BacktestError::BadBuffer`] if the length is not a multiple of 64.
    pub fn read_all(bytes: &[u8], out: &mut Vec<Self>) -> Result<(), crate::BacktestError> {
        if !bytes.len().is_multiple_of(RECORD_SIZE) {
            return Err(crate::BacktestError::BadBuffer {
                len: bytes.len(),
                size: RECORD_SIZE,
            });
        }
        let n = bytes.len() / RECORD_SIZE;
        out.reserve(n);
        for chunk in bytes.chunks_exact(RECORD_SIZE) {
            // SAFETY: `Record` is repr(C), 64 bytes, all fields plain integers (every bit
            // pattern valid); read_unaligned tolerates any source alignment.
            out.push(unsafe { std::ptr::read_unaligned(chunk.as_ptr().cast::<Self>()) });
        }
        Ok(())
    }

    /// The record as 64 bytes (native little-endian layout).
    #[must_use]
    pub fn to_bytes(&self) -> [u8; RECORD_SIZE] {
        // SAFETY: repr(C) with no padding (6×8 + 8 + 4 + 1 + 1 + 2 = 64): every byte initialised.
        unsafe { std::mem::transmute_copy(self) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_round_trip() {
        let r = Record::bar(3, 1_000, 10, 12, 9, 11, 5);
        let b = r.to_bytes();
        assert_eq!(i64::from_le_bytes(b[8..16].try_into().unwrap()), 10);
        assert_eq!(i64::from_le_bytes(b[32..40].try_into().unwrap()), 11);
        assert_eq!(u32::from_le_bytes(b[56..60].try_into().unwrap()), 3);
        assert_eq!(b[60], 16);
        let mut v = Vec::new();
        Record::read_all(&b, &mut v).unwrap();
        assert_eq!(v, vec![r]);
        assert!(Record::read_all(&b[..63], &mut v).is_err());
    }

    #[test]
    fn validation() {
        assert_eq!(
            Record::bar(0, 0, 10, 12, 9, 11, 5).validate(),
            Ok(Kind::Bar)
        );
        assert_eq!(
            Record::bar(0, 0, 10, 9, 9, 11, 5).validate(),
            Err(RecordError::InconsistentBar)
        );
        assert_eq!(
            Record::bar(0, 0, 0, 12, 9, 11, 5).validate(),
            Err(RecordError::NonPositivePrice)
        );
        assert_eq!(
            Record::bar(0, 0, 10, 12, 9, 11, -1).validate(),
            Err(RecordError::BadQuantity)
        );
        assert_eq!(
            Record::trade(0, 0, 10, 0, 1).validate(),
            Err(RecordError::BadQuantity)
        );
        assert_eq!(Record::level(0, 0, true, 10, 0).validate(), Ok(Kind::Bid));
        let mut r = Record::trade(0, 0, 10, 1, 1);
        r.kind = 99;
        assert_eq!(r.validate(), Err(RecordError::UnknownKind));
    }
}
