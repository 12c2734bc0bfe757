# Jarque-Bera (tseries::jarque.bera.test) and Ljung-Box / Box-Pierce (stats::Box.test) for the
# series in the JSON file given as the first argument (written by diagnostics.py).
suppressMessages(library(tseries))
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "r_json.R"))
input <- fromJSON(commandArgs(trailingOnly = TRUE)[1])
jb <- list(); lb <- list()
for (name in names(input$series)) {
  x <- input$series[[name]]
  t <- jarque.bera.test(x)
  jb[[name]] <- list(statistic = unname(t$statistic), p_value = unname(t$p.value))
  for (fitdf in input$model_df) {
    q <- c(); p <- c(); qb <- c(); pb <- c()
    for (m in seq_len(input$max_lag)) {
      if (m > fitdf) {
        a <- Box.test(x, lag = m, type = "Ljung-Box", fitdf = fitdf)
        b <- Box.test(x, lag = m, type = "Box-Pierce", fitdf = fitdf)
        q <- c(q, unname(a$statistic)); p <- c(p, a$p.value)
        qb <- c(qb, unname(b$statistic)); pb <- c(pb, b$p.value)
      }
    }
    lb[[length(lb) + 1]] <- list(series = name, model_df = fitdf, first_lag = fitdf + 1,
                                 statistic = q, p_value = p, box_pierce = qb, box_pierce_p_value = pb)
  }
}
emit(list(tseries = as.character(packageVersion("tseries")), R = R.version.string,
                jarque_bera = jb, ljung_box = lb))
