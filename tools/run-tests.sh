#!/usr/bin/env bash
# `make test`: the R tests, then the Python tests, then one line with both.
set -uo pipefail
python="$(tail -n 1 .stamp-python)"
log="$(mktemp)"
Rscript tools/run-testthat.R 2>&1 | tee "$log"
r_status=${PIPESTATUS[0]}
bash tools/run-pytest.sh "$python" 2>&1 | tee -a "$log"
py_status=${PIPESTATUS[0]}
counts=$(grep -E '^(testthat|pytest): [0-9]+ passed, [0-9]+ failed' "$log")
passed=$(echo "$counts" | awk '{ s += $2 } END { print s + 0 }')
failed=$(echo "$counts" | awk '{ s += $4 } END { print s + 0 }')
rm -f "$log"
if [ "$(echo "$counts" | wc -l)" -lt 2 ]; then
  echo "A test runner did not report its counts."
  failed=$((failed + 1))
fi
echo "total: ${passed} passed, ${failed} failed"
[ "$r_status" -eq 0 ] && [ "$py_status" -eq 0 ] && [ "$failed" -eq 0 ]
