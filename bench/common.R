# What the benchmarks share (sourced by bench/files.R, bench/verbs.R,
# bench/devices.R): timing and the markdown table of a report.

now <- function() as.numeric(bench::hires_time())

# Medians (seconds) of each case of `cases` (functions timed as a whole)
# over `reps` repetitions; the cases run interleaved, in a new random order
# each repetition, each from a collected heap.
time_group <- function(cases, reps) {
  times <- lapply(cases, function(f) numeric())
  for (r in seq_len(reps)) {
    for (i in sample(seq_along(cases))) {
      gc(verbose = FALSE)
      t0 <- now()
      res <- cases[[i]]()
      times[[i]] <- c(times[[i]], now() - t0)
      rm(res)
    }
  }
  vapply(times, stats::median, 0)
}

# The rows of data frame `tab` as a markdown table.
md_table <- function(tab) {
  c(
    paste0("| ", paste(names(tab), collapse = " | "), " |"),
    paste0("|", paste(rep("---", ncol(tab)), collapse = "|"), "|"),
    apply(tab, 1, function(r) paste0("| ", paste(trimws(r), collapse = " | "), " |"))
  )
}
