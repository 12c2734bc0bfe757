//! Bindings of `tachyon_indicators`: every indicator behind one `External` handle type
//! (`indicator_*` functions; the TS layer gives each indicator its own class) and the
//! many-instrument bank (`bank_*`). Hot objects are handles, not napi classes (CONTRIBUTING.md).
//!
//! Every handle wraps the pure crate's `Guarded<I>`: `update` throws a coded error for a bad
//! input (state unchanged, counted in `stats`); `batch` skips bad rows (NaN outputs, counted)
//! and returns one `Float64Array` holding output `k` of row `t` at `k·rows + t`.

use napi::bindgen_prelude::{External, Float64Array, Float64ArraySlice, Uint8Array};
use napi_derive::napi;
use tachyon_indicators::{
    self as ti, Adx, Atr, Bar, Bollinger, Cci, Columns, Donchian, Ema, Fields, Guarded, Ichimoku,
    Indicator, IndicatorBank, Keltner, Macd, Mfi, Obv, ParabolicSar, Rsi, Sma, Stochastic, Vwap,
    WilliamsR, Wma,
};

use crate::error::{invalid_arg, OrThrow, Result};
use crate::options::indicators::{
    layout_of, timestamp, timestamps, IndicatorBankOptions, IndicatorSpec,
};

/// Inputs accepted and refused (by reason) since construction.
#[napi(object)]
#[derive(Debug, Clone, Copy, Default)]
pub struct InputStats {
    /// Inputs that reached the indicator.
    pub accepted: f64,
    /// Refused: every read field NaN (a missing bar).
    pub missing: f64,
    /// Refused: a read field NaN or ±Infinity.
    pub non_finite: f64,
    /// Refused: high below low.
    pub high_below_low: f64,
    /// Refused: open/close outside [low, high].
    pub outside_range: f64,
    /// Refused: negative volume.
    pub negative_volume: f64,
    /// Refused: timestamp not after the last accepted one.
    pub out_of_order: f64,
    /// Accepted bars with zero volume (volume-based indicators).
    pub zero_volume: f64,
    /// All refusals.
    pub rejected: f64,
}

pub(crate) fn input_stats(s: &ti::InputStats) -> InputStats {
    InputStats {
        accepted: s.accepted as f64,
        missing: s.missing as f64,
        non_finite: s.non_finite as f64,
        high_below_low: s.high_below_low as f64,
        outside_range: s.outside_range as f64,
        negative_volume: s.negative_volume as f64,
        out_of_order: s.out_of_order as f64,
        zero_volume: s.zero_volume as f64,
        rejected: s.rejected() as f64,
    }
}

/// Runs a batch and returns the column-major outputs.
fn run_batch<I: Indicator>(g: &mut Guarded<I>, cols: &Columns<'_>) -> Result<Float64Array> {
    let rows = cols.len_for(I::FIELDS).or_throw()?;
    let mut out = vec![0.0; rows * I::OUTPUTS.len()];
    g.batch(cols, &mut out).or_throw()?;
    Ok(Float64Array::new(out))
}

/// Runs a batch into a caller-owned buffer (no allocation); returns the rows processed.
fn run_batch_into<I: Indicator>(
    g: &mut Guarded<I>,
    cols: &Columns<'_>,
    out: &mut [f64],
) -> Result<u32> {
    let rows = cols.len_for(I::FIELDS).or_throw()?;
    let want = rows * I::OUTPUTS.len();
    if out.len() != want {
        return Err(invalid_arg(format!(
            "out has {} elements; this batch needs {want} ({rows} rows × {} outputs)",
            out.len(),
            I::OUTPUTS.len()
        )));
    }
    g.batch(cols, out).or_throw()?;
    Ok(rows as u32)
}

/// Every indicator behind one handle type (dispatch is one `match` per call).
#[derive(Debug)]
// One value per handle, allocated once: boxing the large variants would add a pointer chase to
// every update.
#[allow(clippy::large_enum_variant)]
pub enum AnyIndicator {
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
    fn build(spec: &ti::Spec) -> std::result::Result<Self, ti::IndicatorError> {
        use ti::Spec as S;
        fn g<I: Indicator>(i: I) -> Guarded<I> {
            Guarded::new(i)
        }
        Ok(match *spec {
            S::Sma(n) => Self::Sma(g(Sma::new(n)?)),
            S::Ema(n, seed) => Self::Ema(g(Ema::with_seed(n, seed)?)),
            S::Wma(n) => Self::Wma(g(Wma::new(n)?)),
            S::Rsi(n) => Self::Rsi(g(Rsi::new(n)?)),
            S::Macd(a, b, c) => Self::Macd(g(Macd::new(a, b, c)?)),
            S::Bollinger(n, k) => Self::Bollinger(g(Bollinger::new(n, k)?)),
            S::Atr(n) => Self::Atr(g(Atr::new(n)?)),
            S::Adx(n) => Self::Adx(g(Adx::new(n)?)),
            S::Stochastic(a, b, c) => Self::Stochastic(g(Stochastic::new(a, b, c)?)),
            S::WilliamsR(n) => Self::WilliamsR(g(WilliamsR::new(n)?)),
            S::Obv => Self::Obv(g(Obv::new())),
            S::Cci(n) => Self::Cci(g(Cci::new(n)?)),
            S::Mfi(n) => Self::Mfi(g(Mfi::new(n)?)),
            S::Vwap(Some(n)) => Self::Vwap(g(Vwap::rolling(n)?)),
            S::Vwap(None) => Self::Vwap(g(Vwap::anchored())),
            S::Keltner(n, m, a) => Self::Keltner(g(Keltner::new(n, m, a)?)),
            S::Donchian(n) => Self::Donchian(g(Donchian::new(n)?)),
            S::Ichimoku(a, b, c, d) => Self::Ichimoku(g(Ichimoku::new(a, b, c, d)?)),
            S::ParabolicSar(a, m) => Self::ParabolicSar(g(ParabolicSar::new(a, m)?)),
        })
    }
}

fn fields_of<I: Indicator>(_: &Guarded<I>) -> Fields {
    I::FIELDS
}

fn outputs_of<I: Indicator>(_: &Guarded<I>) -> &'static [&'static str] {
    I::OUTPUTS
}

/// Positional inputs `(x0, x1, x2, x3)` → a bar, by what the indicator reads:
/// value `(x)`, HL `(high, low)`, HLC `(high, low, close)`, CV `(close, volume)`,
/// HLCV `(high, low, close, volume)`.
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

fn update_one<I: Indicator>(
    g: &mut Guarded<I>,
    x: [f64; 4],
    ts: i64,
    out: &mut [f64],
) -> Result<f64> {
    let o = g.update(&bar_of(I::FIELDS, x, ts)).or_throw()?;
    let mut tmp = [f64::NAN; 8];
    let w = I::OUTPUTS.len();
    I::write(&o, &mut tmp[..w]);
    let n = out.len().min(w);
    out[..n].copy_from_slice(&tmp[..n]);
    Ok(tmp[0])
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

/// One streaming indicator (`External` handle; see CONTRIBUTING.md).
#[derive(Debug)]
pub struct BindingIndicator {
    inner: AnyIndicator,
}

/// What an indicator handle is.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct IndicatorInfo {
    /// Output names, in `batch` column order.
    pub outputs: Vec<String>,
    /// Positional inputs of `update`/`batch`: `'value'`, `'hl'` (high, low), `'hlc'`,
    /// `'cv'` (close, volume) or `'hlcv'`.
    pub inputs: String,
    /// Zero-based index of the first bar whose outputs are all defined.
    pub lookback: u32,
}

// Handles are `External<BindingIndicator>` in every signature (napi's typegen does not
// declare Rust aliases).

/// Creates an indicator from `{ kind, ...options }`; `ERR_INVALID_PARAM` names a bad option.
#[napi(catch_unwind)]
pub fn indicator_new(spec: IndicatorSpec) -> Result<External<BindingIndicator>> {
    let inner = AnyIndicator::build(&ti::Spec::from(&spec)).or_throw()?;
    Ok(External::new(BindingIndicator { inner }))
}

/// Outputs, positional inputs and lookback of an indicator.
#[napi]
pub fn indicator_info(h: &External<BindingIndicator>) -> IndicatorInfo {
    each!(&h.inner, g => {
        let f = fields_of(g);
        IndicatorInfo {
            outputs: outputs_of(g).iter().map(|s| (*s).to_owned()).collect(),
            inputs: if f == Fields::VALUE {
                "value"
            } else if f == Fields::HL {
                "hl"
            } else if f == Fields::HLC {
                "hlc"
            } else if f == Fields::CV {
                "cv"
            } else {
                "hlcv"
            }
            .to_owned(),
            lookback: g.inner().lookback() as u32,
        }
    })
}

/// Applies one value or bar given positionally (see `IndicatorInfo.inputs`; unused inputs are
/// ignored). Writes every output into `out` (if given) and returns the first. A bad input
/// throws a coded error (`ERR_MISSING_BAR`, `ERR_NON_FINITE`, `ERR_HIGH_BELOW_LOW`,
/// `ERR_OUTSIDE_RANGE`, `ERR_NEGATIVE_VOLUME`, `ERR_OUT_OF_ORDER`); the state is unchanged and
/// the refusal counted.
#[napi(catch_unwind)]
pub fn indicator_update(
    h: &mut External<BindingIndicator>,
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
    let ts = timestamp(ts)?;
    let mut out = out;
    let slice: &mut [f64] = match out.as_mut() {
        // SAFETY: synchronous call on the JS thread; the slice ends with this call and no
        // other Rust reference to that memory exists.
        Some(o) => unsafe { o.as_mut() },
        None => &mut [],
    };
    each!(&mut h.inner, g => update_one(g, x, ts, slice))
}

/// Continues over input columns (positional as in `update`), returning one `Float64Array`
/// with output `k` of row `t` at `k·rows + t`. Bad rows are skipped (NaN outputs, counted).
#[napi(catch_unwind)]
pub fn indicator_batch(
    h: &mut External<BindingIndicator>,
    c0: &[f64],
    c1: Option<&[f64]>,
    c2: Option<&[f64]>,
    c3: Option<&[f64]>,
    ts: Option<&[f64]>,
) -> Result<Float64Array> {
    let ts = ts.map(timestamps).transpose()?;
    each!(&mut h.inner, g => {
        let cols = columns_of(fields_of(g), [Some(c0), c1, c2, c3], ts.as_deref())?;
        run_batch(g, &cols)
    })
}

/// As `indicatorBatch`, writing into `out` (length rows × outputs) instead of allocating a
/// new array: the fast form for repeated batches. Returns the number of rows.
#[napi(catch_unwind)]
pub fn indicator_batch_into(
    h: &mut External<BindingIndicator>,
    c0: &[f64],
    c1: Option<&[f64]>,
    c2: Option<&[f64]>,
    c3: Option<&[f64]>,
    ts: Option<&[f64]>,
    mut out: Float64ArraySlice<'_>,
) -> Result<u32> {
    // SAFETY: synchronous call on the JS thread; the slice ends with this call. A slice view
    // (unlike an owned `Float64Array`) creates no napi reference, which is most of a small
    // call's cost. The blocked kernels re-read inputs after writing outputs, so an `out`
    // sharing memory with an input is refused before anything runs.
    let out: &mut [f64] = unsafe { out.as_mut() };
    if [Some(c0), c1, c2, c3]
        .iter()
        .flatten()
        .any(|c| overlaps(c, out))
    {
        return Err(invalid_arg(
            "out must not share memory with an input column",
        ));
    }
    let ts = ts.map(timestamps).transpose()?;
    each!(&mut h.inner, g => {
        let cols = columns_of(fields_of(g), [Some(c0), c1, c2, c3], ts.as_deref())?;
        run_batch_into(g, &cols, out)
    })
}

/// As `indicatorBatchInto` for single-series indicators (inputs `'value'`): one column, no
/// timestamps. Three arguments instead of seven: each optional argument costs a type check at
/// the boundary, which is a measurable share of a short batch.
#[napi(catch_unwind)]
pub fn indicator_batch_values_into(
    h: &mut External<BindingIndicator>,
    values: &[f64],
    mut out: Float64ArraySlice<'_>,
) -> Result<u32> {
    // SAFETY: as in `indicator_batch_into`.
    let out: &mut [f64] = unsafe { out.as_mut() };
    if overlaps(values, out) {
        return Err(invalid_arg("out must not share memory with the values"));
    }
    each!(&mut h.inner, g => {
        if fields_of(g) != Fields::VALUE {
            return Err(invalid_arg("batchValuesInto is for single-series indicators (inputs 'value')"));
        }
        run_batch_into(g, &Columns::values(values), out)
    })
}

/// Inputs accepted and refused by reason.
#[napi]
pub fn indicator_stats(h: &External<BindingIndicator>) -> InputStats {
    each!(&h.inner, g => input_stats(g.stats()))
}

/// `true` once every output is defined.
#[napi]
pub fn indicator_ready(h: &External<BindingIndicator>) -> bool {
    each!(&h.inner, g => g.is_ready())
}

/// Back to the freshly constructed state (counters are kept).
#[napi]
pub fn indicator_reset(h: &mut External<BindingIndicator>) {
    each!(&mut h.inner, g => g.reset());
}

/// Counters of an indicator bank.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct BankStats {
    /// `update` calls.
    pub calls: f64,
    /// Per-instrument bars, summed.
    pub inputs: InputStats,
}

/// Many instruments × many indicators (`External` handle; see CONTRIBUTING.md).
#[derive(Debug)]
pub struct BindingIndicatorBank {
    inner: IndicatorBank,
}

fn overlaps(a: &[f64], b: &[f64]) -> bool {
    let (a0, a1) = (
        a.as_ptr() as usize,
        a.as_ptr() as usize + std::mem::size_of_val(a),
    );
    let (b0, b1) = (
        b.as_ptr() as usize,
        b.as_ptr() as usize + std::mem::size_of_val(b),
    );
    a0 < b1 && b0 < a1
}

/// What a bank handle holds.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct IndicatorBankInfo {
    /// Number of instruments `N`.
    pub instruments: u32,
    /// Feature names in matrix column order (`label` or `label.output`).
    pub features: Vec<String>,
    /// `'instrumentMajor'` or `'featureMajor'`.
    pub layout: String,
}

/// Creates a bank; `ERR_INVALID_PARAM` names a bad option.
#[napi(catch_unwind)]
pub fn bank_new(options: IndicatorBankOptions) -> Result<External<BindingIndicatorBank>> {
    let specs: Vec<ti::Spec> = options.indicators.iter().map(ti::Spec::from).collect();
    Ok(External::new(BindingIndicatorBank {
        inner: IndicatorBank::new(
            options.instruments as usize,
            &specs,
            layout_of(options.layout),
        )
        .or_throw()?,
    }))
}

/// Instruments, feature names and layout of a bank.
#[napi]
pub fn bank_info(h: &External<BindingIndicatorBank>) -> IndicatorBankInfo {
    IndicatorBankInfo {
        instruments: h.inner.instruments() as u32,
        features: h.inner.features().to_vec(),
        layout: match h.inner.layout() {
            ti::Layout::InstrumentMajor => "instrumentMajor",
            ti::Layout::FeatureMajor => "featureMajor",
        }
        .to_owned(),
    }
}

/// Updates every instrument with one bar. `inputs` holds 5·N doubles in blocks
/// `open | high | low | close | volume` (fields no configured indicator reads may be NaN);
/// `features` (N·F doubles) and `status` (N bytes: 0 accepted, else the refusal reason) are
/// written in place. `ts` (optional, strictly increasing safe integer) applies to all
/// instruments. Returns the number of instruments updated.
#[napi(catch_unwind)]
pub fn bank_update(
    h: &mut External<BindingIndicatorBank>,
    inputs: &[f64],
    mut features: Float64Array,
    mut status: Uint8Array,
    ts: Option<f64>,
) -> Result<u32> {
    // SAFETY: the call is synchronous on the JS thread, so nothing else runs on these buffers
    // while the slices live; they end with this call. Overlap with `inputs` (the only other
    // slice) is refused below before either is used.
    let (features, status) = unsafe { (features.as_mut(), status.as_mut()) };
    let n = h.inner.instruments();
    if inputs.len() != 5 * n {
        return Err(invalid_arg(format!(
            "inputs must hold 5·N = {} doubles (open|high|low|close|volume), got {}",
            5 * n,
            inputs.len()
        )));
    }
    if overlaps(inputs, features) {
        return Err(invalid_arg("inputs and features must not share memory"));
    }
    let block = |k: usize| Some(&inputs[k * n..(k + 1) * n]);
    let input = ti::BankInput {
        open: block(0),
        high: block(1),
        low: block(2),
        close: block(3),
        volume: block(4),
    };
    let ts = match ts {
        Some(t) => Some(crate::options::safe_integer(t, "ts")?),
        None => None,
    };
    let r = h.inner.update(ts, &input, features, status).or_throw()?;
    Ok(r.accepted as u32)
}

/// Counters of a bank.
#[napi]
pub fn bank_stats(h: &External<BindingIndicatorBank>) -> BankStats {
    let s = h.inner.stats();
    BankStats {
        calls: s.calls as f64,
        inputs: input_stats(&s.inputs),
    }
}

/// Refused bars of instrument `i`.
#[napi]
pub fn bank_rejected(h: &External<BindingIndicatorBank>, i: u32) -> f64 {
    h.inner.rejected(i as usize) as f64
}

/// Resets one instrument's indicators (e.g. after a symbol change).
#[napi]
pub fn bank_reset_instrument(h: &mut External<BindingIndicatorBank>, i: u32) -> Result<()> {
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
#[napi]
pub fn bank_reset(h: &mut External<BindingIndicatorBank>) {
    h.inner.reset();
}
