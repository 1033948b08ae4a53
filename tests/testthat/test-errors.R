# Errors: classes, parents, calls, and the help topic that lists them.

sparse_tensor <- function() torch_mod()$eye(2L)$to_sparse()

# A stride-0 view of shape (2^31, 2): no memory, but a matrix with more rows
# than R's dims can hold.
too_long_tensor <- function() {
  torch_mod()$zeros(1L, 2L)$expand(reticulate::py_eval("(2**31, 2)", convert = FALSE))
}

# Calls an internal Python entry point the way the package does, from a
# function standing in for a user-facing one: fill() without plan() raises a
# plain RuntimeError inside a recorded function.
fill_without_plan <- function() {
  torchbridge:::tb_py(torchbridge:::bridge()$fill("0"))
}

# A plain torch error from a function torchbridge did not record.
torch_zeros_negative <- function() {
  torchbridge:::tb_py(torch_mod()$zeros(-1L))
}

test_that("errors raised in R have one subclass and no parent", {
  skip_if_no_torch()
  cases <- list(
    list(quote(as_torch(factor("a"))), "type", "as_torch"),
    list(quote(as_torch("a")), "type", "as_torch"),
    list(quote(as_torch(data.frame(a = "x"))), "type", "as_torch"),
    list(quote(from_torch(1)), "type", "from_torch"),
    list(quote(as_torch(1, dtype = 1)), "dtype", "as_torch"),
    list(quote(as_torch(1, device = 1)), "device", "as_torch"),
    list(quote(as_torch(1, copy = NA)), "arg", "as_torch"),
    list(quote(as_torch(1, requires_grad = "yes")), "arg", "as_torch"),
    list(quote(from_torch(as_torch(1), int64 = "x")), "arg", "from_torch"),
    list(quote(to_device(1, NULL)), "device", "to_device"),
    list(quote(to_device(1, "cpu", dtype = c("a", "b"))), "dtype", "to_device"),
    list(quote(install_torch(envname = 1)), "arg", "install_torch")
  )
  for (case in cases) {
    err <- rlang::catch_cnd(eval(case[[1]]))
    expect_tb_error(err, case[[2]], exact = TRUE)
    expect_identical(rlang::call_name(err$call), case[[3]])
    expect_null(err$parent)
    expect_still_working()
  }
})

test_that("errors raised in torchbridge's Python arrive with their class, their message whole, no parent", {
  skip_if_no_torch()
  skip_if(reticulate::py_to_r(torch_mod()$backends$mps$is_available()), "MPS is available")
  cases <- list(
    list(quote(as_torch(NA_integer_)), "na", "as_torch", "NAError"),
    list(quote(as_torch(c(1, NA), dtype = "int32")), "na", "as_torch", "NAError"),
    list(quote(as_torch(1, dtype = "nope")), "dtype", "as_torch", "DtypeError"),
    list(quote(as_torch(3.5, dtype = "int64")), "dtype", "as_torch", "DtypeError"),
    list(quote(as_torch(1L, requires_grad = TRUE)), "dtype", "as_torch", "DtypeError"),
    list(quote(as_torch(300, dtype = "uint8")), "overflow", "as_torch", "ValueOverflowError"),
    list(quote(as_torch(1, device = "gpu")), "device", "as_torch", "DeviceError"),
    list(quote(default_device("gpu")), "device", "default_device", "DeviceError"),
    list(quote(as_torch(1, device = "mps")), "no_gpu", "as_torch", "NoGPUError"),
    list(quote(to_device(as_torch(1), "gpu")), "device", "to_device", "DeviceError"),
    list(quote(from_torch(sparse_tensor())), "unsupported_tensor", "from_torch", "UnsupportedTensorError"),
    list(quote(from_torch(too_long_tensor())), "size", "from_torch", "SizeError"),
    list(quote(from_torch(as_torch(3e9, dtype = "int64"))), "overflow", "from_torch", "ValueOverflowError"),
    list(quote(from_torch(reticulate::py_eval("object()", convert = FALSE))), "type", "from_torch", "InputTypeError")
  )
  for (case in cases) {
    err <- rlang::catch_cnd(eval(case[[1]]))
    expect_tb_error(err, case[[2]], exact = TRUE)
    expect_identical(rlang::call_name(err$call), case[[3]])
    expect_null(err$parent)
    # The R message is the Python message, not the exception's type, and
    # does not repeat itself under "Caused by".
    expect_false(grepl(case[[4]], conditionMessage(err), fixed = TRUE))
    expect_false(grepl("Caused by", conditionMessage(err), fixed = TRUE))
    expect_still_working()
  }
})

test_that("the option torchbridge.float_dtype is checked in Python, as an argument error", {
  skip_if_no_torch()
  withr::local_options(torchbridge.float_dtype = "int32")
  err <- rlang::catch_cnd(as_torch(1))
  expect_tb_error(err, "arg", exact = TRUE)
  expect_match(conditionMessage(err), "^The option `torchbridge.float_dtype` must name a float dtype.")
  withr::local_options(torchbridge.float_dtype = NULL)
  expect_still_working()
})

test_that("a failure in torch that is not torchbridge's own is torchbridge_error_torch", {
  skip_if_no_torch()
  err <- rlang::catch_cnd(fill_without_plan())
  expect_tb_error(err, "torch", exact = TRUE)
  expect_identical(rlang::call_name(err$call), "fill_without_plan")
  expect_identical(conditionMessage(err$parent), "RuntimeError: fill() called without plan()")
  expect_match(
    cli::ansi_strip(conditionMessage(err)),
    "^torch raised an error[.]\n\\S RuntimeError: fill\\(\\) called without plan\\(\\)\n"
  )
  expect_still_working()

  # Not recorded by torchbridge's Python module: the reticulate error is the parent.
  err <- rlang::catch_cnd(torch_zeros_negative())
  expect_tb_error(err, "torch", exact = TRUE)
  expect_identical(rlang::call_name(err$call), "torch_zeros_negative")
  expect_match(conditionMessage(err$parent), "^RuntimeError: ")
  expect_match(conditionMessage(err), "torch raised an error.", fixed = TRUE)
  expect_match(conditionMessage(err), "RuntimeError: zeros: ", fixed = TRUE)
  expect_still_working()
})

test_that("errors show the user-facing function and the Python error", {
  skip_if_no_torch()
  expect_snapshot(cran = TRUE, error = TRUE, {
    as_torch(factor(c("a", "b")))
    from_torch(1:3)
    as_torch(c(1L, NA))
    as_torch(1, dtype = "nope")
    to_device(300, "cpu", dtype = "uint8")
    from_torch(as_torch(1), int64 = "x")
    from_torch(sparse_tensor())
    fill_without_plan()
  })
})

test_that("braces in values reach the message as they are", {
  skip_if_no_torch()
  err <- rlang::catch_cnd(as_torch(1, device = "cuda:{0}"))
  expect_tb_error(err, "device", exact = TRUE)
  expect_match(conditionMessage(err), "Got 'cuda:{0}'.", fixed = TRUE)
  err <- rlang::catch_cnd(as_torch(1, dtype = "{x}}"))
  expect_tb_error(err, "dtype", exact = TRUE)
  expect_match(conditionMessage(err), "Got '{x}}'.", fixed = TRUE)
  expect_still_working()
})

test_that("braces in a value checked in R reach the message as they are", {
  skip_if_no_torch()
  err <- rlang::catch_cnd(from_torch(as_torch(1), int64 = "{"))
  expect_tb_error(err, "arg", exact = TRUE)
  expect_match(conditionMessage(err), "It is \"{\".", fixed = TRUE)
  err <- rlang::catch_cnd(from_torch(as_torch(1), int64 = "a}b"))
  expect_match(conditionMessage(err), "It is \"a}b\".", fixed = TRUE)
})

test_that("errors can be caught by subclass", {
  skip_if_no_torch()
  caught <- tryCatch(as_torch(NA_integer_), torchbridge_error_na = function(e) "na")
  expect_identical(caught, "na")
  caught <- tryCatch(as_torch(NA_integer_), torchbridge_error = function(e) class(e)[1])
  expect_identical(caught, "torchbridge_error_na")
  expect_error(as_torch(NA_integer_), class = "torchbridge_error_na")
})

test_that("warnings have the class torchbridge_warning and a subclass", {
  skip_if_no_torch()
  big <- torch_mod()$tensor(reticulate::py_eval("2**53 + 1", convert = FALSE), dtype = torch_mod()$int64)
  w <- rlang::catch_cnd(from_torch(big, int64 = "double"), "warning")
  expect_identical(
    class(w),
    c("torchbridge_warning_precision", "torchbridge_warning", "rlang_warning", "warning", "condition")
  )
  expect_identical(rlang::call_name(w$call), "from_torch")
  expect_identical(suppressWarnings(from_torch(big, int64 = "double")), 2^53)
})

# The help topic ------------------------------------------------------------

# The kinds passed to tb_abort()/tb_warn() as literal strings in the package's R code.
r_kinds <- function(fun_name) {
  ns <- asNamespace("torchbridge")
  helper <- get(fun_name, envir = ns)
  found <- character()
  walk <- function(x) {
    if (is.call(x)) {
      if (identical(x[[1]], as.name(fun_name))) {
        matched <- match.call(helper, x, expand.dots = FALSE)
        if (is.character(matched$class)) found <<- c(found, matched$class)
      }
      for (i in seq_along(x)) {
        if (!identical(x[[i]], quote(expr = ))) walk(x[[i]])
      }
    }
  }
  for (name in ls(ns, all.names = TRUE)) {
    f <- get(name, envir = ns)
    if (is.function(f) && !is.primitive(f)) walk(body(f))
  }
  unique(found)
}

# The kinds of the Python exception classes.
python_kinds <- function() {
  files <- list.files(system.file("python", "torchbridge", package = "torchbridge"),
                      pattern = "[.]py$", full.names = TRUE)
  src <- unlist(lapply(files, readLines))
  hits <- regmatches(src, regexpr("^\\s+kind = \"[a-z_]+\"", src))
  unique(sub("^\\s+kind = \"([a-z_]+)\"", "\\1", hits))
}

documented_classes <- function() {
  rd <- tools::Rd_db("torchbridge")[["torchbridge_error.Rd"]]
  text <- paste(as.character(rd), collapse = "")
  unique(regmatches(text, gregexpr("torchbridge_(error|warning)_[a-z_]+", text))[[1]])
}

test_that("the help for torchbridge_error lists every class the code raises", {
  skip_if_not_installed("torchbridge")
  r_errors <- r_kinds("tb_abort")
  py_errors <- python_kinds()
  r_warnings <- r_kinds("tb_warn")
  # The search finds what is there (so it can't pass by finding nothing).
  expect_true(all(c("arg", "type", "python") %in% r_errors))
  expect_true(all(c("torch", "na", "device", "no_gpu", "size") %in% py_errors))
  expect_true("precision" %in% r_warnings)

  documented <- documented_classes()
  used <- c(paste0("torchbridge_error_", union(r_errors, py_errors)),
            paste0("torchbridge_warning_", r_warnings))
  expect_identical(setdiff(used, documented), character())
})

test_that("the help for torchbridge_error lists every class of the contract", {
  contract <- paste0("torchbridge_error_", c(
    "type", "na", "dtype", "device", "no_gpu", "overflow", "python", "torch", "arg",
    "unsupported_tensor", "shape", "index", "size", "plot"
  ))
  expect_identical(setdiff(contract, documented_classes()), character())
})

test_that("errors carry what failed as fields: dtype, value, path, element", {
  skip_if_no_torch()
  fields <- function(expr) {
    e <- rlang::catch_cnd(expr, classes = "torchbridge_error")
    expect_s3_class(e, "torchbridge_error")
    e[intersect(names(e), c("dtype", "value", "path", "element"))]
  }
  expect_identical(fields(as_torch(c(1, 2.5), dtype = "int32")), list(dtype = "int32", value = 2.5))
  expect_identical(fields(as_torch(c(1L, NA))), list(dtype = "int64"))
  expect_identical(fields(as_torch(c(1, 3e9), dtype = "int32")), list(dtype = "int32", value = 3e9))
  expect_identical(fields(as_torch(-1e300, dtype = "float32")), list(dtype = "float32", value = -1e300))
  expect_identical(fields(as_torch(1 + 2i, dtype = "float64")), list(dtype = "float64", value = 1 + 2i))
  expect_identical(fields(as_torch(1, dtype = "float33")), list(dtype = "float33"))
  expect_identical(fields(as_torch(1L, requires_grad = TRUE)), list(dtype = "int64"))
  expect_identical(fields(as_torch(.Machine$integer.max, dtype = "int32") + 1L), list(dtype = "int32", value = 2^31))
  # from torch to R: the value R can't hold
  big <- torch_mod()$tensor(list(1, 2^40), dtype = torch_mod()$int64)
  expect_identical(fields(from_torch(big)), list(value = 2^40))
  # inside a list: where the element sits
  expect_identical(fields(from_torch(list(a = list(b = big)))), list(value = 2^40, element = "x$a$b"))
  expect_identical(fields(from_torch(pe("{'a': [1, {2}]}"))), list(element = "x$a[[2]]"))
  expect_identical(fields(write_pt(list(w = list(1, NA_character_)), tempfile())), list(element = "x$w[[2]]"))
  # files: the path that failed
  expect_identical(fields(read_pt("no-such-file.pt")), list(path = "no-such-file.pt"))
  bad <- withr::local_tempfile(lines = "not torch")
  expect_identical(fields(read_pt(bad)), list(path = bad))
  expect_identical(fields(read_safetensors(bad)), list(path = bad))
  dir <- file.path(tempdir(), "no-such-dir")
  expect_identical(fields(write_pt(1, file.path(dir, "a.pt"))), list(path = file.path(dir, "a.pt")))
})
