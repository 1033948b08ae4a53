# The report vignette (what `make demo` shows) renders to HTML with its plots
# inside the file as PNG images.

vignette_source <- function(name) {
  paths <- c(
    test_path("..", "..", "vignettes", name), # a source checkout
    system.file("doc", name, package = "torchbridge") # an installed package with its vignettes
  )
  paths <- paths[nzchar(paths) & file.exists(paths)]
  if (!length(paths)) skip(paste("the source of", name, "is not available"))
  paths[[1]]
}

test_that("the GPU report renders, with every plot as an embedded PNG", {
  skip_if_no_torch()
  skip_if_not_installed("ggplot2")
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available("1.14"), "pandoc is not available")
  source <- vignette_source("gpu-report.Rmd")
  dir <- withr::local_tempdir()
  input <- file.path(dir, "gpu-report.Rmd")
  file.copy(source, input)
  out <- rmarkdown::render(input, output_dir = dir, quiet = TRUE, envir = new.env(parent = globalenv()))
  expect_identical(basename(out), "gpu-report.html")
  html <- paste(readLines(out, warn = FALSE), collapse = "\n")

  # one <img> with a base64 PNG per chunk that draws (each has fig.alt)
  rmd <- readLines(source, warn = FALSE)
  alts <- regmatches(rmd, regexpr('fig.alt = "[^"]*"', rmd))
  alts <- sub('^fig.alt = "(.*)"$', "\\1", alts)
  expect_identical(length(alts), 10L)
  imgs <- regmatches(html, gregexpr('<img src="data:image/png;base64,[A-Za-z0-9+/=]+"[^>]*>', html))[[1]]
  expect_identical(length(imgs), length(alts))
  found <- sub('.*alt="([^"]*)".*', "\\1", imgs)
  expect_identical(found, alts)
  expect_false(grepl('<img src="[^d]', html)) # no image left outside the file

  # the tables, and the results that show the computations worked
  has <- function(text) grepl(text, html, fixed = TRUE)
  expect_identical(lengths(regmatches(html, gregexpr("<table", html, fixed = TRUE))), 4L)
  expect_true(has("<caption>Devices torch can use</caption>"))
  expect_true(has("<caption>Timings on "))
  expect_true(has("<td align=\"left\">mtcars: 300 autograd steps</td>"))
  # torch's k-means agrees with kmeans(), its model with lm()
  expect_true(has("#&gt;     1  98   0") && has("#&gt;     2   0 174"))
  expect_true(has("<td align=\"right\">-3.7943</td>\n<td align=\"right\">-3.7943</td>"))
  expect_true(has("averaged the 2000 x 2000 tensor over blocks of 4 x 4 values"))
  expect_false(has("## Error"))
})
