//! [`RiskGate`]: the engine's [`RiskEngine`] as the OMS's [`PreTradeGate`].
//!
//! Every order leaving the OMS (a new order or a released held order) is checked by the risk
//! engine's pre-trade checks at the OMS's time; booked fills move the engine's positions; the
//! control mode is the engine's (its breakers, kill switch and dead-man heartbeat decide it).
//!
//! Instrument ids must agree: the risk engine numbers instruments in its configured order and
//! the OMS in `add_instrument` order, so register them in the same order. The gate checks this
//! on every order (the symbols must match) and refuses with `INSTRUMENT_MISMATCH` otherwise.

use tachyon_engine::risk::{OrderIntent as RiskIntent, OrderSide, RiskEngine};
use tachyon_engine::Mode;

use crate::gate::{ControlMode, GateRejection, OrderIntent, PortfolioView, PreTradeGate};
use crate::types::{FillInfo, Side};

/// The risk engine behind the OMS's gate.
#[derive(Debug)]
pub struct RiskGate {
    engine: RiskEngine,
    fill_errors: u64,
}

impl RiskGate {
    /// Wraps a configured risk engine.
    #[must_use]
    pub fn new(engine: RiskEngine) -> Self {
        Self {
            engine,
            fill_errors: 0,
        }
    }

    /// The engine (limits, counters, transitions, control).
    #[must_use]
    pub fn engine(&self) -> &RiskEngine {
        &self.engine
    }

    /// The engine, mutably (equity updates, breaker inputs, heartbeats).
    pub fn engine_mut(&mut self) -> &mut RiskEngine {
        &mut self.engine
    }

    /// Fills the engine could not book (unknown instrument, scale mismatch, overflow). Each
    /// leaves the engine's position for that instrument unchanged.
    #[must_use]
    pub fn fill_errors(&self) -> u64 {
        self.fill_errors
    }
}

fn side(s: Side) -> OrderSide {
    match s {
        Side::Buy => OrderSide::Buy,
        Side::Sell => OrderSide::Sell,
    }
}

fn reject(code: &'static str, message: String) -> GateRejection {
    GateRejection { code, message }
}

impl PreTradeGate for RiskGate {
    fn check(&mut self, i: &OrderIntent, view: &dyn PortfolioView) -> Result<(), GateRejection> {
        let ours = view.instrument(i.instrument).map(|x| x.symbol());
        let theirs = self.engine.instrument(i.instrument).map(|x| x.symbol());
        if ours != theirs {
            return Err(reject(
                "INSTRUMENT_MISMATCH",
                format!("OMS instrument {} is {ours:?} but the risk engine's is {theirs:?}; register instruments in the same order", i.instrument),
            ));
        }
        // A market order is checked at its expected fill price: the last reference price.
        let price = i.price.or(i.mark).ok_or_else(|| {
            reject("NO_REFERENCE_PRICE", format!("market order on instrument {} needs a reference price (Oms::on_price) for the risk checks", i.instrument))
        })?;
        let intent = RiskIntent {
            instrument: i.instrument,
            side: side(i.side),
            price,
            qty: i.qty,
            stop: None,
        };
        self.engine
            .check(&intent, i.ts)
            .map(|_| ())
            .map_err(|r| reject(r.code(), r.to_string()))
    }

    fn mode(&self) -> ControlMode {
        match self.engine.mode() {
            Mode::Normal => ControlMode::Normal,
            Mode::Pause => ControlMode::Pause,
            Mode::Reduce => ControlMode::Reduce,
            Mode::Emergency => ControlMode::Emergency,
        }
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }

    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }

    fn on_fill(&mut self, f: &FillInfo) {
        if self
            .engine
            .apply_fill(f.instrument, side(f.side), f.qty, f.price)
            .is_err()
        {
            self.fill_errors += 1;
        }
    }
}
