//! Single-producer single-consumer ring buffer.
//!
//! # Design
//! Head (next write) and tail (next read) are unbounded `usize` counters, each on its own
//! cache line ([`CachePadded`]), so the producer and consumer never write the same line.
//! Each side also keeps a *cached* copy of the other side's counter and re-reads the shared
//! one only when the cached value says the ring is full (producer) or empty (consumer); in
//! steady state each operation touches only lines its own core owns.
//!
//! # Memory ordering
//! The producer writes the slot, then publishes with `head.store(Release)`; the consumer
//! `head.load(Acquire)` before reading slots, so it sees the slot writes. Symmetrically the
//! consumer releases slots with `tail.store(Release)` after reading them and the producer
//! `tail.load(Acquire)` before overwriting, so a slot is never overwritten while being read.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crossbeam_utils::CachePadded;

use super::{pow2_capacity, CapacityError};

struct Shared<T> {
    head: CachePadded<AtomicUsize>,
    tail: CachePadded<AtomicUsize>,
    buf: Box<[UnsafeCell<MaybeUninit<T>>]>,
    mask: usize,
}

// SAFETY: slots are handed between exactly one producer and one consumer through the
// release/acquire protocol above; `T: Send` is all that moving values across threads needs.
unsafe impl<T: Send> Sync for Shared<T> {}
// SAFETY: as above; the buffer owns `T`s, which are `Send`.
unsafe impl<T: Send> Send for Shared<T> {}

impl<T> Shared<T> {
    #[inline]
    fn slot(&self, i: usize) -> *mut MaybeUninit<T> {
        self.buf[i & self.mask].get()
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        let head = self.head.load(Ordering::Relaxed);
        let mut tail = self.tail.load(Ordering::Relaxed);
        while tail != head {
            // SAFETY: slots in [tail, head) were written and not yet read; we have `&mut self`,
            // so both endpoints are gone.
            unsafe { (*self.slot(tail)).assume_init_drop() };
            tail = tail.wrapping_add(1);
        }
    }
}

/// The writing end.
pub struct Producer<T> {
    shared: Arc<Shared<T>>,
    head: usize,
    cached_tail: usize,
}

/// The reading end.
pub struct Consumer<T> {
    shared: Arc<Shared<T>>,
    tail: usize,
    cached_head: usize,
}

impl<T> std::fmt::Debug for Producer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("spsc::Producer")
            .field("capacity", &self.capacity())
            .field("head", &self.head)
            .finish()
    }
}

impl<T> std::fmt::Debug for Consumer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("spsc::Consumer")
            .field("capacity", &self.capacity())
            .field("tail", &self.tail)
            .finish()
    }
}

/// Creates a ring holding at least `capacity` items (rounded up to a power of two).
///
/// # Errors
/// [`CapacityError`] for zero or an absurd capacity.
pub fn channel<T>(capacity: usize) -> Result<(Producer<T>, Consumer<T>), CapacityError> {
    let cap = pow2_capacity(capacity).map_err(CapacityError)?;
    if cap > 1 << 62 {
        return Err(CapacityError(capacity));
    }
    let buf = (0..cap)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let shared = Arc::new(Shared {
        head: CachePadded::new(AtomicUsize::new(0)),
        tail: CachePadded::new(AtomicUsize::new(0)),
        buf,
        mask: cap - 1,
    });
    Ok((
        Producer {
            shared: Arc::clone(&shared),
            head: 0,
            cached_tail: 0,
        },
        Consumer {
            shared,
            tail: 0,
            cached_head: 0,
        },
    ))
}

impl<T> Producer<T> {
    /// Ring capacity.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.shared.mask + 1
    }

    /// Free slots as far as this side knows (refreshes the consumer's counter).
    #[inline]
    #[must_use]
    pub fn free_slots(&mut self) -> usize {
        self.cached_tail = self.shared.tail.load(Ordering::Acquire);
        self.capacity() - self.head.wrapping_sub(self.cached_tail)
    }

    /// `true` once the consumer has been dropped.
    #[must_use]
    pub fn is_abandoned(&self) -> bool {
        Arc::strong_count(&self.shared) == 1
    }

    #[inline]
    fn room(&mut self, want: usize) -> usize {
        let cap = self.capacity();
        let mut free = cap - self.head.wrapping_sub(self.cached_tail);
        if free < want {
            self.cached_tail = self.shared.tail.load(Ordering::Acquire);
            free = cap - self.head.wrapping_sub(self.cached_tail);
        }
        free
    }

    /// Appends one value.
    ///
    /// # Errors
    /// Gives the value back when the ring is full.
    #[inline]
    pub fn push(&mut self, value: T) -> Result<(), T> {
        if self.room(1) == 0 {
            return Err(value);
        }
        // SAFETY: slot `head` is free (head - tail < capacity) and only this producer writes it.
        unsafe { (*self.shared.slot(self.head)).write(value) };
        self.head = self.head.wrapping_add(1);
        self.shared.head.store(self.head, Ordering::Release);
        Ok(())
    }
}

impl<T: Copy> Producer<T> {
    /// Appends as many of `values` as fit, publishing them with one release store.
    /// Returns how many were written (a prefix of `values`).
    #[inline]
    pub fn push_slice(&mut self, values: &[T]) -> usize {
        let n = self.room(values.len()).min(values.len());
        for (k, v) in values[..n].iter().enumerate() {
            // SAFETY: the n slots from head are free and only this producer writes them.
            unsafe { (*self.shared.slot(self.head.wrapping_add(k))).write(*v) };
        }
        if n > 0 {
            self.head = self.head.wrapping_add(n);
            self.shared.head.store(self.head, Ordering::Release);
        }
        n
    }

    /// Appends up to `n` items produced by `f(k)`, with one release store. Returns how many.
    #[inline]
    pub fn push_with(&mut self, n: usize, mut f: impl FnMut(usize) -> T) -> usize {
        let n = self.room(n).min(n);
        for k in 0..n {
            // SAFETY: as in `push_slice`.
            unsafe { (*self.shared.slot(self.head.wrapping_add(k))).write(f(k)) };
        }
        if n > 0 {
            self.head = self.head.wrapping_add(n);
            self.shared.head.store(self.head, Ordering::Release);
        }
        n
    }
}

impl<T> Consumer<T> {
    /// Ring capacity.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.shared.mask + 1
    }

    /// `true` once the producer has been dropped.
    #[must_use]
    pub fn is_abandoned(&self) -> bool {
        Arc::strong_count(&self.shared) == 1
    }

    /// Items known ready; re-reads the producer's counter only if fewer than `want` are known.
    #[inline]
    fn ready(&mut self, want: usize) -> usize {
        let mut n = self.cached_head.wrapping_sub(self.tail);
        if n < want {
            self.cached_head = self.shared.head.load(Ordering::Acquire);
            n = self.cached_head.wrapping_sub(self.tail);
        }
        n
    }

    /// Items ready to read (refreshes the producer's counter).
    #[inline]
    #[must_use]
    pub fn len(&mut self) -> usize {
        self.cached_head = self.shared.head.load(Ordering::Acquire);
        self.cached_head.wrapping_sub(self.tail)
    }

    /// `true` if nothing is ready.
    #[inline]
    #[must_use]
    pub fn is_empty(&mut self) -> bool {
        self.len() == 0
    }

    /// Takes the oldest value.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.ready(1) == 0 {
            return None;
        }
        // SAFETY: slot `tail` was published by the producer (acquire on head) and is read once.
        let v = unsafe { (*self.shared.slot(self.tail)).assume_init_read() };
        self.tail = self.tail.wrapping_add(1);
        self.shared.tail.store(self.tail, Ordering::Release);
        Some(v)
    }

    /// Takes up to `max` ready items, passing each to `f` by reference, then frees their slots
    /// with one release store. Returns how many were taken. Panic-safe: if `f` panics, the
    /// items taken so far are released and the rest stay queued.
    #[inline]
    pub fn consume(&mut self, max: usize, mut f: impl FnMut(&T)) -> usize {
        struct Release<'a, T> {
            c: &'a mut Consumer<T>,
            taken: usize,
        }
        impl<T> Drop for Release<'_, T> {
            fn drop(&mut self) {
                if self.taken > 0 {
                    self.c.tail = self.c.tail.wrapping_add(self.taken);
                    self.c.shared.tail.store(self.c.tail, Ordering::Release);
                }
            }
        }
        let n = self.ready(max).min(max);
        let mut g = Release { c: self, taken: 0 };
        for k in 0..n {
            let p = g.c.shared.slot(g.c.tail.wrapping_add(k));
            // SAFETY: slot published by the producer (acquire on head); moved out exactly once
            // and counted in `taken` before `f` runs, so a panic cannot read or drop it twice.
            let v = unsafe { (*p).assume_init_read() };
            g.taken += 1;
            f(&v);
        }
        n
    }
}

impl<T: Copy> Consumer<T> {
    /// Copies up to `out.len()` items into `out`, frees them with one release store, and
    /// returns how many.
    #[inline]
    pub fn pop_slice(&mut self, out: &mut [T]) -> usize {
        let n = self.ready(out.len()).min(out.len());
        for (k, o) in out[..n].iter_mut().enumerate() {
            // SAFETY: published slot; `T: Copy`, so reading leaves nothing to drop.
            *o = unsafe { (*self.shared.slot(self.tail.wrapping_add(k))).assume_init_read() };
        }
        if n > 0 {
            self.tail = self.tail.wrapping_add(n);
            self.shared.tail.store(self.tail, Ordering::Release);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fifo_and_full_empty() {
        let (mut p, mut c) = channel::<u32>(3).unwrap();
        assert_eq!(p.capacity(), 4);
        for i in 0..4 {
            p.push(i).unwrap();
        }
        assert_eq!(p.push(9), Err(9));
        assert_eq!(c.pop(), Some(0));
        p.push(4).unwrap();
        let mut out = [0; 8];
        assert_eq!(c.pop_slice(&mut out), 4);
        assert_eq!(&out[..4], &[1, 2, 3, 4]);
        assert_eq!(c.pop(), None);
        assert!(channel::<u8>(0).is_err());
    }

    #[test]
    fn drops_unread_items() {
        let marker = Arc::new(());
        {
            let (mut p, _c) = channel(4).unwrap();
            p.push(Arc::clone(&marker)).unwrap();
            p.push(Arc::clone(&marker)).unwrap();
            assert_eq!(Arc::strong_count(&marker), 3);
        }
        assert_eq!(Arc::strong_count(&marker), 1);
    }

    #[test]
    fn consume_visits_in_order_and_drops() {
        let (mut p, mut c) = channel::<String>(8).unwrap();
        for s in ["a", "b", "c"] {
            p.push(s.to_owned()).unwrap();
        }
        let mut seen = String::new();
        assert_eq!(c.consume(2, |s| seen.push_str(s)), 2);
        assert_eq!(seen, "ab");
        assert_eq!(c.pop().as_deref(), Some("c"));
        assert!(c.is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Under a real concurrent producer and consumer, every value arrives exactly once and
        /// in order, whatever the capacity and batch sizes.
        #[test]
        fn concurrent_nothing_lost_duplicated_or_reordered(
            cap in 1usize..64, n in 1u64..20_000, pbatch in 1usize..40, cbatch in 1usize..40
        ) {
            let (mut p, mut c) = channel::<u64>(cap).unwrap();
            let producer = std::thread::spawn(move || {
                let mut next = 0u64;
                let mut buf = Vec::with_capacity(pbatch);
                while next < n {
                    buf.clear();
                    buf.extend((next..n).take(pbatch));
                    let k = if buf.len() == 1 { usize::from(p.push(buf[0]).is_ok()) } else { p.push_slice(&buf) };
                    next += k as u64;
                    if k == 0 { std::thread::yield_now(); }
                }
            });
            let mut expect = 0u64;
            let mut out = vec![0u64; cbatch];
            while expect < n {
                let k = c.pop_slice(&mut out);
                for &v in &out[..k] {
                    prop_assert_eq!(v, expect);
                    expect += 1;
                }
                if k == 0 { std::thread::yield_now(); }
            }
            producer.join().unwrap();
            prop_assert_eq!(c.pop(), None);
        }
    }
}
