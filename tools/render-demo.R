# Renders a vignette to HTML in demo/ and prints the file's path last.
args <- commandArgs(trailingOnly = TRUE)
input <- if (length(args)) args[[1]] else "vignettes/gpu-report.Rmd"
dir.create("demo", showWarnings = FALSE)
out <- rmarkdown::render(input, output_dir = "demo", quiet = TRUE,
                         envir = new.env(parent = globalenv()))
cat(normalizePath(out), "\n", sep = "")
