#' Plot a tensor with ggplot2
#'
#' `autoplot()` (from ggplot2) draws a tensor and returns a ggplot, so
#' layers, scales, themes and labels can be added as to any other;
#' `plot()` draws it. The method is registered when torchbridge is loaded;
#' ggplot2 only needs to be installed.
#'
#' `type = "auto"` picks by the number of dimensions:
#'
#' | tensor | plot | `type` |
#' |---|---|---|
#' | 1-D | a line of `value` against `index` | `"line"` (or `"hist"`) |
#' | 2-D | a heatmap: one raster cell per element, viridis colours, row 1 at the top as in a printed matrix; cells fill the panel (add [ggplot2::coord_equal()] for square ones) | `"heatmap"` |
#' | 3-D with 1, 3 or 4 channels first (CHW) | an image: grey, RGB or RGBA | `"image"` |
#' | 4-D (NCHW), 1, 3 or 4 channels | a grid of the first `max_images` images, one facet each | `"image"` |
#'
#' Other types are chosen by name:
#'
#' | `type` | tensor | plot |
#' |---|---|---|
#' | `"lines"` | 2-D, rows x columns (e.g. epochs x runs); a 1-D tensor is one column | one line per column: `value` against `row`, coloured by column (a legend titled "column", keys `1`, `2`, ...; beyond 12 columns a colour bar) |
#' | `"scatter"` | 2-D, n x 2 | one point per row: column 1 (x) against column 2 (y) |
#' | `"scatter"` | 2-D, n x k, k even | the columns taken in pairs, (1, 2), (3, 4), ...: one point per row and pair, coloured by pair (a legend titled "pair", keys `1-2`, `3-4`, ...; beyond 12 pairs a colour bar of pair numbers) |
#' | `"hist"` | any shape | a histogram of all its values |
#' | `"image"` | 2-D (a grey image), 3-D CHW, 4-D NCHW | as above |
#'
#' With `type = "lines"`, NaN values leave gaps in their column's line, as
#' in a line plot, and a column that ends in NaN (runs of different lengths
#' padded with NaN) ends at its last value; ggplot2 is not asked to warn
#' about them. With `type = "scatter"`, a point with a NaN coordinate is not
#' drawn, also without a warning. A scatter plot needs a 2-D tensor with
#' an even number of columns: an odd number (1, 3, ...) or another number
#' of dimensions is an error.
#'
#' Anything `autoplot()` can't draw (a 3-D tensor whose first dimension is
#' not 1, 3 or 4, 5-D, 0-d, empty or complex tensors, a shape the `type`
#' does not take) is an error of class `torchbridge_error_plot` that says
#' what `type` or reshaping would work.
#'
#' @section Images:
#' Images are channels first, as torch's vision models use them: CHW for
#' one image, NCHW for a batch. The value range is detected: uint8 tensors
#' are `[0, 255]`; other dtypes are `[0, 1]` when all finite values lie in
#' it, else `[0, 255]` when they lie in that; values outside both are an
#' error (rescale first). Images are drawn with their own colours
#' ([ggplot2::scale_fill_identity()]), square pixels, row 1 at the top and
#' no axes. NaN pixels are left blank.
#'
#' @section Large tensors:
#' A tensor with more than `max_points` values to draw is reduced on its
#' own device before it comes to R, and a message (class
#' `torchbridge_message_plot`) says how: a line is averaged over windows of
#' `k` values, lines over windows of `k` rows (each column on its own;
#' columns are never dropped, so `max_points` is shared by them), a heatmap
#' or image over blocks of `k x k` pixels (`avg_pool1d()`/`avg_pool2d()`,
#' so a GPU tensor never crosses to R at full size). A window that holds a
#' NaN averages to NaN. Axes keep the tensor's own indices (a window is
#' drawn at its centre) and the plot's caption says what was averaged.
#' A scatter plot is never averaged, as that would draw points that are not
#' in the data: it keeps one row in `k` (rows 1, `k + 1`, `2k + 1`, ...,
#' the same rows every time), so that rows times column pairs fit in
#' `max_points` (one row at least); the caption says which rows are drawn. A 4-D tensor
#' shows its first `max_images` images. A histogram is always counted on
#' the tensor's device: only the `bins` counts come to R,
#' so it shows every finite value; NaN and infinite values are left out.
#' Other than that message, `autoplot()` has no side effects.
#'
#' The data behind the line, lines, heatmap and image plots is
#' [tensor_data()] of the (reduced) tensor: `dim1` is a line's `index`; a
#' lines plot and a heatmap draw the `row`, `col` and `value` columns of a
#' 2-D tensor (the plot's data is `tensor_data(x)`, with window centres as
#' `row` and `col` when reduced); an image the `y`, `x` columns of
#' `tensor_data(x, image = TRUE)`. A scatter plot draws
#' `tensor_data(x, pairs = TRUE)`: `row`, `pair`, `x`, `y`, with the
#' tensor's own row numbers for the rows it keeps. Values are drawn as
#' doubles, so an integer or bool tensor's values are doubles in the
#' plot's data (int64 values beyond R's integers too, rounded beyond 2^53,
#' without a warning: a plot has no use for the last digits).
#'
#' @param object,x A torch tensor.
#' @param type `"auto"` (see above), `"line"`, `"lines"`, `"scatter"`,
#'   `"hist"`, `"heatmap"` or `"image"`.
#' @param ... For `autoplot()`: must be empty. For `plot()`: passed on to
#'   `autoplot()`.
#' @param max_points The most values to draw: longer lines, lines (rows
#'   times columns) and larger heatmaps and images (all images of a grid
#'   together) are averaged on the device down to this size; a scatter plot
#'   with more points (rows times column pairs) keeps one row in `k`.
#' @param max_images The most images of a 4-D tensor to draw (the first
#'   ones).
#' @param bins The number of equal bins of a histogram, from the smallest to
#'   the largest finite value.
#' @return `autoplot()`: a ggplot object. `plot()`: `x`, invisibly, after
#'   drawing the plot.
#' @family plotting
#' @name autoplot.torch.Tensor
#' @examplesIf torchbridge::torch_available()
#' library(ggplot2)
#' autoplot(as_torch(volcano)) # heatmap
#' autoplot(as_torch(faithful$eruptions), type = "hist", bins = 20)
#' # training curves: 100 epochs (rows) of 3 runs (columns)
#' loss <- sapply(1:3, function(run) exp(-(1:100) / (10 * run)) + runif(100, 0, 0.05))
#' autoplot(as_torch(loss), type = "lines")
#' autoplot(as_torch(as.matrix(faithful)), type = "scatter")
#' # two point clouds, columns (1, 2) and (3, 4)
#' autoplot(as_torch(matrix(rnorm(400), 100)), type = "scatter")
#' img <- as_torch(array(runif(3 * 32 * 48), c(3, 32, 48))) # CHW in [0, 1]
#' autoplot(img) + ggtitle("noise")
#' plot(as_torch(sin(seq(0, 10, by = 0.1))))
NULL

#' @rdname autoplot.torch.Tensor
#' @method autoplot torch.Tensor
autoplot.torch.Tensor <- function(object,
                                  type = c("auto", "line", "lines", "scatter", "hist", "heatmap", "image"),
                                  ..., max_points = 2^18, max_images = 16, bins = 30) {
  tensor_plot(object, type, ..., max_points = max_points, max_images = max_images,
              bins = bins, call = rlang::current_env())
}

#' @rdname autoplot.torch.Tensor
#' @export
plot.torch.Tensor <- function(x, ...) {
  rlang::check_installed("ggplot2", "to plot tensors.")
  print(tensor_plot(x, ..., call = rlang::current_env()))
  invisible(x)
}

plot_types <- c("auto", "line", "lines", "scatter", "hist", "heatmap", "image")

tensor_plot <- function(object, type = plot_types, ..., max_points = 2^18, max_images = 16,
                        bins = 30, call) {
  if (...length()) {
    dots <- names(list(...)) %||% rep("", ...length())
    tb_abort(c(
      "{.arg ...} must be empty.",
      x = if (all(nzchar(dots))) "Found {.arg {dots}}." else "Found an unnamed argument.",
      i = "The arguments are {.arg type}, {.arg max_points}, {.arg max_images} and {.arg bins}."
    ), "arg", call = call)
  }
  check_tensor(object, call, arg = "object", hint = FALSE)
  type <- check_choice(type, plot_types, "type", call)
  check_count(max_points, "max_points", call)
  check_count(max_images, "max_images", call)
  check_count(bins, "bins", call)
  kind <- tb_value("plot_kind", object, type, .call = call)
  if (kind == "hist") return(plot_hist(object, bins, call))
  prep <- tb_call("plot_reduce", object, kind, max_points, as.integer(max_images), .call = call)
  item <- function(key) reticulate::py_to_r(reticulate::py_get_item(prep, key))
  info <- list(
    shape = as.double(unlist(item("shape"))),
    factors = as.double(unlist(item("factors"))),
    images = item("images"),
    shown = item("shown"),
    step = item("step"),
    range = item("range"),
    device = item("device")
  )
  reduced <- reticulate::py_get_item(prep, "tensor")
  inform_reduced(info, max_points, max_images, kind)
  # a plot needs no exact integers: int64 beyond R's integers are drawn as doubles
  data <- withCallingHandlers(
    tensor_frame(reduced, Inf, kind == "image", call, pairs = kind == "scatter", int64 = "double"),
    torchbridge_warning_precision = function(w) invokeRestart("muffleWarning")
  )
  caption <- reduced_caption(info, kind)
  switch(kind,
    line = plot_line(data, info$factors, caption),
    lines = plot_lines(data, info$factors, caption),
    scatter = plot_scatter(data, info$shape[[2]], info$step, caption),
    heatmap = plot_heatmap(data, info$factors, caption),
    image = plot_image(data, info, caption)
  )
}

# Where a pooled window's values are drawn: at its centre, in the tensor's
# own 1-based indices.
window_centre <- function(i, k) if (k == 1) i else (i - 1) * k + (k + 1) / 2

reduced_caption <- function(info, kind) {
  factors <- info$factors
  if (kind == "scatter") {
    if (info$step == 1) return(NULL)
    return(paste0("One row in ", info$step, ": rows ", kept_rows(info$step)))
  }
  if (all(factors == 1)) return(NULL)
  if (kind == "line") return(paste("Means of windows of", factors[[1]], "values"))
  if (kind == "lines") return(paste("Means of windows of", factors[[1]], "rows"))
  paste0("Means of ", factors[[1]], " x ", factors[[2]], " blocks")
}

# The rows a scatter plot keeps, as text: "1, 4, 7, ...".
kept_rows <- function(step) paste0(paste(big_number(1 + (0:2) * step), collapse = ", "), ", ...")

inform_reduced <- function(info, max_points, max_images, kind) {
  shape <- paste(sprintf("%.0f", info$shape), collapse = " x ")
  msg <- character()
  if (any(info$factors > 1)) {
    what <- if (length(info$factors) == 1L) {
      paste("windows of", info$factors, "values")
    } else if (kind == "lines") {
      paste("windows of", info$factors[[1]], "rows, each column on its own,")
    } else {
      paste0("blocks of ", info$factors[[1]], " x ", info$factors[[2]], " values")
    }
    msg <- c(
      msg,
      "{.fn autoplot} averaged the {shape} tensor over {what} on {.val {info$device}} to draw it.",
      i = "Raise {.arg max_points} (now {big_number(max_points)}) to draw more values."
    )
  }
  if (kind == "scatter" && info$step > 1) {
    rows <- kept_rows(info$step)
    shown <- ceiling(info$shape[[1]] / info$step)
    msg <- c(
      msg,
      "{.fn autoplot} draws one row in {info$step} of the {shape} tensor (rows {rows}): {big_number(shown)} of its {big_number(info$shape[[1]])} rows.",
      i = "Raise {.arg max_points} (now {big_number(max_points)}) to draw more points."
    )
  }
  if (!is.null(info$images) && info$shown < info$images) {
    msg <- c(
      msg,
      "{.fn autoplot} draws the first {info$shown} of the {info$images} images.",
      i = "Set {.arg max_images} (now {max_images}) to draw more."
    )
  }
  if (length(msg)) cli::cli_inform(msg, class = c("torchbridge_message_plot", "torchbridge_message"))
  invisible()
}

plot_line <- function(data, factors, caption) {
  df <- data.frame(index = window_centre(data$dim1, factors[[1]]), value = data$value)
  ggplot2::ggplot(df, ggplot2::aes(x = .data$index, y = .data$value)) +
    ggplot2::geom_line() +
    ggplot2::labs(x = "index", y = "value", caption = caption)
}

# One line per column: `data` is tensor_data() of the 2-D (reduced) tensor.
# Beyond this many lines or pairs, colour is a continuous scale (a colour
# bar) instead of a legend key each: thousands of keys are unreadable and
# take ggplot2 a minute to draw.
max_legend_keys <- 12L

plot_lines <- function(data, factors, caption) {
  data$row <- window_centre(data$row, factors[[1]])
  mapping <- if (max(data$col) > max_legend_keys) {
    ggplot2::aes(x = .data$row, y = .data$value, group = .data$col, colour = .data$col)
  } else {
    ggplot2::aes(x = .data$row, y = .data$value, colour = factor(.data$col))
  }
  ggplot2::ggplot(data, mapping) +
    ggplot2::geom_line(na.rm = TRUE) +
    ggplot2::labs(x = "row", y = "value", colour = "column", caption = caption)
}

# Points from column pairs: `data` is tensor_data(pairs = TRUE) of the
# tensor's kept rows; `row` becomes the tensor's own row number.
plot_scatter <- function(data, columns, step, caption) {
  if (step > 1) data$row <- (data$row - 1) * step + 1
  pairs <- columns / 2
  if (pairs == 1) {
    mapping <- ggplot2::aes(x = .data$x, y = .data$y)
    labels <- ggplot2::labs(x = "col 1", y = "col 2", caption = caption)
  } else {
    mapping <- if (pairs > max_legend_keys) {
      ggplot2::aes(x = .data$x, y = .data$y, colour = .data$pair)
    } else {
      ggplot2::aes(x = .data$x, y = .data$y, colour = pair_factor(.data$pair))
    }
    # "col 1, 3, 5" or "col 1, 3, ..., 11"; "col 2, 4, 6" or "col 2, 4, ..., 12"
    cols <- function(first) {
      num <- function(v) format(v, scientific = FALSE, trim = TRUE)
      shown <- if (pairs <= 3) num(seq(first, by = 2, length.out = pairs)) else c(num(c(first, first + 2)), "...", num(columns - 2 + first))
      paste("col", paste(shown, collapse = ", "))
    }
    labels <- ggplot2::labs(x = cols(1), y = cols(2), colour = "pair", caption = caption)
  }
  ggplot2::ggplot(data, mapping) + ggplot2::geom_point(na.rm = TRUE) + labels
}

# Pair numbers 1, 2, ... as a factor labelled by their columns: "1-2", "3-4", ...
pair_factor <- function(pair) {
  n <- seq_len(max(pair))
  factor(pair, levels = n, labels = paste0(2 * n - 1, "-", 2 * n))
}

plot_heatmap <- function(data, factors, caption) {
  df <- data.frame(
    row = window_centre(data$row, factors[[1]]),
    col = window_centre(data$col, factors[[2]]),
    value = data$value
  )
  ggplot2::ggplot(df, ggplot2::aes(x = .data$col, y = .data$row, fill = .data$value)) +
    ggplot2::geom_raster() +
    ggplot2::scale_fill_viridis_c() +
    ggplot2::scale_x_continuous(expand = c(0, 0)) +
    ggplot2::scale_y_reverse(expand = c(0, 0)) +
    ggplot2::labs(x = "col", y = "row", fill = "value", caption = caption)
}

plot_image <- function(data, info, caption) {
  channels <- if ("channel" %in% names(data)) max(data$channel) else 1L
  first <- if (channels == 1L && !"channel" %in% names(data)) TRUE else data$channel == 1L
  df <- data[first, intersect(c("image", "y", "x"), names(data)), drop = FALSE]
  levels <- lapply(seq_len(channels), function(k) {
    v <- if (channels == 1L && !"channel" %in% names(data)) data$value else data$value[data$channel == k]
    v / info$range
  })
  df$y <- window_centre(df$y, info$factors[[1]])
  df$x <- window_centre(df$x, info$factors[[2]])
  df$colour <- image_colours(levels)
  p <- ggplot2::ggplot(df, ggplot2::aes(x = .data$x, y = .data$y, fill = .data$colour)) +
    ggplot2::geom_raster() +
    ggplot2::scale_fill_identity() +
    ggplot2::scale_x_continuous(expand = c(0, 0)) +
    ggplot2::scale_y_reverse(expand = c(0, 0)) +
    ggplot2::coord_fixed() +
    ggplot2::theme_void() +
    ggplot2::labs(caption = caption)
  if ("image" %in% names(df)) {
    p <- p + ggplot2::facet_wrap(ggplot2::vars(.data$image), labeller = ggplot2::label_both)
  }
  p
}

# Hex colours from channel levels in [0, 1]: grey (1 channel), RGB (3) or
# RGBA (4). A pixel with a non-finite level is NA (drawn blank).
image_colours <- function(levels) {
  ok <- Reduce(`&`, lapply(levels, is.finite))
  byte <- function(v) sprintf("%02X", as.integer(round(pmin(pmax(v[ok], 0), 1) * 255)))
  out <- rep(NA_character_, length(ok))
  out[ok] <- switch(length(levels),
    paste0("#", strrep(byte(levels[[1]]), 3L)),
    NULL,
    paste0("#", byte(levels[[1]]), byte(levels[[2]]), byte(levels[[3]])),
    paste0("#", byte(levels[[1]]), byte(levels[[2]]), byte(levels[[3]]), byte(levels[[4]]))
  )
  out
}

plot_hist <- function(object, bins, call) {
  h <- tb_call("plot_histogram", object, as.integer(bins), .call = call)
  item <- function(key) reticulate::py_to_r(reticulate::py_get_item(h, key))
  counts <- tensor_to_r(reticulate::py_get_item(h, "counts"), "double", call)
  lo <- item("lo")
  width <- (item("hi") - lo) / length(counts)
  df <- data.frame(value = lo + (seq_along(counts) - 0.5) * width, count = counts)
  ggplot2::ggplot(df, ggplot2::aes(x = .data$value, y = .data$count)) +
    ggplot2::geom_col(width = width) +
    ggplot2::labs(x = "value", y = "count")
}
