//! Nanosecond timestamps and replaceable clocks.
//!
//! Everything that asks for "now" takes a [`Clock`], so a backtest swaps the wall clock for a
//! [`SimClock`] it advances itself and gets deterministic time.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Nanoseconds since the Unix epoch (UTC). `i64` covers years 1678–2262.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The epoch.
    pub const EPOCH: Self = Self(0);

    /// From nanoseconds since the epoch.
    #[inline]
    #[must_use]
    pub const fn from_nanos(ns: i64) -> Self {
        Self(ns)
    }

    /// From microseconds since the epoch; `None` if out of range.
    #[inline]
    #[must_use]
    pub const fn from_micros(us: i64) -> Option<Self> {
        match us.checked_mul(1_000) {
            Some(ns) => Some(Self(ns)),
            None => None,
        }
    }

    /// From milliseconds since the epoch; `None` if out of range.
    #[inline]
    #[must_use]
    pub const fn from_millis(ms: i64) -> Option<Self> {
        match ms.checked_mul(1_000_000) {
            Some(ns) => Some(Self(ns)),
            None => None,
        }
    }

    /// Nanoseconds since the epoch.
    #[inline]
    #[must_use]
    pub const fn as_nanos(self) -> i64 {
        self.0
    }

    /// Whole microseconds since the epoch (floor).
    #[inline]
    #[must_use]
    pub const fn as_micros(self) -> i64 {
        self.0.div_euclid(1_000)
    }

    /// Whole milliseconds since the epoch (floor).
    #[inline]
    #[must_use]
    pub const fn as_millis(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }

    /// `self + ns`, saturating at the ends of the range.
    #[inline]
    #[must_use]
    pub const fn saturating_add_nanos(self, ns: i64) -> Self {
        Self(self.0.saturating_add(ns))
    }

    /// `self - earlier` in nanoseconds (saturating).
    #[inline]
    #[must_use]
    pub const fn nanos_since(self, earlier: Self) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({}ns)", self.0)
    }
}

impl fmt::Display for Timestamp {
    /// `seconds.nanoseconds` since the epoch, e.g. `1732212000.000000123`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0.div_euclid(1_000_000_000);
        let ns = self.0.rem_euclid(1_000_000_000);
        write!(f, "{s}.{ns:09}")
    }
}

/// A source of "now". Implementations must be monotonic: `now()` never goes backwards.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// Wall-clock-anchored monotonic clock: reads the system time once, then advances with the
/// OS monotonic clock, so it never jumps back when NTP adjusts the wall clock.
#[derive(Debug, Clone, Copy)]
pub struct MonotonicClock {
    anchor_wall: i64,
    anchor: Instant,
}

impl MonotonicClock {
    /// Anchors to the current wall time.
    #[must_use]
    pub fn new() -> Self {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Self {
            anchor_wall: i64::try_from(wall.as_nanos()).unwrap_or(i64::MAX),
            anchor: Instant::now(),
        }
    }
}

impl Default for MonotonicClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for MonotonicClock {
    #[inline]
    fn now(&self) -> Timestamp {
        let elapsed = i64::try_from(self.anchor.elapsed().as_nanos()).unwrap_or(i64::MAX);
        Timestamp(self.anchor_wall.saturating_add(elapsed))
    }
}

/// Why a simulated clock refused to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The new time is before the current one.
    #[error("clock cannot go backwards: now {now:?}, asked for {asked:?}")]
    Backwards {
        /// Current time.
        now: Timestamp,
        /// Requested time.
        asked: Timestamp,
    },
}

impl ClockError {
    /// Stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "ERR_CLOCK_BACKWARDS"
    }
}

/// Deterministic clock for backtests and tests: time moves only when told to.
/// Shareable across threads (an atomic), still monotonic.
#[derive(Debug, Default)]
pub struct SimClock {
    now: AtomicI64,
}

impl SimClock {
    /// Starts at `start`.
    #[must_use]
    pub fn new(start: Timestamp) -> Self {
        Self {
            now: AtomicI64::new(start.as_nanos()),
        }
    }

    /// Moves to `t`.
    ///
    /// # Errors
    /// [`ClockError::Backwards`] if `t` is before the current time; the clock is unchanged.
    pub fn set(&self, t: Timestamp) -> Result<(), ClockError> {
        let prev = self.now.fetch_max(t.as_nanos(), Ordering::AcqRel);
        if t.as_nanos() < prev {
            return Err(ClockError::Backwards {
                now: Timestamp(prev),
                asked: t,
            });
        }
        Ok(())
    }

    /// Moves forward by `ns` (negative values are refused).
    ///
    /// # Errors
    /// [`ClockError::Backwards`] for a negative step.
    pub fn advance(&self, ns: i64) -> Result<Timestamp, ClockError> {
        if ns < 0 {
            let now = self.now();
            return Err(ClockError::Backwards {
                now,
                asked: now.saturating_add_nanos(ns),
            });
        }
        let prev = self.now.fetch_add(ns, Ordering::AcqRel);
        Ok(Timestamp(prev.saturating_add(ns)))
    }
}

impl Clock for SimClock {
    #[inline]
    fn now(&self) -> Timestamp {
        Timestamp(self.now.load(Ordering::Acquire))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        let t = Timestamp::from_micros(1_732_212_000_123_456).unwrap();
        assert_eq!(t.as_nanos(), 1_732_212_000_123_456_000);
        assert_eq!(t.as_millis(), 1_732_212_000_123);
        assert_eq!(t.to_string(), "1732212000.123456000");
        assert_eq!(Timestamp::from_nanos(-1).to_string(), "-1.999999999");
        assert!(Timestamp::from_millis(i64::MAX / 1000).is_none());
    }

    #[test]
    fn monotonic_clock_is_near_wall_time_and_never_decreases() {
        let c = MonotonicClock::new();
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64;
        let mut last = c.now();
        assert!((last.as_nanos() - wall).abs() < 1_000_000_000);
        for _ in 0..10_000 {
            let n = c.now();
            assert!(n >= last);
            last = n;
        }
    }

    #[test]
    fn sim_clock_moves_only_forward() {
        let c = SimClock::new(Timestamp::from_nanos(100));
        assert_eq!(c.advance(50).unwrap(), Timestamp::from_nanos(150));
        c.set(Timestamp::from_nanos(200)).unwrap();
        assert!(matches!(
            c.set(Timestamp::from_nanos(199)),
            Err(ClockError::Backwards { .. })
        ));
        assert!(c.advance(-1).is_err());
        assert_eq!(c.now(), Timestamp::from_nanos(200));
        let shared: &dyn Clock = &c;
        assert_eq!(shared.now().as_nanos(), 200);
    }
}
