# knit_print() for tensors: an R Markdown document rendered through knitr and
# pandoc shows the header line and, for 1-D and 2-D tensors, a table.

test_that("knit_print() is registered for tensors when knitr loads", {
  skip_if_not_installed("knitr")
  loadNamespace("knitr")
  method <- utils::getS3method("knit_print", "torch.Tensor", optional = TRUE, envir = asNamespace("knitr"))
  expect_identical(method, torchbridge:::knit_print.torch.Tensor)
})

test_that("knit_print() gives the header and a table of the first rows and columns", {
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
  expect_identical(v[-1], c("`torch.Tensor float32 (2) cpu`", "", "|    | value|", "|:---|-----:|",
                            "|[1] |  0.50|", "|[2] |  1.25|"))
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
