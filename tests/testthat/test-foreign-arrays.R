# TensorFlow and JAX arrays, for real: a Python with tensorflow-cpu or jax
# (made once by local_test_python(), skipped with the reason where that
# install is impossible) runs torchbridge in a fresh R process. These are
# the from_torch()/as_torch() doors of R/from-python.R, to-torch.R and from-torch.R.

test_that("from_torch() and as_torch() take TensorFlow tensors", {
  skip_if_no_torch()
  skip_on_cran()
  python <- local_test_python("tensorflow-cpu-2.21.0", "tensorflow-cpu==2.21.0")
  res <- with_test_python(python, function() {
    Sys.setenv(TF_CPP_MIN_LOG_LEVEL = "3")
    library(torchbridge)
    invisible(default_device()) # torchbridge starts Python: TORCHBRIDGE_PYTHON
    tf <- reticulate::import("tensorflow", convert = FALSE)
    np <- reticulate::import("numpy", convert = FALSE)
    const <- tf$constant(list(list(1, 2, 3), list(4, 5, 6)))
    ints <- tf$convert_to_tensor(np$array(list(1L, -2L, 3L), dtype = "int64"))
    t <- as_torch(const)
    t$add_(10) # a copy: the TensorFlow tensor, immutable, keeps its values
    err <- tryCatch(from_torch(tf$constant(list("a", "b"))), error = function(e) e)
    list(
      tf = reticulate::py_to_r(tf$`__version__`),
      const = from_torch(const),
      const_dtype = reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$str(as_torch(const)$dtype)),
      after_add = from_torch(const),
      torch_side = from_torch(t),
      ints = from_torch(ints),
      list = from_torch(list(w = const, b = tf$zeros(2L))),
      f32 = reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$str(as_torch(ints, dtype = "float32")$dtype)),
      string_error = class(err),
      string_message = conditionMessage(err)
    )
  })
  expect_identical(res$tf, "2.21.0")
  expect_identical(res$const, matrix(c(1, 4, 2, 5, 3, 6), 2))
  expect_identical(res$const_dtype, "torch.float32")
  expect_identical(res$after_add, matrix(c(1, 4, 2, 5, 3, 6), 2))
  expect_identical(res$torch_side, matrix(c(11, 14, 12, 15, 13, 16), 2))
  expect_identical(res$ints, c(1L, -2L, 3L))
  expect_identical(res$list, list(w = matrix(c(1, 4, 2, 5, 3, 6), 2), b = c(0, 0)))
  expect_identical(res$f32, "torch.float32")
  expect_true("torchbridge_error_type" %in% res$string_error)
  expect_match(gsub("\\s+", " ", res$string_message), "can't be converted", fixed = TRUE) # as cli wraps it
})

test_that("from_torch() and as_torch() take JAX arrays (DLPack)", {
  skip_if_no_torch()
  skip_on_cran()
  python <- local_test_python("jax-0.10.2", "jax[cpu]==0.10.2")
  res <- with_test_python(python, function() {
    library(torchbridge)
    invisible(default_device())
    jnp <- reticulate::import("jax.numpy", convert = FALSE)
    a <- jnp$arange(6L)$reshape(2L, 3L)
    t <- as_torch(a)
    t$add_(1L)
    list(
      a = from_torch(a),
      after = from_torch(a),
      torch_side = from_torch(t),
      dtype = reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$str(t$dtype)),
      f = from_torch(jnp$array(list(0.5, 1.5), dtype = "float32")),
      b = from_torch(list(mask = jnp$array(list(TRUE, FALSE))))
    )
  })
  expect_identical(res$a, matrix(0:5, 2, byrow = TRUE))
  expect_identical(res$after, matrix(0:5, 2, byrow = TRUE)) # the copy changed, not the array
  expect_identical(res$torch_side, matrix(1:6, 2, byrow = TRUE))
  expect_identical(res$dtype, "torch.int32")
  expect_identical(res$f, c(0.5, 1.5))
  expect_identical(res$b, list(mask = c(TRUE, FALSE)))
})
