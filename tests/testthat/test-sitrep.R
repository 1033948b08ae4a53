# torchbridge_sitrep(): what it prints and what it returns.

# The lines cli prints for `expr`, unwrapped and in ASCII.
cli_lines <- function(expr) {
  withr::local_options(cli.width = 1000, cli.unicode = FALSE, cli.num_colors = 1L)
  cli::cli_fmt(expr)
}

sitrep_names <- c(
  "r", "reticulate", "compiled_helpers", "python", "python_version", "torch", "build",
  "numpy", "threads", "devices", "python_reason"
)

reasons <- c(
  "TORCHBRIDGE_PYTHON", "RETICULATE_PYTHON", "the virtualenv r-torchbridge",
  "reticulate's default", "Python was already started in this R session"
)

# The facts, asked of Python directly.
python_facts <- function() {
  sys <- reticulate::import("sys", convert = FALSE)
  torch <- torch_mod()
  numpy <- tryCatch(
    reticulate::py_to_r(reticulate::import("importlib.metadata", convert = FALSE)$version("numpy")),
    error = function(e) NA_character_
  )
  cuda <- reticulate::py_to_r(torch$version$cuda)
  list(
    executable = reticulate::py_to_r(sys$executable),
    version = strsplit(reticulate::py_to_r(sys$version), " ", fixed = TRUE)[[1]][1],
    torch = reticulate::py_str(torch$`__version__`),
    build = if (is.null(cuda)) "cpu" else paste("cuda", cuda),
    numpy = numpy,
    threads = reticulate::py_to_r(torch$get_num_threads())
  )
}

# print_sitrep() alone ----------------------------------------------------------

full_sitrep <- function() {
  list(
    r = "R version 4.9.9 (2099-01-01)",
    reticulate = "1.99",
    compiled_helpers = TRUE,
    python = "/opt/venv/bin/python",
    python_version = "3.12.1",
    torch = "2.13.0+cpu",
    build = "cpu",
    numpy = NA_character_,
    threads = 1L,
    devices = data.frame(
      device = c("cpu", "cuda:0"), name = c("x86_64", "Fake {GPU}"),
      total_memory = c(16e9, 80e9), free_memory = c(NA, 79.5e9),
      stringsAsFactors = FALSE
    ),
    python_reason = "TORCHBRIDGE_PYTHON"
  )
}

test_that("print_sitrep() prints every fact and returns its input invisibly", {
  s <- full_sitrep()
  lines <- cli_lines(out <- withVisible(torchbridge:::print_sitrep(s)))
  expect_identical(out, list(value = s, visible = FALSE))
  expect_identical(lines[lines != ""], c(
    "-- torchbridge --",
    "* R: R version 4.9.9 (2099-01-01)",
    "* reticulate: 1.99",
    "* Python: '/opt/venv/bin/python' (chosen by: TORCHBRIDGE_PYTHON)",
    "* compiled helpers: loaded",
    "* Python version: 3.12.1",
    "* torch: 2.13.0+cpu (cpu build, 1 CPU thread)",
    "* NumPy: not installed (not needed)",
    "* device cpu: x86_64, 16.0 GB total, ? free",
    "* device cuda:0: Fake {GPU}, 80.0 GB total, 79.5 GB free"
  ))
})

test_that("print_sitrep() says when torch is not available", {
  s <- list(
    r = "R version 4.9.9 (2099-01-01)", reticulate = "1.99", compiled_helpers = FALSE,
    error = "Can't find the Python module torch.", python = "/opt/venv/bin/python",
    python_reason = "the virtualenv r-torchbridge"
  )
  lines <- cli_lines(out <- withVisible(torchbridge:::print_sitrep(s)))
  expect_identical(out, list(value = s, visible = FALSE))
  expect_identical(lines[lines != ""], c(
    "-- torchbridge --",
    "* R: R version 4.9.9 (2099-01-01)",
    "* reticulate: 1.99",
    "* Python: '/opt/venv/bin/python' (chosen by: the virtualenv r-torchbridge)",
    "* compiled helpers: missing",
    "x torch: not available",
    "i Can't find the Python module torch."
  ))
})

test_that("print_sitrep() shows braces in an error message as they are", {
  s <- list(r = "R", reticulate = "1.99", compiled_helpers = TRUE, error = "Can't use {x}.",
            python = "/opt/venv/bin/python", python_reason = "TORCHBRIDGE_PYTHON")
  lines <- cli_lines(torchbridge:::print_sitrep(s))
  expect_identical(lines[length(lines)], "i Can't use {x}.")
})

test_that("print_sitrep() says \"not found\" when there is no Python", {
  # As torchbridge_sitrep() builds it: `out$python <- NULL` leaves no element.
  s <- list(r = "R", reticulate = "1.99", compiled_helpers = TRUE)
  s$error <- "No Python."
  s$python <- NULL
  s$python_reason <- "TORCHBRIDGE_PYTHON"
  lines <- cli_lines(torchbridge:::print_sitrep(s))
  expect_identical(lines[lines != ""][4], "* Python: not found (chosen by: TORCHBRIDGE_PYTHON)")
})

# torchbridge_sitrep() ------------------------------------------------------------

test_that("torchbridge_sitrep() prints and returns the facts invisibly", {
  skip_if_no_torch()
  lines <- cli_lines(out <- withVisible(torchbridge_sitrep()))
  expect_false(out$visible)
  s <- out$value
  expect_type(s, "list")
  expect_identical(names(s), sitrep_names)
  expect_identical(s$r, R.version$version.string)
  expect_identical(s$reticulate, as.character(utils::packageVersion("reticulate")))
  expect_identical(s$compiled_helpers, TRUE)
  expect_true(s$python_reason %in% reasons)
  expect_s3_class(s$devices, "data.frame")
  expect_identical(names(s$devices), c("device", "name", "total_memory", "free_memory"))
  expect_identical(s$devices[c("device", "name", "total_memory")], torch_devices()[c("device", "name", "total_memory")])

  facts <- python_facts()
  expect_identical(s$python, facts$executable)
  expect_identical(s$python_version, facts$version)
  expect_identical(s$build, facts$build)
  expect_identical(s$numpy, facts$numpy)
  expect_identical(s$threads, facts$threads)

  # What is printed is what is returned.
  expect_identical(lines, cli_lines(torchbridge:::print_sitrep(s)))
  expect_true(sprintf("* Python: '%s' (chosen by: %s)", s$python, s$python_reason) %in% lines)
  expect_true(sprintf("* R: %s", R.version$version.string) %in% lines)
  expect_true("* compiled helpers: loaded" %in% lines)
  scrubbed <- lines
  scrubbed <- sub("R: R version .*", "R: <R version>", scrubbed)
  scrubbed <- sub("reticulate: .*", "reticulate: <version>", scrubbed)
  scrubbed <- sub("Python: '.*' \\(chosen by: .*\\)", "Python: <path> (chosen by: <reason>)", scrubbed)
  scrubbed <- sub("Python version: .*", "Python version: <version>", scrubbed)
  scrubbed <- sub("torch: .* \\((cpu|cuda [0-9.]+) build, [0-9]+ CPU threads?\\)", "torch: <version> (<build> build, <n> CPU threads)", scrubbed)
  scrubbed <- sub("NumPy: .*", "NumPy: <version>", scrubbed)
  scrubbed <- sub("device ([a-z0-9:]+): .*, .* total, .* free", "device \\1: <name>, <total> total, <free> free", scrubbed)
  expect_snapshot(writeLines(scrubbed[scrubbed != "" & !grepl("^\\* device cuda", scrubbed)]), cran = TRUE)
})

test_that("torchbridge_sitrep() returns a torchbridge_sitrep list that prints the report", {
  skip_if_no_torch()
  lines <- cli_lines(s <- torchbridge_sitrep())
  expect_s3_class(s, "torchbridge_sitrep")
  expect_s3_class(s$devices, "torchbridge_devices")
  expect_identical(cli_lines(out <- withVisible(print(s))), lines)
  expect_identical(out, list(value = s, visible = FALSE))
})

test_that("print() of a torchbridge_sitrep prints what print_sitrep() prints", {
  s <- structure(full_sitrep(), class = "torchbridge_sitrep")
  expect_identical(cli_lines(print(s)), cli_lines(torchbridge:::print_sitrep(full_sitrep())))
})

test_that("torchbridge_sitrep() while knitting prints nothing and returns its result visibly", {
  skip_if_no_torch()
  withr::local_options(knitr.in.progress = TRUE)
  lines <- cli_lines(out <- withVisible(torchbridge_sitrep()))
  expect_identical(lines, character())
  expect_true(out$visible)
  expect_s3_class(out$value, "torchbridge_sitrep")
  expect_identical(names(out$value), sitrep_names)
  withr::local_options(knitr.in.progress = FALSE)
  expect_false(withVisible(suppressMessages(torchbridge_sitrep()))$visible)
})

test_that("torchbridge_sitrep() gives the torch version as a string", {
  skip_if_no_torch()
  s <- suppressMessages(torchbridge_sitrep())
  expect_type(s$torch, "character")
  expect_identical(s$torch, python_facts()$torch)
  expect_match(s$torch, "^[0-9]+\\.[0-9]+")
})

test_that("torchbridge_sitrep() reports a CPU-only build as \"cpu\"", {
  skip_if_no_torch()
  skip_if(!is.null(reticulate::py_to_r(torch_mod()$version$cuda)), "torch is a CUDA build")
  s <- suppressMessages(torchbridge_sitrep())
  expect_identical(s$build, "cpu")
  expect_identical(s$devices$device, "cpu")
})

test_that("torchbridge_sitrep() in a fresh R process says which Python and why", {
  skip_if_not_installed("callr")
  skip_if_not(reticulate::virtualenv_exists("r-torchbridge"), "no virtualenv r-torchbridge")
  python <- reticulate::virtualenv_python("r-torchbridge")
  out <- callr::r(function(python) {
    Sys.setenv(TORCHBRIDGE_PYTHON = python)
    Sys.unsetenv("RETICULATE_PYTHON")
    s <- suppressMessages(torchbridge::torchbridge_sitrep())
    list(reason = s$python_reason, prefix = reticulate::py_to_r(reticulate::import("sys", convert = FALSE)$prefix))
  }, args = list(python = python), libpath = .libPaths())
  expect_identical(out$reason, "TORCHBRIDGE_PYTHON")
  expect_identical(normalizePath(out$prefix), normalizePath(dirname(dirname(python))))
})

test_that("torchbridge_sitrep() without torch reports the error instead of failing", {
  skip_if_not_installed("callr")
  python3 <- Sys.which("python3")
  skip_if(!nzchar(python3), "no python3 to make a virtualenv with")
  dir <- withr::local_tempdir("tb-notorch-")
  status <- suppressWarnings(system2(python3, c("-m", "venv", "--without-pip", shQuote(dir)),
                                     stdout = FALSE, stderr = FALSE))
  python <- file.path(dir, "bin", "python")
  skip_if(!identical(status, 0L) || !file.exists(python), "python3 -m venv failed")
  out <- callr::r(function(python) {
    Sys.setenv(TORCHBRIDGE_PYTHON = python)
    Sys.unsetenv("RETICULATE_PYTHON")
    options(cli.width = 1000, cli.unicode = FALSE, cli.num_colors = 1L)
    lines <- cli::cli_fmt(s <- torchbridge::torchbridge_sitrep())
    list(s = s, lines = lines)
  }, args = list(python = python), libpath = .libPaths())
  s <- out$s
  expect_identical(names(s), c("r", "reticulate", "compiled_helpers", "error", "python", "python_reason"))
  expect_identical(s$python_reason, "TORCHBRIDGE_PYTHON")
  expect_identical(s$python, python)
  expect_identical(s$compiled_helpers, TRUE)
  expect_match(s$error, "install_torch()", fixed = TRUE)
  expect_true("x torch: not available" %in% out$lines)
})

test_that("torchbridge_sitrep() does not start another Python when the chosen one fails", {
  skip_if_not_installed("callr")
  out <- callr::r(function() {
    Sys.setenv(TORCHBRIDGE_PYTHON = "/nonexistent/python")
    Sys.unsetenv("RETICULATE_PYTHON")
    s <- suppressMessages(torchbridge::torchbridge_sitrep())
    list(started = reticulate::py_available(), python = s[["python"]], error = s$error)
  }, libpath = .libPaths())
  expect_false(out$started)
  expect_true(is.null(out$python) || identical(out$python, "/nonexistent/python"))
  expect_match(out$error, "TORCHBRIDGE_PYTHON", fixed = TRUE)
})
