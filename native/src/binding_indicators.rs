//! Bindings of `tachyon_indicators`: one class per indicator (streaming `update`, chunked
//! `batch` over typed arrays) and the many-instrument `IndicatorBank`.
//!
//! Every class wraps the pure crate's `Guarded<I>`: `update` throws a coded error for a bad
//! input (state unchanged, counted in `stats`); `batch` skips bad rows (NaN outputs, counted)
//! and returns one `Float64Array` holding output `k` of row `t` at `k·rows + t`.

use napi::bindgen_prelude::{Float64Array, Uint8Array};
use napi_derive::napi;
use tachyon_indicators::{
    self as ti, Adx, Atr, Bar, Bollinger, Cci, Columns, Donchian, Ema, Guarded, Ichimoku,
    Indicator, IndicatorBank, Keltner, Macd, Mfi, Obv, ParabolicSar, Rsi, Sma, Stochastic, Vwap,
    WilliamsR, Wma,
};

use crate::error::{invalid_arg, OrThrow, Result};
use crate::options::indicators::{
    ema_seed, layout_of, timestamp, timestamps, BollingerOptions, EmaOptions, IchimokuOptions,
    IndicatorBankOptions, KeltnerOptions, MacdOptions, PeriodOptions, SarOptions,
    StochasticOptions, VwapOptions,
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

/// MACD outputs.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct MacdValue {
    pub macd: f64,
    pub signal: f64,
    pub histogram: f64,
}

/// Bollinger outputs.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct BollingerValue {
    pub lower: f64,
    pub middle: f64,
    pub upper: f64,
    pub percent_b: f64,
}

/// A channel's lines.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct BandsValue {
    pub lower: f64,
    pub middle: f64,
    pub upper: f64,
}

/// ADX/DMI outputs.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct AdxValue {
    pub adx: f64,
    pub plus_di: f64,
    pub minus_di: f64,
    pub dx: f64,
}

/// Stochastic outputs.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct StochasticValue {
    pub k: f64,
    pub d: f64,
}

/// Ichimoku outputs (senkou = computed now, drawn `displacement` ahead; cloud = senkou from
/// `displacement` bars ago, i.e. the cloud at this bar; chikou = this close).
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct IchimokuValue {
    pub tenkan: f64,
    pub kijun: f64,
    pub senkou_a: f64,
    pub senkou_b: f64,
    pub chikou: f64,
    pub cloud_a: f64,
    pub cloud_b: f64,
}

/// Parabolic SAR outputs.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct SarValue {
    pub sar: f64,
    /// +1 long, −1 short.
    pub trend: f64,
}

/// Pure output → JS value.
pub(crate) trait ToJs {
    type Js;
    fn js(self) -> Self::Js;
}

impl ToJs for f64 {
    type Js = f64;
    fn js(self) -> f64 {
        self
    }
}

impl ToJs for ti::MacdOutput {
    type Js = MacdValue;
    fn js(self) -> MacdValue {
        MacdValue {
            macd: self.macd,
            signal: self.signal,
            histogram: self.histogram,
        }
    }
}

impl ToJs for ti::BollingerOutput {
    type Js = BollingerValue;
    fn js(self) -> BollingerValue {
        BollingerValue {
            lower: self.lower,
            middle: self.middle,
            upper: self.upper,
            percent_b: self.percent_b,
        }
    }
}

impl ToJs for ti::Bands {
    type Js = BandsValue;
    fn js(self) -> BandsValue {
        BandsValue {
            lower: self.lower,
            middle: self.middle,
            upper: self.upper,
        }
    }
}

impl ToJs for ti::AdxOutput {
    type Js = AdxValue;
    fn js(self) -> AdxValue {
        AdxValue {
            adx: self.adx,
            plus_di: self.plus_di,
            minus_di: self.minus_di,
            dx: self.dx,
        }
    }
}

impl ToJs for ti::StochasticOutput {
    type Js = StochasticValue;
    fn js(self) -> StochasticValue {
        StochasticValue {
            k: self.k,
            d: self.d,
        }
    }
}

impl ToJs for ti::IchimokuOutput {
    type Js = IchimokuValue;
    fn js(self) -> IchimokuValue {
        IchimokuValue {
            tenkan: self.tenkan,
            kijun: self.kijun,
            senkou_a: self.senkou_a,
            senkou_b: self.senkou_b,
            chikou: self.chikou,
            cloud_a: self.cloud_a,
            cloud_b: self.cloud_b,
        }
    }
}

impl ToJs for ti::SarOutput {
    type Js = SarValue;
    fn js(self) -> SarValue {
        SarValue {
            sar: self.sar,
            trend: self.trend,
        }
    }
}

/// Runs a batch and returns the column-major outputs.
fn run_batch<I: Indicator>(g: &mut Guarded<I>, cols: &Columns<'_>) -> Result<Float64Array> {
    let rows = cols.len_for(I::FIELDS).or_throw()?;
    let mut out = vec![0.0; rows * I::OUTPUTS.len()];
    g.batch(cols, &mut out).or_throw()?;
    Ok(Float64Array::new(out))
}

fn u(x: Option<u32>, d: usize) -> usize {
    x.map_or(d, |v| v as usize)
}

/// Declares a class wrapping `Guarded<$ty>` with the shared members.
macro_rules! indicator_class {
    ($binding:ident, $js:literal, $ty:ty, $opts:ty, |$o:ident| $build:expr) => {
        #[napi(js_name = $js)]
        #[derive(Debug)]
        pub struct $binding {
            inner: Guarded<$ty>,
        }

        #[napi]
        impl $binding {
            /// Creates the indicator; `ERR_INVALID_PARAM` names a bad option.
            #[napi(constructor, catch_unwind)]
            pub fn new(options: Option<$opts>) -> Result<$binding> {
                let $o = options.unwrap_or_default();
                let ind: $ty = $build.or_throw()?;
                Ok($binding {
                    inner: Guarded::new(ind),
                })
            }

            /// Inputs accepted and refused by reason.
            #[napi(getter)]
            pub fn stats(&self) -> InputStats {
                input_stats(self.inner.stats())
            }

            /// `true` once every output is defined.
            #[napi(getter)]
            pub fn ready(&self) -> bool {
                self.inner.is_ready()
            }

            /// Zero-based index of the first bar whose outputs are all defined.
            #[napi(getter)]
            pub fn lookback(&self) -> u32 {
                self.inner.inner().lookback() as u32
            }

            /// Output names, in `batch` column order.
            #[napi(getter)]
            pub fn outputs(&self) -> Vec<&'static str> {
                <$ty as Indicator>::OUTPUTS.to_vec()
            }

            /// Back to the freshly constructed state (counters are kept).
            #[napi]
            pub fn reset(&mut self) {
                self.inner.reset();
            }
        }
    };
}

/// `update(value)` / `batch(values)` for single-series indicators.
macro_rules! value_methods {
    ($binding:ident, $out:ty) => {
        #[napi]
        impl $binding {
            /// Applies one value. NaN throws `ERR_MISSING_BAR`, ±Infinity `ERR_NON_FINITE` (counted;
            /// state kept).
            #[napi(catch_unwind)]
            pub fn update(&mut self, value: f64) -> Result<$out> {
                Ok(self.inner.update_value(value).or_throw()?.js())
            }

            /// Continues over `values`: output `k` of value `t` at index `k·values.length + t`;
            /// bad values give NaN outputs and are counted.
            #[napi(catch_unwind)]
            pub fn batch(&mut self, values: &[f64]) -> Result<Float64Array> {
                run_batch(&mut self.inner, &Columns::values(values))
            }
        }
    };
}

/// `update(high, low, close, ts?)` / `batch(high, low, close, ts?)`.
macro_rules! hlc_methods {
    ($binding:ident, $out:ty) => {
        #[napi]
        impl $binding {
            /// Applies one bar (`ts`: optional strictly increasing safe integer). A bad bar
            /// throws a coded error (counted; state kept).
            #[napi(catch_unwind)]
            pub fn update(
                &mut self,
                high: f64,
                low: f64,
                close: f64,
                ts: Option<f64>,
            ) -> Result<$out> {
                let bar = Bar::hlc(high, low, close).at(timestamp(ts)?);
                Ok(self.inner.update(&bar).or_throw()?.js())
            }

            /// Continues over columns of equal length; bad rows give NaN outputs (counted).
            #[napi(catch_unwind)]
            pub fn batch(
                &mut self,
                high: &[f64],
                low: &[f64],
                close: &[f64],
                ts: Option<&[f64]>,
            ) -> Result<Float64Array> {
                let ts = ts.map(timestamps).transpose()?;
                let cols = Columns {
                    ts: ts.as_deref(),
                    ..Columns::hlc(high, low, close)
                };
                run_batch(&mut self.inner, &cols)
            }
        }
    };
}

/// `update(high, low, close, volume, ts?)` / `batch(...)`.
macro_rules! hlcv_methods {
    ($binding:ident, $out:ty) => {
        #[napi]
        impl $binding {
            /// Applies one bar (`ts`: optional strictly increasing safe integer). A bad bar
            /// throws a coded error (counted; state kept).
            #[napi(catch_unwind)]
            pub fn update(
                &mut self,
                high: f64,
                low: f64,
                close: f64,
                volume: f64,
                ts: Option<f64>,
            ) -> Result<$out> {
                let bar = Bar::hlcv(high, low, close, volume).at(timestamp(ts)?);
                Ok(self.inner.update(&bar).or_throw()?.js())
            }

            /// Continues over columns of equal length; bad rows give NaN outputs (counted).
            #[napi(catch_unwind)]
            pub fn batch(
                &mut self,
                high: &[f64],
                low: &[f64],
                close: &[f64],
                volume: &[f64],
                ts: Option<&[f64]>,
            ) -> Result<Float64Array> {
                let ts = ts.map(timestamps).transpose()?;
                let cols = Columns {
                    ts: ts.as_deref(),
                    ..Columns::hlcv(high, low, close, volume)
                };
                run_batch(&mut self.inner, &cols)
            }
        }
    };
}

/// `update(high, low, ts?)` / `batch(high, low, ts?)`.
macro_rules! hl_methods {
    ($binding:ident, $out:ty) => {
        #[napi]
        impl $binding {
            /// Applies one bar's high and low (`ts` optional). A bad bar throws a coded error.
            #[napi(catch_unwind)]
            pub fn update(&mut self, high: f64, low: f64, ts: Option<f64>) -> Result<$out> {
                let bar = Bar::new(f64::NAN, high, low, f64::NAN, f64::NAN).at(timestamp(ts)?);
                Ok(self.inner.update(&bar).or_throw()?.js())
            }

            /// Continues over columns of equal length; bad rows give NaN outputs (counted).
            #[napi(catch_unwind)]
            pub fn batch(
                &mut self,
                high: &[f64],
                low: &[f64],
                ts: Option<&[f64]>,
            ) -> Result<Float64Array> {
                let ts = ts.map(timestamps).transpose()?;
                let cols = Columns {
                    ts: ts.as_deref(),
                    high: Some(high),
                    low: Some(low),
                    ..Columns::default()
                };
                run_batch(&mut self.inner, &cols)
            }
        }
    };
}

indicator_class!(BindingSma, "Sma", Sma, PeriodOptions, |o| Sma::new(u(
    o.period, 20
)));
indicator_class!(BindingEma, "Ema", Ema, EmaOptions, |o| Ema::with_seed(
    u(o.period, 20),
    ema_seed(o.seed)
));
indicator_class!(BindingWma, "Wma", Wma, PeriodOptions, |o| Wma::new(u(
    o.period, 20
)));
indicator_class!(BindingRsi, "Rsi", Rsi, PeriodOptions, |o| Rsi::new(u(
    o.period, 14
)));
indicator_class!(BindingMacd, "Macd", Macd, MacdOptions, |o| Macd::new(
    u(o.fast, 12),
    u(o.slow, 26),
    u(o.signal, 9)
));
indicator_class!(
    BindingBollinger,
    "Bollinger",
    Bollinger,
    BollingerOptions,
    |o| { Bollinger::new(u(o.period, 20), o.std_dev.unwrap_or(2.0)) }
);
indicator_class!(BindingAtr, "Atr", Atr, PeriodOptions, |o| Atr::new(u(
    o.period, 14
)));
indicator_class!(BindingAdx, "Adx", Adx, PeriodOptions, |o| Adx::new(u(
    o.period, 14
)));
indicator_class!(
    BindingStochastic,
    "Stochastic",
    Stochastic,
    StochasticOptions,
    |o| Stochastic::new(u(o.k_period, 14), u(o.k_smooth, 3), u(o.d_period, 3))
);
indicator_class!(
    BindingWilliamsR,
    "WilliamsR",
    WilliamsR,
    PeriodOptions,
    |o| { WilliamsR::new(u(o.period, 14)) }
);
indicator_class!(BindingObv, "Obv", Obv, PeriodOptions, |o| {
    let _ = o;
    Ok::<Obv, ti::IndicatorError>(Obv::new())
});
indicator_class!(BindingCci, "Cci", Cci, PeriodOptions, |o| Cci::new(u(
    o.period, 20
)));
indicator_class!(BindingMfi, "Mfi", Mfi, PeriodOptions, |o| Mfi::new(u(
    o.period, 14
)));
indicator_class!(BindingVwap, "Vwap", Vwap, VwapOptions, |o| match o.period {
    Some(n) => Vwap::rolling(n as usize),
    None => Ok(Vwap::anchored()),
});
indicator_class!(BindingKeltner, "Keltner", Keltner, KeltnerOptions, |o| {
    let n = u(o.period, 20);
    Keltner::new(n, o.multiplier.unwrap_or(2.0), u(o.atr_period, n))
});
indicator_class!(BindingDonchian, "Donchian", Donchian, PeriodOptions, |o| {
    Donchian::new(u(o.period, 20))
});
indicator_class!(
    BindingIchimoku,
    "Ichimoku",
    Ichimoku,
    IchimokuOptions,
    |o| {
        Ichimoku::new(
            u(o.tenkan, 9),
            u(o.kijun, 26),
            u(o.senkou, 52),
            u(o.displacement, 26),
        )
    }
);
indicator_class!(
    BindingParabolicSar,
    "ParabolicSar",
    ParabolicSar,
    SarOptions,
    |o| { ParabolicSar::new(o.acceleration.unwrap_or(0.02), o.maximum.unwrap_or(0.2)) }
);

value_methods!(BindingSma, f64);
value_methods!(BindingEma, f64);
value_methods!(BindingWma, f64);
value_methods!(BindingRsi, f64);
value_methods!(BindingMacd, MacdValue);
value_methods!(BindingBollinger, BollingerValue);
hlc_methods!(BindingAtr, f64);
hlc_methods!(BindingAdx, AdxValue);
hlc_methods!(BindingStochastic, StochasticValue);
hlc_methods!(BindingWilliamsR, f64);
hlc_methods!(BindingCci, f64);
hlc_methods!(BindingKeltner, BandsValue);
hlc_methods!(BindingIchimoku, IchimokuValue);
hlcv_methods!(BindingMfi, f64);
hlcv_methods!(BindingVwap, f64);
hl_methods!(BindingDonchian, BandsValue);
hl_methods!(BindingParabolicSar, SarValue);

#[napi]
impl BindingObv {
    /// Applies one bar's close and volume (`ts` optional). A bad bar throws a coded error.
    #[napi(catch_unwind)]
    pub fn update(&mut self, close: f64, volume: f64, ts: Option<f64>) -> Result<f64> {
        let bar = Bar::new(f64::NAN, f64::NAN, f64::NAN, close, volume).at(timestamp(ts)?);
        self.inner.update(&bar).or_throw()
    }

    /// Continues over columns of equal length; bad rows give NaN outputs (counted).
    #[napi(catch_unwind)]
    pub fn batch(
        &mut self,
        close: &[f64],
        volume: &[f64],
        ts: Option<&[f64]>,
    ) -> Result<Float64Array> {
        let ts = ts.map(timestamps).transpose()?;
        let cols = Columns {
            ts: ts.as_deref(),
            close: Some(close),
            volume: Some(volume),
            ..Columns::default()
        };
        run_batch(&mut self.inner, &cols)
    }
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

/// Many instruments × many indicators, updated in one call from struct-of-arrays inputs into
/// a feature matrix the caller owns.
#[napi(js_name = "IndicatorBank")]
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

#[napi]
impl BindingIndicatorBank {
    /// Creates the bank; `ERR_INVALID_PARAM` names a bad option.
    #[napi(constructor, catch_unwind)]
    pub fn new(options: IndicatorBankOptions) -> Result<BindingIndicatorBank> {
        let specs: Vec<ti::Spec> = options.indicators.iter().map(ti::Spec::from).collect();
        Ok(BindingIndicatorBank {
            inner: IndicatorBank::new(
                options.instruments as usize,
                &specs,
                layout_of(options.layout),
            )
            .or_throw()?,
        })
    }

    /// Number of instruments `N`.
    #[napi(getter)]
    pub fn instruments(&self) -> u32 {
        self.inner.instruments() as u32
    }

    /// Feature names in matrix column order (`label` or `label.output`, e.g. `macd(12,26,9).signal`).
    #[napi(getter)]
    pub fn features(&self) -> Vec<String> {
        self.inner.features().to_vec()
    }

    /// `'instrumentMajor'` or `'featureMajor'`.
    #[napi(getter)]
    pub fn layout(&self) -> &'static str {
        match self.inner.layout() {
            ti::Layout::InstrumentMajor => "instrumentMajor",
            ti::Layout::FeatureMajor => "featureMajor",
        }
    }

    /// Updates every instrument with one bar. `inputs` holds 5·N doubles in blocks
    /// `open | high | low | close | volume` (fields no configured indicator reads may be NaN);
    /// features (N·F doubles) and status (N bytes: 0 accepted, else the refusal reason) are
    /// written in place. `ts` (optional, strictly increasing safe integer) applies to all
    /// instruments. Returns the number of instruments updated.
    #[napi(catch_unwind)]
    pub fn update(
        &mut self,
        inputs: &[f64],
        mut features: Float64Array,
        mut status: Uint8Array,
        ts: Option<f64>,
    ) -> Result<u32> {
        // SAFETY: the call is synchronous on the JS thread, so nothing else runs on these
        // buffers while the slices live; they end with this call. Overlap with `inputs` (the
        // only other slice) is refused below before either is used.
        let (features, status) = unsafe { (features.as_mut(), status.as_mut()) };
        let n = self.inner.instruments();
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
        let r = self.inner.update(ts, &input, features, status).or_throw()?;
        Ok(r.accepted as u32)
    }

    /// Counters.
    #[napi(getter)]
    pub fn stats(&self) -> BankStats {
        let s = self.inner.stats();
        BankStats {
            calls: s.calls as f64,
            inputs: input_stats(&s.inputs),
        }
    }

    /// Refused bars of instrument `i`.
    #[napi]
    pub fn rejected(&self, i: u32) -> f64 {
        self.inner.rejected(i as usize) as f64
    }

    /// Resets one instrument's indicators (e.g. after a symbol change).
    #[napi]
    pub fn reset_instrument(&mut self, i: u32) -> Result<()> {
        if i as usize >= self.inner.instruments() {
            return Err(invalid_arg(format!(
                "instrument {i} is out of range (0..{})",
                self.inner.instruments()
            )));
        }
        self.inner.reset_instrument(i as usize);
        Ok(())
    }

    /// Resets every instrument and the timestamp check (counters are kept).
    #[napi]
    pub fn reset(&mut self) {
        self.inner.reset();
    }
}
