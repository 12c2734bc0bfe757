//! Execution conventions of the session (documented in session.rs), rejections, determinism
//! and the exact accounting identity.
use proptest::prelude::*;
use tachyon_backtest::synthetic::{BarSpec, SyntheticBars};
use tachyon_backtest::*;
use tachyon_core::InstrumentSpec;
use tachyon_oms::{Liquidity, OrderId, OrderStatus, ReportKind};
use tachyon_stats::mc::{Gbm, Process};

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

fn market(side: Side, qty: i64) -> OrderRequest {
    OrderRequest {
        instrument: 0,
        side,
        qty,
        limit: None,
        ioc: false,
    }
}

fn limit(side: Side, qty: i64, px: i64) -> OrderRequest {
    OrderRequest {
        instrument: 0,
        side,
        qty,
        limit: Some(px),
        ioc: false,
    }
}

/// Every OMS report since the last call.
fn all_reports(s: &mut Session) -> Vec<ExecReport> {
    let mut v = Vec::new();
    s.take_reports(&mut v);
    v
}

/// The outcomes: every report but the OMS's New and venue Accepted acknowledgements.
fn reports(s: &mut Session) -> Vec<ExecReport> {
    all_reports(s)
        .into_iter()
        .filter(|r| r.kind != ReportKind::New as u8 && r.kind != ReportKind::Accepted as u8)
        .collect()
}

const MAKER: u8 = Liquidity::Maker as u8;
const TAKER: u8 = Liquidity::Taker as u8;

#[test]
fn orders_go_through_the_oms_state_machine() {
    let mut s = Session::new(SessionConfig::simple(spec())).unwrap();
    s.push(&[
        Record::bar(0, 0, 10_000, 10_100, 9_900, 10_050, 1),
        Record::bar(0, 60, 10_060, 10_200, 10_000, 10_150, 1),
    ]);
    s.advance_all(1);
    let id = s.submit(market(Side::Buy, 1_000)).unwrap();
    let order = s.oms().order(OrderId(id)).unwrap();
    assert_eq!(order.status, OrderStatus::Accepted);
    assert_eq!(order.client_id.as_str(), "bt-1");
    s.advance(2);
    let seq: Vec<(u8, u8)> = all_reports(&mut s)
        .iter()
        .map(|r| (r.kind, r.status))
        .collect();
    assert_eq!(
        seq,
        vec![
            (ReportKind::New as u8, OrderStatus::New as u8),
            (ReportKind::Accepted as u8, OrderStatus::Accepted as u8),
            (ReportKind::Fill as u8, OrderStatus::Filled as u8),
        ]
    );
    assert_eq!(
        s.oms().order(OrderId(id)).unwrap().status,
        OrderStatus::Filled
    );
    assert_eq!(s.oms().stats().fills, 1);
    assert_eq!(
        s.oms().position(0).unwrap().qty_mantissa(),
        s.ledger().position(0).qty,
        "the OMS's position and the ledger's agree"
    );
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
    let id = s.submit(market(Side::Buy, 1_000)).unwrap();
    s.advance(2);
    let reps = reports(&mut s);
    assert_eq!(reps.len(), 1);
    assert_eq!(
        (reps[0].order_id, reps[0].last_px, reps[0].last_qty),
        (id, 10_060, 1_000)
    );
    // fee = 100.60 × 0.001 = 0.1006 USDT at cash scale 5
    assert_eq!(reps[0].fee, 10_060);
    assert_eq!(reps[0].reason, TAKER);
    assert_eq!(s.ledger().position(0).qty, 1_000);
}

#[test]
fn close_fills_at_once_and_slippage_moves_against_the_trader() {
    let mut cfg = SessionConfig::simple(spec());
    cfg.fill_at = FillAt::Close;
    cfg.slippage = FeeRate::from_bps(10.0);
    let mut s = Session::new(cfg).unwrap();
    s.push(&[Record::bar(0, 0, 10_000, 10_100, 9_900, 10_050, 1)]);
    s.advance_all(1);
    s.submit(market(Side::Buy, 1_000)).unwrap();
    let r = reports(&mut s);
    assert_eq!(r[0].last_px, 10_061); // 100.50 × 1.001 = 100.6005 → up to 100.61
    s.submit(market(Side::Sell, 1_000)).unwrap();
    assert_eq!(reports(&mut s)[0].last_px, 10_039); // 100.50 × 0.999 = 100.3995 → down to 100.39
}

#[test]
fn limit_orders_fill_at_price_or_gap_open() {
    let mut cfg = SessionConfig::simple(spec());
    cfg.maker_fee = FeeRate::from_bps(-1.0);
    cfg.taker_fee = FeeRate::from_bps(5.0);
    let mut s = Session::new(cfg).unwrap();
    s.push(&[
        Record::bar(0, 0, 10_000, 10_100, 9_900, 10_050, 1),
        Record::bar(0, 1, 10_050, 10_080, 10_000, 10_020, 1), // low 100.00 > 99.50: no fill
        Record::bar(0, 2, 10_020, 10_030, 9_940, 9_960, 1), // low 99.40 ≤ 99.50: fill at 99.50, maker
        Record::bar(0, 3, 9_800, 9_900, 9_700, 9_850, 1), // sell limit 99.00 below open 98.00? no: open < 99 → fill when high ≥ 99.00 at 99.00
        Record::bar(0, 4, 10_500, 10_600, 10_400, 10_550, 1), // buy limit 106.00 gapped: open 105.00 ≤ 106 → fill at open, taker
    ]);
    s.advance_all(1);
    s.submit(limit(Side::Buy, 1_000, 9_950)).unwrap();
    assert_eq!(s.advance(2), 2);
    assert!(reports(&mut s).is_empty());
    assert_eq!(s.advance(5), 3, "stops right after the record that filled");
    let r = reports(&mut s);
    assert_eq!((r[0].last_px, r[0].reason), (9_950, MAKER));
    assert!(r[0].fee < 0, "maker rebate");
    s.submit(limit(Side::Sell, 1_000, 9_900)).unwrap();
    s.advance(5);
    let r = reports(&mut s);
    assert_eq!((r[0].last_px, r[0].reason, r[0].ts_ns), (9_900, MAKER, 3));
    s.submit(limit(Side::Buy, 1_000, 10_600)).unwrap();
    s.advance(5);
    let r = reports(&mut s);
    assert_eq!((r[0].last_px, r[0].reason), (10_500, TAKER));
}

#[test]
fn trades_fill_markets_at_next_print_and_limits_only_through_the_price() {
    let mut s = Session::new(SessionConfig::simple(spec())).unwrap();
    s.push(&[
        Record::trade(0, 0, 10_000, 5, 1),
        Record::trade(0, 1, 10_001, 5, 1),
        Record::trade(0, 2, 9_990, 5, 2), // at the limit: no fill
        Record::trade(0, 3, 9_989, 5, 2), // through: fill at 99.90
        Record::trade(0, 4, 9_995, 5, 1),
    ]);
    s.advance_all(1);
    s.submit(market(Side::Buy, 1_000)).unwrap();
    s.advance(5);
    assert_eq!(reports(&mut s)[0].last_px, 10_001);
    s.submit(limit(Side::Buy, 1_000, 9_990)).unwrap();
    assert_eq!(s.advance(5), 4);
    let r = reports(&mut s);
    assert_eq!((r[0].last_px, r[0].ts_ns, r[0].reason), (9_990, 3, MAKER));
}

#[test]
fn ioc_expires_and_cancel_reports() {
    let mut s = Session::new(SessionConfig::simple(spec())).unwrap();
    s.push(&[
        Record::bar(0, 0, 10_000, 10_100, 9_900, 10_050, 1),
        Record::bar(0, 1, 10_050, 10_080, 10_000, 10_020, 1),
        Record::bar(0, 2, 10_050, 10_080, 10_000, 10_020, 1),
    ]);
    s.advance_all(1);
    s.submit(OrderRequest {
        ioc: true,
        ..limit(Side::Buy, 1_000, 9_000)
    })
    .unwrap();
    let id = s.submit(limit(Side::Buy, 1_000, 9_000)).unwrap();
    s.advance(3);
    let r = reports(&mut s);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].kind, 9, "expired");
    assert!(s.cancel(id));
    assert!(!s.cancel(id));
    assert_eq!(reports(&mut s)[0].kind, 7);
    assert_eq!(s.stats().expired, 1);
    assert_eq!(s.stats().cancelled, 1);
}

#[test]
fn refusals_are_reports_with_reasons() {
    let mut cfg = SessionConfig::simple(InstrumentSpec {
        tick_size: "0.05".into(),
        ..spec()
    });
    cfg.max_position = vec![Some(2_000)];
    let mut s = Session::new(cfg).unwrap();
    assert_eq!(s.submit(market(Side::Buy, 1_000)), Err(Reject::NoPrice));
    s.push(&[Record::bar(0, 0, 10_000, 10_100, 9_900, 10_000, 1)]);
    s.advance_all(1);
    assert!(s.submit(market(Side::Buy, 1_500)).is_ok());
    assert_eq!(
        s.submit(market(Side::Buy, 1_000)),
        Err(Reject::MaxPosition),
        "1.5 pending + 1.0 > 2"
    );
    assert!(
        s.submit(market(Side::Sell, 1_000)).is_ok(),
        "reducing the pending exposure is fine"
    );
    assert_eq!(s.submit(market(Side::Buy, 0)), Err(Reject::BadQuantity));
    assert_eq!(
        s.submit(limit(Side::Buy, 100, 10_001)),
        Err(Reject::BadPrice),
        "off the 0.05 tick"
    );
    assert_eq!(
        s.submit(market(Side::Buy, 10)),
        Err(Reject::Notional),
        "0.010 × 100 < 5"
    );
    assert_eq!(
        s.submit(OrderRequest {
            instrument: 5,
            ..market(Side::Buy, 100)
        }),
        Err(Reject::UnknownInstrument)
    );
    // Refusals by the gate are Rejected orders in the OMS (reason Gate, the code on the
    // order); requests the OMS finds malformed change nothing. All are counted by reason.
    let r = reports(&mut s);
    let rejected: Vec<(u8, u8)> = r
        .iter()
        .filter(|r| r.kind == ReportKind::Rejected as u8)
        .map(|r| (r.status, r.reason))
        .collect();
    let gate = (OrderStatus::Rejected as u8, tachyon_oms::Reason::Gate as u8);
    assert_eq!(rejected, vec![gate; 3], "no price, max position, notional");
    let texts: Vec<String> = r
        .iter()
        .filter(|r| r.kind == ReportKind::Rejected as u8)
        .map(|r| {
            s.oms()
                .order(OrderId(r.order_id))
                .unwrap()
                .reject_text
                .clone()
                .unwrap()
        })
        .collect();
    assert!(texts[0].contains("no price"), "{texts:?}");
    let by_reason = &s.stats().rejected;
    for (reason, n) in [
        (Reject::NoPrice, 1),
        (Reject::MaxPosition, 1),
        (Reject::BadQuantity, 1),
        (Reject::BadPrice, 1),
        (Reject::Notional, 1),
        (Reject::UnknownInstrument, 1),
        (Reject::Leverage, 0),
    ] {
        assert_eq!(by_reason[reason as usize], n, "{}", reason.code());
    }

    let mut cfg = SessionConfig::simple(spec());
    cfg.max_leverage = Some(1.0);
    let mut s = Session::new(cfg).unwrap();
    s.push(&[Record::bar(0, 0, 10_000, 10_100, 9_900, 10_000, 1)]);
    s.advance_all(1);
    assert_eq!(
        s.submit(market(Side::Buy, 1_001_000)),
        Err(Reject::Leverage),
        "100,100 > 1 × 100,000"
    );
    assert!(
        s.submit(market(Side::Buy, 1_000_000)).is_ok(),
        "exactly 1× equity"
    );
}

#[test]
fn bad_records_are_counted_and_skipped() {
    let mut s = Session::new(SessionConfig::simple(spec())).unwrap();
    let mut unknown = Record::trade(0, 5, 10, 1, 1);
    unknown.kind = 42;
    let n = s.push(&[
        Record::bar(0, 10, 10_000, 10_100, 9_900, 10_050, 1),
        Record::bar(0, 5, 10_000, 10_100, 9_900, 10_050, 1), // backwards in time
        Record::bar(0, 11, 10_000, 9_000, 9_900, 10_050, 1), // high below open
        Record::bar(1, 12, 10_000, 10_100, 9_900, 10_050, 1), // unknown instrument
        Record::trade(0, 13, -1, 1, 1),
        Record::trade(0, 14, 10, 0, 1),
        unknown,
        Record::bar(0, 20, 10_000, 10_100, 9_900, 10_050, 1),
    ]);
    assert_eq!(n, 2);
    assert_eq!(s.stats().bad_records, [1, 1, 1, 1, 1, 1, 0, 0, 0]);
}

fn synthetic(n: usize, seed: u64) -> Vec<Record> {
    let mut g = SyntheticBars::new(
        seed,
        &Process::Gbm(Gbm {
            s0: 100.0,
            mu: 0.0,
            sigma: 0.8,
        }),
        BarSpec {
            instrument: 0,
            start_ns: 0,
            bar_ns: 60_000_000_000,
            steps_per_bar: 4,
            tick: 1,
            price_scale: 2,
            mean_volume: 1e3,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut v = Vec::new();
    g.fill(n, &mut v);
    v
}

#[test]
fn a_run_is_deterministic() {
    let bars = synthetic(20_000, 3);
    let go = || {
        let mut cfg = SessionConfig::simple(spec());
        cfg.taker_fee = FeeRate::from_bps(7.5);
        cfg.slippage = FeeRate::from_bps(2.0);
        let mut s = Session::new(cfg).unwrap();
        s.push(&bars);
        let mut st = EmaCross::new(8, 21, 500, Direction::LongShort, &[2]).unwrap();
        run(&mut s, &mut st, RunOptions::default())
    };
    let (a, b) = (go(), go());
    assert!(a.fills.len() > 100);
    assert_eq!(a.fills, b.fills);
    assert_eq!(a.equity, b.equity);
    assert_eq!(a.metrics, b.metrics);
    // every fill is at the next bar's open, ± 2 bps rounded against the trader
    for f in &a.fills {
        let bar = bars.iter().find(|r| r.ts_ns == f.ts_ns).unwrap();
        let up = f.side == 1;
        let want = if up {
            (bar.a as i128 * 100_020_000).div_euclid(100_000_000)
                + i128::from((bar.a as i128 * 100_020_000) % 100_000_000 != 0)
        } else {
            (bar.a as i128 * 99_980_000).div_euclid(100_000_000)
        };
        assert_eq!(i128::from(f.last_px), want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// equity − initial = realized + unrealized − fees, exactly, after any sequence of fills.
    #[test]
    fn accounting_identity_is_exact(ops in proptest::collection::vec((any::<bool>(), 1i64..5_000, 1i64..1_000_000, 0i64..200_000), 1..60)) {
        let mut l = Ledger::new(1_000_000_000_000, &[(2, 3)]);
        for (i, (buy, qty, px, fee)) in ops.iter().enumerate() {
            let side = if *buy { Side::Buy } else { Side::Sell };
            l.fill(0, side, *qty, *px, FeeRate(*fee), i as i64).unwrap();
            l.mark(0, *px + 7);
            let p = *l.position(0);
            let unreal = i128::from(p.qty) * i128::from(p.mark) - p.cost;
            prop_assert_eq!(l.equity() - l.initial_cash(), p.realized + unreal - p.fees);
        }
        let trips = l.all_trips();
        let fees: i128 = trips.iter().map(|t| t.fees).sum();
        prop_assert_eq!(fees, l.position(0).fees);
        // the trips' P&L adds up to everything realized minus every fee
        let pnl: i128 = trips.iter().map(|t| t.pnl).sum();
        prop_assert_eq!(pnl, l.position(0).realized - l.position(0).fees);
    }
}

#[test]
fn decision_strategy_trades_where_the_engine_says() {
    use tachyon_engine::StrategyConfig;
    let bars = synthetic(5_000, 21);
    let mut s = Session::new(SessionConfig::simple(spec())).unwrap();
    s.push(&bars);
    // one feature: the last bar's return; buy at ≥ +0.15 %, sell (go flat) at ≤ −0.15 %
    let cfg = StrategyConfig {
        weights: vec![1.0],
        bias: 0.0,
        feature_min: None,
        feature_max: None,
        score_cap: 1.0,
        buy_threshold: 0.0015,
        sell_threshold: 0.0015,
    };
    let mut st = DecisionStrategy::new(
        &[FeatureSpec::Return { bars: 1 }],
        &cfg,
        500,
        Direction::LongOnly,
        &[2],
    )
    .unwrap();
    let r = run(&mut s, &mut st, RunOptions::default());
    // the same rule computed here, independently: position after bar i, orders at bar i+1's open
    let mut pos = 0i64;
    let mut want = Vec::new();
    for i in 1..bars.len() - 1 {
        let ret = (bars[i].d as f64 / 100.0) / (bars[i - 1].d as f64 / 100.0) - 1.0;
        let target = if ret >= 0.0015 {
            500
        } else if ret <= -0.0015 {
            0
        } else {
            pos
        };
        if target != pos {
            want.push((
                bars[i + 1].ts_ns,
                bars[i + 1].a,
                (target - pos).abs(),
                if target > pos { 1u8 } else { 2u8 },
            ));
            pos = target;
        }
    }
    let got: Vec<(i64, i64, i64, u8)> = r
        .fills
        .iter()
        .map(|f| (f.ts_ns, f.last_px, f.last_qty, f.side))
        .collect();
    assert!(want.len() > 20, "the rule must trade: {}", want.len());
    assert_eq!(got, want);
    assert_eq!(st.decisions, 5_000); // every bar (the first holds: its feature is missing)
}

#[test]
fn an_extra_gate_sits_behind_the_session_checks_and_sets_the_control_mode() {
    let gate = tachyon_oms::BasicGate {
        max_order_qty: Some(tachyon_core::Quantity::from_mantissa(2_000, 3).unwrap()),
        ..tachyon_oms::BasicGate::default()
    };
    let mut s = Session::with_gate(SessionConfig::simple(spec()), Some(Box::new(gate))).unwrap();
    s.push(&[Record::bar(0, 0, 10_000, 10_100, 9_900, 10_000, 1)]);
    s.advance_all(1);
    assert!(s.submit(market(Side::Buy, 2_000)).is_ok());
    assert_eq!(
        s.submit(market(Side::Buy, 2_001)),
        Err(Reject::Risk),
        "above its max order qty"
    );
    let rejected = reports(&mut s)
        .into_iter()
        .find(|r| r.kind == ReportKind::Rejected as u8)
        .unwrap();
    let text = s
        .oms()
        .order(OrderId(rejected.order_id))
        .unwrap()
        .reject_text
        .clone();
    assert!(text.unwrap().contains("above the limit"));
    // the extra gate's control mode is the OMS's: Pause refuses before any check
    let mut s = Session::with_gate(
        SessionConfig::simple(spec()),
        Some(Box::new(tachyon_oms::BasicGate {
            mode: tachyon_oms::ControlMode::Pause,
            ..tachyon_oms::BasicGate::default()
        })),
    )
    .unwrap();
    assert_eq!(
        s.submit(market(Side::Buy, 1_000)),
        Err(Reject::Risk),
        "paused: the OMS refuses before any gate"
    );
    assert_eq!(s.stats().rejected[Reject::Risk as usize], 1);
}
