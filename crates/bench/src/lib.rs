//! # tachyon-bench
//!
//! The runner behind `npm run bench` and the CI perf gate (`npm run bench:check`).
//!
//! - [`Runner::latency`]: per-operation latency percentiles (p50/p99/p99.9) and throughput. An
//!   operation is timed in batches of `k` consecutive calls, with `k` chosen so one batch lasts
//!   at least ~1 µs (the clock read costs ~20 ns here); each sample is `batch time / k`. Tail
//!   percentiles are therefore batch-level: a preemption inside a batch shows as a slow sample.
//! - [`Runner::throughput`]: whole runs of a multi-threaded job (e.g. moving 1M items through a
//!   ring between two threads); reports ns per item and items/s over the runs.
//! - [`Kernel`]: a single-threaded loop run under `valgrind --tool=callgrind` by the gate; the
//!   instruction count per call is deterministic, so the gate does not flake on a noisy host.
//!
//! Every group has an anchor (a well-known crate or a naive version doing the same job) so
//! figures are read side by side, measured in the same run.

use std::time::{Duration, Instant};

use serde::Serialize;

pub mod cases;

/// Command-line options.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    /// Fewer samples and shorter warm-up (CI).
    pub quick: bool,
    /// Only cases whose `group/name` contains this.
    pub filter: Option<String>,
}

/// One result row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Group: the job being compared.
    pub group: String,
    /// What did it.
    pub name: String,
    /// `true` for the reference the group is compared against.
    pub anchor: bool,
    /// Median ns per operation.
    pub p50_ns: f64,
    /// 99th percentile ns per operation.
    pub p99_ns: f64,
    /// 99.9th percentile ns per operation.
    pub p999_ns: f64,
    /// Mean ns per operation.
    pub mean_ns: f64,
    /// Fastest sample, ns per operation (robust to preemption on a shared host).
    pub min_ns: f64,
    /// Operations per second (from the median).
    pub ops_per_sec: f64,
    /// Number of samples.
    pub samples: usize,
    /// Operations per sample.
    pub batch: u64,
}

/// Collects rows and prints them grouped.
#[derive(Debug)]
pub struct Runner {
    opts: Opts,
    rows: Vec<Row>,
}

/// Percentile of a sorted slice (nearest rank).
#[must_use]
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl Runner {
    /// A runner with these options.
    #[must_use]
    pub fn new(opts: Opts) -> Self {
        Self {
            opts,
            rows: Vec::new(),
        }
    }

    /// `true` if this case is selected by the filter.
    #[must_use]
    pub fn wants(&self, group: &str, name: &str) -> bool {
        self.opts
            .filter
            .as_deref()
            .is_none_or(|f| format!("{group}/{name}").contains(f))
    }

    /// `true` in quick mode.
    #[must_use]
    pub fn quick(&self) -> bool {
        self.opts.quick
    }

    /// Times `op` per call; see the crate docs for the batching.
    pub fn latency(&mut self, group: &str, name: &str, anchor: bool, mut op: impl FnMut()) {
        if !self.wants(group, name) {
            return;
        }
        let (warm, samples) = if self.opts.quick {
            (Duration::from_millis(20), 2_000)
        } else {
            (Duration::from_millis(200), 20_000)
        };
        let t = Instant::now();
        while t.elapsed() < warm {
            op();
        }
        let mut k = 1u64;
        loop {
            // The fastest of a few tries: one preempted try must not stop the doubling early
            // (that left some ~10 ns cases timed one call at a time, timer cost included).
            let best = (0..5)
                .map(|_| {
                    let t = Instant::now();
                    for _ in 0..k {
                        op();
                    }
                    t.elapsed()
                })
                .min()
                .unwrap_or_default();
            if best >= Duration::from_micros(1) || k >= 1 << 20 {
                break;
            }
            k *= 2;
        }
        let mut v = Vec::with_capacity(samples);
        for _ in 0..samples {
            let t = Instant::now();
            for _ in 0..k {
                op();
            }
            v.push(t.elapsed().as_nanos() as f64 / k as f64);
        }
        self.push_samples(group, name, anchor, v, k);
    }

    /// Times whole runs of `run`, each moving `items` items; reports per-item figures.
    pub fn throughput(
        &mut self,
        group: &str,
        name: &str,
        anchor: bool,
        items: u64,
        mut run: impl FnMut(),
    ) {
        if !self.wants(group, name) {
            return;
        }
        let runs = if self.opts.quick { 5 } else { 21 };
        run(); // warm-up
        let mut v = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            run();
            v.push(t.elapsed().as_nanos() as f64 / items as f64);
        }
        self.push_samples(group, name, anchor, v, items);
    }

    fn push_samples(&mut self, group: &str, name: &str, anchor: bool, mut v: Vec<f64>, batch: u64) {
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let p50 = percentile(&v, 0.5);
        self.rows.push(Row {
            group: group.to_owned(),
            name: name.to_owned(),
            anchor,
            p50_ns: p50,
            p99_ns: percentile(&v, 0.99),
            p999_ns: percentile(&v, 0.999),
            mean_ns: mean,
            min_ns: v.first().copied().unwrap_or(f64::NAN),
            ops_per_sec: 1e9 / p50,
            samples: v.len(),
            batch,
        });
        let r = self
            .rows
            .last()
            .map(|r| fmt_row(r, None))
            .unwrap_or_default();
        eprintln!("  {r}");
    }

    /// All rows so far.
    #[must_use]
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Prints the grouped table with each row's ratio to its group's anchor.
    pub fn print_table(&self) {
        let mut groups: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !groups.contains(&r.group.as_str()) {
                groups.push(&r.group);
            }
        }
        for g in groups {
            println!("\n{g}");
            let anchor = self
                .rows
                .iter()
                .find(|r| r.group == g && r.anchor)
                .map(|r| r.p50_ns);
            for r in self.rows.iter().filter(|r| r.group == g) {
                println!("  {}", fmt_row(r, anchor));
            }
        }
    }
}

/// Human-readable nanoseconds.
#[must_use]
pub fn fmt_ns(ns: f64) -> String {
    if ns < 10.0 {
        format!("{ns:.2} ns")
    } else if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

/// Human-readable rate.
#[must_use]
pub fn fmt_rate(per_sec: f64) -> String {
    if per_sec >= 1e9 {
        format!("{:.2} G/s", per_sec / 1e9)
    } else if per_sec >= 1e6 {
        format!("{:.1} M/s", per_sec / 1e6)
    } else if per_sec >= 1e3 {
        format!("{:.1} k/s", per_sec / 1e3)
    } else {
        format!("{per_sec:.0} /s")
    }
}

fn fmt_row(r: &Row, anchor_p50: Option<f64>) -> String {
    let tag = if r.anchor { " (anchor)" } else { "" };
    let vs = match anchor_p50 {
        Some(a) if !r.anchor => format!("  {:>6.2}× anchor speed", a / r.p50_ns),
        _ => String::new(),
    };
    format!(
        "{:<44} p50 {:>10}  p99 {:>10}  p99.9 {:>10}  {:>10}{}",
        format!("{}{}", r.name, tag),
        fmt_ns(r.p50_ns),
        fmt_ns(r.p99_ns),
        fmt_ns(r.p999_ns),
        fmt_rate(r.ops_per_sec),
        vs
    )
}

/// A deterministic single-threaded loop for the callgrind gate: `run(n)` performs the
/// operation `n` times. The gate runs it for `n` and `2n` and divides the difference in
/// instructions by `n`, so set-up cost cancels out.
pub struct Kernel {
    /// Stable id used in `bench/baseline.json`.
    pub id: &'static str,
    /// Builds the state and returns the loop.
    pub make: fn() -> Box<dyn FnMut(u64)>,
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel").field("id", &self.id).finish()
    }
}

/// Prevents the optimiser from deleting a computation (re-export of `std::hint::black_box`).
#[inline]
pub fn bb<T>(x: T) -> T {
    std::hint::black_box(x)
}
