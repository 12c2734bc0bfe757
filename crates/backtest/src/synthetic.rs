//! Seeded synthetic markets: bars (and trades) from a price path on the instrument's tick grid.
//!
//! The path is geometric Brownian motion, `S ← S·exp((μ − σ²/2)·dt + σ·√dt·Z)`, sampled
//! `steps_per_bar` times per bar (open = first step, close = last, high/low = extremes), with
//! `Z` from `tachyon_stats::rng::Rng` (xoshiro256**, platform-identical) and `exp` from
//! `tachyon_stats::rng::det_exp`, so a seed gives the same bars on every machine. Bar volume
//! is exponential with mean `mean_volume` lots.
//!
//! The other processes of the models issue (Merton jump-diffusion, Heston, Ornstein-Uhlenbeck)
//! plug in through [`PricePath`] once `tachyon_stats` exposes its generators.

use tachyon_stats::rng::{det_exp, Rng};

use crate::record::Record;

/// A price process stepped in years.
pub trait PricePath {
    /// Advances by `dt` years and returns the new price.
    fn step(&mut self, rng: &mut Rng, dt: f64) -> f64;
}

/// Geometric Brownian motion.
#[derive(Debug, Clone, Copy)]
pub struct Gbm {
    /// Current price.
    pub price: f64,
    /// Annual drift.
    pub mu: f64,
    /// Annual volatility.
    pub sigma: f64,
}

impl PricePath for Gbm {
    #[inline]
    fn step(&mut self, rng: &mut Rng, dt: f64) -> f64 {
        let z = rng.normal();
        self.price *=
            det_exp((self.mu - 0.5 * self.sigma * self.sigma) * dt + self.sigma * dt.sqrt() * z);
        self.price
    }
}

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

/// A seeded bar generator.
#[derive(Debug, Clone)]
pub struct SyntheticBars<P: PricePath> {
    rng: Rng,
    path: P,
    spec: BarSpec,
    next_ts: i64,
    seq: u64,
    pow: f64,
    dt: f64,
}

impl<P: PricePath> SyntheticBars<P> {
    /// A generator over `path` with `seed`.
    #[must_use]
    pub fn new(seed: u64, path: P, spec: BarSpec) -> Self {
        let steps = spec.steps_per_bar.max(1);
        Self {
            rng: Rng::new(seed),
            path,
            next_ts: spec.start_ns,
            seq: 0,
            pow: 10f64.powi(i32::from(spec.price_scale)),
            dt: spec.bar_ns as f64 / 1e9 / (365.25 * 86_400.0) / f64::from(steps),
            spec: BarSpec {
                steps_per_bar: steps,
                ..spec
            },
        }
    }

    #[inline]
    fn on_grid(&self, p: f64) -> i64 {
        let t = self.spec.tick;
        let m = (p * self.pow / t as f64).round() as i64 * t;
        m.max(t)
    }

    /// The next bar.
    pub fn next_bar(&mut self) -> Record {
        let mut o = 0;
        let (mut h, mut l, mut c) = (i64::MIN, i64::MAX, 0);
        for k in 0..self.spec.steps_per_bar {
            let x = self.path.step(&mut self.rng, self.dt);
            let p = self.on_grid(x);
            if k == 0 {
                o = p;
            }
            h = h.max(p);
            l = l.min(p);
            c = p;
        }
        let u = self.rng.open01();
        let v = (-u.ln() * self.spec.mean_volume).round().max(1.0) as i64;
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

    #[test]
    fn same_seed_same_bars_and_bars_are_valid() {
        let gbm = Gbm {
            price: 65_000.0,
            mu: 0.0,
            sigma: 0.6,
        };
        let mut a = SyntheticBars::new(7, gbm, spec());
        let mut b = SyntheticBars::new(7, gbm, spec());
        let mut c = SyntheticBars::new(8, gbm, spec());
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
}
