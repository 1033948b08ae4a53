# The data path on a real CUDA device, from R (skipped, with the reason,
# where CUDA is absent; the transfers themselves are tested on every machine
# by the fake-device harness in tests/python). Sizes go beyond the 64 KiB
# scratch buffer; every R type, NA, data frames, 3-D arrays, empty tensors.

gpu_roundtrip <- function(x, dtype = NULL, int64 = "integer") {
  t <- as_torch(x, dtype = dtype, device = "cuda")
  expect_identical(reticulate::py_to_r(t$device$type), "cuda")
  from_torch(t, int64 = int64)
}

test_that("every R type goes to the GPU and back exactly, past the scratch buffer", {
  skip_if_no_cuda()
  n <- 20000L # 160 KB of doubles: beyond the 64 KiB scratch buffer
  set.seed(1)
  dbl <- c(NA, NaN, Inf, -Inf, runif(n))
  expect_identical(gpu_roundtrip(dbl, dtype = "float64"), dbl)
  int <- c(NA_integer_, sample.int(1e6, n, replace = TRUE))
  expect_identical(gpu_roundtrip(int, dtype = "float64"), as.double(int))
  expect_identical(gpu_roundtrip(int[-1]), int[-1])
  lgl <- c(TRUE, FALSE, sample(c(TRUE, FALSE), n, replace = TRUE))
  expect_identical(gpu_roundtrip(lgl), lgl)
  expect_identical(gpu_roundtrip(c(NA, lgl), dtype = "float32"), as.double(c(NA, lgl)))
  cpl <- complex(real = runif(n), imaginary = runif(n))
  expect_identical(gpu_roundtrip(cpl, dtype = "complex128"), cpl)
  raw <- as.raw(sample(0:255, n, replace = TRUE))
  expect_identical(gpu_roundtrip(raw), as.integer(raw))
  f32 <- gpu_roundtrip(dbl[-(1:4)])
  expect_identical(f32, as_f32(dbl[-(1:4)]))
})

test_that("integer64 goes to the GPU and back", {
  skip_if_no_cuda()
  skip_if_not_installed("bit64")
  x <- bit64::as.integer64(c("9007199254740993", "-5", NA))
  t <- as_torch(x[1:2], device = "cuda")
  expect_identical(tensor_dtype(t), "int64")
  expect_identical(from_torch(t, int64 = "bit64"), x[1:2])
})

test_that("matrices, 3-D arrays and views come back with their dims from the GPU", {
  skip_if_no_cuda()
  a <- array(as.double(seq_len(2 * 300 * 70)), c(2, 300, 70))
  expect_identical(gpu_roundtrip(a, dtype = "float64"), a)
  t <- as_torch(a, dtype = "float64", device = "cuda")
  expect_identical(from_torch(t$permute(c(2L, 0L, 1L))), aperm(a, c(3, 1, 2)))
  m <- matrix(runif(300 * 200), 300)
  expect_identical(from_torch(as_torch(m, dtype = "float64", device = "cuda")$t()), t(m))
})

test_that("data frames go to the GPU column by column", {
  skip_if_no_cuda()
  df <- data.frame(a = runif(10000), b = seq_len(10000), c = rep(c(TRUE, FALSE), 5000))
  t <- as_torch(df, dtype = "float64", device = "cuda")
  expect_identical(reticulate::py_to_r(t$device$type), "cuda")
  expect_identical(from_torch(t), unname(as.matrix(data.frame(df$a, as.double(df$b), as.double(df$c)))))
})

test_that("empty tensors and 0-d tensors on the GPU", {
  skip_if_no_cuda()
  expect_identical(gpu_roundtrip(numeric(0), dtype = "float64"), numeric(0))
  expect_identical(gpu_roundtrip(matrix(numeric(0), 0, 3), dtype = "float64"), matrix(numeric(0), 0, 3))
  t <- as_torch(c(2, 3), dtype = "float64", device = "cuda")$sum()
  expect_identical(from_torch(t), 5)
})

test_that("NA to an integer or bool dtype on the GPU is the same NA error as on the CPU", {
  skip_if_no_cuda()
  expect_error(as_torch(c(1L, NA), device = "cuda"), class = "torchbridge_error_na")
  expect_error(as_torch(c(TRUE, NA), device = "cuda"), class = "torchbridge_error_na")
  expect_error(as_torch(c(1, NA), dtype = "int32", device = "cuda"), class = "torchbridge_error_na")
})

test_that("methods, indexing and summaries stay on the GPU", {
  skip_if_no_cuda()
  m <- matrix(runif(100 * 80), 100)
  t <- as_torch(m, dtype = "float64", device = "cuda")
  expect_identical(reticulate::py_to_r((t * 2 + 1)$device$type), "cuda")
  expect_identical(from_torch(t * 2 + 1), m * 2 + 1)
  expect_identical(from_torch(t[2:5, 3]), m[2:5, 3])
  expect_equal(from_torch(sum(t)), sum(m), tolerance = 1e-12)
  expect_identical(from_torch(round(t, 2)), round(m, 2))
  expect_equal(from_torch(t %@% t(t)), m %*% t(m), tolerance = 1e-12)
})
