//! `tachyon_indicators` for WebAssembly: the twin of `native/src/binding_indicators.rs` and
//! `native/src/options/indicators.rs`, with the same JS names, arguments, defaults, results and
//! error codes. Handles are wasm-bindgen classes (freed by a `FinalizationRegistry`, or
//! explicitly with `free()`), passed back to the free functions like napi `External`s.

use js_sys::{Float64Array, Uint8Array};
use tachyon_indicators::{
    self as ti, Adx, Atr, Bar, Bollinger, Cci, Columns, Donchian, Ema, EmaSeed, Fields, Guarded,
    Ichimoku, Indicator, IndicatorBank, Keltner, Layout, Macd, Mfi, Obv, ParabolicSar, Rsi, Sma,
    Spec, Stochastic, Vwap, WilliamsR, Wma,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::js::{f64_array, invalid_arg, safe_integer, to_uint32, Opts, OrThrow, Out, Result};

// ------------------------------------------------------------------------------ options

const KINDS: [&str; 18] = [
    "sma",
    "ema",
    "wma",
    "rsi",
    "macd",
    "bollinger",
    "atr",
    "adx",
    "stochastic",
    "williamsR",
    "obv",
    "cci",
    "mfi",
    "vwap",
    "keltner",
    "donchian",
    "ichimoku",
    "parabolicSar",
];

/// `{ kind, ...options }` → the kernel's `Spec`, with the defaults of
/// `native/src/options/indicators.rs` (`impl From<&IndicatorSpec> for Spec`).
pub(crate) fn spec_of(o: &Opts) -> Result<Spec> {
    let kind = o
        .one_of("kind", &KINDS)?
        .ok_or_else(|| invalid_arg("IndicatorSpec.kind is required"))?;
    let p = |key: &str, d: usize| -> Result<usize> { Ok(o.u32(key)?.map_or(d, |v| v as usize)) };
    let f = |key: &str, d: f64| -> Result<f64> { Ok(o.f64(key)?.unwrap_or(d)) };
    Ok(match KINDS[kind] {
        "sma" => Spec::Sma(p("period", 20)?),
        "ema" => {
            let seed = match o.one_of("seed", &["sma", "first"])? {
                Some(1) => EmaSeed::First,
                _ => EmaSeed::Sma,
            };
            Spec::Ema(p("period", 20)?, seed)
        }
        "wma" => Spec::Wma(p("period", 20)?),
        "rsi" => Spec::Rsi(p("period", 14)?),
        "macd" => Spec::Macd(p("fast", 12)?, p("slow", 26)?, p("signal", 9)?),
        "bollinger" => Spec::Bollinger(p("period", 20)?, f("stdDev", 2.0)?),
        "atr" => Spec::Atr(p("period", 14)?),
        "adx" => Spec::Adx(p("period", 14)?),
        "stochastic" => Spec::Stochastic(p("kPeriod", 14)?, p("kSmooth", 3)?, p("dPeriod", 3)?),
        "williamsR" => Spec::WilliamsR(p("period", 14)?),
        "obv" => Spec::Obv,
        "cci" => Spec::Cci(p("period", 20)?),
        "mfi" => Spec::Mfi(p("period", 14)?),
        "vwap" => Spec::Vwap(o.u32("period")?.map(|v| v as usize)),
        "keltner" => {
            let n = p("period", 20)?;
            Spec::Keltner(n, f("multiplier", 2.0)?, p("atrPeriod", n)?)
        }
        "donchian" => Spec::Donchian(p("period", 20)?),
        "ichimoku" => Spec::Ichimoku(
            p("tenkan", 9)?,
            p("kijun", 26)?,
            p("senkou", 52)?,
            p("displacement", 26)?,
        ),
        _ => Spec::ParabolicSar(f("acceleration", 0.02)?, f("maximum", 0.2)?),
    })
}

/// Timestamps given as JS numbers (safe integers, any unit) → `i64`.
pub(crate) fn timestamps(ts: &[f64]) -> Result<Vec<i64>> {
    ts.iter()
        .enumerate()
        .map(|(i, &t)| {
            safe_integer(t, "ts")
                .map_err(|_| invalid_arg(format!("ts[{i}] must be a safe integer, got {t}")))
        })
        .collect()
}

/// One optional timestamp.
pub(crate) fn timestamp(ts: Option<f64>) -> Result<i64> {
    match ts {
        None => Ok(ti::NO_TS),
        Some(t) => safe_integer(t, "ts"),
    }
}

/// Inputs accepted and refused (by reason), as `InputStats` in `native/index.d.ts`.
pub(crate) fn input_stats(s: &ti::InputStats) -> JsValue {
    Out::new()
        .set("accepted", s.accepted as f64)
        .set("missing", s.missing as f64)
        .set("nonFinite", s.non_finite as f64)
        .set("highBelowLow", s.high_below_low as f64)
        .set("outsideRange", s.outside_range as f64)
        .set("negativeVolume", s.negative_volume as f64)
        .set("outOfOrder", s.out_of_order as f64)
        .set("zeroVolume", s.zero_volume as f64)
        .set("rejected", s.rejected() as f64)
        .build()
}

// ------------------------------------------------------------------------------ one indicator

/// Every indicator behind one handle type (dispatch is one `match` per call).
#[derive(Debug)]
// One value per handle, allocated once (as in native/).
#[allow(clippy::large_enum_variant)]
enum AnyIndicator {
    Sma(Guarded<Sma>),
    Ema(Guarded<Ema>),
    Wma(Guarded<Wma>),
    Rsi(Guarded<Rsi>),
    Macd(Guarded<Macd>),
    Bollinger(Guarded<Bollinger>),
    Atr(Guarded<Atr>),
    Adx(Guarded<Adx>),
    Stochastic(Guarded<Stochastic>),
    WilliamsR(Guarded<WilliamsR>),
    Obv(Guarded<Obv>),
    Cci(Guarded<Cci>),
    Mfi(Guarded<Mfi>),
    Vwap(Guarded<Vwap>),
    Keltner(Guarded<Keltner>),
    Donchian(Guarded<Donchian>),
    Ichimoku(Guarded<Ichimoku>),
    ParabolicSar(Guarded<ParabolicSar>),
}

/// Runs `$body` with `$g` bound to the `Guarded<I>` inside, for every variant.
macro_rules! each {
    ($e:expr, $g:ident => $body:expr) => {
        match $e {
            AnyIndicator::Sma($g) => $body,
            AnyIndicator::Ema($g) => $body,
            AnyIndicator::Wma($g) => $body,
            AnyIndicator::Rsi($g) => $body,
            AnyIndicator::Macd($g) => $body,
            AnyIndicator::Bollinger($g) => $body,
            AnyIndicator::Atr($g) => $body,
            AnyIndicator::Adx($g) => $body,
            AnyIndicator::Stochastic($g) => $body,
            AnyIndicator::WilliamsR($g) => $body,
            AnyIndicator::Obv($g) => $body,
            AnyIndicator::Cci($g) => $body,
            AnyIndicator::Mfi($g) => $body,
            AnyIndicator::Vwap($g) => $body,
            AnyIndicator::Keltner($g) => $body,
            AnyIndicator::Donchian($g) => $body,
            AnyIndicator::Ichimoku($g) => $body,
            AnyIndicator::ParabolicSar($g) => $body,
        }
    };
}

impl AnyIndicator {
    fn build(spec: &Spec) -> std::result::Result<Self, ti::IndicatorError> {
        fn g<I: Indicator>(i: I) -> Guarded<I> {
            Guarded::new(i)
        }
        Ok(match *spec {
            Spec::Sma(n) => Self::Sma(g(Sma::new(n)?)),
            Spec::Ema(n, seed) => Self::Ema(g(Ema::with_seed(n, seed)?)),
            Spec::Wma(n) => Self::Wma(g(Wma::new(n)?)),
            Spec::Rsi(n) => Self::Rsi(g(Rsi::new(n)?)),
            Spec::Macd(a, b, c) => Self::Macd(g(Macd::new(a, b, c)?)),
            Spec::Bollinger(n, k) => Self::Bollinger(g(Bollinger::new(n, k)?)),
            Spec::Atr(n) => Self::Atr(g(Atr::new(n)?)),
            Spec::Adx(n) => Self::Adx(g(Adx::new(n)?)),
            Spec::Stochastic(a, b, c) => Self::Stochastic(g(Stochastic::new(a, b, c)?)),
            Spec::WilliamsR(n) => Self::WilliamsR(g(WilliamsR::new(n)?)),
            Spec::Obv => Self::Obv(g(Obv::new())),
            Spec::Cci(n) => Self::Cci(g(Cci::new(n)?)),
            Spec::Mfi(n) => Self::Mfi(g(Mfi::new(n)?)),
            Spec::Vwap(Some(n)) => Self::Vwap(g(Vwap::rolling(n)?)),
            Spec::Vwap(None) => Self::Vwap(g(Vwap::anchored())),
            Spec::Keltner(n, m, a) => Self::Keltner(g(Keltner::new(n, m, a)?)),
            Spec::Donchian(n) => Self::Donchian(g(Donchian::new(n)?)),
            Spec::Ichimoku(a, b, c, d) => Self::Ichimoku(g(Ichimoku::new(a, b, c, d)?)),
            Spec::ParabolicSar(a, m) => Self::ParabolicSar(g(ParabolicSar::new(a, m)?)),
        })
    }
}

fn fields_of<I: Indicator>(_: &Guarded<I>) -> Fields {
    I::FIELDS
}

fn outputs_of<I: Indicator>(_: &Guarded<I>) -> &'static [&'static str] {
    I::OUTPUTS
}

/// Positional inputs `(x0, x1, x2, x3)` → a bar, by what the indicator reads (as native/).
fn bar_of(f: Fields, x: [f64; 4], ts: i64) -> Bar {
    let b = if f == Fields::VALUE {
        Bar::value(x[0])
    } else if f == Fields::HL {
        Bar::new(f64::NAN, x[0], x[1], f64::NAN, f64::NAN)
    } else if f == Fields::HLC {
        Bar::hlc(x[0], x[1], x[2])
    } else if f == Fields::CV {
        Bar::new(f64::NAN, f64::NAN, f64::NAN, x[0], x[1])
    } else {
        Bar::hlcv(x[0], x[1], x[2], x[3])
    };
    b.at(ts)
}

fn columns_of<'a>(
    f: Fields,
    c: [Option<&'a [f64]>; 4],
    ts: Option<&'a [i64]>,
) -> Result<Columns<'a>> {
    let need = |k: usize| c[k].ok_or_else(|| invalid_arg(format!("batch needs input column {k}")));
    let cols = if f == Fields::VALUE {
        Columns::values(need(0)?)
    } else if f == Fields::HL {
        Columns {
            high: Some(need(0)?),
            low: Some(need(1)?),
            ..Columns::default()
        }
    } else if f == Fields::HLC {
        Columns::hlc(need(0)?, need(1)?, need(2)?)
    } else if f == Fields::CV {
        Columns {
            close: Some(need(0)?),
            volume: Some(need(1)?),
            ..Columns::default()
        }
    } else {
        Columns::hlcv(need(0)?, need(1)?, need(2)?, need(3)?)
    };
    Ok(Columns { ts, ..cols })
}

/// One streaming indicator (the handle of `indicator*` functions).
#[wasm_bindgen(js_name = "IndicatorHandle")]
#[derive(Debug)]
pub struct IndicatorHandle {
    inner: AnyIndicator,
    /// Scratch for the outputs of one update (no allocation per call).
    tmp: [f64; 8],
}

/// Creates an indicator from `{ kind, ...options }`; `ERR_INVALID_PARAM` names a bad option.
#[wasm_bindgen(js_name = "indicatorNew")]
pub fn indicator_new(spec: JsValue) -> Result<IndicatorHandle> {
    let spec = spec_of(&Opts::required(&spec, "IndicatorSpec")?)?;
    Ok(IndicatorHandle {
        inner: AnyIndicator::build(&spec).or_throw()?,
        tmp: [f64::NAN; 8],
    })
}

/// Outputs, positional inputs and lookback of an indicator.
#[wasm_bindgen(js_name = "indicatorInfo")]
pub fn indicator_info(h: &IndicatorHandle) -> JsValue {
    each!(&h.inner, g => {
        let f = fields_of(g);
        let inputs = if f == Fields::VALUE {
            "value"
        } else if f == Fields::HL {
            "hl"
        } else if f == Fields::HLC {
            "hlc"
        } else if f == Fields::CV {
            "cv"
        } else {
            "hlcv"
        };
        Out::new()
            .strings("outputs", outputs_of(g))
            .set("inputs", inputs)
            .set("lookback", g.inner().lookback() as u32)
            .build()
    })
}

/// Applies one value or bar given positionally; writes every output into `out` (if given) and
/// returns the first. A bad input throws a coded error; the state is unchanged and counted.
#[wasm_bindgen(js_name = "indicatorUpdate")]
pub fn indicator_update(
    h: &mut IndicatorHandle,
    x0: f64,
    x1: Option<f64>,
    x2: Option<f64>,
    x3: Option<f64>,
    ts: Option<f64>,
    out: Option<Float64Array>,
) -> Result<f64> {
    let x = [
        x0,
        x1.unwrap_or(f64::NAN),
        x2.unwrap_or(f64::NAN),
        x3.unwrap_or(f64::NAN),
    ];
    if let Some(out) = &out {
        f64_array(out, "out")?;
    }
    let ts = timestamp(ts)?;
    let tmp = &mut h.tmp;
    let w = each!(&mut h.inner, g => {
        let o = g.update(&bar_of(fields_of(g), x, ts)).or_throw()?;
        let w = outputs_of(g).len();
        write_outputs(g, &o, &mut tmp[..w]);
        w
    });
    if let Some(out) = out {
        let n = (out.length() as usize).min(w);
        if n == out.length() as usize {
            out.copy_from(&tmp[..n]);
        } else {
            out.subarray(0, n as u32).copy_from(&tmp[..n]);
        }
    }
    Ok(tmp[0])
}

fn write_outputs<I: Indicator>(_: &Guarded<I>, o: &I::Output, dst: &mut [f64]) {
    I::write(o, dst);
}

fn run_batch<I: Indicator>(g: &mut Guarded<I>, cols: &Columns<'_>) -> Result<Vec<f64>> {
    let rows = cols.len_for(I::FIELDS).or_throw()?;
    let mut out = vec![0.0; rows * I::OUTPUTS.len()];
    g.batch(cols, &mut out).or_throw()?;
    Ok(out)
}

/// Continues over input columns (positional as in `update`), returning one `Float64Array`
/// with output `k` of row `t` at `k·rows + t`. Bad rows are skipped (NaN outputs, counted).
#[wasm_bindgen(js_name = "indicatorBatch")]
pub fn indicator_batch(
    h: &mut IndicatorHandle,
    c0: &[f64],
    c1: Option<Vec<f64>>,
    c2: Option<Vec<f64>>,
    c3: Option<Vec<f64>>,
    ts: Option<Vec<f64>>,
) -> Result<Vec<f64>> {
    let ts = ts.as_deref().map(timestamps).transpose()?;
    let c = [Some(c0), c1.as_deref(), c2.as_deref(), c3.as_deref()];
    each!(&mut h.inner, g => {
        let cols = columns_of(fields_of(g), c, ts.as_deref())?;
        run_batch(g, &cols)
    })
}

/// `out` must hold `rows × width` doubles (as native/'s `run_batch_into`).
fn check_out(rows: usize, width: usize, out: &Float64Array) -> Result<usize> {
    let want = rows * width;
    let len = out.length() as usize;
    if len != want {
        return Err(invalid_arg(format!(
            "out has {len} elements; this batch needs {want} ({rows} rows × {width} outputs)"
        )));
    }
    Ok(want)
}

/// A copy of a JS column in WebAssembly memory.
fn to_vec(a: &Float64Array) -> Vec<f64> {
    let mut v = vec![0.0; a.length() as usize];
    a.copy_to(&mut v);
    v
}

/// As `indicatorBatch`, writing into `out` (length rows × outputs); returns the rows. An `out`
/// sharing memory with an input column is refused (as native/, whose blocked kernels re-read
/// inputs after writing outputs): the columns are copied into WebAssembly memory, so nothing
/// would go wrong here, but the API is the same on both backends.
#[wasm_bindgen(js_name = "indicatorBatchInto")]
pub fn indicator_batch_into(
    h: &mut IndicatorHandle,
    c0: &Float64Array,
    c1: Option<Float64Array>,
    c2: Option<Float64Array>,
    c3: Option<Float64Array>,
    ts: Option<Vec<f64>>,
    out: &Float64Array,
) -> Result<u32> {
    f64_array(c0, "c0")?;
    for (c, name) in [(&c1, "c1"), (&c2, "c2"), (&c3, "c3")] {
        if let Some(c) = c {
            f64_array(c, name)?;
        }
    }
    f64_array(out, "out")?;
    if [Some(c0), c1.as_ref(), c2.as_ref(), c3.as_ref()]
        .iter()
        .flatten()
        .any(|c| overlaps(c, out))
    {
        return Err(invalid_arg(
            "out must not share memory with an input column",
        ));
    }
    let ts = ts.as_deref().map(timestamps).transpose()?;
    let (v0, v1, v2, v3) = (
        to_vec(c0),
        c1.as_ref().map(to_vec),
        c2.as_ref().map(to_vec),
        c3.as_ref().map(to_vec),
    );
    let c = [Some(&v0[..]), v1.as_deref(), v2.as_deref(), v3.as_deref()];
    each!(&mut h.inner, g => {
        let cols = columns_of(fields_of(g), c, ts.as_deref())?;
        let rows = cols.len_for(fields_of(g)).or_throw()?;
        let mut res = vec![0.0; check_out(rows, outputs_of(g).len(), out)?];
        g.batch(&cols, &mut res).or_throw()?;
        out.copy_from(&res);
        Ok(rows as u32)
    })
}

/// As `indicatorBatchInto` for single-series indicators (inputs `'value'`): one column, no
/// timestamps.
#[wasm_bindgen(js_name = "indicatorBatchValuesInto")]
pub fn indicator_batch_values_into(
    h: &mut IndicatorHandle,
    values: &Float64Array,
    out: &Float64Array,
) -> Result<u32> {
    f64_array(values, "values")?;
    f64_array(out, "out")?;
    if overlaps(values, out) {
        return Err(invalid_arg("out must not share memory with the values"));
    }
    each!(&mut h.inner, g => {
        if fields_of(g) != Fields::VALUE {
            return Err(invalid_arg(
                "batchValuesInto is for single-series indicators (inputs 'value')",
            ));
        }
        let rows = values.length() as usize;
        let mut res = vec![0.0; check_out(rows, outputs_of(g).len(), out)?];
        let v = to_vec(values);
        g.batch(&Columns::values(&v), &mut res).or_throw()?;
        out.copy_from(&res);
        Ok(rows as u32)
    })
}

/// Inputs accepted and refused by reason.
#[wasm_bindgen(js_name = "indicatorStats")]
pub fn indicator_stats(h: &IndicatorHandle) -> JsValue {
    each!(&h.inner, g => input_stats(g.stats()))
}

/// `true` once every output is defined.
#[wasm_bindgen(js_name = "indicatorReady")]
pub fn indicator_ready(h: &IndicatorHandle) -> bool {
    each!(&h.inner, g => g.is_ready())
}

/// Back to the freshly constructed state (counters are kept).
#[wasm_bindgen(js_name = "indicatorReset")]
pub fn indicator_reset(h: &mut IndicatorHandle) {
    each!(&mut h.inner, g => g.reset());
}

// ------------------------------------------------------------------------------ bank

/// Many instruments × many indicators (the handle of `bank*` functions).
#[wasm_bindgen(js_name = "IndicatorBankHandle")]
#[derive(Debug)]
pub struct IndicatorBankHandle {
    inner: IndicatorBank,
    /// Scratch copies of the JS buffers (reused across calls).
    inputs: Vec<f64>,
    features: Vec<f64>,
    status: Vec<u8>,
}

/// Creates a bank from `{ instruments, indicators, layout? }`; `ERR_INVALID_PARAM` names a bad
/// option.
#[wasm_bindgen(js_name = "bankNew")]
pub fn bank_new(options: JsValue) -> Result<IndicatorBankHandle> {
    let o = Opts::required(&options, "IndicatorBankOptions")?;
    let instruments = o.req_u32("instruments")? as usize;
    let specs = o
        .req_list("indicators")?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            spec_of(&Opts::required(
                v,
                &format!("IndicatorBankOptions.indicators[{i}]"),
            )?)
        })
        .collect::<Result<Vec<Spec>>>()?;
    let layout = match o.one_of("layout", &["instrumentMajor", "featureMajor"])? {
        Some(1) => Layout::FeatureMajor,
        _ => Layout::InstrumentMajor,
    };
    let inner = IndicatorBank::new(instruments, &specs, layout).or_throw()?;
    let n = inner.instruments();
    let m = inner.matrix_len();
    Ok(IndicatorBankHandle {
        inner,
        inputs: vec![f64::NAN; 5 * n],
        features: vec![f64::NAN; m],
        status: vec![0; n],
    })
}

/// Instruments, feature names and layout of a bank.
#[wasm_bindgen(js_name = "bankInfo")]
pub fn bank_info(h: &IndicatorBankHandle) -> JsValue {
    Out::new()
        .set("instruments", h.inner.instruments() as u32)
        .strings("features", h.inner.features())
        .set(
            "layout",
            match h.inner.layout() {
                Layout::InstrumentMajor => "instrumentMajor",
                Layout::FeatureMajor => "featureMajor",
            },
        )
        .build()
}

/// `true` when two typed arrays share bytes of one buffer.
fn overlaps(a: &Float64Array, b: &Float64Array) -> bool {
    if a.buffer() != b.buffer() {
        return false;
    }
    let (a0, b0) = (a.byte_offset(), b.byte_offset());
    let (a1, b1) = (a0 + a.byte_length(), b0 + b.byte_length());
    a0 < b1 && b0 < a1
}

/// Updates every instrument with one bar: `inputs` holds 5·N doubles in blocks
/// `open | high | low | close | volume`; `features` (N·F) and `status` (N bytes) are written in
/// place. Returns the number of instruments updated.
#[wasm_bindgen(js_name = "bankUpdate")]
pub fn bank_update(
    h: &mut IndicatorBankHandle,
    inputs: &Float64Array,
    features: &Float64Array,
    status: &Uint8Array,
    ts: Option<f64>,
) -> Result<u32> {
    f64_array(inputs, "inputs")?;
    f64_array(features, "features")?;
    if !status.is_instance_of::<Uint8Array>() {
        return Err(invalid_arg("status must be a Uint8Array"));
    }
    let n = h.inner.instruments();
    if inputs.length() as usize != 5 * n {
        return Err(invalid_arg(format!(
            "inputs must hold 5·N = {} doubles (open|high|low|close|volume), got {}",
            5 * n,
            inputs.length()
        )));
    }
    if overlaps(inputs, features) {
        return Err(invalid_arg("inputs and features must not share memory"));
    }
    // The kernel checks the lengths of features and status; copy what JS holds, in full.
    h.features.resize(features.length() as usize, 0.0);
    h.status.resize(status.length() as usize, 0);
    inputs.copy_to(&mut h.inputs);
    features.copy_to(&mut h.features);
    let ts = match ts {
        Some(t) => Some(safe_integer(t, "ts")?),
        None => None,
    };
    let block = |k: usize| Some(&h.inputs[k * n..(k + 1) * n]);
    let input = ti::BankInput {
        open: block(0),
        high: block(1),
        low: block(2),
        close: block(3),
        volume: block(4),
    };
    let r = h
        .inner
        .update(ts, &input, &mut h.features, &mut h.status)
        .or_throw()?;
    features.copy_from(&h.features);
    status.copy_from(&h.status);
    Ok(r.accepted as u32)
}

/// Counters of a bank.
#[wasm_bindgen(js_name = "bankStats")]
pub fn bank_stats(h: &IndicatorBankHandle) -> JsValue {
    let s = h.inner.stats();
    Out::new()
        .set("calls", s.calls as f64)
        .set("inputs", input_stats(&s.inputs))
        .build()
}

/// Refused bars of instrument `i`.
#[wasm_bindgen(js_name = "bankRejected")]
pub fn bank_rejected(h: &IndicatorBankHandle, i: f64) -> f64 {
    h.inner.rejected(to_uint32(i) as usize) as f64
}

/// Resets one instrument's indicators (e.g. after a symbol change).
#[wasm_bindgen(js_name = "bankResetInstrument")]
pub fn bank_reset_instrument(h: &mut IndicatorBankHandle, i: f64) -> Result<()> {
    let i = to_uint32(i);
    if i as usize >= h.inner.instruments() {
        return Err(invalid_arg(format!(
            "instrument {i} is out of range (0..{})",
            h.inner.instruments()
        )));
    }
    h.inner.reset_instrument(i as usize);
    Ok(())
}

/// Resets every instrument and the timestamp check (counters are kept).
#[wasm_bindgen(js_name = "bankReset")]
pub fn bank_reset(h: &mut IndicatorBankHandle) {
    h.inner.reset();
}
