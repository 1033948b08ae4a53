# Helpers of the conversion tests (test-to-torch.R, test-from-torch.R,
# test-roundtrip.R).

py_builtins <- function() reticulate::import_builtins(convert = FALSE)

# A tensor's shape as an R integer vector (integer(0) for a 0-d tensor).
# (reticulate 1.28 leaves a torch.Size unconverted, so go through list().)
t_shape <- function(t) {
  as.integer(unlist(reticulate::py_to_r(py_builtins()$list(t$shape))))
}


t_strides <- function(t) {
  as.integer(unlist(reticulate::py_to_r(py_builtins()$list(t$stride()))))
}

# t[idx - 1] read through torch, idx being R's 1-based index (one per dim).
t_item <- function(t, idx) {
  key <- do.call(reticulate::tuple, as.list(as.integer(idx) - 1L))
  reticulate::py_to_r(t$`__getitem__`(key)$item())
}

# The tensor's data address as a string (a Python int above 2^31 would wrap
# on its way to R).
t_ptr <- function(t) reticulate::py_to_r(py_builtins()$str(t$data_ptr()))

t_flag <- function(x) reticulate::py_to_r(x)

# A tensor from a Python literal, e.g. py_tensor("[2**40, 1]", "int64").
py_tensor <- function(literal, dtype) {
  torch <- torch_mod()
  torch$tensor(reticulate::py_eval(literal, convert = FALSE), dtype = torch[[dtype]])
}

# Forget tensors the R side has dropped, so shared R objects get released.
flush_shared <- function() {
  invisible(gc())
  invisible(reticulate::import("gc")$collect())
  invisible(as_torch(1))
}

# What from_torch() gives for a shape: 0-d/1-D a plain vector, else dims kept.
with_dims <- function(values, dims) {
  if (length(dims) >= 2) dim(values) <- dims
  values
}
