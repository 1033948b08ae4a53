#' Tensors as R arrays: dims, length, conversions, transposes
#'
#' These methods let R code treat a tensor like an R array. They are written
#' for the class `torch.Tensor`, so parameters (`torch.nn.Parameter`) get
#' them too.
#'
#' * `dim()` is the tensor's shape, as in the mlverse torch package: a 1-D
#'   tensor gives its length and a 0-d tensor `integer(0)` (an R vector
#'   has no dims; a tensor always has a shape). `length()` is the number of
#'   elements (a double beyond 2^31 - 1, as R's `length()` of a long
#'   vector).
#' * `as.array()`, `as.matrix()`, `as.vector()`, `as.double()` (and
#'   `as.numeric()`), `as.integer()` and `as.logical()` convert with
#'   [from_torch()]'s rules, then apply the R function to the result: a 0-d
#'   or 1-D tensor gives a vector, `as.vector()` flattens in R's
#'   column-major order, `as.matrix()` of a 1-D tensor is a one-column
#'   matrix. `as.double()` converts int64 tensors with `int64 = "double"`,
#'   so large integers become doubles instead of an overflow error (with
#'   `from_torch()`'s warning beyond 2^53), and `as.logical()` does too
#'   (without the warning: any non-zero value is `TRUE`); the others use
#'   `int64 = "integer"`.
#' * A 0-d tensor, such as `mean(x)` or `x[1] > 2` gives, is not a logical
#'   condition for `if` and `while`, which are not functions a tensor can
#'   have a method for: write `if (as.logical(mean(x) > 2))`, or
#'   `as.numeric(mean(x))` for the number. Both work on 0-d tensors of
#'   every dtype (complex too), as on `from_torch(x)`.
#' * `t()` transposes a matrix; a 1-D (or 0-d) tensor becomes a 1-row
#'   matrix, as in R, and more dims are an error (use `aperm()`).
#'   `aperm(a, perm)` reorders the dims (`perm` counts from 1 and defaults to
#'   reversing them). Both return a view that shares memory with the tensor,
#'   as torch's `t()` and `permute()` do; `aperm(resize = FALSE)` returns a
#'   copy with `a`'s shape.
#'
#' `testthat::expect_equal()` and `waldo::compare()` compare tensors by their
#' values (as [from_torch()] gives them, int64 as doubles), dtype, device
#' and shape; `requires_grad` is not compared.
#'
#' @param x,a A tensor.
#' @param mode As for [as.vector()].
#' @param perm `NULL` (reverse the dims) or a permutation of `1:length(dim(a))`.
#' @param resize `FALSE` to keep `a`'s shape (see [aperm()]).
#' @param ... Not used.
#' @return `dim()`: an integer vector; `length()`: a number; the `as.*()`
#'   methods: R vectors, matrices or arrays; `t()` and `aperm()`: tensors.
#' @family tensor methods
#' @name tensor-methods
#' @examplesIf torchbridge::torch_available()
#' t <- as_torch(array(1:24, c(2, 3, 4)))
#' dim(t)
#' length(t)
#' as.vector(t)        # 1:24, column-major as in R
#' dim(aperm(t))       # 4 3 2
#' t(as_torch(1:3))    # a 1 x 3 tensor
NULL

#' @rdname tensor-methods
#' @export
dim.torch.Tensor <- function(x) {
  call <- rlang::current_env()
  dims <- tb_value("shape", x, .call = call)
  as.integer(unlist(dims))
}

#' @rdname tensor-methods
#' @export
length.torch.Tensor <- function(x) {
  call <- rlang::current_env()
  n <- as.numeric(tb_value("numel", x, .call = call))
  if (n <= .Machine$integer.max) as.integer(n) else n
}

#' @rdname tensor-methods
#' @method as.array torch.Tensor
#' @export
as.array.torch.Tensor <- function(x, ...) {
  as.array(tensor_values(x, "integer", rlang::current_env()))
}

#' @rdname tensor-methods
#' @method as.matrix torch.Tensor
#' @export
as.matrix.torch.Tensor <- function(x, ...) {
  as.matrix(tensor_values(x, "integer", rlang::current_env()))
}

#' @rdname tensor-methods
#' @method as.vector torch.Tensor
#' @export
as.vector.torch.Tensor <- function(x, mode = "any") {
  as.vector(tensor_values(x, "integer", rlang::current_env()), mode)
}

#' @rdname tensor-methods
#' @method as.double torch.Tensor
#' @export
as.double.torch.Tensor <- function(x, ...) {
  as.double(tensor_values(x, "double", rlang::current_env()))
}

#' @rdname tensor-methods
#' @method as.integer torch.Tensor
#' @export
as.integer.torch.Tensor <- function(x, ...) {
  as.integer(tensor_values(x, "integer", rlang::current_env()))
}

#' @rdname tensor-methods
#' @method as.logical torch.Tensor
#' @export
as.logical.torch.Tensor <- function(x, ...) {
  # int64 values through doubles, so any size converts (non-zero is TRUE);
  # rounding beyond 2^53 can't change that, so no precision warning.
  values <- withCallingHandlers(
    tensor_values(x, "double", rlang::current_env()),
    torchbridge_warning_precision = function(w) invokeRestart("muffleWarning")
  )
  as.logical(values)
}

#' @rdname tensor-methods
#' @method t torch.Tensor
#' @export
t.torch.Tensor <- function(x) {
  call <- rlang::current_env()
  tb_call("transpose", x, .call = call)
}

#' @rdname tensor-methods
#' @method aperm torch.Tensor
#' @export
aperm.torch.Tensor <- function(a, perm = NULL, resize = TRUE, ...) {
  call <- rlang::current_env()
  check_flag(resize, call = call)
  if (!is.null(perm)) {
    if (!is.numeric(perm) || anyNA(perm) || !is.null(oldClass(perm))) {
      tb_abort(c(
        "{.arg perm} must be a permutation of the dims, as numbers from 1.",
        x = "It is {obj_desc(perm)}.",
        i = if (is.character(perm)) "Tensors have no dimnames." else NULL
      ), "index", call = call)
    }
    perm <- as.list(as.integer(perm))
  }
  tb_call("permute", a, perm, resize, .call = call)
}

# The tensor's values as R data, with errors naming the calling method.
tensor_values <- function(x, int64, call) {
  tensor_to_r(x, int64, call)
}
