//! Submit → simulated acknowledgement, in Rust: `Oms::submit` (validation, gate, dedup) →
//! venue command → `SimVenue` (rate-limit check, matching against the L2 book, resting with a
//! queue estimate) → `Accepted` event → `Oms::on_venue_event` → execution report. Zero
//! configured latency, so the figure is the software cost of the round trip. Each measured
//! order is cancelled outside the timed region so the book of resting orders stays small.
//!
//! Also prints p50/p99/p99.9 of single round trips from an HDR histogram (criterion reports
//! means). The anchor is a naive OMS + venue of the same shape: orders in a std `HashMap`
//! keyed by client-id `String`s, commands and events as boxed trait-free enums in `VecDeque`s,
//! and a `BTreeMap` book for the crossing check.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use tachyon_book::Level;
use tachyon_core::{Instrument, InstrumentSpec, LatencyHistogram, Price, Quantity, Timestamp};
use tachyon_oms::{AllowAll, ClientOrderId, Oms, OmsConfig, OrderRequest, Side};
use tachyon_sim::{Pump, SimConfig, SimVenue};

fn instrument() -> Instrument {
    Instrument::new(&InstrumentSpec::unbounded("BTC-USDT", "0.01", "0.001")).unwrap()
}

struct Rig {
    pump: Pump,
    oms: Oms,
    venue: SimVenue,
    n: u64,
    ids: Vec<ClientOrderId>,
}

impl Rig {
    fn new() -> Self {
        let mut oms = Oms::new(Box::new(AllowAll), OmsConfig::default());
        oms.add_instrument(instrument());
        let mut venue = SimVenue::new(SimConfig::default()).unwrap();
        venue.add_instrument(instrument());
        let bids: Vec<Level> = (0..500).map(|i| Level::new(9_999 - i, 10_000)).collect();
        let asks: Vec<Level> = (0..500).map(|i| Level::new(10_001 + i, 10_000)).collect();
        venue
            .on_book_snapshot(0, &bids, &asks, Timestamp::EPOCH)
            .unwrap();
        let ids = (0..1_000_000)
            .map(|i| ClientOrderId::new(&format!("b{i}")).unwrap())
            .collect();
        Self {
            pump: Pump::new(),
            oms,
            venue,
            n: 0,
            ids,
        }
    }

    /// One submit → ack round trip; returns its duration. The cancel is not timed.
    fn round_trip(&mut self) -> Duration {
        let i = (self.n as usize) % self.ids.len();
        self.n += 1;
        let now = Timestamp::from_nanos(self.n as i64 * 1_000);
        let req = OrderRequest::limit(
            self.ids[i],
            0,
            Side::Buy,
            Quantity::from_mantissa(1_000, 3).unwrap(),
            Price::from_mantissa(9_990 - (self.n % 8) as i64, 2).unwrap(),
        );
        let t0 = Instant::now();
        let out = self.oms.submit(black_box(&req), now).unwrap();
        self.pump.run(&mut self.oms, &mut self.venue, now, None);
        let d = t0.elapsed();
        debug_assert_eq!(
            self.oms.order(out.order_id).map(|o| o.status),
            Some(tachyon_oms::OrderStatus::Accepted)
        );
        self.oms.cancel(out.order_id, now).unwrap();
        self.pump.run(&mut self.oms, &mut self.venue, now, None);
        self.oms.drain_reports(&mut Vec::new());
        d
    }
}

// ---- anchor: a naive OMS + venue ------------------------------------------------------

#[derive(Clone)]
enum NaiveCmd {
    New {
        client_id: String,
        price: i64,
        qty: i64,
    },
    Cancel {
        client_id: String,
    },
}

#[derive(Clone)]
enum NaiveEvent {
    Accepted { client_id: String },
    Cancelled { client_id: String },
}

#[derive(Default)]
struct Naive {
    orders: HashMap<String, (i64, i64, &'static str)>,
    outbox: VecDeque<Box<NaiveCmd>>,
    venue_orders: HashMap<String, (i64, i64)>,
    asks: BTreeMap<i64, i64>,
    events: VecDeque<Box<NaiveEvent>>,
    reports: Vec<String>,
    n: u64,
}

impl Naive {
    fn new() -> Self {
        let mut s = Self::default();
        for i in 0..500 {
            s.asks.insert(10_001 + i, 10_000);
        }
        s
    }
    fn pump(&mut self) {
        while let Some(c) = self.outbox.pop_front() {
            match *c {
                NaiveCmd::New {
                    client_id,
                    price,
                    qty,
                } => {
                    let crosses = self.asks.keys().next().is_some_and(|&a| a <= price);
                    assert!(!crosses);
                    self.venue_orders.insert(client_id.clone(), (price, qty));
                    self.events
                        .push_back(Box::new(NaiveEvent::Accepted { client_id }));
                }
                NaiveCmd::Cancel { client_id } => {
                    self.venue_orders.remove(&client_id);
                    self.events
                        .push_back(Box::new(NaiveEvent::Cancelled { client_id }));
                }
            }
        }
        while let Some(e) = self.events.pop_front() {
            let (id, status) = match *e {
                NaiveEvent::Accepted { client_id } => (client_id, "accepted"),
                NaiveEvent::Cancelled { client_id } => (client_id, "cancelled"),
            };
            if let Some(o) = self.orders.get_mut(&id) {
                o.2 = status;
            }
            self.reports.push(format!("{id}:{status}"));
        }
    }
    fn round_trip(&mut self) -> Duration {
        self.n += 1;
        let id = format!("b{}", self.n);
        let t0 = Instant::now();
        assert!(!self.orders.contains_key(&id));
        self.orders.insert(id.clone(), (9_990, 1_000, "new"));
        self.outbox.push_back(Box::new(NaiveCmd::New {
            client_id: id.clone(),
            price: 9_990,
            qty: 1_000,
        }));
        self.pump();
        let d = t0.elapsed();
        self.outbox.push_back(Box::new(NaiveCmd::Cancel {
            client_id: id.clone(),
        }));
        self.pump();
        self.orders.remove(&id);
        self.reports.clear();
        d
    }
}

fn percentiles(name: &str, mut f: impl FnMut() -> Duration) {
    for _ in 0..20_000 {
        f();
    }
    let mut h = LatencyHistogram::default();
    for _ in 0..200_000 {
        h.record(f().as_nanos() as u64);
    }
    let s = h.summary();
    eprintln!(
        "{name}: p50 {} ns, p99 {} ns, p99.9 {} ns, max {} ns ({} samples)",
        s.p50, s.p99, s.p999, s.max, s.count
    );
}

fn bench(c: &mut Criterion) {
    let mut rig = Rig::new();
    percentiles("submit_to_ack/tachyon", || rig.round_trip());
    let mut naive = Naive::new();
    percentiles("submit_to_ack/anchor_naive", || naive.round_trip());
    let mut g = c.benchmark_group("submit_to_ack");
    g.bench_function("tachyon_oms_sim", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| rig.round_trip()).sum());
    });
    g.bench_function("anchor_naive", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| naive.round_trip()).sum());
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
