# Python values to R, for from_torch() and read_pt(): containers are walked
# here, one level per call of the Python unpack() (see _from_python.py);
# tensors, NumPy arrays and lists of plain numbers go through the one-copy
# tensor path (tensor_to_r() in from-torch.R).

# Python containers deeper than this (or that contain themselves) are refused
# before R's C stack overflows.
max_depth <- 100L

# Converts `x`: a tensor, another Python object, an R list (as py$ gives
# them: its elements may be tensors, Python objects or R values) or a plain R
# value (returned as it is). `path` is where `x` sits, as R code, for
# messages. With `keep = TRUE` (read_pt(as = "torch")) tensors, arrays and
# modules stay Python objects and only containers become R.
python_to_r <- function(x, int64, call, path = "x", depth = 1L, keep = FALSE) {
  if (is_tensor(x)) {
    if (keep) return(x)
    return(with_path(tensor_to_r(x, int64, call), path, call))
  }
  if (!inherits(x, "python.builtin.object")) {
    if (!is.list(x) || is.object(x)) return(x)
    if (depth > max_depth) nested_too_deep(call)
    return(convert_items(x, names(x), int64, call, path, depth, keep))
  }
  if (depth > max_depth) nested_too_deep(call)
  if (inherits(x, c("python.builtin.list", "python.builtin.tuple"))) {
    out <- plain_list(x)
    if (!is.null(out)) return(out)
  }
  parts <- tb_call("unpack", x, path, !keep, .call = call)
  kind <- reticulate::py_to_r(reticulate::py_get_item(parts, 0L))
  items <- reticulate::py_get_item(parts, 2L)
  note <- reticulate::py_to_r(reticulate::py_get_item(parts, 3L))
  first <- function() reticulate::py_get_item(items, 0L)
  switch(kind,
    tensor = if (keep) first() else with_path(tensor_to_r(first(), int64, call), path, call),
    object = first(),
    vector = {
      wide <- if (identical(note, "int64") && int64 == "integer") "double" else int64
      out <- with_path(tensor_to_r(first(), wide, call), path, call)
      if (identical(note, "rounded")) rounded_warning(path, call)
      out
    },
    plain = {
      out <- reticulate::py_to_r(first())
      if (is.list(out)) unlist(out) else out
    },
    scalar = {
      if (identical(note, "rounded")) rounded_warning(path, call)
      reticulate::py_to_r(first())
    },
    {
      names <- if (kind %in% c("named", "module")) {
        as.character(unlist(reticulate::py_to_r(reticulate::py_get_item(parts, 1L))))
      }
      if (kind == "module") {
        cli::cli_inform(
          c(i = "{.code {path}} is a torch module ({.cls {note}}): it becomes its {.code state_dict()}."),
          class = c("torchbridge_message_module", "torchbridge_message")
        )
      }
      n <- reticulate::py_len(items)
      values <- lapply(seq_len(n) - 1L, function(i) reticulate::py_get_item(items, i))
      convert_items(values, names, int64, call, path, depth, keep)
    }
  )
}

# A Python list or tuple of plain floats, bools, strings, complex numbers or
# ints in R's integer range, through reticulate's own conversion: done in C,
# exact for these, and as fast as py_to_r() (R's vector types are what
# reticulate gives a list of one scalar type; a mixed list stays a list).
# NULL for anything else, which unpack() then takes apart.
plain_list <- function(x) {
  want <- tb_value("plain_kind", x)
  if (!nzchar(want)) return(NULL)
  out <- tryCatch(reticulate::py_to_r(x), error = function(e) NULL)
  if (!is.atomic(out) || is.null(out) || !identical(typeof(out), want) || !is.null(attributes(out))) return(NULL)
  out
}

convert_items <- function(values, names, int64, call, path, depth, keep) {
  out <- vector("list", length(values))
  for (i in seq_along(values)) {
    value <- python_to_r(values[[i]], int64, call, item_path(path, names, i), depth + 1L, keep)
    if (!is.null(value)) out[[i]] <- value
  }
  if (length(names)) names(out) <- names
  out
}

# R code for element i of the list at `path`: x$name, x[["odd name"]], x[[i]].
item_path <- function(path, names, i) {
  name <- if (!is.null(names)) names[[i]] else ""
  if (is.na(name) || !nzchar(name)) return(paste0(path, "[[", i, "]]"))
  if (make.names(name) == name) paste0(path, "$", name) else paste0(path, "[[", encodeString(name, quote = "\""), "]]")
}

# Evaluates `expr` (a conversion of the element at `path`); a torchbridge
# error from it is raised again with the path in front of its message.
with_path <- function(expr, path, call) {
  if (identical(path, "x")) return(expr)
  tryCatch(expr, torchbridge_error = function(e) {
    msg <- c(paste0(path, ": ", e$message[[1]]), e$message[-1], e$body)
    kind <- sub("^torchbridge_error_", "", class(e)[[1]])
    data <- condition_data(e)
    data$element <- path
    rlang::exec(tb_abort, cli_escape(msg), kind, !!!data, call = call, parent = e$parent)
  })
}

nested_too_deep <- function(call) {
  tb_abort(c(
    "Can't convert {.arg x}: its lists are nested more than {max_depth} levels deep.",
    i = "A list that contains itself is nested without end."
  ), "size", call = call)
}

rounded_warning <- function(path, call) {
  tb_warn(c(
    "{.code {path}} holds Python ints beyond 2^53, where doubles can't hold every integer.",
    i = "They were rounded to the nearest double."
  ), "precision", call = call)
}
