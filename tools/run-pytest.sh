#!/usr/bin/env bash
# Runs the Python tests with the virtualenv's Python and prints
# "pytest: N passed, N failed[, N skipped]". Exits non-zero on a failure.
set -uo pipefail
python="$1"
xml="$(mktemp)"
"$python" -m pytest tests/python -q -p no:cacheprovider --junitxml="$xml"
status=$?
"$python" - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
n = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(f"pytest: {n - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY
rm -f "$xml"
# pytest exits 5 when it collected nothing: that is a failure here too.
exit $status
