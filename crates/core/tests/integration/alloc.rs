//! "No allocation after warm-up", checked with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use tachyon_core::event::MarketEvent;
use tachyon_core::ring::{mpmc::MpmcQueue, spsc};
use tachyon_core::{LatencyHistogram, Pool};

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only adds a thread-local counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made on this thread while running `f`.
fn allocations(f: impl FnOnce()) -> u64 {
    let before = ALLOCS.with(Cell::get);
    f();
    ALLOCS.with(Cell::get) - before
}

#[test]
fn pool_never_allocates_after_construction() {
    let mut pool = Pool::new(1024, || [0u8; 64]).unwrap();
    let n = allocations(|| {
        let mut held = [None; 512];
        for round in 0..100 {
            for h in &mut held {
                *h = pool.acquire();
            }
            for h in &mut held {
                if let Some(h) = h.take() {
                    pool.get_mut(h).unwrap()[0] = round;
                    pool.release(h).unwrap();
                }
            }
        }
        // exhaustion path, too
        let all: Vec<_> = std::iter::from_fn(|| pool.acquire())
            .take(2000)
            .collect::<Vec<_>>();
        assert_eq!(all.len(), 1024);
        assert!(pool.acquire().is_none());
        for h in all {
            pool.release(h).unwrap();
        }
    });
    // The one Vec collected above is the only allocation (and its growth).
    assert!(n <= 12, "pool allocated {n} times after warm-up");
}

#[test]
fn rings_and_histogram_do_not_allocate_in_steady_state() {
    let (mut p, mut c) = spsc::channel::<MarketEvent>(1024).unwrap();
    let q = MpmcQueue::<u64>::new(1024).unwrap();
    let mut h = LatencyHistogram::new();
    let mut out = [MarketEvent::default(); 64];
    let n = allocations(|| {
        for i in 0..100_000u64 {
            let e = MarketEvent {
                seq: i,
                ..Default::default()
            };
            assert!(p.push(e).is_ok());
            assert_eq!(c.pop().map(|e| e.seq), Some(i));
            q.push(i).unwrap();
            assert_eq!(q.pop(), Some(i));
            h.record(i % 10_000 + 1);
        }
        let batch = [MarketEvent::default(); 64];
        assert_eq!(p.push_slice(&batch), 64);
        assert_eq!(c.pop_slice(&mut out), 64);
    });
    assert_eq!(
        n, 0,
        "steady-state ring/histogram operations allocated {n} times"
    );
}
