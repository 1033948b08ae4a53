#!/usr/bin/env bash
# `make check`: R CMD build, then R CMD check --no-manual of the tarball, in
# a temporary folder. Prints the check's findings; fails on an ERROR or
# WARNING (or a failed build). TORCHBRIDGE_CHECK_ARGS: more options for R
# CMD check (CI passes --no-tests: `make test` has just run them).
set -uo pipefail
cd "$(dirname "$0")/.."
src="$PWD"
dir="$(mktemp -d)"
( cd "$dir" && R CMD build "$src" ) > "$dir/build.log" 2>&1 || {
  cat "$dir/build.log"; echo "R CMD build failed"; exit 1; }
tarball="$(ls "$dir"/torchbridge_*.tar.gz)"
( cd "$dir" && _R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual ${TORCHBRIDGE_CHECK_ARGS:-} "$tarball" ) > "$dir/check.log" 2>&1
status=$?
grep -E "^\* checking|^Status|NOTE|WARNING|ERROR" "$dir/check.log" | grep -vE "\.\.\. OK$" || true
if [ "$status" -ne 0 ] || grep -qE "^Status: .*(ERROR|WARNING)" "$dir/check.log"; then
  cat "$dir/check.log"
  tail -50 "$dir"/torchbridge.Rcheck/00check.log 2>/dev/null
  tail -50 "$dir"/torchbridge.Rcheck/tests/testthat.Rout.fail 2>/dev/null
  echo "R CMD check failed"
  exit 1
fi
echo "R CMD check: $(grep -E '^Status:' "$dir/check.log")"
rm -rf "$dir"
