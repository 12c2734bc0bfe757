//! Wyckoff accumulation/distribution events and phases on bars.
//!
//! The detector reads one OHLCV bar at a time and keeps O(1) state: a Wilder ATR, a simple
//! moving average of volume, a ring of recent closes and the levels of the trading range it is
//! tracking. All references (ATR, average volume, prior trend) are taken **as of the previous
//! bar**, so an outsized bar does not dilute its own test.
//!
//! ## Rules (parameters in [`WyckoffParams`], defaults in brackets)
//! Notation: `ATR` = ATR(`atr_period` \[14\]), `V̄` = SMA(`volume_period` \[20\]) of volume,
//! `range = high − low`, `trend` = close − close `trend_period` \[20\] bars ago.
//!
//! **Accumulation** (after a decline)
//! - **SC, selling climax** (no range tracked, or phase E): down close (`close < previous
//!   close`), `range ≥ climax_spread·ATR` \[1.5\], `volume ≥ climax_volume·V̄` \[2.0\] and
//!   `trend ≤ −trend_atr·ATR` \[3.0\]. Starts **phase A**; support = the SC low. Until the AR,
//!   a lower low moves the support down.
//! - **AR, automatic rally**: within `ar_window` \[15\] bars of the SC, once the highest
//!   high of the bars after the SC is at least `ar_min_atr·ATR` \[1.5\] above the support,
//!   the first bar whose high is below that peak confirms it; resistance = the peak. No AR
//!   in time: the range is dropped (no phase).
//! - **ST, secondary test**: after the AR, a bar coming down from above
//!   (`previous low > support + st_tolerance_atr·ATR` \[0.5\]) whose low lies within
//!   `±st_tolerance_atr·ATR` of the support on `volume ≤ st_volume_ratio` \[0.7\] × the SC's
//!   volume. The first ST starts **phase B**; later ones in phase B are flagged too.
//! - **Spring**: in phase B, `support − spring_max_atr·ATR ≤ low < support` \[1.0\] and
//!   `close ≥ support` (a shakeout below support that closes back inside). Starts
//!   **phase C**. Checked before the ST rule, so an undercut that closes back inside is a
//!   spring in phase B (in phase A it can only be the first ST).
//! - **SOS, sign of strength**: in phase B or C, `close > resistance`, up close,
//!   `range ≥ sos_spread·ATR` \[1.0\] and `volume ≥ sos_volume·V̄` \[1.5\]. Starts **phase D**.
//! - **Phase E**: in phase D, `close > resistance + trend_exit_atr·ATR` \[2.0\] (mark-up
//!   leaves the range).
//! - **Failure**: after the AR and before phase E, `close < support − spring_max_atr·ATR`
//!   flags **SOW** and drops the range.
//!
//! **Distribution** (after an advance) mirrors it: **BC, buying climax** (up close, wide
//! range, climactic volume, `trend ≥ trend_atr·ATR`; resistance = BC high, higher highs
//! before the AR move it up), **AR, automatic reaction** (trough at least `ar_min_atr·ATR`
//! below the resistance, confirmed by a higher low; support = trough), **ST** (a bar coming up
//! from below whose high is within tolerance of the resistance on lower volume → phase B),
//! **upthrust** (UT/UTAD: `resistance < high ≤ resistance + spring_max_atr·ATR` and
//! `close ≤ resistance` → phase C), **SOW, sign of weakness** (`close < support`, down close,
//! wide range, high volume → phase D), **phase E** (`close < support − trend_exit_atr·ATR`),
//! failure (`close > resistance + spring_max_atr·ATR` flags **SOS** and drops the range).
//!
//! Any bar with no tracked range, or in phase E, may start a new schematic with a climax.
//! A range older than `max_range_bars` \[300\] without reaching phase E is dropped.

use tachyon_indicators::window::Ring;
use tachyon_indicators::{Atr, Bar, Fields, Guard, InputError, Sma};

use crate::error::{check, SignalError};

/// Wyckoff events (bit flags; several can fire on one bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum WyckoffEvent {
    /// Selling climax.
    SellingClimax = 1,
    /// Buying climax.
    BuyingClimax = 2,
    /// Automatic rally (after a selling climax).
    AutomaticRally = 4,
    /// Automatic reaction (after a buying climax).
    AutomaticReaction = 8,
    /// Secondary test.
    SecondaryTest = 16,
    /// Spring (shakeout below support that closes back inside).
    Spring = 32,
    /// Upthrust (above resistance, closes back inside).
    Upthrust = 64,
    /// Sign of strength.
    SignOfStrength = 128,
    /// Sign of weakness.
    SignOfWeakness = 256,
}

impl WyckoffEvent {
    /// Every event, in bit order.
    pub const ALL: [WyckoffEvent; 9] = [
        Self::SellingClimax,
        Self::BuyingClimax,
        Self::AutomaticRally,
        Self::AutomaticReaction,
        Self::SecondaryTest,
        Self::Spring,
        Self::Upthrust,
        Self::SignOfStrength,
        Self::SignOfWeakness,
    ];

    /// Short name (`SC`, `BC`, `AR`, `ARe`, `ST`, `Spring`, `UT`, `SOS`, `SOW`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::SellingClimax => "SC",
            Self::BuyingClimax => "BC",
            Self::AutomaticRally => "AR",
            Self::AutomaticReaction => "ARe",
            Self::SecondaryTest => "ST",
            Self::Spring => "Spring",
            Self::Upthrust => "UT",
            Self::SignOfStrength => "SOS",
            Self::SignOfWeakness => "SOW",
        }
    }
}

/// Which schematic a range follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Schematic {
    /// No range tracked.
    #[default]
    None,
    /// Accumulation (started by a selling climax).
    Accumulation,
    /// Distribution (started by a buying climax).
    Distribution,
}

/// Wyckoff phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Phase {
    /// No phase.
    #[default]
    None = 0,
    /// A: stopping the prior trend (climax, AR).
    A = 1,
    /// B: building the cause (secondary tests).
    B = 2,
    /// C: the test (spring / upthrust).
    C = 3,
    /// D: the range is left (SOS / SOW).
    D = 4,
    /// E: the new trend.
    E = 5,
}

/// The detector's answer for one bar.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WyckoffOutput {
    /// Events on this bar, a bit set of [`WyckoffEvent`] values.
    pub events: u16,
    /// Phase after this bar.
    pub phase: Phase,
    /// Schematic after this bar.
    pub schematic: Schematic,
    /// Support of the tracked range (NaN if none).
    pub support: f64,
    /// Resistance of the tracked range (NaN before the AR / reaction).
    pub resistance: f64,
}

impl WyckoffOutput {
    /// `true` if `e` fired on this bar.
    #[must_use]
    pub fn has(&self, e: WyckoffEvent) -> bool {
        self.events & e as u16 != 0
    }

    /// The events that fired, in bit order.
    pub fn event_list(&self) -> impl Iterator<Item = WyckoffEvent> + '_ {
        WyckoffEvent::ALL.into_iter().filter(move |e| self.has(*e))
    }
}

/// Parameters of [`Wyckoff`]. See the module docs for the rules they enter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WyckoffParams {
    /// ATR period.
    pub atr_period: usize,
    /// Average-volume period.
    pub volume_period: usize,
    /// Bars over which the prior trend is measured.
    pub trend_period: usize,
    /// Climax volume multiple of the average volume.
    pub climax_volume: f64,
    /// Climax range multiple of ATR.
    pub climax_spread: f64,
    /// Prior trend, in ATRs, a climax needs.
    pub trend_atr: f64,
    /// Minimum AR size in ATRs.
    pub ar_min_atr: f64,
    /// Bars after the climax within which the AR must be confirmed.
    pub ar_window: usize,
    /// Secondary-test band around the climax level, in ATRs.
    pub st_tolerance_atr: f64,
    /// Secondary-test volume, as a fraction of the climax volume.
    pub st_volume_ratio: f64,
    /// Deepest spring / highest upthrust beyond the range, in ATRs (beyond it: failure).
    pub spring_max_atr: f64,
    /// SOS/SOW volume multiple of the average volume.
    pub sos_volume: f64,
    /// SOS/SOW range multiple of ATR.
    pub sos_spread: f64,
    /// Distance beyond the range, in ATRs, that starts phase E.
    pub trend_exit_atr: f64,
    /// Bars after which an unresolved range is dropped.
    pub max_range_bars: usize,
}

impl Default for WyckoffParams {
    fn default() -> Self {
        Self {
            atr_period: 14,
            volume_period: 20,
            trend_period: 20,
            climax_volume: 2.0,
            climax_spread: 1.5,
            trend_atr: 3.0,
            ar_min_atr: 1.5,
            ar_window: 15,
            st_tolerance_atr: 0.5,
            st_volume_ratio: 0.7,
            spring_max_atr: 1.0,
            sos_volume: 1.5,
            sos_spread: 1.0,
            trend_exit_atr: 2.0,
            max_range_bars: 300,
        }
    }
}

impl WyckoffParams {
    /// Checks every parameter.
    ///
    /// # Errors
    /// [`SignalError::InvalidParam`] naming the first bad one.
    pub fn validate(&self) -> Result<(), SignalError> {
        let ints = [
            ("atrPeriod", self.atr_period),
            ("volumePeriod", self.volume_period),
            ("trendPeriod", self.trend_period),
            ("arWindow", self.ar_window),
            ("maxRangeBars", self.max_range_bars),
        ];
        for (name, v) in ints {
            check(
                name,
                v as f64,
                (1..=100_000).contains(&v),
                "an integer 1..100000",
            )?;
        }
        let reals = [
            ("climaxVolume", self.climax_volume),
            ("climaxSpread", self.climax_spread),
            ("trendAtr", self.trend_atr),
            ("arMinAtr", self.ar_min_atr),
            ("stToleranceAtr", self.st_tolerance_atr),
            ("stVolumeRatio", self.st_volume_ratio),
            ("springMaxAtr", self.spring_max_atr),
            ("sosVolume", self.sos_volume),
            ("sosSpread", self.sos_spread),
            ("trendExitAtr", self.trend_exit_atr),
        ];
        for (name, v) in reals {
            check(name, v, v.is_finite() && v > 0.0, "a finite number > 0")?;
        }
        Ok(())
    }
}

/// Wyckoff event detector and phase labeller. See the module docs for the rules.
#[derive(Debug, Clone)]
pub struct Wyckoff {
    p: WyckoffParams,
    guard: Guard,
    atr: Atr,
    atr_now: f64,
    vol: Sma,
    vol_now: f64,
    closes: Ring,
    prev: Option<Bar>,
    schematic: Schematic,
    phase: Phase,
    bars_in_range: usize,
    climax_volume: f64,
    support: f64,
    resistance: f64,
    extreme: f64,
    ar_done: bool,
    counts: [u64; 9],
}

impl Wyckoff {
    /// A detector with the given parameters.
    ///
    /// # Errors
    /// [`SignalError::InvalidParam`] for a bad parameter.
    pub fn new(p: WyckoffParams) -> Result<Self, SignalError> {
        p.validate()?;
        Ok(Self {
            guard: Guard::new(),
            atr: Atr::new(p.atr_period).map_err(SignalError::from)?,
            atr_now: f64::NAN,
            vol: Sma::new(p.volume_period).map_err(SignalError::from)?,
            vol_now: f64::NAN,
            closes: Ring::new(p.trend_period + 1),
            prev: None,
            schematic: Schematic::None,
            phase: Phase::None,
            bars_in_range: 0,
            climax_volume: 0.0,
            support: f64::NAN,
            resistance: f64::NAN,
            extreme: f64::NAN,
            ar_done: false,
            counts: [0; 9],
            p,
        })
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> &WyckoffParams {
        &self.p
    }

    /// Input counters (refused bars by reason).
    #[must_use]
    pub fn input_stats(&self) -> &tachyon_indicators::InputStats {
        self.guard.stats()
    }

    /// How many times each event fired, in [`WyckoffEvent::ALL`] order.
    #[must_use]
    pub fn event_counts(&self) -> [u64; 9] {
        self.counts
    }

    fn drop_range(&mut self) {
        self.schematic = Schematic::None;
        self.phase = Phase::None;
        self.support = f64::NAN;
        self.resistance = f64::NAN;
        self.extreme = f64::NAN;
        self.ar_done = false;
        self.bars_in_range = 0;
    }

    /// Validates and processes one bar (OHLCV; open is optional and unused).
    ///
    /// # Errors
    /// [`InputError`] for a bad bar (state unchanged, counted).
    pub fn update(&mut self, bar: &Bar) -> Result<WyckoffOutput, InputError> {
        self.guard.check(bar, Fields::HLCV)?;
        Ok(self.step(bar))
    }

    fn step(&mut self, bar: &Bar) -> WyckoffOutput {
        let mut ev = 0u16;
        let atr = self.atr_now;
        let vbar = self.vol_now;
        let trend = if self.closes.is_full() {
            self.closes
                .back(self.p.trend_period - 1)
                .map_or(f64::NAN, |c0| bar.close - c0)
        } else {
            f64::NAN
        };
        if let (Some(prev), true) = (self.prev, atr.is_finite() && vbar.is_finite()) {
            ev = self.rules(bar, &prev, atr, vbar, trend);
        }
        for (k, e) in WyckoffEvent::ALL.iter().enumerate() {
            if ev & *e as u16 != 0 {
                self.counts[k] += 1;
            }
        }
        // References advance after the rules (they describe the bars before this one).
        self.atr_now = self.atr.next(bar);
        self.vol_now = self.vol.next(bar.volume);
        self.closes.push(bar.close);
        self.prev = Some(*bar);
        WyckoffOutput {
            events: ev,
            phase: self.phase,
            schematic: self.schematic,
            support: self.support,
            resistance: self.resistance,
        }
    }

    fn rules(&mut self, b: &Bar, prev: &Bar, atr: f64, vbar: f64, trend: f64) -> u16 {
        let p = self.p;
        let range = b.high - b.low;
        let up = b.close > prev.close;
        let down = b.close < prev.close;
        let wide = range >= p.climax_spread * atr;
        let climactic = b.volume >= p.climax_volume * vbar;
        let mut ev = 0u16;

        if self.schematic != Schematic::None {
            self.bars_in_range += 1;
            if self.bars_in_range > p.max_range_bars && self.phase != Phase::E {
                self.drop_range();
            }
        }
        // New schematic.
        if self.schematic == Schematic::None || self.phase == Phase::E {
            if down && wide && climactic && trend <= -p.trend_atr * atr {
                self.drop_range();
                self.schematic = Schematic::Accumulation;
                self.phase = Phase::A;
                self.support = b.low;
                self.extreme = f64::NEG_INFINITY;
                self.climax_volume = b.volume;
                return WyckoffEvent::SellingClimax as u16;
            }
            if up && wide && climactic && trend >= p.trend_atr * atr {
                self.drop_range();
                self.schematic = Schematic::Distribution;
                self.phase = Phase::A;
                self.resistance = b.high;
                self.extreme = f64::INFINITY;
                self.climax_volume = b.volume;
                return WyckoffEvent::BuyingClimax as u16;
            }
            return 0;
        }
        let tol = p.st_tolerance_atr * atr;
        let deep = p.spring_max_atr * atr;
        let sos =
            |bar_up: bool| bar_up && range >= p.sos_spread * atr && b.volume >= p.sos_volume * vbar;
        match self.schematic {
            Schematic::Accumulation => {
                if !self.ar_done {
                    if b.low < self.support {
                        self.support = b.low;
                    }
                    if self.bars_in_range > p.ar_window {
                        self.drop_range();
                        return 0;
                    }
                    if b.high < self.extreme && self.extreme - self.support >= p.ar_min_atr * atr {
                        self.ar_done = true;
                        self.resistance = self.extreme;
                        return WyckoffEvent::AutomaticRally as u16;
                    }
                    self.extreme = self.extreme.max(b.high);
                    return 0;
                }
                if b.close < self.support - deep {
                    self.drop_range();
                    return WyckoffEvent::SignOfWeakness as u16;
                }
                match self.phase {
                    Phase::A | Phase::B => {
                        let from_above = prev.low > self.support + tol;
                        if self.phase == Phase::B
                            && b.low < self.support
                            && b.low >= self.support - deep
                            && b.close >= self.support
                        {
                            ev |= WyckoffEvent::Spring as u16;
                            self.phase = Phase::C;
                        } else if from_above
                            && (b.low - self.support).abs() <= tol
                            && b.volume <= p.st_volume_ratio * self.climax_volume
                        {
                            ev |= WyckoffEvent::SecondaryTest as u16;
                            self.phase = Phase::B;
                        }
                        if self.phase == Phase::B && b.close > self.resistance && sos(up) {
                            ev |= WyckoffEvent::SignOfStrength as u16;
                            self.phase = Phase::D;
                        }
                    }
                    Phase::C => {
                        if b.close > self.resistance && sos(up) {
                            ev |= WyckoffEvent::SignOfStrength as u16;
                            self.phase = Phase::D;
                        }
                    }
                    Phase::D => {
                        if b.close > self.resistance + p.trend_exit_atr * atr {
                            self.phase = Phase::E;
                        }
                    }
                    Phase::E | Phase::None => {}
                }
            }
            Schematic::Distribution => {
                if !self.ar_done {
                    if b.high > self.resistance {
                        self.resistance = b.high;
                    }
                    if self.bars_in_range > p.ar_window {
                        self.drop_range();
                        return 0;
                    }
                    if b.low > self.extreme && self.resistance - self.extreme >= p.ar_min_atr * atr
                    {
                        self.ar_done = true;
                        self.support = self.extreme;
                        return WyckoffEvent::AutomaticReaction as u16;
                    }
                    self.extreme = self.extreme.min(b.low);
                    return 0;
                }
                if b.close > self.resistance + deep {
                    self.drop_range();
                    return WyckoffEvent::SignOfStrength as u16;
                }
                match self.phase {
                    Phase::A | Phase::B => {
                        let from_below = prev.high < self.resistance - tol;
                        if self.phase == Phase::B
                            && b.high > self.resistance
                            && b.high <= self.resistance + deep
                            && b.close <= self.resistance
                        {
                            ev |= WyckoffEvent::Upthrust as u16;
                            self.phase = Phase::C;
                        } else if from_below
                            && (b.high - self.resistance).abs() <= tol
                            && b.volume <= p.st_volume_ratio * self.climax_volume
                        {
                            ev |= WyckoffEvent::SecondaryTest as u16;
                            self.phase = Phase::B;
                        }
                        if self.phase == Phase::B && b.close < self.support && sos(down) {
                            ev |= WyckoffEvent::SignOfWeakness as u16;
                            self.phase = Phase::D;
                        }
                    }
                    Phase::C => {
                        if b.close < self.support && sos(down) {
                            ev |= WyckoffEvent::SignOfWeakness as u16;
                            self.phase = Phase::D;
                        }
                    }
                    Phase::D => {
                        if b.close < self.support - p.trend_exit_atr * atr {
                            self.phase = Phase::E;
                        }
                    }
                    Phase::E | Phase::None => {}
                }
            }
            Schematic::None => {}
        }
        ev
    }

    /// Back to the freshly constructed state (counters are kept).
    pub fn reset(&mut self) {
        let (guard, counts) = (self.guard, self.counts);
        *self = Self::new(self.p).unwrap_or_else(|_| unreachable!("params were validated"));
        self.guard = guard;
        self.guard.reset_ts();
        self.counts = counts;
    }
}
