//! Fixed-point arithmetic agrees with an exact decimal reference (`rust_decimal`) over random
//! inputs, including where one of them overflows.

use proptest::prelude::*;
use rust_decimal::Decimal;
use tachyon_core::fixed::{Fixed, FixedError, Rounding};

fn dec(f: Fixed) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(f.mantissa()), u32::from(f.scale()))
}

/// The reference result as a `Fixed` at `scale`, or `None` if it does not fit `i64`.
fn fit(d: Decimal, scale: u8) -> Option<Fixed> {
    let mut d = d;
    d.rescale(u32::from(scale));
    let m = i64::try_from(d.mantissa()).ok()?;
    Fixed::from_mantissa(m, scale).ok()
}

fn fixed(scale: u8) -> impl Strategy<Value = Fixed> {
    prop_oneof![
        (-1_000_000_000i64..1_000_000_000)
            .prop_map(move |m| Fixed::from_mantissa(m, scale).unwrap()),
        any::<i64>().prop_map(move |m| Fixed::from_mantissa(m, scale).unwrap()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn add_sub_match_decimal((a, b) in (0u8..=9).prop_flat_map(|s| (fixed(s), fixed(s)))) {
        let s = a.scale();
        match (a.checked_add(b), fit(dec(a) + dec(b), s)) {
            (Ok(v), Some(r)) => prop_assert_eq!(v, r),
            (Err(FixedError::Overflow { .. }), None) => {}
            (got, want) => prop_assert!(false, "add {a} + {b}: got {got:?}, reference {want:?}"),
        }
        match (a.checked_sub(b), fit(dec(a) - dec(b), s)) {
            (Ok(v), Some(r)) => prop_assert_eq!(v, r),
            (Err(FixedError::Overflow { .. }), None) => {}
            (got, want) => prop_assert!(false, "sub {a} - {b}: got {got:?}, reference {want:?}"),
        }
    }

    #[test]
    fn mul_matches_decimal(sa in 0u8..=9, sb in 0u8..=9, ma in -10_000_000_000i64..10_000_000_000, mb in -10_000_000_000i64..10_000_000_000) {
        let (a, b) = (Fixed::from_mantissa(ma, sa).unwrap(), Fixed::from_mantissa(mb, sb).unwrap());
        let want = dec(a).checked_mul(dec(b)).and_then(|d| fit(d, sa + sb));
        match (a.checked_mul(b), want) {
            (Ok(v), Some(r)) => prop_assert_eq!(v, r),
            (Err(FixedError::Overflow { .. }), None) => {}
            (got, want) => prop_assert!(false, "mul {a} * {b}: got {got:?}, reference {want:?}"),
        }
    }

    #[test]
    fn parse_format_round_trip_matches_decimal(m in any::<i64>(), scale in 0u8..=18) {
        let f = Fixed::from_mantissa(m, scale).unwrap();
        let text = f.to_string();
        prop_assert_eq!(&text, &dec(f).to_string());
        prop_assert_eq!(Fixed::parse(&text, scale).unwrap(), f);
    }

    #[test]
    fn division_rounds_like_decimal(ma in -1_000_000_000_000i64..1_000_000_000_000, mb in 1i64..1_000_000, sa in 0u8..=6, sb in 0u8..=6, out in 0u8..=8) {
        let (a, b) = (Fixed::from_mantissa(ma, sa).unwrap(), Fixed::from_mantissa(mb, sb).unwrap());
        let r = (dec(a) / dec(b)).round_dp_with_strategy(u32::from(out), rust_decimal::RoundingStrategy::MidpointNearestEven);
        match (a.checked_div(b, out, Rounding::HalfEven), fit(r, out)) {
            (Ok(q), Some(r)) => prop_assert_eq!(q, r, "{} / {} at {} places", a, b, out),
            (Err(FixedError::Overflow { .. }), None) => {}
            (got, want) => prop_assert!(false, "div {a} / {b}: got {got:?}, reference {want:?}"),
        }
    }

    #[test]
    fn rescale_rounding_matches_decimal(m in any::<i64>(), from in 0u8..=18, to in 0u8..=18) {
        let f = Fixed::from_mantissa(m, from).unwrap();
        for (mode, strat) in [
            (Rounding::HalfEven, rust_decimal::RoundingStrategy::MidpointNearestEven),
            (Rounding::HalfAwayFromZero, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
            (Rounding::Floor, rust_decimal::RoundingStrategy::ToNegativeInfinity),
            (Rounding::Ceil, rust_decimal::RoundingStrategy::ToPositiveInfinity),
            (Rounding::TowardZero, rust_decimal::RoundingStrategy::ToZero),
        ] {
            let want = fit(dec(f).round_dp_with_strategy(u32::from(to), strat), to);
            match (f.rescale(to, mode), want) {
                (Ok(v), Some(r)) => prop_assert_eq!(v, r),
                (Err(FixedError::Overflow { .. }), None) => {}
                (got, want) => prop_assert!(false, "rescale {f} to {to} ({mode:?}): got {got:?}, reference {want:?}"),
            }
        }
    }
}
