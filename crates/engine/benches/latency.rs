//! Latency percentiles (p50 / p99 / p99.9) of the engine's hot calls, and batch throughput,
//! beside their anchors (the scalar kernel for the SIMD ones). Criterion reports means; the
//! issue's floors are percentiles, so this bench records every sample in an HDR histogram.
//!
//! Method: `Instant::now()` around a group of `k` consecutive calls; the group time minus the
//! measured cost of an empty group (the timer itself), divided by `k`, is one sample. `k` = 8
//! for calls of a few ns (a single timer read costs ~20 ns here), 1 for the pre-trade check.
//! Group averaging smooths outliers inside a group, so for `k` > 1 the p99 is that of 8-call
//! averages, stated as such in the output.
//!
//! `cargo bench -p tachyon-engine --bench latency` (add `-- --quick` for a short run)

use std::hint::black_box;
use std::time::Instant;

use tachyon_core::{LatencyHistogram, Timestamp};
use tachyon_engine::decision::{Decision, DecisionEngine, KernelPath};

#[path = "decision.rs"]
#[allow(dead_code)]
mod decision_bench;
#[path = "risk.rs"]
#[allow(dead_code)]
mod risk_bench;

fn timer_overhead(k: usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..10_000 {
        let t = Instant::now();
        for _ in 0..k {
            black_box(());
        }
        best = best.min(t.elapsed().as_nanos() as f64);
    }
    best
}

/// Samples `f` in groups of `k` for `samples` groups; returns the histogram (ns per call, ×100
/// to keep two decimals in an integer histogram).
fn sample(samples: usize, k: usize, mut f: impl FnMut()) -> LatencyHistogram {
    let over = timer_overhead(k);
    for _ in 0..samples / 10 {
        f();
    }
    let mut h = LatencyHistogram::new();
    for _ in 0..samples {
        let t = Instant::now();
        for _ in 0..k {
            f();
        }
        let ns = (t.elapsed().as_nanos() as f64 - over).max(0.0) / k as f64;
        h.record((ns * 100.0).round() as u64 + 1);
    }
    h
}

fn row(name: &str, k: usize, h: &LatencyHistogram) {
    let q = |p| h.quantile(p) as f64 / 100.0;
    println!(
        "| {name:<44} | {k:>2} | {:>8.2} | {:>8.2} | {:>8.2} |",
        q(0.5),
        q(0.99),
        q(0.999)
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 20_000 } else { 200_000 };
    println!("| case (ns per call) | k | p50 | p99 | p99.9 |");
    println!("|---|---|---|---|---|");
    let nf = 16;
    let rows = 1024;
    let feats = decision_bench::features(nf * rows, 42);
    let paths: Vec<KernelPath> = KernelPath::ALL
        .into_iter()
        .filter(|p| p.is_supported())
        .collect();
    for &path in &paths {
        let mut e = DecisionEngine::with_path(&decision_bench::strategy(nf), path).unwrap();
        let mut i = 0;
        let h = sample(n, 8, || {
            i = (i + 1) & (rows - 1);
            black_box(
                e.decide_one(black_box(&feats[i * nf..(i + 1) * nf]))
                    .unwrap(),
            );
        });
        row(
            &format!("decision single, 16 features, {}", path.name()),
            8,
            &h,
        );
    }
    // Batch throughput: best and median of repeated 1,000-instrument batches.
    let brow = 1000;
    let bfeats = decision_bench::features(nf * brow, 43);
    let mut thr = Vec::new();
    for &path in &paths {
        let mut e = DecisionEngine::with_path(&decision_bench::strategy(nf), path).unwrap();
        let mut out = vec![Decision::default(); brow];
        let h = sample(n / 100, 1, || {
            e.decide_batch(black_box(&bfeats), &mut out).unwrap();
            black_box(&out);
        });
        row(
            &format!("decision batch of 1000, 16 features, {}", path.name()),
            1,
            &h,
        );
        let med = h.quantile(0.5) as f64 / 100.0;
        thr.push((path, 1000.0 / med * 1e9 / 1e6));
    }
    for n_inst in [10usize, 100] {
        let mut e = risk_bench::engine(n_inst);
        let orders: Vec<_> = (0..n_inst as u32).map(risk_bench::order).collect();
        let mut t = 1_000_000_000i64;
        let mut k = 0;
        let h = sample(n, 1, || {
            t += 1_000;
            k = (k + 1) % n_inst;
            black_box(
                e.check(black_box(&orders[k]), Timestamp::from_nanos(t))
                    .is_ok(),
            );
        });
        // Every sampled order must be approved, so the full check path is what was timed.
        assert_eq!(
            e.counters().approved,
            e.counters().checked,
            "bench orders must pass"
        );
        row(
            &format!("risk check (approved, all limits), {n_inst} instruments"),
            1,
            &h,
        );
    }
    let e = risk_bench::engine(4);
    let c = e.control().clone();
    let h = sample(n, 8, || {
        black_box(black_box(&c).mode());
    });
    row("control mode read (atomic load)", 8, &h);
    println!();
    println!("| batch of 1000 × 16 features | M decisions/s (median) | speed-up vs scalar |");
    println!("|---|---|---|");
    let scalar = thr[0].1;
    for (p, m) in &thr {
        println!("| {} | {m:.1} | {:.2}× |", p.name(), m / scalar);
    }
}
