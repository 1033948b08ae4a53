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

# One row of a report: the first case of the medians `m` (seconds) against
# case `against`, with the ratio the target is about (`op` "<=": ours /
# against; ">=": against / ours) and whether it meets `limit`.
ratio_row <- function(m, against = 2, op = "<=", limit = 1) {
  ours <- m[[1]]
  other <- m[[against]]
  ratio <- if (op == "<=") ours / other else other / ours
  data.frame(
    ours = names(m)[1], against = names(m)[against],
    ours_ms = signif(ours * 1e3, 3), against_ms = signif(other * 1e3, 3),
    measure = if (op == "<=") "ours / against" else "against / ours",
    ratio = signif(ratio, 3), target = paste(op, limit),
    met = if (op == "<=") ratio <= limit else ratio >= limit,
    stringsAsFactors = FALSE
  )
}

# Writes the report `file` (e.g. "VERBS.md") into `out_dir`: a title, who
# writes it (`script`), the `facts` lines (each a "- " bullet), the date,
# then `body` (markdown lines, e.g. md_table(tab)); prints `tab` if given.
write_report <- function(out_dir, file, title, script, facts, body, tab = NULL) {
  md <- c(
    paste("#", title), "",
    sprintf("Written by `make bench` (%s). Do not edit by hand.", script), "",
    paste("-", facts),
    sprintf("- date: %s", format(Sys.time(), "%Y-%m-%d %H:%M %Z")), "",
    body
  )
  writeLines(md, file.path(out_dir, file))
  if (!is.null(tab)) print(tab, row.names = FALSE)
  message("Wrote ", file.path(out_dir, file))
}
