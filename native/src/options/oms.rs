//! Options of the OMS bindings: order input, gate settings, algorithm settings.

use napi::bindgen_prelude::{BigInt, Either};
use napi_derive::napi;
use tachyon_core::{Instrument, Price, Quantity, Rounding, Timestamp};
use tachyon_oms::{
    BasicGate, ClientOrderId, ControlMode, Oms, OmsConfig, OmsError, OrderRequest, OrderType, Side,
    TimeInForce,
};

use crate::error::{invalid_arg, OrThrow, Result};
use crate::options::{bigint_i64, safe_integer};

/// Buy or sell.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderSide {
    /// Buy.
    Buy,
    /// Sell.
    Sell,
}

impl From<OrderSide> for Side {
    fn from(s: OrderSide) -> Self {
        match s {
            OrderSide::Buy => Self::Buy,
            OrderSide::Sell => Self::Sell,
        }
    }
}

impl From<Side> for OrderSide {
    fn from(s: Side) -> Self {
        match s {
            Side::Buy => Self::Buy,
            Side::Sell => Self::Sell,
        }
    }
}

/// Order type. Stops and trailing stops are held by the OMS until they trigger.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    /// Market (IOC or FOK).
    Market,
    /// Limit.
    Limit,
    /// Stop market: `trigger` required.
    Stop,
    /// Stop limit: `trigger` and `price` required.
    StopLimit,
    /// Trailing stop: `trail` required.
    TrailingStop,
}

impl From<OrderKind> for OrderType {
    fn from(k: OrderKind) -> Self {
        match k {
            OrderKind::Market => Self::Market,
            OrderKind::Limit => Self::Limit,
            OrderKind::Stop => Self::StopMarket,
            OrderKind::StopLimit => Self::StopLimit,
            OrderKind::TrailingStop => Self::TrailingStop,
        }
    }
}

impl From<OrderType> for OrderKind {
    fn from(k: OrderType) -> Self {
        match k {
            OrderType::Market => Self::Market,
            OrderType::Limit => Self::Limit,
            OrderType::StopMarket => Self::Stop,
            OrderType::StopLimit => Self::StopLimit,
            OrderType::TrailingStop => Self::TrailingStop,
        }
    }
}

/// Time in force.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tif {
    /// Good till cancelled.
    Gtc,
    /// Immediate or cancel.
    Ioc,
    /// Fill or kill.
    Fok,
    /// Good till `expireAtNs`.
    Gtd,
    /// Good for the day (until the next UTC midnight).
    Day,
}

/// The risk engine's control mode as the OMS enforces it.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlModeName {
    /// Trading normally.
    Normal,
    /// No new orders.
    Pause,
    /// Only orders that reduce a position.
    Reduce,
    /// Nothing new; cancel and flatten.
    Emergency,
}

impl From<ControlModeName> for ControlMode {
    fn from(m: ControlModeName) -> Self {
        match m {
            ControlModeName::Normal => Self::Normal,
            ControlModeName::Pause => Self::Pause,
            ControlModeName::Reduce => Self::Reduce,
            ControlModeName::Emergency => Self::Emergency,
        }
    }
}

impl From<ControlMode> for ControlModeName {
    fn from(m: ControlMode) -> Self {
        match m {
            ControlMode::Normal => Self::Normal,
            ControlMode::Pause => Self::Pause,
            ControlMode::Reduce => Self::Reduce,
            ControlMode::Emergency => Self::Emergency,
        }
    }
}

/// An order as JavaScript submits it. Prices and quantities are decimal strings or numbers,
/// converted exactly at the instrument's scales (a value with more decimal places than the
/// instrument allows throws `ERR_TOO_PRECISE`).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct OrderInput {
    /// Client order id: 1–36 characters from `[A-Za-z0-9._:/-]`; the same id twice never
    /// makes two orders (`ERR_DUPLICATE_CLIENT_ID`).
    pub client_id: String,
    /// Instrument id (the index returned by `addInstrument`).
    pub instrument: u32,
    /// `"buy"` or `"sell"`.
    pub side: OrderSide,
    /// Order type; default `"limit"` when `price` is given, otherwise `"market"`.
    #[napi(js_name = "type")]
    pub kind: Option<OrderKind>,
    /// Quantity.
    pub qty: Either<String, f64>,
    /// Limit price (limit and stop-limit).
    pub price: Option<Either<String, f64>>,
    /// Trigger price (stop and stop-limit).
    pub trigger: Option<Either<String, f64>>,
    /// Trailing distance in price units (trailing stop).
    pub trail: Option<Either<String, f64>>,
    /// Time in force; default `"gtc"` (`"ioc"` for market orders).
    pub tif: Option<Tif>,
    /// Expiry for `tif: "gtd"`, ns since the epoch.
    pub expire_at_ns: Option<Either<BigInt, f64>>,
    /// Reject instead of taking liquidity.
    pub post_only: Option<bool>,
    /// Only reduce the position.
    pub reduce_only: Option<bool>,
}

/// A nanosecond timestamp argument (BigInt or a safe-integer number).
///
/// # Errors
/// `ERR_INVALID_ARG`.
pub fn ts_arg(v: &Either<BigInt, f64>, what: &str) -> Result<Timestamp> {
    Ok(Timestamp::from_nanos(match v {
        Either::A(b) => bigint_i64(b, what)?,
        Either::B(x) => safe_integer(*x, what)?,
    }))
}

/// A price at an instrument's scale from a decimal string or a number (exact).
///
/// # Errors
/// [`OmsError::BadNumber`] (`ERR_TOO_PRECISE`, `ERR_PARSE`, `ERR_NOT_FINITE`, …).
pub fn price_in(
    inst: &Instrument,
    v: &Either<String, f64>,
    field: &'static str,
) -> std::result::Result<Price, OmsError> {
    let s = inst.price_scale();
    match v {
        Either::A(t) => Price::parse(t, s),
        Either::B(x) => Price::from_f64(*x, s, Rounding::Exact),
    }
    .map_err(|source| OmsError::BadNumber { field, source })
}

/// A quantity at an instrument's scale from a decimal string or a number (exact).
///
/// # Errors
/// As [`price_in`].
pub fn qty_in(
    inst: &Instrument,
    v: &Either<String, f64>,
    field: &'static str,
) -> std::result::Result<Quantity, OmsError> {
    let s = inst.qty_scale();
    match v {
        Either::A(t) => Quantity::parse(t, s),
        Either::B(x) => Quantity::from_f64(*x, s, Rounding::Exact),
    }
    .map_err(|source| OmsError::BadNumber { field, source })
}

/// [`price_in`] as a thrown error.
///
/// # Errors
/// The coded error.
pub fn price_of(inst: &Instrument, v: &Either<String, f64>) -> Result<Price> {
    price_in(inst, v, "price").or_throw()
}

/// [`qty_in`] as a thrown error.
///
/// # Errors
/// The coded error.
pub fn qty_of(inst: &Instrument, v: &Either<String, f64>) -> Result<Quantity> {
    qty_in(inst, v, "qty").or_throw()
}

/// The instrument an input names.
///
/// # Errors
/// `ERR_UNKNOWN_INSTRUMENT`.
pub fn instrument_of(oms: &Oms, id: u32) -> Result<&Instrument> {
    oms.instrument(id)
        .ok_or(OmsError::UnknownInstrument(id))
        .or_throw()
}

/// Why an input could not become a request: bad input the OMS counts, or misuse of the API.
#[derive(Debug)]
pub enum InputError {
    /// Counted in the OMS's stats.
    Oms(OmsError),
    /// Thrown as is (`ERR_INVALID_ARG`).
    Js(napi::Error<crate::error::ErrorCode>),
}

impl From<OmsError> for InputError {
    fn from(e: OmsError) -> Self {
        Self::Oms(e)
    }
}

impl OrderInput {
    /// Converts to a request for `oms`; a bad value is counted in the OMS's error stats.
    ///
    /// # Errors
    /// `ERR_UNKNOWN_INSTRUMENT`, `ERR_BAD_CLIENT_ID`, number errors (`ERR_TOO_PRECISE`, …),
    /// `ERR_INVALID_ARG` for a `gtd` without `expireAtNs`.
    pub fn to_request(&self, oms: &mut Oms) -> Result<OrderRequest> {
        match self.try_request(oms) {
            Ok(r) => Ok(r),
            Err(InputError::Oms(e)) => {
                oms.count_error(&e);
                Err(crate::error::to_js(&e))
            }
            Err(InputError::Js(e)) => Err(e),
        }
    }

    fn try_request(&self, oms: &Oms) -> std::result::Result<OrderRequest, InputError> {
        let inst = oms
            .instrument(self.instrument)
            .ok_or(OmsError::UnknownInstrument(self.instrument))?;
        let client_id = ClientOrderId::new(&self.client_id)?;
        let price = self
            .price
            .as_ref()
            .map(|p| price_in(inst, p, "price"))
            .transpose()?;
        let kind = self.kind.unwrap_or(if price.is_some() {
            OrderKind::Limit
        } else {
            OrderKind::Market
        });
        let tif = match self.tif {
            None if kind == OrderKind::Market => TimeInForce::Ioc,
            None | Some(Tif::Gtc) => TimeInForce::Gtc,
            Some(Tif::Ioc) => TimeInForce::Ioc,
            Some(Tif::Fok) => TimeInForce::Fok,
            Some(Tif::Day) => TimeInForce::Day,
            Some(Tif::Gtd) => {
                let at = self
                    .expire_at_ns
                    .as_ref()
                    .ok_or_else(|| InputError::Js(invalid_arg("tif 'gtd' needs expireAtNs")))?;
                TimeInForce::Gtd(ts_arg(at, "expireAtNs").map_err(InputError::Js)?)
            }
        };
        Ok(OrderRequest {
            client_id,
            instrument: self.instrument,
            side: self.side.into(),
            order_type: kind.into(),
            qty: qty_in(inst, &self.qty, "qty")?,
            price,
            trigger: self
                .trigger
                .as_ref()
                .map(|p| price_in(inst, p, "trigger"))
                .transpose()?,
            trail: self
                .trail
                .as_ref()
                .map(|p| price_in(inst, p, "trail"))
                .transpose()?,
            tif,
            post_only: self.post_only.unwrap_or(false),
            reduce_only: self.reduce_only.unwrap_or(false),
        })
    }
}

/// Limits of the built-in pre-trade gate (the risk engine replaces it when connected).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct GateOptions {
    /// Initial control mode; default `"normal"`.
    pub mode: Option<ControlModeName>,
    /// Largest quantity of one order (decimal); default unlimited.
    pub max_order_qty: Option<Either<String, f64>>,
    /// Largest absolute position incl. open orders that would increase it (decimal); default
    /// unlimited.
    pub max_position: Option<Either<String, f64>>,
    /// Largest number of open orders; default unlimited.
    pub max_open_orders: Option<u32>,
}

/// OMS options.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct OmsOptions {
    /// Recent client ids remembered for deduplication; default 65,536.
    pub dedup_window: Option<u32>,
    /// Closed orders kept for queries; default 16,384.
    pub max_closed: Option<u32>,
    /// Built-in gate limits.
    pub gate: Option<GateOptions>,
    /// The risk engine as the gate (instead of `gate`): its limits, control modes, breakers
    /// and kill switch decide every order, its rejection codes come back as `gateCode`, and
    /// booked fills move its positions. Register the OMS instruments in the order of
    /// `risk.instruments` (same symbols). Reach it with the `omsRisk*` functions.
    pub risk: Option<crate::options::engine::RiskEngineOptions>,
}

fn limit_qty(v: &Either<String, f64>, name: &str) -> Result<Quantity> {
    let q = match v {
        Either::A(t) => Quantity::parse_auto(t),
        Either::B(x) => Quantity::parse_auto(&x.to_string()),
    }
    .map_err(|e| invalid_arg(format!("{name}: {e}")))?;
    if !q.is_positive() {
        return Err(invalid_arg(format!("{name} must be positive, got {q}")));
    }
    Ok(q)
}

/// Validated OMS configuration and the built-in gate.
///
/// # Errors
/// `ERR_INVALID_ARG` naming the bad option.
pub fn oms_config(o: Option<OmsOptions>) -> Result<(OmsConfig, BasicGate)> {
    let o = o.unwrap_or_default();
    let d = OmsConfig::default();
    let window = o.dedup_window.map_or(d.dedup_window, |w| w as usize);
    if window == 0 {
        return Err(invalid_arg("dedupWindow must be at least 1"));
    }
    let max_closed = o.max_closed.map_or(d.max_closed, |w| w as usize);
    if max_closed == 0 {
        return Err(invalid_arg("maxClosed must be at least 1"));
    }
    let g = o.gate.unwrap_or_default();
    let gate = BasicGate {
        mode: g.mode.map_or(ControlMode::Normal, Into::into),
        max_order_qty: g
            .max_order_qty
            .as_ref()
            .map(|v| limit_qty(v, "gate.maxOrderQty"))
            .transpose()?,
        max_position: g
            .max_position
            .as_ref()
            .map(|v| limit_qty(v, "gate.maxPosition"))
            .transpose()?,
        max_open_orders: g.max_open_orders.map(|n| n as usize),
        ..BasicGate::default()
    };
    Ok((
        OmsConfig {
            dedup_window: window,
            max_closed,
            ..d
        },
        gate,
    ))
}

/// Which execution algorithm.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgoKind {
    /// Equal slices between `startNs` and `endNs`.
    Twap,
    /// Slices proportional to `profile`.
    Vwap,
    /// A share `rate` of the market volume reported with `onMarketVolume`.
    Pov,
    /// One visible `display`-sized limit child at a time.
    Iceberg,
}

/// Settings of an execution algorithm.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct AlgoOptions {
    /// Which algorithm.
    pub kind: AlgoKind,
    /// Instrument id.
    pub instrument: u32,
    /// `"buy"` or `"sell"`.
    pub side: OrderSide,
    /// Parent quantity.
    pub qty: Either<String, f64>,
    /// Limit price for children (required for `iceberg`; market children without it).
    pub limit: Option<Either<String, f64>>,
    /// Prefix of child client ids (`<prefix>-<n>`, at most 24 characters).
    pub client_prefix: String,
    /// TWAP/VWAP: start, ns.
    pub start_ns: Option<Either<BigInt, f64>>,
    /// TWAP/VWAP: end, ns.
    pub end_ns: Option<Either<BigInt, f64>>,
    /// TWAP: number of slices.
    pub slices: Option<u32>,
    /// VWAP: historical volume of each equal time bucket.
    pub profile: Option<Vec<f64>>,
    /// POV: participation rate in (0, 1].
    pub rate: Option<f64>,
    /// POV: smallest child (decimal quantity); default the instrument minimum.
    pub min_child: Option<Either<String, f64>>,
    /// Iceberg: visible quantity.
    pub display: Option<Either<String, f64>>,
}

/// A nanosecond time argument, read with one `typeof`: a `BigInt`, or a number that is a safe
/// integer. (`Either<BigInt, f64>` first tries `BigInt` and builds an error object for every
/// plain number, which costs more than the rest of a hot call.)
#[derive(Debug, Clone, Copy)]
pub struct NsArg(std::result::Result<i64, &'static str>);

impl napi::bindgen_prelude::TypeName for NsArg {
    fn type_name() -> &'static str {
        "bigint | number"
    }
    fn value_type() -> napi::ValueType {
        napi::ValueType::Unknown
    }
}

impl napi::bindgen_prelude::FromNapiValue for NsArg {
    unsafe fn from_napi_value(
        env: napi::sys::napi_env,
        v: napi::sys::napi_value,
    ) -> napi::Result<Self> {
        use napi::sys;
        let mut t: sys::napi_valuetype = 0;
        // SAFETY: `env` and `v` are the live arguments napi-rs passes for this call.
        if unsafe { sys::napi_typeof(env, v, &mut t) } != sys::Status::napi_ok {
            return Ok(Self(Err("could not be read")));
        }
        Ok(Self(match t {
            sys::ValueType::napi_number => {
                let mut x = 0f64;
                // SAFETY: as above; `v` is a number.
                unsafe { sys::napi_get_value_double(env, v, &mut x) };
                if x.is_finite() && x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_991.0 {
                    Ok(x as i64)
                } else {
                    Err("must be a safe integer number of nanoseconds or a bigint")
                }
            }
            sys::ValueType::napi_bigint => {
                let (mut i, mut lossless) = (0i64, false);
                // SAFETY: as above; `v` is a bigint.
                unsafe { sys::napi_get_value_bigint_int64(env, v, &mut i, &mut lossless) };
                if lossless {
                    Ok(i)
                } else {
                    Err("does not fit a signed 64-bit integer")
                }
            }
            _ => Err("must be a bigint or a number of nanoseconds"),
        }))
    }
}

impl NsArg {
    /// The timestamp.
    ///
    /// # Errors
    /// `ERR_INVALID_ARG` naming `what`.
    pub fn get(self, what: &str) -> Result<Timestamp> {
        self.0
            .map(Timestamp::from_nanos)
            .map_err(|m| invalid_arg(format!("{what} {m}")))
    }
}
