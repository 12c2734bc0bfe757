//! [`BarVenue`]: the bar/trade execution model as a venue behind the OMS. It takes the OMS's
//! [`VenueCommand`]s and answers with [`VenueEvent`]s (Accepted, Fill with fee and liquidity,
//! Expired, Cancelled, CancelRejected, ReplaceRejected) under the conventions documented in
//! [`crate::session`]:
//!
//! - **Bars, [`FillAt::NextOpen`].** A market order fills at the open of the next bar of its
//!   instrument, moved against the trader by the slippage (rounded to the tick away from the
//!   trader). Taker.
//! - **Bars, [`FillAt::Close`].** A market order submitted right after a bar of its instrument
//!   fills at once at that bar's close (with slippage). Taker.
//! - **Limit orders on bars.** A buy limit `P` fills completely on the first later bar with
//!   `low ≤ P`: at the open if `open ≤ P` (taker), else at `P` (maker). Sells mirror this.
//! - **Trades.** A market order fills at the next trade's price (with slippage). A limit that
//!   was marketable when submitted fills at the next trade's price if that is within the limit
//!   (taker); a resting limit fills at its price on a trade strictly through it (maker).
//! - IOC orders live until the next bar or trade of their instrument, then expire.
//! - Book records never fill here (queue position and depth are `tachyon-sim`'s job).
//!
//! Fees are computed at the session's *cash scale* (see [`crate::ledger`]), half to even, and
//! carried in the fill event's `fee` as a cash-scale mantissa.

use tachyon_core::Timestamp;
use tachyon_oms::{Liquidity, OrderId, Side, TimeInForce, VenueCommand, VenueEvent, VenueReject};

use crate::ledger::FeeRate;
use crate::record::{Kind, Record};

/// When market orders on bars fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FillAt {
    /// At the next bar's open.
    #[default]
    NextOpen,
    /// At once, at the last close.
    Close,
}

/// Settings of a [`BarVenue`].
#[derive(Debug, Clone)]
pub struct BarVenueConfig {
    /// Taker fee.
    pub taker_fee: FeeRate,
    /// Maker fee (negative = rebate).
    pub maker_fee: FeeRate,
    /// Market-order slippage in 10⁻⁸ of price.
    pub slippage: FeeRate,
    /// Bar fill convention.
    pub fill_at: FillAt,
    /// Tick (price mantissa) per instrument.
    pub ticks: Vec<i64>,
    /// `10^(cash_scale − price_scale − qty_scale)` per instrument: `qty × price × mult` is the
    /// notional at the cash scale.
    pub mult: Vec<i128>,
}

/// What the venue needs to know about the market when a command arrives.
#[derive(Debug, Clone, Copy)]
pub struct MarketContext {
    /// Index of the first record that may fill a new order (the session's cursor).
    pub cursor: usize,
    /// Market time (ns).
    pub now: i64,
    /// Last price of the command's instrument (0 before any).
    pub mark: i64,
    /// Close of the last processed record, if it was a bar of the command's instrument.
    pub last_bar_close: Option<i64>,
}

#[derive(Debug, Clone, Copy)]
struct Working {
    id: OrderId,
    instrument: u32,
    side: Side,
    qty: i64,
    limit: Option<i64>,
    ioc: bool,
    /// Index of the first record that may fill it.
    from: usize,
    /// Seen a record of its instrument since submission (for taker/maker on limits).
    rested: bool,
}

/// The bar/trade execution model as a venue (see the module docs).
#[derive(Debug, Clone)]
pub struct BarVenue {
    cfg: BarVenueConfig,
    open: Vec<Working>,
    next_trade: u64,
}

/// `price × (1 ± rate)` on the tick grid, rounded against the trader (`up` for a buy).
#[must_use]
pub fn price_mul_bps(price: i64, rate: FeeRate, up: bool, tick: i64) -> i64 {
    if rate.0 == 0 {
        return price;
    }
    let num = i128::from(price) * (100_000_000 + if up { rate.0 } else { -rate.0 } as i128);
    let den = 100_000_000i128 * i128::from(tick);
    let ticks = if up {
        (num + den - 1).div_euclid(den)
    } else {
        num.div_euclid(den)
    };
    i64::try_from(ticks * i128::from(tick))
        .unwrap_or(price)
        .max(tick)
}

impl BarVenue {
    /// A venue with these settings (one entry of `ticks`/`mult` per instrument).
    #[must_use]
    pub fn new(cfg: BarVenueConfig) -> Self {
        Self {
            cfg,
            open: Vec::new(),
            next_trade: 0,
        }
    }

    /// `true` if any order is working (the session skips the venue otherwise).
    #[inline]
    #[must_use]
    pub fn has_open(&self) -> bool {
        !self.open.is_empty()
    }

    /// Number of working orders.
    #[must_use]
    pub fn open_count(&self) -> usize {
        self.open.len()
    }

    /// Ids of the working orders, in the venue's order.
    #[must_use]
    pub fn open_ids(&self) -> Vec<u64> {
        self.open.iter().map(|o| o.id.0).collect()
    }

    /// The session dropped `n` processed records from memory: record indices shift down.
    pub fn shift(&mut self, n: usize) {
        for o in &mut self.open {
            o.from = o.from.saturating_sub(n);
        }
    }

    /// Handles one command from the OMS.
    pub fn on_command(
        &mut self,
        cmd: &VenueCommand,
        ctx: &MarketContext,
        out: &mut Vec<VenueEvent>,
    ) {
        let ts = Timestamp::from_nanos(ctx.now.max(0));
        match *cmd {
            VenueCommand::New {
                order_id,
                instrument,
                side,
                qty,
                price,
                tif,
                ..
            } => {
                out.push(VenueEvent::Accepted { order_id, ts });
                let o = Working {
                    id: order_id,
                    instrument,
                    side,
                    qty,
                    limit: price,
                    ioc: matches!(tif, TimeInForce::Ioc | TimeInForce::Fok),
                    from: ctx.cursor,
                    rested: false,
                };
                if self.cfg.fill_at == FillAt::Close && price.is_none() {
                    if let Some(close) = ctx.last_bar_close {
                        let px = self.slipped(instrument, close, side);
                        out.push(self.fill(&o, px, false, ctx.now));
                        return;
                    }
                }
                // A limit that does not cross the last price rests from the start (maker-only).
                let marketable = match (price, side) {
                    (None, _) => true,
                    (Some(p), Side::Buy) => ctx.mark <= p,
                    (Some(p), Side::Sell) => ctx.mark >= p,
                };
                self.open.push(Working {
                    rested: !marketable,
                    ..o
                });
            }
            VenueCommand::Cancel { order_id } => {
                if let Some(k) = self.open.iter().position(|o| o.id == order_id) {
                    self.open.swap_remove(k);
                    out.push(VenueEvent::Cancelled { order_id, ts });
                } else {
                    out.push(VenueEvent::CancelRejected {
                        order_id,
                        reason: VenueReject::TooLate,
                        ts,
                    });
                }
            }
            VenueCommand::Replace { order_id, .. } => out.push(VenueEvent::ReplaceRejected {
                order_id,
                reason: VenueReject::Invalid,
                ts,
            }),
        }
    }

    /// Matches the working orders against record `idx` (a bar or a trade; other kinds do
    /// nothing), appending fills and IOC expiries.
    pub fn on_record(&mut self, idx: usize, r: &Record, out: &mut Vec<VenueEvent>) {
        let kind = match Kind::from_u8(r.kind) {
            Some(k @ (Kind::Bar | Kind::Trade)) => k,
            _ => return,
        };
        let mut k = 0;
        while k < self.open.len() {
            let o = self.open[k];
            if o.instrument != r.instrument || idx < o.from {
                k += 1;
                continue;
            }
            let fill = if kind == Kind::Bar {
                self.bar_fill(&o, r)
            } else {
                self.trade_fill(&o, r)
            };
            if let Some((price, maker)) = fill {
                self.open.swap_remove(k);
                out.push(self.fill(&o, price, maker, r.ts_ns));
                continue;
            }
            if o.ioc {
                self.open.swap_remove(k);
                out.push(VenueEvent::Expired {
                    order_id: o.id,
                    ts: Timestamp::from_nanos(r.ts_ns),
                });
                continue;
            }
            self.open[k].rested = true;
            k += 1;
        }
    }

    fn fill(&mut self, o: &Working, price: i64, maker: bool, ts: i64) -> VenueEvent {
        let rate = if maker {
            self.cfg.maker_fee
        } else {
            self.cfg.taker_fee
        };
        let i = o.instrument as usize;
        let notional = i128::from(o.qty) * i128::from(price) * self.cfg.mult[i];
        let fee = rate.fee(notional);
        self.next_trade += 1;
        VenueEvent::Fill {
            order_id: o.id,
            trade_id: self.next_trade,
            price,
            qty: o.qty,
            fee: i64::try_from(fee).unwrap_or(if fee < 0 { i64::MIN } else { i64::MAX }),
            liquidity: if maker {
                Liquidity::Maker
            } else {
                Liquidity::Taker
            },
            ts: Timestamp::from_nanos(ts),
        }
    }

    fn slipped(&self, inst: u32, price: i64, side: Side) -> i64 {
        let tick = self.cfg.ticks[inst as usize];
        price_mul_bps(price, self.cfg.slippage, side == Side::Buy, tick)
    }

    fn bar_fill(&self, o: &Working, r: &Record) -> Option<(i64, bool)> {
        let (open, high, low) = (r.a, r.b, r.c);
        match o.limit {
            None => Some((self.slipped(o.instrument, open, o.side), false)),
            Some(p) => match o.side {
                Side::Buy if open <= p => Some((open, false)),
                Side::Buy if low <= p => Some((p, true)),
                Side::Sell if open >= p => Some((open, false)),
                Side::Sell if high >= p => Some((p, true)),
                _ => None,
            },
        }
    }

    fn trade_fill(&self, o: &Working, r: &Record) -> Option<(i64, bool)> {
        let px = r.a;
        match o.limit {
            None => Some((self.slipped(o.instrument, px, o.side), false)),
            Some(p) => {
                let marketable = match o.side {
                    Side::Buy => px <= p,
                    Side::Sell => px >= p,
                };
                if !o.rested && marketable {
                    return Some((px, false));
                }
                let through = match o.side {
                    Side::Buy => px < p,
                    Side::Sell => px > p,
                };
                through.then_some((p, true))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slippage_rounds_against_the_trader() {
        // 100.00 with tick 0.01 (mantissa 10000), 10 bps → buy 100.10, sell 99.90
        assert_eq!(price_mul_bps(10_000, FeeRate(100_000), true, 1), 10_010);
        assert_eq!(price_mul_bps(10_000, FeeRate(100_000), false, 1), 9_990);
        // 1 bp of 100.00 is 0.01: tick 0.05 (mantissa 5) → up to 100.05 / down to 99.95
        assert_eq!(price_mul_bps(10_000, FeeRate(10_000), true, 5), 10_005);
        assert_eq!(price_mul_bps(10_000, FeeRate(10_000), false, 5), 9_995);
        assert_eq!(price_mul_bps(10_000, FeeRate(0), true, 5), 10_000);
    }

    fn venue() -> BarVenue {
        BarVenue::new(BarVenueConfig {
            taker_fee: FeeRate(100_000),
            maker_fee: FeeRate(-10_000),
            slippage: FeeRate(0),
            fill_at: FillAt::NextOpen,
            ticks: vec![1],
            mult: vec![1],
        })
    }

    fn new(id: u64, side: Side, qty: i64, price: Option<i64>, tif: TimeInForce) -> VenueCommand {
        VenueCommand::New {
            order_id: OrderId(id),
            instrument: 0,
            side,
            qty,
            price,
            tif,
            post_only: false,
            reduce_only: false,
        }
    }

    const CTX: MarketContext = MarketContext {
        cursor: 1,
        now: 10,
        mark: 10_000,
        last_bar_close: Some(10_000),
    };

    #[test]
    fn commands_become_events() {
        let mut v = venue();
        let mut out = Vec::new();
        v.on_command(
            &new(1, Side::Buy, 5, None, TimeInForce::Ioc),
            &CTX,
            &mut out,
        );
        v.on_command(
            &new(2, Side::Sell, 5, Some(10_300), TimeInForce::Gtc),
            &CTX,
            &mut out,
        );
        assert!(matches!(
            out[0],
            VenueEvent::Accepted {
                order_id: OrderId(1),
                ..
            }
        ));
        assert_eq!(v.open_ids(), vec![1, 2]);
        out.clear();
        // bar 1: open 100.50, high 103.00 — market buy at the open (taker), sell limit at 103 (maker)
        v.on_record(
            1,
            &Record::bar(0, 20, 10_050, 10_300, 10_000, 10_100, 1),
            &mut out,
        );
        let fills: Vec<(u64, i64, i64, Liquidity)> = out
            .iter()
            .filter_map(|e| match *e {
                VenueEvent::Fill {
                    order_id,
                    price,
                    fee,
                    liquidity,
                    ..
                } => Some((order_id.0, price, fee, liquidity)),
                _ => None,
            })
            .collect();
        // taker 10 bps of 5 × 10050 = 50.25 → 50 (half to even); maker −1 bp of 51500 = −5.15 → −5
        assert_eq!(
            fills,
            vec![
                (1, 10_050, 50, Liquidity::Taker),
                (2, 10_300, -5, Liquidity::Maker)
            ]
        );
        assert!(!v.has_open());
        out.clear();
        v.on_command(
            &VenueCommand::Cancel {
                order_id: OrderId(2),
            },
            &CTX,
            &mut out,
        );
        assert!(matches!(
            out[0],
            VenueEvent::CancelRejected {
                reason: VenueReject::TooLate,
                ..
            }
        ));
    }

    #[test]
    fn ioc_limit_expires_on_the_next_bar_of_its_instrument() {
        let mut v = venue();
        let mut out = Vec::new();
        v.on_command(
            &new(1, Side::Buy, 5, Some(9_000), TimeInForce::Ioc),
            &CTX,
            &mut out,
        );
        out.clear();
        // a trade of another instrument and a book level do nothing
        let mut other = Record::trade(1, 15, 9_000, 1, 0);
        other.instrument = 1;
        v.on_record(1, &other, &mut out);
        assert!(out.is_empty());
        v.on_record(
            2,
            &Record::bar(0, 20, 10_050, 10_300, 10_000, 10_100, 1),
            &mut out,
        );
        assert!(matches!(
            out[0],
            VenueEvent::Expired {
                order_id: OrderId(1),
                ..
            }
        ));
    }
}
