# install_torch() and its helpers. Nothing here runs pip or downloads: the
# virtualenvs are either the existing r-torchbridge or fakes made of the
# files reticulate and torchbridge look at, and reticulate's installers are
# replaced by spies that record their arguments and stop.

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
    quote(install_torch(cuda = 12.6))
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
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  spy <- local_installer_spy()
  expect_message(
    out <- withVisible(install_torch(dir, version = "2.13.0")),
    "torch 2.13.0+cpu is already installed in", fixed = TRUE
  )
  expect_identical(out, list(value = dir, visible = FALSE))
  expect_message(install_torch(dir), "torch 2.13.0+cpu is already installed in", fixed = TRUE)
  expect_message(install_torch(dir, version = "2.13.0", cuda = "cpu"), "already installed", fixed = TRUE)
  expect_identical(spy$install, list())
  expect_identical(spy$create, list())
})

test_that("install_torch() with the existing r-torchbridge is quick and starts no pip", {
  skip_if_not(reticulate::virtualenv_exists("r-torchbridge"), "no virtualenv r-torchbridge")
  installed <- torchbridge:::torch_installed("r-torchbridge")
  skip_if(is.null(installed), "r-torchbridge has no torch")
  skip_if(numpy1() && !torchbridge:::numpy_below_2("r-torchbridge"), "r-torchbridge needs NumPy < 2 first")
  version <- sub("\\+.*$", "", installed)
  spy <- local_installer_spy()
  time <- system.time(
    expect_message(
      out <- withVisible(install_torch(version = version)),
      paste0("torch ", installed, " is already installed in"), fixed = TRUE
    )
  )
  expect_identical(out, list(value = "r-torchbridge", visible = FALSE))
  expect_lt(time[["elapsed"]], 5)
  expect_identical(spy$install, list())
  expect_identical(spy$create, list())
})

# What would be installed ----------------------------------------------------

test_that("install_torch() adds safetensors to a virtualenv that has torch but not it", {
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4", safetensors = NULL)
  spy <- local_installer_spy()
  expect_error(install_torch(dir, version = "2.13.0"), class = "tb_test_installer")
  expect_identical(spy$create, list())
  expect_identical(spy$install[[1]]$packages, c("torch==2.13.0", "safetensors", if (numpy1()) "numpy<2"))
})

test_that("install_torch() installs the torch asked for when the virtualenv has another", {
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  spy <- local_installer_spy()
  expect_error(install_torch(dir, version = "9.9.9"), class = "tb_test_installer")
  expect_identical(spy$create, list())
  expect_identical(spy$install, list(list(
    envname = dir,
    packages = c("torch==9.9.9", "safetensors", if (numpy1()) "numpy<2"),
    ignore_installed = FALSE,
    pip_options = character()
  )))
})

test_that("install_torch() takes CPU and CUDA builds from PyTorch's index", {
  dir <- local_fake_venv(torch = NULL, numpy = NULL)
  spy <- local_installer_spy()
  expect_error(install_torch(dir, cuda = "cpu"), class = "tb_test_installer")
  expect_error(install_torch(dir, version = "2.13.0", cuda = "12.6"), class = "tb_test_installer")
  expect_error(install_torch(dir, cuda = "11.8"), class = "tb_test_installer")
  expect_identical(
    lapply(spy$install, `[[`, "pip_options"),
    list(
      c("--index-url", "https://download.pytorch.org/whl/cpu"),
      c("--index-url", "https://download.pytorch.org/whl/cu126"),
      c("--index-url", "https://download.pytorch.org/whl/cu118")
    )
  )
  expect_identical(
    lapply(spy$install, `[[`, "packages"),
    list(
      c("torch", "safetensors", if (numpy1()) "numpy<2"),
      c("torch==2.13.0+cu126", "safetensors", if (numpy1()) "numpy<2"),
      c("torch", "safetensors", if (numpy1()) "numpy<2")
    )
  )
})

test_that("install_torch() creates a virtualenv that does not exist", {
  root <- withr::local_tempdir("tb-venvs-")
  envname <- file.path(normalizePath(root), "new-env")
  spy <- local_installer_spy()
  expect_error(install_torch(envname, python = "/usr/bin/python3"), class = "tb_test_installer")
  expect_identical(spy$create, list(list(envname = envname, python = "/usr/bin/python3")))
  expect_identical(spy$install, list())
})

test_that("install_torch() asks for NumPy < 2 where reticulate needs it", {
  skip_if_not(numpy1(), "reticulate >= 1.38 accepts NumPy 2")
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "2.0.0")
  spy <- local_installer_spy()
  expect_error(install_torch(dir, version = "2.13.0"), class = "tb_test_installer")
  expect_identical(spy$install[[1]]$packages, c("torch==2.13.0", "safetensors", "numpy<2"))
})

test_that("install_torch() installs a CUDA build over a CPU-only one of the same version", {
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  spy <- local_installer_spy()
  expect_error(install_torch(dir, version = "2.13.0", cuda = "12.6"), class = "tb_test_installer")
  expect_length(spy$install, 1L)
  expect_identical(spy$install[[1]]$packages, c("torch==2.13.0+cu126", "safetensors", if (numpy1()) "numpy<2"))
  expect_identical(spy$install[[1]]$pip_options[1:2], c("--index-url", "https://download.pytorch.org/whl/cu126"))
  # pip would keep the +cpu build, which also satisfies torch==2.13.0.
  expect_true("--force-reinstall" %in% spy$install[[1]]$pip_options)
})

test_that("install_torch() keeps the dependencies of a CUDA build that replaces a CPU one", {
  dir <- local_fake_venv(torch = "2.13.0+cpu", numpy = "1.26.4")
  spy <- local_installer_spy()
  expect_error(install_torch(dir, version = "2.13.0", cuda = "12.6"), class = "tb_test_installer")
  expect_false("--no-deps" %in% unlist(lapply(spy$install, `[[`, "pip_options")))
})

# Helpers --------------------------------------------------------------------

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
