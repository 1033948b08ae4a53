# Tests of autoplot() and plot() for tensors: the layers, scales and facets
# ggplot2 builds (layer_data()), not pixels; each plot type is also drawn to
# a PNG to prove it renders.

skip_if_no_ggplot2 <- function() {
  skip_if_not_installed("ggplot2")
  skip_if_no_torch()
}

autoplot <- function(...) ggplot2::autoplot(...)

# Width and height of a PNG file, read from its header.
png_size <- function(path) {
  con <- file(path, "rb")
  on.exit(close(con))
  signature <- readBin(con, "raw", 8L)
  if (!identical(signature, as.raw(c(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)))) return(NULL)
  readBin(con, "raw", 8L) # chunk length and "IHDR"
  readBin(con, "integer", 2L, size = 4L, endian = "big")
}

expect_renders <- function(p, width = 4, height = 3, dpi = 50) {
  path <- withr::local_tempfile(fileext = ".png")
  ggplot2::ggsave(path, p, width = width, height = height, dpi = dpi)
  expect_identical(png_size(path), as.integer(c(width, height) * dpi))
}

# Draws `p` (to a temporary PNG) without a message or warning: ggplot2's
# handling of missing values happens only when a plot is drawn.
expect_draws_silently <- function(p) {
  path <- withr::local_tempfile(fileext = ".png")
  grDevices::png(path)
  on.exit(grDevices::dev.off(), add = TRUE)
  expect_silent(print(p))
}

y_trans <- function(p) ggplot2::ggplot_build(p)$layout$panel_scales_y[[1]]$trans$name

# ---- registration -------------------------------------------------------------

test_that("autoplot() for tensors is registered with ggplot2", {
  skip_if_not_installed("ggplot2")
  expect_registered("autoplot", "ggplot2")
})

test_that("the method is registered whether ggplot2 is loaded before or after torchbridge", {
  skip_if_not_installed("ggplot2")
  skip_if_not_installed("callr")
  registered <- function(first) {
    callr::r(function(first) {
      for (pkg in first) loadNamespace(pkg)
      found <- !is.null(utils::getS3method("autoplot", "torch.Tensor", optional = TRUE,
                                           envir = asNamespace("ggplot2")))
      c(found = found, python = reticulate::py_available(initialize = FALSE))
    }, args = list(first = first), libpath = .libPaths())
  }
  expect_identical(registered(c("torchbridge", "ggplot2")), c(found = TRUE, python = FALSE))
  expect_identical(registered(c("ggplot2", "torchbridge")), c(found = TRUE, python = FALSE))
})

# ---- lines and histograms -------------------------------------------------------

test_that("1-D: a line of value against index", {
  skip_if_no_ggplot2()
  expect_silent(p <- autoplot(as_torch(c(3, 1, 2.5), dtype = "float64")))
  expect_s3_class(p, "ggplot")
  expect_s3_class(p$layers[[1]]$geom, "GeomLine")
  d <- ggplot2::layer_data(p)
  expect_identical(d$x, c(1, 2, 3))
  expect_identical(d$y, c(3, 1, 2.5))
  expect_identical(p$labels[c("x", "y")], list(x = "index", y = "value"))
  expect_null(p$labels$caption)
  expect_identical(autoplot(as_torch(1:4), type = "line")$data, data.frame(index = 1:4, value = c(1, 2, 3, 4)))
  expect_renders(p)
})

test_that("type = \"hist\": counts on the device, as R counts them", {
  skip_if_no_ggplot2()
  x <- c(faithful$eruptions, NA, Inf)
  p <- autoplot(as_torch(x, dtype = "float64"), type = "hist", bins = 12)
  expect_s3_class(p$layers[[1]]$geom, "GeomCol")
  d <- ggplot2::layer_data(p)
  v <- faithful$eruptions
  lo <- min(v)
  width <- (max(v) - lo) / 12
  bin <- pmin(floor((v - lo) * (12 / (max(v) - lo))), 11) + 1 # as torch counts
  expect_identical(d$ymax, as.double(tabulate(bin, 12)))
  expect_identical(sum(d$ymax), 272)
  expect_equal(d$xmin, lo + (0:11) * width)
  expect_equal(d$xmax, lo + (1:12) * width)
  expect_identical(p$labels[c("x", "y")], list(x = "value", y = "count"))
  # any shape; 30 bins by default
  d2 <- ggplot2::layer_data(autoplot(as_torch(matrix(1:6, 2)), type = "hist"))
  expect_identical(nrow(d2), 30L)
  expect_identical(sum(d2$ymax), 6)
  expect_renders(p)
})

# ---- heatmaps ---------------------------------------------------------------------

test_that("2-D: a raster heatmap, viridis colours, row 1 at the top", {
  skip_if_no_ggplot2()
  x <- matrix(c(1, 2, 3, 4, 5, 6), 2)
  expect_silent(p <- autoplot(as_torch(x)))
  expect_s3_class(p$layers[[1]]$geom, "GeomRaster")
  d <- ggplot2::layer_data(p)
  expect_identical(d$x, c(1, 1, 2, 2, 3, 3))
  expect_identical(d$y, -c(1, 2, 1, 2, 1, 2)) # scale_y_reverse(): rows run downwards
  expect_identical(y_trans(p), "reverse")
  expect_identical(d$fill[c(1, 6)], c("#440154", "#FDE725")) # viridis' ends
  expect_identical(p$data, data.frame(row = c(1L, 2L, 1L, 2L, 1L, 2L), col = c(1L, 1L, 2L, 2L, 3L, 3L),
                                      value = c(1, 2, 3, 4, 5, 6)))
  expect_identical(p$labels[c("x", "y", "fill")], list(x = "col", y = "row", fill = "value"))
  fill <- p$scales$get_scales("fill")
  expect_s3_class(fill, "ScaleContinuous")
  expect_identical(fill$palette(c(0, 1)), c("#440154", "#FDE725"))
  expect_renders(p)
})

test_that("2-D of other dtypes: integer, bool, uint8 and float64 heatmaps", {
  skip_if_no_ggplot2()
  expect_identical(autoplot(as_torch(matrix(c(TRUE, FALSE), 1)))$data$value, c(1, 0))
  expect_identical(autoplot(as_torch(matrix(c(0, 255), 1), dtype = "uint8"))$data$value, c(0, 255))
  expect_identical(autoplot(as_torch(matrix(c(0.1, 0.2), 1), dtype = "float64"))$data$value, c(0.1, 0.2))
})

test_that("a large heatmap is averaged on the device, with a message", {
  skip_if_no_ggplot2()
  x <- matrix(as.double(seq_len(10 * 6)), 10)
  expect_message(
    p <- autoplot(as_torch(x, dtype = "float64"), max_points = 15),
    "averaged the 10 x 6 tensor over blocks of 2 x 2 values",
    class = "torchbridge_message_plot"
  )
  d <- p$data
  expect_identical(nrow(d), 15L)
  expect_identical(unique(d$row), c(1.5, 3.5, 5.5, 7.5, 9.5)) # block centres, in the tensor's rows
  expect_identical(unique(d$col), c(1.5, 3.5, 5.5))
  expect_identical(d$value[1], mean(x[1:2, 1:2]))
  expect_identical(p$labels$caption, "Means of 2 x 2 blocks")
  expect_renders(p)
})

test_that("a long line is averaged over windows, drawn at their centres", {
  skip_if_no_ggplot2()
  expect_message(
    p <- autoplot(as_torch(as.double(1:10), dtype = "float64"), max_points = 4),
    "over windows of 3 values",
    class = "torchbridge_message_plot"
  )
  expect_identical(p$data, data.frame(index = c(2, 5, 8, 11), value = c(2, 5, 8, 10)))
  expect_identical(p$labels$caption, "Means of windows of 3 values")
})

# ---- lines (a line per column) and scatter plots ------------------------------------

# A 2-D tensor of each dtype these plots are checked on, and the R matrix
# from_torch() gives of it.
lines_fixtures <- function() {
  m <- matrix(c(1.5, -2, 0, 4.25, -0.5, 3, 7, 2.75, -1, 0.5, 6, -3), 4) # 4 x 3, exact in float32
  list(
    float32 = as_torch(m, dtype = "float32"),
    float64 = as_torch(m + 0.1, dtype = "float64"),
    int64 = as_torch(matrix(c(3L, -7L, 0L, 12L, 5L, -1L, 100000L, 2L, 9L, -4L, 8L, 1L), 4))
  )
}

colour_labels <- function(p) ggplot2::ggplot_build(p)$plot$scales$get_scales("colour")$get_labels()

test_that('type = "lines": a line per column, value against row, coloured by column', {
  skip_if_no_ggplot2()
  for (dtype in names(lines_fixtures())) {
    t <- lines_fixtures()[[dtype]]
    m <- from_torch(t)
    expect_silent(p <- autoplot(t, type = "lines"))
    expect_s3_class(p$layers[[1]]$geom, "GeomLine")
    d <- ggplot2::layer_data(p)
    expect_identical(d$x, as.double(row(m)), info = dtype)
    expect_identical(d$y, as.double(m), info = dtype)
    expect_identical(d$group, as.integer(col(m)), info = dtype)
    expect_identical(d$colour, scales::hue_pal()(3)[col(m)], info = dtype)
    # the plot's data is tensor_data(); values are drawn as doubles
    td <- tensor_data(t)
    td$value <- as.double(td$value)
    expect_identical(p$data, td, info = dtype)
  }
  expect_identical(p$labels[c("x", "y", "colour")], list(x = "row", y = "value", colour = "column"))
  expect_null(p$labels$caption)
  expect_identical(colour_labels(p), c("1", "2", "3"))
  expect_renders(p)
})

test_that('type = "lines": legend keys in column order, a 1-D tensor is one column', {
  skip_if_no_ggplot2()
  p <- autoplot(as_torch(matrix(as.double(1:24), 2)), type = "lines")
  expect_identical(colour_labels(p), as.character(1:12)) # not "1", "10", "11", "12", "2", ...
  expect_identical(ggplot2::layer_data(p)$group, rep(1:12, each = 2))
  t <- as_torch(c(3, 1, 2.5), dtype = "float64")
  p1 <- autoplot(t, type = "lines")
  expect_identical(p1$data, data.frame(row = 1:3, col = 1L, value = c(3, 1, 2.5)))
  expect_identical(p1$data, tensor_data(t$unsqueeze(1L)))
  expect_identical(ggplot2::layer_data(p1)$y, c(3, 1, 2.5))
  expect_identical(colour_labels(p1), "1")
  # bool tensors draw as 0 and 1
  expect_identical(autoplot(as_torch(matrix(c(TRUE, FALSE), 1)), type = "lines")$data$value, c(1, 0))
  # type = "auto" still draws a 2-D tensor as a heatmap
  expect_s3_class(autoplot(as_torch(matrix(1:4, 2)))$layers[[1]]$geom, "GeomRaster")
})

test_that('type = "lines": NaN leaves a gap, NaN padding ends a line, no warnings', {
  skip_if_no_ggplot2()
  m <- cbind(c(1, NaN, 3, 4, 5), c(2, 4, 6, NaN, NaN)) # run 2 stopped after 3 steps
  for (dtype in c("float32", "float64")) {
    p <- autoplot(as_torch(m, dtype = dtype), type = "lines")
    d <- ggplot2::layer_data(p)
    expect_identical(is.na(d$y), is.na(as.vector(m)), info = dtype)
    expect_identical(d$y[!is.na(d$y)], m[!is.na(m)], info = dtype)
    # as drawn: the inside NaN stays (a gap), the trailing ones are dropped
    drawn <- ggplot2::GeomPath$handle_na(d, list(na.rm = p$layers[[1]]$geom_params$na.rm))
    expect_identical(drawn$x, c(1, 2, 3, 4, 5, 1, 2, 3), info = dtype)
    expect_draws_silently(p)
  }
})

test_that('type = "lines": long tensors are averaged per column over windows of rows', {
  skip_if_no_ggplot2()
  m <- matrix(as.double(1:30), 10) # 10 x 3
  m[5, 2] <- NaN
  # 12 values over 3 columns: 4 rows a column, windows of 3 rows
  expect_message(
    p <- autoplot(as_torch(m, dtype = "float64"), type = "lines", max_points = 12),
    "averaged the 10 x 3 tensor over windows of 3 rows, each column on its own",
    class = "torchbridge_message_plot"
  )
  window <- ceiling(seq_len(10) / 3)
  means <- apply(m, 2, function(v) as.vector(tapply(v, window, mean))) # 4 x 3
  expect_identical(p$data$value, as.vector(means))
  expect_true(is.nan(p$data$value[[6]])) # the window with the NaN
  expect_identical(p$data$row, rep(c(2, 5, 8, 11), 3)) # window centres
  expect_identical(p$data$col, rep(1:3, each = 4))
  d <- ggplot2::layer_data(p)
  expect_identical(d$x, rep(c(2, 5, 8, 11), 3))
  expect_identical(d$group, rep(1:3, each = 4))
  expect_identical(p$labels$caption, "Means of windows of 3 rows")
  # int64 and random values: the means base R computes
  ints <- matrix(seq_len(3000L), 1000)
  expect_message(pi <- autoplot(as_torch(ints), type = "lines", max_points = 300), class = "torchbridge_message_plot")
  expect_identical(pi$data$value, as.vector(apply(ints, 2, function(v) tapply(v, ceiling(seq_along(v) / 10), mean))))
  set.seed(1)
  r <- matrix(rnorm(2000), 500)
  expect_message(pr <- autoplot(as_torch(r, dtype = "float64"), type = "lines", max_points = 400),
                 "windows of 5 rows", class = "torchbridge_message_plot")
  expect_equal(pr$data$value, as.vector(apply(r, 2, function(v) tapply(v, ceiling(seq_along(v) / 5), mean))),
               tolerance = 1e-12)
  # max_points that fit leave it alone; columns are never dropped
  expect_silent(autoplot(as_torch(m), type = "lines", max_points = 30))
  expect_message(p1 <- autoplot(as_torch(m), type = "lines", max_points = 2), "windows of 10 rows",
                 class = "torchbridge_message_plot")
  expect_identical(p1$data$col, 1:3)
  expect_renders(p)
})

test_that('type = "scatter": an n x 2 tensor, column 1 against column 2', {
  skip_if_no_ggplot2()
  for (dtype in names(lines_fixtures())) {
    t <- lines_fixtures()[[dtype]]$narrow(1L, 0L, 2L)
    m <- from_torch(t)
    expect_silent(p <- autoplot(t, type = "scatter"))
    expect_s3_class(p$layers[[1]]$geom, "GeomPoint")
    d <- ggplot2::layer_data(p)
    expect_identical(d$x, as.double(m[, 1]), info = dtype)
    expect_identical(d$y, as.double(m[, 2]), info = dtype)
    expect_identical(unique(d$colour), "black", info = dtype) # one pair: no colours
    td <- tensor_data(t, pairs = TRUE)
    expect_identical(td, data.frame(row = 1:4, pair = 1L, x = m[, 1], y = m[, 2]), info = dtype)
    td$x <- as.double(td$x)
    td$y <- as.double(td$y)
    expect_identical(p$data, td, info = dtype)
  }
  expect_identical(p$labels[c("x", "y")], list(x = "col 1", y = "col 2"))
  expect_null(p$labels$colour)
  expect_null(p$labels$caption)
  expect_renders(p)
})

test_that("beyond 12 lines or pairs, colour is a colour bar, not a legend key each", {
  skip_if_no_torch()
  skip_if_not_installed("ggplot2")
  lines <- autoplot(as_torch(matrix(as.double(1:26), 2)), type = "lines")
  expect_s3_class(ggplot2::ggplot_build(lines)$plot$scales$get_scales("colour"), "ScaleContinuous")
  expect_identical(ggplot2::layer_data(lines)$colour[c(1, 26)], scales::seq_gradient_pal("#132B43", "#56B1F7")(c(0, 1)))
  expect_identical(lines$labels$colour, "column")
  expect_length(unique(ggplot2::layer_data(lines)$group), 13L) # still a line per column
  twelve <- autoplot(as_torch(matrix(as.double(1:24), 2)), type = "lines")
  expect_s3_class(ggplot2::ggplot_build(twelve)$plot$scales$get_scales("colour"), "ScaleDiscrete")
  pts <- autoplot(as_torch(matrix(as.double(1:52), 2)), type = "scatter")
  expect_s3_class(ggplot2::ggplot_build(pts)$plot$scales$get_scales("colour"), "ScaleContinuous")
  expect_identical(names(pts$data), c("row", "pair", "x", "y")) # the data is still tensor_data(pairs = TRUE)
  expect_identical(pts$labels$colour, "pair")
})

test_that('type = "scatter": n x k, k even: columns in pairs, a colour per pair', {
  skip_if_no_ggplot2()
  m <- matrix(c(1:12, 101:112) / 4, 4) # 4 x 6: pairs (1, 2), (3, 4), (5, 6)
  for (dtype in c("float32", "float64", "int64")) {
    t <- if (dtype == "int64") as_torch(matrix(as.integer(m * 4), 4)) else as_torch(m, dtype = dtype)
    r <- from_torch(t)
    p <- autoplot(t, type = "scatter")
    d <- ggplot2::layer_data(p)
    expect_identical(d$x, as.double(r[, c(1, 3, 5)]), info = dtype)
    expect_identical(d$y, as.double(r[, c(2, 4, 6)]), info = dtype)
    expect_identical(as.integer(d$group), rep(1:3, each = 4), info = dtype)
    expect_identical(d$colour, scales::hue_pal()(3)[rep(1:3, each = 4)], info = dtype)
    td <- tensor_data(t, pairs = TRUE)
    expect_identical(td$pair, rep(1:3, each = 4))
    expect_identical(td$row, rep(1:4, 3))
    expect_equal(p$data, td)
  }
  expect_identical(colour_labels(p), c("1-2", "3-4", "5-6"))
  expect_identical(p$labels[c("x", "y", "colour")], list(x = "col 1, 3, 5", y = "col 2, 4, 6", colour = "pair"))
  p10 <- autoplot(as_torch(matrix(as.double(1:40), 2)), type = "scatter") # 10 pairs
  expect_identical(p10$labels[c("x", "y")], list(x = "col 1, 3, ..., 19", y = "col 2, 4, ..., 20"))
  expect_identical(colour_labels(p10)[c(1, 10)], c("1-2", "19-20"))
  # a point with a NaN coordinate is not drawn, without a warning
  pn <- autoplot(as_torch(cbind(c(1, NaN, 3), c(4, 5, 6))), type = "scatter")
  expect_identical(is.na(ggplot2::layer_data(pn)$x), c(FALSE, TRUE, FALSE))
  expect_draws_silently(pn)
  expect_renders(p)
})

test_that('type = "scatter": more than max_points points keep one row in k, never averaged', {
  skip_if_no_ggplot2()
  m <- matrix(as.double(1:400), 100) # 100 x 4: 200 points
  # 50 points over 2 pairs: 25 rows, one in 4
  expect_message(
    p <- autoplot(as_torch(m, dtype = "float64"), type = "scatter", max_points = 50),
    "draws one row in 4 of the 100 x 4 tensor (rows 1, 5, 9, ...): 25 of its 100 rows",
    fixed = TRUE, class = "torchbridge_message_plot"
  )
  kept <- seq(1, 100, by = 4)
  expect_identical(p$data$row, rep(as.double(kept), 2)) # the tensor's own rows
  expect_identical(p$data$x, as.vector(m[kept, c(1, 3)]))
  expect_identical(p$data$y, as.vector(m[kept, c(2, 4)]))
  d <- ggplot2::layer_data(p)
  expect_identical(nrow(d), 50L)
  expect_identical(d$x, as.vector(m[kept, c(1, 3)]))
  expect_identical(p$labels$caption, "One row in 4: rows 1, 5, 9, ...")
  # the same rows every time
  expect_identical(suppressMessages(autoplot(as_torch(m), type = "scatter", max_points = 50))$data$row, p$data$row)
  expect_silent(autoplot(as_torch(m), type = "scatter", max_points = 200))
  # fewer points allowed than pairs: one row
  expect_message(p1 <- autoplot(as_torch(m), type = "scatter", max_points = 1), class = "torchbridge_message_plot")
  expect_identical(p1$data$row, c(1, 1))
  expect_renders(p)
})

test_that("tensor_data(pairs = TRUE): the points of a scatter plot", {
  skip_if_no_torch()
  m <- matrix(1:8, 2)
  expect_identical(
    tensor_data(as_torch(m), pairs = TRUE),
    data.frame(row = c(1L, 2L, 1L, 2L), pair = c(1L, 1L, 2L, 2L), x = c(1L, 2L, 5L, 6L), y = c(3L, 4L, 7L, 8L))
  )
  expect_identical(as.data.frame(as_torch(m), pairs = TRUE), tensor_data(as_torch(m), pairs = TRUE))
  expect_identical(tensor_data(as_torch(m[1, , drop = FALSE]), pairs = TRUE),
                   data.frame(row = 1L, pair = 1:2, x = c(1L, 5L), y = c(3L, 7L)))
  empty <- tensor_data(as_torch(matrix(0, 0, 2)), pairs = TRUE)
  expect_identical(names(empty), c("row", "pair", "x", "y"))
  expect_identical(nrow(empty), 0L)
  expect_identical(tensor_data(as_torch(m), pairs = FALSE), tensor_data(as_torch(m)))
  expect_error(tensor_data(as_torch(matrix(1:6, 2)), pairs = TRUE), class = "torchbridge_error_shape")
  expect_error(tensor_data(as_torch(1:4), pairs = TRUE), class = "torchbridge_error_shape")
  expect_error(tensor_data(as_torch(m), pairs = NA), class = "torchbridge_error_arg")
  expect_error(tensor_data(as_torch(m), image = TRUE, pairs = TRUE), class = "torchbridge_error_arg")
  expect_error(tensor_data(as_torch(m), max_elements = 7, pairs = TRUE), class = "torchbridge_error_size")
})

test_that("plot() draws lines and scatter plots", {
  skip_if_no_ggplot2()
  path <- withr::local_tempfile(fileext = ".png")
  grDevices::png(path, width = 200, height = 150)
  on.exit(grDevices::dev.off(), add = TRUE)
  t <- as_torch(matrix(runif(40), 10))
  expect_identical(withVisible(plot(t, type = "lines"))$visible, FALSE)
  expect_identical(withVisible(plot(t, type = "scatter"))$value, t)
})

# ---- images ------------------------------------------------------------------------

test_that("3-D with 3 channels: an RGB image, its own colours, square pixels", {
  skip_if_no_ggplot2()
  img <- array(0, c(3, 2, 3)) # CHW: 2 rows, 3 columns
  img[1, 1, ] <- 1 # row 1 red
  img[2, , 1] <- 1 # column 1 green
  img[3, 2, 3] <- 0.5
  expect_silent(p <- autoplot(as_torch(img)))
  expect_s3_class(p$layers[[1]]$geom, "GeomRaster")
  expect_s3_class(p$coordinates, "CoordFixed")
  expect_s3_class(p$scales$get_scales("fill"), "ScaleDiscreteIdentity")
  d <- ggplot2::layer_data(p)
  expect_identical(d$x, c(1, 1, 2, 2, 3, 3))
  expect_identical(d$y, -c(1, 2, 1, 2, 1, 2))
  expect_identical(d$fill, c("#FFFF00", "#00FF00", "#FF0000", "#000000", "#FF0000", "#000080"))
  expect_identical(y_trans(p), "reverse")
  expect_renders(p)
})

test_that("the value range is detected: uint8 and [0, 255] floats, grey and RGBA", {
  skip_if_no_ggplot2()
  rgb8 <- array(c(255L, 0L, 0L, 10L, 20L, 30L), c(3, 1, 2))
  fill8 <- ggplot2::layer_data(autoplot(as_torch(rgb8, dtype = "uint8")))$fill
  expect_identical(fill8, c("#FF0000", "#0A141E"))
  expect_identical(ggplot2::layer_data(autoplot(as_torch(rgb8, dtype = "float32")))$fill, fill8)
  expect_identical(ggplot2::layer_data(autoplot(as_torch(rgb8)))$fill, fill8) # int64
  # uint8 is [0, 255] even when every value is 0 or 1
  expect_identical(ggplot2::layer_data(autoplot(as_torch(array(1L, c(1, 1, 1)), dtype = "uint8")))$fill, "#010101")
  grey <- array(c(0, 0.5, 1, NaN), c(1, 2, 2))
  expect_identical(ggplot2::layer_data(autoplot(as_torch(grey)))$fill, c("#000000", "#808080", "#FFFFFF", NA))
  rgba <- array(c(1, 0, 0, 0.5), c(4, 1, 1))
  expect_identical(ggplot2::layer_data(autoplot(as_torch(rgba)))$fill, "#FF000080")
  # a 2-D tensor drawn as a grey image
  p <- autoplot(as_torch(matrix(c(0L, 255L), 1), dtype = "uint8"), type = "image")
  expect_identical(ggplot2::layer_data(p)$fill, c("#000000", "#FFFFFF"))
  expect_renders(p)
})

test_that("4-D NCHW: a grid of the first images, one facet each", {
  skip_if_no_ggplot2()
  batch <- array(0, c(5, 1, 2, 2))
  for (i in 1:5) batch[i, 1, , ] <- i / 5
  expect_message(
    p <- autoplot(as_torch(batch), max_images = 3),
    "draws the first 3 of the 5 images",
    class = "torchbridge_message_plot"
  )
  expect_s3_class(p$facet, "FacetWrap")
  expect_identical(names(p$facet$params$facets), "image")
  b <- ggplot2::ggplot_build(p)
  expect_identical(nrow(b$layout$layout), 3L)
  d <- ggplot2::layer_data(p)
  expect_identical(as.integer(table(d$PANEL)), c(4L, 4L, 4L))
  expect_identical(unique(d$fill), c("#333333", "#666666", "#999999"))
  expect_silent(autoplot(as_torch(batch)))
  expect_renders(p)
})

test_that("a large image is averaged over square blocks on the device", {
  skip_if_no_ggplot2()
  img <- array(0, c(3, 8, 12))
  img[1, , ] <- 1
  expect_message(p <- autoplot(as_torch(img), max_points = 30), "blocks of 2 x 2 values",
                 class = "torchbridge_message_plot")
  d <- ggplot2::layer_data(p)
  expect_identical(nrow(d), 24L)
  expect_identical(unique(d$fill), "#FF0000")
  expect_identical(sort(unique(d$x)), c(1.5, 3.5, 5.5, 7.5, 9.5, 11.5))
})

# ---- plot() -----------------------------------------------------------------------

test_that("plot() draws autoplot() and returns the tensor invisibly", {
  skip_if_no_ggplot2()
  t <- as_torch(volcano)
  path <- withr::local_tempfile(fileext = ".png")
  grDevices::png(path, width = 200, height = 150)
  res <- withVisible(plot(t))
  grDevices::dev.off()
  expect_false(res$visible)
  expect_identical(res$value, t)
  expect_identical(png_size(path), c(200L, 150L))
  expect_error(plot(t, type = "pie"), class = "torchbridge_error_arg")
})

test_that("a tensor on a GPU is reduced there", {
  skip_if_no_ggplot2()
  skip_if_no_cuda()
  t <- as_torch(matrix(runif(100 * 80), 100), device = "cuda")
  expect_message(p <- autoplot(t, max_points = 100), "on \"cuda:0\"", class = "torchbridge_message_plot")
  expect_identical(nrow(p$data), 100L)
  expect_renders(p)
  m <- matrix(as.double(1:30), 10)
  expect_message(pl <- autoplot(as_torch(m, dtype = "float64", device = "cuda"), type = "lines", max_points = 12),
                 "on \"cuda:0\"", class = "torchbridge_message_plot")
  expect_identical(pl$data$value, as.vector(apply(m, 2, function(v) tapply(v, ceiling(seq_along(v) / 3), mean))))
  expect_message(ps <- autoplot(as_torch(m, device = "cuda"), type = "scatter", max_points = 10),
                 "one row in 2", class = "torchbridge_message_plot")
  expect_identical(ps$data$x, m[c(1, 3, 5, 7, 9), 1])
  expect_renders(pl)
})

# ---- errors -----------------------------------------------------------------------

test_that("tensors autoplot() can't draw are plot errors with a hint about type", {
  skip_if_no_ggplot2()
  torch <- torch_mod()
  cls <- "torchbridge_error_plot"
  expect_error(autoplot(torch$zeros(5L, 28L, 28L)), 'type = "hist"', fixed = TRUE, class = cls)
  expect_error(autoplot(torch$zeros(2L, 28L, 28L, 3L)), "permute", class = cls)
  expect_error(autoplot(torch$zeros(2L, 2L, 2L, 2L, 2L)), class = cls)
  expect_error(autoplot(torch$tensor(1)), class = cls)
  expect_error(autoplot(torch$zeros(0L)), class = cls)
  expect_error(autoplot(torch$zeros(2L, dtype = torch$complex64)), class = cls)
  expect_error(autoplot(torch$zeros(3L), type = "heatmap"), class = cls)
  expect_error(autoplot(torch$zeros(3L, 3L), type = "line"), class = cls)
  expect_error(autoplot(torch$full(list(3L, 2L, 2L), 300)), class = cls)
  expect_error(autoplot(torch$full(list(3L), NaN), type = "hist"), class = cls)
  for (type in c("lines", "scatter")) {
    expect_error(autoplot(torch$zeros(2L, 3L, 4L), type = type), class = cls)
    expect_error(autoplot(torch$tensor(1), type = type), class = cls)
    expect_error(autoplot(torch$zeros(0L, 2L), type = type), class = cls)
    expect_error(autoplot(torch$zeros(3L, 2L, dtype = torch$complex64), type = type), class = cls)
    expect_error(autoplot(torch$zeros(3L, 2L)$to_sparse(), type = type), class = cls)
  }
  expect_error(autoplot(torch$zeros(3L), type = "scatter"), class = cls)
  expect_error(autoplot(torch$zeros(3L, 1L), type = "scatter"), class = cls)
  expect_error(autoplot(torch$zeros(3L, 5L), type = "scatter"), class = cls)
  cnd <- expect_error(autoplot(torch$zeros(5L, 2L, 2L)), class = "torchbridge_error_plot")
  expect_identical(rlang::call_name(cnd$call), "autoplot")
  expect_null(cnd$parent) # raised by torchbridge's Python: the message is all of it
})

test_that("arguments of autoplot() are checked", {
  skip_if_no_ggplot2()
  t <- as_torch(1:3)
  cls <- "torchbridge_error_arg"
  expect_error(autoplot(t, type = "pie"), class = cls)
  expect_error(autoplot(t, typo = 1), class = cls)
  expect_error(autoplot(t, "line", 3), class = cls)
  expect_error(autoplot(t, max_points = 0), class = cls)
  expect_error(autoplot(t, max_images = NA), class = cls)
  expect_error(autoplot(t, bins = 2.5), class = cls)
})

test_that("error messages of autoplot()", {
  skip_if_no_ggplot2()
  torch <- torch_mod()
  expect_snapshot(error = TRUE, {
    autoplot(torch$zeros(5L, 28L, 28L))
    autoplot(torch$zeros(2L, 2L, 2L, 2L, 2L))
    autoplot(torch$tensor(1))
    autoplot(torch$zeros(3L), type = "heatmap")
    autoplot(torch$full(list(3L, 2L, 2L), 300))
    autoplot(torch$zeros(2L, dtype = torch$complex64))
    autoplot(as_torch(1:3), typo = 1)
    autoplot(as_torch(1:3), type = "pie")
  })
})

test_that("error messages for shapes lines and scatter plots can't take", {
  skip_if_no_ggplot2()
  torch <- torch_mod()
  expect_snapshot(error = TRUE, {
    autoplot(torch$zeros(3L, 3L), type = "line")
    autoplot(torch$zeros(2L, 3L, 4L), type = "lines")
    autoplot(torch$tensor(1), type = "lines")
    autoplot(torch$zeros(3L), type = "scatter")
    autoplot(torch$zeros(4L, 1L), type = "scatter")
    autoplot(torch$zeros(4L, 3L), type = "scatter")
    autoplot(torch$zeros(2L, 5L, 2L), type = "scatter")
    autoplot(torch$zeros(0L, 2L), type = "scatter")
    autoplot(torch$zeros(3L, 2L, dtype = torch$complex64), type = "lines")
    tensor_data(as_torch(matrix(1:6, 2)), pairs = TRUE)
    tensor_data(as_torch(1:4), pairs = TRUE)
    tensor_data(as_torch(matrix(1:4, 2)), image = TRUE, pairs = TRUE)
  })
})

test_that("counts beyond R's integers are refused, not wrapped to 1", {
  skip_if_no_torch()
  skip_if_not_installed("ggplot2")
  t <- as_torch(c(1, 2, 3))
  expect_error(ggplot2::autoplot(t, type = "hist", bins = 3e9), class = "torchbridge_error_arg")
  expect_error(ggplot2::autoplot(t, type = "hist", bins = 1e10), class = "torchbridge_error_arg")
  expect_error(ggplot2::autoplot(as_torch(array(0, c(2, 1, 2, 2))), max_images = 1e10), class = "torchbridge_error_arg")
  expect_error(ggplot2::autoplot(t, "a"), class = "torchbridge_error_arg")
})
