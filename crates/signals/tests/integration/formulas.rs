//! Fusion and ensemble against an independent Python implementation of the documented
//! formulas (numpy/scipy; `tests/fixtures/fusion_ensemble.json`, produced by
//! `scripts/refs/signals/generate.sh`). Tolerance 1e-12 (relative, with a floor of 1).

use serde_json::Value;
use tachyon_signals::{
    BetaForecast, Ensemble, EnsembleParams, FusionMethod, FusionParams, IsotonicCalibration,
    SignalFusion, SourceSignal,
};

fn fixture() -> Value {
    let p = format!(
        "{}/tests/fixtures/fusion_ensemble.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(p).expect("fixture")).expect("json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn vecf(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(f).collect()
}

fn close(a: f64, b: f64, what: &str, case: usize) {
    let tol = 1e-12 * a.abs().max(b.abs()).max(1.0);
    assert!(
        (a - b).abs() <= tol,
        "case {case} {what}: ours {a:.17e}, reference {b:.17e}"
    );
}

#[test]
fn fusion_matches_reference() {
    let fx = fixture();
    let cases = fx["fusion"].as_array().unwrap();
    assert_eq!(cases.len(), 240);
    for (k, c) in cases.iter().enumerate() {
        let p = &c["params"];
        let method = match c["method"].as_str().unwrap() {
            "bayesian" => FusionMethod::Bayesian,
            "consensus" => FusionMethod::Consensus,
            "timeDecay" => FusionMethod::TimeDecay,
            _ => FusionMethod::Hybrid,
        };
        let n = c["sources"].as_u64().unwrap() as usize;
        let mut fu = SignalFusion::new(
            n,
            FusionParams {
                method,
                prior_hits: f(&p["priorHits"]),
                prior_misses: f(&p["priorMisses"]),
                memory: f(&p["memory"]),
                quorum: p["quorum"].as_u64().unwrap() as usize,
                majority: f(&p["majority"]),
                half_life: f(&p["halfLife"]),
                max_logit: f(&p["maxLogit"]),
            },
        )
        .unwrap();
        for o in c["outcomes"].as_array().unwrap() {
            fu.record(o[0].as_u64().unwrap() as usize, o[1].as_bool().unwrap())
                .unwrap();
        }
        let sig: Vec<SourceSignal> = c["signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| SourceSignal {
                direction: s[0].as_i64().unwrap() as i8,
                confidence: f(&s[1]),
                age: f(&s[2]),
            })
            .collect();
        let mut contrib = vec![0.0; n];
        let r = fu.fuse(&sig, &mut contrib).unwrap();
        let e = &c["expected"];
        assert_eq!(
            i64::from(r.direction),
            e["direction"].as_i64().unwrap(),
            "case {k}"
        );
        assert_eq!(
            r.participants as u64,
            e["participants"].as_u64().unwrap(),
            "case {k}"
        );
        close(r.confidence, f(&e["confidence"]), "confidence", k);
        close(r.score, f(&e["score"]), "score", k);
        for (a, b) in contrib.iter().zip(vecf(&e["contributions"])) {
            close(*a, b, "contribution", k);
        }
    }
}

#[test]
fn ensemble_matches_reference() {
    let fx = fixture();
    let knots = &fx["knots"];
    let cal = IsotonicCalibration::from_knots(&vecf(&knots["xs"]), &vecf(&knots["ys"])).unwrap();
    let cases = fx["ensemble"].as_array().unwrap();
    assert_eq!(cases.len(), 120);
    for (k, c) in cases.iter().enumerate() {
        let regimes: Vec<Vec<f64>> = c["regimeWeights"]
            .as_array()
            .unwrap()
            .iter()
            .map(vecf)
            .collect();
        let mut ens = Ensemble::new(EnsembleParams {
            weights: vecf(&c["weights"]),
            regime_weights: regimes,
            disagreement_penalty: f(&c["penalty"]),
        })
        .unwrap();
        if c["calibrated"].as_bool().unwrap() {
            ens.set_calibrator(Some(Box::new(cal.clone())));
        }
        let fc: Vec<BetaForecast> = c["forecasts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| BetaForecast::new(f(&x[0]), f(&x[1])))
            .collect();
        let regime = if c["regime"].is_null() {
            None
        } else {
            Some(vecf(&c["regime"]))
        };
        let mut w = vec![0.0; fc.len()];
        let r = ens.combine(&fc, regime.as_deref(), &mut w).unwrap();
        let e = &c["expected"];
        assert_eq!(
            i64::from(r.direction),
            e["direction"].as_i64().unwrap(),
            "case {k}"
        );
        close(r.confidence, f(&e["confidence"]), "confidence", k);
        close(r.probability, f(&e["probability"]), "probability", k);
        close(r.raw_probability, f(&e["rawProbability"]), "raw", k);
        close(r.disagreement, f(&e["disagreement"]), "disagreement", k);
        if e["alpha"].is_null() {
            assert!(r.alpha.is_nan() && r.beta.is_nan(), "case {k}");
        } else {
            close(r.alpha, f(&e["alpha"]), "alpha", k);
            close(r.beta, f(&e["beta"]), "beta", k);
        }
        for (a, b) in w.iter().zip(vecf(&e["weights"])) {
            close(*a, b, "weight", k);
        }
    }
}
