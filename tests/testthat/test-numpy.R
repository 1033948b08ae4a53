# torchbridge never converts through NumPy, so it works whatever NumPy the
# Python has: none, 1.x, or 2.x, which reticulate < 1.38 refuses to convert.

# A virtualenv with NumPy 2 that sees r-torchbridge's torch through a .pth
# file (its own site-packages come first, so its NumPy wins).
local_numpy2_python <- function(env = parent.frame()) {
  skip_if_not(reticulate::virtualenv_exists("r-torchbridge"), "no virtualenv r-torchbridge")
  torch_site <- torchbridge:::venv_site_packages("r-torchbridge")
  skip_if(length(torch_site) == 0L, "r-torchbridge has no site-packages")
  dir <- withr::local_tempdir("tb-numpy2-", .local_envir = env)
  base <- reticulate::virtualenv_python("r-torchbridge")
  ok <- system2(base, c("-m", "venv", "--without-pip", dir), stdout = FALSE, stderr = FALSE) == 0
  skip_if_not(ok, "can't create a virtualenv")
  python <- file.path(dir, "bin", "python")
  site <- Sys.glob(file.path(dir, "lib", "python*", "site-packages"))
  ok <- system2(base, c("-m", "pip", "install", "-q", "--target", shQuote(site), "numpy>=2"),
                stdout = FALSE, stderr = FALSE) == 0
  skip_if_not(ok, "can't install NumPy 2 (no package index?)")
  writeLines(torch_site, file.path(site, "zz-torchbridge.pth"))
  python
}

test_that("conversions work when the Python has NumPy 2", {
  skip_if_no_torch()
  python <- local_numpy2_python()
  res <- callr::r(function() {
    library(torchbridge)
    x <- matrix(c(1.5, NA, 3, 4, 5, 6), 2)
    t <- as_torch(x, dtype = "float64")
    np <- reticulate::import("numpy")
    list(
      numpy = np$`__version__`,
      back = from_torch(t),
      ints = from_torch(as_torch(1:5))
    )
  }, env = c(callr::rcmd_safe_env(), TORCHBRIDGE_PYTHON = python, RETICULATE_PYTHON = ""),
     libpath = .libPaths())
  expect_match(res$numpy, "^2\\.")
  expect_identical(res$back, matrix(c(1.5, NA, 3, 4, 5, 6), 2))
  expect_identical(res$ints, 1:5)
})
