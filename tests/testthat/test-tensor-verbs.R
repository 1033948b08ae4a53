# Base R verbs on tensors (tensor-verbs.R), each checked against the same
# call on from_torch(x), exactly (NA told from NaN), on random inputs with
# ties and NA/NaN, for float32, float64, int64 and bool tensors.

verb_dtypes <- c("float32", "float64", "int64", "bool")

# A random R vector of `n` values with ties (and NA/NaN for floats), as the
# tensor of `dtype` would hold it.
verb_values <- function(dtype, n) {
  switch(dtype,
    float32 = ,
    float64 = sample(c(NA, NaN, -0, 0, 1.5, -2, 3, 1e10, -Inf), n, replace = TRUE),
    int64 = sample(-3:3, n, replace = TRUE),
    bool = sample(c(TRUE, FALSE), n, replace = TRUE)
  )
}

# Random tensors of `dtype`: a vector, a matrix with repeated rows, a 3-d
# array, a length-1 vector and empty ones.
verb_inputs <- function(dtype) {
  pool <- matrix(verb_values(dtype, 12), 3)
  rows <- pool[sample(3, 7, replace = TRUE), , drop = FALSE]
  values <- list(
    vector = verb_values(dtype, 15),
    matrix = rows,
    array = array(verb_values(dtype, 24), c(2, 3, 4)),
    one = verb_values(dtype, 1),
    empty = verb_values(dtype, 0),
    empty_rows = matrix(verb_values(dtype, 0), 0, 3)
  )
  lapply(values, as_torch, dtype = dtype)
}

# Python warnings raised while `expr` runs (torch's deprecation warnings
# would otherwise reach the console).
python_warnings <- function(expr) {
  w <- reticulate::import("warnings", convert = FALSE)
  builtins <- reticulate::import_builtins(convert = FALSE)
  cm <- w$catch_warnings(record = TRUE)
  log <- cm$`__enter__`()
  w$simplefilter("always")
  on.exit(cm$`__exit__`(NULL, NULL, NULL))
  force(expr)
  vapply(reticulate::py_to_r(builtins$list(builtins$map(builtins$str, log))), identity, "")
}

# Calls f(x, xr, dt, what) for each input of verb_inputs() of each dtype:
# the tensor, its R value, the dtype and the input's name.
each_verb_input <- function(f) {
  for (dt in verb_dtypes) {
    inputs <- verb_inputs(dt)
    for (what in names(inputs)) f(inputs[[what]], from_torch(inputs[[what]]), dt, what)
  }
}

test_that("sort() matches R for every dtype, direction and na.last", {
  skip_if_no_torch()
  set.seed(1)
  each_verb_input(function(x, xr, dt, what) {
    for (dec in c(FALSE, TRUE)) {
      for (nl in list(NA, TRUE, FALSE)) {
        info <- paste(dt, what, dec, nl)
        expect_tensor(sort(x, decreasing = dec, na.last = nl), sort(xr, decreasing = dec, na.last = nl),
                      dt, info = info)
      }
    }
    expect_tensor(sort(x, method = "radix"), sort(xr), dt, info = paste(dt, what))
    expect_tensor(rev(x), rev(as.vector(xr)), dt, info = paste(dt, what))
  })
})

test_that("sort() keeps -0 and 0 in their order, as R's stable sort does", {
  skip_if_no_torch()
  z <- c(0, -0, -1, -0, 0, 2, Inf, -Inf, NA)
  for (dt in c("float32", "float64")) {
    for (dec in c(FALSE, TRUE)) {
      got <- from_torch(sort(as_torch(z, dtype = dt), decreasing = dec, na.last = TRUE))
      expect_identical(1 / got, 1 / sort(z, decreasing = dec, na.last = TRUE), info = paste(dt, dec))
    }
  }
  set.seed(9)
  big <- sample(c(rnorm(5e4), rep(c(0, -0), 100)))
  expect_identical(1 / from_torch(sort(as_torch(big, dtype = "float64"))), 1 / sort(big))
})

test_that("sort() keeps the tensor's device and leaks no Python warning", {
  skip_if_no_torch()
  x <- as_torch(matrix(c(3, 1, NA, 2), 2), dtype = "float64")
  expect_identical(python_warnings(sort(x)), character())
  expect_identical(tensor_device(sort(x)), "cpu")
})

test_that("order() and friends go through xtfrm() and match R", {
  skip_if_no_torch()
  set.seed(2)
  for (dt in verb_dtypes) {
    inputs <- verb_inputs(dt)
    for (what in names(inputs)) {
      x <- inputs[[what]]
      xr <- from_torch(x)
      info <- paste(dt, what)
      expect_exact(order(x), order(xr), info = info)
      expect_exact(order(x, decreasing = TRUE), order(xr, decreasing = TRUE), info = info)
      expect_exact(order(x, na.last = FALSE), order(xr, na.last = FALSE), info = info)
      expect_exact(order(x, na.last = NA), order(xr, na.last = NA), info = info)
      for (ties in c("average", "first", "min", "max")) {
        expect_exact(rank(xtfrm(x), ties.method = ties), rank(xr, ties.method = ties), info = info)
      }
      expect_exact(rank(xtfrm(x), na.last = "keep"), rank(xr, na.last = "keep"), info = info)
    }
    a <- as_torch(verb_values(dt, 20), dtype = dt)
    b <- as_torch(verb_values(dt, 20), dtype = dt)
    expect_exact(order(a, b), order(from_torch(a), from_torch(b)), info = dt)
    expect_exact(order(a, -seq_len(20)), order(from_torch(a), -seq_len(20)), info = dt)
  }
  big <- int64_tensor("[2**62 + 1, 2**62, -5, 2**62]")
  expect_exact(order(big), c(3L, 2L, 4L, 1L))
  expect_exact(xtfrm(big), c(3L, 2L, 1L, 2L))
})

test_that("unique() and duplicated() keep R's order, NA/NaN rules and MARGIN", {
  skip_if_no_torch()
  set.seed(3)
  each_verb_input(function(x, xr, dt, what) {
    for (fl in c(FALSE, TRUE)) {
      info <- paste(dt, what, fl)
      expect_tensor(unique(x, fromLast = fl), unique(xr, fromLast = fl), dt, info = info)
      # for a matrix R gives a 1-d array; a 1-D tensor holds its values
      expect_tensor(duplicated(x, fromLast = fl), c(duplicated(xr, fromLast = fl)), "bool", info = info)
      if (length(dim(x)) >= 2) {
        for (m in seq_along(dim(x))) {
          info <- paste(info, "MARGIN", m)
          expect_tensor(unique(x, MARGIN = m, fromLast = fl), unique(xr, MARGIN = m, fromLast = fl), dt, info = info)
          expect_tensor(duplicated(x, MARGIN = m, fromLast = fl),
                        c(duplicated(xr, MARGIN = m, fromLast = fl)), "bool", info = info)
        }
      }
    }
  })
  x <- as_torch(c(NA, NaN, NA, 1, -0, 0, NaN), dtype = "float64")
  expect_tensor(unique(x), c(NA, NaN, 1, -0), "float64")
  expect_tensor(x[!duplicated(x)], c(NA, NaN, 1, -0), "float64")
})

test_that("names() of a tensor is NULL and asks Python for nothing", {
  skip_if_no_torch()
  x <- as_torch(c(1, 2))
  expect_null(names(x))
  expect_identical(python_warnings(names(x)), character())
})

test_that("base functions without tensor methods fail without Python warnings", {
  skip_if_no_torch()
  x <- as_torch(c(3, 1, NA, 2), dtype = "float64")
  m <- as_torch(matrix(1:6, 2))
  calls <- list(
    quote(colMeans(m)), quote(rowSums(m)), quote(var(x)), quote(cor(m)), quote(which(x > 1)),
    quote(which.max(x)), quote(diag(x)), quote(if (mean(x) > 2) 1), quote(for (v in x) v),
    quote(rank(x)), quote(crossprod(m))
  )
  for (cl in calls) {
    expect_identical(python_warnings(try(eval(cl), silent = TRUE)), character(), info = deparse(cl))
  }
})

test_that("sort(), unique() and duplicated() refuse what they can't do", {
  skip_if_no_torch()
  x <- as_torch(c(2, 1))
  m <- as_torch(matrix(1:4, 2))
  z <- as_torch(c(1 + 2i, 3i))
  expect_snapshot(error = TRUE, {
    sort(z)
    sort(x, partial = 1)
    sort(x, na.last = "last")
    sort(x, decreasing = NA)
    unique(x, incomparables = 1)
    unique(m, MARGIN = 3)
    duplicated(m, MARGIN = "a")
    duplicated(m, MARGIN = c(1, 2))
    duplicated(x, fromLast = NA)
    xtfrm(z)
  })
  expect_error(sort(z), class = "torchbridge_error_dtype")
  expect_error(unique(m, MARGIN = 3), class = "torchbridge_error_arg")
  expect_error(sort(x, partial = 1), class = "torchbridge_error_arg")
})

# The dtype c(), cbind() and rbind() give for tensors of dtypes `tensors`
# next to R values of types `r_types` (the Ops rules).
bind_dtype <- function(tensors, r_types = character()) {
  rank <- c(bool = 1, int64 = 2, float32 = 3, float64 = 4)
  dt <- names(rank)[max(rank[tensors])]
  if ("double" %in% r_types && dt %in% c("bool", "int64")) return("float32")
  if ("integer" %in% r_types && dt == "bool") return("int64")
  dt
}

r_values_of <- function(type, n) {
  switch(type,
    double = sample(c(NA, 2.5, -1, 0), n, replace = TRUE),
    integer = sample(-2:2, n, replace = TRUE),
    logical = sample(c(TRUE, FALSE), n, replace = TRUE)
  )
}

test_that("c() of tensors and R values matches R in order and follows the Ops dtypes", {
  skip_if_no_torch()
  set.seed(4)
  each_verb_input(function(x, xr, dt, what) {
    for (dt2 in verb_dtypes) {
      y <- as_torch(matrix(verb_values(dt2, 6), 2), dtype = dt2)
      expect_tensor(c(x, y, NULL, x), c(xr, from_torch(y), xr), bind_dtype(c(dt, dt2)),
                    info = paste(dt, what, dt2))
    }
    for (type in c("double", "integer", "logical")) {
      v <- r_values_of(type, 5)
      if (type == "double" && dt %in% c("int64", "bool")) v[is.na(v)] <- 1
      m <- matrix(r_values_of(type, 4), 2)
      if (type == "double" && dt %in% c("int64", "bool")) m[is.na(m)] <- 1
      expect_tensor(c(x, v, m, v[1]), c(xr, v, m, v[1]), bind_dtype(dt, type), info = paste(dt, what, type))
    }
  })
  expect_tensor(c(as_torch(1:2), as_torch(3L)$reshape(list())), c(1L, 2L, 3L), "int64")
})

test_that("cbind() and rbind() match R's recycling and dims rules", {
  skip_if_no_torch()
  set.seed(5)
  for (dt in verb_dtypes) {
    m <- as_torch(matrix(verb_values(dt, 6), 2), dtype = dt)   # 2 x 3
    mr <- from_torch(m)
    v2 <- as_torch(verb_values(dt, 2), dtype = dt)
    v3 <- as_torch(verb_values(dt, 3), dtype = dt)
    v6 <- as_torch(verb_values(dt, 6), dtype = dt)
    e <- as_torch(verb_values(dt, 0), dtype = dt)
    s <- as_torch(verb_values(dt, 1), dtype = dt)$reshape(list())
    vr <- lapply(list(v2 = v2, v3 = v3, v6 = v6, e = e, s = s), from_torch)
    a <- as_torch(array(verb_values(dt, 8), c(2, 2, 2)), dtype = dt)
    ar <- from_torch(a)
    same <- function(got, want, info) expect_tensor(got, unname(want), dt, info = paste(dt, info))
    same(cbind(m, v2), cbind(mr, vr$v2), "m v2")
    same(cbind(v2, m, s), cbind(vr$v2, mr, vr$s), "v2 m s")
    same(cbind(m, e, m), cbind(mr, vr$e, mr), "m e m")
    same(cbind(v6, v3, s), cbind(vr$v6, vr$v3, vr$s), "v6 v3 s")
    same(cbind(e, e), cbind(vr$e, vr$e), "e e")
    same(cbind(v6), cbind(vr$v6), "v6")
    same(cbind(a, v2), cbind(ar, vr$v2), "array v2")
    same(rbind(m, v3), rbind(mr, vr$v3), "rbind m v3")
    same(rbind(v3, m, s, NULL), rbind(vr$v3, mr, vr$s), "rbind v3 m s")
    same(rbind(v6, v2), rbind(vr$v6, vr$v2), "rbind v6 v2")
    same(rbind(t(m), t(m)), rbind(t(mr), t(mr)), "rbind t(m) t(m)")
    same(rbind(e, e, e), rbind(vr$e, vr$e, vr$e), "rbind e e e")
    for (type in c("double", "integer", "logical")) {
      v <- r_values_of(type, 2)
      if (type == "double" && dt %in% c("int64", "bool")) v[is.na(v)] <- 1
      rm <- matrix(r_values_of(type, 4), 2)
      if (type == "double" && dt %in% c("int64", "bool")) rm[is.na(rm)] <- 1
      info <- paste(dt, type)
      expect_tensor(cbind(m, v, rm, 1L), unname(cbind(mr, v, rm, 1L)), bind_dtype(dt, c(type, "integer")), info = info)
      expect_tensor(cbind(v, m), unname(cbind(v, mr)), bind_dtype(dt, type), info = info)
      expect_tensor(rbind(m, c(v, v[1])), unname(rbind(mr, c(v, v[1]))), bind_dtype(dt, type), info = info)
    }
    for (dt2 in verb_dtypes) {
      y <- as_torch(matrix(verb_values(dt2, 4), 2), dtype = dt2)
      expect_tensor(cbind(m, y), unname(cbind(mr, from_torch(y))), bind_dtype(c(dt, dt2)), info = paste(dt, dt2))
      expect_tensor(rbind(t(m), y), unname(rbind(t(mr), from_torch(y))), bind_dtype(c(dt, dt2)), info = paste(dt, dt2))
    }
  }
})

test_that("c(), cbind() and rbind() refuse what R refuses, and what R only warns about", {
  skip_if_no_torch()
  m <- as_torch(matrix(1:6, 2))
  x <- as_torch(c(1.5, 2))
  expect_snapshot(error = TRUE, {
    cbind(m, as_torch(matrix(1:6, 3)))
    rbind(m, as_torch(matrix(1:6, 3)))
    cbind(m, 1:3)
    rbind(m, 1:2)
    cbind(as_torch(1:3), 1:2)
    cbind(m, data.frame(a = 1:2))
    c(m, list(1))
    c(m, NA)
    c(x, as.raw(1))
  })
  expect_error(cbind(m, 1:3), class = "torchbridge_error_shape")
  expect_error(c(m, NA), class = "torchbridge_error_na")
  expect_error(cbind(m, factor("a")), class = "torchbridge_error_type")
})

test_that("cbind() dispatches to tensors when a tensor comes first among classed arguments", {
  skip_if_no_torch()
  m <- as_torch(matrix(1:4, 2))
  expect_true(is_tensor_object(cbind(1:2, m)))
  expect_true(is_tensor_object(rbind(1:2, m)))
  expect_s3_class(cbind(data.frame(a = 1:2), m), "data.frame")
  expect_type(c(1, m), "list") # c() dispatches on its first argument only
})

test_that("quantile() matches R for all nine types", {
  skip_if_no_torch()
  set.seed(6)
  probs <- list(seq(0, 1, 0.25), c(0.1, 0.333, 0.5, 0.9, 1), c(0.05, NA, 0.999), numeric(0), c(1, 0))
  for (dt in verb_dtypes) {
    inputs <- verb_inputs(dt)
    inputs$long <- as_torch(verb_values(dt, 40), dtype = dt)
    for (what in names(inputs)) {
      x <- inputs[[what]]
      xr <- from_torch(x)
      for (type in 1:9) {
        for (p in probs) {
          info <- paste(dt, what, type, deparse(p))
          expect_exact(quantile(x, p, type = type, na.rm = TRUE), quantile(xr, p, type = type, na.rm = TRUE),
                      info = info)
        }
      }
      expect_exact(quantile(x, names = FALSE, na.rm = TRUE), quantile(xr, names = FALSE, na.rm = TRUE), info = what)
      expect_exact(quantile(x, c(0.12345, 0.5), digits = 2, na.rm = TRUE),
                  quantile(xr, c(0.12345, 0.5), digits = 2, na.rm = TRUE), info = what)
      if (!anyNA(xr)) expect_exact(quantile(x), quantile(xr), info = paste(dt, what))
    }
  }
})

test_that("quantile() and median() of large tensors (selected, not sorted whole) match R", {
  skip_if_no_torch()
  set.seed(8)
  n <- 70001 # above the size where the CPU selects instead of sorting
  fooled <- c(rep(0, 9), runif(n - 9, 1, 2)) # a strided sample sees only the zeros
  fooled[seq(1, n, by = 4)] <- 0
  for (dt in verb_dtypes) {
    inputs <- list(ties = verb_values(dt, n), odd = verb_values(dt, n - 1))
    if (dt %in% c("float32", "float64")) {
      inputs$spread <- c(rnorm(n - 2), NA, NaN)
      inputs$fooled <- fooled
      inputs$sorted <- sort(rnorm(n))
    }
    if (dt == "int64") inputs$spread <- sample(-1e6:1e6, n, replace = TRUE)
    for (what in names(inputs)) {
      x <- as_torch(inputs[[what]], dtype = dt)
      xr <- from_torch(x)
      for (type in 1:9) {
        for (p in list(seq(0, 1, 0.25), c(0.001, 0.5, 0.999, 0.4999))) {
          expect_exact(quantile(x, p, type = type, na.rm = TRUE), quantile(xr, p, type = type, na.rm = TRUE),
                       info = paste(dt, what, type))
        }
      }
      want <- median(xr, na.rm = TRUE)
      expect_identical(as.vector(from_torch(median(x, na.rm = TRUE))), as.vector(want), info = paste(dt, what))
    }
  }
})

test_that("median() and diff() match R", {
  skip_if_no_torch()
  set.seed(7)
  for (dt in verb_dtypes) {
    inputs <- verb_inputs(dt)
    inputs$even <- as_torch(verb_values(dt, 10), dtype = dt)
    inputs$odd <- as_torch(verb_values(dt, 11), dtype = dt)
    for (what in names(inputs)) {
      x <- inputs[[what]]
      xr <- from_torch(x)
      for (na_rm in c(FALSE, TRUE)) {
        info <- paste(dt, what, na_rm)
        want <- median(xr, na.rm = na_rm)
        n <- if (na_rm) sum(!is.na(xr)) else length(xr)
        if (dt %in% c("int64", "bool") && n == 0) {
          expect_error(median(x, na.rm = na_rm), class = "torchbridge_error_na", info = info)
          next
        }
        out_dt <- if (n %% 2 == 1 || is.na(want) || dt %in% c("float32", "float64")) dt else "float32"
        expect_tensor(median(x, na.rm = na_rm), want, out_dt, info = info)
      }
      for (lag in 1:3) {
        for (d in if (dt == "float32") 1L else 1:2) {
          info <- paste(dt, what, lag, d)
          want <- diff(xr, lag = lag, differences = d)
          out_dt <- if (dt == "bool" && length(want)) "int64" else dt
          expect_tensor(diff(x, lag = lag, differences = d), want, out_dt, info = info)
        }
      }
    }
  }
})

test_that("quantile(), median() and diff() refuse what they can't do", {
  skip_if_no_torch()
  x <- as_torch(c(1, NaN, 3))
  z <- as_torch(c(1i, 2))
  expect_snapshot(error = TRUE, {
    quantile(x)
    quantile(x, type = 10)
    quantile(x, 1.5, na.rm = TRUE)
    quantile(x, "a")
    quantile(z)
    quantile(x, na.rm = TRUE, foo = 1)
    median(as_torch(integer(0)))
    median(z)
    diff(x, lag = 0)
    diff(x, differences = 1.5)
  })
  expect_error(quantile(x), class = "torchbridge_error_na")
  expect_error(quantile(x, type = 4.5), class = "torchbridge_error_arg")
  expect_error(diff(as_torch(int64_tensor("[-2**62, 2**62, -2**62]"))), class = "torchbridge_error_overflow")
})

test_that("as.logical() and as.numeric() work on 0-d tensors of every dtype", {
  skip_if_no_torch()
  torch <- torch_mod()
  dtypes <- c("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
              "uint8", "bool", "complex64", "complex128")
  for (dt in dtypes) {
    for (v in list(0L, 1L, 3L)) {
      t <- torch$tensor(v, dtype = torch[[dt]])
      info <- paste(dt, v)
      expect_exact(as.logical(t), as.logical(from_torch(t)), info = info)
      expect_exact(as.numeric(t), as.numeric(from_torch(t)), info = info)
      expect_exact(as.double(t), as.double(from_torch(t)), info = info)
    }
  }
  expect_exact(as.logical(as_torch(NaN)$reshape(list())), NA)
  x <- as_torch(c(1, 2, 3))
  expect_true(if (as.logical(mean(x) > 1.5)) TRUE else FALSE)
  expect_exact(as.numeric(mean(x)), 2)
  # int64 beyond R's integers: non-zero is TRUE, without a precision warning
  big <- int64_tensor("2**62")
  expect_exact(expect_silent(as.logical(big)), TRUE)
  expect_exact(as.logical(int64_tensor("[0, 2**62, -2**63]")), c(FALSE, TRUE, TRUE))
})

test_that("as.list(), as.vector(mode =), lengths() and seq_along() work as on the R array", {
  skip_if_no_torch()
  set.seed(8)
  each_verb_input(function(x, xr, dt, what) {
    info <- paste(dt, what)
    expect_exact(as.list(x), as.list(xr), info = info)
    expect_exact(lengths(x), lengths(xr), info = info)
    expect_exact(seq_along(x), seq_along(xr), info = info)
    for (mode in c("list", "numeric", "logical", "character", "any")) {
      expect_exact(as.vector(x, mode = mode), as.vector(xr, mode = mode), info = paste(info, mode))
    }
    # 1e10 is beyond R's integers: NA with R's warning, on both sides
    expect_exact(suppressWarnings(as.vector(x, mode = "integer")),
                suppressWarnings(as.vector(xr, mode = "integer")), info = info)
  })
  z <- as_torch(3)$reshape(list())
  expect_exact(lengths(z), 1L)
  expect_exact(as.list(z), list(3))
})

# A random invertible n x n matrix of `dtype` (positive definite for floats).
linalg_matrix <- function(dtype, n) {
  switch(dtype,
    float32 = ,
    float64 = { m <- matrix(round(rnorm(n * n), 2), n); crossprod(m) + diag(n) },
    int64 = { m <- matrix(sample(-3:3, n * n, TRUE), n); diag(m) <- 20L; m },
    bool = { m <- upper.tri(matrix(0, n, n)) & matrix(sample(c(TRUE, FALSE), n * n, TRUE), n); diag(m) <- TRUE; m }
  )
}

test_that("solve(), chol() and determinant() agree with R to rounding", {
  skip_if_no_torch()
  set.seed(9)
  for (dt in verb_dtypes) {
    out_dt <- if (dt == "float64") "float64" else "float32"
    tol <- if (out_dt == "float64") 1e-10 else 1e-5
    for (n in c(1L, 3L, 5L)) {
      ar <- linalg_matrix(dt, n)
      a <- as_torch(ar, dtype = dt)
      ar <- from_torch(a)
      info <- paste(dt, n)
      b <- rnorm(n)
      bm <- matrix(rnorm(n * 2), n)
      expect_tensor(solve(a), solve(ar), out_dt, tolerance = tol, info = info)
      expect_tensor(solve(a, b), solve(ar, b), out_dt, tolerance = tol, info = info)
      expect_tensor(solve(a, bm), solve(ar, bm), out_dt, tolerance = tol, info = info)
      expect_tensor(solve(a, as_torch(bm, dtype = "float64")), solve(ar, bm), "float64", tolerance = 1e-5, info = info)
      expect_equal(det(a), det(ar), tolerance = tol, info = info)
      d <- determinant(a, logarithm = FALSE)
      want <- determinant(ar, logarithm = FALSE)
      expect_s3_class(d, "det")
      expect_identical(d$sign, want$sign, info = info)
      expect_equal(d$modulus, want$modulus, tolerance = tol, info = info)
      if (dt %in% c("float32", "float64")) {
        expect_tensor(chol(a), chol(ar), out_dt, tolerance = tol, info = info)
      }
    }
  }
  # R reads only the upper triangle
  m <- matrix(c(4, 100, 2, 3), 2)
  expect_tensor(chol(as_torch(m, dtype = "float64")), chol(m), "float64", tolerance = 1e-12)
  # singular: modulus -Inf and sign 1, as in R
  z <- as_torch(matrix(c(1, 2, 2, 4), 2), dtype = "float64")
  expect_identical(determinant(z)$sign, determinant(from_torch(z))$sign)
  expect_identical(det(as_torch(matrix(0, 2, 2))), 0)
  expect_identical(unclass(determinant(as_torch(matrix(0, 0, 0)))), unclass(determinant(matrix(0, 0, 0))))
})

test_that("solve(), chol() and determinant() refuse what R refuses", {
  skip_if_no_torch()
  a <- as_torch(matrix(c(2, 1, 1, 3), 2))
  expect_snapshot(error = TRUE, {
    solve(as_torch(matrix(1:6, 2)))
    solve(a, 1:3)
    solve(as_torch(matrix(0, 2, 2)))
    solve(as_torch(matrix(c(1, 1, 1, 1 + 4e-16), 2), dtype = "float64"))
    solve(a, list(1))
    chol(as_torch(matrix(c(1, 2, 2, 1), 2)))
    chol(a, pivot = TRUE)
    determinant(as_torch(matrix(1:6, 2)))
    determinant(as_torch(matrix(1i, 1, 1)))
  })
  expect_error(solve(as_torch(matrix(0, 2, 2))), class = "torchbridge_error_torch")
  expect_error(solve(a, 1:3), class = "torchbridge_error_shape")
  expect_error(chol(as_torch(matrix(c(1, 2, 2, 1), 2))), class = "torchbridge_error_torch")
})

test_that("crossprod() and tcrossprod() methods are t(x) %*% y and x %*% t(y) (dispatched from R 4.4)", {
  skip_if_no_torch()
  set.seed(3)
  a <- matrix(rnorm(12), 4)
  b <- matrix(rnorm(8), 4)
  ta <- as_torch(a, dtype = "float64")
  tb <- as_torch(b, dtype = "float64")
  expect_equal(from_torch(torchbridge:::crossprod_method(ta, tb)), crossprod(a, b), tolerance = 1e-12)
  expect_equal(from_torch(torchbridge:::crossprod_method(ta)), crossprod(a), tolerance = 1e-12)
  expect_equal(from_torch(torchbridge:::tcrossprod_method(ta)), tcrossprod(a), tolerance = 1e-12)
  expect_equal(from_torch(torchbridge:::tcrossprod_method(ta, as_torch(a[, 3:1], dtype = "float64"))),
               tcrossprod(a, a[, 3:1]), tolerance = 1e-12)
  expect_equal(from_torch(torchbridge:::crossprod_method(as_torch(c(1, 2, 3), dtype = "float64"))), crossprod(c(1, 2, 3)))
  expect_error(torchbridge:::crossprod_method(ta, as_torch(matrix(1, 3, 2))), class = "torchbridge_error_shape")
  if (getRversion() >= "4.4.0") {
    expect_equal(from_torch(crossprod(ta, tb)), crossprod(a, b), tolerance = 1e-12)
  } else {
    expect_false(is.primitive(crossprod))
  }
})
