//! Stoikov's micro-price against a pandas port of the published estimation procedure
//! (fixtures/microprice_stoikov.json) on the synthetic quote process both sides regenerate.

use tachyon_models::microprice::{fit_microprice, synthetic_quotes};

use crate::common::{close, f64s, json};

#[test]
fn matches_the_pandas_port_of_stoikov() {
    let fx = json("microprice_stoikov.json");
    let n = fx["n"].as_u64().unwrap() as usize;
    let (b, a, bq, aq) = synthetic_quotes(n, fx["seed"].as_u64().unwrap());
    // same quotes
    let sums = f64s(&fx["quote_checksum"]);
    for (got, want) in [
        b.iter().sum::<f64>(),
        a.iter().sum(),
        bq.iter().sum(),
        aq.iter().sum(),
    ]
    .iter()
    .zip(&sums)
    {
        close("quote checksum", *got, *want, 1e-12, 0.0);
    }
    let m = fit_microprice(
        &b,
        &a,
        &bq,
        &aq,
        fx["tick"].as_f64().unwrap(),
        fx["n_imbalance"].as_u64().unwrap() as usize,
        fx["n_spread"].as_u64().unwrap() as usize,
        fx["dt"].as_u64().unwrap() as usize,
    )
    .unwrap();
    assert_eq!(m.pairs as u64, fx["pairs"].as_u64().unwrap());
    for (g, w) in m.edges.iter().zip(f64s(&fx["edges"])) {
        close("edge", *g, w, 1e-12, 0.0);
    }
    for (g, w) in m.first_move.iter().zip(f64s(&fx["first_move"])) {
        close("G1", *g, w, 1e-9, 1e-15);
    }
    for (g, w) in m.adjustment.iter().zip(f64s(&fx["adjustment"])) {
        close("G*", *g, w, 1e-9, 1e-15);
    }
}
