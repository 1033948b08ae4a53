#' Index tensors like R arrays
#'
#' `x[i, j, ...]` picks parts of a tensor with R's rules and returns a new
#' tensor on the same device; `x[i, j, ...] <- value` writes into the tensor.
#' The result of `x[...]` has the values, dims and type of the same call on
#' the R array `from_torch(x)`.
#'
#' @section Indices:
#' Give one index per dim, or a single index.
#'
#' * A positive number picks positions, counting from 1 (fractions are
#'   truncated, zeros ignored); negative numbers drop positions (the two
#'   can't be mixed); ranges such as `2:4` are read as slices; a missing
#'   index takes the whole dim.
#' * `TRUE`/`FALSE` vectors pick where `TRUE`, recycled to the dim's length
#'   as in R. A bool tensor works the same way and stays on the device, so
#'   `x[x > 0]` never leaves it.
#' * An integer tensor holds positions counted from 1, like R numbers (add 1
#'   to 0-based indices computed by torch).
#' * With a single index on a tensor that is not 1-D, elements are counted
#'   in R's column-major order: `x[5]`, `x[-1]`, a logical vector or array,
#'   or a bool tensor of `x`'s shape (a mask) give the elements in that
#'   order, as a 1-D tensor. A numeric matrix with one column per dim picks
#'   one element per row (`x[cbind(i, j)]`), as in R. `x[]` is a copy.
#' * `drop = TRUE` (the default) drops extents of 1 from the result, as R
#'   does; an element picked by one index per dim gives a 0-d tensor.
#'
#' * `x[[...]]` picks exactly one element, counting from 1 (one index per
#'   dim, or one index in column-major order), and returns it as a 0-d
#'   tensor; indices that pick no element or several are a
#'   `torchbridge_error_index`. `x[[...]] <- value` writes one value into
#'   one element. A single string (`x[["ndim"]]`) is reticulate's attribute
#'   access, as before.
#'
#' Python objects as indices (a `reticulate::py_slice()`, `py_eval("...")`
#' or a tuple) are passed to reticulate's `[`, which indexes as Python does,
#' from 0.
#'
#' An index beyond the extent (`x[5]` when `x` has 4 elements, also for a
#' negative index such as `x[-5]`, which R ignores), `NA`, a logical index
#' longer than the extent, mixed signs, the wrong number of indices, and
#' indices that are not numbers, logicals or tensors (names: tensors have no
#' dimnames) are errors of class `torchbridge_error_index`, not R's `NA`s.
#'
#' @section Assignment:
#' `x[...] <- value` writes `value` into the tensor **in place**. A tensor
#' is a reference, unlike an R array: every R variable that holds the
#' tensor, and every view of its memory (the results of `t()` and
#' `aperm()`, or [as_torch()] with `copy = FALSE`), sees the change. Copy
#' first (`y <- x$clone()`) to keep the original. `value` is a tensor or R
#' numbers; it is cast to the tensor's dtype under [as_torch()]'s rules (a
#' tensor keeps its dtype, so `2.5` into an int64 tensor or `NA` into a bool
#' tensor is an error) and recycled in R's column-major order over the
#' elements selected; its length must divide their number. Writing into a
#' leaf tensor that requires grad is an error (torch refuses it); write
#' inside `with(torch$no_grad(), ...)`. Writing into a tensor whose elements
#' share memory (the result of `expand()`, or another stride-0 view) is a
#' `torchbridge_error_unsupported_tensor`: one write would change several
#' elements. An R number is written exactly, as a vector of length 1 is
#' (`x[1] <- 0.1` on a float64 tensor stores 0.1).
#'
#' @param x A tensor.
#' @param ... Indices: numbers, logicals, bool or integer tensors, or empty.
#' @param drop `TRUE` to drop extents of 1 from the result.
#' @param value A tensor or R numbers to write.
#' @return `[`: a new tensor. `[<-`: `x`, changed in place.
#' @family tensor methods
#' @name tensor-index
#' @examplesIf torchbridge::torch_available()
#' x <- as_torch(matrix(1:12, 3))
#' x[2, ]            # a 1-D tensor: 2 5 8 11
#' x[-1, 2:3]
#' x[x > 6]          # column-major order, as in R
#' x[2, 3]           # a 0-d tensor
#' y <- x
#' y[1, 1] <- 100L   # x changes too: tensors are references
NULL

#' @rdname tensor-index
#' @export
`[.torch.Tensor` <- function(x, ..., drop = TRUE) {
  call <- rlang::current_env()
  args <- rlang::dots_list(..., .ignore_empty = "none", .preserve_empty = TRUE)
  if (any(vapply(args, is_python_key, TRUE))) {
    return(NextMethod()) # Python keys (slices, tuples...): reticulate's `[`
  }
  check_flag(drop, call = call)
  index <- index_values(args, x, call)
  tb_call("subset", x, index$values, drop, .call = call)
}

#' @rdname tensor-index
#' @export
`[[.torch.Tensor` <- function(x, ...) {
  call <- rlang::current_env()
  args <- rlang::dots_list(..., .ignore_empty = "none", .preserve_empty = TRUE)
  if (any(vapply(args, is_python_key, TRUE)) || length(args) == 1L && is_string(args[[1]])) {
    check_live(x, call)
    return(NextMethod()) # Python keys and names: reticulate's `[[`
  }
  check_element_index(args, x, call)
  index <- index_values(args, x, call)
  tb_call("subset", x, index$values, TRUE, TRUE, .call = call)
}

#' @rdname tensor-index
#' @export
`[<-.torch.Tensor` <- function(x, ..., value) {
  call <- rlang::call2("<-", quote(x[...]), quote(value))
  args <- rlang::dots_list(..., .ignore_empty = "none", .preserve_empty = TRUE)
  index <- index_values(args, x, call)
  check_assigned(value, x, call)
  tb_call("assign", x, index$values, r_value(value), .call = call)
  x
}

#' @rdname tensor-index
#' @export
`[[<-.torch.Tensor` <- function(x, ..., value) {
  call <- rlang::call2("<-", quote(x[[...]]), quote(value))
  args <- rlang::dots_list(..., .ignore_empty = "none", .preserve_empty = TRUE)
  check_element_index(args, x, call)
  index <- index_values(args, x, call)
  check_assigned(value, x, call)
  tb_call("assign", x, index$values, r_value(value), TRUE, .call = call)
  x
}

# `[[` takes one index per dim, or one index, and no empty ones.
check_element_index <- function(args, x, call) {
  if (!length(args) || any(vapply(args, rlang::is_missing, TRUE))) {
    tb_abort(c(
      "{.code [[} needs an index for every dim, or one index.",
      x = "{.arg x} is {tensor_desc(x)}.",
      i = "Use {.code [} to take whole dims."
    ), "index", call = call)
  }
  invisible()
}

check_assigned <- function(value, x, call) {
  if (!is_tensor(value) && !is_r_number(value)) {
    tb_abort(c(
      "Can't assign {obj_desc(value)} into a tensor.",
      x = "{.arg x} is {tensor_desc(x)}.",
      x = "{.arg value} is {obj_desc(value)}.",
      i = "Assign a tensor, or R numeric, integer, logical or complex values."
    ), "type", call = call)
  }
  invisible()
}

# The indices of a `[` call (from dots_list(), empty ones kept), each checked
# and turned into what the Python side reads (see r_value()); empty ones NULL.
# Returns list(values = <for Python>, keep = <the R vectors they describe>):
# the caller holds the result until the Python call returns, so that the
# unclass()ed copies of AsIs indices are not collected while Python reads
# them.
index_values <- function(args, x, call) {
  out <- vector("list", length(args))
  keep <- vector("list", length(args))
  for (k in seq_along(args)) {
    i <- args[[k]]
    if (rlang::is_missing(i)) next
    if (is.null(i)) i <- integer(0)
    if (!is_tensor(i) && is.null(r_data_type(i, c("double", "integer", "logical"), "AsIs"))) {
      tb_abort(c(
        "Can't index a tensor with {obj_desc(i)}.",
        x = "{.arg x} is {tensor_desc(x)}.",
        x = "Index {k} is {obj_desc(i)}.",
        i = if (is.character(i)) "Tensors have no dimnames: use positions." else NULL,
        i = "Use numbers (from 1, or negative to drop), TRUE/FALSE, or bool or integer tensors."
      ), "index", call = call)
    }
    if (!is_tensor(i)) keep[[k]] <- i <- unclass(i)
    out[k] <- list(if (is_tensor(i)) i else r_value(i))
  }
  list(values = out, keep = keep)
}

is_python_key <- function(i) {
  !rlang::is_missing(i) && inherits(i, "python.builtin.object") && !is_tensor(i)
}
