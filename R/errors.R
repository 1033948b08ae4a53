#' Errors raised by torchbridge
#'
#' Every error torchbridge raises is an [rlang][rlang::abort] condition of
#' class `torchbridge_error` and one subclass that says what went wrong, so
#' code can catch exactly the failure it can handle, e.g.
#' `tryCatch(as_torch(x), torchbridge_error_na = function(e) ...)`.
#'
#' | class | raised when |
#' |---|---|
#' | `torchbridge_error_type` | an input of a type that can't be converted (factor, character, list...), or a malformed one (a data frame whose columns don't hold its rows, `integer64` on non-double storage) |
#' | `torchbridge_error_na` | NA/NaN would go to an integer or bool dtype |
#' | `torchbridge_error_dtype` | an unknown dtype; a cast that would lose a fraction or an imaginary part; `requires_grad` on a non-float dtype |
#' | `torchbridge_error_overflow` | a value outside the target type's range; an integer result that would wrap around |
#' | `torchbridge_error_device` | an unknown device name |
#' | `torchbridge_error_no_gpu` | a device that this machine or this torch build does not have |
#' | `torchbridge_error_python` | Python or torch can't be found or loaded, or a Python module a function needs (safetensors) is missing |
#' | `torchbridge_error_torch` | torch itself failed (e.g. out of memory, also inside operators and math): torch's message is a bullet, or, for an error torchbridge did not catch, the parent |
#' | `torchbridge_error_arg` | an argument of the wrong kind or missing, e.g. `int64 = "x"`, `bins = 1e10`, `to_device(x)` without a device |
#' | `torchbridge_error_unsupported_tensor` | a sparse, quantized, nested or meta tensor, a dtype R has no type for, a tensor whose elements lie outside its storage, a write into a tensor whose elements share memory |
#' | `torchbridge_error_shape` | incompatible shapes |
#' | `torchbridge_error_index` | an index out of range or of the wrong kind |
#' | `torchbridge_error_size` | a tensor too large for the operation (e.g. a dimension longer than R allows, a result R can't allocate, or more elements than `tensor_data()`'s `max_elements`); Python lists nested too deep |
#' | `torchbridge_error_file` | a path that does not exist or is a directory; a file that is not a torch or safetensors file, or is truncated or corrupt; a file that can't be written |
#' | `torchbridge_error_weights_only` | [read_pt()] of a file that holds more than tensors and plain values, with `weights_only = TRUE` |
#' | `torchbridge_error_stale` | a tensor restored from an earlier R session (a cached knitr chunk, [readRDS()], a saved workspace): its Python object is gone; see [tensor-cache] |
#' | `torchbridge_error_plot` | a tensor `autoplot()` or `plot()` can't draw (its shape, complex or empty tensors, image values outside `[0, 1]` and `[0, 255]`) |
#'
#' Errors that start in torchbridge's Python code arrive with these classes
#' too, their message the whole story (no parent). An error of torch or
#' Python that torchbridge did not make itself is a `torchbridge_error_torch`
#' (or the class its kind maps to) with the first line of the Python error
#' in the message and the whole Python error (type and text) as its
#' `parent`.
#'
#' Errors carry what failed as fields, so that code need not parse the
#' message (`tryCatch(..., torchbridge_error = function(e) e$dtype)`); a
#' field is absent where it does not apply:
#'
#' | field | in | holds |
#' |---|---|---|
#' | `dtype` | `torchbridge_error_na`, `_dtype`, `_overflow` | the dtype the conversion or computation was for, as a name (`"int32"`) |
#' | `value` | `torchbridge_error_overflow`, and `_dtype` for a lost fraction or imaginary part | the first value that failed, as a double (complex for an imaginary part) |
#' | `path` | `torchbridge_error_file`, `_weights_only`, `_no_gpu` from [read_pt()] | the file, with `~` expanded (absolute when writing) |
#' | `element` | errors inside a list ([from_torch()], [read_pt()], [write_pt()]) | where the element sits, as R code (`x$history[[3]]`) |
#'
#' A CUDA GPU that runs out of memory gets a second chance: R frees a
#' tensor's memory only when its garbage collector runs, which it does when R
#' needs memory, not when the GPU does. So when a torchbridge function fails
#' because a CUDA (or ROCm) GPU is out of memory, torchbridge runs [gc()],
#' empties torch's cache of freed blocks ([cuda_empty_cache()]) and tries the
#' call once more; if that fails too, the `torchbridge_error_torch` says so.
#'
#' Warnings have the class `torchbridge_warning` and a subclass:
#' `torchbridge_warning_precision` when `from_torch(int64 = "double")` meets
#' values beyond 2^53, or Python ints beyond 2^53 become doubles;
#' `torchbridge_warning_mlverse_torch`, once per session, when torchbridge
#' starts Python's torch while the R package torch (mlverse) is loaded: each
#' brings its own libtorch, and two builds in one process crash it unless
#' their versions match exactly.
#'
#' Messages have the class `torchbridge_message` and a subclass:
#' `torchbridge_message_plot` when `autoplot()` reduces a tensor before
#' drawing it; `torchbridge_message_module` when [from_torch()] or
#' [read_pt()] turns a torch module into its `state_dict()`.
#'
#' @name torchbridge_error
#' @keywords internal
NULL

tb_abort <- function(message, class, ..., call = rlang::caller_env(),
                     parent = NULL, .envir = parent.frame()) {
  cli::cli_abort(
    message,
    class = c(paste0("torchbridge_error_", class), "torchbridge_error"),
    ...,
    call = call,
    parent = parent,
    .envir = .envir
  )
}

tb_warn <- function(message, class, ..., call = rlang::caller_env(),
                    .envir = parent.frame()) {
  cli::cli_warn(
    message,
    class = c(paste0("torchbridge_warning_", class), "torchbridge_warning"),
    ...,
    call = call,
    .envir = .envir
  )
}

retried_bullet <- c(
  i = "torchbridge ran R's garbage collector ({.fn gc}) and emptied torch's cache, then tried once more."
)

# `lines` as cli "x" bullets (what was wrong), one per element.
x_bullets <- function(lines) {
  names(lines) <- rep("x", length(lines))
  lines
}

cli_escape <- function(x) gsub("}", "}}", gsub("{", "{{", x, fixed = TRUE), fixed = TRUE)

rethrow_python <- function(e, call, info = python_error_info(), retried = FALSE) {
  if (grepl("object is from previous session", conditionMessage(e), fixed = TRUE)) stale_abort(call)
  extra <- if (retried) retried_bullet
  if (is.null(info$message)) {
    # Python's first_line() of an exception it recorded; reticulate's message
    # ("Type: text" and a traceback) for one it did not.
    first <- info$first %||% strsplit(conditionMessage(e), "\n", fixed = TRUE)[[1]][1]
    tb_abort(
      c("torch raised an error.", x = cli_escape(first), extra),
      info$kind %||% "torch", call = call,
      parent = if (is.null(info)) e else python_condition(info$python)
    )
  }
  bullets <- vapply(info$bullets, function(b) cli_escape(b[[2]]), "")
  names(bullets) <- vapply(info$bullets, function(b) b[[1]], "")
  # torchbridge's own Python errors: the message is the whole story (as a
  # parent, the Python exception would repeat it under "Caused by")
  rlang::exec(
    tb_abort, c(cli_escape(info$message), bullets, extra), info$kind,
    !!!condition_data(info$data),
    call = call
  )
}

# The fields an error carries besides its message (see ?torchbridge_error):
# from a condition, or from the `data` Python recorded with its exception.
condition_fields <- c("dtype", "value", "path", "element")

condition_data <- function(x) {
  if (is.null(x)) return(list())
  x <- if (inherits(x, "condition")) unclass(x) else as.list(x)
  x[intersect(names(x), condition_fields)]
}

# A tensor (or another Python object) restored from a file written in an
# earlier R session: reticulate keeps only an empty pointer.
stale_abort <- function(call) {
  tb_abort(c(
    "Can't use a tensor from an earlier R session.",
    x = "It was restored from a file (a cached knitr chunk, {.fn readRDS}, a saved workspace); the Python object it stood for is gone.",
    i = "Make it again: set {.code cache = FALSE} on the chunk that creates it, or save tensors with {.fn write_pt} and read them with {.fn read_pt}."
  ), "stale", call = call)
}

# `x`, unless it is a Python object restored from an earlier R session.
check_live <- function(x, call) {
  if (reticulate::py_is_null_xptr(x)) stale_abort(call)
  x
}

# The Python exception as a plain condition (type and message, no traceback),
# so the R error's parent reads the same on every reticulate version.
python_condition <- function(text) {
  rlang::error_cnd("torchbridge_python_exception", message = text)
}
