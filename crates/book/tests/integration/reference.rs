//! Top-of-book analytics against `scripts/refs/book/analytics.py` (numpy), fixture
//! `tests/fixtures/analytics_reference.json`: spread and mid exact; microprice and imbalance
//! to 1e-12 relative (both are computed in f64 from the same integers).

use tachyon_book::{Level, OrderBook, SeqRule};

#[test]
fn analytics_match_the_numpy_reference() {
    let p = format!(
        "{}/tests/fixtures/analytics_reference.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}")))
            .unwrap_or_else(|e| panic!("{p}: {e}"));
    let levels = |v: &serde_json::Value| -> Vec<Level> {
        v.as_array()
            .expect("levels")
            .iter()
            .map(|l| Level::new(l[0].as_i64().expect("p"), l[1].as_i64().expect("q")))
            .collect()
    };
    let cases = f["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 200);
    for (k, c) in cases.iter().enumerate() {
        let mut b = OrderBook::with_grid(1, 1, 2, 3, SeqRule::Contiguous);
        b.load_snapshot(1, &levels(&c["bids"]), &levels(&c["asks"]))
            .unwrap_or_else(|e| panic!("case {k}: {e}"));
        assert_eq!(b.spread(), c["spread_mantissa"].as_i64(), "case {k} spread");
        let mid = b.mid_x10().expect("mid");
        let want =
            (c["bids"][0][0].as_i64().expect("b") + c["asks"][0][0].as_i64().expect("a")) * 5;
        assert_eq!(mid, want, "case {k} mid");
        let close = |got: f64, want: f64, what: &str| {
            assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1.0),
                "case {k} {what}: {got} vs {want}"
            );
        };
        close(
            b.microprice().expect("micro"),
            c["microprice"].as_f64().expect("m"),
            "microprice",
        );
        for n in [1usize, 3, 5, 10, 1000] {
            let want = c["imbalance"][n.to_string()].as_f64().expect("imb");
            close(b.imbalance(n).expect("imb"), want, "imbalance");
        }
    }
}
