# torchbridge's base R verbs benchmark (part of `make bench`).
#
# Times sort(), quantile() and c() of 1e6 float32 values on a CPU tensor
# against R's own sort(), quantile() and c() of the same values (medians of
# interleaved repetitions, each from a collected heap), and writes the
# ratios to bench/VERBS.md. The target: not slower than R.
#
# Environment: BENCH_REPS (default 15), BENCH_OUT (default "bench").

suppressPackageStartupMessages(library(torchbridge))

reps <- as.integer(Sys.getenv("BENCH_REPS", "15"))
out_dir <- Sys.getenv("BENCH_OUT", "bench")
invisible(default_device())
source(file.path("bench", "common.R")) # now(), time_group(), md_table()

set.seed(1)
x <- runif(1e6)
t <- as_torch(x) # float32
xr <- from_torch(t) # the same values as R doubles
probs <- c(0.1, 0.5, 0.9)

groups <- list(
  sort = list("sort(t)" = function() sort(t), "sort(x) in R" = function() sort(xr)),
  quantile = list("quantile(t, probs)" = function() quantile(t, probs), "quantile(x, probs) in R" = function() quantile(xr, probs)),
  c = list("c(t, t)" = function() c(t, t), "c(x, x) in R" = function() c(xr, xr))
)


rows <- lapply(groups, function(g) ratio_row(time_group(g, reps)))
tab <- do.call(rbind, rows)
write_report(out_dir, "VERBS.md", "torchbridge base R verbs benchmark", "bench/verbs.R", c(
  sprintf("%s; R %s, torch %s; %d threads", R.version$platform, getRversion(),
          reticulate::py_to_r(torch$`__version__`), reticulate::py_to_r(torch$get_num_threads())),
  sprintf("1e6 float32 values on the CPU; %d interleaved repetitions; medians; ratio = ours / R", reps)
), md_table(tab), tab)
