# R values to the Python values that write_pt() and write_safetensors()
# save. One rule, lossless: numeric, logical, complex and raw vectors,
# matrices and arrays become tensors by as_torch()'s defaults, except that
# doubles are float64 (and complex complex128), so that reading the file
# gives the same R values back. `path` names the element in errors.

value_to_python <- function(x, path, call, depth = 1L) {
  if (is_tensor(x) || inherits(x, "python.builtin.object")) {
    return(with_path(check_live(x, call), path, call))
  }
  if (is.null(x)) return(reticulate::py_none())
  if (depth > max_depth) nested_too_deep(call)
  if (is.data.frame(x)) {
    cols <- lapply(as.list(x), unclass_asis)
    return(list_to_python(cols, names(x), path, call, depth))
  }
  if (is.list(x) && !is.object(x)) {
    return(list_to_python(x, names(x), path, call, depth))
  }
  if (is.character(x) && !is.object(x)) {
    if (anyNA(x)) {
      tb_abort(c(
        "Can't write {.code {path}}: it holds a missing string (NA).",
        i = "Python strings have no NA; replace it first, e.g. with {.code \"\"}."
      ), "na", element = path, call = call)
    }
    if (!is.null(r_dims(x))) {
      tb_abort("Can't write {.code {path}}: character matrices and arrays have no torch form.", "type", call = call)
    }
    return(reticulate::r_to_py(if (length(x) == 1L) x else as.list(x)))
  }
  tensor_for_file(x, path, call)
}

tensor_for_file <- function(x, path, call) {
  if (is_tensor(x)) return(with_path(check_live(x, call), path, call))
  dtype <- switch(typeof(x), double = if (!inherits(x, "integer64")) "float64", complex = "complex128")
  with_path(as_torch(x, dtype = dtype, device = "cpu"), path, call)
}

unclass_asis <- function(col) if (inherits(col, "AsIs")) unclass(col) else col

list_to_python <- function(x, names, path, call, depth) {
  if (!is.null(names)) check_names(names, path, call)
  items <- vector("list", length(x))
  for (i in seq_along(x)) { # a loop, not lapply(): fewer C frames per level
    items[i] <- list(value_to_python(x[[i]], item_path(path, names, i), call, depth + 1L))
  }
  if (is.null(names)) reticulate::r_to_py(items) else reticulate::py_dict(as.list(names), items, convert = FALSE)
}

check_names <- function(names, path, call) {
  bad <- is.na(names) | !nzchar(names)
  if (any(bad)) {
    tb_abort(c(
      "Can't write {.code {path}}: some of its elements are named and some are not.",
      x = paste0(if (sum(bad) == 1) "Element " else "Elements ", paste(which(bad), collapse = ", "),
                 if (sum(bad) == 1) " has" else " have", " no name."),
      i = "Name every element (a Python dict) or none (a Python list)."
    ), "arg", call = call)
  }
  dup <- unique(names[duplicated(names)])
  if (length(dup)) {
    tb_abort(c(
      "Can't write {.code {path}}: its names must be unique.",
      x = "{.val {dup}} {?is/are} used more than once."
    ), "arg", call = call)
  }
}
