# Finding Python and loading torch, lazily: nothing here runs at load time.

.tb <- new.env(parent = emptyenv())
.tb$module <- NULL
.tb$reason <- NULL
.tb$shared <- list()
# A double, so tokens never repeat (exact to 2^53; an integer would become
# NA after 2^31 - 1 shared conversions).
.tb$next_token <- 0

load_bridge <- function(call) {
  warn_mlverse_torch(call = call)
  tryCatch(choose_python(), error = function(e) {
    if (nzchar(Sys.getenv("TORCHBRIDGE_PYTHON"))) {
      msg <- c(
        "Can't use the Python that {.envvar TORCHBRIDGE_PYTHON} names.",
        x = "{.path {Sys.getenv('TORCHBRIDGE_PYTHON')}} is not a usable Python.",
        i = "Point it at a Python with torch, or unset it to use the virtualenv made by {.run torchbridge::install_torch()}."
      )
    } else {
      msg <- c(
        "Can't use the virtualenv {.val r-torchbridge}.",
        x = "Its Python can't be started.",
        i = "Recreate it: remove it with {.code reticulate::virtualenv_remove(\"r-torchbridge\")}, then run {.run torchbridge::install_torch()}."
      )
    }
    tb_abort(msg, "python", call = call, parent = e)
  })
  ok <- tryCatch(reticulate::py_module_available("torch"), error = function(e) e)
  if (inherits(ok, "error") || !isTRUE(ok)) {
    where <- tryCatch(reticulate::py_config()$python, error = function(e) NULL)
    tb_abort(
      c(
        "Can't find the Python module {.pkg torch}.",
        x = if (is.null(where)) "No Python could be started." else "Python {.path {where}} has no torch.",
        why_this_python(where)
      ),
      "python",
      call = call,
      parent = if (inherits(ok, "error")) ok
    )
  }
  mod <- tryCatch(
    reticulate::import_from_path(
      "torchbridge",
      path = system.file("python", package = "torchbridge"),
      convert = FALSE
    ),
    error = function(e) {
      tb_abort(
        c("Can't load torch in Python.", i = "Run {.run torchbridge::torchbridge_sitrep()} to see what was found."),
        "python", call = call, parent = e
      )
    }
  )
  # Look the functions up once: reticulate's `$` on a module costs as much as
  # a call, and small conversions are latency-bound.
  fns <- new.env(parent = emptyenv())
  for (name in reticulate::py_to_r(reticulate::py_get_attr(mod, "__all__"))) {
    assign(name, mod[[name]], envir = fns)
  }
  # Small results come back through a scratch buffer: one call into Python.
  .tb$scratch <- raw(scratch_bytes)
  fns$set_scratch(.Call(tb_address, .tb$scratch), as.character(scratch_bytes))
  set_chunk_callbacks(fns)
  .tb$module <- fns
  fns
}

scratch_bytes <- 65536L

# Bullets for the no-torch error: why this Python was used, and the fix
# that fits (the contract's discovery order, see choose_python()).
why_this_python <- function(where) {
  reason <- .tb$reason %||% ""
  tb_python <- Sys.getenv("TORCHBRIDGE_PYTHON")
  fix_install <- c(i = "Install it with {.run torchbridge::install_torch()}, then restart R.")
  if (identical(reason, "RETICULATE_PYTHON")) {
    return(c(
      x = paste0("It was chosen because {.envvar RETICULATE_PYTHON} is set (to {.path ",
                 cli_escape(Sys.getenv("RETICULATE_PYTHON")), "})."),
      i = "Unset it before the first torchbridge call ({.code Sys.unsetenv(\"RETICULATE_PYTHON\")} in a new R session, or remove it from {.file .Renviron}) to use the virtualenv made by {.run torchbridge::install_torch()}.",
      i = "Or install torch into that Python ({.code pip install torch}), or set {.envvar TORCHBRIDGE_PYTHON}, which comes first."
    ))
  }
  if (startsWith(reason, "Python was already started")) {
    switch_msg <- if (nzchar(tb_python) && !is.null(where) && !same_file(tb_python, where)) {
      c(x = paste0("{.envvar TORCHBRIDGE_PYTHON} names {.path ", cli_escape(tb_python), "}, but torchbridge ",
                   "could not switch to it: R can run one Python per session, and this one was already running."))
    }
    return(c(
      x = "It was started before torchbridge's first call (by {.pkg reticulate}, e.g. a Python chunk or {.fn reticulate::import}), so torchbridge had to use it.",
      switch_msg,
      i = "Restart R and make a torchbridge call (e.g. {.code torchbridge::default_device()}) before anything else starts Python.",
      fix_install
    ))
  }
  if (identical(reason, "TORCHBRIDGE_PYTHON")) return(fix_install)
  c(fix_install,
    i = "To use another Python, set {.envvar TORCHBRIDGE_PYTHON} before the first torchbridge call.")
}

# The same path, folders resolved but not the file itself: a virtualenv's
# python is a symlink to the system's, and must still count as its own.
same_file <- function(a, b) {
  norm <- function(p) file.path(normalizePath(dirname(p), mustWork = FALSE), basename(p))
  identical(norm(a), norm(b))
}

# Python discovery, in order: TORCHBRIDGE_PYTHON, RETICULATE_PYTHON, the
# virtualenv "r-torchbridge", reticulate's default (where reticulate has
# py_require(), with torch and safetensors declared for its ephemeral
# environment). Records why.
choose_python <- function() {
  if (reticulate::py_available(initialize = FALSE)) {
    .tb$reason <- .tb$reason %||% "Python was already started in this R session"
    return(invisible())
  }
  tb_python <- Sys.getenv("TORCHBRIDGE_PYTHON")
  if (nzchar(tb_python)) {
    reticulate::use_python(tb_python, required = TRUE)
    # reticulate lets RETICULATE_PYTHON win over use_python(); ours comes first.
    Sys.setenv(RETICULATE_PYTHON = tb_python)
    .tb$reason <- "TORCHBRIDGE_PYTHON"
  } else if (nzchar(Sys.getenv("RETICULATE_PYTHON"))) {
    # "managed": reticulate's ephemeral environment, made from py_require().
    if (identical(Sys.getenv("RETICULATE_PYTHON"), "managed")) declare_python_requirements()
    .tb$reason <- "RETICULATE_PYTHON"
  } else if (reticulate::virtualenv_exists("r-torchbridge")) {
    reticulate::use_virtualenv("r-torchbridge", required = TRUE)
    .tb$reason <- "the virtualenv r-torchbridge"
  } else if (declare_python_requirements()) {
    .tb$reason <- "reticulate's default, with torch declared by py_require()"
  } else {
    .tb$reason <- "reticulate's default"
  }
  invisible()
}

is_tensor <- function(x) inherits(x, "torch.Tensor")

# R objects shared with tensors (as_torch(copy = FALSE)) are kept here until
# Python reports their tensors gone; released on R's main thread. A named
# list, not an environment: an environment's names are symbols, which R
# never frees, so a long session of shared conversions would grow.
# Tokens are decimal strings, the same in R and Python.
keep_shared <- function(x) {
  .tb$next_token <- .tb$next_token + 1
  token <- sprintf("%.0f", .tb$next_token)
  .tb$shared[token] <- list(x)
  token
}

release_shared <- function() {
  if (!length(.tb$shared)) return(invisible())
  tokens <- tb_value("take_released")
  if (length(tokens)) .tb$shared[as.character(unlist(tokens))] <- NULL
  invisible()
}

# How many R vectors are kept for tensors that share their memory.
shared_count <- function() length(.tb$shared)
