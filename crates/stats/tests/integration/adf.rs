//! ADF against statsmodels `adfuller` and R `urca::ur.df` on real series
//! (`scripts/refs/stats/adf.py`).

use tachyon_stats::adf::{adf, AdfOptions, LagSelection, Regression};

use crate::common::{assert_rel, fixture, num, series};

fn regression(s: &str) -> Regression {
    match s {
        "n" | "none" => Regression::None,
        "c" | "drift" => Regression::Constant,
        "ct" | "trend" => Regression::ConstantTrend,
        "ctt" => Regression::ConstantTrendSquared,
        other => panic!("regression {other}"),
    }
}

/// Closed-form statistics: the issue asks for 1e-6 relative; we hold 1e-9.
const TOL: f64 = 1e-9;
/// With a quadratic trend (`t²` up to 2.5e7 beside a constant) statsmodels' pinv solution
/// itself is only good to ~1e-7: refitting its own chosen model with the trend rescaled to
/// `t/n` (well conditioned) gives −2.3780485607106 for sp500_log_price, which we match to
/// 4e-13, while adfuller reports −2.3780483773639. So `ctt` is held to the 1e-6.
const TOL_CTT: f64 = 1e-6;

#[test]
fn adf_matches_statsmodels_adfuller() {
    let fx = fixture("adf.json");
    let mut worst = 0.0_f64;
    for c in fx["statsmodels"].as_array().unwrap() {
        let name = c["series"].as_str().unwrap();
        let x = series(name);
        let lags = match &c["lags"] {
            serde_json::Value::String(s) if s == "AIC" => LagSelection::Aic(None),
            serde_json::Value::String(s) if s == "BIC" => LagSelection::Bic(None),
            serde_json::Value::String(s) if s == "t-stat" => LagSelection::TStat(None),
            v => LagSelection::Fixed(v.as_u64().unwrap() as usize),
        };
        let reg = regression(c["regression"].as_str().unwrap());
        let what = format!("{name} {:?} {lags:?}", reg);
        let tol = if reg == Regression::ConstantTrendSquared {
            TOL_CTT
        } else {
            TOL
        };
        let r = adf(
            &x,
            &AdfOptions {
                regression: reg,
                lags,
            },
        )
        .unwrap();
        assert_eq!(
            r.used_lag as u64,
            c["used_lag"].as_u64().unwrap(),
            "{what}: lag"
        );
        assert_eq!(r.nobs as u64, c["nobs"].as_u64().unwrap(), "{what}: nobs");
        assert_rel(
            r.statistic,
            num(&c["statistic"]),
            tol,
            &format!("{what}: stat"),
        );
        assert_rel(r.p_value, num(&c["p_value"]), tol, &format!("{what}: p"));
        if reg != Regression::ConstantTrendSquared {
            worst = worst.max(crate::common::rel_err(r.statistic, num(&c["statistic"])));
        }
        let crit = &c["critical_values"];
        for i in 0..3 {
            assert_rel(
                r.critical_values[i],
                num(&crit[i]),
                1e-14,
                &format!("{what}: crit"),
            );
        }
        match (&c["ic_best"], r.ic_best) {
            (serde_json::Value::Null, None) => {}
            (v, Some(ic)) => assert_rel(ic, num(v), tol, &format!("{what}: ic")),
            (v, got) => panic!("{what}: ic {v} vs {got:?}"),
        }
    }
    eprintln!("adf vs statsmodels (n, c, ct): worst statistic rel err {worst:.2e}");
}

#[test]
fn adf_statistic_matches_urca() {
    let fx = fixture("adf.json");
    for c in fx["urca"].as_array().unwrap() {
        let name = c["series"].as_str().unwrap();
        let reg = regression(c["type"].as_str().unwrap());
        let lag = num(&c["lags"]) as usize;
        let r = adf(
            &series(name),
            &AdfOptions {
                regression: reg,
                lags: LagSelection::Fixed(lag),
            },
        )
        .unwrap();
        assert_rel(
            r.statistic,
            num(&c["statistic"]),
            TOL,
            &format!("urca {name} {reg:?} lag {lag}"),
        );
    }
}
