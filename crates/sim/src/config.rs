//! Simulator settings: latency, queue, fee, impact, rate-limit and fault models.

use rand::Rng;
use rand_distr::{Distribution, LogNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use tachyon_core::{Notional, Timestamp};

/// Why a simulator setting or input was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// A setting is out of range.
    #[error("invalid simulator setting `{field}`: {reason}")]
    Config {
        /// Setting name.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Market data for an instrument the venue does not list.
    #[error("unknown instrument id {0}")]
    UnknownInstrument(u32),
    /// Market data the book refused (off tick, negative quantity, …).
    #[error(transparent)]
    Book(#[from] tachyon_book::BookError),
}

impl SimError {
    /// Stable machine-readable code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Config { .. } => "ERR_SIM_CONFIG",
            Self::UnknownInstrument(_) => "ERR_UNKNOWN_INSTRUMENT",
            Self::Book(e) => e.code(),
        }
    }
}

fn cfg_err(field: &'static str, reason: impl Into<String>) -> SimError {
    SimError::Config {
        field,
        reason: reason.into(),
    }
}

/// One-way latency between the client and the venue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LatencyModel {
    /// Always this many nanoseconds.
    Constant(i64),
    /// Log-normal with the given median and shape (σ of the log), capped at `cap_ns`;
    /// drawn from the venue's seeded generator.
    LogNormal {
        /// Median latency in ns.
        median_ns: i64,
        /// σ of ln(latency).
        sigma: f64,
        /// Largest latency in ns.
        cap_ns: i64,
    },
}

impl LatencyModel {
    pub(crate) fn validate(&self, field: &'static str) -> Result<(), SimError> {
        match *self {
            Self::Constant(ns) if ns < 0 => Err(cfg_err(field, "latency must not be negative")),
            Self::LogNormal {
                median_ns,
                sigma,
                cap_ns,
            } => {
                if median_ns <= 0 || cap_ns < median_ns {
                    return Err(cfg_err(field, "need 0 < median_ns <= cap_ns"));
                }
                if !(sigma.is_finite() && sigma >= 0.0) {
                    return Err(cfg_err(field, "sigma must be finite and >= 0"));
                }
                Ok(())
            }
            Self::Constant(_) => Ok(()),
        }
    }

    pub(crate) fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> i64 {
        match *self {
            Self::Constant(ns) => ns,
            Self::LogNormal {
                median_ns,
                sigma,
                cap_ns,
            } => {
                let d = LogNormal::new((median_ns as f64).ln(), sigma)
                    .unwrap_or_else(|_| LogNormal::new(0.0, 0.0).expect("valid"));
                let x: f64 = d.sample(rng);
                (x.round() as i64).clamp(0, cap_ns)
            }
        }
    }
}

/// How a resting order's place in the queue at its price level is estimated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QueueModel {
    /// FIFO estimate: the order joins behind the whole displayed quantity; trades at the
    /// level consume the queue ahead first; other decreases of the level are assumed to come
    /// from behind (the queue ahead only shrinks to the level size). Conservative.
    Fifo,
    /// Probabilistic: a decrease `d` of the level that trades do not explain comes from ahead
    /// with probability `f(ahead) / (f(ahead) + f(behind))`, `f(x) = x^power`; the expected
    /// value is applied (deterministic).
    Probabilistic {
        /// Exponent of `f` (1 = proportional; larger = cancels mostly from the longer side).
        power: f64,
    },
}

/// Scale at which the venue accumulates traded volume across instruments.
pub const VOLUME_SCALE: u8 = 18;

/// `n` as an `i128` mantissa at [`VOLUME_SCALE`].
#[must_use]
pub fn volume_units(n: Notional) -> i128 {
    let s = n.scale().min(VOLUME_SCALE);
    i128::from(n.mantissa()) * 10i128.pow(u32::from(VOLUME_SCALE - s))
}

/// A maker/taker fee tier, in parts per million of notional (100 ppm = 1 bp; negative =
/// rebate). The tier applies once the account's cumulative traded notional (all instruments,
/// in quote currency) reaches `min_volume`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeTier {
    /// Cumulative traded notional from which the tier applies (any scale).
    pub min_volume: Notional,
    /// Maker fee, ppm.
    pub maker_ppm: i64,
    /// Taker fee, ppm.
    pub taker_ppm: i64,
}

/// Fee tiers by traded volume (sorted by `min_volume`; the first must start at 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeSchedule {
    /// The tiers.
    pub tiers: Vec<FeeTier>,
}

impl Default for FeeSchedule {
    /// 10 bps maker, 10 bps taker (a common retail spot tier).
    fn default() -> Self {
        Self {
            tiers: vec![FeeTier {
                min_volume: Notional::zero(0),
                maker_ppm: 1_000,
                taker_ppm: 1_000,
            }],
        }
    }
}

impl FeeSchedule {
    pub(crate) fn validate(&self) -> Result<(), SimError> {
        if self.tiers.is_empty() || !self.tiers[0].min_volume.is_zero() {
            return Err(cfg_err("fees", "the first tier must start at volume 0"));
        }
        if self
            .tiers
            .windows(2)
            .any(|w| volume_units(w[1].min_volume) <= volume_units(w[0].min_volume))
        {
            return Err(cfg_err(
                "fees",
                "tiers must be sorted by increasing min_volume",
            ));
        }
        if self
            .tiers
            .iter()
            .any(|t| t.maker_ppm.abs() > 100_000 || t.taker_ppm.abs() > 100_000)
        {
            return Err(cfg_err("fees", "fees above 10% are not plausible"));
        }
        Ok(())
    }

    /// `(maker, taker)` ppm at a traded volume (a mantissa at [`VOLUME_SCALE`]).
    #[must_use]
    pub fn rates(&self, volume: i128) -> (i64, i64) {
        let t = self
            .tiers
            .iter()
            .rev()
            .find(|t| volume >= volume_units(t.min_volume))
            .unwrap_or(&self.tiers[0]);
        (t.maker_ppm, t.taker_ppm)
    }
}

/// Fee of a fill: `notional × ppm / 10^6`, half-even on the notional scale.
#[must_use]
pub fn fee_of(notional: i128, ppm: i64) -> i64 {
    let num = notional * i128::from(ppm);
    let den = 1_000_000i128;
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    let q = match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    };
    i64::try_from(q).unwrap_or(i64::MAX)
}

/// Price impact of aggressive orders: extra adverse ticks on each fill, growing with the
/// quantity the order has taken so far (in lots). The fill never goes past the order's limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ImpactModel {
    /// No impact.
    None,
    /// `coef × lots_taken` ticks.
    Linear {
        /// Ticks per lot.
        coef: f64,
    },
    /// `coef × sqrt(lots_taken)` ticks (the square-root law).
    SquareRoot {
        /// Ticks per √lot.
        coef: f64,
    },
}

impl ImpactModel {
    /// Whole adverse ticks after `lots` have been taken (rounded up).
    #[must_use]
    pub fn ticks(&self, lots: i64) -> i64 {
        let x = match *self {
            Self::None => 0.0,
            Self::Linear { coef } => coef * lots as f64,
            Self::SquareRoot { coef } => coef * (lots as f64).sqrt(),
        };
        if x.is_finite() && x > 0.0 {
            x.ceil().min(1e12) as i64
        } else {
            0
        }
    }
}

/// A token bucket: `capacity` requests, refilled at `refill_per_sec`; every command costs
/// one token; an empty bucket refuses like an HTTP 429 with the time to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Burst size.
    pub capacity: u32,
    /// Tokens per second.
    pub refill_per_sec: u32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenBucket {
    limit: RateLimit,
    /// Tokens × 10^9.
    nano_tokens: i128,
    last: Timestamp,
}

const NANO: i128 = 1_000_000_000;

impl TokenBucket {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            nano_tokens: i128::from(limit.capacity) * NANO,
            last: Timestamp::EPOCH,
        }
    }

    /// Takes a token at `now`, or returns the nanoseconds until one is available.
    pub(crate) fn take(&mut self, now: Timestamp) -> Result<(), i64> {
        let el = i128::from(now.nanos_since(self.last).max(0));
        self.last = self.last.max(now);
        let cap = i128::from(self.limit.capacity) * NANO;
        self.nano_tokens = (self.nano_tokens + el * i128::from(self.limit.refill_per_sec)).min(cap);
        if self.nano_tokens >= NANO {
            self.nano_tokens -= NANO;
            Ok(())
        } else {
            let rate = i128::from(self.limit.refill_per_sec.max(1));
            let missing = NANO - self.nano_tokens;
            Err(((missing + rate - 1) / rate) as i64)
        }
    }
}

/// Injected faults. Probabilities are per message and drawn from the seeded generator.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultConfig {
    /// A command from the client is lost on the way (no answer ever comes).
    pub drop_inbound: f64,
    /// An event to the client is lost on the way.
    pub drop_outbound: f64,
    /// A new order is rejected (`INJECTED`).
    pub reject: f64,
    /// An acknowledgement is delivered `delay_ack_ns` late (fills may overtake it).
    pub delay_ack: f64,
    /// Extra delay of a delayed acknowledgement.
    pub delay_ack_ns: i64,
    /// Disconnected intervals `[start, end)`: commands sent are refused at once
    /// (`DISCONNECTED`), events generated are lost.
    pub disconnects: Vec<(Timestamp, Timestamp)>,
    /// Cancel every resting order when a disconnect starts (cancel-on-disconnect).
    pub cancel_on_disconnect: bool,
}

impl FaultConfig {
    pub(crate) fn validate(&self) -> Result<(), SimError> {
        for (name, p) in [
            ("faults.dropInbound", self.drop_inbound),
            ("faults.dropOutbound", self.drop_outbound),
            ("faults.reject", self.reject),
            ("faults.delayAck", self.delay_ack),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(cfg_err(name, format!("probability {p} is not in [0, 1]")));
            }
        }
        if self.delay_ack_ns < 0 {
            return Err(cfg_err("faults.delayAckNs", "must not be negative"));
        }
        if self.disconnects.iter().any(|(a, b)| b <= a) {
            return Err(cfg_err(
                "faults.disconnects",
                "each interval must end after it starts",
            ));
        }
        Ok(())
    }

    pub(crate) fn disconnected(&self, t: Timestamp) -> bool {
        self.disconnects.iter().any(|&(a, b)| a <= t && t < b)
    }

    pub(crate) fn roll(p: f64, rng: &mut Xoshiro256PlusPlus) -> bool {
        p > 0.0 && rng.gen::<f64>() < p
    }
}

/// Everything the simulated venue needs.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Seed of the venue's generator (latency, faults). Same seed + same inputs = same output.
    pub seed: u64,
    /// Client → venue latency.
    pub latency_in: LatencyModel,
    /// Venue → client latency.
    pub latency_out: LatencyModel,
    /// Queue-position model.
    pub queue: QueueModel,
    /// Fee tiers.
    pub fees: FeeSchedule,
    /// Market impact of aggressive orders.
    pub impact: ImpactModel,
    /// Request rate limit, if any.
    pub rate_limit: Option<RateLimit>,
    /// Injected faults.
    pub faults: FaultConfig,
    /// DAY orders expire at the next multiple of 24 h shifted by this offset (0 = UTC midnight).
    pub day_offset_ns: i64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            latency_in: LatencyModel::Constant(0),
            latency_out: LatencyModel::Constant(0),
            queue: QueueModel::Fifo,
            fees: FeeSchedule::default(),
            impact: ImpactModel::None,
            rate_limit: None,
            faults: FaultConfig::default(),
            day_offset_ns: 0,
        }
    }
}

impl SimConfig {
    /// Checks every setting.
    ///
    /// # Errors
    /// [`SimError::Config`] naming the first bad setting.
    pub fn validate(&self) -> Result<(), SimError> {
        self.latency_in.validate("latencyIn")?;
        self.latency_out.validate("latencyOut")?;
        if let QueueModel::Probabilistic { power } = self.queue {
            if !(power.is_finite() && power > 0.0) {
                return Err(cfg_err("queue.power", "must be finite and > 0"));
            }
        }
        self.fees.validate()?;
        match self.impact {
            ImpactModel::Linear { coef } | ImpactModel::SquareRoot { coef }
                if !(coef.is_finite() && coef >= 0.0) =>
            {
                return Err(cfg_err("impact.coef", "must be finite and >= 0"));
            }
            _ => {}
        }
        if let Some(r) = self.rate_limit {
            if r.capacity == 0 || r.refill_per_sec == 0 {
                return Err(cfg_err("rateLimit", "capacity and refill must be positive"));
            }
        }
        self.faults.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn token_bucket_refuses_like_a_429_with_retry_after() {
        let mut b = TokenBucket::new(RateLimit {
            capacity: 2,
            refill_per_sec: 10,
        });
        let t0 = Timestamp::from_nanos(0);
        assert!(b.take(t0).is_ok());
        assert!(b.take(t0).is_ok());
        assert_eq!(b.take(t0), Err(100_000_000));
        assert_eq!(b.take(Timestamp::from_nanos(60_000_000)), Err(40_000_000));
        assert!(b.take(Timestamp::from_nanos(100_000_000)).is_ok());
    }

    #[test]
    fn fees_round_half_even_and_tiers_apply_by_volume() {
        assert_eq!(fee_of(1_000_000, 1_000), 1_000);
        assert_eq!(fee_of(1_500, 1_000), 2); // 1.5 → 2
        assert_eq!(fee_of(2_500, 1_000), 2); // 2.5 → 2
        assert_eq!(fee_of(1_000_000, -200), -200);
        let s = FeeSchedule {
            tiers: vec![
                FeeTier {
                    min_volume: Notional::zero(0),
                    maker_ppm: 1_000,
                    taker_ppm: 1_000,
                },
                FeeTier {
                    min_volume: Notional::parse("10.00", 2).unwrap(),
                    maker_ppm: 0,
                    taker_ppm: 500,
                },
            ],
        };
        let ten = volume_units(Notional::parse("10", 0).unwrap());
        assert_eq!(ten, 10 * 10i128.pow(18));
        assert_eq!(s.rates(ten - 1), (1_000, 1_000));
        assert_eq!(s.rates(ten), (0, 500));
        assert!(s.validate().is_ok());
    }

    #[test]
    fn impact_and_latency_models() {
        assert_eq!(ImpactModel::Linear { coef: 0.5 }.ticks(3), 2);
        assert_eq!(ImpactModel::SquareRoot { coef: 1.0 }.ticks(16), 4);
        assert_eq!(ImpactModel::None.ticks(100), 0);
        let m = LatencyModel::LogNormal {
            median_ns: 50_000,
            sigma: 0.5,
            cap_ns: 1_000_000,
        };
        let mut a = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut b = Xoshiro256PlusPlus::seed_from_u64(7);
        let xs: Vec<i64> = (0..1000).map(|_| m.sample(&mut a)).collect();
        let ys: Vec<i64> = (0..1000).map(|_| m.sample(&mut b)).collect();
        assert_eq!(xs, ys, "same seed, same draws");
        let mut sorted = xs.clone();
        sorted.sort_unstable();
        let median = sorted[500];
        assert!((40_000..60_000).contains(&median), "median {median}");
        assert!(xs.iter().all(|&x| (0..=1_000_000).contains(&x)));
    }

    #[test]
    fn bad_settings_name_the_field() {
        let mut c = SimConfig::default();
        c.faults.drop_inbound = 1.5;
        assert!(matches!(
            c.validate(),
            Err(SimError::Config {
                field: "faults.dropInbound",
                ..
            })
        ));
        let c = SimConfig {
            latency_in: LatencyModel::Constant(-1),
            ..SimConfig::default()
        };
        assert_eq!(c.validate().unwrap_err().code(), "ERR_SIM_CONFIG");
    }
}
