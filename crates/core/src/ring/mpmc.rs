//! Bounded multi-producer multi-consumer queue (Dmitry Vyukov's design).
//!
//! Each slot carries a sequence number. A producer that reads `seq == pos` owns the slot after
//! winning the CAS on `enqueue_pos`, writes the value and releases it with `seq = pos + 1`; a
//! consumer that reads `seq == pos + 1` owns it after winning the CAS on `dequeue_pos`, reads
//! it and releases it for the next lap with `seq = pos + capacity`. The per-slot acquire/release
//! pair on `seq` orders the value transfer; the position counters only arbitrate ownership
//! and can be relaxed.

use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicUsize, Ordering};

use crossbeam_utils::CachePadded;

use super::{pow2_capacity, CapacityError};

struct Slot<T> {
    seq: AtomicUsize,
    value: UnsafeCell<MaybeUninit<T>>,
}

/// A bounded lock-free MPMC queue. Share it by reference or `Arc`.
pub struct MpmcQueue<T> {
    slots: Box<[Slot<T>]>,
    mask: usize,
    enqueue_pos: CachePadded<AtomicUsize>,
    dequeue_pos: CachePadded<AtomicUsize>,
}

// SAFETY: a value moves from one producer to one consumer through the per-slot seq protocol;
// `T: Send` suffices.
unsafe impl<T: Send> Sync for MpmcQueue<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Send for MpmcQueue<T> {}

impl<T> std::fmt::Debug for MpmcQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MpmcQueue")
            .field("capacity", &self.capacity())
            .finish()
    }
}

impl<T> MpmcQueue<T> {
    /// A queue holding at least `capacity` items (rounded up to a power of two, minimum 2).
    ///
    /// # Errors
    /// [`CapacityError`] for zero or an absurd capacity.
    pub fn new(capacity: usize) -> Result<Self, CapacityError> {
        let cap = pow2_capacity(capacity).map_err(CapacityError)?;
        if cap > 1 << 62 {
            return Err(CapacityError(capacity));
        }
        let slots = (0..cap)
            .map(|i| Slot {
                seq: AtomicUsize::new(i),
                value: UnsafeCell::new(MaybeUninit::uninit()),
            })
            .collect();
        Ok(Self {
            slots,
            mask: cap - 1,
            enqueue_pos: CachePadded::new(AtomicUsize::new(0)),
            dequeue_pos: CachePadded::new(AtomicUsize::new(0)),
        })
    }

    /// Capacity.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.mask + 1
    }

    /// Appends a value.
    ///
    /// # Errors
    /// Gives the value back when the queue is full.
    #[inline]
    pub fn push(&self, value: T) -> Result<(), T> {
        let mut pos = self.enqueue_pos.load(Ordering::Relaxed);
        loop {
            let slot = &self.slots[pos & self.mask];
            let seq = slot.seq.load(Ordering::Acquire);
            let diff = seq.wrapping_sub(pos) as isize;
            if diff == 0 {
                match self.enqueue_pos.compare_exchange_weak(
                    pos,
                    pos.wrapping_add(1),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        // SAFETY: winning the CAS at `seq == pos` gives this thread sole ownership
                        // of the slot until it publishes `seq = pos + 1`.
                        unsafe { (*slot.value.get()).write(value) };
                        slot.seq.store(pos.wrapping_add(1), Ordering::Release);
                        return Ok(());
                    }
                    Err(actual) => pos = actual,
                }
            } else if diff < 0 {
                return Err(value); // the slot still holds last lap's value: full
            } else {
                pos = self.enqueue_pos.load(Ordering::Relaxed);
            }
        }
    }

    /// Takes the oldest value, or `None` if empty.
    #[inline]
    pub fn pop(&self) -> Option<T> {
        let mut pos = self.dequeue_pos.load(Ordering::Relaxed);
        loop {
            let slot = &self.slots[pos & self.mask];
            let seq = slot.seq.load(Ordering::Acquire);
            let diff = seq.wrapping_sub(pos.wrapping_add(1)) as isize;
            if diff == 0 {
                match self.dequeue_pos.compare_exchange_weak(
                    pos,
                    pos.wrapping_add(1),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        // SAFETY: winning the CAS at `seq == pos + 1` gives sole ownership of a
                        // published value (acquire on seq); it is read exactly once.
                        let v = unsafe { (*slot.value.get()).assume_init_read() };
                        slot.seq
                            .store(pos.wrapping_add(self.mask + 1), Ordering::Release);
                        return Some(v);
                    }
                    Err(actual) => pos = actual,
                }
            } else if diff < 0 {
                return None;
            } else {
                pos = self.dequeue_pos.load(Ordering::Relaxed);
            }
        }
    }
}

impl<T> Drop for MpmcQueue<T> {
    fn drop(&mut self) {
        while self.pop().is_some() {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    #[test]
    fn fifo_single_thread() {
        let q = MpmcQueue::new(2).unwrap();
        q.push(1).unwrap();
        q.push(2).unwrap();
        assert_eq!(q.push(3), Err(3));
        assert_eq!(q.pop(), Some(1));
        q.push(3).unwrap();
        assert_eq!((q.pop(), q.pop(), q.pop()), (Some(2), Some(3), None));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        /// With several producers and consumers, every value is received exactly once and each
        /// producer's values arrive in the order it sent them.
        #[test]
        fn concurrent_exactly_once_and_per_producer_fifo(cap in 2usize..64, per in 1u64..3_000, producers in 1usize..4, consumers in 1usize..4) {
            let q = Arc::new(MpmcQueue::<(usize, u64)>::new(cap).unwrap());
            let total = per * producers as u64;
            let received = Arc::new(AtomicUsize::new(0));
            let mut hs = Vec::new();
            for p in 0..producers {
                let q = Arc::clone(&q);
                hs.push(std::thread::spawn(move || {
                    for i in 0..per {
                        let mut v = (p, i);
                        while let Err(back) = q.push(v) { v = back; std::thread::yield_now(); }
                    }
                    Vec::new()
                }));
            }
            for _ in 0..consumers {
                let (q, received) = (Arc::clone(&q), Arc::clone(&received));
                hs.push(std::thread::spawn(move || {
                    let mut got = Vec::new();
                    while received.load(Ordering::Relaxed) < total as usize {
                        match q.pop() {
                            Some(v) => { got.push(v); received.fetch_add(1, Ordering::Relaxed); }
                            None => std::thread::yield_now(),
                        }
                    }
                    got
                }));
            }
            let mut all: Vec<Vec<(usize, u64)>> = hs.into_iter().map(|h| h.join().unwrap()).collect();
            let mut seen = vec![Vec::new(); producers];
            for got in &mut all {
                // Within one consumer, values of one producer are increasing (per-producer FIFO).
                let mut last = vec![None; producers];
                for &(p, i) in got.iter() {
                    if let Some(prev) = last[p] { prop_assert!(i > prev); }
                    last[p] = Some(i);
                    seen[p].push(i);
                }
            }
            for s in &mut seen {
                s.sort_unstable();
                prop_assert_eq!(s.len() as u64, per);
                prop_assert!(s.iter().enumerate().all(|(k, &v)| k as u64 == v));
            }
        }
    }
}
