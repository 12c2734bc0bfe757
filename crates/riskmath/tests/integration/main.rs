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

fn vecf(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn french_portfolio(r: &Value) -> tachyon_riskmath::Portfolio {
    let f = &r["french"];
    let corr: Vec<f64> = f["corr"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(vecf)
        .collect();
    tachyon_riskmath::Portfolio::new(
        &vecf(&f["weights"]),
        &vecf(&f["mu"]),
        &vecf(&f["sd"]),
        &corr,
    )
    .unwrap()
}

#[test]
fn portfolio_moments_match_numpy() {
    let r = refs();
    let (m, s) = french_portfolio(&r).moments();
    close(m, r["french"]["mu_p"].as_f64().unwrap(), 1e-14, "mu_p");
    close(
        s,
        r["french"]["sigma_p"].as_f64().unwrap(),
        1e-14,
        "sigma_p",
    );
}

#[test]
fn parametric_normal_and_t_match_scipy() {
    use tachyon_riskmath::Dist;
    let r = refs();
    let p = french_portfolio(&r);
    for c in r["french"]["normal"].as_array().unwrap() {
        let e = p
            .parametric(c["level"].as_f64().unwrap(), Dist::Normal)
            .unwrap();
        close(e.var, c["var"].as_f64().unwrap(), 1e-12, "normal var");
        close(e.cvar, c["cvar"].as_f64().unwrap(), 1e-12, "normal cvar");
    }
    for c in r["french"]["student_t"].as_array().unwrap() {
        let nu = c["nu"].as_f64().unwrap();
        let e = p
            .parametric(c["level"].as_f64().unwrap(), Dist::StudentT { nu })
            .unwrap();
        close(e.var, c["var"].as_f64().unwrap(), 1e-10, "t var");
        close(e.cvar, c["cvar"].as_f64().unwrap(), 1e-10, "t cvar");
    }
}

/// Monte Carlo converges to the scipy parametric numbers within its sampling error: the
/// standard error of a quantile estimate is `√(p(1−p)) / (f(q) √N)` (asymptotic), and for
/// CVaR we allow the same band doubled. The run is seeded, so it is reproducible.
#[test]
fn monte_carlo_converges_to_parametric_within_sampling_error() {
    use tachyon_riskmath::Dist;
    let r = refs();
    let p = french_portfolio(&r);
    let (_, sigma) = p.moments();
    let n = 200_000usize;
    for c in r["french"]["normal"].as_array().unwrap() {
        let level = c["level"].as_f64().unwrap();
        let want = c["var"].as_f64().unwrap();
        let e = p.monte_carlo(level, Dist::Normal, n, 42).unwrap();
        // density of N(μ, σ) at the quantile: φ(z)/σ
        let z = tachyon_stats::special::norm_ppf(level);
        let se = ((level * (1.0 - level)).sqrt())
            / (tachyon_stats::special::norm_pdf(z) / sigma)
            / (n as f64).sqrt();
        assert!(
            (e.var - want).abs() < 4.0 * se,
            "level {level}: mc {} vs {want} (se {se})",
            e.var
        );
        let want_cvar = c["cvar"].as_f64().unwrap();
        assert!(
            (e.cvar - want_cvar).abs() < 8.0 * se,
            "cvar {} vs {want_cvar}",
            e.cvar
        );
    }
    // (the t cases at 0.95 and 0.99 only, to keep the debug test run short)
    for c in r["french"]["student_t"].as_array().unwrap() {
        let nu = c["nu"].as_f64().unwrap();
        let level = c["level"].as_f64().unwrap();
        if level != 0.95 && level != 0.99 {
            continue;
        }
        let want = c["var"].as_f64().unwrap();
        let e = p.monte_carlo(level, Dist::StudentT { nu }, n, 7).unwrap();
        let s = sigma * ((nu - 2.0) / nu).sqrt();
        let q = tachyon_stats::special::t_ppf(level, nu);
        let dens = tachyon_stats::special::t_pdf(q, nu) / s;
        let se = (level * (1.0 - level)).sqrt() / dens / (n as f64).sqrt();
        assert!(
            (e.var - want).abs() < 4.0 * se,
            "t{nu} {level}: mc {} vs {want} (se {se})",
            e.var
        );
    }
    // seeded: the same seed gives the same estimate, another seed a different one
    let a = p.monte_carlo(0.99, Dist::Normal, 10_000, 1).unwrap();
    assert_eq!(a, p.monte_carlo(0.99, Dist::Normal, 10_000, 1).unwrap());
    assert_ne!(a, p.monte_carlo(0.99, Dist::Normal, 10_000, 2).unwrap());
}
