# read_pt() and write_pt(): files written by torch.save() in Python come
# into R whole; files R writes are read by Python's torch.load().

# Runs Python code with `path` bound to a file name; returns the path.
py_write <- function(code, path = withr::local_tempfile(fileext = ".pt", .local_envir = parent.frame())) {
  reticulate::py_run_string(paste0("path = ", encodeString(path, quote = "'"), "\n", code), convert = FALSE)
  path
}

test_that("read_pt() reads a training run's results with exact values and structure", {
  skip_if_no_torch()
  path <- py_write("
import torch, numpy as np, collections
torch.manual_seed(1)
model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
loss = model(torch.ones(4, 3)).sum()
loss.backward()
opt.step()
results = {
  'losses': torch.tensor([0.9, 0.7, 0.5], dtype=torch.float64),
  'loss_list': [0.9, 0.7, 0.5],
  'state': model.state_dict(),
  'pred': torch.tensor([[0.25, 0.75], [0.5, 0.5]]),
  'config': {'lr': 0.01, 'name': 'run1', 'shuffle': True, 'seed': None, 'layers': [3, 2, 1]},
  'numpy': np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int32),
  'optimizer': opt.state_dict(),
  'index': torch.tensor([0, 2, 1], dtype=torch.int64),
  'bf16': torch.tensor([1.5, -2.0, 0.25], dtype=torch.bfloat16),
  'grad': torch.tensor([1.0, 2.0], requires_grad=True) * 2,
  'epochs': 3,
  'pair': (1.5, 'best'),
}
torch.save(results, path)
")
  res <- read_pt(path)
  expect_identical(names(res), c("losses", "loss_list", "state", "pred", "config", "numpy", "optimizer",
                                 "index", "bf16", "grad", "epochs", "pair"))
  expect_exact(res$losses, c(0.9, 0.7, 0.5))
  expect_exact(res$loss_list, c(0.9, 0.7, 0.5))
  expect_identical(names(res$state), c("0.weight", "0.bias", "2.weight", "2.bias"))
  w <- reticulate::py_eval("model[0].weight.detach().double().tolist()")
  expect_exact(res$state[["0.weight"]], do.call(rbind, w))
  expect_exact(res$pred, matrix(c(0.25, 0.5, 0.75, 0.5), 2))
  expect_exact(res$config, list(lr = 0.01, name = "run1", shuffle = TRUE, seed = NULL, layers = 1:3 * 0L + c(3L, 2L, 1L)))
  expect_exact(res$numpy, matrix(1:6, 2, byrow = TRUE))
  expect_identical(names(res$optimizer), c("state", "param_groups"))
  expect_identical(names(res$optimizer$state), c("0", "1", "2", "3"))
  expect_identical(names(res$optimizer$state[["0"]]), c("step", "exp_avg", "exp_avg_sq"))
  expect_exact(res$optimizer$state[["0"]]$step, 1)
  expect_identical(dim(res$optimizer$state[["0"]]$exp_avg), c(2L, 3L))
  expect_exact(res$optimizer$param_groups[[1]]$lr, 0.01)
  expect_exact(res$optimizer$param_groups[[1]]$params, 0:3)
  expect_exact(res$index, c(0L, 2L, 1L)) # 0-based, as saved
  expect_exact(res$bf16, c(1.5, -2, 0.25))
  expect_exact(res$grad, c(2, 4))
  expect_exact(res$epochs, 3L)
  expect_exact(res$pair, list(1.5, "best"))
})

test_that("read_pt(as = \"torch\") keeps tensors; int64 applies", {
  skip_if_no_torch()
  path <- py_write("
import torch, numpy as np
torch.save({'w': torch.ones(2, 2), 'big': torch.tensor([2**40]), 'np': np.zeros(2), 'cfg': {'lr': 0.1}}, path)
")
  res <- read_pt(path, as = "torch")
  expect_true(is_tensor_object(res$w))
  expect_identical(tensor_device(res$w), "cpu")
  expect_true(is_tensor_object(res$np))
  expect_exact(res$cfg, list(lr = 0.1))
  expect_error(read_pt(path), class = "torchbridge_error_overflow")
  expect_snapshot(read_pt(path), error = TRUE, transform = function(x) gsub("`[^`]*\\.pt`", "`<path>`", x))
  expect_exact(read_pt(path, int64 = "double")$big, 2^40)
})

test_that("read_pt() of a file saved on a GPU maps it to the CPU", {
  skip_if_no_torch()
  skip_if(cuda_is_available(), "this machine has CUDA")
  path <- py_write("
import torch
real = torch.serialization.location_tag
torch.serialization.location_tag = lambda storage: 'cuda:0'
try:
    torch.save({'w': torch.arange(3.0)}, path)
finally:
    torch.serialization.location_tag = real
")
  expect_exact(read_pt(path), list(w = c(0, 1, 2)))
  expect_error(read_pt(path, map_location = NULL), class = "torchbridge_error_no_gpu")
})

test_that("files that need weights_only = FALSE say so; whole modules become state dicts", {
  skip_if_no_torch()
  path <- py_write("
import torch
class TinyNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)
torch.manual_seed(0)
net = TinyNet()
torch.save(net, path)
")
  err <- expect_error(read_pt(path), class = "torchbridge_error_weights_only")
  expect_snapshot(read_pt(path), error = TRUE, transform = function(x) gsub("`[^`]*\\.pt`", "`<path>`", x))
  expect_message(sd <- read_pt(path, weights_only = FALSE), class = "torchbridge_message_module")
  expect_identical(names(sd), c("fc.weight", "fc.bias"))
  expect_exact(sd$fc.bias, reticulate::py_eval("net.fc.bias.item()"))
  m <- read_pt(path, weights_only = FALSE, as = "torch")
  expect_true(inherits(m, "torch.nn.modules.module.Module"))
})

test_that("missing, directory, foreign, truncated and corrupt files are classed errors naming the path", {
  skip_if_no_torch()
  dir <- withr::local_tempdir()
  missing <- file.path(dir, "nope.pt")
  foreign <- file.path(dir, "notes.pt")
  writeLines("not a torch file", foreign)
  truncated <- py_write("import torch; torch.save({'a': torch.arange(10000)}, path)", file.path(dir, "t.pt"))
  bytes <- readBin(truncated, "raw", file.size(truncated))
  writeBin(bytes[seq_len(length(bytes) %/% 2)], truncated)
  for (p in c(missing, dir, foreign, truncated)) {
    err <- expect_error(read_pt(p), class = "torchbridge_error_file")
    expect_match(conditionMessage(err), p, fixed = TRUE)
  }
  hide <- function(x) gsub("directory is `[^`]*`", "directory is `<wd>`", gsub(dir, "<dir>", x, fixed = TRUE))
  expect_snapshot(error = TRUE, transform = hide, {
    read_pt(missing)
    read_pt(dir)
    read_pt(foreign)
    read_pt(truncated)
  })
})

test_that("read_pt() checks its arguments", {
  skip_if_no_torch()
  expect_error(read_pt(1), class = "torchbridge_error_arg")
  expect_error(read_pt(c("a", "b")), class = "torchbridge_error_arg")
  expect_error(read_pt("x.pt", weights_only = NA), class = "torchbridge_error_arg")
  expect_error(read_pt("x.pt", as = "numpy"), class = "torchbridge_error_arg")
  expect_error(read_pt("x.pt", int64 = "x"), class = "torchbridge_error_arg")
  expect_error(read_pt("x.pt", map_location = 1), class = "torchbridge_error_device")
  expect_error(read_pt("x.pt", map_location = "tpu"), class = "torchbridge_error_device")
})

# ---- write_pt() ----------------------------------------------------------------

test_that("read_pt(write_pt(x)) is identical() to x for doubles, integers and logicals", {
  skip_if_no_torch()
  path <- withr::local_tempfile(fileext = ".pt")
  cases <- list(
    c(1.5, NA, NaN, -Inf), 42, double(), matrix(c(0.1, 2, 3, 4), 2), array(as.numeric(1:24), 2:4),
    1:5, -7L, matrix(1:6, 3), array(1:8, c(2, 2, 2)), integer(),
    c(TRUE, FALSE), TRUE, matrix(c(TRUE, FALSE, TRUE, TRUE), 2), logical(),
    matrix(numeric(), 0, 3)
  )
  for (x in cases) {
    write_pt(x, path)
    expect_exact(read_pt(path), x, info = paste(deparse(x), collapse = ""))
  }
  nested <- list(run = list(losses = c(0.9, 0.5), ids = 1:3, ok = TRUE), notes = "first", none = NULL,
                 parts = list(1, "a", list(2L)))
  write_pt(nested, path)
  expect_exact(read_pt(path), nested)
})

test_that("Python reads write_pt()'s files with torch.load(weights_only=True)", {
  skip_if_no_torch()
  path <- withr::local_tempfile(fileext = ".pt")
  write_pt(list(w = matrix(c(1, 2, 3, 4), 2), ids = c(3L, 1L), flag = TRUE, name = "run", tags = c("a", "b"),
                none = NULL, parts = list(1.5, 2L), t = as_torch(1:2, dtype = "float32")), path)
  got <- reticulate::py_eval(sprintf("(lambda d: {k: (v.tolist(), str(v.dtype)) if hasattr(v, 'dtype') else v for k, v in d.items()})(__import__('torch').load(%s, weights_only=True))",
                                     encodeString(path, quote = "'")))
  # (reticulate turns Python lists of one kind into R vectors)
  expect_identical(got$w, list(list(c(1, 3), c(2, 4)), "torch.float64"))
  expect_identical(got$ids, list(c(3L, 1L), "torch.int64"))
  expect_identical(got$flag, list(TRUE, "torch.bool"))
  expect_identical(got$name, "run")
  expect_identical(got$tags, c("a", "b"))
  expect_null(got$none)
  expect_identical(got$t, list(c(1, 2), "torch.float32"))
})

test_that("write_pt() names the element that can't be written, and writes nothing", {
  skip_if_no_torch()
  dir <- withr::local_tempdir()
  path <- file.path(dir, "out.pt")
  writeLines("old", path)
  expect_error(write_pt(list(a = list(b = c(1L, NA))), path), "x$a$b", fixed = TRUE, class = "torchbridge_error_na")
  expect_error(write_pt(list(f = factor("a")), path), "x$f", fixed = TRUE, class = "torchbridge_error_type")
  expect_error(write_pt(list(a = 1, 2), path), class = "torchbridge_error_arg")
  expect_error(write_pt(list(a = 1, a = 2), path), class = "torchbridge_error_arg")
  expect_error(write_pt(c("a", NA), path), class = "torchbridge_error_na")
  expect_identical(readLines(path), "old")
  expect_identical(list.files(dir, all.files = TRUE, no.. = TRUE), "out.pt")
  expect_snapshot(error = TRUE, {
    write_pt(list(a = list(b = c(1L, NA))), path)
    write_pt(list(a = 1, 2), path)
    write_pt(list(when = Sys.Date()), path)
  }, transform = function(x) gsub(dir, "<dir>", x, fixed = TRUE))
  expect_error(write_pt(1, dir), class = "torchbridge_error_file")
  expect_error(write_pt(1, file.path(dir, "no", "such.pt")), class = "torchbridge_error_file")
})

test_that("write_pt() writes file names torch.save() refuses, and data frames as dicts", {
  skip_if_no_torch()
  dir <- withr::local_tempdir()
  path <- file.path(dir, ".results")
  expect_identical(write_pt(data.frame(a = c(1, 2), b = 3:4), path), path)
  expect_exact(read_pt(path), list(a = c(1, 2), b = 3:4))
  expect_identical(list.files(dir, all.files = TRUE, no.. = TRUE), ".results")
})
