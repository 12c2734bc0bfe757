//! Special functions and distributions, beside libm (musl's `erfc`) as the anchor where one
//! exists. Inputs cycle through a fixed table so branches are not predicted perfectly.

// criterion::black_box is deprecated in favour of std::hint::black_box, which is newer than
// this kernel crate's MSRV (1.63, see CONTRIBUTING.md).
#![allow(deprecated)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tachyon_stats::special;

fn inputs() -> Vec<f64> {
    // Spread over the normal range, both tails and the series/fraction switch.
    (0..64)
        .map(|i| -6.0 + 12.0 * (i as f64 + 0.37) / 64.0)
        .collect()
}

fn bench(c: &mut Criterion) {
    let xs = inputs();
    let ps: Vec<f64> = xs.iter().map(|x| special::norm_cdf(*x)).collect();
    let mut g = c.benchmark_group("normal");
    g.bench_function("tachyon norm_cdf", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 63;
            special::norm_cdf(black_box(xs[i]))
        })
    });
    g.bench_function("anchor: libm erfc(-x/√2)/2", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 63;
            0.5 * libm::erfc(-black_box(xs[i]) * std::f64::consts::FRAC_1_SQRT_2)
        })
    });
    g.bench_function("tachyon norm_ppf", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 63;
            special::norm_ppf(black_box(ps[i]))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("gamma");
    g.bench_function("tachyon ln_gamma", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 63;
            special::ln_gamma(black_box(xs[i].abs() * 5.0 + 0.1))
        })
    });
    g.bench_function("anchor: libm lgamma", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 63;
            libm::lgamma(black_box(xs[i].abs() * 5.0 + 0.1))
        })
    });
    g.bench_function("tachyon chi2_sf (k = 10)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 63;
            special::chi2_sf(black_box(xs[i].abs() * 5.0), 10.0)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("student t");
    g.bench_function("tachyon t_cdf (nu = 5)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 63;
            special::t_cdf(black_box(xs[i]), 5.0)
        })
    });
    g.bench_function("tachyon t_ppf (nu = 5)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 63;
            special::t_ppf(black_box(ps[i]), 5.0)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
