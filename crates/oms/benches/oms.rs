//! OMS event throughput: venue events (ack, two partial fills, a final fill or a cancel) on
//! 10,000 open orders, through `Oms::on_venue_event` with every transition validated,
//! positions booked and 64-byte reports emitted. The anchor is a naive tracker doing the
//! least a correct OMS must do (find the order by id in a std `HashMap` keyed by the client
//! id string, add the fill, push a heap-allocated report), without validation or positions.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tachyon_core::{Instrument, InstrumentSpec, Price, Quantity, Timestamp};
use tachyon_oms::{
    AllowAll, ClientOrderId, ExecReport, Liquidity, Oms, OmsConfig, OrderId, OrderRequest, Side,
    VenueEvent,
};

const ORDERS: usize = 10_000;

fn instrument() -> Instrument {
    Instrument::new(&InstrumentSpec::unbounded("BTC-USDT", "0.01", "0.001")).unwrap()
}

fn setup() -> (Oms, Vec<VenueEvent>) {
    let mut oms = Oms::new(Box::new(AllowAll), OmsConfig::default());
    oms.add_instrument(instrument());
    let mut ids = Vec::with_capacity(ORDERS);
    for i in 0..ORDERS {
        let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
        let p = if side == Side::Buy { "99.00" } else { "101.00" };
        let req = OrderRequest::limit(
            ClientOrderId::new(&format!("c{i}")).unwrap(),
            0,
            side,
            Quantity::parse("1", 3).unwrap(),
            Price::parse(p, 2).unwrap(),
        );
        ids.push((oms.submit(&req, Timestamp::EPOCH).unwrap().order_id, side));
    }
    oms.drain_commands(&mut Vec::new());
    oms.drain_reports(&mut Vec::new());
    let mut evs = Vec::with_capacity(ORDERS * 4);
    let mut trade = 0;
    for (k, &(id, side)) in ids.iter().enumerate() {
        let px = if side == Side::Buy { 9_900 } else { 10_100 };
        let ts = Timestamp::from_nanos(k as i64);
        evs.push(VenueEvent::Accepted { order_id: id, ts });
        for q in [300, 300] {
            trade += 1;
            evs.push(fill(id, trade, px, q, ts));
        }
        if k % 4 == 0 {
            evs.push(VenueEvent::Cancelled { order_id: id, ts });
        } else {
            trade += 1;
            evs.push(fill(id, trade, px, 400, ts));
        }
    }
    (oms, evs)
}

fn fill(order_id: OrderId, trade_id: u64, price: i64, qty: i64, ts: Timestamp) -> VenueEvent {
    VenueEvent::Fill {
        order_id,
        trade_id,
        price,
        qty,
        fee: 10,
        liquidity: Liquidity::Maker,
        ts,
    }
}

struct NaiveOrder {
    qty: i64,
    filled: i64,
    status: &'static str,
}

#[allow(dead_code)] // built and handed on, as an OMS does; the bench does not read it
struct NaiveReport {
    client_id: String,
    status: &'static str,
    filled: i64,
}

fn naive_setup(evs: &[VenueEvent]) -> (HashMap<String, NaiveOrder>, Vec<(String, VenueEvent)>) {
    let mut m = HashMap::new();
    let mut tagged = Vec::with_capacity(evs.len());
    for e in evs {
        let key = format!("c{}", e.order_id().0 - 1);
        m.entry(key.clone()).or_insert(NaiveOrder {
            qty: 1000,
            filled: 0,
            status: "new",
        });
        tagged.push((key, *e));
    }
    (m, tagged)
}

fn bench(c: &mut Criterion) {
    let (_, evs) = setup();
    let mut g = c.benchmark_group("oms_events");
    g.throughput(Throughput::Elements(evs.len() as u64));
    g.bench_function("tachyon_on_venue_event", |b| {
        b.iter_batched_ref(
            || {
                let (oms, evs) = setup();
                (oms, evs, Vec::<ExecReport>::with_capacity(1024))
            },
            |(oms, evs, out)| {
                // Events arrive in batches; the caller drains reports after each batch.
                for batch in evs.chunks(256) {
                    for e in batch {
                        let _ = black_box(oms.on_venue_event(e));
                    }
                    out.clear();
                    oms.drain_reports(out);
                    black_box(out.len());
                }
            },
            BatchSize::LargeInput,
        );
    });
    g.bench_function("anchor_naive_hashmap_tracker", |b| {
        b.iter_batched_ref(
            || naive_setup(&evs),
            |(orders, tagged)| {
                let mut reports = Vec::with_capacity(256);
                for (i, (key, e)) in tagged.iter().enumerate() {
                    if i % 256 == 0 {
                        black_box(reports.len());
                        reports.clear();
                    }
                    let o = orders.get_mut(key).expect("known");
                    match *e {
                        VenueEvent::Accepted { .. } => o.status = "accepted",
                        VenueEvent::Fill { qty, .. } => {
                            o.filled += qty;
                            o.status = if o.filled >= o.qty {
                                "filled"
                            } else {
                                "partial"
                            };
                        }
                        _ => o.status = "cancelled",
                    }
                    reports.push(Box::new(NaiveReport {
                        client_id: key.clone(),
                        status: o.status,
                        filled: o.filled,
                    }));
                }
                black_box(reports.len())
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
