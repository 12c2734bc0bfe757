//! Fixed-size building blocks: a compensated running sum, a ring buffer and monotonic
//! max/min windows. All storage is allocated at construction and never grows.

/// A running sum with error compensation (Knuth's branch-free TwoSum): adding and removing
/// values keeps the result within a few ulps of the exact sum for any number of updates, so
/// sliding-window sums do not drift.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CompSum {
    sum: f64,
    err: f64,
}

impl CompSum {
    /// Zero.
    #[must_use]
    pub const fn new() -> Self {
        Self { sum: 0.0, err: 0.0 }
    }

    /// Adds `x` (use a negative `x` to remove a value).
    #[inline]
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        let bp = t - self.sum;
        self.err += (self.sum - (t - bp)) + (x - bp);
        self.sum = t;
    }

    /// The compensated sum.
    #[inline]
    #[must_use]
    pub fn value(&self) -> f64 {
        self.sum + self.err
    }

    /// Back to zero.
    pub fn clear(&mut self) {
        *self = Self::new();
    }
}

/// A ring buffer of the last `capacity` values.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    buf: Box<[f64]>,
    head: usize,
    len: usize,
}

impl Ring {
    /// An empty ring; `capacity` must be at least 1.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            buf: vec![0.0; capacity.max(1)].into_boxed_slice(),
            head: 0,
            len: 0,
        }
    }

    /// Appends `x`; returns the value it evicted once the ring is full.
    #[inline]
    pub fn push(&mut self, x: f64) -> Option<f64> {
        let cap = self.buf.len();
        let old = self.buf[self.head];
        self.buf[self.head] = x;
        self.head += 1;
        if self.head == cap {
            self.head = 0;
        }
        if self.len == cap {
            Some(old)
        } else {
            self.len += 1;
            None
        }
    }

    /// `true` once `capacity` values were pushed.
    #[inline]
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.len == self.buf.len()
    }

    /// Values held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` if nothing was pushed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Capacity.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// The held values in storage order (not oldest first); for order-free reductions.
    #[inline]
    #[must_use]
    pub fn as_unordered_slice(&self) -> &[f64] {
        if self.is_full() {
            &self.buf
        } else {
            // Not full yet: values occupy 0..len (head has not wrapped).
            &self.buf[..self.len]
        }
    }

    /// The held values oldest first, as two slices (the second continues the first).
    #[inline]
    #[must_use]
    pub fn chronological(&self) -> (&[f64], &[f64]) {
        if self.is_full() {
            let (newer, older) = self.buf.split_at(self.head);
            (older, newer)
        } else {
            // Not full yet: values occupy 0..len (head has not wrapped).
            (&self.buf[..self.len], &[])
        }
    }

    /// The value pushed `k` pushes ago (`k = 0` is the newest), if held.
    #[must_use]
    pub fn back(&self, k: usize) -> Option<f64> {
        if k >= self.len {
            return None;
        }
        let cap = self.buf.len();
        Some(self.buf[(self.head + cap - 1 - k) % cap])
    }

    /// Empties the ring.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

/// The maximum (`MAX = true`) or minimum (`MAX = false`) of the last `period` pushed values,
/// with a monotonic deque: amortised O(1) per push (each value enters and leaves the deque
/// once), at most `period + 1` entries, allocated once.
#[derive(Debug, Clone, PartialEq)]
pub struct MonoWindow<const MAX: bool> {
    period: u64,
    seq: u64,
    items: Box<[(u64, f64)]>,
    head: usize,
    len: usize,
}

/// Rolling maximum.
pub type MaxWindow = MonoWindow<true>;
/// Rolling minimum.
pub type MinWindow = MonoWindow<false>;

impl<const MAX: bool> MonoWindow<MAX> {
    /// A window over the last `period` values (`period ≥ 1`).
    #[must_use]
    pub fn new(period: usize) -> Self {
        let period = period.max(1);
        Self {
            period: period as u64,
            seq: 0,
            items: vec![(0, 0.0); period + 1].into_boxed_slice(),
            head: 0,
            len: 0,
        }
    }

    #[inline]
    fn slot(&self, k: usize) -> usize {
        let i = self.head + k;
        if i >= self.items.len() {
            i - self.items.len()
        } else {
            i
        }
    }

    /// Pushes `x` and returns the extreme of the last `period` values (including `x`).
    #[inline]
    pub fn push(&mut self, x: f64) -> f64 {
        while self.len > 0 {
            let back = self.items[self.slot(self.len - 1)].1;
            let dominated = if MAX { back <= x } else { back >= x };
            if dominated {
                self.len -= 1;
            } else {
                break;
            }
        }
        let s = self.slot(self.len);
        self.items[s] = (self.seq, x);
        self.len += 1;
        while self.items[self.head].0 + self.period <= self.seq {
            self.head = self.slot(1);
            self.len -= 1;
        }
        self.seq += 1;
        self.items[self.head].1
    }

    /// Number of values pushed so far (saturates at `period` for readiness checks).
    #[must_use]
    pub fn seen(&self) -> u64 {
        self.seq
    }

    /// `true` once `period` values were pushed.
    #[must_use]
    pub fn is_full(&self) -> bool {
        self.seq >= self.period
    }

    /// The current extreme, if any value was pushed.
    #[must_use]
    pub fn current(&self) -> Option<f64> {
        if self.len == 0 {
            None
        } else {
            Some(self.items[self.head].1)
        }
    }

    /// Empties the window.
    pub fn clear(&mut self) {
        self.seq = 0;
        self.head = 0;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator for the tests (xorshift64*).
    fn rng(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed;
        move || {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            (s.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn compensated_sum_does_not_drift() {
        // Slide a window of 20 over a million values spanning nine orders of magnitude; the
        // compensated sum must equal a fresh exact-order re-summation to ~1 ulp of the window.
        let mut r = rng(7);
        let n = 20;
        let mut ring = Ring::new(n);
        let mut s = CompSum::new();
        let mut naive = 0.0;
        for i in 0..1_000_000 {
            let x = if i % 1000 == 0 { 1e9 * r() } else { r() };
            if let Some(old) = ring.push(x) {
                s.add(-old);
                naive -= old;
            }
            s.add(x);
            naive += x;
        }
        let mut exact = CompSum::new();
        for &v in ring.as_unordered_slice() {
            exact.add(v);
        }
        let e = exact.value();
        assert!(
            (s.value() - e).abs() <= 1e-15 * e.abs().max(1.0),
            "{} vs {e}",
            s.value()
        );
        // The uncompensated running sum drifts visibly on the same data.
        assert!((naive - e).abs() > 1e-9);
    }

    #[test]
    fn ring_evicts_oldest() {
        let mut r = Ring::new(3);
        assert_eq!(r.push(1.0), None);
        assert_eq!(r.push(2.0), None);
        assert_eq!(r.push(3.0), None);
        assert!(r.is_full());
        assert_eq!(r.push(4.0), Some(1.0));
        assert_eq!(r.back(0), Some(4.0));
        assert_eq!(r.back(2), Some(2.0));
        assert_eq!(r.back(3), None);
    }

    #[test]
    fn mono_windows_match_a_scan() {
        let mut r = rng(3);
        for period in [1usize, 2, 5, 14, 52] {
            let mut mx = MaxWindow::new(period);
            let mut mn = MinWindow::new(period);
            let mut xs = Vec::new();
            for i in 0..2000 {
                // Include ties (rounded values) so the `<=` / `>=` paths are exercised.
                let x = (r() * 20.0).round() + if i % 7 == 0 { 0.5 } else { 0.0 };
                xs.push(x);
                let lo = xs.len().saturating_sub(period);
                let w = &xs[lo..];
                let want_max = w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let want_min = w.iter().copied().fold(f64::INFINITY, f64::min);
                assert_eq!(mx.push(x), want_max);
                assert_eq!(mn.push(x), want_min);
            }
        }
    }
}
