# compare_proxy() for tensors: testthat::expect_equal() and waldo::compare()
# compare tensors by value, dtype, device and shape.

test_that("compare_proxy() is registered for tensors when waldo loads", {
  skip_if_not_installed("waldo")
  expect_registered("compare_proxy", "waldo")
})

test_that("expect_equal() compares tensors by value, dtype and shape", {
  skip_if_no_torch()
  expect_equal(as_torch(c(1, 2, 3)), as_torch(c(1, 2, 3)))
  expect_equal(as_torch(matrix(1:4, 2)), as_torch(matrix(1:4, 2)))
  expect_equal(as_torch(c(1, 2)), as_torch(c(1, 2 + 1e-9)), tolerance = 1e-6)
  expect_failure(expect_equal(as_torch(c(1, 2, 3)), as_torch(c(1, 2, 4))))
  expect_failure(expect_equal(as_torch(1:3), as_torch(c(1, 2, 3))))
  expect_failure(expect_equal(as_torch(1:4), as_torch(matrix(1:4, 2))))
  expect_failure(expect_equal(as_torch(c(1, 2), dtype = "float64"), as_torch(c(1, 2))))
  expect_failure(expect_equal(as_torch(1:2), 1:2))
  p <- torch_mod()$nn$Parameter(as_torch(c(1, 2)))
  expect_equal(p, as_torch(c(1, 2))) # requires_grad is not compared
})

test_that("waldo::compare() reports what differs", {
  skip_if_no_torch()
  expect_snapshot({
    waldo::compare(as_torch(c(1, 2, 3)), as_torch(c(1, 2, 4)))
    waldo::compare(as_torch(1:3), as_torch(c(1, 2, 3), dtype = "float64"))
    waldo::compare(as_torch(1:4), as_torch(matrix(1:4, 2)))
  })
  expect_length(waldo::compare(as_torch(1:3), as_torch(1:3)), 0)
})

test_that("the device is part of what is compared", {
  skip_if_no_torch()
  proxy <- torchbridge:::compare_proxy.torch.Tensor(as_torch(1:2), "x")
  expect_identical(names(proxy$object), c("dtype", "device", "shape", "values"))
  expect_identical(proxy$object$device, "cpu")
  expect_identical(proxy$path, "x")
  skip_if_no_cuda()
  expect_failure(expect_equal(as_torch(1:2), to_gpu(as_torch(1:2))))
})
