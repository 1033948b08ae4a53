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

# Renders `input` in a fresh R process (a new session, as a later render
# is); the HTML as one string.
render_html_in_fresh_r <- function(input) {
  in_fresh_r(function() {
    out <- rmarkdown::render(Sys.getenv("TB_TEST_INPUT"), quiet = TRUE, envir = new.env(parent = globalenv()))
    paste(readLines(out, warn = FALSE), collapse = "\n")
  }, env = c(TB_TEST_INPUT = input))
}

test_that("the R and Python chunks report renders, and its cached chunk replays on the next render", {
  skip_if_no_torch()
  skip_if_not_installed("ggplot2")
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available("1.14"), "pandoc is not available")
  source <- vignette_source("python-chunks.Rmd")
  dir <- withr::local_tempdir()
  input <- file.path(dir, "python-chunks.Rmd")
  file.copy(source, input)
  html <- render_html_in_fresh_r(input)
  has <- function(text, in_html = html) grepl(text, in_html, fixed = TRUE)

  rmd <- readLines(source, warn = FALSE)
  alts <- sub('^.*fig.alt = "([^"]*)".*$', "\\1", grep('fig.alt = "', rmd, value = TRUE))
  expect_identical(length(alts), 3L)
  imgs <- regmatches(html, gregexpr('<img src="data:image/png;base64,[A-Za-z0-9+/=]+"[^>]*>', html))[[1]]
  expect_identical(sub('.*alt="([^"]*)".*', "\\1", imgs), alts)
  expect_identical(lengths(regmatches(html, gregexpr("<table", html, fixed = TRUE))), 2L)
  expect_true(has("<caption>Final training loss per learning rate</caption>"))
  # Python ran in torchbridge's Python, on the chosen device, and its
  # results came back: the tb.r assignment, py$ tensors, the .pt file
  expect_true(has("#&gt; trained on cpu; best learning rate 0.1"))
  expect_true(has("#&gt; [1] 300   3")) # dim(py$losses)
  expect_true(has("#&gt;  $ epochs: int 300"))
  expect_true(has("#&gt; [1] 8 2")) # dim(saved$state$`0.weight`)
  expect_false(has("#&gt; Error") || has("## Error"))
  cached <- regmatches(html, regexpr("#&gt; bootstrap standard error of mean mpg: [0-9.]+", html))
  expect_length(cached, 1L)
  cache <- list.files(file.path(dir, "python-chunks_cache"), recursive = TRUE, full.names = TRUE)
  expect_true(any(grepl("bootstrap_", cache)))
  stamps <- file.mtime(cache)

  # The second render replays the cached chunk (its cache files are not
  # written again) and shows the same output; the others run again.
  again <- render_html_in_fresh_r(input)
  expect_true(has(cached, again))
  expect_true(has("#&gt; trained on cpu; best learning rate 0.1", again))
  expect_false(has("#&gt; Error", again) || has("## Error", again))
  expect_identical(list.files(file.path(dir, "python-chunks_cache"), recursive = TRUE, full.names = TRUE), cache)
  expect_identical(file.mtime(cache), stamps)
})
