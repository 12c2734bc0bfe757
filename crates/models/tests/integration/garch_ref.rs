//! GARCH family against Python `arch` (fixtures/garch_arch.json, S&P 500 percent returns) and
//! R fGarch (fixtures/garch_fgarch.json).

use tachyon_models::garch::{
    fit, loglik, ErrorDist, FitOptions, FitStatus, GarchKind, GarchParams, GarchSpec, MeanModel,
    VarianceInit,
};

use crate::common::{close, csv_column, f64s, json};

fn spec_of(case: &serde_json::Value) -> GarchSpec {
    let kind = match case["kind"].as_str().unwrap() {
        "garch" => GarchKind::Garch,
        "gjr" => GarchKind::Gjr,
        "egarch" => GarchKind::Egarch,
        k => panic!("kind {k}"),
    };
    let dist = match case["dist"].as_str().unwrap() {
        "normal" => ErrorDist::Normal,
        "t" => ErrorDist::StudentT,
        d => panic!("dist {d}"),
    };
    let init = match case["init"].as_str().unwrap() {
        "backcast" => VarianceInit::Backcast,
        "fgarch" => VarianceInit::FGarch,
        i => panic!("init {i}"),
    };
    GarchSpec {
        kind,
        dist,
        mean: MeanModel::Constant,
        init,
    }
}

fn params_of(spec: &GarchSpec, names: &[String], values: &[f64]) -> GarchParams {
    let get = |n: &str| names.iter().position(|x| x == n).map(|i| values[i]);
    GarchParams {
        mu: get("mu").unwrap_or(0.0),
        omega: get("omega").unwrap(),
        alpha: get("alpha").unwrap(),
        gamma: get("gamma").unwrap_or(0.0),
        beta: get("beta").unwrap(),
        nu: if spec.dist == ErrorDist::StudentT {
            get("nu")
        } else {
            None
        },
    }
}

fn names_of(case: &serde_json::Value) -> Vec<String> {
    case["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Convention: arch's (constant mean, EWMA backcast from the sample-mean residuals, percent
/// returns). Checks (1) our likelihood at arch's estimates equals arch's to 1e-9, (2) our fit
/// finds arch's estimates to 1e-4 relative (absolute 1e-6 for estimates at 0) and a
/// log-likelihood at least as high within 1e-6 relative, (3) AIC/BIC, backcast and the
/// conditional variances to 1e-3 (they inherit the 1e-4 tolerance of the estimates), (4) the
/// analytic forecasts at the reference estimates to 1e-9, (5) classic and robust standard
/// errors to 1e-3 (both sides difference gradients numerically; observed agreement ~1e-4).
fn check_arch_case(name: &str) {
    let fixture = json("garch_arch.json");
    let case = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("case {name}"));
    let r = csv_column("sp500_returns.csv", "ret");
    assert_eq!(r.len(), case["nobs"].as_u64().unwrap() as usize);
    let spec = spec_of(case);
    let names = names_of(case);
    let want = f64s(&case["params"]);
    let ref_params = params_of(&spec, &names, &want);
    let want_ll = case["loglik"].as_f64().unwrap();

    // (1) the likelihood itself, at the reference estimates
    let l = loglik(&r, &spec, &ref_params).unwrap();
    close(
        &format!("{name} loglik at arch params"),
        l.loglik,
        want_ll,
        1e-9,
        0.0,
    );
    for (i, &t) in f64s(&case["variance_index"]).iter().enumerate() {
        let h = f64s(&case["variances"])[i];
        close(
            &format!("{name} h[{t}] at arch params"),
            l.variances[t as usize],
            h,
            1e-9,
            0.0,
        );
    }

    // (2) the fit
    let f = fit(&r, &spec, &FitOptions::default()).unwrap();
    assert_eq!(f.status, FitStatus::Converged, "{name}: {:?}", f.status);
    assert_eq!(
        f.names,
        names.iter().map(String::as_str).collect::<Vec<_>>()
    );
    for (k, n) in names.iter().enumerate() {
        close(&format!("{name} {n}"), f.estimates[k], want[k], 1e-4, 1e-6);
    }
    close(&format!("{name} loglik"), f.loglik, want_ll, 1e-6, 0.0);
    assert!(
        f.loglik >= want_ll - 1e-6,
        "{name}: ours {} below arch {}",
        f.loglik,
        want_ll
    );

    // (3) closed-form statistics
    close(
        &format!("{name} aic"),
        f.aic,
        case["aic"].as_f64().unwrap(),
        1e-6,
        0.0,
    );
    close(
        &format!("{name} bic"),
        f.bic,
        case["bic"].as_f64().unwrap(),
        1e-6,
        0.0,
    );
    close(
        &format!("{name} backcast"),
        f.backcast.unwrap(),
        case["backcast"].as_f64().unwrap(),
        1e-12,
        0.0,
    );
    for (i, &t) in f64s(&case["variance_index"]).iter().enumerate() {
        let h = f64s(&case["variances"])[i];
        close(
            &format!("{name} fitted h[{t}]"),
            f.variances[t as usize],
            h,
            1e-3,
            0.0,
        );
    }

    // (4) forecasts from the end of the sample, at the reference estimates
    let filt =
        tachyon_models::garch::GarchFilter::new(&spec, &ref_params, l.next_variance).unwrap();
    let fc = f64s(&case["forecast"]);
    let ours = filt.forecast(fc.len()).unwrap();
    for (k, (a, b)) in ours.iter().zip(&fc).enumerate() {
        close(&format!("{name} forecast h+{}", k + 1), *a, *b, 1e-9, 0.0);
    }

    // (5) standard errors
    let se = f.std_errors.as_ref().expect("classic SEs");
    let rse = f.robust_std_errors.as_ref().expect("robust SEs");
    for (k, n) in names.iter().enumerate() {
        let want_se = f64s(&case["std_errors"])[k];
        let want_rse = f64s(&case["robust_std_errors"])[k];
        if f.at_bounds.contains(&n.as_str()) {
            continue; // a Hessian at a bound depends on how each side differences across it
        }
        close(&format!("{name} se({n})"), se[k], want_se, 1e-3, 0.0);
        close(
            &format!("{name} robust se({n})"),
            rse[k],
            want_rse,
            1e-3,
            0.0,
        );
    }
}

#[test]
fn arch_garch_normal() {
    check_arch_case("garch_normal");
}

#[test]
fn arch_gjr_normal() {
    check_arch_case("gjr_normal");
}

#[test]
fn arch_egarch_normal() {
    check_arch_case("egarch_normal");
}

/// Convention: fGarch's (constant mean, "mci" start `h₁ = ω + (α+β)·mean((r−μ)²)` with the
/// current `μ`, likelihood from the first observation). Checks our likelihood at fGarch's
/// estimates (1e-9), the fit (estimates 1e-4 relative, log-likelihood 1e-6), the variance
/// path, fGarch's per-observation AIC/BIC (1e-6) and standard errors (5e-2, see below).
fn check_fgarch_case(name: &str) {
    let fixture = json("garch_fgarch.json");
    let case = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("case {name}"));
    let all = csv_column("sp500_returns.csv", "ret");
    let start = case["start"].as_u64().unwrap() as usize;
    let r = &all[start..start + case["nobs"].as_u64().unwrap() as usize];
    let spec = spec_of(case);
    assert_eq!(spec.init, VarianceInit::FGarch);
    let names = names_of(case);
    let want = f64s(&case["params"]);
    let want_ll = case["loglik"].as_f64().unwrap();
    let ref_params = params_of(&spec, &names, &want);

    let l = loglik(r, &spec, &ref_params).unwrap();
    close(
        &format!("{name} loglik at fGarch params"),
        l.loglik,
        want_ll,
        1e-9,
        0.0,
    );
    for (i, &t) in f64s(&case["variance_index"]).iter().enumerate() {
        let h = f64s(&case["variances"])[i];
        close(
            &format!("{name} h[{t}] at fGarch params"),
            l.variances[t as usize],
            h,
            1e-9,
            0.0,
        );
    }

    let f = fit(r, &spec, &FitOptions::default()).unwrap();
    assert_eq!(f.status, FitStatus::Converged, "{name}: {:?}", f.status);
    for (k, n) in names.iter().enumerate() {
        close(&format!("{name} {n}"), f.estimates[k], want[k], 1e-4, 1e-6);
    }
    close(&format!("{name} loglik"), f.loglik, want_ll, 1e-6, 0.0);
    let nobs = r.len() as f64;
    let ics = f64s(&case["ics_per_obs"]);
    close(&format!("{name} aic/n"), f.aic / nobs, ics[0], 1e-6, 0.0);
    close(&format!("{name} bic/n"), f.bic / nobs, ics[1], 1e-6, 0.0);
    let se = f.std_errors.as_ref().expect("classic SEs");
    for (k, n) in names.iter().enumerate() {
        // fGarch's Hessian is R's optimHess on finite-difference gradients with steps of 1e-3
        // (in its scaled parameters): its truncation error is ~1e-2 here (we agree with arch's
        // Hessian to ~3e-5), hence the looser tolerance.
        close(
            &format!("{name} se({n})"),
            se[k],
            f64s(&case["std_errors"])[k],
            5e-2,
            0.0,
        );
    }
}

#[test]
fn arch_garch_t() {
    check_arch_case("garch_t");
}

#[test]
fn arch_gjr_t() {
    check_arch_case("gjr_t");
}

#[test]
fn arch_egarch_t() {
    check_arch_case("egarch_t");
}

#[test]
fn fgarch_t_last2000() {
    check_fgarch_case("fgarch_std_last2000");
}

#[test]
fn fgarch_t_all() {
    check_fgarch_case("fgarch_std_all");
}

#[test]
fn fgarch_normal_last2000() {
    check_fgarch_case("fgarch_norm_last2000");
}

#[test]
fn fgarch_normal_all() {
    check_fgarch_case("fgarch_norm_all");
}
