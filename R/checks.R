# Argument checks shared by the exported functions.

check_flag <- function(x, arg = rlang::caller_arg(x), call = rlang::caller_env()) {
  if (!is.logical(x) || length(x) != 1L || is.na(x)) {
    what <- if (is.logical(x) && length(x) == 1L) "NA" else obj_desc(x)
    tb_abort(c(
      "{.arg {arg}} must be {.code TRUE} or {.code FALSE}.",
      x = "It is {what}{if (is.atomic(x) && length(x) != 1L) paste0(' of length ', length(x)) else ''}."
    ), "arg", call = call)
  }
  invisible(x)
}

check_choice <- function(x, choices, arg, call) {
  if (identical(x, choices)) return(choices[[1]])
  if (!is.character(x) || length(x) != 1L || is.na(x) || !x %in% choices) {
    shown <- if (is.character(x) && length(x) == 1L) paste0('"', x, '"') else obj_desc(x)
    tb_abort(c(
      "{.arg {arg}} must be one of {.or {.val {choices}}}.",
      x = "It is {shown}."
    ), "arg", call = call)
  }
  x
}

is_string <- function(x) is.character(x) && length(x) == 1L && !is.na(x)

check_dtype_arg <- function(dtype, call) {
  if (is.null(dtype) || is_string(dtype) || inherits(dtype, "torch.dtype")) return(invisible())
  tb_abort(c(
    "{.arg dtype} must be a dtype name such as {.val float32}, or a torch dtype.",
    x = "It is {obj_desc(dtype)}{if (is.character(dtype)) paste0(' of length ', length(dtype)) else ''}."
  ), "dtype", call = call)
}

check_device_arg <- function(device, call, null_ok = TRUE) {
  if (null_ok && is.null(device) || is_string(device) || inherits(device, "torch.device")) {
    return(invisible())
  }
  what <- if (identical(device, NA_character_) || identical(device, NA)) {
    "NA"
  } else {
    paste0(obj_desc(device), if (is.character(device)) paste0(" of length ", length(device)) else "")
  }
  tb_abort(c(
    "{.arg device} must be a device name such as {.val cpu}, {.val cuda} or {.val auto}.",
    x = "It is {what}."
  ), "device", call = call)
}

# A whole number from 1 to `max` (R's largest integer by default, as the
# value is passed on as an integer).
check_count <- function(x, arg, call, inf_ok = FALSE, max = .Machine$integer.max) {
  ok <- is.numeric(x) && !is.object(x) && length(x) == 1L && !is.na(x) && x >= 1 &&
    (is.infinite(x) && inf_ok || is.finite(x) && x == floor(x) && x <= max)
  if (!ok) {
    what <- if (is.numeric(x) && length(x) == 1L) format(x) else obj_desc(x)
    big <- is.numeric(x) && length(x) == 1L && !is.na(x) && is.finite(x) && x > max
    tb_abort(c(
      "{.arg {arg}} must be a whole number of 1 or more{if (inf_ok) ', or Inf' else ''}.",
      x = if (big) "It is {what}, more than the limit of {format(max, big.mark = ',', scientific = FALSE)}." else "It is {what}."
    ), "arg", call = call)
  }
  invisible(x)
}

# A path argument: one string, no NA; `~` expanded.
check_path <- function(path, call, arg = "path") {
  if (!is_string(path) || !nzchar(path)) {
    tb_abort(c("{.arg {arg}} must be a file path (a single string).", x = "It is {obj_desc(path)}."), "arg", call = call)
  }
  path.expand(path)
}

# from_torch()'s int64 argument (bit64 must be installed for "bit64").
check_int64 <- function(int64, call) {
  int64 <- check_choice(int64, c("integer", "double", "bit64"), "int64", call)
  if (int64 == "bit64" && !requireNamespace("bit64", quietly = TRUE)) {
    tb_abort(c(
      "{.code int64 = \"bit64\"} needs the {.pkg bit64} package.",
      i = "Install it with {.code install.packages(\"bit64\")}, or use {.code int64 = \"double\"}."
    ), "arg", call = call)
  }
  int64
}

# What R data torchbridge takes, in one place: a vector, matrix or array of
# one of `types`, with no class but those in `classes`, not S4. bit64's
# integer64 counts (where "integer64" is in `classes`) only on double
# storage, as the class on other storage lies about what the bytes are.
# Returns the R type ("integer64" for bit64's), or NULL for anything else.
# as_torch() takes every type and class below; data frame columns, Ops
# operands and `[` indices each take fewer.
r_data_type <- function(x, types = c("double", "integer", "logical", "complex", "raw"),
                        classes = c("table", "AsIs", "integer64")) {
  if (isS4(x)) return(NULL)
  cls <- oldClass(x)
  if (!is.null(cls) && !all(cls %in% classes)) return(NULL)
  if (inherits(x, "integer64")) return(if (typeof(x) == "double") "integer64")
  type <- typeof(x)
  if (type %in% types) type
}

# What `x` is, for messages: "a character vector", "an object of class <factor>".
obj_desc <- function(x) {
  if (is.null(x)) return("NULL")
  if (is.function(x)) return("a function")
  if (is_tensor(x)) return("a torch tensor")
  if (inherits(x, "python.builtin.object")) return(paste0("a Python ", class(x)[1], " object"))
  if (is.environment(x)) return("an environment")
  type <- switch(typeof(x), character = "a character vector", list = "a list",
    double = "a double vector", integer = "an integer vector",
    logical = "a logical vector", complex = "a complex vector",
    paste("an object of type", typeof(x)))
  if (is.object(x)) paste0("an object of class <", class(x)[1], ">") else type
}

# `x` must be a tensor: a classed type error saying what it is, with a hint
# to as_torch() (`hint`).
check_tensor <- function(x, call, arg = "x", hint = TRUE) {
  if (is_tensor(x)) return(invisible(x))
  tb_abort(c(
    "{.arg {arg}} must be a torch tensor.",
    x = "It is {obj_desc(x)}.",
    i = if (hint) "Use {.fn as_torch} to make a tensor from R data."
  ), "type", call = call)
}
