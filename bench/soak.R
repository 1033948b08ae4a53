# torchbridge's soak test (`make soak`; also run by `make bench`).
#
# 10,000 round trips that must leave the process no bigger than they found
# it. The rounds cycle over four kinds:
#   1. 10 doubles:       from_torch(as_torch(x))            (default dtype)
#   2. 1e5 doubles:      from_torch(as_torch(x, dtype = "float64"))
#   3. 1e4 integers:     from_torch(as_torch(x))            (int64 and back)
#   4. copy = FALSE:     t <- as_torch(x, dtype = "float64", copy = FALSE),
#                        from_torch(t), then t is dropped; x is a fresh 1e5
#                        double vector each time, so an R vector kept alive
#                        past its tensor would show as growth.
# Every result is checked with identical(); a mismatch stops with an error.
#
# The baseline RSS (VmRSS from /proc/self/status) is taken after a warm-up of
# 500 rounds and a gc(), so that torch's caches and R's heap reaching its
# working size do not count. Every 1,000 rounds gc() is called and the RSS is
# read again (after glibc's malloc_trim(0); see reading()), along with R's
# heap in use (from gc()), the number of objects Python's gc tracks, and how
# many R vectors torchbridge keeps for shared tensors. The run fails (exit
# status 1) when the final RSS exceeds the baseline by more than 5%. Writes
# the table to bench/SOAK.md.
#
# Environment: SOAK_ROUNDS (default 10000), SOAK_OUT (default "bench").

suppressPackageStartupMessages(library(torchbridge))

rounds <- as.integer(Sys.getenv("SOAK_ROUNDS", "10000"))
if (is.na(rounds) || rounds < 1L) stop("SOAK_ROUNDS must be a whole number of 1 or more")
out_dir <- Sys.getenv("SOAK_OUT", "bench")
warmup <- 500L
every <- 1000L
limit_pct <- 5

rss_mb <- function() {
  l <- grep("^VmRSS:", readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", l)) / 1024 # kB -> MB
}

invisible(default_device()) # start Python and torch
torch <- reticulate::import("torch", convert = FALSE)
pyhelp <- reticulate::py_run_string("
import gc as _gc
import ctypes as _ctypes
def _soak_n_objects():
    return len(_gc.get_objects())
try:
    _soak_trim = _ctypes.CDLL('libc.so.6').malloc_trim
except (OSError, AttributeError):
    _soak_trim = None
def _soak_malloc_trim():
    # glibc keeps freed memory for reuse: give it back to the OS
    if _soak_trim is None:
        return False
    _soak_trim(0)
    return True
", convert = FALSE)
py_objects <- function() reticulate::py_to_r(pyhelp$`_soak_n_objects`())
malloc_trim <- function() reticulate::py_to_r(pyhelp$`_soak_malloc_trim`())
# R vectors kept for tensors that share their memory (an internal).
kept_shared <- function() torchbridge:::shared_count()

set.seed(1)
# Inputs. Small doubles are exact in float32 (the default dtype), so the
# default-dtype round trip is exact too.
x_small <- as.double(1:10) / 4
x_big <- stats::runif(1e5)
x_int <- sample.int(1000000L, 1e4, replace = TRUE)
share_base <- stats::runif(1e5)

check <- function(got, want, what, i) {
  if (!identical(got, want)) {
    stop(sprintf("soak: round %d (%s): from_torch() did not give back the input", i, what), call. = FALSE)
  }
}

one_round <- function(i) {
  switch(i %% 4L + 1L,
    check(from_torch(as_torch(x_small)), x_small, "10 doubles", i),
    check(from_torch(as_torch(x_big, dtype = "float64")), x_big, "1e5 doubles, float64", i),
    check(from_torch(as_torch(x_int)), x_int, "1e4 integers", i),
    {
      x <- share_base + i # a fresh vector, shared with the tensor
      t <- as_torch(x, dtype = "float64", copy = FALSE)
      check(from_torch(t), x, "copy = FALSE, 1e5 doubles", i)
      rm(t, x)
    }
  )
  invisible()
}

# One reading. The first gc() frees dropped tensors, whose R vectors torchbridge then lets
# go at its next call (as_torch(0) here); the second gc() frees those vectors.
# kept_shared is counted in between: vectors waiting for that next call.
# Then the RSS is read twice: as it is, and after malloc_trim(0) (glibc), the
# one that is checked. glibc keeps freed memory for reuse; with the 800 KB
# blocks of the 1e5 rounds, how much it keeps swings by 10-20% of the RSS
# from one reading to the next, and that is not growth: malloc_trim() can
# only give back memory that is free, never memory still in use.
reading <- function(round) {
  gc(verbose = FALSE)
  pending <- kept_shared()
  invisible(as_torch(0))
  g <- gc(verbose = FALSE)
  raw_rss <- rss_mb()
  trimmed <- malloc_trim()
  data.frame(
    round = round,
    rss_mb = rss_mb(),
    untrimmed_mb = raw_rss,
    trimmed = trimmed,
    r_heap_mb = sum(g[, 2]), # MB in use, Ncells + Vcells
    py_objects = py_objects(),
    kept_shared = pending,
    kept_after = kept_shared()
  )
}

t_start <- Sys.time()
for (i in seq_len(warmup)) one_round(i)
base <- reading(0L)
rows <- list(base)
message(sprintf("soak: baseline %.1f MB after %d warm-up rounds; %d rounds...", base$rss_mb, warmup, rounds))
t_soak <- Sys.time()
for (i in seq_len(rounds)) {
  one_round(warmup + i)
  if (i %% every == 0L || i == rounds) rows[[length(rows) + 1L]] <- reading(i)
}
t_end <- Sys.time()
soak_s <- as.numeric(difftime(t_end, t_soak, units = "secs"))
total_s <- as.numeric(difftime(t_end, t_start, units = "secs"))

tab <- do.call(rbind, rows)
tab$change_mb <- tab$rss_mb - base$rss_mb
tab$change_pct <- 100 * tab$change_mb / base$rss_mb
nz <- function(x, d) round(x, d) + 0 # no "-0.00"
final <- tab[nrow(tab), ]

shown <- data.frame(
  round = tab$round,
  rss_mb = sprintf("%.1f", tab$rss_mb),
  change_mb = sprintf("%+.1f", nz(tab$change_mb, 1)),
  change_pct = sprintf("%+.2f%%", nz(tab$change_pct, 2)),
  untrimmed_mb = sprintf("%.1f", tab$untrimmed_mb),
  r_heap_mb = sprintf("%.1f", tab$r_heap_mb),
  py_objects = tab$py_objects,
  kept_shared = tab$kept_shared,
  kept_after = tab$kept_after
)
local({
  op <- options(width = 160)
  on.exit(options(op))
  print(shown, row.names = FALSE)
})
message(sprintf("soak: %d rounds in %.1f s (%.2f ms a round; %.1f s with warm-up)",
                rounds, soak_s, 1e3 * soak_s / rounds, total_s))

md_table <- function(df) {
  head <- paste0("| ", paste(names(df), collapse = " | "), " |")
  sep <- paste0("|", paste(rep("---:", ncol(df)), collapse = "|"), "|")
  body <- apply(df, 1, function(r) paste0("| ", paste(trimws(r), collapse = " | "), " |"))
  c(head, sep, body)
}
py <- reticulate::py_config()
verdict <- sprintf("RSS grew %.2f%% over %d round trips (limit %d%%)", nz(final$change_pct, 2), rounds, limit_pct)
lines <- c(
  "# torchbridge soak test",
  "",
  "Written by `make soak` (bench/soak.R). Do not edit by hand.",
  "",
  sprintf("- date: %s", format(t_end, "%Y-%m-%d %H:%M %Z")),
  sprintf("- R %s, reticulate %s, Python %s, torch %s", getRversion(), utils::packageVersion("reticulate"),
          py$version, reticulate::py_to_r(torch$`__version__`)),
  sprintf("- %d rounds after %d warm-up rounds, cycling: 10 doubles, 1e5 doubles (float64), 1e4 integers, copy = FALSE (1e5 doubles)",
          rounds, warmup),
  sprintf("- %.1f s (%.2f ms a round)", soak_s, 1e3 * soak_s / rounds),
  sprintf("- result: %s: %s", if (final$change_pct > limit_pct) "FAIL" else "pass", verdict),
  "",
  if (all(tab$trimmed)) {
    "rss_mb is VmRSS after gc() and glibc's malloc_trim(0) (checked); untrimmed_mb the VmRSS just before the trim."
  } else {
    "rss_mb is VmRSS after gc() (malloc_trim() was not available: no trim)."
  },
  "Round 0 is the baseline. r_heap_mb is R's heap in use (gc()),",
  "py_objects the objects Python's gc tracks; kept_shared the R vectors torchbridge still keeps for shared tensors",
  "after gc() (their tensors are gone; they are let go at torchbridge's next call), kept_after the same after that call.",
  "",
  md_table(shown)
)
writeLines(lines, file.path(out_dir, "SOAK.md"))

if (final$change_pct > limit_pct) {
  message(sprintf(paste0(
    "soak: FAILED: RSS grew from %.1f MB to %.1f MB (%+.2f%%, limit %d%%) over %d round trips; ",
    "R heap %.1f -> %.1f MB, Python objects %d -> %d, kept shared vectors %d -> %d. See %s."),
    base$rss_mb, final$rss_mb, final$change_pct, limit_pct, rounds,
    base$r_heap_mb, final$r_heap_mb, base$py_objects, final$py_objects,
    base$kept_shared, final$kept_shared, file.path(out_dir, "SOAK.md")))
  quit(status = 1)
}
cat(sprintf("soak: %s\n", verdict))
