#' Print, format and summarise tensors
#'
#' `print()` shows a tensor's leading values compactly, as the mlverse torch
#' package does, then a footer with its dtype, device, shape and whether it
#' requires grad; it returns the tensor invisibly. Only the part shown is
#' copied to R.
#'
#' * 0-d: the value. 1-D: the first 30 values, wrapped to the console
#'   width. 2-D: the first 10 rows and 10 columns. More dims: the first 3
#'   matrices over the last two dims, each headed by its leading indices,
#'   counted from 1 (`(2,.,.) =` is `x[2, , ]`). A line says how much more
#'   there is.
#' * Numbers are formatted as R formats the same values (7 significant
#'   digits, `getOption("digits")`; 4 for float16 and 3 for bfloat16). A
#'   larger `digits` shows at most 9 for float32 and complex64: enough to
#'   tell every float32 apart, where more would print its binary expansion
#'   (`0.1` as `0.100000001490116`).
#'
#' `format()` returns the lines `print()` shows. `str()` is one line: dtype,
#' shape, device and the first values in column-major order, as R's `str()`
#' shows an array. `summary()` computes the minimum, maximum, mean and
#' standard deviation of the non-NaN values, and the number of NaN, on the
#' tensor's device (in float64 where the device has it) and returns a
#' `torchbridge_tensor_summary` object, a list with elements `min`, `max`,
#' `mean`, `sd`, `nan`, `n`, `dtype`, `device`, `shape` and `requires_grad`,
#' which prints as a small table. Statistics of no values are `NaN` (`sd`:
#' of fewer than two); complex tensors can't be summarised.
#'
#' In R Markdown, a tensor prints (through knitr's `knit_print()`) as its
#' header line and its values: a 1-D tensor as R prints a vector, a 2-D
#' tensor as a table, others as `print()` shows them; chunk options set the
#' digits and how much is shown. See [knit_print.torch.Tensor].
#'
#' @param x,object A tensor (for `print.torchbridge_tensor_summary()`: its
#'   summary).
#' @param digits Significant digits for the summary statistics.
#' @param ... Not used.
#' @return `print()`: `x`, invisibly. `format()`: a character vector.
#'   `str()`: nothing, invisibly. `summary()`: a `torchbridge_tensor_summary`.
#' @family tensor methods
#' @name tensor-print
#' @examplesIf torchbridge::torch_available()
#' t <- as_torch(matrix(rnorm(6), 2))
#' t
#' str(t)
#' summary(t)
NULL

#' @rdname tensor-print
#' @export
print.torch.Tensor <- function(x, ...) {
  cat(format(x, ...), sep = "\n")
  invisible(x)
}

#' @rdname tensor-print
#' @export
format.torch.Tensor <- function(x, ...) {
  call <- rlang::current_env()
  p <- tensor_preview(x, 30L, 10L, 10L, 3L, call)
  c(value_lines(p), tensor_footer(p$info))
}

#' @rdname tensor-print
#' @rawNamespace S3method(utils::str, torch.Tensor)
str.torch.Tensor <- function(object, ...) {
  call <- rlang::current_env()
  h <- tb_value("head_values", object, 10L, .call = call)
  info <- tensor_info(h)
  vals <- if (!is.null(h$values)) preview_values(h$values, info$dtype, call)
  shown <- if (is.null(vals)) {
    character()
  } else if (is.character(vals)) {
    as.vector(vals) # exact integer text
  } else if (is.logical(vals)) {
    format(vals, trim = TRUE)
  } else {
    format(vals, digits = 3L, trim = TRUE, drop0trailing = TRUE)
  }
  more <- if (!is.null(vals) && info$numel > length(vals)) " ..." else ""
  cat(" ", tensor_label(info), if (length(shown)) " ", paste(shown, collapse = " "), more, "\n", sep = "")
  invisible()
}

#' @rdname tensor-print
#' @export
summary.torch.Tensor <- function(object, ...) {
  call <- rlang::current_env()
  s <- tb_value("summarize", object, .call = call)
  info <- tensor_info(s)
  structure(
    list(
      min = s$min, max = s$max, mean = s$mean, sd = s$sd, nan = s$nan, n = s$n,
      dtype = info$dtype, device = info$device, shape = info$shape, shape_text = info$shape_text,
      requires_grad = info$requires_grad
    ),
    class = "torchbridge_tensor_summary"
  )
}

#' @rdname tensor-print
#' @export
print.torchbridge_tensor_summary <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("Summary of ", tensor_label(x), "\n", sep = "")
  stats <- c(min = x$min, max = x$max, mean = x$mean, sd = x$sd)
  shown <- c(format(stats, digits = digits), `NaN` = format(x$nan, scientific = FALSE))
  print(shown, quote = FALSE)
  invisible(x)
}

# ---- helpers (also used by knit_print) --------------------------------------

# The tensor's facts from describe(), preview(), head_values() or
# summarize() (named lists that all start with them).
tensor_info <- function(p) {
  list(
    dtype = p$dtype,
    device = p$device,
    shape = dims_from_text(unlist(p$shape)),
    shape_text = p$shape_text,
    text = p$text,
    requires_grad = isTRUE(p$requires_grad),
    numel = as.numeric(p$numel)
  )
}

tensor_preview <- function(x, max_items, max_rows, max_cols, max_slices, call) {
  p <- tb_value("preview", x, max_items, max_rows, max_cols, max_slices, .call = call)
  list(
    info = tensor_info(p),
    values = if (!is.null(p$values)) preview_values(p$values, p$dtype, call),
    slices = lapply(p$slices, function(s) as.integer(unlist(s))),
    why = p$why
  )
}

# The values print() and str() show, as R values: doubles, or for int64,
# uint32 and uint64 exact decimal text (a character array with the values'
# dims), since a double rounds such values beyond 2^53.
preview_values <- function(t, dtype, call) {
  if (!dtype %in% c("int64", "uint32", "uint64")) return(tensor_to_r(t, "double", call))
  parts <- strsplit(tb_value("int_text", t, .call = call), "|", fixed = TRUE)[[1]]
  values <- if (length(parts) > 1L && nzchar(parts[[2]])) strsplit(parts[[2]], ";", fixed = TRUE)[[1]] else character()
  dims <- if (nzchar(parts[[1]])) as.integer(strsplit(parts[[1]], ",", fixed = TRUE)[[1]])
  if (length(dims) >= 2L) dim(values) <- dims
  values
}

# Dims from decimal strings: integers, or doubles where a dim passes R's
# integer range (as length() of a long vector).
dims_from_text <- function(dims) {
  d <- as.numeric(dims)
  if (all(d <= .Machine$integer.max)) as.integer(d) else d
}

# "torch.Tensor float32 (2, 3) cpu", used by str(), summaries and knitr.
tensor_label <- function(info) {
  paste0(
    "torch.Tensor ", info$dtype, " ", info$shape_text, " ", info$device,
    if (isTRUE(info$requires_grad)) " requires_grad" else ""
  )
}

tensor_footer <- function(info) {
  sprintf(
    "[ dtype: %s | device: %s | shape: %s | requires_grad: %s ]",
    info$dtype, info$device, info$shape_text, if (info$requires_grad) "TRUE" else "FALSE"
  )
}

is_int_dtype <- function(dtype) grepl("^u?int[0-9]+$", dtype)

# Values formatted together, as R formats one vector; keeps dims. `digits`:
# significant digits, NULL for getOption("digits"); float16 shows at most 4,
# bfloat16 at most 3 and float32 at most 9 (enough to tell every float32
# apart: more would show its binary expansion as if it were a double's
# digits), 4 and 3 when `digits` is NULL.
format_cells <- function(v, dtype, digits = NULL) {
  if (is.logical(v)) return(format(v))
  if (is.character(v)) return(format(v, justify = "right")) # exact integer text
  if (is_int_dtype(dtype)) return(format(v, scientific = FALSE))
  cap <- switch(dtype, float16 = , complex32 = 4L, bfloat16 = 3L, float32 = , complex64 = 9L, NULL)
  digits <- if (is.null(digits)) cap %||% getOption("digits") else min(digits, cap)
  format(v, digits = digits)
}

plural <- function(n, what) paste0(format(n, big.mark = ",", scientific = FALSE), " more ", what, if (n != 1) "s" else "")

value_lines <- function(p, width = getOption("width", 80L), digits = NULL) {
  info <- p$info
  shape <- info$shape
  nd <- length(shape)
  if (!is.null(p$why)) return(paste0(" (values not shown: ", p$why, ")"))
  if (info$numel == 0) return(" (no elements)")
  cells <- format_cells(p$values, info$dtype, digits)
  if (nd == 0) return(paste0(" ", cells))
  if (nd == 1) {
    lines <- wrap_cells(cells, width)
    more <- shape[[1]] - length(cells)
    if (more > 0) lines <- c(lines, paste0(" ... and ", plural(more, "value")))
    return(lines)
  }
  rows_of <- function(m) apply(m, 1, function(r) paste0(" ", paste(r, collapse = " ")))
  notes <- character()
  more_rows <- shape[[nd - 1]] - dim(cells)[[length(dim(cells)) - 1]]
  more_cols <- shape[[nd]] - dim(cells)[[length(dim(cells))]]
  if (more_rows > 0 || more_cols > 0) {
    parts <- c(if (more_rows > 0) plural(more_rows, "row"), if (more_cols > 0) plural(more_cols, "column"))
    notes <- paste0(" ... and ", paste(parts, collapse = " and "), if (nd > 2) " in each matrix" else "")
  }
  if (nd == 2) return(c(rows_of(cells), notes))
  lines <- character()
  for (k in seq_along(p$slices)) {
    head <- paste0("(", paste(c(p$slices[[k]], ".", "."), collapse = ","), ") =")
    m <- cells[k, , , drop = TRUE]
    dim(m) <- dim(cells)[-1]
    lines <- c(lines, head, rows_of(m), if (k < length(p$slices)) "")
  }
  more_slices <- prod(shape[seq_len(nd - 2)]) - length(p$slices)
  if (more_slices > 0) notes <- c(notes, paste0(" ... and ", plural(more_slices, "matrix"), ""))
  c(lines, sub("matrixs", "matrices", notes, fixed = TRUE))
}

wrap_cells <- function(cells, width) {
  lines <- character()
  line <- ""
  for (cell in cells) {
    candidate <- paste0(line, " ", cell)
    if (nchar(line) > 0 && nchar(candidate) > width) {
      lines <- c(lines, line)
      candidate <- paste0(" ", cell)
    }
    line <- candidate
  }
  c(lines, line)
}
