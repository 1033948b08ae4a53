# Devices: default_device(), cuda_*(), torch_devices(), to_device() & co.
#
# Most tests describe a machine without CUDA (as on the CPU-only torch build
# the test environment installs); the GPU block at the end runs where CUDA is
# available and skips elsewhere.

device_type <- function(t) reticulate::py_to_r(t$device$type)

# The machine has no usable CUDA device (CPU-only build, or no GPU visible).
skip_if_cuda <- function() {
  skip_if_no_torch()
  if (cuda_is_available()) skip("CUDA is available: this test is about a machine without it")
}

# torch is a CPU-only build (torch.version.cuda is None).
skip_if_not_cpu_build <- function() {
  skip_if_no_torch()
  if (!is.null(reticulate::py_to_r(torch_mod()$version$cuda))) {
    skip("torch is a CUDA build: this test is about a CPU-only build")
  }
}

# Scrubs what depends on the installed torch and the platform.
scrub_build <- function(x) {
  x <- gsub("torch [0-9][^ )]*", "torch <version>", x)
  gsub("on [A-Za-z]+ [A-Za-z0-9_]+ has no usable", "on <platform> has no usable", x)
}

# default_device() ------------------------------------------------------------

test_that("default_device() is \"cpu\" unless the option says otherwise", {
  skip_if_no_torch()
  withr::local_options(torchbridge.device = NULL)
  expect_identical(default_device(), "cpu")
  expect_identical(default_device("cpu"), "cpu")
})

test_that("default_device(\"auto\") is \"cpu\" on a machine without CUDA or MPS", {
  skip_if_cuda()
  skip_if(reticulate::py_to_r(torch_mod()$backends$mps$is_available()), "MPS is available")
  expect_identical(default_device("auto"), "cpu")
})

test_that("default_device() follows the option torchbridge.device", {
  skip_if_cuda()
  withr::local_options(torchbridge.device = "auto")
  expect_identical(default_device(), "cpu")
  withr::local_options(torchbridge.device = "cpu")
  expect_identical(default_device(), "cpu")
  withr::local_options(torchbridge.device = "cuda")
  expect_error(default_device(), class = "torchbridge_error_no_gpu")
  withr::local_options(torchbridge.device = "tpu")
  expect_error(default_device(), class = "torchbridge_error_device")
})

test_that("default_device() accepts a torch.device object", {
  skip_if_no_torch()
  expect_identical(default_device(torch_mod()$device("cpu")), "cpu")
})

test_that("an unknown device is a torchbridge_error_device", {
  skip_if_no_torch()
  for (spec in c("gpu", "CPU", "cuda:", "cuda:x", "cuda0", "")) {
    err <- rlang::catch_cnd(default_device(spec))
    expect_tb_error(err, "device")
    expect_match(conditionMessage(err), "must name a device torchbridge knows", fixed = TRUE)
  }
  expect_snapshot(default_device("gpu"), error = TRUE, cran = TRUE)
})

test_that("a device of the wrong kind is a torchbridge_error_device", {
  skip_if_no_torch()
  expect_error(default_device(1), class = "torchbridge_error_device")
  expect_error(default_device(c("cpu", "cpu")), class = "torchbridge_error_device")
  expect_error(default_device(NULL), class = "torchbridge_error_device")
  expect_error(default_device(NA_character_), class = "torchbridge_error_device")
  expect_snapshot(default_device(c("cpu", "cpu")), error = TRUE, cran = TRUE)
})

test_that("the error for device = NA says that it is NA", {
  skip_if_no_torch()
  err <- rlang::catch_cnd(default_device(NA_character_))
  expect_tb_error(err, "device")
  expect_match(conditionMessage(err), "NA", fixed = TRUE)
  expect_no_match(conditionMessage(err), "of length 1", fixed = TRUE)
})

test_that("cuda and mps are torchbridge_error_no_gpu on a CPU-only build", {
  skip_if_not_cpu_build()
  for (spec in c("cuda", "cuda:0", "cuda:1")) {
    err <- rlang::catch_cnd(default_device(spec))
    expect_tb_error(err, "no_gpu")
    expect_match(conditionMessage(err), sprintf("Can't use device \"%s\": CUDA is not available.", spec), fixed = TRUE)
    expect_match(conditionMessage(err), "This torch is a CPU-only build (torch ", fixed = TRUE)
    expect_match(conditionMessage(err), "install_torch(cuda = \"12.6\")", fixed = TRUE)
  }
  expect_snapshot(default_device("cuda"), error = TRUE, transform = scrub_build, cran = TRUE)
  expect_snapshot(default_device("cuda:0"), error = TRUE, transform = scrub_build, cran = TRUE)
})

test_that("mps is torchbridge_error_no_gpu where Apple's Metal backend is missing", {
  skip_if_no_torch()
  skip_if(reticulate::py_to_r(torch_mod()$backends$mps$is_available()), "MPS is available")
  err <- rlang::catch_cnd(default_device("mps"))
  expect_tb_error(err, "no_gpu")
  expect_snapshot(default_device("mps"), error = TRUE, transform = scrub_build, cran = TRUE)
})

# cuda_is_available(), cuda_device_count() -------------------------------------

test_that("cuda_is_available() and cuda_device_count() agree with torch", {
  skip_if_no_torch()
  torch <- torch_mod()
  n <- if (reticulate::py_to_r(torch$cuda$is_available())) reticulate::py_to_r(torch$cuda$device_count()) else 0L
  expect_identical(cuda_device_count(), as.integer(n))
  expect_identical(cuda_is_available(), n > 0L)
})

test_that("there is no CUDA device on a CPU-only build", {
  skip_if_not_cpu_build()
  expect_identical(cuda_is_available(), FALSE)
  expect_identical(cuda_device_count(), 0L)
})

# torch_devices() ------------------------------------------------------------

test_that("torch_devices() is a data frame with a cpu row first", {
  skip_if_no_torch()
  d <- torch_devices()
  expect_s3_class(d, "data.frame")
  expect_identical(names(d), c("device", "name", "total_memory", "free_memory"))
  expect_type(d$device, "character")
  expect_type(d$name, "character")
  expect_type(d$total_memory, "double")
  expect_type(d$free_memory, "double")
  expect_identical(d$device[1], "cpu")
  expect_true(nzchar(d$name[1]))
  expect_identical(nrow(d), 1L + cuda_device_count() +
    as.integer(reticulate::py_to_r(torch_mod()$backends$mps$is_available())))
  if (cuda_is_available()) {
    expect_identical(d$device[seq_len(cuda_device_count()) + 1L],
                     paste0("cuda:", seq_len(cuda_device_count()) - 1L))
  }
})

test_that("torch_devices() reports the host's memory in bytes", {
  skip_if_no_torch()
  skip_if_not(file.exists("/proc/meminfo"), "no /proc/meminfo")
  meminfo <- readLines("/proc/meminfo")
  kb <- function(field) {
    line <- grep(paste0("^", field, ":"), meminfo, value = TRUE)
    as.numeric(strsplit(trimws(sub("^[^:]+:", "", line)), " +")[[1]][1])
  }
  d <- torch_devices()
  expect_identical(d$total_memory[1], kb("MemTotal") * 1024)
  expect_gt(d$free_memory[1], 0)
  expect_lte(d$free_memory[1], d$total_memory[1])
})

test_that("torch_devices() has only the cpu row without CUDA and MPS", {
  skip_if_cuda()
  skip_if(reticulate::py_to_r(torch_mod()$backends$mps$is_available()), "MPS is available")
  d <- torch_devices()
  expect_identical(nrow(d), 1L)
  expect_identical(d$device, "cpu")
})

test_that("torch_devices(free_memory = TRUE) asks every GPU; the flag is checked", {
  skip_if_no_torch()
  d <- torch_devices(free_memory = TRUE)
  expect_identical(d$device, torch_devices()$device)
  expect_false(anyNA(d$total_memory[d$device != "mps"]))
  expect_error(torch_devices(free_memory = NA), class = "torchbridge_error_arg")
  expect_error(torch_devices(free_memory = "yes"), class = "torchbridge_error_arg")
})

test_that("torch_devices() has the class torchbridge_devices and keeps bytes", {
  skip_if_no_torch()
  d <- torch_devices()
  expect_identical(class(d), c("torchbridge_devices", "data.frame"))
  expect_identical(class(as.data.frame(d)), "data.frame")
  expect_gt(d$total_memory[1], 1e6) # bytes, not GB
})

# A data frame as torch_devices() gives it on a machine with two GPUs.
fake_devices <- function() {
  structure(
    data.frame(
      device = c("cpu", "cuda:0", "cuda:1"),
      name = c("x86_64", "NVIDIA H200", "NVIDIA H200"),
      total_memory = c(134.5e9, 150.1e9, 150.1e9), free_memory = c(100.04e9, NA, NA),
      stringsAsFactors = FALSE
    ),
    class = c("torchbridge_devices", "data.frame")
  )
}

test_that("print() of torch_devices() shows the memory in GB and returns it invisibly", {
  d <- fake_devices()
  expect_snapshot(out <- withVisible(print(d)))
  expect_identical(out, list(value = d, visible = FALSE))
  expect_snapshot({
    print(d[2:3, ])
    print(d[c("device", "total_memory")])
    print(d[c("device", "name")])
    d$total_memory <- c("a lot", "150 GB", "150 GB")
    print(d)
    d$free_memory <- NULL
    print(d)
    print(d[0, ])
  })
})

test_that("print() of torch_devices() on this machine has a cpu row in GB", {
  skip_if_no_torch()
  lines <- utils::capture.output(print(torch_devices()))
  expect_match(lines[1], "^ device name +total_memory free_memory$")
  expect_match(lines[2], "^ cpu    .+ +[0-9]+\\.[0-9] GB +([0-9]+\\.[0-9] GB|unknown)$")
  expect_identical(lines[length(lines)], "Memory in GB (10^9 bytes); the columns hold bytes.")
})

# to_device(), to_cpu(), to_gpu() ----------------------------------------------

test_that("to_device() turns R data into a tensor on the cpu", {
  skip_if_no_torch()
  m <- matrix(c(1.5, -2, 3, 4.25, 5, 6), 2)
  t <- to_device(m, "cpu")
  expect_s3_class(t, "torch.Tensor")
  expect_identical(device_type(t), "cpu")
  expect_identical(tensor_dtype(t), "float32")
  expect_identical(from_torch(t), m)

  t <- to_device(1:6, "cpu")
  expect_identical(tensor_dtype(t), "int64")
  expect_identical(from_torch(t), 1:6)

  t <- to_device(c(TRUE, FALSE), "cpu")
  expect_identical(tensor_dtype(t), "bool")
  expect_identical(from_torch(t), c(TRUE, FALSE))
})

test_that("to_device() casts with dtype", {
  skip_if_no_torch()
  x <- c(0.1, 1 / 3, 2^60)
  t <- to_device(x, "cpu", dtype = "float64")
  expect_identical(device_type(t), "cpu")
  expect_identical(tensor_dtype(t), "float64")
  expect_identical(from_torch(t), x)

  t <- to_device(matrix(1:4, 2), "cpu", dtype = "float64")
  expect_identical(tensor_dtype(t), "float64")
  expect_identical(from_torch(t), matrix(c(1, 2, 3, 4), 2))

  t <- to_device(c(1, 2), "cpu", dtype = torch_mod()$int16)
  expect_identical(tensor_dtype(t), "int16")
  expect_identical(from_torch(t), c(1L, 2L))
})

test_that("to_device() keeps the cast rules of as_torch()", {
  skip_if_no_torch()
  expect_error(to_device(3.5, "cpu", dtype = "int64"), class = "torchbridge_error_dtype")
  expect_error(to_device(300, "cpu", dtype = "uint8"), class = "torchbridge_error_overflow")
  expect_error(to_device(NA_integer_, "cpu"), class = "torchbridge_error_na")
  err <- rlang::catch_cnd(to_device(factor("a"), "cpu"))
  expect_tb_error(err, "type")
  expect_identical(rlang::call_name(err$call), "to_device")
})

test_that("to_device() moves and casts tensors", {
  skip_if_no_torch()
  t <- torch_mod()$tensor(list(1.5, 2.5), dtype = torch_mod()$float32)
  t2 <- to_device(t, "cpu", dtype = "float64")
  expect_identical(device_type(t2), "cpu")
  expect_identical(tensor_dtype(t2), "float64")
  expect_identical(from_torch(t2), c(1.5, 2.5))
  expect_identical(tensor_dtype(t), "float32") # the input is unchanged
  expect_error(to_device(t, "cpu", dtype = "int32"), class = "torchbridge_error_dtype")
  expect_identical(from_torch(to_device(t, "auto")), c(1.5, 2.5))
})

test_that("to_device() takes a torch.device and \"auto\"", {
  skip_if_no_torch()
  t <- to_device(c(1, 2), torch_mod()$device("cpu"))
  expect_identical(device_type(t), "cpu")
  expect_identical(from_torch(t), c(1, 2))
  t <- to_device(c(1, 2), "auto")
  expect_identical(device_type(t), default_device("auto"))
})

test_that("to_device() needs a device name", {
  skip_if_no_torch()
  for (bad in list(NULL, 1, c("cpu", "cpu"), TRUE)) {
    err <- rlang::catch_cnd(to_device(1, bad))
    expect_tb_error(err, "device")
    expect_identical(rlang::call_name(err$call), "to_device")
  }
  expect_error(to_device(1, "gpu"), class = "torchbridge_error_device")
})

test_that("to_device() reaches a float8 dtype torch defines", {
  skip_if_no_torch()
  t <- to_device(c(1.5, -2), "cpu", dtype = "float8_e4m3fn")
  expect_identical(tensor_dtype(t), "float8_e4m3fn")
  expect_identical(from_torch(t$float()), c(1.5, -2))
})

test_that("to_cpu() brings R data and tensors to the cpu", {
  skip_if_no_torch()
  t <- to_cpu(matrix(1:6, 2))
  expect_s3_class(t, "torch.Tensor")
  expect_identical(device_type(t), "cpu")
  expect_identical(from_torch(t), matrix(1:6, 2))
  t2 <- to_cpu(t)
  expect_identical(device_type(t2), "cpu")
  expect_identical(from_torch(t2), matrix(1:6, 2))
  expect_error(to_cpu("a"), class = "torchbridge_error_type")
})

test_that("to_gpu() without CUDA is a torchbridge_error_no_gpu that names to_gpu()", {
  skip_if_cuda()
  err <- rlang::catch_cnd(to_gpu(matrix(1:6, 2)))
  expect_tb_error(err, "no_gpu")
  expect_identical(rlang::call_name(err$call), "to_gpu")
  err <- rlang::catch_cnd(to_gpu(torch_mod()$zeros(2L)))
  expect_tb_error(err, "no_gpu")
  expect_identical(rlang::call_name(err$call), "to_gpu")
  err <- rlang::catch_cnd(to_gpu(1, dtype = "float64"))
  expect_tb_error(err, "no_gpu")
})

test_that("to_gpu() on a CPU-only build says why", {
  skip_if_not_cpu_build()
  expect_snapshot(to_gpu(matrix(1:6, 2)), error = TRUE, transform = scrub_build, cran = TRUE)
  expect_snapshot(to_gpu(torch_mod()$zeros(2L), device = "cuda:1"), error = TRUE,
                  transform = scrub_build, cran = TRUE)
})

# as_torch(device = ) ----------------------------------------------------------

test_that("as_torch() checks device", {
  skip_if_no_torch()
  for (bad in list(1, c("cpu", "cpu"), TRUE, list("cpu"))) {
    err <- rlang::catch_cnd(as_torch(1, device = bad))
    expect_tb_error(err, "device")
    expect_identical(rlang::call_name(err$call), "as_torch")
  }
  expect_snapshot(as_torch(1, device = 1), error = TRUE, cran = TRUE)
  expect_snapshot(as_torch(1, device = c("cpu", "cpu")), error = TRUE, cran = TRUE)
})

test_that("as_torch() uses the option torchbridge.device for R data only", {
  skip_if_cuda()
  t <- as_torch(c(1, 2))
  withr::local_options(torchbridge.device = "cuda")
  err <- rlang::catch_cnd(as_torch(c(1, 2)))
  expect_tb_error(err, "no_gpu")
  expect_identical(rlang::call_name(err$call), "as_torch")
  # A tensor is returned as it is: the option does not apply to tensors.
  expect_identical(as_torch(t), t)
  withr::local_options(torchbridge.device = "cpu")
  expect_identical(device_type(as_torch(c(1, 2))), "cpu")
  expect_identical(device_type(as_torch(c(1, 2), device = "auto")), "cpu")
})

# On a GPU -------------------------------------------------------------------

test_that("to_gpu() puts R data on the GPU with the right values", {
  skip_if_no_cuda()
  m <- matrix(c(1.5, -2, 3, 4.25, 5, 6), 2)
  t <- to_gpu(m)
  expect_identical(device_type(t), "cuda")
  expect_identical(tensor_dtype(t), "float32")
  expect_identical(from_torch(t), m)
  expect_identical(from_torch(t$cpu()), m)
  t64 <- to_gpu(m, dtype = "float64")
  expect_identical(tensor_dtype(t64), "float64")
  expect_identical(from_torch(t64), m)
  ti <- to_gpu(matrix(1:6, 2))
  expect_identical(device_type(ti), "cuda")
  expect_identical(from_torch(ti), matrix(1:6, 2))
  expect_identical(device_type(to_device(m, "cuda:0")), "cuda")
  expect_identical(default_device("auto"), "cuda")
  expect_identical(default_device("cuda:0"), "cuda:0")
})

test_that("from_torch() of CUDA tensors gives R's values", {
  skip_if_no_cuda()
  m <- matrix(as.double(1:12) / 4, 3)
  t <- to_gpu(m, dtype = "float64")
  expect_identical(from_torch(t$t()), t(m))
  t32 <- to_gpu(m, dtype = "float32")
  expect_identical(tensor_dtype(t32), "float32")
  expect_identical(from_torch(t32), m)
  expect_identical(from_torch(t32$t()), t(m))
  expect_identical(from_torch(to_gpu(c(TRUE, FALSE))), c(TRUE, FALSE))
  back <- to_cpu(t)
  expect_identical(device_type(back), "cpu")
  expect_identical(from_torch(back), m)
})

test_that("a CUDA device that does not exist is a torchbridge_error_no_gpu", {
  skip_if_no_cuda()
  spec <- paste0("cuda:", cuda_device_count())
  err <- rlang::catch_cnd(default_device(spec))
  expect_tb_error(err, "no_gpu")
  expect_match(conditionMessage(err), "there is no such CUDA device", fixed = TRUE)
  d <- torch_devices()
  expect_identical(d$device[2], "cuda:0")
  expect_gt(d$total_memory[2], 0)
})

test_that("device names torch accepts work; to_device() needs a device", {
  skip_if_no_torch()
  expect_identical(tensor_device(as_torch(1, device = "cpu:0")), "cpu")
  t <- as_torch(c(1, 2))
  expect_identical(tensor_device(as_torch(1, device = t$device)), "cpu")
  expect_identical(tensor_device(to_device(c(1, 2), t$device)), "cpu")
  expect_identical(default_device("cpu:0"), "cpu")
  expect_error(as_torch(1, device = "mps:0"), class = if (default_device("auto") == "mps") NA else "torchbridge_error_no_gpu")
  expect_error(as_torch(1, device = "meta"), class = "torchbridge_error_device")
  expect_error(to_device(c(1, 2)), class = "torchbridge_error_arg")
  expect_snapshot(to_device(c(1, 2)), error = TRUE)
})

# cuda_memory_stats(), cuda_empty_cache(), cuda_synchronize() ------------------

test_that("without CUDA, cuda_empty_cache() and cuda_synchronize() do nothing and return FALSE invisibly", {
  skip_if_cuda()
  expect_invisible(cuda_empty_cache())
  expect_false(cuda_empty_cache())
  expect_invisible(cuda_synchronize())
  expect_false(cuda_synchronize())
  expect_false(cuda_synchronize("cuda:1"))
  expect_false(cuda_synchronize("cpu"))
  expect_false(cuda_synchronize(default_device("auto")))
})

test_that("cuda_synchronize() still checks its device", {
  skip_if_no_torch()
  expect_tb_error(rlang::catch_cnd(cuda_synchronize("gpu")), "device")
  expect_tb_error(rlang::catch_cnd(cuda_synchronize(1)), "device")
  expect_identical(rlang::call_name(rlang::catch_cnd(cuda_synchronize("gpu"))$call), "cuda_synchronize")
})

test_that("without CUDA, cuda_memory_stats() is a torchbridge_error_no_gpu that says why", {
  skip_if_cuda()
  err <- rlang::catch_cnd(cuda_memory_stats())
  expect_tb_error(err, "no_gpu")
  expect_identical(rlang::call_name(err$call), "cuda_memory_stats")
  expect_match(conditionMessage(err), "Can't use device \"cuda\": CUDA is not available.", fixed = TRUE)
  expect_tb_error(rlang::catch_cnd(cuda_memory_stats(NA)), "device")
})

test_that("cuda_memory_stats() needs a CUDA device", {
  skip_if_no_torch()
  err <- rlang::catch_cnd(cuda_memory_stats("cpu"))
  expect_tb_error(err, "device")
  expect_match(conditionMessage(err), "must be a CUDA device", fixed = TRUE)
})

test_that("cuda_memory_stats() reports a CUDA device's memory in bytes", {
  skip_if_no_cuda()
  t <- as_torch(matrix(runif(1e5), 100), device = "cuda")
  s <- cuda_memory_stats()
  expect_identical(names(s), c("device", "allocated", "reserved", "peak", "free", "total"))
  expect_identical(nrow(s), 1L)
  expect_gte(s$allocated, 4e5)
  expect_gte(s$reserved, s$allocated)
  expect_gte(s$peak, s$allocated)
  expect_gt(s$total, s$free)
  expect_identical(cuda_synchronize(), TRUE)
  rm(t)
  gc()
  expect_identical(cuda_empty_cache(), TRUE)
  expect_lt(cuda_memory_stats()$allocated, s$allocated)
})

# The GPU benchmark ---------------------------------------------------------

test_that("bench/devices.R's CUDA rows run, on the device model where CUDA is absent", {
  skip_if_no_torch()
  skip_if_cuda()
  root <- normalizePath(test_path("..", ".."))
  skip_if_not(file.exists(file.path(root, "bench", "devices.R")), "not in the source tree")
  skip_if_not_installed("bench")
  out <- withr::local_tempdir("tb-bench-")
  log <- withr::with_dir(root, suppressWarnings(system2(
    file.path(R.home("bin"), "Rscript"), "bench/devices.R", stdout = TRUE, stderr = TRUE,
    env = c("BENCH_MODEL_CUDA=1", "BENCH_N=20000", "BENCH_REPS=1", paste0("BENCH_OUT=", out))
  )))
  expect_null(attr(log, "status"))
  md <- readLines(file.path(out, "DEVICES.md"))
  timed <- md[seq(grep("run on the model", md, fixed = TRUE), length(md))]
  rows <- grep("^\\| (as_torch|from_torch)\\(", timed, value = TRUE)
  cells <- lapply(strsplit(rows, " | ", fixed = TRUE), function(r) trimws(gsub("^\\| | \\|$", "", r)))
  expect_equal(vapply(cells, `[[`, "", 2), c("h2d", "h2d", "h2d", "d2h", "d2h"))
  expect_equal(as.numeric(vapply(cells, `[[`, "", 3)), c(160000, 160000, 80000, 160000, 160000))
  # the float64 vector is held on the device once; a float64 tensor comes back without staging
  expect_equal(as.numeric(vapply(cells, `[[`, "", 12))[c(1, 4)], c(160000, 0))
  expect_true(all(as.numeric(unlist(lapply(cells, `[`, 4:11))) > 0))
})
