//! Volume-price rules on constructed bars: each flag has bars that must and must not set it.

use tachyon_indicators::Bar;
use tachyon_signals::{Vpa, VpaFlag, VpaOutput, VpaParams};

/// 20 quiet bars (range 1.0, volume 1000) around 100, then `tail`.
fn run(tail: &[Bar]) -> Vec<VpaOutput> {
    let mut v = Vpa::new(VpaParams::default()).unwrap();
    let mut out = Vec::new();
    for t in 0..20 {
        let c = 100.0 + if t % 2 == 0 { 0.2 } else { -0.2 };
        out.push(v.update(&Bar::hlcv(c + 0.5, c - 0.5, c, 1000.0)).unwrap());
    }
    for b in tail {
        out.push(v.update(b).unwrap());
    }
    out
}

fn last(tail: &[Bar]) -> VpaOutput {
    *run(tail).last().unwrap()
}

#[test]
fn warm_up_flags_nothing() {
    assert!(run(&[]).iter().all(|o| o.flags == 0));
    assert!(run(&[])[5].effort.is_nan());
}

#[test]
fn effort_without_result() {
    // 2× volume, range 0.5 (half the average): absorption.
    let o = last(&[Bar::hlcv(100.3, 99.8, 100.0, 2000.0)]);
    assert!(o.has(VpaFlag::EffortNoResult));
    assert!((o.effort - 2.0).abs() < 1e-12 && (o.result - 0.5).abs() < 1e-12);
    // Same volume on a normal range: no flag.
    assert!(!last(&[Bar::hlcv(100.5, 99.5, 100.0, 2000.0)]).has(VpaFlag::EffortNoResult));
    // Narrow range on normal volume: no flag.
    assert!(!last(&[Bar::hlcv(100.3, 99.8, 100.0, 1000.0)]).has(VpaFlag::EffortNoResult));
}

#[test]
fn result_without_effort() {
    let o = last(&[Bar::hlcv(101.0, 99.0, 100.9, 500.0)]); // 2× range, half volume
    assert!(o.has(VpaFlag::ResultNoEffort));
    assert!(!last(&[Bar::hlcv(101.0, 99.0, 100.9, 1000.0)]).has(VpaFlag::ResultNoEffort));
}

#[test]
fn no_demand_and_no_supply() {
    let lead = [
        Bar::hlcv(100.5, 99.5, 100.0, 1000.0),
        Bar::hlcv(100.5, 99.5, 100.0, 1100.0),
    ];
    // Up close, narrow range, volume below both previous bars: no demand.
    let up = [lead[0], lead[1], Bar::hlcv(100.4, 100.0, 100.3, 800.0)];
    let o = last(&up);
    assert!(o.has(VpaFlag::NoDemand) && !o.has(VpaFlag::NoSupply));
    // Down close, same conditions: no supply.
    let down = [lead[0], lead[1], Bar::hlcv(100.0, 99.6, 99.7, 800.0)];
    let o = last(&down);
    assert!(o.has(VpaFlag::NoSupply) && !o.has(VpaFlag::NoDemand));
    // Volume above one of the previous two bars: neither.
    let busy = [lead[0], lead[1], Bar::hlcv(100.4, 100.0, 100.3, 1050.0)];
    assert_eq!(
        last(&busy).flags & (VpaFlag::NoDemand as u8 | VpaFlag::NoSupply as u8),
        0
    );
    // Wide range: neither.
    let wide = [lead[0], lead[1], Bar::hlcv(101.0, 99.9, 100.9, 800.0)];
    assert!(!last(&wide).has(VpaFlag::NoDemand));
}

#[test]
fn close_location_and_bad_input() {
    assert_eq!(
        last(&[Bar::hlcv(101.0, 99.0, 100.5, 1000.0)]).close_location,
        0.75
    );
    let mut v = Vpa::new(VpaParams::default()).unwrap();
    assert_eq!(
        v.update(&Bar::hlcv(1.0, 2.0, 1.5, 10.0))
            .unwrap_err()
            .code(),
        "ERR_HIGH_BELOW_LOW"
    );
    assert_eq!(
        v.update(&Bar::hlcv(2.0, 1.0, 1.5, -1.0))
            .unwrap_err()
            .code(),
        "ERR_NEGATIVE_VOLUME"
    );
    assert_eq!(v.input_stats().rejected(), 2);
    assert!(Vpa::new(VpaParams {
        period: 0,
        ..VpaParams::default()
    })
    .is_err());
}
