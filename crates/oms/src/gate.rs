//! The pre-trade gate the OMS consults before any order leaves it, and the control modes.
//!
//! The OMS enforces the [`ControlMode`] itself (Pause: no new orders; Reduce: only orders that
//! reduce a position; Emergency: nothing new, and [`crate::Oms::emergency_flatten`] cancels and
//! flattens), then asks the gate's [`PreTradeGate::check`] for everything else (limits,
//! exposure, rate). The risk engine implements this trait; [`BasicGate`] is a small
//! implementation for tests and simple setups, [`AllowAll`] lets everything through.

use tachyon_core::{Instrument, InstrumentId, Price, Quantity, Rounding, Timestamp};

use crate::types::{FillInfo, OrderType, Side};

/// The risk engine's control mode, as the OMS sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum ControlMode {
    /// Trading normally.
    #[default]
    Normal = 0,
    /// No new orders (cancels still work; held stops may still trigger).
    Pause = 1,
    /// Only orders that reduce a position.
    Reduce = 2,
    /// Nothing new; cancel everything and flatten.
    Emergency = 3,
}

/// An order about to leave the OMS (a new order, or a held order being triggered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderIntent {
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Order type as submitted.
    pub order_type: OrderType,
    /// Quantity.
    pub qty: Quantity,
    /// Limit price, if any.
    pub price: Option<Price>,
    /// Reduce-only flag.
    pub reduce_only: bool,
    /// `true` if, given the current position, this order can only reduce it.
    pub reduces_position: bool,
    /// `true` for a held order being released (trigger or OTO parent fill), `false` for a
    /// new submission.
    pub is_release: bool,
    /// The last reference price given to the OMS for the instrument (`Oms::on_price`): the
    /// expected fill price of a market order for checks that need one.
    pub mark: Option<Price>,
    /// The OMS's current time (the latest `now` it was given).
    pub ts: Timestamp,
}

/// What the gate may read about the book of positions and open orders.
pub trait PortfolioView {
    /// The instrument spec.
    fn instrument(&self, id: InstrumentId) -> Option<&Instrument>;
    /// Net position (signed: long positive).
    fn position(&self, id: InstrumentId) -> Quantity;
    /// Quantity of open (working or held) orders on one side.
    fn open_qty(&self, id: InstrumentId, side: Side) -> Quantity;
    /// Number of open orders across all instruments.
    fn open_orders(&self) -> usize;
    /// Last reference price passed to the OMS for the instrument.
    fn mark(&self, id: InstrumentId) -> Option<Price>;
}

/// A refusal by the gate: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateRejection {
    /// Stable code, e.g. `MAX_POSITION`.
    pub code: &'static str,
    /// What was wrong.
    pub message: String,
}

/// Consulted before every order leaves the OMS.
pub trait PreTradeGate: Send {
    /// Accepts or refuses an order.
    ///
    /// # Errors
    /// The refusal, which the OMS records on a rejected order.
    fn check(
        &mut self,
        intent: &OrderIntent,
        view: &dyn PortfolioView,
    ) -> Result<(), GateRejection>;

    /// The current control mode.
    fn mode(&self) -> ControlMode;

    /// Told about every booked fill (for exposure and loss tracking). Default: ignore.
    fn on_fill(&mut self, _fill: &FillInfo) {}

    /// Asks the gate to switch to `mode` (an operator command). Returns `false` if this gate
    /// takes its mode from elsewhere (e.g. a risk engine with its own triggers). Default:
    /// `false`.
    fn set_mode(&mut self, _mode: ControlMode) -> bool {
        false
    }

    /// The gate as [`Any`](std::any::Any), so an owner of the OMS can reach a concrete gate
    /// (e.g. the risk engine behind [`crate::RiskGate`]) without keeping a second copy of its
    /// state. Default: `None`.
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }

    /// Mutable [`PreTradeGate::as_any`]. Default: `None`.
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        None
    }
}

/// Lets everything through in [`ControlMode::Normal`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl PreTradeGate for AllowAll {
    fn check(&mut self, _: &OrderIntent, _: &dyn PortfolioView) -> Result<(), GateRejection> {
        Ok(())
    }
    fn mode(&self) -> ControlMode {
        ControlMode::Normal
    }
}

/// A simple gate: a settable control mode, a maximum order quantity, a maximum absolute
/// position (counting open orders on the increasing side) and a maximum number of open
/// orders. Quantity limits are compared numerically at each instrument's scale (a limit
/// finer than the instrument's lot is floored to it); `None` means no limit.
#[derive(Debug, Clone, Default)]
pub struct BasicGate {
    /// Control mode reported to the OMS.
    pub mode: ControlMode,
    /// Largest quantity of one order.
    pub max_order_qty: Option<Quantity>,
    /// Largest absolute position including open orders that would increase it.
    pub max_position: Option<Quantity>,
    /// Largest number of open orders.
    pub max_open_orders: Option<usize>,
    /// Orders checked.
    pub checked: u64,
    /// Orders refused.
    pub refused: u64,
}

impl PreTradeGate for BasicGate {
    fn check(
        &mut self,
        intent: &OrderIntent,
        view: &dyn PortfolioView,
    ) -> Result<(), GateRejection> {
        self.checked += 1;
        let r = self.decide(intent, view);
        if r.is_err() {
            self.refused += 1;
        }
        r
    }

    fn mode(&self) -> ControlMode {
        self.mode
    }

    fn set_mode(&mut self, mode: ControlMode) -> bool {
        self.mode = mode;
        true
    }
}

impl BasicGate {
    fn decide(&self, i: &OrderIntent, view: &dyn PortfolioView) -> Result<(), GateRejection> {
        let q = i.qty.mantissa();
        let at_scale = |m: Quantity| {
            m.rescale(i.qty.scale(), Rounding::Floor)
                .map_or(i64::MAX, Quantity::mantissa)
        };
        if let Some(max) = self.max_order_qty {
            if q > at_scale(max) {
                return Err(GateRejection {
                    code: "MAX_ORDER_QTY",
                    message: format!("order quantity {} is above the limit {max}", i.qty),
                });
            }
        }
        if let Some(max) = self.max_open_orders {
            if !i.is_release && view.open_orders() >= max {
                return Err(GateRejection {
                    code: "MAX_OPEN_ORDERS",
                    message: format!("{} open orders; the limit is {max}", view.open_orders()),
                });
            }
        }
        if let Some(max) = self.max_position {
            let max = at_scale(max);
            if !i.reduces_position {
                let pos = view.position(i.instrument).mantissa();
                let open = view.open_qty(i.instrument, i.side).mantissa();
                let after = (pos + i.side.sign() * (open + q)).abs();
                if after > max {
                    return Err(GateRejection {
                        code: "MAX_POSITION",
                        message: format!(
                            "position would reach {} with open orders; the limit is {}",
                            Quantity::from_mantissa(after, i.qty.scale()).unwrap_or(i.qty),
                            Quantity::from_mantissa(max, i.qty.scale()).unwrap_or(i.qty),
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}
