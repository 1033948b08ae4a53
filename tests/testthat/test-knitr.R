# knit_print() for tensors: an R Markdown document rendered through knitr and
# pandoc shows the header line and, for 1-D and 2-D tensors, a table.

test_that("knit_print() is registered for tensors when knitr loads", {
  skip_if_not_installed("knitr")
  expect_registered("knit_print", "knitr")
})

test_that("knit_print() gives the header and, for 2-D, a table of the first rows and columns", {
  skip_if_no_torch()
  skip_if_not_installed("knitr")
  out <- knitr::knit_print(as_torch(matrix(1:36, 12)))
  expect_s3_class(out, "knit_asis")
  lines <- strsplit(unclass(out), "\n", fixed = TRUE)[[1]]
  expect_identical(lines[2], "`torch.Tensor int64 (12, 3) cpu`")
  expect_identical(lines[4], "|      | [,1]| [,2]| [,3]|")
  expect_identical(lines[6], "|[1,]  |    1|   13|   25|")
  expect_identical(lines[15], "|[10,] |   10|   22|   34|")
  expect_identical(lines[17], "Showing the first 10 of 12 rows and 3 of 3 columns.")
  expect_length(lines, 17)
  v <- strsplit(unclass(knitr::knit_print(as_torch(c(0.5, 1.25)))), "\n", fixed = TRUE)[[1]]
  expect_identical(v[-1], c("`torch.Tensor float32 (2) cpu`", "", "```", "[1] 0.50 1.25", "```"))
  a <- strsplit(unclass(knitr::knit_print(as_torch(array(1:8, c(2, 2, 2))))), "\n", fixed = TRUE)[[1]]
  expect_identical(a[2:5], c("`torch.Tensor int64 (2, 2, 2) cpu`", "", "```", "(1,.,.) ="))
})

test_that("a tensor in an R Markdown document renders as a header and a table", {
  skip_if_no_torch()
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  dir <- withr::local_tempdir()
  rmd <- file.path(dir, "tensor.Rmd")
  writeLines(c(
    "---",
    "title: Tensors",
    "---",
    "",
    "```{r}",
    "library(torchbridge)",
    "x <- as_torch(matrix(c(1.5, -2, 3, 4), 2))",
    "x",
    "as_torch(1:3) * 2L",
    "```"
  ), rmd)
  out <- rmarkdown::render(rmd, output_format = rmarkdown::md_document(variant = "gfm"),
                           quiet = TRUE, envir = new.env())
  md <- readLines(out)
  expect_true("`torch.Tensor float32 (2, 2) cpu`" %in% md)
  expect_true("`torch.Tensor int64 (3) cpu`" %in% md)
  table_start <- which(md == "`torch.Tensor float32 (2, 2) cpu`") + 2
  expect_identical(md[table_start:(table_start + 3)], c(
    "|        | \\[,1\\] | \\[,2\\] |",
    "|:-------|-------:|-------:|",
    "| \\[1,\\] |    1.5 |    3.0 |",
    "| \\[2,\\] |   -2.0 |    4.0 |"
  ))
})

# What knit_print() gives, as knitr inserts it into the document.
knit_text <- function(x, ...) unclass(knitr::knit_print(x, options = list(...)))
show_knit <- function(x, ...) cat(knit_text(x, ...))

test_that("a 1-D tensor shows as R prints a vector, in a code block", {
  skip_if_no_torch()
  skip_if_not_installed("knitr")
  withr::local_options(digits = 7)
  expect_snapshot({
    show_knit(as_torch(c(0.5, 1.25)))
    show_knit(as_torch(c(0.1, 1 / 3, -2, 1e6), dtype = "float64"))
    show_knit(as_torch(c(1.5, NA, NaN, -Inf)))
    show_knit(as_torch(c(1.5, NA, NaN, Inf), dtype = "float64"))
    show_knit(as_torch(c(3L, -7L, 120L)))
    show_knit(int64_tensor("[2**62, -1, 0]"))
    show_knit(as_torch(c(TRUE, FALSE, TRUE)))
    show_knit(as_torch(c(pi, exp(1)), dtype = "float16"))
  })
})

test_that("a long 1-D tensor shows its first values, wrapped with R's index prefixes", {
  skip_if_no_torch()
  skip_if_not_installed("knitr")
  withr::local_options(digits = 7)
  expect_snapshot({
    show_knit(as_torch(seq(0, 1, length.out = 100), dtype = "float64"))
    show_knit(as_torch(seq_len(2500L)))
    show_knit(as_torch(seq_len(2500L)), torchbridge.max_values = 45)
  })
  lines <- strsplit(knit_text(as_torch(seq_len(30L))), "\n", fixed = TRUE)[[1]]
  expect_false(any(grepl("Showing", lines, fixed = TRUE)))
})

test_that("a 1-D tensor wraps at getOption(\"width\")", {
  skip_if_no_torch()
  skip_if_not_installed("knitr")
  withr::local_options(width = 40)
  lines <- strsplit(knit_text(as_torch(1:30)), "\n", fixed = TRUE)[[1]]
  body <- lines[(which(lines == "```")[1] + 1):(which(lines == "```")[2] - 1)]
  expect_identical(body, utils::capture.output(print(1:30)))
  expect_true(all(nchar(body) <= 40))
})

test_that("digits follow getOption(\"digits\"); the chunk option torchbridge.digits wins", {
  skip_if_no_torch()
  skip_if_not_installed("knitr")
  x <- as_torch(c(pi, exp(1), -1 / 3), dtype = "float64")
  m <- as_torch(matrix(c(pi, exp(1), 1 / 3, 100), 2), dtype = "float64")
  withr::local_options(digits = 4)
  expect_snapshot({
    show_knit(x)
    show_knit(x, torchbridge.digits = 10)
    show_knit(x, torchbridge.digits = 2)
    show_knit(m, torchbridge.digits = 3)
    show_knit(as_torch(array(c(pi, 1:7), c(2, 2, 2)), dtype = "float64"), torchbridge.digits = 2)
    show_knit(torch_mod()$tensor(pi, dtype = torch_mod()$float64), torchbridge.digits = 3)
    show_knit(as_torch(c(pi, exp(1)), dtype = "float16"), torchbridge.digits = 10)
  })
  # float32 shows at most 9 digits, not its binary expansion as a double's
  tenth <- as_torch(c(0.1, 1 / 3), dtype = "float32")
  expect_match(knit_text(tenth, torchbridge.digits = 22), "[1] 0.100000001 0.333333343", fixed = TRUE)
  expect_match(knit_text(as_torch(0.1, dtype = "float64"), torchbridge.digits = 17), "0.10000000000000001", fixed = TRUE)
  withr::local_options(digits = 20)
  expect_match(paste(format(tenth), collapse = "\n"), "0.100000001 0.333333343", fixed = TRUE)
  withr::local_options(digits = 7)
  expect_match(knit_text(x), "[1]  3.1415927  2.7182818 -0.3333333", fixed = TRUE)
  # other options in the chunk do not matter
  expect_identical(knit_text(x, echo = FALSE, fig.width = 3), knit_text(x))
})

test_that("a 2-D tensor is a table, as before, with torchbridge.max_rows rows", {
  skip_if_no_torch()
  skip_if_not_installed("knitr")
  withr::local_options(digits = 7)
  expect_snapshot({
    show_knit(as_torch(matrix(c(1.5, NaN, -3, 4.25), 2)))
    show_knit(as_torch(matrix(1:60, 15)))
    show_knit(as_torch(matrix(1:60, 15)), torchbridge.max_rows = 2)
    show_knit(as_torch(matrix(c(TRUE, FALSE, TRUE, TRUE), 2)))
  })
})

test_that("chunk options of the wrong kind are torchbridge_error_arg", {
  skip_if_no_torch()
  skip_if_not_installed("knitr")
  x <- as_torch(c(1, 2))
  for (bad in list(0, 23, 2.5, "3", NA, c(3, 4))) {
    expect_error(knit_text(x, torchbridge.digits = bad), class = "torchbridge_error_arg")
  }
  expect_error(knit_text(x, torchbridge.max_values = 0), class = "torchbridge_error_arg")
  expect_error(knit_text(x, torchbridge.max_rows = TRUE), class = "torchbridge_error_arg")
  expect_snapshot(knit_text(x, torchbridge.digits = 23), error = TRUE)
  expect_snapshot(knit_text(x, torchbridge.max_values = "all"), error = TRUE)
})

# Devices and the set-up --------------------------------------------------------

fake_devices <- function() {
  structure(
    data.frame(
      device = c("cpu", "cuda:0", "cuda:1"),
      name = c("x86_64", "NVIDIA H200", "NVIDIA H200 | spare"),
      total_memory = c(134.5e9, 150.1e9, 150.1e9), free_memory = c(100.04e9, NA, NA),
      stringsAsFactors = FALSE
    ),
    class = c("torchbridge_devices", "data.frame")
  )
}

test_that("knit_print() is registered for torch_devices() and torchbridge_sitrep() results", {
  skip_if_not_installed("knitr")
  for (cls in c("torchbridge_devices", "torchbridge_sitrep")) expect_registered("knit_print", "knitr", cls)
})

test_that("devices show as a table with the memory in GB", {
  skip_if_not_installed("knitr")
  d <- fake_devices()
  expect_s3_class(knitr::knit_print(d), "knit_asis")
  expect_snapshot({
    show_knit(d)
    show_knit(d[2, ])
    show_knit(d[c("device", "name")])
  })
  # the data frame keeps its bytes
  expect_identical(d$total_memory, c(134.5e9, 150.1e9, 150.1e9))
})

test_that("torch_devices() in a document is a table with a cpu row", {
  skip_if_no_torch()
  skip_if_not_installed("knitr")
  lines <- strsplit(knit_text(torch_devices()), "\n", fixed = TRUE)[[1]]
  expect_match(lines[2], "^\\|device \\|name +\\| total memory\\| free memory\\|$")
  expect_match(lines[3], "^\\|:-+\\|:-+\\|-+:\\|-+:\\|$")
  expect_match(lines[4], "^\\|cpu +\\|.+\\| +[0-9]+\\.[0-9] GB\\| +[0-9]+\\.[0-9] GB\\|$")
  expect_length(lines, 3L + nrow(torch_devices()))
})

sitrep_fixture <- function() {
  structure(list(
    r = "R version 4.9.9 (2099-01-01)",
    reticulate = "1.99",
    compiled_helpers = TRUE,
    python = "/opt/venv_1/bin/python",
    python_version = "3.12.1",
    torch = "2.13.0+cu126",
    build = "cuda 12.6",
    numpy = NA_character_,
    threads = 1L,
    devices = fake_devices(),
    python_reason = "TORCHBRIDGE_PYTHON"
  ), class = "torchbridge_sitrep")
}

test_that("torchbridge_sitrep() results show as an item/value table and the devices", {
  skip_if_not_installed("knitr")
  expect_snapshot(show_knit(sitrep_fixture()))
  s <- list(
    r = "R version 4.9.9 (2099-01-01)", reticulate = "1.99", compiled_helpers = FALSE,
    error = "Can't find the Python module torch.\n\u2139 Run `install_torch()`.",
    python = NULL, python_reason = "TORCHBRIDGE_PYTHON"
  )
  expect_snapshot(show_knit(structure(s, class = "torchbridge_sitrep")))
})

test_that("in an HTML report a 1-D tensor is a vector in a code block, devices a table", {
  skip_if_no_torch()
  skip_if_not_installed("rmarkdown")
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  dir <- withr::local_tempdir()
  rmd <- file.path(dir, "vector.Rmd")
  writeLines(c(
    "---",
    "title: Vectors",
    "---",
    "",
    "```{r}",
    "library(torchbridge)",
    "as_torch(seq_len(40L) / 8, dtype = \"float64\")",
    "```",
    "",
    "```{r, torchbridge.digits = 3, torchbridge.max_values = 4}",
    "as_torch(c(pi, exp(1), NaN, -1 / 3, 5))",
    "torch_devices()",
    "```"
  ), rmd)
  withr::local_options(width = 80)
  out <- rmarkdown::render(rmd, output_format = rmarkdown::html_fragment(), quiet = TRUE, envir = new.env())
  html <- paste(readLines(out, warn = FALSE), collapse = "\n")
  has <- function(text) grepl(text, html, fixed = TRUE)
  expect_true(has(paste0(
    "<p><code>torch.Tensor float64 (40) cpu</code></p>\n<pre><code> [1] 0.125 0.250 0.375 0.500 ",
    "0.625 0.750 0.875 1.000 1.125 1.250 1.375 1.500\n[13] 1.625 1.750 ",
    "1.875 2.000 2.125 2.250 2.375 2.500 2.625 2.750 2.875 3.000\n[25] 3.125 3.250 3.375 3.500 ",
    "3.625 3.750</code></pre>\n<p>Showing the first 30 of 40 values.</p>"
  )))
  expect_true(has(paste0(
    "<p><code>torch.Tensor float32 (5) cpu</code></p>\n",
    "<pre><code>[1]  3.142  2.718    NaN -0.333</code></pre>\n",
    "<p>Showing the first 4 of 5 values.</p>"
  )))
  expect_true(has("<th align=\"right\">total memory</th>"))
  expect_match(html, "<td align=\"left\">cpu</td>\n<td align=\"left\">[^<]+</td>\n<td align=\"right\">[0-9]+\\.[0-9] GB</td>")
  expect_false(has("total_memory"))
})
