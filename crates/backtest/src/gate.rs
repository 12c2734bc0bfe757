//! [`SessionGate`]: the session's pre-trade checks as the OMS's [`PreTradeGate`].
//!
//! The OMS itself validates what it can see in a request (instrument, quantity on the lot
//! grid and within min/max, a limit price on the tick grid, a limit order's notional). This
//! gate adds what needs the account:
//! - `NO_PRICE`: a market order before any price of its instrument;
//! - `NOTIONAL` / `BAD_QUANTITY`: a market order's notional at the last price;
//! - `MAX_POSITION`: the position after the order, with the instrument's working orders, beyond
//!   `max_position` (orders that reduce the position always pass);
//! - `LEVERAGE`: gross exposure after the order (at its reference price) beyond
//!   `max_leverage × equity`.
//!
//! The account (equity, positions, last prices) is the session's exact ledger, handed over in
//! an [`AccountView`] snapshot before each submission. An optional second gate (for instance
//! `tachyon_oms::RiskGate`, the decision engine's risk engine) is consulted after these checks;
//! its control mode is the gate's mode and it sees every booked fill.

use std::sync::{Arc, Mutex, PoisonError};

use tachyon_core::Price;
use tachyon_oms::{
    ControlMode, FillInfo, GateRejection, OrderIntent, PortfolioView, PreTradeGate, Side,
};

use crate::session::Reject;

/// What the gate reads of the session's ledger (refreshed before every submission).
#[derive(Debug, Clone, Default)]
pub struct AccountView {
    /// Exact equity at the cash scale, as a float.
    pub equity: f64,
    /// Position mantissa per instrument.
    pub qty: Vec<i64>,
    /// Last price mantissa per instrument (0 before any).
    pub mark: Vec<i64>,
    /// A price seen per instrument.
    pub seen: Vec<bool>,
}

/// The session's pre-trade gate (see the module docs).
pub struct SessionGate {
    max_position: Vec<Option<i64>>,
    max_leverage: Option<f64>,
    /// Cash-scale multiplier per instrument (as the ledger's).
    mult: Vec<i128>,
    account: Arc<Mutex<AccountView>>,
    extra: Option<Box<dyn PreTradeGate>>,
}

impl std::fmt::Debug for SessionGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionGate")
            .field("max_position", &self.max_position)
            .field("max_leverage", &self.max_leverage)
            .field("extra", &self.extra.is_some())
            .finish_non_exhaustive()
    }
}

fn refuse(r: Reject, message: String) -> GateRejection {
    GateRejection {
        code: r.code(),
        message,
    }
}

impl SessionGate {
    /// A gate with these limits reading `account`.
    #[must_use]
    pub fn new(
        max_position: Vec<Option<i64>>,
        max_leverage: Option<f64>,
        mult: Vec<i128>,
        account: Arc<Mutex<AccountView>>,
        extra: Option<Box<dyn PreTradeGate>>,
    ) -> Self {
        Self {
            max_position,
            max_leverage,
            mult,
            account,
            extra,
        }
    }

    fn own(&self, i: &OrderIntent, view: &dyn PortfolioView) -> Result<(), GateRejection> {
        let k = i.instrument as usize;
        let inst = view.instrument(i.instrument).ok_or_else(|| {
            refuse(
                Reject::UnknownInstrument,
                format!("instrument {}", i.instrument),
            )
        })?;
        let acct = self.account.lock().unwrap_or_else(PoisonError::into_inner);
        let q = i.qty.mantissa();
        let reference = match i.price {
            Some(p) => p.mantissa(),
            None => {
                if !acct.seen.get(k).copied().unwrap_or(false) {
                    return Err(refuse(
                        Reject::NoPrice,
                        format!("no price of {} seen yet for a market order", inst.symbol()),
                    ));
                }
                // The OMS checked a limit order's notional; a market order's is checked here
                // at the last price.
                let mark = acct.mark[k];
                let price = Price::from_mantissa(mark, inst.price_scale())
                    .map_err(|e| refuse(Reject::BadPrice, e.to_string()))?;
                if let Err(e) = inst.check_order(price, i.qty) {
                    let r = match e.code() {
                        "BELOW_MIN_NOTIONAL" | "ABOVE_MAX_NOTIONAL" | "NOTIONAL_OVERFLOW" => {
                            Reject::Notional
                        }
                        "NON_POSITIVE_PRICE" | "OFF_TICK" | "WRONG_SCALE" => Reject::BadPrice,
                        _ => Reject::BadQuantity,
                    };
                    return Err(refuse(r, e.to_string()));
                }
                mark
            }
        };
        let pos = acct.qty[k];
        let s = i128::from(i.side.sign());
        let after = i128::from(pos) + s * i128::from(q);
        // The OMS counts the order being checked as open already: the other working orders
        // of the instrument are the open quantity net of it.
        let open = |side| i128::from(view.open_qty(i.instrument, side).mantissa());
        let pending = open(Side::Buy) - open(Side::Sell) - s * i128::from(q);
        let reduces = after.abs() < i128::from(pos).abs();
        if reduces {
            return Ok(());
        }
        if let Some(max) = self.max_position[k] {
            if (after + pending).abs() > i128::from(max) {
                return Err(refuse(
                    Reject::MaxPosition,
                    format!(
                        "position would reach {} (mantissa, with working orders); the limit is {max}",
                        after + pending
                    ),
                ));
            }
        }
        if let Some(lev) = self.max_leverage {
            let mut gross = 0.0;
            for (j, (&p, &m)) in acct.qty.iter().zip(&acct.mark).enumerate() {
                let (qj, mark) = if j == k {
                    (after + pending, reference)
                } else {
                    (i128::from(p), m)
                };
                gross += ((i128::from(mark) * self.mult[j]) as f64 * qj as f64).abs();
            }
            if gross > lev * acct.equity {
                return Err(refuse(
                    Reject::Leverage,
                    format!(
                        "gross exposure {gross} would exceed {lev} × equity {} (cash-scale mantissas)",
                        acct.equity
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl PreTradeGate for SessionGate {
    fn check(&mut self, i: &OrderIntent, view: &dyn PortfolioView) -> Result<(), GateRejection> {
        self.own(i, view)?;
        match &mut self.extra {
            Some(g) => g.check(i, view),
            None => Ok(()),
        }
    }

    fn mode(&self) -> ControlMode {
        self.extra
            .as_ref()
            .map_or(ControlMode::Normal, |g| g.mode())
    }

    fn on_fill(&mut self, fill: &FillInfo) {
        if let Some(g) = &mut self.extra {
            g.on_fill(fill);
        }
    }

    fn set_mode(&mut self, mode: ControlMode) -> bool {
        self.extra.as_mut().is_some_and(|g| g.set_mode(mode))
    }
}
