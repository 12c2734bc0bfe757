//! Wyckoff events on constructed bar sequences: each event has a sequence that must trigger
//! it (at a known bar) and variations that must not. Distribution is tested on the mirror
//! image (`p → 200 − p`, high ↔ low) of the accumulation sequence, so both schematics follow
//! the same, written-down rules.

use tachyon_indicators::Bar;
use tachyon_signals::{Phase, Schematic, Wyckoff, WyckoffEvent as E, WyckoffOutput, WyckoffParams};

/// A bar from (close, half range below, half range above, volume).
fn bar(close: f64, below: f64, above: f64, volume: f64) -> Bar {
    Bar::hlcv(close + above, close - below, close, volume)
}

/// Key bar indices of [`accumulation`].
const SC: usize = 30;
const AR: usize = 35;
const ST: usize = 40;
const SPRING: usize = 56;
const SOS: usize = 59;

/// A textbook accumulation: a 30-bar decline (ATR ≈ 1, volume 1000), a selling climax, an
/// automatic rally, a low-volume secondary test, a trading range, a spring, a sign of
/// strength and a mark-up. `tweak` may alter any bar before it is used.
fn accumulation(tweak: impl Fn(usize, &mut Bar)) -> Vec<Bar> {
    let mut v = Vec::new();
    for t in 0..SC {
        v.push(bar(100.0 - 0.5 * t as f64, 0.5, 0.5, 1000.0)); // closes 100 … 85.5
    }
    v.push(Bar::hlcv(85.5, 82.5, 83.5, 3000.0)); // 30: SC, support 82.5
    for c in [84.5, 85.5, 86.0, 86.3] {
        v.push(bar(c, 0.5, 0.5, 1500.0)); // 31-34: rally, peak high 86.8
    }
    v.push(bar(85.5, 0.5, 0.5, 1200.0)); // 35: lower high → AR, resistance 86.8
    for c in [85.5, 85.0, 84.5, 84.0] {
        v.push(bar(c, 0.5, 0.5, 1000.0)); // 36-39: drift down, lows ≥ 83.5
    }
    v.push(Bar::hlcv(83.6, 82.6, 83.0, 800.0)); // 40: ST (low 0.1 above support, low volume)
    for k in 0..15 {
        let c = if k % 2 == 0 { 84.5 } else { 85.5 };
        v.push(bar(c, 0.5, 0.5, 900.0)); // 41-55: range, lows ≥ 84
    }
    v.push(Bar::hlcv(84.0, 82.0, 83.0, 1200.0)); // 56: spring (0.5 below support, closes inside)
    v.push(bar(84.5, 0.7, 0.5, 1000.0)); // 57
    v.push(bar(86.0, 0.5, 0.5, 1000.0)); // 58
    v.push(Bar::hlcv(88.2, 86.0, 88.0, 2500.0)); // 59: SOS (close > 86.8, wide, 2.5× volume)
    for c in [88.5, 89.0, 89.5, 90.5, 91.0] {
        v.push(bar(c, 0.5, 0.5, 1200.0)); // 60-64: mark-up, phase E once close > 86.8 + 2·ATR
    }
    for (t, b) in v.iter_mut().enumerate() {
        tweak(t, b);
    }
    v
}

fn mirror(bars: &[Bar]) -> Vec<Bar> {
    bars.iter()
        .map(|b| Bar::hlcv(200.0 - b.low, 200.0 - b.high, 200.0 - b.close, b.volume))
        .collect()
}

fn run(bars: &[Bar]) -> Vec<WyckoffOutput> {
    let mut w = Wyckoff::new(WyckoffParams::default()).unwrap();
    bars.iter()
        .enumerate()
        .map(|(t, b)| w.update(&b.at(t as i64)).expect("valid bar"))
        .collect()
}

/// Bars on which `e` fired.
fn when(out: &[WyckoffOutput], e: E) -> Vec<usize> {
    out.iter()
        .enumerate()
        .filter(|(_, o)| o.has(e))
        .map(|(t, _)| t)
        .collect()
}

fn no_tweak(_: usize, _: &mut Bar) {}

#[test]
fn accumulation_events_and_phases() {
    let out = run(&accumulation(no_tweak));
    assert_eq!(when(&out, E::SellingClimax), [SC]);
    assert_eq!(when(&out, E::AutomaticRally), [AR]);
    assert_eq!(when(&out, E::SecondaryTest), [ST]);
    assert_eq!(when(&out, E::Spring), [SPRING]);
    assert_eq!(when(&out, E::SignOfStrength), [SOS]);
    for e in [
        E::BuyingClimax,
        E::AutomaticReaction,
        E::Upthrust,
        E::SignOfWeakness,
    ] {
        assert!(when(&out, e).is_empty(), "{} fired", e.name());
    }
    // Phases follow the events: A from the SC, B from the ST, C from the spring, D from the
    // SOS, E once the mark-up leaves the range.
    assert_eq!(out[SC - 1].phase, Phase::None);
    assert_eq!(out[SC].phase, Phase::A);
    assert_eq!(out[ST - 1].phase, Phase::A);
    assert_eq!(out[ST].phase, Phase::B);
    assert_eq!(out[SPRING - 1].phase, Phase::B);
    assert_eq!(out[SPRING].phase, Phase::C);
    assert_eq!(out[SOS].phase, Phase::D);
    let e_at = out
        .iter()
        .position(|o| o.phase == Phase::E)
        .expect("phase E");
    assert!(e_at > SOS && e_at <= SOS + 4, "phase E at {e_at}");
    assert!(out[SC..]
        .iter()
        .all(|o| o.schematic == Schematic::Accumulation));
    assert_eq!(out[ST].support, 82.5);
    assert_eq!(out[ST].resistance, 86.8);
}

#[test]
fn distribution_is_the_mirror_image() {
    let out = run(&mirror(&accumulation(no_tweak)));
    assert_eq!(when(&out, E::BuyingClimax), [SC]);
    assert_eq!(when(&out, E::AutomaticReaction), [AR]);
    assert_eq!(when(&out, E::SecondaryTest), [ST]);
    assert_eq!(when(&out, E::Upthrust), [SPRING]);
    assert_eq!(when(&out, E::SignOfWeakness), [SOS]);
    for e in [
        E::SellingClimax,
        E::AutomaticRally,
        E::Spring,
        E::SignOfStrength,
    ] {
        assert!(when(&out, e).is_empty(), "{} fired", e.name());
    }
    assert_eq!(out[SPRING].phase, Phase::C);
    assert_eq!(out[SOS].phase, Phase::D);
    assert!(out.iter().any(|o| o.phase == Phase::E));
    assert!(out[SC..]
        .iter()
        .all(|o| o.schematic == Schematic::Distribution));
}

#[test]
fn climax_needs_volume_spread_and_a_prior_trend() {
    // Ordinary volume on the climax bar: no SC, so nothing after it either.
    let out = run(&accumulation(|t, b| {
        if t == SC {
            b.volume = 1500.0;
        }
    }));
    assert!(
        out.iter().all(|o| o.events == 0),
        "no event without a climax"
    );
    // Narrow climax bar (range 1.0 ≈ 1 ATR < 1.5 ATR).
    let out = run(&accumulation(|t, b| {
        if t == SC {
            *b = Bar::hlcv(84.0, 83.0, 83.5, 3000.0);
        }
    }));
    assert!(when(&out, E::SellingClimax).is_empty());
    // No prior decline: a flat market before the climax bar.
    let out = run(&accumulation(|t, b| {
        if t < SC {
            *b = bar(85.5, 0.5, 0.5, 1000.0);
        }
    }));
    assert!(when(&out, E::SellingClimax).is_empty());
    // Mirror: an up-trend climax on ordinary volume is no BC.
    let mut m = mirror(&accumulation(no_tweak));
    m[SC].volume = 1500.0;
    assert!(run(&m).iter().all(|o| o.events == 0));
}

#[test]
fn automatic_rally_needs_size_and_time() {
    // A rally of under 1.5 ATR above the SC low: no AR, and the range is dropped after the
    // AR window (no ST, spring or SOS can follow).
    let out = run(&accumulation(|t, b| {
        if (SC + 1..=AR + 20).contains(&t) {
            *b = bar(83.3, 0.3, 0.3, 1000.0); // highs 83.6 < 82.5 + 1.5 ATR
        }
    }));
    assert_eq!(when(&out, E::SellingClimax), [SC]);
    assert!(when(&out, E::AutomaticRally).is_empty());
    assert!(when(&out, E::SecondaryTest).is_empty());
    assert_eq!(out[AR + 20].phase, Phase::None);
}

#[test]
fn secondary_test_needs_low_volume_and_proximity() {
    let heavy = run(&accumulation(|t, b| {
        if t == ST {
            b.volume = 2500.0; // ≥ 0.7 × the SC's 3000
        }
    }));
    assert!(!heavy[ST].has(E::SecondaryTest));
    assert_eq!(heavy[ST].phase, Phase::A);
    // Without an ST at bar 40 the range is still in phase A at the later undercut, which is
    // then the first ST, not a spring.
    assert_eq!(when(&heavy, E::SecondaryTest), [SPRING]);
    assert!(when(&heavy, E::Spring).is_empty());
    let far = run(&accumulation(|t, b| {
        if t == ST {
            *b = Bar::hlcv(84.3, 83.5, 83.8, 800.0); // low 1.0 above support > 0.5 ATR
        }
    }));
    assert!(!far[ST].has(E::SecondaryTest));
    assert_eq!(far[ST].phase, Phase::A);
    // The range is still in phase A when the later undercut comes, so that bar is the first
    // secondary test (an ST may undercut within the band), not a spring.
    assert_eq!(when(&far, E::SecondaryTest), [SPRING]);
    assert!(when(&far, E::Spring).is_empty());
}

#[test]
fn spring_must_close_back_inside_and_not_break_down() {
    // Closes below support: no spring.
    let out = run(&accumulation(|t, b| {
        if t == SPRING {
            *b = Bar::hlcv(84.0, 82.0, 82.2, 1200.0);
        }
    }));
    assert!(when(&out, E::Spring).is_empty());
    assert_eq!(out[SPRING].phase, Phase::B);
    // Undercut deeper than 1 ATR (even closing back inside): no spring.
    let out = run(&accumulation(|t, b| {
        if t == SPRING {
            *b = Bar::hlcv(84.0, 80.5, 83.0, 1200.0);
        }
    }));
    assert!(when(&out, E::Spring).is_empty());
    // Closing more than 1 ATR below support: a breakdown, flagged SOW, range dropped.
    let out = run(&accumulation(|t, b| {
        if t == SPRING {
            *b = Bar::hlcv(83.0, 80.0, 80.3, 3000.0);
        }
    }));
    assert!(when(&out, E::Spring).is_empty());
    assert_eq!(when(&out, E::SignOfWeakness), [SPRING]);
    assert_eq!(out[SPRING].phase, Phase::None);
    assert!(when(&out, E::SignOfStrength).is_empty());
}

#[test]
fn sign_of_strength_needs_volume_and_spread() {
    let quiet = run(&accumulation(|t, b| {
        if t == SOS {
            b.volume = 1100.0; // < 1.5 × average
        }
    }));
    assert!(when(&quiet, E::SignOfStrength).is_empty());
    assert_eq!(quiet[SOS].phase, Phase::C);
    let narrow = run(&accumulation(|t, b| {
        if t == SOS {
            *b = Bar::hlcv(87.4, 86.9, 87.2, 2500.0); // range 0.5 < 1 ATR
        }
    }));
    assert!(when(&narrow, E::SignOfStrength).is_empty());
    // Mirror: the same rules make the SOW of a distribution.
    let mut m = mirror(&accumulation(no_tweak));
    m[SOS].volume = 1100.0;
    assert!(when(&run(&m), E::SignOfWeakness).is_empty());
}

#[test]
fn upthrust_must_close_back_inside() {
    let mut m = mirror(&accumulation(no_tweak));
    // Mirror of "closes below support" at the spring bar.
    let b = Bar::hlcv(84.0, 82.0, 82.2, 1200.0);
    m[SPRING] = Bar::hlcv(200.0 - b.low, 200.0 - b.high, 200.0 - b.close, b.volume);
    let out = run(&m);
    assert!(when(&out, E::Upthrust).is_empty());
}

#[test]
fn bad_bars_are_refused_and_counted() {
    let mut w = Wyckoff::new(WyckoffParams::default()).unwrap();
    assert!(w.update(&Bar::hlcv(10.0, 9.0, 9.5, 100.0).at(1)).is_ok());
    assert_eq!(
        w.update(&Bar::hlcv(9.0, 10.0, 9.5, 100.0).at(2))
            .unwrap_err()
            .code(),
        "ERR_HIGH_BELOW_LOW"
    );
    assert_eq!(
        w.update(&Bar::hlcv(10.0, 9.0, 9.5, 100.0).at(1))
            .unwrap_err()
            .code(),
        "ERR_OUT_OF_ORDER"
    );
    assert_eq!(
        w.update(&Bar::hlcv(f64::NAN, f64::NAN, f64::NAN, f64::NAN))
            .unwrap_err()
            .code(),
        "ERR_MISSING_BAR"
    );
    let s = w.input_stats();
    assert_eq!((s.accepted, s.rejected()), (1, 3));
    let bad = WyckoffParams {
        climax_volume: 0.0,
        ..WyckoffParams::default()
    };
    assert_eq!(Wyckoff::new(bad).unwrap_err().code(), "ERR_INVALID_PARAM");
}

#[test]
fn event_counts_match_outputs() {
    let bars = accumulation(no_tweak);
    let mut w = Wyckoff::new(WyckoffParams::default()).unwrap();
    for b in &bars {
        w.update(b).unwrap();
    }
    let c = w.event_counts();
    assert_eq!(c[0], 1); // SC
    assert_eq!(c.iter().sum::<u64>(), 5);
}
