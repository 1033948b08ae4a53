# The R <-> Python boundary: every call from R into torchbridge's bundled
# Python module goes through tb_call() or tb_value(), which find the function,
# turn a Python exception into the matching classed R error (errors.R) and,
# for tb_value(), convert the result to R. The module's public functions are
# its `__all__`; load_bridge() (python.R) looks them up once.

# The bundled module's public functions (an environment of Python callables,
# convert = FALSE), loading Python and torch on first use.
bridge <- function(call = rlang::caller_env()) {
  .tb$module %||% load_bridge(call)
}

# Calls the bundled function `fun` with `...` (R values as reticulate passes
# them); a Python exception becomes the matching classed R error, raised from
# `.call`. The result stays a Python object.
tb_call <- function(fun, ..., .call = rlang::caller_env()) {
  f <- tb_fn(fun, .call)
  args <- list(...) # an R error here is R's, not Python's
  tb_py(do.call(f, args), .call)
}

# tb_call(), with the result converted to R by reticulate. The call comes
# first: py_to_r() starts reticulate's default Python before it looks at its
# argument, and bridge() must choose the Python.
tb_value <- function(fun, ..., .call = rlang::caller_env()) {
  out <- tb_call(fun, ..., .call = .call)
  reticulate::py_to_r(out)
}

# The bundled function `fun` itself, for the few calls whose errors R handles
# itself (cleaning up after a failed fill, reading the last error).
tb_fn <- function(fun, call = rlang::caller_env()) {
  f <- bridge(call)[[fun]]
  if (is.null(f)) rlang::abort(sprintf("Internal error: torchbridge's Python module has no function `%s`.", fun))
  f
}

# Run `expr`, a call into torchbridge's Python module; turn a Python exception
# into the matching classed R error (see rethrow_python() for its parent). A
# torchbridge error raised in R while evaluating `expr` passes unchanged.
#
# When a CUDA GPU ran out of memory, R's garbage collector runs (tensors R no
# longer refers to are freed only then), torch's cache is emptied, and `expr`
# is evaluated once more, in the caller's frame: every call into the module is
# safe to repeat after a failure.
tb_py <- function(expr, call = rlang::caller_env()) {
  code <- substitute(expr)
  env <- parent.frame()
  tryCatch(expr, error = function(e) {
    if (inherits(e, "torchbridge_error")) stop(e)
    info <- python_error_info()
    if (!is_cuda_oom(e, info)) rethrow_python(e, call, info)
    free_gpu_memory()
    tryCatch(eval(code, env), error = function(e2) {
      if (inherits(e2, "torchbridge_error")) stop(e2)
      rethrow_python(e2, call, python_error_info(), retried = TRUE)
    })
  })
}

# What torchbridge's Python module recorded about its last error (and forget
# it), or NULL.
python_error_info <- function() {
  if (is.null(.tb$module)) return(NULL)
  tryCatch(reticulate::py_to_r(.tb$module$take_last_error()), error = function(e) NULL)
}

# Whether a Python error says that a CUDA (or ROCm) GPU is out of memory:
# torch's own message, or a torchbridge error that quotes it.
is_cuda_oom <- function(e, info) {
  texts <- if (is.null(info)) {
    conditionMessage(e)
  } else if (identical(info$kind, "torch")) {
    c(info$python, vapply(info$bullets, function(b) as.character(b[[2]]), ""))
  }
  any(grepl("(CUDA|HIP) out of memory", texts))
}

# Free what R's lazy garbage collector still holds on the GPU, and torch's
# cached blocks.
free_gpu_memory <- function() {
  gc(verbose = FALSE)
  tryCatch(.tb$module$cuda_empty_cache(collect = TRUE), error = function(e) python_error_info())
  invisible()
}
