.onLoad <- function(libname, pkgname) {
  # Nothing here starts Python: the bundled module is imported on first use
  # (see bridge()).
  invisible()
}
