# R references for multiple testing (p.adjust) and isotonic regression (isoreg), for the
# inputs in the JSON file given as the first argument (written by multitest_isotonic.py).
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "r_json.R"))
input <- fromJSON(commandArgs(trailingOnly = TRUE)[1], simplifyVector = TRUE)
adj <- list()
for (name in names(input$p)) {
  p <- input$p[[name]]
  adj[[name]] <- list(
    bonferroni = p.adjust(p, "bonferroni"), holm = p.adjust(p, "holm"),
    hochberg = p.adjust(p, "hochberg"), BH = p.adjust(p, "BH"), BY = p.adjust(p, "BY"))
}
iso <- list()
for (name in names(input$iso)) {
  d <- input$iso[[name]]
  fit <- isoreg(d$x, d$y)
  # yf is in the order of sorted x (fit$ord); map back to the input order.
  yf <- numeric(length(d$x))
  yf[if (is.null(fit$ord)) seq_along(d$x) else fit$ord] <- fit$yf
  iso[[name]] <- yf
}
emit(list(R = R.version.string, p_adjust = adj, isoreg = iso), auto_unbox = FALSE)
