//! Book delta throughput: `OrderBook::apply_level` against a naive `BTreeMap` book (the
//! anchor) on the same synthetic feed, plus Binance message parsing.
//!
//! The feed: a random-walk mid; each update picks a side, a distance from the mid drawn from
//! a geometric-like distribution (most within 10 ticks, a tail to 1,000), and a quantity that
//! is zero (delete) 30% of the time. About 1,000 levels per side live in the book.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tachyon_book::{parse_depth_update, BookSide, Level, OrderBook, Scales, SeqRule};

/// SplitMix64: a tiny deterministic generator for the bench feed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[derive(Clone, Copy)]
struct Update {
    side: BookSide,
    price: i64,
    qty: i64,
}

fn feed(n: usize, seed: u64) -> Vec<Update> {
    let mut r = Rng(seed);
    let mut mid: i64 = 1_000_000;
    (0..n)
        .map(|_| {
            if r.next().is_multiple_of(64) {
                mid += (r.next() % 5) as i64 - 2;
            }
            let u = r.next();
            let side = if u & 1 == 0 {
                BookSide::Bid
            } else {
                BookSide::Ask
            };
            // distance: 70% within 10 ticks, 25% within 100, 5% within 1000
            let d = match (u >> 1) % 100 {
                0..=69 => 1 + (u >> 8) % 10,
                70..=94 => 1 + (u >> 8) % 100,
                _ => 1 + (u >> 8) % 1000,
            } as i64;
            let price = match side {
                BookSide::Bid => mid - d,
                BookSide::Ask => mid + d,
            };
            let qty = if (u >> 20) % 10 < 3 {
                0
            } else {
                1 + ((u >> 24) % 1000) as i64
            };
            Update { side, price, qty }
        })
        .collect()
}

#[derive(Default)]
struct NaiveBook {
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
}

impl NaiveBook {
    fn apply(&mut self, u: &Update) -> Option<(i64, i64)> {
        let m = match u.side {
            BookSide::Bid => &mut self.bids,
            BookSide::Ask => &mut self.asks,
        };
        if u.qty == 0 {
            m.remove(&u.price);
        } else {
            m.insert(u.price, u.qty);
        }
        Some((*self.bids.keys().next_back()?, *self.asks.keys().next()?))
    }
}

fn warm(updates: &[Update]) -> (OrderBook, NaiveBook) {
    let mut book = OrderBook::with_grid(1, 1, 2, 3, SeqRule::Contiguous);
    book.load_snapshot(0, &[], &[]).unwrap();
    let mut naive = NaiveBook::default();
    for (i, u) in updates.iter().enumerate() {
        book.apply_level(u.side, u.price, u.qty, i as u64 + 1)
            .unwrap();
        naive.apply(u);
    }
    (book, naive)
}

fn bench_deltas(c: &mut Criterion) {
    const N: usize = 100_000;
    let warmup = feed(200_000, 1);
    let stream = feed(N, 2);
    let mut g = c.benchmark_group("book_delta");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("tachyon_apply_level", |b| {
        b.iter_batched_ref(
            || warm(&warmup).0,
            |book| {
                let base = book.update_id();
                for (i, u) in stream.iter().enumerate() {
                    let r = book.apply_level(u.side, u.price, u.qty, base + i as u64 + 1);
                    black_box(&r);
                }
                black_box(book.best_bid())
            },
            BatchSize::LargeInput,
        );
    });
    g.bench_function("anchor_btreemap", |b| {
        b.iter_batched_ref(
            || warm(&warmup).1,
            |naive| {
                for u in &stream {
                    black_box(naive.apply(u));
                }
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
}

fn bench_parse(c: &mut Criterion) {
    let msg = r#"{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.00240000","10.00000000"],["0.00239000","0.00000000"],["0.00238000","5.50000000"]],"a":[["0.00260000","100.00000000"],["0.00261000","3.25000000"]]}"#;
    let scales = Scales { price: 5, qty: 2 };
    let mut g = c.benchmark_group("binance_parse");
    g.throughput(Throughput::Elements(1));
    g.bench_function("depth_update_5_levels", |b| {
        b.iter(|| parse_depth_update(black_box(msg), scales).unwrap());
    });
    g.bench_function("anchor_serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(msg)).unwrap());
    });
    g.finish();
    let _ = Level::default();
}

criterion_group!(benches, bench_deltas, bench_parse);
criterion_main!(benches);
