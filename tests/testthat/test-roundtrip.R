# as_torch() then from_torch(): values, dims and types survive the round
# trip. Helpers in helper-convert.R.

# ---- round trips: property tests over random shapes ------------------------

# Random dims: NULL (a plain vector) or 1 to 5 dims, zero-length dims included.
random_dims <- function(i) {
  nd <- sample(0:5, 1)
  zero <- i %% 5 == 0 # every fifth case is zero-length
  if (nd == 0) {
    return(list(dims = NULL, n = if (zero) 0L else sample(1:12, 1)))
  }
  d <- sample(1:4, nd, replace = TRUE)
  if (nd >= 3) d[sample(nd, 1)] <- 1L # keep arrays small
  if (zero) d[sample(nd, 1)] <- 0L # a zero-length dim
  list(dims = d, n = prod(d))
}

# Check t (from as_torch(x)) against x: shape, dtype, and a few elements read
# through torch, t[i-1, j-1, ...] == x[i, j, ...].
check_tensor_layout <- function(t, x, dims, n, dtype, info, value = identity) {
  expect_exact(t_shape(t), if (is.null(dims)) as.integer(n) else as.integer(dims), info = info)
  expect_exact(tensor_dtype(t), dtype, info = info)
  if (n == 0) return(invisible())
  ok <- which(!is.na(x))
  if (length(ok) == 0) return(invisible())
  for (k in ok[unique(c(1L, length(ok), sample(length(ok), min(3L, length(ok)))))]) {
    idx <- if (is.null(dims)) k else arrayInd(k, dims)
    expect_exact(t_item(t, idx), value(x[[k]]), info = paste(info, "element", k))
  }
}

test_that("round trips over random shapes keep values, dims and type (every R type)", {
  skip_if_no_torch()
  withr::local_preserve_seed()
  set.seed(20240501)
  n_zero <- 0L
  has_bit64 <- requireNamespace("bit64", quietly = TRUE)
  for (i in 1:30) {
    s <- random_dims(i)
    dims <- s$dims
    n <- s$n
    if (n == 0) n_zero <- n_zero + 1L
    info <- paste0("case ", i, ", dims = ", deparse(dims), ", n = ", n)
    shape_of <- function(v) {
      if (!is.null(dims)) dim(v) <- dims
      v
    }

    # double through float64 keeps NA and NaN (bit patterns)
    d <- round(rnorm(n) * 100) / 8
    if (n >= 3) d[c(2, 3)] <- c(NA, NaN)
    x <- shape_of(d)
    t <- as_torch(x, dtype = "float64")
    check_tensor_layout(t, x, dims, n, "float64", info)
    expect_exact(from_torch(t), with_dims(d, dims), info = info)

    # double by default: float32 (values exact in float32); NA becomes NaN
    t <- as_torch(x)
    check_tensor_layout(t, x, dims, n, "float32", info)
    d_nan <- d
    d_nan[is.na(d_nan)] <- NaN
    expect_exact(from_torch(t), with_dims(d_nan, dims), info = info)

    # integer: int64, back as integer
    iv <- sample(-1000:1000, n, replace = TRUE)
    x <- shape_of(iv)
    t <- as_torch(x)
    check_tensor_layout(t, x, dims, n, "int64", info)
    expect_exact(from_torch(t), with_dims(iv, dims), info = info)

    # logical: bool, back as logical
    lv <- sample(c(TRUE, FALSE), n, replace = TRUE)
    x <- shape_of(lv)
    t <- as_torch(x)
    check_tensor_layout(t, x, dims, n, "bool", info)
    expect_exact(from_torch(t), with_dims(lv, dims), info = info)

    # logical with NA through a float dtype: double, NA kept with float64
    if (n >= 2) lv[2] <- NA
    x <- shape_of(lv)
    t <- as_torch(x, dtype = "float64")
    check_tensor_layout(t, x, dims, n, "float64", info, value = as.double)
    expect_exact(from_torch(t), with_dims(as.double(lv), dims), info = info)

    # complex: complex64 by default (values exact in float32)
    cv <- complex(real = round(rnorm(n) * 64) / 4, imaginary = round(rnorm(n) * 64) / 4)
    x <- shape_of(cv)
    t <- as_torch(x)
    check_tensor_layout(t, x, dims, n, "complex64", info)
    expect_exact(from_torch(t), with_dims(cv, dims), info = info)
    # and through complex128, NA included
    if (n >= 1) cv[1] <- NA
    x <- shape_of(cv)
    t <- as_torch(x, dtype = "complex128")
    check_tensor_layout(t, x, dims, n, "complex128", info)
    expect_exact(from_torch(t), with_dims(cv, dims), info = info)

    # raw: uint8, back as integer
    rv <- as.raw(sample(0:255, n, replace = TRUE))
    x <- shape_of(rv)
    t <- as_torch(x)
    check_tensor_layout(t, x, dims, n, "uint8", info, value = as.integer)
    back <- from_torch(t)
    expect_exact(back, with_dims(as.integer(rv), dims), info = info)
    expect_exact(as.raw(back), rv, info = info)

    # bit64::integer64: int64 exactly; back with int64 = "bit64"
    if (!has_bit64) next
    bv <- bit64::as.integer64(sample(-1000:1000, n, replace = TRUE))
    if (n >= 1) bv[1] <- bit64::as.integer64("4611686018427387905") # 2^62 + 1
    x <- bv
    if (!is.null(dims)) dim(x) <- dims
    t <- as_torch(x)
    expect_exact(t_shape(t), if (is.null(dims)) as.integer(n) else as.integer(dims), info = info)
    expect_exact(tensor_dtype(t), "int64", info = info)
    back <- from_torch(t, int64 = "bit64")
    expect_s3_class(back, "integer64")
    expect_exact(back, with_dims(bv, dims), info = info)
    if (n >= 1) {
      first <- if (is.null(dims)) 1L else rep(1L, length(dims))
      expect_exact(reticulate::py_to_r(py_builtins()$str(t$`__getitem__`(
        do.call(reticulate::tuple, as.list(first - 1L)))$item())), "4611686018427387905", info = info)
    }
  }
  expect_exact(n_zero, 6L) # zero-length inputs were covered
})

test_that("integer round trip through int64 comes back as integer, NA-free and exact at the limits", {
  skip_if_no_torch()
  x <- c(-2147483647L, -1L, 0L, 1L, 2147483647L)
  t <- as_torch(x)
  expect_exact(tensor_dtype(t), "int64")
  expect_exact(from_torch(t), x)
  expect_type(from_torch(t), "integer")
})
