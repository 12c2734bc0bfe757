//! Options of the simulated venue.

use napi::bindgen_prelude::{BigInt, Either};
use napi_derive::napi;
use tachyon_sim::{
    FaultConfig, FeeSchedule, FeeTier, ImpactModel, LatencyModel, QueueModel, RateLimit, SimConfig,
};

use crate::error::{invalid_arg, Result};
use crate::options::oms::ts_arg;
use crate::options::safe_integer;

/// One-way latency: constant (`constantNs`) or log-normal (`medianNs`, `sigma`, `capNs`).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct LatencyOptions {
    /// Constant latency in ns (default 0).
    pub constant_ns: Option<f64>,
    /// Log-normal median in ns (switches to the log-normal model).
    pub median_ns: Option<f64>,
    /// σ of ln(latency); default 0.5.
    pub sigma: Option<f64>,
    /// Largest latency in ns; default 100 × median.
    pub cap_ns: Option<f64>,
}

fn latency(o: Option<LatencyOptions>, what: &str) -> Result<LatencyModel> {
    let o = o.unwrap_or_default();
    Ok(match o.median_ns {
        Some(m) => {
            let median = safe_integer(m, &format!("{what}.medianNs"))?;
            LatencyModel::LogNormal {
                median_ns: median,
                sigma: o.sigma.unwrap_or(0.5),
                cap_ns: o
                    .cap_ns
                    .map(|c| safe_integer(c, &format!("{what}.capNs")))
                    .transpose()?
                    .unwrap_or(median.saturating_mul(100)),
            }
        }
        None => LatencyModel::Constant(
            o.constant_ns
                .map(|c| safe_integer(c, &format!("{what}.constantNs")))
                .transpose()?
                .unwrap_or(0),
        ),
    })
}

/// Queue-position model.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueModelName {
    /// Join behind the displayed quantity; only trades move the queue ahead.
    Fifo,
    /// Cancels come from ahead with probability f(ahead)/(f(ahead)+f(behind)), f(x)=x^power.
    Probabilistic,
}

/// A fee tier in parts per million of notional (100 ppm = 1 bp; negative = rebate).
#[napi(object)]
#[derive(Debug, Clone)]
pub struct FeeTierOptions {
    /// Cumulative traded notional (quote currency, decimal) from which the tier applies.
    pub min_volume: f64,
    /// Maker fee, ppm.
    pub maker_ppm: i32,
    /// Taker fee, ppm.
    pub taker_ppm: i32,
}

/// Market impact of aggressive orders.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImpactModelName {
    /// None.
    None,
    /// `coef × lots` ticks.
    Linear,
    /// `coef × √lots` ticks.
    SquareRoot,
}

/// Injected faults (probabilities per message).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct FaultOptions {
    /// Commands lost on the way in.
    pub drop_inbound: Option<f64>,
    /// Events lost on the way out.
    pub drop_outbound: Option<f64>,
    /// New orders rejected with `INJECTED`.
    pub reject: Option<f64>,
    /// Acknowledgements delivered late.
    pub delay_ack: Option<f64>,
    /// Extra delay of a late acknowledgement, ns.
    pub delay_ack_ns: Option<f64>,
    /// Disconnected intervals as `[startNs, endNs]` pairs.
    pub disconnects: Option<Vec<Vec<Either<BigInt, f64>>>>,
    /// Cancel resting orders when a disconnect starts.
    pub cancel_on_disconnect: Option<bool>,
}

/// Settings of a simulated venue. Every random draw comes from `seed`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct SimVenueOptions {
    /// Seed (default 1).
    pub seed: Option<f64>,
    /// Client → venue latency.
    pub latency_in: Option<LatencyOptions>,
    /// Venue → client latency.
    pub latency_out: Option<LatencyOptions>,
    /// Queue model; default `"fifo"`.
    pub queue: Option<QueueModelName>,
    /// Exponent of the probabilistic queue model; default 2.
    pub queue_power: Option<f64>,
    /// Fee tiers sorted by `minVolume` (the first at 0); default 1,000 ppm maker and taker.
    pub fees: Option<Vec<FeeTierOptions>>,
    /// Impact model; default `"none"`.
    pub impact: Option<ImpactModelName>,
    /// Impact coefficient (ticks per lot, or per √lot).
    pub impact_coef: Option<f64>,
    /// Token bucket: burst size.
    pub rate_limit_capacity: Option<u32>,
    /// Token bucket: tokens per second.
    pub rate_limit_per_sec: Option<u32>,
    /// Faults.
    pub faults: Option<FaultOptions>,
}

/// Builds a simulator configuration.
///
/// # Errors
/// `ERR_INVALID_ARG` for malformed numbers; range problems are reported by the simulator
/// itself (`ERR_SIM_CONFIG`).
pub fn sim_config(o: Option<SimVenueOptions>) -> Result<SimConfig> {
    let o = o.unwrap_or_default();
    let d = SimConfig::default();
    let queue = match o.queue {
        None | Some(QueueModelName::Fifo) => QueueModel::Fifo,
        Some(QueueModelName::Probabilistic) => QueueModel::Probabilistic {
            power: o.queue_power.unwrap_or(2.0),
        },
    };
    let fees = match o.fees {
        None => FeeSchedule::default(),
        Some(tiers) => FeeSchedule {
            tiers: tiers
                .iter()
                .map(|t| {
                    let v = tachyon_core::Fixed::parse_auto(&t.min_volume.to_string())
                        .and_then(|f| {
                            tachyon_core::Notional::from_mantissa(f.mantissa(), f.scale())
                        })
                        .map_err(|e| invalid_arg(format!("fees.minVolume: {e}")))?;
                    Ok(FeeTier {
                        min_volume: v,
                        maker_ppm: i64::from(t.maker_ppm),
                        taker_ppm: i64::from(t.taker_ppm),
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        },
    };
    let coef = o.impact_coef.unwrap_or(0.0);
    let impact = match o.impact {
        None | Some(ImpactModelName::None) => ImpactModel::None,
        Some(ImpactModelName::Linear) => ImpactModel::Linear { coef },
        Some(ImpactModelName::SquareRoot) => ImpactModel::SquareRoot { coef },
    };
    let rate_limit = match (o.rate_limit_capacity, o.rate_limit_per_sec) {
        (None, None) => None,
        (c, r) => Some(RateLimit {
            capacity: c.unwrap_or(1),
            refill_per_sec: r.unwrap_or(1),
        }),
    };
    let f = o.faults.unwrap_or_default();
    let mut disconnects = Vec::new();
    for (i, pair) in f.disconnects.unwrap_or_default().iter().enumerate() {
        if pair.len() != 2 {
            return Err(invalid_arg(format!(
                "faults.disconnects[{i}] must be [startNs, endNs]"
            )));
        }
        disconnects.push((
            ts_arg(&pair[0], "faults.disconnects start")?,
            ts_arg(&pair[1], "faults.disconnects end")?,
        ));
    }
    let seed = match o.seed {
        Some(s) => safe_integer(s, "seed")? as u64,
        None => d.seed,
    };
    Ok(SimConfig {
        seed,
        latency_in: latency(o.latency_in, "latencyIn")?,
        latency_out: latency(o.latency_out, "latencyOut")?,
        queue,
        fees,
        impact,
        rate_limit,
        faults: FaultConfig {
            drop_inbound: f.drop_inbound.unwrap_or(0.0),
            drop_outbound: f.drop_outbound.unwrap_or(0.0),
            reject: f.reject.unwrap_or(0.0),
            delay_ack: f.delay_ack.unwrap_or(0.0),
            delay_ack_ns: f
                .delay_ack_ns
                .map(|x| safe_integer(x, "faults.delayAckNs"))
                .transpose()?
                .unwrap_or(0),
            disconnects,
            cancel_on_disconnect: f.cancel_on_disconnect.unwrap_or(false),
        },
        day_offset_ns: 0,
    })
}
