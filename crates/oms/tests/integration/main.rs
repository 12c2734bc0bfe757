//! Integration tests of tachyon-oms against scripted venue events (the simulated venue has
//! its own scenario tests in tachyon-sim).

mod reference;
mod risk_gate;

use proptest::prelude::*;
use tachyon_core::{Instrument, InstrumentSpec, Price, Quantity, Timestamp};
use tachyon_oms::{
    AllowAll, BasicGate, ClientOrderId, ControlMode, Discrepancy, ExecReport, Liquidity, Oms,
    OmsConfig, OmsError, OrderId, OrderRequest, OrderStatus, OrderType, Reason, ReportKind, Side,
    TimeInForce, VenueCommand, VenueEvent, VenueOrder, VenuePosition, VenueReject,
};

fn btc() -> Instrument {
    Instrument::new(&InstrumentSpec {
        symbol: "BTC-USDT".into(),
        tick_size: "0.01".into(),
        lot_size: "0.001".into(),
        min_qty: None,
        max_qty: Some("100".into()),
        min_notional: None,
        max_notional: None,
    })
    .unwrap()
}

/// BTC-USDT without quantity limits (for reference sequences).
fn btc_unlimited() -> Instrument {
    Instrument::new(&InstrumentSpec::unbounded("BTC-USDT", "0.01", "0.001")).unwrap()
}

fn t(ns: i64) -> Timestamp {
    Timestamp::from_nanos(ns)
}
fn px(s: &str) -> Price {
    Price::parse(s, 2).unwrap()
}
fn qty(s: &str) -> Quantity {
    Quantity::parse(s, 3).unwrap()
}
fn cid(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap()
}

fn oms_with(gate: Box<dyn tachyon_oms::PreTradeGate>) -> Oms {
    let mut o = Oms::new(gate, OmsConfig::default());
    assert_eq!(o.add_instrument(btc()), 0);
    o
}

fn oms() -> Oms {
    oms_with(Box::new(AllowAll))
}

fn drain(o: &mut Oms) -> (Vec<VenueCommand>, Vec<ExecReport>) {
    let (mut c, mut r) = (Vec::new(), Vec::new());
    o.drain_commands(&mut c);
    o.drain_reports(&mut r);
    (c, r)
}

fn fill(id: OrderId, trade: u64, price: i64, q: i64, ts: i64) -> VenueEvent {
    VenueEvent::Fill {
        order_id: id,
        trade_id: trade,
        price,
        qty: q,
        fee: 0,
        liquidity: Liquidity::Taker,
        ts: t(ts),
    }
}

fn buy_limit(c: &str, q: &str, p: &str) -> OrderRequest {
    OrderRequest::limit(cid(c), 0, Side::Buy, qty(q), px(p))
}

#[test]
fn lifecycle_with_partial_fills_and_vwap() {
    let mut o = oms();
    let out = o.submit(&buy_limit("a1", "1.000", "100.00"), t(1)).unwrap();
    assert_eq!(out.status, OrderStatus::New);
    let id = out.order_id;
    let (cmds, reps) = drain(&mut o);
    assert_eq!(
        cmds,
        vec![VenueCommand::New {
            order_id: id,
            instrument: 0,
            side: Side::Buy,
            qty: 1000,
            price: Some(10_000),
            tif: TimeInForce::Gtc,
            post_only: false,
            reduce_only: false,
        }]
    );
    assert_eq!(reps[0].kind, ReportKind::New as u8);
    o.on_venue_event(&VenueEvent::Accepted {
        order_id: id,
        ts: t(2),
    })
    .unwrap();
    o.on_venue_event(&fill(id, 1, 9_990, 300, 3)).unwrap();
    o.on_venue_event(&fill(id, 2, 10_000, 700, 4)).unwrap();
    let ord = o.order(id).unwrap();
    assert_eq!(ord.status, OrderStatus::Filled);
    // VWAP = (99.90·0.3 + 100.00·0.7)/1 = 99.97
    assert_eq!(ord.avg_px(), Some(9_997));
    let (_, reps) = drain(&mut o);
    let kinds: Vec<u8> = reps.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            ReportKind::Accepted as u8,
            ReportKind::PartialFill as u8,
            ReportKind::Fill as u8
        ]
    );
    assert_eq!(reps[1].avg_px, 9_990);
    assert_eq!(
        (reps[2].cum_qty, reps[2].avg_px, reps[2].last_px),
        (1000, 9_997, 10_000)
    );
    assert_eq!(o.position(0).unwrap().qty_mantissa(), 1000);
    assert_eq!(o.open_order_count(), 0);
    assert_eq!(o.portfolio().open_qty(0, Side::Buy).mantissa(), 0);
}

#[test]
fn bad_input_is_typed_counted_and_changes_nothing() {
    let mut o = oms();
    o.submit(&buy_limit("dup", "1", "100"), t(1)).unwrap();
    drain(&mut o);
    let orders_before = o.stats().orders;
    let cases: Vec<(OrderRequest, &str)> = vec![
        (
            OrderRequest {
                instrument: 7,
                ..buy_limit("x1", "1", "100")
            },
            "ERR_UNKNOWN_INSTRUMENT",
        ),
        (buy_limit("x2", "1", "100.01"), "OK"),
        (
            OrderRequest {
                price: Some(Price::parse("100.005", 3).unwrap()),
                ..buy_limit("x3", "1", "100")
            },
            "ERR_WRONG_SCALE",
        ),
        (buy_limit("x4", "0", "100"), "ERR_NON_POSITIVE_QUANTITY"),
        (buy_limit("x5", "-1", "100"), "ERR_NON_POSITIVE_QUANTITY"),
        (buy_limit("dup", "1", "100"), "ERR_DUPLICATE_CLIENT_ID"),
        (
            OrderRequest {
                price: Some(px("100")),
                ..OrderRequest::market(cid("x6"), 0, Side::Buy, qty("1"))
            },
            "ERR_INVALID_ORDER",
        ),
        (
            OrderRequest {
                tif: TimeInForce::Ioc,
                ..buy_limit("x7", "1", "100").post_only()
            },
            "ERR_INVALID_ORDER",
        ),
        (
            buy_limit("x8", "1", "100").with_tif(TimeInForce::Gtd(t(0))),
            "ERR_INVALID_ORDER",
        ),
        (
            OrderRequest {
                price: None,
                ..buy_limit("x9", "1", "100")
            },
            "ERR_INVALID_ORDER",
        ),
        (buy_limit("x10", "101", "100"), "ERR_ABOVE_MAX_QUANTITY"),
    ];
    let mut errors = 0;
    for (req, code) in cases {
        let r = o.submit(&req, t(5));
        if code == "OK" {
            assert!(r.is_ok());
            drain(&mut o);
            continue;
        }
        errors += 1;
        let e = r.unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(o.pending_commands().is_empty() && o.pending_reports().is_empty());
    }
    assert_eq!(o.stats().orders, orders_before + 1);
    assert_eq!(o.stats().errors_total(), errors);
    // An off-tick price on a coarser instrument.
    let mut coarse = oms();
    coarse.add_instrument(
        Instrument::new(&InstrumentSpec::unbounded("ETH", "0.05", "0.001")).unwrap(),
    );
    let e = coarse
        .submit(
            &OrderRequest::limit(cid("e"), 1, Side::Buy, qty("1"), px("10.02")),
            t(1),
        )
        .unwrap_err();
    assert_eq!(e.code(), "ERR_OFF_TICK");
    assert_eq!(
        ClientOrderId::new("bad id!").unwrap_err().code(),
        "ERR_BAD_CLIENT_ID"
    );
    assert_eq!(
        ClientOrderId::new(&"x".repeat(37)).unwrap_err().code(),
        "ERR_BAD_CLIENT_ID"
    );
}

#[test]
fn the_same_client_id_never_makes_two_orders_and_the_window_is_bounded() {
    let mut o = Oms::new(
        Box::new(AllowAll),
        OmsConfig {
            dedup_window: 2,
            ..OmsConfig::default()
        },
    );
    o.add_instrument(btc());
    let a = o
        .submit(&buy_limit("a", "1", "100"), t(1))
        .unwrap()
        .order_id;
    for c in ["b", "c", "d"] {
        o.submit(&buy_limit(c, "1", "100"), t(1)).unwrap();
    }
    // `a` is still open: it stays deduplicated beyond the window.
    let e = o.submit(&buy_limit("a", "1", "100"), t(2)).unwrap_err();
    assert!(matches!(e, OmsError::DuplicateClientId { existing, .. } if existing == a));
    // Close `a`, push it out of the window: the id may be reused.
    o.on_venue_event(&VenueEvent::Rejected {
        order_id: a,
        reason: VenueReject::Injected,
        retry_after_ns: 0,
        ts: t(3),
    })
    .unwrap();
    for c in ["e", "f", "g"] {
        o.submit(&buy_limit(c, "1", "100"), t(4)).unwrap();
    }
    let again = o.submit(&buy_limit("a", "1", "100"), t(5)).unwrap();
    assert_eq!(o.order_by_client("a").unwrap().id, again.order_id);
    assert_eq!(o.order_by_client("a").unwrap().status, OrderStatus::New);
}

#[test]
fn impossible_venue_events_are_refused_and_counted() {
    let mut o = oms();
    let id = o
        .submit(&buy_limit("a", "1", "100"), t(1))
        .unwrap()
        .order_id;
    o.on_venue_event(&VenueEvent::Accepted {
        order_id: id,
        ts: t(2),
    })
    .unwrap();
    o.on_venue_event(&fill(id, 1, 10_000, 400, 3)).unwrap();
    // duplicate trade id: ignored, counted
    o.on_venue_event(&fill(id, 1, 10_000, 400, 3)).unwrap();
    assert_eq!(o.stats().duplicate_fills, 1);
    let code = |o: &mut Oms, e: VenueEvent| o.on_venue_event(&e).unwrap_err().code();
    assert_eq!(code(&mut o, fill(id, 2, 10_000, 700, 4)), "ERR_OVERFILL");
    assert_eq!(
        code(&mut o, fill(id, 3, 10_001, 100, 4)),
        "ERR_BAD_FILL_PRICE"
    ); // worse than limit
    assert_eq!(code(&mut o, fill(id, 4, 9_999, 0, 4)), "ERR_BAD_FILL_QTY");
    assert_eq!(
        code(&mut o, fill(OrderId(99), 5, 9_999, 1, 4)),
        "ERR_UNKNOWN_ORDER"
    );
    assert_eq!(
        code(
            &mut o,
            VenueEvent::Rejected {
                order_id: id,
                reason: VenueReject::Invalid,
                retry_after_ns: 0,
                ts: t(4)
            }
        ),
        "ERR_INVALID_TRANSITION"
    );
    assert_eq!(o.order(id).unwrap().filled, 400);
    drain(&mut o);
    o.cancel(id, t(5)).unwrap();
    o.cancel(id, t(5)).unwrap(); // idempotent: no second command
    let (cmds, _) = drain(&mut o);
    assert_eq!(cmds, vec![VenueCommand::Cancel { order_id: id }]);
    o.on_venue_event(&VenueEvent::Cancelled {
        order_id: id,
        ts: t(6),
    })
    .unwrap();
    // Nothing fills after an acknowledged cancel.
    assert_eq!(
        code(&mut o, fill(id, 6, 10_000, 100, 7)),
        "ERR_INVALID_TRANSITION"
    );
    assert_eq!(o.order(id).unwrap().filled, 400);
    assert_eq!(o.position(0).unwrap().qty_mantissa(), 400);
    assert_eq!(o.cancel(id, t(8)).unwrap_err().code(), "ERR_ORDER_CLOSED");
    assert_eq!(o.stats().errors_total(), 7);
}

#[test]
fn control_modes_and_the_gate() {
    let gate = BasicGate {
        max_order_qty: Some(qty("5")),
        ..BasicGate::default()
    };
    let mut o = oms_with(Box::new(gate));
    let r = o.submit(&buy_limit("big", "6", "100"), t(1)).unwrap();
    assert_eq!(
        (r.status, r.reason, r.gate_code),
        (OrderStatus::Rejected, Reason::Gate, Some("MAX_ORDER_QTY"))
    );
    assert!(o
        .order(r.order_id)
        .unwrap()
        .reject_text
        .as_deref()
        .unwrap()
        .contains("above the limit"));
    // Build a long position of 2.
    let id = o
        .submit(&buy_limit("b", "2", "100"), t(1))
        .unwrap()
        .order_id;
    o.on_venue_event(&fill(id, 1, 10_000, 2000, 2)).unwrap();
    drain(&mut o);
    let set_mode = |o: &mut Oms, m: ControlMode| {
        // BasicGate is the concrete type behind the box; rebuild it with the new mode.
        o.set_gate(Box::new(BasicGate {
            mode: m,
            max_order_qty: Some(qty("5")),
            ..BasicGate::default()
        }));
    };
    set_mode(&mut o, ControlMode::Pause);
    let r = o.submit(&buy_limit("p", "1", "100"), t(3)).unwrap();
    assert_eq!(
        (r.status, r.reason),
        (OrderStatus::Rejected, Reason::ControlPause)
    );
    set_mode(&mut o, ControlMode::Reduce);
    let r = o.submit(&buy_limit("r1", "1", "100"), t(3)).unwrap();
    assert_eq!(r.reason, Reason::ControlReduce);
    let sell = OrderRequest::limit(cid("r2"), 0, Side::Sell, qty("1"), px("101"));
    assert_eq!(o.submit(&sell, t(3)).unwrap().status, OrderStatus::New);
    set_mode(&mut o, ControlMode::Emergency);
    let sell = OrderRequest::limit(cid("e1"), 0, Side::Sell, qty("1"), px("101"));
    assert_eq!(
        o.submit(&sell, t(4)).unwrap().reason,
        Reason::ControlEmergency
    );
    drain(&mut o);
    let flat = o.emergency_flatten(t(5));
    assert_eq!(flat.len(), 1);
    let (cmds, _) = drain(&mut o);
    // The resting sell r2 is cancelled, and a reduce-only market sell of 2 flattens.
    assert!(cmds
        .iter()
        .any(|c| matches!(c, VenueCommand::Cancel { .. })));
    assert!(cmds.iter().any(|c| matches!(
        c,
        VenueCommand::New {
            side: Side::Sell,
            qty: 2000,
            price: None,
            reduce_only: true,
            ..
        }
    )));
    assert_eq!(o.stats().rejected_control, 3);
    assert_eq!(o.stats().rejected_gate, 1);
}

#[test]
fn reduce_only_needs_a_position_to_reduce() {
    let mut o = oms();
    let r = o
        .submit(
            &OrderRequest::limit(cid("ro"), 0, Side::Sell, qty("1"), px("100")).reduce_only(),
            t(1),
        )
        .unwrap();
    assert_eq!(
        (r.status, r.reason),
        (OrderStatus::Rejected, Reason::ReduceOnly)
    );
}

#[test]
fn stops_and_trailing_stops_fire_on_the_reference_price() {
    let mut o = oms();
    let stop = o
        .submit(
            &OrderRequest::stop(cid("s"), 0, Side::Sell, qty("1"), px("95")),
            t(1),
        )
        .unwrap();
    assert_eq!(stop.status, OrderStatus::Held);
    let trail = o
        .submit(
            &OrderRequest::trailing_stop(cid("tr"), 0, Side::Sell, qty("1"), px("2")),
            t(1),
        )
        .unwrap()
        .order_id;
    drain(&mut o);
    o.on_price(0, 10_000, t(2)); // trailing trigger 98.00
    o.on_price(0, 10_500, t(3)); // trailing trigger 103.00
    assert_eq!(o.order(trail).unwrap().trigger, Some(10_300));
    o.on_price(0, 10_400, t(4)); // trigger stays 103.00
    assert_eq!(o.order(trail).unwrap().status, OrderStatus::Held);
    o.on_price(0, 10_300, t(5)); // fires
    let (cmds, reps) = drain(&mut o);
    assert_eq!(cmds.len(), 1);
    assert!(
        matches!(cmds[0], VenueCommand::New { order_id, price: None, tif: TimeInForce::Ioc, .. } if order_id == trail)
    );
    assert_eq!(reps[0].kind, ReportKind::Triggered as u8);
    o.on_price(0, 9_501, t(6));
    assert_eq!(o.order(stop.order_id).unwrap().status, OrderStatus::Held);
    o.on_price(0, 9_500, t(7));
    assert_eq!(o.order(stop.order_id).unwrap().status, OrderStatus::New);
}

/// TP limit at the venue + SL stop held: the SL is only sent once the TP's cancel is
/// confirmed; a TP execution cancels the SL.
#[test]
fn oco_never_lets_both_legs_fill() {
    let mut o = oms();
    let tp = OrderRequest::limit(cid("tp"), 0, Side::Sell, qty("1"), px("110"));
    let sl = OrderRequest::stop(cid("sl"), 0, Side::Sell, qty("1"), px("90"));
    let [a, b] = o.submit_oco(&tp, &sl, t(1)).unwrap();
    assert_eq!((a.status, b.status), (OrderStatus::New, OrderStatus::Held));
    drain(&mut o);
    o.on_venue_event(&VenueEvent::Accepted {
        order_id: a.order_id,
        ts: t(2),
    })
    .unwrap();
    // SL triggers: a cancel of TP goes out, SL waits.
    o.on_price(0, 8_900, t(3));
    let (cmds, _) = drain(&mut o);
    assert_eq!(
        cmds,
        vec![VenueCommand::Cancel {
            order_id: a.order_id
        }]
    );
    assert_eq!(o.order(b.order_id).unwrap().status, OrderStatus::Held);
    // Race: TP fills before the cancel lands → SL is cancelled, never sent.
    o.on_venue_event(&fill(a.order_id, 1, 11_000, 1000, 4))
        .unwrap();
    assert_eq!(o.order(b.order_id).unwrap().status, OrderStatus::Cancelled);
    assert_eq!(o.order(b.order_id).unwrap().reason, Reason::OcoSibling);
    let (cmds, _) = drain(&mut o);
    assert!(cmds.is_empty());
    assert_eq!(o.stats().oco_violations, 0);

    // Other path: cancel confirmed → SL released.
    let tp = OrderRequest::limit(cid("tp2"), 0, Side::Sell, qty("1"), px("110"));
    let sl = OrderRequest::stop(cid("sl2"), 0, Side::Sell, qty("1"), px("90"));
    let [a, b] = o.submit_oco(&tp, &sl, t(10)).unwrap();
    o.on_venue_event(&VenueEvent::Accepted {
        order_id: a.order_id,
        ts: t(11),
    })
    .unwrap();
    drain(&mut o);
    o.on_price(0, 8_900, t(12));
    drain(&mut o);
    o.on_venue_event(&VenueEvent::Cancelled {
        order_id: a.order_id,
        ts: t(13),
    })
    .unwrap();
    let (cmds, _) = drain(&mut o);
    assert!(matches!(cmds[..], [VenueCommand::New { order_id, .. }] if order_id == b.order_id));
    assert_eq!(o.order(a.order_id).unwrap().reason, Reason::OcoSibling);
    // The cancel the stop waits for is refused for a transient reason: retried at on_time.
    let tp = OrderRequest::limit(cid("tp3"), 0, Side::Sell, qty("1"), px("110"));
    let sl = OrderRequest::stop(cid("sl3"), 0, Side::Sell, qty("1"), px("90"));
    let [a, b] = o.submit_oco(&tp, &sl, t(30)).unwrap();
    o.on_venue_event(&VenueEvent::Accepted {
        order_id: a.order_id,
        ts: t(31),
    })
    .unwrap();
    o.on_price(0, 8_900, t(32));
    drain(&mut o);
    o.on_venue_event(&VenueEvent::CancelRejected {
        order_id: a.order_id,
        reason: VenueReject::RateLimited,
        ts: t(33),
    })
    .unwrap();
    assert!(drain(&mut o).0.is_empty());
    o.on_time(t(34));
    assert_eq!(
        drain(&mut o).0,
        vec![VenueCommand::Cancel {
            order_id: a.order_id
        }]
    );
    o.on_venue_event(&VenueEvent::Cancelled {
        order_id: a.order_id,
        ts: t(35),
    })
    .unwrap();
    assert_eq!(o.order(b.order_id).unwrap().status, OrderStatus::New);
    // An OCO of two resting limits is refused.
    let l1 = OrderRequest::limit(cid("l1"), 0, Side::Sell, qty("1"), px("110"));
    let l2 = OrderRequest::limit(cid("l2"), 0, Side::Buy, qty("1"), px("90"));
    assert_eq!(
        o.submit_oco(&l1, &l2, t(20)).unwrap_err().code(),
        "ERR_UNSUPPORTED_CONTINGENCY"
    );
}

#[test]
fn bracket_releases_exits_after_the_entry_fills_and_cancels_them_otherwise() {
    let mut o = oms();
    let entry = buy_limit("en", "1", "100");
    let tp = OrderRequest::limit(cid("tp"), 0, Side::Sell, qty("1"), px("110"));
    let sl = OrderRequest::stop(cid("sl"), 0, Side::Sell, qty("1"), px("95"));
    let [e, t1, s1] = o.submit_bracket(&entry, &tp, &sl, t(1)).unwrap();
    assert_eq!(
        (e.status, t1.status, s1.status),
        (OrderStatus::New, OrderStatus::Held, OrderStatus::Held)
    );
    drain(&mut o);
    // The SL must not fire while its parent has not filled.
    o.on_price(0, 9_000, t(2));
    assert_eq!(o.order(s1.order_id).unwrap().status, OrderStatus::Held);
    o.on_venue_event(&fill(e.order_id, 1, 10_000, 1000, 3))
        .unwrap();
    let (cmds, _) = drain(&mut o);
    assert!(
        matches!(cmds[..], [VenueCommand::New { order_id, side: Side::Sell, price: Some(11_000), .. }] if order_id == t1.order_id)
    );
    assert_eq!(o.order(s1.order_id).unwrap().status, OrderStatus::Held);
    // Entry of a second bracket is cancelled: its exits go too.
    let entry = buy_limit("en2", "1", "100");
    let tp = OrderRequest::limit(cid("tp2"), 0, Side::Sell, qty("1"), px("110"));
    let sl = OrderRequest::stop(cid("sl2"), 0, Side::Sell, qty("1"), px("95"));
    let [e, t2, s2] = o.submit_bracket(&entry, &tp, &sl, t(4)).unwrap();
    o.on_venue_event(&VenueEvent::Cancelled {
        order_id: e.order_id,
        ts: t(5),
    })
    .unwrap();
    for id in [t2.order_id, s2.order_id] {
        let ord = o.order(id).unwrap();
        assert_eq!(
            (ord.status, ord.reason),
            (OrderStatus::Cancelled, Reason::ParentFailed)
        );
    }
    // Exits on the wrong side are refused up front.
    let bad = OrderRequest::limit(cid("x"), 0, Side::Buy, qty("1"), px("110"));
    let sl = OrderRequest::stop(cid("y"), 0, Side::Sell, qty("1"), px("95"));
    assert_eq!(
        o.submit_bracket(&buy_limit("z", "1", "100"), &bad, &sl, t(6))
            .unwrap_err()
            .code(),
        "ERR_INVALID_ORDER"
    );
    // OTO: pending released when working fills.
    let [w, p] = o
        .submit_oto(
            &buy_limit("w", "1", "100"),
            &OrderRequest::limit(cid("p"), 0, Side::Sell, qty("1"), px("105")),
            t(7),
        )
        .unwrap();
    assert_eq!(p.status, OrderStatus::Held);
    o.on_venue_event(&fill(w.order_id, 9, 10_000, 1000, 8))
        .unwrap();
    assert_eq!(o.order(p.order_id).unwrap().status, OrderStatus::New);
}

#[test]
fn cancel_replace() {
    let mut o = oms();
    let id = o
        .submit(&buy_limit("a", "2", "100"), t(1))
        .unwrap()
        .order_id;
    assert_eq!(
        o.replace(id, Some(qty("3")), None, t(1))
            .unwrap_err()
            .code(),
        "ERR_REQUEST_IN_FLIGHT"
    );
    o.on_venue_event(&VenueEvent::Accepted {
        order_id: id,
        ts: t(2),
    })
    .unwrap();
    o.on_venue_event(&fill(id, 1, 10_000, 1000, 3)).unwrap();
    assert_eq!(
        o.replace(id, Some(qty("1")), None, t(4))
            .unwrap_err()
            .code(),
        "ERR_INVALID_ORDER"
    );
    assert_eq!(
        o.replace(id, None, Some(Price::parse("99.995", 3).unwrap()), t(4))
            .unwrap_err()
            .code(),
        "ERR_WRONG_SCALE"
    );
    drain(&mut o);
    o.replace(id, Some(qty("3")), Some(px("99.5")), t(4))
        .unwrap();
    assert_eq!(
        o.replace(id, Some(qty("4")), None, t(4))
            .unwrap_err()
            .code(),
        "ERR_REQUEST_IN_FLIGHT"
    );
    let (cmds, _) = drain(&mut o);
    assert_eq!(
        cmds,
        vec![VenueCommand::Replace {
            order_id: id,
            qty: 3000,
            price: Some(9_950)
        }]
    );
    assert_eq!(o.portfolio().open_qty(0, Side::Buy).mantissa(), 1000);
    o.on_venue_event(&VenueEvent::Replaced {
        order_id: id,
        qty: 3000,
        price: Some(9_950),
        ts: t(5),
    })
    .unwrap();
    let ord = o.order(id).unwrap();
    assert_eq!(
        (ord.qty, ord.price, ord.leaves()),
        (3000, Some(9_950), 2000)
    );
    assert_eq!(o.portfolio().open_qty(0, Side::Buy).mantissa(), 2000);
}

#[test]
fn held_gtd_and_day_orders_expire() {
    let mut o = oms();
    let gtd = o
        .submit(
            &OrderRequest::stop(cid("g"), 0, Side::Sell, qty("1"), px("90"))
                .with_tif(TimeInForce::Gtd(t(100))),
            t(1),
        )
        .unwrap()
        .order_id;
    let day_ns = 86_400_000_000_000;
    let day = o
        .submit(
            &OrderRequest::stop(cid("d"), 0, Side::Sell, qty("1"), px("90"))
                .with_tif(TimeInForce::Day),
            t(1),
        )
        .unwrap()
        .order_id;
    o.on_time(t(99));
    assert_eq!(o.order(gtd).unwrap().status, OrderStatus::Held);
    o.on_time(t(100));
    assert_eq!(o.order(gtd).unwrap().status, OrderStatus::Expired);
    o.on_time(t(day_ns - 1));
    assert_eq!(o.order(day).unwrap().status, OrderStatus::Held);
    o.on_time(t(day_ns));
    let d = o.order(day).unwrap();
    assert_eq!(
        (d.status, d.reason),
        (OrderStatus::Expired, Reason::TimeExpired)
    );
}

#[test]
fn reconciliation_reports_every_kind_of_difference() {
    let mut o = oms();
    let a = o
        .submit(&buy_limit("a", "1", "100"), t(1))
        .unwrap()
        .order_id;
    let b = o
        .submit(&buy_limit("b", "1", "100"), t(1))
        .unwrap()
        .order_id;
    o.on_venue_event(&VenueEvent::Accepted {
        order_id: a,
        ts: t(2),
    })
    .unwrap();
    o.on_venue_event(&fill(a, 1, 10_000, 500, 2)).unwrap();
    let venue_orders = [
        VenueOrder {
            order_id: a,
            instrument: 0,
            qty: 1000,
            filled: 700,
            open: true,
        },
        VenueOrder {
            order_id: OrderId(77),
            instrument: 0,
            qty: 1000,
            filled: 0,
            open: true,
        },
    ];
    let venue_pos = [VenuePosition {
        instrument: 0,
        qty: 700,
    }];
    let rep = o.reconcile(&venue_orders, &venue_pos, t(1_000), 100);
    let codes: Vec<&str> = rep.discrepancies.iter().map(Discrepancy::code).collect();
    assert_eq!(
        codes,
        [
            "FILLED_MISMATCH",
            "UNKNOWN_AT_VENUE",
            "MISSING_AT_VENUE",
            "POSITION_MISMATCH"
        ]
    );
    assert!(
        matches!(rep.discrepancies[2], Discrepancy::MissingAtVenue { order_id, .. } if order_id == b)
    );
    // Within the grace period, b is in flight, not missing.
    let rep2 = o.reconcile(&venue_orders, &venue_pos, t(50), 100);
    assert!(rep2.in_flight >= 1);
    assert_eq!(o.apply_reconciliation(&rep, t(1_001)), 1);
    let ob = o.order(b).unwrap();
    assert_eq!(
        (ob.status, ob.reason),
        (OrderStatus::Cancelled, Reason::Reconciled)
    );
}

// ---- property tests --------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random fills (some invalid) on random orders: filled ≤ ordered; the average price is
    /// within the fill prices; the position is the sum of booked fills; a flat position has
    /// realized exactly Σ sell notional − Σ buy notional.
    #[test]
    fn fills_respect_the_invariants(
        orders in prop::collection::vec((any::<bool>(), 1i64..20), 1..8),
        fills in prop::collection::vec((0usize..8, 9_000i64..11_000, 1i64..25), 0..60),
    ) {
        let mut o = oms();
        let mut ids = Vec::new();
        for (i, (buy, q)) in orders.iter().enumerate() {
            let side = if *buy { Side::Buy } else { Side::Sell };
            let req = OrderRequest::market(cid(&format!("o{i}")), 0, side, Quantity::from_mantissa(q * 1000, 3).unwrap());
            ids.push((o.submit(&req, t(1)).unwrap().order_id, side, q * 1000));
        }
        let mut signed_sum = 0i64;
        let mut cash = 0i128; // Σ sell notional − Σ buy notional
        for (k, (i, p, q)) in fills.into_iter().enumerate() {
            let (id, side, _) = ids[i % ids.len()];
            let q = q * 100;
            let r = o.on_venue_event(&fill(id, k as u64 + 1, p, q, 2));
            if r.is_ok() {
                signed_sum += side.sign() * q;
                cash -= i128::from(side.sign()) * i128::from(p) * i128::from(q);
            }
        }
        for (id, _, ordered) in &ids {
            let ord = o.order(*id).unwrap();
            prop_assert!(ord.filled <= *ordered);
            if let Some(avg) = ord.avg_px() {
                prop_assert!(ord.min_fill_px <= avg && avg <= ord.max_fill_px);
            }
        }
        let pos = o.position(0).unwrap();
        prop_assert_eq!(pos.qty_mantissa(), signed_sum);
        if signed_sum == 0 {
            prop_assert_eq!(i128::from(pos.realized().mantissa()), cash);
            prop_assert_eq!(pos.cost_basis().mantissa(), 0);
        }
    }
}

#[test]
fn order_type_helpers() {
    assert!(OrderType::TrailingStop.is_triggered());
    assert!(!OrderType::Limit.is_triggered());
    assert_eq!(Side::Sell.sign(), -1);
}

/// The gate sees every order before it leaves, with the reference price and the OMS time, and
/// is told about every fill — what the risk engine needs to plug in.
#[test]
fn the_gate_sees_intents_marks_time_and_fills() {
    use std::sync::{Arc, Mutex};
    use tachyon_oms::{FillInfo, GateRejection, OrderIntent, PortfolioView, PreTradeGate};

    #[derive(Default)]
    struct Log {
        intents: Vec<OrderIntent>,
        fills: Vec<FillInfo>,
    }
    struct Recording(Arc<Mutex<Log>>);
    impl PreTradeGate for Recording {
        fn check(&mut self, i: &OrderIntent, v: &dyn PortfolioView) -> Result<(), GateRejection> {
            assert_eq!(
                v.instrument(i.instrument).map(Instrument::symbol),
                Some("BTC-USDT")
            );
            self.0.lock().unwrap().intents.push(*i);
            Ok(())
        }
        fn mode(&self) -> ControlMode {
            ControlMode::Normal
        }
        fn on_fill(&mut self, f: &FillInfo) {
            self.0.lock().unwrap().fills.push(*f);
        }
    }
    let log = Arc::new(Mutex::new(Log::default()));
    let mut o = oms_with(Box::new(Recording(Arc::clone(&log))));
    o.on_price(0, 10_050, t(5));
    let id = o
        .submit(
            &OrderRequest::market(cid("m"), 0, Side::Buy, qty("1")),
            t(7),
        )
        .unwrap()
        .order_id;
    o.submit(
        &OrderRequest::stop(cid("s"), 0, Side::Sell, qty("1"), px("99")),
        t(8),
    )
    .unwrap();
    o.on_venue_event(&fill(id, 1, 10_051, 1000, 9)).unwrap();
    o.on_price(0, 9_900, t(10)); // the stop fires: checked again as a release, now reducing
    let l = log.lock().unwrap();
    assert_eq!(l.intents.len(), 3);
    assert_eq!(l.intents[0].mark.map(Price::mantissa), Some(10_050));
    assert_eq!(l.intents[0].ts, t(7));
    assert!(!l.intents[0].is_release && !l.intents[0].reduces_position);
    assert!(l.intents[2].is_release && l.intents[2].reduces_position);
    assert_eq!(l.intents[2].ts, t(10));
    assert_eq!(l.fills.len(), 1);
    assert_eq!(
        (l.fills[0].price.mantissa(), l.fills[0].qty.mantissa()),
        (10_051, 1000)
    );
}
