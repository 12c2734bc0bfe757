//! Fixture loading and tolerance helpers.

use std::path::PathBuf;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

pub fn json(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixture_path(name)).expect("fixture exists");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// Reads one numeric column of a CSV with a header line.
pub fn csv_column(name: &str, column: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(fixture_path(name)).expect("fixture exists");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let idx = header
        .iter()
        .position(|h| *h == column)
        .unwrap_or_else(|| panic!("column {column} in {name}"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .nth(idx)
                .expect("field")
                .parse()
                .expect("number")
        })
        .collect()
}

/// Reads one column where empty fields (R's `NA`) become `NaN`.
pub fn csv_column_na(name: &str, column: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(fixture_path(name)).expect("fixture exists");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let idx = header
        .iter()
        .position(|h| *h == column)
        .unwrap_or_else(|| panic!("column {column} in {name}"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f = l.split(',').nth(idx).expect("field").trim();
            if f.is_empty() || f == "NA" {
                f64::NAN
            } else {
                f.parse().expect("number")
            }
        })
        .collect()
}

pub fn f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// `|a − b| ≤ rel·|b|` (or `≤ abs` when `b` is near zero).
#[track_caller]
pub fn close(what: &str, got: f64, want: f64, rel: f64, abs: f64) {
    let ok = (got - want).abs() <= (rel * want.abs()).max(abs);
    assert!(
        ok,
        "{what}: got {got:e}, want {want:e} (rel err {:e}, tol rel {rel:e} / abs {abs:e})",
        (got - want).abs() / want.abs()
    );
}
