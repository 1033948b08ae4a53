# torchbridge's device benchmark (part of `make bench`).
#
# With CUDA: host-to-device and device-to-host rows, each timed against
# torch's own copies of the same bytes (a pageable tensor's `.to("cuda")` /
# `.cpu()`, and a pinned buffer copied with `non_blocking = TRUE`, the
# fastest CUDA copy; bench/gpu_copies.py), in GB/s and as ratios, with the
# peak extra device memory of each call.
#
# Without CUDA (this machine): the data path run on the fake-device model of
# tests/python/fake_devices.py (fake cuda:0 over CPU tensors), which counts
# what crosses between host and device: copies, bytes, and the peak extra
# device memory, against the bytes of the R data (speed is not measured,
# the model runs on the CPU). BENCH_MODEL_CUDA=1 adds the CUDA rows run on
# the model too (their times are the CPU's; the tests use it to run them).
#
# Writes bench/DEVICES.md. Environment: BENCH_OUT (default "bench"),
# BENCH_N (values per timed case; 1e7 with CUDA, else 1e6), BENCH_REPS (15).

suppressPackageStartupMessages(library(torchbridge))
source(file.path("bench", "common.R")) # md_table()

out_dir <- Sys.getenv("BENCH_OUT", "bench")
invisible(default_device())
has_cuda <- cuda_is_available()
model_cuda <- !has_cuda && nzchar(Sys.getenv("BENCH_MODEL_CUDA"))
n <- 1e6 # the counted rows
n_timed <- as.numeric(Sys.getenv("BENCH_N", if (has_cuda) "1e7" else "1e6"))
reps <- as.integer(Sys.getenv("BENCH_REPS", "15"))

gpu_name <- function() {
  d <- torch_devices()
  d$name[startsWith(d$device, "cuda")][1]
}

# The CUDA rows: each of torchbridge's calls against torch's pageable and
# pinned copies of the same bytes, and its peak extra device memory.
cuda_rows <- function(n, reps) {
  copies <- reticulate::import_from_path("gpu_copies", "bench", convert = FALSE)
  x <- runif(n)
  i <- sample.int(1000L, n, replace = TRUE)
  t64 <- as_torch(x, dtype = "float64", device = "cuda")
  t32 <- as_torch(x, device = "cuda")
  row <- function(label, nbytes, way, ours) {
    pin <- copies$host(nbytes, TRUE)
    if (way == "h2d") {
      page <- copies$host(nbytes, FALSE)
      base <- list(pageable = function() copies$to_device(page), pinned = function() copies$to_device(pin))
    } else {
      dev <- copies$on_device(nbytes)
      base <- list(pageable = function() copies$to_host(dev), pinned = function() copies$to_host(dev, pin))
    }
    synced <- function() {
      out <- ours()
      cuda_synchronize()
      out
    }
    m <- time_group(c(list(ours = synced), base), reps)
    p0 <- copies$peak_start()
    out <- synced()
    peak <- reticulate::py_to_r(copies$peak_extra(p0))
    rm(out)
    gbps <- function(s) signif(nbytes / s / 1e9, 3)
    data.frame(
      case = label, way = way, bytes = nbytes,
      ours_ms = signif(m[[1]] * 1e3, 3), pageable_ms = signif(m[[2]] * 1e3, 3), pinned_ms = signif(m[[3]] * 1e3, 3),
      ours_GBps = gbps(m[[1]]), pageable_GBps = gbps(m[[2]]), pinned_GBps = gbps(m[[3]]),
      ours_vs_pageable = signif(m[[1]] / m[[2]], 3), ours_vs_pinned = signif(m[[1]] / m[[3]], 3),
      peak_extra_device_bytes = peak, stringsAsFactors = FALSE
    )
  }
  what <- format(n, big.mark = ",", scientific = FALSE)
  rbind(
    row(sprintf("as_torch(%s doubles, dtype = \"float64\", device = \"cuda\")", what), 8 * n, "h2d",
        function() as_torch(x, dtype = "float64", device = "cuda")),
    row(sprintf("as_torch(%s doubles, device = \"cuda\") (float32)", what), 8 * n, "h2d",
        function() as_torch(x, device = "cuda")),
    row(sprintf("as_torch(%s integers, device = \"cuda\") (int64)", what), 4 * n, "h2d",
        function() as_torch(i, device = "cuda")),
    row(sprintf("from_torch(float64 cuda tensor of %s)", what), 8 * n, "d2h", function() from_torch(t64)),
    row(sprintf("from_torch(float32 cuda tensor of %s)", what), 8 * n, "d2h", function() from_torch(t32))
  )
}

rows <- list()
if (!has_cuda) {
  harness <- reticulate::py_run_string(sprintf("
import sys
sys.path.insert(0, %s)
import fake_devices
from _pytest.monkeypatch import MonkeyPatch
_patch = MonkeyPatch()
fake = fake_devices.install(_patch, cuda=1, mps=False)
fake.__enter__()
_base = {}
def start():
    fake.clear()
    _base['live'] = fake.live.get('cuda:0', 0)
def counts():
    h2d = fake.of_kind('h2d'); d2h = fake.of_kind('d2h')
    return [len(h2d), sum(t.nbytes for t in h2d), len(d2h), sum(t.nbytes for t in d2h),
            fake.peak.get('cuda:0', 0) - _base['live']]
def stop():
    fake.__exit__(None, None, None)
    _patch.undo()
", encodeString(normalizePath("tests/python"), quote = "'")), convert = FALSE)
  measure <- function(label, bytes, run) {
    harness$start()
    out <- run()
    rm(out)
    c <- as.numeric(reticulate::py_to_r(harness$counts()))
    data.frame(
      case = label, r_bytes = bytes, h2d_copies = c[[1]], h2d_bytes = c[[2]],
      d2h_copies = c[[3]], d2h_bytes = c[[4]], peak_extra_device_bytes = c[[5]],
      bytes_ratio = signif((c[[2]] + c[[4]]) / bytes, 3), stringsAsFactors = FALSE
    )
  }
  x <- runif(n)
  i <- sample.int(1000L, n, replace = TRUE)
  m <- matrix(x, 1000)
  df <- data.frame(a = x, b = i)
  t64 <- as_torch(x, dtype = "float64", device = "cuda")
  t32 <- as_torch(x, device = "cuda")
  rows <- list(
    measure("as_torch(1e6 doubles, device = \"cuda\") (float32)", 8 * n, function() as_torch(x, device = "cuda")),
    measure("as_torch(1e6 doubles, dtype = \"float64\", device = \"cuda\")", 8 * n, function() as_torch(x, dtype = "float64", device = "cuda")),
    measure("as_torch(1e6 integers, device = \"cuda\") (int64)", 4 * n, function() as_torch(i, device = "cuda")),
    measure("as_torch(1000 x 1000 matrix, device = \"cuda\")", 8 * n, function() as_torch(m, device = "cuda")),
    measure("as_torch(data frame of 2 columns, device = \"cuda\")", 12 * n, function() as_torch(df, device = "cuda")),
    measure("from_torch(float64 cuda tensor of 1e6)", 8 * n, function() from_torch(t64)),
    measure("from_torch(float32 cuda tensor of 1e6)", 8 * n, function() from_torch(t32)),
    measure("from_torch(t(1000 x 1000 float32 cuda tensor))", 8 * n, function() from_torch(t32$reshape(1000L, 1000L)$t())),
    measure("sum(t) and t * 2 (float32 cuda tensor of 1e6)", 8 * n, function() { sum(t32); t32 * 2 })
  )
  timed <- if (model_cuda) cuda_rows(n_timed, reps)
  harness$stop()
} else {
  timed <- cuda_rows(n_timed, reps)
}

tab <- if (length(rows)) do.call(rbind, rows)
timing_note <- "`bytes`: what crosses (R's data); `pageable`: torch's `.to(\"cuda\")` of a pageable host tensor and `.cpu()`; `pinned`: a copy to or from a pinned buffer with `non_blocking = TRUE` (the fastest CUDA copy); `ours_vs_*`: torchbridge's time / torch's (1 = as fast); `peak_extra_device_bytes`: the most device memory the call held beyond what existed before it (its result included). Each call waits for the device (`cuda_synchronize()`)."
body <- if (has_cuda) {
  c(timing_note, "", md_table(timed))
} else {
  c(
    "No CUDA here: the rows come from the fake-device model (tests/python/fake_devices.py), which counts what crosses between host and device. `r_bytes`: the R data; `bytes_ratio`: bytes crossed / R bytes (1 = each byte once); `peak_extra_device_bytes`: the most device memory the call held beyond what existed before it (its result included). Speed is not measured.",
    "",
    md_table(tab),
    if (model_cuda) c("", "The CUDA rows, run on the model (times are the CPU's, not a GPU's):", "", timing_note, "",
                      md_table(timed))
  )
}
write_report(out_dir, "DEVICES.md", "torchbridge device benchmark", "bench/devices.R",
             sprintf("%s; R %s, torch %s%s", R.version$platform, getRversion(),
                     reticulate::py_to_r(reticulate::import("torch")$`__version__`),
                     if (has_cuda) paste0("; ", gpu_name()) else ""),
             body, if (has_cuda) timed else tab)
