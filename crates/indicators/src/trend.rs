//! Trend: [`Adx`] (with ±DI), [`Ichimoku`], [`ParabolicSar`].

use crate::error::{period, positive, IndicatorError};
use crate::input::{Bar, Fields};
use crate::kernels::{self, AdxCarry, AdxCols, Lin, Path};
use crate::window::{MaxWindow, MinWindow, Ring};
use crate::{Indicator, Rows};

/// ADX/DMI outputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdxOutput {
    /// Average directional index.
    pub adx: f64,
    /// +DI.
    pub plus_di: f64,
    /// −DI.
    pub minus_di: f64,
    /// Directional index `100·|+DI − −DI|/(+DI + −DI)` (0 when both are 0).
    pub dx: f64,
}

/// Wilder's average directional index with the directional indicators.
///
/// From the second bar: `up = H − H₋₁`, `down = L₋₁ − L`; `+DM = up` if `up > down` and
/// `up > 0`, else 0; `−DM` symmetric; TR as in [`Atr`](crate::Atr). `+DM`, `−DM` and TR are
/// Wilder-summed: the first `n−1` values are added, then every value applies
/// `S ← S − S/n + x` (TA-Lib `PLUS_DI`/`ADX`, TTR `wilderSum`). `±DI = 100·S(±DM)/S(TR)`
/// from index `n`. ADX is the mean of the first `n` DX values (index `2n−1`), then
/// `adx ← (adx·(n−1) + dx)/n`.
#[derive(Debug, Clone, PartialEq)]
pub struct Adx {
    n: usize,
    started: bool,
    prev_high: f64,
    prev_low: f64,
    prev_close: f64,
    count: usize,
    pdm: f64,
    mdm: f64,
    tr: f64,
    dx_count: usize,
    adx: f64,
}

impl Adx {
    /// ADX over `n ≥ 2` bars.
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for `n` out of range.
    pub fn new(n: usize) -> Result<Self, IndicatorError> {
        Ok(Self {
            n: period("period", n, 2)?,
            started: false,
            prev_high: 0.0,
            prev_low: 0.0,
            prev_close: 0.0,
            count: 0,
            pdm: 0.0,
            mdm: 0.0,
            tr: 0.0,
            dx_count: 0,
            adx: 0.0,
        })
    }
}

impl Indicator for Adx {
    type Output = AdxOutput;
    const FIELDS: Fields = Fields::HLC;
    const OUTPUTS: &'static [&'static str] = &["adx", "plusDi", "minusDi", "dx"];

    #[inline]
    fn step(&mut self, bar: &Bar) -> AdxOutput {
        if !self.started {
            self.started = true;
            self.prev_high = bar.high;
            self.prev_low = bar.low;
            self.prev_close = bar.close;
            return Self::nan_output();
        }
        let up = bar.high - self.prev_high;
        let down = self.prev_low - bar.low;
        let pdm = if up > down && up > 0.0 { up } else { 0.0 };
        let mdm = if down > up && down > 0.0 { down } else { 0.0 };
        let tr = bar.high.max(self.prev_close) - bar.low.min(self.prev_close);
        self.prev_high = bar.high;
        self.prev_low = bar.low;
        self.prev_close = bar.close;
        self.count += 1;
        let n = self.n as f64;
        if self.count < self.n {
            self.pdm += pdm;
            self.mdm += mdm;
            self.tr += tr;
            return Self::nan_output();
        }
        self.pdm = self.pdm - self.pdm / n + pdm;
        self.mdm = self.mdm - self.mdm / n + mdm;
        self.tr = self.tr - self.tr / n + tr;
        let (pdi, mdi) = if self.tr > 0.0 {
            (100.0 * self.pdm / self.tr, 100.0 * self.mdm / self.tr)
        } else {
            (0.0, 0.0)
        };
        let s = pdi + mdi;
        let dx = if s > 0.0 {
            100.0 * (pdi - mdi).abs() / s
        } else {
            0.0
        };
        self.dx_count += 1;
        let adx = if self.dx_count < self.n {
            self.adx += dx;
            f64::NAN
        } else if self.dx_count == self.n {
            self.adx = (self.adx + dx) / n;
            self.adx
        } else {
            self.adx = (self.adx * (n - 1.0) + dx) / n;
            self.adx
        };
        AdxOutput {
            adx,
            plus_di: pdi,
            minus_di: mdi,
            dx,
        }
    }
    fn nan_output() -> AdxOutput {
        AdxOutput {
            adx: f64::NAN,
            plus_di: f64::NAN,
            minus_di: f64::NAN,
            dx: f64::NAN,
        }
    }
    #[inline]
    fn write(o: &AdxOutput, dst: &mut [f64]) {
        dst[0] = o.adx;
        dst[1] = o.plus_di;
        dst[2] = o.minus_di;
        dst[3] = o.dx;
    }
    fn is_ready(&self) -> bool {
        self.dx_count >= self.n
    }
    fn lookback(&self) -> usize {
        2 * self.n - 1
    }
    fn reset(&mut self) {
        let n = self.n;
        *self = Self::new(n).unwrap_or_else(|_| unreachable!("n was validated"));
    }

    /// The first `n − 1` directional movements one by one, then the blocked kernel
    /// ([`kernels`]): ±DM and TR in one pass, the three Wilder sums as scans
    /// `S ← (1 − 1/n)·S + x`, ±DI and DX in one pass, the ADX as a fourth scan.
    fn run_valid(&mut self, rows: &Rows<'_>, out: &mut [f64], path: Path) -> AdxOutput {
        let len = rows.rows;
        let mut tmp = [0.0; 4];
        let mut t = 0;
        while t < len && !(self.started && self.count + 1 >= self.n) {
            let o = self.step(&rows.bar(t));
            Self::write(&o, &mut tmp);
            for (k, v) in tmp.iter().enumerate() {
                out[k * len + t] = *v;
            }
            t += 1;
        }
        if t == len {
            return if len == 0 {
                Self::nan_output()
            } else {
                AdxOutput {
                    adx: out[len - 1],
                    plus_di: out[2 * len - 1],
                    minus_di: out[3 * len - 1],
                    dx: out[4 * len - 1],
                }
            };
        }
        let nf = self.n as f64;
        let sum = Lin::new(1.0 - 1.0 / nf, 1.0);
        let avg = Lin::new((nf - 1.0) / nf, 1.0 / nf);
        let carry = AdxCarry {
            prev_high: self.prev_high,
            prev_low: self.prev_low,
            prev_close: self.prev_close,
            pdm: self.pdm,
            mdm: self.mdm,
            tr: self.tr,
            dx_count: self.dx_count,
            adx: self.adx,
        };
        let (adx, rest) = out.split_at_mut(len);
        let (pdi, rest) = rest.split_at_mut(len);
        let (mdi, dx) = rest.split_at_mut(len);
        let cols = AdxCols {
            adx: &mut adx[t..],
            pdi: &mut pdi[t..],
            mdi: &mut mdi[t..],
            dx: &mut dx[t..],
        };
        let c = kernels::adx(
            path,
            &sum,
            &avg,
            self.n,
            carry,
            &rows.high[t..],
            &rows.low[t..],
            &rows.close[t..],
            cols,
        );
        self.prev_high = c.prev_high;
        self.prev_low = c.prev_low;
        self.prev_close = c.prev_close;
        self.pdm = c.pdm;
        self.mdm = c.mdm;
        self.tr = c.tr;
        self.dx_count = c.dx_count;
        self.adx = c.adx;
        self.count += len - t;
        AdxOutput {
            adx: adx[len - 1],
            plus_di: pdi[len - 1],
            minus_di: mdi[len - 1],
            dx: dx[len - 1],
        }
    }
}

/// Ichimoku outputs. Senkou lines are the values computed at this bar (they are drawn
/// `displacement` bars ahead); the cloud fields are the senkou values computed
/// `displacement` bars ago, i.e. the cloud *at* this bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IchimokuOutput {
    /// Conversion line: midpoint of the last `tenkan` bars' range.
    pub tenkan: f64,
    /// Base line: midpoint of the last `kijun` bars' range.
    pub kijun: f64,
    /// Leading span A: `(tenkan + kijun)/2`, computed now.
    pub senkou_a: f64,
    /// Leading span B: midpoint of the last `senkou` bars' range, computed now.
    pub senkou_b: f64,
    /// Lagging span: this close (drawn `displacement` bars back).
    pub chikou: f64,
    /// Span A that applies to this bar (computed `displacement` bars ago).
    pub cloud_a: f64,
    /// Span B that applies to this bar.
    pub cloud_b: f64,
}

/// Ichimoku kinkō hyō, all five lines plus the current cloud.
#[derive(Debug, Clone, PartialEq)]
pub struct Ichimoku {
    t_hi: MaxWindow,
    t_lo: MinWindow,
    k_hi: MaxWindow,
    k_lo: MinWindow,
    s_hi: MaxWindow,
    s_lo: MinWindow,
    lead_a: Ring,
    lead_b: Ring,
    periods: (usize, usize, usize, usize),
}

impl Ichimoku {
    /// Ichimoku(`tenkan`, `kijun`, `senkou`, `displacement`), classically (9, 26, 52, 26).
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for a period out of range.
    pub fn new(
        tenkan: usize,
        kijun: usize,
        senkou: usize,
        displacement: usize,
    ) -> Result<Self, IndicatorError> {
        let t = period("tenkan", tenkan, 1)?;
        let k = period("kijun", kijun, 1)?;
        let s = period("senkou", senkou, 1)?;
        let d = period("displacement", displacement, 1)?;
        Ok(Self {
            t_hi: MaxWindow::new(t),
            t_lo: MinWindow::new(t),
            k_hi: MaxWindow::new(k),
            k_lo: MinWindow::new(k),
            s_hi: MaxWindow::new(s),
            s_lo: MinWindow::new(s),
            lead_a: Ring::new(d),
            lead_b: Ring::new(d),
            periods: (t, k, s, d),
        })
    }
}

impl Indicator for Ichimoku {
    type Output = IchimokuOutput;
    const FIELDS: Fields = Fields::HLC;
    const OUTPUTS: &'static [&'static str] = &[
        "tenkan", "kijun", "senkouA", "senkouB", "chikou", "cloudA", "cloudB",
    ];

    #[inline]
    fn step(&mut self, bar: &Bar) -> IchimokuOutput {
        fn mid(hi: &mut MaxWindow, lo: &mut MinWindow, bar: &Bar) -> f64 {
            let h = hi.push(bar.high);
            let l = lo.push(bar.low);
            if hi.is_full() {
                (h + l) / 2.0
            } else {
                f64::NAN
            }
        }
        let tenkan = mid(&mut self.t_hi, &mut self.t_lo, bar);
        let kijun = mid(&mut self.k_hi, &mut self.k_lo, bar);
        let senkou_b = mid(&mut self.s_hi, &mut self.s_lo, bar);
        let senkou_a = (tenkan + kijun) / 2.0;
        let cloud_a = self.lead_a.push(senkou_a).unwrap_or(f64::NAN);
        let cloud_b = self.lead_b.push(senkou_b).unwrap_or(f64::NAN);
        IchimokuOutput {
            tenkan,
            kijun,
            senkou_a,
            senkou_b,
            chikou: bar.close,
            cloud_a,
            cloud_b,
        }
    }
    fn nan_output() -> IchimokuOutput {
        IchimokuOutput {
            tenkan: f64::NAN,
            kijun: f64::NAN,
            senkou_a: f64::NAN,
            senkou_b: f64::NAN,
            chikou: f64::NAN,
            cloud_a: f64::NAN,
            cloud_b: f64::NAN,
        }
    }
    #[inline]
    fn write(o: &IchimokuOutput, dst: &mut [f64]) {
        dst[0] = o.tenkan;
        dst[1] = o.kijun;
        dst[2] = o.senkou_a;
        dst[3] = o.senkou_b;
        dst[4] = o.chikou;
        dst[5] = o.cloud_a;
        dst[6] = o.cloud_b;
    }
    fn is_ready(&self) -> bool {
        self.s_hi.seen() as usize > self.lookback()
    }
    fn lookback(&self) -> usize {
        let (t, k, s, d) = self.periods;
        t.max(k).max(s) - 1 + d
    }
    fn reset(&mut self) {
        self.t_hi.clear();
        self.t_lo.clear();
        self.k_hi.clear();
        self.k_lo.clear();
        self.s_hi.clear();
        self.s_lo.clear();
        self.lead_a.clear();
        self.lead_b.clear();
    }
}

/// Parabolic SAR output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SarOutput {
    /// The stop-and-reverse level for this bar.
    pub sar: f64,
    /// +1 in a long (rising) trend, −1 in a short one, NaN before the first output.
    pub trend: f64,
}

/// Wilder's parabolic SAR with TA-Lib's bootstrap (TA-Lib `SAR`):
/// - the first bar is consumed; the direction for the second bar is short if its −DM
///   (`L₀ − L₁`, when positive and larger than `H₁ − H₀`) is positive, long otherwise;
/// - the first SAR is the first bar's low (long) or high (short), the extreme point the
///   second bar's high (long) or low (short);
/// - each bar outputs the SAR computed on the previous bar; a bar whose low (long) / high
///   (short) touches the SAR reverses: the SAR becomes the extreme point, clamped to the
///   last two bars' range, and the acceleration restarts at `acceleration`;
/// - otherwise a new extreme adds `acceleration` to the factor (capped at `maximum`) and
///   the next SAR `sar + af·(ep − sar)` is clamped not to enter the last two bars' range.
#[derive(Debug, Clone, PartialEq)]
pub struct ParabolicSar {
    accel: f64,
    max: f64,
    count: usize,
    long: bool,
    sar: f64,
    ep: f64,
    af: f64,
    prev_high: f64,
    prev_low: f64,
}

impl ParabolicSar {
    /// SAR with the given acceleration step and maximum (classically 0.02 and 0.2). An
    /// acceleration above the maximum is lowered to it (as TA-Lib does).
    ///
    /// # Errors
    /// [`IndicatorError::InvalidParam`] for non-finite or non-positive values.
    pub fn new(acceleration: f64, maximum: f64) -> Result<Self, IndicatorError> {
        let max = positive("maximum", maximum)?;
        let accel = positive("acceleration", acceleration)?.min(max);
        Ok(Self {
            accel,
            max,
            count: 0,
            long: true,
            sar: 0.0,
            ep: 0.0,
            af: accel,
            prev_high: 0.0,
            prev_low: 0.0,
        })
    }

    /// `true` in a long trend (meaningful once an output was produced).
    #[must_use]
    pub fn is_long(&self) -> bool {
        self.long
    }
}

impl Indicator for ParabolicSar {
    type Output = SarOutput;
    const FIELDS: Fields = Fields::HL;
    const OUTPUTS: &'static [&'static str] = &["sar", "trend"];

    #[inline]
    fn step(&mut self, bar: &Bar) -> SarOutput {
        let (high, low) = (bar.high, bar.low);
        self.count += 1;
        if self.count == 1 {
            self.prev_high = high;
            self.prev_low = low;
            return Self::nan_output();
        }
        let (prev_high, prev_low) = if self.count == 2 {
            // Bootstrap on the second bar (TA-Lib: direction from −DM of bars 0 and 1).
            let minus_dm = self.prev_low - low;
            let plus_dm = high - self.prev_high;
            self.long = !(minus_dm > 0.0 && minus_dm > plus_dm);
            if self.long {
                self.ep = high;
                self.sar = self.prev_low;
            } else {
                self.ep = low;
                self.sar = self.prev_high;
            }
            self.af = self.accel;
            // TA-Lib treats the second bar as its own "previous" bar for the first clamp.
            (high, low)
        } else {
            (self.prev_high, self.prev_low)
        };
        self.prev_high = high;
        self.prev_low = low;
        let out;
        if self.long {
            if low <= self.sar {
                self.long = false;
                let mut s = self.ep.max(prev_high).max(high);
                out = s;
                self.af = self.accel;
                self.ep = low;
                s += self.af * (self.ep - s);
                self.sar = s.max(prev_high).max(high);
            } else {
                out = self.sar;
                if high > self.ep {
                    self.ep = high;
                    self.af = (self.af + self.accel).min(self.max);
                }
                let s = self.sar + self.af * (self.ep - self.sar);
                self.sar = s.min(prev_low).min(low);
            }
        } else if high >= self.sar {
            self.long = true;
            let mut s = self.ep.min(prev_low).min(low);
            out = s;
            self.af = self.accel;
            self.ep = high;
            s += self.af * (self.ep - s);
            self.sar = s.min(prev_low).min(low);
        } else {
            out = self.sar;
            if low < self.ep {
                self.ep = low;
                self.af = (self.af + self.accel).min(self.max);
            }
            let s = self.sar + self.af * (self.ep - self.sar);
            self.sar = s.max(prev_high).max(high);
        }
        SarOutput {
            sar: out,
            // The direction in force for this bar's output: after a reversal, the new one.
            trend: if self.long { 1.0 } else { -1.0 },
        }
    }
    fn nan_output() -> SarOutput {
        SarOutput {
            sar: f64::NAN,
            trend: f64::NAN,
        }
    }
    #[inline]
    fn write(o: &SarOutput, dst: &mut [f64]) {
        dst[0] = o.sar;
        dst[1] = o.trend;
    }
    fn is_ready(&self) -> bool {
        self.count >= 2
    }
    fn lookback(&self) -> usize {
        1
    }
    fn reset(&mut self) {
        self.count = 0;
        self.long = true;
        self.af = self.accel;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adx_lookbacks() {
        let mut a = Adx::new(3).unwrap();
        let mut first_di = None;
        let mut first_adx = None;
        for t in 0..20 {
            let x = 10.0 + (t as f64 * 0.7).sin() * 2.0 + t as f64 * 0.1;
            let o = a.step(&Bar::hlc(x + 0.5, x - 0.5, x));
            if first_di.is_none() && !o.plus_di.is_nan() {
                first_di = Some(t);
            }
            if first_adx.is_none() && !o.adx.is_nan() {
                first_adx = Some(t);
            }
            if !o.adx.is_nan() {
                assert!((0.0..=100.0).contains(&o.adx));
            }
        }
        assert_eq!(first_di, Some(3));
        assert_eq!(first_adx, Some(a.lookback()));
    }

    #[test]
    fn sar_reverses_on_penetration() {
        let mut s = ParabolicSar::new(0.02, 0.2).unwrap();
        s.step(&Bar::hlc(10.0, 9.0, 9.5));
        let o = s.step(&Bar::hlc(11.0, 10.0, 10.5)); // long: SAR = first low
        assert_eq!(o.sar, 9.0);
        assert_eq!(o.trend, 1.0);
        for _ in 0..3 {
            s.step(&Bar::hlc(12.0, 11.0, 11.5));
        }
        let o = s.step(&Bar::hlc(9.0, 8.0, 8.5)); // low pierces the SAR: reverse to short
        assert_eq!(o.trend, -1.0);
        assert_eq!(o.sar, 12.0); // the extreme point of the long run
    }

    #[test]
    fn ichimoku_cloud_is_displaced_senkou() {
        let mut ich = Ichimoku::new(2, 3, 4, 2).unwrap();
        let mut outs = Vec::new();
        for t in 0..12 {
            let x = t as f64;
            outs.push(ich.step(&Bar::hlc(x + 1.0, x - 1.0, x)));
        }
        for t in 2..12 {
            let (a, b) = (outs[t].cloud_a, outs[t - 2].senkou_a);
            assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
        }
        assert_eq!(outs[5].tenkan, 4.5); // (6 + 3)/2 over bars 4..5
        assert_eq!(outs[5].chikou, 5.0);
        assert!(!ich.is_ready() || outs[11].cloud_b.is_finite());
    }
}
