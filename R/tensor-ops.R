#' Arithmetic, math and summaries on tensors
#'
#' Tensors work with R's operators and math functions the way R arrays do,
#' and the work stays on the tensor's device: the result is a new tensor
#' there, never an R vector. Use [from_torch()] (or `as.vector()`,
#' `as.array()`...) to bring values back to R.
#'
#' @section Operators (the Ops group):
#' `+ - * / ^ %% %/%`, `== != < <= > >=`, `& | !` and unary `-`/`+` work
#' between two tensors, and between a tensor and an R number, vector or
#' array on either side.
#'
#' * **Devices.** An R value is sent to the tensor's device (in R's own type,
#'   then cast there). Two tensors must be on the same device
#'   (`torchbridge_error_device`), except that a 0-d CPU tensor joins any.
#' * **Types.** An R value takes the dtype torch gives a Python number of the
#'   same kind next to the tensor, so an R double does not widen a float32
#'   tensor (`t * 2` stays float32), an R integer next to an int64 tensor is
#'   int64, and an R double next to an integer tensor gives torch's default
#'   float dtype. The values must fit that dtype, as in [as_torch()]: NA with
#'   an integer or bool tensor is a `torchbridge_error_na`, a value out of
#'   range a `torchbridge_error_overflow`. Between tensors, torch's type
#'   promotion applies. As in R, `/` and `^` of integer or bool tensors give
#'   floats (the default float dtype), logicals count as integers in `+ - *
#'   %% %/%` (`TRUE + TRUE` is 2), comparisons and `& | !` give bool, and
#'   `& | !` treat non-zero as `TRUE` for every dtype.
#' * **Integers never wrap.** torch's integer arithmetic wraps around
#'   silently (`uint8` 0 - 1 is 255); R gives `NA`. An integer result of
#'   `+ - * %/%`, unary `-`, `abs()`, `sum()`, `prod()`, `cumsum()` or
#'   `cumprod()` that does not fit its dtype is a
#'   `torchbridge_error_overflow` naming the operation and the true result.
#'   The check is exact and runs on the tensor's device in integer
#'   arithmetic (nothing is copied to the host, also on MPS): first from the
#'   operands' smallest and largest values, which settle most results; else
#'   element by element, a quarter of a million at a time. A sum is checked
#'   as a whole, as R does: partial sums beyond the range are fine if the
#'   total fits. uint16, uint32 and uint64 (which torch can only multiply)
#'   are compared with float64 instead. A 0-d tensor whose value the
#'   result's integer dtype can't hold (torch would wrap it first: an int8
#'   tensor `== torch$tensor(1000L)` would compare with -24) is an overflow
#'   error in arithmetic; comparisons and `& |` are made in a dtype that
#'   holds both.
#' * **Errors of torch itself**, such as running out of memory, are
#'   `torchbridge_error_torch` with torch's message; a dtype torch has no
#'   kernel for is a `torchbridge_error_dtype`.
#' * **Other classes.** A factor, `Date` or other classed R object next to a
#'   tensor is a `torchbridge_error_type` on R 4.3 and later (through
#'   `chooseOpsMethod()`). On R 4.2, when the other object has an `Ops`
#'   method of its own, R warns "Incompatible methods" and fails with its own
#'   error: no method can intercept that.
#' * **NaN.** Comparisons with NaN are `FALSE` (`!=` is `TRUE`) and NaN
#'   counts as `TRUE` in `& | !`, as in torch, where R gives `NA`: a bool
#'   tensor has no NA. Arithmetic carries NaN as R does. Where both
#'   operands are missing (`NaN - NA`), which of the two the result is
#'   (`NA` or `NaN`) is up to the processor, as R's documentation says of
#'   R itself ([NA]): on x86 R keeps the first operand's and torch the
#'   second's; `is.na()` is `TRUE` either way.
#' * **`%%` and `%/%`** follow R: the remainder has the sign of the divisor
#'   and `%/%` rounds down. An integer division by zero, which R answers
#'   with `NA`, is a `torchbridge_error_na` (integer tensors have no NA),
#'   found before torch divides: GPUs divide integers by zero without an
#'   error and give meaningless values. With floats it gives `NaN` or `Inf`
#'   as in R.
#' * **Shapes.** Two tensors broadcast as torch does. An R vector (no dims)
#'   recycles over the tensor in R's column-major order, and its length
#'   must divide the tensor's size; an R matrix or array must have the
#'   tensor's shape. The result has the tensor's shape. Shapes that don't
#'   fit are a `torchbridge_error_shape` naming both sides.
#'
#' @section Math (the Math group):
#' `abs()`, `sign()`, `sqrt()`, `floor()`, `ceiling()`, `trunc()`,
#' `round(x, digits)`, `signif(x, digits)`, `exp()`, `log(x, base)`,
#' `log2()`, `log10()`, `log1p()`, `expm1()`, `cos()`, `sin()`, `tan()`,
#' `cospi()`, `sinpi()`, `tanpi()`, `acos()`, `asin()`, `atan()`, `cosh()`,
#' `sinh()`, `tanh()`, `acosh()`, `asinh()`, `atanh()`, `lgamma()`,
#' `gamma()`, `digamma()`, `trigamma()`, `cumsum()`, `cumprod()`,
#' `cummax()` and `cummin()` return a tensor on the same device.
#'
#' * `round()` gives what R gives: `digits = 0` rounds half to even, and
#'   for other `digits` R's own algorithm (R >= 4.0.0) is used, which picks
#'   the closer of the two candidates as doubles and differs from torch's
#'   `round(decimals =)` (`round(0.15, 1)` is 0.1 in R). It is computed in
#'   float64, as R computes it, and cast back to the tensor's dtype.
#'   `signif()` likewise follows R's algorithm. Both work on a quarter of a
#'   million elements at a time, so their extra memory is the result and a
#'   few MB. MPS has no float64 and float32 gets these wrong (NaN for
#'   `signif(1.23e-35, 6)`, 9e37 for `signif(9.99e37, 1)`), so on MPS the
#'   values go to the CPU and back, a piece at a time.
#' * Functions with fractional results (`sqrt()`, `exp()`, `log()`, the
#'   trigonometric and hyperbolic functions, `gamma()`...) give the default
#'   float dtype for integer and bool tensors, as R gives doubles.
#' * Functions whose result is a whole number for whole numbers (`abs()`,
#'   `sign()`, `floor()`, `ceiling()`, `trunc()`, `round()`, `signif()`,
#'   `cumsum()`, `cumprod()`, `cummax()`, `cummin()`) keep an integer
#'   tensor's dtype, and turn bool into int64. R returns doubles for some of
#'   these (`sign()`, `floor()`, `ceiling()`, `trunc()`, `round()`,
#'   `signif()`, `cumprod()`); a tensor keeps its integers, which are exact
#'   up to 2^63 where a float would not be.
#' * The cumulative functions run over the elements in R's column-major
#'   order and give a 1-D tensor, as R gives a vector.
#' * `log(x, base)` uses `log2()`/`log10()` for bases 2 and 10, as R does,
#'   and `log(x) / log(base)` otherwise, so base 0 or a negative base gives
#'   what R gives (`-0`, `NaN`), never an error.
#'
#' @section Complex numbers (the Complex group):
#' `Re()`, `Im()`, `Mod()`, `Arg()` and `Conj()` work on complex tensors and,
#' as in R, on real ones (`Im()` of a real tensor is zeros). `Re()`, `Im()`,
#' `Mod()` and `Arg()` give real float tensors (the default float dtype for
#' integer and bool tensors); `Conj()` keeps the dtype.
#'
#' @section Summaries (the Summary group and mean()):
#' `sum()`, `prod()`, `min()`, `max()`, `range()`, `any()`, `all()` and
#' `mean()` reduce over all elements and return a 0-d tensor (`range()`: a
#' 1-D tensor of two) on the tensor's device. Several arguments (tensors or
#' R numbers) are combined as R does. `na.rm = TRUE` skips NaN. Logicals
#' count as integers (`sum()` of a bool tensor is int64); `prod()` of an
#' integer tensor stays int64 (R gives a double). `min()` and `max()` of no
#' values are `Inf` and `-Inf` as in R, without R's warning. `any()` and
#' `all()` give a bool tensor; where R's answer would be `NA` (a NaN and no
#' element that decides), that is a `torchbridge_error_na`, as a bool tensor
#' can't hold NA. `mean()` of an integer or bool tensor gives the default
#' float dtype; `mean()` accepts only `trim = 0`.
#'
#' @param e1,e2 Tensors, or a tensor and an R numeric, integer, logical or
#'   complex vector, matrix or array.
#' @param x,z A tensor.
#' @param ... For the Math group: `digits` for `round()` and `signif()`,
#'   `base` for `log()`. For the Summary group: tensors and R numbers.
#' @param na.rm `TRUE` to skip NaN values.
#' @return A tensor on the device of the tensor argument.
#' @family tensor methods
#' @name tensor-ops
#' @examplesIf torchbridge::torch_available()
#' t <- as_torch(matrix(c(1.5, -2, 3, 4), 2))
#' t * 2              # float32, like t
#' t + c(10, 20)      # recycled down the columns, as in R
#' t %% 2
#' round(t / 3, 2)
#' sum(t > 0)         # a 0-d int64 tensor
#' from_torch(mean(t))
NULL

#' @rdname tensor-ops
#' @export
Ops.torch.Tensor <- function(e1, e2) {
  if (nargs() == 1L) {
    call <- call(.Generic, quote(e1))
    return(tb_call("unary", .Generic, e1, .call = call))
  }
  call <- call(.Generic, quote(e1), quote(e2))
  check_operands(list(e1 = e1, e2 = e2), .Generic, call)
  tb_call("binary", .Generic, r_value(e1), r_value(e2), .call = call)
}

#' @rdname tensor-ops
#' @export
Math.torch.Tensor <- function(x, ...) {
  fun <- .Generic
  call <- rlang::call2(fun, quote(x), ...)
  args <- list(...)
  arg <- switch(.Generic,
    round = ,
    signif = math_number(args, "digits", .Generic, call),
    log = math_number(args, "base", .Generic, call),
    {
      if (length(args)) {
        tb_abort("{.fn {fun}} takes no argument but {.arg x} for a tensor.", "arg", call = call)
      }
      NULL
    }
  )
  tb_call("math_op", .Generic, x, arg, .call = call)
}

#' @rdname tensor-ops
#' @export
Complex.torch.Tensor <- function(z) {
  call <- call(.Generic, quote(z))
  tb_call("complex_op", .Generic, z, .call = call)
}

#' @rdname tensor-ops
#' @export
Summary.torch.Tensor <- function(..., na.rm = FALSE) {
  call <- rlang::call2(.Generic, quote(...))
  check_flag(na.rm, call = call)
  items <- list(...)
  if (any(rlang::names2(items) != "")) {
    tb_abort(c(
      "{.fn {(.Generic)}} of tensors takes no named argument but {.arg na.rm}.",
      x = "Got {.arg {rlang::names2(items)[rlang::names2(items) != '']}}."
    ), "arg", call = call)
  }
  names(items) <- paste0("..", seq_along(items))
  check_operands(items, paste0(.Generic, "()"), call)
  tb_call("summary", .Generic, unname(lapply(items, r_value)), na.rm, .call = call)
}

#' @rdname tensor-ops
#' @export
mean.torch.Tensor <- function(x, ..., na.rm = FALSE) {
  call <- rlang::current_env()
  check_flag(na.rm, call = call)
  dots <- list(...)
  if (length(dots) && !(identical(names(dots), "trim") && identical(as.numeric(dots$trim), 0))) {
    tb_abort(c(
      "{.fn mean} of a tensor takes only {.arg na.rm}.",
      x = "Also got {.arg {rlang::names2(dots)}}.",
      i = "A trimmed mean needs sorting: use {.code mean(from_torch(x), trim = )}."
    ), "arg", call = call)
  }
  tb_call("mean", x, na.rm, .call = call)
}

#' Matrix products of tensors
#'
#' `x %@% y` is R's matrix product for tensors, on their device; it works
#' on every R version. On R 4.3 and later, `x %*% y` does the same for
#' tensors (R 4.2 can't dispatch `%*%` on S3 classes).
#'
#' For 1-D and 2-D operands R's rules apply and the result is a matrix
#' (a 2-D tensor): a vector is taken as a row or a column, whichever
#' conforms, and two vectors of the same length give their inner product as
#' a 1 x 1 matrix. With more than 2 dims, torch's batched `matmul()`
#' applies. One side may be an R matrix or vector (sent to the tensor's
#' device). Integer and bool operands give the default float dtype (R gives
#' doubles); tensors of different float dtypes are promoted as torch does.
#' Dims that don't conform are a `torchbridge_error_shape` naming both
#' sides.
#'
#' @param x,y Tensors, or a tensor and an R matrix or vector.
#' @return A tensor.
#' @family tensor methods
#' @name tensor-matmul
#' @export
#' @examplesIf torchbridge::torch_available()
#' a <- as_torch(matrix(1:6, 2), dtype = "float32")
#' a %@% t(a)
#' a %@% c(1, 0, 1)   # a 2 x 1 matrix, as in R
`%@%` <- function(x, y) {
  tensor_matmul(x, y, rlang::current_env())
}

# The %*% method, registered in .onLoad on R >= 4.3 (matrixOps).
matmul_method <- function(x, y) {
  tensor_matmul(x, y, rlang::call2("%*%", quote(x), quote(y)))
}

# The crossprod() and tcrossprod() methods, registered in .onLoad on R >= 4.4
# (where they joined %*% in the matrixOps group): t(x) %*% y and x %*% t(y).
crossprod_method <- function(x, y = NULL) {
  call <- rlang::call2("crossprod", quote(x), quote(y))
  tensor_matmul(t(x), y %||% x, call)
}

tcrossprod_method <- function(x, y = NULL) {
  call <- rlang::call2("tcrossprod", quote(x), quote(y))
  tensor_matmul(x, t(y %||% x), call)
}

tensor_matmul <- function(x, y, call) {
  if (!is_tensor(x) && !is_tensor(y)) {
    tb_abort(c(
      "{.arg x} or {.arg y} must be a tensor.",
      x = "{.arg x} is {obj_desc(x)} and {.arg y} is {obj_desc(y)}.",
      i = "For R matrices, use {.code %*%}."
    ), "type", call = call)
  }
  check_operands(list(x = x, y = y), "%*%", call)
  tb_call("matmul", r_value(x), r_value(y), .call = call)
}

# ---- helpers ----------------------------------------------------------------

# An R value on its way to the Python methods: a tensor as it is, an R number
# as a Python scalar, anything longer (or with attributes, or NA) as a
# descriptor -- the data's address, R type, length and dims -- that Python
# reads in place. The caller must keep `x` referenced until the Python call
# returns (a temporary made only to be described could be collected).
r_value <- function(x) {
  if (is_tensor(x)) return(x)
  if (length(x) == 1L && is.null(attributes(x)) && !is.na(x)) return(x)
  list(
    .Call(tb_address, x),
    if (inherits(x, "integer64")) "integer64" else typeof(x),
    r_length(x),
    if (!is.null(r_dims(x))) as.list(r_dims(x))
  )
}

is_r_number <- function(x) {
  !is.null(r_data_type(x, c("double", "integer", "logical", "complex"), "integer64"))
}

# Every element of `values` (named by argument) must be a tensor or R number.
check_operands <- function(values, op, call) {
  for (v in values) {
    if (!is_tensor(v) && !is_r_number(v)) operand_error(values, op, call)
  }
  invisible()
}

operand_error <- function(values, op, call) {
  ok <- vapply(values, function(v) is_tensor(v) || is_r_number(v), TRUE)
  desc <- vapply(values, function(v) if (is_tensor(v)) tensor_desc(v) else obj_desc(v), "")
  tb_abort(c(
    "Can't apply {.code {op}} to {desc[!ok][1]}.",
    x_bullets(paste0("{.arg ", names(values), "} is ", cli_escape(desc), ".")),
    i = "Tensors work with tensors and with R numeric, integer, logical or complex vectors and arrays."
  ), "type", call = call)
}

math_number <- function(args, what, fun, call) {
  if (!length(args)) return(NULL)
  if (length(args) > 1L) {
    tb_abort("{.fn {fun}} takes one argument besides {.arg x} for a tensor.", "arg", call = call)
  }
  v <- args[[1]]
  if (!is.numeric(v) || length(v) != 1L || is.na(v) || !is.null(oldClass(v))) {
    tb_abort(c(
      "{.arg {what}} must be a single number.",
      x = "It is {obj_desc(v)}{if (is.atomic(v) && length(v) != 1L) paste0(' of length ', length(v)) else ''}."
    ), "arg", call = call)
  }
  as.double(v)
}

# "a float32 tensor of shape (2, 3) on cpu", for error messages (one call
# into Python, on the error path only; the text is Python's describe_tensor()).
tensor_desc <- function(x) {
  tryCatch(tb_value("describe", x)$text, error = function(e) "a torch tensor")
}
