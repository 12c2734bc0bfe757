#!/usr/bin/env Rscript
# Reference fixtures for GARCH(1,1) with Normal and standardised Student-t ("std") errors from
# R fGarch's garchFit, on the S&P 500 percent returns exported by garch_arch.py
# (crates/models/tests/fixtures/sp500_returns.csv).
#
# Conventions (what tachyon must match to compare): constant mean (include.mean = TRUE),
# fGarch's "mci" recursion start h_1 = omega + (alpha + beta) * mean((r - mu)^2) with the current
# mu (tachyon VarianceInit::FGarch), likelihood from the first observation (llh.start = 1),
# default algorithm ("sqp"), default Hessian ("ropt"). fGarch reports the *negative*
# log-likelihood in fit@fit$llh; the fixture stores loglik = -llh. Note fGarch bounds the
# Student-t shape to [1, 10].
#
# Run:  Rscript scripts/refs/models/garch_fgarch.R
suppressMessages(library(fGarch))

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
root <- normalizePath(file.path(here, "..", "..", ".."))
fix <- file.path(root, "crates", "models", "tests", "fixtures")
all <- read.csv(file.path(fix, "sp500_returns.csv"))$ret

num <- function(x) formatC(x, digits = 17, format = "g")
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
str <- function(x) paste0("\"", x, "\"")

cases <- c()
for (window in c("last2000", "all")) {
  x <- if (window == "last2000") tail(all, 2000) else all
  start <- length(all) - length(x)
  for (dist in c("norm", "std")) {
    f <- garchFit(~ garch(1, 1), data = x, cond.dist = dist, trace = FALSE)
    cf <- coef(f)
    nm <- sub("alpha1", "alpha", sub("beta1", "beta", sub("shape", "nu", names(cf))))
    h <- f@h.t
    idx <- c(1, 2, 3, 101, length(x) - 1, length(x))
    cases <- c(cases, paste0(
      "{\"name\": ", str(paste0("fgarch_", dist, "_", window)),
      ", \"kind\": \"garch\", \"dist\": ", str(if (dist == "norm") "normal" else "t"),
      ", \"mean\": \"constant\", \"init\": \"fgarch\"",
      ", \"start\": ", start, ", \"nobs\": ", length(x),
      ", \"names\": [", paste(str(nm), collapse = ", "), "]",
      ", \"params\": ", vec(unname(cf)),
      ", \"loglik\": ", num(-f@fit$llh),
      ", \"std_errors\": ", vec(unname(f@fit$se.coef)),
      ", \"ics_per_obs\": ", vec(unname(f@fit$ics[c("AIC", "BIC")])),
      ", \"variance_index\": ", vec(idx - 1),
      ", \"variances\": ", vec(h[idx]),
      "}"))
  }
}

out <- paste0(
  "{\"source\": {\"generator\": \"scripts/refs/models/garch_fgarch.R\", ",
  "\"command\": \"Rscript scripts/refs/models/garch_fgarch.R\", ",
  "\"packages\": {\"fGarch\": ", str(as.character(packageVersion("fGarch"))),
  ", \"R\": ", str(R.version.string), "}, ",
  "\"data\": \"sp500_returns.csv (arch.data.sp500, 100 x pct_change of Adj Close); 'last2000' = ",
  "its last 2000 returns, 'all' = all of them\", ",
  "\"conventions\": \"garchFit(~garch(1,1), cond.dist = norm|std), include.mean = TRUE, init.rec = mci, ",
  "algorithm sqp, hessian ropt; loglik = -fit@fit$llh; ics_per_obs = fGarch's AIC, BIC divided by n; ",
  "std_errors = fit@fit$se.coef (inverse Hessian); variance_index is 0-based\"}, ",
  "\"cases\": [\n", paste(cases, collapse = ",\n"), "\n]}\n")
writeLines(out, file.path(fix, "garch_fgarch.json"))
cat(out)
