# Fresh R processes (callr) for tests of how Python is found and started:
# Python can be started only once per R session.

# Starts `f` in a fresh R process with the package library paths of this
# one; returns the callr process. `env`: environment variables to set there
# first (NA: unset).
start_fresh_r <- function(f, env = character()) {
  skip_if_not_installed("callr")
  environment(f) <- globalenv()
  reports <- list(discovery_report = discovery_report, choice_report = choice_report)
  reports <- lapply(reports, function(r) {
    environment(r) <- globalenv()
    r
  })
  callr::r_bg(
    function(f, env, reports) {
      for (name in names(env)) {
        if (is.na(env[[name]])) Sys.unsetenv(name) else do.call(Sys.setenv, as.list(env[name]))
      }
      options(cli.width = 1000, cli.unicode = FALSE, cli.num_colors = 1L)
      list2env(reports, envir = globalenv())
      f()
    },
    args = list(f = f, env = env, reports = reports),
    libpath = .libPaths(),
    stdout = NULL, stderr = NULL # nothing read back: a full pipe would block the child
  )
}

# The value of `f` run in a fresh R process (see start_fresh_r()).
fresh_r_result <- function(process) {
  process$wait(120 * 1000)
  if (process$is_alive()) {
    process$kill()
    stop("The R child process did not finish in 120 s.")
  }
  process$get_result()
}

in_fresh_r <- function(f, env = character()) {
  fresh_r_result(start_fresh_r(f, env))
}

# The python of the r-torchbridge virtualenv, when it has torch.
venv_with_torch <- function() {
  if (!reticulate::virtualenv_exists("r-torchbridge") ||
    is.null(torchbridge:::torch_installed("r-torchbridge"))) {
    skip("the virtualenv r-torchbridge with torch does not exist")
  }
  reticulate::virtualenv_python("r-torchbridge")
}

# A new virtualenv without torch (removed when the calling test ends).
local_python_without_torch <- function(env = parent.frame()) {
  python3 <- Sys.which("python3")
  if (!nzchar(python3)) skip("no python3 to make a virtualenv with")
  dir <- withr::local_tempdir("tb-notorch-", .local_envir = env)
  status <- suppressWarnings(system2(python3, c("-m", "venv", "--without-pip", shQuote(dir)),
                                     stdout = FALSE, stderr = FALSE))
  python <- file.path(dir, "bin", "python")
  if (!identical(status, 0L) || !file.exists(python)) skip("python3 -m venv failed")
  has_torch <- system2(python, c("-c", shQuote("import torch")), stdout = FALSE, stderr = FALSE)
  if (identical(has_torch, 0L)) skip("a new virtualenv sees torch (system site packages?)")
  python
}

same_path <- function(a, b) {
  identical(normalizePath(a, mustWork = FALSE), normalizePath(b, mustWork = FALSE))
}

# In the child: the first call that needs torch, then which Python it used
# and why.
discovery_report <- function() {
  t <- torchbridge::as_torch(c(1, 2))
  list(
    value = torchbridge::from_torch(t),
    reason = torchbridge:::.tb$reason,
    prefix = reticulate::py_to_r(reticulate::import("sys", convert = FALSE)$prefix)
  )
}

# The same without importing torch (seconds faster): torchbridge's choice,
# then the Python that reticulate starts from it.
choice_report <- function() {
  torchbridge:::choose_python()
  reticulate::py_config()
  list(
    reason = torchbridge:::.tb$reason,
    prefix = reticulate::py_to_r(reticulate::import("sys", convert = FALSE)$prefix)
  )
}
