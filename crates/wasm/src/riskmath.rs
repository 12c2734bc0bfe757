//! `tachyon_riskmath` for WebAssembly: the twin of the riskmath part of
//! `native/src/binding_engine.rs` and of `SizingOptions` in `native/src/options/engine.rs`.

use js_sys::Promise;
use tachyon_riskmath::{Dist, Portfolio, Sizing, VarEstimate};
use wasm_bindgen::prelude::*;

use crate::js::{invalid_arg, Opts, OrThrow, Out, Result};

fn var_result(e: VarEstimate) -> JsValue {
    Out::new().set("var", e.var).set("cvar", e.cvar).build()
}

/// `SizingOptions` → the kernel's rule (the same `need`/defaults as native's `TryFrom`).
fn sizing_of(o: &Opts) -> Result<Sizing> {
    let kind = o.req_string("kind")?;
    let need = |key: &str| -> Result<f64> {
        o.f64(key)?
            .ok_or_else(|| invalid_arg(format!("sizing kind {kind:?} needs `{key}`")))
    };
    Ok(match kind.as_str() {
        "kelly" => Sizing::Kelly {
            win_prob: need("winProb")?,
            payoff: need("payoff")?,
            multiplier: o.f64("multiplier")?.unwrap_or(0.25),
        },
        "kellyContinuous" => Sizing::KellyContinuous {
            mu: need("mu")?,
            sigma: need("sigma")?,
            multiplier: o.f64("multiplier")?.unwrap_or(0.25),
        },
        "fixedFractional" => Sizing::FixedFractional {
            risk_fraction: need("riskFraction")?,
            entry: need("entry")?,
            stop: need("stop")?,
        },
        "volTarget" => Sizing::VolTarget {
            target_vol: need("targetVol")?,
            forecast_vol: need("forecastVol")?,
        },
        "atrStop" => Sizing::AtrStop {
            risk_fraction: need("riskFraction")?,
            entry: need("entry")?,
            atr: need("atr")?,
            atr_multiple: need("atrMultiple")?,
        },
        k => {
            return Err(invalid_arg(format!(
                "sizing kind must be kelly, kellyContinuous, fixedFractional, volTarget or \
                 atrStop, got {k:?}"
            )))
        }
    })
}

/// `VarModelOptions` → (distribution, paths, seed) with native's defaults.
fn model_of(model: &JsValue) -> Result<(Dist, usize, u64)> {
    let m = Opts::optional(model, "VarModelOptions")?;
    let dist = match m.f64("nu")? {
        Some(nu) => Dist::StudentT { nu },
        None => Dist::Normal,
    };
    let paths = m.u32("paths")?.unwrap_or(100_000) as usize;
    let seed = u64::from(m.u32("seed")?.unwrap_or(1));
    Ok((dist, paths, seed))
}

fn portfolio_of(p: &JsValue) -> Result<Portfolio> {
    let o = Opts::required(p, "VarPortfolioOptions")?;
    Portfolio::new(
        &o.req_f64s("weights")?,
        &o.req_f64s("mu")?,
        &o.req_f64s("sd")?,
        &o.req_f64s("corr")?,
    )
    .or_throw()
}

/// Historical VaR/CVaR of a P&L sample at `level` (e.g. 0.99), numpy `linear` quantiles.
#[wasm_bindgen(js_name = "varHistorical")]
pub fn var_historical(pnl: &[f64], level: f64) -> Result<JsValue> {
    Ok(var_result(
        tachyon_riskmath::var::historical(pnl, level).or_throw()?,
    ))
}

/// Historical VaR/CVaR of a portfolio: `scenarios` rows (T × N) weighted by `weights` (N).
#[wasm_bindgen(js_name = "varHistoricalPortfolio")]
pub fn var_historical_portfolio(scenarios: &[f64], weights: &[f64], level: f64) -> Result<JsValue> {
    Ok(var_result(
        tachyon_riskmath::var::historical_portfolio(scenarios, weights, level).or_throw()?,
    ))
}

/// The capped fraction of equity for a sizing rule.
#[wasm_bindgen(js_name = "positionFraction")]
pub fn position_fraction(rule: JsValue, max_fraction: f64) -> Result<f64> {
    let rule = sizing_of(&Opts::required(&rule, "SizingOptions")?)?;
    tachyon_riskmath::position_fraction(&rule, max_fraction).or_throw()
}

/// Parametric VaR/CVaR of one return distribution; Student-t when `model.nu` is given.
#[wasm_bindgen(js_name = "varParametric")]
pub fn var_parametric(mu: f64, sigma: f64, level: f64, model: JsValue) -> Result<JsValue> {
    let (dist, _, _) = model_of(&model)?;
    Ok(var_result(
        tachyon_riskmath::parametric(mu, sigma, level, dist).or_throw()?,
    ))
}

/// Parametric VaR/CVaR of a portfolio (σ_p = √(wᵀ D R D w)).
#[wasm_bindgen(js_name = "varPortfolioParametric")]
pub fn var_portfolio_parametric(portfolio: JsValue, level: f64, model: JsValue) -> Result<JsValue> {
    let (dist, _, _) = model_of(&model)?;
    Ok(var_result(
        portfolio_of(&portfolio)?
            .parametric(level, dist)
            .or_throw()?,
    ))
}

/// Seeded Monte Carlo VaR/CVaR of a portfolio (synchronous).
#[wasm_bindgen(js_name = "varPortfolioMonteCarlo")]
pub fn var_portfolio_monte_carlo(
    portfolio: JsValue,
    level: f64,
    model: JsValue,
) -> Result<JsValue> {
    let (dist, paths, seed) = model_of(&model)?;
    Ok(var_result(
        portfolio_of(&portfolio)?
            .monte_carlo(level, dist, paths, seed)
            .or_throw()?,
    ))
}

/// As `varPortfolioMonteCarlo`, returning a promise computed on the calling thread (the loader
/// runs `varPortfolioMonteCarlo` on its worker instead, after
/// [`validate_var_portfolio_monte_carlo_async`]).
#[wasm_bindgen(js_name = "varPortfolioMonteCarloAsync")]
pub fn var_portfolio_monte_carlo_async(
    portfolio: JsValue,
    level: f64,
    model: JsValue,
) -> Result<Promise> {
    let r = var_portfolio_monte_carlo(portfolio, level, model)?;
    Ok(Promise::resolve(&r))
}

/// The checks native's `varPortfolioMonteCarloAsync` makes before it queues the work: the
/// level, `nu` and positive definiteness on a 100-path run, then the path count.
#[wasm_bindgen(js_name = "__validateVarPortfolioMonteCarloAsync")]
pub fn validate_var_portfolio_monte_carlo_async(
    portfolio: JsValue,
    level: f64,
    model: JsValue,
) -> Result<()> {
    let (dist, paths, _) = model_of(&model)?;
    portfolio_of(&portfolio)?
        .monte_carlo(level, dist, 100, 0)
        .or_throw()?;
    if paths < 100 {
        return Err(crate::js::to_js(&tachyon_riskmath::VarError::TooFew {
            need: 100,
            got: paths,
        }));
    }
    Ok(())
}
