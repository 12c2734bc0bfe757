//! The real risk engine as the OMS's gate: limits refuse orders with the engine's codes, fills
//! move the engine's positions, and the engine's control mode stops the OMS.

use tachyon_core::{Instrument, InstrumentSpec, Notional, Price, Quantity, Timestamp};
use tachyon_engine::control::ControlConfig;
use tachyon_engine::risk::{InstrumentRisk, RiskLimits, VenueSpec};
use tachyon_engine::{breakers::BreakerConfig, RiskConfig, RiskEngine, Source};
use tachyon_oms::{
    ClientOrderId, Liquidity, Oms, OmsConfig, OrderRequest, OrderStatus, RiskGate, Side, VenueEvent,
};

fn spec(symbol: &str) -> InstrumentSpec {
    InstrumentSpec {
        symbol: symbol.into(),
        tick_size: "0.01".into(),
        lot_size: "0.001".into(),
        min_qty: Some("0.001".into()),
        max_qty: Some("100".into()),
        min_notional: Some("5".into()),
        max_notional: None,
    }
}

fn t(ms: i64) -> Timestamp {
    Timestamp::from_nanos(ms * 1_000_000)
}

/// OMS with BTC (id 0) and ETH (id 1), gated by a risk engine allowing |BTC position| ≤ 2 and
/// 50% concentration of 1,000,000 equity.
fn setup(oms_order: [&str; 2]) -> Oms {
    let limits = RiskLimits {
        concentration: 0.5,
        ..RiskLimits::default()
    };
    let cfg = RiskConfig {
        limits,
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
        ],
    };
    let mut engine = RiskEngine::new(&cfg, t(0)).unwrap();
    engine.set_equity(Notional::parse("1000000", 2).unwrap(), t(0));
    let mut oms = Oms::new(Box::new(RiskGate::new(engine)), OmsConfig::default());
    for s in oms_order {
        oms.add_instrument(Instrument::new(&spec(s)).unwrap());
    }
    oms
}

fn buy(cid: &str, instrument: u32, q: &str, p: &str) -> OrderRequest {
    OrderRequest::limit(
        ClientOrderId::new(cid).unwrap(),
        instrument,
        Side::Buy,
        Quantity::parse(q, 3).unwrap(),
        Price::parse(p, 2).unwrap(),
    )
}

#[test]
fn limits_refuse_with_the_engine_codes_and_fills_move_its_positions() {
    let mut oms = setup(["BTC-USDT", "ETH-USDT"]);
    let ok = oms.submit(&buy("a", 0, "1.500", "100.00"), t(1)).unwrap();
    assert_eq!((ok.status, ok.gate_code), (OrderStatus::New, None));
    // 1.5 filled: the engine now holds 1.5, so buying 1 more would end at 2.5 > 2.
    oms.on_venue_event(&VenueEvent::Accepted {
        order_id: ok.order_id,
        ts: t(2),
    })
    .unwrap();
    oms.on_venue_event(&VenueEvent::Fill {
        order_id: ok.order_id,
        trade_id: 1,
        price: 10_000,
        qty: 1_500,
        fee: 0,
        liquidity: Liquidity::Taker,
        ts: t(3),
    })
    .unwrap();
    let refused = oms.submit(&buy("b", 0, "1.000", "100.00"), t(4)).unwrap();
    assert_eq!(refused.status, OrderStatus::Rejected);
    assert_eq!(refused.gate_code, Some("POSITION_LIMIT"));
    // 0.5 still fits exactly.
    assert_eq!(
        oms.submit(&buy("c", 0, "0.500", "100.00"), t(5))
            .unwrap()
            .status,
        OrderStatus::New
    );
}

#[test]
fn the_engine_kill_switch_stops_the_oms() {
    let cfg = RiskConfig {
        limits: RiskLimits::default(),
        breakers: BreakerConfig::default(),
        control: ControlConfig {
            reset_key: None,
            heartbeat_ms: None,
        },
        venues: vec![VenueSpec {
            name: "sim".into(),
            max_leverage: None,
        }],
        instruments: vec![InstrumentRisk {
            spec: spec("BTC-USDT"),
            venue: "sim".into(),
            max_position: None,
        }],
    };
    let mut engine = RiskEngine::new(&cfg, t(0)).unwrap();
    engine.set_equity(Notional::parse("1000000", 2).unwrap(), t(0));
    // The control handle is shared: tripping it (as the API, CLI, signal or dead-man do) after
    // the engine is inside the OMS stops the OMS.
    let control = std::sync::Arc::clone(engine.control());
    let mut oms = Oms::new(Box::new(RiskGate::new(engine)), OmsConfig::default());
    oms.add_instrument(Instrument::new(&spec("BTC-USDT")).unwrap());
    assert_eq!(
        oms.submit(&buy("a", 0, "1.000", "100.00"), t(1))
            .unwrap()
            .status,
        OrderStatus::New
    );
    control.kill(Source::Api, "test", t(2));
    let out = oms.submit(&buy("b", 0, "1.000", "100.00"), t(3)).unwrap();
    assert_eq!(
        out.status,
        OrderStatus::Rejected,
        "Emergency: nothing new leaves the OMS"
    );
}

#[test]
fn mismatched_instrument_order_is_refused_not_misread() {
    let mut oms = setup(["ETH-USDT", "BTC-USDT"]);
    let out = oms.submit(&buy("a", 0, "1.000", "100.00"), t(1)).unwrap();
    assert_eq!(out.status, OrderStatus::Rejected);
    assert_eq!(out.gate_code, Some("INSTRUMENT_MISMATCH"));
}

#[test]
fn market_orders_need_a_reference_price() {
    let mut oms = setup(["BTC-USDT", "ETH-USDT"]);
    let mkt = OrderRequest::market(
        ClientOrderId::new("m").unwrap(),
        0,
        Side::Buy,
        Quantity::parse("1.000", 3).unwrap(),
    );
    let out = oms.submit(&mkt, t(1)).unwrap();
    assert_eq!(out.gate_code, Some("NO_REFERENCE_PRICE"));
    oms.on_price(0, 10_000, t(2));
    let mkt2 = OrderRequest::market(
        ClientOrderId::new("m2").unwrap(),
        0,
        Side::Buy,
        Quantity::parse("1.000", 3).unwrap(),
    );
    assert_eq!(oms.submit(&mkt2, t(3)).unwrap().status, OrderStatus::New);
}

#[test]
fn restored_fills_move_the_position_and_the_engine_and_restored_orders_keep_working() {
    let mut oms = setup(["BTC-USDT", "ETH-USDT"]);
    // journal: bought 1.5 BTC at 100 (fee 0.15) before the restart
    oms.restore_fill(0, Side::Buy, 10_000, 1_500, 15_000, t(1))
        .unwrap();
    let p = oms.position(0).unwrap();
    assert_eq!(p.qty().to_string(), "1.500");
    assert_eq!(p.avg_entry().unwrap().to_string(), "100.00");
    assert_eq!(p.fees().to_string(), "0.15000");
    // the engine knows it: 0.6 more would pass |2|
    let r = oms.submit(&buy("b1", 0, "0.6", "100.00"), t(2)).unwrap();
    assert_eq!(r.status, OrderStatus::Rejected);
    assert_eq!(r.gate_code, Some("POSITION_LIMIT"));
    // bad input changes nothing and is counted
    let errs = oms.stats().errors_total();
    assert!(oms.restore_fill(0, Side::Buy, -100, 1, 0, t(3)).is_err());
    assert!(oms.restore_fill(0, Side::Buy, 0, 1, 0, t(3)).is_err());
    assert!(oms.restore_fill(0, Side::Buy, 10_000, 0, 0, t(3)).is_err());
    assert!(oms.restore_fill(9, Side::Buy, 10_000, 1, 0, t(3)).is_err());
    assert_eq!(oms.stats().errors_total(), errs + 4);
    assert_eq!(oms.position(0).unwrap().qty().to_string(), "1.500");

    // an order working at the venue with 0.2 of 0.5 filled at 99.00
    let sell = OrderRequest::limit(
        ClientOrderId::new("s-restored").unwrap(),
        0,
        Side::Sell,
        Quantity::parse("0.5", 3).unwrap(),
        Price::parse("99.00", 2).unwrap(),
    );
    let id = oms.restore_order(&sell, 200, 9_900 * 200, t(4)).unwrap();
    let mut cmds = Vec::new();
    oms.drain_commands(&mut cmds);
    assert!(cmds.is_empty(), "a restored order is not sent again");
    let o = oms.order(id).unwrap();
    assert_eq!(
        (o.status, o.filled, o.avg_px()),
        (OrderStatus::PartiallyFilled, 200, Some(9_900))
    );
    // the same client id is refused afterwards
    assert!(oms
        .submit(&buy("s-restored", 0, "0.1", "99.00"), t(5))
        .is_err());
    assert!(oms.restore_order(&sell, 0, 0, t(5)).is_err());
    // its later fills arrive as venue events and complete it
    oms.on_venue_event(&VenueEvent::Fill {
        order_id: id,
        trade_id: 7,
        price: 9_900,
        qty: 300,
        fee: 0,
        liquidity: Liquidity::Maker,
        ts: t(6),
    })
    .unwrap();
    let o = oms.order(id).unwrap();
    assert_eq!((o.status, o.filled), (OrderStatus::Filled, 500));
    assert_eq!(oms.position(0).unwrap().qty().to_string(), "1.200");
    // filled must stay below qty; stops cannot be restored
    let full = OrderRequest::limit(
        ClientOrderId::new("x2").unwrap(),
        0,
        Side::Sell,
        Quantity::parse("0.5", 3).unwrap(),
        Price::parse("99.00", 2).unwrap(),
    );
    assert!(oms.restore_order(&full, 500, 9_900 * 500, t(7)).is_err());
    assert!(oms.restore_order(&full, 100, 0, t(7)).is_err());
}
