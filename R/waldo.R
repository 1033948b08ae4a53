# waldo's compare_proxy() for tensors, registered in .onLoad when waldo is
# loaded (waldo is only suggested): testthat::expect_equal() and
# waldo::compare() see a tensor as its dtype, device, shape and values, as
# all.equal() does (R/tensor-equal.R). See ?`tensor-methods`.

compare_proxy.torch.Tensor <- function(x, path) {
  list(object = compare_values(x, rlang::current_env()), path = path)
}

# What tensor comparisons compare: dtype, device, shape and the values as
# from_torch() gives them (int64 as doubles, without the precision warning).
compare_values <- function(x, call) {
  info <- tensor_info(tb_value("describe", x, .call = call))
  values <- withCallingHandlers(
    tensor_to_r(x, "double", call),
    torchbridge_warning_precision = function(w) invokeRestart("muffleWarning")
  )
  list(dtype = info$dtype, device = info$device, shape = info$shape, values = values)
}
