//! Options of the models bindings (GARCH family, DCC, VPIN, realized and microstructure
//! measures) and their validation into `tachyon_models` types.

use napi_derive::napi;
use tachyon_models::garch::{
    ErrorDist, FitOptions, GarchKind, GarchParams, GarchSpec, MeanModel, VarianceInit,
};
use tachyon_models::optim::OptimOptions;
use tachyon_models::realized::RangeEstimator;

use crate::error::{invalid_arg, Result};

/// Variance equation.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GarchKindName {
    /// GARCH(1,1).
    Garch,
    /// GJR-GARCH(1,1).
    Gjr,
    /// EGARCH(1,1) (Python `arch` parameterisation).
    Egarch,
}

/// Error distribution.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorDistName {
    /// Standard normal.
    Normal,
    /// Unit-variance Student-t with `nu` degrees of freedom.
    StudentT,
}

/// Mean equation.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeanName {
    /// `r = mu + e`.
    Constant,
    /// `r = e`.
    Zero,
}

/// How the variance recursion starts.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarianceInitName {
    /// Python arch's backcast: EWMA (0.94) of the first 75 squared residuals (default).
    Backcast,
    /// R fGarch's "mci": `h0 = omega + (alpha + gamma/2 + beta) * mean((r - mu)^2)`.
    Fgarch,
    /// A given pre-sample variance (`initialVariance`).
    Fixed,
}

/// A GARCH-family model.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct GarchSpecOptions {
    /// Variance equation; default `'garch'`.
    pub kind: Option<GarchKindName>,
    /// Error distribution; default `'normal'`.
    pub dist: Option<ErrorDistName>,
    /// Mean equation; default `'constant'`.
    pub mean: Option<MeanName>,
    /// Recursion start; default `'backcast'`.
    pub init: Option<VarianceInitName>,
    /// Pre-sample variance for `init: 'fixed'`.
    pub initial_variance: Option<f64>,
}

impl TryFrom<&GarchSpecOptions> for GarchSpec {
    type Error = napi::Error<crate::error::ErrorCode>;

    fn try_from(o: &GarchSpecOptions) -> Result<Self> {
        let init = match (o.init, o.initial_variance) {
            (None | Some(VarianceInitName::Backcast), None) => VarianceInit::Backcast,
            (Some(VarianceInitName::Fgarch), None) => VarianceInit::FGarch,
            (Some(VarianceInitName::Fixed) | None, Some(v)) => VarianceInit::Fixed(v),
            (Some(VarianceInitName::Fixed), None) => {
                return Err(invalid_arg("init 'fixed' needs initialVariance"))
            }
            (Some(_), Some(_)) => {
                return Err(invalid_arg(
                    "initialVariance is only used with init 'fixed'",
                ))
            }
        };
        Ok(GarchSpec {
            kind: match o.kind.unwrap_or(GarchKindName::Garch) {
                GarchKindName::Garch => GarchKind::Garch,
                GarchKindName::Gjr => GarchKind::Gjr,
                GarchKindName::Egarch => GarchKind::Egarch,
            },
            dist: match o.dist.unwrap_or(ErrorDistName::Normal) {
                ErrorDistName::Normal => ErrorDist::Normal,
                ErrorDistName::StudentT => ErrorDist::StudentT,
            },
            mean: match o.mean.unwrap_or(MeanName::Constant) {
                MeanName::Constant => MeanModel::Constant,
                MeanName::Zero => MeanModel::Zero,
            },
            init,
        })
    }
}

/// The JS names of a spec.
#[must_use]
pub fn spec_names(s: &GarchSpec) -> GarchSpecOptions {
    let (init, initial_variance) = match s.init {
        VarianceInit::Backcast => (VarianceInitName::Backcast, None),
        VarianceInit::FGarch => (VarianceInitName::Fgarch, None),
        VarianceInit::Fixed(v) => (VarianceInitName::Fixed, Some(v)),
    };
    GarchSpecOptions {
        kind: Some(match s.kind {
            GarchKind::Garch => GarchKindName::Garch,
            GarchKind::Gjr => GarchKindName::Gjr,
            GarchKind::Egarch => GarchKindName::Egarch,
        }),
        dist: Some(match s.dist {
            ErrorDist::Normal => ErrorDistName::Normal,
            ErrorDist::StudentT => ErrorDistName::StudentT,
        }),
        mean: Some(match s.mean {
            MeanModel::Constant => MeanName::Constant,
            MeanModel::Zero => MeanName::Zero,
        }),
        init: Some(init),
        initial_variance,
    }
}

/// Parameters of a GARCH-family model.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct GarchParameters {
    /// Mean (ignored for `mean: 'zero'`); default 0.
    pub mu: Option<f64>,
    /// Constant of the variance equation (of the log-variance for EGARCH).
    pub omega: f64,
    /// ARCH coefficient.
    pub alpha: f64,
    /// Asymmetry (GJR, EGARCH); default 0.
    pub gamma: Option<f64>,
    /// GARCH coefficient.
    pub beta: f64,
    /// Student-t degrees of freedom (> 2; required for `dist: 'studentT'`).
    pub nu: Option<f64>,
}

impl From<GarchParameters> for GarchParams {
    fn from(p: GarchParameters) -> Self {
        Self {
            mu: p.mu.unwrap_or(0.0),
            omega: p.omega,
            alpha: p.alpha,
            gamma: p.gamma.unwrap_or(0.0),
            beta: p.beta,
            nu: p.nu,
        }
    }
}

impl From<(&GarchParams, &GarchSpec)> for GarchParameters {
    fn from((p, s): (&GarchParams, &GarchSpec)) -> Self {
        Self {
            mu: Some(if s.mean == MeanModel::Constant {
                p.mu
            } else {
                0.0
            }),
            omega: p.omega,
            alpha: p.alpha,
            gamma: if s.kind == GarchKind::Garch {
                None
            } else {
                Some(p.gamma)
            },
            beta: p.beta,
            nu: p.nu,
        }
    }
}

/// Options of a maximum-likelihood fit.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ModelFitOptions {
    /// Iteration budget of the optimiser; default 500.
    pub max_iterations: Option<u32>,
    /// Convergence tolerance on the projected gradient of the mean log-likelihood (scaled
    /// data); default 1e-9.
    pub tolerance: Option<f64>,
    /// Compute standard errors; default true.
    pub std_errors: Option<bool>,
}

/// The fit options of an optional options object.
///
/// # Errors
/// As [`optim_options`].
pub fn fit_options(o: &Option<ModelFitOptions>) -> Result<FitOptions> {
    let d = FitOptions::default();
    let o = match o {
        Some(o) => o,
        None => return Ok(d),
    };
    Ok(FitOptions {
        optim: optim_options(o)?,
        std_errors: o.std_errors.unwrap_or(d.std_errors),
    })
}

/// The optimiser options of a fit-options object.
///
/// # Errors
/// `ERR_INVALID_ARG` for a zero iteration budget or a tolerance that is not positive.
pub fn optim_options(o: &ModelFitOptions) -> Result<OptimOptions> {
    let d = OptimOptions::default();
    let max_iter = o.max_iterations.unwrap_or(d.max_iter as u32);
    if max_iter == 0 {
        return Err(invalid_arg("maxIterations must be at least 1"));
    }
    let gtol = o.tolerance.unwrap_or(d.gtol);
    if !(gtol > 0.0 && gtol.is_finite()) {
        return Err(invalid_arg(format!(
            "tolerance must be a positive number, got {gtol}"
        )));
    }
    Ok(OptimOptions {
        max_iter: max_iter as usize,
        gtol,
        ..d
    })
}

/// An OHLC range estimator.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEstimatorName {
    /// Sample standard deviation of close-to-close log returns.
    CloseToClose,
    /// Parkinson (high-low).
    Parkinson,
    /// Garman-Klass.
    GarmanKlass,
    /// Rogers-Satchell.
    RogersSatchell,
    /// Yang-Zhang.
    YangZhang,
}

impl From<RangeEstimatorName> for RangeEstimator {
    fn from(e: RangeEstimatorName) -> Self {
        match e {
            RangeEstimatorName::CloseToClose => Self::CloseToClose,
            RangeEstimatorName::Parkinson => Self::Parkinson,
            RangeEstimatorName::GarmanKlass => Self::GarmanKlass,
            RangeEstimatorName::RogersSatchell => Self::RogersSatchell,
            RangeEstimatorName::YangZhang => Self::YangZhang,
        }
    }
}

/// Options of the rolling OHLC volatility estimators.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RangeVolOptions {
    /// Estimator; default `'yangZhang'`.
    pub estimator: Option<RangeEstimatorName>,
    /// Window in bars; default 20.
    pub window: Option<u32>,
    /// Periods per year to annualise (e.g. 252); default 1 (per-period volatility).
    pub annualization: Option<f64>,
}

/// A window argument (≥ 1) as `usize`.
///
/// # Errors
/// `ERR_INVALID_ARG` for 0.
pub fn window(w: u32, what: &str) -> Result<usize> {
    if w == 0 {
        return Err(invalid_arg(format!("{what} must be at least 1")));
    }
    Ok(w as usize)
}

/// How VPIN estimates the standard deviation of price changes.
#[napi(string_enum = "camelCase")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigmaModeName {
    /// A given value (`sigma`).
    Fixed,
    /// Standard deviation of all price changes so far (streaming default).
    Expanding,
    /// Exponentially weighted RMS with decay `ewmaLambda`.
    Ewma,
    /// Full-sample standard deviation (batch `vpin` only; its default).
    Sample,
}

/// Options of VPIN.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct VpinConfig {
    /// Volume per bucket (> 0), e.g. average daily volume / 50.
    pub bucket_volume: f64,
    /// Buckets in the VPIN window; default 50.
    pub window: Option<u32>,
    /// σ estimation; default `'expanding'` (streaming) or `'sample'` (batch).
    pub sigma_mode: Option<SigmaModeName>,
    /// σ for `sigmaMode: 'fixed'`.
    pub sigma: Option<f64>,
    /// Decay for `sigmaMode: 'ewma'`, in (0, 1).
    pub ewma_lambda: Option<f64>,
    /// VPIN values kept for the CDF (streaming); default 5000, 0 disables.
    pub cdf_history: Option<u32>,
}

/// The σ mode of VPIN options; `None` means the full-sample σ (batch only).
///
/// # Errors
/// `ERR_INVALID_ARG` for a missing `sigma`/`ewmaLambda`, or `'sample'` where not allowed.
pub fn sigma_mode(
    o: &VpinConfig,
    streaming: bool,
) -> Result<Option<tachyon_models::vpin::SigmaMode>> {
    use tachyon_models::vpin::SigmaMode;
    let default = if streaming {
        SigmaModeName::Expanding
    } else {
        SigmaModeName::Sample
    };
    let mode = o.sigma_mode.unwrap_or(if o.sigma.is_some() {
        SigmaModeName::Fixed
    } else {
        default
    });
    Ok(match mode {
        SigmaModeName::Fixed => {
            Some(SigmaMode::Fixed(o.sigma.ok_or_else(|| {
                invalid_arg("sigmaMode 'fixed' needs sigma")
            })?))
        }
        SigmaModeName::Expanding => Some(SigmaMode::Expanding),
        SigmaModeName::Ewma => {
            Some(SigmaMode::Ewma(o.ewma_lambda.ok_or_else(|| {
                invalid_arg("sigmaMode 'ewma' needs ewmaLambda")
            })?))
        }
        SigmaModeName::Sample if streaming => {
            return Err(invalid_arg(
                "sigmaMode 'sample' needs the whole series: use vpin() or a fixed sigma",
            ))
        }
        SigmaModeName::Sample => None,
    })
}

/// Options of a DCC fit.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct DccFitOptions {
    /// The univariate model of every asset; default GARCH(1,1), Normal, constant mean.
    pub univariate: Option<GarchSpecOptions>,
    /// Fit options (applied to both steps).
    pub fit: Option<ModelFitOptions>,
}

/// Validated DCC options.
///
/// # Errors
/// As [`GarchSpec::try_from`] and [`fit_options`].
pub fn dcc_options(o: &Option<DccFitOptions>) -> Result<tachyon_models::dcc::DccOptions> {
    let d = DccFitOptions::default();
    let o = o.as_ref().unwrap_or(&d);
    let univariate = GarchSpec::try_from(
        o.univariate
            .as_ref()
            .unwrap_or(&GarchSpecOptions::default()),
    )?;
    let uf = fit_options(&o.fit)?;
    Ok(tachyon_models::dcc::DccOptions {
        univariate,
        univariate_fit: uf,
        optim: uf.optim,
    })
}
