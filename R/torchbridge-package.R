#' @keywords internal
"_PACKAGE"

## usethis namespace: start
#' @useDynLib torchbridge, .registration = TRUE
#' @importFrom rlang %||%
## usethis namespace: end
NULL
