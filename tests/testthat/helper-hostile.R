# Helpers for test-hostile.R: hostile inputs, written as tables of cases.
#
# A case is an expression (quoted) with what it must give: an error of a
# class (`error = "type"` means `torchbridge_error_type`), an exact value
# (`identical()`, after a tensor result went through from_torch()), or a
# `check` function of the result (TRUE, or a string that says what is wrong).
# Cases that may crash R run in child R processes (callr), a few batches of
# cases per child; a crash or a hang fails the case that was running and the
# batch goes on in a fresh child from the next case.

hc <- function(expr, error = NULL, value, check = NULL) {
  list(
    expr = substitute(expr),
    error = error,
    has_value = !missing(value),
    value = if (!missing(value)) value,
    check = check
  )
}

hostile_class <- function(error) {
  if (identical(error, "any")) return("torchbridge_error")
  if (startsWith(error, "torchbridge_")) error else paste0("torchbridge_error_", error)
}

# Evaluate one case: list(ok, value | class + message, warnings). Also used
# in the child processes, so it refers to nothing but base R and torchbridge.
hostile_eval <- function(expr, env) {
  warnings <- character()
  res <- tryCatch(
    withCallingHandlers(
      {
        v <- eval(expr, env)
        if (inherits(v, "torch.Tensor")) {
          v <- torchbridge::from_torch(v)
        } else if (inherits(v, "python.builtin.object")) {
          v <- structure(class(v)[1], class = "hostile_python_object")
        }
        list(ok = TRUE, value = v)
      },
      warning = function(w) {
        warnings <<- c(warnings, paste(class(w)[1], conditionMessage(w), sep = ": "))
        invokeRestart("muffleWarning")
      }
    ),
    error = function(e) list(ok = FALSE, class = class(e), message = conditionMessage(e))
  )
  res$warnings <- warnings
  res
}
environment(hostile_eval) <- baseenv()

hostile_show <- function(res) {
  if (is.null(res)) return("no result (the case did not run)")
  if (isTRUE(res$ok)) {
    txt <- paste(utils::capture.output(utils::str(res$value, vec.len = 6)), collapse = "\n")
    return(paste0("a value: ", txt))
  }
  paste0("an error of class <", paste(res$class, collapse = "/"), ">: ",
         substr(paste(res$message, collapse = " "), 1, 600))
}

# Expect one case's result.
expect_hostile <- function(name, case, res) {
  if (!is.null(case$error)) {
    cls <- hostile_class(case$error)
    ok <- !is.null(res) && !isTRUE(res$ok) && cls %in% res$class
    msg <- sprintf("case `%s`: expected an error of class %s, got %s", name, cls, hostile_show(res))
  } else if (isTRUE(case$has_value)) {
    ok <- !is.null(res) && isTRUE(res$ok) && identical(res$value, case$value)
    msg <- sprintf(
      "case `%s`: expected the value %s\ngot %s", name,
      paste(utils::capture.output(utils::str(case$value, vec.len = 6)), collapse = "\n"),
      hostile_show(res)
    )
  } else if (is.function(case$check)) {
    verdict <- if (is.null(res)) "the case did not run" else case$check(res)
    ok <- isTRUE(verdict)
    msg <- sprintf("case `%s`: %s\ngot %s", name,
                   if (is.character(verdict)) verdict else "the check failed", hostile_show(res))
  } else {
    stop("case `", name, "` has no expectation")
  }
  expect(ok, msg)
  invisible(ok)
}

# Run a named list of cases in this process, each in a fresh environment.
run_hostile_cases <- function(cases, env = parent.frame()) {
  stopifnot(!is.null(names(cases)), !anyDuplicated(names(cases)), all(nzchar(names(cases))))
  for (name in names(cases)) {
    res <- hostile_eval(cases[[name]]$expr, new.env(parent = env))
    expect_hostile(name, cases[[name]], res)
  }
  invisible(length(cases))
}

# The body of a child process: runs cases `start`.. in order, saving the
# results after each one and noting each case before it starts, so that the
# parent knows which case was running when a child died.
hostile_child <- function(exprs, start, result_file, progress_file, setup, evaluator) {
  suppressPackageStartupMessages(library(torchbridge))
  env <- globalenv()
  if (!is.null(setup)) eval(setup, env)
  results <- list()
  for (k in seq.int(start, length(exprs))) {
    cat(k, "\n", sep = "", file = progress_file, append = TRUE)
    results[[names(exprs)[k]]] <- evaluator(exprs[[k]], new.env(parent = env))
    saveRDS(results, result_file)
  }
  invisible(NULL)
}
environment(hostile_child) <- globalenv()

# Run the cases in child R processes (callr): one child per batch, a fresh
# one after a crash or a hang (up to `max_children`).
run_hostile_batch <- function(batch, cases, setup = NULL, timeout = 60, max_children = 12) {
  stopifnot(!is.null(names(cases)), !anyDuplicated(names(cases)))
  exprs <- lapply(cases, `[[`, "expr")
  n <- length(exprs)
  results <- list()
  start <- 1L
  children <- 0L
  while (start <= n) {
    children <- children + 1L
    result_file <- tempfile("hostile-res-")
    progress_file <- tempfile("hostile-prog-")
    out <- tryCatch(
      callr::r(
        hostile_child,
        args = list(exprs, start, result_file, progress_file, setup, hostile_eval),
        timeout = timeout
      ),
      error = function(e) e
    )
    if (file.exists(result_file)) {
      done <- readRDS(result_file)
      results[names(done)] <- done
    }
    if (!inherits(out, "error")) break
    started <- if (file.exists(progress_file)) as.integer(readLines(progress_file)) else integer()
    k <- if (length(started)) max(started) else start
    why <- if (inherits(out, "callr_timeout_error")) "ran past the child's time limit" else "killed the child R process"
    results[[names(exprs)[k]]] <- list(
      ok = FALSE, class = "hostile_child_died",
      message = sprintf("in batch `%s`, this case %s: %s", batch, why, conditionMessage(out))
    )
    start <- k + 1L
    if (children >= max_children && start <= n) {
      for (j in seq.int(start, n)) {
        results[[names(exprs)[j]]] <- list(
          ok = FALSE, class = "hostile_not_run",
          message = sprintf("batch `%s` gave up after %d child processes died", batch, children)
        )
      }
      break
    }
  }
  for (name in names(cases)) expect_hostile(name, cases[[name]], results[[name]])
  invisible(results)
}

# Fixtures: a fresh tensor per call, so that cases can't see each other's writes.
h_torch <- function() reticulate::import("torch", convert = FALSE)
pe <- function(code) reticulate::py_eval(code, convert = FALSE)
h_f32 <- function() as_torch(c(1.5, -2, 4))
h_f64 <- function() as_torch(c(1.5, -2, 4), dtype = "float64")
h_idx <- function() as_torch(c(10, 20, 30), dtype = "float64")
h_i64 <- function() as_torch(c(3L, -7L, 0L))
h_bool <- function() as_torch(c(TRUE, FALSE, TRUE))
h_u8 <- function() as_torch(c(0L, 5L, 255L), dtype = "uint8")
h_mat <- function() as_torch(matrix(1:6, 2))
h_0d <- function() h_torch()$tensor(5)
h_empty <- function() as_torch(numeric(0))
h_cplx <- function() as_torch(c(1 + 2i, -1i))
h_f8 <- function() as_torch(c(1, 2))$to(h_torch()$float8_e4m3fn)
h_py_tensor <- function(literal, dtype) {
  torch <- h_torch()
  torch$tensor(pe(literal), dtype = torch[[dtype]])
}
h_str <- function(x) reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$str(x))
h_dtype <- function(t) sub("^torch\\.", "", h_str(t$dtype))
h_device <- function(t) h_str(t$device)
# An S4 object that is a double vector underneath.
h_s4 <- local({
  where <- new.env()
  gen <- methods::setClass("HostileNum", contains = "numeric", where = where)
  function(x = c(1, 2, 3)) gen(x)
})

# Checks for cases with more than one acceptable outcome.
# A classed torchbridge error, or exactly `value`.
error_or_value <- function(value) {
  function(res) {
    if (isTRUE(res$ok)) {
      if (identical(res$value, value)) TRUE else "a value came back, but not the right one"
    } else if ("torchbridge_error" %in% res$class) {
      TRUE
    } else {
      "expected a torchbridge_error or the right value"
    }
  }
}

# An error of class `cls` whose message matches `pattern`.
error_matching <- function(cls, pattern) {
  cls <- hostile_class(cls)
  function(res) {
    if (isTRUE(res$ok) || !cls %in% res$class) return(paste("expected an error of class", cls))
    if (!grepl(pattern, paste(res$message, collapse = " "))) {
      return(paste0("the message should match /", pattern, "/"))
    }
    TRUE
  }
}

# A value for which `pred` is TRUE.
value_where <- function(pred, what) {
  function(res) {
    if (!isTRUE(res$ok)) return(paste("expected a value:", what))
    if (isTRUE(pred(res$value))) TRUE else paste("the value is not", what)
  }
}

# `value`, with a warning of class `warning` on the way.
value_with_warning <- function(value, warning) {
  function(res) {
    if (!isTRUE(res$ok) || !identical(res$value, value)) return("expected the right value")
    if (!any(startsWith(res$warnings, paste0(warning, ":")))) return(paste("expected a warning of class", warning))
    TRUE
  }
}

# The same fixtures, for the child processes (which see only torchbridge).
hostile_setup <- quote({
  h_torch <- function() reticulate::import("torch", convert = FALSE)
  pe <- function(code) reticulate::py_eval(code, convert = FALSE)
  h_str <- function(x) reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$str(x))
  h_py_tensor <- function(literal, dtype) {
    torch <- h_torch()
    torch$tensor(pe(literal), dtype = torch[[dtype]])
  }
  # Forget what R and Python have dropped, and let torchbridge release
  # the R objects shared with dead tensors.
  h_flush <- function() {
    invisible(gc())
    invisible(reticulate::import("gc")$collect())
    invisible(as_torch(1))
  }
  # A tensor whose storage was shrunk under it: b views a[1:5].
  h_shrunk <- function() {
    a <- h_torch()$arange(10L)$double()
    b <- a$narrow(0L, 1L, 4L)
    a$untyped_storage()$resize_(0L)
    b
  }
  h_big <- function() h_torch()$zeros(1L)$expand(list(pe("2**40")))
  # Define an S3 method in the global environment for the time of `expr`.
  with_method <- function(name, fun, expr) {
    assign(name, fun, envir = globalenv())
    on.exit(rm(list = name, envir = globalenv()))
    force(expr)
  }
  fake_i64 <- function(x) structure(x, class = "integer64")
  lying_df <- function(cols, n) structure(cols, class = "data.frame", row.names = n)
  # Start Python and torch now, so that the S3 methods some cases define
  # for a moment can't upset reticulate's own start-up.
  invisible(as_torch(1))
})
