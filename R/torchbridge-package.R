#' @keywords internal
"_PACKAGE"

## usethis namespace: start
#' @useDynLib torchbridge, .registration = TRUE
#' @importFrom rlang %||% .data
## usethis namespace: end
NULL
