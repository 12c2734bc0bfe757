//! Criterion benches of the GARCH family: the fit on ~2,000 S&P 500 returns (the floor is
//! measured against R fGarch, see bench/BENCHMARKS.md), one likelihood+gradient pass, and the
//! online one-observation update.

// Benches build with the rustup toolchain only (the 1.63 check covers the library), so they
// may use `std::hint::black_box` (1.66); criterion's own is deprecated.
#![allow(clippy::incompatible_msrv)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use tachyon_models::garch::{
    fit, loglik, ErrorDist, FitOptions, GarchFilter, GarchKind, GarchSpec, VarianceInit,
};

fn sp500_tail(n: usize) -> Vec<f64> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sp500_returns.csv"
    );
    let text = std::fs::read_to_string(path).expect("fixture");
    let all: Vec<f64> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1)?.parse().ok())
        .collect();
    all[all.len() - n..].to_vec()
}

fn benches(c: &mut Criterion) {
    let r = sp500_tail(2000);
    // The floor case: fGarch's convention, standard errors included (R fGarch computes them).
    let fg = GarchSpec {
        init: VarianceInit::FGarch,
        ..GarchSpec::new(GarchKind::Garch, ErrorDist::Normal)
    };
    c.bench_function("fit/garch_normal_2000_fgarch_start", |b| {
        b.iter(|| fit(black_box(&r), &fg, &FitOptions::default()).unwrap())
    });
    for (kind, name) in [
        (GarchKind::Garch, "garch"),
        (GarchKind::Gjr, "gjr"),
        (GarchKind::Egarch, "egarch"),
    ] {
        let spec = GarchSpec::new(kind, ErrorDist::Normal);
        c.bench_function(&format!("fit/{name}_normal_2000"), |b| {
            b.iter(|| fit(black_box(&r), &spec, &FitOptions::default()).unwrap())
        });
        let f = fit(&r, &spec, &FitOptions::default()).unwrap();
        c.bench_function(&format!("loglik/{name}_normal_2000"), |b| {
            b.iter(|| loglik(black_box(&r), &spec, &f.params).unwrap().loglik)
        });
        let mut filt = f.filter();
        let _: &GarchFilter = &filt;
        let mut i = 0usize;
        c.bench_function(&format!("update/{name}_normal"), |b| {
            b.iter(|| {
                i = (i + 1) % r.len();
                filt.update(black_box(r[i]))
            })
        });
    }
}

criterion_group!(garch, benches);
criterion_main!(garch);
