//! # tachyon-indicators
//!
//! Streaming technical indicators with O(1) updates over fixed-size state, their batch forms,
//! and an [`IndicatorBank`] that updates many instruments in one call.
//!
//! Kernel crate: `std` only, Rust 1.63 (it is also compiled to WebAssembly).
//!
//! ## Indicators
//! | type | reads | outputs | seeding / convention (first complete output at index `lookback`) |
//! |------|-------|---------|--------------------------------------------------------|
//! | [`Sma`] | value | sma | mean of the last `n`; lookback `n−1` |
//! | [`Ema`] | value | ema | α = 2/(n+1); seeded with the SMA of the first `n` values (TA-Lib, TTR); [`EmaSeed::First`] seeds with the first value; lookback `n−1` (or 0) |
//! | [`Wma`] | value | wma | linear weights 1…n, newest heaviest; lookback `n−1` |
//! | [`Rsi`] | value | rsi | Wilder: average gain/loss seeded with the mean of the first `n` changes, then `(avg·(n−1)+x)/n`; lookback `n`; 50 when nothing moved |
//! | [`Macd`] | value | macd, signal, histogram | two SMA-seeded EMAs (each seeded on its own first `n` values, as TTR); signal = SMA-seeded EMA of the MACD line; lookback `slow−1` (line), `slow+signal−2` (signal) |
//! | [`Bollinger`] | value | lower, middle, upper, percentB | SMA ± k·σ with the *population* σ of the window (TA-Lib, TTR); lookback `n−1` |
//! | [`Atr`] | HLC | atr | TR from the second bar; Wilder average seeded with the mean of the first `n` TRs; lookback `n` |
//! | [`Adx`] | HLC | adx, plusDi, minusDi, dx | Wilder sums seeded with the sum of the first `n−1` values then one recurrence step (TA-Lib, TTR `wilderSum`); ADX = Wilder average of DX seeded with the mean of the first `n` DX; lookback `n` (DI), `2n−1` (ADX) |
//! | [`Stochastic`] | HLC | k, d | raw %K over `kPeriod`; %K = SMA(`kSmooth`) of raw %K; %D = SMA(`dPeriod`) of %K; 50 on a flat window |
//! | [`WilliamsR`] | HLC | wpr | −100·(HH−C)/(HH−LL); −50 on a flat window; lookback `n−1` |
//! | [`Obv`] | CV | obv | starts at the first bar's volume; ± volume on up/down closes, unchanged on equal closes |
//! | [`Cci`] | HLC | cci | typical price, SMA and mean absolute deviation over `n`, constant 0.015; 0 on a flat window; **O(n) per update** (see [`Cci`]) |
//! | [`Mfi`] | HLCV | mfi | typical-price money flow over the last `n` changes; 100 if no negative flow, 50 if no flow; lookback `n` |
//! | [`Vwap`] | HLCV | vwap | typical price × volume; rolling over `n` bars (TTR `VWAP`) or anchored (cumulative since [`Vwap::reset`]); NaN while the window's volume is 0 |
//! | [`Keltner`] | HLC | lower, middle, upper | middle = SMA-seeded EMA(`n`) of typical price; bands ± m·ATR(`atrPeriod`, Wilder) (TTR `keltnerChannels`) |
//! | [`Donchian`] | HL | upper, middle, lower | highest high / lowest low of `n` bars; lookback `n−1` |
//! | [`Ichimoku`] | HLC | tenkan, kijun, senkouA, senkouB, chikou, cloudA, cloudB | midpoints of 9/26/52-bar ranges; senkou lines are the values computed now (plotted `displacement` ahead), cloud = senkou values from `displacement` bars ago, chikou = close (plotted `displacement` back) |
//! | [`ParabolicSar`] | HL | sar, trend | TA-Lib's bootstrap: direction from the first two bars' DM, first SAR = first bar's extreme; lookback 1 |
//!
//! The seeding conventions and which reference each one matches are recorded with the
//! fixtures in `tests/fixtures/` and tested there (1e-9 relative after warm-up).
//!
//! ## Using them
//! - Each indicator implements [`Indicator`]: `step` (unchecked), `is_ready`, `reset`,
//!   `lookback`, flattened outputs. Outputs are NaN until they are defined.
//! - [`Guarded`] wraps an indicator with input validation and counters ([`InputStats`]):
//!   `update` returns `Err(InputError)` for a bad bar and leaves the state untouched;
//!   [`Guarded::batch`] runs over columns and *skips* bad rows (NaN outputs), counting them.
//! - Batches of valid rows run each indicator's bulk kernel ([`Indicator::run_valid`]): for
//!   EMA, RSI, ATR, ADX and Bollinger a blocked, vectorised form ([`kernels`]; AVX2 chosen at
//!   run time, [`Path`]) that agrees with stepping to ~1e-13 (Bollinger: exactly).
//! - [`IndicatorBank`] holds one state per (instrument, indicator) and updates all instruments
//!   from struct-of-arrays inputs into a feature matrix.
//!
//! ## Features
//! None.

pub mod bank;
pub mod error;
pub mod input;
pub mod kernels;
pub mod ma;
pub mod oscillators;
pub mod trend;
pub mod volatility;
pub mod volume;
pub mod window;

use std::fmt;

pub use bank::{BankInput, BankStats, IndicatorBank, Layout, Spec};
pub use error::IndicatorError;
pub use input::{validate, Bar, Fields, Guard, InputError, InputStats, NO_TS};
pub use kernels::Path;
pub use ma::{Ema, EmaSeed, Sma, Wma};
pub use oscillators::{Cci, Macd, MacdOutput, Rsi, Stochastic, StochasticOutput, WilliamsR};
pub use trend::{Adx, AdxOutput, Ichimoku, IchimokuOutput, ParabolicSar, SarOutput};
pub use volatility::{Atr, Bands, Bollinger, BollingerOutput, Donchian, Keltner};
pub use volume::{Mfi, Obv, Vwap};

/// A streaming indicator: fixed-size state, one `step` per bar.
pub trait Indicator: Clone + fmt::Debug {
    /// What one step returns (an `f64`, or a small struct of `f64`s).
    type Output: Copy + fmt::Debug + PartialEq;
    /// The bar fields the indicator reads.
    const FIELDS: Fields;
    /// Names of the flattened outputs, in [`Indicator::write`] order.
    const OUTPUTS: &'static [&'static str];

    /// Advances the state by one bar and returns the outputs (NaN where not yet defined).
    /// The bar is *not* validated: feed only bars that pass [`validate`] for
    /// [`Indicator::FIELDS`] (use [`Guarded`] for that).
    fn step(&mut self, bar: &Bar) -> Self::Output;

    /// An output with every value NaN.
    fn nan_output() -> Self::Output;

    /// Writes the outputs into `dst[..OUTPUTS.len()]`.
    fn write(out: &Self::Output, dst: &mut [f64]);

    /// `true` once every output is defined.
    fn is_ready(&self) -> bool;

    /// Zero-based index of the first bar whose outputs are all defined.
    fn lookback(&self) -> usize;

    /// Back to the freshly constructed state.
    fn reset(&mut self);

    /// Runs over `rows`, every one of which passed [`validate`] for [`Indicator::FIELDS`],
    /// writing output `k` of row `t` to `out[k * rows.rows + t]` (`out` holds exactly
    /// `rows.rows × OUTPUTS.len()` values); returns the last row's outputs (all NaN for no
    /// rows). The state afterwards is the state after stepping every row.
    ///
    /// The default steps row by row ([`step_rows`]). EMA, RSI, ATR, ADX and Bollinger override
    /// it with blocked, vectorised kernels on `path` ([`kernels`]): their outputs agree with
    /// stepping to rounding (~1e-13 relative) rather than bit for bit.
    fn run_valid(&mut self, rows: &Rows<'_>, out: &mut [f64], path: Path) -> Self::Output {
        let _ = path;
        step_rows(self, rows, out)
    }

    /// As [`Indicator::run_valid`] over rows that were *not* validated: returns `None` — with
    /// the state unchanged and `out` unspecified — if any row would fail [`validate`] (the
    /// caller then applies the rows one by one with checks, as [`Guarded::batch`] does).
    ///
    /// The default validates first (one vectorised scan per column, [`kernels`]) and then
    /// runs [`Indicator::run_valid`]. [`Ema`] folds the check into its kernel instead.
    fn run_checked(
        &mut self,
        rows: &Rows<'_>,
        out: &mut [f64],
        path: Path,
    ) -> Option<Self::Output> {
        let check = kernels::Check {
            open: rows.open,
            high: rows.high,
            low: rows.low,
            close: rows.close,
            volume: rows.volume,
            hl: Self::FIELDS.contains(Fields::HL),
        };
        if kernels::all_valid(path, &check) {
            Some(self.run_valid(rows, out, path))
        } else {
            None
        }
    }
}

/// Input columns of a batch call (struct of arrays). Columns the indicator does not read may
/// be `None`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Columns<'a> {
    /// Timestamps (strictly increasing), or `None` for no ordering check.
    pub ts: Option<&'a [i64]>,
    /// Opens.
    pub open: Option<&'a [f64]>,
    /// Highs.
    pub high: Option<&'a [f64]>,
    /// Lows.
    pub low: Option<&'a [f64]>,
    /// Closes (the values of single-series indicators).
    pub close: Option<&'a [f64]>,
    /// Volumes.
    pub volume: Option<&'a [f64]>,
}

impl<'a> Columns<'a> {
    /// A single series (read as `close`).
    #[must_use]
    pub fn values(x: &'a [f64]) -> Self {
        Self {
            close: Some(x),
            ..Self::default()
        }
    }

    /// High, low, close.
    #[must_use]
    pub fn hlc(high: &'a [f64], low: &'a [f64], close: &'a [f64]) -> Self {
        Self {
            high: Some(high),
            low: Some(low),
            close: Some(close),
            ..Self::default()
        }
    }

    /// High, low, close, volume.
    #[must_use]
    pub fn hlcv(high: &'a [f64], low: &'a [f64], close: &'a [f64], volume: &'a [f64]) -> Self {
        Self {
            volume: Some(volume),
            ..Self::hlc(high, low, close)
        }
    }

    /// The common length of the columns `need` names (and of `ts`, if given).
    ///
    /// # Errors
    /// [`IndicatorError::MissingField`] if a needed column is absent,
    /// [`IndicatorError::LengthMismatch`] if lengths differ.
    pub fn len_for(&self, need: Fields) -> Result<usize, IndicatorError> {
        let cols = [
            (Fields::OPEN, "open", self.open),
            (Fields::HIGH, "high", self.high),
            (Fields::LOW, "low", self.low),
            (Fields::CLOSE, "close", self.close),
            (Fields::VOLUME, "volume", self.volume),
        ];
        let mut len: Option<usize> = None;
        for (f, name, c) in cols {
            if !need.contains(f) {
                continue;
            }
            let c = c.ok_or(IndicatorError::MissingField { field: name })?;
            match len {
                None => len = Some(c.len()),
                Some(l) if l != c.len() => {
                    return Err(IndicatorError::LengthMismatch {
                        what: name,
                        len: c.len(),
                        expected: l,
                    })
                }
                Some(_) => {}
            }
        }
        let len = len.unwrap_or(0);
        if let Some(ts) = self.ts {
            if ts.len() != len {
                return Err(IndicatorError::LengthMismatch {
                    what: "ts",
                    len: ts.len(),
                    expected: len,
                });
            }
        }
        Ok(len)
    }

    /// Row `i` as a bar (absent columns read as NaN). `i` must be in range.
    #[inline]
    #[must_use]
    pub fn bar(&self, i: usize) -> Bar {
        #[inline]
        fn at(c: Option<&[f64]>, i: usize) -> f64 {
            match c {
                Some(c) => c[i],
                None => f64::NAN,
            }
        }
        Bar {
            ts: match self.ts {
                Some(t) => t[i],
                None => NO_TS,
            },
            open: at(self.open, i),
            high: at(self.high, i),
            low: at(self.low, i),
            close: at(self.close, i),
            volume: at(self.volume, i),
        }
    }
}

/// What a batch call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Rows processed.
    pub rows: usize,
    /// Rows refused (their outputs are NaN; see [`InputStats`] for reasons).
    pub skipped: usize,
}

/// The input columns of a batch resolved to slices of `rows` values; a column the indicator
/// does not read is empty.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    /// Opens (or empty).
    pub open: &'a [f64],
    /// Highs (or empty).
    pub high: &'a [f64],
    /// Lows (or empty).
    pub low: &'a [f64],
    /// Closes, the values of single-series indicators (or empty).
    pub close: &'a [f64],
    /// Volumes (or empty).
    pub volume: &'a [f64],
    /// Number of rows.
    pub rows: usize,
}

impl Rows<'_> {
    /// Row `t` as a bar (unread fields NaN). `t` must be below `rows`.
    #[inline]
    #[must_use]
    pub fn bar(&self, t: usize) -> Bar {
        #[inline]
        fn at(c: &[f64], t: usize) -> f64 {
            if c.is_empty() {
                f64::NAN
            } else {
                c[t]
            }
        }
        Bar {
            ts: NO_TS,
            open: at(self.open, t),
            high: at(self.high, t),
            low: at(self.low, t),
            close: at(self.close, t),
            volume: at(self.volume, t),
        }
    }
}

/// Steps `ind` over `rows` one row at a time (the default [`Indicator::run_valid`]), writing
/// output `k` of row `t` to `out[k * rows.rows + t]`; returns the last outputs (NaN for none).
pub fn step_rows<I: Indicator>(ind: &mut I, rows: &Rows<'_>, out: &mut [f64]) -> I::Output {
    let n = rows.rows;
    let width = I::OUTPUTS.len();
    let mut tmp = [f64::NAN; 8];
    let mut o = I::nan_output();
    for t in 0..n {
        o = ind.step(&rows.bar(t));
        if width == 1 {
            I::write(&o, &mut out[t..=t]);
        } else {
            I::write(&o, &mut tmp[..width]);
            for (k, v) in tmp[..width].iter().enumerate() {
                out[k * n + t] = *v;
            }
        }
    }
    o
}

/// An indicator with input validation, counters and the last output.
#[derive(Debug, Clone)]
pub struct Guarded<I: Indicator> {
    inner: I,
    guard: Guard,
    last: I::Output,
}

impl<I: Indicator> Guarded<I> {
    /// Wraps `inner`.
    #[must_use]
    pub fn new(inner: I) -> Self {
        Self {
            inner,
            guard: Guard::new(),
            last: I::nan_output(),
        }
    }

    /// Validates and applies one bar.
    ///
    /// # Errors
    /// The [`InputError`] that refused the bar; the state is unchanged and the refusal counted.
    #[inline]
    pub fn update(&mut self, bar: &Bar) -> Result<I::Output, InputError> {
        self.guard.check(bar, I::FIELDS)?;
        self.last = self.inner.step(bar);
        Ok(self.last)
    }

    /// Validates and applies one value (read as `close`; for single-series indicators).
    ///
    /// # Errors
    /// As [`Guarded::update`].
    #[inline]
    pub fn update_value(&mut self, x: f64) -> Result<I::Output, InputError> {
        self.update(&Bar::value(x))
    }

    /// Runs over `cols`, writing output `k` of row `t` to `out[k * rows + t]` (one contiguous
    /// column per output). Refused rows are skipped (state unchanged, outputs NaN, counted).
    ///
    /// When every row is valid and `cols` has no timestamps, the indicator's bulk kernel runs
    /// ([`Indicator::run_valid`]; blocked and vectorised for EMA, RSI, ATR, ADX and
    /// Bollinger, on the fastest [`Path`] of this CPU). Otherwise rows are checked and applied
    /// one by one, exactly as [`Guarded::update`].
    ///
    /// # Errors
    /// [`IndicatorError`] for missing or mismatched columns or a wrong `out` length; nothing is
    /// processed then.
    pub fn batch(
        &mut self,
        cols: &Columns<'_>,
        out: &mut [f64],
    ) -> Result<BatchSummary, IndicatorError> {
        self.batch_on(Path::best(), cols, out)
    }

    /// [`Guarded::batch`] on a given kernel path (for tests and benches: every path gives the
    /// same bits; a path this CPU lacks runs [`Path::Portable`]).
    ///
    /// # Errors
    /// As [`Guarded::batch`].
    pub fn batch_on<'a>(
        &mut self,
        path: Path,
        cols: &Columns<'a>,
        out: &mut [f64],
    ) -> Result<BatchSummary, IndicatorError> {
        let rows = cols.len_for(I::FIELDS)?;
        let width = I::OUTPUTS.len();
        if out.len() != rows * width {
            return Err(IndicatorError::LengthMismatch {
                what: "output",
                len: out.len(),
                expected: rows * width,
            });
        }
        if cols.ts.is_none() {
            // Fast path when every row passes validation: the needed columns are resolved to
            // slices of exactly `rows` once (unread fields are empty: `I::FIELDS` is a
            // constant); the indicator checks them (a vectorised scan, or folded into its
            // kernel) and runs its bulk kernel. If some row is bad, nothing was changed and the
            // rows are applied one by one below.
            let col = |f: Fields, c: Option<&'a [f64]>| -> &'a [f64] {
                match c {
                    Some(c) if I::FIELDS.contains(f) => &c[..rows],
                    _ => &[],
                }
            };
            let valid = Rows {
                open: col(Fields::OPEN, cols.open),
                high: col(Fields::HIGH, cols.high),
                low: col(Fields::LOW, cols.low),
                close: col(Fields::CLOSE, cols.close),
                volume: col(Fields::VOLUME, cols.volume),
                rows,
            };
            if let Some(o) = self.inner.run_checked(&valid, out, path) {
                self.guard
                    .count_accepted(rows as u64, zero_volumes(cols, I::FIELDS));
                if rows > 0 {
                    self.last = o;
                }
                return Ok(BatchSummary { rows, skipped: 0 });
            }
        }
        let mut skipped = 0;
        let mut tmp = [f64::NAN; 8];
        for t in 0..rows {
            let bar = cols.bar(t);
            match self.update(&bar) {
                Ok(o) => I::write(&o, &mut tmp[..width]),
                Err(_) => {
                    skipped += 1;
                    tmp[..width].iter_mut().for_each(|v| *v = f64::NAN);
                }
            }
            for (k, v) in tmp[..width].iter().enumerate() {
                out[k * rows + t] = *v;
            }
        }
        Ok(BatchSummary { rows, skipped })
    }

    /// The last accepted bar's outputs (all NaN before the first).
    #[must_use]
    pub fn last(&self) -> I::Output {
        self.last
    }

    /// Input counters.
    #[must_use]
    pub fn stats(&self) -> &InputStats {
        self.guard.stats()
    }

    /// The wrapped indicator.
    #[must_use]
    pub fn inner(&self) -> &I {
        &self.inner
    }

    /// `true` once every output is defined.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.inner.is_ready()
    }

    /// Resets the indicator and the timestamp check; the counters are kept.
    pub fn reset(&mut self) {
        self.inner.reset();
        self.guard.reset_ts();
        self.last = I::nan_output();
    }
}

/// Zero volumes in the volume column, if the indicator reads volume.
fn zero_volumes(cols: &Columns<'_>, fields: Fields) -> u64 {
    match (fields.contains(Fields::VOLUME), cols.volume) {
        (true, Some(v)) => v.iter().filter(|x| **x == 0.0).count() as u64,
        _ => 0,
    }
}

/// Runs `ind` over a single series without validation, writing one column per output
/// (`out[k * xs.len() + t]`). A convenience for tests and benches.
pub fn run_values<I: Indicator>(ind: &mut I, xs: &[f64]) -> Vec<f64> {
    let w = I::OUTPUTS.len();
    let mut out = vec![f64::NAN; xs.len() * w];
    let mut tmp = [f64::NAN; 8];
    for (t, &x) in xs.iter().enumerate() {
        let o = ind.step(&Bar::value(x));
        I::write(&o, &mut tmp[..w]);
        for k in 0..w {
            out[k * xs.len() + t] = tmp[k];
        }
    }
    out
}
