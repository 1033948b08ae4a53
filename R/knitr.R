#' Tensors, devices and the set-up in R Markdown
#'
#' When an R Markdown or Quarto document is knitted, knitr prints the value
#' of a chunk through its generic `knit_print()`. torchbridge has methods
#' for tensors, for the data frame of [torch_devices()] and for the result
#' of [torchbridge_sitrep()], so that they show as text and tables that
#' read well in the rendered report. The methods are registered when
#' torchbridge is loaded (or when knitr is loaded later); knitr only needs
#' to be installed. At the console these objects print as usual (see
#' [print()][tensor-print]).
#'
#' @section Tensors:
#' A tensor shows its header line (dtype, shape, device, as in
#' `torch.Tensor float32 (3) cpu`) in code type, then its values:
#'
#' * 1-D: as R prints a vector, in a code block: the values in one row,
#'   wrapped at `getOption("width")`, each line starting with the index of
#'   its first value (`[1]`, `[13]`, ...). The first 30 values are shown; a
#'   line below the block says how many there are
#'   (`Showing the first 30 of 1,000 values.`).
#' * 2-D: a table with the first 10 rows and 8 columns, labelled `[1,]`
#'   and `[,1]` as R labels a matrix, and a line that says how many rows and
#'   columns there are when not all are shown.
#' * 0-d, more than 2 dimensions, empty tensors and tensors whose values
#'   can't be shown (sparse, meta...): what `print()` shows, in a code block.
#'
#' Numbers have `getOption("digits")` significant digits (7 unless set), as
#' at the console; float16 tensors show at most 4, bfloat16 at most 3 and
#' float32 at most 9, all they hold. Integer types show every digit, int64
#' exactly.
#'
#' @section Chunk options:
#' Three chunk options change how tensors show; each is a whole number and
#' applies to the chunk it is set on (or to all chunks, with
#' `knitr::opts_chunk$set()`):
#'
#' * `torchbridge.digits`: significant digits, from 1 to 22. Wins over
#'   `getOption("digits")`.
#' * `torchbridge.max_values`: how many values of a 1-D tensor to show
#'   (default 30).
#' * `torchbridge.max_rows`: how many rows of a 2-D tensor to show
#'   (default 10).
#'
#' A value of another kind is an error of class `torchbridge_error_arg`.
#' For example, a chunk whose header is
#' `{r, torchbridge.digits = 3, torchbridge.max_values = 100}` shows the
#' first 100 values of a 1-D tensor with 3 significant digits.
#'
#' @section Devices and set-up:
#' [torch_devices()] shows as a table with the columns device, name,
#' total memory and free memory, the memory in GB (10^9 bytes) with one
#' decimal, `unknown` where torch can't tell. The data frame itself keeps
#' the memory in bytes.
#'
#' [torchbridge_sitrep()] shows as two tables: an item/value table of the
#' set-up (R, reticulate, Python and why it was chosen, the compiled
#' helpers, the Python version, torch and its build, NumPy) and the devices
#' table. In a document being knitted, `torchbridge_sitrep()` prints nothing
#' and returns its result visibly, so a chunk that calls it shows the
#' tables (one that assigns it shows nothing until the result is printed).
#'
#' @param x A tensor, the result of [torch_devices()], or the result of
#'   [torchbridge_sitrep()].
#' @param options The chunk options, which knitr passes (see above).
#' @param ... Not used.
#' @return Markdown text, as `knitr::asis_output()` makes it.
#' @family tensor methods
#' @name knit_print.torch.Tensor
#' @examplesIf torchbridge::torch_available() && requireNamespace("knitr", quietly = TRUE)
#' # In a chunk of an R Markdown document, these show as report output:
#' #   as_torch(rnorm(100)); as_torch(matrix(1:6, 2)); torch_devices()
#' # Outside a document, to see the markdown:
#' knitr::knit_print(as_torch(rnorm(100)), options = list(torchbridge.digits = 3))
#' knitr::knit_print(torch_devices())
NULL

#' @rdname knit_print.torch.Tensor
#' @method knit_print torch.Tensor
knit_print.torch.Tensor <- function(x, options = list(), ...) {
  call <- rlang::current_env()
  digits <- knit_option(options, "torchbridge.digits", getOption("digits"), call, max = 22)
  max_values <- knit_option(options, "torchbridge.max_values", 30L, call)
  max_rows <- knit_option(options, "torchbridge.max_rows", 10L, call)
  cols <- 8L
  p <- tensor_preview(x, max_values, max_rows, cols, 3L, call)
  info <- p$info
  shape <- info$shape
  header <- paste0("`", tensor_label(info), "`")
  nd <- length(shape)
  note <- NULL
  if (nd %in% 1:2 && info$numel > 0 && is.null(p$why)) {
    cells <- format_cells(p$values, info$dtype, digits)
    if (nd == 1) {
      body <- c("```", vector_lines(cells), "```")
      if (shape[[1]] > length(cells)) {
        note <- sprintf("Showing the first %s of %s values.", count_text(length(cells)), count_text(shape[[1]]))
      }
    } else {
      m <- cells
      dimnames(m) <- list(paste0("[", seq_len(nrow(m)), ",]"), paste0("[,", seq_len(ncol(m)), "]"))
      body <- knitr::kable(m, format = "pipe", align = "r")
      if (shape[[1]] > nrow(m) || shape[[2]] > ncol(m)) {
        note <- sprintf("Showing the first %s of %s rows and %s of %s columns.", count_text(nrow(m)),
                        count_text(shape[[1]]), count_text(ncol(m)), count_text(shape[[2]]))
      }
    }
  } else {
    body <- c("```", value_lines(p, digits = digits), "```")
  }
  asis_lines(c(header, "", body, if (!is.null(note)) c("", note)))
}

#' @rdname knit_print.torch.Tensor
#' @method knit_print torchbridge_devices
knit_print.torchbridge_devices <- function(x, options = list(), ...) {
  asis_lines(devices_kable(x))
}

#' @rdname knit_print.torch.Tensor
#' @method knit_print torchbridge_sitrep
knit_print.torchbridge_sitrep <- function(x, options = list(), ...) {
  items <- sitrep_items(x)
  table <- knitr::kable(
    data.frame(item = names(items), value = md_escape(unname(items)), stringsAsFactors = FALSE),
    format = "pipe", align = "ll", row.names = FALSE, caption = "torchbridge set-up"
  )
  devices <- if (is.data.frame(x$devices)) c("", devices_kable(x$devices, caption = "Devices torch can use"))
  asis_lines(c(table, devices))
}

# ---- helpers ------------------------------------------------------------------

# A chunk option that is a whole number from 1 to `max`, or `default`.
knit_option <- function(options, name, default, call, max = .Machine$integer.max) {
  value <- if (is.list(options)) options[[name]]
  if (is.null(value)) return(as.integer(default))
  check_count(value, name, call, max = max)
  as.integer(value)
}

# Markdown lines as knitr inserts them into the document, set apart by blank
# lines.
asis_lines <- function(lines) {
  knitr::asis_output(paste0("\n", paste(lines, collapse = "\n"), "\n"))
}

# Formatted values laid out as R prints a vector: "[1]" index prefixes,
# wrapped at `width`.
vector_lines <- function(cells, width = getOption("width", 80L)) {
  utils::capture.output(print(as.vector(cells), quote = FALSE, width = width, max = length(cells) + 1L))
}

count_text <- function(n) format(as.numeric(n), big.mark = ",", scientific = FALSE, trim = TRUE)

# Text shown as it is in a markdown table cell, on one line; code spans
# (`code`, as cli writes them without colours) are kept as code.
md_escape <- function(x) {
  x <- gsub("\\s*\n\\s*", " ", cli::ansi_strip(as.character(x)))
  vapply(x, function(s) {
    if (is.na(s)) return("NA")
    spans <- gregexpr("`[^`|]+`", s)
    text <- regmatches(s, spans, invert = TRUE)[[1]]
    code <- c(regmatches(s, spans)[[1]], "")
    text <- gsub("([\\\\`*_<>\\[\\]])", "\\\\\\1", text, perl = TRUE)
    text <- gsub("|", "&#124;", text, fixed = TRUE) # a bar would end the cell
    paste0(text, code, collapse = "")
  }, "", USE.NAMES = FALSE)
}

# A pipe table of devices, memory in GB.
devices_kable <- function(d, caption = NULL) {
  shown <- devices_display(d)
  shown[] <- lapply(shown, md_escape)
  memory <- names(shown) %in% c("total_memory", "free_memory")
  names(shown) <- sub("_memory$", " memory", names(shown))
  knitr::kable(shown, format = "pipe", align = ifelse(memory, "r", "l"), row.names = FALSE, caption = caption)
}
