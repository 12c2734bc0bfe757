use tachyon_backtest::*;
use tachyon_core::InstrumentSpec;

fn spec() -> InstrumentSpec {
    InstrumentSpec {
        symbol: "BTC/USDT".into(),
        tick_size: "0.01".into(),
        lot_size: "0.001".into(),
        min_qty: None,
        max_qty: None,
        min_notional: Some("5".into()),
        max_notional: None,
    }
}

#[test]
fn market_order_fills_at_next_open_with_fee() {
    let mut cfg = SessionConfig::simple(spec());
    cfg.taker_fee = FeeRate::from_bps(10.0);
    let mut s = Session::new(cfg).unwrap();
    s.push(&[
        Record::bar(0, 0, 10_000, 10_100, 9_900, 10_050, 1),
        Record::bar(0, 60, 10_060, 10_200, 10_000, 10_150, 1),
    ]);
    s.advance_all(1);
    let id = s.submit(OrderRequest { instrument: 0, side: Side::Buy, qty: 1_000, limit: None, ioc: false }).unwrap();
    s.advance(2);
    let mut reps = Vec::new();
    s.take_reports(&mut reps);
    assert_eq!(reps.len(), 1);
    assert_eq!((reps[0].order_id, reps[0].last_px, reps[0].last_qty), (id, 10_060, 1_000));
    // fee = 100.60 × 0.001 = 0.1006 USDT at cash scale 5
    assert_eq!(reps[0].fee, 10_060);
    assert_eq!(s.ledger().position(0).qty, 1_000);
}
