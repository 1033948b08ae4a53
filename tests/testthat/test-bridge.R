# The R <-> Python boundary (R/bridge.R): tb_call(), tb_value(), tb_fn() and
# the one retry after a GPU ran out of memory.

test_that("tb_value() converts the result to R, tb_call() keeps it a Python object", {
  skip_if_no_torch()
  expect_identical(torchbridge:::tb_value("cuda_count"), 0L)
  got <- torchbridge:::tb_call("cuda_count")
  expect_s3_class(got, "python.builtin.int")
  expect_identical(reticulate::py_to_r(got), 0L)
  # named arguments reach Python as keywords
  expect_identical(nrow(as.data.frame(torchbridge:::tb_value("devices", free_memory = FALSE)$device)), 1L)
  expect_identical(torchbridge:::tb_fn("cuda_count"), torchbridge:::bridge()$cuda_count)
})

test_that("a Python error in tb_call() is classed and raised from the caller", {
  skip_if_no_torch()
  user_facing <- function() torchbridge:::tb_call("fill", "0")
  err <- rlang::catch_cnd(user_facing())
  expect_tb_error(err, "torch")
  expect_identical(err$call, quote(user_facing()))
  expect_s3_class(err$parent, "torchbridge_python_exception")
  expect_identical(conditionMessage(err$parent), "RuntimeError: fill() called without plan()")
  # with .call, the error is the named function's
  err <- rlang::catch_cnd(local({
    outer <- function() inner(rlang::current_env())
    inner <- function(call) torchbridge:::tb_value("fill", "0", .call = call)
    outer()
  }))
  expect_identical(err$call, quote(outer()))
  # an R error while R evaluates the arguments passes unchanged
  err <- rlang::catch_cnd(torchbridge:::tb_call("fill", stop("in R")))
  expect_identical(conditionMessage(err), "in R")
  expect_false(inherits(err, "torchbridge_error"))
})

test_that("a name that is not one of the module's functions is an internal error", {
  skip_if_no_torch()
  expect_error(torchbridge:::tb_call("no_such_function"), "has no function `no_such_function`", fixed = TRUE)
})

# Out of memory on a GPU: gc(), empty the cache, one more try -----------------

# A Python function that raises `text` as torch.OutOfMemoryError the first
# `times` calls, then returns how often it was called; `record`: as
# torchbridge's own entry points, which record their errors.
oom_function <- function(times, text = "CUDA out of memory. Tried to allocate 2.00 GiB.", record = TRUE) {
  main <- reticulate::py_run_string("
import torch
from torchbridge._errors import record as _tb_record

def _tb_oom_function(times, text, recorded):
    global _tb_oom
    calls = {'n': 0}
    def f():
        calls['n'] += 1
        if calls['n'] <= times:
            raise torch.OutOfMemoryError(text)
        return calls['n']
    _tb_oom = _tb_record(f) if recorded else f
    _tb_oom.calls = calls
", convert = FALSE)
  main$`_tb_oom_function`(as.integer(times), text, record)
  main$`_tb_oom` # as an attribute, reticulate makes it an R function
}
calls_of <- function(f) reticulate::py_to_r(f$calls)[["n"]]

test_that("a CUDA out-of-memory error runs gc() and tries once more", {
  skip_if_no_torch()
  for (recorded in c(TRUE, FALSE)) {
    f <- oom_function(1, record = recorded)
    collected <- FALSE
    local({
      e <- new.env()
      reg.finalizer(e, function(e) collected <<- TRUE)
    })
    got <- torchbridge:::tb_py(f())
    expect_identical(reticulate::py_to_r(got), 2L)
    expect_identical(calls_of(f), 2L)
    expect_true(collected) # R's garbage collector ran
    expect_still_working()
  }
})

test_that("a second CUDA out-of-memory error is a torchbridge_error_torch that says what was tried", {
  skip_if_no_torch()
  for (recorded in c(TRUE, FALSE)) {
    f <- oom_function(2, record = recorded)
    err <- rlang::catch_cnd(torchbridge:::tb_py(f()))
    expect_tb_error(err, "torch")
    expect_identical(calls_of(f), 2L)
    expect_match(conditionMessage(err), "CUDA out of memory. Tried to allocate 2.00 GiB.", fixed = TRUE)
    expect_match(conditionMessage(err), "emptied torch's cache, then tried once more", fixed = TRUE)
    expect_still_working()
  }
  # as a user-facing function shows it
  f <- oom_function(2)
  expect_snapshot(error = TRUE, torchbridge:::tb_py(f()))
})

test_that("other failures, and running out of main memory, are not tried again", {
  skip_if_no_torch()
  f <- oom_function(1, "DefaultCPUAllocator: can't allocate memory: you tried to allocate 8000000000 bytes.")
  err <- rlang::catch_cnd(torchbridge:::tb_py(f()))
  expect_tb_error(err, "torch")
  expect_identical(calls_of(f), 1L)
  expect_false(grepl("tried once more", conditionMessage(err), fixed = TRUE))
  expect_still_working()
  # a torchbridge error that is not torch's is not tried again either
  err <- rlang::catch_cnd(as_torch(NA_integer_))
  expect_tb_error(err, "na")
  expect_still_working()
})

test_that("the second try evaluates the call again in its frame", {
  skip_if_no_torch()
  f <- oom_function(1)
  n <- 0
  arg <- function() {
    n <<- n + 1
    n
  }
  g <- reticulate::py_run_string("def _tb_pair(f, x): return (f(), x)", convert = FALSE)$`_tb_pair`
  got <- reticulate::py_to_r(torchbridge:::tb_py(g(f, arg())))
  expect_identical(got, list(2L, 2))
  expect_identical(n, 2)
})

test_that("tb_call() evaluates its arguments once, also when it tries again", {
  skip_if_no_torch()
  f <- oom_function(1)
  g <- reticulate::py_run_string("def _tb_pair(f, x): return (f(), x)", convert = FALSE)$`_tb_pair`
  module <- torchbridge:::bridge()
  assign("_tb_pair_for_test", g, envir = module)
  on.exit(rm("_tb_pair_for_test", envir = module))
  n <- 0
  arg <- function() {
    n <<- n + 1
    n
  }
  expect_identical(torchbridge:::tb_value("_tb_pair_for_test", f, arg()), list(2L, 1))
  expect_identical(n, 1)
})
