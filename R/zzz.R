.onLoad <- function(libname, pkgname) {
  # Nothing here starts Python: the bundled module is imported on first use
  # (see bridge()). Methods for generics of suggested packages are
  # registered now, or when those packages are loaded later.
  ns <- topenv(environment())
  assign("torch", torch_module(), envir = ns)
  .tb$py_dollar <- utils::getS3method("$", "python.builtin.object", optional = TRUE,
                                      envir = asNamespace("reticulate"))
  s3_register("ggplot2::autoplot", "torch.Tensor")
  s3_register("knitr::knit_print", "torch.Tensor", knit_print.torch.Tensor)
  setHook(packageEvent("knitr", "onLoad"), register_python_engine)
  if (isNamespaceLoaded("knitr")) register_python_engine()
  s3_register("knitr::knit_cache_hook", "torch.Tensor", knit_cache_hook.torch.Tensor)
  s3_register("knitr::knit_print", "torchbridge_devices", knit_print.torchbridge_devices)
  s3_register("knitr::knit_print", "torchbridge_sitrep", knit_print.torchbridge_sitrep)
  s3_register("waldo::compare_proxy", "torch.Tensor", compare_proxy.torch.Tensor)
  # %*% dispatches on S3 classes from R 4.3 (the matrixOps group); R 4.2 has
  # no such generic, so the method can't be declared in NAMESPACE.
  if (getRversion() >= "4.3.0") {
    s3_register("base::%*%", "torch.Tensor", matmul_method)
    # When the other operand has an Ops method too (factor, Date,
    # integer64), R 4.3+ asks which to use: ours, which refuses them with a
    # classed error. R 4.2 warns "Incompatible methods" and uses neither.
    s3_register("base::chooseOpsMethod", "torch.Tensor", choose_ops_method)
  }
  if (getRversion() >= "4.4.0") {
    s3_register("base::crossprod", "torch.Tensor", crossprod_method)
    s3_register("base::tcrossprod", "torch.Tensor", tcrossprod_method)
  }
  invisible()
}

choose_ops_method <- function(x, y, mx, my, cl, reverse) TRUE

# Register an S3 method for a generic of a package torchbridge only
# suggests: `generic` is "pkg::fun"; `method` defaults to the function
# `fun.class` of the calling namespace. Registers now when `pkg` is loaded,
# and again each time it is loaded (in the manner of vctrs's s3_register()).
s3_register <- function(generic, class, method = NULL) {
  stopifnot(is.character(generic), length(generic) == 1L)
  stopifnot(is.character(class), length(class) == 1L)
  parts <- strsplit(generic, "::", fixed = TRUE)[[1]]
  stopifnot(length(parts) == 2L)
  package <- parts[[1]]
  fun <- parts[[2]]
  caller <- parent.frame()

  find_method <- function() {
    if (!is.null(method)) return(method)
    top <- topenv(caller)
    env <- if (isNamespace(top)) asNamespace(environmentName(top)) else caller
    get(paste0(fun, ".", class), envir = env)
  }
  register <- function(...) {
    ns <- asNamespace(package)
    if (exists(fun, envir = ns)) {
      registerS3method(fun, class, find_method(), envir = ns)
    }
  }

  # Also when the package is loaded (again) later on.
  setHook(packageEvent(package, "onLoad"), register)
  if (isNamespaceLoaded(package)) register()
  invisible()
}
