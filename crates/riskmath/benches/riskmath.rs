//! Criterion benches of the risk kernels: historical VaR on 5,000 returns (anchor: the sort
//! alone, which dominates it), parametric portfolio VaR, Monte Carlo VaR per path, sizing.
//!
//! `cargo bench -p tachyon-riskmath`
#![allow(deprecated)] // criterion's black_box: `std::hint::black_box` is newer than the 1.63 MSRV

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use tachyon_riskmath::sizing::{position_fraction, Sizing};
use tachyon_riskmath::{historical, Dist, Portfolio};

fn returns(n: usize) -> Vec<f64> {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.04
        })
        .collect()
}

fn var(c: &mut Criterion) {
    let x = returns(5_000);
    let mut g = c.benchmark_group("var");
    g.bench_function("sort 5,000 (anchor)", |b| {
        b.iter(|| {
            let mut v = black_box(&x).clone();
            v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            black_box(v)
        })
    });
    g.bench_function("historical 5,000 @ 0.99", |b| {
        b.iter(|| historical(black_box(&x), 0.99))
    });
    let n = 10;
    let corr: Vec<f64> = (0..n * n)
        .map(|k| if k / n == k % n { 1.0 } else { 0.3 })
        .collect();
    let p = Portfolio::new(&vec![1.0; n], &vec![0.0; n], &vec![0.02; n], &corr).unwrap();
    g.bench_function("parametric normal, 10 assets", |b| {
        b.iter(|| black_box(&p).parametric(0.99, Dist::Normal))
    });
    g.bench_function("parametric Student-t (nu 5), 10 assets", |b| {
        b.iter(|| black_box(&p).parametric(0.99, Dist::StudentT { nu: 5.0 }))
    });
    g.throughput(Throughput::Elements(10_000));
    g.sample_size(20);
    g.bench_function("Monte Carlo normal, 10 assets, 10,000 paths", |b| {
        b.iter(|| black_box(&p).monte_carlo(0.99, Dist::Normal, 10_000, 7))
    });
    g.finish();
}

fn sizing(c: &mut Criterion) {
    let rule = Sizing::VolTarget {
        target_vol: 0.1,
        forecast_vol: 0.4,
    };
    c.bench_function("sizing/vol target", |b| {
        b.iter(|| position_fraction(black_box(&rule), 0.05))
    });
}

criterion_group!(benches, var, sizing);
criterion_main!(benches);
