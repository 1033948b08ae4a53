#' Compare tensors with all.equal()
#'
#' `all.equal(target, current)` for tensors compares, as R does for arrays,
#' and says what differs: the dtype, the device, the shape, and then the
#' values as [from_torch()] gives them (int64 as doubles), with R's
#' `all.equal()` and its `tolerance` (by default `sqrt(.Machine$double.eps)`,
#' relative). It returns `TRUE` or a character vector of differences, so
#' `isTRUE(all.equal(a, b))` and testthat's edition 2 `expect_equal()` work
#' on tensors. `requires_grad` is not compared. `current` that is not a
#' tensor is a difference (convert it with [as_torch()] or compare
#' `from_torch(target)` with it). This matches what `waldo::compare()` and
#' testthat's edition 3 `expect_equal()` see (see [tensor-methods]).
#'
#' @param target,current Tensors.
#' @param ... Passed on to [all.equal()] for the values (e.g. `tolerance`,
#'   `scale`, `check.attributes`).
#' @return `TRUE`, or a character vector describing the differences.
#' @family tensor methods
#' @name tensor-all-equal
#' @examplesIf torchbridge::torch_available()
#' all.equal(as_torch(1:3), as_torch(c(1L, 2L, 4L))) # "Mean relative difference: 0.3333333"
#' all.equal(as_torch(1:3), as_torch(c(1, 2, 3)))    # the dtypes differ
#' isTRUE(all.equal(as_torch(c(1, 2)), as_torch(c(1, 2 + 1e-9))))
NULL

#' @rdname tensor-all-equal
#' @export
all.equal.torch.Tensor <- function(target, current, ...) {
  call <- rlang::current_env()
  if (!is_tensor(current)) {
    return(paste0("target is a torch tensor, current is ", obj_desc(current)))
  }
  a <- compare_values(target, call)
  b <- compare_values(current, call)
  out <- character()
  for (what in c("dtype", "device")) {
    if (!identical(a[[what]], b[[what]])) {
      out <- c(out, sprintf("%s: %s (target) vs %s (current)", what, a[[what]], b[[what]]))
    }
  }
  if (!identical(a$shape, b$shape)) {
    shapes <- vapply(list(target, current), function(t) tb_value("describe", t, .call = call)$shape_text, "")
    return(c(out, sprintf("shape: %s (target) vs %s (current)", shapes[[1]], shapes[[2]])))
  }
  values <- all.equal(a$values, b$values, ...)
  if (isTRUE(values)) values <- character()
  out <- c(out, values)
  if (length(out)) out else TRUE
}
