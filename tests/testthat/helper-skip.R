# Skip helpers, chained: no Python -> no torch -> no CUDA.

skip_if_no_python <- function() {
  ok <- tryCatch({
    torchbridge:::choose_python()
    reticulate::py_available(initialize = TRUE)
  }, error = function(e) FALSE)
  if (!isTRUE(ok)) skip("Python is not available")
}

skip_if_no_torch <- function() {
  skip_if_no_python()
  ok <- tryCatch({
    torchbridge:::bridge()
    TRUE
  }, error = function(e) FALSE)
  if (!ok) skip("torch is not installed in the Python torchbridge uses")
}

skip_if_no_cuda <- function() {
  skip_if_no_torch()
  if (!cuda_is_available()) skip("CUDA is not available (no GPU, or a CPU-only torch build)")
}

torch_mod <- function() reticulate::import("torch", convert = FALSE)
