# print(), format(), str() and summary() of tensors.

test_that("print() shows compact values and a footer, and returns the tensor invisibly", {
  skip_if_no_torch()
  withr::local_options(width = 80)
  torch <- torch_mod()
  expect_snapshot({
    as_torch(matrix(c(1.5, -2, 0, 4.25, -0.5, 3), 2))
    as_torch(c(0.1, NaN, Inf, -1e-8), dtype = "float64")
    as_torch(matrix(1:6, 2))
    as_torch(c(TRUE, FALSE, TRUE))
    as_torch(2.5)[1]
    as_torch(array(1:24, c(2, 3, 4)))
    as_torch(1:100)
    as_torch(matrix(1:300, 20))
    as_torch(array(1:120, c(5, 2, 3, 4)))
    as_torch(numeric(0))
    as_torch(matrix(0L, 0, 3))
    as_torch(c(1.25, 3), dtype = "float16")
    as_torch(c(1 + 2i, -1i))
    torch$nn$Parameter(torch$ones(2L))
    torch$ones(2L, device = "meta")
  })
  x <- as_torch(1:3)
  out <- withVisible(print(x))
  expect_false(out$visible)
  expect_identical(out$value, x)
})

test_that("format() gives the lines print() shows", {
  skip_if_no_torch()
  x <- as_torch(matrix(1:6, 2))
  lines <- format(x)
  expect_identical(lines, c(
    " 1 3 5",
    " 2 4 6",
    "[ dtype: int64 | device: cpu | shape: (2, 3) | requires_grad: FALSE ]"
  ))
  expect_identical(utils::capture.output(print(x)), lines)
})

test_that("int64, uint32 and uint64 values beyond 2^53 print exactly", {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  x <- bit64::as.integer64(c("9007199254740993", "-5", "-9223372036854775807", "4"))
  m <- as_torch(x)$reshape(list(2L, 2L))
  expect_identical(format(m), c(
    "     9007199254740993                   -5",
    " -9223372036854775807                    4",
    "[ dtype: int64 | device: cpu | shape: (2, 2) | requires_grad: FALSE ]"
  ))
  u <- reticulate::py_eval("__import__('torch').tensor([2**64 - 1, 3], dtype=__import__('torch').uint64)", convert = FALSE)
  expect_identical(format(u)[1], " 18446744073709551615                    3")
  expect_output(str(u), "^ torch.Tensor uint64 \\(2\\) cpu 18446744073709551615 3$")
  expect_output(str(m), "cpu 9007199254740993 -9223372036854775807 -5 4$")
  expect_identical(format(as_torch(x[1])$squeeze())[1], " 9007199254740993")
  # narrower integers and floats print as before
  expect_identical(format(as_torch(c(1L, -20L), dtype = "int32"))[1], "   1 -20")
})

test_that("str() is one line with the first values in column-major order", {
  skip_if_no_torch()
  torch <- torch_mod()
  expect_snapshot({
    str(as_torch(matrix(c(1.5, -2, 0, 4.25, -0.5, 3), 2)))
    str(as_torch(1:100))
    str(as_torch(c(TRUE, NA), dtype = "float64") > 0)
    str(as_torch(7L)[1])
    str(list(a = as_torch(1:3), b = 2))
    str(torch$nn$Parameter(torch$zeros(2L, 2L)))
    str(torch$ones(2L, device = "meta"))
  })
  expect_output(out <- str(as_torch(1:3)), "^ torch.Tensor int64 \\(3\\) cpu 1 2 3$")
  expect_null(out)
})

test_that("summary() computes min, max, mean, sd and the NaN count on the device", {
  skip_if_no_torch()
  v <- c(1.5, NaN, -2, 4, NaN, 0.25)
  s <- summary(as_torch(v, dtype = "float64"))
  expect_s3_class(s, "torchbridge_tensor_summary")
  ok <- v[!is.nan(v)]
  expect_identical(s$min, min(ok))
  expect_identical(s$max, max(ok))
  expect_equal(s$mean, mean(ok), tolerance = 1e-15)
  expect_equal(s$sd, sd(ok), tolerance = 1e-15)
  expect_identical(s$nan, 2)
  expect_identical(s$n, 6)
  expect_identical(s$dtype, "float64")
  expect_identical(s$device, "cpu")
  expect_identical(s$shape, 6L)
  i <- summary(as_torch(matrix(c(3L, -7L, 0L, 12L), 2)))
  expect_identical(c(i$min, i$max, i$mean, i$nan), c(-7, 12, 2, 0))
  expect_equal(i$sd, sd(c(3, -7, 0, 12)), tolerance = 1e-15)
  b <- summary(as_torch(c(TRUE, FALSE, TRUE, TRUE)))
  expect_identical(c(b$min, b$max, b$mean), c(0, 1, 0.75))
  e <- summary(as_torch(numeric(0)))
  expect_identical(c(e$min, e$max, e$mean, e$sd, e$nan, e$n), c(NaN, NaN, NaN, NaN, 0, 0))
  expect_identical(summary(as_torch(5))$sd, NaN)
  expect_error(summary(as_torch(1i)), class = "torchbridge_error_dtype")
  expect_snapshot({
    summary(as_torch(v))
    summary(as_torch(matrix(c(3L, -7L, 0L, 12L), 2)))
    summary(as_torch(logical(0)))
  })
  expect_snapshot(error = TRUE, summary(as_torch(1i)))
})

test_that("dims beyond R's integer range print as they are", {
  skip_if_no_torch()
  torch <- torch_mod()
  big <- torch$zeros(1L)$expand(list(reticulate::py_eval("3 * 10**9", convert = FALSE)))
  expect_match(paste(capture.output(print(big)), collapse = "\n"), "shape: (3000000000)", fixed = TRUE)
  expect_match(paste(capture.output(str(big)), collapse = "\n"), "(3000000000)", fixed = TRUE)
  expect_error(dim(big), class = "torchbridge_error_size") # R dims are integers
  expect_identical(length(big), 3e9)
})

test_that("print() of a nested tensor says why its values aren't shown", {
  skip_if_no_torch()
  torch <- torch_mod()
  n <- suppressWarnings(torch$nested$nested_tensor(list(torch$ones(2L), torch$ones(3L))))
  out <- paste(capture.output(print(n)), collapse = "\n")
  expect_match(out, "values not shown: Can't convert a nested tensor to R.", fixed = TRUE)
})
