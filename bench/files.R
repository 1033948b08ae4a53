# torchbridge's file and Python-object benchmark (part of `make bench`).
#
# Times, in one run (medians over interleaved repetitions, each from a
# collected heap), read_pt(), read_safetensors() and from_torch() of NumPy
# arrays and Python lists, and tb.r in Python, against the same work done by hand in the same
# process, and writes the ratios to bench/FILES.md.
#
# Environment: BENCH_REPS (default 15), BENCH_OUT (default "bench").

suppressPackageStartupMessages(library(torchbridge))

reps <- as.integer(Sys.getenv("BENCH_REPS", "15"))
out_dir <- Sys.getenv("BENCH_OUT", "bench")
invisible(default_device()) # start Python and torch
torch <- reticulate::import("torch", convert = FALSE)
np <- reticulate::import("numpy", convert = FALSE)
st <- reticulate::import("safetensors.torch", convert = FALSE)
source(file.path("bench", "common.R")) # now(), time_group(), md_table()

n <- 1e7
dir <- tempfile("tb-bench-files-")
dir.create(dir)
pt_path <- file.path(dir, "results.pt")
st_path <- file.path(dir, "results.safetensors")
main <- reticulate::py_run_string(sprintf("
import torch, numpy as np
from safetensors.torch import save_file
torch.manual_seed(0)
results = {'weights': torch.rand(%d, dtype=torch.float64), 'epoch': 10, 'losses': [0.9, 0.7, 0.5]}
torch.save(results, %s)
save_file({'weights': results['weights']}, %s)
arr = np.random.default_rng(0).random(%d)
arr_tensor = torch.from_numpy(arr.copy())
floats = [i / 7 for i in range(100000)]
def scan_floats():
    return sum(floats, 0.0)  # the scan from_torch() makes before py_to_r()
import torchbridge as tb
def tb_r_b():
    return tb.r.b
def reticulate_r_b():
    return torch.from_numpy(np.array(r.b))
", n, encodeString(pt_path, quote = "'"), encodeString(st_path, quote = "'"), n), convert = FALSE)

b <- runif(1e6) # read from Python by tb.r.b, 1e6 doubles


per_tensor_numpy <- function(obj) {
  # the reticulate idiom: py_to_r(t$numpy()) for each tensor of the dict
  keys <- reticulate::py_to_r(reticulate::import_builtins(convert = FALSE)$list(obj$keys()))
  lapply(stats::setNames(keys, keys), function(k) {
    v <- reticulate::py_get_item(obj, k)
    if (inherits(v, "torch.Tensor")) reticulate::py_to_r(v$numpy()) else reticulate::py_to_r(v)
  })
}

groups <- list(
  read_pt = list(
    "read_pt()" = function() read_pt(pt_path),
    "torch.load() + from_torch()" = function() {
      obj <- torch$load(pt_path, weights_only = TRUE)
      from_torch(reticulate::py_get_item(obj, "weights"))
    },
    "torch$load() + py_to_r(t$numpy()) per tensor" = function() per_tensor_numpy(torch$load(pt_path, weights_only = TRUE))
  ),
  read_safetensors = list(
    "read_safetensors()" = function() read_safetensors(st_path),
    "load_file() + from_torch()" = function() from_torch(reticulate::py_get_item(st$load_file(st_path), "weights")),
    "load_file() + py_to_r(t$numpy())" = function() reticulate::py_to_r(reticulate::py_get_item(st$load_file(st_path), "weights")$numpy())
  ),
  numpy = list(
    "from_torch(numpy array)" = function() from_torch(main$arr),
    "from_torch(tensor of the same bytes)" = function() from_torch(main$arr_tensor),
    "py_to_r(numpy array)" = function() reticulate::py_to_r(main$arr)
  ),
  list = list(
    "from_torch(list of 1e5 floats)" = function() from_torch(main$floats),
    "py_to_r(list of 1e5 floats)" = function() reticulate::py_to_r(main$floats),
    "one sum() scan + py_to_r()" = function() {
      main$scan_floats()
      reticulate::py_to_r(main$floats)
    }
  ),
  tb_r = list(
    "tb.r.b in Python (1e6 doubles)" = function() main$tb_r_b(),
    "as_torch(b) in R" = function() as_torch(b),
    "torch.from_numpy(np.array(r.b)) in Python" = function() main$reticulate_r_b()
  )
)

# What each group's first case is compared with, and the target ratio.
checks <- list(
  list("read_pt", 2, "<=", 1.3), list("read_pt", 3, ">=", 2),
  list("read_safetensors", 2, "<=", 1.3), list("read_safetensors", 3, ">=", 2),
  list("numpy", 2, "<=", 1.2), list("numpy", 3, ">=", 2),
  list("list", 2, "<=", 1), list("list", 3, "<=", 1.1),
  list("tb_r", 2, "<=", 2), list("tb_r", 3, ">=", 2)
)

medians <- lapply(groups, time_group, reps = reps)
rows <- lapply(checks, function(ck) ratio_row(medians[[ck[[1]]]], ck[[2]], ck[[3]], ck[[4]]))
tab <- do.call(rbind, rows)
unlink(dir, recursive = TRUE)
write_report(out_dir, "FILES.md", "torchbridge files and Python objects benchmark", "bench/files.R", c(
  sprintf("%s; R %s, reticulate %s, torch %s, NumPy %s", R.version$platform, getRversion(),
          utils::packageVersion("reticulate"), reticulate::py_to_r(torch$`__version__`),
          reticulate::py_to_r(np$`__version__`)),
  sprintf("1e7 doubles (80 MB) per file and array, 1e6 for tb.r; %d interleaved repetitions; medians", reps)
), md_table(tab), tab)
