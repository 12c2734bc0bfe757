//! Criterion bench: the Rust backtest loop with the EMA-cross strategy over synthetic bars, and
//! an L2 replay (`VenueModel::L2`) of a synthetic book tape.
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tachyon_backtest::synthetic::{BarSpec, SyntheticBars};
use tachyon_backtest::*;
use tachyon_core::InstrumentSpec;
use tachyon_stats::mc::{Gbm, Process};

fn bench(c: &mut Criterion) {
    let spec = InstrumentSpec {
        symbol: "BTC/USDT".into(),
        tick_size: "0.01".into(),
        lot_size: "0.00001".into(),
        min_qty: None,
        max_qty: None,
        min_notional: Some("5".into()),
        max_notional: None,
    };
    let mut gen = SyntheticBars::new(
        1,
        &Process::Gbm(Gbm {
            s0: 65_000.0,
            mu: 0.0,
            sigma: 0.6,
        }),
        BarSpec {
            instrument: 0,
            start_ns: 0,
            bar_ns: 60_000_000_000,
            steps_per_bar: 4,
            tick: 1,
            price_scale: 2,
            mean_volume: 1e5,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut bars = Vec::new();
    gen.fill(1_000_000, &mut bars);
    let mut g = c.benchmark_group("backtest");
    g.throughput(Throughput::Elements(bars.len() as u64));
    g.sample_size(10);
    g.bench_function("ema_cross_1m_bars", |b| {
        b.iter(|| {
            let mut cfg = SessionConfig::simple(spec.clone());
            cfg.taker_fee = FeeRate::from_bps(10.0);
            let mut s = Session::new(cfg).unwrap();
            s.push(black_box(&bars));
            let mut st = EmaCross::new(10, 30, 1_000, Direction::LongShort, &[2]).unwrap();
            black_box(run(&mut s, &mut st, RunOptions::default()).metrics.sharpe)
        });
    });
    g.finish();

    // L2 replay through the simulated venue: book updates + trades, no orders.
    let tape = synthetic::l2_tape(1_000_000, 1, 0, 0, 6_500_000, 1, 1, 500).unwrap();
    let mut g = c.benchmark_group("backtest_l2");
    g.throughput(Throughput::Elements(tape.len() as u64));
    g.sample_size(10);
    g.bench_function("l2_replay_1m_records", |b| {
        b.iter(|| {
            let mut cfg = SessionConfig::simple(spec.clone());
            cfg.venue = VenueModel::L2(Box::default());
            let mut s = Session::new(cfg).unwrap();
            s.push(black_box(&tape));
            let n = s.len();
            black_box(s.advance_all(n))
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
