# The Ops, Math and Summary groups, mean() and %@% on tensors, each checked
# against the same operation on the R array from from_torch() (see
# helper-tensors.R), for float32, float64, int64 and bool tensors.

arith_ops <- c("+", "-", "*", "/", "^", "%%", "%/%")
compare_ops <- c("==", "!=", "<", "<=", ">", ">=")
logic_ops <- c("&", "|")

# The documented result dtype of `x <op> other`, where other is an R double
# ("double"), integer ("integer"), logical ("logical") or a tensor of x's
# dtype ("tensor").
ops_dtype <- function(op, x_dtype, other) {
  if (op %in% c(compare_ops, logic_ops)) return("bool")
  if (x_dtype %in% c("float32", "float64")) return(x_dtype)
  if (other == "double" || op %in% c("/", "^")) return("float32")
  "int64"
}

# Integer %% and %/% by zero: NA in R, an error for integer tensors.
divides_by_zero <- function(op, divisor, out_dtype) {
  op %in% c("%%", "%/%") && any(divisor == 0) && out_dtype == "int64"
}

test_that("operators with R numbers on either side match R (values, dims, type)", {
  skip_if_no_torch()
  others <- list(double = 2, integer = 2L, logical = TRUE)
  for (dt in names(tensor_fixtures())) {
    x <- tensor_fixtures()[[dt]]
    xr <- from_torch(x)
    for (kind in names(others)) {
      s <- others[[kind]]
      for (op in c(arith_ops, compare_ops, logic_ops)) {
        f <- match.fun(op)
        info <- paste(dt, op, kind)
        tol <- if (op == "^" && dt == "float64") 1e-15
        expect_tensor(f(x, s), f(xr, s), ops_dtype(op, dt, kind), tolerance = tol, info = info)
        if (divides_by_zero(op, xr, ops_dtype(op, dt, kind))) {
          expect_error(f(s, x), class = "torchbridge_error_na", info = info)
        } else {
          expect_tensor(f(s, x), f(s, xr), ops_dtype(op, dt, kind), tolerance = tol, info = info)
        }
      }
    }
  }
})

test_that("operators between tensors of one dtype match R", {
  skip_if_no_torch()
  fx <- tensor_fixtures()
  for (dt in names(fx)) {
    x <- fx[[dt]]
    xr <- from_torch(x)
    y <- x$flip(0L) # another 2 x 3 tensor of the same dtype (rows swapped)
    yr <- from_torch(y)
    for (op in c(arith_ops, compare_ops, logic_ops)) {
      f <- match.fun(op)
      info <- paste(dt, op)
      if (divides_by_zero(op, yr, ops_dtype(op, dt, "tensor"))) {
        expect_error(f(x, y), class = "torchbridge_error_na", info = info)
        next
      }
      tol <- if (op == "^" && dt == "float64") 1e-15
      expect_tensor(f(x, y), f(xr, yr), ops_dtype(op, dt, "tensor"), tolerance = tol, info = info)
    }
    expect_tensor(-x, -xr, if (dt == "bool") "int64" else dt, info = dt)
    expect_tensor(!x, !xr, "bool", info = dt)
  }
})

test_that("an R double does not widen a float32 tensor; integers give floats for / and ^", {
  skip_if_no_torch()
  t <- as_torch(c(1.5, 2.25))
  expect_tensor(t * 2, c(3, 4.5), "float32")
  expect_tensor(2 / t, 2 / c(1.5, 2.25), "float32")
  expect_tensor(as_torch(1:3) / 2L, c(0.5, 1, 1.5), "float32")
  expect_tensor(as_torch(1:3) ^ 2L, c(1, 4, 9), "float32")
  expect_tensor(as_torch(c(TRUE, TRUE)) + TRUE, c(2L, 2L), "int64")
  h <- as_torch(c(1, 2), dtype = "float16")
  expect_tensor(h * 2.5, c(2.5, 5), "float16")
  expect_tensor(as_torch(c(1, 2), dtype = "float64") * as_torch(c(2, 2)), c(2, 4), "float64")
  z <- as_torch(2.5)[1] # a 0-d tensor
  expect_identical(dim(z * 2), integer(0))
})

test_that("%% and %/% follow R for negative numbers, zero and Inf", {
  skip_if_no_torch()
  a <- c(5.5, -5.5, 5, -5, 7, -7, 5, -5, 0, 2, -2)
  b <- c(2, 2, Inf, Inf, -3, -3, 0, 0, 0, 0.1, 0.1)
  ta <- as_torch(a, dtype = "float64")
  tb <- as_torch(b, dtype = "float64")
  expect_tensor(ta %% tb, a %% b, "float64")
  expect_tensor(ta %/% tb, a %/% b, "float64")
  ia <- c(-7L, 7L, -7L, 7L, 0L)
  ib <- c(3L, 3L, -3L, -3L, 5L)
  expect_tensor(as_torch(ia) %% as_torch(ib), ia %% ib, "int64")
  expect_tensor(as_torch(ia) %/% as_torch(ib), ia %/% ib, "int64")
  expect_error(as_torch(1:2) %% 0L, class = "torchbridge_error_na")
})

test_that("R vectors recycle in column-major order; R arrays must match the shape", {
  skip_if_no_torch()
  for (dt in c("float32", "float64", "int64")) {
    x <- tensor_fixtures()[[dt]]
    xr <- from_torch(x)
    for (v in list(c(10L, 20L), c(1L, 2L, 3L), 1:6, matrix(6:1, 2), c(-1L, 1L, 2L, -2L, 3L, -3L))) {
      info <- paste(dt, deparse(v))
      expect_tensor(x + v, xr + v, dt, info = info)
      expect_tensor(v * x, v * xr, dt, info = info)
      expect_tensor(x > v, xr > v, "bool", info = info)
    }
  }
  a <- as_torch(array(1:24, c(2, 3, 4)))
  ar <- from_torch(a)
  for (v in list(1:2, 1:6, 1:3, 1:12, 1:8, array(24:1, c(2, 3, 4)))) {
    expect_tensor(a - v, ar - v, "int64", info = deparse(v))
  }
  expect_tensor(a + c(0.5, 1), ar + c(0.5, 1), "float32")
})

test_that("tensors broadcast as torch does", {
  skip_if_no_torch()
  x <- as_torch(matrix(1:6, 2))
  row <- as_torch(c(10L, 20L, 30L))
  expect_tensor(x + row, from_torch(x) + matrix(c(10L, 20L, 30L), 2, 3, byrow = TRUE), "int64")
  col <- as_torch(matrix(c(1L, 2L), 2))
  expect_tensor(x * col, from_torch(x) * c(1L, 2L), "int64")
})

test_that("NaN gives FALSE in comparisons and counts as TRUE in & | !, where R gives NA", {
  skip_if_no_torch()
  x <- as_torch(c(NaN, 1, 0), dtype = "float64")
  expect_tensor(x > 0, c(FALSE, TRUE, FALSE), "bool")
  expect_tensor(x != 1, c(TRUE, FALSE, TRUE), "bool")
  expect_tensor(x & TRUE, c(TRUE, TRUE, FALSE), "bool")
  expect_tensor(!x, c(FALSE, FALSE, TRUE), "bool")
  expect_tensor(x + 1, c(NaN, 2, 1), "float64")
  expect_tensor(as_torch(c(1, 2)) + c(NA, 1), c(NaN, 3), "float32")
})

test_that("operator errors are classed and name both sides", {
  skip_if_no_torch()
  torch <- torch_mod()
  x <- as_torch(matrix(c(1, 2, 3, 4, 5, 6), 2))
  expect_error(x + c(1, 2, 3, 4), class = "torchbridge_error_shape")
  expect_error(x + matrix(1:6, 3), class = "torchbridge_error_shape")
  expect_error(x + as_torch(1:4), class = "torchbridge_error_shape")
  expect_error(x + "a", class = "torchbridge_error_type")
  expect_error(as_torch(1:2) + c(1L, NA), class = "torchbridge_error_na")
  expect_error(as_torch(1:2, dtype = "uint8") + 300L, class = "torchbridge_error_overflow")
  expect_error(as_torch(1i) < as_torch(2i), class = "torchbridge_error_dtype")
  expect_error(x[1, ] + torch$ones(3L, device = "meta"), class = "torchbridge_error_device")
  expect_snapshot(error = TRUE, {
    x + c(1, 2, 3, 4)
    x * matrix(1:6, 3)
    x - as_torch(1:4)
    x + "a"
    x == list(1)
    as_torch(1:2) + c(1L, NA)
    as_torch(1:2, dtype = "uint8") + 300L
    as_torch(1i) < as_torch(2i)
    as_torch(1:2) %/% 0L
    x + torch$ones(2L, 3L, device = "meta")
  })
})

# ---- Math ---------------------------------------------------------------------

whole_fns <- c("abs", "sign", "floor", "ceiling", "trunc", "round", "signif", "cumsum", "cumprod", "cummax", "cummin")
float_fns <- c(
  "sqrt", "exp", "log", "log2", "log10", "log1p", "expm1", "cos", "sin", "tan", "cospi", "sinpi",
  "tanpi", "acos", "asin", "atan", "cosh", "sinh", "tanh", "acosh", "asinh", "atanh", "lgamma",
  "gamma", "digamma", "trigamma"
)

# A tensor of each dtype with values for the Math group (negative, zero,
# fractions, large, Inf and NaN where the dtype has them).
math_fixtures <- function() {
  v <- c(-3, -2.5, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, 3.75, 10, 170, Inf, -Inf, NaN)
  list(
    float32 = as_torch(v, dtype = "float32"),
    float64 = as_torch(matrix(c(v, 2.675, 0.15, 1.005, 123456.789), 4), dtype = "float64"),
    int64 = as_torch(matrix(c(-3L, 0L, 1L, 2L, 7L, 12L, 125L, -45L), 2)),
    bool = as_torch(c(TRUE, FALSE, TRUE))
  )
}

# Where a result is a whole number, a tensor keeps its integers (bool gives
# int64); R gives doubles for some functions, integers for others.
whole_expected <- function(fn, xr, dt) {
  want <- suppressWarnings(match.fun(fn)(xr))
  if (dt %in% c("int64", "bool")) storage.mode(want) <- "integer"
  want
}

test_that("whole-number Math functions match R; integer tensors keep their dtype", {
  skip_if_no_torch()
  for (dt in names(math_fixtures())) {
    x <- math_fixtures()[[dt]]
    xr <- from_torch(x)
    out_dtype <- if (dt == "bool") "int64" else dt
    for (fn in whole_fns) {
      expect_tensor(match.fun(fn)(x), whole_expected(fn, xr, dt), out_dtype, info = paste(dt, fn))
    }
  }
})

test_that("fractional Math functions match R; integers and logicals give float32", {
  skip_if_no_torch()
  for (dt in names(math_fixtures())) {
    x <- math_fixtures()[[dt]]
    xr <- from_torch(x)
    out_dtype <- if (dt %in% c("int64", "bool")) "float32" else dt
    for (fn in float_fns) {
      want <- suppressWarnings(match.fun(fn)(xr))
      # libm and torch may differ in the last bits; gamma() is exp(lgamma())
      # and trigamma() torch's polygamma(1, ), both less accurate.
      tol <- if (out_dtype == "float64") {
        switch(fn, gamma = 1e-12, trigamma = 1e-8, 1e-14)
      } else {
        switch(fn, gamma = 1e-5, 1e-6)
      }
      expect_tensor(match.fun(fn)(x), want, out_dtype, tolerance = tol, info = paste(dt, fn))
    }
    expect_tensor(log(x, 3), suppressWarnings(log(xr, 3)), out_dtype, tolerance = 1e-6, info = dt)
    expect_tensor(log(x, base = 2), suppressWarnings(log(xr, 2)), out_dtype, tolerance = 1e-14, info = dt)
  }
})

test_that("round() and signif() give exactly what R gives", {
  skip_if_no_torch()
  withr::local_preserve_seed()
  set.seed(42)
  v <- c(
    runif(300, -100, 100), round(runif(200, -10, 10), 3),
    0.15, 0.25, 0.35, 2.675, 1.005, 0.285, -0.125, 2.5, -0.5, 1e300, 1e-300, 5e-324,
    123456.7891, -0.0049999, Inf, -Inf, NaN, 0
  )
  x <- as_torch(v, dtype = "float64")
  for (d in c(-3, -1, 0, 1, 2, 3, 4, 7, 15, 16, 400, -400, 0.4, 1.6)) {
    expect_tensor(round(x, d), round(v, d), "float64", info = paste("round", d))
  }
  for (d in c(0, 1, 2, 3, 6, 10, 15, 22, 30)) {
    expect_tensor(signif(x, d), signif(v, d), "float64", info = paste("signif", d))
  }
  f <- as_torch(v[is.finite(v) & abs(v) < 1e30], dtype = "float32")
  fr <- from_torch(f)
  for (d in c(-1, 0, 1, 2, 3)) {
    expect_tensor(round(f, d), round(fr, d), "float32", info = paste("float32 round", d))
  }
  i <- as_torch(c(123L, -45L, 1055L, 5L, 15L, 25L))
  expect_tensor(round(i, -1), c(120L, -40L, 1060L, 0L, 20L, 20L), "int64")
  expect_tensor(signif(i, 1), c(100L, -40L, 1000L, 5L, 20L, 20L), "int64")
  expect_tensor(round(i, 2), c(123L, -45L, 1055L, 5L, 15L, 25L), "int64")
})

test_that("Math errors are classed", {
  skip_if_no_torch()
  x <- as_torch(c(1.5, 2))
  expect_error(round(x, "a"), class = "torchbridge_error_arg")
  expect_error(round(x, c(1, 2)), class = "torchbridge_error_arg")
  expect_error(sign(as_torch(1i)), class = "torchbridge_error_dtype")
  expect_snapshot(error = TRUE, {
    round(x, "a")
    log(x, base = NA)
    sign(as_torch(1i))
  })
})

test_that("the Complex group matches R", {
  skip_if_no_torch()
  zr <- c(3 + 4i, -1i, -2 + 0.5i)
  z <- as_torch(zr, dtype = "complex128")
  for (fn in c("Re", "Im", "Mod", "Arg")) {
    expect_tensor(match.fun(fn)(z), match.fun(fn)(zr), "float64", tolerance = 1e-15, info = fn)
  }
  expect_tensor(Conj(z), Conj(zr), "complex128")
  for (dt in names(tensor_fixtures())) {
    x <- tensor_fixtures()[[dt]]
    xr <- from_torch(x)
    out_dtype <- if (dt == "float64") "float64" else "float32"
    for (fn in c("Re", "Im", "Mod", "Arg")) {
      expect_tensor(match.fun(fn)(x), match.fun(fn)(xr) + 0, out_dtype, tolerance = 1e-7, info = paste(dt, fn))
    }
    expect_identical(tensor_dtype(Conj(x)), dt)
  }
})

# ---- Summary and mean ------------------------------------------------------------

summary_dtype <- function(fn, dt) {
  if (fn %in% c("any", "all")) return("bool")
  if (dt == "bool") return("int64")
  dt
}

test_that("the Summary group and mean() match R and return 0-d tensors", {
  skip_if_no_torch()
  for (dt in names(tensor_fixtures())) {
    x <- tensor_fixtures()[[dt]]
    xr <- from_torch(x)
    for (fn in c("sum", "prod", "min", "max", "range", "any", "all")) {
      f <- match.fun(fn)
      want <- suppressWarnings(f(xr))
      if (dt == "bool" && fn %in% c("prod", "min", "max", "range")) storage.mode(want) <- "integer"
      if (dt == "int64" && fn == "prod") storage.mode(want) <- "integer"
      out <- f(x)
      expect_tensor(out, want, summary_dtype(fn, dt), info = paste(dt, fn))
      expect_identical(dim(out), if (fn == "range") 2L else integer(0), info = paste(dt, fn))
    }
    m <- mean(x)
    expect_tensor(m, mean(xr), if (dt == "float64") "float64" else "float32",
                  tolerance = if (dt == "float64") 1e-15, info = dt)
    expect_identical(dim(m), integer(0))
  }
})

test_that("na.rm, several arguments and empty tensors work as in R", {
  skip_if_no_torch()
  v <- c(1.5, NaN, -2, 4)
  x <- as_torch(v)
  expect_tensor(sum(x), NaN, "float32")
  expect_tensor(sum(x, na.rm = TRUE), sum(v, na.rm = TRUE), "float32")
  expect_tensor(prod(x, na.rm = TRUE), prod(v, na.rm = TRUE), "float32")
  expect_tensor(range(x, na.rm = TRUE), range(v, na.rm = TRUE), "float32")
  expect_tensor(max(x), NaN, "float32")
  expect_tensor(mean(x, na.rm = TRUE), mean(v, na.rm = TRUE), "float32")
  expect_tensor(any(as_torch(c(0, NaN)), na.rm = TRUE), FALSE, "bool")
  expect_tensor(all(as_torch(c(0, NaN))), FALSE, "bool")
  expect_tensor(sum(x, 10, 1:3, na.rm = TRUE), sum(v, 10, 1:3, na.rm = TRUE), "float32")
  expect_tensor(max(as_torch(1:3), 7L), 7L, "int64")
  expect_tensor(range(as_torch(1:3), as_torch(c(-1L, 9L))), c(-1L, 9L), "int64")
  expect_tensor(suppressWarnings(min(as_torch(integer(0)))), Inf, "float32")
  expect_tensor(max(as_torch(numeric(0))), -Inf, "float32")
  expect_tensor(sum(as_torch(logical(0))), 0L, "int64")
  expect_tensor(mean(as_torch(numeric(0))), NaN, "float32")
})

test_that("Summary errors are classed", {
  skip_if_no_torch()
  expect_error(any(as_torch(c(0, NaN))), class = "torchbridge_error_na")
  expect_error(min(as_torch(1i)), class = "torchbridge_error_dtype")
  expect_error(sum(as_torch(1), na.rm = NA), class = "torchbridge_error_arg")
  expect_error(mean(as_torch(1:3), trim = 0.1), class = "torchbridge_error_arg")
  expect_error(range(as_torch(1:3), finite = TRUE), class = "torchbridge_error_arg")
  expect_identical(from_torch(mean(as_torch(c(1, 3)), trim = 0)), 2)
  expect_snapshot(error = TRUE, {
    any(as_torch(c(0, NaN)))
    all(as_torch(c(1, NaN)))
    max(as_torch(1i))
    sum(as_torch(1), "a")
    mean(as_torch(1:3), trim = 0.1)
    range(as_torch(1:3), finite = TRUE)
  })
})

# ---- matrix algebra ------------------------------------------------------------------

test_that("%@% is R's %*% on the tensor's device", {
  skip_if_no_torch()
  for (dt in c("float32", "float64", "int64", "bool")) {
    x <- tensor_fixtures()[[dt]]
    xr <- from_torch(x)
    out_dtype <- if (dt == "float64") "float64" else "float32"
    tol <- if (dt == "float64") 1e-15
    expect_tensor(x %@% t(x), xr %*% t(xr), out_dtype, tolerance = tol, info = dt)
    expect_tensor(t(x) %@% x, t(xr) %*% xr, out_dtype, tolerance = tol, info = dt)
  }
  m <- matrix(1:6, 2)
  tm <- as_torch(m, dtype = "float64")
  for (case in list(
    list(tm, c(1, 0, 2)), list(c(1, 2), tm), list(as_torch(1:3), as_torch(c(2L, 2L, 2L))),
    list(as_torch(2), 1:3), list(as_torch(matrix(1:3, 3)), c(1, 2)), list(1:3, as_torch(matrix(1:2, 1))),
    list(m, as_torch(matrix(1:3, 3)))
  )) {
    a <- case[[1]]
    b <- case[[2]]
    ar <- if (is_tensor_object(a)) from_torch(a) else a
    br <- if (is_tensor_object(b)) from_torch(b) else b
    out <- a %@% b
    expect_identical(dim(out), dim(ar %*% br))
    expect_equal(from_torch(out), ar %*% br)
  }
  expect_tensor(as_torch(1:3) %@% as_torch(1:3), matrix(14), "float32")
})

test_that("%@% batches over leading dims and refuses non-conformable dims", {
  skip_if_no_torch()
  a <- as_torch(array(1:24, c(2, 3, 4)), dtype = "float64")
  b <- as_torch(matrix(1:8, 4), dtype = "float64")
  out <- a %@% b
  expect_identical(dim(out), c(2L, 3L, 2L))
  ar <- from_torch(a)
  for (i in 1:2) expect_equal(from_torch(out)[i, , ], ar[i, , ] %*% from_torch(b))
  expect_error(as_torch(1:3) %@% 2, class = "torchbridge_error_shape")
  expect_error(as_torch(matrix(1:6, 2)) %@% as_torch(matrix(1:6, 2)), class = "torchbridge_error_shape")
  expect_error(matrix(1:4, 2) %@% matrix(1:4, 2), class = "torchbridge_error_type")
  expect_snapshot(error = TRUE, {
    as_torch(matrix(1:6, 2)) %@% as_torch(matrix(1:6, 2))
    as_torch(1:3) %@% 2
    matrix(1:4, 2) %@% matrix(1:4, 2)
    as_torch(1:3) %@% "a"
  })
})

test_that("%*% is a tensor method on R 4.3 and later only", {
  skip_if_no_torch()
  registered <- !is.null(utils::getS3method("%*%", "torch.Tensor", optional = TRUE, envir = baseenv()))
  expect_identical(registered, getRversion() >= "4.3.0")
  skip_if(getRversion() < "4.3.0", "R < 4.3 can't dispatch %*% on S3 classes")
  x <- as_torch(matrix(1:4, 2), dtype = "float64")
  expect_tensor(x %*% x, matrix(1:4, 2) %*% matrix(1:4, 2), "float64")
})

test_that("integer arithmetic that would wrap is an overflow error naming the operation", {
  skip_if_no_torch()
  u8 <- as_torch(0L, dtype = "uint8")
  expect_error(u8 - 1L, class = "torchbridge_error_overflow")
  expect_error(-as_torch(1L, dtype = "uint8"), class = "torchbridge_error_overflow")
  i32 <- as_torch(.Machine$integer.max, dtype = "int32")
  expect_error(i32 + 1L, class = "torchbridge_error_overflow")
  big <- int64_tensor("[2**62, 2**62]")
  expect_error(big * 4L, class = "torchbridge_error_overflow")
  expect_error(sum(big), class = "torchbridge_error_overflow")
  expect_error(prod(int64_tensor("[2**32, 2**32]")), class = "torchbridge_error_overflow")
  expect_error(cumsum(big), class = "torchbridge_error_overflow")
  expect_error(abs(int64_tensor("[-2**63]")), class = "torchbridge_error_overflow")
  expect_tensor(as_torch(5L, dtype = "uint8") - 5L, 0L, "uint8")
  expect_tensor(i32 - 1L, .Machine$integer.max - 1L, "int32")
  expect_identical(from_torch(sum(int64_tensor("[2**62, 2**62 - 1, -2**62]")), int64 = "double"), 2^62 - 1)
  expect_snapshot(u8 - 1L, error = TRUE)
})

test_that("out of memory in operators and math is a torch error, not a dtype error", {
  skip_if_no_torch()
  torch <- torch_mod()
  big <- torch$zeros(1L)$expand(list(reticulate::py_eval("2**40", convert = FALSE)))
  err <- expect_error(big + 1, class = "torchbridge_error_torch")
  expect_match(conditionMessage(err), "ran out of memory")
  expect_error(sqrt(big), class = "torchbridge_error_torch")
  expect_error(big %@% big, class = "torchbridge_error_torch")
})

test_that("log() takes every base R takes", {
  skip_if_no_torch()
  x <- as_torch(c(1, 2, 8), dtype = "float64")
  expect_tensor(log(x, -1), log(c(1, 2, 8), -1), "float64")
  expect_tensor(log(x, 0), log(c(1, 2, 8), 0), "float64")
  expect_tensor(log(x, 1), log(c(1, 2, 8), 1), "float64")
})

test_that("a classed R object next to a tensor: our classed error on R >= 4.3, R's own on R 4.2", {
  skip_if_no_torch()
  t <- as_torch(1)
  if (getRversion() >= "4.3.0") {
    expect_error(t + factor("a"), class = "torchbridge_error_type")
    expect_error(t + Sys.Date(), class = "torchbridge_error_type")
  } else {
    expect_warning(expect_error(t + factor("a")), "Incompatible methods")
    expect_true(torchbridge:::choose_ops_method(t, factor("a"), NULL, NULL, NULL, FALSE))
  }
})

test_that("round() and signif() of tensors larger than a piece give R's values and shape", {
  skip_if_no_torch()
  set.seed(10)
  m <- matrix(runif(3e5, -1e4, 1e4), 600) # 300,000 elements: two pieces and a part
  m[c(7, 99)] <- c(NA, 0.15)
  t <- as_torch(m, dtype = "float64")
  expect_exact(from_torch(round(t, 1)), round(m, 1))
  expect_exact(from_torch(signif(t, 3)), signif(m, 3))
  expect_exact(from_torch(round(t$t(), 2)), round(t(m), 2)) # a transposed view
})
