#!/usr/bin/env bash
# `make check-memory`: torchbridge's data path under gctorture(TRUE)
# (tools/check-memory-gctorture.R), then under valgrind memcheck
# (tools/check-memory-valgrind.R). Exits non-zero on a finding: a case whose
# result is wrong, an R error, a crash, or a valgrind error whose stack
# touches torchbridge's code (torchbridge.so) or the copies into R memory
# it starts. CHECK_MEMORY_STAGES="gctorture" or "valgrind" runs one stage.
# Takes several minutes for the gctorture stage (about 3 s a case) and
# longer under valgrind (Python and torch run ~50 times slower there).
set -uo pipefail
cd "$(dirname "$0")/.."
stages="${CHECK_MEMORY_STAGES:-gctorture valgrind}"
status=0
log_dir="$(mktemp -d)"

for stage in $stages; do
  start=$(date +%s)
  case "$stage" in
    gctorture)
      Rscript tools/check-memory-gctorture.R > "$log_dir/gctorture.log" 2>&1
      rc=$?
      last="$(grep -E '^gctorture: ' "$log_dir/gctorture.log" | tail -n 1)"
      if [ "$rc" -ne 0 ] || [ -z "$last" ]; then
        grep -vE ' \.\.\. ok ' "$log_dir/gctorture.log" | tail -n 40
        running="$(grep -E '^\[[0-9]+\]' "$log_dir/gctorture.log" | tail -n 1)"
        [ -z "$last" ] && echo "gctorture: R died (exit $rc) during: $running"
        status=1
      fi
      echo "${last:-gctorture: no summary} ($(( $(date +%s) - start )) s)"
      ;;
    valgrind)
      if ! command -v valgrind > /dev/null; then
        echo "valgrind: not installed (apt-get install valgrind)"; status=1; continue
      fi
      vlog="$log_dir/valgrind.%p.log"
      R -d "valgrind --tool=memcheck --error-exitcode=0 --num-callers=40 --suppressions=tools/valgrind.supp --log-file=$vlog" \
        --vanilla -f tools/check-memory-valgrind.R > "$log_dir/valgrind-script.log" 2>&1
      rc=$?
      last="$(grep -E '^valgrind-script: ' "$log_dir/valgrind-script.log" | tail -n 1)"
      # Error records (blocks starting "==pid== <Kind>") whose stack names torchbridge.
      findings="$(cat "$log_dir"/valgrind.*.log 2>/dev/null | awk '
        /^==[0-9]+== [A-Z]/ && !/HEAP SUMMARY|LEAK SUMMARY|ERROR SUMMARY|Memcheck|Copyright|Using Valgrind|Command:|Parent PID|For lists|For counts|Rerun with|All heap blocks|in use at exit|total heap usage|definitely lost|indirectly lost|possibly lost|still reachable|suppressed:/ {
          if (block != "" && block ~ /torchbridge/) print block "\n"
          block = $0; next }
        /^==[0-9]+==    (at|by) / { block = block "\n" $0; next }
        /^==[0-9]+== *$/ { if (block != "" && block ~ /torchbridge/) print block "\n"; block = "" }
        END { if (block != "" && block ~ /torchbridge/) print block }')"
      if [ -n "$findings" ]; then
        echo "$findings" | head -n 80
        echo "valgrind: errors in torchbridge's code (logs in $log_dir)"
        status=1
      fi
      if [ "$rc" -ne 0 ] || [ -z "$last" ]; then
        tail -n 30 "$log_dir/valgrind-script.log"
        echo "valgrind: the script failed or R died (exit $rc)"
        status=1
      fi
      echo "${last:-valgrind-script: no summary}; valgrind findings: $( [ -n "$findings" ] && echo yes || echo none ) ($(( $(date +%s) - start )) s)"
      ;;
    *) echo "unknown stage: $stage"; status=1 ;;
  esac
done
[ "$status" -eq 0 ] && rm -rf "$log_dir"
exit "$status"
