//! Multiple testing against R `p.adjust`; isotonic regression against R `isoreg` and scipy;
//! the calibrator against scikit-learn (`scripts/refs/stats/multitest_isotonic.py`).

use tachyon_stats::isotonic::{isotonic_regression, IsotonicCalibrator};
use tachyon_stats::multitest::{p_adjust, Adjustment};

use crate::common::{assert_rel, fixture, nums};

const TOL: f64 = 1e-13;

#[test]
fn p_adjust_matches_r() {
    let fx = fixture("multitest.json");
    for (name, p) in fx["p_values"].as_object().unwrap() {
        let p = nums(p);
        for (method, key) in [
            (Adjustment::Bonferroni, "bonferroni"),
            (Adjustment::Holm, "holm"),
            (Adjustment::Hochberg, "hochberg"),
            (Adjustment::BenjaminiHochberg, "BH"),
            (Adjustment::BenjaminiYekutieli, "BY"),
        ] {
            let want = nums(&fx["p_adjust"][name][key]);
            let got = p_adjust(&p, method).unwrap();
            assert_eq!(got.len(), want.len());
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_rel(*g, *w, TOL, &format!("{name} {key}[{i}]"));
            }
        }
    }
}

#[test]
fn pava_matches_isoreg_and_scipy() {
    let fx = fixture("multitest.json");
    let iso = &fx["isotonic"];
    let y = nums(&iso["y"]);
    let w = nums(&iso["weights"]);
    let check = |got: Vec<f64>, want: Vec<f64>, what: &str| {
        for (i, (g, v)) in got.iter().zip(&want).enumerate() {
            assert_rel(*g, *v, TOL, &format!("{what}[{i}]"));
        }
    };
    check(
        isotonic_regression(&y, None, true).unwrap(),
        nums(&iso["isoreg"]),
        "isoreg",
    );
    let s = &iso["scipy"];
    check(
        isotonic_regression(&y, None, true).unwrap(),
        nums(&s["unweighted_increasing"]),
        "scipy",
    );
    check(
        isotonic_regression(&y, Some(&w), true).unwrap(),
        nums(&s["weighted_increasing"]),
        "scipy weighted",
    );
    check(
        isotonic_regression(&y, Some(&w), false).unwrap(),
        nums(&s["weighted_decreasing"]),
        "scipy weighted decreasing",
    );
}

#[test]
fn calibrator_matches_sklearn_isotonic_regression() {
    let fx = fixture("multitest.json");
    let c = &fx["calibration"];
    let scores = nums(&c["train_scores"]);
    let outcomes = nums(&c["train_outcomes"]);
    let weights = nums(&c["train_weights"]);
    let test = nums(&c["test_scores"]);
    for (w, key) in [
        (None, "predict"),
        (Some(weights.as_slice()), "predict_weighted"),
    ] {
        let cal = IsotonicCalibrator::fit(&scores, &outcomes, w).unwrap();
        let mut got = vec![0.0; test.len()];
        cal.predict_into(&test, &mut got).unwrap();
        let want = nums(&c[key]);
        for (i, (g, v)) in got.iter().zip(&want).enumerate() {
            // Probabilities in [0, 1]: absolute agreement.
            assert!(
                (g - v).abs() <= 1e-13,
                "{key}[{i}] score {}: {g} vs {v}",
                test[i]
            );
        }
    }
}
