# install_torch() and its helpers. Nothing here runs pip or downloads: the
# virtualenvs are either the existing r-torchbridge or fakes made of the
# files reticulate and torchbridge look at, reticulate's installers are
# replaced by spies that record their arguments and stop, and nvidia-smi by
# small scripts (or by nothing: no NVIDIA driver).

numpy1 <- function() utils::packageVersion("reticulate") < "1.38"

# A directory that reticulate takes for a virtualenv, with dist-info folders
# for the given torch, NumPy and safetensors versions (NULL: not installed).
local_fake_venv <- function(torch = "2.13.0+cpu", numpy = "1.26.4", safetensors = "0.8.0",
                            env = parent.frame()) {
  dir <- withr::local_tempdir("tb-venv-", .local_envir = env)
  dir.create(file.path(dir, "bin"))
  file.create(file.path(dir, "pyvenv.cfg"), file.path(dir, "bin", "python"))
  site <- file.path(dir, "lib", "python3.11", "site-packages")
  dir.create(site, recursive = TRUE)
  if (!is.null(torch)) dir.create(file.path(site, paste0("torch-", torch, ".dist-info")))
  if (!is.null(numpy)) dir.create(file.path(site, paste0("numpy-", numpy, ".dist-info")))
  if (!is.null(safetensors)) dir.create(file.path(site, paste0("safetensors-", safetensors, ".dist-info")))
  normalizePath(dir)
}

# Replaces reticulate::virtualenv_install() and virtualenv_create() for the
# calling test: each records its arguments, then signals an error of class
# tb_test_installer so that nothing is installed.
local_installer_spy <- function(env = parent.frame()) {
  calls <- new.env(parent = emptyenv())
  calls$install <- list()
  calls$create <- list()
  ns <- asNamespace("reticulate")
  suppressMessages(trace("virtualenv_install", where = ns, print = FALSE, tracer = bquote({
    assign("install", c(get("install", envir = .(calls)), list(list(
      envname = envname, packages = packages, ignore_installed = ignore_installed,
      pip_options = pip_options
    ))), envir = .(calls))
    rlang::abort("virtualenv_install() was called.", class = "tb_test_installer")
  })))
  suppressMessages(trace("virtualenv_create", where = ns, print = FALSE, tracer = bquote({
    assign("create", c(get("create", envir = .(calls)), list(list(envname = envname, python = python))),
           envir = .(calls))
    rlang::abort("virtualenv_create() was called.", class = "tb_test_installer")
  })))
  withr::defer({
    suppressMessages(untrace("virtualenv_install", where = ns))
    suppressMessages(untrace("virtualenv_create", where = ns))
  }, envir = env)
  calls
}

# The error install_torch() raises when a spy stopped reticulate's
# installer: torchbridge_error_python, with the spy's error as parent.
expect_spy_stop <- function(expr) {
  err <- expect_error(expr, class = "torchbridge_error_python")
  expect_s3_class(err$parent, "tb_test_installer")
  expect_identical(rlang::call_name(err$call), "install_torch")
  invisible(err)
}

# A program that stands in for nvidia-smi: prints `lines`, exits `status`.
# "" for none (no NVIDIA driver).
fake_nvidia_smi <- function(lines = character(), status = 0L, env = parent.frame()) {
  dir <- withr::local_tempdir("tb-smi-", .local_envir = env)
  path <- file.path(dir, "nvidia-smi")
  writeLines(c("#!/bin/sh", if (length(lines)) paste0("cat <<'END'\n", paste(lines, collapse = "\n"), "\nEND"),
               paste("exit", status)), path)
  Sys.chmod(path, "0755")
  path
}

# nvidia-smi's header for a driver that supports `cuda`.
smi_header <- function(cuda) {
  c("+-----------------------------------------------------------------------------------------+",
    paste0("| NVIDIA-SMI 570.86.15              Driver Version: 570.86.15      CUDA Version: ", cuda, "     |"),
    "|-----------------------------------------+------------------------+----------------------+")
}

# install_torch() in the calling test sees nvidia-smi `smi` ("" for none).
local_nvidia_smi <- function(smi = "", env = parent.frame()) {
  withr::local_options(torchbridge.nvidia_smi = smi, .local_envir = env)
}

# Arguments ------------------------------------------------------------------

test_that("install_torch() checks its arguments", {
  cases <- list(
    quote(install_torch(envname = 1)),
    quote(install_torch(envname = c("a", "b"))),
    quote(install_torch(envname = NA_character_)),
    quote(install_torch(version = 2)),
    quote(install_torch(version = c("2.13.0", "2.12.0"))),
    quote(install_torch(version = NA_character_)),
    quote(install_torch(cuda = TRUE)),
    quote(install_torch(cuda = 12.6)),
    quote(install_torch(cuda = "12")),
    quote(install_torch(cuda = "cu126")),
    quote(install_torch(cuda = c("cpu", "12.6")))
  )
  spy <- local_installer_spy()
  for (case in cases) {
    err <- rlang::catch_cnd(eval(case))
    expect_tb_error(err, "arg")
    expect_identical(rlang::call_name(err$call), "install_torch")
  }
  expect_identical(spy$install, list())
  expect_identical(spy$create, list())
  expect_snapshot(cran = TRUE, error = TRUE, {
    install_torch(envname = 1)
    install_torch(version = 2)
    install_torch(cuda = TRUE)
  })
})

# Nothing to do ----------------------------------------------------------------

test_that("install_torch() does nothing when the virtualenv has the torch asked for", {
  local_nvidia_smi("")
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  spy <- local_installer_spy()
  expect_message(
    out <- withVisible(install_torch(dir, version = "2.13.0", cuda = NULL)),
    "torch 2.13.0+cpu is already installed in", fixed = TRUE
  )
  expect_identical(out, list(value = dir, visible = FALSE))
  expect_message(install_torch(dir, cuda = NULL), "torch 2.13.0+cpu is already installed in", fixed = TRUE)
  expect_message(install_torch(dir, version = "2.13.0", cuda = "cpu"), "already installed", fixed = TRUE)
  msgs <- testthat::capture_messages(install_torch(dir))
  expect_match(msgs, "No NVIDIA driver found", fixed = TRUE, all = FALSE)
  expect_match(msgs, "torch 2.13.0+cpu is already installed in", fixed = TRUE, all = FALSE)
  expect_identical(spy$install, list())
  expect_identical(spy$create, list())
})

test_that("install_torch() with the existing r-torchbridge is quick and starts no pip", {
  skip_if_not(reticulate::virtualenv_exists("r-torchbridge"), "no virtualenv r-torchbridge")
  installed <- torchbridge:::torch_installed("r-torchbridge")
  skip_if(is.null(installed), "r-torchbridge has no torch")
  skip_if(numpy1() && !torchbridge:::numpy_below_2("r-torchbridge"), "r-torchbridge needs NumPy < 2 first")
  local_nvidia_smi("")
  version <- sub("\\+.*$", "", installed)
  spy <- local_installer_spy()
  time <- system.time(
    msgs <- testthat::capture_messages(out <- withVisible(install_torch(version = version)))
  )
  expect_match(msgs, paste0("torch ", installed, " is already installed in"), fixed = TRUE, all = FALSE)
  expect_identical(out, list(value = "r-torchbridge", visible = FALSE))
  expect_lt(time[["elapsed"]], 5)
  expect_identical(spy$install, list())
  expect_identical(spy$create, list())
})

# What would be installed ----------------------------------------------------

test_that("install_torch() adds safetensors to a virtualenv that has torch but not it, from PyPI", {
  local_nvidia_smi("")
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4", safetensors = NULL)
  spy <- local_installer_spy()
  expect_spy_stop(suppressMessages(install_torch(dir, version = "2.13.0")))
  expect_identical(spy$create, list())
  # torch stays: no reinstall, and no PyTorch index for safetensors.
  expect_identical(spy$install, list(list(
    envname = dir, packages = "safetensors", ignore_installed = FALSE, pip_options = character()
  )))
})

test_that("install_torch() installs the torch asked for when the virtualenv has another", {
  local_nvidia_smi("")
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  spy <- local_installer_spy()
  expect_spy_stop(install_torch(dir, version = "9.9.9", cuda = NULL))
  expect_spy_stop(suppressMessages(install_torch(dir, version = "9.9.9")))
  expect_identical(spy$create, list())
  expect_identical(spy$install, list(
    list(envname = dir, packages = "torch==9.9.9", ignore_installed = FALSE, pip_options = character()),
    # cuda = "auto" without a driver: the CPU build.
    list(envname = dir, packages = "torch==9.9.9+cpu", ignore_installed = FALSE,
         pip_options = c("--index-url", "https://download.pytorch.org/whl/cpu", "--force-reinstall"))
  ))
})

test_that("install_torch() takes CPU and CUDA builds from PyTorch's index", {
  dir <- local_fake_venv(torch = NULL, numpy = NULL)
  spy <- local_installer_spy()
  expect_spy_stop(install_torch(dir, cuda = "cpu"))
  expect_spy_stop(install_torch(dir, version = "2.13.0", cuda = "12.6"))
  expect_spy_stop(install_torch(dir, cuda = "11.8"))
  expect_identical(
    lapply(spy$install, `[[`, "pip_options"),
    list(
      c("--index-url", "https://download.pytorch.org/whl/cpu"),
      c("--index-url", "https://download.pytorch.org/whl/cu126"),
      c("--index-url", "https://download.pytorch.org/whl/cu118")
    )
  )
  # torch alone: safetensors and NumPy come from PyPI afterwards.
  expect_identical(
    lapply(spy$install, `[[`, "packages"),
    list("torch", "torch==2.13.0+cu126", "torch")
  )
})

test_that("install_torch(cuda = \"auto\") takes the build nvidia-smi says the driver can run, and says so", {
  dir <- local_fake_venv(torch = NULL, numpy = "1.26.4")
  spy <- local_installer_spy()
  local_nvidia_smi(fake_nvidia_smi(smi_header("12.9")))
  msgs <- testthat::capture_messages(expect_spy_stop(install_torch(dir)))
  expect_match(msgs, "An NVIDIA driver for CUDA 12.9 was found: the CUDA 12.8 build of torch.", fixed = TRUE, all = FALSE)
  local_nvidia_smi("")
  msgs <- testthat::capture_messages(expect_spy_stop(install_torch(dir, version = "2.13.0")))
  expect_match(msgs, "No NVIDIA driver found", fixed = TRUE, all = FALSE)
  expect_identical(
    lapply(spy$install, `[`, c("packages", "pip_options")),
    list(
      list(packages = "torch", pip_options = c("--index-url", "https://download.pytorch.org/whl/cu128")),
      list(packages = "torch==2.13.0+cpu", pip_options = c("--index-url", "https://download.pytorch.org/whl/cpu"))
    )
  )
})

test_that("install_torch(cuda = \"auto\") keeps a build that fits and replaces a CPU build on a GPU machine", {
  spy <- local_installer_spy()
  local_nvidia_smi(fake_nvidia_smi(smi_header("13.0")))
  cuda <- local_fake_venv(torch = "2.13.0+cu126", numpy = "1.26.4")
  msgs <- testthat::capture_messages(install_torch(cuda, version = "2.13.0"))
  expect_match(msgs, "torch 2.13.0+cu126 is already installed", fixed = TRUE, all = FALSE)
  pypi <- local_fake_venv(torch = "2.13.0", numpy = "1.26.4")
  msgs <- testthat::capture_messages(install_torch(pypi))
  expect_match(msgs, "torch 2.13.0 is already installed", fixed = TRUE, all = FALSE)
  expect_identical(spy$install, list())

  cpu <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  expect_spy_stop(suppressMessages(install_torch(cpu, version = "2.13.0")))
  expect_identical(spy$install[[1]]$packages, "torch==2.13.0+cu130")
  expect_identical(spy$install[[1]]$pip_options,
                   c("--index-url", "https://download.pytorch.org/whl/cu130", "--force-reinstall"))

  # Without a GPU every build will do.
  local_nvidia_smi("")
  msgs <- testthat::capture_messages(install_torch(cuda))
  expect_match(msgs, "torch 2.13.0+cu126 is already installed", fixed = TRUE, all = FALSE)
})

test_that("install_torch() creates a virtualenv that does not exist", {
  root <- withr::local_tempdir("tb-venvs-")
  envname <- file.path(normalizePath(root), "new-env")
  spy <- local_installer_spy()
  err <- expect_spy_stop(install_torch(envname, cuda = NULL, python = "/usr/bin/python3"))
  expect_match(conditionMessage(err), "Can't create the virtualenv", fixed = TRUE)
  expect_identical(spy$create, list(list(envname = envname, python = "/usr/bin/python3")))
  expect_identical(spy$install, list())
})

test_that("install_torch() asks for NumPy < 2 where reticulate needs it", {
  skip_if_not(numpy1(), "reticulate >= 1.38 accepts NumPy 2")
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "2.0.0")
  spy <- local_installer_spy()
  expect_spy_stop(install_torch(dir, version = "2.13.0", cuda = "cpu"))
  expect_identical(spy$install[[1]]$packages, "numpy<2")
  expect_identical(spy$install[[1]]$pip_options, character())
})

test_that("install_torch() installs a CUDA build over a CPU-only one of the same version", {
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  spy <- local_installer_spy()
  expect_spy_stop(install_torch(dir, version = "2.13.0", cuda = "12.6"))
  expect_length(spy$install, 1L)
  expect_identical(spy$install[[1]]$packages, "torch==2.13.0+cu126")
  expect_identical(spy$install[[1]]$pip_options[1:2], c("--index-url", "https://download.pytorch.org/whl/cu126"))
  # pip would keep the +cpu build, which also satisfies torch==2.13.0.
  expect_true("--force-reinstall" %in% spy$install[[1]]$pip_options)
})

test_that("install_torch() keeps the dependencies of a CUDA build that replaces a CPU one", {
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  spy <- local_installer_spy()
  expect_spy_stop(install_torch(dir, version = "2.13.0", cuda = "12.6"))
  expect_false("--no-deps" %in% unlist(lapply(spy$install, `[[`, "pip_options")))
})

test_that("torch_install_steps(): torch from PyTorch's index, the rest from PyPI", {
  steps <- torchbridge:::torch_install_steps
  idx <- function(tag) c("--index-url", paste0("https://download.pytorch.org/whl/", tag))
  expect_identical(
    steps("2.13.0", "cu128", need_torch = TRUE, other_torch = FALSE, others = c("safetensors", "numpy<2")),
    list(list(packages = "torch==2.13.0+cu128", pip_options = idx("cu128")),
         list(packages = c("safetensors", "numpy<2"), pip_options = character()))
  )
  expect_identical(
    steps(NULL, "cpu", need_torch = TRUE, other_torch = TRUE, others = character()),
    list(list(packages = "torch", pip_options = c(idx("cpu"), "--force-reinstall")))
  )
  expect_identical(
    steps("2.13.0", NULL, need_torch = TRUE, other_torch = TRUE, others = "safetensors"),
    list(list(packages = c("torch==2.13.0", "safetensors"), pip_options = character()))
  )
  expect_identical(
    steps("2.13.0", "cu126", need_torch = FALSE, other_torch = TRUE, others = "safetensors"),
    list(list(packages = "safetensors", pip_options = character()))
  )
})

# Failures --------------------------------------------------------------------

# run_torch_install() with fakes: create() makes a fake virtualenv at the
# path, install() fails like pip on an unknown version (or not at all).
fake_create <- function(envname, python) {
  dir.create(file.path(envname, "bin"), recursive = TRUE)
  file.create(file.path(envname, "pyvenv.cfg"), file.path(envname, "bin", "python"))
}
failing_install <- function(envname, packages, pip_options) {
  stop("Error installing package(s): 'torch==0.0.1'\nERROR: No matching distribution found for torch==0.0.1")
}
run_fake <- function(envname, install = failing_install, create = fake_create, check = function() "2.13.0") {
  torchbridge:::run_torch_install(
    envname, list(list(packages = "torch==0.0.1", pip_options = c("--index-url", "https://download.pytorch.org/whl/cpu"))),
    python = NULL, check = check, create = create, install = install,
    call = rlang::call2("install_torch")
  )
}

test_that("a failed install removes the virtualenv it created, with a classed error", {
  root <- normalizePath(withr::local_tempdir("tb-venvs-"))
  envname <- file.path(root, "new-env")
  err <- expect_error(run_fake(envname), class = "torchbridge_error_python")
  expect_false(file.exists(envname))
  expect_match(conditionMessage(err$parent), "No matching distribution", fixed = TRUE)
  expect_identical(rlang::call_name(err$call), "install_torch")
  expect_snapshot(cran = TRUE, error = TRUE, transform = function(x) gsub(root, "<root>", x, fixed = TRUE), {
    run_fake(envname)
  })

  # Creating fails halfway.
  half <- function(envname, python) {
    fake_create(envname, python)
    stop("python3 -m venv failed")
  }
  expect_error(run_fake(envname, create = half), "Can't create the virtualenv", class = "torchbridge_error_python")
  expect_false(file.exists(envname))

  # pip "succeeds", but the torch asked for is not there.
  ok <- function(envname, packages, pip_options) invisible()
  expect_error(run_fake(envname, install = ok, check = function() NULL),
               "did not work", class = "torchbridge_error_python")
  expect_false(file.exists(envname))

  # An interrupt (not an error) removes it too.
  interrupted <- function(envname, packages, pip_options) rlang::interrupt()
  got <- tryCatch(run_fake(envname, install = interrupted), interrupt = function(cnd) "interrupted")
  expect_identical(got, "interrupted")
  expect_false(file.exists(envname))

  # And a success keeps it.
  expect_identical(run_fake(envname, install = ok), "2.13.0")
  expect_true(file.exists(file.path(envname, "pyvenv.cfg")))
})

test_that("a failed install never removes a virtualenv that was there before", {
  dir <- local_fake_venv(torch = "2.13.0+cpu")
  err <- expect_error(run_fake(dir), class = "torchbridge_error_python")
  expect_match(conditionMessage(err), "was there before and is kept", fixed = TRUE)
  expect_true(dir.exists(file.path(dir, "lib")))
  expect_error(run_fake(dir, install = function(...) invisible(), check = function() NULL), class = "torchbridge_error_python")
  expect_true(dir.exists(file.path(dir, "lib")))

  # A folder at the path that is not a virtualenv is not this call's either.
  other <- withr::local_tempdir("tb-other-")
  writeLines("keep", file.path(other, "notes.txt"))
  expect_error(run_fake(other), class = "torchbridge_error_python")
  expect_true(file.exists(file.path(other, "notes.txt")))
})

test_that("install_torch() turns a failure into a classed error and removes the virtualenv it created", {
  root <- normalizePath(withr::local_tempdir("tb-venvs-"))
  envname <- file.path(root, "new-env")
  ns <- asNamespace("reticulate")
  # virtualenv_create() makes a fake virtualenv; virtualenv_install() fails as pip does.
  suppressMessages(trace("virtualenv_create", where = ns, print = FALSE, tracer = quote({
    dir.create(file.path(envname, "bin"), recursive = TRUE)
    file.create(file.path(envname, "pyvenv.cfg"), file.path(envname, "bin", "python"))
    stop("Error creating virtual environment")
  })))
  withr::defer(suppressMessages(untrace("virtualenv_create", where = ns)))
  err <- expect_error(install_torch(envname, version = "0.0.1", cuda = "cpu"), class = "torchbridge_error_python")
  expect_identical(rlang::call_name(err$call), "install_torch")
  expect_false(file.exists(envname))
})

test_that("torch_installed() reads the version from the virtualenv without Python", {
  dir <- local_fake_venv(torch = "2.13.0+cpu")
  expect_identical(torchbridge:::torch_installed(dir), "2.13.0+cpu")
  expect_identical(torchbridge:::torch_installed(dir, "2.13.0"), "2.13.0+cpu")
  expect_null(torchbridge:::torch_installed(dir, "9.9.9"))
  expect_null(torchbridge:::torch_installed(dir, "2.13"))
  expect_null(torchbridge:::torch_installed(dir, "2.13.0.1"))

  # A build tag must match the local label.
  expect_identical(torchbridge:::torch_installed(dir, "2.13.0", "cpu"), "2.13.0+cpu")
  expect_identical(torchbridge:::torch_installed(dir, NULL, "cpu"), "2.13.0+cpu")
  expect_null(torchbridge:::torch_installed(dir, "2.13.0", "cu126"))

  plain <- local_fake_venv(torch = "2.12.1")
  expect_identical(torchbridge:::torch_installed(plain, "2.12.1"), "2.12.1")
  expect_null(torchbridge:::torch_installed(plain, "2.12.1", "cpu"))

  none <- local_fake_venv(torch = NULL)
  expect_null(torchbridge:::torch_installed(none))
  expect_null(torchbridge:::torch_installed(none, "2.13.0"))
  expect_null(torchbridge:::torch_installed(file.path(none, "missing")))
})

test_that("torch_installed() finds the torch of r-torchbridge", {
  skip_if_not(reticulate::virtualenv_exists("r-torchbridge"), "no virtualenv r-torchbridge")
  installed <- torchbridge:::torch_installed("r-torchbridge")
  skip_if_not(identical(installed, "2.13.0+cpu"), "r-torchbridge does not hold torch 2.13.0+cpu")
  expect_identical(torchbridge:::torch_installed("r-torchbridge", "2.13.0"), "2.13.0+cpu")
  expect_null(torchbridge:::torch_installed("r-torchbridge", "9.9.9"))
})

test_that("numpy_below_2() reads NumPy's version", {
  expect_true(torchbridge:::numpy_below_2(local_fake_venv(numpy = "1.26.4")))
  expect_false(torchbridge:::numpy_below_2(local_fake_venv(numpy = "2.0.0")))
  expect_false(torchbridge:::numpy_below_2(local_fake_venv(numpy = NULL)))
})

# Which build ----------------------------------------------------------------

test_that("torch_wheel_choice() picks the build from the driver found", {
  choice <- function(...) torchbridge:::torch_wheel_choice(...)
  tags <- function(...) vapply(c(...), function(v) paste0("cu", sub(".", "", v, fixed = TRUE)), "", USE.NAMES = FALSE)

  # Given: as asked, whatever the machine.
  expect_identical(choice("12.6", TRUE, "13.0")[c("cuda", "tag", "accept", "note")],
                   list(cuda = "12.6", tag = "cu126", accept = "cu126", note = NULL))
  expect_identical(choice("cpu", TRUE, "12.4")[c("cuda", "tag", "accept")],
                   list(cuda = "cpu", tag = "cpu", accept = "cpu"))
  expect_identical(choice(NULL, TRUE, "12.4")[c("cuda", "tag", "accept")],
                   list(cuda = NULL, tag = NULL, accept = NULL))

  # No driver: the CPU build; any torch already there will do.
  none <- choice("auto", FALSE, NA_character_)
  expect_identical(none[c("cuda", "tag", "accept")], list(cuda = "cpu", tag = "cpu", accept = NULL))
  expect_match(none$note[[1]], "No NVIDIA driver found")

  # A driver: the newest build it can run.
  expect_identical(choice("auto", TRUE, "12.4")$tag, "cu124")
  expect_identical(choice("auto", TRUE, "12.5")$tag, "cu124")
  expect_identical(choice("auto", TRUE, "12.9")$tag, "cu128")
  expect_identical(choice("auto", TRUE, "13.2")$tag, "cu130")
  expect_identical(choice("auto", TRUE, "12.10")$tag, "cu128")
  expect_identical(choice("auto", TRUE, "12.4")$accept, c(tags("11.8", "12.1", "12.4"), ""))
  expect_identical(choice("auto", TRUE, "12.4", "Windows")$accept, tags("11.8", "12.1", "12.4"))
  expect_match(choice("auto", TRUE, "12.9")$note[[1]], "CUDA 12.9 was found: the CUDA 12.8 build", fixed = TRUE)

  # A driver older than every build: the CPU build, and a hint.
  old <- choice("auto", TRUE, "11.4")
  expect_identical(old$tag, "cpu")
  expect_match(old$note[[1]], "update the driver", fixed = TRUE)

  # A driver whose CUDA version is unknown: the default build.
  unknown <- choice("auto", TRUE, NA_character_)
  expect_identical(unknown$tag, "cu126")
  expect_match(unknown$note[[1]], "not the CUDA version", fixed = TRUE)

  # macOS: PyPI's build (MPS), with or without nvidia-smi.
  mac <- choice("auto", FALSE, NA_character_, "Darwin")
  expect_identical(mac[c("cuda", "tag", "accept")], list(cuda = NULL, tag = NULL, accept = NULL))
  expect_match(mac$note[[1]], "macOS", fixed = TRUE)
})

test_that("nvidia_driver() runs nvidia-smi and reads the CUDA version", {
  skip_on_os("windows")
  driver <- torchbridge:::nvidia_driver
  expect_identical(driver(fake_nvidia_smi(smi_header("12.4"))), list(found = TRUE, cuda = "12.4"))
  expect_identical(driver(fake_nvidia_smi(smi_header("13.0"))), list(found = TRUE, cuda = "13.0"))
  # It runs, but names no CUDA version.
  expect_identical(driver(fake_nvidia_smi("GPU 0: NVIDIA H200")), list(found = TRUE, cuda = NA_character_))
  # It fails (no driver loaded): no usable driver.
  failing <- fake_nvidia_smi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.", status = 9L)
  expect_identical(driver(failing), list(found = FALSE, cuda = NA_character_))
  expect_identical(driver(""), list(found = FALSE, cuda = NA_character_))
  expect_identical(driver(file.path(tempdir(), "no-such-nvidia-smi")), list(found = FALSE, cuda = NA_character_))
  # The option stands in for the real one.
  withr::local_options(torchbridge.nvidia_smi = fake_nvidia_smi(smi_header("12.8")))
  expect_identical(driver(), list(found = TRUE, cuda = "12.8"))
})

test_that("driver_cuda_version() reads nvidia-smi's header", {
  expect_identical(torchbridge:::driver_cuda_version(smi_header("12.4")), "12.4")
  expect_identical(torchbridge:::driver_cuda_version("CUDA Version:13.0"), "13.0")
  expect_identical(torchbridge:::driver_cuda_version(c("a", "b")), NA_character_)
  expect_identical(torchbridge:::driver_cuda_version(character()), NA_character_)
})

# py_require() ----------------------------------------------------------------

test_that("py_require() is used from reticulate 1.41 on", {
  use <- torchbridge:::use_py_require
  expect_false(use("1.28"))
  expect_false(use("1.40.1"))
  expect_true(use("1.41.0"))
  expect_true(use(package_version("1.46.0.9000")))
  expect_identical(use(), utils::packageVersion("reticulate") >= "1.41")
})

test_that("declare_python_requirements() declares torch and safetensors where reticulate can", {
  asked <- list()
  declare <- function(packages) asked[[length(asked) + 1L]] <<- packages
  expect_false(torchbridge:::declare_python_requirements("1.28", declare))
  expect_identical(asked, list())
  expect_true(torchbridge:::declare_python_requirements("1.41.0", declare))
  expect_identical(asked, list(c("torch", "safetensors")))
})

test_that("choose_python() declares the requirements only when no other Python is chosen", {
  skip_on_cran()
  empty_root <- withr::local_tempdir("tb-no-venvs-")
  # In the child, reticulate counts as 1.41 and py_require() records.
  declared_report <- function() {
    declared <- new.env()
    declared$packages <- NULL
    suppressMessages(trace(
      "declare_python_requirements", where = asNamespace("torchbridge"), print = FALSE,
      tracer = bquote({
        reticulate_version <- "1.41.0"
        declare <- function(packages) assign("packages", packages, envir = .(declared))
      })
    ))
    torchbridge:::choose_python()
    list(reason = torchbridge:::.tb$reason, packages = declared$packages, started = reticulate::py_available())
  }
  fresh <- start_fresh_r(declared_report, env = c(
    TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = NA, WORKON_HOME = empty_root
  ))
  managed <- start_fresh_r(declared_report, env = c(
    TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = "managed", WORKON_HOME = empty_root
  ))
  chosen <- start_fresh_r(declared_report, env = c(
    TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = "/no/such/python", WORKON_HOME = empty_root
  ))
  expect_identical(fresh_r_result(fresh), list(
    reason = "reticulate's default, with torch declared by py_require()",
    packages = c("torch", "safetensors"), started = FALSE
  ))
  expect_identical(fresh_r_result(managed), list(
    reason = "RETICULATE_PYTHON", packages = c("torch", "safetensors"), started = FALSE
  ))
  expect_identical(fresh_r_result(chosen), list(reason = "RETICULATE_PYTHON", packages = NULL, started = FALSE))
})

# Two libtorch builds --------------------------------------------------------------

test_that("warn_mlverse_torch() warns once, with its class", {
  old <- torchbridge:::.tb$warned_mlverse
  withr::defer(assign("warned_mlverse", old, envir = torchbridge:::.tb))
  assign("warned_mlverse", NULL, envir = torchbridge:::.tb)
  warn <- torchbridge:::warn_mlverse_torch
  expect_silent(warn(loaded = FALSE))
  w <- expect_warning(warn(loaded = TRUE, call = rlang::call2("as_torch")),
                      class = "torchbridge_warning_mlverse_torch")
  expect_identical(
    class(w),
    c("torchbridge_warning_mlverse_torch", "torchbridge_warning", "rlang_warning", "warning", "condition")
  )
  expect_match(conditionMessage(w), "libtorch", fixed = TRUE)
  expect_identical(rlang::call_name(w$call), "as_torch")
  expect_silent(warn(loaded = TRUE))
})

test_that("torchbridge warns before it starts Python's torch when the R package torch is loaded", {
  skip_on_cran()
  venv_with_torch()
  out <- in_fresh_r(function() {
    # The R package torch counts as loaded.
    suppressMessages(trace(
      "warn_mlverse_torch", where = asNamespace("torchbridge"), print = FALSE,
      tracer = quote(loaded <- TRUE)
    ))
    seen <- list()
    withCallingHandlers(
      {
        torchbridge::as_torch(1)
        torchbridge::as_torch(2)
      },
      torchbridge_warning_mlverse_torch = function(w) {
        seen[[length(seen) + 1L]] <<- list(class = class(w)[[1]], python = reticulate::py_available())
        invokeRestart("muffleWarning")
      }
    )
    seen
  }, env = c(TORCHBRIDGE_PYTHON = NA, RETICULATE_PYTHON = NA))
  # Once, before Python started.
  expect_identical(out, list(list(class = "torchbridge_warning_mlverse_torch", python = FALSE)))
})
