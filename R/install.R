#' Install PyTorch for torchbridge
#'
#' Creates the Python virtualenv `envname` (through reticulate) and installs
#' torch into it, with the `safetensors` module (for [read_safetensors()]
#' and [write_safetensors()]) and, when the installed reticulate is older
#' than 1.38, NumPy < 2 (those versions refuse NumPy 2; torchbridge itself
#' never needs NumPy).
#' torchbridge finds this virtualenv by itself (see [torchbridge_sitrep()]
#' for the order in which Python is looked for).
#'
#' Running it again is quick: when the virtualenv already has the torch
#' asked for and safetensors, nothing is installed.
#'
#' @section Which build: With `cuda = "auto"` (the default),
#'   `install_torch()` looks for an NVIDIA driver by running `nvidia-smi`,
#'   and says what it chose:
#'   * a driver: the newest CUDA build of torch (from PyTorch's package
#'     index) that the driver's CUDA version (the one `nvidia-smi` prints)
#'     can run; a CUDA build already in the virtualenv that the driver can
#'     run is kept;
#'   * no driver (or a driver older than every CUDA build): the CPU-only
#'     build, a download of a few hundred MB instead of several GB; any
#'     torch already in the virtualenv is kept, since every build runs on
#'     the CPU;
#'   * on macOS: PyPI's build, which uses Apple's GPU (MPS).
#'
#'   Not every torch version is built for every CUDA version: when pip finds
#'   no build, pass another `cuda` (see
#'   <https://pytorch.org/get-started/previous-versions/>).
#'
#' @section When installing fails: the error has class
#'   `torchbridge_error_python` (see [torchbridge_error]) and pip's output is
#'   above it. A virtualenv that this call created is removed again, so the
#'   next call starts clean; a virtualenv that was there before is never
#'   removed.
#'
#' @section reticulate 1.41 and later: These versions of reticulate
#'   recommend that packages declare their Python requirements with
#'   `reticulate::py_require()`, and provide them in an ephemeral
#'   environment of their own. torchbridge does that where it can: when it
#'   starts Python and no Python was chosen (no `TORCHBRIDGE_PYTHON`, no
#'   `RETICULATE_PYTHON`, no `r-torchbridge` virtualenv), or when
#'   `RETICULATE_PYTHON` is `"managed"`, it declares `torch` and
#'   `safetensors` with `py_require()`, so torchbridge works without
#'   `install_torch()`. That environment gets the build of torch that PyPI
#'   has for the platform (on Linux, a CUDA build of several GB).
#'
#'   `install_torch()` still makes the `r-torchbridge` virtualenv, with any
#'   reticulate: it is the way to choose the build (`cuda`) and the version,
#'   and to keep them from one session to the next. Once it exists,
#'   torchbridge uses it and declares nothing.
#'
#' @param envname The virtualenv's name (under reticulate's virtualenv root,
#'   usually `~/.virtualenvs`) or path.
#' @param version The torch version, e.g. `"2.13.0"`; `NULL` for the newest.
#' @param cuda `"auto"` to choose from the NVIDIA driver found (see "Which
#'   build"), `"cpu"` for a CPU-only build, a CUDA version such as `"12.6"`
#'   for that build from PyTorch's package index, or `NULL` for the build pip
#'   picks by default (on Linux PyPI's torch is built for CUDA).
#' @param ... Passed on to [reticulate::virtualenv_install()].
#' @param python The Python used to create the virtualenv; `NULL` for
#'   reticulate's choice.
#' @return `envname`, invisibly.
#' @family set-up
#' @export
#' @examples
#' \dontrun{
#' install_torch()
#' install_torch(version = "2.13.0", cuda = "cpu")
#' install_torch(cuda = "12.6")
#' }
install_torch <- function(envname = "r-torchbridge", version = NULL, cuda = "auto",
                          ..., python = NULL) {
  call <- rlang::current_env()
  if (!is_string(envname)) {
    tb_abort("{.arg envname} must be a string.", "arg", call = call)
  }
  if (!is.null(version) && !is_string(version)) {
    tb_abort("{.arg version} must be a version string such as {.val 2.13.0}, or {.code NULL}.", "arg", call = call)
  }
  if (!is.null(cuda) && !(is_string(cuda) && grepl("^(auto|cpu|[0-9]+[.][0-9]+)$", cuda))) {
    tb_abort(
      "{.arg cuda} must be {.val auto}, {.val cpu}, a CUDA version such as {.val 12.6}, or {.code NULL}.",
      "arg", call = call
    )
  }
  choice <- if (identical(cuda, "auto")) {
    driver <- nvidia_driver()
    torch_wheel_choice(cuda, driver$found, driver$cuda, Sys.info()[["sysname"]])
  } else {
    torch_wheel_choice(cuda)
  }
  if (!is.null(choice$note)) cli::cli_inform(choice$note)
  numpy1 <- utils::packageVersion("reticulate") < "1.38"
  has_torch <- if (reticulate::virtualenv_exists(envname)) torch_installed(envname, version, choice$accept)
  others <- c(
    if (is.null(installed_version(envname, "safetensors"))) "safetensors",
    if (numpy1 && !numpy_below_2(envname)) "numpy<2"
  )
  if (!is.null(has_torch) && !length(others)) {
    cli::cli_inform(c(v = "{.pkg torch} {has_torch} is already installed in {.path {envname}}."))
    return(invisible(envname))
  }
  steps <- torch_install_steps(
    version, choice$tag,
    need_torch = is.null(has_torch),
    other_torch = !is.null(installed_version(envname, "torch")),
    others = others
  )
  version_now <- run_torch_install(
    envname, steps, python,
    check = function() torch_installed(envname, version, choice$accept),
    create = reticulate::virtualenv_create,
    install = function(envname, packages, pip_options) {
      reticulate::virtualenv_install(
        envname, packages, ignore_installed = FALSE, pip_options = pip_options, ...
      )
    },
    call = call
  )
  cli::cli_inform(c(v = "Installed {.pkg torch} {version_now} in {.path {envname}}."))
  if (reticulate::py_available(initialize = FALSE)) {
    cli::cli_inform(c(i = "Restart R to use it: Python is already running in this session."))
  }
  invisible(envname)
}

# The pip installs that bring a virtualenv to what install_torch() asks for,
# each a list of `packages` and `pip_options`: torch (when `need_torch`)
# from PyTorch's index for the build `tag` (or from PyPI when `tag` is
# NULL), then `others` (safetensors, NumPy < 2) from PyPI, where every
# version of them is. `other_torch`: another torch is installed, which pip
# would keep unless told to reinstall.
torch_install_steps <- function(version, tag, need_torch, other_torch, others) {
  torch <- paste0("torch", if (!is.null(version)) paste0("==", version, if (!is.null(tag)) paste0("+", tag)))
  step <- function(packages, pip_options = character()) list(packages = packages, pip_options = pip_options)
  if (!need_torch) return(list(step(others)))
  if (is.null(tag)) return(list(step(c(torch, others))))
  # Reinstall with dependencies, so a CUDA build brings CUDA's libraries along.
  pip_options <- c("--index-url", paste0("https://download.pytorch.org/whl/", tag), if (other_torch) "--force-reinstall")
  c(list(step(torch, pip_options)), if (length(others)) list(step(others)))
}

# Creates the virtualenv when it is missing, runs the pip installs `steps`
# (see torch_install_steps()), and returns what check() finds afterwards
# (the torch version). On any failure, or an interrupt, a virtualenv that
# this call created is removed again; one that was there before is left
# alone. create(envname, python) and install(envname, packages,
# pip_options) do the work, so tests can pass fakes.
run_torch_install <- function(envname, steps, python, check, create, install, call) {
  dir <- venv_dir(envname)
  made <- !reticulate::virtualenv_exists(envname) && !file.exists(dir)
  done <- FALSE
  on.exit(if (!done && made) unlink(dir, recursive = TRUE), add = TRUE)
  removed <- if (made) "The virtualenv this call created was removed." else "The virtualenv was there before and is kept."
  if (!reticulate::virtualenv_exists(envname)) {
    tryCatch(create(envname, python), error = function(e) {
      if (made) unlink(dir, recursive = TRUE)
      tb_abort(c(
        "Can't create the virtualenv {.path {envname}}.",
        i = removed
      ), "python", call = call, parent = e)
    })
  }
  for (step in steps) {
    tryCatch(install(envname, step$packages, step$pip_options), error = function(e) {
      if (made) unlink(dir, recursive = TRUE)
      index <- if (length(step$pip_options) >= 2) step$pip_options[[2]]
      tb_abort(c(
        "Can't install {.pkg torch} into {.path {envname}}.",
        x = paste0("pip could not install ", cli_escape(paste(step$packages, collapse = " ")),
                   if (!is.null(index)) paste0(" from ", index), "."),
        i = removed,
        i = "pip's output is above. Not every torch version is built for every CUDA version: try another {.arg version} or {.arg cuda}."
      ), "python", call = call, parent = e)
    })
  }
  version_now <- check()
  if (is.null(version_now)) {
    if (made) unlink(dir, recursive = TRUE)
    tb_abort(c(
      "Installing {.pkg torch} into {.path {envname}} did not work.",
      x = "pip finished, but the torch asked for is not in the virtualenv.",
      i = removed,
      i = "See pip's output above."
    ), "python", call = call)
  }
  done <- TRUE
  version_now
}

# Where reticulate puts (or finds) the virtualenv `envname`: a name with a
# slash is a path, else a folder under reticulate's virtualenv root.
venv_dir <- function(envname) {
  if (grepl("[/\\]", envname)) return(normalizePath(envname, winslash = "/", mustWork = FALSE))
  file.path(reticulate::virtualenv_root(), envname)
}

# Which build of torch to install, as a pure function of what was found:
# `cuda` as given to install_torch(), whether nvidia-smi ran, the CUDA
# version the driver supports (NA when unknown) and Sys.info()'s sysname.
# Returns `cuda` (the CUDA version, "cpu", or NULL for pip's default),
# `tag` (the build's local label, "cu126"..., or NULL), `accept` (the local
# labels of an installed torch that will do: NULL for any, "" for none as
# in PyPI's "2.13.0") and `note` (what was chosen and why, for
# cuda = "auto"; else NULL).
torch_wheel_choice <- function(cuda, has_nvidia_smi = FALSE, driver_cuda = NA_character_,
                               sysname = "Linux") {
  fixed <- function(cuda) {
    tag <- build_tag(cuda)
    list(cuda = cuda, tag = tag, accept = tag, note = NULL)
  }
  if (!identical(cuda, "auto")) return(fixed(cuda))
  choose <- "Pass {.arg cuda} to choose another: {.val cpu} or a CUDA version such as {.val 12.6}."
  if (identical(sysname, "Darwin")) {
    return(list(cuda = NULL, tag = NULL, accept = NULL, note = c(
      i = "On macOS: PyPI's build of {.pkg torch}, which uses Apple's GPU (MPS)."
    )))
  }
  cpu <- function(why) {
    list(cuda = "cpu", tag = "cpu", accept = NULL, note = c(
      i = paste0(why, ": the CPU-only build of {.pkg torch}."), i = choose
    ))
  }
  if (!isTRUE(has_nvidia_smi)) return(cpu("No NVIDIA driver found ({.code nvidia-smi} did not run)"))
  builds <- torch_cuda_builds
  if (!is.na(driver_cuda)) {
    builds <- builds[package_version(builds) <= package_version(driver_cuda)]
    if (!length(builds)) {
      return(cpu(paste0(
        "The NVIDIA driver supports CUDA ", driver_cuda, ", older than every CUDA build of torch ",
        "(update the driver to use the GPU)"
      )))
    }
    picked <- builds[[length(builds)]]
    why <- paste0("An NVIDIA driver for CUDA ", driver_cuda, " was found")
  } else {
    builds <- builds[package_version(builds) <= package_version(default_cuda_build)]
    picked <- default_cuda_build
    why <- "An NVIDIA driver was found, but not the CUDA version it supports"
  }
  out <- fixed(picked)
  # A CUDA build the driver can run is kept; on Linux so is PyPI's build
  # (no local label), which is built for CUDA.
  out$accept <- c(vapply(builds, build_tag, "", USE.NAMES = FALSE), if (identical(sysname, "Linux")) "")
  out$note <- c(i = paste0(why, ": the CUDA ", picked, " build of {.pkg torch}."), i = choose)
  out
}

# The CUDA versions PyTorch's package index has builds for, oldest first
# (not every torch version has each). cuda = "auto" picks the newest one the
# driver supports, or default_cuda_build when its CUDA version is unknown.
torch_cuda_builds <- c("11.8", "12.1", "12.4", "12.6", "12.8", "13.0")
default_cuda_build <- "12.6"

# Whether nvidia-smi runs, and the CUDA version its header names (NA when
# it names none). `smi` is the program; the option torchbridge.nvidia_smi
# replaces it (a fake one, or "" for none).
nvidia_driver <- function(smi = getOption("torchbridge.nvidia_smi", Sys.which("nvidia-smi"))) {
  none <- list(found = FALSE, cuda = NA_character_)
  if (!nzchar(smi)) return(none)
  out <- tryCatch(
    suppressWarnings(system2(smi, stdout = TRUE, stderr = TRUE)),
    error = function(e) NULL
  )
  if (is.null(out) || !is.null(attr(out, "status"))) return(none)
  list(found = TRUE, cuda = driver_cuda_version(out))
}

# The CUDA version in nvidia-smi's header ("CUDA Version: 12.4"), or NA.
driver_cuda_version <- function(lines) {
  hit <- regmatches(lines, regexpr("CUDA Version: *[0-9]+[.][0-9]+", lines))
  if (!length(hit)) return(NA_character_)
  sub("^CUDA Version: *", "", hit[[1]])
}

# The site-packages folders of a virtualenv, found without starting Python.
venv_site_packages <- function(envname) {
  python <- tryCatch(reticulate::virtualenv_python(envname), error = function(e) NULL)
  if (is.null(python)) return(character())
  root <- dirname(dirname(python))
  c(
    Sys.glob(file.path(root, "lib", "python*", "site-packages")),
    Sys.glob(file.path(root, "Lib", "site-packages"))
  )
}

installed_version <- function(envname, package) {
  meta <- Sys.glob(file.path(venv_site_packages(envname), paste0(package, "-*.dist-info")))
  if (!length(meta)) return(NULL)
  sub(paste0("^", package, "-(.*)\\.dist-info$"), "\\1", basename(meta[[1]]))
}

# PyTorch's build tag for `cuda`: "cpu", "cu126"..., or NULL for pip's default.
build_tag <- function(cuda) {
  if (is.null(cuda)) return(NULL)
  if (identical(cuda, "cpu")) "cpu" else paste0("cu", gsub(".", "", cuda, fixed = TRUE))
}

# The installed torch version when it matches `version` and, when given,
# one of the build tags `tag` (local labels, as in "2.13.0+cpu"; "" for
# none); else NULL.
torch_installed <- function(envname, version = NULL, tag = NULL) {
  found <- installed_version(envname, "torch")
  if (is.null(found)) return(NULL)
  if (!is.null(version) && sub("\\+.*$", "", found) != version) return(NULL)
  if (!is.null(tag) && !(sub("^[^+]*\\+?", "", found) %in% tag)) return(NULL)
  found
}

numpy_below_2 <- function(envname) {
  found <- installed_version(envname, "numpy")
  !is.null(found) && package_version(found) < "2"
}

# reticulate 1.41 and later: Python requirements declared with py_require()
# are provided in reticulate's ephemeral environment when no other Python
# is chosen. choose_python() declares torchbridge's there (see "reticulate
# 1.41 and later" in ?install_torch).
use_py_require <- function(reticulate_version = utils::packageVersion("reticulate")) {
  package_version(reticulate_version) >= "1.41"
}

torch_requirements <- c("torch", "safetensors")

# Declares torch_requirements through `declare` (reticulate::py_require(),
# looked up at run time: older reticulate has none) where reticulate has it.
# Returns whether it did.
declare_python_requirements <- function(reticulate_version = utils::packageVersion("reticulate"),
                                        declare = NULL) {
  if (!use_py_require(reticulate_version)) return(FALSE)
  declare <- declare %||% getExportedValue("reticulate", "py_require")
  declare(torch_requirements)
  TRUE
}

# The mlverse torch R package brings its own libtorch; two builds of
# libtorch in one process crash it unless their versions match exactly.
# Warns once per session, before torchbridge starts Python's torch.
warn_mlverse_torch <- function(loaded = isNamespaceLoaded("torch"), call = rlang::caller_env()) {
  if (!isTRUE(loaded) || isTRUE(.tb$warned_mlverse)) return(invisible(FALSE))
  .tb$warned_mlverse <- TRUE
  r_torch <- tryCatch(as.character(utils::packageVersion("torch")), error = function(e) "?")
  tb_warn(c(
    "The R package {.pkg torch} ({r_torch}) is loaded, and torchbridge is starting Python's {.pkg torch}.",
    i = "Each brings its own libtorch, and two libtorch builds in one R process crash it unless their versions match exactly.",
    i = "Use one of them per R session, or install the Python torch of the same libtorch version with {.run torchbridge::install_torch()}."
  ), "mlverse_torch", call = call)
  invisible(TRUE)
}
