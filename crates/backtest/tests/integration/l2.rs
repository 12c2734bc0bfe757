//! L2 replay through the simulated venue (`VenueModel::L2`): a hand-built tape of book
//! snapshots, level updates and trades whose expected fills follow from the documented rules
//! (FIFO queue position, depth walk, cancel before the queue reaches the order), the ledger
//! agreeing with the OMS and the venue, determinism, and bad input counted without harm.
use tachyon_backtest::record::RecordError;
use tachyon_backtest::*;
use tachyon_book::BookSide;
use tachyon_core::{InstrumentSpec, Notional};
use tachyon_oms::{Liquidity, OrderId, OrderStatus, ReportKind};
use tachyon_sim::{FeeSchedule, FeeTier, LatencyModel, SimConfig};

/// Tick 0.05, whole lots: prices are cents (9900 = 99.00), quantities lots.
fn spec() -> InstrumentSpec {
    InstrumentSpec::unbounded("XYZ/USD", "0.05", "1")
}

const TAKER_PPM: i64 = 1_000; // 10 bps
const MAKER_PPM: i64 = -100; // 1 bp rebate

fn sim(seed: u64, latency: LatencyModel) -> SimConfig {
    SimConfig {
        seed,
        latency_in: latency,
        latency_out: latency,
        fees: FeeSchedule {
            tiers: vec![FeeTier {
                min_volume: Notional::zero(0),
                maker_ppm: MAKER_PPM,
                taker_ppm: TAKER_PPM,
            }],
        },
        ..SimConfig::default()
    }
}

fn session_with(cash_scale: u8, sc: SimConfig) -> Session {
    let mut cfg = SessionConfig::simple(spec());
    cfg.initial_cash = "10000".into();
    cfg.min_cash_scale = cash_scale;
    cfg.venue = VenueModel::L2(Box::new(sc));
    Session::new(cfg).unwrap()
}

fn session() -> Session {
    session_with(0, sim(1, LatencyModel::Constant(0)))
}

fn bid(ts: i64, px: i64, q: i64) -> Record {
    Record::level(0, ts, true, px, q)
}
fn ask(ts: i64, px: i64, q: i64) -> Record {
    Record::level(0, ts, false, px, q)
}
fn clear(ts: i64) -> Record {
    Record {
        ts_ns: ts,
        kind: Kind::BookClear as u8,
        ..Record::default()
    }
}
/// A trade; `side` 1 = buyer aggressor, 2 = seller aggressor.
fn trade(ts: i64, px: i64, q: i64, side: u8) -> Record {
    Record::trade(0, ts, px, q, side)
}

/// Bids 99.00×5, 98.50×10; asks 100.00×2, 100.50×4, 101.00×10 at t=1.
fn snapshot() -> Vec<Record> {
    vec![
        clear(1),
        bid(1, 9_900, 5),
        bid(1, 9_850, 10),
        ask(1, 10_000, 2),
        ask(1, 10_050, 4),
        ask(1, 10_100, 10),
    ]
}

fn req(side: Side, qty: i64, limit: Option<i64>) -> OrderRequest {
    OrderRequest {
        instrument: 0,
        side,
        qty,
        limit,
        ioc: false,
    }
}

/// Fill reports (partial and final) since the last call.
fn fills(s: &mut Session) -> Vec<ExecReport> {
    let mut v = Vec::new();
    s.take_reports(&mut v);
    v.into_iter()
        .filter(|r| r.kind == ReportKind::Fill as u8 || r.kind == ReportKind::PartialFill as u8)
        .collect()
}

/// Processes every pushed record.
fn run_all(s: &mut Session) {
    let n = s.len();
    s.advance_all(n);
}

/// The ledger, the OMS and the venue agree on the position.
fn assert_positions_agree(s: &Session) {
    let ledger = s.ledger().position(0).qty;
    let oms = s.oms().position(0).map_or(0, |p| p.qty_mantissa());
    let venue = s.sim().unwrap().positions()[0].qty;
    assert_eq!(ledger, oms, "ledger vs OMS");
    assert_eq!(ledger, venue, "ledger vs venue");
}

#[test]
fn resting_bid_fills_only_after_the_queue_ahead_trades() {
    let mut s = session();
    s.push(&snapshot());
    run_all(&mut s);
    // Joins 99.00 behind the 5 lots displayed there.
    let id = s.submit(req(Side::Buy, 2, Some(9_900))).unwrap();
    assert!(
        fills(&mut s).is_empty(),
        "a passive bid does not fill on arrival"
    );
    assert_eq!(s.sim().unwrap().order(OrderId(id)).unwrap().ahead, 5);

    // 3 lots trade at 99.00 (sellers hit the bid), then the level shows the 2 left ahead.
    s.push(&[trade(2, 9_900, 3, 2), bid(2, 9_900, 2)]);
    run_all(&mut s);
    assert!(fills(&mut s).is_empty(), "3 of the 5 ahead traded");
    // 2 more: the 5 ahead are gone, still nothing for us.
    s.push(&[trade(3, 9_900, 2, 2)]);
    run_all(&mut s);
    assert!(fills(&mut s).is_empty(), "exactly the queue ahead traded");
    // A buyer lifting 100.00 does not touch the 99.00 queue; 1 lot sold at 99.00 fills 1 of
    // our 2 …
    s.push(&[trade(4, 10_000, 1, 1), trade(4, 9_900, 1, 2)]);
    run_all(&mut s);
    let f = fills(&mut s);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].last_px, f[0].last_qty), (9_900, 1));
    assert_eq!(f[0].kind, ReportKind::PartialFill as u8);
    assert_eq!(f[0].reason, Liquidity::Maker as u8);
    // … and the next lot completes it (5 ahead + our 2 = 7 lots traded at 99.00).
    s.push(&[trade(5, 9_900, 4, 2)]);
    run_all(&mut s);
    let f = fills(&mut s);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].last_px, f[0].last_qty), (9_900, 1));
    assert_eq!(f[0].kind, ReportKind::Fill as u8);
    assert_eq!(
        s.oms().order(OrderId(id)).unwrap().status,
        OrderStatus::Filled
    );

    // A seller trading through our price (98.50 < 99.00) fills a resting bid completely:
    // checked on a fresh order.
    let id2 = s.submit(req(Side::Buy, 3, Some(9_900))).unwrap();
    s.push(&[trade(6, 9_850, 1, 2)]);
    run_all(&mut s);
    let f = fills(&mut s);
    assert_eq!(
        f.iter()
            .map(|r| (r.order_id, r.last_px, r.last_qty))
            .collect::<Vec<_>>(),
        vec![(id2, 9_900, 3)]
    );
    s.submit(req(Side::Sell, 3, None)).unwrap(); // back to 2 lots, into the bids
    let f = fills(&mut s);
    assert_eq!(f.iter().map(|r| r.last_qty).sum::<i64>(), 3);
    assert!(f.iter().all(|r| r.reason == Liquidity::Taker as u8));
    let sold: i64 = f.iter().map(|r| r.last_px * r.last_qty).sum();
    let fees: i128 = f.iter().map(|r| i128::from(r.fee)).sum();
    assert!(fees > 0);

    // Maker rebate: 1 bp per fill, half-even at the notional scale (cents): 99.00 → 0.0099 →
    // 0.01 (twice), 297.00 → 0.0297 → 0.03; a credit.
    // The sell's taker fees: 10 bps per fill at the notional scale.
    let l = s.ledger();
    assert_eq!(l.position(0).qty, 2);
    assert_eq!(
        l.cash,
        1_000_000 - 5 * 9_900 + 2 + 3 + i128::from(sold) - fees
    );
    assert_eq!(l.fees, -2 - 3 + fees);
    assert_positions_agree(&s);
}

#[test]
fn market_buy_walks_the_book_at_the_volume_weighted_price() {
    let mut s = session_with(6, sim(1, LatencyModel::Constant(0)));
    s.push(&snapshot());
    run_all(&mut s);
    // 3 lots against asks 100.00×2, 100.50×4: 2 at 100.00, 1 at 100.50.
    let id = s.submit(req(Side::Buy, 3, None)).unwrap();
    let f = fills(&mut s);
    assert_eq!(
        f.iter()
            .map(|r| (r.last_px, r.last_qty, r.reason))
            .collect::<Vec<_>>(),
        vec![
            (10_000, 2, Liquidity::Taker as u8),
            (10_050, 1, Liquidity::Taker as u8)
        ]
    );
    // Volume-weighted cost: 2 × 100.00 + 100.50 = 300.50 for 3 lots, exact in the ledger.
    let o = s.oms().order(OrderId(id)).unwrap();
    assert_eq!(o.status, OrderStatus::Filled);
    let l = s.ledger();
    // Cash scale 6: notional 300.50 = 300_500_000; taker fees 10 bps per fill, rounded at the
    // instrument's notional scale (cents): 0.20 and 0.1005 → 0.10 (half-even).
    let fee = 200_000 + 100_000;
    assert_eq!(l.cash, 10_000_000_000 - 300_500_000 - fee);
    assert_eq!(l.fees, fee);
    assert_eq!(l.position(0).cost, 300_500_000);
    // Fee in the reports is at the cash scale too.
    assert_eq!(f.iter().map(|r| i128::from(r.fee)).sum::<i128>(), fee);
    // The displayed liquidity it took is gone from the venue's book.
    let book = s.sim().unwrap().book(0).unwrap();
    assert_eq!(book.ladder(BookSide::Ask).qty_at(10_000), 0);
    assert_eq!(book.ladder(BookSide::Ask).qty_at(10_050), 3);
    assert_positions_agree(&s);
}

#[test]
fn cancel_before_the_queue_reaches_the_order_leaves_no_fill() {
    let mut s = session();
    s.push(&snapshot());
    run_all(&mut s);
    // Sell 1 at 100.50 behind 4 lots.
    let id = s.submit(req(Side::Sell, 1, Some(10_050))).unwrap();
    s.push(&[trade(2, 10_050, 3, 1), ask(2, 10_050, 1)]);
    run_all(&mut s);
    assert!(fills(&mut s).is_empty());
    assert!(s.cancel(id));
    assert_eq!(
        s.oms().order(OrderId(id)).unwrap().status,
        OrderStatus::Cancelled
    );
    assert_eq!(s.open_count(), 0);
    // The queue would have reached it now; it is gone.
    s.push(&[trade(3, 10_050, 10, 1)]);
    run_all(&mut s);
    assert!(fills(&mut s).is_empty());
    assert_eq!(s.stats().cancelled, 1);
    assert_eq!(s.ledger().position(0).qty, 0);
    assert_eq!(s.ledger().cash, 1_000_000);
    assert_positions_agree(&s);
}

#[test]
fn latency_sends_the_order_into_a_later_book() {
    // 1 µs each way: the buy arrives after the 100.00 ask has been lifted by someone else.
    let mut s = session_with(0, sim(1, LatencyModel::Constant(1_000)));
    s.push(&snapshot());
    run_all(&mut s);
    let id = s.submit(req(Side::Buy, 1, None)).unwrap();
    assert!(fills(&mut s).is_empty(), "still on its way");
    s.push(&[ask(500, 10_000, 0), ask(3_000, 10_050, 4)]);
    run_all(&mut s);
    let f = fills(&mut s);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].last_px, f[0].last_qty), (10_050, 1));
    // Filled at venue time 1_001, reported after the way back (2_001).
    assert_eq!(f[0].ts_ns, 1_001);
    assert_eq!(
        s.oms().order(OrderId(id)).unwrap().status,
        OrderStatus::Filled
    );
    assert_positions_agree(&s);
}

/// A tape with resting and aggressive orders over many updates, driven the same way twice.
fn scripted(seed: u64) -> (Vec<ExecReport>, i128) {
    let sc = sim(
        seed,
        LatencyModel::LogNormal {
            median_ns: 2_000,
            sigma: 0.8,
            cap_ns: 50_000,
        },
    );
    let mut s = session_with(0, sc);
    s.push(&snapshot());
    let mut tape = Vec::new();
    for k in 0..200i64 {
        let ts = 10 + k * 1_000;
        let px = 9_900 + (k % 7 - 3) * 5;
        tape.push(trade(ts, px, 1 + k % 3, if k % 2 == 0 { 1 } else { 2 }));
        tape.push(bid(ts + 1, px - 50, 5 + k % 4));
        tape.push(ask(ts + 2, px + 100, 3 + k % 5));
    }
    s.push(&tape);
    let mut all = Vec::new();
    let mut k = 0;
    while s.cursor() < s.len() {
        let upto = s.cursor() + 25;
        s.advance_all(upto);
        let side = if k % 2 == 0 { Side::Buy } else { Side::Sell };
        let _ = s.submit(req(side, 1, if k % 3 == 0 { None } else { Some(9_900) }));
        k += 1;
        s.take_reports(&mut all);
    }
    s.take_reports(&mut all);
    assert_positions_agree(&s);
    (all, s.ledger().cash)
}

#[test]
fn same_tape_and_seed_give_identical_fills() {
    let (a, cash_a) = scripted(7);
    let (b, cash_b) = scripted(7);
    assert!(a.iter().any(|r| r.kind == ReportKind::Fill as u8));
    assert_eq!(a, b);
    assert_eq!(cash_a, cash_b);
}

#[test]
fn bad_book_input_is_counted_and_changes_nothing() {
    let mut s = session();
    let mut negative = bid(1, 9_800, 1);
    negative.b = -3;
    let n = s.push(&[
        Record::level(1, 1, true, 9_900, 1), // unknown instrument
        negative,                            // negative quantity
        Record::bar(0, 1, 9_900, 9_950, 9_850, 9_900, 1), // a bar in an L2 session
    ]);
    assert_eq!(n, 0);
    s.push(&snapshot());
    run_all(&mut s);
    let id = s.submit(req(Side::Buy, 1, Some(9_900))).unwrap();
    s.push(&[
        bid(2, 10_050, 3), // above the best ask 100.00: crossed
        ask(2, 9_850, 3),  // below the best bid 99.00: crossed
        bid(2, 9_901, 3),  // off the 0.05 tick
        clear(3),          // a crossed snapshot: refused as a whole
        bid(3, 10_200, 1),
        ask(3, 10_100, 1),
    ]);
    run_all(&mut s);
    let _ = s.submit(req(Side::Buy, 1, None)); // flushes the pending crossed snapshot
    let bad = s.stats().bad_records;
    let count = |e: RecordError| bad[e.index()];
    assert_eq!(count(RecordError::UnknownInstrument), 1);
    assert_eq!(count(RecordError::BadQuantity), 1);
    assert_eq!(count(RecordError::BarInL2Mode), 1);
    assert_eq!(count(RecordError::CrossedBook), 3);
    assert_eq!(count(RecordError::BadLevel), 1);
    // The book is still the t=1 snapshot minus what our market buy took.
    let book = s.sim().unwrap().book(0).unwrap();
    assert_eq!(
        book.ladder(BookSide::Bid).best().map(|l| (l.price, l.qty)),
        Some((9_900, 5))
    );
    assert_eq!(
        book.ladder(BookSide::Ask).best().map(|l| (l.price, l.qty)),
        Some((10_000, 1))
    );
    let f = fills(&mut s);
    assert_eq!(
        f.iter()
            .map(|r| (r.last_px, r.last_qty))
            .collect::<Vec<_>>(),
        vec![(10_000, 1)]
    );
    assert_eq!(
        s.oms().order(OrderId(id)).unwrap().status,
        OrderStatus::Accepted
    );
    assert_positions_agree(&s);
    // The mark is the mid of the good book: (99.00 + 100.00) / 2.
    assert_eq!(s.ledger().position(0).mark, 9_950);
}

/// Quotes one lot at the best bid and ask whenever flat of orders, cancels every 1,000
/// records: the loop of the L2 replay bench.
fn quote_loop(s: &mut Session, every: usize) {
    let mut k = 0usize;
    while s.step_next().is_some() {
        k += 1;
        if !k.is_multiple_of(every) {
            continue;
        }
        if k.is_multiple_of(1_000) {
            for id in s.open_orders() {
                s.cancel(id);
            }
        }
        if s.open_count() == 0 {
            let book = s.sim().unwrap().book(0).unwrap();
            let bb = book.ladder(BookSide::Bid).best().map(|l| l.price);
            let ba = book.ladder(BookSide::Ask).best().map(|l| l.price);
            if let (Some(b), Some(a)) = (bb, ba) {
                let _ = s.submit(req(Side::Buy, 1, Some(b)));
                let _ = s.submit(req(Side::Sell, 1, Some(a)));
            }
        }
        let mut v = Vec::new();
        s.take_reports(&mut v);
    }
}

#[test]
fn a_long_synthetic_tape_replays_cleanly_and_deterministically() {
    let tape = synthetic::l2_tape(100_000, 5, 0, 0, 1_000_000, 5, 1, 200).unwrap();
    let run = || {
        let mut s = session();
        assert_eq!(s.push(&tape), tape.len());
        quote_loop(&mut s, 20);
        assert_eq!(
            s.stats().bad_records,
            [0; 9],
            "the generator never crosses the book"
        );
        assert!(s.stats().fills > 100, "quotes fill: {}", s.stats().fills);
        assert_positions_agree(&s);
        (
            s.stats().clone(),
            s.ledger().cash,
            s.ledger().position(0).qty,
        )
    };
    assert_eq!(run(), run());
}
