//! # tachyon-oms
//!
//! Order management for Tachyon: event-driven (requests and venue events in, venue commands
//! and fixed-size execution reports out), deterministic, exact (fixed-point throughout).
//!
//! - [`Oms`]: the order state machine ([`OrderStatus`], every transition validated), idempotent
//!   client order ids with a bounded dedup window, partial fills with a volume-weighted
//!   average price, TIF GTC/IOC/FOK/GTD/DAY, post-only, reduce-only, OCO/OTO/bracket orders,
//!   stops and trailing stops held by the OMS, cancel-replace, emergency flatten, and recovery
//!   from a journal (`restore_fill`, `restore_order`).
//! - [`PreTradeGate`] and [`ControlMode`]: what the OMS consults before any order leaves it
//!   (the risk engine implements the trait; [`BasicGate`] and [`AllowAll`] are simple ones).
//! - [`Position`]: net positions with exact realized/unrealized P&L and fees.
//! - [`recon`]: reconciliation against a venue's open orders and positions.
//! - [`algo`]: TWAP, VWAP, POV and Iceberg child-order schedulers.
//! - [`types`]: ids, [`OrderRequest`], [`VenueCommand`], [`VenueEvent`], and the 64-byte
//!   `#[repr(C)]` [`ExecReport`].
//!
//! Bad input (unknown instrument, off-tick price, zero/negative quantity, duplicate client
//! id, an impossible venue event) is a typed [`OmsError`], counted in [`OmsStats`], and leaves
//! the OMS unchanged. A refusal by the control mode, the gate or the venue is a domain outcome:
//! the order ends `Rejected` with a [`Reason`] and a report.
//!
//! No feature flags.

pub mod algo;
pub mod error;
pub mod gate;
pub mod oms;
pub mod order;
pub mod position;
pub mod recon;
pub mod risk_gate;
pub mod types;

pub use algo::{
    AlgoProgress, AlgoState, ExecAlgo, IcebergAlgo, ParentOrder, PovAlgo, ScheduleAlgo,
};
pub use error::OmsError;
pub use gate::{
    AllowAll, BasicGate, ControlMode, GateRejection, OrderIntent, PortfolioView, PreTradeGate,
};
pub use oms::{venue_reject_of, Oms, OmsConfig, OmsStats, SubmitOutcome};
pub use order::{Order, OrderStatus};
pub use position::Position;
pub use recon::{Discrepancy, ReconReport, VenueOrder, VenuePosition};
pub use risk_gate::RiskGate;
pub use types::{
    ClientOrderId, ExecReport, FillInfo, Liquidity, OrderId, OrderRequest, OrderType, Reason,
    ReportKind, Side, TimeInForce, VenueCommand, VenueEvent, VenueReject, REPORT_SIZE,
};
