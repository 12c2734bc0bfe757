//! The indicator bank: many instruments × many indicators, one call per bar time.
//!
//! Inputs are struct-of-arrays (`close[N]`, `high[N]`, …, one slot per instrument); outputs
//! are written into a caller-owned feature matrix of `N × F` doubles, where `F` is the total
//! number of indicator outputs ([`IndicatorBank::features`] names them). The matrix is either
//! instrument-major (row `i` = instrument `i`'s feature vector, `out[i·F + f]`) or
//! feature-major (`out[f·N + i]`, one contiguous column per feature, the layout SIMD code
//! across instruments wants), so a consumer reads it in place, without a copy per instrument.
//!
//! State: for each configured indicator the bank keeps one contiguous `Vec` of per-instrument
//! states (fixed size, allocated at construction), and each update walks it once, so the
//! inner loop is monomorphic and touches memory sequentially.
//!
//! Bad input: each instrument's bar is validated once per call against the union of the
//! fields the configured indicators read ([`validate`]). A refused instrument is skipped by
//! every indicator, its features keep their previous values, its `status[i]` byte says why
//! ([`InputError::status`]: 1 missing, 2 non-finite, 3 high < low, 4 outside range,
//! 5 negative volume, 6 out of order; 0 accepted) and the refusal is counted. A call whose
//! timestamp is not after the previous call's is refused for every instrument (status 6).

use std::fmt;

use crate::error::IndicatorError;
use crate::input::{validate, Bar, Fields, InputError, InputStats, NO_TS};
use crate::{
    Adx, Atr, Bollinger, Cci, Donchian, Ema, EmaSeed, Ichimoku, Indicator, Keltner, Macd, Mfi, Obv,
    ParabolicSar, Rsi, Sma, Stochastic, Vwap, WilliamsR, Wma,
};

/// One indicator of a bank, with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spec {
    /// [`Sma`] (period).
    Sma(usize),
    /// [`Ema`] (period, seeding).
    Ema(usize, EmaSeed),
    /// [`Wma`] (period).
    Wma(usize),
    /// [`Rsi`] (period).
    Rsi(usize),
    /// [`Macd`] (fast, slow, signal).
    Macd(usize, usize, usize),
    /// [`Bollinger`] (period, standard deviations).
    Bollinger(usize, f64),
    /// [`Atr`] (period).
    Atr(usize),
    /// [`Adx`] (period).
    Adx(usize),
    /// [`Stochastic`] (k period, k smoothing, d period).
    Stochastic(usize, usize, usize),
    /// [`WilliamsR`] (period).
    WilliamsR(usize),
    /// [`Obv`].
    Obv,
    /// [`Cci`] (period).
    Cci(usize),
    /// [`Mfi`] (period).
    Mfi(usize),
    /// [`Vwap`]: rolling over `Some(n)` bars or anchored (`None`).
    Vwap(Option<usize>),
    /// [`Keltner`] (period, multiplier, ATR period).
    Keltner(usize, f64, usize),
    /// [`Donchian`] (period).
    Donchian(usize),
    /// [`Ichimoku`] (tenkan, kijun, senkou, displacement).
    Ichimoku(usize, usize, usize, usize),
    /// [`ParabolicSar`] (acceleration, maximum).
    ParabolicSar(f64, f64),
}

impl Spec {
    /// A short label such as `ema(20)` or `macd(12,26,9)`, used to name features.
    #[must_use]
    pub fn label(&self) -> String {
        match *self {
            Self::Sma(n) => format!("sma({n})"),
            Self::Ema(n, EmaSeed::Sma) => format!("ema({n})"),
            Self::Ema(n, EmaSeed::First) => format!("ema({n},first)"),
            Self::Wma(n) => format!("wma({n})"),
            Self::Rsi(n) => format!("rsi({n})"),
            Self::Macd(a, b, c) => format!("macd({a},{b},{c})"),
            Self::Bollinger(n, k) => format!("bollinger({n},{k})"),
            Self::Atr(n) => format!("atr({n})"),
            Self::Adx(n) => format!("adx({n})"),
            Self::Stochastic(a, b, c) => format!("stochastic({a},{b},{c})"),
            Self::WilliamsR(n) => format!("williamsR({n})"),
            Self::Obv => "obv".to_owned(),
            Self::Cci(n) => format!("cci({n})"),
            Self::Mfi(n) => format!("mfi({n})"),
            Self::Vwap(Some(n)) => format!("vwap({n})"),
            Self::Vwap(None) => "vwap".to_owned(),
            Self::Keltner(n, m, a) => format!("keltner({n},{m},{a})"),
            Self::Donchian(n) => format!("donchian({n})"),
            Self::Ichimoku(a, b, c, d) => format!("ichimoku({a},{b},{c},{d})"),
            Self::ParabolicSar(a, m) => format!("psar({a},{m})"),
        }
    }

    fn column(&self, n: usize) -> Result<Box<dyn Column>, IndicatorError> {
        fn col<I: Indicator + Send + 'static>(proto: I, n: usize) -> Box<dyn Column> {
            Box::new(Col {
                states: vec![proto.clone(); n],
                proto,
            })
        }
        Ok(match *self {
            Self::Sma(p) => col(Sma::new(p)?, n),
            Self::Ema(p, s) => col(Ema::with_seed(p, s)?, n),
            Self::Wma(p) => col(Wma::new(p)?, n),
            Self::Rsi(p) => col(Rsi::new(p)?, n),
            Self::Macd(a, b, c) => col(Macd::new(a, b, c)?, n),
            Self::Bollinger(p, k) => col(Bollinger::new(p, k)?, n),
            Self::Atr(p) => col(Atr::new(p)?, n),
            Self::Adx(p) => col(Adx::new(p)?, n),
            Self::Stochastic(a, b, c) => col(Stochastic::new(a, b, c)?, n),
            Self::WilliamsR(p) => col(WilliamsR::new(p)?, n),
            Self::Obv => col(Obv::new(), n),
            Self::Cci(p) => col(Cci::new(p)?, n),
            Self::Mfi(p) => col(Mfi::new(p)?, n),
            Self::Vwap(Some(p)) => col(Vwap::rolling(p)?, n),
            Self::Vwap(None) => col(Vwap::anchored(), n),
            Self::Keltner(p, m, a) => col(Keltner::new(p, m, a)?, n),
            Self::Donchian(p) => col(Donchian::new(p)?, n),
            Self::Ichimoku(a, b, c, d) => col(Ichimoku::new(a, b, c, d)?, n),
            Self::ParabolicSar(a, m) => col(ParabolicSar::new(a, m)?, n),
        })
    }
}

/// Feature-matrix layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// `out[i·F + f]`: one row (feature vector) per instrument.
    #[default]
    InstrumentMajor,
    /// `out[f·N + i]`: one contiguous column per feature.
    FeatureMajor,
}

/// One bar time for all instruments (struct of arrays, each of length N). Columns no
/// configured indicator reads may be `None`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BankInput<'a> {
    /// Opens.
    pub open: Option<&'a [f64]>,
    /// Highs.
    pub high: Option<&'a [f64]>,
    /// Lows.
    pub low: Option<&'a [f64]>,
    /// Closes.
    pub close: Option<&'a [f64]>,
    /// Volumes.
    pub volume: Option<&'a [f64]>,
}

/// Counters of a bank.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BankStats {
    /// Calls to `update`.
    pub calls: u64,
    /// Per-bar counters summed over instruments.
    pub inputs: InputStats,
}

/// What one `update` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BankUpdate {
    /// Instruments updated.
    pub accepted: usize,
    /// Instruments skipped (see their status bytes).
    pub skipped: usize,
}

#[derive(Debug, Clone, Copy)]
struct Pos {
    col0: usize,
    n: usize,
    f: usize,
    layout: Layout,
}

trait Column: fmt::Debug + Send {
    fn width(&self) -> usize;
    fn outputs(&self) -> &'static [&'static str];
    fn fields(&self) -> Fields;
    fn update(&mut self, bars: &[Bar], status: &[u8], out: &mut [f64], pos: Pos);
    fn reset(&mut self, i: usize);
}

#[derive(Debug)]
struct Col<I: Indicator> {
    proto: I,
    states: Vec<I>,
}

impl<I: Indicator + Send> Column for Col<I> {
    fn width(&self) -> usize {
        I::OUTPUTS.len()
    }
    fn outputs(&self) -> &'static [&'static str] {
        I::OUTPUTS
    }
    fn fields(&self) -> Fields {
        I::FIELDS
    }
    fn update(&mut self, bars: &[Bar], status: &[u8], out: &mut [f64], pos: Pos) {
        let w = I::OUTPUTS.len();
        let mut tmp = [0.0; 8];
        let states = &mut self.states[..pos.n];
        let (bars, status) = (&bars[..pos.n], &status[..pos.n]);
        match pos.layout {
            Layout::InstrumentMajor => {
                for (i, st) in states.iter_mut().enumerate() {
                    if status[i] != 0 {
                        continue;
                    }
                    let o = st.step(&bars[i]);
                    if w == 1 {
                        I::write(&o, &mut out[i * pos.f + pos.col0..]);
                    } else {
                        I::write(&o, &mut tmp[..w]);
                        let base = i * pos.f + pos.col0;
                        out[base..base + w].copy_from_slice(&tmp[..w]);
                    }
                }
            }
            Layout::FeatureMajor => {
                for (i, st) in states.iter_mut().enumerate() {
                    if status[i] != 0 {
                        continue;
                    }
                    let o = st.step(&bars[i]);
                    I::write(&o, &mut tmp[..w]);
                    for (k, v) in tmp[..w].iter().enumerate() {
                        out[(pos.col0 + k) * pos.n + i] = *v;
                    }
                }
            }
        }
    }
    fn reset(&mut self, i: usize) {
        self.states[i] = self.proto.clone();
    }
}

/// Indicators for many instruments, updated together. See the module docs.
///
/// ```
/// use tachyon_indicators::{IndicatorBank, BankInput, Layout, Spec, EmaSeed};
/// let mut bank = IndicatorBank::new(2, &[Spec::Ema(2, EmaSeed::Sma), Spec::Rsi(2)], Layout::InstrumentMajor).unwrap();
/// let mut out = vec![f64::NAN; bank.matrix_len()];
/// let mut status = vec![0u8; 2];
/// for close in [[1.0, 10.0], [2.0, 9.0], [3.0, 8.0]] {
///     let input = BankInput { close: Some(&close), ..BankInput::default() };
///     bank.update(None, &input, &mut out, &mut status).unwrap();
/// }
/// assert_eq!(bank.features(), ["ema(2)", "rsi(2)"]);
/// assert_eq!(&out[..2], &[2.5, 100.0]);   // instrument 0: ema, rsi
/// assert_eq!(&out[2..], &[8.5, 0.0]);     // instrument 1
/// ```
#[derive(Debug)]
pub struct IndicatorBank {
    n: usize,
    specs: Vec<Spec>,
    columns: Vec<Box<dyn Column>>,
    offsets: Vec<usize>,
    names: Vec<String>,
    fields: Fields,
    layout: Layout,
    bars: Vec<Bar>,
    last_ts: i64,
    stats: BankStats,
    rejected: Vec<u64>,
}

impl IndicatorBank {
    /// A bank of `instruments` instruments with the given indicators.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for zero instruments, more than 2²⁴, no indicator, or
    /// an indicator parameter out of range.
    pub fn new(instruments: usize, specs: &[Spec], layout: Layout) -> Result<Self, IndicatorError> {
        if instruments == 0 || instruments > 1 << 24 {
            return Err(IndicatorError::param(
                "instruments",
                instruments as f64,
                "an integer between 1 and 16777216",
            ));
        }
        if specs.is_empty() {
            return Err(IndicatorError::param("indicators", 0.0, "a non-empty list"));
        }
        let mut columns = Vec::with_capacity(specs.len());
        let mut offsets = Vec::with_capacity(specs.len());
        let mut names = Vec::new();
        let mut fields = Fields::NONE;
        for s in specs {
            let c = s.column(instruments)?;
            offsets.push(names.len());
            let label = s.label();
            if c.width() == 1 {
                names.push(label);
            } else {
                names.extend(c.outputs().iter().map(|o| format!("{label}.{o}")));
            }
            fields = fields.union(c.fields());
            columns.push(c);
        }
        Ok(Self {
            n: instruments,
            specs: specs.to_vec(),
            columns,
            offsets,
            names,
            fields,
            layout,
            bars: vec![Bar::value(f64::NAN); instruments],
            last_ts: NO_TS,
            stats: BankStats::default(),
            rejected: vec![0; instruments],
        })
    }

    /// Number of instruments `N`.
    #[must_use]
    pub fn instruments(&self) -> usize {
        self.n
    }

    /// Feature names, in matrix column order (`label` or `label.output`).
    #[must_use]
    pub fn features(&self) -> &[String] {
        &self.names
    }

    /// The configured indicators.
    #[must_use]
    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }

    /// Index of the first feature of indicator `k` (in [`IndicatorBank::specs`] order).
    #[must_use]
    pub fn offset(&self, k: usize) -> Option<usize> {
        self.offsets.get(k).copied()
    }

    /// The matrix layout.
    #[must_use]
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The input fields the bank reads (union over its indicators).
    #[must_use]
    pub fn fields(&self) -> Fields {
        self.fields
    }

    /// `N × F`: the length of the feature matrix.
    #[must_use]
    pub fn matrix_len(&self) -> usize {
        self.n * self.names.len()
    }

    /// Counters.
    #[must_use]
    pub fn stats(&self) -> &BankStats {
        &self.stats
    }

    /// Refused bars of instrument `i`.
    #[must_use]
    pub fn rejected(&self, i: usize) -> u64 {
        self.rejected.get(i).copied().unwrap_or(0)
    }

    /// Updates every instrument with one bar each and writes the features into `out`
    /// (`matrix_len()` doubles) and a status byte per instrument into `status` (`N`).
    ///
    /// # Errors
    /// [`IndicatorError::MissingField`] / [`IndicatorError::LengthMismatch`] when a needed
    /// column is absent or a slice has the wrong length; nothing is updated then.
    pub fn update(
        &mut self,
        ts: Option<i64>,
        input: &BankInput<'_>,
        out: &mut [f64],
        status: &mut [u8],
    ) -> Result<BankUpdate, IndicatorError> {
        let n = self.n;
        let cols = [
            (Fields::OPEN, "open", input.open),
            (Fields::HIGH, "high", input.high),
            (Fields::LOW, "low", input.low),
            (Fields::CLOSE, "close", input.close),
            (Fields::VOLUME, "volume", input.volume),
        ];
        for (f, name, c) in cols {
            if let Some(c) = c {
                if c.len() != n {
                    return Err(IndicatorError::LengthMismatch {
                        what: name,
                        len: c.len(),
                        expected: n,
                    });
                }
            } else if self.fields.contains(f) {
                return Err(IndicatorError::MissingField { field: name });
            }
        }
        if out.len() != self.matrix_len() {
            return Err(IndicatorError::LengthMismatch {
                what: "features",
                len: out.len(),
                expected: self.matrix_len(),
            });
        }
        if status.len() != n {
            return Err(IndicatorError::LengthMismatch {
                what: "status",
                len: status.len(),
                expected: n,
            });
        }
        self.stats.calls += 1;
        let ts = ts.unwrap_or(NO_TS);
        if ts != NO_TS && self.last_ts != NO_TS && ts <= self.last_ts {
            let e = InputError::OutOfOrder {
                last: self.last_ts,
                ts,
            };
            status.iter_mut().for_each(|s| *s = e.status());
            self.stats.inputs.out_of_order += n as u64;
            self.rejected.iter_mut().for_each(|r| *r += 1);
            return Ok(BankUpdate {
                accepted: 0,
                skipped: n,
            });
        }
        if ts != NO_TS {
            self.last_ts = ts;
        }
        #[inline]
        fn at(c: Option<&[f64]>, i: usize) -> f64 {
            c.map_or(f64::NAN, |c| c[i])
        }
        let mut accepted = 0;
        let counts_volume = self.fields.contains(Fields::VOLUME);
        for (i, st) in status.iter_mut().enumerate() {
            let bar = Bar {
                ts,
                open: at(input.open, i),
                high: at(input.high, i),
                low: at(input.low, i),
                close: at(input.close, i),
                volume: at(input.volume, i),
            };
            match validate(&bar, self.fields) {
                Ok(()) => {
                    *st = 0;
                    accepted += 1;
                    if counts_volume && bar.volume == 0.0 {
                        self.stats.inputs.zero_volume += 1;
                    }
                }
                Err(e) => {
                    *st = e.status();
                    self.stats.inputs.count(&e);
                    self.rejected[i] += 1;
                }
            }
            self.bars[i] = bar;
        }
        self.stats.inputs.accepted += accepted as u64;
        let f = self.names.len();
        for (c, &col0) in self.columns.iter_mut().zip(&self.offsets) {
            c.update(
                &self.bars,
                status,
                out,
                Pos {
                    col0,
                    n,
                    f,
                    layout: self.layout,
                },
            );
        }
        Ok(BankUpdate {
            accepted,
            skipped: n - accepted,
        })
    }

    /// Resets instrument `i` (all its indicators) to the freshly constructed state, e.g.
    /// after a symbol change or a data gap. Out-of-range `i` is ignored.
    pub fn reset_instrument(&mut self, i: usize) {
        if i < self.n {
            for c in &mut self.columns {
                c.reset(i);
            }
        }
    }

    /// Resets every instrument and the timestamp check (counters are kept).
    pub fn reset(&mut self) {
        for i in 0..self.n {
            self.reset_instrument(i);
        }
        self.last_ts = NO_TS;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Columns, Guarded};

    fn series(i: usize, t: usize) -> Bar {
        let x = 100.0 + (i as f64) + ((t * (i + 3)) as f64 * 0.37).sin() * 3.0 + t as f64 * 0.01;
        Bar::new(x, x + 0.8, x - 0.7, x + 0.1, 1000.0 + (t % 7) as f64 * 10.0)
    }

    const ALL: [Spec; 18] = [
        Spec::Sma(5),
        Spec::Ema(5, EmaSeed::Sma),
        Spec::Wma(5),
        Spec::Rsi(5),
        Spec::Macd(3, 6, 4),
        Spec::Bollinger(5, 2.0),
        Spec::Atr(5),
        Spec::Adx(4),
        Spec::Stochastic(5, 3, 3),
        Spec::WilliamsR(5),
        Spec::Obv,
        Spec::Cci(5),
        Spec::Mfi(5),
        Spec::Vwap(Some(5)),
        Spec::Keltner(5, 2.0, 4),
        Spec::Donchian(5),
        Spec::Ichimoku(3, 5, 8, 4),
        Spec::ParabolicSar(0.02, 0.2),
    ];

    /// Each bank column equals the same indicator run alone, bit for bit, in both layouts,
    /// including across a skipped (bad) bar of one instrument.
    #[test]
    fn bank_equals_single_objects() {
        for layout in [Layout::InstrumentMajor, Layout::FeatureMajor] {
            let n = 3;
            let mut bank = IndicatorBank::new(n, &ALL, layout).unwrap();
            let f = bank.features().len();
            let mut out = vec![f64::NAN; bank.matrix_len()];
            let mut status = vec![0u8; n];
            let mut singles: Vec<IndicatorBank> = (0..n)
                .map(|_| IndicatorBank::new(1, &ALL, Layout::InstrumentMajor).unwrap())
                .collect();
            let mut single_out: Vec<Vec<f64>> = vec![vec![f64::NAN; f]; n];
            for t in 0..80 {
                let mut bars: Vec<Bar> = (0..n).map(|i| series(i, t)).collect();
                if t == 40 {
                    bars[1].high = bars[1].low - 1.0; // refused for instrument 1 only
                }
                let col = |g: fn(&Bar) -> f64| bars.iter().map(g).collect::<Vec<f64>>();
                let (o, h, l, c, v) = (
                    col(|b| b.open),
                    col(|b| b.high),
                    col(|b| b.low),
                    col(|b| b.close),
                    col(|b| b.volume),
                );
                let input = BankInput {
                    open: Some(&o),
                    high: Some(&h),
                    low: Some(&l),
                    close: Some(&c),
                    volume: Some(&v),
                };
                bank.update(Some(t as i64), &input, &mut out, &mut status)
                    .unwrap();
                if t == 40 {
                    assert_eq!(status, [0, 3, 0]);
                }
                for i in 0..n {
                    let one = BankInput {
                        open: Some(&o[i..=i]),
                        high: Some(&h[i..=i]),
                        low: Some(&l[i..=i]),
                        close: Some(&c[i..=i]),
                        volume: Some(&v[i..=i]),
                    };
                    let mut st = [0u8];
                    singles[i]
                        .update(Some(t as i64), &one, &mut single_out[i], &mut st)
                        .unwrap();
                    for k in 0..f {
                        let got = match layout {
                            Layout::InstrumentMajor => out[i * f + k],
                            Layout::FeatureMajor => out[k * n + i],
                        };
                        let want = single_out[i][k];
                        assert!(
                            got.to_bits() == want.to_bits(),
                            "t={t} i={i} {}: {got} vs {want}",
                            bank.features()[k]
                        );
                    }
                }
            }
            assert_eq!(bank.rejected(1), 1);
            assert_eq!(bank.stats().inputs.high_below_low, 1);
            assert_eq!(bank.stats().inputs.accepted, 3 * 80 - 1);
        }
    }

    /// A bank of one instrument agrees with `Guarded::batch` over the same columns: the same
    /// bars defined, values equal to rounding (the batch runs the blocked kernels, the bank
    /// steps; see `kernels`).
    #[test]
    fn bank_equals_batch() {
        let t_max = 120;
        let bars: Vec<Bar> = (0..t_max).map(|t| series(0, t)).collect();
        let h: Vec<f64> = bars.iter().map(|b| b.high).collect();
        let l: Vec<f64> = bars.iter().map(|b| b.low).collect();
        let c: Vec<f64> = bars.iter().map(|b| b.close).collect();
        let mut adx = Guarded::new(Adx::new(7).unwrap());
        let mut batch = vec![0.0; t_max * 4];
        adx.batch(&Columns::hlc(&h, &l, &c), &mut batch).unwrap();
        let mut bank = IndicatorBank::new(1, &[Spec::Adx(7)], Layout::InstrumentMajor).unwrap();
        let mut out = vec![0.0; 4];
        let mut st = [0u8];
        for t in 0..t_max {
            let input = BankInput {
                high: Some(&h[t..=t]),
                low: Some(&l[t..=t]),
                close: Some(&c[t..=t]),
                ..BankInput::default()
            };
            bank.update(None, &input, &mut out, &mut st).unwrap();
            for k in 0..4 {
                let (got, want) = (out[k], batch[k * t_max + t]);
                assert_eq!(got.is_nan(), want.is_nan(), "t={t} k={k}");
                if !got.is_nan() {
                    let scale = got.abs().max(want.abs()).max(1.0);
                    assert!(
                        (got - want).abs() <= 1e-12 * scale,
                        "t={t} k={k}: {got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn shape_errors_and_out_of_order() {
        let mut bank = IndicatorBank::new(2, &[Spec::Atr(3)], Layout::InstrumentMajor).unwrap();
        let mut out = vec![0.0; 2];
        let mut st = [0u8; 2];
        let c = [1.0, 2.0];
        let only_close = BankInput {
            close: Some(&c),
            ..BankInput::default()
        };
        assert_eq!(
            bank.update(None, &only_close, &mut out, &mut st)
                .unwrap_err()
                .code(),
            "ERR_MISSING_FIELD"
        );
        let short = [1.0];
        let bad = BankInput {
            high: Some(&short),
            low: Some(&c),
            close: Some(&c),
            ..BankInput::default()
        };
        assert_eq!(
            bank.update(None, &bad, &mut out, &mut st)
                .unwrap_err()
                .code(),
            "ERR_LENGTH_MISMATCH"
        );
        let ok = BankInput {
            high: Some(&c),
            low: Some(&c),
            close: Some(&c),
            ..BankInput::default()
        };
        bank.update(Some(5), &ok, &mut out, &mut st).unwrap();
        let r = bank.update(Some(5), &ok, &mut out, &mut st).unwrap();
        assert_eq!(r.skipped, 2);
        assert_eq!(st, [6, 6]);
        assert_eq!(bank.stats().inputs.out_of_order, 2);
        assert!(IndicatorBank::new(0, &[Spec::Obv], Layout::InstrumentMajor).is_err());
        assert!(IndicatorBank::new(1, &[Spec::Sma(0)], Layout::InstrumentMajor).is_err());
    }
}
