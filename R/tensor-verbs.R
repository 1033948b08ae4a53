#' Base R verbs on tensors
#'
#' Many of base R's verbs work on tensors the way they work on the R array
#' that [from_torch()] gives: the same values, in the same order, with the
#' same ties, dims and NA/NaN placement. They are computed by torch on the
#' tensor's device and return a tensor, unless R's verb returns something
#' else (an R list, a number, ...).
#'
#' @section Sorting and unique values:
#' * `sort(x, decreasing = FALSE, na.last = NA)` gives a 1-D tensor of the
#'   elements (in R's column-major order for a matrix or array), sorted
#'   stably as R does. `na.last = NA` removes NA and NaN, `TRUE` puts them
#'   last and `FALSE` first, in the order they had. `method` is accepted and
#'   ignored (the result is the same); `partial` and `index.return` are
#'   not supported (use `order()`). Complex tensors are a
#'   `torchbridge_error_dtype` in `sort()`, `quantile()` and `median()`,
#'   though R sorts complex numbers by their real, then imaginary parts:
#'   torch has no order for them. Sort `from_torch(x)`, or order by parts
#'   (`order(Re(x), Im(x))`).
#' * `rev(x)` gives the elements in reverse order, as a 1-D tensor (R drops
#'   dims too).
#' * `xtfrm(x)` gives an R vector that sorts like `x`: the values for float
#'   tensors, ranks for integer and bool tensors (exact for int64 values
#'   beyond R's integers). Through it, `order()`, `rank()` and `sort()` of
#'   several tensors (`order(t1, t2)`) give what they give for the R
#'   arrays; their result is R's (indices count from 1). `rank()` is not
#'   generic and compares objects element by element with `if`, which a
#'   tensor can't answer: use `rank(xtfrm(x))`, the same as
#'   `rank(from_torch(x))`.
#' * `names(x)` is `NULL`, as for the R array (a tensor has no names; base
#'   functions that ask for them no longer list the tensor's Python
#'   attributes, which made torch warn). Use `reticulate::py_list_attributes()`
#'   for those.
#' * `unique(x)` and `duplicated(x)` keep R's order: the first occurrence of
#'   each value in the order of `x` (the last with `fromLast = TRUE`), not
#'   torch's sorted `torch$unique()`. NaN matches NaN and R's `NA` matches
#'   `NA`, but not each other (only float64 tensors hold `NA`), and `-0`
#'   matches `0`, as in R. For a matrix or array, `MARGIN` (1, rows, by
#'   default) says which slices are compared, as in R: `unique()` keeps the
#'   first of each distinct row, `duplicated()` is one value per row (R
#'   gives a 1-d array there, the tensor a 1-D one). Empty slices (the
#'   columns of a 0-row matrix) give what R gives: no slice at all.
#'   R compares rows of doubles by their text (15 significant digits); a
#'   tensor compares exact values. `duplicated()` gives a 1-D bool tensor
#'   (so `x[!duplicated(x)]` stays on the device); `incomparables` is not
#'   supported.
#' * Complex tensors can't be sorted on the device: use `sort(from_torch(x))`.
#' * `table()` is left to R, which counts through factors:
#'   `table(from_torch(x))`; on the device,
#'   `torch$unique(x, return_counts = TRUE)` gives the sorted values and
#'   their counts.
#'
#' @section Putting tensors together:
#' * `c(...)` gives one 1-D tensor: the elements of each argument (a
#'   tensor, or an R vector, matrix or array) in R's order, column-major
#'   within each. `NULL` arguments are dropped.
#' * `cbind(...)` and `rbind(...)` give a 2-D tensor by R's rules: 2-D
#'   tensors and R matrices are matrices, whose rows (for `cbind()`; columns
#'   for `rbind()`) must agree; everything else is a vector, which becomes a
#'   column (a row), recycled to the result's length. Without matrices the
#'   longest vector sets the length. Zero-length vectors are left out,
#'   unless the result has no rows (columns). Where R only warns and cuts
#'   or recycles part of a vector (its length doesn't divide the result's,
#'   or is longer), that is a `torchbridge_error_shape`, as for the
#'   operators.
#' * Dtypes follow the operators' rules: torch's promotion between tensors,
#'   and an R value takes the dtype a Python number of its kind gets next to
#'   the tensors (so an R double doesn't widen float32, and makes an int64
#'   or bool tensor the default float dtype). NA next to integer or bool
#'   tensors is a `torchbridge_error_na`. Tensors must be on one device (a
#'   0-d CPU tensor joins any), R values are sent there.
#' * Tensors have no names or dimnames: argument names (`c(a = x)`,
#'   `cbind(a = x)`) and `deparse.level` are not used.
#' * Dispatch: `c()` uses the tensor method only when its first argument is
#'   a tensor (`c(1, x)` is an R list; write `c(as_torch(1), x)`).
#'   `cbind()` and `rbind()` dispatch inside R (see the Dispatch section of
#'   [cbind()]): the tensor method is used when the first argument whose
#'   class has a method is a tensor, so `cbind(1:2, x)` and
#'   `cbind(x, df)` use it (a data frame or factor next to a tensor is a
#'   `torchbridge_error_type`), while `cbind(df, x)` uses the data frame
#'   method.
#'
#' @section Quantiles, medians, differences:
#' * `quantile(x, probs, na.rm, names, type, digits)` gives what
#'   `quantile(from_torch(x))` gives: a named R double vector (R keeps an
#'   integer or logical type for types other than 7 when nothing is
#'   interpolated, and so does the method). All nine of R's types are
#'   supported, with R's algorithm (`stats::quantile.default` as of R 4.2);
#'   the values are found and interpolated by torch on the tensor's device,
#'   in float64 (float32 on MPS). Beyond 65,536 values only those near the
#'   positions asked for are sorted (a sorted sample finds them), so the
#'   extra memory is two logical masks, not a sorted copy. NA or NaN without `na.rm = TRUE` is a
#'   `torchbridge_error_na`, where R stops too.
#' * `median(x, na.rm)` gives a 0-d tensor: the middle value, in `x`'s
#'   dtype, for an odd number of values; for an even number, the mean of the
#'   two middle ones in a float dtype (the default float dtype for integer
#'   and bool tensors, as [mean()] gives). With NA or NaN and `na.rm =
#'   FALSE`, or no values, it is `NA` (NaN below float64); for integer and
#'   bool tensors, which can't hold it, no values are a
#'   `torchbridge_error_na`.
#' * `diff(x, lag, differences)` gives the differences of the rows of a
#'   2-D tensor (a 2-D tensor) or of the elements of any other one (1-D),
#'   as R, with the operators' rules: a bool tensor gives int64, and integer
#'   results never wrap around. Too few values give an empty 1-D tensor of
#'   `x`'s dtype, as R gives `x[0L]`.
#' * `scale(x)` works through `as.matrix()`: it returns R's matrix with
#'   its `"scaled:center"` and `"scaled:scale"` attributes, which a tensor
#'   can't carry. On the device: `(x - x$mean(0L)) / x$std(0L)`.
#'
#' @section Elements:
#' `as.list(x)` (a list of R numbers, in R's order), `as.vector(x, mode =)`,
#' `seq_along(x)` and `length(x)` work as on the R array; `lengths(x)` is
#' all ones, as for an R vector, with `x`'s dims for a matrix or array. They
#' return R values. To loop over a tensor's elements without converting
#' it, use `for (i in seq_along(x)) x[i]`.
#'
#' @section Linear algebra:
#' * `solve(a, b)` solves `a %*% x = b` on the device; without `b` it gives
#'   the inverse. As in R, a vector `b` gives a vector, a matrix `b` a
#'   matrix, and `a` must be square with as many rows as `b`. Integer and
#'   bool tensors give the default float dtype (R gives doubles); a float32
#'   tensor is solved in float32. An exactly singular `a` is a
#'   `torchbridge_error_torch`, and so is one whose reciprocal condition
#'   number is below `tol` (`.Machine$double.eps` by default), as R refuses
#'   it (torch computes the condition number exactly where LAPACK estimates
#'   it, so matrices right at the limit may be judged differently). Only
#'   `a` dispatches: `solve(R matrix, tensor)` is R's own.
#' * `chol(x)` gives R's upper triangular factor `R`, with `t(R) %@% R`
#'   equal to `x`, read from `x`'s upper triangle as R does. A matrix that
#'   is not positive definite is a `torchbridge_error_torch` naming the
#'   leading minor; `pivot = TRUE` is not supported.
#' * `determinant(x, logarithm)` gives R's `"det"` object (an R list), and so
#'   `det(x)` an R number; a singular matrix has modulus `-Inf` (log) and
#'   sign 1, as in R.
#' * The values agree with R's to rounding: both use LAPACK, but not the
#'   same build, and float32 tensors are computed in float32.
#' * `qr()` is not a tensor method: R's `"qr"` object (LINPACK/LAPACK's
#'   compact form) is not what torch computes. Use `torch$linalg$qr(x)` for
#'   Q and R, or `qr(from_torch(x))`.
#' * `crossprod(x, y)` and `tcrossprod(x, y)` are `t(x) %@% y` and
#'   `x %@% t(y)` (`y` defaults to `x`) from R 4.4, where R dispatches them
#'   on S3 classes; before R 4.4 they are not generic: write `t(x) %@% y`
#'   and `x %@% t(y)`.
#'
#' @section Base functions that don't dispatch on tensors:
#' These are ordinary R functions, not generics, so a tensor can't give them
#' a method; they fail with R's own errors. Use the tensor way (torch's dims
#' count from 0), or `from_torch()` first:
#'
#' | R | on a tensor |
#' |---|---|
#' | `colSums(x)`, `colMeans(x)` | `x$sum(0L)`, `x$mean(0L)` |
#' | `rowSums(x)`, `rowMeans(x)` | `x$sum(1L)`, `x$mean(1L)` |
#' | `var(x)`, `sd(x)` of a vector | `x$var()`, `x$std()` (divisor n - 1, as R) |
#' | `cor(x)` of a matrix's columns | `torch$corrcoef(t(x))` |
#' | `which(x)` of a 1-D bool tensor | `torch$nonzero(x)$flatten() + 1L` |
#' | `which.max(x)`, `which.min(x)` of a 1-D tensor | `x$argmax() + 1L`, `x$argmin() + 1L` (torch picks a NaN; R skips NA) |
#' | `diag(x)` | `torch$diag(x)` (a matrix's diagonal, or a diagonal matrix from a vector) |
#' | `crossprod(x, y)`, `tcrossprod(x, y)` | `t(x) %@% y`, `x %@% t(y)` |
#' | `if (x)`, `while (x)` | `if (as.logical(x))`, for a 0-d tensor (see [tensor-methods]) |
#' | `for (v in x)` | `for (v in as.list(x))`, or `for (i in seq_along(x)) x[i]` |
#'
#' `sd(x)` of a tensor already works (it converts with `as.double()`) and
#' returns an R number. Their errors are R's own (and no longer come with a
#' warning from torch about `x.T`, which R's asking for the tensor's
#' `names()` used to cause).
#'
#' @param x A tensor.
#' @param decreasing `TRUE` to sort in decreasing order.
#' @param na.last `NA` to remove NA and NaN, `TRUE` to put them last,
#'   `FALSE` first.
#' @param incomparables Only `FALSE` (the default) is supported.
#' @param MARGIN For a matrix or array, the dim whose slices are compared
#'   (1: rows). Ignored for 0-d and 1-D tensors, as R ignores it for vectors.
#' @param fromLast `TRUE` to keep the last occurrence instead of the first.
#' @param ... `method` for `sort()` (ignored), `nmax` for `unique()` and
#'   `duplicated()` (ignored); for `c()`, `cbind()` and
#'   `rbind()` the tensors and R values to put together.
#' @param deparse.level Not used (tensors have no dimnames).
#' @return `sort()`, `rev()`, `unique()`, `duplicated()`, `median()`,
#'   `diff()`, `solve()` and `chol()`: a tensor on `x`'s device;
#'   `determinant()` R's `"det"` list; `quantile()` an R vector; `c()` a 1-D and `cbind()`, `rbind()` a 2-D tensor on
#'   the tensors' device. `xtfrm()` and `lengths()`: an R vector.
#'   `names()`: `NULL`.
#' @family tensor methods
#' @name tensor-verbs
#' @examplesIf torchbridge::torch_available()
#' x <- as_torch(c(3, NA, 1, 3, NaN, 2), dtype = "float64")
#' sort(x)                 # 1 2 3 3
#' sort(x, na.last = TRUE) # 1 2 3 3 NA NaN
#' order(x)                # R's indices, as order(from_torch(x))
#' unique(x)               # 3 NA 1 NaN 2: first occurrences, in order
#' x[!duplicated(x)]
#' rev(x)
#' m <- as_torch(matrix(1:4, 2))
#' c(m, 5:6)               # 1 2 3 4 5 6, int64
#' cbind(m, 0)             # a 2 x 3 int64 tensor
#' rbind(m, c(1.5, 2.5))   # float32 (the default float dtype)
#' quantile(x, na.rm = TRUE)
#' median(as_torch(c(5L, 1L, 3L)))
#' diff(as_torch(c(1, 4, 9, 16)))
NULL

#' @rdname tensor-verbs
#' @export
sort.torch.Tensor <- function(x, decreasing = FALSE, na.last = NA, ...) {
  call <- rlang::current_env()
  check_flag(decreasing, call = call)
  check_na_last(na.last, call)
  check_verb_dots(list(...), "sort", c("method", "partial", "index.return"), call)
  dots <- list(...)
  if (!is.null(dots$partial) || isTRUE(dots$index.return)) {
    tb_abort(c(
      "{.fn sort} of a tensor doesn't support {.arg partial} or {.arg index.return}.",
      i = "Use {.code order(x)} for the indices of the sorted values."
    ), "arg", call = call)
  }
  where <- if (is.na(na.last)) "remove" else if (na.last) "last" else "first"
  tb_call("sort_values", x, decreasing, where, .call = call)
}

#' @rdname tensor-verbs
#' @export
rev.torch.Tensor <- function(x) {
  call <- rlang::current_env()
  tb_call("reverse", x, .call = call)
}

#' @rdname tensor-verbs
#' @export
xtfrm.torch.Tensor <- function(x) {
  call <- rlang::current_env()
  key <- tb_call("xtfrm_key", x, .call = call)
  tensor_values(key, "integer", call)
}

#' @rdname tensor-verbs
#' @export
unique.torch.Tensor <- function(x, incomparables = FALSE, MARGIN = 1, fromLast = FALSE, ...) {
  call <- rlang::current_env()
  args <- check_unique_args(incomparables, MARGIN, fromLast, list(...), "unique", call)
  tb_call("unique_values", x, args$margin, fromLast, .call = call)
}

#' @rdname tensor-verbs
#' @export
duplicated.torch.Tensor <- function(x, incomparables = FALSE, MARGIN = 1, fromLast = FALSE, ...) {
  call <- rlang::current_env()
  args <- check_unique_args(incomparables, MARGIN, fromLast, list(...), "duplicated", call)
  tb_call("duplicated_values", x, args$margin, fromLast, .call = call)
}

# ---- helpers ----------------------------------------------------------------

check_na_last <- function(na.last, call) {
  if (!is.logical(na.last) || length(na.last) != 1L) {
    tb_abort(c(
      "{.arg na.last} must be {.code NA}, {.code TRUE} or {.code FALSE}.",
      x = "It is {obj_desc(na.last)}{if (is.atomic(na.last) && length(na.last) != 1L) paste0(' of length ', length(na.last)) else ''}."
    ), "arg", call = call)
  }
  invisible()
}

# Arguments in `dots` must be named and among `allowed`.
check_verb_dots <- function(dots, fun, allowed, call) {
  nms <- rlang::names2(dots)
  bad <- nms == "" | !nms %in% allowed
  if (any(bad)) {
    shown <- ifelse(nms[bad] == "", "an unnamed argument", paste0("`", nms[bad], "`"))
    tb_abort(c(
      "{.fn {fun}} of a tensor got an argument it doesn't use.",
      x = "Got {shown}.",
      i = if (length(allowed)) "It takes {.arg {allowed}}." else NULL
    ), "arg", call = call)
  }
  invisible()
}

check_unique_args <- function(incomparables, MARGIN, fromLast, dots, fun, call) {
  check_verb_dots(dots, fun, "nmax", call)
  if (!identical(incomparables, FALSE)) {
    tb_abort(c(
      "{.fn {fun}} of a tensor supports only {.code incomparables = FALSE}.",
      i = "Use {.code {fun}(from_torch(x), incomparables = )}."
    ), "arg", call = call)
  }
  check_flag(fromLast, call = call)
  if (!is.numeric(MARGIN) || is.object(MARGIN) || length(MARGIN) != 1L || is.na(MARGIN) ||
      MARGIN != floor(MARGIN)) {
    tb_abort(c(
      "{.arg MARGIN} must be a single dim number for a tensor.",
      x = "It is {obj_desc(MARGIN)}{if (is.atomic(MARGIN) && length(MARGIN) != 1L) paste0(' of length ', length(MARGIN)) else ''}.",
      i = if (is.character(MARGIN)) "Tensors have no dimnames." else NULL
    ), "arg", call = call)
  }
  list(margin = as.integer(MARGIN))
}

#' @rdname tensor-verbs
#' @export
names.torch.Tensor <- function(x) NULL

#' @rdname tensor-verbs
#' @export
c.torch.Tensor <- function(...) {
  call <- call("c", quote(...))
  items <- bind_items(list(...), "c", call)
  tb_call("combine", lapply(items, r_value), .call = call)
}

#' @rdname tensor-verbs
#' @export
cbind.torch.Tensor <- function(..., deparse.level = 1) {
  call <- call("cbind", quote(...))
  items <- bind_items(list(...), "cbind", call)
  tb_call("bind", lapply(items, r_value), FALSE, .call = call)
}

#' @rdname tensor-verbs
#' @export
rbind.torch.Tensor <- function(..., deparse.level = 1) {
  call <- call("rbind", quote(...))
  items <- bind_items(list(...), "rbind", call)
  tb_call("bind", lapply(items, r_value), TRUE, .call = call)
}

# The arguments of c(), cbind() and rbind() without NULLs, each a tensor or
# an R number (argument names are dropped: tensors hold no names).
bind_items <- function(items, fun, call) {
  items <- items[!vapply(items, is.null, TRUE)]
  names(items) <- paste0("..", seq_along(items))
  check_operands(items, paste0(fun, "()"), call)
  unname(items)
}

#' @rdname tensor-verbs
#' @param probs Probabilities in `[0, 1]` (`NA` gives `NA`).
#' @param na.rm `TRUE` to skip NA and NaN.
#' @param names `TRUE` to name the quantiles, as R does.
#' @param type The quantile algorithm, a whole number from 1 to 9 (see
#'   [stats::quantile()]).
#' @param digits For the names, as in [stats::quantile()].
#' @rawNamespace S3method(stats::quantile, torch.Tensor)
quantile.torch.Tensor <- function(x, probs = seq(0, 1, 0.25), na.rm = FALSE, names = TRUE,
                                  type = 7, digits = 7, ...) {
  call <- rlang::current_env()
  check_flag(na.rm, call = call)
  check_flag(names, call = call)
  check_verb_dots(list(...), "quantile", character(), call)
  if (!is.numeric(type) || is.object(type) || length(type) != 1L || is.na(type) || !type %in% 1:9) {
    tb_abort(c(
      "{.arg type} must be one of R's quantile types, a whole number from 1 to 9.",
      x = "It is {if (is.numeric(type) && length(type) == 1L) format(type) else obj_desc(type)}."
    ), "arg", call = call)
  }
  eps <- 100 * .Machine$double.eps
  if (!is.numeric(probs) || is.object(probs) || any(!is.na(probs) & (probs < -eps | probs > 1 + eps))) {
    tb_abort(c(
      "{.arg probs} must be probabilities, numbers from 0 to 1.",
      x = if (is.numeric(probs)) "Some are outside [0, 1]." else "It is {obj_desc(probs)}."
    ), "arg", call = call)
  }
  ok <- !is.na(probs)
  p <- pmax(0, pmin(1, as.double(probs[ok])))
  res <- tb_call("quantiles", x, as.list(p), as.integer(type), na.rm, .call = call)
  qs <- tensor_values(res, "integer", call)
  if (length(qs) < length(p)) qs <- qs[rep(NA_integer_, length(p))] # no values
  if (!all(ok)) {
    # As R: NA probs give NA, and make the result double where R's weights
    # for them are NA (types 2 and 4 to 9).
    out <- qs[rep(NA_integer_, length(probs))]
    if (type %in% c(2, 4:9)) out <- as.double(out)
    out[ok] <- qs
    qs <- out
  }
  if (names && length(probs)) names(qs) <- names(stats::quantile(0, probs, digits = digits))
  qs
}

#' @rdname tensor-verbs
#' @rawNamespace S3method(stats::median, torch.Tensor)
median.torch.Tensor <- function(x, na.rm = FALSE, ...) {
  call <- rlang::current_env()
  check_flag(na.rm, call = call)
  check_verb_dots(list(...), "median", character(), call)
  tb_call("median", x, na.rm, .call = call)
}

#' @rdname tensor-verbs
#' @param lag,differences Whole numbers of 1 or more, as in [diff()].
#' @export
diff.torch.Tensor <- function(x, lag = 1, differences = 1, ...) {
  call <- rlang::current_env()
  check_count(lag, "lag", call)
  check_count(differences, "differences", call)
  check_verb_dots(list(...), "diff", character(), call)
  tb_call("diff", x, as.integer(lag), as.integer(differences), .call = call)
}

#' @rdname tensor-verbs
#' @param use.names Not used (tensors have no names).
#' @method lengths torch.Tensor
#' @export
lengths.torch.Tensor <- function(x, use.names = TRUE) {
  d <- dim(x)
  if (length(d) <= 1L) rep(1L, prod(d)) else array(1L, d)
}

#' @rdname tensor-verbs
#' @param a A square tensor (a 2-D one; a vector counts as one column).
#' @param b A tensor or R vector or matrix with as many rows as `a`;
#'   missing for the inverse of `a`.
#' @export
solve.torch.Tensor <- function(a, b, ...) {
  call <- rlang::current_env()
  dots <- list(...)
  check_verb_dots(dots, "solve", c("tol", "LINPACK"), call)
  tol <- dots$tol %||% .Machine$double.eps
  if (!is.numeric(tol) || length(tol) != 1L || is.na(tol)) {
    tb_abort(c("{.arg tol} must be a single number.", x = "It is {obj_desc(tol)}."), "arg", call = call)
  }
  if (missing(b)) return(tb_call("solve", a, NULL, as.double(tol), .call = call))
  check_operands(list(a = a, b = b), "solve()", call)
  tb_call("solve", a, r_value(b), as.double(tol), .call = call)
}

#' @rdname tensor-verbs
#' @param pivot Only `FALSE` is supported.
#' @export
chol.torch.Tensor <- function(x, pivot = FALSE, ...) {
  call <- rlang::current_env()
  if (!identical(pivot, FALSE)) {
    tb_abort(c(
      "{.fn chol} of a tensor supports only {.code pivot = FALSE}.",
      i = "Use {.code chol(from_torch(x), pivot = TRUE)}."
    ), "arg", call = call)
  }
  check_verb_dots(list(...), "chol", c("LINPACK", "tol"), call)
  tb_call("chol", x, .call = call)
}

#' @rdname tensor-verbs
#' @param logarithm `TRUE` for the log of the determinant's modulus.
#' @export
determinant.torch.Tensor <- function(x, logarithm = TRUE, ...) {
  call <- rlang::current_env()
  check_flag(logarithm, call = call)
  v <- tensor_values(tb_call("slogdet", x, .call = call), "double", call)
  modulus <- if (logarithm) v[[2]] else exp(v[[2]])
  structure(
    list(modulus = structure(modulus, logarithm = logarithm), sign = as.integer(v[[1]])),
    class = "det"
  )
}
