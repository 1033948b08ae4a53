# Creates (or checks) the r-torchbridge virtualenv through the package's own
# install_torch(), with torch pinned, and adds what the Python tests use.
# Prints the virtualenv's python path as its last line.
torch_version <- Sys.getenv("TORCHBRIDGE_TORCH_VERSION", "2.13.0")
torchbridge::install_torch(version = torch_version)
python <- reticulate::virtualenv_python("r-torchbridge")
has <- function(module) {
  system2(python, c("-c", shQuote(paste("import", module))), stdout = FALSE, stderr = FALSE) == 0
}
if (!has("pytest") || !has("hypothesis")) {
  reticulate::virtualenv_install("r-torchbridge", c("pytest", "hypothesis"), ignore_installed = FALSE)
}
cat(python, "\n", sep = "")
