.onLoad <- function(libname, pkgname) {
  # Nothing here starts Python: the bundled module is imported on first use
  # (see bridge()). Methods for generics of suggested packages are
  # registered when those packages load, without importing them.
  s3_register("knitr::knit_print", "torch.Tensor", knit_print.torch.Tensor)
  s3_register("waldo::compare_proxy", "torch.Tensor", compare_proxy.torch.Tensor)
  # %*% dispatches on S3 classes from R 4.3 (the matrixOps group); R 4.2 has
  # no such generic, so the method can't be declared in NAMESPACE.
  if (getRversion() >= "4.3.0") {
    s3_register("base::%*%", "torch.Tensor", matmul_method)
  }
  invisible()
}

# Register `method` for `generic` ("pkg::name") and `class` now if pkg is
# loaded, and again whenever pkg is loaded later.
s3_register <- function(generic, class, method) {
  parts <- strsplit(generic, "::", fixed = TRUE)[[1]]
  pkg <- parts[[1]]
  name <- parts[[2]]
  register <- function(...) {
    registerS3method(name, class, method, envir = asNamespace(pkg))
  }
  if (isNamespaceLoaded(pkg)) register()
  if (pkg != "base") setHook(packageEvent(pkg, "onLoad"), register)
  invisible()
}
