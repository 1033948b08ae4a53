# torchbridge's conversion benchmark (`make bench`).
#
# Measures, in one run, medians over repeated, interleaved runs of
# torchbridge's conversions against the usual reticulate idioms and against
# the machine's floors (torch clone() for R -> torch, R's own `x + 0` for
# torch -> R), then writes bench/RESULTS.md and bench/results.png.
#
# Environment: BENCH_REPS (default 15), BENCH_MAX (largest size; default
# 1e8 where the machine has 16 GB or more, else 1e7; 1e8 adds a few minutes
# and about 6 GB), BENCH_OUT (default "bench").

suppressPackageStartupMessages({
  library(torchbridge)
  library(ggplot2)
})

reps <- as.integer(Sys.getenv("BENCH_REPS", "15"))
mem_total <- tryCatch({
  l <- grep("^MemTotal:", readLines("/proc/meminfo"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", l)) * 1024
}, error = function(e) 0)
max_size <- as.numeric(Sys.getenv("BENCH_MAX", if (mem_total >= 16e9) "1e8" else "1e7"))
out_dir <- Sys.getenv("BENCH_OUT", "bench")
sizes <- c(1e2, 1e4, 1e6, 1e7, 1e8)
sizes <- sizes[sizes <= max_size]

invisible(default_device()) # start Python and torch
torch <- reticulate::import("torch", convert = FALSE)
np <- tryCatch(reticulate::import("numpy", convert = FALSE), error = function(e) NULL)
main <- reticulate::py_run_string("
import torch
try:
    import numpy as np
except ImportError:
    np = None
def seeds_idiom(b):
    # the idiom from the seeds: torch.from_numpy(np.array(r.b)), r.b a list
    return torch.from_numpy(np.array(b))
", convert = FALSE)

now <- function() as.numeric(bench::hires_time())

# Times each case once per repetition, cases shuffled in each repetition.
# A case is list(name, direction, method, size, setup = function() state,
# run = function(state)); setup is not timed.
run_cases <- function(cases, reps) {
  times <- vector("list", length(cases))
  for (r in seq_len(reps)) {
    for (i in sample(seq_along(cases))) {
      cs <- cases[[i]]
      if (r > cs$reps) next
      # Every timed run starts from a collected heap, so that each method's
      # allocations are recycled the same way (steady state).
      gc(verbose = FALSE)
      state <- cs$setup()
      t0 <- now()
      res <- cs$run(state)
      t1 <- now()
      rm(res, state)
      times[[i]] <- c(times[[i]], t1 - t0)
    }
  }
  data.frame(
    direction = vapply(cases, `[[`, "", "direction"),
    shape = vapply(cases, `[[`, "", "shape"),
    dtype = vapply(cases, `[[`, "", "dtype"),
    method = vapply(cases, `[[`, "", "method"),
    size = vapply(cases, `[[`, 0, "size"),
    median_s = vapply(times, stats::median, 0),
    runs = lengths(times),
    stringsAsFactors = FALSE
  )
}

case <- function(direction, shape, dtype, method, size, setup, run, reps_max = Inf) {
  list(direction = direction, shape = shape, dtype = dtype, method = method,
       size = size, setup = setup, run = run,
       reps = if (size >= 1e8) min(3, reps_max) else reps_max)
}

as_shape <- function(x, shape) if (shape == "matrix") matrix(x, nrow = 1000) else x

cases <- list()
for (n in sizes) {
  x_dbl <- stats::runif(n)
  x_int <- sample.int(1000L, n, replace = TRUE)
  x_lgl <- x_int > 500L
  for (shape in c("vector", "matrix")) {
    for (rtype in c("double", "integer", "logical")) {
      x <- as_shape(switch(rtype, double = x_dbl, integer = x_int, logical = x_lgl), shape)
      targets <- if (rtype == "double") c("float64", "float32") else "default"
      for (dt in targets) {
        local({
          x <- x; dt <- dt
          dtype <- if (dt == "default") NULL else dt
          cases[[length(cases) + 1L]] <<- case("R -> torch", shape, paste(rtype, "->", dt), "as_torch()", n,
            function() NULL, function(s) as_torch(x, dtype = dtype))
        })
      }
    }
    x <- as_shape(x_dbl, shape)
    local({
      x <- x
      nbytes <- length(x) * 8
      cases[[length(cases) + 1L]] <<- case("R -> torch", shape, "double -> float64", "floor: torch clone()", n,
        function() torch$empty(list(length(x)), dtype = torch$float64), function(s) s$clone())
      if (!is.null(np)) {
        cases[[length(cases) + 1L]] <<- case("R -> torch", shape, "double -> float64",
          "torch$from_numpy(r_to_py(array(x)))$clone()", n,
          function() NULL, function(s) torch$from_numpy(reticulate::r_to_py(array(x)))$clone())
      }
      if (n <= 1e4) {
        cases[[length(cases) + 1L]] <<- case("R -> torch", shape, "double -> float32",
          "torch$tensor(r_to_py(x))", n,
          function() NULL, function(s) torch$tensor(reticulate::r_to_py(as.vector(x))))
        if (!is.null(np)) {
          cases[[length(cases) + 1L]] <<- case("R -> torch", shape, "double -> float64",
            "seeds: torch.from_numpy(np.array(r.b))", n,
            function() NULL, function(s) main$seeds_idiom(reticulate::r_to_py(as.vector(x))))
        }
      }
    })
  }
  # torch -> R
  for (shape in c("vector", "matrix")) {
    for (dt in c("float64", "float32")) {
      local({
        src <- as_torch(as_shape(x_dbl, shape), dtype = dt)
        layouts <- if (shape == "matrix") c("contiguous", "transposed") else "contiguous"
        for (layout in layouts) {
          s <- if (layout == "transposed") src$t() else src
          local({
            s <- s
            label <- paste(dt, "->", "double", if (layout == "transposed") "(transposed)" else "")
            cases[[length(cases) + 1L]] <<- case("torch -> R", shape, trimws(label), "from_torch()", n,
              function() NULL, function(st) from_torch(s))
            if (!is.null(np)) {
              cases[[length(cases) + 1L]] <<- case("torch -> R", shape, trimws(label), "py_to_r(t$numpy())", n,
                function() NULL, function(st) reticulate::py_to_r(s$numpy()))
            }
          })
        }
      })
    }
    local({
      x <- as_shape(x_dbl, shape)
      cases[[length(cases) + 1L]] <<- case("torch -> R", shape, "float64 -> double", "floor: R x + 0", n,
        function() NULL, function(st) x + 0)
    })
  }
}

# GPU rows, when CUDA is present: host-to-device and device-to-host.
if (cuda_is_available()) {
  sync <- function() torch$cuda$synchronize()
  for (n in sizes[sizes >= 1e6]) {
    local({
      x <- stats::runif(n)
      m <- matrix(x, nrow = 1000)
      tg <- as_torch(x, device = "cuda")
      tgm <- as_torch(m, device = "cuda")
      cases[[length(cases) + 1L]] <<- case("R -> GPU", "vector", "double -> float32", "as_torch(x, device = \"cuda\")", n,
        function() NULL, function(s) { r <- as_torch(x, device = "cuda"); sync(); r })
      cases[[length(cases) + 1L]] <<- case("R -> GPU", "matrix", "double -> float32", "as_torch(x, device = \"cuda\")", n,
        function() NULL, function(s) { r <- as_torch(m, device = "cuda"); sync(); r })
      cases[[length(cases) + 1L]] <<- case("R -> GPU", "vector", "float64", "floor: torch clone()$cuda()", n,
        function() torch$empty(list(length(x)), dtype = torch$float64),
        function(s) { r <- s$cuda(); sync(); r })
      cases[[length(cases) + 1L]] <<- case("GPU -> R", "vector", "float32 -> double", "from_torch()", n,
        function() NULL, function(s) from_torch(tg))
      cases[[length(cases) + 1L]] <<- case("GPU -> R", "matrix", "float32 -> double", "from_torch()", n,
        function() NULL, function(s) from_torch(tgm))
      cases[[length(cases) + 1L]] <<- case("GPU -> R", "vector", "float32 -> double", "floor: R x + 0", n,
        function() NULL, function(s) x + 0)
    })
  }
}

# Latency: a round trip of 10 elements against a bare reticulate call.
x10 <- as.double(1:10)
cases[[length(cases) + 1L]] <- case("latency", "vector", "10 doubles", "round trip: from_torch(as_torch(x))", 10,
  function() NULL, function(s) from_torch(as_torch(x10)))
cases[[length(cases) + 1L]] <- case("latency", "vector", "10 doubles", "as_torch(x)", 10,
  function() NULL, function(s) as_torch(x10))
t10 <- as_torch(x10)
cases[[length(cases) + 1L]] <- case("latency", "vector", "10 doubles", "from_torch(t)", 10,
  function() NULL, function(s) from_torch(t10))
cases[[length(cases) + 1L]] <- case("latency", "vector", "10 doubles", "floor: torch$ones(3L)", 10,
  function() NULL, function(s) torch$ones(3L))

# Small sizes are cheap: time them many times (a repetition of a 10-element
# case is itself a batch of 50 calls, reported per call).
batch <- function(cs, k) {
  run <- cs$run
  cs$run <- function(s) for (i in seq_len(k)) run(s)
  cs$batch <- k
  cs
}
cases <- lapply(cases, function(cs) {
  if (cs$size <= 1e2) batch(cs, 50L) else if (cs$size <= 1e4) batch(cs, 10L) else cs
})
batches <- vapply(cases, function(cs) if (is.null(cs$batch)) 1L else cs$batch, 1L)

message("Timing ", length(cases), " cases, ", reps, " interleaved repetitions...")
set.seed(1)
res <- run_cases(cases, reps)
res$median_s <- res$median_s / batches
res$gb_per_s <- ifelse(res$direction == "latency", NA, res$size * 8 / res$median_s / 1e9)

# Peak extra memory of one conversion of 1e7 doubles, each direction:
# the process's peak RSS (VmHWM, reset through /proc/self/clear_refs) less
# its RSS before, against the data size. Measured in a fresh R process so
# that earlier runs' memory does not hide it.
peak_memory <- function() {
  callr::r(function() {
    rss <- function(field) {
      l <- grep(paste0("^", field, ":"), readLines("/proc/self/status"), value = TRUE)
      as.numeric(gsub("[^0-9]", "", l)) * 1024
    }
    reset <- function() {
      gc(full = TRUE)
      ok <- tryCatch({ writeLines("5", "/proc/self/clear_refs"); TRUE }, error = function(e) FALSE)
      ok
    }
    measure <- function(f) {
      if (!reset()) return(NA_real_)
      base <- rss("VmRSS")
      res <- f()
      peak <- rss("VmHWM")
      rm(res)
      peak - base
    }
    library(torchbridge)
    n <- 1e7
    x <- stats::runif(n)
    t <- as_torch(x, dtype = "float64")
    invisible(from_torch(as_torch(1:10))) # warm up
    np_ok <- reticulate::py_module_available("numpy")
    out <- c(
      `as_torch(x, dtype = "float64")` = measure(function() as_torch(x, dtype = "float64")),
      `from_torch(t)` = measure(function() from_torch(t)),
      `py_to_r(t$numpy())` = if (np_ok) measure(function() reticulate::py_to_r(t$numpy())) else NA,
      `torch$from_numpy(r_to_py(array(x)))$clone()` = if (np_ok) {
        torch <- reticulate::import("torch", convert = FALSE)
        measure(function() torch$from_numpy(reticulate::r_to_py(array(x)))$clone())
      } else NA
    )
    out / (n * 8)
  }, libpath = .libPaths())
}
mem <- tryCatch(peak_memory(), error = function(e) { message("memory: ", conditionMessage(e)); NULL })

# Ratios against the peer and the floor in the same group.
ratio_table <- function(res) {
  rows <- list()
  for (key in unique(paste(res$direction, res$shape, res$size))) {
    g <- res[paste(res$direction, res$shape, res$size) == key, ]
    floor_t <- g$median_s[startsWith(g$method, "floor")]
    floor_t <- if (length(floor_t)) floor_t[1] else NA
    ours <- c("as_torch()", "from_torch()", "round trip: from_torch(as_torch(x))", "as_torch(x, device = \"cuda\")")
    for (i in which(g$method %in% ours)) {
      peer <- g[!startsWith(g$method, "floor") & !g$method %in% c(ours, "as_torch(x)", "from_torch(t)") &
        (g$dtype == g$dtype[i] | g$direction == "R -> torch"), ]
      best_peer <- if (nrow(peer)) min(peer$median_s) else NA
      rows[[length(rows) + 1L]] <- data.frame(
        direction = g$direction[i], shape = g$shape[i], dtype = g$dtype[i], size = g$size[i],
        ours_ms = g$median_s[i] * 1e3,
        best_peer_ms = best_peer * 1e3,
        floor_ms = floor_t * 1e3,
        ours_over_peer = g$median_s[i] / best_peer,
        ours_over_floor = g$median_s[i] / floor_t
      )
    }
  }
  do.call(rbind, rows)
}
ratios <- ratio_table(res)

fmt <- function(x, d = 3) ifelse(is.na(x), "", formatC(x, digits = d, format = "g"))
md_table <- function(df) {
  head <- paste0("| ", paste(names(df), collapse = " | "), " |")
  sep <- paste0("|", paste(rep("---", ncol(df)), collapse = "|"), "|")
  body <- apply(df, 1, function(r) paste0("| ", paste(r, collapse = " | "), " |"))
  c(head, sep, body)
}

py <- reticulate::py_config()
info <- c(
  sprintf("- machine: %s, %d cores, %.0f GB", R.version$platform, parallel::detectCores(),
          torch_devices()$total_memory[1] / 1e9),
  sprintf("- R %s, reticulate %s", getRversion(), utils::packageVersion("reticulate")),
  sprintf("- Python %s, torch %s, NumPy %s", py$version,
          reticulate::py_to_r(torch$`__version__`),
          if (is.null(np)) "not installed" else reticulate::py_to_r(np$`__version__`)),
  sprintf("- %d interleaved repetitions (3 at 1e8); medians; small sizes timed in batches", reps),
  sprintf("- date: %s", format(Sys.time(), "%Y-%m-%d %H:%M %Z"))
)

res_out <- res
res_out$median_ms <- fmt(res_out$median_s * 1e3)
res_out$gb_per_s <- fmt(res_out$gb_per_s)
res_out <- res_out[order(res_out$direction, res_out$shape, res_out$dtype, res_out$size, res_out$method),
  c("direction", "shape", "dtype", "size", "method", "median_ms", "gb_per_s")]

rat_out <- ratios
for (col in c("ours_ms", "best_peer_ms", "floor_ms", "ours_over_peer", "ours_over_floor")) rat_out[[col]] <- fmt(rat_out[[col]])

lines <- c(
  "# torchbridge conversion benchmark",
  "",
  "Written by `make bench` (bench/bench.R). Do not edit by hand.",
  "",
  info,
  "",
  "## Ratios",
  "",
  "ours / best peer (< 1 is faster than reticulate's idioms) and ours / floor (torch `clone()` of the same data for R -> torch; R's `x + 0` for torch -> R; `torch$ones(3L)` for latency).",
  "",
  md_table(rat_out),
  "",
  "## Peak extra memory, one conversion of 1e7 doubles (80 MB), as a multiple of the data size",
  "",
  if (is.null(mem)) "not measured" else md_table(data.frame(method = names(mem), peak_extra = fmt(mem))),
  "",
  "## All medians",
  "",
  md_table(res_out)
)
notes <- file.path(out_dir, "NOTES.md")
if (file.exists(notes)) lines <- c(lines, "", readLines(notes))
writeLines(lines, file.path(out_dir, "RESULTS.md"))

plot_df <- res[res$direction != "latency", ]
plot_df$series <- paste(plot_df$method, "|", plot_df$shape)
p <- ggplot(plot_df, aes(.data$size, .data$gb_per_s, colour = .data$method)) +
  geom_line(aes(group = interaction(.data$method, .data$shape, .data$dtype)), alpha = 0.6) +
  geom_point(aes(shape = .data$shape)) +
  scale_x_log10() +
  scale_y_log10() +
  facet_wrap(ggplot2::vars(.data$direction)) +
  labs(x = "elements", y = "GB/s (of 8-byte elements, median)", colour = NULL, shape = NULL,
       title = "torchbridge conversion throughput") +
  theme_bw() +
  theme(legend.position = "bottom", legend.direction = "vertical")
ggsave(file.path(out_dir, "results.png"), p, width = 10, height = 7, dpi = 100)
message("Wrote ", file.path(out_dir, "RESULTS.md"), " and ", file.path(out_dir, "results.png"))
