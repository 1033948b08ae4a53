# Loading: methods for suggested packages' generics are registered without
# importing them, and loading starts no Python.

test_that("loading the package starts no Python and registers the methods lazily", {
  skip_if_not_installed("callr")
  out <- callr::r(function() {
    library(torchbridge)
    before <- reticulate::py_available(initialize = FALSE)
    knitr_loaded_by_us <- isNamespaceLoaded("knitr")
    loadNamespace("knitr")
    loadNamespace("waldo")
    list(
      python = before || reticulate::py_available(initialize = FALSE),
      knitr_loaded = knitr_loaded_by_us,
      knit_print = !is.null(utils::getS3method("knit_print", "torch.Tensor", optional = TRUE,
                                               envir = asNamespace("knitr"))),
      compare_proxy = !is.null(utils::getS3method("compare_proxy", "torch.Tensor", optional = TRUE,
                                                  envir = asNamespace("waldo"))),
      matmul = !is.null(utils::getS3method("%*%", "torch.Tensor", optional = TRUE, envir = baseenv()))
    )
  }, libpath = .libPaths())
  expect_identical(out, list(
    python = FALSE, knitr_loaded = FALSE, knit_print = TRUE, compare_proxy = TRUE,
    matmul = getRversion() >= "4.3.0"
  ))
})
