# Creates (or checks) the r-torchbridge virtualenv through the package's own
# install_torch(), with torch pinned, and adds what the Python tests use.
# Everything pip and reticulate print goes where this script's output goes
# (for make: .stamp-python.log); the lines meant for a person start with
# "setup: ", and the Makefile shows only those. The virtualenv's python path
# is written to the file named by the first argument (and printed last).
# TORCHBRIDGE_TORCH_VERSION and TORCHBRIDGE_TORCH_CUDA ("auto", "cpu",
# "12.6"...) choose the torch.
args <- commandArgs(trailingOnly = TRUE)
torch_version <- Sys.getenv("TORCHBRIDGE_TORCH_VERSION", "2.13.0")
cuda <- Sys.getenv("TORCHBRIDGE_TORCH_CUDA", "auto")

say <- function(text) {
  lines <- strsplit(sub("\n+$", "", text), "\n", fixed = TRUE)[[1]]
  cat(paste0("setup: ", lines), sep = "\n")
  flush(stdout())
}

# torchbridge's own messages (cli's) are for a person; reticulate's go to
# the log only.
for_a_person <- function(expr) {
  withCallingHandlers(expr, rlang_message = function(m) {
    say(conditionMessage(m))
    invokeRestart("muffleMessage")
  })
}

python <- tryCatch(
  {
    for_a_person(torchbridge::install_torch(version = torch_version, cuda = cuda))
    python <- reticulate::virtualenv_python("r-torchbridge")
    has <- function(module) {
      system2(python, c("-c", shQuote(paste("import", module))), stdout = FALSE, stderr = FALSE) == 0
    }
    if (!has("pytest") || !has("hypothesis")) {
      say("Installing pytest and hypothesis for the Python tests.")
      reticulate::virtualenv_install("r-torchbridge", c("pytest", "hypothesis"), ignore_installed = FALSE)
    }
    python
  },
  error = function(e) {
    # The error and its causes, without rlang's header and backtrace.
    text <- if (inherits(e, "rlang_error")) format(e, backtrace = FALSE) else paste("Error:", conditionMessage(e))
    lines <- unlist(strsplit(text, "\n", fixed = TRUE))
    say(paste(grep("^<error/", lines, value = TRUE, invert = TRUE), collapse = "\n"))
    quit(status = 1)
  }
)
if (length(args)) writeLines(python, args[[1]])
cat(python, "\n", sep = "")
