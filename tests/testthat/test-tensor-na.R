# is.na() and friends for tensors (R/tensor-na.R): computed on the device,
# the same answers as the R function on from_torch(x).

test_that("is.na(), is.nan(), is.finite(), is.infinite() match R on from_torch()", {
  skip_if_no_torch()
  v <- c(1, NA, NaN, Inf, -Inf, 0, -2.5)
  m <- matrix(c(v, 3), 2)
  cases <- list(
    float64 = as_torch(m, dtype = "float64"),
    float32 = as_torch(m, dtype = "float32"),
    float16 = as_torch(m, dtype = "float16"),
    int64 = as_torch(matrix(1:8, 2)),
    bool = as_torch(matrix(c(TRUE, FALSE), 2, 4)),
    complex128 = as_torch(complex(real = c(1, NA, NaN, Inf, 0, 2), imaginary = c(0, 0, 1, 1, NaN, -Inf)),
                          dtype = "complex128")
  )
  for (dt in names(cases)) {
    t <- cases[[dt]]
    r <- from_torch(t)
    for (f in c("is.na", "is.nan", "is.finite", "is.infinite")) {
      got <- do.call(f, list(t))
      expect_true(inherits(got, "torch.Tensor"), info = paste(dt, f))
      expect_identical(tensor_dtype(got), "bool", info = paste(dt, f))
      expect_identical(from_torch(got), do.call(f, list(r)), info = paste(dt, f))
    }
    expect_identical(anyNA(t), anyNA(r), info = dt)
  }
})

test_that("R's NA in a float64 tensor is NA, not NaN; float32 makes it a plain NaN", {
  skip_if_no_torch()
  x <- as_torch(c(1, NA, NaN), dtype = "float64")
  expect_identical(from_torch(is.na(x)), c(FALSE, TRUE, TRUE))
  expect_identical(from_torch(is.nan(x)), c(FALSE, FALSE, TRUE))
  expect_identical(from_torch(is.nan(x + 0)), is.nan(c(1, NA, NaN) + 0)) # NA + 0 is NA, in R too
  expect_identical(from_torch(is.nan(as_torch(c(1, NA), dtype = "float32"))), c(FALSE, TRUE))
})

test_that("the results keep the shape, and anyNA() is TRUE or FALSE", {
  skip_if_no_torch()
  a <- as_torch(array(c(1, NA, 3, 4, 5, 6, 7, 8), c(2, 2, 2)), dtype = "float64")
  expect_identical(dim(is.na(a)), c(2L, 2L, 2L))
  expect_identical(from_torch(is.na(a)), is.na(array(c(1, NA, 3, 4, 5, 6, 7, 8), c(2, 2, 2))))
  expect_identical(anyNA(a), TRUE)
  expect_identical(anyNA(as_torch(numeric(0))), FALSE)
  expect_identical(anyNA(as_torch(1:3)), FALSE)
  expect_identical(from_torch(a[!is.na(a)]), c(1, 3, 4, 5, 6, 7, 8))
  expect_identical(dim(is.na(as_torch(1, dtype = "float64")$reshape(list()))), integer(0))
})

test_that("a tensor whose storage is gone is refused, not read", {
  skip_if_no_torch()
  torch <- torch_mod()
  a <- torch$arange(10L)$double()
  b <- a$narrow(0L, 1L, 4L)
  a$untyped_storage()$resize_(0L)
  expect_error(is.na(b), class = "torchbridge_error_unsupported_tensor")
  expect_error(anyNA(b), class = "torchbridge_error_unsupported_tensor")
})

test_that("min, max, range, cummax and cummin tell NA from NaN as R does (float64)", {
  skip_if_no_torch()
  cases <- list(c(1, NaN, 3, NA, 5), c(1, NA, 3, NaN, 5), c(2, NaN), c(NA, 1), c(3, 1, 2), c(NaN, NA))
  for (v in cases) {
    t <- as_torch(v, dtype = "float64")
    info <- deparse(v)
    expect_exact(from_torch(max(t)), max(v), info = info)
    expect_exact(from_torch(min(t)), min(v), info = info)
    expect_exact(from_torch(range(t)), range(v), info = info)
    expect_exact(from_torch(cummax(t)), cummax(v), info = info)
    expect_exact(from_torch(cummin(t)), cummin(v), info = info)
    expect_exact(from_torch(max(t, na.rm = TRUE)), suppressWarnings(max(v, na.rm = TRUE)), info = info)
  }
  a <- c(1, NaN)
  b <- c(NA, 2)
  expect_exact(from_torch(max(as_torch(a, dtype = "float64"), as_torch(b, dtype = "float64"))), max(a, b))
  expect_exact(from_torch(range(as_torch(a, dtype = "float64"), as_torch(b, dtype = "float64"))), range(a, b))
})
