#' Convert a torch tensor to R
#'
#' `from_torch()` allocates the R result once and fills it with one copy
#' (cast and transpose fused). Tensors that require grad, live on a GPU, are
#' non-contiguous, expanded, conjugated or negated views all convert as they
#' are; there is no need to call `detach()`, `cpu()` or `contiguous()`.
#'
#' | torch dtype | R type |
#' |---|---|
#' | float16, bfloat16, float32, float64 | double |
#' | int8, int16, int32, uint8, uint16 | integer |
#' | int64, uint32, uint64 | integer (or as `int64` says) |
#' | bool | logical |
#' | float8 (all formats) | double (exactly) |
#' | complex32, complex64, complex128 | complex |
#'
#' A 0-d or 1-D tensor gives a plain vector, a 2-D tensor a matrix, more
#' dimensions an array with the same dims.
#'
#' @section What Python hands R:
#' `from_torch()` takes what Python code actually produces, as `py$x` or
#' `reticulate::py_eval()` give it:
#' - lists, tuples and dicts (including a `state_dict()`), recursively: an
#'   R list, dict keys as names in their order; a named tuple such as the
#'   result of `torch$max(x, dim = 1L)` is a list named by its fields
#'   (`values`, `indices`);
#' - R lists whose elements are tensors, other Python objects or plain R
#'   values (reticulate has already turned the container into an R list);
#'   plain R values pass through unchanged;
#' - a list or tuple of plain Python numbers, bools or strings of one kind:
#'   an R vector (`[0.9, 0.7]` gives `c(0.9, 0.7)`; ints and floats together
#'   give doubles). Python ints are R integers when all of them fit R's
#'   integer range, else doubles (`int64 = "bit64"`: integer64), with a
#'   `torchbridge_warning_precision` beyond 2^53. Mixed lists stay lists;
#' - Python numbers, bools, strings and `None`: length-1 vectors and `NULL`
#'   (kept as a list element);
#' - NumPy arrays and scalars of every numeric and bool dtype, in any layout
#'   (Fortran order, strided, negative strides, read-only, either byte
#'   order), by the table above; objects with `__dlpack__` (JAX, CuPy,
#'   TensorFlow tensors) or the array interface likewise;
#' - a torch module: its `state_dict()`, with a message of class
#'   `torchbridge_message_module`.
#'
#' Anything else (Python sets, iterators, other objects, NumPy string,
#' object and structured arrays) is an error of class
#' `torchbridge_error_type` that names where it sits, e.g.
#' `x$history[[3]]: a Python set can't be converted to R`. An error in
#' converting a tensor inside a list names its place the same way.
#' Containers nested deeper than 100 levels, or that contain themselves, are
#' an error of class `torchbridge_error_size` rather than the C stack
#' overflow that ends R in `reticulate::py_to_r()`: each Python list is
#' scanned once for that before it is converted, which makes a long list of
#' numbers about 1.4 times as slow to convert as a bare `py_to_r()` (a list
#' of 1e5 floats: about 2 ms).
#'
#' Values are never shifted: indices computed by torch (as from `argmax()`
#' or `torch$max()`) stay 0-based. Add 1 to use them as R indices.
#'
#' An integer value R can't hold (beyond +/-2147483647, or -2147483648,
#' which is R's `NA_integer_`) is an error of class
#' `torchbridge_error_overflow`, never a silent wrap. Raw bytes come back as
#' integers: use `as.raw(from_torch(t))` to get bytes again. Sparse tensors
#' need `x$to_dense()` first; quantized, nested and meta tensors, and tensors
#' whose elements lie outside their storage (after
#' `untyped_storage()$resize_()` on their base), are errors of class
#' `torchbridge_error_unsupported_tensor`. A result R can't allocate is a
#' `torchbridge_error_size` giving its size in GB. Python lists nested more
#' than 100 levels deep (or containing themselves) are a
#' `torchbridge_error_size`.
#'
#' @param x A torch tensor, a NumPy array or other Python object, or a
#'   list of them (see What Python hands R).
#' @param int64 What int64, uint32 and uint64 tensors become: `"integer"`
#'   (R integers; an error when a value does not fit), `"double"` (exact up
#'   to 2^53, a warning of class `torchbridge_warning_precision` beyond) or
#'   `"bit64"` (a `bit64::integer64` vector, exact; needs the bit64
#'   package).
#' @return An R vector, matrix or array, or a (nested) list of them.
#' @family conversion
#' @export
#' @examplesIf torchbridge::torch_available()
#' t <- as_torch(matrix(c(1, 2, 3, 4), 2))
#' from_torch(t$matmul(t))
#' from_torch(torch$max(t, dim = 1L)) # list(values = , indices = ), 0-based
from_torch <- function(x, int64 = c("integer", "double", "bit64")) {
  call <- rlang::current_env()
  int64 <- check_int64(int64, call)
  if (!inherits(x, "python.builtin.object") && (!is.list(x) || is.object(x))) {
    tb_abort(c(
      "{.arg x} must be a torch tensor, or a list of them.",
      x = "It is {obj_desc(x)}.",
      i = "Use {.fn as_torch} to make a tensor from R data."
    ), "type", call = call)
  }
  if (is_tensor(x)) tensor_to_r(x, int64, call) else python_to_r(x, int64, call)
}

tensor_to_r <- function(x, int64, call) {
  # "rtype;n;dims;warn;in_scratch" (see plan_text() in _from_torch.py)
  plan <- strsplit(tb_value("plan_text", x, int64, .call = call), ";", fixed = TRUE)[[1]]
  dims <- if (nzchar(plan[[3]])) as.integer(strsplit(plan[[3]], ",", fixed = TRUE)[[1]])
  if (plan[[5]] == "1") {
    out <- .Call(tb_alloc_scratch, plan[[1]], plan[[2]], dims, .tb$scratch)
  } else {
    out <- tryCatch(.Call(tb_alloc, plan[[1]], plan[[2]], dims), error = function(e) {
      tb_fn("drop_plan")() # the planned tensor must not stay pinned
      alloc_error(plan, e, call)
    })
    tryCatch(tb_call("fill", .Call(tb_address, out), .call = call), error = function(e) {
      try(tb_fn("drop_plan")(), silent = TRUE) # kept for a second try after running out of memory
      stop(e)
    })
  }
  if (plan[[1]] == "integer64") class(out) <- "integer64"
  if (plan[[4]] == "1") {
    tb_warn(c(
      "Some int64 values are beyond 2^53, where doubles can't hold every integer.",
      i = "They were rounded. Use {.code int64 = \"bit64\"} to keep them exact."
    ), "precision", call = call)
  }
  out
}

alloc_error <- function(plan, e, call) {
  size <- as.numeric(plan[[2]]) * switch(plan[[1]], complex = 16, integer = , logical = 4, raw = 1, 8)
  tb_abort(c(
    "Can't convert the tensor: R can't allocate its {format_gb(size)} result.",
    x = cli_escape(conditionMessage(e)),
    i = "Convert a part of it (e.g. {.code x[1:1000]}), or reduce it on its device first."
  ), "size", call = call)
}

format_gb <- function(bytes) paste(big_number(signif(bytes / 1e9, 3)), "GB")
