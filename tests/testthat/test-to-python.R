# The lossless R -> Python rule that write_pt() and write_safetensors() use.

to_py <- function(x) torchbridge:::value_to_python(x, "x", rlang::current_env())
py_str <- function(x) reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$str(x))

test_that("vectors become tensors of a lossless dtype, length 1 included", {
  skip_if_no_torch()
  skip_if_not_installed("bit64")
  cases <- list(
    list(c(1.5, NA), "float64"), list(2.5, "float64"), list(1:3, "int64"), list(TRUE, "bool"),
    list(c(1+2i, 3i), "complex128"), list(as.raw(c(1, 255)), "uint8"),
    list(bit64::as.integer64(c("9007199254740993", "-1")), "int64"),
    list(matrix(1:6, 2), "int64"), list(I(c(1, 2)), "float64")
  )
  for (case in cases) {
    t <- to_py(case[[1]])
    expect_true(is_tensor_object(t))
    expect_identical(tensor_dtype(t), case[[2]], info = case[[2]])
  }
  expect_identical(from_torch(to_py(matrix(1:6, 2))), matrix(1:6, 2))
  expect_identical(from_torch(to_py(bit64::as.integer64("9007199254740993")), int64 = "bit64"),
                   bit64::as.integer64("9007199254740993"))
})

test_that("lists become Python lists or dicts; strings, NULL and Python objects as they are", {
  skip_if_no_torch()
  expect_identical(py_str(reticulate::import_builtins(convert = FALSE)$type(to_py(list(1, 2)))), "<class 'list'>")
  d <- to_py(list(b = "x", a = NULL))
  expect_identical(reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$list(d)), c("b", "a"))
  expect_identical(py_str(to_py("a")), "a")
  expect_identical(py_str(to_py(c("a", "b"))), "['a', 'b']")
  expect_identical(py_str(to_py(character())), "[]")
  expect_identical(py_str(to_py(NULL)), "None")
  obj <- reticulate::py_eval("{'k': 1}", convert = FALSE)
  expect_identical(py_str(to_py(obj)), "{'k': 1}")
  df <- to_py(data.frame(a = c(1, 2), b = I(c(TRUE, FALSE))))
  expect_identical(py_str(reticulate::import_builtins(convert = FALSE)$list(df)), "['a', 'b']")
})

test_that("what has no lossless torch form is a classed error naming the element", {
  skip_if_no_torch()
  expect_error(to_py(list(a = list(f = factor("z")))), "x$a$f", fixed = TRUE, class = "torchbridge_error_type")
  expect_error(to_py(matrix(c("a", "b"))), class = "torchbridge_error_type")
  expect_error(to_py(list(`odd name` = c(TRUE, NA))), 'x[["odd name"]]', fixed = TRUE, class = "torchbridge_error_na")
  deep <- list()
  for (i in 1:150) deep <- list(deep)
  expect_error(to_py(deep), class = "torchbridge_error_size")
})
