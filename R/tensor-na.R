#' Missing and non-finite values in tensors
#'
#' `is.na()`, `is.nan()`, `is.finite()` and `is.infinite()` of a tensor are
#' computed on the tensor's device and return a bool tensor of the same
#' shape there; `anyNA()` returns `TRUE` or `FALSE`. Each gives what the R
#' function gives for `from_torch(x)`.
#'
#' torch has one kind of missing value, NaN. R's `NA` in a double is a NaN
#' with a particular bit pattern, which a float64 tensor keeps (see
#' [as_torch()]), as simple float64 arithmetic often does (`NA + 0` is `NA`
#' in R and in a tensor), and which every other dtype drops. So:
#'
#' * `is.na(x)` is `TRUE` for every NaN, R's `NA` included, as in R;
#' * `is.nan(x)` is `TRUE` for NaN but not for R's `NA` pattern (only a
#'   float64 or complex128 tensor can hold it), as `is.nan()` tells them
#'   apart in R. In a float32 tensor an R `NA` is a plain NaN and
#'   `is.nan()` is `TRUE`, as `from_torch()` then gives `NaN`.
#' * Complex numbers: NA (or NaN) when either part is, finite when both
#'   parts are, infinite when either part is, as in R.
#' * Integer and bool tensors have no NA, NaN or infinity: `is.na()`,
#'   `is.nan()` and `is.infinite()` are all `FALSE`, `is.finite()` all
#'   `TRUE`.
#'
#' @param x A tensor.
#' @param recursive Not used (tensors hold no lists).
#' @return `is.na()` and friends: a bool tensor of `x`'s shape on its
#'   device. `anyNA()`: `TRUE` or `FALSE`.
#' @family tensor methods
#' @name tensor-na
#' @examplesIf torchbridge::torch_available()
#' x <- as_torch(c(1, NA, NaN, Inf), dtype = "float64")
#' is.na(x)        # FALSE TRUE TRUE FALSE
#' is.nan(x)       # FALSE FALSE TRUE FALSE, as is.nan(c(1, NA, NaN, Inf))
#' is.nan(as_torch(c(1, NA), dtype = "float32")) # FALSE TRUE: float32 has no NA
#' anyNA(x)        # TRUE
#' x[!is.na(x)]
NULL

#' @rdname tensor-na
#' @export
is.na.torch.Tensor <- function(x) na_test("is.na", x, rlang::current_env())

#' @rdname tensor-na
#' @export
is.nan.torch.Tensor <- function(x) na_test("is.nan", x, rlang::current_env())

#' @rdname tensor-na
#' @export
is.finite.torch.Tensor <- function(x) na_test("is.finite", x, rlang::current_env())

#' @rdname tensor-na
#' @export
is.infinite.torch.Tensor <- function(x) na_test("is.infinite", x, rlang::current_env())

#' @rdname tensor-na
#' @export
anyNA.torch.Tensor <- function(x, recursive = FALSE) {
  call <- rlang::current_env()
  isTRUE(tb_value("any_na", x, .call = call))
}

na_test <- function(op, x, call) {
  tb_call("na_test", op, x, .call = call)
}
