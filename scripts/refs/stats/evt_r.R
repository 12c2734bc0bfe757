# GPD peaks-over-threshold fits with R evd::fpot for the data sets in the JSON file given as
# the first argument (written by evt.py), with tight optimiser settings.
suppressMessages(library(evd))
source(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE))), "r_json.R"))
input <- fromJSON(commandArgs(trailingOnly = TRUE)[1])
out <- list()
for (name in names(input$sets)) {
  d <- input$sets[[name]]
  f <- fpot(d$x, threshold = d$threshold, model = "gpd", std.err = TRUE,
            control = list(reltol = 1e-15, maxit = 10000, ndeps = c(1e-4, 1e-4)))
  out[[name]] <- list(scale = unname(f$estimate["scale"]), shape = unname(f$estimate["shape"]),
                      se_scale = unname(f$std.err["scale"]), se_shape = unname(f$std.err["shape"]),
                      log_likelihood = -f$deviance / 2, n_exceed = f$nhigh,
                      convergence = f$convergence)
}
emit(list(evd = as.character(packageVersion("evd")), R = R.version.string, fits = out))
