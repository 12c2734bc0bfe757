//! # tachyon-engine
//!
//! The hot path between models and orders. Pure Rust, no N-API.
//!
//! - [`decision`]: [`DecisionEngine`] — feature rows → score → buy/sell/hold, batched across
//!   instruments; AVX-512F / AVX2 / scalar kernels chosen at run time with bit-identical scores.
//! - [`risk`]: [`RiskEngine`] — pre-trade checks with a typed [`RiskRejection`] per limit
//!   (precision via `tachyon_core::Instrument::check_order`, quantity, notional, position,
//!   concentration, correlated exposure, heat, per-venue leverage, drawdown, daily loss, order
//!   rate), the portfolio state they read, circuit breakers, and sizing into lot-rounded
//!   quantities.
//! - [`control`]: [`Control`] — the trading [`Mode`] (Normal / Pause / Reduce / Emergency) as an
//!   atomic, the append-only transition log, the kill switch and the dead-man heartbeat
//!   ([`Watchdog`]).
//! - [`breakers`]: the panic triggers (slippage, quote staleness, spread blow-out, venue error
//!   bursts, drawdown, daily loss) with configurable thresholds and resulting modes.
//!
//! Errors are [`EngineError`] (misuse, bad config: a stable `code()` and the field name);
//! rejected orders and held instruments are data.
//!
//! The math (VaR/CVaR, Kelly and friends) lives in the kernel crate `tachyon-riskmath`.

pub mod breakers;
pub mod control;
pub mod decision;
pub mod error;
pub mod risk;

pub use control::{Control, ControlConfig, Mode, Source, Transition, Via, Watchdog};
pub use decision::{Action, Decision, DecisionEngine, HoldReason, KernelPath, StrategyConfig};
pub use error::EngineError;
pub use risk::{OrderIntent, OrderSide, RiskConfig, RiskEngine, RiskRejection};
