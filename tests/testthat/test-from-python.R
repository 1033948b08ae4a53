# from_torch() and as_torch() on what Python hands R: py$ values (R lists
# of tensors), Python containers, lists of plain numbers, NumPy arrays,
# DLPack objects.

py_main <- function(code) {
  reticulate::py_run_string(code, convert = FALSE)
}

test_that("py$ containers (R lists of tensors) convert whole", {
  skip_if_no_torch()
  py_main("
import torch, collections
torch.manual_seed(0)
lin = torch.nn.Linear(3, 2)
sd = lin.state_dict()
tensor_list = [torch.ones(2), torch.arange(3, dtype=torch.int32)]
tup = (torch.tensor([True, False]), 3, 'a', None)
Result = collections.namedtuple('Result', ['loss', 'pred'])
nt = Result(torch.tensor(0.25, dtype=torch.float64), torch.zeros(2, 2))
")
  py <- reticulate::py
  sd <- from_torch(py$sd)
  expect_identical(names(sd), c("weight", "bias"))
  w <- reticulate::py_eval("lin.weight.detach().double().tolist()")
  expect_exact(sd$weight, do.call(rbind, w))
  expect_exact(from_torch(py$tensor_list), list(c(1, 1), 0:2))
  # reticulate turned the tuple into an R list: plain values pass through
  expect_exact(from_torch(py$tup), list(c(TRUE, FALSE), 3L, "a", NULL))
  nt <- from_torch(reticulate::py_eval("nt", convert = FALSE))
  expect_exact(nt, list(loss = 0.25, pred = matrix(0, 2, 2)))
  # a named tuple of plain numbers keeps its field names
  pair <- reticulate::py_eval("__import__('collections').namedtuple('P', 'mean sd')(1.5, 2.5)", convert = FALSE)
  expect_exact(from_torch(pair), list(mean = 1.5, sd = 2.5))
  expect_exact(from_torch(reticulate::py_eval("__import__('torch').Size([2, 3])", convert = FALSE)), c(2L, 3L))
})

test_that("R lists mixing tensors, Python objects and R values convert recursively", {
  skip_if_no_torch()
  torch <- torch_mod()
  x <- list(a = 1:2, b = torch$ones(2L), c = list(torch$zeros(1L, dtype = torch$int64), "s"),
            d = reticulate::py_eval("[0.5, 0.25]", convert = FALSE), e = NULL, f = mtcars[1:2, 1:2])
  expect_exact(from_torch(x), list(a = 1:2, b = c(1, 1), c = list(0L, "s"), d = c(0.5, 0.25), e = NULL,
                                   f = mtcars[1:2, 1:2]))
  expect_exact(from_torch(list()), list())
})

test_that("lists of plain Python numbers, bools or strings become R vectors", {
  skip_if_no_torch()
  pe <- function(code) reticulate::py_eval(code, convert = FALSE)
  expect_exact(from_torch(pe("[0.9, 0.7]")), c(0.9, 0.7))
  expect_exact(from_torch(pe("(1, 2, 3)")), 1:3)
  expect_exact(from_torch(pe("[1, 2.5]")), c(1, 2.5))
  expect_exact(from_torch(pe("[True, False]")), c(TRUE, FALSE))
  expect_exact(from_torch(pe("['a', 'b']")), c("a", "b"))
  expect_exact(from_torch(pe("[1j, 2]")), c(0+1i, 2+0i))
  expect_exact(from_torch(pe("[-2**31, 5]")), c(-2^31, 5)) # -2^31 is R's NA_integer_: doubles
  expect_exact(from_torch(pe("[2**40, 1]")), c(2^40, 1))
  expect_exact(from_torch(pe("[2**40, 1]"), int64 = "double"), c(2^40, 1))
  expect_s3_class(from_torch(pe("[2**40, 1]"), int64 = "bit64"), "integer64")
  expect_warning(out <- from_torch(pe("[2**70]")), class = "torchbridge_warning_precision")
  expect_exact(out, 2^70)
  expect_warning(from_torch(pe("{'big': 2**60}")), "x$big", fixed = TRUE, class = "torchbridge_warning_precision")
  # mixed kinds, None and nested lists stay lists
  expect_exact(from_torch(pe("[1, 'a']")), list(1L, "a"))
  expect_exact(from_torch(pe("[1.0, None]")), list(1, NULL))
  expect_exact(from_torch(pe("[[1.0, 2.0], [3.0]]")), list(c(1, 2), 3))
  expect_exact(from_torch(pe("[]")), list())
  # scalars
  expect_exact(from_torch(pe("2.5")), 2.5)
  expect_exact(from_torch(pe("2**40")), 2^40)
  expect_null(from_torch(pe("None")))
})

test_that("a list of 1e5 Python floats is one vector, and as quick as py_to_r()", {
  skip_if_no_torch()
  big <- reticulate::py_eval("[i / 7 for i in range(100000)]", convert = FALSE)
  out <- from_torch(big)
  expect_identical(length(out), 100000L)
  expect_identical(out[c(1, 8, 100000)], c(0, 1, 99999 / 7))
})

test_that("torch modules become their state_dict() with a message", {
  skip_if_no_torch()
  m <- reticulate::py_eval("torch.nn.Linear(2, 1)", convert = FALSE)
  expect_message(out <- from_torch(m), class = "torchbridge_message_module")
  expect_identical(names(out), c("weight", "bias"))
  expect_identical(dim(out$weight), c(1L, 2L))
  expect_snapshot(invisible(from_torch(list(model = m))))
})

test_that("a value that can't be converted names its path", {
  skip_if_no_torch()
  py_main("bad = {'history': [1.0, 2.0, {1, 2}], 'odd key': object(), 'gen': (i for i in range(2))}")
  bad <- reticulate::py_eval("bad", convert = FALSE)
  err <- expect_error(from_torch(bad), class = "torchbridge_error_type")
  expect_identical(conditionMessage(err) |> strsplit("\n") |> unlist() |> utils::head(1),
                   "x$history[[3]]: a Python set can't be converted to R.")
  expect_snapshot(error = TRUE, {
    from_torch(bad)
    from_torch(reticulate::py_eval("{'odd key': object()}", convert = FALSE))
    from_torch(reticulate::py_eval("[(i for i in range(2))]", convert = FALSE))
    from_torch(list(a = list(b = torch_mod()$ones(2L)$to_sparse())))
    from_torch(list(w = reticulate::py_eval("__import__('torch').tensor([2**40])", convert = FALSE)))
  })
})

test_that("from_torch() still refuses R values that are not lists", {
  skip_if_no_torch()
  expect_error(from_torch(1:3), class = "torchbridge_error_type")
  expect_error(from_torch(mtcars), class = "torchbridge_error_type")
  expect_error(from_torch(factor("a")), class = "torchbridge_error_type")
})

# ---- NumPy -------------------------------------------------------------------

numpy_or_skip <- function() {
  skip_if_no_torch()
  ok <- reticulate::py_module_available("numpy")
  if (!ok) skip("NumPy is not installed")
  reticulate::import("numpy", convert = FALSE)
}

test_that("from_torch() converts NumPy arrays of every numeric dtype", {
  np <- numpy_or_skip()
  cases <- list(
    float64 = c(0, 1, 2, 3, 4, 5), float32 = c(0, 1, 2, 3, 4, 5), float16 = c(0, 1, 2, 3, 4, 5),
    int8 = 0:5, int16 = 0:5, int32 = 0:5, int64 = 0:5, uint8 = 0:5, uint16 = 0:5, uint32 = 0:5,
    uint64 = 0:5, bool = c(FALSE, TRUE, TRUE, TRUE, TRUE, TRUE),
    complex64 = complex(real = 0:5), complex128 = complex(real = 0:5)
  )
  for (dt in names(cases)) {
    a <- np$arange(6L)$reshape(2L, 3L)$astype(dt)
    want <- matrix(cases[[dt]], 2, byrow = TRUE)
    expect_exact(from_torch(a), want, info = dt)
  }
  expect_exact(from_torch(np$float32(1.5)), 1.5)
  expect_exact(from_torch(np$ones(0L)), double())
})

test_that("from_torch() converts NumPy arrays in any layout, read-only and byte order", {
  np <- numpy_or_skip()
  py_main("
import numpy as np
base = np.arange(12.0).reshape(3, 4)
layouts = {
  'fortran': np.asfortranarray(base), 'strided': base[:, ::2], 'reversed': base[::-1, ::-1],
  'transposed': base.T, 'big_endian': base.astype('>f8'), 'broadcast': np.broadcast_to(base[:1], (3, 4)),
}
ro = base.copy(); ro.flags.writeable = False
layouts['read_only'] = ro
")
  base <- matrix(0:11 + 0, 3, byrow = TRUE)
  got <- from_torch(reticulate::py_eval("layouts", convert = FALSE))
  expect_exact(got$fortran, base)
  expect_exact(got$strided, base[, c(1, 3)])
  expect_exact(got$reversed, base[3:1, 4:1])
  expect_exact(got$transposed, t(base))
  expect_exact(got$big_endian, base)
  expect_exact(got$broadcast, matrix(base[1, ], 3, 4, byrow = TRUE))
  expect_exact(got$read_only, base)
})

test_that("NumPy arrays R has no type for are classed errors with a hint", {
  np <- numpy_or_skip()
  expect_snapshot(error = TRUE, {
    from_torch(np$array(list("a", "b")))
    from_torch(list(x = np$array(list(1, "a"), dtype = "object")))
    as_torch(np$array(list("a", "b")))
  })
})

test_that("as_torch() takes NumPy arrays: own dtype, copy by default, dtype and device", {
  np <- numpy_or_skip()
  a <- np$arange(4L)$astype("int16")
  t <- as_torch(a)
  expect_identical(tensor_dtype(t), "int16")
  t$add_(1L)
  expect_exact(from_torch(a), 0:3) # the array is not changed
  expect_identical(tensor_dtype(as_torch(np$ones(2L), dtype = "float32")), "float32")
  expect_identical(tensor_device(as_torch(np$ones(2L), device = "cpu")), "cpu")
  expect_error(as_torch(np$array(list(300)), dtype = "uint8"), class = "torchbridge_error_overflow")
  expect_error(as_torch(np$array(list(NaN)), dtype = "int32"), class = "torchbridge_error_na")
  expect_error(as_torch(np$arange(3L), requires_grad = TRUE), class = "torchbridge_error_dtype")
  g <- as_torch(np$arange(3), requires_grad = TRUE)
  expect_true(reticulate::py_to_r(g$requires_grad))
  # copy = FALSE shares memory, as torch.from_numpy() does
  b <- np$zeros(3L)
  s <- as_torch(b, copy = FALSE)
  s$add_(1)
  expect_exact(from_torch(b), c(1, 1, 1))
  expect_error(as_torch(reticulate::py_eval("[1, 2]", convert = FALSE)), class = "torchbridge_error_type")
})

test_that("objects with __dlpack__ or __array__ convert both ways", {
  skip_if_no_torch()
  py_main("
import torch
class DLPackOnly:
    def __init__(self, t): self._t = t
    def __dlpack__(self, **kw): return self._t.__dlpack__(**kw)
    def __dlpack_device__(self): return self._t.__dlpack_device__()
dl = DLPackOnly(torch.arange(6.0).reshape(2, 3))
")
  dl <- reticulate::py_eval("dl", convert = FALSE)
  expect_exact(from_torch(dl), matrix(c(0, 3, 1, 4, 2, 5), 2))
  expect_identical(tensor_dtype(as_torch(dl)), "float32")
})
