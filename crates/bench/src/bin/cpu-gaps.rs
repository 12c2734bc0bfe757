//! How often, and for how long, a CPU is taken away from a thread that never yields: spins on
//! the clock for `--seconds` and counts the gaps between consecutive reads by size. Run it
//! pinned, at the priority the measured process would have, e.g.
//!
//! ```text
//! taskset -c 1 chrt -f 50 target/release/cpu-gaps --seconds 20
//! taskset -c 1 nice -n -20 target/release/cpu-gaps --seconds 20
//! ```
//!
//! bench/BENCHMARKS.md ("Decision server", "The host") uses it to tell the host's noise from the
//! servers'. A real-time run longer than a second also shows the kernel's real-time throttling
//! (a ~50 ms gap every second unless `kernel.sched_rt_runtime_us` is -1).

use std::process::ExitCode;
use std::time::{Duration, Instant};

const BOUNDS_US: [u64; 7] = [20, 50, 100, 200, 500, 1_000, 5_000];

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let seconds = match argv.as_slice() {
        [] => 10.0,
        [flag, v] if flag == "--seconds" => match v.parse::<f64>() {
            Ok(s) if s > 0.0 && s <= 3600.0 => s,
            _ => {
                eprintln!("cpu-gaps: --seconds takes a number in (0, 3600], not {v}");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("usage: cpu-gaps [--seconds S]");
            return ExitCode::FAILURE;
        }
    };
    // counts[i]: gaps in [BOUNDS_US[i], BOUNDS_US[i + 1]); the last: ≥ 5 ms.
    let mut counts = [0u64; BOUNDS_US.len()];
    let (mut max, mut stolen) = (Duration::ZERO, Duration::ZERO);
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(seconds);
    let mut prev = start;
    while prev < end {
        let now = Instant::now();
        let gap = now - prev;
        prev = now;
        let us = gap.as_micros() as u64;
        if us < BOUNDS_US[0] {
            continue;
        }
        stolen += gap;
        max = max.max(gap);
        let i = BOUNDS_US.iter().rposition(|&b| us >= b).unwrap_or(0);
        counts[i] += 1;
    }
    let names = [
        "20-50us",
        "50-100us",
        "100-200us",
        "200-500us",
        "0.5-1ms",
        "1-5ms",
        ">=5ms",
    ];
    let parts: Vec<String> = names
        .iter()
        .zip(counts)
        .map(|(n, c)| format!("\"{n}\":{c}"))
        .collect();
    println!(
        "{{\"seconds\":{seconds},\"gaps\":{{{}}},\"maxMs\":{:.3},\"stolenPct\":{:.3}}}",
        parts.join(","),
        max.as_secs_f64() * 1e3,
        stolen.as_secs_f64() / seconds * 100.0
    );
    ExitCode::SUCCESS
}
