//! `special` against mpmath (50 digits) — see `scripts/refs/stats/special.py`.

use tachyon_stats::special::*;

use crate::common::{fixture, num, nums, rel_err};

/// Checks every case of `name` with `f`, reporting the worst relative error.
fn check(name: &str, tol: f64, f: impl Fn(&[f64]) -> f64) {
    check_cond(name, |_| tol, f);
}

/// Like [`check`] with a tolerance that depends on the arguments (the condition number of the
/// problem: an input rounding of 1e-16 moves the exact answer by `cond · 1e-16`).
fn check_cond(name: &str, tol: impl Fn(&[f64]) -> f64, f: impl Fn(&[f64]) -> f64) {
    let fx = fixture("special.json");
    let cases = fx["cases"][name].as_array().expect(name);
    assert!(!cases.is_empty(), "{name}: no cases");
    let mut worst = (0.0, Vec::new(), 0.0, 0.0);
    let mut scipy_worst = 0.0_f64;
    for c in cases {
        let args = nums(&c["args"]);
        let want = num(&c["exact"]);
        let got = f(&args);
        let e = rel_err(got, want);
        let tol = tol(&args);
        assert!(
            e <= tol,
            "{name}{args:?}: got {got:e}, mpmath {want:e}, relative error {e:e} > {tol:e}"
        );
        if e > worst.0 {
            worst = (e, args, got, want);
        }
        let s = num(&c["scipy"]);
        if s.is_finite() {
            scipy_worst = scipy_worst.max(rel_err(s, want));
        }
    }
    eprintln!(
        "{name:12} {:4} cases  worst rel err {:.2e} at {:?}  (scipy's worst: {scipy_worst:.2e})",
        cases.len(),
        worst.0,
        worst.1
    );
}

const TOL: f64 = 1e-13;

#[test]
fn ln_gamma_matches_mpmath() {
    check("ln_gamma", TOL, |a| ln_gamma(a[0]));
}

#[test]
fn digamma_matches_mpmath() {
    check("digamma", TOL, |a| digamma(a[0]));
}

#[test]
fn erf_erfc_match_mpmath() {
    check("erf", TOL, |a| erf(a[0]));
    check("erfc", TOL, |a| erfc(a[0]));
}

#[test]
fn normal_matches_mpmath() {
    check("norm_pdf", TOL, |a| norm_pdf(a[0]));
    check("norm_logpdf", TOL, |a| norm_logpdf(a[0]));
    check("norm_cdf", TOL, |a| norm_cdf(a[0]));
    check("norm_sf", TOL, |a| norm_sf(a[0]));
    check("norm_ppf", TOL, |a| norm_ppf(a[0]));
}

/// In the tails of the incomplete gamma function the relative condition number with respect
/// to `x` is about `|x − a|`; the tolerance allows a few ulps of that on top of [`TOL`].
fn gamma_tol(a: f64, x: f64) -> f64 {
    TOL + 4e-16 * (x - a).abs()
}

#[test]
fn incomplete_gamma_matches_mpmath() {
    check_cond(
        "gamma_p",
        |a| gamma_tol(a[0], a[1]),
        |a| gamma_p(a[0], a[1]),
    );
    check_cond(
        "gamma_q",
        |a| gamma_tol(a[0], a[1]),
        |a| gamma_q(a[0], a[1]),
    );
    check_cond(
        "chi2_cdf",
        |a| gamma_tol(a[1] / 2.0, a[0] / 2.0),
        |a| chi2_cdf(a[0], a[1]),
    );
    check_cond(
        "chi2_sf",
        |a| gamma_tol(a[1] / 2.0, a[0] / 2.0),
        |a| chi2_sf(a[0], a[1]),
    );
}

#[test]
fn incomplete_beta_matches_mpmath() {
    check("beta_inc", TOL, |a| beta_inc(a[0], a[1], a[2]));
}

#[test]
fn student_t_matches_mpmath() {
    check("t_logpdf", TOL, |a| t_logpdf(a[0], a[1]));
    check("t_pdf", TOL, |a| t_pdf(a[0], a[1]));
    check("t_cdf", TOL, |a| t_cdf(a[0], a[1]));
    check("t_ppf", TOL, |a| t_ppf(a[0], a[1]));
}
