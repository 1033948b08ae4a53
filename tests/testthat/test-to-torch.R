# as_torch(): R data to tensors (types, NA, shapes, data frames, casts,
# tensors as input, copy-on-modify, errors, hostile input). Helpers in
# helper-convert.R.

# ---- R -> torch default dtypes: one test per row of the table ---------------

test_that("double: torch's default float dtype, float32 unless changed", {
  skip_if_no_torch()
  expect_exact(tensor_dtype(as_torch(c(1.5, 2))), "float32")
  expect_exact(tensor_dtype(as_torch(matrix(c(1, 2, 3, 4), 2))), "float32")
})

test_that("double: follows torch.get_default_dtype()", {
  skip_if_no_torch()
  torch <- torch_mod()
  old <- torch$get_default_dtype()
  withr::defer(torch$set_default_dtype(old))
  torch$set_default_dtype(torch$float64)
  t <- as_torch(c(0.1, NA))
  expect_exact(tensor_dtype(t), "float64")
  expect_exact(from_torch(t), c(0.1, NA))
  expect_exact(tensor_dtype(as_torch(1i)), "complex128")
})

test_that("double: option torchbridge.float_dtype overrides torch's default", {
  skip_if_no_torch()
  withr::local_options(torchbridge.float_dtype = "float64")
  t <- as_torch(c(0.1, NA))
  expect_exact(tensor_dtype(t), "float64")
  expect_exact(from_torch(t), c(0.1, NA))

  withr::local_options(torchbridge.float_dtype = "float16")
  t <- as_torch(c(0.5, 2))
  expect_exact(tensor_dtype(t), "float16")
  expect_exact(from_torch(t), c(0.5, 2))

  withr::local_options(torchbridge.float_dtype = "bfloat16")
  expect_exact(tensor_dtype(as_torch(1)), "bfloat16")

  # the option wins over torch's default dtype
  torch <- torch_mod()
  old <- torch$get_default_dtype()
  withr::defer(torch$set_default_dtype(old))
  torch$set_default_dtype(torch$float64)
  withr::local_options(torchbridge.float_dtype = "float32")
  expect_exact(tensor_dtype(as_torch(1)), "float32")
  expect_exact(tensor_dtype(as_torch(1i)), "complex64")
})

test_that("option torchbridge.float_dtype must name a float dtype", {
  skip_if_no_torch()
  withr::local_options(torchbridge.float_dtype = "int32")
  expect_error(as_torch(1), class = "torchbridge_error_arg")
})

test_that("integer: int64", {
  skip_if_no_torch()
  t <- as_torch(c(3L, -7L))
  expect_exact(tensor_dtype(t), "int64")
  expect_exact(t_item(t, 2), -7L)
})

test_that("logical: bool", {
  skip_if_no_torch()
  t <- as_torch(c(TRUE, FALSE, TRUE))
  expect_exact(tensor_dtype(t), "bool")
  expect_exact(t_item(t, 2), FALSE)
  expect_exact(from_torch(t), c(TRUE, FALSE, TRUE))
})

test_that("complex: complex64, complex128 when the float dtype is float64", {
  skip_if_no_torch()
  x <- c(1.5 - 2i, NaN + 1i, complex(real = 3, imaginary = NaN))
  t <- as_torch(x)
  expect_exact(tensor_dtype(t), "complex64")
  expect_exact(t_item(t, 1), 1.5 - 2i)
  back <- from_torch(t)
  expect_exact(Re(back), c(1.5, NaN, 3)) # NaN parts kept
  expect_exact(Im(back), c(-2, 1, NaN))

  withr::local_options(torchbridge.float_dtype = "float64")
  x <- c(0.1 + 0.2i, NA)
  t <- as_torch(x)
  expect_exact(tensor_dtype(t), "complex128")
  expect_exact(from_torch(t), x)
})

test_that("raw: uint8, back as integer; as.raw() gives the bytes again", {
  skip_if_no_torch()
  x <- as.raw(c(0, 1, 128, 255))
  t <- as_torch(x)
  expect_exact(tensor_dtype(t), "uint8")
  expect_exact(t_item(t, 4), 255L)
  back <- from_torch(t)
  expect_exact(back, c(0L, 1L, 128L, 255L))
  expect_exact(as.raw(back), x)
})

test_that("bit64::integer64: int64, exactly", {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  x <- bit64::as.integer64(c("9223372036854775807", "-9223372036854775807", "9007199254740993", "0"))
  t <- as_torch(x)
  expect_exact(tensor_dtype(t), "int64")
  expected <- py_tensor("[2**63 - 1, -2**63 + 1, 2**53 + 1, 0]", "int64")
  expect_true(t_flag(torch_mod()$equal(t, expected)))
  expect_exact(from_torch(t, int64 = "bit64"), x)
  expect_error(as_torch(bit64::as.integer64(c(1, NA))), class = "torchbridge_error_na")
  t <- as_torch(bit64::as.integer64(c(1, NA)), dtype = "float64")
  expect_exact(from_torch(t), c(1, NA))
})

test_that("data.frame: 2-D rows x columns, promoted to one dtype", {
  skip_if_no_torch()
  t <- as_torch(data.frame(a = c(1.5, 2.5, 3.5), b = c(10, 20, 30)))
  expect_exact(t_shape(t), c(3L, 2L))
  expect_exact(tensor_dtype(t), "float32")
  expect_exact(t_item(t, c(3, 2)), 30)
  expect_exact(t_item(t, c(1, 1)), 1.5)
})

test_that("a torch tensor is kept as it is", {
  skip_if_no_torch()
  t <- as_torch(c(1, 2))
  expect_exact(reticulate::py_id(as_torch(t)), reticulate::py_id(t))
})

# ---- NA rules ---------------------------------------------------------------

test_that("double NA/NaN -> NaN; float64 keeps NA so from_torch() gives NA back", {
  skip_if_no_torch()
  x <- c(1.5, NA, NaN, -Inf)
  t32 <- as_torch(x)
  expect_exact(from_torch(t32), c(1.5, NaN, NaN, -Inf))
  expect_true(t_flag(torch_mod()$isnan(t32)[2L]$item())) # `[` on tensors counts from 1, as in R
  t64 <- as_torch(x, dtype = "float64")
  expect_exact(from_torch(t64), x)
  expect_true(is.na(from_torch(t64)[2]) && !is.nan(from_torch(t64)[2]))
  expect_true(is.nan(from_torch(t64)[3]))
})

test_that("integer NA -> torchbridge_error_na unless dtype is float", {
  skip_if_no_torch()
  x <- c(1L, NA, 3L)
  expect_error(as_torch(x), class = "torchbridge_error_na")
  for (dt in c("int64", "int32", "int16", "int8", "uint8", "bool")) {
    expect_error(as_torch(x, dtype = dt), class = "torchbridge_error_na", info = dt)
  }
  expect_error(as_torch(x, dtype = "int32", copy = FALSE), class = "torchbridge_error_na")
  # float64: R's NA pattern, as as.double() gives
  expect_exact(from_torch(as_torch(x, dtype = "float64")), c(1, NA, 3))
  # other floats: NaN
  expect_exact(from_torch(as_torch(x, dtype = "float32")), c(1, NaN, 3))
  expect_exact(from_torch(as_torch(x, dtype = "float16")), c(1, NaN, 3))
  # complex: NA_complex_ (NA in both parts)
  expect_exact(from_torch(as_torch(x, dtype = "complex128")), c(1 + 0i, NA_complex_, 3 + 0i))
})

test_that("logical NA -> torchbridge_error_na unless dtype is float", {
  skip_if_no_torch()
  x <- c(TRUE, NA, FALSE)
  expect_error(as_torch(x), class = "torchbridge_error_na")
  expect_error(as_torch(x, dtype = "int64"), class = "torchbridge_error_na")
  expect_error(as_torch(x, dtype = "int32"), class = "torchbridge_error_na")
  expect_exact(from_torch(as_torch(x, dtype = "float64")), c(1, NA, 0))
  expect_exact(from_torch(as_torch(x, dtype = "float32")), c(1, NaN, 0))
})

test_that("double NA/NaN to an integer or bool dtype is torchbridge_error_na", {
  skip_if_no_torch()
  expect_error(as_torch(c(1, NA), dtype = "int64"), class = "torchbridge_error_na")
  expect_error(as_torch(c(1, NaN), dtype = "int32"), class = "torchbridge_error_na")
  expect_error(as_torch(c(0, NaN), dtype = "bool"), class = "torchbridge_error_na")
})

test_that("data frame: integer with NA beside double becomes NaN (NA with float64)", {
  skip_if_no_torch()
  df <- data.frame(a = c(1L, NA, 3L), b = c(0.5, 1.5, NA))
  t <- as_torch(df)
  expect_exact(tensor_dtype(t), "float32")
  expect_exact(from_torch(t), matrix(c(1, NaN, 3, 0.5, 1.5, NaN), 3))

  withr::local_options(torchbridge.float_dtype = "float64")
  t <- as_torch(df)
  expect_exact(tensor_dtype(t), "float64")
  expect_exact(from_torch(t), matrix(c(1, NA, 3, 0.5, 1.5, NA), 3))
})

test_that("data frame: integer or logical NA alone is torchbridge_error_na", {
  skip_if_no_torch()
  expect_error(as_torch(data.frame(a = c(1L, NA))), class = "torchbridge_error_na")
  expect_error(as_torch(data.frame(a = c(TRUE, NA))), class = "torchbridge_error_na")
  expect_exact(from_torch(as_torch(data.frame(a = c(1L, NA)), dtype = "float64")), matrix(c(1, NA), 2))
})

# ---- shapes -----------------------------------------------------------------

test_that("a plain vector gives a 1-D tensor, length 1 included", {
  skip_if_no_torch()
  expect_exact(t_shape(as_torch(5)), 1L)
  expect_exact(t_shape(as_torch(5L)), 1L)
  expect_exact(t_shape(as_torch(TRUE)), 1L)
  expect_exact(t_shape(as_torch(c(1, 2, 3))), 3L)
  expect_exact(from_torch(as_torch(5)), 5)
  expect_null(dim(from_torch(as_torch(5))))
})

test_that("a matrix keeps its dims in the same order: t[i-1, j-1] == x[i, j]", {
  skip_if_no_torch()
  x <- matrix(1:6, nrow = 2)
  t <- as_torch(x)
  expect_exact(t_shape(t), c(2L, 3L))
  for (i in 1:2) for (j in 1:3) expect_exact(t_item(t, c(i, j)), x[i, j])
  expect_true(t_flag(t$is_contiguous()))
  expect_exact(from_torch(t), x)
  # dimnames are dropped, values and dims kept
  xn <- matrix(c(1.5, 2.5), 1, dimnames = list("r", c("a", "b")))
  expect_exact(from_torch(as_torch(xn)), matrix(c(1.5, 2.5), 1))
})

test_that("3-D and more: t[i-1, j-1, k-1] == x[i, j, k]", {
  skip_if_no_torch()
  x <- array(1:24, c(2, 3, 4))
  t <- as_torch(x)
  expect_exact(t_shape(t), c(2L, 3L, 4L))
  expect_exact(t_item(t, c(2, 3, 4)), 24L)
  expect_exact(t_item(t, c(2, 1, 1)), 2L)
  expect_exact(t_item(t, c(1, 2, 1)), 3L)
  expect_exact(t_item(t, c(1, 1, 2)), 7L)
  expect_exact(from_torch(t), x)
  x5 <- array(as.double(1:120), c(2, 3, 1, 4, 5))
  t5 <- as_torch(x5, dtype = "float64")
  expect_exact(t_shape(t5), c(2L, 3L, 1L, 4L, 5L))
  expect_exact(t_item(t5, c(2, 1, 1, 3, 4)), x5[2, 1, 1, 3, 4])
  expect_exact(from_torch(t5), x5)
  expect_exact(from_torch(as_torch(array(1.5, c(1, 1, 1)))), array(1.5, c(1, 1, 1)))
})

test_that("zero-length vectors and dims are allowed", {
  skip_if_no_torch()
  expect_exact(t_shape(as_torch(numeric(0))), 0L)
  expect_exact(from_torch(as_torch(numeric(0))), numeric(0))
  expect_exact(from_torch(as_torch(integer(0))), integer(0))
  expect_exact(from_torch(as_torch(logical(0))), logical(0))
  expect_exact(from_torch(as_torch(complex(0))), complex(0))
  expect_exact(from_torch(as_torch(raw(0))), integer(0))
  x <- array(integer(0), c(2, 0, 3))
  t <- as_torch(x)
  expect_exact(t_shape(t), c(2L, 0L, 3L))
  expect_exact(from_torch(t), x)
  m <- matrix(numeric(0), 0, 4)
  expect_exact(t_shape(as_torch(m)), c(0L, 4L))
  expect_exact(from_torch(as_torch(m, dtype = "float64")), m)
  expect_exact(from_torch(torch_mod()$zeros(3L, 0L)), matrix(numeric(0), 3, 0))
})

test_that("ALTREP input: 1:n and seq_len(n)", {
  skip_if_no_torch()
  t <- as_torch(1:5)
  expect_exact(tensor_dtype(t), "int64")
  expect_exact(t_shape(t), 5L)
  expect_exact(from_torch(t), 1:5)
  t <- as_torch(seq_len(7), dtype = "float32")
  expect_exact(from_torch(t), as.double(1:7))
  expect_exact(from_torch(as_torch(seq_len(0))), integer(0))
  n <- 100000L
  expect_exact(from_torch(as_torch(1:n, dtype = "int32")), 1:n)
  expect_exact(from_torch(as_torch(-5:5)), -5:5)
  expect_exact(from_torch(as_torch(1.5:4.5, dtype = "float64")), c(1.5, 2.5, 3.5, 4.5))
})

# ---- data frames ------------------------------------------------------------

test_that("data frame: rows x columns, column j is t[, j-1]", {
  skip_if_no_torch()
  df <- data.frame(x = c(1.5, 2.5), y = c(-1, 4), z = c(0, 8))
  t <- as_torch(df, dtype = "float64")
  expect_exact(t_shape(t), c(2L, 3L))
  expect_exact(from_torch(t), unname(as.matrix(df)))
  expect_true(t_flag(t$is_contiguous()))
  expect_exact(t_shape(as_torch(data.frame(a = numeric(0), b = integer(0)))), c(0L, 2L))
  # no columns: an empty float matrix
  t0 <- as_torch(data.frame(row.names = 1:3))
  expect_exact(t_shape(t0), c(3L, 0L))
  expect_exact(tensor_dtype(t0), "float32")
  expect_exact(from_torch(t0), matrix(numeric(0), 3, 0))
})

test_that("data frame: promotion bool < int64 < float", {
  skip_if_no_torch()
  t <- as_torch(data.frame(a = c(TRUE, FALSE)))
  expect_exact(tensor_dtype(t), "bool")
  expect_exact(from_torch(t), matrix(c(TRUE, FALSE), 2))

  t <- as_torch(data.frame(a = c(TRUE, FALSE), b = c(2L, 3L)))
  expect_exact(tensor_dtype(t), "int64")
  expect_exact(from_torch(t), matrix(c(1L, 0L, 2L, 3L), 2))

  t <- as_torch(data.frame(a = c(TRUE, FALSE), b = c(2L, 3L), c = c(0.5, 1)))
  expect_exact(tensor_dtype(t), "float32")
  expect_exact(from_torch(t), matrix(c(1, 0, 2, 3, 0.5, 1), 2))

  withr::local_options(torchbridge.float_dtype = "float64")
  t <- as_torch(data.frame(a = 1L, c = 0.1))
  expect_exact(tensor_dtype(t), "float64")
  expect_exact(from_torch(t), matrix(c(1, 0.1), 1))
})

test_that("data frame: dtype and requires_grad apply to the whole tensor", {
  skip_if_no_torch()
  df <- data.frame(a = c(TRUE, FALSE), b = c(2L, 3L))
  t <- as_torch(df, dtype = "float64", requires_grad = TRUE)
  expect_exact(tensor_dtype(t), "float64")
  expect_true(t_flag(t$requires_grad))
  expect_error(as_torch(df, requires_grad = TRUE), class = "torchbridge_error_dtype")
  expect_exact(from_torch(as_torch(mtcars[1:3, c("mpg", "cyl")], dtype = "float64")),
                   unname(as.matrix(mtcars[1:3, c("mpg", "cyl")])))
})

test_that("data frame: non-numeric columns error, naming every bad column", {
  skip_if_no_torch()
  df <- data.frame(
    a = 1, b = "x", c = factor("u"), d = Sys.Date(), e = TRUE,
    stringsAsFactors = FALSE
  )
  cnd <- expect_error(as_torch(df), class = "torchbridge_error_type")
  msg <- conditionMessage(cnd)
  expect_match(msg, "b is character", fixed = TRUE)
  expect_match(msg, "c is factor", fixed = TRUE)
  expect_match(msg, "d is Date", fixed = TRUE)
  expect_no_match(msg, "a is", fixed = TRUE)
  expect_no_match(msg, "e is", fixed = TRUE)
  df$d <- as.Date("2024-01-01")
  expect_snapshot(as_torch(df), error = TRUE)
})

# ---- casts ------------------------------------------------------------------

test_that("dtype names torch defines: float, double, long, half, int, short, cfloat", {
  skip_if_no_torch()
  x <- c(1, 0, 2)
  expected <- c(
    float = "float32", double = "float64", long = "int64", half = "float16",
    int = "int32", short = "int16", cfloat = "complex64", cdouble = "complex128",
    float32 = "float32", float64 = "float64", float16 = "float16", bfloat16 = "bfloat16",
    int8 = "int8", int16 = "int16", int32 = "int32", int64 = "int64", uint8 = "uint8",
    bool = "bool", complex64 = "complex64", complex128 = "complex128",
    "torch.float64" = "float64"
  )
  for (nm in names(expected)) {
    t <- as_torch(x, dtype = nm)
    expect_exact(tensor_dtype(t), expected[[nm]], info = nm)
    back <- from_torch(t)
    want <- switch(expected[[nm]],
      bool = c(TRUE, FALSE, TRUE),
      complex64 = , complex128 = c(1 + 0i, 0 + 0i, 2 + 0i),
      float32 = , float64 = , float16 = , bfloat16 = c(1, 0, 2),
      c(1L, 0L, 2L)
    )
    expect_exact(back, want, info = nm)
  }
})

test_that("dtype as a torch dtype object", {
  skip_if_no_torch()
  torch <- torch_mod()
  t <- as_torch(c(1L, 2L), dtype = torch$float64)
  expect_exact(tensor_dtype(t), "float64")
  expect_exact(from_torch(t), c(1, 2))
  expect_exact(tensor_dtype(as_torch(c(1, 2), dtype = torch$int16)), "int16")
})

test_that("a lost fraction is torchbridge_error_dtype (3.5 -> int64)", {
  skip_if_no_torch()
  cnd <- expect_error(as_torch(c(1, 3.5), dtype = "int64"), class = "torchbridge_error_dtype")
  expect_match(conditionMessage(cnd), "3.5", fixed = TRUE)
  expect_exact(from_torch(as_torch(c(1, -3), dtype = "int64")), c(1L, -3L))
})

test_that("out of range is torchbridge_error_overflow (300 -> uint8, Inf -> int64, 70000 -> float16)", {
  skip_if_no_torch()
  expect_error(as_torch(300, dtype = "uint8"), class = "torchbridge_error_overflow")
  expect_error(as_torch(-1, dtype = "uint8"), class = "torchbridge_error_overflow")
  expect_error(as_torch(300L, dtype = "uint8"), class = "torchbridge_error_overflow")
  expect_error(as_torch(128L, dtype = "int8"), class = "torchbridge_error_overflow")
  expect_error(as_torch(Inf, dtype = "int64"), class = "torchbridge_error_overflow")
  expect_error(as_torch(-Inf, dtype = "int32"), class = "torchbridge_error_overflow")
  expect_error(as_torch(2^63, dtype = "int64"), class = "torchbridge_error_overflow")
  expect_error(as_torch(70000, dtype = "float16"), class = "torchbridge_error_overflow")
  expect_error(as_torch(-70000L, dtype = "float16"), class = "torchbridge_error_overflow")
  expect_error(as_torch(1e300, dtype = "float32"), class = "torchbridge_error_overflow")
  expect_error(as_torch(1e300 + 0i, dtype = "complex64"), class = "torchbridge_error_overflow")
  # the limits themselves are fine
  expect_exact(from_torch(as_torch(c(0, 255), dtype = "uint8")), c(0L, 255L))
  expect_exact(from_torch(as_torch(c(-65504, 65504), dtype = "float16")), c(-65504, 65504))
  # Inf stays Inf in a float: not an overflow
  expect_exact(from_torch(as_torch(c(Inf, -Inf), dtype = "float16")), c(Inf, -Inf))
  # rounding to a narrower float is allowed
  expect_exact(from_torch(as_torch(0.1, dtype = "float16")), 0.0999755859375)
})

test_that("an overflow hint never suggests the dtype that overflowed", {
  skip_if_no_torch()
  cnd <- expect_error(as_torch(1e300, dtype = "float32"), class = "torchbridge_error_overflow")
  expect_no_match(conditionMessage(cnd), 'e.g. "float32"', fixed = TRUE)
})

test_that("casts to float8 dtypes (names torch defines) work", {
  skip_if_no_torch()
  torch <- torch_mod()
  for (dt in c("float8_e5m2", "float8_e4m3fn")) {
    t <- as_torch(c(1, -2, 0.5), dtype = dt)
    expect_exact(tensor_dtype(t), dt, info = dt)
    expect_exact(from_torch(t$to(torch$float32)), c(1, -2, 0.5), info = dt)
  }
})

test_that("overflow to a float8 dtype is torchbridge_error_overflow (e4m3fn has no Inf: it saturates)", {
  skip_if_no_torch()
  expect_error(as_torch(1000, dtype = "float8_e4m3fn"), class = "torchbridge_error_overflow")
  expect_error(as_torch(1e6, dtype = "float8_e5m2"), class = "torchbridge_error_overflow")
})

test_that("a non-zero imaginary part dropped is torchbridge_error_dtype", {
  skip_if_no_torch()
  expect_error(as_torch(c(1 + 0i, 1 + 2i), dtype = "float64"), class = "torchbridge_error_dtype")
  expect_error(as_torch(1 + 2i, dtype = "int64"), class = "torchbridge_error_dtype")
  expect_exact(from_torch(as_torch(c(1 + 0i, -2.5 + 0i), dtype = "float64")), c(1, -2.5))
  expect_error(as_torch(1.5 + 0i, dtype = "int32"), class = "torchbridge_error_dtype")
})

test_that("to bool, non-zero is TRUE as in R", {
  skip_if_no_torch()
  expect_exact(from_torch(as_torch(c(0, 2, -1.5, 1e-300), dtype = "bool")), c(FALSE, TRUE, TRUE, TRUE))
  expect_exact(from_torch(as_torch(c(0L, 5L, -3L), dtype = "bool")), c(FALSE, TRUE, TRUE))
  expect_exact(from_torch(as_torch(as.raw(c(0, 7)), dtype = "bool")), c(FALSE, TRUE))
  expect_exact(from_torch(as_torch(c(0 + 0i, 3 + 0i), dtype = "bool")), c(FALSE, TRUE))
  expect_exact(from_torch(as_torch(c(TRUE, FALSE), dtype = "bool")), c(TRUE, FALSE))
})

test_that("requires_grad = TRUE on integer input without dtype says to pass dtype = \"float32\"", {
  skip_if_no_torch()
  cnd <- expect_error(as_torch(1:3, requires_grad = TRUE), class = "torchbridge_error_dtype")
  expect_match(conditionMessage(cnd), 'dtype = "float32"', fixed = TRUE)
  expect_error(as_torch(c(TRUE, FALSE), requires_grad = TRUE), class = "torchbridge_error_dtype")
  expect_error(as_torch(1, dtype = "int32", requires_grad = TRUE), class = "torchbridge_error_dtype")
  t <- as_torch(1:3, dtype = "float32", requires_grad = TRUE)
  expect_true(t_flag(t$requires_grad))
  expect_true(t_flag(t$is_leaf))
  t <- as_torch(c(1, 2), requires_grad = TRUE)
  expect_true(t_flag(t$requires_grad))
  expect_exact(from_torch(t), c(1, 2))
  expect_true(t_flag(as_torch(1i, requires_grad = TRUE)$requires_grad))
})

# ---- tensors as input -------------------------------------------------------

test_that("a tensor is returned as it is (the same Python object)", {
  skip_if_no_torch()
  torch <- torch_mod()
  t <- torch$arange(6L)$reshape(2L, 3L)
  out <- as_torch(t)
  expect_exact(reticulate::py_id(out), reticulate::py_id(t))
  expect_exact(t_ptr(out), t_ptr(t))
  # the same dtype or device asked for: still the same object
  expect_exact(reticulate::py_id(as_torch(t, dtype = "int64")), reticulate::py_id(t))
  expect_exact(reticulate::py_id(as_torch(t, device = "cpu")), reticulate::py_id(t))
  # the device option does not apply to tensors
  withr::local_options(torchbridge.device = "tpu")
  expect_exact(reticulate::py_id(as_torch(t)), reticulate::py_id(t))
})

test_that("a tensor is cast with dtype, under the same no-silent-change rules", {
  skip_if_no_torch()
  torch <- torch_mod()
  t <- torch$tensor(list(1, 2.5))
  out <- as_torch(t, dtype = "float64")
  expect_exact(tensor_dtype(out), "float64")
  expect_exact(tensor_dtype(t), "float32")
  expect_exact(from_torch(out), c(1, 2.5))
  expect_error(as_torch(t, dtype = "int64"), class = "torchbridge_error_dtype")
  expect_error(as_torch(py_tensor("[300]", "float32"), dtype = "uint8"), class = "torchbridge_error_overflow")
  expect_error(as_torch(py_tensor("[2**40]", "int64"), dtype = "int32"), class = "torchbridge_error_overflow")
  expect_error(as_torch(py_tensor("[70000.0]", "float32"), dtype = "float16"), class = "torchbridge_error_overflow")
  expect_error(as_torch(py_tensor("[float('nan')]", "float32"), dtype = "int64"), class = "torchbridge_error_na")
  expect_error(as_torch(py_tensor("[1+1j]", "complex64"), dtype = "float64"), class = "torchbridge_error_dtype")
  expect_exact(from_torch(as_torch(py_tensor("[3+0j]", "complex64"), dtype = "float64")), 3)
  expect_exact(from_torch(as_torch(py_tensor("[0.0, 2.5]", "float32"), dtype = "bool")), c(FALSE, TRUE))
  expect_error(as_torch(t, dtype = "nonsense"), class = "torchbridge_error_dtype")
  expect_error(as_torch(t, device = "tpu"), class = "torchbridge_error_device")
})

test_that("a tensor gets requires_grad when asked", {
  skip_if_no_torch()
  torch <- torch_mod()
  t <- torch$tensor(list(1, 2))
  g <- as_torch(t, requires_grad = TRUE)
  expect_true(t_flag(g$requires_grad))
  expect_true(t_flag(g$is_leaf))
  expect_false(t_flag(t$requires_grad)) # the input is not changed
  # requires_grad = FALSE on a tensor that requires grad: detached
  expect_false(t_flag(as_torch(g, requires_grad = FALSE)$requires_grad))
  # integer tensors can't require grad
  expect_error(as_torch(torch$arange(3L), requires_grad = TRUE), class = "torchbridge_error_dtype")
  g2 <- as_torch(torch$arange(3L), dtype = "float32", requires_grad = TRUE)
  expect_true(t_flag(g2$requires_grad))
  expect_exact(tensor_dtype(g2), "float32")
})

# ---- copy-on-modify, both ways ----------------------------------------------

test_that("as_torch(): an in-place op on the tensor leaves x unchanged (default, copy = TRUE)", {
  skip_if_no_torch()
  x <- c(1, 2, 3)
  t <- as_torch(x, dtype = "float64")
  t$add_(1)
  expect_exact(x, c(1, 2, 3))
  expect_exact(from_torch(t), c(2, 3, 4))

  xm <- matrix(c(1.5, 2.5, 3.5, 4.5), 2)
  t <- as_torch(xm)
  t$add_(1)
  expect_exact(xm, matrix(c(1.5, 2.5, 3.5, 4.5), 2))

  xi <- matrix(1:4, 2)
  t <- as_torch(xi)
  t$add_(1L)
  expect_exact(xi, matrix(1:4, 2))
  t <- as_torch(xi, dtype = "int32") # same storage dtype, still a copy
  t$add_(1L)
  expect_exact(xi, matrix(1:4, 2))
  expect_true(t_flag(t$is_contiguous()))

  # copy = FALSE that needs a cast copies as well
  xd <- c(1, 2)
  t <- as_torch(xd, copy = FALSE) # float32: a cast
  t$add_(1)
  expect_exact(xd, c(1, 2))
})

test_that("as_torch(copy = FALSE) shares memory: a write through the tensor IS visible in x", {
  skip_if_no_torch()
  # Documented: a shared tensor is for read-only use; an in-place write
  # changes x behind R's back. This test pins down that the memory is shared.
  x <- c(1, 2, 3, 4)
  dim(x) <- c(2, 2)
  t <- as_torch(x, dtype = "float64", copy = FALSE)
  expect_exact(t_strides(t), c(1L, 2L)) # column-major strides
  expect_false(t_flag(t$is_contiguous()))
  expect_exact(t_item(t, c(1, 2)), 3)
  t$add_(1)
  expect_exact(x, matrix(c(2, 3, 4, 5), 2))

  xi <- c(10L, 20L)
  ti <- as_torch(xi, dtype = "int32", copy = FALSE)
  ti$add_(1L)
  expect_exact(xi, c(11L, 21L))

  xa <- array(as.double(1:24), c(2, 3, 4))
  expect_exact(t_strides(as_torch(xa, dtype = "float64", copy = FALSE)), c(1L, 2L, 6L))
})

test_that("as_torch(copy = FALSE): logical, complex, raw and integer64 input always copy", {
  skip_if_no_torch()
  xl <- c(TRUE, FALSE)
  tl <- as_torch(xl, dtype = "int32", copy = FALSE) # int32 is R's storage, still a copy
  tl$add_(1L)
  expect_exact(xl, c(TRUE, FALSE))
  expect_true(t_flag(tl$is_contiguous()))

  xc <- c(1 + 1i, 2 - 1i)
  tc <- as_torch(xc, dtype = "complex128", copy = FALSE)
  tc$add_(1)
  expect_exact(xc, c(1 + 1i, 2 - 1i))
  expect_exact(from_torch(tc), c(2 + 1i, 3 - 1i))

  xr <- as.raw(c(1, 2))
  tr <- as_torch(xr, copy = FALSE)
  tr$add_(1L)
  expect_exact(xr, as.raw(c(1, 2)))

  skip_if_not_installed("bit64")
  x64 <- bit64::as.integer64(c(1, 2))
  t64 <- as_torch(x64, copy = FALSE)
  t64$add_(1L)
  expect_exact(x64, bit64::as.integer64(c(1, 2)))
})

test_that("as_torch(copy = FALSE): modifying x in R does not change the tensor", {
  skip_if_no_torch()
  x <- c(1, 2, 3)
  t <- as_torch(x, dtype = "float64", copy = FALSE)
  x[1] <- 99 # R copies on modify: the tensor holds a reference to x
  expect_exact(x, c(99, 2, 3))
  expect_exact(from_torch(t), c(1, 2, 3))
})

test_that("as_torch(copy = FALSE): the tensor keeps x alive", {
  skip_if_no_torch()
  x <- runif(1000)
  keep <- x + 0
  t <- as_torch(x, dtype = "float64", copy = FALSE)
  rm(x)
  invisible(gc())
  invisible(runif(5000))
  expect_exact(from_torch(t), keep)
})

test_that("as_torch(copy = FALSE) releases x once the tensor is gone", {
  skip_if_no_torch()
  flush_shared()
  n0 <- torchbridge:::shared_count()
  t <- as_torch(c(1, 2), dtype = "float64", copy = FALSE) # shared
  expect_exact(torchbridge:::shared_count(), n0 + 1L)
  rm(t)
  flush_shared()
  expect_exact(torchbridge:::shared_count(), n0)
})

test_that("as_torch(copy = FALSE) that copies anyway keeps nothing alive", {
  skip_if_no_torch()
  flush_shared()
  n0 <- torchbridge:::shared_count()
  t <- as_torch(c(1, 2), copy = FALSE) # float32: a cast, so a copy
  t2 <- as_torch(1:3, copy = FALSE) # int64: a cast, so a copy
  t3 <- as_torch(numeric(0), dtype = "float64", copy = FALSE) # empty: a copy
  flush_shared()
  expect_exact(torchbridge:::shared_count(), n0)
  expect_exact(from_torch(t2), 1:3)
})

test_that("as_torch(copy = FALSE) that fails keeps nothing alive", {
  skip_if_no_torch()
  flush_shared()
  n0 <- torchbridge:::shared_count()
  expect_error(as_torch(c(1, 2), dtype = "nonsense", copy = FALSE), class = "torchbridge_error_dtype")
  expect_error(as_torch(1:2, requires_grad = TRUE, copy = FALSE), class = "torchbridge_error_dtype")
  expect_error(as_torch(c(1, 2), device = "tpu", copy = FALSE), class = "torchbridge_error_device")
  flush_shared()
  expect_exact(torchbridge:::shared_count(), n0)
})

# ---- errors -----------------------------------------------------------------

test_that("error messages of as_torch()", {
  skip_if_no_torch()
  expect_snapshot(error = TRUE, {
    as_torch(factor(c("a", "b")))
    as_torch(c("a", "b"))
    as_torch(list(1, 2))
    as_torch(NULL)
    as_torch(as.Date("2024-01-01"))
    as_torch(c(1L, NA))
    as_torch(c(1, NaN), dtype = "bool")
    as_torch(1, dtype = "nonsense")
    as_torch(1, dtype = 1)
    as_torch(3.5, dtype = "int64")
    as_torch(300, dtype = "uint8")
    as_torch(70000, dtype = "float16")
    as_torch(complex(real = 1, imaginary = 2), dtype = "float64")
    as_torch(1:3, requires_grad = TRUE)
    as_torch(1, device = "tpu")
    as_torch(1, copy = NA)
  })
})

test_that("errors are classed: torchbridge_error_type", {
  skip_if_no_torch()
  cls <- "torchbridge_error_type"
  expect_error(as_torch(factor("a")), "as.integer(x) - 1L", fixed = TRUE, class = cls)
  expect_error(as_torch("a"), class = cls)
  expect_error(as_torch(list(1)), class = cls)
  expect_error(as_torch(NULL), class = cls)
  expect_error(as_torch(function() 1), class = cls)
  expect_error(as_torch(new.env()), class = cls)
  expect_error(as_torch(Sys.Date()), class = cls)
  expect_error(as_torch(as.POSIXct("2024-01-01", tz = "UTC")), class = cls)
  where <- new.env()
  methods::setClass("TbTestS4", representation(x = "numeric"), where = where)
  obj <- methods::new(methods::getClass("TbTestS4", where = where), x = 1)
  expect_error(as_torch(obj), "as.matrix(x)", fixed = TRUE, class = cls)
  expect_error(as_torch(data.frame(a = "x")), class = cls)
  expect_error(from_torch(1), class = cls)
  expect_error(from_torch(matrix(1:4, 2)), class = cls)
  expect_error(from_torch(torch_mod()$float32), class = cls)
  # every error also has the parent class
  expect_error(as_torch("a"), class = "torchbridge_error")
})

test_that("errors are classed: torchbridge_error_na, _dtype, _overflow", {
  skip_if_no_torch()
  expect_error(as_torch(c(1L, NA)), class = "torchbridge_error_na")
  expect_error(as_torch(c(TRUE, NA)), class = "torchbridge_error_na")
  expect_error(as_torch(1, dtype = "nonsense"), class = "torchbridge_error_dtype")
  expect_error(as_torch(1, dtype = "Tensor"), class = "torchbridge_error_dtype")
  expect_error(as_torch(1, dtype = c("float32", "float64")), class = "torchbridge_error_dtype")
  expect_error(as_torch(1, dtype = NA_character_), class = "torchbridge_error_dtype")
  expect_error(as_torch(3.5, dtype = "int64"), class = "torchbridge_error_dtype")
  expect_error(as_torch(300, dtype = "uint8"), class = "torchbridge_error_overflow")
  expect_error(from_torch(py_tensor("[2147483648]", "int64")), class = "torchbridge_error_overflow")
  # raised by torchbridge's Python: no parent repeating the message under "Caused by"
  cnd <- expect_error(as_torch(300, dtype = "uint8"), class = "torchbridge_error_overflow")
  expect_null(cnd$parent)
  expect_false(grepl("ValueOverflowError", conditionMessage(cnd), fixed = TRUE))
})

test_that("errors are classed: torchbridge_error_device and _no_gpu", {
  skip_if_no_torch()
  expect_error(as_torch(1, device = "tpu"), class = "torchbridge_error_device")
  expect_error(as_torch(1, device = 1), class = "torchbridge_error_device")
  withr::with_options(list(torchbridge.device = "tpu"), {
    expect_error(as_torch(1), class = "torchbridge_error_device")
  })
  skip_if(cuda_is_available(), "CUDA is available here")
  cnd <- expect_error(as_torch(1, device = "cuda"), class = "torchbridge_error_no_gpu")
  expect_match(conditionMessage(cnd), "CUDA is not available", fixed = TRUE)
  expect_match(conditionMessage(cnd), "install_torch", fixed = TRUE)
  expect_error(as_torch(1, device = "cuda:1"), class = "torchbridge_error_no_gpu")
  expect_error(as_torch(torch_mod()$ones(1L), device = "cuda"), class = "torchbridge_error_no_gpu")
  withr::with_options(list(torchbridge.device = "cuda"), {
    expect_error(as_torch(1), class = "torchbridge_error_no_gpu")
  })
  # "auto" falls back to the CPU
  t <- as_torch(1, device = "auto")
  expect_exact(reticulate::py_to_r(py_builtins()$str(t$device)), "cpu")
})

test_that("errors are classed: torchbridge_error_arg", {
  skip_if_no_torch()
  expect_error(from_torch(torch_mod()$ones(1L), int64 = "x"), class = "torchbridge_error_arg")
  expect_error(from_torch(torch_mod()$ones(1L), int64 = c("double", "bit64")), class = "torchbridge_error_arg")
  expect_error(as_torch(1, copy = NA), class = "torchbridge_error_arg")
  expect_error(as_torch(1, copy = "yes"), class = "torchbridge_error_arg")
  expect_error(as_torch(1, requires_grad = NA), class = "torchbridge_error_arg")
  expect_error(as_torch(1, requires_grad = c(TRUE, FALSE)), class = "torchbridge_error_arg")
})

# ---- hostile inputs: malformed objects, narrow floats, limits -----------------

test_that("a data frame whose columns don't hold its rows is refused before any read", {
  skip_if_no_torch()
  lying <- list(
    structure(list(a = c(1, 2)), class = "data.frame", row.names = c(NA, -6L)),
    structure(list(a = c(1, 2)), class = "data.frame", row.names = c(NA, -200000000L)),
    structure(list(a = numeric(0)), class = "data.frame", row.names = c(NA, -3L)),
    structure(list(a = 1:3, b = c(1, 2)), class = "data.frame", row.names = c(NA, -3L))
  )
  for (df in lying) expect_error(as_torch(df), class = "torchbridge_error_type")
  expect_snapshot(as_torch(lying[[1]]), error = TRUE)
  ok <- structure(list(a = c(1, 2)), class = "data.frame", row.names = c(NA, -2L))
  expect_exact(from_torch(as_torch(ok, dtype = "float64")), matrix(c(1, 2), 2))
})

test_that("the integer64 class on storage that is not double is refused wherever R data enters", {
  skip_if_no_torch()
  fakes <- list(
    structure(1:3, class = "integer64"), structure(as.raw(1:3), class = "integer64"),
    structure(c("1", "2"), class = "integer64"), structure(list(1, 2), class = "integer64")
  )
  t <- as_torch(c(1, 2, 3), dtype = "float64")
  for (x in fakes) {
    expect_error(as_torch(x), class = "torchbridge_error_type")
    expect_error(sum(t, x), class = "torchbridge_error_type")
    expect_error(t %@% x, class = "torchbridge_error_type")
    expect_error(t[1] <- x, class = "torchbridge_error_type")
  }
  df <- data.frame(a = 1:3)
  df$b <- structure(1:3, class = "integer64")
  expect_error(as_torch(df), class = "torchbridge_error_type")
  expect_snapshot(as_torch(fakes[[1]]), error = TRUE)
  # Ops: in a child process without bit64, whose own `+` would take over
  skip_if_not_installed("callr")
  got <- callr::r(function() {
    library(torchbridge)
    t <- as_torch(c(1, 2, 3), dtype = "float64")
    x <- structure(1:3, class = "integer64")
    vapply(list(function() t + x, function() x * t, function() t == x), function(f) {
      tryCatch({ f(); "no error" }, error = function(e) class(e)[1])
    }, "")
  })
  expect_identical(got, rep("torchbridge_error_type", 3))
})

test_that("copy = FALSE tokens never repeat, even past R's integer range", {
  skip_if_no_torch()
  flush_shared()
  tb <- torchbridge:::.tb
  old <- tb$next_token
  on.exit(tb$next_token <- old)
  tb$next_token <- 2^31 - 5
  xs <- lapply(1:10, function(i) as.double(i) * c(1, 2, 3))
  ts <- lapply(xs, as_torch, dtype = "float64", copy = FALSE)
  expect_length(unique(names(tb$shared)), length(tb$shared))
  expect_true(all(sprintf("%.0f", 2^31 - 4 + 0:9) %in% names(tb$shared)))
  rm(xs)
  gc()
  for (i in 1:10) expect_exact(from_torch(ts[[i]]), as.double(i) * c(1, 2, 3))
})

test_that("copy = FALSE that fails on an integer NA leaves no token behind", {
  skip_if_no_torch()
  flush_shared()
  n0 <- torchbridge:::shared_count()
  for (i in 1:3) expect_error(as_torch(c(1L, NA), dtype = "int32", copy = FALSE), class = "torchbridge_error_na")
  gc()
  flush_shared()
  expect_exact(torchbridge:::shared_count(), n0)
})

test_that("narrow floats: overflow is an error, Inf needs a format that has it, underflow rounds", {
  skip_if_no_torch()
  expect_error(as_torch(c(1, Inf), dtype = "float8_e4m3fn"), class = "torchbridge_error_overflow")
  expect_error(as_torch(-Inf, dtype = "float8_e4m3fnuz"), class = "torchbridge_error_overflow")
  expect_error(as_torch(Inf, dtype = "float8_e5m2fnuz"), class = "torchbridge_error_overflow")
  expect_identical(from_torch(as_torch(c(1, Inf), dtype = "float8_e5m2")$double()), c(1, Inf))
  expect_error(as_torch(-1, dtype = "float8_e8m0fnu"), class = "torchbridge_error_overflow")
  expect_error(as_torch(0, dtype = "float8_e8m0fnu"), class = "torchbridge_error_overflow")
  expect_error(as_torch(c(2L, 0L), dtype = "float8_e8m0fnu"), class = "torchbridge_error_overflow")
  expect_identical(from_torch(as_torch(c(0.5, 4), dtype = "float8_e8m0fnu")$double()), c(0.5, 4))
  expect_identical(from_torch(as_torch(1e-10, dtype = "float16")), 0) # underflow: rounding
  expect_identical(from_torch(as_torch(1e-300, dtype = "float32")), 0)
  # NA from R integers becomes NaN in float8, as in every float dtype
  expect_identical(from_torch(as_torch(c(1L, NA), dtype = "float8_e4m3fn")$double()), c(1, NaN))
  expect_identical(from_torch(as_torch(c(TRUE, NA), dtype = "float8_e5m2")$double()), c(1, NaN))
  expect_error(as_torch(1000L, dtype = "float8_e4m3fn"), class = "torchbridge_error_overflow")
  expect_snapshot({
    as_torch(c(1, Inf), dtype = "float8_e4m3fn")
    as_torch(0, dtype = "float8_e8m0fnu")
  }, error = TRUE)
})

test_that("tensors cast with as_torch(dtype =) follow the same narrow-float rules", {
  skip_if_no_torch()
  torch <- torch_mod()
  expect_error(as_torch(as_torch(1e10, dtype = "bfloat16"), dtype = "float16"), class = "torchbridge_error_overflow")
  expect_error(as_torch(as_torch(Inf, dtype = "float32"), dtype = "float8_e4m3fn"), class = "torchbridge_error_overflow")
  expect_error(as_torch(as_torch(1, dtype = "float32"), dtype = "float4_e2m1fn_x2"), class = "torchbridge_error_dtype")
  expect_error(as_torch(1, dtype = "float4_e2m1fn_x2"), class = "torchbridge_error_dtype")
})
