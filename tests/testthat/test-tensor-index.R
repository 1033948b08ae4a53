# `[` and `[<-` on tensors, checked against the same call on the R array
# from from_torch() (see helper-tensors.R).

index_fixtures <- function() {
  list(
    float32 = as_torch(array(seq(-5.5, 6, by = 0.5), c(2, 3, 4)), dtype = "float32"),
    float64 = as_torch(array(seq(0.1, 2.4, by = 0.1), c(2, 3, 4)), dtype = "float64"),
    int64 = as_torch(array(1:24, c(2, 3, 4))),
    bool = as_torch(array(rep(c(TRUE, FALSE, FALSE), 8), c(2, 3, 4)))
  )
}

# The R result of x[...] with a tensor result: dims as from_torch() gives
# them (0-d and 1-D results are plain vectors).
r_subset <- function(xr, ...) {
  out <- xr[...]
  if (length(dim(out)) == 1L) dim(out) <- NULL
  out
}

test_that("x[i, j, k] matches R for positive, negative, logical, missing and range indices", {
  skip_if_no_torch()
  # Each case is the list of indices of one call; empty ones are missing.
  cases <- list(
    alist(1, 2, 3), alist(2, , ), alist(, 2:3, ), alist(-1, , 4), alist(, c(TRUE, FALSE, TRUE), ),
    alist(c(2, 1), c(3, 1), c(4, 1, 2)), alist(, , -c(1, 3)), alist(1.9, 3.2, 2), alist(0, , ),
    alist(c(0, 2), -2, c(TRUE, FALSE)), alist(TRUE, , 1), alist(, , ), alist(2L, 3L, 4L),
    alist(integer(0), , ), alist(c(1, 1, 2), , 1)
  )
  for (dt in names(index_fixtures())) {
    x <- index_fixtures()[[dt]]
    xr <- from_torch(x)
    for (case in cases) {
      info <- paste(dt, deparse(case))
      for (drop in c(TRUE, FALSE)) {
        got <- do.call(`[`, c(list(x), case, list(drop = drop)))
        want <- do.call(`[`, c(list(xr), case, list(drop = drop)))
        want_dims <- if (is.null(dim(want))) length(want) else dim(want)
        if (drop && length(want) == 1L && is.null(dim(want))) want_dims <- integer(0)
        expect_tensor(got, if (length(dim(want)) == 1L) as.vector(want) else want, dt, info = paste(info, drop))
        expect_identical(dim(got), want_dims, info = paste(info, drop))
      }
    }
  }
})

test_that("random indices match R (property test)", {
  skip_if_no_torch()
  withr::local_preserve_seed()
  set.seed(20240611)
  x <- index_fixtures()$float64
  xr <- from_torch(x)
  random_index <- function(n) {
    switch(sample(5, 1),
      sample(n, sample(1:n, 1), replace = TRUE),
      -sample(n, sample(1:(n - 1), 1)),
      sample(c(TRUE, FALSE), sample(1:n, 1), replace = TRUE),
      sample(0:n, sample(1:3, 1)),
      rlang::missing_arg()
    )
  }
  for (i in 1:40) {
    idx <- lapply(dim(xr), random_index)
    info <- paste("case", i, paste(vapply(idx, function(j) paste(deparse(j), collapse = ""), ""), collapse = "; "))
    got <- do.call(`[`, c(list(x), idx))
    expect_tensor(got, do.call(r_subset, c(list(xr), idx)), "float64", info = info)
  }
})

test_that("a single index counts elements in column-major order, as in R", {
  skip_if_no_torch()
  for (dt in names(index_fixtures())) {
    x <- index_fixtures()[[dt]]
    xr <- from_torch(x)
    for (i in list(5, c(24, 1, 7), -(1:20), c(TRUE, FALSE, FALSE), xr > 1 | xr == TRUE, 3:9, cbind(c(1, 2), c(3, 1), c(4, 2)))) {
      info <- paste(dt, paste(deparse(i), collapse = ""))
      expect_tensor(x[i], as.vector(xr[i]), dt, info = info)
      expect_identical(length(dim(x[i])), 1L, info = info)
    }
    expect_tensor(x[], xr, dt, info = dt)
    m <- as_torch(xr > 1 | xr == TRUE)
    expect_tensor(x[m], xr[xr > 1 | xr == TRUE], dt, info = dt)
    # index arrays of another shape are read column-major, as R reads them
    im <- matrix(c(TRUE, FALSE, FALSE, TRUE, TRUE, FALSE), 2)
    expect_tensor(x[as_torch(im)], xr[im], dt, info = dt)
    pm <- matrix(c(1L, 24L, 3L, 7L), 2)
    expect_tensor(x[as_torch(pm)], xr[pm], dt, info = dt)
  }
  v <- as_torch(c(10, 20, 30, 40))
  expect_tensor(v[v > 15], c(20, 30, 40), "float32")
  expect_tensor(v[as_torch(c(4L, 1L))], c(40, 10), "float32")
  expect_tensor(v[2], 20, "float32")
  expect_identical(dim(v[2]), integer(0))
})

test_that("x[...] is a new tensor on the same device", {
  skip_if_no_torch()
  x <- as_torch(matrix(1:6, 2))
  y <- x[1, ]
  y[1] <- 100L
  z <- x[]
  z[2, 2] <- -1L
  expect_exact(from_torch(x), matrix(1:6, 2))
  expect_identical(tensor_device(y), tensor_device(x))
})

test_that("index errors are classed, not R's NAs", {
  skip_if_no_torch()
  x <- as_torch(matrix(1:6, 2))
  expect_error(x[3, 1], class = "torchbridge_error_index")
  expect_error(x[-3, 1], class = "torchbridge_error_index")
  expect_error(x[7], class = "torchbridge_error_index")
  expect_error(x[c(TRUE, FALSE, TRUE), ], class = "torchbridge_error_index")
  expect_error(x[NA, 1], class = "torchbridge_error_index")
  expect_error(x[c(1, NA)], class = "torchbridge_error_index")
  expect_error(x[c(-1, 1), ], class = "torchbridge_error_index")
  expect_error(x[1, 1, 1], class = "torchbridge_error_index")
  expect_error(x["a", ], class = "torchbridge_error_index")
  expect_error(x[list(1)], class = "torchbridge_error_index")
  expect_error(x[as_torch(1i)], class = "torchbridge_error_index")
  expect_error(x[1, drop = NA], class = "torchbridge_error_arg")
  expect_snapshot(error = TRUE, {
    x[3, 1]
    x[, -4]
    x[7]
    x[c(TRUE, FALSE, TRUE), ]
    x[c(1, NA)]
    x[c(-1, 1), ]
    x[1, 1, 1]
    x["a", ]
    x[factor("a")]
  })
})

test_that("x[...] <- value writes like the same assignment on the R array", {
  skip_if_no_torch()
  values <- list(float32 = c(0.5, -1), float64 = c(0.25, 9), int64 = c(-3L, 5L), bool = c(TRUE, FALSE))
  cases <- list(alist(2, , ), alist(, 2:3, 1), alist(-1, , c(TRUE, FALSE)), alist(1, 1, 1), alist(, , ))
  for (dt in names(index_fixtures())) {
    for (case in cases) {
      x <- index_fixtures()[[dt]]$clone()
      xr <- from_torch(x)
      info <- paste(dt, deparse(case))
      value <- values[[dt]]
      n <- length(do.call(`[`, c(list(xr), case)))
      if (n %% length(value) != 0) value <- value[1]
      xr <- do.call(`[<-`, c(list(xr), case, list(value = value)))
      x <- do.call(`[<-`, c(list(x), case, list(value = value)))
      expect_tensor(x, xr, dt, info = info)
    }
    x <- index_fixtures()[[dt]]$clone()
    xr <- from_torch(x)
    m <- xr > 1 | xr == TRUE
    x[m] <- values[[dt]][1]
    xr[m] <- values[[dt]][1]
    x[c(1, 24)] <- values[[dt]]
    xr[c(1, 24)] <- values[[dt]]
    x[cbind(2, 3, 4)] <- values[[dt]][2]
    xr[cbind(2, 3, 4)] <- values[[dt]][2]
    expect_tensor(x, xr, dt, info = dt)
  }
  x <- as_torch(matrix(1:6, 2))
  x[, 2] <- as_torch(c(20L, 40L))
  x[x > 30] <- 0L
  expect_tensor(x, matrix(c(1L, 2L, 20L, 0L, 5L, 6L), 2), "int64")
  f <- as_torch(c(1, 2, 3))
  f[2] <- 0.1
  expect_tensor(f, c(1, 0.1, 3), "float32")
})

test_that("a tensor is a reference: assignment changes every variable holding it", {
  skip_if_no_torch()
  x <- as_torch(matrix(1:6, 2))
  y <- x
  y[1, 1] <- 100L
  expect_exact(from_torch(x)[1, 1], 100L)
  r <- matrix(1:6, 2)
  s <- r
  s[1, 1] <- 100L
  expect_exact(r[1, 1], 1L) # unlike an R array
})

test_that("assignment errors are classed", {
  skip_if_no_torch()
  x <- as_torch(matrix(1:6, 2))
  expect_error(x[1] <- 2.5, class = "torchbridge_error_dtype")
  expect_error(x[1] <- NA, class = "torchbridge_error_na")
  expect_error(x[, 1] <- 1:3, class = "torchbridge_error_shape")
  expect_error(x[1] <- "a", class = "torchbridge_error_type")
  expect_error(x[4, 1] <- 1L, class = "torchbridge_error_index")
  p <- torch_mod()$nn$Parameter(torch_mod()$zeros(2L))
  expect_error(p[1] <- 1, class = "torchbridge_error_torch")
  expect_snapshot(error = TRUE, {
    x[1] <- 2.5
    x[1] <- NA
    x[, 1] <- 1:3
    x[1] <- "a"
    p[1] <- 1
  })
  reticulate::py_run_string("import torch")
  with(torch_mod()$no_grad(), p[1] <- 1)
  expect_tensor(p, c(1, 0), "float32")
})

test_that("[[ picks one element, counting from 1, as a 0-d tensor", {
  skip_if_no_torch()
  x <- as_torch(c(10, 20, 30))
  expect_tensor(x[[2]], 20, "float32")
  expect_identical(dim(x[[2]]), integer(0))
  expect_tensor(x[[-c(1, 3)]], 20, "float32")
  m <- as_torch(matrix(1:6, 2))
  expect_tensor(m[[2, 3]], 6L, "int64")
  expect_tensor(m[[4]], 4L, "int64") # column-major, as R
  expect_error(x[[1:2]], class = "torchbridge_error_index")
  expect_error(x[[0]], class = "torchbridge_error_index")
  expect_error(x[[4]], class = "torchbridge_error_index")
  expect_error(m[[1, ]], class = "torchbridge_error_index")
  expect_error(x[[NA]], class = "torchbridge_error_index")
  expect_snapshot(x[[1:2]], error = TRUE)
  expect_identical(reticulate::py_to_r(x[["ndim"]]), 1L) # a name: reticulate's attribute access
})

test_that("[[<- writes one element", {
  skip_if_no_torch()
  x <- as_torch(c(1, 2, 3), dtype = "float64")
  x[[2]] <- 0.1
  expect_tensor(x, c(1, 0.1, 3), "float64")
  m <- as_torch(matrix(1:6, 2))
  m[[1, 3]] <- 50L
  expect_tensor(m, matrix(c(1:4, 50L, 6L), 2), "int64")
  expect_error(x[[1:2]] <- 5, class = "torchbridge_error_index")
  expect_error(x[[1]] <- c(5, 6), class = "torchbridge_error_shape")
  expect_tensor(x, c(1, 0.1, 3), "float64") # nothing written by the failed calls
})

test_that("a scalar is written exactly, as a vector of length 1", {
  skip_if_no_torch()
  f64 <- as_torch(c(0, 0, 0), dtype = "float64")
  f64[1] <- 0.1
  f64[2] <- 1e300
  f64[3] <- c(0.1)
  expect_tensor(f64, c(0.1, 1e300, 0.1), "float64")
  i64 <- as_torch(c(0L, 0L))
  i64[1] <- 123456789
  i64[2] <- 2^53 + 2
  expect_identical(from_torch(i64, int64 = "double"), c(123456789, 2^53 + 2))
  c128 <- as_torch(0i, dtype = "complex128")
  c128[1] <- complex(real = 0.1, imaginary = 1e300)
  expect_identical(from_torch(c128), complex(real = 0.1, imaginary = 1e300))
  f32 <- as_torch(c(1, 2), dtype = "float32")
  expect_error(f32[1] <- 1e39, class = "torchbridge_error_overflow")
  f16 <- as_torch(c(1, 2), dtype = "float16")
  expect_error(f16[1] <- as_torch(1e10, dtype = "bfloat16"), class = "torchbridge_error_overflow")
  expect_tensor(f16, c(1, 2), "float16")
})

test_that("writing into a tensor whose elements share memory is refused", {
  skip_if_no_torch()
  e <- as_torch(c(1, 2, 3))$reshape(list(1L, 3L))$expand(list(3L, 3L))
  expect_error(e[1] <- 0, class = "torchbridge_error_unsupported_tensor")
  expect_error(e[1, 1] <- 0, class = "torchbridge_error_unsupported_tensor")
  expect_tensor(e, matrix(c(1, 2, 3), 3, 3, byrow = TRUE), "float32")
  expect_snapshot(e[1] <- 0, error = TRUE)
})

test_that("AsIs and other temporary indices stay alive while torch reads them (gctorture)", {
  skip_if_no_torch()
  x <- as_torch(as.double(1:10), dtype = "float64")
  y <- as_torch(as.double(1:10), dtype = "float64")
  i <- I(c(2L, 5L, 7L))
  l <- I(rep(c(TRUE, FALSE), 5))
  invisible(x[i]) # warm the method caches outside gctorture
  gctorture(TRUE)
  a <- x[i]
  b <- x[l]
  y[i] <- 0
  y[I(c(-1, -2))] <- c(100, 200)
  gctorture(FALSE)
  expect_tensor(a, c(2, 5, 7), "float64")
  expect_tensor(b, c(1, 3, 5, 7, 9), "float64")
  expect_tensor(y, c(1, 0, 100, 200, 100, 200, 100, 200, 100, 200), "float64")
})
