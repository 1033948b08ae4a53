#' Convert R data to a torch tensor
#'
#' `as_torch()` copies an R vector, matrix, array or data frame into a new
#' torch tensor in one pass: the cast to `dtype` and the change from R's
#' column-major layout to torch's row-major layout happen in that same pass,
#' and the data never goes through NumPy or a Python list.
#'
#' @section Types:
#' | R input | default dtype | missing values |
#' |---|---|---|
#' | double | `torch.get_default_dtype()` (float32 unless changed); the option `torchbridge.float_dtype` overrides | NA/NaN become NaN; with float64 R's NA bit pattern is kept, so [from_torch()] gives `NA` back |
#' | integer | int64 | NA is an error of class `torchbridge_error_na`, unless `dtype` is a float type (then NaN; with float64 R's NA) |
#' | logical | bool | as integer |
#' | complex | complex64 (complex128 when the float dtype is float64) | NaN parts kept |
#' | raw | uint8 | none |
#' | `bit64::integer64` | int64, exactly | as integer |
#' | data.frame | one dtype for all columns (bool < int64 < float) | as above, per column |
#' | NumPy array, DLPack object | its own dtype | kept |
#'
#' A data frame becomes a 2-D tensor, rows by columns; every column must be
#' numeric, integer or logical (an error names the others). Factors,
#' characters, lists, classed vectors such as `Date`, S4 objects (e.g.
#' Matrix's) and `NULL` are errors of class `torchbridge_error_type`.
#'
#' @section Python arrays:
#' NumPy arrays (and NumPy scalars) and objects with `__dlpack__` (JAX,
#' CuPy, TensorFlow tensors) or the array interface become tensors of their
#' own dtype unless `dtype` is given, with the cast rules below. NumPy
#' makes float64 by default, which is usually more than a GPU wants: pass
#' `dtype = "float32"` there. With `copy = TRUE` the tensor owns its
#' memory, so in-place torch operations never change the array; with
#' `copy = FALSE` it shares the array's memory as `torch.from_numpy()` does
#' (where no cast and no move is needed), and the array and the tensor
#' change together. `device` works as for R data. A Python list is not an
#' array: convert it with [from_torch()] first.
#'
#' @section Shapes:
#' A plain vector gives a 1-D tensor (also for length 1); `dim(x)` is kept in
#' the same order, so `t[i-1, j-1, k-1]` is `x[i, j, k]`. Dimension names are
#' dropped. Zero-length dimensions are allowed.
#'
#' @section Casts:
#' A cast never changes a value silently: a value outside the range of
#' `dtype` (300 to uint8, `Inf` to an integer type, 70000 to float16) is a
#' `torchbridge_error_overflow`; a lost fraction (3.5 to int64) or a dropped
#' non-zero imaginary part is a `torchbridge_error_dtype`; NA or NaN to an
#' integer or bool type is a `torchbridge_error_na`. Rounding to a narrower
#' float (float64 to float32, float16 or bfloat16) is allowed, including
#' underflow (1e-10 to float16 is 0), for every narrow float. Overflow is
#' not: a finite value beyond the largest finite value of the target, `Inf`
#' into a float8 format without infinity (`float8_e4m3fn`, `float8_e4m3fnuz`,
#' `float8_e5m2fnuz`, `float8_e8m0fnu`), and zero or a negative value into
#' `float8_e8m0fnu` (positive powers of two only) are all
#' `torchbridge_error_overflow`. Bit-packed dtypes (`float4_e2m1fn_x2`,
#' `uint4`...) and quantized ones are not cast targets
#' (`torchbridge_error_dtype`). To bool, non-zero is `TRUE`, as in R. The
#' same rules apply to tensors given to `as_torch(dtype =)` and to values
#' written with `[<-`.
#'
#' @section Malformed input:
#' R objects whose attributes lie are refused before any memory is read: a
#' data frame whose columns don't all hold its number of rows, and the
#' `integer64` class on anything but a double vector, are
#' `torchbridge_error_type`.
#'
#' @section Memory:
#' With `copy = TRUE` (the default) the tensor owns its memory and is
#' contiguous, and nothing done to it can change `x`: R's copy-on-modify
#' holds. With `copy = FALSE`, a double or integer input whose dtype needs no
#' cast (float64, int32) and that stays on the CPU is shared instead of
#' copied: the tensor then has column-major strides and keeps `x` alive.
#' Treat such a tensor as read-only: an in-place torch operation on it
#' (`t$add_(1)`) changes `x` behind R's back, and with it every R variable
#' bound to the same vector (after `y <- x`, `y` changes too, since R had not
#' copied it). Other inputs are copied. `copy = FALSE` promises only that
#' memory is shared where it can be and that `x` stays alive as long as the
#' tensor; the guarantee that torch never writes what R can see holds on the
#' default path only.
#'
#' @param x An R vector, matrix, array or data frame, a torch tensor, or a
#'   NumPy array or DLPack object (see Python arrays).
#'   A tensor is returned as it is unless `dtype`, `device` or
#'   `requires_grad` is given.
#' @param dtype `NULL` for the default above, a dtype name (`"float32"`,
#'   `"float"`, `"float64"`, `"double"`, `"float16"`, `"half"`, `"bfloat16"`,
#'   `"int8"`, `"int16"`, `"int32"`, `"int64"`, `"long"`, `"uint8"`,
#'   `"bool"`, `"complex64"`, `"complex128"` or any other name torch
#'   defines, such as `"short"` or `"cfloat"`), or a torch dtype object.
#' @param device `NULL` for `getOption("torchbridge.device", "cpu")`, or
#'   `"cpu"`, `"cuda"`, `"cuda:N"`, `"mps"` or `"auto"` (see
#'   [default_device()]); other names torch accepts for these devices
#'   (`"cpu:0"`, `"mps:0"`) and `torch.device` objects (`t$device`) work
#'   too. The option does not apply to tensors.
#' @param requires_grad `TRUE` to make the result a leaf tensor that
#'   requires grad; needs a float or complex dtype.
#' @param copy `FALSE` to share memory with `x` where possible (see Memory).
#' @return A `torch.Tensor`.
#' @family conversion
#' @export
#' @examplesIf torchbridge::torch_available()
#' t <- as_torch(matrix(1:6, 2))
#' t$shape
#' as_torch(c(1.5, NA), dtype = "float64")
#' as_torch(mtcars[, c("mpg", "cyl")], device = "auto")
as_torch <- function(x, dtype = NULL, device = NULL, requires_grad = FALSE,
                     copy = TRUE) {
  call <- rlang::current_env()
  check_flag(requires_grad, call = call)
  check_flag(copy, call = call)
  check_dtype_arg(dtype, call = call)
  check_device_arg(device, call = call)
  if (is_tensor(x)) {
    grad <- if (missing(requires_grad)) NULL else requires_grad
    if (is.null(dtype) && is.null(device) && is.null(grad)) return(check_live(x, call))
    return(tb_call("cast_tensor", x, dtype, device, grad, .call = call))
  }
  if (inherits(x, "python.builtin.object")) {
    device <- device %||% getOption("torchbridge.device", "cpu")
    return(tb_call("from_python", x, dtype, device, requires_grad, copy, .call = call))
  }
  release_shared()
  device <- device %||% getOption("torchbridge.device", "cpu")
  float_dtype <- getOption("torchbridge.float_dtype")
  if (is.data.frame(x)) {
    return(data_frame_to_torch(x, dtype, float_dtype, device, requires_grad, call))
  }
  rtype <- r_type(x, call)
  dims <- r_dims(x)
  shape <- if (!is.null(dims)) as.list(dims)
  if (copy && is.null(dtype) && is.null(float_dtype) && identical(device, "cpu") && !requires_grad) {
    # The common case with Python's defaults: fewer arguments to convert.
    return(tb_call("from_r", .Call(tb_address, x), rtype, r_length(x), shape, .call = call))
  }
  token <- if (!copy && rtype %in% c("double", "integer")) keep_shared(x)
  tb_call("from_r",
    .Call(tb_address, x), rtype, r_length(x), shape,
    dtype, float_dtype, device, requires_grad, copy, token,
    .call = call
  )
}

# The length of x's data as an exact decimal string (long vectors pass
# 2^31), read in C: an S3 length() method (AsIs, integer64) could lie.
r_length <- function(x) .Call(tb_length, x)

# x's dims, without dispatch: a dim() method could lie, the attribute can't
# (R checks it against the length when it is set).
r_dims <- function(x) attr(x, "dim", exact = TRUE)

# The R type of data as_torch() takes (see r_data_type()), or the classed
# error that says why `x` is not such data.
r_type <- function(x, call, what = "x") {
  type <- r_data_type(x)
  if (!is.null(type)) return(type)
  if (inherits(x, "integer64")) check_integer64(x, call, what)
  if (is.factor(x)) {
    tb_abort(c(
      "Can't convert a factor to a tensor.",
      i = "For class indices (0-based, as torch expects), use {.code as.integer({what}) - 1L}.",
      i = "For one-hot codes, convert the indices and use {.code torch$nn$functional$one_hot()}."
    ), "type", call = call)
  }
  if (isS4(x)) {
    tb_abort(c(
      "Can't convert an S4 object of class {.cls {class(x)[1]}} to a tensor.",
      i = "For a sparse or dense matrix from the Matrix package, use {.code as.matrix({what})}."
    ), "type", call = call)
  }
  cls <- oldClass(x)
  if (!is.null(cls) && !all(cls %in% c("table", "AsIs", "integer64"))) {
    tb_abort(c(
      "Can't convert an object of class {.cls {cls}} to a tensor.",
      i = "If its numbers are what you want, use {.code unclass({what})} or {.code as.numeric({what})}."
    ), "type", call = call)
  }
  type <- typeof(x)
  hint <- switch(type,
    character = "Convert text to numbers first, e.g. with {.fn as.numeric} or {.fn factor} and {.code as.integer() - 1L}.",
    list = "For a list of vectors, convert each: {.code lapply({what}, as_torch)}.",
    NULL = "There is nothing to convert.",
    "Only numeric, integer, logical, complex and raw vectors, matrices, arrays and data frames can be converted."
  )
  tb_abort(c(
    "Can't convert {obj_desc(x)} to a tensor.",
    i = hint
  ), "type", call = call)
}

# bit64's integer64 keeps int64 bits in a double vector (8 bytes each); the
# class on other storage is a lie that would make torch read past the data.
is_integer64 <- function(x) inherits(x, "integer64") && typeof(x) == "double"

check_integer64 <- function(x, call, what = "x") {
  if (!is_integer64(x)) {
    tb_abort(c(
      "Can't convert {.arg {what}}: it has the class {.cls integer64} but is not stored as doubles.",
      x = "It is stored as {typeof(x)}; {.pkg bit64} stores each integer64 in the 8 bytes of a double.",
      i = "Make integer64 vectors with {.code bit64::as.integer64()}."
    ), "type", call = call)
  }
  invisible(x)
}

data_frame_to_torch <- function(x, dtype, float_dtype, device, requires_grad, call) {
  ok <- vapply(x, function(col) {
    !is.null(r_data_type(col, c("double", "integer", "logical"), c("AsIs", "integer64")))
  }, TRUE)
  if (!all(ok)) {
    bad <- names(x)[!ok]
    kinds <- vapply(x[!ok], function(col) class(col)[1], "")
    tb_abort(c(
      "Can't convert a data frame with columns that are not numeric or logical.",
      x_bullets(paste0("{.field ", cli_escape(bad), "} is ", kinds)),
      i = "Drop or convert them first (factors: {.code as.integer(col) - 1L})."
    ), "type", call = call)
  }
  mats <- vapply(x, function(col) !is.null(r_dims(col)), TRUE)
  if (any(mats)) {
    tb_abort("Can't convert a data frame with matrix columns.", "type", call = call)
  }
  # Every column must hold the rows the data frame claims (a malformed one,
  # e.g. made with structure(), can claim more): checked before any address
  # is handed over.
  n <- .row_names_info(x, 2L)
  lens <- vapply(x, function(col) as.numeric(r_length(col)), 0)
  if (any(lens != n)) {
    bad <- which(lens != n)[[1]]
    tb_abort(c(
      "Can't convert a malformed data frame: its columns don't all have its number of rows.",
      x = "It claims {n} row{?s}; column {.field {cli_escape(names(x)[bad])}} has {lens[[bad]]} value{?s}.",
      i = "Rebuild it with {.fn data.frame}."
    ), "type", call = call)
  }
  rtypes <- vapply(x, function(col) if (is_integer64(col)) "integer64" else typeof(col), "")
  addresses <- lapply(x, function(col) .Call(tb_address, col))
  tb_call("from_columns",
    unname(addresses), as.list(unname(rtypes)), as.character(n),
    dtype, float_dtype, device, requires_grad,
    .call = call
  )
}
