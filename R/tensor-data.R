#' A tensor as a tidy data frame
#'
#' `tensor_data()` turns a tensor into a long ("tidy") data frame with one
#' row per element: 1-based index columns, then `value`. It is the data
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
#'
#' Rows are in R's column-major order: the first index varies fastest, so
#' `value` is `as.vector(from_torch(x))` and `row = i, col = j` holds
#' `x[i - 1, j - 1]` in torch's 0-based indexing. `value` has the type
#' [from_torch()] gives (double for float dtypes, integer, logical or
#' complex).
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
#' @param max_elements The most elements (rows) to return; a larger tensor
#'   is an error.
#' @param image `TRUE` to name the index columns as an image's: `y`, `x`
#'   for a 2-D tensor, `channel`, `y`, `x` for 3-D (CHW) and `image`,
#'   `channel`, `y`, `x` for 4-D (NCHW).
#' @return A data frame with one row per element of `x`.
#' @family plotting
#' @export
#' @examplesIf torchbridge::torch_available()
#' t <- as_torch(matrix(1:6, 2))
#' tensor_data(t)
#' as.data.frame(t) # the same long form
#' tensor_data(as_torch(array(0, c(3, 4, 5))), image = TRUE)
tensor_data <- function(x, max_elements = 1e6, image = FALSE) {
  tensor_frame(x, max_elements, image, rlang::current_env())
}

#' @rdname tensor_data
#' @param row.names `NULL`, or row names for the result.
#' @param optional,... Ignored (there for the generic; [data.frame()] passes
#'   `optional` and `stringsAsFactors`).
#' @export
as.data.frame.torch.Tensor <- function(x, row.names = NULL, optional = FALSE, ...,
                                       max_elements = 1e6, image = FALSE) {
  out <- tensor_frame(x, max_elements, image, rlang::current_env())
  if (!is.null(row.names)) row.names(out) <- row.names
  out
}

tensor_frame <- function(x, max_elements, image, call) {
  if (!is_tensor(x)) {
    tb_abort(c(
      "{.arg x} must be a torch tensor.",
      x = "It is {obj_desc(x)}.",
      i = "Use {.fn as_torch} to make a tensor from R data."
    ), "type", call = call)
  }
  check_count(max_elements, "max_elements", call, inf_ok = TRUE, max = Inf)
  check_flag(image, call = call)
  mod <- bridge(call)
  dims <- as.double(unlist(reticulate::py_to_r(tb_py(mod$shape(x), call))))
  n <- prod(dims)
  if (n > max_elements) {
    tb_abort(c(
      "Can't make a data frame of a tensor with {big_number(n)} elements.",
      x = "The limit is {.arg max_elements} = {big_number(max_elements)}: one row per element.",
      i = "Reduce the tensor on its device first: a slice ({.code x$narrow(0L, 0L, 100L)}), a sample, or pooling ({.code torch$nn$functional$avg_pool2d()}).",
      i = "Or raise {.arg max_elements}."
    ), "size", call = call)
  }
  names <- index_names(length(dims), image, call)
  values <- tensor_to_r(x, mod, "integer", call)
  out <- index_columns(dims)
  names(out) <- names
  out$value <- as.vector(values)
  structure(out, class = "data.frame", row.names = .set_row_names(as.integer(n)))
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
