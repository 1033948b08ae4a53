#' Read and write safetensors files
#'
#' Safetensors is the file format of Hugging Face models and of many
#' training runs: a JSON header (names, dtypes, shapes, text metadata)
#' followed by the raw tensor data, and no code. `read_safetensors()` reads
#' the tensors (all of them, or those in `keys`), `safetensors_info()` only
#' the header, so it is quick even for files far larger than memory, and
#' `write_safetensors()` writes a named list of arrays or tensors.
#'
#' Tensors become R values by [from_torch()]'s rules (bfloat16, float16 and
#' float8 entries as doubles, int64 as `int64` says). Without `keys` they
#' come back sorted by name (the order Python's `safe_open().keys()`
#' gives); with `keys`, in that order. Writing follows [write_pt()]'s
#' lossless rules (doubles as float64, integers as int64, logicals as
#' bool); every element must be a vector, matrix, array or tensor, and the
#' file is written to a temporary file first and then renamed.
#'
#' These functions use the Python module `safetensors`, which
#' [install_torch()] installs; without it they are an error of class
#' `torchbridge_error_python`. Writing does not need NumPy.
#'
#' @param path The file.
#' @param keys `NULL` for every tensor, or a character vector of names.
#' @param as `"r"` for R values, `"torch"` for tensors.
#' @param device Where the tensors go with `as = "torch"` (as in
#'   [as_torch()]).
#' @inheritParams from_torch
#' @return `read_safetensors()`: a named list, with the file's metadata as
#'   the attribute `"metadata"` (a named character vector sorted by name,
#'   empty when the file has none). `safetensors_info()`: a data frame with columns `key`,
#'   `dtype` (torch's name), `shape` (text such as `"3x4"`; `""` for a 0-d
#'   tensor) and `bytes`, sorted by key, with the same attribute.
#'   `write_safetensors()`: `path`, invisibly.
#' @family files
#' @export
#' @examplesIf torchbridge::torch_available()
#' path <- tempfile(fileext = ".safetensors")
#' write_safetensors(list(w = matrix(rnorm(6), 2), b = c(0.5, 1)), path,
#'                   metadata = c(epoch = "10"))
#' safetensors_info(path)
#' read_safetensors(path, keys = "w")
read_safetensors <- function(path, keys = NULL, as = c("r", "torch"), device = "cpu",
                             int64 = c("integer", "double", "bit64")) {
  call <- rlang::current_env()
  path <- check_path(path, call)
  if (!is.null(keys) && (!is.character(keys) || anyNA(keys))) {
    tb_abort(c("{.arg keys} must be a character vector of tensor names, or {.code NULL}.",
      x = "It is {obj_desc(keys)}."), "arg", call = call)
  }
  as <- check_choice(as, c("r", "torch"), "as", call)
  check_device_arg(device, call, null_ok = FALSE)
  int64 <- check_int64(int64, call)
  loaded <- tb_call("load_safetensors", path, if (!is.null(keys)) as.list(keys), device, .call = call)
  tensors <- reticulate::py_get_item(loaded, "tensors")
  out <- python_to_r(tensors, int64, call, keep = as == "torch")
  if (!length(out)) out <- stats::setNames(list(), character())
  attr(out, "metadata") <- metadata_to_r(reticulate::py_get_item(loaded, "metadata"))
  out
}

#' @rdname read_safetensors
#' @export
safetensors_info <- function(path) {
  call <- rlang::current_env()
  path <- check_path(path, call)
  h <- tb_call("safetensors_info", path, .call = call)
  col <- function(name) as.character(unlist(reticulate::py_to_r(reticulate::py_get_item(h, name))))
  out <- data.frame(
    key = col("key"), dtype = col("dtype"), shape = col("shape"),
    bytes = as.numeric(col("bytes")), stringsAsFactors = FALSE
  )
  attr(out, "metadata") <- metadata_to_r(reticulate::py_get_item(h, "metadata"))
  out
}

#' @rdname read_safetensors
#' @param x A named list of vectors, matrices, arrays or tensors.
#' @param metadata `NULL`, or a named character vector (or list of strings)
#'   of text to store in the header.
#' @export
write_safetensors <- function(x, path, metadata = NULL) {
  call <- rlang::current_env()
  path <- check_path(path, call)
  if (!is.list(x) || is.object(x) && !is.data.frame(x)) {
    tb_abort(c("{.arg x} must be a named list of arrays or tensors.", x = "It is {obj_desc(x)}."), "arg", call = call)
  }
  if (length(x) && is.null(names(x))) {
    tb_abort(c("{.arg x} must be a named list of arrays or tensors.", x = "Its elements have no names."), "arg", call = call)
  }
  check_names(names(x) %||% character(), "x", call)
  meta <- check_metadata(metadata, call)
  tensors <- lapply(seq_along(x), function(i) {
    value <- x[[i]]
    where <- item_path("x", names(x), i)
    if (is.list(value) || is.null(value) || is.character(value) ||
      inherits(value, "python.builtin.object") && !is_tensor(value)) {
      tb_abort(c(
        "Can't write {.code {where}}: safetensors files hold tensors only.",
        x = "It is {obj_desc(value)}.",
        i = "Put text in {.arg metadata}; use {.fn write_pt} for nested lists."
      ), "type", call = call)
    }
    tensor_for_file(unclass_asis(value), where, call)
  })
  dict <- reticulate::py_dict(as.list(names(x) %||% character()), tensors, convert = FALSE)
  tb_call("save_safetensors", dict, path, meta, .call = call)
  invisible(path)
}

check_metadata <- function(metadata, call) {
  if (is.null(metadata)) return(NULL)
  ok <- (is.character(metadata) || is.list(metadata) && all(vapply(metadata, is_string, TRUE))) &&
    !anyNA(unlist(metadata)) && !is.null(names(metadata)) && all(nzchar(names(metadata))) &&
    !anyDuplicated(names(metadata))
  if (!ok) {
    tb_abort(c(
      "{.arg metadata} must be a named character vector with unique names, or {.code NULL}.",
      x = "It is {obj_desc(metadata)}{if (is.null(names(metadata))) ' without names' else ''}.",
      i = "Safetensors metadata is text only: convert numbers with {.fn as.character}."
    ), "arg", call = call)
  }
  reticulate::py_dict(as.list(names(metadata)), as.list(unname(as.character(unlist(metadata)))), convert = FALSE)
}

metadata_to_r <- function(meta) {
  values <- reticulate::py_to_r(meta)
  if (!length(values)) return(stats::setNames(character(), character()))
  unlist(values)
}
