# R and Python chunks: tb.r in Python (through reticulate in this R
# session), and real documents rendered in fresh R processes.

# `got` is the same tensor as `want`: dtype, shape and values.
expect_same_tensor <- function(got, want, info = NULL) {
  expect_tensor(got, from_torch(want), tensor_dtype(want), info = info)
  expect_identical(dim(got), dim(want), info = info)
}

# Runs Python `code` in __main__ and returns the Python value of `result`
# converted to R (an exception is caught in Python: its class and text).
py_result <- function(code) {
  wrapped <- paste0(
    "import torchbridge as tb\n",
    "try:\n",
    paste0("    ", strsplit(code, "\n", fixed = TRUE)[[1]], collapse = "\n"), "\n",
    "except Exception as e:\n",
    "    result = (type(e).__name__, str(e), [c.__name__ for c in type(e).__mro__])\n"
  )
  main <- reticulate::py_run_string(wrapped, convert = FALSE)
  main$result
}

test_that("tb.r.b is as_torch(b) for every R type, data frames too; get() takes dtype and device", {
  skip_if_no_torch()
  cases <- list(
    double = c(1.5, NA, -Inf), integer = c(1L, NA, 3L), logical = c(TRUE, NA, FALSE),
    complex = c(1 + 2i, -1i), raw = as.raw(c(0, 255)), matrix = matrix(as.numeric(1:6), 2),
    array = array(1:24, 2:4), frame = data.frame(a = c(1.5, 2), b = 3:4)
  )
  list2env(cases, envir = globalenv())
  withr::defer(rm(list = names(cases), envir = globalenv()))
  for (name in names(cases)) {
    if (name %in% c("integer", "logical")) {
      # NA to the default int32/bool: the same error in Python as in R
      got <- py_result(sprintf("result = tb.r.%s", name))
      r_err <- expect_error(as_torch(cases[[name]]), class = "torchbridge_error_na")
      got <- reticulate::py_to_r(got)
      expect_identical(got[[1]], "NAError")
      expect_identical(got[[2]], paste0(cli::ansi_strip(r_err$message), "\n",
                                        paste0(names(r_err$body), ": ", cli::ansi_strip(r_err$body), collapse = "\n")))
      got <- py_result(sprintf("result = tb.r.get('%s', dtype = 'float64')", name))
      expect_same_tensor(got, as_torch(cases[[name]], dtype = "float64"), info = name)
      next
    }
    got <- py_result(sprintf("result = tb.r.%s", name))
    expect_same_tensor(got, as_torch(cases[[name]]), info = name)
    expect_same_tensor(py_result(sprintf("result = tb.r['%s']", name)), as_torch(cases[[name]]), info = name)
  }
  got <- py_result("result = tb.r.get('double', dtype = 'float64', device = 'cpu')")
  expect_same_tensor(got, as_torch(cases$double, dtype = "float64"))
})

test_that("tb.r.x = value assigns from_torch(value) in R", {
  skip_if_no_torch()
  withr::defer(suppressWarnings(rm(list = c("res", "res_list", "res_dict", "res_num"), envir = globalenv())))
  py_result(paste(
    "import torch",
    "tb.r.res = torch.arange(6, dtype=torch.float64).reshape(2, 3)",
    "tb.r['res_list'] = [torch.ones(2), torch.tensor([1, 2], dtype=torch.int32)]",
    "tb.r.res_dict = {'loss': torch.tensor([0.5, 0.25]), 'config': {'lr': 0.1, 'name': 'run'}}",
    "tb.r.res_num = 3.5",
    sep = "\n"
  ))
  expect_identical(get("res", globalenv()), matrix(c(0, 3, 1, 4, 2, 5), 2))
  expect_identical(get("res_list", globalenv()), list(c(1, 1), 1:2))
  expect_identical(get("res_dict", globalenv()), list(loss = c(0.5, 0.25), config = list(lr = 0.1, name = "run")))
  expect_identical(get("res_num", globalenv()), 3.5)
})

test_that("tb.r errors: missing variables, values R can't take, bad names; nothing half-assigned", {
  skip_if_no_torch()
  assign("keep", 1, envir = globalenv())
  assign("words", c("a", "b"), envir = globalenv())
  withr::defer(rm(list = c("keep", "words"), envir = globalenv()))
  missing <- reticulate::py_to_r(py_result("result = tb.r.no_such_var"))
  expect_identical(missing[[1]], "RVariableError")
  expect_match(missing[[2]], "^Can't find the R variable `no_such_var`.")
  expect_true(all(c("AttributeError", "KeyError", "ArgError") %in% missing[[3]]))
  expect_false(reticulate::py_to_r(py_result("result = hasattr(tb.r, 'no_such_var')")))

  words <- reticulate::py_to_r(py_result("result = tb.r.words"))
  r_err <- expect_error(as_torch(c("a", "b")), class = "torchbridge_error_type")
  expect_identical(words[[1]], "InputTypeError")
  expect_identical(strsplit(words[[2]], "\n")[[1]][[1]], cli::ansi_strip(r_err$message))

  bad <- reticulate::py_to_r(py_result("tb.r.keep = {'a': torch.ones(1), 'b': {1, 2}}"))
  expect_identical(bad[[1]], "InputTypeError")
  expect_match(bad[[2]], "x$b: a Python set can't be converted to R", fixed = TRUE)
  expect_identical(get("keep", globalenv()), 1)

  name <- reticulate::py_to_r(py_result("tb.r['my var'] = 1"))
  expect_identical(name[[1]], "RNameError")
  expect_true(all(c("ArgError", "AttributeError") %in% name[[3]]))
  expect_match(name[[2]], "`my var` is not a syntactic R name.", fixed = TRUE)
  expect_false(exists("my var", envir = globalenv()))
})

test_that("tb.r uses reticulate's engine environment when it is set", {
  skip_if_no_torch()
  env <- new.env()
  env$local_b <- c(2, 4)
  withr::local_options(reticulate.engine.environment = env)
  expect_same_tensor(py_result("result = tb.r.local_b"), as_torch(c(2, 4)))
  py_result("tb.r.out = tb.r.local_b * 2")
  expect_identical(env$out, c(4, 8))
  expect_false(exists("out", envir = globalenv(), inherits = FALSE))
})

test_that("py is reticulate's, re-exported: py$t of a Python tensor is a tensor torchbridge takes", {
  skip_if_no_torch()
  expect_identical(torchbridge::py, reticulate::py)
  reticulate::py_run_string("import torch\nt_py = torch.tensor([[1., 2.], [3., 4.]])\nd_py = {'a': t_py, 'n': [1.5, 2.5]}")
  expect_identical(from_torch(py$t_py), matrix(c(1, 3, 2, 4), 2))
  expect_identical(dim(py$t_py), c(2L, 2L))
  expect_identical(from_torch(py$t_py + 1), matrix(c(2, 4, 3, 5), 2))
  expect_identical(from_torch(py$d_py), list(a = matrix(c(1, 3, 2, 4), 2), n = c(1.5, 2.5)))
})

test_that("the python engine is wrapped once, and only knitr's or reticulate's", {
  skip_if_not_installed("knitr")
  old <- knitr::knit_engines$get("python")
  withr::defer(knitr::knit_engines$set(python = old))
  expect_s3_class(old, "torchbridge_python_engine")
  torchbridge:::register_python_engine()
  expect_identical(knitr::knit_engines$get("python"), old)
  mine <- function(options) "mine"
  knitr::knit_engines$set(python = mine)
  torchbridge:::register_python_engine()
  expect_identical(knitr::knit_engines$get("python"), mine)
  knitr::knit_engines$set(python = reticulate::eng_python)
  torchbridge:::register_python_engine()
  expect_s3_class(knitr::knit_engines$get("python"), "torchbridge_python_engine")
})

# Renders Rmd `lines` in a fresh R process with `env`; the markdown output,
# each line trimmed (output lines are indented code).
render_in_fresh_r <- function(lines, env = character()) {
  skip_if_not(rmarkdown::pandoc_available(), "pandoc is not available")
  dir <- withr::local_tempdir(.local_envir = parent.frame())
  writeLines(lines, file.path(dir, "doc.Rmd"))
  in_fresh_r(function() {
    out <- rmarkdown::render(file.path(Sys.getenv("TB_TEST_DIR"), "doc.Rmd"),
                             output_format = rmarkdown::md_document(variant = "gfm"), quiet = TRUE)
    trimws(readLines(out))
  }, env = c(env, TB_TEST_DIR = dir))
}

test_that("a document whose first Python user is a Python chunk runs it in torchbridge's Python", {
  python <- venv_with_torch()
  md <- render_in_fresh_r(c(
    "```{r setup}", "library(torchbridge)", "b <- c(1.5, 2.5, 4)", "```", "",
    "```{python}", "import sys, torchbridge as tb", "print('python:', sys.executable)",
    "t = tb.r.b * 2", "print('dtype:', t.dtype)", "tb.r.back = t.sum()", "```", "",
    "```{r}", "cat('back:', back, '\\n')", "cat('reason:', torchbridge:::.tb$reason, '\\n')",
    "from_torch(py$t)", "```"
  ), env = c(TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = NA))
  expect_true(any(md == paste("## python:", python)))
  expect_true(any(md == "## dtype: torch.float32"))
  expect_true(any(md == "## back: 16"))
  expect_true(any(md == "## reason: TORCHBRIDGE_PYTHON"))
  expect_true(any(md == "## [1] 3 5 8"))
})

test_that("a document whose R chunk starts Python first: Python chunks share it and its tensors", {
  python <- venv_with_torch()
  md <- render_in_fresh_r(c(
    "```{r setup}", "library(torchbridge)", "x <- as_torch(matrix(1:6, 2), dtype = 'float64')", "m <- mtcars[1:4, c('mpg', 'cyl')]", "```", "",
    "```{python}", "import torchbridge as tb", "y = r.x.sum(dim=0)", "frame = tb.r.m", "print(tuple(frame.shape), frame.dtype)", "```", "",
    "```{r}", "from_torch(py$y)", "```"
  ), env = c(TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = NA))
  expect_true(any(md == "## (4, 2) torch.float32"))
  expect_true(any(md == "## [1]  3  7 11"))
})
