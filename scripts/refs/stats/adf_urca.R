# ADF statistics from R urca::ur.df at fixed lags, for the series in the JSON file given as the
# first argument (written by adf.py). Prints JSON to stdout.
suppressMessages(library(urca))
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "r_json.R"))
args <- commandArgs(trailingOnly = TRUE)
input <- fromJSON(args[1])
out <- list()
for (name in names(input$series)) {
  x <- input$series[[name]]
  for (type in c("none", "drift", "trend")) {
    for (k in input$lags) {
      t <- ur.df(x, type = type, lags = k, selectlags = "Fixed")
      out[[length(out) + 1]] <- list(series = name, type = type, lags = k,
                                     statistic = unname(t@teststat[1]))
    }
  }
}
emit(list(urca = as.character(packageVersion("urca")), R = R.version.string,
                cases = out))
