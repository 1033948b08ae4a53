# torchbridge never converts through NumPy, so it works whatever NumPy the
# Python has: none, 1.x, or 2.x, which reticulate < 1.38 refuses to convert.

test_that("conversions work when the Python has NumPy 2", {
  skip_if_no_torch()
  python <- local_test_python("numpy2", "numpy>=2")
  res <- with_test_python(python, function() {
    library(torchbridge)
    x <- matrix(c(1.5, NA, 3, 4, 5, 6), 2)
    t <- as_torch(x, dtype = "float64")
    np <- reticulate::import("numpy")
    path <- tempfile(fileext = ".pt")
    reticulate::py_run_string(sprintf(
      "import torch, numpy as np; torch.save({'a': np.arange(6).reshape(2, 3), 'f': np.float32(1.5)}, %s)",
      encodeString(path, quote = "'")))
    npc <- reticulate::import("numpy", convert = FALSE)
    list(
      numpy = np$`__version__`,
      back = from_torch(t),
      ints = from_torch(as_torch(1:5)),
      array = from_torch(npc$arange(4L)$reshape(2L, 2L)$astype("uint16")),
      as_torch = from_torch(as_torch(npc$ones(2L), dtype = "float32")),
      pt = read_pt(path)
    )
  })
  expect_match(res$numpy, "^2\\.")
  expect_identical(res$back, matrix(c(1.5, NA, 3, 4, 5, 6), 2))
  expect_identical(res$ints, 1:5)
  expect_identical(res$array, matrix(0:3, 2, byrow = TRUE))
  expect_identical(res$as_torch, c(1, 1))
  # a file with NumPy arrays written under NumPy 2 (numpy._core) reads with weights_only
  expect_identical(res$pt, list(a = matrix(0:5, 2, byrow = TRUE), f = 1.5))
})
