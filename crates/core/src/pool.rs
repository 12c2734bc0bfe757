//! Fixed-capacity object pool.
//!
//! All objects are built up front by [`Pool::new`]; after that, [`Pool::acquire`] and
//! [`Pool::release`] never allocate (the free list is a pre-sized stack of indices). A
//! [`Handle`] carries a generation, so a handle kept after release is detected, not
//! silently aliased: `get` returns `None` and a second `release` is an error.

/// Refers to one acquired slot of a [`Pool`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handle {
    index: u32,
    gen: u32,
}

impl Handle {
    /// Slot index (stable for the life of the acquisition; reused after release).
    #[inline]
    #[must_use]
    pub const fn index(self) -> u32 {
        self.index
    }
}

/// Why a pool call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// Capacity must be between 1 and `u32::MAX`.
    #[error("pool capacity must be between 1 and {max}, got {got}")]
    Capacity {
        /// Requested capacity.
        got: usize,
        /// Largest allowed.
        max: usize,
    },
    /// The handle does not refer to a currently acquired slot (already released, or from
    /// another pool).
    #[error("handle {index}/{gen} is not currently acquired")]
    StaleHandle {
        /// Slot index.
        index: u32,
        /// Generation on the handle.
        gen: u32,
    },
}

impl PoolError {
    /// Stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Capacity { .. } => "ERR_POOL_CAPACITY",
            Self::StaleHandle { .. } => "ERR_POOL_STALE_HANDLE",
        }
    }
}

/// A pool of `T` with fixed capacity. Single-threaded (`&mut self`); give each thread its own
/// pool, or wrap it, rather than paying for atomics on every acquire.
#[derive(Debug)]
pub struct Pool<T> {
    slots: Box<[T]>,
    /// Odd generation = acquired, even = free.
    gens: Box<[u32]>,
    free: Vec<u32>,
}

impl<T> Pool<T> {
    /// Builds `capacity` objects with `make` (the warm-up; the only allocation).
    ///
    /// # Errors
    /// [`PoolError::Capacity`] for zero or more than `u32::MAX` slots.
    pub fn new(capacity: usize, mut make: impl FnMut() -> T) -> Result<Self, PoolError> {
        let max = u32::MAX as usize;
        if capacity == 0 || capacity > max {
            return Err(PoolError::Capacity { got: capacity, max });
        }
        let slots: Box<[T]> = (0..capacity).map(|_| make()).collect();
        let gens = vec![0u32; capacity].into_boxed_slice();
        // Pop from the back, so reverse to hand out slot 0 first (friendlier to caches).
        let free = (0..capacity as u32).rev().collect();
        Ok(Self { slots, gens, free })
    }

    /// Total slots.
    #[inline]
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Slots free to acquire.
    #[inline]
    #[must_use]
    pub fn available(&self) -> usize {
        self.free.len()
    }

    /// Takes a free slot, or `None` when all are in use. Never allocates.
    #[inline]
    pub fn acquire(&mut self) -> Option<Handle> {
        let index = self.free.pop()?;
        let g = &mut self.gens[index as usize];
        *g = g.wrapping_add(1);
        Some(Handle { index, gen: *g })
    }

    #[inline]
    fn live(&self, h: Handle) -> bool {
        self.gens
            .get(h.index as usize)
            .is_some_and(|&g| g == h.gen && g & 1 == 1)
    }

    /// The object behind a live handle.
    #[inline]
    #[must_use]
    pub fn get(&self, h: Handle) -> Option<&T> {
        if self.live(h) {
            self.slots.get(h.index as usize)
        } else {
            None
        }
    }

    /// The object behind a live handle, mutably.
    #[inline]
    pub fn get_mut(&mut self, h: Handle) -> Option<&mut T> {
        if self.live(h) {
            self.slots.get_mut(h.index as usize)
        } else {
            None
        }
    }

    /// Returns a slot to the pool. The object keeps its state; reset it on acquire if needed.
    ///
    /// # Errors
    /// [`PoolError::StaleHandle`] if the handle is not currently acquired (double release).
    #[inline]
    pub fn release(&mut self, h: Handle) -> Result<(), PoolError> {
        if !self.live(h) {
            return Err(PoolError::StaleHandle {
                index: h.index,
                gen: h.gen,
            });
        }
        let g = &mut self.gens[h.index as usize];
        *g = g.wrapping_add(1);
        // Cannot reallocate: free.len() < capacity here because this slot was not in it.
        self.free.push(h.index);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn acquire_release_cycle() {
        let mut p = Pool::new(2, || 0u64).unwrap();
        let a = p.acquire().unwrap();
        let b = p.acquire().unwrap();
        assert_ne!(a.index(), b.index());
        assert!(p.acquire().is_none());
        *p.get_mut(a).unwrap() = 7;
        p.release(a).unwrap();
        assert_eq!(p.get(a), None, "stale handle must not see the slot");
        assert!(matches!(p.release(a), Err(PoolError::StaleHandle { .. })));
        let c = p.acquire().unwrap();
        assert_eq!(c.index(), a.index());
        assert_eq!(*p.get(c).unwrap(), 7, "state is kept across reuse");
        assert!(Pool::new(0, || 0).is_err());
    }

    proptest! {
        /// The pool never hands out one slot twice, and stale handles never alias a live slot.
        #[test]
        fn never_hands_out_a_slot_twice(cap in 1usize..64, ops in proptest::collection::vec(any::<(bool, u8)>(), 0..500)) {
            let mut pool = Pool::new(cap, || ()).unwrap();
            let mut live: Vec<Handle> = Vec::new();
            let mut dead: Vec<Handle> = Vec::new();
            for (acq, pick) in ops {
                if acq {
                    match pool.acquire() {
                        Some(h) => {
                            prop_assert!(live.iter().all(|l| l.index() != h.index()), "slot {} handed out twice", h.index());
                            live.push(h);
                        }
                        None => prop_assert_eq!(live.len(), cap),
                    }
                } else if !live.is_empty() {
                    let h = live.swap_remove(usize::from(pick) % live.len());
                    prop_assert!(pool.release(h).is_ok());
                    dead.push(h);
                }
                for d in &dead {
                    prop_assert!(pool.get(*d).is_none());
                }
                prop_assert_eq!(pool.available() + live.len(), cap);
                let uniq: HashSet<u32> = live.iter().map(|h| h.index()).collect();
                prop_assert_eq!(uniq.len(), live.len());
            }
        }
    }
}
