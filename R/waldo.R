# waldo's compare_proxy() for tensors, registered in .onLoad when waldo is
# loaded (waldo is only suggested): testthat::expect_equal() and
# waldo::compare() see a tensor as its dtype, device, shape and values.
# See ?`tensor-methods`.

compare_proxy.torch.Tensor <- function(x, path) {
  call <- rlang::current_env()
  mod <- bridge(call)
  info <- tensor_info(reticulate::py_to_r(tb_py(mod$describe(x), call)))
  values <- withCallingHandlers(
    tensor_to_r(x, mod, "double", call),
    torchbridge_warning_precision = function(w) invokeRestart("muffleWarning")
  )
  list(
    object = list(dtype = info$dtype, device = info$device, shape = info$shape, values = values),
    path = path
  )
}
