//! One test per rejection reason and one scenario per breaker: inject the condition, assert the
//! mode, and assert that no forbidden order passes afterwards.

use tachyon_core::InstrumentSpec;

use super::*;
use crate::breakers::BreakerConfig;
use crate::control::ControlConfig;

const MS: i64 = 1_000_000;

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_nanos(ms * MS)
}

fn spec(symbol: &str) -> InstrumentSpec {
    InstrumentSpec {
        symbol: symbol.into(),
        tick_size: "0.01".into(),
        lot_size: "0.001".into(),
        min_qty: Some("0.001".into()),
        max_qty: Some("100".into()),
        min_notional: Some("5".into()),
        max_notional: Some("500000".into()),
    }
}

fn config() -> RiskConfig {
    RiskConfig {
        limits: RiskLimits::default(),
        breakers: BreakerConfig::default(),
        control: ControlConfig {
            reset_key: Some("reset-key-123".into()),
            heartbeat_ms: None,
        },
        venues: vec![VenueSpec {
            name: "sim".into(),
            max_leverage: None,
        }],
        instruments: vec![
            InstrumentRisk {
                spec: spec("BTC-USDT"),
                venue: "sim".into(),
                max_position: Some("2".into()),
            },
            InstrumentRisk {
                spec: spec("ETH-USDT"),
                venue: "sim".into(),
                max_position: None,
            },
            InstrumentRisk {
                spec: spec("SOL-USDT"),
                venue: "sim".into(),
                max_position: None,
            },
        ],
    }
}

/// Engine with 1,000,000 equity and no positions.
fn engine() -> RiskEngine {
    let mut e = RiskEngine::new(&config(), ts(0)).unwrap();
    e.set_equity(Notional::parse("1000000", 2).unwrap(), ts(0));
    e
}

fn px(s: &str) -> Price {
    Price::parse(s, 2).unwrap()
}
fn qty(s: &str) -> Quantity {
    Quantity::parse(s, 3).unwrap()
}

fn order(i: u32, side: OrderSide, p: &str, q: &str) -> OrderIntent {
    OrderIntent {
        instrument: i,
        side,
        price: px(p),
        qty: qty(q),
        stop: None,
    }
}

fn code(r: Result<Approval, RiskRejection>) -> &'static str {
    match r {
        Ok(_) => "OK",
        Err(e) => e.code(),
    }
}

#[test]
fn a_plain_order_passes_and_is_counted() {
    let mut e = engine();
    let a = e
        .check(&order(0, OrderSide::Buy, "50000.00", "0.5"), ts(1))
        .unwrap();
    assert_eq!(a.notional.to_string(), "25000.00000");
    assert_eq!(a.position_after, qty("0.5"));
    assert!(!a.reducing);
    assert_eq!(e.counters().approved, 1);
}

#[test]
fn instrument_rules_come_from_core() {
    let mut e = engine();
    let now = ts(1);
    let mut o = order(0, OrderSide::Buy, "50000.00", "0.5");
    o.qty = Quantity::parse("0.0005", 4).unwrap();
    assert_eq!(code(e.check(&o, now)), "WRONG_SCALE");
    let mut o = order(0, OrderSide::Buy, "50000.00", "0.5");
    o.price = Price::parse("50000.005", 3).unwrap();
    assert_eq!(code(e.check(&o, now)), "WRONG_SCALE");
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "0", "0.5"), now)),
        "NON_POSITIVE_PRICE"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "1.00", "1"), now)),
        "BELOW_MIN_NOTIONAL"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "101"), now)),
        "ABOVE_MAX_QUANTITY"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100000.00", "10"), now)),
        "ABOVE_MAX_NOTIONAL"
    );
    assert_eq!(
        code(e.check(&order(9, OrderSide::Buy, "1.00", "1"), now)),
        "UNKNOWN_INSTRUMENT"
    );
    assert_eq!(e.counters().rejected_with("WRONG_SCALE"), 2);
    assert_eq!(e.counters().approved, 0);
}

#[test]
fn max_order_notional_is_exact() {
    let mut c = config();
    c.limits.max_order_notional = Some("25000.00".into());
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    e.set_equity(Notional::parse("1000000", 2).unwrap(), ts(0));
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "50000.00", "0.5"), ts(1))),
        "OK"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "50000.01", "0.5"), ts(2))),
        "MAX_ORDER_NOTIONAL"
    );
}

#[test]
fn position_limit_blocks_growth_but_not_reduction() {
    let mut e = engine();
    e.set_position(0, qty("1.9"), px("10000.00")).unwrap();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "10000.00", "0.1"), ts(1))),
        "OK"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "10000.00", "0.2"), ts(2))),
        "POSITION_LIMIT"
    );
    // flipping through zero to −2.1 is also beyond the limit
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "10000.00", "4.0"), ts(3))),
        "POSITION_LIMIT"
    );
    // over the limit already (limit lowered / reconciliation): reducing still passes
    e.set_position(0, qty("3"), px("100.00")).unwrap();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "100.00", "0.5"), ts(4))),
        "OK"
    );
}

#[test]
fn concentration_default_five_percent() {
    let mut e = engine();
    // 5% of 1,000,000 = 50,000 → 1 BTC at 50,000 is exactly at the limit: passes
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "50000.00", "1"), ts(1))),
        "OK"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "50000.00", "1.001"), ts(2))),
        "CONCENTRATION"
    );
    // short side too
    assert_eq!(
        code(e.check(&order(1, OrderSide::Sell, "5000.00", "10.001"), ts(3))),
        "CONCENTRATION"
    );
    // a price move put us over: selling some is still allowed, buying is not
    e.set_position(1, qty("20"), px("5000.00")).unwrap(); // 100,000 = 10%
    assert_eq!(
        code(e.check(&order(1, OrderSide::Sell, "5000.00", "1"), ts(4))),
        "OK"
    );
    assert_eq!(
        code(e.check(&order(1, OrderSide::Buy, "5000.00", "0.01"), ts(5))),
        "CONCENTRATION"
    );
}

#[test]
fn correlated_exposure_counts_partners_with_their_sign() {
    let mut c = config();
    c.limits.concentration = 1.0;
    c.limits.max_heat = 1.0;
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    e.set_equity(Notional::parse("1000000", 2).unwrap(), ts(0));
    // BTC ~ ETH ρ = 0.8; BTC ~ SOL ρ = −0.9; ETH ~ SOL 0.5 (below 0.7: not partners)
    #[rustfmt::skip]
    let rho = [
        1.0, 0.8, -0.9,
        0.8, 1.0, 0.5,
        -0.9, 0.5, 1.0,
    ];
    e.set_correlation(&rho).unwrap();
    e.set_position(1, qty("10"), px("5000.00")).unwrap(); // ETH +50,000
                                                          // BTC +60,000 with ETH +50,000 → 110,000 > 100,000 (10%)
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "60000.00", "1"), ts(1))),
        "CORRELATED_EXPOSURE"
    );
    // 50,000 + 50,000 = 100,000: at the limit, passes
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "50000.00", "1"), ts(2))),
        "OK"
    );
    // SOL short is like BTC long (ρ < 0): BTC partners are ETH (+) and SOL (−)
    e.set_position(2, qty("-400"), px("100.00")).unwrap(); // SOL −40,000 → counts +40,000 for BTC
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "20000.00", "1"), ts(3))),
        "CORRELATED_EXPOSURE"
    );
    // selling BTC hedges the cluster: allowed
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "20000.00", "1"), ts(4))),
        "OK"
    );
    // bad matrices name the entry
    let err = e
        .set_correlation(&[1.0, 0.8, 0.1, 0.7, 1.0, 0.0, 0.1, 0.0, 1.0])
        .unwrap_err();
    assert!(matches!(err, EngineError::Config { ref field, .. } if field == "correlation[0][1]"));
    assert!(e.set_correlation(&[1.0; 4]).is_err());
}

#[test]
fn portfolio_heat_uses_stops_or_the_default_fraction() {
    let mut c = config();
    c.limits.concentration = 1.0;
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    e.set_equity(Notional::parse("1000000", 2).unwrap(), ts(0));
    // default stop 2%: 1,000,000 × 6% heat = 60,000 risk = 3,000,000 notional … leverage 3× is
    // 3,000,000 too; use stops to make heat bind first.
    e.set_position(1, qty("100"), px("5000.00")).unwrap(); // 500,000, risk 10,000
    assert!((e.heat() - 10_000.0).abs() < 1e-6);
    let mut o = order(2, OrderSide::Buy, "50000.00", "5");
    o.stop = Some(px("40000.00")); // risk 5 × 10,000 = 50,000 → 60,000 total: at the limit
    assert_eq!(code(e.check(&o, ts(1))), "OK");
    o.stop = Some(px("39999.00"));
    assert_eq!(code(e.check(&o, ts(2))), "PORTFOLIO_HEAT");
    e.set_stop(1, Some(px("4990.00"))).unwrap(); // ETH risk now 100 × 10 = 1,000
    assert!((e.heat() - 1_000.0).abs() < 1e-6);
    assert_eq!(code(e.check(&o, ts(3))), "OK");
}

#[test]
fn venue_leverage_default_three() {
    let mut c = config();
    c.limits.concentration = 1.0;
    c.limits.max_heat = 1.0;
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    e.set_equity(Notional::parse("100000", 2).unwrap(), ts(0));
    e.set_position(1, qty("-50"), px("5000.00")).unwrap(); // gross 250,000 = 2.5×
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "50000.00", "1"), ts(1))),
        "OK"
    ); // 3.0×
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "50000.00", "1.001"), ts(2))),
        "LEVERAGE"
    );
    // venue collateral lower than account equity
    e.set_venue_equity(0, Notional::parse("50000", 0).unwrap())
        .unwrap();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "1"), ts(3))),
        "LEVERAGE"
    );
    assert_eq!(
        code(e.check(&order(1, OrderSide::Buy, "5000.00", "1"), ts(4))),
        "OK"
    ); // reduces gross
}

#[test]
fn order_rate_sliding_window() {
    let mut c = config();
    c.limits.max_orders = 3;
    c.limits.rate_window_ms = 1000;
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    e.set_equity(Notional::parse("1000000", 2).unwrap(), ts(0));
    let o = order(0, OrderSide::Buy, "100.00", "1");
    for t in [0, 100, 200] {
        assert_eq!(code(e.check(&o, ts(t))), "OK");
    }
    assert_eq!(code(e.check(&o, ts(999))), "RATE_LIMIT");
    // rejected orders do not consume the budget: at 1000 ms the first slot frees
    assert_eq!(code(e.check(&o, ts(1000))), "OK");
    assert_eq!(code(e.check(&o, ts(1050))), "RATE_LIMIT");
    assert_eq!(code(e.check(&o, ts(1100))), "OK");
}

#[test]
fn no_equity_blocks_risk_but_not_reduction() {
    let mut e = RiskEngine::new(&config(), ts(0)).unwrap();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "1"), ts(1))),
        "NO_EQUITY"
    );
    e.set_position(0, qty("1"), px("100.00")).unwrap();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "100.00", "1"), ts(2))),
        "OK"
    );
}

// ---------------------------------------------------------------- modes and breakers

fn assert_only_reducing_pass(e: &mut RiskEngine, t: i64) {
    // BTC position must be long 1 for this helper.
    assert_eq!(e.position(0), Some(qty("1")));
    let buy = code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(t)));
    let open = code(e.check(&order(1, OrderSide::Sell, "100.00", "0.1"), ts(t)));
    let flip = code(e.check(&order(0, OrderSide::Sell, "100.00", "1.5"), ts(t)));
    assert!(buy.starts_with("MODE_") && open.starts_with("MODE_") && flip.starts_with("MODE_"));
}

#[test]
fn pause_blocks_everything_reduce_stages_emergency_flattens() {
    let mut e = engine();
    e.set_position(0, qty("1"), px("100.00")).unwrap();
    let c = Arc::clone(e.control());
    c.request(Mode::Pause, Source::Api, "test", ts(1)).unwrap();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "100.00", "0.1"), ts(2))),
        "MODE_PAUSE"
    );
    c.request(Mode::Reduce, Source::Api, "test", ts(3)).unwrap();
    assert_only_reducing_pass(&mut e, 4);
    // stage = 50% of 1 = 0.5
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "100.00", "0.6"), ts(5))),
        "REDUCE_STAGE"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "100.00", "0.5"), ts(6))),
        "OK"
    );
    c.kill(Source::Api, "test", ts(7));
    assert_only_reducing_pass(&mut e, 8);
    // emergency: a full flatten passes in one order
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "100.00", "1"), ts(9))),
        "OK"
    );
    assert_eq!(e.counters().rejected_with("MODE_EMERGENCY"), 3);
}

#[test]
fn drawdown_and_daily_loss_limits_and_triggers() {
    // soft drawdown 15% → reduce
    let mut e = engine();
    e.set_position(0, qty("1"), px("100.00")).unwrap();
    assert!(
        e.set_equity(Notional::parse("860000", 0).unwrap(), ts(1))
            .is_none()
            || e.mode() == Mode::Pause
    );
    // 14% drawdown ≥ 5% daily loss → pause (daily loss fires first)
    assert_eq!(e.mode(), Mode::Pause);
    let t = e.control().transitions();
    assert!(t[0].reason.starts_with("dailyLoss"), "{t:?}");
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(2))),
        "MODE_PAUSE"
    );

    // with daily loss off, only drawdowns: soft → reduce
    let mut c = config();
    c.limits.daily_loss = 1.0;
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    e.set_equity(Notional::parse("1000000", 0).unwrap(), ts(0));
    e.set_position(0, qty("1"), px("100.00")).unwrap();
    let t = e
        .set_equity(Notional::parse("850000", 0).unwrap(), ts(1))
        .unwrap();
    assert_eq!((t.to, t.source), (Mode::Reduce, Source::Trigger));
    assert!(t.reason.starts_with("softDrawdown"));
    assert_only_reducing_pass(&mut e, 2);
    let t = e
        .set_equity(Notional::parse("800000", 0).unwrap(), ts(3))
        .unwrap();
    assert_eq!(t.to, Mode::Emergency);
    assert!(t.reason.starts_with("hardDrawdown"));
    assert_only_reducing_pass(&mut e, 4);

    // the limits alone (breakers disabled) still refuse risk-increasing orders
    let mut c = config();
    c.breakers.soft_drawdown.enabled = false;
    c.breakers.hard_drawdown.enabled = false;
    c.breakers.daily_loss.enabled = false;
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    e.set_equity(Notional::parse("1000000", 0).unwrap(), ts(0));
    e.set_position(0, qty("1"), px("100.00")).unwrap();
    e.set_equity(Notional::parse("960000", 0).unwrap(), ts(1));
    assert_eq!(e.mode(), Mode::Normal);
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(2))),
        "OK"
    );
    e.set_equity(Notional::parse("950000", 0).unwrap(), ts(3));
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(4))),
        "DAILY_LOSS"
    );
    e.start_day();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(5))),
        "OK"
    );
    e.set_equity(Notional::parse("850000", 0).unwrap(), ts(6));
    e.start_day();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(7))),
        "SOFT_DRAWDOWN"
    );
    e.set_equity(Notional::parse("800000", 0).unwrap(), ts(8));
    e.start_day();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(9))),
        "HARD_DRAWDOWN"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "100.00", "0.1"), ts(10))),
        "OK"
    );
    assert_eq!(e.mode(), Mode::Normal);
}

#[test]
fn slippage_trigger() {
    let mut e = engine();
    e.set_position(0, qty("1"), px("100.00")).unwrap();
    assert!(e.on_slippage(4.0, 12.0, ts(1)).unwrap().is_none()); // exactly 3×
    let t = e.on_slippage(4.0, 12.5, ts(2)).unwrap().unwrap();
    assert_eq!(
        (t.to, t.source, t.ts_ns),
        (Mode::Reduce, Source::Trigger, 2 * MS)
    );
    assert_only_reducing_pass(&mut e, 3);
    assert!(e.on_slippage(0.0, 1.0, ts(4)).is_err());
    assert!(e.on_slippage(1.0, f64::NAN, ts(4)).is_err());
}

#[test]
fn quote_staleness_trigger_on_poll_and_on_check() {
    let mut e = engine();
    e.set_position(0, qty("1"), px("100.00")).unwrap();
    e.on_quote(0, px("99.99"), px("100.01"), ts(1000)).unwrap();
    assert!(e.poll(ts(1500)).is_empty()); // exactly 500 ms
    let t = e.poll(ts(1501));
    assert_eq!(t.len(), 1);
    assert_eq!((t[0].to, t[0].source), (Mode::Pause, Source::Trigger));
    assert!(t[0].reason.contains("BTC-USDT"));
    assert_eq!(
        code(e.check(&order(0, OrderSide::Sell, "100.00", "0.1"), ts(1502))),
        "MODE_PAUSE"
    );

    // without poll: the check itself notices the stale instrument and refuses
    let mut e = engine();
    e.on_quote(0, px("99.99"), px("100.01"), ts(1000)).unwrap();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(1200))),
        "OK"
    );
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(1600))),
        "MODE_PAUSE"
    );
    assert_eq!(e.mode(), Mode::Pause);
}

#[test]
fn spread_trigger() {
    let mut e = engine();
    e.set_position(0, qty("1"), px("100.00")).unwrap();
    for k in 0..20 {
        assert!(e
            .on_quote(0, px("99.99"), px("100.01"), ts(k))
            .unwrap()
            .is_none());
    }
    // median spread 0.02 → 5× = 0.10; 0.10 does not fire, 0.11 does
    assert!(e
        .on_quote(0, px("99.95"), px("100.05"), ts(20))
        .unwrap()
        .is_none());
    let t = e
        .on_quote(0, px("99.95"), px("100.06"), ts(21))
        .unwrap()
        .unwrap();
    assert_eq!(t.to, Mode::Pause);
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(22))),
        "MODE_PAUSE"
    );
}

#[test]
fn venue_error_burst_trigger() {
    let mut e = engine();
    for k in 0..4 {
        assert!(e.on_venue_error(0, ts(k * 100)).unwrap().is_none());
    }
    let t = e.on_venue_error(0, ts(400)).unwrap().unwrap();
    assert_eq!(t.to, Mode::Pause);
    assert!(t.reason.contains("sim"));
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(401))),
        "MODE_PAUSE"
    );
    assert!(e.on_venue_error(7, ts(1)).is_err());
}

#[test]
fn configured_trigger_modes_are_honoured() {
    let mut c = config();
    c.breakers.venue_errors.mode = Mode::Emergency;
    c.breakers.venue_errors.threshold = 1.0;
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    assert_eq!(
        e.on_venue_error(0, ts(1)).unwrap().unwrap().to,
        Mode::Emergency
    );
}

#[test]
fn heartbeat_trigger_via_poll() {
    let mut c = config();
    c.control.heartbeat_ms = Some(250);
    let mut e = RiskEngine::new(&c, ts(0)).unwrap();
    e.set_equity(Notional::parse("1000000", 0).unwrap(), ts(0));
    e.control().heartbeat(ts(200));
    assert!(e.poll(ts(450)).is_empty());
    let t = e.poll(ts(451));
    assert_eq!((t[0].to, t[0].source), (Mode::Emergency, Source::Heartbeat));
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(452))),
        "MODE_EMERGENCY"
    );
    // leaving emergency: only with the key
    assert!(e
        .control()
        .reset("nope-nope", Mode::Normal, "ops", ts(500))
        .is_err());
    e.control()
        .reset("reset-key-123", Mode::Normal, "ops", ts(501))
        .unwrap();
    assert_eq!(
        code(e.check(&order(0, OrderSide::Buy, "100.00", "0.1"), ts(502))),
        "OK"
    );
}

#[test]
fn sizing_rounds_down_and_the_cap_wins() {
    let mut e = engine();
    // vol target 10% / 40% = 0.25 of equity, capped at 0.05 → 50,000 / 30,000 = 1.666… → 1.666
    let s = e
        .size(
            0,
            &Sizing::VolTarget {
                target_vol: 0.1,
                forecast_vol: 0.4,
            },
            px("30000.00"),
            0.05,
        )
        .unwrap();
    assert_eq!(
        (s.side, s.qty, s.fraction),
        (OrderSide::Buy, qty("1.666"), 0.05)
    );
    // negative Kelly → sell
    let s = e
        .size(
            0,
            &Sizing::Kelly {
                win_prob: 0.375,
                payoff: 1.0,
                multiplier: 0.25,
            },
            px("100.00"),
            1.0,
        )
        .unwrap();
    // 0.25 × (0.375 − 0.625) = −0.0625 (exact in binary) → 62,500 / 100 = 625
    assert_eq!((s.side, s.qty), (OrderSide::Sell, qty("625")));
    // 1/3 of equity at 7.00: 333,333.33… / 7 = 47,619.047… → floor to the lot 47,619.047
    let s = e
        .size(
            0,
            &Sizing::VolTarget {
                target_vol: 1.0,
                forecast_vol: 3.0,
            },
            px("7.00"),
            1.0,
        )
        .unwrap();
    assert_eq!(s.qty, qty("47619.047"));
    assert!(e
        .size(
            0,
            &Sizing::VolTarget {
                target_vol: 0.1,
                forecast_vol: 0.0
            },
            px("1.00"),
            0.1
        )
        .is_err());
    e.set_equity(Notional::parse("0", 0).unwrap(), ts(1));
    assert!(e
        .size(
            0,
            &Sizing::VolTarget {
                target_vol: 0.1,
                forecast_vol: 0.2
            },
            px("1.00"),
            0.1
        )
        .is_err());
}

#[test]
fn config_errors_name_the_field() {
    let field = |f: fn(&mut RiskConfig)| {
        let mut c = config();
        f(&mut c);
        match RiskEngine::new(&c, ts(0)).unwrap_err() {
            EngineError::Config { field, .. } => field,
            e => panic!("{e}"),
        }
    };
    assert_eq!(
        field(|c| c.limits.concentration = 0.0),
        "limits.concentration"
    );
    assert_eq!(
        field(|c| c.limits.concentration = 1.5),
        "limits.concentration"
    );
    assert_eq!(
        field(|c| c.limits.soft_drawdown = 0.25),
        "limits.softDrawdown"
    );
    assert_eq!(
        field(|c| c.limits.max_leverage = f64::NAN),
        "limits.maxLeverage"
    );
    assert_eq!(field(|c| c.limits.max_orders = 0), "limits.maxOrders");
    assert_eq!(
        field(|c| c.limits.rate_window_ms = 0),
        "limits.rateWindowMs"
    );
    assert_eq!(
        field(|c| c.limits.max_order_notional = Some("-1".into())),
        "limits.maxOrderNotional"
    );
    assert_eq!(
        field(|c| c.limits.max_order_notional = Some("abc".into())),
        "limits.maxOrderNotional"
    );
    assert_eq!(
        field(|c| c.limits.correlation_threshold = 1.0),
        "limits.correlationThreshold"
    );
    assert_eq!(
        field(|c| c.instruments[1].venue = "nope".into()),
        "instruments[1].venue"
    );
    assert_eq!(
        field(|c| c.instruments[2].spec.tick_size = "0".into()),
        "instruments[2].tickSize"
    );
    assert_eq!(
        field(|c| c.instruments[0].max_position = Some("0.0001".into())),
        "instruments[0].maxPosition"
    );
    assert_eq!(
        field(|c| c.instruments[1].spec.symbol = "BTC-USDT".into()),
        "instruments[1].symbol"
    );
    assert_eq!(
        field(|c| c.venues[0].max_leverage = Some(-1.0)),
        "venues[0].maxLeverage"
    );
    assert_eq!(
        field(|c| c.control.reset_key = Some("short".into())),
        "control.resetKey"
    );
    assert_eq!(
        field(|c| c.breakers.spread.threshold = 0.5),
        "breakers.spread.threshold"
    );
}

#[test]
fn emergency_flatten_intents_pass_and_flatten() {
    let mut e = engine();
    e.set_position(0, qty("1.5"), px("100.00")).unwrap();
    e.set_position(1, qty("-2"), px("50.00")).unwrap();
    e.control().kill(Source::Api, "test", ts(1));
    let intents = e.flatten_intents();
    assert_eq!(intents.len(), 2);
    assert_eq!(
        (intents[0].side, intents[0].qty),
        (OrderSide::Sell, qty("1.5"))
    );
    assert_eq!(
        (intents[1].side, intents[1].qty),
        (OrderSide::Buy, qty("2"))
    );
    for (k, o) in intents.iter().enumerate() {
        let a = e.check(o, ts(2 + k as i64)).unwrap();
        assert!(a.reducing && a.position_after.is_zero());
        e.apply_fill(o.instrument, o.side, o.qty, o.price).unwrap();
    }
    assert!(e.flatten_intents().is_empty());
}
