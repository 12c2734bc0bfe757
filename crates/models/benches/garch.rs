//! Criterion benches of the GARCH family: the fit on ~2,000 S&P 500 returns (the floor is
//! measured against R fGarch, see bench/BENCHMARKS.md), one likelihood+gradient pass, and the
//! online one-observation update.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tachyon_models::garch::{
    fit, loglik, ErrorDist, FitOptions, GarchFilter, GarchKind, GarchSpec,
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
