# Tensors restored from an earlier R session (readRDS(), knitr's cache) and
# the cache packing for knitr's knit_cache_hook(). Sessions are fresh R
# processes (helper-fresh-r.R).

# A file written by saveRDS() of the value of R code `code` in another R
# session.
saved_in_other_session <- function(code) {
  path <- withr::local_tempfile(fileext = ".rds", .local_envir = parent.frame())
  in_fresh_r(function() {
    library(torchbridge)
    saveRDS(eval(parse(text = Sys.getenv("TB_TEST_CODE"))), Sys.getenv("TB_TEST_PATH"))
    TRUE
  }, env = c(TB_TEST_PATH = path, TB_TEST_CODE = code))
  path
}

test_that("a tensor from readRDS() of another session is a torchbridge_error_stale wherever it is used", {
  skip_if_no_torch()
  path <- saved_in_other_session("list(t = as_torch(matrix(1:6, 2)))")
  t <- readRDS(path)$t
  expect_true(inherits(t, "torch.Tensor"))
  uses <- list(
    print = function() print(t), format = function() format(t), from_torch = function() from_torch(t),
    as_torch = function() as_torch(t), ops = function() t + 1, math = function() sqrt(t),
    summary = function() sum(t), index = function() t[1], dim = function() dim(t),
    length = function() length(t), to_device = function() to_device(t, "cpu"),
    tensor_data = function() tensor_data(t), dollar = function() t$shape,
    method = function() t$add(1L), list = function() from_torch(list(a = t)),
    write_pt = function() write_pt(t, tempfile(fileext = ".pt")),
    write_pt_list = function() write_pt(list(a = t), tempfile(fileext = ".pt")),
    write_safetensors = function() write_safetensors(list(a = t), tempfile(fileext = ".safetensors")),
    double_bracket = function() t[["shape"]]
  )
  for (name in names(uses)) {
    # tryCatch(), not expect_error(): testthat describes the failing call's
    # arguments, which for a stale tensor fails again.
    err <- tryCatch(uses[[name]](), error = identity)
    expect_s3_class(err, "torchbridge_error_stale")
    expect_match(conditionMessage(err), "Can't use a tensor from an earlier R session", fixed = TRUE, info = name)
  }
  expect_snapshot(from_torch(t), error = TRUE)
  expect_snapshot(from_torch(list(a = t)), error = TRUE)
})

test_that("`$` on a live tensor is reticulate's, unchanged", {
  skip_if_no_torch()
  t <- as_torch(matrix(1:6, 2))
  expect_identical(reticulate::py_to_r(t$dim()), 2L)
  expect_identical(from_torch(t$add(1L)), matrix(2:7, 2))
  expect_s3_class(t$shape, "python.builtin.object")
})

# The loader knit_cache_hook() returns, saved as knitr would save it, called
# in another session.
restored_in_other_session <- function(t) {
  loader <- torchbridge:::knit_cache_hook.torch.Tensor(t, "t", tempfile())
  expect_s3_class(loader, "knit_cache_loader")
  expect_identical(ls(environment(loader)), "packed")
  path <- withr::local_tempfile(fileext = ".rds")
  saveRDS(loader, path)
  in_fresh_r(function() {
    t <- readRDS(Sys.getenv("TB_TEST_PATH"))()
    list(
      value = torchbridge::from_torch(t$detach(), int64 = "double"),
      dtype = reticulate::py_str(t$dtype),
      shape = reticulate::py_str(t$shape),
      device = reticulate::py_str(t$device),
      requires_grad = reticulate::py_to_r(t$requires_grad),
      leaf = reticulate::py_to_r(t$is_leaf)
    )
  }, env = c(TB_TEST_PATH = path))
}

test_that("knit_cache_hook() packs a tensor whole: values, dtype, shape, device and requires_grad", {
  skip_if_no_torch()
  cases <- list(
    list(x = array(c(1.5, NA, -3, Inf, 0, 2), c(1, 2, 3)), dtype = "float32", grad = TRUE),
    list(x = c(0.1, NA, 1e300), dtype = "float64", grad = FALSE),
    list(x = c(1, 2.5, -4), dtype = "bfloat16", grad = FALSE),
    list(x = c(2^40, -7), dtype = "int64", grad = FALSE),
    list(x = matrix(c(TRUE, FALSE, TRUE, TRUE), 2), dtype = "bool", grad = FALSE),
    list(x = c(1 + 2i, -1i), dtype = "complex64", grad = FALSE),
    list(x = numeric(0), dtype = "float32", grad = FALSE)
  )
  for (case in cases) {
    t <- as_torch(case$x, dtype = case$dtype, requires_grad = case$grad)
    out <- restored_in_other_session(t)
    expected <- from_torch(t$detach(), int64 = "double")
    expect_identical(out$value, expected, info = case$dtype)
    expect_identical(out$dtype, reticulate::py_str(t$dtype), info = case$dtype)
    expect_identical(out$shape, reticulate::py_str(t$shape), info = case$dtype)
    expect_identical(out$device, "cpu")
    expect_identical(out$requires_grad, case$grad)
    expect_true(out$leaf)
  }
})

test_that("a cached tensor's view is packed as its own values, not its base's", {
  skip_if_no_torch()
  base <- as_torch(matrix(as.numeric(1:12), 3), dtype = "float64")
  view <- base$t()$narrow(0L, 1L, 2L)
  out <- restored_in_other_session(view)
  expect_identical(out$value, from_torch(view))
  expect_identical(out$shape, "torch.Size([2, 3])")
})

test_that("a cached tensor from a device this machine lacks comes back on the CPU; a damaged entry is a classed error", {
  skip_if_no_torch()
  loader <- torchbridge:::knit_cache_hook.torch.Tensor(as_torch(c(1, 2)), "t", tempfile())
  packed <- environment(loader)$packed
  packed$device <- "cuda:7"
  t <- torchbridge:::cache_loader(packed)()
  expect_identical(reticulate::py_str(t$device), "cpu")
  expect_identical(from_torch(t), c(1, 2))
  packed$data <- "not bytes"
  expect_error(torchbridge:::cache_loader(packed)(), class = "torchbridge_error_file")
  packed$data <- as.raw(1:10)
  expect_error(torchbridge:::cache_loader(packed)(), class = "torchbridge_error")
})

test_that("a stale tensor can't be packed", {
  skip_if_no_torch()
  path <- saved_in_other_session("as_torch(1:3)")
  expect_error(torchbridge:::knit_cache_hook.torch.Tensor(readRDS(path), "t", tempfile()),
               class = "torchbridge_error_stale")
})

test_that("an R Markdown chunk with cache = TRUE: the next render's cached tensor is a stale error, its R values work", {
  skip_if_no_torch()
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  dir <- withr::local_tempdir()
  writeLines(c(
    "---", "title: cached", "---", "",
    "```{r setup}", "library(torchbridge)", "```", "",
    "```{r fit, cache = TRUE}", "t <- as_torch(c(1, 2, 3)) * 2", "values <- from_torch(t)", "```", "",
    "```{r use, error = TRUE}", "cat('values:', values, '\\n')", "from_torch(t)", "```"
  ), file.path(dir, "doc.Rmd"))
  render <- function() {
    in_fresh_r(function() {
      out <- rmarkdown::render(file.path(Sys.getenv("TB_TEST_DIR"), "doc.Rmd"),
                               output_format = rmarkdown::md_document(variant = "gfm"), quiet = TRUE)
      readLines(out)
    }, env = c(TB_TEST_DIR = dir))
  }
  first <- render()
  expect_true(any(grepl("values: 2 4 6", first, fixed = TRUE)))
  expect_true(any(grepl("## [1] 2 4 6", first, fixed = TRUE)))
  expect_true(dir.exists(file.path(dir, "doc_cache")))
  second <- render()
  expect_true(any(grepl("values: 2 4 6", second, fixed = TRUE)))
  expect_true(any(grepl("Can't use a tensor from an earlier R session.", second, fixed = TRUE)))
  expect_false(any(grepl("torch raised an error", second, fixed = TRUE)))
})
