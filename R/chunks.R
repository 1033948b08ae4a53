#' R and Python chunks in one R Markdown document
#'
#' torchbridge makes the two kinds of chunk of one document work together:
#'
#' * **Python chunks run in torchbridge's Python.** After `library(torchbridge)`
#'   in an R chunk, the first Python chunk starts Python the way every
#'   torchbridge function does (`TORCHBRIDGE_PYTHON`, then
#'   `RETICULATE_PYTHON`, then the virtualenv made by [install_torch()],
#'   then reticulate's default), even when no R chunk has used torch yet,
#'   and `import torchbridge as tb` works in it. Put `library(torchbridge)`
#'   in the document's first (setup) chunk: a Python chunk that runs before
#'   it starts Python by reticulate's own rules, which torchbridge can't
#'   change later in that R session. torchbridge does this by wrapping
#'   knitr's `python` engine (reticulate's), only where that engine is
#'   knitr's or reticulate's own; a Python chunk then also loads torch.
#' * **`py$x` in R** is reticulate's `py` object, re-exported by torchbridge
#'   so that `library(torchbridge)` is enough. A tensor `py$t` is a tensor
#'   every torchbridge function takes; [from_torch()] turns `py$` values of
#'   any kind into R (lists and dicts of tensors, NumPy arrays, Python
#'   numbers and lists).
#' * **`tb.r` in Python** reads R variables as tensors and assigns tensors to
#'   R variables, through the same one-copy path as [as_torch()] and
#'   [from_torch()] (reticulate's `r.b` would hand Python a list of 10^6
#'   floats):
#'
#'   | Python | is R's |
#'   |---|---|
#'   | `tb.r.b`, `tb.r["b"]` | `as_torch(b)` (vectors, matrices, arrays, data frames) |
#'   | `tb.r.get("b", dtype = "float32", device = "cuda")` | `as_torch(b, dtype = "float32", device = "cuda")` |
#'   | `tb.r.result = t`, `tb.r["result"] = t` | `result <- from_torch(t)` (tensors, and lists, tuples and dicts of them) |
#'
#'   Variables are read from and assigned in the environment the document's
#'   R chunks run in (as reticulate's `r` does: knitr's, else the global
#'   environment; the option `reticulate.engine.environment` overrides
#'   both). Names must be syntactic R names (`b`, `x.train`, `.y`; not
#'   `my var` or `if`). A conversion that fails raises the Python
#'   exception of the same failure in R, with the same message: e.g. NA to
#'   an integer dtype is `torchbridge._errors.NAError`; a variable that
#'   does not exist is `RVariableError`, a name that is not syntactic
#'   `RNameError` (both also Python `AttributeError`s and `KeyError`s, so
#'   `hasattr(tb.r, "b")` works). Nothing is assigned in R when a
#'   conversion fails. `tb.r` works on Python's main thread only (R runs
#'   there): read R variables before starting threads.
#'
#' @name python-chunks
#' @examplesIf torchbridge::torch_available()
#' b <- c(0.5, 1.5, 2.5)
#' reticulate::py_run_string("
#' import torchbridge as tb
#' t = tb.r.b * 2          # a float32 tensor
#' tb.r.doubled = t
#' ")
#' doubled                 # c(1, 3, 5)
#' from_torch(py$t)
NULL

#' @importFrom reticulate py
#' @export
reticulate::py

# The Python callbacks of tb.r (see _chunks.py), given to Python when
# torchbridge loads it. Each returns list("ok", value) or
# list("error", kind, message, bullets), which Python raises.
set_chunk_callbacks <- function(fns) {
  fns$set_r_callbacks(
    reticulate::r_to_py(chunk_get, convert = FALSE),
    reticulate::r_to_py(chunk_assign, convert = FALSE)
  )
}

chunk_get <- function(name, dtype, device) {
  name <- reticulate::py_to_r(name)
  env <- chunk_env()
  if (!exists(name, envir = env)) {
    # Raised in Python as RVariableError (an AttributeError), never in R.
    return(list("error", "missing", paste0("Can't find the R variable `", name, "`."), list(list(
      "i", paste0("`tb.r` reads the variables of the environment the R chunks run in (", chunk_env_desc(env), ").")
    ))))
  }
  chunk_result(function() {
    as_torch(get(name, envir = env), dtype = python_arg(dtype), device = python_arg(device))
  })
}

chunk_assign <- function(name, value) {
  chunk_result(function() {
    name <- reticulate::py_to_r(name)
    # Converted first: nothing is assigned when the conversion fails.
    out <- from_torch(value)
    assign(name, out, envir = chunk_env())
    NULL
  })
}

# A Python argument as R takes it: None as NULL, a string as a string,
# other objects (a torch.device) as they are.
python_arg <- function(x) {
  if (inherits(x, c("python.builtin.NoneType", "python.builtin.str"))) reticulate::py_to_r(x) else x
}

chunk_result <- function(f) {
  tryCatch(
    list("ok", f()),
    torchbridge_error = function(e) {
      kind <- sub("^torchbridge_error_", "", class(e)[[1]])
      body <- e$body %||% character()
      bullets <- lapply(seq_along(body), function(i) list(rlang::names2(body)[[i]], cli::ansi_strip(body[[i]])))
      list("error", kind, cli::ansi_strip(e$message[[1]]), bullets)
    },
    error = function(e) {
      list("error", "torch", cli::ansi_strip(conditionMessage(e)), list())
    }
  )
}

# Where reticulate's `r` reads and assigns: its option, knitr's environment
# while knitting, else the global environment.
chunk_env <- function() {
  env <- getOption("reticulate.engine.environment")
  if (is.environment(env)) return(env)
  if (isNamespaceLoaded("knitr") && isTRUE(getOption("knitr.in.progress"))) return(knitr::knit_global())
  globalenv()
}

chunk_env_desc <- function(env) {
  if (identical(env, globalenv())) "the global environment" else "the document's"
}

# knitr's python engine, wrapped so that the first Python chunk starts
# Python by torchbridge's discovery and can import torchbridge. Registered in
# .onLoad when knitr is loaded, or when it is loaded later. Left alone when
# the engine is someone else's.
register_python_engine <- function(...) {
  engines <- knitr::knit_engines
  engine <- engines$get("python")
  if (!is.function(engine) || inherits(engine, "torchbridge_python_engine")) return(invisible())
  home <- environmentName(topenv(environment(engine)))
  if (!home %in% c("knitr", "reticulate")) return(invisible())
  engines$set(python = python_engine(engine))
  invisible()
}

python_engine <- function(engine) {
  force(engine)
  wrapped <- function(options) {
    if (!isFALSE(options$eval) && !isFALSE(options$python.reticulate)) bridge(NULL)
    engine(options)
  }
  structure(wrapped, class = c("torchbridge_python_engine", "function"))
}
