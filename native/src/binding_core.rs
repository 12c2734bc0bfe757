//! Bindings of `tachyon_core`: fixed-point values, instruments, clocks, latency histograms.

use napi::bindgen_prelude::{ArrayBuffer, BigInt, Either, Float64Array, Uint8ArraySlice};
use napi_derive::napi;
use tachyon_core::{
    Clock, Instrument, LatencyHistogram, MonotonicClock, Notional, Price, Quantity, Rejection,
    SimClock, Timestamp,
};

use crate::error::{invalid_arg, OrThrow, Result};
use crate::options::{
    bigint_i64, rounding_of, safe_integer, scale, InstrumentOptions, RoundingMode,
};

/// `Either<BigInt, number>` → i64 (numbers must be safe integers).
fn int_arg(v: &Either<BigInt, f64>, what: &str) -> Result<i64> {
    match v {
        Either::A(b) => bigint_i64(b, what),
        Either::B(x) => safe_integer(*x, what),
    }
}

macro_rules! fixed_class {
    ($binding:ident, $core:ident, $js:literal) => {
        /// An exact fixed-point decimal: an integer mantissa and a number of decimal places
        /// (`scale`). Arithmetic never rounds silently and refuses mixed scales.
        #[napi(js_name = $js)]
        #[derive(Debug, Clone, Copy)]
        pub struct $binding {
            pub(crate) inner: $core,
        }

        #[napi]
        impl $binding {
            /// Parses a decimal string at `scale` places, e.g. `parse('65000.10', 2)`. Extra
            /// places must be zeros unless `rounding` allows rounding.
            #[napi(factory, catch_unwind)]
            pub fn parse(
                text: String,
                scale_: u32,
                rounding: Option<RoundingMode>,
            ) -> Result<$binding> {
                Ok($binding {
                    inner: $core::parse_with(&text, scale(scale_)?, rounding_of(rounding))
                        .or_throw()?,
                })
            }

            /// Builds from a raw integer mantissa: the value is `mantissa × 10^-scale`.
            #[napi(factory, catch_unwind)]
            pub fn from_mantissa(mantissa: Either<BigInt, f64>, scale_: u32) -> Result<$binding> {
                let m = int_arg(&mantissa, "mantissa")?;
                Ok($binding {
                    inner: $core::from_mantissa(m, scale(scale_)?).or_throw()?,
                })
            }

            /// Converts a JS number through its shortest decimal form (`0.1` is exactly 0.1).
            /// NaN and ±Infinity throw `ERR_NOT_FINITE`.
            #[napi(factory, catch_unwind)]
            pub fn from_number(
                value: f64,
                scale_: u32,
                rounding: Option<RoundingMode>,
            ) -> Result<$binding> {
                Ok($binding {
                    inner: $core::from_f64(value, scale(scale_)?, rounding_of(rounding))
                        .or_throw()?,
                })
            }

            /// The integer mantissa.
            #[napi(getter)]
            pub fn mantissa(&self) -> BigInt {
                BigInt::from(self.inner.mantissa())
            }

            /// Number of decimal places.
            #[napi(getter)]
            pub fn scale(&self) -> u32 {
                u32::from(self.inner.scale())
            }

            /// Exactly `scale` decimal places, e.g. `"65000.10"`.
            #[napi(js_name = "toString")]
            pub fn to_js_string(&self) -> String {
                self.inner.to_string()
            }

            /// Serialises as the decimal string.
            #[napi(js_name = "toJSON")]
            pub fn to_json(&self) -> String {
                self.inner.to_string()
            }

            /// The nearest double (lossy; for display and analytics, never for accounting).
            #[napi]
            pub fn to_number(&self) -> f64 {
                self.inner.to_f64()
            }

            /// Exact sum; both operands must have the same scale (`ERR_SCALE_MISMATCH`).
            #[napi(catch_unwind)]
            pub fn add(&self, other: &$binding) -> Result<$binding> {
                Ok($binding {
                    inner: self.inner.checked_add(other.inner).or_throw()?,
                })
            }

            /// Exact difference; both operands must have the same scale.
            #[napi(catch_unwind)]
            pub fn sub(&self, other: &$binding) -> Result<$binding> {
                Ok($binding {
                    inner: self.inner.checked_sub(other.inner).or_throw()?,
                })
            }

            /// Exact product by an integer (`ERR_OVERFLOW` if it does not fit).
            #[napi(catch_unwind)]
            pub fn mul_int(&self, k: Either<BigInt, f64>) -> Result<$binding> {
                Ok($binding {
                    inner: self.inner.checked_mul_int(int_arg(&k, "k")?).or_throw()?,
                })
            }

            /// Exact negation.
            #[napi(catch_unwind)]
            pub fn neg(&self) -> Result<$binding> {
                Ok($binding {
                    inner: self.inner.checked_neg().or_throw()?,
                })
            }

            /// Numeric comparison, valid across scales: -1, 0 or 1.
            #[napi(js_name = "cmp")]
            pub fn compare(&self, other: &$binding) -> i32 {
                self.inner.cmp_value(other.inner) as i32
            }

            /// Numeric equality, valid across scales (`1.0` equals `1.00`).
            #[napi]
            pub fn equals(&self, other: &$binding) -> bool {
                self.inner.cmp_value(other.inner).is_eq()
            }

            /// The same value at another scale; `ERR_INEXACT` if digits would be lost and
            /// `rounding` is `"exact"` (the default).
            #[napi(catch_unwind)]
            pub fn rescale(&self, scale_: u32, rounding: Option<RoundingMode>) -> Result<$binding> {
                Ok($binding {
                    inner: self
                        .inner
                        .rescale(scale(scale_)?, rounding_of(rounding))
                        .or_throw()?,
                })
            }

            /// `true` if zero.
            #[napi]
            pub fn is_zero(&self) -> bool {
                self.inner.is_zero()
            }

            /// `true` if strictly positive.
            #[napi]
            pub fn is_positive(&self) -> bool {
                self.inner.is_positive()
            }
        }
    };
}

fixed_class!(BindingPrice, Price, "Price");
fixed_class!(BindingQuantity, Quantity, "Quantity");
fixed_class!(BindingNotional, Notional, "Notional");

#[napi]
impl BindingPrice {
    /// `price × qty` as a notional whose scale is the sum of both scales.
    #[napi(catch_unwind)]
    pub fn mul_qty(&self, qty: &BindingQuantity) -> Result<BindingNotional> {
        Ok(BindingNotional {
            inner: self.inner.checked_mul_qty(qty.inner).or_throw()?,
        })
    }

    /// Rounds to a multiple of `tick` (same scale); `rounding` defaults to `"exact"`.
    #[napi(catch_unwind)]
    pub fn round_to_tick(
        &self,
        tick: &BindingPrice,
        rounding: Option<RoundingMode>,
    ) -> Result<BindingPrice> {
        Ok(BindingPrice {
            inner: self
                .inner
                .round_to_tick(tick.inner, rounding_of(rounding))
                .or_throw()?,
        })
    }
}

#[napi]
impl BindingNotional {
    /// Average price `notional / qty` at `priceScale` (e.g. a volume-weighted fill price).
    #[napi(catch_unwind)]
    pub fn div_qty(
        &self,
        qty: &BindingQuantity,
        price_scale: u32,
        rounding: Option<RoundingMode>,
    ) -> Result<BindingPrice> {
        Ok(BindingPrice {
            inner: self
                .inner
                .checked_div_qty(qty.inner, scale(price_scale)?, rounding_of(rounding))
                .or_throw()?,
        })
    }
}

/// Outcome of validating a price and/or quantity against an instrument. A rejection is an
/// answer, not an exception: `ok` is false and `code` says which rule failed.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct OrderCheck {
    /// `true` if every rule passed.
    pub ok: bool,
    /// Rejection code: `WRONG_SCALE`, `NON_POSITIVE_PRICE`, `OFF_TICK`, `NON_POSITIVE_QUANTITY`,
    /// `OFF_LOT`, `BELOW_MIN_QUANTITY`, `ABOVE_MAX_QUANTITY`, `BELOW_MIN_NOTIONAL`,
    /// `ABOVE_MAX_NOTIONAL` or `NOTIONAL_OVERFLOW`.
    pub code: Option<String>,
    /// Human-readable reason.
    pub message: Option<String>,
    /// The order notional as a decimal string (when `checkOrder` passes).
    pub notional: Option<String>,
}

impl OrderCheck {
    fn pass(notional: Option<Notional>) -> Self {
        Self {
            ok: true,
            code: None,
            message: None,
            notional: notional.map(|n| n.to_string()),
        }
    }

    fn reject(r: &Rejection) -> Self {
        Self {
            ok: false,
            code: Some(r.code().to_owned()),
            message: Some(r.to_string()),
            notional: None,
        }
    }
}

fn check<T>(
    r: std::result::Result<T, Rejection>,
    notional: impl FnOnce(T) -> Option<Notional>,
) -> OrderCheck {
    match r {
        Ok(v) => OrderCheck::pass(notional(v)),
        Err(e) => OrderCheck::reject(&e),
    }
}

/// A tradable instrument: its scales (from tick and lot sizes) and its order limits.
#[napi(js_name = "Instrument")]
#[derive(Debug, Clone)]
pub struct BindingInstrument {
    inner: Instrument,
}

impl BindingInstrument {
    /// The core instrument (for other areas' bindings).
    #[must_use]
    pub(crate) fn instrument(&self) -> &Instrument {
        &self.inner
    }
}

#[napi]
impl BindingInstrument {
    /// Validates the spec; throws `ERR_INVALID_INSTRUMENT` naming the bad field.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: InstrumentOptions) -> Result<BindingInstrument> {
        Ok(BindingInstrument {
            inner: Instrument::new(&options.into()).or_throw()?,
        })
    }

    /// Venue symbol.
    #[napi(getter)]
    pub fn symbol(&self) -> String {
        self.inner.symbol().to_owned()
    }

    /// Price decimal places.
    #[napi(getter)]
    pub fn price_scale(&self) -> u32 {
        u32::from(self.inner.price_scale())
    }

    /// Quantity decimal places.
    #[napi(getter)]
    pub fn qty_scale(&self) -> u32 {
        u32::from(self.inner.qty_scale())
    }

    /// Tick size.
    #[napi(getter)]
    pub fn tick_size(&self) -> BindingPrice {
        BindingPrice {
            inner: self.inner.tick(),
        }
    }

    /// Lot size.
    #[napi(getter)]
    pub fn lot_size(&self) -> BindingQuantity {
        BindingQuantity {
            inner: self.inner.lot(),
        }
    }

    /// The spec as decimal strings (round-trips through the constructor).
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> InstrumentOptions {
        let i = &self.inner;
        InstrumentOptions {
            symbol: i.symbol().to_owned(),
            tick_size: i.tick().to_string(),
            lot_size: i.lot().to_string(),
            min_qty: Some(i.min_qty().to_string()),
            max_qty: i.max_qty().map(|q| q.to_string()),
            min_notional: Some(i.min_notional().to_string()),
            max_notional: i.max_notional().map(|n| n.to_string()),
        }
    }

    /// A price at this instrument's scale from a decimal string or a number (exact unless
    /// `rounding` says otherwise). Does not check the tick; use `checkPrice` or `roundPrice`.
    #[napi(catch_unwind)]
    pub fn price(
        &self,
        value: Either<String, f64>,
        rounding: Option<RoundingMode>,
    ) -> Result<BindingPrice> {
        let s = self.inner.price_scale();
        let inner = match value {
            Either::A(t) => Price::parse_with(&t, s, rounding_of(rounding)),
            Either::B(x) => Price::from_f64(x, s, rounding_of(rounding)),
        };
        Ok(BindingPrice {
            inner: inner.or_throw()?,
        })
    }

    /// A quantity at this instrument's scale from a decimal string or a number.
    #[napi(catch_unwind)]
    pub fn qty(
        &self,
        value: Either<String, f64>,
        rounding: Option<RoundingMode>,
    ) -> Result<BindingQuantity> {
        let s = self.inner.qty_scale();
        let inner = match value {
            Either::A(t) => Quantity::parse_with(&t, s, rounding_of(rounding)),
            Either::B(x) => Quantity::from_f64(x, s, rounding_of(rounding)),
        };
        Ok(BindingQuantity {
            inner: inner.or_throw()?,
        })
    }

    /// Checks a price: scale, sign, tick.
    #[napi]
    pub fn check_price(&self, price: &BindingPrice) -> OrderCheck {
        check(self.inner.check_price(price.inner), |()| None)
    }

    /// Checks a quantity: scale, sign, lot, min/max.
    #[napi]
    pub fn check_qty(&self, qty: &BindingQuantity) -> OrderCheck {
        check(self.inner.check_qty(qty.inner), |()| None)
    }

    /// Checks an order's price and quantity, then its notional against min/max notional.
    #[napi]
    pub fn check_order(&self, price: &BindingPrice, qty: &BindingQuantity) -> OrderCheck {
        check(self.inner.check_order(price.inner, qty.inner), Some)
    }

    /// Rounds a price to the tick grid (`rounding` defaults to `"exact"`, which throws
    /// `ERR_INEXACT` for an off-tick price).
    #[napi(catch_unwind)]
    pub fn round_price(
        &self,
        price: &BindingPrice,
        rounding: Option<RoundingMode>,
    ) -> Result<BindingPrice> {
        Ok(BindingPrice {
            inner: self
                .inner
                .round_price(price.inner, rounding_of(rounding))
                .or_throw()?,
        })
    }

    /// Rounds a quantity to the lot grid.
    #[napi(catch_unwind)]
    pub fn round_qty(
        &self,
        qty: &BindingQuantity,
        rounding: Option<RoundingMode>,
    ) -> Result<BindingQuantity> {
        Ok(BindingQuantity {
            inner: self
                .inner
                .round_qty(qty.inner, rounding_of(rounding))
                .or_throw()?,
        })
    }
}

/// Wall-clock-anchored monotonic clock with nanosecond resolution.
#[napi(js_name = "MonotonicClock")]
#[derive(Debug)]
pub struct BindingMonotonicClock {
    inner: MonotonicClock,
}

#[napi]
impl BindingMonotonicClock {
    /// Anchors to the current wall time.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)] // a napi constructor, not a Rust API
    pub fn new() -> Self {
        Self {
            inner: MonotonicClock::new(),
        }
    }

    /// Nanoseconds since the Unix epoch; never decreases.
    #[napi]
    pub fn now(&self) -> BigInt {
        BigInt::from(self.inner.now().as_nanos())
    }
}

/// Deterministic clock for backtests: it moves only when told to, and never backwards.
#[napi(js_name = "SimClock")]
#[derive(Debug)]
pub struct BindingSimClock {
    inner: SimClock,
}

#[napi]
impl BindingSimClock {
    /// Starts at `startNs` (default 0).
    #[napi(constructor, catch_unwind)]
    pub fn new(start_ns: Option<Either<BigInt, f64>>) -> Result<BindingSimClock> {
        let start = start_ns
            .as_ref()
            .map(|v| int_arg(v, "startNs"))
            .transpose()?
            .unwrap_or(0);
        Ok(BindingSimClock {
            inner: SimClock::new(Timestamp::from_nanos(start)),
        })
    }

    /// Current time in nanoseconds.
    #[napi]
    pub fn now(&self) -> BigInt {
        BigInt::from(self.inner.now().as_nanos())
    }

    /// Moves to `ns`; `ERR_CLOCK_BACKWARDS` if that is before now (the clock is unchanged).
    #[napi(catch_unwind)]
    pub fn set(&self, ns: Either<BigInt, f64>) -> Result<()> {
        self.inner
            .set(Timestamp::from_nanos(int_arg(&ns, "ns")?))
            .or_throw()
    }

    /// Moves forward by `ns` and returns the new time.
    #[napi(catch_unwind)]
    pub fn advance(&self, ns: Either<BigInt, f64>) -> Result<BigInt> {
        Ok(BigInt::from(
            self.inner
                .advance(int_arg(&ns, "ns")?)
                .or_throw()?
                .as_nanos(),
        ))
    }
}

/// Percentiles of a latency histogram, in nanoseconds.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct LatencySummary {
    pub count: f64,
    pub min: f64,
    pub mean: f64,
    pub stdev: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub p999: f64,
    pub p9999: f64,
    pub max: f64,
}

impl From<tachyon_core::LatencySummary> for LatencySummary {
    fn from(s: tachyon_core::LatencySummary) -> Self {
        Self {
            count: s.count as f64,
            min: s.min as f64,
            mean: s.mean,
            stdev: s.stdev,
            p50: s.p50 as f64,
            p90: s.p90 as f64,
            p99: s.p99 as f64,
            p999: s.p999 as f64,
            p9999: s.p9999 as f64,
            max: s.max as f64,
        }
    }
}

fn latency_arg(ns: f64) -> Result<u64> {
    if !ns.is_finite() || ns < 0.0 {
        return Err(invalid_arg(format!(
            "latency must be a finite non-negative number of nanoseconds, got {ns}"
        )));
    }
    Ok(ns.round() as u64)
}

/// HDR latency histogram (1 ns – 1 h, 3 significant digits).
#[napi(js_name = "LatencyHistogram")]
#[derive(Debug, Default)]
pub struct BindingLatencyHistogram {
    inner: LatencyHistogram,
}

#[napi]
impl BindingLatencyHistogram {
    /// An empty histogram.
    #[napi(constructor)]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one latency in nanoseconds (`ERR_INVALID_ARG` for NaN, ±∞ or negative).
    #[napi(catch_unwind)]
    pub fn record(&mut self, ns: f64) -> Result<()> {
        self.inner.record(latency_arg(ns)?);
        Ok(())
    }

    /// Records many latencies; all are validated before any is recorded.
    #[napi(catch_unwind)]
    pub fn record_many(&mut self, ns: Float64Array) -> Result<()> {
        let vals = ns.as_ref();
        for (i, v) in vals.iter().enumerate() {
            latency_arg(*v).map_err(|_| {
                invalid_arg(format!(
                    "latency at index {i} is {v}; expected a finite non-negative number"
                ))
            })?;
        }
        for v in vals {
            self.inner.record(v.round() as u64);
        }
        Ok(())
    }

    /// Latency at quantile `q` in [0, 1].
    #[napi]
    pub fn quantile(&self, q: f64) -> f64 {
        self.inner.quantile(q) as f64
    }

    /// count, min, mean, stdev, p50, p90, p99, p99.9, p99.99, max.
    #[napi]
    pub fn summary(&self) -> LatencySummary {
        self.inner.summary().into()
    }

    /// Adds another histogram's samples.
    #[napi]
    pub fn merge(&mut self, other: &BindingLatencyHistogram) {
        self.inner.merge(&other.inner);
    }

    /// Forgets all samples.
    #[napi]
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Number of samples.
    #[napi(getter)]
    pub fn count(&self) -> f64 {
        self.inner.len() as f64
    }
}

/// Nanoseconds since the Unix epoch from the process's monotonic clock.
#[napi]
pub fn now_ns() -> BigInt {
    // One anchor per process, so every thread (and worker) reads the same timeline.
    static CLOCK: std::sync::OnceLock<MonotonicClock> = std::sync::OnceLock::new();
    BigInt::from(CLOCK.get_or_init(MonotonicClock::new).now().as_nanos())
}

/// Copies every byte of `src` into `dst` from its first element; returns how many. For message
/// handlers: uWebSockets.js hands each message over as an `ArrayBuffer` valid only during the
/// callback, and copying it out here needs no JS view of it, so the copy allocates nothing on
/// the JS heap (the server's decoder copies every frame this way). `ERR_INVALID_ARG` when `dst`
/// is shorter than `src` or the two share memory.
#[napi]
pub fn copy_array_buffer(src: ArrayBuffer<'_>, mut dst: Uint8ArraySlice<'_>) -> Result<u32> {
    let n = src.len();
    if dst.len() < n {
        return Err(invalid_arg(format!(
            "the destination holds {} bytes, the source has {n}",
            dst.len()
        )));
    }
    let (a, b) = (src.as_ptr() as usize, dst.as_ptr() as usize);
    if n > 0 && a < b + dst.len() && b < a + n {
        return Err(invalid_arg("the source and the destination share memory"));
    }
    let count = u32::try_from(n).map_err(|_| invalid_arg("a source of 4 GiB or more"))?;
    // SAFETY: JS is blocked for the duration of this synchronous call, and `dst` was just
    // checked not to overlap `src`: this is the only reference to its memory.
    let out: &mut [u8] = unsafe { dst.as_mut() };
    out[..n].copy_from_slice(&src);
    Ok(count)
}
