//! Fixture loading and comparison helpers.

use std::path::PathBuf;

use serde_json::Value;

/// Parses `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad JSON in {}: {e}", path.display()))
}

/// A JSON number, or one of the strings `"inf"`, `"-inf"`, `"nan"`.
pub fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("f64"),
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        Value::String(s) if s == "nan" => f64::NAN,
        other => panic!("not a number: {other}"),
    }
}

/// A JSON array of numbers.
pub fn nums(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(num).collect()
}

/// Relative error `|a − b| / |b|`, with equal values (including infinities) giving 0 and a
/// zero reference falling back to the absolute error.
pub fn rel_err(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else if b == 0.0 {
        a.abs()
    } else {
        (a - b).abs() / b.abs()
    }
}

/// Asserts `rel_err(got, want) <= tol` with a message naming the case.
#[track_caller]
pub fn assert_rel(got: f64, want: f64, tol: f64, what: &str) {
    let e = rel_err(got, want);
    assert!(
        e <= tol,
        "{what}: got {got:e}, want {want:e}, relative error {e:e} > {tol:e}"
    );
}

/// A numeric column of `tests/fixtures/data/<file>` (a CSV with a header row).
pub fn csv_column(file: &str, column: &str) -> Vec<f64> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let idx = header
        .iter()
        .position(|h| *h == column)
        .unwrap_or_else(|| panic!("no column {column} in {file}"));
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(',')
                .nth(idx)
                .expect("field")
                .parse::<f64>()
                .expect("number")
        })
        .collect()
}

/// The named real series of `scripts/refs/stats/series.py`.
pub fn series(name: &str) -> Vec<f64> {
    let logp = || -> Vec<f64> {
        csv_column("sp500.csv", "adj_close")
            .iter()
            .map(|p| p.ln())
            .collect()
    };
    match name {
        "sp500_log_price" => logp(),
        "sp500_log_price_120" => logp()[..120].to_vec(),
        "baa_aaa_spread" => csv_column("default.csv", "BAA")
            .iter()
            .zip(csv_column("default.csv", "AAA"))
            .map(|(b, a)| b - a)
            .collect(),
        "core_inflation" => csv_column("core_cpi.csv", "cpi")
            .windows(2)
            .map(|w| 1200.0 * (w[1].ln() - w[0].ln()))
            .collect(),
        "sp500_returns" => logp().windows(2).map(|w| 100.0 * (w[1] - w[0])).collect(),
        other => panic!("unknown series {other}"),
    }
}
