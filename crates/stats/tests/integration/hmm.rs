//! Gaussian HMM against hmmlearn from identical starting parameters on S&P 500 and NASDAQ
//! returns (`scripts/refs/stats/hmm.py`).

use tachyon_stats::hmm::GaussianHmm;

use crate::common::{assert_rel, csv_column, fixture, num, nums, series};

fn data(name: &str) -> (Vec<f64>, usize) {
    let sp = series("sp500_returns");
    if name.starts_with("sp500_nasdaq") {
        let nq: Vec<f64> = csv_column("nasdaq.csv", "adj_close")
            .windows(2)
            .map(|w| 100.0 * (w[1].ln() - w[0].ln()))
            .collect();
        let x = sp.iter().zip(&nq).flat_map(|(a, b)| [*a, *b]).collect();
        (x, 2)
    } else {
        (sp, 1)
    }
}

fn model(p: &serde_json::Value, d: usize) -> GaussianHmm {
    let start = nums(&p["start"]);
    let k = start.len();
    let trans = match &p["trans"] {
        serde_json::Value::Array(rows) if rows[0].is_array() => {
            rows.iter().flat_map(nums).collect()
        }
        v => nums(v),
    };
    let flat = |v: &serde_json::Value| -> Vec<f64> {
        match v {
            serde_json::Value::Array(rows) if rows[0].is_array() => {
                rows.iter().flat_map(nums).collect()
            }
            v => nums(v),
        }
    };
    GaussianHmm::new(k, d, start, trans, flat(&p["means"]), flat(&p["vars"])).unwrap()
}

fn assert_params(got: &GaussianHmm, want: &serde_json::Value, tol: f64, what: &str) {
    for (key, g) in [
        ("start", got.start()),
        ("trans", got.transitions()),
        ("means", got.means()),
        ("vars", got.variances()),
    ] {
        let w = nums(&want[key]);
        for (i, (a, b)) in g.iter().zip(&w).enumerate() {
            // Probabilities near 0 are compared absolutely.
            let err = (a - b).abs() / b.abs().max(1e-3);
            assert!(err <= tol, "{what} {key}[{i}]: {a} vs {b} ({err:e})");
        }
    }
}

#[test]
fn likelihood_posteriors_filter_and_viterbi_match_hmmlearn() {
    let fx = fixture("hmm.json");
    for (name, c) in fx["cases"].as_object().unwrap() {
        let (x, d) = data(name);
        let m = model(&c["start_params"], d);
        let k = m.n_states();
        assert_rel(
            m.log_likelihood(&x).unwrap(),
            num(&c["score"]),
            1e-12,
            &format!("{name} ll"),
        );
        let (post, _) = m.posteriors(&x).unwrap();
        let rows: Vec<usize> = nums(&c["posterior_rows"])
            .iter()
            .map(|r| *r as usize)
            .collect();
        let want_post = nums(&c["posteriors"]);
        let want_filt = nums(&c["filtered"]);
        let mut filter = m.filter();
        let mut next_row = 0;
        for t in 0..x.len() / d {
            let p = filter.update(&x[t * d..(t + 1) * d]).unwrap().to_vec();
            if next_row < rows.len() && rows[next_row] == t {
                for j in 0..k {
                    let (g, w) = (post[t * k + j], want_post[next_row * k + j]);
                    assert!(
                        (g - w).abs() < 1e-10,
                        "{name} posterior t={t} j={j}: {g} vs {w}"
                    );
                    let w = want_filt[next_row * k + j];
                    assert!(
                        (p[j] - w).abs() < 1e-10,
                        "{name} filter t={t} j={j}: {} vs {w}",
                        p[j]
                    );
                }
                next_row += 1;
            }
        }
        assert_eq!(next_row, rows.len());
        assert_rel(
            filter.log_likelihood(),
            num(&c["score"]),
            1e-12,
            &format!("{name} filter ll"),
        );
        let (path, lp) = m.viterbi(&x).unwrap();
        let want_path = c["viterbi"]["path"].as_str().unwrap();
        let got_path: String = path.iter().map(|s| char::from(b'0' + *s as u8)).collect();
        assert_eq!(got_path, want_path, "{name} viterbi path");
        assert_rel(
            lp,
            num(&c["viterbi"]["log_prob"]),
            1e-12,
            &format!("{name} viterbi lp"),
        );
    }
}

#[test]
fn baum_welch_matches_hmmlearn_step_by_step_and_at_convergence() {
    let fx = fixture("hmm.json");
    for (name, c) in fx["cases"].as_object().unwrap() {
        let (x, d) = data(name);
        let m = model(&c["start_params"], d);
        // One update: the M-step formulas agree to rounding.
        let one = m.baum_welch(&x, 1, f64::NEG_INFINITY, 0.0).unwrap();
        assert_params(
            &one.model,
            &c["em_1"]["params"],
            1e-10,
            &format!("{name} em_1"),
        );
        assert_rel(
            one.log_likelihood,
            num(&c["em_1"]["score"]),
            1e-12,
            &format!("{name} em_1 ll"),
        );
        // 200 updates: the same trajectory.
        let two = m.baum_welch(&x, 200, f64::NEG_INFINITY, 0.0).unwrap();
        assert_eq!(two.iterations, 200);
        assert_params(
            &two.model,
            &c["em_200"]["params"],
            1e-7,
            &format!("{name} em_200"),
        );
        assert_rel(
            two.log_likelihood,
            num(&c["em_200"]["score"]),
            1e-12,
            &format!("{name} em_200 ll"),
        );
        // To convergence: the tolerances (1e-4 parameters, 1e-6 log-likelihood).
        let conv = m.baum_welch(&x, 5000, 1e-10, 0.0).unwrap();
        assert!(conv.converged, "{name}");
        let cc = &c["converged"];
        assert_params(
            &conv.model,
            &cc["params"],
            1e-4,
            &format!("{name} converged"),
        );
        assert_rel(
            conv.log_likelihood,
            num(&cc["score"]),
            1e-6,
            &format!("{name} converged ll"),
        );
        let (path, _) = conv.model.viterbi(&x).unwrap();
        let want = cc["viterbi_path"].as_str().unwrap().as_bytes();
        let same = path
            .iter()
            .zip(want)
            .filter(|(a, b)| **a as u8 + b'0' == **b)
            .count();
        assert_eq!(same, path.len(), "{name}: converged viterbi paths differ");
        eprintln!(
            "{name}: converged in {} updates (hmmlearn {}), ll {:.9} (hmmlearn {:.9})",
            conv.iterations,
            num(&cc["iterations"]),
            conv.log_likelihood,
            num(&cc["score"])
        );
    }
}

#[test]
fn restarted_fit_reaches_the_reference_maximum() {
    use tachyon_stats::hmm::{fit_gaussian_hmm, HmmFitOptions};
    let fx = fixture("hmm.json");
    for name in ["sp500_k2", "sp500_k3"] {
        let c = &fx["cases"][name];
        let (x, d) = data(name);
        let k = nums(&c["start_params"]["start"]).len();
        let fit = fit_gaussian_hmm(
            &x,
            d,
            &HmmFitOptions {
                states: k,
                restarts: 6,
                seed: 7,
                tol: 1e-9,
                ..HmmFitOptions::default()
            },
        )
        .unwrap();
        let reference = num(&c["converged"]["score"]);
        // From random starts we find the same maximum (or a better one).
        assert!(
            fit.log_likelihood >= reference - 1e-6 * reference.abs(),
            "{name}: {} < {reference}",
            fit.log_likelihood
        );
        // States come ordered by variance.
        let v = fit.model.variances();
        assert!(v.windows(2).all(|w| w[0] <= w[1]), "{name}: {v:?}");
        assert_eq!(fit.restarts.len(), 6);
    }
}
