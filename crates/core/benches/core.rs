//! Criterion benches of the core primitives (deep-dive; `npm run bench` uses tachyon-bench for
//! percentiles beside anchors). Run: `cargo bench -p tachyon-core`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tachyon_core::event::MarketEvent;
use tachyon_core::ring::{mpmc::MpmcQueue, spsc};
use tachyon_core::{Instrument, InstrumentSpec, LatencyHistogram, Pool, Price, Quantity};

fn pool(c: &mut Criterion) {
    let mut g = c.benchmark_group("pool");
    let mut p = Pool::new(1024, || [0u64; 8]).unwrap();
    g.bench_function("acquire+release", |b| {
        b.iter(|| {
            let h = p.acquire().unwrap();
            p.release(black_box(h)).unwrap();
        });
    });
    g.bench_function("Box::new+drop (anchor)", |b| {
        b.iter(|| drop(black_box(Box::new([0u64; 8]))))
    });
    g.finish();
}

fn rings(c: &mut Criterion) {
    let mut g = c.benchmark_group("ring single-thread push+pop");
    let (mut p, mut cons) = spsc::channel::<MarketEvent>(1024).unwrap();
    g.bench_function("tachyon spsc", |b| {
        b.iter(|| {
            let _ = p.push(black_box(MarketEvent::default()));
            black_box(cons.pop());
        });
    });
    let (mut rp, mut rc) = rtrb::RingBuffer::<MarketEvent>::new(1024);
    g.bench_function("rtrb (anchor)", |b| {
        b.iter(|| {
            let _ = rp.push(black_box(MarketEvent::default()));
            let _ = black_box(rc.pop());
        });
    });
    let q = MpmcQueue::<MarketEvent>::new(1024).unwrap();
    g.bench_function("tachyon mpmc", |b| {
        b.iter(|| {
            let _ = q.push(black_box(MarketEvent::default()));
            black_box(q.pop());
        });
    });
    let cq = crossbeam_queue::ArrayQueue::<MarketEvent>::new(1024);
    g.bench_function("crossbeam ArrayQueue (anchor)", |b| {
        b.iter(|| {
            let _ = cq.push(black_box(MarketEvent::default()));
            black_box(cq.pop());
        });
    });
    g.finish();

    let mut g = c.benchmark_group("spsc batch of 64 events");
    g.throughput(Throughput::Elements(64));
    let batch = [MarketEvent::default(); 64];
    let mut out = [MarketEvent::default(); 64];
    g.bench_function("push_slice+pop_slice", |b| {
        b.iter(|| {
            p.push_slice(black_box(&batch));
            black_box(cons.pop_slice(&mut out));
        });
    });
    g.finish();
}

fn fixed(c: &mut Criterion) {
    let mut g = c.benchmark_group("fixed point");
    let a = Price::parse("65000.10", 2).unwrap();
    let b2 = Price::parse("0.05", 2).unwrap();
    let q = Quantity::parse("0.12345", 5).unwrap();
    g.bench_function("add", |b| {
        b.iter(|| black_box(a).checked_add(black_box(b2)))
    });
    g.bench_function("mul_qty", |b| {
        b.iter(|| black_box(a).checked_mul_qty(black_box(q)))
    });
    g.bench_function("parse", |b| {
        b.iter(|| Price::parse(black_box("65000.10"), 2))
    });
    g.bench_function("format", |b| b.iter(|| black_box(a).to_string()));
    let inst = Instrument::new(&InstrumentSpec {
        symbol: "BTC-USDT".into(),
        tick_size: "0.01".into(),
        lot_size: "0.00001".into(),
        min_qty: None,
        max_qty: Some("1000".into()),
        min_notional: Some("5".into()),
        max_notional: None,
    })
    .unwrap();
    g.bench_function("instrument check_order", |b| {
        b.iter(|| inst.check_order(black_box(a), black_box(q)))
    });
    g.finish();
}

fn hist(c: &mut Criterion) {
    let mut h = LatencyHistogram::new();
    c.bench_function("histogram record", |b| {
        b.iter_batched(
            || 12_345u64,
            |v| h.record(black_box(v)),
            BatchSize::SmallInput,
        );
    });
}

criterion_group!(benches, pool, rings, fixed, hist);
criterion_main!(benches);
