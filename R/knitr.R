# knitr's knit_print() for tensors, registered in .onLoad when knitr is
# loaded (knitr is only suggested). See ?`tensor-print`.

knit_print.torch.Tensor <- function(x, options = list(), ...) {
  call <- rlang::current_env()
  rows <- 10L
  cols <- 8L
  p <- tensor_preview(x, rows, rows, cols, 3L, call)
  info <- p$info
  shape <- info$shape
  header <- paste0("`", tensor_label(info), "`")
  nd <- length(shape)
  if (nd %in% 1:2 && info$numel > 0 && is.null(p$why)) {
    cells <- format_cells(p$values, info$dtype)
    if (nd == 1) {
      m <- matrix(cells, ncol = 1L, dimnames = list(paste0("[", seq_along(cells), "]"), "value"))
      note <- if (shape[[1]] > length(cells)) sprintf("Showing the first %d of %.0f values.", length(cells), as.numeric(shape[[1]]))
    } else {
      m <- cells
      dimnames(m) <- list(paste0("[", seq_len(nrow(m)), ",]"), paste0("[,", seq_len(ncol(m)), "]"))
      note <- if (shape[[1]] > nrow(m) || shape[[2]] > ncol(m)) {
        sprintf("Showing the first %d of %.0f rows and %d of %.0f columns.", nrow(m), as.numeric(shape[[1]]), ncol(m), as.numeric(shape[[2]]))
      }
    }
    table <- knitr::kable(m, format = "pipe", align = "r")
    out <- c(header, "", table, if (!is.null(note)) c("", note))
  } else {
    out <- c(header, "", "```", value_lines(p), "```")
  }
  knitr::asis_output(paste0("\n", paste(out, collapse = "\n"), "\n"))
}
