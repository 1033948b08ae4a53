# The C helpers (src/memory.c) and the lifetime of memory shared with torch.

test_that("tb_alloc() makes vectors of each R type with dims", {
  alloc <- function(type, n, dims = NULL) .Call(torchbridge:::tb_alloc, type, n, dims)
  x <- alloc("double", "6", list(2L, 3L))
  expect_type(x, "double")
  expect_identical(dim(x), c(2L, 3L))
  expect_type(alloc("integer", "4"), "integer")
  expect_type(alloc("logical", "4"), "logical")
  expect_type(alloc("complex", "4"), "complex")
  expect_type(alloc("raw", "4"), "raw")
  expect_type(alloc("integer64", "4"), "double")
  expect_length(alloc("double", "0"), 0L)
  expect_null(dim(alloc("double", "5")))
  expect_error(alloc("character", "1"), "unknown R type")
  expect_error(alloc("double", "-1"), "bad length")
  expect_error(alloc("double", "1e"), "bad length")
})

test_that("tb_address() gives the data address as a decimal string", {
  x <- c(1, 2, 3)
  a <- .Call(torchbridge:::tb_address, x)
  expect_type(a, "character")
  expect_match(a, "^[0-9]+$")
  expect_identical(.Call(torchbridge:::tb_address, x), a)
  expect_identical(.Call(torchbridge:::tb_address, numeric()), "0")
  expect_match(.Call(torchbridge:::tb_address, 1:10), "^[1-9][0-9]*$") # ALTREP
  expect_error(.Call(torchbridge:::tb_address, "a"), "unsupported type")
})

test_that("the C helpers survive gctorture()", {
  gctorture(TRUE)
  on.exit(gctorture(FALSE))
  x <- .Call(torchbridge:::tb_alloc, "double", "12", list(3L, 4L))
  a <- .Call(torchbridge:::tb_address, x)
  y <- .Call(torchbridge:::tb_alloc, "integer", "5", NULL)
  gctorture(FALSE)
  expect_identical(dim(x), c(3L, 4L))
  expect_match(a, "^[0-9]+$")
  expect_length(y, 5L)
})

test_that("conversions survive gctorture()", {
  skip_if_no_torch()
  x <- matrix(c(1.5, NA, 3, 4), 2)
  t <- as_torch(x, dtype = "float64") # start Python before torturing
  gctorture(TRUE)
  on.exit(gctorture(FALSE))
  t <- as_torch(x, dtype = "float64")
  y <- from_torch(t)
  z <- from_torch(as_torch(c(TRUE, FALSE)))
  gctorture(FALSE)
  expect_identical(y, x)
  expect_identical(z, c(TRUE, FALSE))
})

test_that("copy = FALSE keeps the R object alive until the tensor is gone", {
  skip_if_no_torch()
  before <- torchbridge:::shared_count()
  t <- as_torch(c(1, 2, 3) * 2, dtype = "float64", copy = FALSE)
  expect_identical(torchbridge:::shared_count(), before + 1L)
  gc()
  gc()
  # The vector has no other reference; the tensor still reads it.
  expect_identical(from_torch(t), c(2, 4, 6))
  rm(t)
  gc() # frees reticulate's handle, so Python frees the tensor
  as_torch(1) # releases happen on R's side at the next conversion
  expect_identical(torchbridge:::shared_count(), before)
})

test_that("copy = FALSE that can't share releases its reference at once", {
  skip_if_no_torch()
  before <- torchbridge:::shared_count()
  t <- as_torch(c(1, 2), copy = FALSE) # float32: a cast, so a copy
  as_torch(1)
  expect_identical(torchbridge:::shared_count(), before)
  expect_identical(from_torch(t), c(1, 2))
})
