#!/usr/bin/env bash
# After a failed build: what failed, in the last lines of the output (where a CI page shows it).
# Names the failing or crashed test classes, the crash's exit code, the first lines of any JVM
# crash report, and the end of each failing class's own output (tests redirect it to files).
# Usage: scripts/ci-summary.sh <build log>
set -uo pipefail
cd "$(dirname "$0")/.."
log="${1:?usage: scripts/ci-summary.sh <build log>}"

echo
echo "==== what failed ===="
for crash in $(find . -path ./.git -prune -o \( -name 'hs_err_pid*.log' -o -name 'hs_err*.txt' \) -print 2>/dev/null); do
  echo "-- JVM crash report $crash:"
  grep -m 6 -E '^# (SIGSEGV|SIGBUS|Internal Error|Out of Memory|Problematic frame|C  \[|J |V  \[)|^# +[A-Za-z]' "$crash" | cut -c1-200
done
for witness in $(find . -path ./.git -prune -o -name 'jvm-exit-*.txt' -print 2>/dev/null | head -3); do
  echo "-- $witness (who ended a test JVM early, see ForkExitWitness):"
  grep -v -E '^\s+at (java\.base|org\.junit|org\.apache\.maven)' "$witness" | head -n 14 | cut -c1-200
done
for dump in $(find . -path ./.git -prune -o -name '*.dumpstream' -print 2>/dev/null | head -3); do
  echo "-- $dump (last lines):"
  grep -v '^\s*$' "$dump" | tail -n 4 | cut -c1-200
done
# The classes that failed or crashed, each with the end of its own output.
classes=$(grep -E '<<< (FAIL|ERROR)|Crashed tests:|^\[ERROR\] +(io\.signalstream\.[A-Za-z0-9_.]+)' "$log" |
  grep -oE 'io\.signalstream\.[A-Za-z0-9_.]+[A-Z][A-Za-z0-9_]+' | sed -E 's/\.[a-z][A-Za-z0-9_]*$//' | sort -u | head -4)
for class in $classes; do
  out=$(find . -path "*/surefire-reports/$class-output.txt" 2>/dev/null | head -1)
  if [ -n "$out" ]; then
    echo "-- end of $class's output:"
    grep -v -E '^\s*(at |\.\.\. [0-9]+ more)|^\s*$' "$out" | tail -n 4 | cut -c1-200
  fi
done
echo "-- the build's own words:"
grep -E 'Tests run:.*(Failures: [1-9]|Errors: [1-9])|<<< (FAIL|ERROR)|Crashed tests|Process Exit Code|forked VM|There was a timeout|ExecutionException|Failed to execute goal|^\[ERROR\] io\.signalstream\.[A-Za-z0-9_.]+$|^\[ERROR\] +[A-Za-z]+ITCase|^\[ERROR\] +[A-Za-z]+Test' "$log" |
  cut -c1-240 | tail -n 12
