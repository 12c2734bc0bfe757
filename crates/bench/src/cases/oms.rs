//! L2 book, OMS and simulated venue (issue #6).
//!
//! Groups, each beside an anchor doing the same job naively:
//! - book: one level delta on a ~1,000-level-per-side book (anchor: `BTreeMap` book);
//! - OMS: one order lifecycle = submit + ack + two fills, validated, booked, reported
//!   (anchor: a `HashMap<String, _>` tracker with boxed reports and no validation);
//! - submit → simulated ack: `Oms::submit` → `SimVenue` → `Accepted` → `Oms` (anchor: a naive
//!   OMS + venue with `String` ids, boxed messages in `VecDeque`s and a `BTreeMap` book).

use std::collections::{BTreeMap, HashMap, VecDeque};

use tachyon_book::{BookSide, Level, OrderBook, SeqRule};
use tachyon_core::{Instrument, InstrumentSpec, Price, Quantity, Timestamp};
use tachyon_oms::{
    AllowAll, ClientOrderId, ExecReport, Liquidity, Oms, OmsConfig, OrderRequest, Side,
    TimeInForce, VenueEvent,
};
use tachyon_sim::{Pump, SimConfig, SimVenue};

use crate::{bb, Kernel, Runner};

fn btc() -> Instrument {
    Instrument::new(&InstrumentSpec::unbounded("BTC-USDT", "0.01", "0.001"))
        .unwrap_or_else(|e| panic!("bench instrument: {e}"))
}

// ---- book ----------------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Upd {
    side: BookSide,
    price: i64,
    qty: i64,
}

/// A deterministic synthetic feed: random-walk mid, distance from the mid 70% within 10 ticks,
/// 25% within 100, 5% within 1,000; 30% deletes. SplitMix64.
fn feed(n: usize, seed: u64) -> Vec<Upd> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut mid: i64 = 1_000_000;
    (0..n)
        .map(|_| {
            if next().is_multiple_of(64) {
                mid += (next() % 5) as i64 - 2;
            }
            let u = next();
            let side = if u & 1 == 0 {
                BookSide::Bid
            } else {
                BookSide::Ask
            };
            let d = match (u >> 1) % 100 {
                0..=69 => 1 + (u >> 8) % 10,
                70..=94 => 1 + (u >> 8) % 100,
                _ => 1 + (u >> 8) % 1000,
            } as i64;
            let price = if side == BookSide::Bid {
                mid - d
            } else {
                mid + d
            };
            let qty = if (u >> 20) % 10 < 3 {
                0
            } else {
                1 + ((u >> 24) % 1000) as i64
            };
            Upd { side, price, qty }
        })
        .collect()
}

struct BookRig {
    book: OrderBook,
    feed: Vec<Upd>,
    i: usize,
    seq: u64,
}

impl BookRig {
    fn new() -> Self {
        let mut book = OrderBook::with_grid(1, 1, 2, 3, SeqRule::Contiguous);
        let _ = book.load_snapshot(0, &[], &[]);
        let mut r = Self {
            book,
            feed: feed(1 << 16, 2),
            i: 0,
            seq: 0,
        };
        for u in feed(200_000, 1) {
            r.seq += 1;
            let _ = r.book.apply_level(u.side, u.price, u.qty, r.seq);
        }
        r
    }
    #[inline]
    fn step(&mut self) {
        let u = self.feed[self.i & 0xFFFF];
        self.i += 1;
        self.seq += 1;
        let _ = bb(self
            .book
            .apply_level(bb(u.side), bb(u.price), bb(u.qty), self.seq));
    }
}

struct NaiveBook {
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
    feed: Vec<Upd>,
    i: usize,
}

impl NaiveBook {
    fn new() -> Self {
        let mut r = Self {
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            feed: feed(1 << 16, 2),
            i: 0,
        };
        for u in feed(200_000, 1) {
            r.apply(u);
        }
        r
    }
    fn apply(&mut self, u: Upd) -> Option<(i64, i64)> {
        let m = match u.side {
            BookSide::Bid => &mut self.bids,
            BookSide::Ask => &mut self.asks,
        };
        if u.qty == 0 {
            m.remove(&u.price);
        } else {
            m.insert(u.price, u.qty);
        }
        Some((*self.bids.keys().next_back()?, *self.asks.keys().next()?))
    }
    fn step(&mut self) {
        let u = self.feed[self.i & 0xFFFF];
        self.i += 1;
        bb(self.apply(bb(u)));
    }
}

// ---- OMS lifecycle --------------------------------------------------------------------------

struct OmsRig {
    oms: Oms,
    ids: Vec<ClientOrderId>,
    n: usize,
    reports: Vec<ExecReport>,
}

impl OmsRig {
    fn new() -> Self {
        let mut oms = Oms::new(Box::new(AllowAll), OmsConfig::default());
        oms.add_instrument(btc());
        Self {
            oms,
            ids: (0..1 << 20)
                .map(|i| ClientOrderId::new(&format!("c{i}")).unwrap_or_else(|e| panic!("{e}")))
                .collect(),
            n: 0,
            reports: Vec::with_capacity(64),
        }
    }
    /// submit + ack + two fills (4 events), reports drained.
    fn lifecycle(&mut self) {
        let i = self.n & ((1 << 20) - 1);
        self.n += 1;
        let ts = Timestamp::from_nanos(self.n as i64);
        let req = OrderRequest::limit(
            self.ids[i],
            0,
            if i & 1 == 0 { Side::Buy } else { Side::Sell },
            Quantity::from_mantissa(1_000, 3).unwrap_or_else(|e| panic!("{e}")),
            Price::from_mantissa(10_000, 2).unwrap_or_else(|e| panic!("{e}")),
        );
        let Ok(out) = self.oms.submit(bb(&req), ts) else {
            // ids recycle after 2^20 orders; the dedup window has long forgotten them.
            return;
        };
        let id = out.order_id;
        let _ = self
            .oms
            .on_venue_event(&VenueEvent::Accepted { order_id: id, ts });
        for (k, q) in [(1, 400), (2, 600)] {
            let _ = self.oms.on_venue_event(&VenueEvent::Fill {
                order_id: id,
                trade_id: self.n as u64 * 2 + k,
                price: 10_000,
                qty: q,
                fee: 4,
                liquidity: Liquidity::Maker,
                ts,
            });
        }
        self.oms.drain_commands(&mut Vec::new());
        self.reports.clear();
        self.oms.drain_reports(&mut self.reports);
        bb(self.reports.len());
    }
}

#[allow(dead_code)] // built and handed on, like an OMS's reports; the bench does not read them
struct NaiveReport {
    id: String,
    status: &'static str,
    filled: i64,
}

// The anchor allocates one report per event on purpose, as a straightforward OMS does.
#[allow(clippy::vec_box)]
#[derive(Default)]
struct NaiveOms {
    orders: HashMap<String, (i64, i64, &'static str)>,
    reports: Vec<Box<NaiveReport>>,
    n: u64,
}

impl NaiveOms {
    fn lifecycle(&mut self) {
        self.n += 1;
        let id = format!("c{}", self.n);
        if self.orders.contains_key(&id) {
            return;
        }
        self.orders.insert(id.clone(), (1_000, 0, "new"));
        for (status, fill) in [("accepted", 0), ("partial", 400), ("filled", 600)] {
            let o = self.orders.get_mut(&id).unwrap_or_else(|| unreachable!());
            o.1 += fill;
            o.2 = status;
            self.reports.push(Box::new(NaiveReport {
                id: id.clone(),
                status,
                filled: o.1,
            }));
        }
        bb(self.reports.len());
        self.reports.clear();
        if self.orders.len() > 100_000 {
            self.orders.clear();
        }
    }
}

// ---- submit → simulated ack ---------------------------------------------------------------

struct SimRig {
    oms: Oms,
    venue: SimVenue,
    pump: Pump,
    ids: Vec<ClientOrderId>,
    n: usize,
    reports: Vec<ExecReport>,
}

impl SimRig {
    fn new() -> Self {
        let mut oms = Oms::new(Box::new(AllowAll), OmsConfig::default());
        oms.add_instrument(btc());
        let mut venue =
            SimVenue::new(SimConfig::default()).unwrap_or_else(|e| panic!("sim config: {e}"));
        venue.add_instrument(btc());
        let bids: Vec<Level> = (0..500).map(|i| Level::new(9_999 - i, 10_000)).collect();
        let asks: Vec<Level> = (0..500).map(|i| Level::new(10_001 + i, 10_000)).collect();
        let _ = venue.on_book_snapshot(0, &bids, &asks, Timestamp::EPOCH);
        Self {
            oms,
            venue,
            pump: Pump::new(),
            ids: (0..1 << 20)
                .map(|i| ClientOrderId::new(&format!("s{i}")).unwrap_or_else(|e| panic!("{e}")))
                .collect(),
            n: 0,
            reports: Vec::with_capacity(64),
        }
    }
    /// An IOC buy below the ask: submitted, accepted, its remainder expired — one round trip
    /// that leaves nothing resting.
    fn round_trip(&mut self) {
        let i = self.n & ((1 << 20) - 1);
        self.n += 1;
        let now = Timestamp::from_nanos(self.n as i64 * 1_000);
        let req = OrderRequest::limit(
            self.ids[i],
            0,
            Side::Buy,
            Quantity::from_mantissa(1_000, 3).unwrap_or_else(|e| panic!("{e}")),
            Price::from_mantissa(9_990, 2).unwrap_or_else(|e| panic!("{e}")),
        )
        .with_tif(TimeInForce::Ioc);
        if self.oms.submit(bb(&req), now).is_err() {
            return;
        }
        self.pump.run(&mut self.oms, &mut self.venue, now, None);
        self.reports.clear();
        self.oms.drain_reports(&mut self.reports);
        bb(self.reports.len());
    }
}

#[derive(Clone)]
enum NaiveMsg {
    New { id: String, price: i64, qty: i64 },
    Ack { id: String },
    Expired { id: String },
}

#[derive(Default)]
struct NaiveVenue {
    orders: HashMap<String, (i64, i64, &'static str)>,
    outbox: VecDeque<Box<NaiveMsg>>,
    inbox: VecDeque<Box<NaiveMsg>>,
    asks: BTreeMap<i64, i64>,
    reports: Vec<String>,
    n: u64,
}

impl NaiveVenue {
    fn new() -> Self {
        let mut s = Self::default();
        for i in 0..500 {
            s.asks.insert(10_001 + i, 10_000);
        }
        s
    }
    fn round_trip(&mut self) {
        self.n += 1;
        let id = format!("s{}", self.n);
        if self.orders.contains_key(&id) || !(bb(1_000) > 0 && bb(9_990) > 0) {
            return;
        }
        self.orders.insert(id.clone(), (9_990, 1_000, "new"));
        self.outbox.push_back(Box::new(NaiveMsg::New {
            id,
            price: 9_990,
            qty: 1_000,
        }));
        while let Some(m) = self.outbox.pop_front() {
            if let NaiveMsg::New { id, price, qty } = *m {
                let crosses = self.asks.keys().next().is_some_and(|&a| a <= price);
                bb((crosses, qty));
                self.inbox
                    .push_back(Box::new(NaiveMsg::Ack { id: id.clone() }));
                self.inbox.push_back(Box::new(NaiveMsg::Expired { id }));
            }
        }
        while let Some(m) = self.inbox.pop_front() {
            let (id, st) = match *m {
                NaiveMsg::Ack { id } => (id, "accepted"),
                NaiveMsg::Expired { id } => (id, "expired"),
                NaiveMsg::New { id, .. } => (id, "new"),
            };
            if let Some(o) = self.orders.get_mut(&id) {
                o.2 = st;
            }
            self.reports.push(format!("{id}:{st}"));
        }
        bb(self.reports.len());
        self.reports.clear();
        if self.orders.len() > 100_000 {
            self.orders.clear();
        }
    }
}

/// Percentile cases.
pub fn run(r: &mut Runner) {
    let g = "book: apply one L2 level delta (~1,000 levels/side)";
    let (a, b) = ("tachyon OrderBook::apply_level", "naive BTreeMap book");
    if r.wants(g, a) {
        let mut rig = BookRig::new();
        r.latency(g, a, false, || rig.step());
    }
    if r.wants(g, b) {
        let mut rig = NaiveBook::new();
        r.latency(g, b, true, || rig.step());
    }

    let g = "OMS: order lifecycle (submit + ack + 2 fills = 4 events, reports drained)";
    let (a, b) = ("tachyon Oms", "naive HashMap<String> tracker");
    if r.wants(g, a) {
        let mut rig = OmsRig::new();
        r.latency(g, a, false, || rig.lifecycle());
    }
    if r.wants(g, b) {
        let mut rig = NaiveOms::default();
        r.latency(g, b, true, || rig.lifecycle());
    }

    let g = "submit -> simulated ack (OMS + SimVenue, zero configured latency)";
    let (a, b) = (
        "tachyon Oms + SimVenue",
        "naive OMS + venue (String ids, boxed messages)",
    );
    if r.wants(g, a) {
        let mut rig = SimRig::new();
        r.latency(g, a, false, || rig.round_trip());
    }
    if r.wants(g, b) {
        let mut rig = NaiveVenue::new();
        r.latency(g, b, true, || rig.round_trip());
    }
}

/// Callgrind kernels.
#[must_use]
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            id: "oms/book_apply_level",
            make: || {
                let mut b = BookRig::new();
                Box::new(move |n| {
                    for _ in 0..n {
                        b.step();
                    }
                })
            },
        },
        Kernel {
            id: "oms/order_lifecycle_4_events",
            make: || {
                let mut o = OmsRig::new();
                Box::new(move |n| {
                    for _ in 0..n {
                        o.lifecycle();
                    }
                })
            },
        },
        Kernel {
            id: "oms/submit_to_sim_ack",
            make: || {
                let mut s = SimRig::new();
                Box::new(move |n| {
                    for _ in 0..n {
                        s.round_trip();
                    }
                })
            },
        },
    ]
}
