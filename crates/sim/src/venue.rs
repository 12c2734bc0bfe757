//! The simulated venue: an event queue in venue time, matching against an L2 book.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::hash::BuildHasherDefault;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use tachyon_book::{BookSide, Level, OrderBook, SeqRule};
use tachyon_core::{Instrument, InstrumentId, Timestamp};
use tachyon_oms::oms::IdHasher;
use tachyon_oms::{
    Liquidity, Oms, OrderId, Side, TimeInForce, VenueCommand, VenueEvent, VenueOrder,
    VenuePosition, VenueReject,
};

use crate::config::{fee_of, FaultConfig, QueueModel, SimConfig, SimError, TokenBucket};

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Counters of what the venue did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SimStats {
    /// Commands received from the client (before faults).
    pub commands: u64,
    /// Commands lost on the way in.
    pub dropped_inbound: u64,
    /// Events lost on the way out.
    pub dropped_outbound: u64,
    /// Events lost because the connection was down.
    pub lost_disconnected: u64,
    /// Commands refused at once because the connection was down.
    pub refused_disconnected: u64,
    /// Commands refused by the rate limit (429).
    pub rate_limited: u64,
    /// New orders rejected by fault injection.
    pub injected_rejects: u64,
    /// Acknowledgements delivered late by fault injection.
    pub delayed_acks: u64,
    /// Orders accepted.
    pub accepted: u64,
    /// Orders rejected (all reasons).
    pub rejected: u64,
    /// Maker fills.
    pub maker_fills: u64,
    /// Taker fills.
    pub taker_fills: u64,
    /// Orders cancelled (on request or on disconnect).
    pub cancelled: u64,
    /// Orders expired (IOC/FOK remainders, GTD, DAY).
    pub expired: u64,
    /// Market-data updates applied.
    pub market_updates: u64,
}

/// Where an order is at the venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VenueStatus {
    /// Resting.
    Open,
    /// Completely filled.
    Filled,
    /// Cancelled.
    Cancelled,
    /// Expired.
    Expired,
}

/// An order as the venue holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimOrder {
    /// Order id.
    pub id: OrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Total quantity mantissa.
    pub qty: i64,
    /// Filled mantissa.
    pub filled: i64,
    /// Limit price mantissa (`None` = market).
    pub price: Option<i64>,
    /// Time in force.
    pub tif: TimeInForce,
    /// Status.
    pub status: VenueStatus,
    /// Estimated quantity ahead in the queue at its price.
    pub ahead: i64,
    /// Expiry time (GTD/DAY).
    pub expires: Option<Timestamp>,
}

#[derive(Debug)]
struct Inst {
    inst: Instrument,
    book: OrderBook,
    resting: Vec<u64>,
    position: i64,
    /// Trade quantity seen per price since that level's last update (attributes level
    /// decreases to trades rather than cancels).
    traded: FastMap<i64, i64>,
}

#[derive(Debug, Clone, Copy)]
struct InItem {
    at: Timestamp,
    seq: u64,
    cmd: VenueCommand,
}

#[derive(Debug, Clone, Copy)]
struct OutItem {
    at: Timestamp,
    seq: u64,
    ev: VenueEvent,
}

macro_rules! order_by_time_seq {
    ($t:ty) => {
        impl PartialEq for $t {
            fn eq(&self, o: &Self) -> bool {
                (self.at, self.seq) == (o.at, o.seq)
            }
        }
        impl Eq for $t {}
        impl PartialOrd for $t {
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for $t {
            fn cmp(&self, o: &Self) -> Ordering {
                (self.at, self.seq).cmp(&(o.at, o.seq))
            }
        }
    };
}
order_by_time_seq!(InItem);
order_by_time_seq!(OutItem);

/// A simulated venue. See the crate docs.
#[derive(Debug)]
pub struct SimVenue {
    cfg: SimConfig,
    rng: Xoshiro256PlusPlus,
    insts: Vec<Inst>,
    orders: FastMap<u64, SimOrder>,
    inbox: BinaryHeap<Reverse<InItem>>,
    outbox: BinaryHeap<Reverse<OutItem>>,
    expiries: BinaryHeap<Reverse<(Timestamp, u64)>>,
    disconnect_starts: Vec<Timestamp>,
    next_disconnect: usize,
    last_in: Timestamp,
    last_out: Timestamp,
    seq: u64,
    trade_id: u64,
    now: Timestamp,
    bucket: Option<TokenBucket>,
    volume: i128,
    stats: SimStats,
    closed: std::collections::VecDeque<u64>,
}

/// Closed orders the venue remembers (for cancel answers and reconciliation).
pub const MAX_CLOSED_ORDERS: usize = 100_000;

const DAY_NS: i64 = 86_400_000_000_000;

impl SimVenue {
    /// A venue with these settings.
    ///
    /// # Errors
    /// [`SimError::Config`] for an invalid setting.
    pub fn new(cfg: SimConfig) -> Result<Self, SimError> {
        cfg.validate()?;
        let mut starts: Vec<Timestamp> = cfg.faults.disconnects.iter().map(|d| d.0).collect();
        starts.sort_unstable();
        Ok(Self {
            rng: Xoshiro256PlusPlus::seed_from_u64(cfg.seed),
            bucket: cfg.rate_limit.map(TokenBucket::new),
            cfg,
            insts: Vec::new(),
            orders: FastMap::default(),
            inbox: BinaryHeap::new(),
            outbox: BinaryHeap::new(),
            expiries: BinaryHeap::new(),
            disconnect_starts: starts,
            next_disconnect: 0,
            last_in: Timestamp::EPOCH,
            last_out: Timestamp::EPOCH,
            seq: 0,
            trade_id: 0,
            now: Timestamp::EPOCH,
            volume: 0,
            stats: SimStats::default(),
            closed: std::collections::VecDeque::new(),
        })
    }

    /// Lists an instrument; ids are given in order (0, 1, …) and must match the OMS's.
    pub fn add_instrument(&mut self, inst: Instrument) -> InstrumentId {
        let mut book = OrderBook::new(&inst, SeqRule::Contiguous);
        // The venue owns its book: it starts live and empty.
        let _ = book.load_snapshot(0, &[], &[]);
        self.insts.push(Inst {
            inst,
            book,
            resting: Vec::new(),
            position: 0,
            traded: FastMap::default(),
        });
        (self.insts.len() - 1) as InstrumentId
    }

    /// Settings.
    #[must_use]
    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> &SimStats {
        &self.stats
    }

    /// Venue time (the latest event processed).
    #[must_use]
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// The venue's book of an instrument.
    #[must_use]
    pub fn book(&self, id: InstrumentId) -> Option<&OrderBook> {
        self.insts.get(id as usize).map(|i| &i.book)
    }

    /// An order as the venue knows it.
    #[must_use]
    pub fn order(&self, id: OrderId) -> Option<&SimOrder> {
        self.orders.get(&id.0)
    }

    /// `true` if the connection is up at `t`.
    #[must_use]
    pub fn is_connected(&self, t: Timestamp) -> bool {
        !self.cfg.faults.disconnected(t)
    }

    /// The venue's open orders (for reconciliation), by order id.
    #[must_use]
    pub fn open_orders(&self) -> Vec<VenueOrder> {
        let mut v: Vec<VenueOrder> = self
            .orders
            .values()
            .filter(|o| o.status == VenueStatus::Open)
            .map(|o| VenueOrder {
                order_id: o.id,
                instrument: o.instrument,
                qty: o.qty,
                filled: o.filled,
                open: true,
            })
            .collect();
        v.sort_by_key(|o| o.order_id);
        v
    }

    /// Every order the venue has seen (open or closed), by order id.
    #[must_use]
    pub fn all_orders(&self) -> Vec<VenueOrder> {
        let mut v: Vec<VenueOrder> = self
            .orders
            .values()
            .map(|o| VenueOrder {
                order_id: o.id,
                instrument: o.instrument,
                qty: o.qty,
                filled: o.filled,
                open: o.status == VenueStatus::Open,
            })
            .collect();
        v.sort_by_key(|o| o.order_id);
        v
    }

    /// The account's net positions.
    #[must_use]
    pub fn positions(&self) -> Vec<VenuePosition> {
        self.insts
            .iter()
            .enumerate()
            .map(|(i, s)| VenuePosition {
                instrument: i as InstrumentId,
                qty: s.position,
            })
            .collect()
    }

    /// Earliest time at which something is scheduled (a command arriving, an event to
    /// deliver, an expiry, a disconnect starting), if anything is.
    #[must_use]
    pub fn next_event_time(&self) -> Option<Timestamp> {
        [
            self.inbox.peek().map(|r| r.0.at),
            self.outbox.peek().map(|r| r.0.at),
            self.expiries.peek().map(|r| r.0 .0),
            self.disconnect_starts.get(self.next_disconnect).copied(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    // ---- client side ---------------------------------------------------------------------

    /// The client sends a command at `now`. It reaches the venue after the inbound latency
    /// (in order: a later command never overtakes an earlier one), unless a fault drops it;
    /// while disconnected it is refused at once.
    pub fn submit(&mut self, cmd: VenueCommand, now: Timestamp) {
        self.stats.commands += 1;
        if self.cfg.faults.disconnected(now) {
            self.stats.refused_disconnected += 1;
            let ev = Self::refusal(&cmd, VenueReject::Disconnected, 0, now);
            let seq = self.next_seq();
            self.outbox.push(Reverse(OutItem { at: now, seq, ev }));
            return;
        }
        if FaultConfig::roll(self.cfg.faults.drop_inbound, &mut self.rng) {
            self.stats.dropped_inbound += 1;
            return;
        }
        let lat = self.cfg.latency_in.sample(&mut self.rng);
        let at = now
            .saturating_add_nanos(lat)
            .max(self.last_in)
            .max(self.now);
        self.last_in = at;
        let seq = self.next_seq();
        self.inbox.push(Reverse(InItem { at, seq, cmd }));
    }

    /// Sends many commands at `now`.
    pub fn submit_all(&mut self, cmds: &[VenueCommand], now: Timestamp) {
        for c in cmds {
            self.submit(*c, now);
        }
    }

    /// Events delivered to the client by `now`, in delivery order (appended to `out`).
    pub fn poll(&mut self, now: Timestamp, out: &mut Vec<VenueEvent>) {
        while let Some(Reverse(top)) = self.outbox.peek() {
            if top.at > now {
                break;
            }
            let Reverse(item) = self.outbox.pop().expect("peeked");
            out.push(item.ev);
        }
    }

    /// Processes everything due by `t`, then delivers what has arrived by `t` into `out`.
    pub fn step(&mut self, t: Timestamp, out: &mut Vec<VenueEvent>) {
        self.advance_to(t);
        self.poll(t, out);
    }

    fn refusal(cmd: &VenueCommand, reason: VenueReject, retry: i64, ts: Timestamp) -> VenueEvent {
        match *cmd {
            VenueCommand::New { order_id, .. } => VenueEvent::Rejected {
                order_id,
                reason,
                retry_after_ns: retry,
                ts,
            },
            VenueCommand::Cancel { order_id } => VenueEvent::CancelRejected {
                order_id,
                reason,
                ts,
            },
            VenueCommand::Replace { order_id, .. } => VenueEvent::ReplaceRejected {
                order_id,
                reason,
                ts,
            },
        }
    }

    // ---- venue side ----------------------------------------------------------------------

    /// Processes every command arrival, expiry and disconnect due by `t`, in time order.
    pub fn advance_to(&mut self, t: Timestamp) {
        loop {
            let next_in = self.inbox.peek().map(|r| r.0.at);
            let next_exp = self.expiries.peek().map(|r| r.0 .0);
            let next_disc = self.disconnect_starts.get(self.next_disconnect).copied();
            let next = [next_in, next_exp, next_disc].into_iter().flatten().min();
            let Some(at) = next.filter(|&x| x <= t) else {
                break;
            };
            self.now = self.now.max(at);
            if next_disc == Some(at) {
                self.next_disconnect += 1;
                if self.cfg.faults.cancel_on_disconnect {
                    self.cancel_all_resting();
                }
            } else if next_exp == Some(at) {
                let Reverse((_, id)) = self.expiries.pop().expect("peeked");
                self.expire(id);
            } else {
                let Reverse(item) = self.inbox.pop().expect("peeked");
                self.handle(item.cmd);
            }
        }
        self.now = self.now.max(t);
    }

    fn emit(&mut self, ev: VenueEvent) {
        if self.cfg.faults.disconnected(self.now) {
            self.stats.lost_disconnected += 1;
            return;
        }
        if FaultConfig::roll(self.cfg.faults.drop_outbound, &mut self.rng) {
            self.stats.dropped_outbound += 1;
            return;
        }
        let lat = self.cfg.latency_out.sample(&mut self.rng);
        let at = self.now.saturating_add_nanos(lat).max(self.last_out);
        self.last_out = at;
        let seq = self.next_seq();
        self.outbox.push(Reverse(OutItem { at, seq, ev }));
    }

    fn emit_ack(&mut self, order_id: OrderId) {
        let ev = VenueEvent::Accepted {
            order_id,
            ts: self.now,
        };
        if FaultConfig::roll(self.cfg.faults.delay_ack, &mut self.rng)
            && !self.cfg.faults.disconnected(self.now)
        {
            self.stats.delayed_acks += 1;
            let lat = self.cfg.latency_out.sample(&mut self.rng);
            let at = self
                .now
                .saturating_add_nanos(lat)
                .saturating_add_nanos(self.cfg.faults.delay_ack_ns);
            let seq = self.next_seq();
            // Deliberately not FIFO: later events may overtake a delayed acknowledgement.
            self.outbox.push(Reverse(OutItem { at, seq, ev }));
            return;
        }
        self.emit(ev);
    }

    fn reject(&mut self, order_id: OrderId, reason: VenueReject, retry: i64) {
        self.stats.rejected += 1;
        self.emit(VenueEvent::Rejected {
            order_id,
            reason,
            retry_after_ns: retry,
            ts: self.now,
        });
    }

    fn handle(&mut self, cmd: VenueCommand) {
        if self.cfg.faults.disconnected(self.now) {
            // The venue never sees it.
            self.stats.lost_disconnected += 1;
            return;
        }
        if let Some(b) = self.bucket.as_mut() {
            if let Err(retry) = b.take(self.now) {
                self.stats.rate_limited += 1;
                if matches!(cmd, VenueCommand::New { .. }) {
                    self.stats.rejected += 1;
                }
                let ev = Self::refusal(&cmd, VenueReject::RateLimited, retry, self.now);
                self.emit(ev);
                return;
            }
        }
        match cmd {
            VenueCommand::New { .. } => self.handle_new(cmd),
            VenueCommand::Cancel { order_id } => self.handle_cancel(order_id),
            VenueCommand::Replace {
                order_id,
                qty,
                price,
            } => self.handle_replace(order_id, qty, price),
        }
    }

    #[allow(clippy::too_many_lines)] // the checks of a new order, in the venue's order
    fn handle_new(&mut self, cmd: VenueCommand) {
        let VenueCommand::New {
            order_id,
            instrument,
            side,
            qty,
            price,
            tif,
            post_only,
            reduce_only,
        } = cmd
        else {
            return;
        };
        if self.orders.contains_key(&order_id.0) {
            return self.reject(order_id, VenueReject::Invalid, 0);
        }
        let Some(s) = self.insts.get(instrument as usize) else {
            return self.reject(order_id, VenueReject::Invalid, 0);
        };
        let (tick, lot) = (s.inst.tick().mantissa(), s.inst.lot().mantissa());
        let price_ok = price.is_none_or(|p| p > 0 && p % tick == 0);
        if qty <= 0 || qty % lot != 0 || !price_ok {
            return self.reject(order_id, VenueReject::Invalid, 0);
        }
        if FaultConfig::roll(self.cfg.faults.reject, &mut self.rng) {
            self.stats.injected_rejects += 1;
            return self.reject(order_id, VenueReject::Injected, 0);
        }
        let expires = match tif {
            TimeInForce::Gtd(t) if t <= self.now => {
                return self.reject(order_id, VenueReject::Expired, 0);
            }
            TimeInForce::Gtd(t) => Some(t),
            TimeInForce::Day => {
                let off = self.cfg.day_offset_ns;
                let d = (self.now.as_nanos() - off).div_euclid(DAY_NS) + 1;
                Some(Timestamp::from_nanos(d * DAY_NS + off))
            }
            _ => None,
        };
        let s = &self.insts[instrument as usize];
        if reduce_only {
            let pos = s.position;
            if !(pos != 0 && pos.signum() == -side.sign() && qty <= pos.abs()) {
                return self.reject(order_id, VenueReject::ReduceOnlyWouldIncrease, 0);
            }
        }
        let opp = match side {
            Side::Buy => BookSide::Ask,
            Side::Sell => BookSide::Bid,
        };
        let acceptable = |lvl: i64| match (side, price) {
            (_, None) => true,
            (Side::Buy, Some(p)) => lvl <= p,
            (Side::Sell, Some(p)) => lvl >= p,
        };
        let best = s.book.ladder(opp).best();
        let crosses = best.is_some_and(|l| acceptable(l.price));
        if post_only && crosses {
            return self.reject(order_id, VenueReject::PostOnlyWouldTake, 0);
        }
        if price.is_none() && best.is_none() {
            return self.reject(order_id, VenueReject::NoLiquidity, 0);
        }
        if tif == TimeInForce::Fok {
            let mut avail = 0i64;
            for l in s.book.ladder(opp).iter() {
                if !acceptable(l.price) || avail >= qty {
                    break;
                }
                avail += l.qty;
            }
            if avail < qty {
                self.orders.insert(
                    order_id.0,
                    SimOrder {
                        id: order_id,
                        instrument,
                        side,
                        qty,
                        filled: 0,
                        price,
                        tif,
                        status: VenueStatus::Expired,
                        ahead: 0,
                        expires: None,
                    },
                );
                self.close(order_id, VenueStatus::Expired);
                self.stats.expired += 1;
                self.emit(VenueEvent::Expired {
                    order_id,
                    ts: self.now,
                });
                return;
            }
        }
        self.orders.insert(
            order_id.0,
            SimOrder {
                id: order_id,
                instrument,
                side,
                qty,
                filled: 0,
                price,
                tif,
                status: VenueStatus::Open,
                ahead: 0,
                expires,
            },
        );
        self.stats.accepted += 1;
        self.emit_ack(order_id);
        if crosses {
            self.take(order_id);
        }
        let o = self.orders[&order_id.0];
        if o.status != VenueStatus::Open {
            return;
        }
        let immediate = matches!(tif, TimeInForce::Ioc | TimeInForce::Fok) || price.is_none();
        if immediate {
            self.close(order_id, VenueStatus::Expired);
            self.stats.expired += 1;
            self.emit(VenueEvent::Expired {
                order_id,
                ts: self.now,
            });
            return;
        }
        let s = &mut self.insts[instrument as usize];
        let own = match side {
            Side::Buy => BookSide::Bid,
            Side::Sell => BookSide::Ask,
        };
        let ahead = s.book.ladder(own).qty_at(price.unwrap_or(0));
        s.resting.push(order_id.0);
        let o = self.orders.get_mut(&order_id.0).expect("inserted");
        o.ahead = ahead;
        if let Some(t) = expires {
            self.expiries.push(Reverse((t, order_id.0)));
        }
    }

    /// An aggressive order takes liquidity from the opposite side of the book.
    fn take(&mut self, order_id: OrderId) {
        let o = self.orders[&order_id.0];
        let s = &self.insts[o.instrument as usize];
        let (tick, lot) = (s.inst.tick().mantissa(), s.inst.lot().mantissa());
        let opp = match o.side {
            Side::Buy => BookSide::Ask,
            Side::Sell => BookSide::Bid,
        };
        let mut leaves = o.qty - o.filled;
        let mut taken_lots = 0i64;
        while leaves > 0 {
            let Some(best) = self.insts[o.instrument as usize].book.ladder(opp).best() else {
                break;
            };
            let ok = match (o.side, o.price) {
                (_, None) => true,
                (Side::Buy, Some(p)) => best.price <= p,
                (Side::Sell, Some(p)) => best.price >= p,
            };
            if !ok {
                break;
            }
            let q = leaves.min(best.qty);
            taken_lots += q / lot;
            let mut px = best.price + o.side.sign() * self.cfg.impact.ticks(taken_lots) * tick;
            if let Some(limit) = o.price {
                px = match o.side {
                    Side::Buy => px.min(limit),
                    Side::Sell => px.max(limit),
                };
            }
            px = px.max(tick);
            self.insts[o.instrument as usize]
                .book
                .consume(opp, best.price, q);
            self.fill(order_id, px, q, Liquidity::Taker);
            leaves -= q;
        }
    }

    fn fill(&mut self, order_id: OrderId, price: i64, qty: i64, liq: Liquidity) {
        let o = self.orders.get_mut(&order_id.0).expect("exists");
        o.filled += qty;
        let done = o.filled >= o.qty;
        let (inst, side) = (o.instrument, o.side);
        let notional = i128::from(price) * i128::from(qty);
        let (maker, taker) = self.cfg.fees.rates(self.volume);
        let fee = fee_of(
            notional,
            match liq {
                Liquidity::Maker => maker,
                Liquidity::Taker => taker,
            },
        );
        let ns = self.insts[inst as usize].inst.price_scale()
            + self.insts[inst as usize].inst.qty_scale();
        self.volume +=
            notional * 10i128.pow(u32::from(crate::config::VOLUME_SCALE.saturating_sub(ns)));
        self.insts[inst as usize].position += side.sign() * qty;
        self.trade_id += 1;
        match liq {
            Liquidity::Maker => self.stats.maker_fills += 1,
            Liquidity::Taker => self.stats.taker_fills += 1,
        }
        if done {
            self.close(order_id, VenueStatus::Filled);
        }
        self.emit(VenueEvent::Fill {
            order_id,
            trade_id: self.trade_id,
            price,
            qty,
            fee,
            liquidity: liq,
            ts: self.now,
        });
    }

    fn close(&mut self, order_id: OrderId, status: VenueStatus) {
        if let Some(o) = self.orders.get_mut(&order_id.0) {
            o.status = status;
            let r = &mut self.insts[o.instrument as usize].resting;
            if let Some(i) = r.iter().position(|&x| x == order_id.0) {
                r.swap_remove(i);
            }
            self.closed.push_back(order_id.0);
            if self.closed.len() > MAX_CLOSED_ORDERS {
                if let Some(old) = self.closed.pop_front() {
                    self.orders.remove(&old);
                }
            }
        }
    }

    fn handle_cancel(&mut self, order_id: OrderId) {
        match self.orders.get(&order_id.0).map(|o| o.status) {
            Some(VenueStatus::Open) => {
                self.close(order_id, VenueStatus::Cancelled);
                self.stats.cancelled += 1;
                self.emit(VenueEvent::Cancelled {
                    order_id,
                    ts: self.now,
                });
            }
            Some(_) => self.emit(VenueEvent::CancelRejected {
                order_id,
                reason: VenueReject::TooLate,
                ts: self.now,
            }),
            None => self.emit(VenueEvent::CancelRejected {
                order_id,
                reason: VenueReject::UnknownOrder,
                ts: self.now,
            }),
        }
    }

    fn handle_replace(&mut self, order_id: OrderId, qty: i64, price: Option<i64>) {
        let now = self.now;
        let refuse = move |reason| VenueEvent::ReplaceRejected {
            order_id,
            reason,
            ts: now,
        };
        let Some(o) = self.orders.get(&order_id.0).copied() else {
            return self.emit(refuse(VenueReject::UnknownOrder));
        };
        if o.status != VenueStatus::Open {
            return self.emit(refuse(VenueReject::TooLate));
        }
        let s = &self.insts[o.instrument as usize];
        let (tick, lot) = (s.inst.tick().mantissa(), s.inst.lot().mantissa());
        let Some(p) = price.or(o.price) else {
            return self.emit(refuse(VenueReject::Invalid));
        };
        if qty <= o.filled || qty % lot != 0 || p <= 0 || p % tick != 0 {
            return self.emit(refuse(VenueReject::Invalid));
        }
        let (own, opp) = match o.side {
            Side::Buy => (BookSide::Bid, BookSide::Ask),
            Side::Sell => (BookSide::Ask, BookSide::Bid),
        };
        let crosses = s.book.ladder(opp).best().is_some_and(|l| match o.side {
            Side::Buy => l.price <= p,
            Side::Sell => l.price >= p,
        });
        if crosses {
            return self.emit(refuse(VenueReject::Invalid));
        }
        // Same price and not larger keeps the queue position; anything else goes to the back.
        let keeps = Some(p) == o.price && qty <= o.qty;
        let ahead = if keeps {
            o.ahead
        } else {
            s.book.ladder(own).qty_at(p)
        };
        let m = self.orders.get_mut(&order_id.0).expect("exists");
        m.qty = qty;
        m.price = Some(p);
        m.ahead = ahead;
        self.emit(VenueEvent::Replaced {
            order_id,
            qty,
            price: Some(p),
            ts: self.now,
        });
    }

    fn expire(&mut self, id: u64) {
        let Some(o) = self.orders.get(&id).copied() else {
            return;
        };
        if o.status != VenueStatus::Open || o.expires.is_none_or(|t| t > self.now) {
            return;
        }
        self.close(o.id, VenueStatus::Expired);
        self.stats.expired += 1;
        self.emit(VenueEvent::Expired {
            order_id: o.id,
            ts: self.now,
        });
    }

    fn cancel_all_resting(&mut self) {
        let ids: Vec<u64> = self
            .insts
            .iter()
            .flat_map(|s| s.resting.iter().copied())
            .collect();
        for id in ids {
            self.close(OrderId(id), VenueStatus::Cancelled);
            self.stats.cancelled += 1;
            self.emit(VenueEvent::Cancelled {
                order_id: OrderId(id),
                ts: self.now,
            });
        }
    }

    // ---- market data ---------------------------------------------------------------------

    fn inst(&mut self, id: InstrumentId) -> Result<&mut Inst, SimError> {
        self.insts
            .get_mut(id as usize)
            .ok_or(SimError::UnknownInstrument(id))
    }

    /// Replaces the book with a snapshot at `ts` (after processing everything due before).
    ///
    /// # Errors
    /// [`SimError::UnknownInstrument`] or a book error (the book is then unchanged).
    pub fn on_book_snapshot(
        &mut self,
        id: InstrumentId,
        bids: &[Level],
        asks: &[Level],
        ts: Timestamp,
    ) -> Result<(), SimError> {
        self.inst(id)?;
        self.advance_to(ts);
        let s = self.inst(id)?;
        let next = s.book.update_id() + 1;
        s.book.load_snapshot(next, bids, asks)?;
        s.traded.clear();
        self.stats.market_updates += 1;
        // Queue estimates cannot exceed the new level sizes.
        let resting = self.insts[id as usize].resting.clone();
        for oid in resting {
            let o = self.orders[&oid];
            let own = match o.side {
                Side::Buy => BookSide::Bid,
                Side::Sell => BookSide::Ask,
            };
            let lvl = self.insts[id as usize]
                .book
                .ladder(own)
                .qty_at(o.price.unwrap_or(0));
            let m = self.orders.get_mut(&oid).expect("resting");
            m.ahead = m.ahead.min(lvl);
        }
        self.sweep(id);
        Ok(())
    }

    /// Sets one level (absolute quantity; 0 removes) at `ts`, updating the queue estimates
    /// of our resting orders at that price, then fills resting orders the book now crosses.
    ///
    /// # Errors
    /// [`SimError::UnknownInstrument`] or a book error (nothing changes).
    pub fn on_book_level(
        &mut self,
        id: InstrumentId,
        side: BookSide,
        price: i64,
        qty: i64,
        ts: Timestamp,
    ) -> Result<(), SimError> {
        self.inst(id)?;
        self.advance_to(ts);
        let queue = self.cfg.queue;
        let s = self.inst(id)?;
        let old = s.book.ladder(side).qty_at(price);
        s.book.set_level(side, price, qty)?;
        let traded = s.traded.remove(&price).unwrap_or(0);
        self.stats.market_updates += 1;
        if qty < old {
            let unexplained = (old - qty - traded).max(0);
            let resting = self.insts[id as usize].resting.clone();
            for oid in resting {
                let o = self.orders.get_mut(&oid).expect("resting");
                let own = match o.side {
                    Side::Buy => BookSide::Bid,
                    Side::Sell => BookSide::Ask,
                };
                if own != side || o.price != Some(price) {
                    continue;
                }
                if let QueueModel::Probabilistic { power } = queue {
                    let ahead = o.ahead as f64;
                    let behind = (old - o.ahead).max(0) as f64;
                    let (fa, fb) = (ahead.powf(power), behind.powf(power));
                    if fa + fb > 0.0 {
                        let cut = (unexplained as f64 * fa / (fa + fb)).round() as i64;
                        o.ahead -= cut;
                    }
                }
                o.ahead = o.ahead.clamp(0, qty);
            }
        }
        self.sweep(id);
        Ok(())
    }

    /// A trade by others at `price` for `qty` at `ts`; `aggressor` is the taker's side. Our
    /// resting orders on the other side at a better price fill completely (the trade went
    /// through them); at the trade price, the quantity first consumes the queue ahead.
    ///
    /// # Errors
    /// [`SimError::UnknownInstrument`], or [`SimError::Book`] for a non-positive or off-tick
    /// price or a non-positive quantity (nothing changes).
    pub fn on_trade(
        &mut self,
        id: InstrumentId,
        price: i64,
        qty: i64,
        aggressor: Side,
        ts: Timestamp,
    ) -> Result<(), SimError> {
        let s = self.inst(id)?;
        let tick = s.inst.tick().mantissa();
        if price <= 0 || price % tick != 0 {
            return Err(SimError::Book(tachyon_book::BookError::OffTick {
                price,
                tick,
            }));
        }
        if qty <= 0 {
            return Err(SimError::Book(tachyon_book::BookError::NegativeQuantity(
                qty,
            )));
        }
        self.advance_to(ts);
        self.stats.market_updates += 1;
        *self.insts[id as usize].traded.entry(price).or_insert(0) += qty;
        let passive = aggressor.opposite();
        let mut cands: Vec<SimOrder> = self.insts[id as usize]
            .resting
            .iter()
            .map(|oid| self.orders[oid])
            .filter(|o| o.side == passive)
            .collect();
        // Price priority, then arrival (ids are increasing).
        cands.sort_by_key(|o| (o.price.unwrap_or(0) * -passive.sign(), o.id));
        let mut remaining = qty;
        for o in cands {
            let p = o.price.unwrap_or(0);
            let better = match passive {
                Side::Sell => p < price,
                Side::Buy => p > price,
            };
            let leaves = o.qty - o.filled;
            if better {
                self.fill(o.id, p, leaves, Liquidity::Maker);
            } else if p == price && remaining > 0 {
                let consumed = remaining.min(o.ahead);
                remaining -= consumed;
                let f = remaining.min(leaves);
                let m = self.orders.get_mut(&o.id.0).expect("resting");
                m.ahead -= consumed;
                if f > 0 {
                    remaining -= f;
                    self.fill(o.id, p, f, Liquidity::Maker);
                }
            }
        }
        Ok(())
    }

    /// Fills our resting orders that the book now crosses (an ask at or below our bid, a bid
    /// at or above our ask): we were resting, so we are the maker at our price.
    fn sweep(&mut self, id: InstrumentId) {
        let resting = self.insts[id as usize].resting.clone();
        for oid in resting {
            let Some(o) = self.orders.get(&oid).copied() else {
                continue;
            };
            if o.status != VenueStatus::Open {
                continue;
            }
            let p = o.price.unwrap_or(0);
            let opp = match o.side {
                Side::Buy => BookSide::Ask,
                Side::Sell => BookSide::Bid,
            };
            let mut leaves = o.qty - o.filled;
            while leaves > 0 {
                let Some(best) = self.insts[id as usize].book.ladder(opp).best() else {
                    break;
                };
                let crossed = match o.side {
                    Side::Buy => best.price <= p,
                    Side::Sell => best.price >= p,
                };
                if !crossed {
                    break;
                }
                let q = leaves.min(best.qty);
                self.insts[id as usize].book.consume(opp, best.price, q);
                self.fill(o.id, p, q, Liquidity::Maker);
                leaves -= q;
            }
        }
    }
}

/// Reusable buffers for moving events between an OMS and a simulated venue (so the loop does
/// not allocate).
#[derive(Debug, Default)]
pub struct Pump {
    cmds: Vec<tachyon_oms::VenueCommand>,
    evs: Vec<VenueEvent>,
}

impl Pump {
    /// Empty buffers.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves everything up to `now`: the OMS's commands go out, the venue processes what is
    /// due, and the events delivered by `now` come back into the OMS; repeats until nothing
    /// moves, so a zero-latency round trip completes in one call. Returns the number of venue
    /// events the OMS refused (each is counted in its stats). The events passed to the OMS
    /// are appended to `log` when one is given.
    pub fn run(
        &mut self,
        oms: &mut Oms,
        venue: &mut SimVenue,
        now: Timestamp,
        mut log: Option<&mut Vec<VenueEvent>>,
    ) -> usize {
        let mut refused = 0;
        loop {
            self.cmds.clear();
            self.evs.clear();
            oms.drain_commands(&mut self.cmds);
            venue.submit_all(&self.cmds, now);
            venue.step(now, &mut self.evs);
            refused += oms.on_venue_events(&self.evs);
            if let Some(l) = log.as_deref_mut() {
                l.extend_from_slice(&self.evs);
            }
            if self.cmds.is_empty() && self.evs.is_empty() {
                break;
            }
        }
        refused
    }
}

/// One-off [`Pump::run`] (allocates its buffers; keep a [`Pump`] in a loop).
pub fn pump(oms: &mut Oms, venue: &mut SimVenue, now: Timestamp) -> usize {
    Pump::new().run(oms, venue, now, None)
}
