#' The torch Python module, loaded on first use
#'
#' `torch` is PyTorch's Python module as reticulate gives it with
#' `convert = FALSE`: `torch$float32`, `torch$zeros(3L)`, `torch$nn`,
#' `torch$manual_seed(1L)` and every other function of PyTorch, returning
#' Python objects (tensors stay tensors; use [from_torch()] to get R values).
#' It is delay-loaded: attaching torchbridge starts nothing, and the first
#' use of `torch` starts Python the way every torchbridge function does
#' (`TORCHBRIDGE_PYTHON`, then `RETICULATE_PYTHON`, then the virtualenv made
#' by [install_torch()], then reticulate's default; see
#' [torchbridge_sitrep()]). So a script or R Markdown document needs no
#' `torch <- reticulate::import("torch", convert = FALSE)` of its own, and
#' that import would start Python without torchbridge's discovery.
#'
#' `torch_available()` says whether torch can be loaded, without failing:
#' `TRUE` when it is (after which `torch` and every torchbridge function
#' work), `FALSE` when no Python with torch can be found. It starts Python
#' when it is not running yet. Use it to guard code that needs torch, as the
#' examples in torchbridge's help pages do.
#'
#' When torch can't be loaded, the first use of `torch` is an error of class
#' `torchbridge_error_python` that says why and what to do.
#'
#' @format `torch`: a Python module (class `python.builtin.module`). When
#'   Python was already running before torchbridge was loaded (reticulate
#'   would import at once), a stand-in of class `torchbridge_torch` that loads
#'   torch on first use and hands `$` and `[[` to the module; pass
#'   `reticulate::import("torch")` where a real module object is needed.
#' @return `torch_available()`: `TRUE` or `FALSE`.
#' @family set-up
#' @name torch
#' @examplesIf torchbridge::torch_available()
#' torch$manual_seed(42L)
#' w <- torch$randn(3L, 2L)
#' from_torch(w$sum(dim = 0L))
#' torch$cuda$is_available()
NULL

#' @rdname torch
#' @export
torch <- NULL

#' @rdname torch
#' @export
torch_available <- function() {
  ok <- tryCatch({
    bridge()
    TRUE
  }, error = function(e) FALSE)
  isTRUE(ok)
}

# The value of `torch`, made in .onLoad. Before Python starts: reticulate's
# delay-loaded module, whose hook loads torch through bridge(), so that
# Python is found by torchbridge's own discovery. reticulate consumes the
# hooks when it loads the module: after a failed load they are put back, so
# the next use fails the same way instead of starting Python by
# reticulate's rules. When Python is already running (reticulate would
# import at once): a stand-in that loads torch on first use.
torch_module <- function() {
  if (reticulate::py_available(initialize = FALSE)) {
    return(structure(new.env(parent = emptyenv()), class = "torchbridge_torch"))
  }
  hooks <- list()
  hooks$before_load <- function() {
    tryCatch(bridge(NULL), error = function(e) {
      restore_hooks(proxy, hooks)
      stop(e)
    })
  }
  proxy <- reticulate::import("torch", convert = FALSE, delay_load = hooks)
  proxy
}

restore_hooks <- function(proxy, hooks) {
  if (!is.environment(proxy) || exists("before_load", envir = proxy, inherits = FALSE)) return(invisible())
  for (name in names(hooks)) assign(name, hooks[[name]], envir = proxy)
  invisible()
}

# The stand-in, for a Python started before torchbridge was loaded:
# loads torch through bridge() on first use (an error that says why when it
# can't), then hands on to the module.
#' @export
`$.torchbridge_torch` <- function(x, name) {
  torch_now()[[name]]
}

#' @export
`[[.torchbridge_torch` <- function(x, name, ...) {
  torch_now()[[name]]
}

#' @export
print.torchbridge_torch <- function(x, ...) {
  print(torch_now())
  invisible(x)
}

torch_now <- function() {
  bridge(NULL)
  reticulate::import("torch", convert = FALSE)
}
