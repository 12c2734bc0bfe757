//! Peaks over threshold against R `evd::fpot` and scipy `genpareto.fit`
//! (`scripts/refs/stats/evt.py`).

use tachyon_stats::evt::{pot_fit, threshold_quantile, GpdStatus};

use crate::common::{assert_rel, fixture, num, nums, series};

/// The tolerances: MLE parameters 1e-4 relative, log-likelihoods 1e-6.
const PARAM_TOL: f64 = 1e-4;
const LLF_TOL: f64 = 1e-6;
/// evd's standard errors come from optim's finite-difference Hessian (ndeps = 1e-4).
const SE_TOL: f64 = 1e-3;

fn data(name: &str, fx: &serde_json::Value) -> Vec<f64> {
    match name {
        "sp500_losses_q90" | "sp500_losses_q95" => {
            series("sp500_returns").iter().map(|r| -r).collect()
        }
        "spread_changes_q90" => series("baa_aaa_spread")
            .windows(2)
            .map(|w| w[1] - w[0])
            .collect(),
        _ => nums(&fx["data"]),
    }
}

#[test]
fn pot_gpd_matches_evd_and_scipy() {
    let fx = fixture("evt.json");
    for (name, c) in fx["sets"].as_object().unwrap() {
        let x = data(name, c);
        let u = threshold_quantile(&x, num(&c["quantile"])).unwrap();
        assert_rel(u, num(&c["threshold"]), 1e-15, &format!("{name} threshold"));
        let pot = pot_fit(&x, u).unwrap();
        assert_eq!(
            pot.n_exceed as u64,
            c["n_exceed"].as_u64().unwrap(),
            "{name}"
        );
        let g = &pot.gpd;
        assert_eq!(g.status, GpdStatus::Converged, "{name}");
        for who in ["evd", "scipy"] {
            let r = &c[who];
            assert_rel(
                g.shape,
                num(&r["shape"]),
                PARAM_TOL,
                &format!("{name} {who} shape"),
            );
            assert_rel(
                g.scale,
                num(&r["scale"]),
                PARAM_TOL,
                &format!("{name} {who} scale"),
            );
            assert_rel(
                g.log_likelihood,
                num(&r["log_likelihood"]),
                LLF_TOL,
                &format!("{name} {who} llf"),
            );
            // Our maximum is at least as high as theirs (to rounding).
            assert!(
                g.log_likelihood >= num(&r["log_likelihood"]) - 1e-9,
                "{name} {who}"
            );
        }
        let (se_x, se_s) = g.std_errors.unwrap();
        assert_rel(
            se_x,
            num(&c["evd"]["se_shape"]),
            SE_TOL,
            &format!("{name} se shape"),
        );
        assert_rel(
            se_s,
            num(&c["evd"]["se_scale"]),
            SE_TOL,
            &format!("{name} se scale"),
        );
        for r in c["risk_from_evd"].as_array().unwrap() {
            let p = num(&r["p"]);
            // VaR/ES inherit the parameter tolerance.
            assert_rel(
                pot.var(p).unwrap(),
                num(&r["var"]),
                PARAM_TOL,
                &format!("{name} VaR {p}"),
            );
            assert_rel(
                pot.es(p).unwrap(),
                num(&r["es"]),
                PARAM_TOL,
                &format!("{name} ES {p}"),
            );
        }
        eprintln!(
            "{name}: ξ {:.6} σ {:.6} (evd ξ {:.6}); llf {:.9} (evd {:.9})",
            g.shape,
            g.scale,
            num(&c["evd"]["shape"]),
            g.log_likelihood,
            num(&c["evd"]["log_likelihood"])
        );
    }
}
