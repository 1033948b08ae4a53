#!/usr/bin/env bash
# Installs the Debian packages torchbridge's build, tests and demo need,
# only those that are missing. Safe to run again: with nothing missing it
# does nothing.
set -euo pipefail

pkgs=(
  r-base-core r-base-dev r-cran-reticulate r-cran-rlang r-cran-cli
  r-cran-testthat r-cran-withr r-cran-callr r-cran-waldo r-cran-bit64
  r-cran-ggplot2 r-cran-knitr r-cran-rmarkdown r-cran-bench pandoc
  r-cran-roxygen2 r-cran-lintr
)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# reticulate creates the virtualenv with `python3 -m venv`.
if ! python3 -m venv --help >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
