//! Indicators: per-update cost beside yata (the Rust indicator library; its published figures
//! are EMA ≈ 7 ns, ADX ≈ 69 ns), and the many-instrument bank beside one object per
//! (instrument, indicator). All on the same real bars (TTR's `ttrc`, cycled).

use tachyon_indicators::{
    step_rows, Adx, Atr, BankInput, Bar, Bollinger, Columns, Ema, EmaSeed, Guarded, Indicator,
    IndicatorBank, Layout, Path, Rows, Rsi, Spec,
};
use yata::prelude::*;

use crate::{bb, Kernel, Runner};

fn bars() -> Vec<Bar> {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../indicators/tests/fixtures/bars_ttrc.csv"
    );
    std::fs::read_to_string(p)
        .unwrap_or_else(|e| panic!("{p}: {e}"))
        .lines()
        .skip(1)
        .map(|l| {
            let v: Vec<f64> = l
                .split(',')
                .skip(1)
                .map(|x| x.parse().unwrap_or(f64::NAN))
                .collect();
            Bar::new(v[0], v[1], v[2], v[3], v[4])
        })
        .collect()
}

fn candles(b: &[Bar]) -> Vec<yata::core::Candle> {
    b.iter()
        .map(|b| (b.open, b.high, b.low, b.close, b.volume).into())
        .collect()
}

/// A stepping closure over the cycled bars (after a 100-bar warm-up).
fn stepper<I: Indicator + 'static>(mut ind: I, data: Vec<Bar>) -> impl FnMut() {
    for b in &data[..100] {
        ind.step(b);
    }
    let mut k = 100;
    move || {
        k += 1;
        if k == data.len() {
            k = 0;
        }
        bb(ind.step(bb(&data[k])));
    }
}

fn yata_stepper<T: IndicatorConfig>(cfg: T, c: Vec<yata::core::Candle>) -> impl FnMut()
where
    T::Instance: 'static,
{
    let mut ind = cfg
        .init(&c[0])
        .unwrap_or_else(|e| panic!("yata init: {e:?}"));
    for x in &c[1..100] {
        ind.next(x);
    }
    let mut k = 100;
    move || {
        k += 1;
        if k == c.len() {
            k = 0;
        }
        bb(ind.next(bb(&c[k])));
    }
}

const BANK_N: usize = 1000;

fn bank_specs() -> [Spec; 5] {
    [
        Spec::Ema(20, EmaSeed::Sma),
        Spec::Rsi(14),
        Spec::Atr(14),
        Spec::Adx(14),
        Spec::Bollinger(20, 2.0),
    ]
}

/// Struct-of-arrays inputs for 64 bar times: instrument i reads the series at offset 7·i.
fn bank_steps(data: &[Bar], n: usize) -> Vec<[Vec<f64>; 3]> {
    let col = |t: usize, f: fn(&Bar) -> f64| -> Vec<f64> {
        (0..n).map(|i| f(&data[(t + 7 * i) % data.len()])).collect()
    };
    (0..64)
        .map(|t| [col(t, |b| b.high), col(t, |b| b.low), col(t, |b| b.close)])
        .collect()
}

/// A bank of `n` instruments updating all of them once per call.
fn bank_runner(data: &[Bar], n: usize) -> impl FnMut() {
    let mut bank = IndicatorBank::new(n, &bank_specs(), Layout::InstrumentMajor)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = vec![0.0; bank.matrix_len()];
    let mut st = vec![0u8; n];
    let steps = bank_steps(data, n);
    let mut t = 0;
    move || {
        t = (t + 1) % steps.len();
        let s = &steps[t];
        let input = BankInput {
            high: Some(&s[0]),
            low: Some(&s[1]),
            close: Some(&s[2]),
            ..BankInput::default()
        };
        bb(bank
            .update(None, bb(&input), &mut out, &mut st)
            .unwrap_or_else(|e| panic!("{e}")));
    }
}

/// The first 2,500 bars as high, low, close columns.
fn hlc_columns(data: &[Bar]) -> [Vec<f64>; 3] {
    let d = &data[..2500.min(data.len())];
    [
        d.iter().map(|b| b.high).collect(),
        d.iter().map(|b| b.low).collect(),
        d.iter().map(|b| b.close).collect(),
    ]
}

/// One validated batch of `proto` over the columns per call (reset first, so every call
/// does the same work, seeding included), on `path`.
fn batch_runner<I: Indicator + 'static>(proto: I, cols: [Vec<f64>; 3], path: Path) -> impl FnMut() {
    let mut g = Guarded::new(proto);
    let rows = cols[2].len();
    let mut out = vec![0.0; rows * I::OUTPUTS.len()];
    move || {
        g.reset();
        let c = Columns::hlc(&cols[0], &cols[1], &cols[2]);
        bb(g.batch_on(path, bb(&c), &mut out)
            .unwrap_or_else(|e| panic!("{e}")));
        bb(&out);
    }
}

/// The same work stepped row by row (the streaming kernel; no validation): the anchor.
fn stepping_runner<I: Indicator + 'static>(proto: I, cols: [Vec<f64>; 3]) -> impl FnMut() {
    let mut ind = proto;
    let rows = cols[2].len();
    let mut out = vec![0.0; rows * I::OUTPUTS.len()];
    move || {
        ind.reset();
        let r = Rows {
            open: &[],
            high: if I::FIELDS.contains(tachyon_indicators::Fields::HIGH) {
                &cols[0]
            } else {
                &[]
            },
            low: if I::FIELDS.contains(tachyon_indicators::Fields::LOW) {
                &cols[1]
            } else {
                &[]
            },
            close: &cols[2],
            volume: &[],
            rows,
        };
        bb(step_rows(&mut ind, bb(&r), &mut out));
        bb(&out);
    }
}

/// Batch groups: stepping (anchor) beside the blocked kernels on every path.
fn batch_groups(r: &mut Runner, data: &[Bar]) {
    let cols = hlc_columns(data);
    macro_rules! group {
        ($label:expr, $make:expr) => {{
            let g = concat!($label, ": batch over 2,500 bars (per call)");
            r.latency(
                g,
                "stepping row by row (streaming kernel)",
                true,
                stepping_runner($make, cols.clone()),
            );
            for p in Path::available() {
                let name = format!("tachyon Guarded::batch_on({})", p.name());
                r.latency(g, &name, false, batch_runner($make, cols.clone(), p));
            }
        }};
    }
    group!("EMA(20)", Ema::new(20).unwrap_or_else(|e| panic!("{e}")));
    {
        // A second reference: the textbook loop, one dependent multiply-add chain per value.
        let x = cols[2].clone();
        let mut out = vec![0.0; x.len()];
        r.latency(
            "EMA(20): batch over 2,500 bars (per call)",
            "naive Rust loop (a = 2/(n+1), seeded with x0)",
            false,
            move || {
                let a = 2.0 / 21.0;
                let mut y = x[0];
                for (o, &v) in out.iter_mut().zip(bb(&x).iter()) {
                    y += a * (v - y);
                    *o = y;
                }
                bb(&out);
            },
        );
    }
    group!("RSI(14)", Rsi::new(14).unwrap_or_else(|e| panic!("{e}")));
    group!("ATR(14)", Atr::new(14).unwrap_or_else(|e| panic!("{e}")));
    group!("ADX(14)", Adx::new(14).unwrap_or_else(|e| panic!("{e}")));
    group!(
        "Bollinger(20,2)",
        Bollinger::new(20, 2.0).unwrap_or_else(|e| panic!("{e}"))
    );
}

pub fn run(r: &mut Runner) {
    let data = bars();
    let c = candles(&data);

    let g = "EMA(20): one update";
    r.latency(
        g,
        "tachyon Ema::step",
        false,
        stepper(Ema::new(20).unwrap_or_else(|e| panic!("{e}")), data.clone()),
    );
    {
        let mut m = yata::methods::EMA::new(20, &data[0].close).unwrap_or_else(|e| panic!("{e:?}"));
        let d = data.clone();
        let mut k = 0;
        r.latency(g, "yata methods::EMA", true, move || {
            k = (k + 1) % d.len();
            bb(m.next(bb(&d[k].close)));
        });
    }
    let mut guarded = Guarded::new(Ema::new(20).unwrap_or_else(|e| panic!("{e}")));
    let d = data.clone();
    let mut k = 0;
    r.latency(
        g,
        "tachyon Guarded<Ema>::update (validated)",
        false,
        move || {
            k = (k + 1) % d.len();
            let _ = bb(guarded.update_value(bb(d[k].close)));
        },
    );

    batch_groups(r, &data);

    let g = "RSI(14): one update";
    r.latency(
        g,
        "tachyon Rsi::step",
        false,
        stepper(Rsi::new(14).unwrap_or_else(|e| panic!("{e}")), data.clone()),
    );
    r.latency(
        g,
        "yata RelativeStrengthIndex",
        true,
        yata_stepper(
            yata::indicators::RelativeStrengthIndex::default(),
            c.clone(),
        ),
    );

    let g = "ADX(14): one update";
    r.latency(
        g,
        "tachyon Adx::step",
        false,
        stepper(Adx::new(14).unwrap_or_else(|e| panic!("{e}")), data.clone()),
    );
    r.latency(
        g,
        "yata AverageDirectionalIndex",
        true,
        yata_stepper(
            yata::indicators::AverageDirectionalIndex::default(),
            c.clone(),
        ),
    );

    let g = "Bollinger(20,2): one update";
    r.latency(
        g,
        "tachyon Bollinger::step",
        false,
        stepper(
            Bollinger::new(20, 2.0).unwrap_or_else(|e| panic!("{e}")),
            data.clone(),
        ),
    );
    r.latency(
        g,
        "yata BollingerBands",
        true,
        yata_stepper(yata::indicators::BollingerBands::default(), c),
    );

    let g = "ATR(14): one update";
    r.latency(
        g,
        "tachyon Atr::step",
        false,
        stepper(Atr::new(14).unwrap_or_else(|e| panic!("{e}")), data.clone()),
    );
    {
        // Naive anchor: recompute the mean of the last 14 true ranges each bar.
        let d = data.clone();
        let mut trs = std::collections::VecDeque::with_capacity(15);
        let mut k = 1;
        r.latency(g, "naive: mean of the last 14 TRs", true, move || {
            k = k % (d.len() - 1) + 1;
            let (b, p) = (&d[k], &d[k - 1]);
            trs.push_back(b.high.max(p.close) - b.low.min(p.close));
            if trs.len() > 14 {
                trs.pop_front();
            }
            bb(trs.iter().sum::<f64>() / trs.len() as f64);
        });
    }

    // The bank against one validated object per (instrument, indicator).
    let g = "1000 instruments x EMA+RSI+ATR+ADX+Bollinger: per instrument-indicator";
    let cells = (BANK_N * 5) as u64;
    let bank = bank_runner(&data, BANK_N);
    r.throughput(g, "tachyon IndicatorBank::update", false, cells, bank);
    {
        let steps = bank_steps(&data, BANK_N);
        let mut objs: Vec<_> = (0..BANK_N)
            .map(|_| {
                (
                    Guarded::new(Ema::new(20).unwrap_or_else(|e| panic!("{e}"))),
                    Guarded::new(Rsi::new(14).unwrap_or_else(|e| panic!("{e}"))),
                    Guarded::new(Atr::new(14).unwrap_or_else(|e| panic!("{e}"))),
                    Guarded::new(Adx::new(14).unwrap_or_else(|e| panic!("{e}"))),
                    Guarded::new(Bollinger::new(20, 2.0).unwrap_or_else(|e| panic!("{e}"))),
                )
            })
            .collect();
        let mut t = 0;
        r.throughput(
            g,
            "one Guarded object per instrument-indicator",
            true,
            cells,
            move || {
                t = (t + 1) % steps.len();
                let s = &steps[t];
                for (i, o) in objs.iter_mut().enumerate() {
                    let b = Bar::hlc(s[0][i], s[1][i], s[2][i]);
                    let _ = bb(o.0.update(&b));
                    let _ = bb(o.1.update(&b));
                    let _ = bb(o.2.update(&b));
                    let _ = bb(o.3.update(&b));
                    let _ = bb(o.4.update(&b));
                }
            },
        );
    }
}

#[must_use]
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            id: "indicators/ema_step",
            make: || {
                let mut s = stepper(Ema::new(20).unwrap_or_else(|e| panic!("{e}")), bars());
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        Kernel {
            id: "indicators/adx_step",
            make: || {
                let mut s = stepper(Adx::new(14).unwrap_or_else(|e| panic!("{e}")), bars());
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        Kernel {
            // Anchor: yata's EMA on the same bars (instruction counts are load-independent).
            id: "indicators/yata_ema_next",
            make: || {
                let d = bars();
                let mut m =
                    yata::methods::EMA::new(20, &d[0].close).unwrap_or_else(|e| panic!("{e:?}"));
                let mut k = 0;
                Box::new(move |n| {
                    for _ in 0..n {
                        k = (k + 1) % d.len();
                        bb(m.next(bb(&d[k].close)));
                    }
                })
            },
        },
        Kernel {
            // Anchor: yata's ADX on the same bars.
            id: "indicators/yata_adx_next",
            make: || {
                let mut s = yata_stepper(
                    yata::indicators::AverageDirectionalIndex::default(),
                    candles(&bars()),
                );
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        Kernel {
            id: "indicators/bollinger_step",
            make: || {
                let mut s = stepper(
                    Bollinger::new(20, 2.0).unwrap_or_else(|e| panic!("{e}")),
                    bars(),
                );
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        // One validated batch over the first 2,500 bars per unit (reset first, seeding
        // included), on the best path of the machine (AVX2 where valgrind's CPU has it).
        Kernel {
            id: "indicators/ema_batch_2500",
            make: || {
                let mut s = batch_runner(
                    Ema::new(20).unwrap_or_else(|e| panic!("{e}")),
                    hlc_columns(&bars()),
                    Path::best(),
                );
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        Kernel {
            id: "indicators/rsi_batch_2500",
            make: || {
                let mut s = batch_runner(
                    Rsi::new(14).unwrap_or_else(|e| panic!("{e}")),
                    hlc_columns(&bars()),
                    Path::best(),
                );
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        Kernel {
            id: "indicators/atr_batch_2500",
            make: || {
                let mut s = batch_runner(
                    Atr::new(14).unwrap_or_else(|e| panic!("{e}")),
                    hlc_columns(&bars()),
                    Path::best(),
                );
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        Kernel {
            id: "indicators/adx_batch_2500",
            make: || {
                let mut s = batch_runner(
                    Adx::new(14).unwrap_or_else(|e| panic!("{e}")),
                    hlc_columns(&bars()),
                    Path::best(),
                );
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        Kernel {
            id: "indicators/bollinger_batch_2500",
            make: || {
                let mut s = batch_runner(
                    Bollinger::new(20, 2.0).unwrap_or_else(|e| panic!("{e}")),
                    hlc_columns(&bars()),
                    Path::best(),
                );
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
        Kernel {
            // One bank call (10 instruments × 5 indicators) per unit: the per-cell cost is this
            // figure / 50 (small, so that callgrind stays quick in CI).
            id: "indicators/bank_10x5_call",
            make: || {
                let mut s = bank_runner(&bars(), 10);
                Box::new(move |n| (0..n).for_each(|_| s()))
            },
        },
    ]
}
