#' Report how torchbridge is set up
#'
#' Prints the versions of R and reticulate, which Python torchbridge uses and
#' why, the torch version and build (CPU, CUDA or ROCm), NumPy, the devices torch
#' can use, and whether the compiled helpers are loaded. Starts Python if it
#' is not running yet. Python is looked for in this order: the environment
#' variable `TORCHBRIDGE_PYTHON`, then `RETICULATE_PYTHON`, then the
#' virtualenv `r-torchbridge` made by [install_torch()], then reticulate's
#' default.
#'
#' The result is a list of class `torchbridge_sitrep`: printing it prints
#' the report again. In an R Markdown document being knitted (while the
#' option `knitr.in.progress` is `TRUE`), `torchbridge_sitrep()` prints
#' nothing and returns the list visibly, so that the chunk shows it as
#' tables (see [knit_print.torch.Tensor]).
#'
#' @param x The result of `torchbridge_sitrep()`.
#' @param ... Not used.
#' @return A list of class `torchbridge_sitrep` with the same facts
#'   (elements `r`, `reticulate`, `compiled_helpers`, `python`,
#'   `python_version`, `torch`, `build`, `numpy`, `threads`, `devices` (as
#'   [torch_devices()] gives it) and `python_reason`; `error` in place of the
#'   torch facts when torch can't be used), invisibly; visibly while knitting.
#' @family set-up
#' @export
#' @examplesIf torchbridge::torch_available()
#' torchbridge_sitrep()
torchbridge_sitrep <- function() {
  out <- list(
    r = R.version$version.string,
    reticulate = as.character(utils::packageVersion("reticulate")),
    compiled_helpers = inherits(tb_address, "NativeSymbolInfo")
  )
  loaded <- tryCatch(bridge(), torchbridge_error = function(e) e)
  if (inherits(loaded, "torchbridge_error")) {
    out$error <- conditionMessage(loaded)
    out$python <- if (reticulate::py_available(initialize = FALSE)) {
      tryCatch(reticulate::py_config()$python, error = function(e) NULL)
    }
  } else {
    info <- tb_value("info")
    out$python <- info$executable
    out$python_version <- info$python
    out$torch <- info$torch
    out$build <- if (!is.null(info$rocm_build)) {
      paste("rocm", info$rocm_build)
    } else if (is.null(info$cuda_build)) {
      "cpu"
    } else {
      paste("cuda", info$cuda_build)
    }
    out$numpy <- info$numpy %||% NA_character_
    out$threads <- info$threads
    out$devices <- torch_devices()
  }
  out$python_reason <- .tb$reason %||% NA_character_
  class(out) <- "torchbridge_sitrep"
  if (isTRUE(getOption("knitr.in.progress"))) return(out)
  print_sitrep(out)
  invisible(out)
}

#' @rdname torchbridge_sitrep
#' @export
print.torchbridge_sitrep <- function(x, ...) {
  print_sitrep(x)
  invisible(x)
}

print_sitrep <- function(s) {
  cli::cli_h2("torchbridge")
  python <- s[["python"]]
  shown <- if (is.null(python)) "not found" else cli::format_inline("{.path {python}}")
  cli::cli_bullets(c(
    "*" = "R: {s$r}",
    "*" = "reticulate: {s$reticulate}",
    "*" = "Python: {shown} (chosen by: {s[['python_reason']]})",
    "*" = "compiled helpers: {if (isTRUE(s$compiled_helpers)) 'loaded' else 'missing'}"
  ))
  if (!is.null(s$error)) {
    cli::cli_bullets(c(x = "torch: not available", i = "{s$error}"))
    return(invisible(s))
  }
  cli::cli_bullets(c(
    "*" = "Python version: {s$python_version}",
    "*" = "torch: {s$torch} ({s$build} build, {s$threads} CPU thread{?s})",
    "*" = "NumPy: {if (is.na(s$numpy)) 'not installed (not needed)' else s$numpy}"
  ))
  d <- s$devices
  mem <- function(x) ifelse(is.na(x), "?", sprintf("%.1f GB", x / 1e9))
  cli::cli_bullets(stats::setNames(
    sprintf("device %s: %s, %s total, %s free", d$device, cli_escape(d$name), mem(d$total_memory), mem(d$free_memory)),
    rep("*", nrow(d))
  ))
  invisible(s)
}

# The facts as item = text, in the order print_sitrep() shows them, for the
# table knit_print() makes: plain text, the path of Python as `code`.
sitrep_items <- function(s) {
  python <- s[["python"]]
  items <- c(
    R = s$r,
    reticulate = s$reticulate,
    Python = paste0(
      if (is.null(python)) "not found" else if (grepl("[`|]", python)) python else paste0("`", python, "`"),
      " (chosen by: ", s[["python_reason"]] %||% NA, ")"
    ),
    `compiled helpers` = if (isTRUE(s$compiled_helpers)) "loaded" else "missing"
  )
  if (!is.null(s$error)) return(c(items, torch = paste0("not available: ", s$error)))
  threads <- s$threads
  c(items,
    `Python version` = s$python_version,
    torch = sprintf("%s (%s build, %s CPU thread%s)", s$torch, s$build, threads, if (identical(as.numeric(threads), 1)) "" else "s"),
    NumPy = if (is.na(s$numpy)) "not installed (not needed)" else s$numpy
  )
}
