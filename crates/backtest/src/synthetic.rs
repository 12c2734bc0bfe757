//! Seeded synthetic markets: bars from a price path on the instrument's tick grid.
//!
//! The path comes from `tachyon_stats::mc::PathGenerator` — geometric Brownian motion, Merton
//! jump-diffusion, Heston stochastic volatility or Ornstein–Uhlenbeck, bit-identical for a seed
//! on every platform — sampled `steps_per_bar` times per bar (open = first sample, close = last,
//! high/low = extremes), prices rounded to the tick (never below one tick: an OU path that
//! crosses zero is floored there). Bar volume is exponential with mean `mean_volume` lots, from
//! its own stream of the same seed, so the price path does not depend on the volumes.

use tachyon_stats::mc::{PathGenerator, Process};
use tachyon_stats::rng::{det_ln, Rng};

use crate::error::BacktestError;
use crate::record::Record;

/// Settings of a synthetic bar series.
#[derive(Debug, Clone, Copy)]
pub struct BarSpec {
    /// Instrument id written into the records.
    pub instrument: u32,
    /// First bar's open time (ns).
    pub start_ns: i64,
    /// Bar length (ns).
    pub bar_ns: i64,
    /// Price path samples per bar (≥ 1).
    pub steps_per_bar: u32,
    /// Tick size as a price mantissa at `price_scale`.
    pub tick: i64,
    /// Decimal places of prices.
    pub price_scale: u8,
    /// Mean bar volume in quantity mantissa units.
    pub mean_volume: f64,
}

/// Nanoseconds in the (365.25-day) year the processes' parameters are annualised to.
const YEAR_NS: f64 = 365.25 * 86_400e9;

/// A seeded bar generator.
#[derive(Debug, Clone)]
pub struct SyntheticBars {
    path: PathGenerator,
    volume: Rng,
    spec: BarSpec,
    next_ts: i64,
    seq: u64,
    pow: f64,
}

impl SyntheticBars {
    /// A generator of `process` (parameters per year) with `seed`.
    ///
    /// # Errors
    /// [`BacktestError::Config`] for invalid process parameters (named by the stats crate) or
    /// a non-positive bar length or tick.
    pub fn new(seed: u64, process: &Process, spec: BarSpec) -> Result<Self, BacktestError> {
        if spec.bar_ns <= 0 || spec.tick <= 0 {
            return Err(BacktestError::config(
                "barMs",
                "bar length and tick must be positive",
            ));
        }
        let steps = spec.steps_per_bar.max(1);
        let dt = spec.bar_ns as f64 / YEAR_NS / f64::from(steps);
        let path = PathGenerator::new(process, dt, seed, 0)
            .map_err(|e| BacktestError::config("synthetic", e.to_string()))?;
        Ok(Self {
            path,
            // the path is stream 0 of the seed; volumes draw from stream 1
            volume: Rng::stream(seed, 1),
            next_ts: spec.start_ns,
            seq: 0,
            pow: 10f64.powi(i32::from(spec.price_scale)),
            spec: BarSpec {
                steps_per_bar: steps,
                ..spec
            },
        })
    }

    #[inline]
    fn on_grid(&self, p: f64) -> i64 {
        let t = self.spec.tick;
        let m = (p * self.pow / t as f64).round();
        if m.is_finite() {
            (m as i64).saturating_mul(t).max(t)
        } else {
            t
        }
    }

    /// The next bar.
    pub fn next_bar(&mut self) -> Record {
        let mut o = 0;
        let (mut h, mut l, mut c) = (i64::MIN, i64::MAX, 0);
        for k in 0..self.spec.steps_per_bar {
            let x = self.path.next_value();
            let p = self.on_grid(x);
            if k == 0 {
                o = p;
            }
            h = h.max(p);
            l = l.min(p);
            c = p;
        }
        let u = self.volume.open01();
        let v = (-det_ln(u) * self.spec.mean_volume).round().max(1.0) as i64;
        let mut r = Record::bar(self.spec.instrument, self.next_ts, o, h, l, c, v);
        r.seq = self.seq;
        self.seq += 1;
        self.next_ts += self.spec.bar_ns;
        r
    }

    /// Fills `out` with the next `n` bars.
    pub fn fill(&mut self, n: usize, out: &mut Vec<Record>) {
        out.reserve(n);
        for _ in 0..n {
            out.push(self.next_bar());
        }
    }
}

/// A seeded synthetic L2 tape for replay benches and tests of `VenueModel::L2`: a `BookClear`
/// and 10 levels a side around a mid that random-walks one tick at a time, then level updates
/// (a random depth 1–10, a random side, a new size 0–`max_lots` lots; 0 deletes), a trade at
/// the best bid or ask every fifth record (a seller or buyer aggressor, 1–`max_lots / 10`
/// lots) followed by that level's reduced size, and, every 50 records, a one-tick move of the
/// mid (the level crossed is deleted before the new one is inserted, so the book never
/// crosses). Timestamps advance 1 ms per record. `lot` is the quantity mantissa of one lot.
///
/// # Errors
/// [`BacktestError::Config`] for a mid below 12 ticks or a non-positive `tick`/`lot`/`max_lots`.
#[allow(clippy::too_many_arguments)] // a tape is described by these few numbers
pub fn l2_tape(
    n: usize,
    seed: u64,
    instrument: u32,
    start_ns: i64,
    mid: i64,
    tick: i64,
    lot: i64,
    max_lots: i64,
) -> Result<Vec<Record>, BacktestError> {
    if tick <= 0 || lot <= 0 || max_lots < 10 || mid < 12 * tick || mid % tick != 0 {
        return Err(BacktestError::config(
            "l2Tape",
            "needs tick > 0, lot > 0, max_lots >= 10 and a mid of at least 12 ticks on the grid",
        ));
    }
    let mut rng = Rng::new(seed);
    let mut below = |k: i64| (rng.next_u64() % k as u64) as i64;
    let mut out = Vec::with_capacity(n + 32);
    let mut ts = start_ns;
    let mut mid = mid;
    // sizes[0..10] = bids at mid−1..mid−10 ticks, sizes[10..20] = asks at mid+1..mid+10
    let mut bids = [0i64; 10];
    let mut asks = [0i64; 10];
    out.push(Record {
        ts_ns: ts,
        instrument,
        kind: crate::record::Kind::BookClear as u8,
        ..Record::default()
    });
    for d in 0..10 {
        bids[d] = (1 + below(max_lots)) * lot;
        asks[d] = (1 + below(max_lots)) * lot;
        out.push(Record::level(
            instrument,
            ts,
            true,
            mid - (d as i64 + 1) * tick,
            bids[d],
        ));
        out.push(Record::level(
            instrument,
            ts,
            false,
            mid + (d as i64 + 1) * tick,
            asks[d],
        ));
    }
    let mut k = 0u64;
    while out.len() < n {
        ts += 1_000_000;
        k += 1;
        if k.is_multiple_of(50) {
            let up = below(2) == 0;
            if up {
                // delete the best ask, the new mid's best bid takes its place; shift the ladders
                out.push(Record::level(instrument, ts, false, mid + tick, 0));
                out.push(Record::level(instrument, ts, true, mid - 10 * tick, 0));
                mid += tick;
                bids.rotate_right(1);
                bids[0] = (1 + below(max_lots)) * lot;
                asks.rotate_left(1);
                asks[9] = (1 + below(max_lots)) * lot;
                out.push(Record::level(instrument, ts, true, mid - tick, bids[0]));
                out.push(Record::level(
                    instrument,
                    ts,
                    false,
                    mid + 10 * tick,
                    asks[9],
                ));
            } else {
                out.push(Record::level(instrument, ts, true, mid - tick, 0));
                out.push(Record::level(instrument, ts, false, mid + 10 * tick, 0));
                mid -= tick;
                asks.rotate_right(1);
                asks[0] = (1 + below(max_lots)) * lot;
                bids.rotate_left(1);
                bids[9] = (1 + below(max_lots)) * lot;
                out.push(Record::level(instrument, ts, false, mid + tick, asks[0]));
                out.push(Record::level(
                    instrument,
                    ts,
                    true,
                    mid - 10 * tick,
                    bids[9],
                ));
            }
            continue;
        }
        if k.is_multiple_of(5) {
            let buy = below(2) == 0;
            let (px, size) = if buy {
                (mid + tick, &mut asks[0])
            } else {
                (mid - tick, &mut bids[0])
            };
            let q = ((1 + below(max_lots / 10)) * lot).min(*size);
            if q > 0 {
                out.push(Record::trade(
                    instrument,
                    ts,
                    px,
                    q,
                    if buy { 1 } else { 2 },
                ));
                *size -= q;
                if *size == 0 {
                    *size = lot; // someone rejoins at once: keep both sides alive
                }
                out.push(Record::level(instrument, ts, !buy, px, *size));
            }
            continue;
        }
        let d = below(10) as usize;
        let bid = below(2) == 0;
        let q = below(max_lots + 1) * lot;
        let q = if d == 0 { q.max(lot) } else { q };
        let px = if bid {
            bids[d] = q;
            mid - (d as i64 + 1) * tick
        } else {
            asks[d] = q;
            mid + (d as i64 + 1) * tick
        };
        out.push(Record::level(instrument, ts, bid, px, q));
    }
    for (i, r) in out.iter_mut().enumerate() {
        r.seq = i as u64;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> BarSpec {
        BarSpec {
            instrument: 0,
            start_ns: 0,
            bar_ns: 60_000_000_000,
            steps_per_bar: 8,
            tick: 1,
            price_scale: 2,
            mean_volume: 1000.0,
        }
    }

    use tachyon_stats::mc::{Gbm, Heston, Merton, OrnsteinUhlenbeck};

    #[test]
    fn same_seed_same_bars_and_bars_are_valid() {
        let gbm = Process::Gbm(Gbm {
            s0: 65_000.0,
            mu: 0.0,
            sigma: 0.6,
        });
        let mut a = SyntheticBars::new(7, &gbm, spec()).unwrap();
        let mut b = SyntheticBars::new(7, &gbm, spec()).unwrap();
        let mut c = SyntheticBars::new(8, &gbm, spec()).unwrap();
        let (mut va, mut vb, mut vc) = (Vec::new(), Vec::new(), Vec::new());
        a.fill(1000, &mut va);
        b.fill(1000, &mut vb);
        c.fill(1000, &mut vc);
        assert_eq!(va, vb);
        assert_ne!(va, vc);
        for (i, r) in va.iter().enumerate() {
            assert!(r.validate().is_ok(), "bar {i} {r:?}");
            assert_eq!(r.ts_ns, i as i64 * 60_000_000_000);
        }
    }

    #[test]
    fn every_process_gives_valid_bars_and_bad_parameters_are_errors() {
        let ps = [
            Process::Merton(Merton {
                s0: 100.0,
                mu: 0.0,
                sigma: 0.3,
                lambda: 50.0,
                jump_mean: -0.01,
                jump_std: 0.02,
            }),
            Process::Heston(Heston {
                s0: 100.0,
                mu: 0.0,
                v0: 0.04,
                kappa: 2.0,
                theta: 0.04,
                xi: 0.5,
                rho: -0.7,
            }),
            Process::Ou(OrnsteinUhlenbeck {
                x0: 100.0,
                kappa: 5.0,
                theta: 100.0,
                sigma: 20.0,
            }),
        ];
        for p in &ps {
            let mut g = SyntheticBars::new(3, p, spec()).unwrap();
            let mut v = Vec::new();
            g.fill(2_000, &mut v);
            assert!(v.iter().all(|r| r.validate().is_ok()), "{p:?}");
        }
        let bad = Process::Gbm(Gbm {
            s0: -1.0,
            mu: 0.0,
            sigma: 0.3,
        });
        assert!(SyntheticBars::new(3, &bad, spec()).is_err());
    }
}
