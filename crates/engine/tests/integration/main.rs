//! Property tests of the engine's invariants, with oracles written independently of the engine
//! (exact `i128` arithmetic where the engine uses `f64` ratios):
//! - no order passes a violated limit;
//! - sizing never exceeds the cap;
//! - modes only move along allowed transitions.

use std::cell::Cell;
use std::sync::Arc;

use proptest::prelude::*;
use tachyon_core::{InstrumentSpec, Notional, Price, Quantity, Timestamp};
use tachyon_engine::breakers::BreakerConfig;
use tachyon_engine::control::{Control, ControlConfig, Mode, Source, Via};
use tachyon_engine::risk::{InstrumentRisk, RiskLimits, VenueSpec};
use tachyon_engine::{OrderIntent, OrderSide, RiskConfig, RiskEngine};
use tachyon_riskmath::Sizing;

fn ts(ns: i64) -> Timestamp {
    Timestamp::from_nanos(ns)
}

/// Price scale 2 (tick 0.01), quantity scale 3 (lot 0.001); max position 50.
fn config(max_orders: u32) -> RiskConfig {
    let inst = |s: &str| InstrumentRisk {
        spec: InstrumentSpec {
            symbol: s.into(),
            tick_size: "0.01".into(),
            lot_size: "0.001".into(),
            min_qty: None,
            max_qty: Some("1000".into()),
            min_notional: Some("1".into()),
            max_notional: None,
        },
        venue: "v".into(),
        max_position: Some("50".into()),
    };
    RiskConfig {
        limits: RiskLimits {
            max_orders,
            rate_window_ms: 1000,
            ..RiskLimits::default()
        },
        breakers: BreakerConfig::default(),
        control: ControlConfig::default(),
        venues: vec![VenueSpec {
            name: "v".into(),
            max_leverage: Some(2.0),
        }],
        instruments: vec![inst("A"), inst("B"), inst("C")],
    }
}

#[derive(Debug, Clone)]
struct Case {
    equity: i64,         // whole quote units
    peak_extra: i64,     // peak = equity + this
    positions: [i64; 3], // quantity mantissas (scale 3)
    marks: [i64; 3],     // price mantissas (scale 2)
    mode: u8,
    orders: Vec<(usize, bool, i64, i64, i64)>, // (instrument, buy, price m, qty m, dt ms)
}

fn case() -> impl Strategy<Value = Case> {
    (
        10_000i64..2_000_000,
        prop_oneof![Just(0i64), 0i64..600_000],
        prop::array::uniform3(prop_oneof![3 => -5_000i64..5_000, 1 => -60_000i64..60_000]),
        prop::array::uniform3(100i64..500_000),
        prop_oneof![4 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)],
        prop::collection::vec(
            (
                0usize..3,
                any::<bool>(),
                100i64..500_000,
                prop_oneof![4 => 1i64..5_000, 1 => 1i64..80_000],
                0i64..400,
            ),
            1..40,
        ),
    )
        .prop_map(
            |(equity, peak_extra, positions, marks, mode, orders)| Case {
                equity,
                peak_extra,
                positions,
                marks,
                mode,
                orders,
            },
        )
}

/// |a| ≤ num/den · b  ⇔  |a|·den ≤ num·b, exactly (with a 1e-12 relative slack for the
/// engine's documented f64 rounding at the boundary).
fn within(a: i128, num: i128, den: i128, b: i128) -> bool {
    let lhs = a.abs() * den;
    let rhs = num * b;
    lhs <= rhs + rhs / 1_000_000_000_000 + 1
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_order_passes_a_violated_limit(c in case()) {
        let max_orders = 5;
        let mut e = RiskEngine::new(&config(max_orders), ts(0)).unwrap();
        let peak = c.equity + c.peak_extra;
        e.set_equity(Notional::from_mantissa(peak, 0).unwrap(), ts(0));
        e.set_equity(Notional::from_mantissa(c.equity, 0).unwrap(), ts(0));
        let ctl = Arc::clone(e.control());
        // The drawdown breaker may already have moved the mode; the test's mode only escalates.
        let want = [Mode::Normal, Mode::Pause, Mode::Reduce, Mode::Emergency][c.mode as usize];
        if want > ctl.mode() {
            ctl.escalate(want, Source::Api, "test", ts(0));
        }
        let mode = ctl.mode();
        let mut pos = c.positions;
        let mut marks = c.marks;
        for i in 0..3 {
            e.set_position(i as u32, Quantity::from_mantissa(pos[i], 3).unwrap(),
                Price::from_mantissa(marks[i], 2).unwrap()).unwrap();
        }
        let mut now = 0i64;
        let mut approved_times: Vec<i64> = Vec::new();
        for (i, buy, pm, qm, dt) in c.orders {
            now += dt * 1_000_000;
            let o = OrderIntent {
                instrument: i as u32,
                side: if buy { OrderSide::Buy } else { OrderSide::Sell },
                price: Price::from_mantissa(pm, 2).unwrap(),
                qty: Quantity::from_mantissa(qm, 3).unwrap(),
                stop: None,
            };
            let Ok(a) = e.check(&o, ts(now)) else { continue };
            // --- oracle, exact ---
            let pre = pos[i];
            let post = pre + if buy { qm } else { -qm };
            prop_assert_eq!(a.position_after.mantissa(), post);
            let reducing = pre != 0 && post.signum() != -pre.signum() && post.abs() < pre.abs();
            prop_assert_eq!(a.reducing, reducing);
            // mode
            prop_assert!(mode != Mode::Pause);
            if mode >= Mode::Reduce { prop_assert!(reducing); }
            if mode == Mode::Reduce {
                // at most half the position (rounded up to the lot of 1 mantissa unit)
                prop_assert!(2 * qm <= pre.abs() + 1);
            }
            // instrument rules: notional ≥ 1 (price m × qty m at scale 5 ≥ 100000)
            prop_assert!((pm as i128) * (qm as i128) >= 100_000);
            prop_assert!(qm <= 1_000_000);
            // position limit 50 (mantissa 50000) unless shrinking
            prop_assert!(post.abs() <= 50_000 || post.abs() <= pre.abs());
            // drawdown 15% soft: only reducing orders once (peak − equity)/peak ≥ 0.15
            if (peak - c.equity) * 100 >= 15 * peak { prop_assert!(reducing); }
            // concentration 5%: |post × price| ≤ 0.05 · equity, or not growing
            // notional mantissa at scale 5; equity whole units → ×10^5
            let new_exp = (post as i128) * (pm as i128);
            let old_exp = (pre as i128) * (marks[i] as i128);
            let eq5 = (c.equity as i128) * 100_000;
            prop_assert!(within(new_exp, 5, 100, eq5) || new_exp.abs() <= old_exp.abs());
            // venue leverage 2×: Σ|exposure| ≤ 2 · equity, or not growing
            let gross_old: i128 = (0..3).map(|j| ((pos[j] as i128) * (marks[j] as i128)).abs()).sum();
            let gross_new = gross_old - old_exp.abs() + new_exp.abs();
            prop_assert!(within(gross_new, 2, 1, eq5) || gross_new <= gross_old);
            // heat (no stops: 2% of |notional|) ≤ 6% · equity, or not growing
            prop_assert!(within(gross_new * 2, 6, 100, eq5 * 100) || gross_new <= gross_old);
            // rate: at most 5 approvals in any 1 s window
            approved_times.push(now);
            let in_window = approved_times.iter().filter(|t| now - **t < 1_000_000_000).count();
            prop_assert!(in_window <= max_orders as usize);
            // the caller fills it: state moves
            e.apply_fill(i as u32, o.side, o.qty, o.price).unwrap();
            pos[i] = post;
            marks[i] = pm;
        }
    }

    #[test]
    fn sizing_never_exceeds_the_cap(
        which in 0u8..5,
        a in -1.0f64..1.0, b in 0.0f64..3.0, k in 0.0f64..2.0,
        cap in 0.001f64..1.0,
        equity in 1_000i64..10_000_000,
        pm in 1i64..10_000_000,
    ) {
        let rule = match which {
            0 => Sizing::Kelly { win_prob: a.abs().clamp(0.001, 0.999), payoff: b + 0.01, multiplier: k + 0.01 },
            1 => Sizing::KellyContinuous { mu: a * 0.01, sigma: b * 0.05 + 1e-4, multiplier: k + 0.01 },
            2 => Sizing::FixedFractional { risk_fraction: a.abs().max(1e-4), entry: 100.0, stop: 100.0 - b - 1e-3 },
            3 => Sizing::VolTarget { target_vol: a.abs() + 1e-4, forecast_vol: b * 0.1 + 1e-6 },
            _ => Sizing::AtrStop { risk_fraction: a.abs().max(1e-4), entry: 100.0, atr: b + 1e-3, atr_multiple: k + 0.1 },
        };
        let f = tachyon_riskmath::position_fraction(&rule, cap).unwrap();
        prop_assert!(f.abs() <= cap);
        if which < 2 {
            let full = tachyon_riskmath::sizing::raw_fraction(&rule).unwrap() / (match rule {
                Sizing::Kelly { multiplier, .. } | Sizing::KellyContinuous { multiplier, .. } => multiplier.min(0.25),
                _ => 1.0,
            });
            // fractional Kelly never more than a quarter of full Kelly
            prop_assert!(f.abs() <= 0.25 * full.abs() * (1.0 + 1e-12));
        }
        let mut e = RiskEngine::new(&config(5), ts(0)).unwrap();
        e.set_equity(Notional::from_mantissa(equity, 0).unwrap(), ts(0));
        let price = Price::from_mantissa(pm, 2).unwrap();
        let s = e.size(0, &rule, price, cap).unwrap();
        let qm = s.qty.mantissa() as i128;
        prop_assert!(qm >= 0);
        // exact: qty × price (scale 5) ≤ cap × equity (+ the f64 slack of the fraction itself)
        let notional = qm * pm as i128;
        let budget = cap * equity as f64 * 1e5;
        prop_assert!((notional as f64) <= budget * (1.0 + 1e-12), "{} > {}", notional, budget);
        // and it is the largest lot multiple below the capped budget (one lot more would exceed)
        prop_assert!((((qm + 1) * pm as i128) as f64) > f.abs() * equity as f64 * 1e5 * (1.0 - 1e-12));
    }

    #[test]
    fn modes_only_move_along_allowed_transitions(
        ops in prop::collection::vec((0u8..7, 0u8..4), 1..60)
    ) {
        let c = Control::new(&ControlConfig {
            reset_key: Some("the-reset-key".into()),
            heartbeat_ms: Some(100),
        }, ts(0)).unwrap();
        let mut now = 0i64;
        for (op, m) in ops {
            now += 30_000_000;
            let to = Mode::ALL[m as usize];
            match op {
                0 => { let _ = c.request(to, Source::Api, "op", ts(now)); }
                1 => { let _ = c.request(to, Source::Cli, "op", ts(now)); }
                2 => { c.escalate(to, Source::Trigger, "breaker", ts(now)); }
                3 => { c.kill(Source::Signal, "signal", ts(now)); }
                4 => { let _ = c.reset("the-reset-key", to, "ops", ts(now)); }
                5 => { let _ = c.reset("wrong-key!!", to, "ops", ts(now)); }
                _ => { if m % 2 == 0 { c.heartbeat(ts(now)); } else { c.check_heartbeat(ts(now)); } }
            }
        }
        let log = c.transitions();
        let mut cur = Mode::Normal;
        for (k, t) in log.iter().enumerate() {
            prop_assert_eq!(t.seq, k as u64 + 1);
            prop_assert_eq!(t.from, cur);
            let via = match t.source {
                Source::Api | Source::Cli => {
                    // operator moves, or an operator kill (always an escalation)
                    if t.from.allows(t.to, Via::Operator) { Via::Operator } else { Via::Automatic }
                }
                Source::Reset => Via::Reset,
                _ => Via::Automatic,
            };
            prop_assert!(t.from.allows(t.to, via), "{:?}", t);
            if t.from == Mode::Emergency { prop_assert_eq!(t.source, Source::Reset); }
            if t.source == Source::Reset { prop_assert!(!t.reason.contains("the-reset-key")); }
            cur = t.to;
        }
        prop_assert_eq!(c.mode(), cur);
    }
}

/// Guards the property above against vacuity: a good share of the random orders must pass
/// (otherwise "no approved order breaks a limit" would prove nothing).
#[test]
fn the_limit_property_approves_orders() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    let (checked, approved) = (Cell::new(0usize), Cell::new(0usize));
    runner
        .run(&case(), |c| {
            let mut e = RiskEngine::new(&config(5), ts(0)).unwrap();
            e.set_equity(Notional::from_mantissa(c.equity, 0).unwrap(), ts(0));
            let mut now = 0;
            for (i, buy, pm, qm, dt) in c.orders {
                now += dt * 1_000_000;
                let o = OrderIntent {
                    instrument: i as u32,
                    side: if buy { OrderSide::Buy } else { OrderSide::Sell },
                    price: Price::from_mantissa(pm, 2).unwrap(),
                    qty: Quantity::from_mantissa(qm, 3).unwrap(),
                    stop: None,
                };
                checked.set(checked.get() + 1);
                approved.set(approved.get() + usize::from(e.check(&o, ts(now)).is_ok()));
            }
            Ok(())
        })
        .unwrap();
    let (checked, approved) = (checked.get(), approved.get());
    eprintln!("approved {approved} of {checked}");
    assert!(approved * 10 > checked, "approved {approved} of {checked}");
}
