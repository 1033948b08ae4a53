# torchbridge's device benchmark (part of `make bench`).
#
# Without CUDA (this machine): the data path run on the fake-device model of
# tests/python/fake_devices.py (fake cuda:0 over CPU tensors), which counts
# what crosses between host and device: copies, bytes, and the peak extra
# device memory, against the bytes of the R data (speed is not measured,
# the model runs on the CPU). With CUDA these rows say so and are left to
# a GPU machine (not measured here).
#
# Writes bench/DEVICES.md. Environment: BENCH_OUT (default "bench").

suppressPackageStartupMessages(library(torchbridge))
source(file.path("bench", "common.R")) # md_table()

out_dir <- Sys.getenv("BENCH_OUT", "bench")
invisible(default_device())
n <- 1e6
has_cuda <- cuda_is_available()

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
  harness$stop()
}

tab <- if (length(rows)) do.call(rbind, rows)
body <- if (has_cuda) {
  "CUDA is present: timings against torch's pageable and pinned copies are not measured by this script yet."
} else {
  c(
    "No CUDA here: the rows come from the fake-device model (tests/python/fake_devices.py), which counts what crosses between host and device. `r_bytes`: the R data; `bytes_ratio`: bytes crossed / R bytes (1 = each byte once); `peak_extra_device_bytes`: the most device memory the call held beyond what existed before it (its result included). Speed is not measured.",
    "",
    md_table(tab)
  )
}
write_report(out_dir, "DEVICES.md", "torchbridge device benchmark", "bench/devices.R",
             sprintf("%s; R %s, torch %s", R.version$platform, getRversion(),
                     reticulate::py_to_r(reticulate::import("torch")$`__version__`)),
             body, tab)
