//! Latency histograms over [`hdrhistogram`], in nanoseconds.

use hdrhistogram::Histogram;

/// Percentile summary of a [`LatencyHistogram`], all in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LatencySummary {
    /// Number of samples.
    pub count: u64,
    /// Smallest sample.
    pub min: u64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Standard deviation.
    pub stdev: f64,
    /// Median.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// 99.9th percentile.
    pub p999: u64,
    /// 99.99th percentile.
    pub p9999: u64,
    /// Largest sample.
    pub max: u64,
}

/// An HDR histogram of latencies from 1 ns to 1 hour with 3 significant digits (values are
/// exact to 0.1 %). Samples above the range are clamped to it and counted in
/// [`LatencyHistogram::clamped`].
#[derive(Debug, Clone)]
pub struct LatencyHistogram {
    h: Histogram<u64>,
    clamped: u64,
}

/// Highest trackable latency: one hour in nanoseconds.
pub const MAX_TRACKABLE_NS: u64 = 3_600_000_000_000;

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    /// An empty histogram (1 ns – 1 h, 3 significant digits).
    #[must_use]
    pub fn new() -> Self {
        // The bounds are constants known to be valid, so this cannot fail.
        let h =
            Histogram::new_with_bounds(1, MAX_TRACKABLE_NS, 3).unwrap_or_else(|_| unreachable!());
        Self { h, clamped: 0 }
    }

    /// Records one sample (0 is recorded as 1 ns; values above one hour are clamped).
    #[inline]
    pub fn record(&mut self, ns: u64) {
        self.record_n(ns, 1);
    }

    /// Records the same sample `n` times.
    #[inline]
    pub fn record_n(&mut self, ns: u64, n: u64) {
        if ns > MAX_TRACKABLE_NS {
            self.clamped += n;
        }
        self.h.saturating_record_n(ns.max(1), n);
    }

    /// Samples above the trackable range that were clamped.
    #[must_use]
    pub fn clamped(&self) -> u64 {
        self.clamped
    }

    /// Number of samples.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.h.len()
    }

    /// `true` if no samples.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.h.is_empty()
    }

    /// Value at quantile `q` in `[0, 1]` (clamped), or 0 when empty.
    #[must_use]
    pub fn quantile(&self, q: f64) -> u64 {
        if self.h.is_empty() {
            return 0;
        }
        let q = if q.is_nan() { 0.5 } else { q.clamp(0.0, 1.0) };
        self.h.value_at_quantile(q)
    }

    /// Percentile summary.
    #[must_use]
    pub fn summary(&self) -> LatencySummary {
        if self.h.is_empty() {
            return LatencySummary::default();
        }
        LatencySummary {
            count: self.h.len(),
            min: self.h.min(),
            mean: self.h.mean(),
            stdev: self.h.stdev(),
            p50: self.quantile(0.50),
            p90: self.quantile(0.90),
            p99: self.quantile(0.99),
            p999: self.quantile(0.999),
            p9999: self.quantile(0.9999),
            max: self.h.max(),
        }
    }

    /// Adds another histogram's samples.
    pub fn merge(&mut self, other: &Self) {
        // Same bounds by construction, so `add` cannot fail.
        let _ = self.h.add(&other.h);
        self.clamped += other.clamped;
    }

    /// Forgets all samples.
    pub fn reset(&mut self) {
        self.h.reset();
        self.clamped = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_uniform_samples() {
        let mut h = LatencyHistogram::new();
        for v in 1..=10_000u64 {
            h.record(v);
        }
        let s = h.summary();
        assert_eq!(s.count, 10_000);
        let near =
            |got: u64, want: u64| (got as f64 - want as f64).abs() <= want as f64 * 0.001 + 1.0;
        assert!(near(s.p50, 5_000), "{s:?}");
        assert!(near(s.p99, 9_900), "{s:?}");
        assert!(near(s.p999, 9_990), "{s:?}");
        assert_eq!(s.min, 1);
        assert!(
            near(s.max, 10_000),
            "max is the highest equivalent value: {s:?}"
        );
        assert!((s.mean - 5_000.5).abs() < 5.0);
    }

    #[test]
    fn clamps_and_merges() {
        let mut a = LatencyHistogram::new();
        a.record(0);
        a.record(u64::MAX);
        assert_eq!(a.clamped(), 1);
        let mut b = LatencyHistogram::new();
        b.record_n(100, 3);
        a.merge(&b);
        assert_eq!(a.len(), 5);
        assert_eq!(a.quantile(f64::NAN), 100);
        a.reset();
        assert!(a.is_empty());
        assert_eq!(a.summary(), LatencySummary::default());
    }
}
