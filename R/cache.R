#' Tensors in knitr caches and saved files
#'
#' A tensor is a Python object: R holds only a pointer to it, which does not
#' survive the R session. A tensor restored from a file written in an
#' earlier session — by [saveRDS()]/[readRDS()], [save()]/[load()], a saved
#' workspace, or a knitr chunk with `cache = TRUE` — has lost its values.
#' Using it in any torchbridge function, method or `$` is an error of class
#' `torchbridge_error_stale` that says so, never a wrong answer.
#'
#' To keep tensors between sessions, save them with [write_pt()] (or
#' [write_safetensors()]) and read them back with [read_pt()]
#' (`as = "torch"` to get tensors), or keep their R values
#' ([from_torch()]), which R saves like any other. In R Markdown, set
#' `cache = FALSE` on a chunk that creates tensors used by later chunks, or
#' have the cached chunk keep R values.
#'
#' Where knitr offers a hook for packing cached objects
#' (`knit_cache_hook()`), torchbridge registers a method for tensors: a
#' cached tensor is saved with its values, dtype, shape, device and
#' `requires_grad`, and is a working tensor again after the next render (on
#' the CPU when that machine lacks its device). The knitr releases up to
#' 1.51 have no such hook; there the rule above applies. Only tensors that
#' are themselves chunk objects are packed, not tensors inside lists.
#'
#' @name tensor-cache
#' @examplesIf torchbridge::torch_available()
#' path <- tempfile(fileext = ".rds")
#' saveRDS(as_torch(1:3), path) # saves a pointer, not the values
#' path <- tempfile(fileext = ".pt")
#' write_pt(as_torch(1:3), path) # saves the values
#' read_pt(path, as = "torch")
NULL

# Every `$` on a tensor (t$shape, t$add_(1)) is reticulate's; this checks
# first that the tensor is not from an earlier session, where reticulate
# would quietly give NULL. reticulate's method is called directly: a few
# microseconds where NextMethod() costs 15.
#' @export
`$.torch.Tensor` <- function(x, name) {
  if (reticulate::py_is_null_xptr(x)) stale_abort(rlang::caller_env())
  dollar <- .tb$py_dollar
  if (is.null(dollar)) return(NextMethod())
  dollar(x, name)
}

# For knitr's knit_cache_hook() (registered in .onLoad where knitr has it):
# the tensor is packed into the cache as the bytes of torch.save(), and a
# loader that knitr calls on the next render makes it again.
knit_cache_hook.torch.Tensor <- function(x, nm, path, ...) {
  call <- rlang::current_env()
  check_live(x, call)
  packed <- tb_value("pack_tensor", x, .call = call)
  packed$data <- .Call(tb_alloc, "raw", packed$nbytes, NULL)
  tb_call("take_packed", .Call(tb_address, packed$data), .call = call)
  cache_loader(packed[c("data", "device", "requires_grad")])
}

# A function of `packed` alone (its environment holds nothing else), so
# knitr saves only the packed tensor with it.
cache_loader <- function(packed) {
  loader <- function(...) torchbridge_unpack_tensor(packed)
  environment(loader) <- list2env(list(packed = packed), parent = asNamespace("torchbridge"))
  structure(loader, class = "knit_cache_loader")
}

torchbridge_unpack_tensor <- function(packed) {
  call <- rlang::current_env()
  data <- packed$data
  if (!is.raw(data) || !is.character(packed$device) || !is.logical(packed$requires_grad)) {
    tb_abort("Can't restore a cached tensor: its cache entry is damaged.", "file", call = call)
  }
  tb_call("unpack_tensor", .Call(tb_address, data), as.character(length(data)), packed$device,
                          isTRUE(packed$requires_grad), .call = call)
}
