//! A single-producer ring in memory shared with JavaScript (a `SharedArrayBuffer`).
//!
//! JavaScript writes [`MarketEvent`] records and publishes them by storing the producer index
//! with `Atomics.store`; a Rust thread reads them in place and releases slots by storing the
//! consumer index. No N-API call happens per event, or per batch.
//!
//! # Layout (bytes, little-endian)
//! | offset | field | writer |
//! |-------:|-------|--------|
//! | 0   | magic `0x47525954` ("TYRG") | Rust, at attach |
//! | 4   | layout version (1)          | Rust, at attach |
//! | 8   | capacity in records (power of two) | Rust, at attach |
//! | 12  | record size (48)            | Rust, at attach |
//! | 16  | header size (512)           | Rust, at attach |
//! | 20  | status: 0 open, 1 closed, 2 corrupt | Rust |
//! | 128 | head: records published (u32, wrapping) | JS, `Atomics.store` |
//! | 256 | tail: records consumed (u32, wrapping)  | Rust, `Release` |
//! | 512 | records, `capacity × 48` bytes | JS |
//!
//! Head and tail sit on separate 128-byte-aligned lines (adjacent-line prefetch pairs 64-byte
//! lines) so the two cores never write the same line.
//!
//! # Memory-ordering argument
//! JS writes a record's words with plain typed-array stores, then `Atomics.store(head)`.
//! ECMAScript `Atomics.store` is sequentially consistent, which includes release semantics
//! for the stores before it: any agent that observes the new head through an atomic load also
//! observes the record writes (the memory model's happens-before through synchronizes-with on
//! the same location). The Rust consumer loads head with `Acquire` (an atomic load of that
//! location), so the records it then reads are complete. In the other direction Rust stores
//! tail with `Release` after copying records out, and JS reads tail with `Atomics.load`
//! (sequentially consistent, so at least acquire) before reusing slots, so JS never overwrites
//! a record that is still being read. On x86-64 both sides compile to plain `mov`s for the
//! loads and the release store (plus a fence or `xchg` for JS's seq-cst store); the orderings
//! above are what stop the JIT and rustc from reordering around them. A producer index that
//! runs more than `capacity` ahead of tail is a broken producer: the consumer marks the ring
//! corrupt and stops reading it rather than returning garbage.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::event::{MarketEvent, EVENT_SIZE};

/// Magic number at offset 0 ("TYRG" little-endian).
pub const MAGIC: u32 = 0x4752_5954;
/// Layout version.
pub const VERSION: u32 = 1;
/// Header size in bytes; records start here.
pub const HEADER_BYTES: usize = 512;
/// Byte offset of the capacity field.
pub const CAPACITY_OFFSET: usize = 8;
/// Byte offset of the status field.
pub const STATUS_OFFSET: usize = 20;
/// Byte offset of the producer index.
pub const HEAD_OFFSET: usize = 128;
/// Byte offset of the consumer index.
pub const TAIL_OFFSET: usize = 256;
/// Largest capacity in records.
pub const MAX_CAPACITY: usize = 1 << 24;

/// Ring status values at [`STATUS_OFFSET`].
pub mod status {
    /// Accepting records.
    pub const OPEN: u32 = 0;
    /// The consumer has stopped.
    pub const CLOSED: u32 = 1;
    /// The producer broke the protocol; the consumer stopped reading.
    pub const CORRUPT: u32 = 2;
}

/// Bytes needed for a ring of `capacity` records (`capacity` must be a power of two).
#[must_use]
pub const fn bytes_for(capacity: usize) -> usize {
    HEADER_BYTES + capacity * EVENT_SIZE
}

/// Why a shared ring could not be attached or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RingError {
    /// The buffer is too small or too large for a power-of-two ring.
    #[error("shared ring buffer of {len} bytes is not {HEADER_BYTES} + 2^k × {EVENT_SIZE} bytes with 2 <= 2^k <= {MAX_CAPACITY}")]
    BadSize {
        /// Buffer length.
        len: usize,
    },
    /// The buffer start is not 8-byte aligned.
    #[error("shared ring buffer is not 8-byte aligned")]
    Misaligned,
    /// The producer published more records than the ring holds (head ran past tail).
    #[error("shared ring corrupt: producer index {head} is {ahead} records ahead of consumer index {tail} (capacity {capacity})")]
    Corrupt {
        /// Producer index read.
        head: u32,
        /// Consumer index.
        tail: u32,
        /// `head - tail`.
        ahead: u32,
        /// Ring capacity.
        capacity: u32,
    },
}

impl RingError {
    /// Stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadSize { .. } => "ERR_RING_SIZE",
            Self::Misaligned => "ERR_RING_ALIGNMENT",
            Self::Corrupt { .. } => "ERR_RING_CORRUPT",
        }
    }
}

/// The consuming side of a shared ring.
#[derive(Debug)]
pub struct SharedRingConsumer {
    base: NonNull<u8>,
    mask: u32,
    tail: u32,
    cached_head: u32,
    broken: bool,
}

// SAFETY: the consumer is the only reader of records and the only writer of tail; the caller
// of `attach` guarantees the memory stays valid until the consumer is dropped, whichever
// thread owns it.
unsafe impl Send for SharedRingConsumer {}

impl SharedRingConsumer {
    /// Initialises the header of `len` bytes at `ptr` and returns the consumer.
    /// The capacity is the largest power of two that fits.
    ///
    /// # Safety
    /// `ptr..ptr+len` must stay valid (not freed, not moved) until this value is dropped, and
    /// only one producer (following the protocol above) may write the head and the records.
    ///
    /// # Errors
    /// [`RingError::BadSize`] or [`RingError::Misaligned`].
    pub unsafe fn attach(ptr: *mut u8, len: usize) -> Result<Self, RingError> {
        let base = NonNull::new(ptr).ok_or(RingError::BadSize { len })?;
        if (ptr as usize) % 8 != 0 {
            return Err(RingError::Misaligned);
        }
        let records = len.saturating_sub(HEADER_BYTES) / EVENT_SIZE;
        if len < HEADER_BYTES || records < 2 {
            return Err(RingError::BadSize { len });
        }
        let cap = (1usize << (usize::BITS - 1 - records.leading_zeros())).min(MAX_CAPACITY);
        let words = [
            MAGIC,
            VERSION,
            cap as u32,
            EVENT_SIZE as u32,
            HEADER_BYTES as u32,
            status::OPEN,
        ];
        for (i, w) in words.iter().enumerate() {
            // SAFETY: the header lies inside the buffer (len >= HEADER_BYTES) and is aligned.
            unsafe { ptr.add(i * 4).cast::<u32>().write_volatile(*w) };
        }
        let ring = Self {
            base,
            mask: cap as u32 - 1,
            tail: 0,
            cached_head: 0,
            broken: false,
        };
        ring.head().store(0, Ordering::SeqCst);
        ring.tail_atomic().store(0, Ordering::SeqCst);
        Ok(ring)
    }

    #[inline]
    fn atomic_at(&self, offset: usize) -> &AtomicU32 {
        // SAFETY: offset is one of the header's 4-byte aligned fields inside the buffer, which
        // outlives `self` (attach contract); AtomicU32 has the layout of u32.
        unsafe { AtomicU32::from_ptr(self.base.as_ptr().add(offset).cast::<u32>()) }
    }

    #[inline]
    fn head(&self) -> &AtomicU32 {
        self.atomic_at(HEAD_OFFSET)
    }

    #[inline]
    fn tail_atomic(&self) -> &AtomicU32 {
        self.atomic_at(TAIL_OFFSET)
    }

    /// Capacity in records.
    #[must_use]
    pub fn capacity(&self) -> u32 {
        self.mask + 1
    }

    /// Records consumed so far (wrapping).
    #[must_use]
    pub fn consumed(&self) -> u32 {
        self.tail
    }

    /// Sets the status word JS can read.
    pub fn set_status(&self, s: u32) {
        self.atomic_at(STATUS_OFFSET).store(s, Ordering::SeqCst);
    }

    /// Copies up to `out.len()` published records into `out` and releases their slots.
    ///
    /// # Errors
    /// [`RingError::Corrupt`] if the producer index is impossible; the ring is then marked
    /// corrupt and every later call fails the same way.
    #[inline]
    pub fn read(&mut self, out: &mut [MarketEvent]) -> Result<usize, RingError> {
        let cap = self.mask + 1;
        let mut ready = self.cached_head.wrapping_sub(self.tail);
        if ready == 0 || self.broken {
            self.cached_head = self.head().load(Ordering::Acquire);
            ready = self.cached_head.wrapping_sub(self.tail);
            if ready > cap || self.broken {
                self.broken = true;
                self.set_status(status::CORRUPT);
                return Err(RingError::Corrupt {
                    head: self.cached_head,
                    tail: self.tail,
                    ahead: ready,
                    capacity: cap,
                });
            }
        }
        let n = (ready as usize).min(out.len());
        let records = self
            .base
            .as_ptr()
            .wrapping_add(HEADER_BYTES)
            .cast::<MarketEvent>();
        for (k, o) in out[..n].iter_mut().enumerate() {
            let slot = (self.tail.wrapping_add(k as u32) & self.mask) as usize;
            // SAFETY: slot < capacity so the record lies inside the buffer; it was published
            // (acquire on head) and the producer will not touch it until tail passes it. The
            // records area is 8-aligned (base 8-aligned, header 512, record 48 bytes).
            *o = unsafe { records.add(slot).read() };
        }
        if n > 0 {
            self.tail = self.tail.wrapping_add(n as u32);
            self.tail_atomic().store(self.tail, Ordering::Release);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Rust stand-in for the JS writer, following the same protocol.
    struct Writer {
        base: *mut u8,
        mask: u32,
        head: u32,
    }

    impl Writer {
        fn push(&mut self, e: &MarketEvent) -> bool {
            // SAFETY: test buffer outlives the writer; offsets are inside it.
            let (tail, head_at) = unsafe {
                (
                    AtomicU32::from_ptr(self.base.add(TAIL_OFFSET).cast()).load(Ordering::Acquire),
                    AtomicU32::from_ptr(self.base.add(HEAD_OFFSET).cast()),
                )
            };
            if self.head.wrapping_sub(tail) > self.mask {
                return false;
            }
            let slot = (self.head & self.mask) as usize;
            // SAFETY: slot inside the records area.
            unsafe {
                self.base
                    .add(HEADER_BYTES + slot * EVENT_SIZE)
                    .cast::<MarketEvent>()
                    .write(*e)
            };
            self.head = self.head.wrapping_add(1);
            head_at.store(self.head, Ordering::SeqCst);
            true
        }
    }

    fn buffer(cap: usize) -> Vec<u64> {
        vec![0u64; bytes_for(cap) / 8]
    }

    #[test]
    fn attach_validates_size_and_writes_header() {
        let mut buf = buffer(8);
        let len = buf.len() * 8 + 40; // extra bytes that do not make a whole record
                                      // SAFETY: pointer and length of a live buffer (len overstated only within the test's
                                      // own expectation that attach rounds down; it never touches bytes past 8 records).
        let r = unsafe { SharedRingConsumer::attach(buf.as_mut_ptr().cast(), len - 40) }.unwrap();
        assert_eq!(r.capacity(), 8);
        assert_eq!(buf[0] as u32, MAGIC);
        let mut small = vec![0u64; 64];
        // SAFETY: live buffer.
        let e = unsafe { SharedRingConsumer::attach(small.as_mut_ptr().cast(), 512) }.unwrap_err();
        assert_eq!(e.code(), "ERR_RING_SIZE");
        // SAFETY: live buffer, deliberately misaligned by one byte.
        let e = unsafe { SharedRingConsumer::attach(small.as_mut_ptr().cast::<u8>().add(1), 500) }
            .unwrap_err();
        assert_eq!(e, RingError::Misaligned);
    }

    #[test]
    fn cross_thread_in_order_without_loss() {
        let mut buf = buffer(16);
        let base = buf.as_mut_ptr().cast::<u8>();
        // SAFETY: `buf` lives until both threads are joined below.
        let mut r = unsafe { SharedRingConsumer::attach(base, buf.len() * 8) }.unwrap();
        let addr = base as usize;
        let n = 200_000u64;
        let prod = std::thread::spawn(move || {
            let mut w = Writer {
                base: addr as *mut u8,
                mask: 15,
                head: 0,
            };
            for seq in 0..n {
                let e = MarketEvent {
                    seq,
                    price: seq as i64 * 3,
                    qty: 1,
                    kind: 1,
                    ..Default::default()
                };
                while !w.push(&e) {
                    std::hint::spin_loop();
                }
            }
        });
        let mut out = [MarketEvent::default(); 7];
        let mut expect = 0u64;
        while expect < n {
            let k = r.read(&mut out).unwrap();
            for e in &out[..k] {
                assert_eq!((e.seq, e.price), (expect, expect as i64 * 3));
                expect += 1;
            }
        }
        prod.join().unwrap();
        drop(buf);
    }

    #[test]
    fn impossible_head_marks_corrupt() {
        let mut buf = buffer(4);
        let base = buf.as_mut_ptr().cast::<u8>();
        // SAFETY: live buffer.
        let mut r = unsafe { SharedRingConsumer::attach(base, buf.len() * 8) }.unwrap();
        // SAFETY: head field inside the buffer.
        unsafe { AtomicU32::from_ptr(base.add(HEAD_OFFSET).cast()).store(9, Ordering::SeqCst) };
        let mut out = [MarketEvent::default(); 4];
        assert!(matches!(
            r.read(&mut out),
            Err(RingError::Corrupt { ahead: 9, .. })
        ));
        assert_eq!(buf[STATUS_OFFSET / 8] >> 32, u64::from(status::CORRUPT));
        assert!(r.read(&mut out).is_err(), "stays broken");
    }
}
