//! `linalg` against numpy/LAPACK and statsmodels OLS — see `scripts/refs/stats/linalg.py`.

use tachyon_stats::linalg::*;

use crate::common::{assert_rel, fixture, num, nums};

fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).fold(0.0, |m, (x, y)| m.max((x - y).abs()))
}

fn max_abs(a: &[f64]) -> f64 {
    a.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[test]
fn cholesky_solve_inverse_logdet_match_lapack() {
    let fx = fixture("linalg.json");
    for case in fx["spd"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap() as usize;
        let a = Matrix::from_vec(n, n, nums(&case["a"])).unwrap();
        let l = cholesky(&a).unwrap();
        let want_l = nums(&case["l"]);
        assert!(
            max_abs_diff(l.as_slice(), &want_l) <= 1e-13 * max_abs(&want_l),
            "L n={n}"
        );
        let x = solve_spd(&a, &nums(&case["b"])).unwrap();
        let want = nums(&case["solve"]);
        assert!(
            max_abs_diff(&x, &want) <= 1e-11 * max_abs(&want),
            "solve n={n}"
        );
        let inv = inverse_spd(&a).unwrap();
        let want = nums(&case["inverse"]);
        assert!(
            max_abs_diff(inv.as_slice(), &want) <= 1e-11 * max_abs(&want),
            "inv n={n}"
        );
        assert_rel(
            log_det_spd(&a).unwrap(),
            num(&case["log_det"]),
            1e-12,
            "log det",
        );
    }
}

#[test]
fn jacobi_eigenvalues_match_lapack_eigh() {
    let fx = fixture("linalg.json");
    for case in fx["sym"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap() as usize;
        let a = Matrix::from_vec(n, n, nums(&case["a"])).unwrap();
        let e = sym_eigen(&a).unwrap();
        let want = nums(&case["values"]);
        let scale = max_abs(&want);
        assert!(max_abs_diff(&e.values, &want) <= 1e-13 * scale, "n={n}");
        // A v = λ v for every pair.
        for k in 0..n {
            let v = e.vectors.col(k);
            let av = a.matvec(&v).unwrap();
            let resid: f64 = av
                .iter()
                .zip(&v)
                .map(|(x, y)| (x - e.values[k] * y).abs())
                .fold(0.0, f64::max);
            assert!(resid <= 1e-12 * scale, "n={n} k={k}: {resid:e}");
        }
        eprintln!("sym_eigen n={n}: {} sweeps", e.sweeps);
    }
}

#[test]
fn lstsq_matches_statsmodels_ols() {
    let fx = fixture("linalg.json");
    for case in fx["ols"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        // Longley is the NIST "higher difficulty" case (condition number ~ 5e9 before
        // centring): LAPACK's SVD and our QR agree to ~1e-9 there.
        let tol = if name == "longley" { 1e-8 } else { 1e-11 };
        let (r, c) = (
            case["rows"].as_u64().unwrap() as usize,
            case["cols"].as_u64().unwrap() as usize,
        );
        let x = Matrix::from_vec(r, c, nums(&case["x"])).unwrap();
        let fit = lstsq(&x, &nums(&case["y"])).unwrap();
        for (i, (got, want)) in fit.coef.iter().zip(nums(&case["coef"])).enumerate() {
            assert_rel(*got, want, tol, &format!("{name} coef[{i}]"));
        }
        for (i, (got, want)) in fit
            .std_errors
            .iter()
            .zip(nums(&case["std_errors"]))
            .enumerate()
        {
            assert_rel(*got, want, tol, &format!("{name} se[{i}]"));
        }
        assert_rel(fit.rss, num(&case["rss"]), tol, &format!("{name} rss"));
        assert_rel(
            fit.sigma2,
            num(&case["sigma2"]),
            tol,
            &format!("{name} sigma2"),
        );
        assert_rel(fit.llf(), num(&case["llf"]), tol, &format!("{name} llf"));
        for (got, want) in fit.xtx_inv.as_slice().iter().zip(nums(&case["xtx_inv"])) {
            assert_rel(*got, want, tol * 10.0, &format!("{name} (X'X)^-1"));
        }
    }
}
