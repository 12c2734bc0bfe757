//! The execution report: a fixed 64-byte `#[repr(C)]` record (the same layout as
//! `tachyon_oms::ExecReport`), so a batch of them crosses to JavaScript as one buffer.
//!
//! | offset | field | type |
//! |---:|---|---|
//! | 0 | `ts_ns` | i64 |
//! | 8 | `order_id` | u64 |
//! | 16 | `last_px` | i64 (price mantissa of this fill) |
//! | 24 | `last_qty` | i64 (quantity mantissa of this fill) |
//! | 32 | `cum_qty` | i64 |
//! | 40 | `avg_px` | i64 |
//! | 48 | `fee` | i64 (cash-scale mantissa) |
//! | 56 | `instrument` | u32 |
//! | 60 | `kind` | u8 ([`ReportKind`]) |
//! | 61 | `status` | u8 ([`Status`]) |
//! | 62 | `side` | u8 (1 buy, 2 sell) |
//! | 63 | `reason` | u8 (rejections: 1 + [`crate::session::Reject`] index; fills: 1 maker, 0 taker) |

/// Size of a report in bytes.
pub const REPORT_SIZE: usize = 64;

/// What a report says happened (same numbers as `tachyon_oms::ReportKind`).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportKind {
    /// Accepted by the venue.
    Accepted = 4,
    /// Partial fill.
    PartialFill = 5,
    /// Final fill.
    Fill = 6,
    /// Cancelled.
    Cancelled = 7,
    /// Rejected.
    Rejected = 8,
    /// Expired.
    Expired = 9,
}

/// Order status after the event.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Resting.
    Open = 1,
    /// Partly filled.
    PartiallyFilled = 2,
    /// Filled.
    Filled = 3,
    /// Cancelled.
    Cancelled = 4,
    /// Rejected.
    Rejected = 5,
    /// Expired.
    Expired = 6,
}

/// Reason byte for non-fill reports.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// Nothing special.
    None = 0,
    /// Cancelled on request.
    Requested = 10,
}

/// One execution report (see the module docs).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Market time.
    pub ts_ns: i64,
    /// Order id.
    pub order_id: u64,
    /// Fill price.
    pub last_px: i64,
    /// Fill quantity.
    pub last_qty: i64,
    /// Cumulative filled quantity.
    pub cum_qty: i64,
    /// Average fill price.
    pub avg_px: i64,
    /// Fee of this fill (cash scale).
    pub fee: i64,
    /// Instrument.
    pub instrument: u32,
    /// [`ReportKind`].
    pub kind: u8,
    /// [`Status`].
    pub status: u8,
    /// Side byte.
    pub side: u8,
    /// Reason / liquidity byte.
    pub reason: u8,
}

const _: () = assert!(std::mem::size_of::<Report>() == REPORT_SIZE);

impl Report {
    /// The report as 64 bytes (native little-endian layout).
    #[must_use]
    pub fn to_bytes(&self) -> [u8; REPORT_SIZE] {
        // SAFETY: repr(C), 7×8 + 4 + 4 = 64 bytes, no padding: every byte initialised.
        unsafe { std::mem::transmute_copy(self) }
    }

    /// Writes reports into a byte buffer.
    pub fn write_all(reports: &[Self], out: &mut Vec<u8>) {
        out.reserve(reports.len() * REPORT_SIZE);
        for r in reports {
            out.extend_from_slice(&r.to_bytes());
        }
    }
}
