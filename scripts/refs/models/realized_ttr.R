#!/usr/bin/env Rscript
# Reference fixture for the rolling OHLC volatility estimators: R TTR's volatility() on TTR's
# bundled daily OHLC data set `ttrc`, window n = 20, annualisation N = 260 (TTR's default).
# Writes crates/models/tests/fixtures/range_vol_ttr.csv with the OHLC bars and one column per
# estimator (empty = NA = warm-up), and range_vol_ttr.json with the provenance.
#
# Run:  Rscript scripts/refs/models/realized_ttr.R
suppressMessages(library(TTR))
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("--file=", "", args[grep("--file=", args)])))
root <- normalizePath(file.path(here, "..", "..", ".."))
fix <- file.path(root, "crates", "models", "tests", "fixtures")
data(ttrc)
d <- head(ttrc, 1500)
ohlc <- as.matrix(d[, c("Open", "High", "Low", "Close")])
n <- 20
N <- 260
out <- data.frame(date = format(d$Date), open = d$Open, high = d$High, low = d$Low, close = d$Close)
cols <- c(close_to_close = "close", parkinson = "parkinson", garman_klass = "garman.klass",
          rogers_satchell = "rogers.satchell", yang_zhang = "yang.zhang")
for (name in names(cols)) {
  out[[name]] <- as.numeric(volatility(ohlc, n = n, calc = cols[[name]], N = N))
}
fmt <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
for (name in names(out)[-1]) out[[name]] <- fmt(out[[name]])
write.csv(out, file.path(fix, "range_vol_ttr.csv"), row.names = FALSE, quote = FALSE)
writeLines(sprintf(paste0(
  "{\"generator\": \"scripts/refs/models/realized_ttr.R\", \"command\": \"Rscript scripts/refs/models/realized_ttr.R\", ",
  "\"packages\": {\"TTR\": \"%s\", \"R\": \"%s\"}, \"data\": \"TTR::ttrc (first 1500 daily bars)\", ",
  "\"conventions\": \"volatility(OHLC, n = 20, calc, N = 260, mean0 = FALSE); columns close_to_close, parkinson, garman_klass, ",
  "rogers_satchell, yang_zhang; empty = NA (warm-up)\"}"),
  as.character(packageVersion("TTR")), R.version.string), file.path(fix, "range_vol_ttr.json"))
cat("ok\n")
