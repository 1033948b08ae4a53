# Tests of tensor_data() and as.data.frame() for tensors: a long data frame,
# 1-based integer index columns, rows in R's column-major order, a size limit.

# The index columns R itself gives for an array of dims `d`.
r_index <- function(d, names) {
  idx <- arrayInd(seq_len(prod(d)), d)
  out <- lapply(seq_len(ncol(idx)), function(k) idx[, k])
  names(out) <- names
  out
}

expect_frame <- function(object, expected) {
  expect_s3_class(object, "data.frame", exact = TRUE)
  expect_identical(object, expected)
}

test_that("a 2-D tensor gives row, col, value in column-major order", {
  skip_if_no_torch()
  x <- matrix(1:6, 2)
  expect_frame(
    tensor_data(as_torch(x)),
    data.frame(row = c(1L, 2L, 1L, 2L, 1L, 2L), col = c(1L, 1L, 2L, 2L, 3L, 3L), value = 1:6)
  )
  y <- matrix(c(0.5, NA, 2.25, -1, 3, 1e10), 3)
  expect_frame(
    tensor_data(as_torch(y, dtype = "float64")),
    data.frame(r_index(dim(y), c("row", "col")), value = as.vector(y))
  )
})

test_that("row i, col j holds x[i - 1, j - 1], also for a non-contiguous tensor", {
  skip_if_no_torch()
  t <- torch_mod()$arange(12L)$reshape(3L, 4L)$t() # 4 x 3, transposed view
  d <- tensor_data(t)
  expect_identical(nrow(d), 12L)
  for (k in c(1L, 5L, 12L)) {
    key <- reticulate::tuple(d$row[k] - 1L, d$col[k] - 1L)
    expect_identical(d$value[k], reticulate::py_to_r(t$`__getitem__`(key)$item()))
  }
  expect_identical(d$value, 0:11) # B[i, j] = 4 * j + i (0-based), column-major
})

test_that("1-D and 3-D or more give dim1, dim2, ...", {
  skip_if_no_torch()
  expect_frame(tensor_data(as_torch(c(2.5, 3.5))), data.frame(dim1 = 1:2, value = c(2.5, 3.5)))
  a <- array(seq_len(24) / 4, c(2, 3, 4))
  expect_frame(
    tensor_data(as_torch(a, dtype = "float64")),
    data.frame(r_index(dim(a), c("dim1", "dim2", "dim3")), value = as.vector(a))
  )
  b <- array(seq_len(2 * 3 * 2 * 2 * 2), c(2, 3, 2, 2, 2))
  d <- tensor_data(as_torch(b))
  expect_identical(names(d), c(paste0("dim", 1:5), "value"))
  expect_identical(as.matrix(d[1:5]), unname(arrayInd(seq_along(b), dim(b))), ignore_attr = TRUE)
  expect_identical(d$value, as.vector(b))
})

test_that("a 0-d tensor gives one row with value only", {
  skip_if_no_torch()
  expect_frame(tensor_data(torch_mod()$tensor(7L)), data.frame(value = 7L))
})

test_that("value keeps the R type from_torch() gives", {
  skip_if_no_torch()
  expect_type(tensor_data(as_torch(c(1, 2)))$value, "double")
  expect_type(tensor_data(as_torch(1:2))$value, "integer")
  expect_identical(tensor_data(as_torch(c(TRUE, FALSE)))$value, c(TRUE, FALSE))
  expect_identical(tensor_data(as_torch(c(1 + 2i, 3i), dtype = "complex128"))$value, c(1 + 2i, 3i))
  expect_identical(tensor_data(as_torch(as.raw(c(0, 255))))$value, c(0L, 255L))
  expect_identical(tensor_data(as_torch(c(NA, 1), dtype = "float64"))$value, c(NA, 1))
})

test_that("int64 beyond R's integers: an error naming tensor_data()'s int64, or doubles, or integer64", {
  skip_if_no_torch()
  x <- as_torch(c(2^40, 1, -3), dtype = "int64")
  cnd <- expect_error(tensor_data(x), class = "torchbridge_error_overflow")
  expect_match(conditionMessage(cnd), 'int64 = "double"', fixed = TRUE)
  expect_identical(tensor_data(x, int64 = "double")$value, c(2^40, 1, -3))
  expect_identical(as.data.frame(x, int64 = "double")$value, c(2^40, 1, -3))
  expect_error(tensor_data(x, int64 = "int"), class = "torchbridge_error_arg")
  skip_if_not_installed("bit64")
  big <- as_torch(matrix(c(2^60, 2, 3, -(2^62)), 2), dtype = "int64") + matrix(c(1L, 0L, 0L, 0L), 2)
  long <- tensor_data(big, int64 = "bit64")
  expect_s3_class(long$value, "integer64") # its class kept: not its bits read as doubles
  expect_identical(as.character(long$value), c("1152921504606846977", "2", "3", "-4611686018427387904"))
  pts <- tensor_data(big, pairs = TRUE, int64 = "bit64")
  expect_identical(as.character(pts$x), c("1152921504606846977", "2"))
  expect_identical(as.character(pts$y), c("3", "-4611686018427387904"))
})

test_that("autoplot() draws int64 beyond R's integers as doubles, without a warning", {
  skip_if_no_torch()
  skip_if_not_installed("ggplot2")
  x <- as_torch(c(2^60 + 1, 1, 2^40), dtype = "int64")
  expect_no_warning(p <- ggplot2::autoplot(x))
  expect_identical(p$data$value, c(2^60, 1, 2^40))
})

test_that("image = TRUE names the columns image, channel, y, x", {
  skip_if_no_torch()
  hw <- tensor_data(as_torch(matrix(1:6, 2)), image = TRUE)
  expect_identical(names(hw), c("y", "x", "value"))
  expect_identical(hw$y, c(1L, 2L, 1L, 2L, 1L, 2L))
  chw <- array(seq_len(3 * 2 * 4), c(3, 2, 4))
  expect_frame(
    tensor_data(as_torch(chw), image = TRUE),
    data.frame(r_index(dim(chw), c("channel", "y", "x")), value = as.vector(chw))
  )
  nchw <- array(seq_len(2 * 3 * 2 * 2), c(2, 3, 2, 2))
  expect_frame(
    tensor_data(as_torch(nchw), image = TRUE),
    data.frame(r_index(dim(nchw), c("image", "channel", "y", "x")), value = as.vector(nchw))
  )
})

test_that("image = TRUE needs 2 to 4 dimensions", {
  skip_if_no_torch()
  expect_error(tensor_data(as_torch(1:3), image = TRUE), class = "torchbridge_error_shape")
  expect_error(tensor_data(as_torch(array(0, rep(1, 5))), image = TRUE), class = "torchbridge_error_shape")
})

test_that("zero-length dimensions give no rows", {
  skip_if_no_torch()
  d <- tensor_data(as_torch(matrix(0, 0, 3)))
  expect_frame(d, data.frame(row = integer(), col = integer(), value = numeric()))
})

test_that("a tensor on a GPU or needing grad converts", {
  skip_if_no_torch()
  g <- as_torch(c(1, 2), requires_grad = TRUE)$mul(2)
  expect_frame(tensor_data(g), data.frame(dim1 = 1:2, value = c(2, 4)))
  skip_if_no_cuda()
  expect_frame(
    tensor_data(as_torch(matrix(1:4, 2), device = "cuda")),
    data.frame(row = c(1L, 2L, 1L, 2L), col = c(1L, 1L, 2L, 2L), value = 1:4)
  )
})

test_that("as.data.frame() gives the long form, unlike a matrix's wide one", {
  skip_if_no_torch()
  x <- matrix(c(1, 2, 3, 4, 5, 6), 2)
  t <- as_torch(x, dtype = "float64")
  expect_identical(as.data.frame(t), tensor_data(t))
  expect_identical(dim(as.data.frame(t)), c(6L, 3L))
  expect_identical(dim(as.data.frame(x)), c(2L, 3L)) # R's wide form, for contrast
  expect_identical(as.data.frame(t, image = TRUE), tensor_data(t, image = TRUE))
  expect_identical(rownames(as.data.frame(t, row.names = letters[1:6])), letters[1:6])
  expect_error(as.data.frame(t, max_elements = 5), class = "torchbridge_error_size")
  # data.frame() passes optional and stringsAsFactors on
  expect_identical(data.frame(as_torch(1:3)), data.frame(dim1 = 1:3, value = 1:3))
})

test_that("max_elements: the limit itself passes, one more is a size error", {
  skip_if_no_torch()
  t <- as_torch(matrix(0, 4, 5))
  expect_identical(nrow(tensor_data(t, max_elements = 20)), 20L)
  expect_identical(nrow(tensor_data(t, max_elements = Inf)), 20L)
  cnd <- expect_error(tensor_data(t, max_elements = 19), class = "torchbridge_error_size")
  expect_s3_class(cnd, "torchbridge_error")
  expect_match(conditionMessage(cnd), "max_elements` = 19", fixed = TRUE)
  big <- torch_mod()$zeros(1001L, 1000L) # the default limit is 1e6
  expect_error(tensor_data(big), "1,001,000 elements", class = "torchbridge_error_size")
})

test_that("errors of tensor_data() and as.data.frame()", {
  skip_if_no_torch()
  t <- as_torch(matrix(0, 4, 5))
  expect_snapshot(error = TRUE, {
    tensor_data(t, max_elements = 10)
    as.data.frame(t, max_elements = 10)
    tensor_data(matrix(1:4, 2))
    tensor_data(t, max_elements = 0)
    tensor_data(t, max_elements = "a")
    tensor_data(t, image = NA)
    tensor_data(t$flatten(), image = TRUE)
  })
})

test_that("errors are classed and name the function", {
  skip_if_no_torch()
  expect_error(tensor_data(1:3), class = "torchbridge_error_type")
  expect_error(tensor_data(as_torch(1), max_elements = 1.5), class = "torchbridge_error_arg")
  expect_error(tensor_data(as_torch(1), max_elements = c(1, 2)), class = "torchbridge_error_arg")
  expect_error(tensor_data(as_torch(1), image = "yes"), class = "torchbridge_error_arg")
  cnd <- expect_error(tensor_data(torch_mod()$tensor(list(2^40), dtype = torch_mod()$int64)), class = "torchbridge_error_overflow")
  expect_identical(rlang::call_name(cnd$call), "tensor_data")
  cnd <- expect_error(as.data.frame(as_torch(1:3), max_elements = 2), class = "torchbridge_error_size")
  expect_identical(rlang::call_name(cnd$call), "as.data.frame")
})
