//! Integration tests against committed reference fixtures (numpy / scipy numbers produced by
//! `scripts/refs/riskmath/var_refs.py`; see `tests/fixtures/var_refs.json` → `_source`).

use std::path::PathBuf;

use serde_json::Value;
use tachyon_riskmath::var;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn refs() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("var_refs.json")).unwrap()).unwrap()
}

/// Numbers of a one-header CSV, row-major.
fn csv(name: &str) -> (Vec<f64>, usize) {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let mut lines = text.lines();
    let cols = lines.next().unwrap().split(',').count();
    let v = lines
        .flat_map(|l| l.split(',').map(|x| x.trim().parse::<f64>().unwrap()))
        .collect();
    (v, cols)
}

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1e-300),
        "{what}: got {got}, want {want} (rel tol {tol})"
    );
}

#[test]
fn historical_matches_numpy_on_sp500() {
    let r = refs();
    let (x, _) = csv("sp500_returns.csv");
    assert_eq!(x.len() as u64, r["sp500"]["n"].as_u64().unwrap());
    for c in r["sp500"]["historical"].as_array().unwrap() {
        let level = c["level"].as_f64().unwrap();
        let e = var::historical(&x, level).unwrap();
        close(e.var, c["var"].as_f64().unwrap(), 1e-13, "var");
        close(e.cvar, c["cvar"].as_f64().unwrap(), 1e-12, "cvar");
        assert!(e.cvar >= e.var);
    }
}

#[test]
fn historical_portfolio_matches_numpy_on_french_factors() {
    let r = refs();
    let (f, cols) = csv("french_factors.csv");
    assert_eq!(cols, 3);
    let w: Vec<f64> = r["french"]["weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    for c in r["french"]["historical"].as_array().unwrap() {
        let level = c["level"].as_f64().unwrap();
        let e = var::historical_portfolio(&f, &w, level).unwrap();
        // numpy's `f @ w` may sum the three products in another order: 1e-12 relative.
        close(e.var, c["var"].as_f64().unwrap(), 1e-12, "var");
        close(e.cvar, c["cvar"].as_f64().unwrap(), 1e-12, "cvar");
    }
}
