# Runs the testthat suite against the installed package and prints
# "testthat: N passed, N failed[, N skipped]" (tests, i.e. test_that() blocks).
# Exits non-zero when a test failed.
library(testthat)
# Snapshot tests run here (testthat skips them "on CRAN" otherwise).
Sys.setenv(NOT_CRAN = "true")
res <- testthat::test_dir(
  "tests/testthat",
  package = "torchbridge",
  load_package = "installed",
  reporter = testthat::ProgressReporter$new(show_praise = FALSE),
  stop_on_failure = FALSE
)
df <- as.data.frame(res)
failed <- sum(df$failed > 0 | df$error)
skipped <- sum(df$skipped & !(df$failed > 0 | df$error))
passed <- nrow(df) - failed - skipped
cat(sprintf("testthat: %d passed, %d failed, %d skipped\n", passed, failed, skipped))
quit(status = if (failed > 0) 1 else 0)
