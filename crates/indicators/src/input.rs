//! Bars, input validation and the per-object input statistics.
//!
//! Every indicator reads a subset of a [`Bar`] (its [`Fields`]). Before a bar reaches an
//! indicator's state it is validated ([`validate`]) against exactly those fields, and, when it
//! carries a timestamp, against the previous accepted timestamp ([`Guard`]). A rejected bar
//! leaves the state untouched and is counted by reason in [`InputStats`].
//!
//! Rules, in the order they are checked:
//! 1. **missing**: every field the indicator reads is NaN (a bar that did not happen);
//! 2. **non-finite**: some read field is NaN or ±∞;
//! 3. **high below low**: `high < low` (when both are read);
//! 4. **outside range**: `close` (or `open`) outside `[low, high]` (when high and low are read);
//! 5. **negative volume**: `volume < 0` (when volume is read); zero volume is *accepted* and
//!    counted in [`InputStats::zero_volume`];
//! 6. **out of order**: the bar has a timestamp (`ts != NO_TS`) that is not strictly greater
//!    than the last accepted timestamp.

use std::fmt;

/// "No timestamp": a bar with this `ts` skips the ordering check.
pub const NO_TS: i64 = i64::MIN;

/// One OHLCV bar. Fields an indicator does not read may be NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Timestamp in any strictly increasing unit, or [`NO_TS`].
    pub ts: i64,
    /// Opening price.
    pub open: f64,
    /// Highest price.
    pub high: f64,
    /// Lowest price.
    pub low: f64,
    /// Closing price (the "value" of single-series indicators).
    pub close: f64,
    /// Traded volume.
    pub volume: f64,
}

impl Bar {
    /// A full OHLCV bar without timestamp.
    #[must_use]
    pub const fn new(open: f64, high: f64, low: f64, close: f64, volume: f64) -> Self {
        Self {
            ts: NO_TS,
            open,
            high,
            low,
            close,
            volume,
        }
    }

    /// High, low, close; open and volume NaN.
    #[must_use]
    pub const fn hlc(high: f64, low: f64, close: f64) -> Self {
        Self::new(f64::NAN, high, low, close, f64::NAN)
    }

    /// High, low, close and volume; open NaN.
    #[must_use]
    pub const fn hlcv(high: f64, low: f64, close: f64, volume: f64) -> Self {
        Self::new(f64::NAN, high, low, close, volume)
    }

    /// A single value carried in `close` (for single-series indicators).
    #[must_use]
    pub const fn value(x: f64) -> Self {
        Self::new(f64::NAN, f64::NAN, f64::NAN, x, f64::NAN)
    }

    /// The same bar with a timestamp.
    #[must_use]
    pub const fn at(mut self, ts: i64) -> Self {
        self.ts = ts;
        self
    }

    /// Typical price `(high + low + close) / 3`.
    #[inline]
    #[must_use]
    pub fn typical(&self) -> f64 {
        (self.high + self.low + self.close) / 3.0
    }
}

/// A set of bar fields (a bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fields(u8);

impl Fields {
    /// `open`.
    pub const OPEN: Self = Self(1);
    /// `high`.
    pub const HIGH: Self = Self(2);
    /// `low`.
    pub const LOW: Self = Self(4);
    /// `close`.
    pub const CLOSE: Self = Self(8);
    /// `volume`.
    pub const VOLUME: Self = Self(16);
    /// No field.
    pub const NONE: Self = Self(0);
    /// `close` only (single-series indicators).
    pub const VALUE: Self = Self::CLOSE;
    /// `high`, `low`.
    pub const HL: Self = Self(2 | 4);
    /// `high`, `low`, `close`.
    pub const HLC: Self = Self(2 | 4 | 8);
    /// `close`, `volume`.
    pub const CV: Self = Self(8 | 16);
    /// `high`, `low`, `close`, `volume`.
    pub const HLCV: Self = Self(2 | 4 | 8 | 16);
    /// All five fields.
    pub const OHLCV: Self = Self(31);

    /// The union of two sets.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// `true` if every field of `other` is in `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// `true` if no field is set.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Field names in `open, high, low, close, volume` order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        const ALL: [(Fields, &str); 5] = [
            (Fields::OPEN, "open"),
            (Fields::HIGH, "high"),
            (Fields::LOW, "low"),
            (Fields::CLOSE, "close"),
            (Fields::VOLUME, "volume"),
        ];
        ALL.into_iter()
            .filter(move |(f, _)| self.contains(*f))
            .map(|(_, n)| n)
    }
}

/// Why a bar (or value) was refused. The indicator's state is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputError {
    /// Every field the indicator reads is NaN: a missing bar.
    Missing,
    /// A field the indicator reads is NaN or infinite.
    NonFinite {
        /// The field.
        field: &'static str,
    },
    /// `high < low`.
    HighBelowLow,
    /// `close` or `open` lies outside `[low, high]`.
    OutsideRange {
        /// The field.
        field: &'static str,
    },
    /// `volume < 0`.
    NegativeVolume,
    /// The timestamp is not after the last accepted one.
    OutOfOrder {
        /// The last accepted timestamp.
        last: i64,
        /// The refused timestamp.
        ts: i64,
    },
}

impl InputError {
    /// Stable error code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "ERR_MISSING_BAR",
            Self::NonFinite { .. } => "ERR_NON_FINITE",
            Self::HighBelowLow => "ERR_HIGH_BELOW_LOW",
            Self::OutsideRange { .. } => "ERR_OUTSIDE_RANGE",
            Self::NegativeVolume => "ERR_NEGATIVE_VOLUME",
            Self::OutOfOrder { .. } => "ERR_OUT_OF_ORDER",
        }
    }

    /// A small integer per reason (0 is "accepted"), used in per-instrument status arrays.
    #[must_use]
    pub fn status(&self) -> u8 {
        match self {
            Self::Missing => 1,
            Self::NonFinite { .. } => 2,
            Self::HighBelowLow => 3,
            Self::OutsideRange { .. } => 4,
            Self::NegativeVolume => 5,
            Self::OutOfOrder { .. } => 6,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => write!(f, "missing bar: every input field is NaN"),
            Self::NonFinite { field } => write!(f, "bar field {field} is NaN or infinite"),
            Self::HighBelowLow => write!(f, "bar high is below its low"),
            Self::OutsideRange { field } => {
                write!(f, "bar {field} lies outside the bar's [low, high] range")
            }
            Self::NegativeVolume => write!(f, "bar volume is negative"),
            Self::OutOfOrder { last, ts } => write!(
                f,
                "bar timestamp {ts} is not after the last accepted timestamp {last}"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Counts of accepted and refused inputs, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InputStats {
    /// Inputs that reached the indicator.
    pub accepted: u64,
    /// Refused: every read field NaN.
    pub missing: u64,
    /// Refused: a read field NaN or infinite.
    pub non_finite: u64,
    /// Refused: `high < low`.
    pub high_below_low: u64,
    /// Refused: `open`/`close` outside `[low, high]`.
    pub outside_range: u64,
    /// Refused: negative volume.
    pub negative_volume: u64,
    /// Refused: timestamp not after the last accepted one.
    pub out_of_order: u64,
    /// Accepted bars whose volume was exactly zero (volume-based indicators only).
    pub zero_volume: u64,
}

impl InputStats {
    /// Refused inputs of every reason.
    #[must_use]
    pub fn rejected(&self) -> u64 {
        self.missing
            + self.non_finite
            + self.high_below_low
            + self.outside_range
            + self.negative_volume
            + self.out_of_order
    }

    /// Counts one refusal.
    pub fn count(&mut self, e: &InputError) {
        match e {
            InputError::Missing => self.missing += 1,
            InputError::NonFinite { .. } => self.non_finite += 1,
            InputError::HighBelowLow => self.high_below_low += 1,
            InputError::OutsideRange { .. } => self.outside_range += 1,
            InputError::NegativeVolume => self.negative_volume += 1,
            InputError::OutOfOrder { .. } => self.out_of_order += 1,
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, o: &InputStats) {
        self.accepted += o.accepted;
        self.missing += o.missing;
        self.non_finite += o.non_finite;
        self.high_below_low += o.high_below_low;
        self.outside_range += o.outside_range;
        self.negative_volume += o.negative_volume;
        self.out_of_order += o.out_of_order;
        self.zero_volume += o.zero_volume;
    }
}

/// Validates the fields of `bar` that `fields` names (rules 1–5 of the module docs; no
/// timestamp check).
///
/// # Errors
/// The first rule the bar breaks.
#[inline]
pub fn validate(bar: &Bar, fields: Fields) -> Result<(), InputError> {
    let read = [
        (Fields::OPEN, "open", bar.open),
        (Fields::HIGH, "high", bar.high),
        (Fields::LOW, "low", bar.low),
        (Fields::CLOSE, "close", bar.close),
        (Fields::VOLUME, "volume", bar.volume),
    ];
    let mut all_nan = true;
    let mut bad: Option<&'static str> = None;
    for (f, name, v) in read {
        if fields.contains(f) {
            if !v.is_nan() {
                all_nan = false;
            }
            if bad.is_none() && !v.is_finite() {
                bad = Some(name);
            }
        }
    }
    if all_nan && !fields.is_empty() {
        return Err(InputError::Missing);
    }
    if let Some(field) = bad {
        return Err(InputError::NonFinite { field });
    }
    if fields.contains(Fields::HL) {
        if bar.high < bar.low {
            return Err(InputError::HighBelowLow);
        }
        if fields.contains(Fields::CLOSE) && (bar.close > bar.high || bar.close < bar.low) {
            return Err(InputError::OutsideRange { field: "close" });
        }
        if fields.contains(Fields::OPEN) && (bar.open > bar.high || bar.open < bar.low) {
            return Err(InputError::OutsideRange { field: "open" });
        }
    }
    if fields.contains(Fields::VOLUME) && bar.volume < 0.0 {
        return Err(InputError::NegativeVolume);
    }
    Ok(())
}

/// Validation state of one input stream: counters and the last accepted timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    stats: InputStats,
    last_ts: i64,
}

impl Default for Guard {
    fn default() -> Self {
        Self::new()
    }
}

impl Guard {
    /// A guard that has seen nothing.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            stats: InputStats {
                accepted: 0,
                missing: 0,
                non_finite: 0,
                high_below_low: 0,
                outside_range: 0,
                negative_volume: 0,
                out_of_order: 0,
                zero_volume: 0,
            },
            last_ts: NO_TS,
        }
    }

    /// Validates `bar` for `fields` and its timestamp; counts the outcome.
    ///
    /// # Errors
    /// The first rule the bar breaks (see the module docs).
    #[inline]
    pub fn check(&mut self, bar: &Bar, fields: Fields) -> Result<(), InputError> {
        let mut r = validate(bar, fields);
        if r.is_ok() && bar.ts != NO_TS && self.last_ts != NO_TS && bar.ts <= self.last_ts {
            r = Err(InputError::OutOfOrder {
                last: self.last_ts,
                ts: bar.ts,
            });
        }
        match r {
            Ok(()) => {
                self.stats.accepted += 1;
                if fields.contains(Fields::VOLUME) && bar.volume == 0.0 {
                    self.stats.zero_volume += 1;
                }
                if bar.ts != NO_TS {
                    self.last_ts = bar.ts;
                }
            }
            Err(ref e) => self.stats.count(e),
        }
        r
    }

    /// Counts `n` inputs accepted without [`Guard::check`] (already validated in bulk, no
    /// timestamps), `zero_volume` of them with zero volume.
    pub fn count_accepted(&mut self, n: u64, zero_volume: u64) {
        self.stats.accepted += n;
        self.stats.zero_volume += zero_volume;
    }

    /// The counters.
    #[must_use]
    pub const fn stats(&self) -> &InputStats {
        &self.stats
    }

    /// The last accepted timestamp, or [`NO_TS`].
    #[must_use]
    pub const fn last_ts(&self) -> i64 {
        self.last_ts
    }

    /// Forgets the last timestamp (the counters are kept).
    pub fn reset_ts(&mut self) {
        self.last_ts = NO_TS;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_in_order() {
        let nan = f64::NAN;
        assert_eq!(
            validate(&Bar::hlc(nan, nan, nan), Fields::HLC),
            Err(InputError::Missing)
        );
        assert_eq!(
            validate(&Bar::hlc(2.0, nan, 1.5), Fields::HLC),
            Err(InputError::NonFinite { field: "low" })
        );
        assert_eq!(
            validate(&Bar::hlc(f64::INFINITY, 1.0, 1.5), Fields::HLC),
            Err(InputError::NonFinite { field: "high" })
        );
        assert_eq!(
            validate(&Bar::hlc(1.0, 2.0, 1.5), Fields::HLC),
            Err(InputError::HighBelowLow)
        );
        assert_eq!(
            validate(&Bar::hlc(2.0, 1.0, 2.5), Fields::HLC),
            Err(InputError::OutsideRange { field: "close" })
        );
        assert_eq!(
            validate(&Bar::hlcv(2.0, 1.0, 1.5, -1.0), Fields::HLCV),
            Err(InputError::NegativeVolume)
        );
        // Unread fields are not checked: a volume of -1 is fine for an HLC indicator.
        assert_eq!(
            validate(&Bar::hlcv(2.0, 1.0, 1.5, -1.0), Fields::HLC),
            Ok(())
        );
        assert_eq!(validate(&Bar::value(3.0), Fields::VALUE), Ok(()));
    }

    #[test]
    fn guard_counts_and_orders() {
        let mut g = Guard::new();
        assert!(g.check(&Bar::value(1.0).at(10), Fields::VALUE).is_ok());
        assert_eq!(
            g.check(&Bar::value(1.0).at(10), Fields::VALUE),
            Err(InputError::OutOfOrder { last: 10, ts: 10 })
        );
        assert!(g.check(&Bar::value(1.0).at(9), Fields::VALUE).is_err());
        assert!(g
            .check(&Bar::value(f64::NAN).at(11), Fields::VALUE)
            .is_err());
        // Untimed bars skip the ordering check.
        assert!(g.check(&Bar::value(2.0), Fields::VALUE).is_ok());
        assert!(g
            .check(&Bar::hlcv(2.0, 1.0, 1.5, 0.0).at(12), Fields::HLCV)
            .is_ok());
        let s = g.stats();
        assert_eq!(s.accepted, 3);
        assert_eq!(s.out_of_order, 2);
        assert_eq!(s.missing, 1);
        assert_eq!(s.zero_volume, 1);
        assert_eq!(s.rejected(), 3);
        assert_eq!(g.last_ts(), 12);
    }
}
