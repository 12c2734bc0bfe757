//! Core primitives: pool, rings, fixed point, instruments, clocks, histograms, event stream.

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use rust_decimal::Decimal;
use tachyon_core::event::{MarketEvent, EVENT_SIZE};
use tachyon_core::ring::{mpmc::MpmcQueue, spsc};
use tachyon_core::shm::{self, SharedRingConsumer};
use tachyon_core::stream::{StreamCounters, StreamStats};
use tachyon_core::{
    Clock, Instrument, InstrumentSpec, LatencyHistogram, MonotonicClock, Pool, Price, Quantity,
};

use crate::{bb, Kernel, Runner};

const RING_CAP: usize = 4096;

fn btc() -> Instrument {
    Instrument::new(&InstrumentSpec {
        symbol: "BTC-USDT".into(),
        tick_size: "0.01".into(),
        lot_size: "0.00001".into(),
        min_qty: Some("0.00001".into()),
        max_qty: Some("1000".into()),
        min_notional: Some("5".into()),
        max_notional: None,
    })
    .unwrap_or_else(|e| panic!("bench instrument: {e}"))
}

/// Moves `n` u64s from a producer thread to this thread through a ring, spinning on full/empty.
fn cross_thread<P: Send + 'static>(
    n: u64,
    mut producer: P,
    push: fn(&mut P, u64) -> bool,
    mut pop: impl FnMut() -> Option<u64>,
) {
    let t = std::thread::spawn(move || {
        for i in 0..n {
            while !push(&mut producer, i) {
                std::hint::spin_loop();
            }
        }
    });
    let mut expect = 0;
    while expect < n {
        match pop() {
            Some(v) => {
                debug_assert_eq!(v, expect);
                expect += 1;
            }
            None => std::hint::spin_loop(),
        }
    }
    t.join().unwrap_or_else(|_| panic!("producer panicked"));
}

/// A Rust stand-in for the JS `RingWriter` (same protocol): publishes every `batch` records.
fn shm_writer(addr: usize, cap: u32, n: u64, batch: u64) {
    let base = addr as *mut u8;
    // SAFETY: the caller keeps the buffer alive until this thread is joined; offsets are
    // inside it (header fields and records < capacity).
    let (head_at, tail_at) = unsafe {
        (
            AtomicU32::from_ptr(base.add(shm::HEAD_OFFSET).cast()),
            AtomicU32::from_ptr(base.add(shm::TAIL_OFFSET).cast()),
        )
    };
    let mut head = 0u32;
    let mut tail = 0u32;
    for seq in 0..n {
        while head.wrapping_sub(tail) >= cap {
            head_at.store(head, Ordering::SeqCst);
            tail = tail_at.load(Ordering::Acquire);
            std::hint::spin_loop();
        }
        let e = MarketEvent {
            seq,
            price: 100,
            qty: 1,
            kind: 1,
            side: 1,
            ..Default::default()
        };
        // SAFETY: slot inside the records area.
        unsafe {
            base.add(shm::HEADER_BYTES + (head & (cap - 1)) as usize * EVENT_SIZE)
                .cast::<MarketEvent>()
                .write(e)
        };
        head = head.wrapping_add(1);
        if seq % batch == batch - 1 {
            head_at.store(head, Ordering::SeqCst);
        }
    }
    head_at.store(head, Ordering::SeqCst);
}

/// Percentile cases.
pub fn run(r: &mut Runner) {
    let items: u64 = if r.quick() { 200_000 } else { 1_000_000 };

    // --- object pool vs the global allocator
    let g = "pool: acquire + release one 64-byte object";
    let mut pool = Pool::new(1024, || [0u64; 8]).unwrap_or_else(|e| panic!("{e}"));
    r.latency(g, "tachyon Pool", false, || {
        let h = pool.acquire().unwrap_or_else(|| unreachable!());
        bb(&pool.get(h));
        let _ = pool.release(bb(h));
    });
    r.latency(g, "Box::new + drop (system allocator)", true, || {
        drop(bb(Box::new([0u64; 8])));
    });

    // --- SPSC rings across two threads
    let g = "spsc ring: u64 between two threads (cap 4096)";
    r.throughput(g, "rtrb (push/pop)", true, items, || {
        let (p, mut c) = rtrb::RingBuffer::<u64>::new(RING_CAP);
        cross_thread(items, p, |p, v| p.push(v).is_ok(), move || c.pop().ok());
    });
    r.throughput(g, "crossbeam ArrayQueue (push/pop)", true, items, || {
        let q = Arc::new(crossbeam_queue::ArrayQueue::<u64>::new(RING_CAP));
        let q2 = Arc::clone(&q);
        cross_thread(items, q2, |q, v| q.push(v).is_ok(), move || q.pop());
    });
    r.throughput(g, "tachyon spsc (push/pop)", false, items, || {
        let (p, mut c) = spsc::channel::<u64>(RING_CAP).unwrap_or_else(|e| panic!("{e}"));
        cross_thread(items, p, |p, v| p.push(v).is_ok(), move || c.pop());
    });
    r.throughput(g, "tachyon spsc (batches of 64)", false, items, || {
        let (mut p, mut c) = spsc::channel::<u64>(RING_CAP).unwrap_or_else(|e| panic!("{e}"));
        let t = std::thread::spawn(move || {
            let mut next = 0u64;
            while next < items {
                let n = p.push_with(64.min((items - next) as usize), |k| next + k as u64);
                next += n as u64;
                if n == 0 {
                    std::hint::spin_loop();
                }
            }
        });
        let mut buf = [0u64; 64];
        let mut got = 0u64;
        while got < items {
            let n = c.pop_slice(&mut buf);
            got += n as u64;
            if n == 0 {
                std::hint::spin_loop();
            }
        }
        t.join().unwrap_or_else(|_| panic!("producer panicked"));
    });

    // --- MPMC queue, one producer and one consumer thread
    let g = "bounded mpmc queue: u64 between two threads (cap 4096)";
    r.throughput(g, "crossbeam ArrayQueue", true, items, || {
        let q = Arc::new(crossbeam_queue::ArrayQueue::<u64>::new(RING_CAP));
        let q2 = Arc::clone(&q);
        cross_thread(items, q2, |q, v| q.push(v).is_ok(), move || q.pop());
    });
    r.throughput(g, "tachyon MpmcQueue", false, items, || {
        let q = Arc::new(MpmcQueue::<u64>::new(RING_CAP).unwrap_or_else(|e| panic!("{e}")));
        let q2 = Arc::clone(&q);
        cross_thread(items, q2, |q, v| q.push(v).is_ok(), move || q.pop());
    });

    // --- 48-byte market events into a consumer (the Rust half of the JS → Rust stream)
    let g = "market events: 48-byte records producer → consumer thread";
    r.throughput(g, "rtrb MarketEvent (push/pop)", true, items, || {
        let (p, mut c) = rtrb::RingBuffer::<MarketEvent>::new(RING_CAP);
        let t = std::thread::spawn(move || {
            let mut p = p;
            for seq in 0..items {
                let e = MarketEvent {
                    seq,
                    price: 100,
                    qty: 1,
                    kind: 1,
                    side: 1,
                    ..Default::default()
                };
                while p.push(e).is_err() {
                    std::hint::spin_loop();
                }
            }
        });
        let mut got = 0;
        while got < items {
            if c.pop().is_ok() {
                got += 1;
            } else {
                std::hint::spin_loop();
            }
        }
        t.join().unwrap_or_else(|_| panic!("producer panicked"));
    });
    r.throughput(
        g,
        "tachyon shared ring (JS protocol) + StreamStats",
        false,
        items,
        || {
            let mut buf = vec![0u64; shm::bytes_for(RING_CAP) / 8];
            let addr = buf.as_mut_ptr() as usize;
            // SAFETY: `buf` outlives the producer thread and the consumer (both end in this closure).
            let mut ring = unsafe { SharedRingConsumer::attach(addr as *mut u8, buf.len() * 8) }
                .unwrap_or_else(|e| panic!("{e}"));
            let t = std::thread::spawn(move || shm_writer(addr, RING_CAP as u32, items, 256));
            let mut stats = StreamStats::new(Arc::new(StreamCounters::default()));
            let mut out = [MarketEvent::default(); 512];
            let mut got = 0u64;
            while got < items {
                let n = ring.read(&mut out).unwrap_or_else(|e| panic!("{e}"));
                for e in &out[..n] {
                    stats.observe(e);
                }
                got += n as u64;
                if n == 0 {
                    std::hint::spin_loop();
                }
            }
            t.join().unwrap_or_else(|_| panic!("producer panicked"));
            drop(buf);
        },
    );

    // --- fixed point vs rust_decimal
    let g = "fixed point: price + price";
    let (a, b) = (
        Price::parse("65000.10", 2).unwrap_or_else(|e| panic!("{e}")),
        Price::parse("0.05", 2).unwrap_or_else(|e| panic!("{e}")),
    );
    let (da, db) = (
        Decimal::from_str("65000.10").unwrap_or_default(),
        Decimal::from_str("0.05").unwrap_or_default(),
    );
    r.latency(g, "rust_decimal Decimal + Decimal", true, || {
        bb(bb(da) + bb(db));
    });
    r.latency(g, "tachyon Price::checked_add", false, || {
        let _ = bb(bb(a).checked_add(bb(b)));
    });
    let g = "fixed point: price × quantity";
    let q = Quantity::parse("0.12345", 5).unwrap_or_else(|e| panic!("{e}"));
    let dq = Decimal::from_str("0.12345").unwrap_or_default();
    r.latency(g, "rust_decimal Decimal × Decimal", true, || {
        bb(bb(da) * bb(dq));
    });
    r.latency(g, "tachyon Price::checked_mul_qty", false, || {
        let _ = bb(bb(a).checked_mul_qty(bb(q)));
    });
    let g = "fixed point: parse \"65000.10\"";
    r.latency(g, "rust_decimal Decimal::from_str", true, || {
        let _ = bb(Decimal::from_str(bb("65000.10")));
    });
    r.latency(g, "tachyon Price::parse", false, || {
        let _ = bb(Price::parse(bb("65000.10"), 2));
    });

    // --- order validation
    let g = "order check: tick, lot, min/max qty, min notional";
    let inst = btc();
    let (tick, lot, min_n) = (
        Decimal::from_str("0.01").unwrap_or_default(),
        Decimal::from_str("0.00001").unwrap_or_default(),
        Decimal::from(5),
    );
    r.latency(g, "rust_decimal naive (rem + mul + cmp)", true, || {
        let (p, q) = (bb(da), bb(dq));
        bb((p % tick).is_zero() && (q % lot).is_zero() && q > Decimal::ZERO && p * q >= min_n);
    });
    r.latency(g, "tachyon Instrument::check_order", false, || {
        let _ = bb(inst.check_order(bb(a), bb(q)));
    });

    // --- clocks
    let g = "clock read";
    r.latency(g, "std SystemTime::now", true, || {
        bb(std::time::SystemTime::now());
    });
    r.latency(g, "std Instant::now", false, || {
        bb(std::time::Instant::now());
    });
    let clock = MonotonicClock::new();
    r.latency(g, "tachyon MonotonicClock::now", false, || {
        bb(clock.now());
    });

    // --- histogram
    let g = "latency histogram: record one sample";
    let mut h = LatencyHistogram::new();
    let mut v = 0u64;
    let mut log2 = [0u64; 64];
    r.latency(
        g,
        "naive power-of-two buckets (counts[log2 v] += 1)",
        true,
        || {
            v = v.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let x = bb(v % 1_000_000 + 1);
            log2[63 - x.leading_zeros() as usize] += 1;
            bb(&log2);
        },
    );
    r.latency(g, "tachyon LatencyHistogram::record", false, || {
        v = v.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        h.record(bb(v % 1_000_000 + 1));
    });
}

/// Callgrind kernels (deterministic instruction counts for the gate).
#[must_use]
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            id: "core/pool_acquire_release",
            make: || {
                let mut pool = Pool::new(64, || [0u64; 8]).unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for _ in 0..n {
                        let h = pool.acquire().unwrap_or_else(|| unreachable!());
                        let _ = pool.release(bb(h));
                    }
                })
            },
        },
        Kernel {
            id: "core/spsc_push_pop",
            make: || {
                let (mut p, mut c) = spsc::channel::<u64>(1024).unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for i in 0..n {
                        let _ = p.push(bb(i));
                        bb(c.pop());
                    }
                })
            },
        },
        Kernel {
            id: "core/spsc_batch64_per_item",
            make: || {
                let (mut p, mut c) = spsc::channel::<u64>(1024).unwrap_or_else(|e| panic!("{e}"));
                let mut buf = [0u64; 64];
                Box::new(move |n| {
                    // n items in batches of 64
                    for _ in 0..n / 64 {
                        p.push_with(64, |k| bb(k as u64));
                        bb(c.pop_slice(&mut buf));
                    }
                })
            },
        },
        Kernel {
            id: "core/mpmc_push_pop",
            make: || {
                let q = MpmcQueue::<u64>::new(1024).unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for i in 0..n {
                        let _ = q.push(bb(i));
                        bb(q.pop());
                    }
                })
            },
        },
        Kernel {
            id: "core/fixed_add",
            make: || {
                let (a, b) = (
                    Price::from_mantissa(6_500_010, 2).unwrap_or_else(|e| panic!("{e}")),
                    Price::from_mantissa(5, 2).unwrap_or_else(|e| panic!("{e}")),
                );
                Box::new(move |n| {
                    for _ in 0..n {
                        let _ = bb(bb(a).checked_add(bb(b)));
                    }
                })
            },
        },
        Kernel {
            id: "core/fixed_mul_qty",
            make: || {
                let a = Price::from_mantissa(6_500_010, 2).unwrap_or_else(|e| panic!("{e}"));
                let q = Quantity::from_mantissa(12_345, 5).unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for _ in 0..n {
                        let _ = bb(bb(a).checked_mul_qty(bb(q)));
                    }
                })
            },
        },
        Kernel {
            id: "core/fixed_parse",
            make: || {
                Box::new(move |n| {
                    for _ in 0..n {
                        let _ = bb(Price::parse(bb("65000.10"), 2));
                    }
                })
            },
        },
        Kernel {
            id: "core/instrument_check_order",
            make: || {
                let inst = btc();
                let a = Price::from_mantissa(6_500_010, 2).unwrap_or_else(|e| panic!("{e}"));
                let q = Quantity::from_mantissa(12_345, 5).unwrap_or_else(|e| panic!("{e}"));
                Box::new(move |n| {
                    for _ in 0..n {
                        let _ = bb(inst.check_order(bb(a), bb(q)));
                    }
                })
            },
        },
        Kernel {
            id: "core/hist_record",
            make: || {
                let mut h = LatencyHistogram::new();
                Box::new(move |n| {
                    for i in 0..n {
                        h.record(bb(i % 100_000 + 1));
                    }
                })
            },
        },
        Kernel {
            id: "core/stream_observe",
            make: || {
                let mut s = StreamStats::new(Arc::new(StreamCounters::default()));
                Box::new(move |n| {
                    for seq in 0..n {
                        s.observe(bb(&MarketEvent {
                            seq,
                            price: 100,
                            qty: 1,
                            kind: 1,
                            side: 1,
                            ..Default::default()
                        }));
                    }
                })
            },
        },
    ]
}
