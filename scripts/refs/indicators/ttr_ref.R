# Reference values from R's TTR for the tachyon-indicators conformance tests.
# Usage: Rscript scripts/refs/indicators/ttr_ref.R <bars.csv> <out.csv>
# Reads the bars exported next to the fixture and writes one column per TTR output
# (full precision, NA where TTR has no value). Parameters are the classic defaults.
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(TTR))
b <- read.csv(args[1], colClasses = c("character", rep("numeric", 5)))
hlc <- cbind(b$high, b$low, b$close)
hl <- cbind(b$high, b$low)
tp <- apply(hlc, 1, mean)
macd <- MACD(b$close, 12, 26, 9, percent = FALSE)
bb <- BBands(b$close, n = 20, sd = 2)
atr <- ATR(hlc, n = 14)
adx <- ADX(hlc, n = 14)
st <- stoch(hlc, nFastK = 14, nFastD = 3, nSlowD = 3)
kc <- keltnerChannels(hlc, n = 20, atr = 2)
dc <- DonchianChannel(hl, n = 20)
out <- data.frame(
  sma20 = SMA(b$close, 20),
  ema20 = EMA(b$close, 20),
  wma20 = WMA(b$close, 20),
  rsi14 = RSI(b$close, 14),
  macd = macd[, "macd"], macd_signal = macd[, "signal"],
  bb_lower = bb[, "dn"], bb_middle = bb[, "mavg"], bb_upper = bb[, "up"], bb_pctb = bb[, "pctB"],
  atr14 = atr[, "atr"],
  plus_di14 = adx[, "DIp"], minus_di14 = adx[, "DIn"], dx14 = adx[, "DX"], adx14 = adx[, "ADX"],
  # TTR returns fractions; the indicators use percent.
  fastk14 = 100 * st[, "fastK"], fastd3 = 100 * st[, "fastD"], slowd3 = 100 * st[, "slowD"],
  wpr14 = -100 * WPR(hlc, 14),
  obv = OBV(b$close, b$volume),
  cci20 = CCI(hlc, 20),
  mfi14 = MFI(hlc, b$volume, 14),
  vwap10 = VWAP(tp, b$volume, 10),
  kc_lower = kc[, "dn"], kc_middle = kc[, "mavg"], kc_upper = kc[, "up"],
  dc_upper = dc[, "high"], dc_middle = dc[, "mid"], dc_lower = dc[, "low"]
)
out[] <- lapply(out, function(col) ifelse(is.na(col), "", sprintf("%.17g", as.numeric(col))))
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
