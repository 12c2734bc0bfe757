//! Estimators on 5,000 simulated daily returns (GARCH-like volatility clustering from a
//! two-state HMM), latency per call.

// criterion::black_box is deprecated in favour of std::hint::black_box, which is newer than
// this kernel crate's MSRV (1.63, see CONTRIBUTING.md).
#![allow(deprecated)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tachyon_stats::adf::{adf, AdfOptions};
use tachyon_stats::diagnostics::{jarque_bera, ljung_box};
use tachyon_stats::evt::pot_fit;
use tachyon_stats::hmm::{fit_gaussian_hmm, GaussianHmm, HmmFitOptions};
use tachyon_stats::isotonic::IsotonicCalibrator;
use tachyon_stats::linalg::{cholesky, lstsq, sym_eigen, Matrix};
use tachyon_stats::multitest::benjamini_hochberg;
use tachyon_stats::rng::Rng;

fn returns(n: usize) -> Vec<f64> {
    let mut r = Rng::new(5);
    let mut state = 0;
    (0..n)
        .map(|_| {
            if r.next_f64() < 0.02 {
                state = 1 - state;
            }
            r.normal() * if state == 0 { 0.7 } else { 2.0 }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let x = returns(5000);
    let price: Vec<f64> = x
        .iter()
        .scan(0.0, |s, r| {
            *s += r / 100.0;
            Some(*s)
        })
        .collect();
    let mut g = c.benchmark_group("tests (n = 5000)");
    g.bench_function("adf (constant, AIC lag search)", |b| {
        b.iter(|| adf(black_box(&price), &AdfOptions::default()))
    });
    g.bench_function("jarque_bera", |b| b.iter(|| jarque_bera(black_box(&x))));
    g.bench_function("ljung_box (20 lags)", |b| {
        b.iter(|| ljung_box(black_box(&x), 20, 0))
    });
    g.finish();

    let mut g = c.benchmark_group("fits (n = 5000)");
    g.sample_size(10);
    let losses: Vec<f64> = x.iter().map(|r| -r).collect();
    g.bench_function("pot_fit (90% threshold, 500 excesses)", |b| {
        b.iter(|| pot_fit(black_box(&losses), 1.9))
    });
    g.bench_function("hmm fit (2 states, 1 restart)", |b| {
        b.iter(|| {
            fit_gaussian_hmm(
                black_box(&x),
                1,
                &HmmFitOptions {
                    restarts: 1,
                    ..HmmFitOptions::default()
                },
            )
        })
    });
    g.finish();

    let mut g = c.benchmark_group("per tick");
    let m = GaussianHmm::new(
        2,
        1,
        vec![0.5, 0.5],
        vec![0.98, 0.02, 0.02, 0.98],
        vec![0.0, 0.0],
        vec![0.5, 4.0],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut f = m.filter();
    let mut i = 0;
    g.bench_function("hmm filter update (2 states)", |b| {
        b.iter(|| {
            i = (i + 1) % x.len();
            f.update(&[black_box(x[i])]).map(|p| p[0])
        })
    });
    let scores: Vec<f64> = (0..2000).map(|k| (k as f64 * 0.618).fract()).collect();
    let labels: Vec<f64> = scores
        .iter()
        .map(|s| if *s > 0.5 { 1.0 } else { 0.0 })
        .collect();
    let cal = IsotonicCalibrator::fit(&scores, &labels, None).unwrap_or_else(|e| panic!("{e}"));
    g.bench_function("isotonic calibrator predict", |b| {
        b.iter(|| {
            i = (i + 1) % scores.len();
            cal.predict(black_box(scores[i]))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("linalg");
    let n = 50;
    let mut r = Rng::new(9);
    let gm = Matrix::from_fn(n, n + 5, |_, _| r.normal());
    let a = {
        let mut a = gm.matmul(&gm.transpose()).unwrap_or_else(|e| panic!("{e}"));
        for k in 0..n {
            a[(k, k)] += 1.0;
        }
        a
    };
    g.bench_function("cholesky 50x50", |b| b.iter(|| cholesky(black_box(&a))));
    g.bench_function("jacobi eigen 50x50", |b| {
        b.iter(|| sym_eigen(black_box(&a)))
    });
    let xm = Matrix::from_fn(
        5000,
        10,
        |i, j| if j == 0 { 1.0 } else { x[(i * 7 + j) % 5000] },
    );
    g.bench_function("lstsq 5000x10", |b| b.iter(|| lstsq(black_box(&xm), &x)));
    let p: Vec<f64> = (0..1000)
        .map(|k| ((k as f64 + 0.5) / 1000.0).powi(2))
        .collect();
    g.bench_function("benjamini_hochberg 1000", |b| {
        b.iter(|| benjamini_hochberg(black_box(&p)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
