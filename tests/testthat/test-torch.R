# The exported `torch` module and torch_available(). Each test runs in a
# fresh R process (helper-fresh-r.R): what matters is when Python starts.

test_that("`torch` starts nothing at library(), then loads torch through torchbridge's discovery", {
  python <- venv_with_torch()
  out <- in_fresh_r(function() {
    library(torchbridge)
    before <- list(python = reticulate::py_available(), class = class(torch))
    x <- torch$arange(4L)$reshape(2L, 2L)
    list(
      before = before,
      value = from_torch(x),
      dtype = reticulate::py_str(x$dtype),
      reason = torchbridge:::.tb$reason,
      bridge = !is.null(torchbridge:::.tb$module),
      prefix = reticulate::py_to_r(reticulate::import("sys", convert = FALSE)$prefix),
      available = torch_available()
    )
  }, env = c(TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = NA))
  expect_identical(out$before, list(python = FALSE, class = c("python.builtin.module", "python.builtin.object")))
  expect_identical(out$value, matrix(c(0L, 2L, 1L, 3L), 2))
  expect_identical(out$dtype, "torch.int64")
  expect_identical(out$reason, "TORCHBRIDGE_PYTHON")
  expect_true(out$bridge)
  expect_true(same_path(out$prefix, dirname(dirname(python))))
  expect_true(out$available)
})

test_that("`torch` without torch: torchbridge's classed error, every time; torch_available() is FALSE", {
  python <- local_python_without_torch()
  out <- in_fresh_r(function() {
    library(torchbridge)
    first <- tryCatch(torch$zeros(1L), error = function(e) e)
    second <- tryCatch(torch$zeros(1L), error = function(e) e)
    list(
      first = class(first), message = conditionMessage(first), second = class(second),
      second_message = conditionMessage(second), available = torch_available()
    )
  }, env = c(TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = NA))
  expect_identical(out$first[1:2], c("torchbridge_error_python", "torchbridge_error"))
  expect_match(out$message, "has no torch", fixed = TRUE)
  expect_match(out$message, "install_torch()", fixed = TRUE)
  expect_identical(out$second[1:2], c("torchbridge_error_python", "torchbridge_error"))
  expect_identical(out$second_message, out$message)
  expect_false(out$available)
})

test_that("torch_available() is FALSE, not an error, where no Python can be started", {
  out <- in_fresh_r(function() {
    library(torchbridge)
    list(available = torch_available(), python = reticulate::py_available())
  }, env = c(TORCHBRIDGE_PYTHON = "/nonexistent/python", RETICULATE_PYTHON = NA))
  expect_identical(out, list(available = FALSE, python = FALSE))
})

test_that("with Python started before torchbridge is loaded, `torch` still loads lazily and works", {
  python <- venv_with_torch()
  out <- in_fresh_r(function() {
    reticulate::use_python(Sys.getenv("TB_TEST_PYTHON"), required = TRUE)
    reticulate::py_config()
    library(torchbridge)
    list(
      loaded = reticulate::py_eval("'torch' in __import__('sys').modules"),
      value = from_torch(torch$ones(2L)),
      item = reticulate::py_to_r(torch[["float64"]]$is_floating_point),
      printed = utils::capture.output(print(torch))
    )
  }, env = c(TB_TEST_PYTHON = python, TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = NA))
  expect_false(out$loaded)
  expect_identical(out$value, c(1, 1))
  expect_true(out$item)
  expect_identical(out$printed, "Module(torch)")
})
