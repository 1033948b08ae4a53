#!/usr/bin/env bash
# `make check-generated`: man/, NAMESPACE and README.md must be what
# roxygen2 and knitr make of the sources. Regenerates them in a copy of the
# checkout and compares (the README's figures are left out: PNG bytes vary
# with the graphics library). Fails with the difference.
set -uo pipefail
cd "$(dirname "$0")/.."
copy="$(mktemp -d)"
tar --exclude=./.git --exclude='./.lint-venv' -cf - . | tar -C "$copy" -xf -
( cd "$copy" && Rscript -e 'roxygen2::roxygenise(load_code = "source")' > roxygen.log 2>&1 ) || {
  cat "$copy/roxygen.log"; echo "roxygen2 failed"; exit 1; }
( cd "$copy" && Rscript -e 'rmarkdown::render("README.Rmd", quiet = TRUE)' > readme.log 2>&1 ) || {
  cat "$copy/readme.log"; echo "rendering README.Rmd failed"; exit 1; }
status=0
for path in man NAMESPACE README.md; do
  if ! diff -r -x figures "$path" "$copy/$path" > "$copy/diff.txt" 2>&1; then
    echo "$path is not what the sources generate (run make document / make readme):"
    head -40 "$copy/diff.txt"
    status=1
  fi
done
rm -rf "$copy"
[ "$status" -eq 0 ] && echo "man/, NAMESPACE and README.md match their sources"
exit "$status"
