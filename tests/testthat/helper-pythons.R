# Pythons with an optional package (NumPy 2, TensorFlow...) for tests that
# must not touch r-torchbridge: a virtualenv of its own, holding `packages`
# (installed with r-torchbridge's pip into the virtualenv's site-packages,
# which come first) and reaching r-torchbridge's torch through a .pth file.
# Made once per `name` under the test cache (TORCHBRIDGE_TEST_CACHE, by
# default torchbridge's user cache folder) and reused; skips the test, with
# the reason, where it can't be made. Returns the Python's path.
local_test_python <- function(name, packages) {
  skip_if_not(reticulate::virtualenv_exists("r-torchbridge"), "no virtualenv r-torchbridge")
  torch_site <- torchbridge:::venv_site_packages("r-torchbridge")
  skip_if(length(torch_site) == 0L, "r-torchbridge has no site-packages")
  cache <- Sys.getenv("TORCHBRIDGE_TEST_CACHE", file.path(tools::R_user_dir("torchbridge", "cache"), "test-pythons"))
  dir <- file.path(cache, name)
  python <- file.path(dir, "bin", "python")
  done <- file.path(dir, ".torchbridge-complete")
  if (!file.exists(done)) {
    unlink(dir, recursive = TRUE)
    dir.create(cache, recursive = TRUE, showWarnings = FALSE)
    base <- reticulate::virtualenv_python("r-torchbridge")
    ok <- system2(base, c("-m", "venv", "--without-pip", shQuote(dir)), stdout = FALSE, stderr = FALSE) == 0
    skip_if_not(ok, paste("can't create a virtualenv in", dir))
    site <- Sys.glob(file.path(dir, "lib", "python*", "site-packages"))
    ok <- system2(base, c("-m", "pip", "install", "-q", "--target", shQuote(site), shQuote(packages)),
                  stdout = FALSE, stderr = FALSE) == 0
    if (!ok) unlink(dir, recursive = TRUE)
    skip_if_not(ok, paste("can't install", paste(packages, collapse = " "), "(no package index?)"))
    writeLines(torch_site, file.path(site, "zz-torchbridge.pth"))
    file.create(done)
  }
  python
}

# Runs `fun` in a fresh R process whose torchbridge uses `python`.
with_test_python <- function(python, fun) {
  callr::r(fun, env = c(callr::rcmd_safe_env(), TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = ""),
           libpath = .libPaths())
}
