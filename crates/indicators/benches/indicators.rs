//! Per-update cost of the indicators beside yata (the same real bars, cycled), and the bank's
//! cost per instrument.
//!
//! `cargo bench -p tachyon-indicators --bench indicators`

// Benches build with the rustup toolchain only (never with the 1.63 kernel compiler), so
// `std::hint::black_box` (1.66) is fine here.
#![allow(clippy::incompatible_msrv)]

use std::hint::black_box as bb;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tachyon_indicators::{
    Adx, Atr, BankInput, Bar, Bollinger, EmaSeed, Guarded, Indicator, IndicatorBank, Layout, Rsi,
    Spec,
};
use yata::prelude::*;

fn bars() -> Vec<Bar> {
    let p = format!(
        "{}/tests/fixtures/bars_ttrc.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(p)
        .expect("fixture")
        .lines()
        .skip(1)
        .map(|l| {
            let v: Vec<f64> = l.split(',').skip(1).map(|x| x.parse().unwrap()).collect();
            Bar::new(v[0], v[1], v[2], v[3], v[4])
        })
        .collect()
}

/// Times one `step` per iteration, cycling through the bars after a warm-up.
fn ours<I: Indicator>(c: &mut Criterion, name: &str, mut ind: I, data: &[Bar]) {
    for b in &data[..100] {
        ind.step(b);
    }
    let mut k = 100;
    c.bench_function(name, |b| {
        b.iter(|| {
            k += 1;
            if k == data.len() {
                k = 0;
            }
            bb(ind.step(bb(&data[k])))
        })
    });
}

fn per_update(c: &mut Criterion) {
    let data = bars();
    let candles: Vec<yata::core::Candle> = data
        .iter()
        .map(|b| (b.open, b.high, b.low, b.close, b.volume).into())
        .collect();

    ours(
        c,
        "ema20/tachyon",
        tachyon_indicators::Ema::new(20).unwrap(),
        &data,
    );
    {
        let mut m = yata::methods::EMA::new(20, &data[0].close).unwrap();
        let mut k = 0;
        c.bench_function("ema20/yata", |b| {
            b.iter(|| {
                k = (k + 1) % data.len();
                bb(m.next(bb(&data[k].close)))
            })
        });
    }
    ours(c, "rsi14/tachyon", Rsi::new(14).unwrap(), &data);
    ours(c, "atr14/tachyon", Atr::new(14).unwrap(), &data);
    ours(c, "adx14/tachyon", Adx::new(14).unwrap(), &data);
    ours(
        c,
        "bollinger20/tachyon",
        Bollinger::new(20, 2.0).unwrap(),
        &data,
    );
    fn yata_ind<T: IndicatorConfig>(
        c: &mut Criterion,
        name: &str,
        cfg: T,
        candles: &[yata::core::Candle],
    ) {
        let mut ind = cfg.init(&candles[0]).unwrap();
        for cd in &candles[1..100] {
            ind.next(cd);
        }
        let mut k = 100;
        c.bench_function(name, |b| {
            b.iter(|| {
                k = (k + 1) % candles.len();
                bb(ind.next(bb(&candles[k])))
            })
        });
    }
    yata_ind(
        c,
        "rsi14/yata",
        yata::indicators::RelativeStrengthIndex::default(),
        &candles,
    );
    yata_ind(
        c,
        "adx14/yata",
        yata::indicators::AverageDirectionalIndex::default(),
        &candles,
    );
    yata_ind(
        c,
        "bollinger20/yata",
        yata::indicators::BollingerBands::default(),
        &candles,
    );

    // Validation cost: the same EMA behind the input guard.
    let mut g = Guarded::new(tachyon_indicators::Ema::new(20).unwrap());
    let mut k = 0;
    c.bench_function("ema20/tachyon guarded", |b| {
        b.iter(|| {
            k = (k + 1) % data.len();
            bb(g.update_value(bb(data[k].close)))
        })
    });
}

fn bank(c: &mut Criterion) {
    let data = bars();
    let specs = [
        Spec::Ema(20, EmaSeed::Sma),
        Spec::Rsi(14),
        Spec::Atr(14),
        Spec::Adx(14),
        Spec::Bollinger(20, 2.0),
    ];
    let n = 1000;
    let mut g = c.benchmark_group("bank");
    g.throughput(Throughput::Elements((n * specs.len()) as u64));
    for layout in [Layout::InstrumentMajor, Layout::FeatureMajor] {
        let mut bank = IndicatorBank::new(n, &specs, layout).unwrap();
        let mut out = vec![0.0; bank.matrix_len()];
        let mut st = vec![0u8; n];
        // Instrument i reads the real series at offset 7·i.
        let cols = |t: usize, f: fn(&Bar) -> f64| -> Vec<f64> {
            (0..n).map(|i| f(&data[(t + 7 * i) % data.len()])).collect()
        };
        let steps: Vec<[Vec<f64>; 3]> = (0..64)
            .map(|t| {
                [
                    cols(t, |b| b.high),
                    cols(t, |b| b.low),
                    cols(t, |b| b.close),
                ]
            })
            .collect();
        for s in steps.iter().cycle().take(200) {
            let input = BankInput {
                high: Some(&s[0]),
                low: Some(&s[1]),
                close: Some(&s[2]),
                ..BankInput::default()
            };
            bank.update(None, &input, &mut out, &mut st).unwrap();
        }
        let mut t = 0;
        g.bench_function(format!("1000 instruments x 5 indicators {layout:?}"), |b| {
            b.iter_batched(
                || {
                    t = (t + 1) % steps.len();
                    t
                },
                |t| {
                    let s = &steps[t];
                    let input = BankInput {
                        high: Some(&s[0]),
                        low: Some(&s[1]),
                        close: Some(&s[2]),
                        ..BankInput::default()
                    };
                    bank.update(None, bb(&input), &mut out, &mut st).unwrap()
                },
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, per_update, bank);
criterion_main!(benches);
