# Exports TTR's bundled real daily OHLCV data set `ttrc` (5550 bars, 1985-2006) as the bars
# the indicator fixtures are computed on. First 2500 bars keep the fixtures small.
# Usage: Rscript scripts/refs/indicators/export_ttrc.R <out.csv>
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(TTR))
data(ttrc)
x <- head(ttrc, 2500)
out <- data.frame(date = format(x$Date), open = x$Open, high = x$High, low = x$Low,
                  close = x$Close, volume = x$Volume)
write.csv(out, args[1], row.names = FALSE, quote = FALSE)
