# from_torch(): tensors to R (every dtype, every kind of tensor, errors).
# Helpers in helper-convert.R.

# ---- torch -> R types: one test per dtype -----------------------------------

test_that("float16 -> double", {
  skip_if_no_torch()
  x <- py_tensor("[0.5, -65504.0, 65504.0, float('inf'), float('nan')]", "float16")
  expect_exact(from_torch(x), c(0.5, -65504, 65504, Inf, NaN))
})

test_that("bfloat16 -> double", {
  skip_if_no_torch()
  x <- py_tensor("[1.5, -2.0, 3.3895313892515355e+38]", "bfloat16")
  expect_exact(from_torch(x), c(1.5, -2, 3.3895313892515355e+38))
})

test_that("float32 -> double (the float32 value, widened exactly)", {
  skip_if_no_torch()
  x <- py_tensor("[0.1, -1e30, 3.4028234663852886e+38]", "float32")
  expect_exact(from_torch(x), c(0.100000001490116119384765625, -1.0000000150474662e+30, 3.4028234663852886e+38))
  expect_type(from_torch(x), "double")
})

test_that("float64 -> double, bit for bit", {
  skip_if_no_torch()
  x <- py_tensor("[0.1, -1e300, 5e-324]", "float64")
  expect_exact(from_torch(x), c(0.1, -1e300, 5e-324))
})

test_that("int8 -> integer", {
  skip_if_no_torch()
  expect_exact(from_torch(py_tensor("[-128, 0, 127]", "int8")), c(-128L, 0L, 127L))
})

test_that("int16 -> integer", {
  skip_if_no_torch()
  expect_exact(from_torch(py_tensor("[-32768, 0, 32767]", "int16")), c(-32768L, 0L, 32767L))
})

test_that("int32 -> integer; -2147483648 (R's NA_integer_) is an overflow error", {
  skip_if_no_torch()
  expect_exact(
    from_torch(py_tensor("[-2147483647, 0, 2147483647]", "int32")),
    c(-2147483647L, 0L, 2147483647L)
  )
  expect_error(
    from_torch(py_tensor("[-2147483648, 1]", "int32")),
    "NA_integer_", class = "torchbridge_error_overflow"
  )
})

test_that("uint8 -> integer", {
  skip_if_no_torch()
  expect_exact(from_torch(py_tensor("[0, 128, 255]", "uint8")), c(0L, 128L, 255L))
})

test_that("uint16 -> integer", {
  skip_if_no_torch()
  expect_exact(from_torch(py_tensor("[0, 40000, 65535]", "uint16")), c(0L, 40000L, 65535L))
})

test_that("int64 -> integer; values outside R's range are an overflow error", {
  skip_if_no_torch()
  x <- py_tensor("[-2147483647, 0, 2147483647]", "int64")
  expect_exact(from_torch(x), c(-2147483647L, 0L, 2147483647L))
  expect_exact(from_torch(x, int64 = "integer"), c(-2147483647L, 0L, 2147483647L))

  big <- py_tensor("[2147483648, 1]", "int64")
  expect_error(from_torch(big), class = "torchbridge_error_overflow")
  cnd <- expect_error(from_torch(big), class = "torchbridge_error_overflow")
  expect_match(conditionMessage(cnd), 'int64 = "double"', fixed = TRUE)
  expect_match(conditionMessage(cnd), 'int64 = "bit64"', fixed = TRUE)
  expect_match(conditionMessage(cnd), "2147483648", fixed = TRUE)
  expect_error(from_torch(py_tensor("[-2147483649]", "int64")), class = "torchbridge_error_overflow")
})

test_that("int64 -> integer: -2147483648 is R's NA_integer_, so an overflow error", {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  x <- py_tensor("[-2147483648, 5]", "int64")
  cnd <- expect_error(from_torch(x), class = "torchbridge_error_overflow")
  expect_match(conditionMessage(cnd), "NA_integer_", fixed = TRUE)
  expect_exact(from_torch(x, int64 = "double"), c(-2147483648, 5))
  expect_exact(from_torch(x, int64 = "bit64"), bit64::as.integer64(c(-2147483648, 5)))
})

test_that('int64 = "double": exact to 2^53, a precision warning beyond', {
  skip_if_no_torch()
  x <- py_tensor("[2**53, -2**53, 3]", "int64")
  expect_silent(out <- from_torch(x, int64 = "double"))
  expect_exact(out, c(2^53, -2^53, 3))

  above <- py_tensor("[2**53 + 1, 0]", "int64")
  expect_warning(out <- from_torch(above, int64 = "double"), class = "torchbridge_warning_precision")
  expect_exact(out, c(2^53, 0)) # rounded, as the warning says
  below <- py_tensor("[-2**53 - 2]", "int64")
  expect_warning(from_torch(below, int64 = "double"), class = "torchbridge_warning_precision")
  w <- expect_warning(from_torch(above, int64 = "double"), class = "torchbridge_warning")
  expect_match(conditionMessage(w), "bit64", fixed = TRUE)
})

test_that('int64 = "bit64": exact; -2^63 (bit64\'s NA) is refused', {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  x <- py_tensor("[2**63 - 1, -2**63 + 1, 2**53 + 1]", "int64")
  out <- from_torch(x, int64 = "bit64")
  expect_s3_class(out, "integer64")
  expect_exact(out, bit64::as.integer64(c("9223372036854775807", "-9223372036854775807", "9007199254740993")))
  expect_error(
    from_torch(py_tensor("[-2**63, 0]", "int64"), int64 = "bit64"),
    "NA_integer64_", class = "torchbridge_error_overflow"
  )
  # a matrix keeps its dims
  m <- from_torch(py_tensor("[[1, 2], [3, 4]]", "int64"), int64 = "bit64")
  expect_exact(dim(m), c(2L, 2L))
  expect_exact(as.integer(m), c(1L, 3L, 2L, 4L))
})

test_that("uint32 -> integer, or as int64 says", {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  expect_exact(from_torch(py_tensor("[0, 2147483647]", "uint32")), c(0L, 2147483647L))
  x <- py_tensor("[4294967295, 1]", "uint32")
  expect_error(from_torch(x), class = "torchbridge_error_overflow")
  expect_exact(from_torch(x, int64 = "double"), c(4294967295, 1))
  expect_exact(from_torch(x, int64 = "bit64"), bit64::as.integer64(c(4294967295, 1)))
})

test_that("uint64 -> integer, or as int64 says", {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  expect_exact(from_torch(py_tensor("[0, 2147483647]", "uint64")), c(0L, 2147483647L))
  x <- py_tensor("[2**63 + 5, 1]", "uint64")
  expect_error(from_torch(x), class = "torchbridge_error_overflow")
  expect_error(from_torch(x, int64 = "bit64"), class = "torchbridge_error_overflow")
  expect_warning(out <- from_torch(x, int64 = "double"), class = "torchbridge_warning_precision")
  expect_exact(out, c(2^63, 1))
  ok <- py_tensor("[2**63 - 1, 7]", "uint64")
  expect_exact(from_torch(ok, int64 = "bit64"), bit64::as.integer64(c("9223372036854775807", "7")))
})

test_that("uint64 overflow error reports a value the tensor holds", {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  x <- py_tensor("[2**63 + 5, 1]", "uint64")
  cnd <- expect_error(from_torch(x, int64 = "bit64"), class = "torchbridge_error_overflow")
  expect_match(conditionMessage(cnd), "9223372036854775813", fixed = TRUE)
})

test_that("bool -> logical", {
  skip_if_no_torch()
  out <- from_torch(py_tensor("[True, False, True]", "bool"))
  expect_exact(out, c(TRUE, FALSE, TRUE))
})

test_that("complex64 -> complex", {
  skip_if_no_torch()
  out <- from_torch(py_tensor("[1.5-2j, complex(float('nan'), 1)]", "complex64"))
  expect_type(out, "complex")
  expect_exact(Re(out), c(1.5, NaN))
  expect_exact(Im(out), c(-2, 1))
})

test_that("complex128 -> complex", {
  skip_if_no_torch()
  out <- from_torch(py_tensor("[0.1+0.2j, -1e300j]", "complex128"))
  expect_exact(out, complex(real = c(0.1, 0), imaginary = c(0.2, -1e300)))
})

# ---- from_torch() on all kinds of tensors -----------------------------------

test_that("tensors that require grad convert without detach()", {
  skip_if_no_torch()
  torch <- torch_mod()
  leaf <- torch$ones(2L, 3L, requires_grad = TRUE)
  expect_exact(from_torch(leaf), matrix(1, 2, 3))
  expect_exact(from_torch(leaf$mul(2)), matrix(2, 2, 3))
})

test_that("non-contiguous tensors (t(), transpose, permute) convert", {
  skip_if_no_torch()
  torch <- torch_mod()
  m <- torch$arange(6L)$reshape(2L, 3L)$to(torch$float64)
  expect_false(t_flag(m$t()$is_contiguous()))
  expect_exact(from_torch(m$t()), matrix(c(0, 1, 2, 3, 4, 5), 3))
  expect_exact(from_torch(m$transpose(0L, 1L)), matrix(c(0, 1, 2, 3, 4, 5), 3))
  a <- torch$arange(24L)$reshape(2L, 3L, 4L)
  p <- from_torch(a$permute(2L, 0L, 1L))
  expect_exact(dim(p), c(4L, 2L, 3L))
  expect_exact(p[4, 2, 3], 23L)
  expect_exact(p, aperm(array(0:23, c(4, 3, 2)), c(1, 3, 2)))
})

test_that("expanded tensors (stride 0) convert", {
  skip_if_no_torch()
  torch <- torch_mod()
  e <- torch$tensor(list(1, 2, 3))$expand(2L, 3L)
  expect_exact(t_strides(e), c(0L, 1L))
  expect_exact(from_torch(e), matrix(c(1, 1, 2, 2, 3, 3), 2))
  e3 <- torch$arange(3L)$reshape(3L, 1L, 1L)$expand(3L, 2L, 2L)
  expect_exact(from_torch(e3), array(rep(0:2, 4), c(3, 2, 2)))
})

test_that("strided slices (with a storage offset) convert", {
  skip_if_no_torch()
  torch <- torch_mod()
  s <- torch$arange(10L)[reticulate::py_eval("slice(1, None, 3)")]
  expect_exact(from_torch(s), c(1L, 4L, 7L))
  m <- torch$arange(20L)$reshape(4L, 5L)$to(torch$float32)
  sub <- m$`__getitem__`(reticulate::tuple(
    reticulate::py_eval("slice(1, 4, 2)"), reticulate::py_eval("slice(0, 5, 2)")
  ))
  expect_exact(from_torch(sub), matrix(c(5, 15, 7, 17, 9, 19), 2))
})

test_that("conj views and negated views convert to their values", {
  skip_if_no_torch()
  torch <- torch_mod()
  z <- torch$tensor(list(1 + 2i, 3 - 1i))
  zc <- torch$conj(z)
  expect_true(t_flag(zc$is_conj()))
  expect_exact(from_torch(zc), c(1 - 2i, 3 + 1i))
  neg <- zc$imag
  expect_true(t_flag(neg$is_neg()))
  expect_exact(from_torch(neg), c(-2, 1))
  nv <- torch$`_neg_view`(torch$tensor(list(1, 2)))
  expect_true(t_flag(nv$is_neg()))
  expect_exact(from_torch(nv), c(-1, -2))
  z128 <- torch$conj(torch$tensor(list(0.1 + 0.2i), dtype = torch$complex128))
  expect_exact(from_torch(z128), 0.1 - 0.2i)
})

test_that("0-d tensors give plain length-1 vectors", {
  skip_if_no_torch()
  torch <- torch_mod()
  expect_exact(from_torch(torch$tensor(3.5)), 3.5)
  expect_exact(from_torch(torch$tensor(5L)), 5L)
  expect_exact(from_torch(torch$tensor(TRUE)), TRUE)
  expect_exact(from_torch(torch$tensor(1 + 2i, dtype = torch$complex128)), 1 + 2i)
  expect_exact(from_torch(torch$arange(5L)$sum()), 10L)
  expect_null(dim(from_torch(torch$tensor(3.5))))
})

test_that("lists, tuples and dicts of tensors give R lists, recursively", {
  skip_if_no_torch()
  torch <- torch_mod()
  l <- reticulate::r_to_py(list(torch$ones(1L), list(torch$zeros(2L, dtype = torch$int32))))
  expect_exact(from_torch(l), list(1, list(c(0L, 0L))))
  tp <- reticulate::tuple(torch$tensor(TRUE), torch$zeros(2L, 2L))
  expect_exact(from_torch(tp), list(TRUE, matrix(0, 2, 2)))
  d <- reticulate::py_dict(list("a", "b"), list(torch$ones(1L), torch$tensor(list(2L, 3L))), convert = FALSE)
  expect_exact(from_torch(d), list(a = 1, b = c(2L, 3L)))
  expect_exact(from_torch(reticulate::tuple()), list())
  # int64 applies inside too
  big <- reticulate::r_to_py(list(py_tensor("[2**40]", "int64")))
  expect_error(from_torch(big), class = "torchbridge_error_overflow")
  expect_exact(from_torch(big, int64 = "double"), list(2^40))
})

test_that("torch$max(x, dim = 1L) gives list(values =, indices =), indices 0-based", {
  skip_if_no_torch()
  torch <- torch_mod()
  x <- as_torch(matrix(c(1, 5, 3, 2, 9, 0), 2)) # rows (1, 3, 9) and (5, 2, 0)
  out <- from_torch(torch$max(x, dim = 1L))
  expect_exact(names(out), c("values", "indices"))
  expect_exact(out$values, c(9, 5))
  expect_exact(out$indices, c(2L, 0L)) # 0-based, as torch computes them
  expect_exact(from_torch(x$argmax()), 2L) # over the row-major flattening
})

# ---- copy-on-modify, both ways ----------------------------------------------

test_that("from_torch(): an in-place op on the tensor leaves the R result unchanged", {
  skip_if_no_torch()
  torch <- torch_mod()
  t <- torch$tensor(list(1, 2, 3), dtype = torch$float64)
  y <- from_torch(t)
  t$add_(1)
  expect_exact(y, c(1, 2, 3))
  ti <- as_torch(matrix(1:4, 2))
  yi <- from_torch(ti)
  ti$add_(1L)
  expect_exact(yi, matrix(1:4, 2))
  # also for a tensor sharing R memory
  x <- c(5, 6)
  ts <- as_torch(x, dtype = "float64", copy = FALSE)
  ys <- from_torch(ts)
  ts$add_(1)
  expect_exact(ys, c(5, 6))
})

# ---- errors -----------------------------------------------------------------

test_that("error messages of from_torch()", {
  skip_if_no_torch()
  torch <- torch_mod()
  expect_snapshot(error = TRUE, {
    from_torch(c(1, 2))
    from_torch(torch$ones(2L), int64 = "x")
    from_torch(py_tensor("[2147483648]", "int64"))
    from_torch(py_tensor("[-2147483648]", "int32"))
    from_torch(py_tensor("[-2**63]", "int64"), int64 = "bit64")
    from_torch(torch$ones(2L)$to_sparse())
    from_torch(torch$empty(2L, device = "meta"))
  })
})

test_that("errors are classed: torchbridge_error_unsupported_tensor", {
  skip_if_no_torch()
  torch <- torch_mod()
  cls <- "torchbridge_error_unsupported_tensor"
  sp <- torch$sparse_coo_tensor(list(list(0L, 1L)), list(1, 2), list(3L))
  expect_error(from_torch(sp), "to_dense()", fixed = TRUE, class = cls)
  expect_error(from_torch(torch$ones(2L)$to_sparse()), "to_dense()", fixed = TRUE, class = cls)
  expect_error(from_torch(torch$empty(2L, device = "meta")), class = cls)
  expect_error(from_torch(torch$zeros(2L, dtype = torch$uint8)$view(torch$float4_e2m1fn_x2)), class = cls)
  q <- tryCatch( # deprecated in torch; may go away
    torch$quantize_per_tensor(torch$tensor(list(1, 2)), 0.1, 0L, torch$quint8),
    error = function(e) NULL
  )
  if (!is.null(q)) expect_error(from_torch(q), "dequantize", class = cls)
  expect_error(from_torch(reticulate::r_to_py(list(sp))), class = cls)
})

# ---- hostile inputs: malformed objects, narrow floats, limits -----------------

test_that("from_torch() of a tensor too large for R memory is a size error in GB, and pins nothing", {
  skip_if_no_torch()
  torch <- torch_mod()
  big <- torch$zeros(1L)$expand(list(reticulate::py_eval("2**40", convert = FALSE)))
  err <- expect_error(from_torch(big), class = "torchbridge_error_size")
  expect_match(conditionMessage(err), "8,800 GB|8800 GB")
  pinned <- reticulate::py_eval("__import__('torchbridge._from_torch')._from_torch._pending['tensor'] is not None")
  expect_false(pinned)
  expect_exact(from_torch(as_torch(c(1, 2), dtype = "float64")), c(1, 2)) # still works
})

test_that("from_torch() of deeply nested or self-referencing Python lists is a size error", {
  skip_if_no_torch()
  main <- reticulate::py_run_string("
deep = []
cur = deep
for _ in range(200):
    nxt = []
    cur.append(nxt)
    cur = nxt
loop = []
loop.append(loop)
", convert = FALSE)
  expect_error(from_torch(main$deep), class = "torchbridge_error_size")
  expect_error(from_torch(main$loop), class = "torchbridge_error_size")
  expect_snapshot(from_torch(main$loop), error = TRUE)
})
