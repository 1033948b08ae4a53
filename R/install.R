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
#' @param envname The virtualenv's name (under reticulate's virtualenv root,
#'   usually `~/.virtualenvs`) or path.
#' @param version The torch version, e.g. `"2.13.0"`; `NULL` for the newest.
#' @param cuda `NULL` for the build pip picks by default (on Linux PyPI's
#'   torch is built for CUDA), `"cpu"` for a CPU-only build, or a CUDA
#'   version such as `"12.6"` for that build from PyTorch's package index.
#' @param ... Passed on to [reticulate::virtualenv_install()].
#' @param python The Python used to create the virtualenv; `NULL` for
#'   reticulate's choice.
#' @return `envname`, invisibly.
#' @family set-up
#' @export
#' @examples
#' \dontrun{
#' install_torch(version = "2.13.0")
#' install_torch(cuda = "12.6")
#' }
install_torch <- function(envname = "r-torchbridge", version = NULL, cuda = NULL,
                          ..., python = NULL) {
  call <- rlang::current_env()
  if (!is_string(envname)) {
    tb_abort("{.arg envname} must be a string.", "arg", call = call)
  }
  if (!is.null(version) && !is_string(version)) {
    tb_abort("{.arg version} must be a version string such as {.val 2.13.0}, or {.code NULL}.", "arg", call = call)
  }
  if (!is.null(cuda) && !is_string(cuda)) {
    tb_abort("{.arg cuda} must be {.val cpu}, a CUDA version such as {.val 12.6}, or {.code NULL}.", "arg", call = call)
  }
  numpy1 <- utils::packageVersion("reticulate") < "1.38"
  tag <- build_tag(cuda)
  packages <- c(
    paste0("torch", if (!is.null(version)) paste0("==", version, if (!is.null(tag)) paste0("+", tag))),
    "safetensors",
    if (numpy1) "numpy<2"
  )
  if (reticulate::virtualenv_exists(envname) &&
    !is.null(torch_installed(envname, version, tag)) &&
    !is.null(installed_version(envname, "safetensors")) && (!numpy1 || numpy_below_2(envname))) {
    cli::cli_inform(c(v = "{.pkg torch} {torch_installed(envname, version, tag)} is already installed in {.path {envname}}."))
    return(invisible(envname))
  }
  pip_options <- character()
  if (!is.null(tag)) {
    pip_options <- c("--index-url", paste0("https://download.pytorch.org/whl/", tag))
    if (!is.null(installed_version(envname, "torch"))) {
      # Another build of torch is there and pip would keep it. Reinstall, with
      # dependencies, so a CUDA build brings CUDA's libraries along.
      pip_options <- c(pip_options, "--force-reinstall")
    }
  }
  if (!reticulate::virtualenv_exists(envname)) {
    reticulate::virtualenv_create(envname, python = python)
  }
  reticulate::virtualenv_install(
    envname, packages, ignore_installed = FALSE, pip_options = pip_options, ...
  )
  version_now <- torch_installed(envname, version, tag)
  if (is.null(version_now)) {
    tb_abort(c("Installing {.pkg torch} into {.path {envname}} did not work.",
      i = "See pip's output above."), "python", call = call)
  }
  cli::cli_inform(c(v = "Installed {.pkg torch} {version_now} in {.path {envname}}."))
  if (reticulate::py_available(initialize = FALSE)) {
    cli::cli_inform(c(i = "Restart R to use it: Python is already running in this session."))
  }
  invisible(envname)
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
# the build `tag` (the local label, as in "2.13.0+cpu"); else NULL.
torch_installed <- function(envname, version = NULL, tag = NULL) {
  found <- installed_version(envname, "torch")
  if (is.null(found)) return(NULL)
  if (!is.null(version) && sub("\\+.*$", "", found) != version) return(NULL)
  if (!is.null(tag) && !identical(sub("^[^+]*\\+?", "", found), tag)) return(NULL)
  found
}

numpy_below_2 <- function(envname) {
  found <- installed_version(envname, "numpy")
  !is.null(found) && package_version(found) < "2"
}
