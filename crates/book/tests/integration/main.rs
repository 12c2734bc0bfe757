//! Integration tests of tachyon-book: Binance fixtures from the public docs, the documented
//! sync procedure, and property tests against a naive `BTreeMap` book.

mod reference;

use std::collections::BTreeMap;

use proptest::prelude::*;
use tachyon_book::{
    parse_depth_snapshot, parse_depth_update, Applied, BinanceDepthSync, BinanceMarket, BookSide,
    BookStatus, CrossState, Delta, Ladder, Level, OrderBook, Scales, SeqRule, SyncOutcome,
    SyncState,
};
use tachyon_core::{Instrument, InstrumentSpec};

fn fixture(name: &str) -> String {
    let p = format!(
        "{}/tests/fixtures/binance/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn instrument(symbol: &str, tick: &str, lot: &str) -> Instrument {
    Instrument::new(&InstrumentSpec::unbounded(symbol, tick, lot)).unwrap()
}

#[test]
fn docs_spot_depth_update_parses_exactly() {
    let bnb = instrument("BNBBTC", "0.0001", "1");
    let u = parse_depth_update(&fixture("spot_depth_update.json"), Scales::of(&bnb)).unwrap();
    assert_eq!(u.symbol, "BNBBTC");
    assert_eq!((u.first, u.last, u.prev), (157, 160, None));
    assert_eq!(u.event_time_ms, 1_672_515_782_136);
    // "0.0024" at scale 4 is mantissa 24; "10" at scale 0 is 10.
    assert_eq!(u.bids, vec![Level::new(24, 10)]);
    assert_eq!(u.asks, vec![Level::new(26, 100)]);
}

#[test]
fn docs_futures_depth_update_has_pu_and_transaction_time() {
    let btc = instrument("BTCUSDT", "0.0001", "1");
    let u = parse_depth_update(&fixture("futures_depth_update.json"), Scales::of(&btc)).unwrap();
    assert_eq!((u.first, u.last, u.prev), (157, 160, Some(149)));
    assert_eq!(u.tx_time_ms, Some(123_456_788));
}

#[test]
fn docs_snapshots_parse_at_the_instrument_scale_or_fail_typed() {
    // tick 0.000001: "4.00000200" keeps its significant digit; trailing zeros are dropped.
    let fine = instrument("BNBBTC", "0.000001", "1");
    for f in ["spot_depth_snapshot.json", "futures_depth_snapshot.json"] {
        let s = parse_depth_snapshot(&fixture(f), Scales::of(&fine)).unwrap();
        assert_eq!(s.last_update_id, 1_027_024);
        assert_eq!(s.bids, vec![Level::new(4_000_000, 431)]);
        assert_eq!(s.asks, vec![Level::new(4_000_002, 12)]);
    }
    let s =
        parse_depth_snapshot(&fixture("futures_depth_snapshot.json"), Scales::of(&fine)).unwrap();
    assert_eq!(
        (s.event_time_ms, s.tx_time_ms),
        (Some(1_589_436_922_972), Some(1_589_436_922_959))
    );
    // tick 0.01: 4.000002 is finer than the instrument → typed error, counted, no book.
    let coarse = instrument("BNBBTC", "0.01", "1");
    let mut sync = BinanceDepthSync::new(BinanceMarket::Spot, "bnbbtc", &coarse, 100);
    let e = sync
        .on_snapshot(&fixture("spot_depth_snapshot.json"))
        .unwrap_err();
    assert_eq!(e.code(), "ERR_TOO_PRECISE");
    assert_eq!(sync.stats().rejected_total(), 1);
    assert!(sync.needs_snapshot());
    assert_eq!(sync.book().best_bid(), None);
}

fn spot_event(first: u64, last: u64, bids: &[(&str, &str)], asks: &[(&str, &str)]) -> String {
    let lv = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(p, q)| format!(r#"["{p}","{q}"]"#))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        r#"{{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":{first},"u":{last},"b":[{}],"a":[{}]}}"#,
        lv(bids),
        lv(asks)
    )
}

fn futures_event(first: u64, last: u64, prev: u64, bids: &[(&str, &str)]) -> String {
    let b = bids
        .iter()
        .map(|(p, q)| format!(r#"["{p}","{q}"]"#))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        r#"{{"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":{first},"u":{last},"pu":{prev},"b":[{b}],"a":[]}}"#
    )
}

/// Spot: buffer, snapshot-too-old, drop `u <= lastUpdateId`, straddle, `U == u + 1`, gap.
#[test]
fn spot_sync_follows_the_documented_procedure() {
    let bnb = instrument("BNBBTC", "0.000001", "1");
    let mut sync = BinanceDepthSync::new(BinanceMarket::Spot, "BNBBTC", &bnb, 100);
    let snapshot = fixture("spot_depth_snapshot.json"); // lastUpdateId 1027024
                                                        // Events arrive before the snapshot is fetched; the first U is after the snapshot.
    assert_eq!(
        sync.on_depth_message(&spot_event(1_027_030, 1_027_031, &[("3.9", "1")], &[])),
        Ok(SyncOutcome::Buffered)
    );
    let e = sync.on_snapshot(&snapshot).unwrap_err();
    assert_eq!(e.code(), "ERR_SNAPSHOT_TOO_OLD");
    assert!(sync.needs_snapshot());

    // Fresh connection: events straddling the snapshot.
    let mut sync = BinanceDepthSync::new(BinanceMarket::Spot, "BNBBTC", &bnb, 100);
    let events = [
        spot_event(1_027_000, 1_027_020, &[("3.99", "5")], &[]), // u <= lastUpdateId: dropped
        spot_event(1_027_021, 1_027_024, &[("3.98", "5")], &[]), // u == lastUpdateId: dropped
        spot_event(1_027_025, 1_027_027, &[("4", "400")], &[]),  // straddles 1027025
        spot_event(
            1_027_028,
            1_027_028,
            &[],
            &[("4.000002", "0"), ("4.1", "3")],
        ),
    ];
    for e in &events {
        assert_eq!(sync.on_depth_message(e), Ok(SyncOutcome::Buffered));
    }
    // lastUpdateId 1027024 >= the first buffered U (1027000): the snapshot is usable.
    assert_eq!(sync.on_snapshot(&snapshot), Ok(SyncOutcome::Applied(2)));
    assert_eq!(sync.state(), SyncState::Live);
    let book = sync.book();
    assert_eq!(book.update_id(), 1_027_028);
    assert_eq!(book.best_bid(), Some(Level::new(4_000_000, 400)));
    assert_eq!(book.best_ask(), Some(Level::new(4_100_000, 3)));
    assert_eq!(
        book.ladder(BookSide::Bid).qty_at(3_990_000),
        0,
        "dropped event applied"
    );
    // Continuity: U == previous u + 1.
    assert_eq!(
        sync.on_depth_message(&spot_event(1_027_029, 1_027_030, &[("4", "1")], &[])),
        Ok(SyncOutcome::Applied(1))
    );
    // A duplicate is stale.
    assert_eq!(
        sync.on_depth_message(&spot_event(1_027_029, 1_027_030, &[("4", "9")], &[])),
        Ok(SyncOutcome::Stale)
    );
    assert_eq!(sync.book().best_bid(), Some(Level::new(4_000_000, 1)));
    // Gap: 1027031 is missing.
    let e = sync
        .on_depth_message(&spot_event(1_027_032, 1_027_033, &[("4", "2")], &[]))
        .unwrap_err();
    assert_eq!(e.code(), "ERR_SEQUENCE_GAP");
    assert!(sync.needs_snapshot());
    assert_eq!(
        sync.book().best_bid(),
        None,
        "a stale book must not be readable"
    );
    assert_eq!(sync.buffered(), 1);
    assert_eq!(sync.resyncs(), 1);
}

/// Futures: drop `u < lastUpdateId`, first must have `U <= lastUpdateId <= u`, then `pu == u`.
#[test]
fn futures_sync_follows_the_documented_procedure() {
    let btc = instrument("BTCUSDT", "0.000001", "1");
    let snapshot = fixture("futures_depth_snapshot.json"); // lastUpdateId 1027024
    let mut sync = BinanceDepthSync::new(BinanceMarket::Futures, "btcusdt", &btc, 100);
    for e in [
        futures_event(1_027_010, 1_027_020, 1_027_009, &[("3.5", "1")]), // dropped
        futures_event(1_027_021, 1_027_024, 1_027_020, &[("3.6", "2")]), // u == id: kept, straddles
        futures_event(1_027_025, 1_027_030, 1_027_024, &[("3.7", "3")]),
    ] {
        assert_eq!(sync.on_depth_message(&e), Ok(SyncOutcome::Buffered));
    }
    assert_eq!(sync.on_snapshot(&snapshot), Ok(SyncOutcome::Applied(2)));
    let b = sync.book();
    assert_eq!(b.ladder(BookSide::Bid).qty_at(3_500_000), 0);
    assert_eq!(b.ladder(BookSide::Bid).qty_at(3_600_000), 2);
    assert_eq!(b.ladder(BookSide::Bid).qty_at(3_700_000), 3);
    assert_eq!(
        sync.on_depth_message(&futures_event(1_027_031, 1_027_040, 1_027_030, &[])),
        Ok(SyncOutcome::Applied(1))
    );
    // pu does not chain → gap → resync
    let e = sync
        .on_depth_message(&futures_event(1_027_050, 1_027_060, 1_027_045, &[]))
        .unwrap_err();
    assert_eq!(e.code(), "ERR_SEQUENCE_GAP");
    assert!(sync.needs_snapshot());
    // A futures event without pu is malformed for a futures book.
    let e = sync
        .on_depth_message(&spot_event(1, 2, &[], &[]).replace("BNBBTC", "BTCUSDT"))
        .unwrap_err();
    assert_eq!(e.code(), "ERR_MALFORMED_MESSAGE");
}

#[test]
fn first_buffered_event_that_does_not_straddle_is_a_gap() {
    let bnb = instrument("BNBBTC", "0.000001", "1");
    let mut sync = BinanceDepthSync::new(BinanceMarket::Spot, "BNBBTC", &bnb, 100);
    sync.on_depth_message(&spot_event(1_027_020, 1_027_024, &[], &[]))
        .unwrap();
    sync.on_depth_message(&spot_event(1_027_026, 1_027_027, &[], &[]))
        .unwrap(); // 1027025 missing
    let e = sync
        .on_snapshot(&fixture("spot_depth_snapshot.json"))
        .unwrap_err();
    assert_eq!(e.code(), "ERR_SEQUENCE_GAP");
    assert!(sync.needs_snapshot());
    assert_eq!(sync.buffered(), 0);
}

#[test]
fn bad_messages_are_typed_counted_and_change_nothing() {
    let bnb = instrument("BNBBTC", "0.000001", "1");
    let mut sync = BinanceDepthSync::new(BinanceMarket::Spot, "BNBBTC", &bnb, 2);
    sync.on_snapshot(&fixture("spot_depth_snapshot.json"))
        .unwrap();
    let before = (
        sync.book().best_bid(),
        sync.book().best_ask(),
        sync.book().update_id(),
    );
    let cases = [
        ("{", "ERR_MALFORMED_MESSAGE"),
        (
            &spot_event(1_027_025, 1_027_025, &[], &[]).replace("BNBBTC", "ETHBTC") as &str,
            "ERR_UNKNOWN_SYMBOL",
        ),
        (
            &spot_event(1_027_025, 1_027_025, &[("4.0000001", "1")], &[]),
            "ERR_TOO_PRECISE",
        ),
        (
            &spot_event(1_027_025, 1_027_025, &[("-4", "1")], &[]),
            "ERR_NON_POSITIVE_PRICE",
        ),
        (
            &spot_event(1_027_025, 1_027_025, &[("4", "-1")], &[]),
            "ERR_NEGATIVE_QUANTITY",
        ),
        (
            &spot_event(1_027_025, 1_027_025, &[("4", "1.5")], &[]),
            "ERR_TOO_PRECISE",
        ),
    ];
    for (msg, code) in cases {
        let e = sync.on_depth_message(msg).unwrap_err();
        assert_eq!(e.code(), code, "{msg}");
        let now = (
            sync.book().best_bid(),
            sync.book().best_ask(),
            sync.book().update_id(),
        );
        assert_eq!(now, before, "{msg}");
    }
    assert_eq!(sync.stats().rejected_total(), cases.len() as u64);
    assert_eq!(sync.state(), SyncState::Live);
    // Buffer overflow while waiting for a snapshot.
    let mut sync = BinanceDepthSync::new(BinanceMarket::Spot, "BNBBTC", &bnb, 2);
    sync.on_depth_message(&spot_event(1, 1, &[], &[])).unwrap();
    sync.on_depth_message(&spot_event(2, 2, &[], &[])).unwrap();
    let e = sync
        .on_depth_message(&spot_event(3, 3, &[], &[]))
        .unwrap_err();
    assert_eq!(e.code(), "ERR_SYNC_BUFFER_FULL");
    assert_eq!(sync.buffered(), 2);
}

// ---- property tests against a naive BTreeMap book --------------------------------------

#[derive(Default, Clone)]
struct Model {
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
}

impl Model {
    fn set(&mut self, side: BookSide, p: i64, q: i64) {
        let m = match side {
            BookSide::Bid => &mut self.bids,
            BookSide::Ask => &mut self.asks,
        };
        if q == 0 {
            m.remove(&p);
        } else {
            m.insert(p, q);
        }
    }
    fn levels(&self, side: BookSide) -> Vec<Level> {
        match side {
            BookSide::Bid => self
                .bids
                .iter()
                .rev()
                .map(|(&p, &q)| Level::new(p, q))
                .collect(),
            BookSide::Ask => self.asks.iter().map(|(&p, &q)| Level::new(p, q)).collect(),
        }
    }
}

fn op() -> impl Strategy<Value = (bool, i64, i64)> {
    (any::<bool>(), 1i64..200, prop_oneof![Just(0i64), 1i64..50])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A small window forces re-centring and overflow traffic: still exactly a BTreeMap.
    #[test]
    fn small_window_ladder_matches_btreemap(
        ops in prop::collection::vec((any::<bool>(), 1i64..2_000, prop_oneof![Just(0i64), 1i64..50]), 1..600),
        tick in 1i64..4,
    ) {
        let mut bids = Ladder::new(BookSide::Bid, tick, 64);
        let mut asks = Ladder::new(BookSide::Ask, tick, 64);
        let mut model = Model::default();
        for (bid, p, q) in ops {
            let side = if bid { BookSide::Bid } else { BookSide::Ask };
            let p = p * tick;
            match side {
                BookSide::Bid => bids.set(p, q),
                BookSide::Ask => asks.set(p, q),
            };
            model.set(side, p, q);
            prop_assert_eq!(bids.best(), model.levels(BookSide::Bid).first().copied());
            prop_assert_eq!(asks.best(), model.levels(BookSide::Ask).first().copied());
        }
        prop_assert_eq!(bids.iter().collect::<Vec<_>>(), model.levels(BookSide::Bid));
        prop_assert_eq!(asks.iter().collect::<Vec<_>>(), model.levels(BookSide::Ask));
        prop_assert_eq!(bids.len(), model.bids.len());
    }

    /// The ladder holds exactly what a BTreeMap holds after any sequence of level updates.
    #[test]
    fn ladder_matches_btreemap(ops in prop::collection::vec(op(), 1..400)) {
        let mut book = OrderBook::with_grid(1, 1, 2, 0, SeqRule::Contiguous);
        book.load_snapshot(0, &[], &[]).unwrap();
        let mut model = Model::default();
        for (seq, (bid, p, q)) in ops.into_iter().enumerate() {
            let side = if bid { BookSide::Bid } else { BookSide::Ask };
            book.apply_level(side, p, q, seq as u64 + 1).unwrap();
            model.set(side, p, q);
        }
        for side in [BookSide::Bid, BookSide::Ask] {
            let got: Vec<Level> = book.ladder(side).iter().collect();
            prop_assert_eq!(got, model.levels(side));
        }
    }

    /// A valid sequence (each delta keeps bid < ask, as a venue's does) never leaves the book
    /// crossed or locked; a dropped delta is always detected; duplicates are ignored.
    #[test]
    fn valid_sequences_never_cross_and_gaps_are_detected(
        ops in prop::collection::vec(op(), 1..200),
        drop_at in prop::option::of(0usize..200),
        dup_every in 2usize..10,
    ) {
        // Build a valid sequence from the model: a bid at p also removes asks <= p.
        let mut model = Model::default();
        let mut deltas: Vec<(Vec<Level>, Vec<Level>)> = Vec::new();
        for (bid, p, q) in ops {
            let (mut b, mut a) = (Vec::new(), Vec::new());
            if bid {
                b.push(Level::new(p, q));
                if q > 0 {
                    for (&ap, _) in model.asks.range(..=p) { a.push(Level::new(ap, 0)); }
                }
            } else {
                a.push(Level::new(p, q));
                if q > 0 {
                    for (&bp, _) in model.bids.range(p..) { b.push(Level::new(bp, 0)); }
                }
            }
            for l in &b { model.set(BookSide::Bid, l.price, l.qty); }
            for l in &a { model.set(BookSide::Ask, l.price, l.qty); }
            deltas.push((b, a));
        }
        let mut book = OrderBook::with_grid(1, 1, 2, 0, SeqRule::Contiguous);
        book.load_snapshot(0, &[], &[]).unwrap();
        let mut dropped = false;
        for (i, (b, a)) in deltas.iter().enumerate() {
            let id = i as u64 + 1;
            if Some(i) == drop_at { dropped = true; continue; }
            let d = Delta { first: id, last: id, prev: None, bids: b, asks: a };
            let r = book.apply_delta(&d);
            if dropped {
                prop_assert!(r.is_err());
                prop_assert_eq!(book.status(), BookStatus::NeedsResync);
                prop_assert_eq!(book.best_bid(), None);
                break;
            }
            prop_assert_eq!(r, Ok(Applied::Applied(CrossState::Normal)));
            if i % dup_every == 0 {
                prop_assert_eq!(book.apply_delta(&d), Ok(Applied::Stale));
            }
            prop_assert_eq!(book.cross_state(), CrossState::Normal);
        }
        if !dropped {
            for side in [BookSide::Bid, BookSide::Ask] {
                let got: Vec<Level> = book.ladder(side).iter().collect();
                prop_assert_eq!(got, model.levels(side));
            }
        }
    }
}
