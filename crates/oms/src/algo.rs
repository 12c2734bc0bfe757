//! Execution algorithms: child-order schedulers on top of the [`Oms`].
//!
//! Every child goes through [`Oms::submit`], so the control mode and the pre-trade gate see
//! each one. An algorithm reacts to the risk engine: in Pause (or when the gate refuses a
//! child) it pauses and retries at the next timer; in Emergency it cancels its children and
//! stops. Quantities are integer lots: the children of a parent always add up to at most the
//! parent quantity, exactly, and a schedule's cumulative targets are floors of exact integer
//! fractions (the last bucket targets the whole quantity).
//!
//! - [`ScheduleAlgo::twap`]: equal slices between `start` and `end`.
//! - [`ScheduleAlgo::vwap`]: slices proportional to a historical volume profile.
//! - [`PovAlgo`]: a fixed share of the market volume the caller reports.
//! - [`IcebergAlgo`]: one visible limit child of `display` size at a time.
//!
//! Schedule and POV children are IOC (market, or limit at the parent's limit price); an
//! unfilled remainder rolls into the next target. Feed the OMS's reports to
//! [`ExecAlgo::on_report`] and call [`ExecAlgo::on_timer`] regularly.

use tachyon_core::{InstrumentId, Price, Quantity, Timestamp};

use crate::gate::ControlMode;
use crate::oms::Oms;
use crate::order::OrderStatus;
use crate::types::{
    ClientOrderId, ExecReport, OrderId, OrderRequest, OrderType, Reason, ReportKind, Side,
    TimeInForce,
};
use crate::OmsError;

/// Where an algorithm is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum AlgoState {
    /// Sending children.
    Running = 1,
    /// Waiting: the control mode or the gate refused; retried at the next timer.
    Paused = 2,
    /// Parent quantity filled, or the schedule ended.
    Done = 3,
    /// Stopped by Emergency, by the caller, or by a child that can never be valid.
    Stopped = 4,
}

/// The parent order an algorithm works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentOrder {
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Total quantity.
    pub qty: Quantity,
    /// Limit price for children (`None`: market children; required for an iceberg).
    pub limit: Option<Price>,
    /// Prefix of child client ids (`<prefix>-<n>`, at most 24 characters).
    pub client_prefix: String,
}

/// Progress of an algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlgoProgress {
    /// State.
    pub state: AlgoState,
    /// Quantity the schedule wants done by now (mantissa).
    pub target: i64,
    /// Filled quantity (mantissa).
    pub filled: i64,
    /// Quantity in live children (mantissa).
    pub working: i64,
    /// Children sent.
    pub children: u32,
    /// Children refused (by the control mode, the gate or the venue).
    pub refused: u32,
    /// Why the algorithm last paused or stopped.
    pub last_reason: Reason,
}

/// A child-order scheduler.
pub trait ExecAlgo {
    /// Time passes: send what the schedule asks for.
    fn on_timer(&mut self, now: Timestamp, oms: &mut Oms);
    /// An execution report from the OMS (reports of other orders are ignored).
    fn on_report(&mut self, report: &ExecReport);
    /// Market volume traded by others (for participation algorithms; others ignore it).
    fn on_market_volume(&mut self, _qty: i64) {}
    /// Progress.
    fn progress(&self) -> AlgoProgress;
    /// Cancels live children and stops.
    fn stop(&mut self, now: Timestamp, oms: &mut Oms);
}

#[derive(Debug, Clone, Copy)]
struct Child {
    id: OrderId,
    qty: i64,
    filled: i64,
    open: bool,
}

/// State shared by every algorithm: children, fills, the refusal policy.
#[derive(Debug, Clone)]
struct Core {
    parent: ParentOrder,
    total: i64,
    lot: i64,
    min_qty: i64,
    children: Vec<Child>,
    filled: i64,
    working: i64,
    sent: u32,
    refused: u32,
    state: AlgoState,
    last_reason: Reason,
}

impl Core {
    fn new(parent: ParentOrder, oms: &Oms) -> Result<Self, OmsError> {
        let inst = oms
            .instrument(parent.instrument)
            .ok_or(OmsError::UnknownInstrument(parent.instrument))?;
        inst.check_qty(parent.qty).map_err(OmsError::Instrument)?;
        if let Some(p) = parent.limit {
            inst.check_price(p).map_err(OmsError::Instrument)?;
        }
        if parent.client_prefix.len() > 24 {
            return Err(OmsError::BadClientId(parent.client_prefix.clone()));
        }
        ClientOrderId::new(&format!("{}-0", parent.client_prefix))?;
        Ok(Self {
            total: parent.qty.mantissa(),
            lot: inst.lot().mantissa(),
            min_qty: inst.min_qty().mantissa(),
            parent,
            children: Vec::new(),
            filled: 0,
            working: 0,
            sent: 0,
            refused: 0,
            state: AlgoState::Running,
            last_reason: Reason::None,
        })
    }

    fn remaining(&self) -> i64 {
        self.total - self.filled - self.working
    }

    fn floor_lot(&self, q: i64) -> i64 {
        q - q.rem_euclid(self.lot)
    }

    fn on_report(&mut self, r: &ExecReport) {
        let Some(c) = self.children.iter_mut().find(|c| c.id.0 == r.order_id) else {
            return;
        };
        if !c.open {
            return;
        }
        if matches!(r.kind, x if x == ReportKind::PartialFill as u8 || x == ReportKind::Fill as u8)
        {
            c.filled += r.last_qty;
            self.filled += r.last_qty;
            self.working -= r.last_qty;
        }
        let terminal = OrderStatus::from_u8(r.status).is_some_and(OrderStatus::is_terminal);
        if terminal {
            c.open = false;
            self.working -= c.qty - c.filled;
            if r.kind == ReportKind::Rejected as u8 {
                self.refused += 1;
            }
        }
        if self.filled >= self.total {
            self.state = AlgoState::Done;
        }
    }

    /// Checks the control mode before sending. `false` = do not send now.
    fn mode_allows(&mut self, now: Timestamp, oms: &mut Oms) -> bool {
        match oms.gate().mode() {
            ControlMode::Normal | ControlMode::Reduce => {
                if self.state == AlgoState::Paused {
                    self.state = AlgoState::Running;
                }
                true
            }
            ControlMode::Pause => {
                self.state = AlgoState::Paused;
                self.last_reason = Reason::ControlPause;
                false
            }
            ControlMode::Emergency => {
                self.last_reason = Reason::ControlEmergency;
                self.stop(now, oms);
                false
            }
        }
    }

    fn send(
        &mut self,
        qty: i64,
        order_type: OrderType,
        tif: TimeInForce,
        now: Timestamp,
        oms: &mut Oms,
    ) {
        let p = &self.parent;
        let Ok(client_id) = ClientOrderId::new(&format!("{}-{}", p.client_prefix, self.sent))
        else {
            self.state = AlgoState::Stopped;
            return;
        };
        let Ok(q) = Quantity::from_mantissa(qty, p.qty.scale()) else {
            self.state = AlgoState::Stopped;
            return;
        };
        let req = OrderRequest {
            client_id,
            instrument: p.instrument,
            side: p.side,
            order_type,
            qty: q,
            price: if order_type == OrderType::Limit {
                p.limit
            } else {
                None
            },
            trigger: None,
            trail: None,
            tif,
            post_only: false,
            reduce_only: false,
        };
        self.sent += 1;
        match oms.submit(&req, now) {
            Ok(out) if out.status == OrderStatus::Rejected => {
                self.refused += 1;
                self.last_reason = out.reason;
                self.state = if out.reason == Reason::ControlEmergency {
                    AlgoState::Stopped
                } else {
                    AlgoState::Paused
                };
            }
            Ok(out) => {
                self.children.push(Child {
                    id: out.order_id,
                    qty,
                    filled: 0,
                    open: true,
                });
                self.working += qty;
            }
            Err(_) => {
                // A child that can never be valid (e.g. below the minimum notional).
                self.refused += 1;
                self.state = AlgoState::Stopped;
            }
        }
    }

    fn stop(&mut self, now: Timestamp, oms: &mut Oms) {
        for c in self.children.iter().filter(|c| c.open) {
            let _ = oms.cancel(c.id, now);
        }
        if self.state != AlgoState::Done {
            self.state = AlgoState::Stopped;
        }
    }

    fn ioc_child(&self) -> (OrderType, TimeInForce) {
        match self.parent.limit {
            Some(_) => (OrderType::Limit, TimeInForce::Ioc),
            None => (OrderType::Market, TimeInForce::Ioc),
        }
    }

    fn progress(&self, target: i64) -> AlgoProgress {
        AlgoProgress {
            state: self.state,
            target,
            filled: self.filled,
            working: self.working,
            children: self.sent,
            refused: self.refused,
            last_reason: self.last_reason,
        }
    }

    fn active(&self) -> bool {
        matches!(self.state, AlgoState::Running | AlgoState::Paused)
    }

    /// Sends `target − filled − working` (floored to the lot) if it is at least the
    /// instrument minimum, or whatever remains once the target is the whole quantity.
    fn chase(&mut self, target: i64, now: Timestamp, oms: &mut Oms) {
        let want = self.floor_lot(target.min(self.total) - self.filled - self.working);
        if want <= 0 || self.remaining() <= 0 {
            return;
        }
        if want < self.min_qty && target < self.total {
            return;
        }
        let (t, tif) = self.ioc_child();
        self.send(want, t, tif, now, oms);
    }
}

/// TWAP and VWAP: cumulative targets from a schedule of buckets between `start` and `end`.
#[derive(Debug, Clone)]
pub struct ScheduleAlgo {
    core: Core,
    start: Timestamp,
    end: Timestamp,
    /// Cumulative bucket weights.
    cum: Vec<u128>,
    target: i64,
    final_sent: bool,
}

impl ScheduleAlgo {
    /// TWAP: `slices` equal slices between `start` and `end`.
    ///
    /// # Errors
    /// [`OmsError::InvalidOrder`] for no slices or `end <= start`; instrument errors for the
    /// parent quantity or limit.
    pub fn twap(
        parent: ParentOrder,
        start: Timestamp,
        end: Timestamp,
        slices: u32,
        oms: &Oms,
    ) -> Result<Self, OmsError> {
        Self::vwap(parent, start, end, &vec![1; slices as usize], oms)
    }

    /// VWAP: one bucket per entry of `profile` (historical volume of each equal time bucket);
    /// the target after bucket `i` is `total × Σ_{j≤i} profile[j] / Σ profile`.
    ///
    /// # Errors
    /// [`OmsError::InvalidOrder`] for an empty or all-zero profile or `end <= start`;
    /// instrument errors for the parent quantity or limit.
    pub fn vwap(
        parent: ParentOrder,
        start: Timestamp,
        end: Timestamp,
        profile: &[u64],
        oms: &Oms,
    ) -> Result<Self, OmsError> {
        if end <= start {
            return Err(OmsError::InvalidOrder(
                "the schedule must end after it starts",
            ));
        }
        let mut cum = Vec::with_capacity(profile.len());
        let mut acc = 0u128;
        for &w in profile {
            acc += u128::from(w);
            cum.push(acc);
        }
        if acc == 0 {
            return Err(OmsError::InvalidOrder(
                "the volume profile needs at least one positive bucket",
            ));
        }
        Ok(Self {
            core: Core::new(parent, oms)?,
            start,
            end,
            cum,
            target: 0,
            final_sent: false,
        })
    }

    /// Cumulative target (mantissa, floored to the lot) at `now`.
    #[must_use]
    pub fn target_at(&self, now: Timestamp) -> i64 {
        if now < self.start {
            return 0;
        }
        if now >= self.end {
            return self.core.total;
        }
        let n = self.cum.len() as i128;
        let span = i128::from(self.end.nanos_since(self.start));
        let el = i128::from(now.nanos_since(self.start));
        // buckets completed or started: bucket b covers [b·span/n, (b+1)·span/n)
        let b = ((el * n) / span) as usize; // current bucket, < n
        let w = self.cum[b];
        let all = *self.cum.last().unwrap_or(&1);
        let t = (i128::from(self.core.total) * w as i128 / all as i128) as i64;
        self.core.floor_lot(t)
    }
}

impl ExecAlgo for ScheduleAlgo {
    fn on_timer(&mut self, now: Timestamp, oms: &mut Oms) {
        if !self.core.active() || !self.core.mode_allows(now, oms) {
            return;
        }
        self.target = self.target_at(now);
        if now < self.end {
            self.core.chase(self.target, now, oms);
        } else if !self.final_sent {
            // One last sweep for the whole remainder at the end of the schedule.
            self.final_sent = true;
            self.core.chase(self.core.total, now, oms);
        } else if self.core.working == 0 && self.core.state == AlgoState::Running {
            // Schedule over, nothing in flight: what is not filled is the shortfall.
            self.core.state = AlgoState::Done;
        }
    }
    fn on_report(&mut self, r: &ExecReport) {
        self.core.on_report(r);
    }
    fn progress(&self) -> AlgoProgress {
        self.core.progress(self.target)
    }
    fn stop(&mut self, now: Timestamp, oms: &mut Oms) {
        self.core.stop(now, oms);
    }
}

/// Percentage of volume: target = `rate_ppm / 1e6` of the market volume reported through
/// [`ExecAlgo::on_market_volume`] since the start (capped at the parent quantity). Children
/// are sent when the gap to the target reaches `min_child` (mantissa; at least the
/// instrument minimum).
#[derive(Debug, Clone)]
pub struct PovAlgo {
    core: Core,
    rate_ppm: u32,
    min_child: i64,
    market_volume: i128,
}

impl PovAlgo {
    /// A POV algorithm.
    ///
    /// # Errors
    /// [`OmsError::InvalidOrder`] for a rate of 0 or above 100%; instrument errors.
    pub fn new(
        parent: ParentOrder,
        rate_ppm: u32,
        min_child: i64,
        oms: &Oms,
    ) -> Result<Self, OmsError> {
        if rate_ppm == 0 || rate_ppm > 1_000_000 {
            return Err(OmsError::InvalidOrder(
                "the participation rate must be in (0, 1_000_000] ppm",
            ));
        }
        let core = Core::new(parent, oms)?;
        let min_child = min_child.max(core.min_qty).max(core.lot);
        Ok(Self {
            core,
            rate_ppm,
            min_child,
            market_volume: 0,
        })
    }

    fn target(&self) -> i64 {
        let t = self.market_volume * i128::from(self.rate_ppm) / 1_000_000;
        self.core
            .floor_lot(i64::try_from(t).unwrap_or(i64::MAX).min(self.core.total))
    }
}

impl ExecAlgo for PovAlgo {
    fn on_timer(&mut self, now: Timestamp, oms: &mut Oms) {
        if !self.core.active() || !self.core.mode_allows(now, oms) {
            return;
        }
        let target = self.target();
        let gap = target - self.core.filled - self.core.working;
        if gap >= self.min_child || (target == self.core.total && gap > 0) {
            self.core.chase(target, now, oms);
        }
    }
    fn on_report(&mut self, r: &ExecReport) {
        self.core.on_report(r);
    }
    fn on_market_volume(&mut self, qty: i64) {
        if qty > 0 {
            self.market_volume += i128::from(qty);
        }
    }
    fn progress(&self) -> AlgoProgress {
        self.core.progress(self.target())
    }
    fn stop(&mut self, now: Timestamp, oms: &mut Oms) {
        self.core.stop(now, oms);
    }
}

/// Iceberg: one GTC limit child of at most `display` quantity at the parent's limit price;
/// the next child goes out when the previous one is closed.
#[derive(Debug, Clone)]
pub struct IcebergAlgo {
    core: Core,
    display: i64,
}

impl IcebergAlgo {
    /// An iceberg showing `display` (a quantity on the lot grid, at least the minimum).
    ///
    /// # Errors
    /// [`OmsError::InvalidOrder`] without a limit price; instrument errors for `display`.
    pub fn new(parent: ParentOrder, display: Quantity, oms: &Oms) -> Result<Self, OmsError> {
        if parent.limit.is_none() {
            return Err(OmsError::InvalidOrder("an iceberg needs a limit price"));
        }
        let inst = oms
            .instrument(parent.instrument)
            .ok_or(OmsError::UnknownInstrument(parent.instrument))?;
        inst.check_qty(display).map_err(OmsError::Instrument)?;
        Ok(Self {
            core: Core::new(parent, oms)?,
            display: display.mantissa(),
        })
    }
}

impl ExecAlgo for IcebergAlgo {
    fn on_timer(&mut self, now: Timestamp, oms: &mut Oms) {
        if !self.core.active() || !self.core.mode_allows(now, oms) {
            return;
        }
        if self.core.working > 0 {
            return;
        }
        let rest = self.core.remaining();
        if rest <= 0 {
            return;
        }
        let q = self.display.min(rest);
        self.core
            .send(q, OrderType::Limit, TimeInForce::Gtc, now, oms);
    }
    fn on_report(&mut self, r: &ExecReport) {
        self.core.on_report(r);
    }
    fn progress(&self) -> AlgoProgress {
        self.core.progress(self.core.total)
    }
    fn stop(&mut self, now: Timestamp, oms: &mut Oms) {
        self.core.stop(now, oms);
    }
}
