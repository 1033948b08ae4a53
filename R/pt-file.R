#' Read a file written by `torch.save()`
#'
#' `read_pt()` reads a `.pt` (or `.pth`) file that PyTorch wrote, such as a
#' training script's results or a model's `state_dict()`, and gives the
#' whole structure back as R values.
#'
#' @section What becomes what:
#' With `as = "r"`:
#' - tensors become R vectors, matrices and arrays by [from_torch()]'s
#'   rules (bfloat16, float16 and float8 as doubles; `int64` says what
#'   int64 tensors become); NumPy arrays likewise;
#' - dicts (including the `OrderedDict` of a `state_dict()`) become named
#'   lists, in the file's key order; non-string keys (an optimizer's
#'   parameter ids) become their text;
#' - lists and tuples become lists, except that one of plain Python numbers,
#'   bools or strings of one kind becomes an R vector (`[0.9, 0.7]` gives
#'   `c(0.9, 0.7)`; ints and floats together give doubles). Python ints are
#'   R integers when every one fits R's integer range, else doubles (a
#'   warning of class `torchbridge_warning_precision` beyond 2^53);
#' - Python scalars become length-1 vectors and `None` becomes `NULL`, kept
#'   as a list element;
#' - a whole `torch.nn.Module` (a file saved with `torch.save(model)`, read
#'   with `weights_only = FALSE`) becomes its `state_dict()`, with a message
#'   of class `torchbridge_message_module`.
#'
#' With `as = "torch"`, tensors stay tensors (on `map_location`), NumPy
#' arrays become tensors, modules stay modules, and only the containers and
#' plain Python values become R values, by the rules above.
#'
#' Indices stored in the file (e.g. predicted classes) are torch's, 0-based.
#'
#' @section Safety:
#' `weights_only = TRUE` (the default) uses torch's safe loader, which
#' reads tensors, NumPy arrays and plain Python values and refuses
#' anything else: a file that needs more is an error of class
#' `torchbridge_error_weights_only`. `weights_only = FALSE` runs code from
#' the file while loading it (that is how Python's pickle makes objects):
#' use it only on files you trust.
#'
#' @param path The file.
#' @param map_location Where the tensors go: a device (`"cpu"`, the default,
#'   `"cuda"`, `"auto"`... as in [as_torch()]), or `NULL` for the devices the
#'   file was saved from (an error of class `torchbridge_error_no_gpu` when
#'   this machine lacks them).
#' @param weights_only `TRUE` to load only tensors and plain values (see
#'   Safety).
#' @param as `"r"` for R values throughout, `"torch"` to keep tensors.
#' @inheritParams from_torch
#' @return The file's contents: a named list for a dict, a list for a list,
#'   an R vector or array (or tensor) for a single tensor.
#'   Errors: `torchbridge_error_file` for a path that does not exist, a
#'   directory, a file that is not a torch file, a truncated or corrupt
#'   one, or one holding an object whose class Python can't find;
#'   `torchbridge_error_weights_only` as above.
#' @family files
#' @export
#' @examplesIf torchbridge::torch_available()
#' path <- tempfile(fileext = ".pt")
#' write_pt(list(loss = c(0.9, 0.7, 0.5), weights = matrix(rnorm(6), 2)), path)
#' read_pt(path)
#' read_pt(path, as = "torch")$weights
read_pt <- function(path, map_location = "cpu", weights_only = TRUE, as = c("r", "torch"),
                    int64 = c("integer", "double", "bit64")) {
  call <- rlang::current_env()
  path <- check_path(path, call)
  check_device_arg(map_location, call)
  check_flag(weights_only, call = call)
  as <- check_choice(as, c("r", "torch"), "as", call)
  int64 <- check_int64(int64, call)
  obj <- tb_call("load_pt", path, map_location, weights_only, .call = call)
  python_to_r(obj, int64, call, keep = as == "torch")
}

#' Write R values to a file `torch.load()` reads
#'
#' `write_pt()` saves an R vector, matrix or array, a tensor, or a (nested)
#' list of them and of plain R values with `torch.save()`, so that Python
#' reads it with `torch.load(path, weights_only=True)`.
#'
#' The conversion is lossless, so that [read_pt()] gives back the same
#' values: doubles become float64 tensors (R's `NA` kept), complex numbers
#' complex128, integers int64 and logicals bool (as in [as_torch()]; an `NA`
#' is an error of class `torchbridge_error_na` naming the element), raw
#' vectors uint8, `bit64::integer64` int64. Every such vector becomes a
#' tensor, also one of length 1, with the same dims. A list with names
#' becomes a Python dict (every element named, names unique), one without a
#' list; a data frame becomes a dict of its columns. Strings become Python
#' strings (a character vector of another length than 1 a list of them),
#' and `NULL` becomes `None`. Tensors and other Python objects are saved as
#' they are.
#'
#' `read_pt(write_pt(x, path))` is `identical()` to `x` for double,
#' integer and logical vectors, matrices and arrays (without names or
#' dimnames, which are not saved).
#'
#' The file is first written to a temporary file in the same directory and
#' then renamed, so a failed write leaves `path` as it was.
#'
#' @param x What to save.
#' @param path The file to write (replaced if it exists).
#' @return `path`, invisibly.
#' @family files
#' @export
#' @examplesIf torchbridge::torch_available()
#' path <- tempfile(fileext = ".pt")
#' write_pt(list(config = list(lr = 0.01, name = "run1"), ids = 1:3), path)
#' str(read_pt(path))
write_pt <- function(x, path) {
  call <- rlang::current_env()
  path <- check_path(path, call)
  obj <- value_to_python(x, "x", call)
  tb_call("save_pt", obj, path, .call = call)
  invisible(path)
}
