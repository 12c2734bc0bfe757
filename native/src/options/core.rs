//! Options of the core bindings: rounding modes, instruments, event streams.

use std::time::Duration;

use napi_derive::napi;
use tachyon_core::stream::WaitStrategy;
use tachyon_core::{InstrumentSpec, Rounding};

use crate::error::{invalid_arg, Result};

/// Rounding mode for conversions that may not be exact.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingMode {
    /// Refuse inexact results (the default).
    Exact,
    /// Toward negative infinity.
    Floor,
    /// Toward positive infinity.
    Ceil,
    /// Toward zero.
    TowardZero,
    /// Nearest, ties to even.
    HalfEven,
    /// Nearest, ties away from zero.
    HalfAwayFromZero,
}

/// The core rounding for an optional JS mode (default `exact`).
#[must_use]
pub fn rounding_of(m: Option<RoundingMode>) -> Rounding {
    match m.unwrap_or(RoundingMode::Exact) {
        RoundingMode::Exact => Rounding::Exact,
        RoundingMode::Floor => Rounding::Floor,
        RoundingMode::Ceil => Rounding::Ceil,
        RoundingMode::TowardZero => Rounding::TowardZero,
        RoundingMode::HalfEven => Rounding::HalfEven,
        RoundingMode::HalfAwayFromZero => Rounding::HalfAwayFromZero,
    }
}

/// An instrument as a venue describes it; all sizes are decimal strings.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct InstrumentOptions {
    /// Venue symbol, e.g. `"BTC-USDT"`.
    pub symbol: String,
    /// Price increment, e.g. `"0.01"`. Its decimal places are the price scale.
    pub tick_size: String,
    /// Quantity increment, e.g. `"0.00001"`. Its decimal places are the quantity scale.
    pub lot_size: String,
    /// Smallest order quantity; default one lot.
    pub min_qty: Option<String>,
    /// Largest order quantity; default unlimited.
    pub max_qty: Option<String>,
    /// Smallest order notional (quote currency); default 0.
    pub min_notional: Option<String>,
    /// Largest order notional (quote currency); default unlimited.
    pub max_notional: Option<String>,
}

impl From<InstrumentOptions> for InstrumentSpec {
    fn from(o: InstrumentOptions) -> Self {
        Self {
            symbol: o.symbol,
            tick_size: o.tick_size,
            lot_size: o.lot_size,
            min_qty: o.min_qty,
            max_qty: o.max_qty,
            min_notional: o.min_notional,
            max_notional: o.max_notional,
        }
    }
}

/// How events travel from JS to the Rust consumer thread.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A `SharedArrayBuffer` ring written by JS and read in place by Rust (no call per batch).
    Ring,
    /// `pushBatch` / `pushOne` calls that copy records into a Rust ring.
    Push,
}

/// Options of a native event stream.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct EventStreamOptions {
    /// Transport; default `"ring"`.
    pub transport: Option<Transport>,
    /// Ring capacity in events (rounded up to a power of two); default 65,536, at most 2^24.
    pub capacity: Option<u32>,
    /// Idle polls spent spinning before yielding; default 2,000.
    pub spin: Option<u32>,
    /// Idle polls spent yielding before sleeping; default 100.
    pub yields: Option<u32>,
    /// Sleep between idle polls after that, in microseconds; default 50, at most 100,000.
    pub sleep_us: Option<u32>,
}

/// Validated stream configuration.
#[derive(Debug, Clone, Copy)]
pub struct StreamConfig {
    pub transport: Transport,
    pub capacity: usize,
    pub wait: WaitStrategy,
}

impl TryFrom<Option<EventStreamOptions>> for StreamConfig {
    type Error = napi::Error<crate::error::ErrorCode>;

    fn try_from(o: Option<EventStreamOptions>) -> Result<Self> {
        let o = o.unwrap_or_default();
        let capacity = o.capacity.unwrap_or(65_536) as usize;
        let max = tachyon_core::shm::MAX_CAPACITY;
        if !(2..=max).contains(&capacity) {
            return Err(invalid_arg(format!(
                "capacity must be between 2 and {max}, got {capacity}"
            )));
        }
        let d = WaitStrategy::default();
        let sleep_us = o.sleep_us.unwrap_or(50);
        if sleep_us > 100_000 {
            return Err(invalid_arg(format!(
                "sleepUs must be at most 100000, got {sleep_us}"
            )));
        }
        Ok(Self {
            transport: o.transport.unwrap_or(Transport::Ring),
            capacity: capacity.next_power_of_two(),
            wait: WaitStrategy {
                spin: o.spin.unwrap_or(d.spin),
                yields: o.yields.unwrap_or(d.yields),
                sleep: Duration::from_micros(u64::from(sleep_us)),
            },
        })
    }
}

/// A decimal scale argument.
///
/// # Errors
/// `ERR_INVALID_ARG` for a scale above 18.
pub fn scale(s: u32) -> Result<u8> {
    u8::try_from(s)
        .ok()
        .filter(|s| *s <= tachyon_core::fixed::MAX_SCALE)
        .ok_or_else(|| invalid_arg(format!("scale must be between 0 and 18, got {s}")))
}
