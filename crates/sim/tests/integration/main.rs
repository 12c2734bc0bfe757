//! Scenario and property tests of the simulated venue driven by the OMS: matching, queue
//! models, TIF, fees, impact, rate limits, every injected fault, determinism, execution
//! algorithms, and the OMS invariants under random markets.

use proptest::prelude::*;
use tachyon_book::{BookSide, Level};
use tachyon_core::{Instrument, InstrumentSpec, Notional, Price, Quantity, Timestamp};
use tachyon_oms::{
    AlgoState, AllowAll, BasicGate, ClientOrderId, ControlMode, Discrepancy, ExecAlgo, ExecReport,
    IcebergAlgo, Oms, OmsConfig, OrderId, OrderRequest, OrderStatus, ParentOrder, PovAlgo, Reason,
    ScheduleAlgo, Side, TimeInForce, VenueEvent, VenueReject,
};
use tachyon_sim::{
    pump, FaultConfig, FeeSchedule, FeeTier, ImpactModel, LatencyModel, QueueModel, RateLimit,
    SimConfig, SimVenue,
};

const MS: i64 = 1_000_000;

fn btc() -> Instrument {
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

/// Book: bids 99.99×1, 99.98×2; asks 100.01×1, 100.02×2, 100.05×5.
fn setup(cfg: SimConfig) -> (Oms, SimVenue) {
    let mut oms = Oms::new(Box::new(AllowAll), OmsConfig::default());
    let mut v = SimVenue::new(cfg).unwrap();
    oms.add_instrument(btc());
    v.add_instrument(btc());
    v.on_book_snapshot(
        0,
        &[Level::new(9_999, 1_000), Level::new(9_998, 2_000)],
        &[
            Level::new(10_001, 1_000),
            Level::new(10_002, 2_000),
            Level::new(10_005, 5_000),
        ],
        t(0),
    )
    .unwrap();
    (oms, v)
}

fn reports(oms: &mut Oms) -> Vec<ExecReport> {
    let mut r = Vec::new();
    oms.drain_reports(&mut r);
    r
}

#[test]
fn market_order_walks_the_book_with_taker_fees() {
    let (mut oms, mut v) = setup(SimConfig::default());
    let id = oms
        .submit(
            &OrderRequest::market(cid("m"), 0, Side::Buy, qty("2.5")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    let o = oms.order(id).unwrap();
    assert_eq!(o.status, OrderStatus::Filled);
    // 1.000 @ 100.01 + 1.500 @ 100.02 = 250.04 → VWAP 100.016 → 100.02 (half-even, 2 dp)
    assert_eq!(o.filled_notional, 10_001 * 1_000 + 10_002 * 1_500);
    assert_eq!(o.avg_px(), Some(10_002));
    // fees at 10 bps, notional scale 5: 100.01000 → 0.10001; 150.03000 → 0.15003
    assert_eq!(o.fees, 10_001 + 15_003);
    assert_eq!(v.positions()[0].qty, 2_500);
    assert_eq!(oms.position(0).unwrap().qty_mantissa(), 2_500);
    assert_eq!(v.book(0).unwrap().best_ask(), Some(Level::new(10_002, 500)));
    assert_eq!(v.stats().taker_fills, 2);
}

#[test]
fn fee_tiers_switch_with_volume_and_impact_worsens_prices() {
    let fees = FeeSchedule {
        tiers: vec![
            FeeTier {
                min_volume: Notional::zero(0),
                maker_ppm: 200,
                taker_ppm: 1_000,
            },
            // from 100.00000 of traded notional (scale 5)
            FeeTier {
                min_volume: Notional::parse("100", 2).unwrap(),
                maker_ppm: -100,
                taker_ppm: 500,
            },
        ],
    };
    let (mut oms, mut v) = setup(SimConfig {
        fees,
        ..SimConfig::default()
    });
    let a = oms
        .submit(
            &OrderRequest::market(cid("a"), 0, Side::Buy, qty("1")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    let b = oms
        .submit(
            &OrderRequest::market(cid("b"), 0, Side::Buy, qty("1")),
            t(2),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(2));
    assert_eq!(oms.order(a).unwrap().fees, 10_001); // 1000 ppm of 100.01
    assert_eq!(oms.order(b).unwrap().fees, 5_001); // 500 ppm of 100.02 = 0.050010 → 5001 (scale 5)

    // Linear impact: 1 tick per lot taken (lot 0.001) would be huge; use 0.002 ticks/lot.
    let (mut oms, mut v) = setup(SimConfig {
        impact: ImpactModel::Linear { coef: 0.002 },
        ..SimConfig::default()
    });
    let id = oms
        .submit(
            &OrderRequest::market(cid("i"), 0, Side::Buy, qty("2")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    // first 1000 lots: ceil(2.0) = 2 ticks → 100.03; next 1000 lots: ceil(4.0) = 4 → 100.06
    let o = oms.order(id).unwrap();
    assert_eq!((o.min_fill_px, o.max_fill_px), (10_003, 10_006));
    // Square-root impact never pushes a limit order past its limit.
    let (mut oms, mut v) = setup(SimConfig {
        impact: ImpactModel::SquareRoot { coef: 1.0 },
        ..SimConfig::default()
    });
    let id = oms
        .submit(
            &OrderRequest::limit(cid("l"), 0, Side::Buy, qty("1"), px("100.02"))
                .with_tif(TimeInForce::Ioc),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    assert_eq!(oms.order(id).unwrap().max_fill_px, 10_002);
}

#[test]
fn fifo_queue_position_fills_after_the_queue_ahead_trades() {
    let (mut oms, mut v) = setup(SimConfig::default());
    let id = oms
        .submit(
            &OrderRequest::limit(cid("q"), 0, Side::Buy, qty("0.5"), px("99.99")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    assert_eq!(v.order(id).unwrap().ahead, 1_000);
    v.on_trade(0, 9_999, 600, Side::Sell, t(2)).unwrap();
    pump(&mut oms, &mut v, t(2));
    assert_eq!(oms.order(id).unwrap().filled, 0);
    assert_eq!(v.order(id).unwrap().ahead, 400);
    // A level decrease explained by that trade does not move us again.
    v.on_book_level(0, BookSide::Bid, 9_999, 400, t(3)).unwrap();
    assert_eq!(v.order(id).unwrap().ahead, 400);
    v.on_trade(0, 9_999, 700, Side::Sell, t(4)).unwrap();
    pump(&mut oms, &mut v, t(4));
    let o = oms.order(id).unwrap();
    assert_eq!((o.filled, o.status), (300, OrderStatus::PartiallyFilled));
    assert_eq!(v.stats().maker_fills, 1);
    // A trade through our price fills the rest.
    v.on_trade(0, 9_998, 100, Side::Sell, t(5)).unwrap();
    pump(&mut oms, &mut v, t(5));
    assert_eq!(oms.order(id).unwrap().status, OrderStatus::Filled);
    assert_eq!(oms.order(id).unwrap().max_fill_px, 9_999);
}

#[test]
fn probabilistic_queue_advances_on_cancels_fifo_does_not() {
    for (queue, expect) in [
        (QueueModel::Fifo, 1_000),
        // ahead 1000, behind 0 at join; then level 1000 → 1500 (others join behind), then
        // 1500 → 900: 600 unexplained, share from ahead = 1000/(1000+500) → 400 → ahead 600
        (QueueModel::Probabilistic { power: 1.0 }, 600),
    ] {
        let (mut oms, mut v) = setup(SimConfig {
            queue,
            ..SimConfig::default()
        });
        let id = oms
            .submit(
                &OrderRequest::limit(cid("q"), 0, Side::Buy, qty("0.5"), px("99.99")),
                t(1),
            )
            .unwrap()
            .order_id;
        pump(&mut oms, &mut v, t(1));
        v.on_book_level(0, BookSide::Bid, 9_999, 1_500, t(2))
            .unwrap();
        v.on_book_level(0, BookSide::Bid, 9_999, 900, t(3)).unwrap();
        let ahead = v.order(id).unwrap().ahead;
        assert_eq!(ahead, expect.min(900), "{queue:?}");
    }
}

#[test]
fn book_moving_through_a_resting_order_fills_it_as_maker() {
    let (mut oms, mut v) = setup(SimConfig::default());
    let id = oms
        .submit(
            &OrderRequest::limit(cid("r"), 0, Side::Buy, qty("1"), px("100.00")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    v.on_book_level(0, BookSide::Ask, 10_000, 400, t(2))
        .unwrap();
    pump(&mut oms, &mut v, t(2));
    let o = oms.order(id).unwrap();
    assert_eq!((o.filled, o.max_fill_px), (400, 10_000));
}

#[test]
fn time_in_force_and_post_only() {
    let (mut oms, mut v) = setup(SimConfig::default());
    // IOC: takes 1.000 @ 100.01, the rest expires.
    let ioc = oms
        .submit(
            &OrderRequest::limit(cid("ioc"), 0, Side::Buy, qty("3"), px("100.01"))
                .with_tif(TimeInForce::Ioc),
            t(1),
        )
        .unwrap()
        .order_id;
    // FOK for more than is available within the limit: nothing fills.
    let fok = oms
        .submit(
            &OrderRequest::limit(cid("fok"), 0, Side::Buy, qty("3"), px("100.02"))
                .with_tif(TimeInForce::Fok),
            t(1),
        )
        .unwrap()
        .order_id;
    // Post-only that would take.
    let po = oms
        .submit(
            &OrderRequest::limit(cid("po"), 0, Side::Buy, qty("1"), px("100.05")).post_only(),
            t(1),
        )
        .unwrap()
        .order_id;
    let gtd = oms
        .submit(
            &OrderRequest::limit(cid("gtd"), 0, Side::Sell, qty("1"), px("101"))
                .with_tif(TimeInForce::Gtd(t(10 * MS))),
            t(1),
        )
        .unwrap()
        .order_id;
    let day = oms
        .submit(
            &OrderRequest::limit(cid("day"), 0, Side::Sell, qty("1"), px("101"))
                .with_tif(TimeInForce::Day),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    let s = |oms: &Oms, id| oms.order(id).unwrap().status;
    assert_eq!(
        (s(&oms, ioc), oms.order(ioc).unwrap().filled),
        (OrderStatus::Expired, 1_000)
    );
    assert_eq!(
        (s(&oms, fok), oms.order(fok).unwrap().filled),
        (OrderStatus::Expired, 0)
    );
    assert_eq!(s(&oms, po), OrderStatus::Rejected);
    assert_eq!(
        oms.order(po).unwrap().venue_reject,
        Some(VenueReject::PostOnlyWouldTake)
    );
    assert_eq!(s(&oms, gtd), OrderStatus::Accepted);
    pump(&mut oms, &mut v, t(10 * MS));
    assert_eq!(s(&oms, gtd), OrderStatus::Expired);
    assert_eq!(s(&oms, day), OrderStatus::Accepted);
    pump(&mut oms, &mut v, t(86_400_000 * MS));
    assert_eq!(s(&oms, day), OrderStatus::Expired);
    // FOK that can fill: 1.000 @ 100.02 + … within 100.05
    let fok2 = oms
        .submit(
            &OrderRequest::limit(cid("fok2"), 0, Side::Buy, qty("3"), px("100.05"))
                .with_tif(TimeInForce::Fok),
            t(86_400_001 * MS),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(86_400_001 * MS));
    assert_eq!(
        (s(&oms, fok2), oms.order(fok2).unwrap().filled),
        (OrderStatus::Filled, 3_000)
    );
}

#[test]
fn rate_limit_refuses_like_a_429_with_retry_after() {
    let (mut oms, mut v) = setup(SimConfig {
        rate_limit: Some(RateLimit {
            capacity: 2,
            refill_per_sec: 1,
        }),
        ..SimConfig::default()
    });
    let ids: Vec<OrderId> = (0..3)
        .map(|i| {
            oms.submit(
                &OrderRequest::limit(cid(&format!("r{i}")), 0, Side::Buy, qty("1"), px("99")),
                t(1),
            )
            .unwrap()
            .order_id
        })
        .collect();
    let mut cmds = Vec::new();
    oms.drain_commands(&mut cmds);
    v.submit_all(&cmds, t(1));
    let mut evs = Vec::new();
    v.step(t(1), &mut evs);
    let retry = evs.iter().find_map(|e| match e {
        VenueEvent::Rejected {
            order_id,
            reason: VenueReject::RateLimited,
            retry_after_ns,
            ..
        } if *order_id == ids[2] => Some(*retry_after_ns),
        _ => None,
    });
    assert_eq!(retry, Some(1_000_000_000));
    assert_eq!(oms.on_venue_events(&evs), 0);
    assert_eq!(
        oms.order(ids[2]).unwrap().venue_reject,
        Some(VenueReject::RateLimited)
    );
    assert_eq!(v.stats().rate_limited, 1);
    // After the retry-after, a new order goes through.
    oms.submit(
        &OrderRequest::limit(cid("r3"), 0, Side::Buy, qty("1"), px("99")),
        t(1_000_000_001),
    )
    .unwrap();
    pump(&mut oms, &mut v, t(1_000_000_001));
    assert_eq!(
        oms.order_by_client("r3").unwrap().status,
        OrderStatus::Accepted
    );
}

// ---- injected faults: one scenario per fault ----------------------------------------------

#[test]
fn fault_dropped_command_is_found_by_reconciliation() {
    let faults = FaultConfig {
        drop_inbound: 1.0,
        ..FaultConfig::default()
    };
    let (mut oms, mut v) = setup(SimConfig {
        faults,
        ..SimConfig::default()
    });
    let id = oms
        .submit(
            &OrderRequest::limit(cid("d"), 0, Side::Buy, qty("1"), px("99")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    assert_eq!(oms.order(id).unwrap().status, OrderStatus::New);
    assert_eq!(v.stats().dropped_inbound, 1);
    let rep = oms.reconcile(&v.open_orders(), &v.positions(), t(10 * MS), MS);
    assert_eq!(
        rep.discrepancies,
        vec![Discrepancy::MissingAtVenue {
            order_id: id,
            ours: OrderStatus::New
        }]
    );
    assert_eq!(oms.apply_reconciliation(&rep, t(10 * MS)), 1);
    assert_eq!(oms.order(id).unwrap().reason, Reason::Reconciled);
}

#[test]
fn fault_dropped_events_show_up_as_fill_and_position_mismatches() {
    let faults = FaultConfig {
        drop_outbound: 1.0,
        ..FaultConfig::default()
    };
    let (mut oms, mut v) = setup(SimConfig {
        faults,
        ..SimConfig::default()
    });
    let id = oms
        .submit(
            &OrderRequest::market(cid("m"), 0, Side::Buy, qty("1")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    assert_eq!(oms.order(id).unwrap().filled, 0);
    assert_eq!(v.order(id).unwrap().filled, 1_000);
    let rep = oms.reconcile(&v.all_orders(), &v.positions(), t(10 * MS), MS);
    let codes: Vec<&str> = rep.discrepancies.iter().map(Discrepancy::code).collect();
    assert_eq!(
        codes,
        ["FILLED_MISMATCH", "MISSING_AT_VENUE", "POSITION_MISMATCH"]
    );
}

#[test]
fn fault_injected_reject() {
    let faults = FaultConfig {
        reject: 1.0,
        ..FaultConfig::default()
    };
    let (mut oms, mut v) = setup(SimConfig {
        faults,
        ..SimConfig::default()
    });
    let id = oms
        .submit(
            &OrderRequest::market(cid("m"), 0, Side::Buy, qty("1")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    let o = oms.order(id).unwrap();
    assert_eq!(
        (o.status, o.venue_reject),
        (OrderStatus::Rejected, Some(VenueReject::Injected))
    );
    let r = reports(&mut oms).into_iter().last().unwrap();
    assert_eq!(r.reason, 100 + VenueReject::Injected as u8);
    assert_eq!(v.stats().injected_rejects, 1);
}

#[test]
fn fault_delayed_ack_is_overtaken_by_fills() {
    let faults = FaultConfig {
        delay_ack: 1.0,
        delay_ack_ns: 5 * MS,
        ..FaultConfig::default()
    };
    let (mut oms, mut v) = setup(SimConfig {
        faults,
        latency_out: LatencyModel::Constant(MS),
        ..SimConfig::default()
    });
    let id = oms
        .submit(
            &OrderRequest::market(cid("m"), 0, Side::Buy, qty("0.5")),
            t(0),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(0));
    pump(&mut oms, &mut v, t(MS));
    assert_eq!(
        oms.order(id).unwrap().status,
        OrderStatus::Filled,
        "fill before ack"
    );
    pump(&mut oms, &mut v, t(6 * MS));
    assert_eq!(oms.stats().late_acks, 1);
    assert_eq!(oms.stats().errors_total(), 0);
    assert_eq!(v.stats().delayed_acks, 1);
}

#[test]
fn fault_disconnect_refuses_commands_loses_events_and_cancels_on_disconnect() {
    let faults = FaultConfig {
        disconnects: vec![(t(10 * MS), t(20 * MS))],
        cancel_on_disconnect: true,
        ..FaultConfig::default()
    };
    let (mut oms, mut v) = setup(SimConfig {
        faults,
        ..SimConfig::default()
    });
    let rest = oms
        .submit(
            &OrderRequest::limit(cid("rest"), 0, Side::Buy, qty("1"), px("99")),
            t(1),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(1));
    assert_eq!(oms.order(rest).unwrap().status, OrderStatus::Accepted);
    // During the outage: a new order is refused at once.
    let during = oms
        .submit(
            &OrderRequest::limit(cid("dur"), 0, Side::Buy, qty("1"), px("99")),
            t(15 * MS),
        )
        .unwrap()
        .order_id;
    pump(&mut oms, &mut v, t(15 * MS));
    assert_eq!(
        oms.order(during).unwrap().venue_reject,
        Some(VenueReject::Disconnected)
    );
    assert!(!v.is_connected(t(15 * MS)));
    // The venue cancelled the resting order at the disconnect; the client never heard.
    assert_eq!(oms.order(rest).unwrap().status, OrderStatus::Accepted);
    assert_eq!(v.open_orders().len(), 0);
    assert!(v.stats().lost_disconnected >= 1);
    pump(&mut oms, &mut v, t(25 * MS));
    let rep = oms.reconcile(&v.open_orders(), &v.positions(), t(25 * MS), MS);
    assert_eq!(
        rep.discrepancies,
        vec![Discrepancy::MissingAtVenue {
            order_id: rest,
            ours: OrderStatus::Accepted
        }]
    );
}

#[test]
fn same_seed_same_events_other_seed_other_events() {
    fn run(seed: u64) -> Vec<VenueEvent> {
        let faults = FaultConfig {
            drop_outbound: 0.1,
            reject: 0.1,
            delay_ack: 0.2,
            delay_ack_ns: 50_000,
            ..FaultConfig::default()
        };
        let cfg = SimConfig {
            seed,
            latency_in: LatencyModel::LogNormal {
                median_ns: 20_000,
                sigma: 0.8,
                cap_ns: 2 * MS,
            },
            latency_out: LatencyModel::LogNormal {
                median_ns: 20_000,
                sigma: 0.8,
                cap_ns: 2 * MS,
            },
            faults,
            ..SimConfig::default()
        };
        let (mut oms, mut v) = setup(cfg);
        let mut log = Vec::new();
        for i in 0..60i64 {
            let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
            let p = if side == Side::Buy {
                px("99.99")
            } else {
                px("100.01")
            };
            let _ = oms.submit(
                &OrderRequest::limit(cid(&format!("o{i}")), 0, side, qty("0.1"), p),
                t(i * 100_000),
            );
            let mut cmds = Vec::new();
            oms.drain_commands(&mut cmds);
            v.submit_all(&cmds, t(i * 100_000));
            v.on_trade(0, 9_999, 50, Side::Sell, t(i * 100_000 + 1))
                .unwrap();
            let mut evs = Vec::new();
            v.step(t(i * 100_000 + 50_000), &mut evs);
            oms.on_venue_events(&evs);
            log.extend(evs);
        }
        log
    }
    let a = run(42);
    assert!(a.len() > 50);
    assert_eq!(a, run(42));
    assert_ne!(a, run(43));
}

// ---- execution algorithms ---------------------------------------------------------------

fn deep_book(v: &mut SimVenue, ts: i64) {
    let asks: Vec<Level> = (0..50).map(|i| Level::new(10_001 + i, 100_000)).collect();
    let bids: Vec<Level> = (0..50).map(|i| Level::new(9_999 - i, 100_000)).collect();
    v.on_book_snapshot(0, &bids, &asks, t(ts)).unwrap();
}

fn feed(algo: &mut dyn ExecAlgo, oms: &mut Oms) {
    for r in reports(oms) {
        algo.on_report(&r);
    }
}

#[test]
fn twap_slices_add_up_exactly_and_follow_the_clock() {
    let (mut oms, mut v) = setup(SimConfig::default());
    deep_book(&mut v, 0);
    let parent = ParentOrder {
        instrument: 0,
        side: Side::Buy,
        qty: qty("1.001"),
        limit: None,
        client_prefix: "twap".into(),
    };
    let mut algo = ScheduleAlgo::twap(parent, t(0), t(1_000 * MS), 4, &oms).unwrap();
    let mut targets = Vec::new();
    for step in 0..=5 {
        let now = t(step * 250 * MS);
        algo.on_timer(now, &mut oms);
        pump(&mut oms, &mut v, now);
        feed(&mut algo, &mut oms);
        targets.push(algo.progress().filled);
    }
    // floor(1001·k/4) lots: 250, 500, 750, then the whole 1001.
    assert_eq!(targets, [250, 500, 750, 1_001, 1_001, 1_001]);
    let p = algo.progress();
    assert_eq!((p.state, p.children, p.working), (AlgoState::Done, 4, 0));
    assert_eq!(oms.position(0).unwrap().qty_mantissa(), 1_001);
}

#[test]
fn vwap_follows_the_volume_profile() {
    let (oms, _v) = setup(SimConfig::default());
    let parent = ParentOrder {
        instrument: 0,
        side: Side::Sell,
        qty: qty("1"),
        limit: None,
        client_prefix: "vwap".into(),
    };
    let algo = ScheduleAlgo::vwap(parent, t(0), t(400), &[1, 3, 0, 4], &oms).unwrap();
    let at = |ns| algo.target_at(t(ns));
    assert_eq!(
        [at(0), at(99), at(100), at(250), at(300), at(399), at(400)],
        [125, 125, 500, 500, 1_000, 1_000, 1_000]
    );
    let bad = ParentOrder {
        instrument: 0,
        side: Side::Sell,
        qty: qty("1"),
        limit: None,
        client_prefix: "v".into(),
    };
    assert_eq!(
        ScheduleAlgo::vwap(bad, t(0), t(400), &[0, 0], &oms)
            .unwrap_err()
            .code(),
        "ERR_INVALID_ORDER"
    );
}

#[test]
fn algos_pause_under_pause_and_stop_under_emergency() {
    let mut oms = Oms::new(Box::new(BasicGate::default()), OmsConfig::default());
    oms.add_instrument(btc());
    let mut v = SimVenue::new(SimConfig::default()).unwrap();
    v.add_instrument(btc());
    deep_book(&mut v, 0);
    let parent = ParentOrder {
        instrument: 0,
        side: Side::Buy,
        qty: qty("3"),
        limit: Some(px("99.00")),
        client_prefix: "ice".into(),
    };
    let mut ice = IcebergAlgo::new(parent, qty("1"), &oms).unwrap();
    oms.set_gate(Box::new(BasicGate {
        mode: ControlMode::Pause,
        ..BasicGate::default()
    }));
    ice.on_timer(t(1), &mut oms);
    assert_eq!(
        (ice.progress().state, ice.progress().children),
        (AlgoState::Paused, 0)
    );
    oms.set_gate(Box::new(BasicGate::default()));
    ice.on_timer(t(2), &mut oms);
    pump(&mut oms, &mut v, t(2));
    feed(&mut ice, &mut oms);
    assert_eq!(
        (ice.progress().state, ice.progress().working),
        (AlgoState::Running, 1_000)
    );
    ice.on_timer(t(3), &mut oms); // one child at a time
    assert_eq!(ice.progress().children, 1);
    // Its child fills from trades through the level.
    v.on_trade(0, 9_899, 5_000, Side::Sell, t(4)).unwrap();
    pump(&mut oms, &mut v, t(4));
    feed(&mut ice, &mut oms);
    assert_eq!(ice.progress().filled, 1_000);
    ice.on_timer(t(5), &mut oms);
    pump(&mut oms, &mut v, t(5));
    feed(&mut ice, &mut oms);
    assert_eq!(ice.progress().children, 2);
    oms.set_gate(Box::new(BasicGate {
        mode: ControlMode::Emergency,
        ..BasicGate::default()
    }));
    ice.on_timer(t(6), &mut oms);
    pump(&mut oms, &mut v, t(6));
    feed(&mut ice, &mut oms);
    let p = ice.progress();
    assert_eq!(
        (p.state, p.working, p.last_reason),
        (AlgoState::Stopped, 0, Reason::ControlEmergency)
    );
    assert_eq!(oms.open_order_count(), 0);
}

#[test]
fn pov_participates_in_reported_volume() {
    let (mut oms, mut v) = setup(SimConfig::default());
    deep_book(&mut v, 0);
    let parent = ParentOrder {
        instrument: 0,
        side: Side::Buy,
        qty: qty("1"),
        limit: None,
        client_prefix: "pov".into(),
    };
    let mut pov = PovAlgo::new(parent, 100_000, 50, &oms).unwrap(); // 10%
    pov.on_market_volume(400);
    pov.on_timer(t(1), &mut oms);
    assert_eq!(pov.progress().children, 0, "40 < min child 50");
    pov.on_market_volume(600);
    pov.on_timer(t(2), &mut oms);
    pump(&mut oms, &mut v, t(2));
    feed(&mut pov, &mut oms);
    assert_eq!(pov.progress().filled, 100);
    pov.on_market_volume(1_000_000);
    pov.on_timer(t(3), &mut oms);
    pump(&mut oms, &mut v, t(3));
    feed(&mut pov, &mut oms);
    assert_eq!(
        (pov.progress().filled, pov.progress().state),
        (1_000, AlgoState::Done)
    );
}

// ---- invariants under random markets ------------------------------------------------------

#[derive(Debug, Clone)]
enum Act {
    Limit(bool, i64, i64),
    Market(bool, i64),
    Ioc(bool, i64, i64),
    Cancel(usize),
    Oco(i64),
    Trade(bool, i64, i64),
    Level(bool, i64, i64),
    Price(i64),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        (any::<bool>(), -20i64..20, 1i64..30).prop_map(|(b, d, q)| Act::Limit(b, d, q)),
        (any::<bool>(), 1i64..30).prop_map(|(b, q)| Act::Market(b, q)),
        (any::<bool>(), -5i64..5, 1i64..30).prop_map(|(b, d, q)| Act::Ioc(b, d, q)),
        (0usize..50).prop_map(Act::Cancel),
        (1i64..10).prop_map(Act::Oco),
        (any::<bool>(), -10i64..10, 1i64..50).prop_map(|(b, d, q)| Act::Trade(b, d, q)),
        (any::<bool>(), 1i64..20, 0i64..40).prop_map(|(b, d, q)| Act::Level(b, d, q)),
        (-30i64..30).prop_map(Act::Price),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn oms_and_venue_invariants_hold_in_random_markets(
        acts in prop::collection::vec(act(), 1..120),
        latency in 0i64..3,
        queue_prob in any::<bool>(),
    ) {
        let cfg = SimConfig {
            latency_in: LatencyModel::Constant(latency * 1_000),
            latency_out: LatencyModel::Constant(latency * 1_000),
            queue: if queue_prob { QueueModel::Probabilistic { power: 2.0 } } else { QueueModel::Fifo },
            ..SimConfig::default()
        };
        let (mut oms, mut v) = setup(cfg);
        let mid = 10_000i64;
        let mut ids: Vec<OrderId> = Vec::new();
        let mut ocos: Vec<(OrderId, OrderId)> = Vec::new();
        let mut all_events: Vec<VenueEvent> = Vec::new();
        let mut now = 0i64;
        for (k, a) in acts.into_iter().enumerate() {
            now += 1_000;
            let ts = t(now);
            let side = |b: bool| if b { Side::Buy } else { Side::Sell };
            let c = cid(&format!("c{k}"));
            let mk = |p: i64| Price::from_mantissa(p, 2).unwrap();
            let q = |n: i64| Quantity::from_mantissa(n * 100, 3).unwrap();
            match a {
                Act::Limit(b, d, n) => {
                    let p = if b { mid - 1 - d.abs() } else { mid + 1 + d.abs() } + d.min(0);
                    if let Ok(o) = oms.submit(&OrderRequest::limit(c, 0, side(b), q(n), mk(p.max(1))), ts) { ids.push(o.order_id); }
                }
                Act::Market(b, n) => {
                    if let Ok(o) = oms.submit(&OrderRequest::market(c, 0, side(b), q(n)), ts) { ids.push(o.order_id); }
                }
                Act::Ioc(b, d, n) => {
                    let p = if b { mid + d } else { mid - d };
                    if let Ok(o) = oms.submit(&OrderRequest::limit(c, 0, side(b), q(n), mk(p)).with_tif(TimeInForce::Ioc), ts) { ids.push(o.order_id); }
                }
                Act::Cancel(i) => {
                    if let Some(id) = ids.get(i % ids.len().max(1)) { let _ = oms.cancel(*id, ts); }
                }
                Act::Oco(n) => {
                    let tp = OrderRequest::limit(c, 0, Side::Sell, q(n), mk(mid + 5));
                    let sl = OrderRequest::stop(cid(&format!("s{k}")), 0, Side::Sell, q(n), mk(mid - 5));
                    if let Ok([a, b]) = oms.submit_oco(&tp, &sl, ts) { ocos.push((a.order_id, b.order_id)); ids.push(a.order_id); }
                }
                Act::Trade(b, d, n) => { let _ = v.on_trade(0, mid + d, n * 100, side(b), ts); }
                Act::Level(b, d, n) => {
                    let (s, p) = if b { (BookSide::Bid, mid - d) } else { (BookSide::Ask, mid + d) };
                    let _ = v.on_book_level(0, s, p, n * 100, ts);
                }
                Act::Price(d) => oms.on_price(0, mid + d, ts),
            }
            // pump, keeping every event for the stream checks
            for _ in 0..4 {
                let mut cmds = Vec::new();
                oms.drain_commands(&mut cmds);
                v.submit_all(&cmds, ts);
                let mut evs = Vec::new();
                v.step(ts.saturating_add_nanos(latency * 2_000), &mut evs);
                prop_assert_eq!(oms.on_venue_events(&evs), 0, "a fault-free venue sent an impossible event");
                all_events.extend(evs);
            }
            oms.drain_reports(&mut Vec::new());
            now += latency * 2_000;
        }
        // Deliver whatever is still in flight.
        now += 10 * MS;
        let mut evs = Vec::new();
        v.step(t(now), &mut evs);
        prop_assert_eq!(oms.on_venue_events(&evs), 0);
        all_events.extend(evs);
        // 1. filled ≤ ordered; average within the fill prices.
        let mut sum = 0i64;
        for o in oms.open_orders().chain(ids.iter().filter_map(|id| oms.order(*id))) {
            prop_assert!(o.filled <= o.qty);
            if let Some(avg) = o.avg_px() {
                prop_assert!(o.min_fill_px <= avg && avg <= o.max_fill_px);
            }
        }
        // 2. position = Σ fills, at the OMS and at the venue.
        for e in &all_events {
            if let VenueEvent::Fill { order_id, qty, .. } = e {
                sum += oms.order(*order_id).unwrap().side.sign() * qty;
            }
        }
        prop_assert_eq!(oms.position(0).unwrap().qty_mantissa(), sum);
        prop_assert_eq!(v.positions()[0].qty, sum);
        // 3. OCO legs never both filled.
        for (a, b) in &ocos {
            let fa = oms.order(*a).unwrap().filled;
            let fb = oms.order(*b).unwrap().filled;
            prop_assert!(fa == 0 || fb == 0, "both OCO legs filled");
        }
        prop_assert_eq!(oms.stats().oco_violations, 0);
        // 4. nothing fills after a cancel (or expiry) is acknowledged.
        let mut closed = std::collections::HashSet::new();
        for e in &all_events {
            match e {
                VenueEvent::Cancelled { order_id, .. } | VenueEvent::Expired { order_id, .. } => { closed.insert(*order_id); }
                VenueEvent::Fill { order_id, .. } => prop_assert!(!closed.contains(order_id), "fill after cancel"),
                _ => {}
            }
        }
        // 5. the OMS agrees with the venue.
        let rep = oms.reconcile(&v.all_orders(), &v.positions(), t(now + 10 * MS), 1);
        prop_assert!(rep.is_clean(), "{:?}", rep.discrepancies);
    }
}

/// The venue's fee rule against the Python reference (`scripts/refs/oms/pnl.py`, exact
/// `fractions`): `notional × ppm / 1e6`, half-even at the notional scale.
#[test]
fn fees_match_the_python_reference() {
    let p = format!(
        "{}/../oms/tests/fixtures/pnl_reference.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}")))
            .unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut n = 0;
    for c in f["cases"].as_array().expect("cases") {
        for o in c["orders"].as_array().expect("orders") {
            for fl in o["fills"].as_array().expect("fills") {
                let px = Price::parse(fl["price"].as_str().expect("price"), 2).expect("px");
                let q = Quantity::parse(fl["qty"].as_str().expect("qty"), 3).expect("qty");
                let ppm = fl["fee_ppm"].as_i64().expect("ppm");
                let want = Notional::parse(fl["fee"].as_str().expect("fee"), 5).expect("fee");
                let notional = i128::from(px.mantissa()) * i128::from(q.mantissa());
                assert_eq!(
                    tachyon_sim::fee_of(notional, ppm),
                    want.mantissa(),
                    "{px} × {q} @ {ppm} ppm"
                );
                n += 1;
            }
        }
    }
    assert!(n > 500, "{n} fills checked");
}
