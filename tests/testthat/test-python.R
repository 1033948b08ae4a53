# Finding Python, lazily. Each test runs in a fresh R process (callr), since
# Python can be started only once per R session (helper-fresh-r.R).

test_that("library(torchbridge) neither starts Python nor fails; the first call that needs it does", {
  # Even with a TORCHBRIDGE_PYTHON that does not exist: nothing looks at it
  # before the first call that needs torch, which then fails with the fix.
  out <- in_fresh_r(function() {
    messages <- character()
    withCallingHandlers(
      library(torchbridge),
      message = function(m) {
        messages <<- c(messages, conditionMessage(m))
        invokeRestart("muffleMessage")
      }
    )
    loaded <- list(
      attached = "package:torchbridge" %in% search(),
      python = reticulate::py_available(),
      module = is.null(torchbridge:::.tb$module),
      messages = messages
    )
    first <- tryCatch(as_torch(1), error = function(e) e)
    second <- tryCatch(as_torch(1), error = function(e) e)
    list(loaded = loaded, class = class(first), message = conditionMessage(first),
         call = rlang::call_name(first$call), second = class(second))
  }, env = c(TORCHBRIDGE_PYTHON = "/nonexistent/python", RETICULATE_PYTHON = NA))
  expect_identical(out$loaded, list(attached = TRUE, python = FALSE, module = TRUE, messages = character()))
  expect_identical(out$class[1:2], c("torchbridge_error_python", "torchbridge_error"))
  expect_identical(out$call, "as_torch")
  expect_match(out$message, "install_torch()", fixed = TRUE)
  expect_match(out$message, "TORCHBRIDGE_PYTHON", fixed = TRUE)
  expect_match(out$message, "/nonexistent/python", fixed = TRUE)
  expect_identical(out$second[1:2], c("torchbridge_error_python", "torchbridge_error"))
})

test_that("TORCHBRIDGE_PYTHON is used first", {
  python <- venv_with_torch()
  out <- in_fresh_r(discovery_report, env = c(TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = NA))
  expect_identical(out$value, c(1, 2))
  expect_identical(out$reason, "TORCHBRIDGE_PYTHON")
  expect_true(same_path(out$prefix, dirname(dirname(python))))
})

test_that("Python is looked for in the order of the contract", {
  # TORCHBRIDGE_PYTHON, RETICULATE_PYTHON, the virtualenv r-torchbridge,
  # reticulate's default; one fresh R process per case, in parallel.
  python <- venv_with_torch()
  other <- local_python_without_torch()
  empty_root <- withr::local_tempdir("tb-venvs-")
  cases <- list(
    "TORCHBRIDGE_PYTHON before RETICULATE_PYTHON" = list(
      env = c(TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = other),
      reason = "TORCHBRIDGE_PYTHON", prefix = dirname(dirname(python))
    ),
    "RETICULATE_PYTHON next" = list(
      env = c(TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = python),
      reason = "RETICULATE_PYTHON", prefix = dirname(dirname(python))
    ),
    "then the virtualenv r-torchbridge" = list(
      env = c(TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = NA),
      reason = "the virtualenv r-torchbridge", prefix = dirname(dirname(python))
    )
  )
  processes <- lapply(cases, function(case) start_fresh_r(choice_report, env = case$env))
  # Without r-torchbridge (an empty virtualenv root) only the choice is
  # checked: reticulate's default could be any Python, so none is started.
  last <- start_fresh_r(function() {
    torchbridge:::choose_python()
    list(reason = torchbridge:::.tb$reason, started = reticulate::py_available())
  }, env = c(TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = NA, WORKON_HOME = empty_root))
  for (name in names(cases)) {
    out <- fresh_r_result(processes[[name]])
    expect_identical(out$reason, cases[[name]]$reason, info = name)
    expect_true(same_path(out$prefix, cases[[name]]$prefix), info = name)
  }
  expect_identical(fresh_r_result(last), list(reason = "reticulate's default", started = FALSE))
})

test_that("a Python started before torchbridge is kept, and the reason says so", {
  python <- venv_with_torch()
  out <- in_fresh_r(function() {
    reticulate::use_python(Sys.getenv("TB_TEST_PYTHON"), required = TRUE)
    reticulate::py_config()
    choice_report()
  }, env = c(TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = NA, TB_TEST_PYTHON = python))
  expect_identical(out$reason, "Python was already started in this R session")
  expect_true(same_path(out$prefix, dirname(dirname(python))))
})

test_that("every entry point respects TORCHBRIDGE_PYTHON as the first call", {
  # With a Python without torch, each must fail, and from that Python (had
  # anything started reticulate's default first, it would have been used).
  notorch <- local_python_without_torch()
  firsts <- c("default_device", "cuda_device_count", "cuda_is_available", "torch_devices")
  first_call <- function() {
    f <- getExportedValue("torchbridge", Sys.getenv("TB_TEST_FIRST"))
    result <- tryCatch(f(), error = function(e) e)
    list(
      error = if (inherits(result, "error")) class(result)[1:2],
      reason = torchbridge:::.tb$reason,
      prefix = reticulate::py_to_r(reticulate::import("sys", convert = FALSE)$prefix)
    )
  }
  # In parallel: a fresh R process for each entry point.
  processes <- lapply(firsts, function(first) {
    start_fresh_r(first_call, env = c(TORCHBRIDGE_PYTHON = notorch, RETICULATE_PYTHON = NA, TB_TEST_FIRST = first))
  })
  for (i in seq_along(firsts)) {
    out <- fresh_r_result(processes[[i]])
    expect_identical(out$error, c("torchbridge_error_python", "torchbridge_error"), info = firsts[i])
    expect_identical(out$reason, "TORCHBRIDGE_PYTHON", info = firsts[i])
    expect_true(same_path(out$prefix, dirname(dirname(notorch))), info = firsts[i])
  }
})

test_that("the error of cuda_is_available() names cuda_is_available()", {
  notorch <- local_python_without_torch()
  out <- in_fresh_r(function() {
    e <- tryCatch(torchbridge::cuda_is_available(), error = function(e) e)
    list(class = class(e)[1], call = rlang::call_name(e$call))
  }, env = c(TORCHBRIDGE_PYTHON = notorch, RETICULATE_PYTHON = NA))
  expect_identical(out, list(class = "torchbridge_error_python", call = "cuda_is_available"))
})

test_that("a broken r-torchbridge virtualenv is reported as such, not as TORCHBRIDGE_PYTHON", {
  # A virtualenv root whose r-torchbridge has lost its python.
  root <- withr::local_tempdir("tb-venvs-")
  dir.create(file.path(root, "r-torchbridge", "bin"), recursive = TRUE)
  file.create(file.path(root, "r-torchbridge", "pyvenv.cfg"))
  out <- in_fresh_r(function() {
    e <- tryCatch(torchbridge::as_torch(1), error = function(e) e)
    list(class = class(e)[1:2], message = conditionMessage(e), call = rlang::call_name(e$call))
  }, env = c(TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = NA, WORKON_HOME = root))
  expect_identical(out$class, c("torchbridge_error_python", "torchbridge_error"))
  expect_identical(out$call, "as_torch")
  expect_match(out$message, "install_torch()", fixed = TRUE)
  expect_no_match(out$message, "TORCHBRIDGE_PYTHON", fixed = TRUE)
  expect_no_match(out$message, "''", fixed = TRUE)
})

test_that("a Python without torch is a torchbridge_error_python that names install_torch()", {
  python <- local_python_without_torch()
  out <- in_fresh_r(function() {
    library(torchbridge)
    first <- tryCatch(as_torch(1), error = function(e) e)
    second <- tryCatch(as_torch(2), error = function(e) e)
    list(
      class = class(first), message = conditionMessage(first), call = rlang::call_name(first$call),
      second = class(second), after = sum(1:3)
    )
  }, env = c(TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = NA))
  expect_identical(out$class, c("torchbridge_error_python", "torchbridge_error", "rlang_error", "error", "condition"))
  expect_identical(out$call, "as_torch")
  expect_match(out$message, "torchbridge::install_torch()", fixed = TRUE)
  expect_match(out$message, python, fixed = TRUE)
  # R goes on, and the next call fails the same way.
  expect_identical(out$second, out$class)
  expect_identical(out$after, 6L)
  expect_snapshot(
    writeLines(out$message),
    transform = function(x) gsub(python, "<python>", x, fixed = TRUE),
    cran = TRUE
  )
})

test_that("a RETICULATE_PYTHON without torch: the error names RETICULATE_PYTHON and how to fix it", {
  python <- local_python_without_torch()
  out <- in_fresh_r(function() {
    e <- tryCatch(torchbridge::as_torch(1), error = function(e) e)
    list(class = class(e)[1], message = conditionMessage(e))
  }, env = c(TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = python))
  expect_identical(out$class, "torchbridge_error_python")
  expect_snapshot(writeLines(out$message), transform = function(x) gsub(python, "<python>", x, fixed = TRUE))
})

test_that("TORCHBRIDGE_PYTHON set after another Python started: the error says which runs and why", {
  python <- local_python_without_torch()
  torch_python <- venv_with_torch()
  out <- in_fresh_r(function() {
    reticulate::use_python(Sys.getenv("TB_TEST_PYTHON"), required = TRUE)
    reticulate::py_config() # something else starts Python first
    Sys.setenv(TORCHBRIDGE_PYTHON = Sys.getenv("TB_TEST_TORCH_PYTHON"))
    e <- tryCatch(torchbridge::as_torch(1), error = function(e) e)
    list(class = class(e)[1], message = conditionMessage(e))
  }, env = c(TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = NA, TB_TEST_PYTHON = python,
             TB_TEST_TORCH_PYTHON = torch_python))
  expect_identical(out$class, "torchbridge_error_python")
  expect_snapshot(writeLines(out$message), transform = function(x) {
    gsub(torch_python, "<torch python>", gsub(python, "<python>", x, fixed = TRUE), fixed = TRUE)
  })
})
