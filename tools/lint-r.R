# `make lint`, R part: lintr over R/ with the project's .lintr. Lines may
# be long (cli messages are kept whole so they can be searched for),
# method names follow R's generics (knit_print.torch.Tensor), cli's glue
# strings use variables lintr can't see, and complexity is judged in
# review: those linters are off; every other default linter is on.
# Exits non-zero on a finding.
if (!requireNamespace("lintr", quietly = TRUE)) {
  message("lintr is not installed (Debian: r-cran-lintr); R code not linted.")
  quit(status = 1)
}
found <- lintr::lint_dir("R")
if (length(found)) {
  print(found)
  quit(status = 1)
}
cat("lintr: R/ is clean\n")
