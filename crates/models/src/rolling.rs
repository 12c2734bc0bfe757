//! Rolling sums over a fixed window for the streaming estimators: O(1) per update, and an
//! exact recomputation from the window every time the ring wraps, so rounding does not
//! accumulate on long streams (the error stays that of summing one window).

/// Largest window a rolling estimator accepts (guards memory against a mistyped size).
pub const MAX_WINDOW: usize = 10_000_000;

/// Checks `min ≤ window ≤ MAX_WINDOW`.
///
/// # Errors
/// [`crate::ModelError::InvalidParameter`] naming `what`.
pub(crate) fn check_window(window: usize, min: usize, what: &'static str) -> crate::Result<()> {
    crate::error::check_param(
        window as f64,
        window >= min && window <= MAX_WINDOW,
        what,
        "is out of range (at least its minimum, at most 1e7)",
    )
}

/// Rolling sums of `K` series over the last `window` observations.
#[derive(Debug, Clone)]
pub(crate) struct Window<const K: usize> {
    buf: Vec<[f64; K]>,
    pub(crate) sums: [f64; K],
    pos: usize,
    pub(crate) len: usize,
}

impl<const K: usize> Window<K> {
    pub(crate) fn new(window: usize) -> Self {
        Self {
            buf: vec![[0.0; K]; window],
            sums: [0.0; K],
            pos: 0,
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, x: [f64; K]) {
        let w = self.buf.len();
        let old = self.buf[self.pos];
        self.buf[self.pos] = x;
        if self.len == w {
            for ((s, xk), ok) in self.sums.iter_mut().zip(&x).zip(&old) {
                *s += xk - ok;
            }
        } else {
            for (s, xk) in self.sums.iter_mut().zip(&x) {
                *s += xk;
            }
            self.len += 1;
        }
        self.pos += 1;
        if self.pos == w {
            self.pos = 0;
            let mut s = [0.0; K];
            for row in &self.buf[..self.len] {
                for (sk, rk) in s.iter_mut().zip(row) {
                    *sk += rk;
                }
            }
            self.sums = s;
        }
    }

    pub(crate) fn full(&self) -> bool {
        self.len == self.buf.len()
    }

    pub(crate) fn clear(&mut self) {
        self.sums = [0.0; K];
        self.pos = 0;
        self.len = 0;
    }
}
