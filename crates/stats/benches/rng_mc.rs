//! Random draws and Monte Carlo steps, beside rand_distr on rand_xoshiro (the same generator)
//! as the anchor.

// criterion::black_box is deprecated in favour of std::hint::black_box, which is newer than
// this kernel crate's MSRV (1.63, see CONTRIBUTING.md).
#![allow(deprecated)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256StarStar;
use tachyon_stats::mc::{simulate, Gbm, Heston, PathGenerator, PathSpec, Process};
use tachyon_stats::rng::Rng;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("normal draw");
    let mut r = Rng::new(1);
    g.bench_function("tachyon Rng::normal (ziggurat, bit-portable)", |b| {
        b.iter(|| r.normal())
    });
    let mut x = Xoshiro256StarStar::seed_from_u64(1);
    g.bench_function("anchor: rand_distr StandardNormal (ziggurat)", |b| {
        b.iter(|| -> f64 { StandardNormal.sample(&mut x) })
    });
    g.bench_function("tachyon Rng::next_u64", |b| b.iter(|| r.next_u64()));
    g.finish();

    let mut g = c.benchmark_group("gbm step");
    let gbm = Process::Gbm(Gbm {
        s0: 100.0,
        mu: 0.05,
        sigma: 0.2,
    });
    let mut pg = PathGenerator::new(&gbm, 1.0 / 252.0, 1, 0).unwrap_or_else(|e| panic!("{e}"));
    g.bench_function("tachyon PathGenerator (GBM)", |b| {
        b.iter(|| pg.next_value())
    });
    let mut x = Xoshiro256StarStar::seed_from_u64(1);
    let (drift, vol) = ((0.05 - 0.02) / 252.0, 0.2 / 252f64.sqrt());
    let mut s = 100.0_f64;
    g.bench_function("anchor: rand_distr normal + f64::exp", |b| {
        b.iter(|| {
            let z: f64 = StandardNormal.sample(&mut x);
            s *= (drift + vol * z).exp();
            black_box(s)
        })
    });
    let heston = Process::Heston(Heston {
        s0: 100.0,
        mu: 0.05,
        v0: 0.04,
        kappa: 2.0,
        theta: 0.04,
        xi: 0.5,
        rho: -0.7,
    });
    let mut ph = PathGenerator::new(&heston, 1.0 / 252.0, 1, 0).unwrap_or_else(|e| panic!("{e}"));
    g.bench_function("tachyon PathGenerator (Heston QE)", |b| {
        b.iter(|| ph.next_value())
    });
    g.finish();

    let mut g = c.benchmark_group("batch paths");
    g.sample_size(20);
    g.bench_function("GBM 1000 paths x 252 steps", |b| {
        b.iter(|| {
            simulate(
                &gbm,
                1.0 / 252.0,
                &PathSpec {
                    paths: 1000,
                    steps: 252,
                    seed: 3,
                },
            )
        })
    });
    g.bench_function("Heston QE 1000 paths x 252 steps", |b| {
        b.iter(|| {
            simulate(
                &heston,
                1.0 / 252.0,
                &PathSpec {
                    paths: 1000,
                    steps: 252,
                    seed: 3,
                },
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
