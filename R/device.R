#' Move data to a device
#'
#' `to_device()` turns R data or a tensor into a tensor on `device`, with
#' an optional cast. `to_gpu()` is `to_device()` with `device = "cuda"`;
#' `to_cpu()` brings a tensor back to main memory (use [from_torch()] to get
#' an R object).
#'
#' R data goes to a GPU in R's own type and layout in one transfer; the cast
#' and the change to row-major layout then run on the device. Data larger
#' than 256 MiB (2^28 bytes) crosses in pieces of that size, each cast on the device
#' straight into its place, so the GPU needs room for the result and one
#' piece, not for R's copy too (doubles are 8 bytes, float32 4). The same
#' holds for [from_torch()] of a tensor on a GPU: it is laid out for R on the
#' device one piece at a time, each piece copied straight into the R vector.
#' A call that runs out of GPU memory is tried once more after freeing
#' memory (see [cuda_memory_stats()]).
#'
#' @inheritParams as_torch
#' @param device A device name: `"cpu"`, `"cuda"`, `"cuda:N"`, `"mps"` or
#'   `"auto"` (the first of cuda, mps and cpu that is available); any other
#'   name torch accepts for these devices (`"cpu:0"`, `"mps:0"`), or a
#'   `torch.device` such as `t$device`. Required for `to_device()`.
#' @return A `torch.Tensor` on `device`.
#' @family devices
#' @export
#' @examplesIf torchbridge::torch_available()
#' t <- to_device(volcano, default_device("auto"))
#' to_cpu(t)
to_device <- function(x, device, dtype = NULL) {
  if (missing(device)) {
    tb_abort(c(
      "{.arg device} must be given.",
      i = "Use a device name such as {.val cuda}, {.val mps}, {.val cpu} or {.val auto}, or {.fn to_gpu} / {.fn to_cpu}."
    ), "arg", call = rlang::current_env())
  }
  move_to(x, device, dtype, rlang::current_env())
}

#' @rdname to_device
#' @export
to_gpu <- function(x, device = "cuda", dtype = NULL) {
  move_to(x, device, dtype, rlang::current_env())
}

#' @rdname to_device
#' @export
to_cpu <- function(x) {
  move_to(x, "cpu", NULL, rlang::current_env())
}

move_to <- function(x, device, dtype, call) {
  check_device_arg(device, call, null_ok = FALSE)
  check_dtype_arg(dtype, call)
  if (is_tensor(x)) {
    return(tb_call("cast_tensor", x, dtype, device, NULL, .call = call))
  }
  # as_torch(), with its errors attributed to the caller.
  rlang::try_fetch(
    as_torch(x, dtype = dtype, device = device),
    torchbridge_error = function(e) {
      e$call <- call
      rlang::cnd_signal(e)
    }
  )
}

#' Devices torch can use
#'
#' `default_device()` resolves a device spec to a concrete device name:
#' `default_device("auto")` gives `"cuda"`, `"mps"` or `"cpu"`, whichever
#' comes first and is available, and `default_device()` the device that
#' [as_torch()] uses when `device = NULL` (the option `torchbridge.device`,
#' `"cpu"` unless set). A device that is not available is an error of class
#' `torchbridge_error_no_gpu` that says why.
#'
#' `cuda_is_available()` and `cuda_device_count()` ask torch about CUDA.
#' `torch_devices()` lists the devices: always a `cpu` row (main memory),
#' then one row per CUDA device (ROCm GPUs included), then `mps` where
#' available. Memory is in bytes; `NA` where torch can't tell. A GPU's free
#' memory is only asked for where torch uses that GPU already, or with
#' `free_memory = TRUE`: asking creates a CUDA context there, which holds
#' hundreds of MB of the GPU's memory until R exits. The data frame has the class
#' `torchbridge_devices`, which only changes how it prints: `print()`
#' shows the memory in GB (10^9 bytes) with one decimal, `unknown` for
#' `NA`, and in an R Markdown document it shows as a table (see
#' [knit_print.torch.Tensor]). The columns themselves hold bytes, for
#' computing with; `as.data.frame()` drops the class.
#'
#' @param x The result of `torch_devices()`.
#' @param free_memory Whether to ask every GPU for its free memory, creating
#'   a CUDA context on the GPUs that have none yet.
#' @param ... Not used.
#' @param device A device spec: `"cpu"`, `"cuda"`, `"cuda:N"`, `"mps"` or
#'   `"auto"`.
#' @return `default_device()`: a string. `cuda_is_available()`: `TRUE` or
#'   `FALSE`. `cuda_device_count()`: an integer. `torch_devices()`: a data
#'   frame of class `torchbridge_devices` with columns `device`, `name`,
#'   `total_memory` and `free_memory` (doubles, bytes). `print()`: `x`,
#'   invisibly.
#' @family devices
#' @export
#' @examplesIf torchbridge::torch_available()
#' default_device("auto")
#' torch_devices()
default_device <- function(device = getOption("torchbridge.device", "cpu")) {
  call <- rlang::current_env()
  check_device_arg(device, call, null_ok = FALSE)
  tb_value("default_device", device, .call = call)
}

#' @rdname default_device
#' @export
cuda_is_available <- function() {
  call <- rlang::current_env()
  tb_value("cuda_count", .call = call) > 0L
}

#' @rdname default_device
#' @export
cuda_device_count <- function() {
  call <- rlang::current_env()
  as.integer(tb_value("cuda_count", .call = call))
}

#' @rdname default_device
#' @export
torch_devices <- function(free_memory = FALSE) {
  call <- rlang::current_env()
  check_flag(free_memory, call = call)
  cols <- tb_value("devices", free_memory = free_memory, .call = call)
  d <- data.frame(
    device = as.character(unlist(cols$device)),
    name = as.character(unlist(cols$name)),
    total_memory = nan_to_na(unlist(cols$total_memory)),
    free_memory = nan_to_na(unlist(cols$free_memory)),
    stringsAsFactors = FALSE
  )
  class(d) <- c("torchbridge_devices", "data.frame")
  d
}

#' @rdname default_device
#' @export
print.torchbridge_devices <- function(x, ...) {
  shown <- devices_display(x)
  memory <- names(shown) %in% c("total_memory", "free_memory")
  in_bytes <- any(vapply(names(shown)[memory], function(col) is.numeric(x[[col]]), TRUE))
  # right-aligned under their headings; the other columns left-aligned
  shown[memory] <- lapply(names(shown)[memory], function(col) {
    formatC(shown[[col]], width = max(nchar(c(shown[[col]], col))))
  })
  print.data.frame(shown, row.names = FALSE, right = FALSE)
  if (in_bytes) cat("Memory in GB (10^9 bytes); the columns hold bytes.\n")
  invisible(x)
}

# The devices as a data frame of text, memory in GB, for print() and
# knit_print(). Takes any data frame with torch_devices()'s columns (or
# some of them); memory columns that are not numbers are shown as they are.
devices_display <- function(d) {
  shown <- as.data.frame(d, stringsAsFactors = FALSE)
  class(shown) <- "data.frame"
  rownames(shown) <- NULL
  for (col in intersect(c("total_memory", "free_memory"), names(shown))) {
    v <- shown[[col]]
    shown[[col]] <- if (is.numeric(v)) memory_gb(v) else as.character(v)
  }
  shown[] <- lapply(shown, as.character)
  shown
}

memory_gb <- function(bytes) ifelse(is.na(bytes), "unknown", sprintf("%.1f GB", bytes / 1e9))

nan_to_na <- function(x) {
  x <- as.double(x)
  x[is.nan(x)] <- NA_real_
  x
}

#' CUDA memory, cache and queue
#'
#' `cuda_memory_stats()` reports the memory of one CUDA device in bytes:
#' `allocated` (held by tensors), `reserved` (held by torch's caching
#' allocator, which keeps freed blocks for reuse; the driver counts them as
#' used), `peak` (the most allocated since torch started or since
#' `torch$cuda$reset_peak_memory_stats()`), and the `free` and `total`
#' memory of the device as the driver reports them (for every process on
#' it). Asking for free memory creates a CUDA context on a GPU that has none
#' yet. Without CUDA it is an error of class `torchbridge_error_no_gpu`, and
#' a device that is not a CUDA device is a `torchbridge_error_device`.
#'
#' `cuda_empty_cache()` hands the blocks torch's allocator keeps but no tensor
#' uses back to the GPUs, for other processes. `cuda_synchronize()` waits
#' until the device has finished the work queued on it: GPU work is
#' asynchronous, so time a step between two calls. Both do nothing and
#' return `FALSE` invisibly where CUDA is absent (`cuda_synchronize()` also
#' for a `device` that is not a CUDA device, such as `"cpu"`), so code that
#' uses them runs on any machine; otherwise they return `TRUE` invisibly.
#'
#' @section R's garbage collector and GPU memory:
#' A tensor's memory is freed when its last reference goes, and R drops its
#' references only when its garbage collector runs: after `rm(x)` the memory
#' stays in use until R collects, which R does when R needs memory, not when
#' the GPU does. Run [gc()] and then `cuda_empty_cache()` to free it at once.
#' torchbridge does so by itself once: when one of its functions fails
#' because a CUDA GPU is out of memory, it runs `gc()`, empties torch's cache
#' and tries the call once more (see [torchbridge_error]).
#'
#' @param device A CUDA device: `"cuda"` (the current one) or `"cuda:N"`;
#'   `cuda_synchronize()` takes any device spec (see [default_device()]).
#' @return `cuda_memory_stats()`: a one-row data frame with columns `device`
#'   and `allocated`, `reserved`, `peak`, `free`, `total` (doubles, bytes).
#'   `cuda_empty_cache()`, `cuda_synchronize()`: `TRUE` or `FALSE`,
#'   invisibly.
#' @family devices
#' @export
#' @examplesIf torchbridge::torch_available() && torchbridge::cuda_is_available()
#' t <- as_torch(matrix(runif(1e6), 1000), device = "cuda")
#' cuda_memory_stats()
#' rm(t)
#' gc()
#' cuda_empty_cache()
#' cuda_memory_stats()[c("allocated", "reserved")]
cuda_memory_stats <- function(device = "cuda") {
  call <- rlang::current_env()
  check_device_arg(device, call, null_ok = FALSE)
  s <- tb_value("cuda_memory_stats", device, .call = call)
  data.frame(
    device = as.character(s$device),
    allocated = as.double(s$allocated),
    reserved = as.double(s$reserved),
    peak = as.double(s$peak),
    free = as.double(s$free),
    total = as.double(s$total),
    stringsAsFactors = FALSE
  )
}

#' @rdname cuda_memory_stats
#' @export
cuda_empty_cache <- function() {
  call <- rlang::current_env()
  invisible(isTRUE(tb_value("cuda_empty_cache", .call = call)))
}

#' @rdname cuda_memory_stats
#' @export
cuda_synchronize <- function(device = "cuda") {
  call <- rlang::current_env()
  check_device_arg(device, call, null_ok = FALSE)
  invisible(isTRUE(tb_value("cuda_synchronize", device, .call = call)))
}
