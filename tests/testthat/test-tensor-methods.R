# dim(), length(), the as.*() methods, t() and aperm(), checked against the
# same calls on the R array from from_torch() (see helper-tensors.R).

shapes <- list(integer(0), 5L, c(2L, 3L), c(2L, 3L, 4L), c(0L, 3L), 0L)

# A tensor of `dtype` with shape `dims` (integer(0): 0-d).
shaped_tensor <- function(dims, dtype) {
  n <- prod(dims)
  v <- switch(dtype,
    float32 = seq_len(n) / 4 - 1,
    float64 = seq_len(n) / 3 - 1,
    int64 = seq_len(n) * 3L - 7L,
    bool = seq_len(n) %% 3 == 0
  )
  t <- as_torch(if (length(dims) >= 2) array(v, dims) else v, dtype = if (dtype != "bool") dtype)
  if (length(dims) == 0) t[1] else t
}

test_that("dim() is the shape and length() the number of elements", {
  skip_if_no_torch()
  for (dt in c("float32", "float64", "int64", "bool")) {
    for (d in shapes) {
      t <- shaped_tensor(d, dt)
      info <- paste(dt, deparse(d))
      expect_identical(dim(t), d, info = info)
      expect_identical(length(t), as.integer(prod(d)), info = info)
      r <- from_torch(t)
      expect_identical(length(t), length(r), info = info)
      if (length(d) >= 2) expect_identical(dim(t), dim(r), info = info)
    }
  }
  p <- torch_mod()$nn$Parameter(torch_mod()$zeros(3L, 2L))
  expect_identical(dim(p), c(3L, 2L))
  expect_identical(length(p), 6L)
  expect_identical(nrow(p), 3L)
  expect_identical(ncol(p), 2L)
})

test_that("as.array(), as.matrix(), as.vector() and the as.<type>() methods follow from_torch()", {
  skip_if_no_torch()
  for (dt in c("float32", "float64", "int64", "bool")) {
    for (d in shapes) {
      t <- shaped_tensor(d, dt)
      r <- from_torch(t)
      info <- paste(dt, deparse(d))
      expect_exact(as.array(t), as.array(r), info = info)
      expect_exact(as.matrix(t), as.matrix(r), info = info)
      expect_exact(as.vector(t), as.vector(r), info = info)
      expect_exact(as.vector(t, "list"), as.vector(r, "list"), info = info)
      expect_exact(as.double(t), as.double(r), info = info)
      expect_exact(as.numeric(t), as.numeric(r), info = info)
      expect_exact(as.integer(t), suppressWarnings(as.integer(r)), info = info)
      expect_exact(as.logical(t), as.logical(r), info = info)
    }
  }
  x <- as_torch(array(1:24, c(2, 3, 4)))
  expect_exact(as.vector(x), 1:24) # column-major, as in R
  expect_exact(as.matrix(as_torch(1:3)), matrix(1:3, 3))
})

test_that("as.double() keeps large int64 values; the others refuse them as from_torch() does", {
  skip_if_no_torch()
  big <- int64_tensor("[2**40, -3]")
  expect_exact(as.double(big), c(2^40, -3))
  expect_error(as.integer(big), class = "torchbridge_error_overflow")
  expect_error(as.vector(big), class = "torchbridge_error_overflow")
  expect_snapshot(error = TRUE, as.integer(big))
  expect_warning(as.double(int64_tensor("[2**60]")), class = "torchbridge_warning_precision")
})

test_that("t() and aperm() match R and are views", {
  skip_if_no_torch()
  for (dt in c("float32", "float64", "int64", "bool")) {
    for (d in shapes[-4]) {
      t <- shaped_tensor(d, dt)
      r <- from_torch(t)
      expect_tensor(t(t), t(r), dt, info = paste(dt, deparse(d)))
    }
    a <- shaped_tensor(c(2L, 3L, 4L), dt)
    ar <- from_torch(a)
    expect_tensor(aperm(a), aperm(ar), dt, info = dt)
    for (p in list(c(2, 1, 3), c(3, 1, 2), 1:3, c(1L, 3L, 2L))) {
      expect_tensor(aperm(a, p), aperm(ar, p), dt, info = paste(dt, deparse(p)))
      expect_tensor(aperm(a, p, resize = FALSE), aperm(ar, p, resize = FALSE), dt, info = paste(dt, deparse(p)))
    }
  }
  x <- as_torch(matrix(1:6, 2))
  tx <- t(x)
  tx[1, 2] <- 100L
  expect_exact(from_torch(x)[2, 1], 100L)
})

test_that("t() and aperm() errors are classed", {
  skip_if_no_torch()
  a <- as_torch(array(1:24, c(2, 3, 4)))
  expect_error(t(a), class = "torchbridge_error_shape")
  expect_error(aperm(a, c(1, 1, 2)), class = "torchbridge_error_index")
  expect_error(aperm(a, c("a", "b", "c")), class = "torchbridge_error_index")
  expect_error(aperm(a, resize = NA), class = "torchbridge_error_arg")
  expect_snapshot(error = TRUE, {
    t(a)
    aperm(a, c(1, 1, 2))
    aperm(a, c("a", "b", "c"))
  })
})

test_that("the methods apply to parameters too", {
  skip_if_no_torch()
  p <- torch_mod()$nn$Parameter(as_torch(matrix(c(1, 2, 3, 4), 2)))
  expect_exact(as.matrix(p), matrix(c(1, 2, 3, 4), 2))
  out <- p * 2
  expect_tensor(out, matrix(c(2, 4, 6, 8), 2), "float32")
  expect_true(reticulate::py_to_r(out$requires_grad))
  expect_tensor(t(p), t(matrix(c(1, 2, 3, 4), 2)), "float32")
})
