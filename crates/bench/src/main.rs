//! `tachyon-bench`: percentile benches with anchors, and callgrind kernels for the gate.
//!
//! ```text
//! tachyon-bench [--quick] [--filter TEXT] [--json FILE]   run the cases, print the table
//! tachyon-bench kernels                                    list callgrind kernel ids
//! tachyon-bench count ID N                                 run kernel ID for N iterations
//! ```

use std::process::ExitCode;

use tachyon_bench::{cases, Opts, Runner};

fn usage() -> ExitCode {
    eprintln!(
        "usage: tachyon-bench [--quick] [--filter TEXT] [--json FILE] | kernels | count ID N"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("kernels") => {
            for k in cases::kernels() {
                println!("{}", k.id);
            }
            return ExitCode::SUCCESS;
        }
        Some("count") => {
            let (Some(id), Some(n)) =
                (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok()))
            else {
                return usage();
            };
            let Some(k) = cases::kernels().into_iter().find(|k| k.id == id) else {
                eprintln!("unknown kernel {id}; `tachyon-bench kernels` lists them");
                return ExitCode::from(2);
            };
            let mut f = (k.make)();
            f(n);
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let mut opts = Opts::default();
    let mut json = None;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => opts.quick = true,
            "--filter" => opts.filter = it.next(),
            "--json" => json = it.next(),
            _ => return usage(),
        }
    }
    let mut r = Runner::new(opts);
    eprintln!("tachyon-bench: measuring (p50/p99/p99.9 per operation)…");
    cases::run_all(&mut r);
    r.print_table();
    if let Some(path) = json {
        let body = serde_json::to_string_pretty(r.rows()).unwrap_or_else(|e| format!("\"{e}\""));
        if let Err(e) = std::fs::write(&path, body) {
            eprintln!("cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
