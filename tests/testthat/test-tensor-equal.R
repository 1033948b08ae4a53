# all.equal() for tensors (R/tensor-equal.R).

test_that("all.equal() compares values, dtype, shape and device", {
  skip_if_no_torch()
  a <- as_torch(1:3)
  expect_true(all.equal(a, a$clone()))
  expect_identical(all.equal(a, as_torch(c(1L, 2L, 4L))), "Mean relative difference: 0.3333333")
  expect_identical(
    all.equal(as_torch(c(1, 2), dtype = "float32"), as_torch(c(1, 2), dtype = "float64")),
    "dtype: float32 (target) vs float64 (current)"
  )
  expect_identical(
    all.equal(as_torch(matrix(1:6, 2)), as_torch(matrix(1:6, 3))),
    "shape: (2, 3) (target) vs (3, 2) (current)"
  )
  expect_identical(
    all.equal(as_torch(1:3), as_torch(c(1, 2, 4), dtype = "float64")),
    c("dtype: int64 (target) vs float64 (current)", "Mean relative difference: 0.3333333")
  )
  expect_identical(all.equal(as_torch(1:3), 1:3), "target is a torch tensor, current is an integer vector")
})

test_that("all.equal() uses R's tolerance, and passes arguments on", {
  skip_if_no_torch()
  x <- as_torch(c(1, 2), dtype = "float64")
  expect_true(all.equal(x, as_torch(c(1, 2 + 1e-10), dtype = "float64")))
  expect_type(all.equal(x, as_torch(c(1, 2.001), dtype = "float64")), "character")
  expect_true(all.equal(x, as_torch(c(1, 2.001), dtype = "float64"), tolerance = 0.01))
  expect_identical(all.equal(as_torch(c(TRUE, FALSE)), as_torch(c(TRUE, TRUE))), "1 element mismatch")
})

test_that("testthat edition 2 expect_equal() fails on different tensors", {
  skip_if_no_torch()
  local_edition(2)
  expect_failure(expect_equal(as_torch(1:3), as_torch(c(1L, 2L, 4L))))
  expect_success(expect_equal(as_torch(1:3), as_torch(1:3)))
})
