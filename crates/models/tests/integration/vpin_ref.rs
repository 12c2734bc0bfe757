//! VPIN against an independent numpy implementation (fixtures/vpin_sp500.json: bucket
//! membership by interval overlap of cumulative volume, scipy's normal CDF) on S&P 500 daily
//! bars. Same σ (full-sample population sd of price changes), bucket volume and window.

use tachyon_models::vpin::{vpin, SigmaMode, Vpin, VpinOptions};

use crate::common::{close, json};

fn bars() -> (Vec<f64>, Vec<f64>) {
    // The fixture carries the bars it was computed on (arch's sp500: Adj Close, Volume / 1e6).
    let fx = json("vpin_sp500.json");
    let price: Vec<f64> = fx["price"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let volume: Vec<f64> = fx["volume"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    (price, volume)
}

#[test]
fn batch_matches_numpy_reference() {
    let fx = json("vpin_sp500.json");
    let (p, v) = bars();
    let vb = fx["bucket_volume"].as_f64().unwrap();
    let s = vpin(&p, &v, vb, 50, None).unwrap();
    close("sigma", s.sigma, fx["sigma"].as_f64().unwrap(), 1e-12, 0.0);
    let want = fx["vpin"].as_array().unwrap();
    // The reference closes the last bucket exactly at the end of the data; ours may leave it a
    // rounding error short of full.
    assert!(s.by_bucket.len() + 1 >= want.len() && s.by_bucket.len() <= want.len());
    for (k, g) in s.by_bucket.iter().enumerate() {
        match want[k].as_f64() {
            None => assert!(g.is_nan(), "bucket {k}: {g}"),
            Some(w) => close(&format!("vpin[{k}]"), *g, w, 1e-9, 0.0),
        }
    }
    // Streaming with the same fixed σ gives the same per-bar series.
    let mut o = VpinOptions::new(vb);
    o.sigma = SigmaMode::Fixed(s.sigma);
    let mut st = Vpin::new(o).unwrap();
    for i in 0..p.len() {
        st.update(p[i], v[i]);
        let x = st.value().unwrap_or(f64::NAN);
        assert!(x.to_bits() == s.by_bar[i].to_bits(), "bar {i}");
    }
}
