//! Microstructure and realized measures against pandas / statsmodels / numpy on S&P 500 daily
//! bars (fixtures/micro_sp500.csv, see scripts/refs/models/micro_pandas.py).

use tachyon_models::micro::{amihud, kyle_lambda, roll_spread};
use tachyon_models::realized::{bipower_variation, log_returns, realized_variance};

use crate::common::{close, csv_column_na, json};

const FILE: &str = "micro_sp500.csv";

fn same(what: &str, got: &[f64], want: &[f64], rel: f64) {
    assert_eq!(got.len(), want.len(), "{what} length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g.is_nan(), w.is_nan(), "{what}[{i}]: got {g}, want {w}");
        if !w.is_nan() {
            close(&format!("{what}[{i}]"), *g, *w, rel, 1e-12 * rel);
        }
    }
}

#[test]
fn amihud_matches_pandas_rolling_mean() {
    let ret = csv_column_na(FILE, "ret");
    let dv = csv_column_na(FILE, "dollar_volume");
    let want = csv_column_na(FILE, "amihud_21");
    // pandas' first return is NaN; start at bar 1 and compare from there.
    let got = amihud(&ret[1..], &dv[1..], 21, 1e6).unwrap();
    same("amihud", &got, &want[1..], 1e-10);
}

#[test]
fn roll_matches_pandas_rolling_cov() {
    let px = csv_column_na(FILE, "close");
    let (spread, autocov) = roll_spread(&px, 21).unwrap();
    same(
        "roll autocov",
        &autocov,
        &csv_column_na(FILE, "roll_autocov_21"),
        1e-8,
    );
    same(
        "roll spread",
        &spread,
        &csv_column_na(FILE, "roll_spread_21"),
        1e-8,
    );
}

#[test]
fn kyle_matches_statsmodels_rolling_ols() {
    let dp = csv_column_na(FILE, "dp");
    let flow = csv_column_na(FILE, "flow");
    let (l, c, r2) = kyle_lambda(&dp[1..], &flow[1..], 50).unwrap();
    same(
        "kyle lambda",
        &l,
        &csv_column_na(FILE, "kyle_lambda_50")[1..],
        1e-8,
    );
    same(
        "kyle const",
        &c,
        &csv_column_na(FILE, "kyle_const_50")[1..],
        1e-7,
    );
    same(
        "kyle r2",
        &r2,
        &csv_column_na(FILE, "kyle_r2_50")[1..],
        1e-8,
    );
}

#[test]
fn realized_matches_numpy() {
    let meta = json("micro_sp500.json");
    let lr = log_returns(&csv_column_na(FILE, "close")).unwrap();
    close(
        "rv",
        realized_variance(&lr).unwrap(),
        meta["realized"]["rv"].as_f64().unwrap(),
        1e-12,
        0.0,
    );
    close(
        "bv",
        bipower_variation(&lr).unwrap(),
        meta["realized"]["bv"].as_f64().unwrap(),
        1e-12,
        0.0,
    );
}
