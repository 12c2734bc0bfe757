#!/usr/bin/env Rscript
# Times R fGarch's garchFit(~garch(1,1)) (Normal errors, defaults: sqp, Hessian "ropt", standard
# errors) on the last 2,000 S&P 500 percent returns of
# crates/models/tests/fixtures/sp500_returns.csv — the anchor of tachyon's GARCH fit floor
# (bench/BENCHMARKS.md). Prints one JSON line: median / p10 / p90 milliseconds over `reps` fits
# and the log-likelihood, so the bench can check both sides fit the same model.
#
# Run:  Rscript scripts/refs/models/time_fgarch.R [reps=60]
suppressMessages(library(fGarch))
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
root <- normalizePath(file.path(here, "..", "..", ".."))
reps <- as.integer(c(commandArgs(trailingOnly = TRUE), "60")[1])
x <- tail(read.csv(file.path(root, "crates", "models", "tests", "fixtures", "sp500_returns.csv"))$ret, 2000)
f <- garchFit(~ garch(1, 1), data = x, trace = FALSE) # warm-up (byte compilation, dispatch)
ms <- numeric(reps)
for (i in seq_len(reps)) {
  t0 <- proc.time()[["elapsed"]]
  f <- garchFit(~ garch(1, 1), data = x, trace = FALSE)
  ms[i] <- 1000 * (proc.time()[["elapsed"]] - t0)
}
q <- quantile(ms, c(0.1, 0.5, 0.9), names = FALSE)
cat(sprintf("{\"anchor\": \"R fGarch %s garchFit(~garch(1,1)), n = %d\", \"reps\": %d, \"p10_ms\": %.3f, \"median_ms\": %.3f, \"p90_ms\": %.3f, \"loglik\": %.10f}\n",
            as.character(packageVersion("fGarch")), length(x), reps, q[1], q[2], q[3], -f@fit$llh))
