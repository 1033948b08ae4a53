# Renders vignettes to HTML in demo/ and prints each file's path, in the
# order given (`make demo` gives the main report last).
args <- commandArgs(trailingOnly = TRUE)
inputs <- if (length(args)) args else "vignettes/gpu-report.Rmd"
dir.create("demo", showWarnings = FALSE)
for (input in inputs) {
  out <- rmarkdown::render(input, output_dir = "demo", quiet = TRUE,
                           envir = new.env(parent = globalenv()))
  cat(normalizePath(out), "\n", sep = "")
}
