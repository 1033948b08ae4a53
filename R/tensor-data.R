#' A tensor as a tidy data frame
#'
#' `tensor_data()` turns a tensor into a long ("tidy") data frame with one
#' row per element: 1-based index columns, then `value` (or, with
#' `pairs = TRUE`, one row per point of a scatter plot). It is the data
#' behind [autoplot()][autoplot.torch.Tensor], and the form ggplot2 and
#' dplyr work with. `as.data.frame()` on a tensor gives the same.
#'
#' Index columns, all integer and 1-based:
#'
#' | tensor | columns |
#' |---|---|
#' | 0-d | `value` only (one row) |
#' | 2-D | `row`, `col`, `value` |
#' | 1-D, 3-D or more | `dim1`, `dim2`, ..., `value` |
#' | `image = TRUE`, 2-D (HW) | `y`, `x`, `value` |
#' | `image = TRUE`, 3-D (CHW) | `channel`, `y`, `x`, `value` |
#' | `image = TRUE`, 4-D (NCHW) | `image`, `channel`, `y`, `x`, `value` |
#' | `pairs = TRUE`, 2-D, n x k with k even | `row`, `pair`, `x`, `y` |
#'
#' Rows are in R's column-major order: the first index varies fastest, so
#' `value` is `as.vector(from_torch(x))` and `row = i, col = j` holds
#' `x[i - 1, j - 1]` in torch's 0-based indexing. `value` has the type
#' [from_torch()] gives (double for float dtypes, integer, logical or
#' complex).
#'
#' With `pairs = TRUE` the columns are taken in pairs, (1, 2), (3, 4), ...,
#' one row per point: `pair = p` holds column `2p - 1` as `x` and column
#' `2p` as `y`, so `x` and `y` are `m[, c(1, 3, ...)]` and `m[, c(2, 4, ...)]`
#' of `m <- from_torch(x)`, `row` varying fastest.
#'
#' @section Plots:
#' [autoplot()][autoplot.torch.Tensor] draws this data (of the tensor
#' reduced to `max_points`, when it has to be):
#'
#' | plot | data |
#' |---|---|
#' | `type = "line"`, 1-D | `dim1` (as `index`) and `value` |
#' | `type = "lines"`, 2-D | `tensor_data(x)`: `value` against `row`, one line per `col` |
#' | `type = "heatmap"`, 2-D | `tensor_data(x)`: a cell at `row`, `col` filled by `value` |
#' | `type = "image"` | `tensor_data(x, image = TRUE)`: channels combined into one colour per `y`, `x` |
#' | `type = "scatter"`, n x k | `tensor_data(x, pairs = TRUE)`: a point at `x`, `y`, coloured by `pair` when there are more than one |
#'
#' A 1-D tensor drawn with `type = "lines"` is one column: its data is
#' `tensor_data(x$unsqueeze(1L))`.
#'
#' @section Long, not wide:
#' `as.data.frame()` of a tensor is this long form, which differs from
#' `as.data.frame()` of an R matrix: that gives a wide data frame with one
#' column per matrix column. For the wide form use
#' `as.data.frame(from_torch(x))`.
#'
#' @section Size:
#' A data frame with a row per element is large: above `max_elements`
#' elements `tensor_data()` refuses with an error of class
#' `torchbridge_error_size`. Reduce the tensor first, on its device (a
#' slice with `x$narrow()` or `x$select()`, a sample with
#' `x$flatten()$index_select()`, or pooling with
#' `torch$nn$functional$avg_pool2d()`), or raise `max_elements`.
#'
#' @param x A torch tensor.
#' @param max_elements The most elements of `x` to return (one row each,
#'   or one row per pair with `pairs = TRUE`); a larger tensor is an error.
#' @param image `TRUE` to name the index columns as an image's: `y`, `x`
#'   for a 2-D tensor, `channel`, `y`, `x` for 3-D (CHW) and `image`,
#'   `channel`, `y`, `x` for 4-D (NCHW).
#' @param pairs `TRUE` to take the columns of a 2-D tensor with an even
#'   number of columns in pairs, as a scatter plot draws them: one row per
#'   point, with `row`, `pair`, `x` and `y`. Not with `image = TRUE`.
#' @param int64 How int64, uint32 and uint64 values become R values, as in
#'   [from_torch()]: `"integer"` (an error beyond R's integers), `"double"`
#'   or `"bit64"`.
#' @return A data frame with one row per element of `x` (per pair of
#'   elements with `pairs = TRUE`).
#' @family plotting
#' @export
#' @examplesIf torchbridge::torch_available()
#' t <- as_torch(matrix(1:6, 2))
#' tensor_data(t)
#' as.data.frame(t) # the same long form
#' tensor_data(as_torch(array(0, c(3, 4, 5))), image = TRUE)
#' tensor_data(as_torch(matrix(1:8, 2)), pairs = TRUE) # points (1, 3), (2, 4), (5, 7), (6, 8)
tensor_data <- function(x, max_elements = 1e6, image = FALSE, pairs = FALSE,
                        int64 = c("integer", "double", "bit64")) {
  call <- rlang::current_env()
  tensor_frame(x, max_elements, image, call, pairs = pairs, int64 = check_int64(int64, call))
}

#' @rdname tensor_data
#' @param row.names `NULL`, or row names for the result.
#' @param optional,... Ignored (there for the generic; [data.frame()] passes
#'   `optional` and `stringsAsFactors`).
#' @export
as.data.frame.torch.Tensor <- function(x, row.names = NULL, optional = FALSE, ...,
                                       max_elements = 1e6, image = FALSE, pairs = FALSE,
                                       int64 = c("integer", "double", "bit64")) {
  call <- rlang::current_env()
  out <- tensor_frame(x, max_elements, image, call, pairs = pairs, int64 = check_int64(int64, call))
  if (!is.null(row.names)) row.names(out) <- row.names
  out
}

tensor_frame <- function(x, max_elements, image, call, pairs = FALSE, int64 = "integer") {
  check_tensor(x, call)
  check_count(max_elements, "max_elements", call, inf_ok = TRUE, max = Inf)
  check_flag(image, call = call)
  check_flag(pairs, call = call)
  if (image && pairs) {
    tb_abort(c(
      "Can't use {.code image = TRUE} and {.code pairs = TRUE} together.",
      i = "{.code image = TRUE} names an image's indices; {.code pairs = TRUE} gives the points of a scatter plot."
    ), "arg", call = call)
  }
  dims <- as.double(unlist(tb_value("shape", x, .call = call)))
  n <- prod(dims)
  if (n > max_elements) {
    tb_abort(c(
      "Can't make a data frame of a tensor with {big_number(n)} elements.",
      x = "The limit is {.arg max_elements} = {big_number(max_elements)}: one row per element.",
      i = "Reduce the tensor on its device first: a slice ({.code x$narrow(0L, 0L, 100L)}), a sample, or pooling ({.code torch$nn$functional$avg_pool2d()}).",
      i = "Or raise {.arg max_elements}."
    ), "size", call = call)
  }
  if (pairs) return(pairs_frame(x, dims, call, int64))
  names <- index_names(length(dims), image, call)
  values <- tensor_to_r(x, int64, call)
  out <- index_columns(dims)
  names(out) <- names
  out$value <- undim(values)
  structure(out, class = "data.frame", row.names = .set_row_names(as.integer(n)))
}

# `v` without dims, its class kept (as.vector() would drop integer64's and
# leave its bits read as doubles).
undim <- function(v) {
  dim(v) <- NULL
  v
}

# The columns of a 2-D tensor in pairs (x, y): one row per point.
pairs_frame <- function(x, dims, call, int64) {
  if (length(dims) != 2L || dims[[2]] %% 2 != 0) {
    tb_abort(c(
      "With {.code pairs = TRUE}, {.arg x} must be a 2-D tensor with an even number of columns.",
      x = if (length(dims) != 2L) "It has {length(dims)} dimension{?s}." else "It has {dims[[2]]} column{?s}.",
      i = "Columns are taken in pairs, (1, 2), (3, 4), ..., as x and y."
    ), "shape", call = call)
  }
  values <- undim(tensor_to_r(x, int64, call))
  n <- dims[[1]]
  p <- dims[[2]] / 2
  odd <- seq(1, by = 2, length.out = p)
  cols <- function(j) values[rep((j - 1) * n, each = n) + seq_len(n)] # column-major
  out <- list(
    row = rep_len(seq_len(n), n * p),
    pair = rep(seq_len(p), each = n),
    x = cols(odd),
    y = cols(odd + 1)
  )
  structure(out, class = "data.frame", row.names = .set_row_names(as.integer(n * p)))
}

# A tensor's shape as a double vector (double: a product can pass 2^31).
index_names <- function(nd, image, call) {
  if (image) {
    if (!nd %in% 2:4) {
      tb_abort(c(
        "With {.code image = TRUE}, {.arg x} must be a 2-D (HW), 3-D (CHW) or 4-D (NCHW) tensor.",
        x = "It has {nd} dimension{?s}."
      ), "shape", call = call)
    }
    return(utils::tail(c("image", "channel", "y", "x"), nd))
  }
  if (nd == 2L) return(c("row", "col"))
  if (nd == 0L) return(character())
  paste0("dim", seq_len(nd))
}

# 1-based index columns in column-major order (the first varies fastest).
index_columns <- function(dims) {
  n <- prod(dims)
  lapply(seq_along(dims), function(k) {
    each <- prod(dims[seq_len(k - 1L)])
    rep_len(rep(seq_len(dims[[k]]), each = each), n)
  })
}

big_number <- function(x) format(x, big.mark = ",", scientific = FALSE, trim = TRUE)
