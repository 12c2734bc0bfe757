//! Bindings of `tachyon_sim`: the `SimVenue` class.

use napi::bindgen_prelude::{BigInt, External, Float64Array};
use napi_derive::napi;
use tachyon_book::{BookSide, Level};
use tachyon_core::event::{EventKind, MarketEvent, EVENT_SIZE};
use tachyon_core::Timestamp;
use tachyon_oms::Side;
use tachyon_sim::{Pump, SimVenue};

use crate::binding_core::BindingInstrument;
use crate::binding_oms::BindingOms;
use crate::error::{invalid_arg, to_js, OrThrow, Result};
use crate::options::oms::NsArg;
use crate::options::sim::sim_config;
use crate::options::{safe_integer, BookSideName, OrderSide, SimVenueOptions};

fn pairs(a: &[f64], what: &str) -> Result<Vec<Level>> {
    if !a.len().is_multiple_of(2) {
        return Err(invalid_arg(format!(
            "{what} must hold [price, qty] mantissa pairs"
        )));
    }
    a.chunks_exact(2)
        .map(|p| {
            Ok(Level::new(
                safe_integer(p[0], what)?,
                safe_integer(p[1], what)?,
            ))
        })
        .collect()
}

/// Venue counters.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SimStatsJs {
    pub commands: f64,
    pub dropped_inbound: f64,
    pub dropped_outbound: f64,
    pub lost_disconnected: f64,
    pub refused_disconnected: f64,
    pub rate_limited: f64,
    pub injected_rejects: f64,
    pub delayed_acks: f64,
    pub accepted: f64,
    pub rejected: f64,
    pub maker_fills: f64,
    pub taker_fills: f64,
    pub cancelled: f64,
    pub expired: f64,
    pub market_updates: f64,
}

/// An order as the venue holds it (mantissas).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SimOrderInfo {
    pub order_id: f64,
    pub instrument: u32,
    pub qty_mantissa: f64,
    pub filled_mantissa: f64,
    pub open: bool,
}

/// A position as the venue holds it.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SimPositionInfo {
    pub instrument: u32,
    pub qty_mantissa: f64,
}

/// A simulated venue driven by the caller's clock: market data in (`onBookSnapshot`,
/// `onBookLevel`, `onTrade`, `onMarketEvents`), orders from an `Oms` via `exchange`.
/// Deterministic for a given `seed`.
#[derive(Debug)]
pub struct BindingSimVenue {
    pub(crate) inner: SimVenue,
    pump: Pump,
}

/// A venue with these settings (`ERR_SIM_CONFIG` names a bad one).
#[napi(catch_unwind)]
pub fn sim_new(options: Option<SimVenueOptions>) -> Result<External<BindingSimVenue>> {
    Ok(External::new(BindingSimVenue {
        inner: SimVenue::new(sim_config(options)?).or_throw()?,
        pump: Pump::new(),
    }))
}

/// Lists an instrument (same order as on the `Oms`); returns its id.
#[napi]
pub fn sim_add_instrument(
    h: &mut External<BindingSimVenue>,
    instrument: &BindingInstrument,
) -> u32 {
    h.inner.add_instrument(instrument.instrument().clone())
}

/// Replaces an instrument's book: `[price, qty, …]` mantissa pairs.
#[napi(catch_unwind)]
pub fn sim_on_book_snapshot(
    h: &mut External<BindingSimVenue>,
    instrument: u32,
    bids: Float64Array,
    asks: Float64Array,
    #[napi(ts_arg_type = "bigint | number")] ts_ns: NsArg,
) -> Result<()> {
    let (b, a) = (pairs(&bids, "bids")?, pairs(&asks, "asks")?);
    h.inner
        .on_book_snapshot(instrument, &b, &a, ts_ns.get("tsNs")?)
        .or_throw()
}

/// Sets one level (mantissas; quantity 0 removes it).
#[napi(catch_unwind)]
pub fn sim_on_book_level(
    h: &mut External<BindingSimVenue>,
    instrument: u32,
    side: BookSideName,
    price: f64,
    qty: f64,
    #[napi(ts_arg_type = "bigint | number")] ts_ns: NsArg,
) -> Result<()> {
    h.inner
        .on_book_level(
            instrument,
            side.into(),
            safe_integer(price, "price")?,
            safe_integer(qty, "qty")?,
            ts_ns.get("tsNs")?,
        )
        .or_throw()
}

/// A trade by others (mantissas); `aggressor` is the taker's side.
#[napi(catch_unwind)]
pub fn sim_on_trade(
    h: &mut External<BindingSimVenue>,
    instrument: u32,
    price: f64,
    qty: f64,
    aggressor: OrderSide,
    #[napi(ts_arg_type = "bigint | number")] ts_ns: NsArg,
) -> Result<()> {
    h.inner
        .on_trade(
            instrument,
            safe_integer(price, "price")?,
            safe_integer(qty, "qty")?,
            aggressor.into(),
            ts_ns.get("tsNs")?,
        )
        .or_throw()
}

/// Applies a batch of 48-byte market-event records (the `EventBatch` layout): bid/ask
/// levels, trades (`side` = aggressor: 1 buy, 2 sell), book clears, heartbeats. Returns
/// how many were applied; stops at the first bad record and throws its error with its
/// index (earlier records stay applied).
#[napi(catch_unwind)]
pub fn sim_on_market_events(h: &mut External<BindingSimVenue>, records: &[u8]) -> Result<u32> {
    if !records.len().is_multiple_of(EVENT_SIZE) {
        return Err(invalid_arg(format!(
            "records length {} is not a multiple of {EVENT_SIZE}",
            records.len()
        )));
    }
    let mut n = 0;
    for (i, chunk) in records.chunks_exact(EVENT_SIZE).enumerate() {
        let rec: &[u8; EVENT_SIZE] = chunk.try_into().unwrap_or(&[0; EVENT_SIZE]);
        let e = MarketEvent::from_bytes(rec);
        let ts = Timestamp::from_nanos(e.ts_ns);
        let fail = |msg: String| invalid_arg(format!("record {i}: {msg}"));
        let kind = e.validate().map_err(|err| fail(err.to_string()))?;
        let r = match kind {
            EventKind::BidLevel => {
                h.inner
                    .on_book_level(e.instrument, BookSide::Bid, e.price, e.qty, ts)
            }
            EventKind::AskLevel => {
                h.inner
                    .on_book_level(e.instrument, BookSide::Ask, e.price, e.qty, ts)
            }
            EventKind::Trade => {
                let aggressor = if e.side == 2 { Side::Sell } else { Side::Buy };
                h.inner
                    .on_trade(e.instrument, e.price, e.qty, aggressor, ts)
            }
            EventKind::BookClear => h.inner.on_book_snapshot(e.instrument, &[], &[], ts),
            EventKind::Heartbeat => {
                h.inner.advance_to(ts);
                Ok(())
            }
        };
        if let Err(err) = r {
            let mut js = to_js(&err);
            js.reason = format!("record {i}: {}", js.reason);
            return Err(js);
        }
        n += 1;
    }
    Ok(n)
}

/// Moves everything between `oms` and the venue up to `nowNs`: the OMS's commands go out,
/// the venue processes what is due, events delivered by then go into the OMS. Returns how
/// many venue events the OMS refused (0 for a correct venue). Read the results with
/// `oms.drainReports()`.
#[napi(catch_unwind)]
pub fn sim_exchange(
    h: &mut External<BindingSimVenue>,
    oms: &mut External<BindingOms>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<u32> {
    let now = now_ns.get("nowNs")?;
    let this: &mut BindingSimVenue = h;
    Ok(this.pump.run(&mut oms.inner, &mut this.inner, now, None) as u32)
}

/// Processes everything due by `nowNs` without exchanging with an OMS.
#[napi(catch_unwind)]
pub fn sim_advance_to(
    h: &mut External<BindingSimVenue>,
    #[napi(ts_arg_type = "bigint | number")] now_ns: NsArg,
) -> Result<()> {
    h.inner.advance_to(now_ns.get("nowNs")?);
    Ok(())
}

/// Earliest scheduled time (command arrival, event delivery, expiry, disconnect), or null.
#[napi]
pub fn sim_next_event_time_ns(h: &External<BindingSimVenue>) -> Option<BigInt> {
    h.inner
        .next_event_time()
        .map(|t| BigInt::from(t.as_nanos()))
}

/// Venue time, ns.
#[napi]
pub fn sim_now_ns(h: &External<BindingSimVenue>) -> BigInt {
    BigInt::from(h.inner.now().as_nanos())
}

/// `true` if the connection is up at `tsNs`.
#[napi(catch_unwind)]
pub fn sim_is_connected(
    h: &External<BindingSimVenue>,
    #[napi(ts_arg_type = "bigint | number")] ts_ns: NsArg,
) -> Result<bool> {
    Ok(h.inner.is_connected(ts_ns.get("tsNs")?))
}

/// Best bid and ask of the venue's book as `[bidPrice, bidQty, askPrice, askQty]`
/// mantissas (NaN for an empty side).
#[napi(catch_unwind)]
pub fn sim_top(h: &External<BindingSimVenue>, instrument: u32) -> Result<Float64Array> {
    let b = h
        .inner
        .book(instrument)
        .ok_or(tachyon_sim::SimError::UnknownInstrument(instrument))
        .or_throw()?;
    let f = |l: Option<Level>| l.map_or([f64::NAN, f64::NAN], |l| [l.price as f64, l.qty as f64]);
    let (bb, ba) = (f(b.best_bid()), f(b.best_ask()));
    Ok(Float64Array::new(vec![bb[0], bb[1], ba[0], ba[1]]))
}

/// Open orders at the venue.
#[napi]
pub fn sim_open_orders(h: &External<BindingSimVenue>) -> Vec<SimOrderInfo> {
    h.inner
        .open_orders()
        .iter()
        .map(|o| SimOrderInfo {
            order_id: o.order_id.0 as f64,
            instrument: o.instrument,
            qty_mantissa: o.qty as f64,
            filled_mantissa: o.filled as f64,
            open: o.open,
        })
        .collect()
}

/// The account's positions at the venue.
#[napi]
pub fn sim_positions(h: &External<BindingSimVenue>) -> Vec<SimPositionInfo> {
    h.inner
        .positions()
        .iter()
        .map(|p| SimPositionInfo {
            instrument: p.instrument,
            qty_mantissa: p.qty as f64,
        })
        .collect()
}

/// Counters.
#[napi]
pub fn sim_stats(h: &External<BindingSimVenue>) -> SimStatsJs {
    let s = h.inner.stats();
    SimStatsJs {
        commands: s.commands as f64,
        dropped_inbound: s.dropped_inbound as f64,
        dropped_outbound: s.dropped_outbound as f64,
        lost_disconnected: s.lost_disconnected as f64,
        refused_disconnected: s.refused_disconnected as f64,
        rate_limited: s.rate_limited as f64,
        injected_rejects: s.injected_rejects as f64,
        delayed_acks: s.delayed_acks as f64,
        accepted: s.accepted as f64,
        rejected: s.rejected as f64,
        maker_fills: s.maker_fills as f64,
        taker_fills: s.taker_fills as f64,
        cancelled: s.cancelled as f64,
        expired: s.expired as f64,
        market_updates: s.market_updates as f64,
    }
}
