# Timing shared by the benchmarks (sourced by bench/files.R, bench/verbs.R).

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
