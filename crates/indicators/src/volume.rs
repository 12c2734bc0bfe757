//! Volume: [`Obv`], [`Mfi`], [`Vwap`].

use crate::error::{period, IndicatorError};
use crate::input::{Bar, Fields};
use crate::ma::single_output;
use crate::window::{CompSum, Ring};
use crate::Indicator;

/// On-balance volume: starts at the first bar's volume, then adds the volume of an up close,
/// subtracts that of a down close and ignores equal closes (TA-Lib `OBV`). Kept as a
/// compensated sum, so it stays exact-to-ulps over any number of bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Obv {
    started: bool,
    prev: f64,
    sum: CompSum,
}

impl Obv {
    /// A fresh OBV.
    #[must_use]
    pub fn new() -> Self {
        Self {
            started: false,
            prev: 0.0,
            sum: CompSum::new(),
        }
    }
}

impl Default for Obv {
    fn default() -> Self {
        Self::new()
    }
}

impl Indicator for Obv {
    single_output!("obv");
    const FIELDS: Fields = Fields::CV;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        if !self.started {
            self.started = true;
            self.sum.add(bar.volume);
        } else if bar.close > self.prev {
            self.sum.add(bar.volume);
        } else if bar.close < self.prev {
            self.sum.add(-bar.volume);
        }
        self.prev = bar.close;
        self.sum.value()
    }
    fn is_ready(&self) -> bool {
        self.started
    }
    fn lookback(&self) -> usize {
        0
    }
    fn reset(&mut self) {
        *self = Self::new();
    }
}

/// Money flow index over the last `n` typical-price changes.
///
/// `tp = (H+L+C)/3`, flow `tp·V`; a bar whose `tp` rose adds to the positive flow, one whose
/// `tp` fell to the negative flow, an unchanged `tp` (within 1e-12 relative: rounding noise
/// of equal prices) to neither. `MFI = 100·pos/(pos+neg)`;
/// 100 when there is no negative flow, 50 when there is no flow at all (TTR `MFI`).
/// First output at index `n`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mfi {
    started: bool,
    prev_tp: f64,
    pos: Ring,
    neg: Ring,
    pos_sum: CompSum,
    neg_sum: CompSum,
    pos_nz: usize,
    neg_nz: usize,
}

impl Mfi {
    /// MFI over `n ≥ 1` changes.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` out of range.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        let n = period("period", n, 1)?;
        Ok(Self {
            started: false,
            prev_tp: 0.0,
            pos: Ring::new(n),
            neg: Ring::new(n),
            pos_sum: CompSum::new(),
            neg_sum: CompSum::new(),
            pos_nz: 0,
            neg_nz: 0,
        })
    }

    #[inline]
    fn slide(ring: &mut Ring, sum: &mut CompSum, nz: &mut usize, x: f64) {
        if let Some(old) = ring.push(x) {
            sum.add(-old);
            if old != 0.0 {
                *nz -= 1;
            }
        }
        sum.add(x);
        if x != 0.0 {
            *nz += 1;
        }
    }
}

impl Indicator for Mfi {
    single_output!("mfi");
    const FIELDS: Fields = Fields::HLCV;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        let tp = bar.typical();
        if !self.started {
            self.started = true;
            self.prev_tp = tp;
            return f64::NAN;
        }
        let flow = tp * bar.volume;
        // Equal typical prices computed from different H, L, C (10.15/3 from 3.41+3.36+3.38
        // and from 3.40+3.36+3.39) can differ in the last bit; a change within 1e-12 of the
        // price is such rounding noise and counts as no change (as TA-Lib and TTR see it).
        let d = tp - self.prev_tp;
        let tol = 1e-12 * tp.abs();
        let (p, q) = if d > tol {
            (flow, 0.0)
        } else if d < -tol {
            (0.0, flow)
        } else {
            (0.0, 0.0)
        };
        self.prev_tp = tp;
        Self::slide(&mut self.pos, &mut self.pos_sum, &mut self.pos_nz, p);
        Self::slide(&mut self.neg, &mut self.neg_sum, &mut self.neg_nz, q);
        if !self.pos.is_full() {
            return f64::NAN;
        }
        match (self.pos_nz, self.neg_nz) {
            (0, 0) => 50.0,
            (_, 0) => 100.0,
            (0, _) => 0.0,
            _ => {
                let (a, b) = (self.pos_sum.value(), self.neg_sum.value());
                100.0 * a / (a + b)
            }
        }
    }
    fn is_ready(&self) -> bool {
        self.pos.is_full()
    }
    fn lookback(&self) -> usize {
        self.pos.capacity()
    }
    fn reset(&mut self) {
        self.started = false;
        self.pos.clear();
        self.neg.clear();
        self.pos_sum.clear();
        self.neg_sum.clear();
        self.pos_nz = 0;
        self.neg_nz = 0;
    }
}

/// Volume-weighted average price of the typical price `(H+L+C)/3`.
///
/// - rolling ([`Vwap::rolling`]): `Σ tp·V / Σ V` over the last `n` bars (TTR `VWAP`), first
///   output at index `n−1`;
/// - anchored ([`Vwap::anchored`]): cumulative since construction or the last
///   [`Vwap::reset`] (e.g. a session start).
///
/// NaN while the window's volume is zero (zero-volume bars are accepted and counted by
/// [`Guarded`](crate::Guarded)).
#[derive(Debug, Clone, PartialEq)]
pub struct Vwap {
    pv_ring: Option<Ring>,
    v_ring: Option<Ring>,
    pv: CompSum,
    v: CompSum,
    nz: usize,
    seen: usize,
}

impl Vwap {
    /// Rolling VWAP over `n ≥ 1` bars.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` out of range.
    pub fn rolling(n: usize) -> Result<Self, IndicatorError> {
        let n = period("period", n, 1)?;
        Ok(Self {
            pv_ring: Some(Ring::new(n)),
            v_ring: Some(Ring::new(n)),
            ..Self::anchored()
        })
    }

    /// Anchored (cumulative) VWAP.
    #[must_use]
    pub fn anchored() -> Self {
        Self {
            pv_ring: None,
            v_ring: None,
            pv: CompSum::new(),
            v: CompSum::new(),
            nz: 0,
            seen: 0,
        }
    }

    /// The rolling window, or `None` when anchored.
    #[must_use]
    pub fn window(&self) -> Option<usize> {
        self.v_ring.as_ref().map(Ring::capacity)
    }
}

impl Indicator for Vwap {
    single_output!("vwap");
    const FIELDS: Fields = Fields::HLCV;

    #[inline]
    fn step(&mut self, bar: &Bar) -> f64 {
        let v = bar.volume;
        let pv = bar.typical() * v;
        self.seen += 1;
        if let (Some(pr), Some(vr)) = (self.pv_ring.as_mut(), self.v_ring.as_mut()) {
            if let Some(old) = pr.push(pv) {
                self.pv.add(-old);
            }
            if let Some(old) = vr.push(v) {
                self.v.add(-old);
                if old != 0.0 {
                    self.nz -= 1;
                }
            }
            if !vr.is_full() {
                self.pv.add(pv);
                self.v.add(v);
                if v != 0.0 {
                    self.nz += 1;
                }
                return f64::NAN;
            }
        }
        self.pv.add(pv);
        self.v.add(v);
        if v != 0.0 {
            self.nz += 1;
        }
        if self.nz == 0 {
            f64::NAN
        } else {
            self.pv.value() / self.v.value()
        }
    }
    fn is_ready(&self) -> bool {
        self.seen > self.lookback()
    }
    fn lookback(&self) -> usize {
        self.window().map_or(0, |n| n - 1)
    }
    fn reset(&mut self) {
        if let Some(r) = self.pv_ring.as_mut() {
            r.clear();
        }
        if let Some(r) = self.v_ring.as_mut() {
            r.clear();
        }
        self.pv.clear();
        self.v.clear();
        self.nz = 0;
        self.seen = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obv_rules() {
        let mut o = Obv::new();
        assert_eq!(o.step(&Bar::new(0.0, 0.0, 0.0, 10.0, 5.0)), 5.0);
        assert_eq!(o.step(&Bar::new(0.0, 0.0, 0.0, 11.0, 2.0)), 7.0);
        assert_eq!(o.step(&Bar::new(0.0, 0.0, 0.0, 11.0, 9.0)), 7.0);
        assert_eq!(o.step(&Bar::new(0.0, 0.0, 0.0, 10.0, 3.0)), 4.0);
    }

    #[test]
    fn mfi_edges() {
        let mut m = Mfi::new(2).unwrap();
        let b = |c: f64, v: f64| Bar::hlcv(c, c, c, v);
        assert!(m.step(&b(10.0, 1.0)).is_nan());
        assert!(m.step(&b(10.0, 1.0)).is_nan());
        assert_eq!(m.step(&b(10.0, 1.0)), 50.0); // no change, no flow
        assert_eq!(m.step(&b(11.0, 1.0)), 100.0); // only positive flow
        assert_eq!(m.step(&b(10.0, 1.0)), 100.0 * 11.0 / 21.0);
    }

    #[test]
    fn vwap_zero_volume_and_anchor() {
        let mut v = Vwap::rolling(2).unwrap();
        let b = |c: f64, vol: f64| Bar::hlcv(c, c, c, vol);
        assert!(v.step(&b(10.0, 0.0)).is_nan());
        assert!(v.step(&b(12.0, 0.0)).is_nan()); // window full, but no volume
        assert_eq!(v.step(&b(14.0, 1.0)), 14.0);
        assert_eq!(v.step(&b(20.0, 3.0)), (14.0 + 60.0) / 4.0);
        let mut a = Vwap::anchored();
        assert_eq!(a.step(&b(10.0, 1.0)), 10.0);
        assert_eq!(a.step(&b(20.0, 1.0)), 15.0);
        a.reset();
        assert_eq!(a.step(&b(30.0, 2.0)), 30.0);
    }
}
