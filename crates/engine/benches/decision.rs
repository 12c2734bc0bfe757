//! Criterion benches of the decision engine: one instrument and a batch of 1,000, on every
//! kernel this CPU supports (the scalar path is the anchor the SIMD ones are compared with).
//!
//! `cargo bench -p tachyon-engine --bench decision`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tachyon_engine::decision::{Decision, DecisionEngine, KernelPath, StrategyConfig};

/// Deterministic pseudo-random features in [-4, 4).
pub fn features(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64 * 8.0 - 4.0
        })
        .collect()
}

pub fn strategy(n: usize) -> StrategyConfig {
    let w = features(n, 7);
    StrategyConfig {
        weights: w.iter().map(|x| x / 4.0).collect(),
        bias: 0.1,
        feature_min: Some(vec![-3.0; n]),
        feature_max: Some(vec![3.0; n]),
        score_cap: 10.0,
        buy_threshold: 1.5,
        sell_threshold: 1.5,
    }
}

fn paths() -> Vec<KernelPath> {
    KernelPath::ALL
        .into_iter()
        .filter(|p| p.is_supported())
        .collect()
}

fn single(c: &mut Criterion) {
    let mut g = c.benchmark_group("decision/single");
    for nf in [8usize, 16, 64] {
        let rows = 1024;
        let feats = features(nf * rows, 42);
        for path in paths() {
            let mut e = DecisionEngine::with_path(&strategy(nf), path).unwrap();
            let mut i = 0usize;
            g.bench_with_input(BenchmarkId::new(path.name(), nf), &nf, |b, &nf| {
                b.iter(|| {
                    i = (i + 1) & (rows - 1);
                    black_box(
                        e.decide_one(black_box(&feats[i * nf..(i + 1) * nf]))
                            .unwrap(),
                    )
                })
            });
        }
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let mut g = c.benchmark_group("decision/batch1000");
    let rows = 1000;
    for nf in [8usize, 16, 64] {
        let feats = features(nf * rows, 43);
        g.throughput(Throughput::Elements(rows as u64));
        for path in paths() {
            let mut e = DecisionEngine::with_path(&strategy(nf), path).unwrap();
            let mut out = vec![Decision::default(); rows];
            g.bench_with_input(BenchmarkId::new(path.name(), nf), &nf, |b, _| {
                b.iter(|| {
                    e.decide_batch(black_box(&feats), &mut out).unwrap();
                    black_box(&out);
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, single, batch);
criterion_main!(benches);
