# Helpers for the tests of the tensor methods (tensor-methods, tensor-ops,
# tensor-index, print, knitr, waldo): fixtures in the four dtypes the
# methods are checked on, and expectations that compare a tensor with the
# same operation done on the R array from from_torch().

# 2 x 3 tensors whose values float32 holds exactly (no NaN: see the NaN
# tests, where R's NA and a tensor's FALSE differ on purpose).
tensor_fixtures <- function() {
  list(
    float32 = as_torch(matrix(c(1.5, -2, 0, 4.25, -0.5, 3), 2), dtype = "float32"),
    float64 = as_torch(matrix(c(0.1, -2.5, 3, 1e10, 7.25, -1e-3), 2), dtype = "float64"),
    int64 = as_torch(matrix(c(3L, -7L, 0L, 12L, 5L, -1L), 2)),
    bool = as_torch(matrix(c(TRUE, FALSE, TRUE, TRUE, FALSE, FALSE), 2))
  )
}

# A tensor's dtype as a string, e.g. "float32".
tensor_dtype <- function(t) {
  sub("^torch\\.", "", reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$str(t$dtype)))
}

tensor_device <- function(t) {
  reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$str(t$device))
}

# R doubles as float32 holds them (dims kept); beyond float32's range they
# become +-Inf, as float32 arithmetic gives.
as_f32 <- function(v) {
  big <- is.finite(v) & abs(v) >= 3.4028235677973366e38
  v[big] <- sign(v[big]) * Inf
  from_torch(as_torch(v, dtype = "float32"))
}

describe_value <- function(v) paste(utils::capture.output(utils::str(v, vec.len = 8)), collapse = "\n")

# `object` (a tensor) has dtype `dtype` and, through from_torch(), exactly
# `expected` (values, type and dims, NA told from NaN). For float32 results,
# `expected` is R's double result, rounded to float32 here. With
# `tolerance`, values are compared with it (type and dims still exactly).
expect_tensor <- function(object, expected, dtype, tolerance = NULL, info = NULL) {
  act <- quasi_label(rlang::enquo(object), arg = "object")
  expect(is_tensor_object(act$val), sprintf("%s is not a tensor.", act$lab), info = info)
  got_dtype <- tensor_dtype(act$val)
  expect(
    identical(got_dtype, dtype),
    sprintf("%s has dtype %s, not %s.", act$lab, got_dtype, dtype),
    info = info
  )
  got <- from_torch(act$val)
  want <- if (identical(dtype, "float32") && is.double(expected)) as_f32(expected) else expected
  if (is.null(tolerance)) {
    ok <- identical(got, want)
  } else {
    ok <- identical(typeof(got), typeof(want)) && identical(dim(got), dim(want)) &&
      isTRUE(all.equal(got, want, tolerance = tolerance))
  }
  expect(
    ok,
    sprintf("%s differs from the R result.\nactual:   %s\nexpected: %s",
            act$lab, describe_value(got), describe_value(want)),
    info = info
  )
  invisible(act$val)
}

is_tensor_object <- function(x) inherits(x, "torch.Tensor")

# An int64 tensor from a Python literal, for values R integers can't hold,
# e.g. int64_tensor("[2**40, 1]").
int64_tensor <- function(literal) {
  torch <- torch_mod()
  torch$tensor(reticulate::py_eval(literal, convert = FALSE), dtype = torch$int64)
}

# identical(), strictly: testthat 3e's expect_identical() compares with waldo,
# which does not tell NA from NaN; the NA rules here are all about that.
expect_exact <- function(object, expected, info = NULL) {
  act <- quasi_label(rlang::enquo(object), arg = "object")
  expect(
    identical(act$val, expected),
    sprintf("%s is not identical() to the expected value.\nactual:   %s\nexpected: %s",
            act$lab, describe_value(act$val), describe_value(expected)),
    info = info
  )
  invisible(act$val)
}

# `err` has the classes torchbridge_error_<kind> and torchbridge_error
# first; with `exact`, exactly those and then rlang's.
expect_tb_error <- function(err, kind, exact = FALSE) {
  want <- c(paste0("torchbridge_error_", kind), "torchbridge_error")
  if (exact) {
    expect_identical(class(err), c(want, "rlang_error", "error", "condition"))
  } else {
    expect_identical(class(err)[1:2], want)
  }
}

# Python's record of its last error, which R must always have taken.
last_python_error <- function() {
  reticulate::py_to_r(torchbridge:::bridge()$take_last_error())
}

# torchbridge still converts after an error.
expect_still_working <- function() {
  expect_null(last_python_error())
  expect_identical(from_torch(as_torch(matrix(1:6, 2))), matrix(1:6, 2))
}

# `generic`'s method for `cls` must be torchbridge's own, registered with the
# package that owns the generic (loaded here).
expect_registered <- function(generic, package, cls = "torch.Tensor") {
  loadNamespace(package)
  method <- utils::getS3method(generic, cls, optional = TRUE, envir = asNamespace(package))
  expect_identical(method, get(paste0(generic, ".", cls), envir = asNamespace("torchbridge")))
}
