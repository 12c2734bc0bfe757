//! Volume-price analysis: effort (volume) against result (spread), no-demand and no-supply
//! bars.
//!
//! ## Rules (parameters in [`VpaParams`], defaults in brackets)
//! With `V̄` and `R̄` the simple moving averages of volume and of `range = high − low` over
//! `period` \[20\] bars, **as of the previous bar**:
//! - `effort = volume / V̄`, `result = range / R̄`, `closeLocation = (close − low)/range`
//!   (0.5 for a zero range);
//! - **effort without result** (absorption): `effort ≥ high_volume` \[1.5\] and
//!   `result ≤ narrow_spread` \[0.7\];
//! - **result without effort**: `result ≥ wide_spread` \[1.3\] and `effort ≤ low_volume`
//!   \[0.7\];
//! - **no demand**: up close (`close > previous close`), `result ≤ narrow_spread` and volume
//!   below each of the previous two bars' volumes;
//! - **no supply**: down close, `result ≤ narrow_spread` and volume below each of the previous
//!   two bars' volumes.
//!
//! Nothing is flagged until both averages exist (`period` bars) and two previous bars are
//! known.

use tachyon_indicators::{Bar, Fields, Guard, InputError, InputStats, Sma};

use crate::error::{check, SignalError};

/// Volume-price flags (bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum VpaFlag {
    /// High volume, narrow spread.
    EffortNoResult = 1,
    /// Wide spread, low volume.
    ResultNoEffort = 2,
    /// Up bar, narrow spread, volume below the last two bars.
    NoDemand = 4,
    /// Down bar, narrow spread, volume below the last two bars.
    NoSupply = 8,
}

impl VpaFlag {
    /// Every flag, in bit order.
    pub const ALL: [VpaFlag; 4] = [
        Self::EffortNoResult,
        Self::ResultNoEffort,
        Self::NoDemand,
        Self::NoSupply,
    ];
}

/// Parameters of [`Vpa`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VpaParams {
    /// Period of the volume and spread averages.
    pub period: usize,
    /// Effort (relative volume) counted as high.
    pub high_volume: f64,
    /// Effort counted as low.
    pub low_volume: f64,
    /// Result (relative spread) counted as wide.
    pub wide_spread: f64,
    /// Result counted as narrow.
    pub narrow_spread: f64,
}

impl Default for VpaParams {
    fn default() -> Self {
        Self {
            period: 20,
            high_volume: 1.5,
            low_volume: 0.7,
            wide_spread: 1.3,
            narrow_spread: 0.7,
        }
    }
}

/// One bar's analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VpaOutput {
    /// Bit set of [`VpaFlag`] values.
    pub flags: u8,
    /// Volume relative to its average (NaN during warm-up).
    pub effort: f64,
    /// Spread relative to its average (NaN during warm-up).
    pub result: f64,
    /// Where the close sits in the bar's range, 0 (low) to 1 (high).
    pub close_location: f64,
}

impl VpaOutput {
    /// `true` if `f` is set.
    #[must_use]
    pub fn has(&self, f: VpaFlag) -> bool {
        self.flags & f as u8 != 0
    }
}

/// Volume-price analyser. See the module docs.
#[derive(Debug, Clone)]
pub struct Vpa {
    p: VpaParams,
    guard: Guard,
    vol: Sma,
    spread: Sma,
    vol_avg: f64,
    spread_avg: f64,
    prev: [Option<Bar>; 2],
    counts: [u64; 4],
}

impl Vpa {
    /// An analyser with the given parameters.
    ///
    /// # Errors
    /// [`SignalError::InvalidParam`] for a bad parameter.
    pub fn new(p: VpaParams) -> Result<Self, SignalError> {
        check(
            "period",
            p.period as f64,
            (1..=100_000).contains(&p.period),
            "an integer 1..100000",
        )?;
        for (name, v) in [
            ("highVolume", p.high_volume),
            ("lowVolume", p.low_volume),
            ("wideSpread", p.wide_spread),
            ("narrowSpread", p.narrow_spread),
        ] {
            check(name, v, v.is_finite() && v > 0.0, "a finite number > 0")?;
        }
        Ok(Self {
            guard: Guard::new(),
            vol: Sma::new(p.period)?,
            spread: Sma::new(p.period)?,
            vol_avg: f64::NAN,
            spread_avg: f64::NAN,
            prev: [None, None],
            counts: [0; 4],
            p,
        })
    }

    /// Input counters.
    #[must_use]
    pub fn input_stats(&self) -> &InputStats {
        self.guard.stats()
    }

    /// How many times each flag was set, in [`VpaFlag::ALL`] order.
    #[must_use]
    pub fn flag_counts(&self) -> [u64; 4] {
        self.counts
    }

    /// Validates and analyses one bar.
    ///
    /// # Errors
    /// [`InputError`] for a bad bar (state unchanged, counted).
    pub fn update(&mut self, bar: &Bar) -> Result<VpaOutput, InputError> {
        self.guard.check(bar, Fields::HLCV)?;
        let range = bar.high - bar.low;
        let effort = if self.vol_avg > 0.0 {
            bar.volume / self.vol_avg
        } else {
            f64::NAN
        };
        let result = if self.spread_avg > 0.0 {
            range / self.spread_avg
        } else {
            f64::NAN
        };
        let mut flags = 0u8;
        if let [Some(p1), Some(p2)] = self.prev {
            if effort.is_finite() && result.is_finite() {
                let p = &self.p;
                if effort >= p.high_volume && result <= p.narrow_spread {
                    flags |= VpaFlag::EffortNoResult as u8;
                }
                if result >= p.wide_spread && effort <= p.low_volume {
                    flags |= VpaFlag::ResultNoEffort as u8;
                }
                let quiet =
                    result <= p.narrow_spread && bar.volume < p1.volume && bar.volume < p2.volume;
                if quiet && bar.close > p1.close {
                    flags |= VpaFlag::NoDemand as u8;
                }
                if quiet && bar.close < p1.close {
                    flags |= VpaFlag::NoSupply as u8;
                }
            }
        }
        for (k, f) in VpaFlag::ALL.iter().enumerate() {
            if flags & *f as u8 != 0 {
                self.counts[k] += 1;
            }
        }
        self.vol_avg = self.vol.next(bar.volume);
        self.spread_avg = self.spread.next(range);
        self.prev = [Some(*bar), self.prev[0]];
        Ok(VpaOutput {
            flags,
            effort,
            result,
            close_location: if range > 0.0 {
                (bar.close - bar.low) / range
            } else {
                0.5
            },
        })
    }
}
