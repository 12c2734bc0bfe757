# Shared by the R reference scripts: JSON output with every number printed to 17 significant
# digits (as a string; series.py's run_r converts them back), since jsonlite stops at 15.
suppressMessages(library(jsonlite))
num17 <- function(x) {
  if (is.list(x)) return(lapply(x, num17))
  if (is.numeric(x)) return(sprintf("%.17g", x))
  x
}
emit <- function(x, auto_unbox = TRUE) cat(toJSON(num17(x), auto_unbox = auto_unbox))
