# read_safetensors(), safetensors_info() and write_safetensors(): files
# written by Python read in R, files written by R read in Python.

skip_if_no_safetensors <- function() {
  skip_if_no_torch()
  if (!reticulate::py_module_available("safetensors")) skip("the Python module safetensors is not installed")
}

test_that("read_safetensors() reads what Python wrote: values, dtypes, shapes, metadata", {
  skip_if_no_safetensors()
  path <- withr::local_tempfile(fileext = ".safetensors")
  reticulate::py_run_string(sprintf("
import torch
from safetensors.torch import save_file
save_file({
  'w': torch.arange(6.0).reshape(2, 3),
  'ids': torch.tensor([3, 1, 2], dtype=torch.int64),
  'mask': torch.tensor([True, False]),
  'bf16': torch.tensor([1.5, -0.25], dtype=torch.bfloat16),
  'f16': torch.tensor([[2.0]], dtype=torch.float16),
  'f8': torch.tensor([0.5, 2.0]).to(torch.float8_e4m3fn),
  'scalar': torch.tensor(7.0, dtype=torch.float64),
}, %s, metadata={'epoch': '10', 'format': 'pt'})
", encodeString(path, quote = "'")), convert = FALSE)
  res <- read_safetensors(path)
  expect_identical(names(res), c("bf16", "f16", "f8", "ids", "mask", "scalar", "w"))
  expect_exact(res$w, matrix(c(0, 3, 1, 4, 2, 5), 2))
  expect_exact(res$ids, c(3L, 1L, 2L))
  expect_exact(res$mask, c(TRUE, FALSE))
  expect_exact(res$bf16, c(1.5, -0.25))
  expect_exact(res$f16, matrix(2, 1, 1))
  expect_exact(res$f8, c(0.5, 2))
  expect_exact(res$scalar, 7)
  expect_identical(attr(res, "metadata"), c(epoch = "10", format = "pt"))

  sub <- read_safetensors(path, keys = c("w", "ids"))
  expect_identical(names(sub), c("w", "ids"))
  tt <- read_safetensors(path, keys = "w", as = "torch")
  expect_true(is_tensor_object(tt$w))
  expect_identical(tensor_dtype(tt$w), "float32")

  info <- safetensors_info(path)
  expect_identical(info$key, c("bf16", "f16", "f8", "ids", "mask", "scalar", "w"))
  expect_identical(info$dtype, c("bfloat16", "float16", "float8_e4m3fn", "int64", "bool", "float64", "float32"))
  expect_identical(info$shape, c("2", "1x1", "2", "3", "2", "", "2x3"))
  expect_identical(info$bytes, c(4, 2, 2, 24, 2, 8, 24))
  expect_identical(attr(info, "metadata"), c(epoch = "10", format = "pt"))
})

test_that("write_safetensors() writes what Python's load_file() reads, losslessly", {
  skip_if_no_safetensors()
  path <- withr::local_tempfile(fileext = ".safetensors")
  x <- list(w = matrix(c(0.1, NA, 3, 4), 2), ids = 1:3, flag = c(TRUE, FALSE), one = 2.5,
            t = as_torch(matrix(1:4, 2), dtype = "float16"))
  expect_identical(write_safetensors(x, path, metadata = c(source = "R", epoch = "3")), path)
  got <- reticulate::py_eval(sprintf(
    "(lambda d: {k: [v.tolist(), str(v.dtype), list(v.shape)] for k, v in d.items()})(__import__('safetensors.torch', fromlist=['x']).load_file(%s))",
    encodeString(path, quote = "'")))
  expect_identical(got$ids, list(1:3, "torch.int64", 3L))
  expect_identical(got$flag, list(c(TRUE, FALSE), "torch.bool", 2L))
  expect_identical(got$w[[2]], "torch.float64")
  expect_identical(got$t, list(list(c(1, 3), c(2, 4)), "torch.float16", c(2L, 2L)))
  back <- read_safetensors(path)
  expect_exact(back[names(x)[1:4]], x[1:4]) # NA kept bit for bit
  expect_identical(attr(back, "metadata"), c(epoch = "3", source = "R")) # sorted by name
  meta <- reticulate::py_eval(sprintf("__import__('safetensors').safe_open(%s, 'pt').metadata()", encodeString(path, quote = "'")))
  expect_identical(meta[order(names(meta))], list(epoch = "3", source = "R"))
})

test_that("safetensors_info() reads only the header, even of a file larger than memory", {
  skip_if_no_safetensors()
  path <- withr::local_tempfile(fileext = ".safetensors")
  # A sparse file whose header declares 800 GB of float64 data.
  reticulate::py_run_string(sprintf("
import json, struct
n = 100_000_000_000
header = json.dumps({'huge': {'dtype': 'F64', 'shape': [n], 'data_offsets': [0, 8 * n]}}).encode()
with open(%s, 'wb') as f:
    f.write(struct.pack('<Q', len(header)) + header)
    f.truncate(8 + len(header) + 8 * n)
", encodeString(path, quote = "'")), convert = FALSE)
  info <- safetensors_info(path)
  expect_identical(info$shape, "100000000000")
  expect_identical(info$bytes, 8e11)
  expect_identical(attr(info, "metadata"), stats::setNames(character(), character()))
})

test_that("bad input to the safetensors functions is a classed error, and nothing is half-written", {
  skip_if_no_safetensors()
  dir <- withr::local_tempdir()
  path <- file.path(dir, "m.safetensors")
  write_safetensors(list(a = 1), path)
  expect_error(read_safetensors(path, keys = "zz"), "zz", class = "torchbridge_error_arg")
  expect_error(read_safetensors(path, keys = 1), class = "torchbridge_error_arg")
  expect_error(read_safetensors(file.path(dir, "nope")), class = "torchbridge_error_file")
  expect_error(safetensors_info(dir), class = "torchbridge_error_file")
  notes <- file.path(dir, "notes.txt")
  writeLines("hello, not a safetensors file", notes)
  expect_error(read_safetensors(notes), class = "torchbridge_error_file")
  expect_error(write_safetensors(list(1, 2), path), class = "torchbridge_error_arg")
  expect_error(write_safetensors(1:3, path), class = "torchbridge_error_arg")
  expect_error(write_safetensors(list(a = "text"), path), class = "torchbridge_error_type")
  expect_error(write_safetensors(list(a = list(1)), path), class = "torchbridge_error_type")
  expect_error(write_safetensors(list(a = c(1L, NA)), path), "x$a", fixed = TRUE, class = "torchbridge_error_na")
  expect_error(write_safetensors(list(a = 1), path, metadata = c(1, 2)), class = "torchbridge_error_arg")
  expect_error(write_safetensors(list(a = 1), path, metadata = list(k = 1)), class = "torchbridge_error_arg")
  expect_exact(read_safetensors(path), structure(list(a = 1), metadata = stats::setNames(character(), character())))
  expect_identical(sort(list.files(dir, all.files = TRUE, no.. = TRUE)), c("m.safetensors", "notes.txt"))
  expect_snapshot(error = TRUE, transform = function(x) gsub(dir, "<dir>", x, fixed = TRUE), {
    read_safetensors(path, keys = c("a", "zz"))
    read_safetensors(notes)
    write_safetensors(list(a = "text"), path)
  })
})

test_that("a missing safetensors module names install_torch()", {
  skip_if_no_torch()
  reticulate::py_run_string("
import sys
_saved_safetensors = {k: v for k, v in sys.modules.items() if k == 'safetensors' or k.startswith('safetensors.')}
for k in _saved_safetensors: del sys.modules[k]
sys.modules['safetensors'] = None
", convert = FALSE)
  withr::defer(reticulate::py_run_string("
import sys
del sys.modules['safetensors']
sys.modules.update(_saved_safetensors)
", convert = FALSE))
  path <- withr::local_tempfile(fileext = ".safetensors")
  err <- expect_error(write_safetensors(list(a = 1), path), class = "torchbridge_error_python")
  expect_match(conditionMessage(err), "install_torch()", fixed = TRUE)
  expect_false(file.exists(path))
})
