#!/usr/bin/env bash
# The offline agents' JMH rate (all agents on one message, one thread) against another commit's, in
# one run: both are built, then measured alternately ROUNDS times; prints each round, the medians
# and the ratio. Usage: scripts/bench-agents-against.sh <commit> [rounds]   (e.g. 8edf5d2, 3)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BASE="${1:?name the commit to compare against}"
ROUNDS="${2:-3}"
JAVA_HOME="${JAVA_HOME:-$("$ROOT/scripts/find-jdk.sh")}"
export JAVA_HOME
WORK="$(mktemp -d)"
trap 'git -C "$ROOT" worktree remove --force "$WORK/base" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
git -C "$ROOT" worktree add --detach "$WORK/base" "$BASE" >/dev/null
classpath() { # module dir -> test classpath file
  (cd "$1" && ./mvnw -q -B -pl flink-job -am install -DskipTests -Dspotless.check.skip=true >/dev/null \
    && ./mvnw -q -B -pl flink-job test-compile dependency:build-classpath -Dspotless.check.skip=true \
         -Dmdep.includeScope=test -Dmdep.outputFile="$2" >/dev/null)
  echo "$1/flink-job/target/test-classes:$1/flink-job/target/classes:$(cat "$2")"
}
CP_BASE="$(classpath "$WORK/base" "$WORK/base.cp")"
CP_HEAD="$(classpath "$ROOT" "$WORK/head.cp")"
run() { "$JAVA_HOME/bin/java" -cp "$2" org.openjdk.jmh.Main 'AgentsBenchmark.allAgentsOnOneMessage' \
  -f 1 -wi 2 -w 2s -i 3 -r 2s -t 1 -rf json -rff "$WORK/$1.json" >/dev/null
  python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))[0]['primaryMetric']['score']))" "$WORK/$1.json"; }
base=(); head=()
for r in $(seq "$ROUNDS"); do
  b=$(run "base-$r" "$CP_BASE"); h=$(run "head-$r" "$CP_HEAD")
  echo "round $r: $BASE $b/s, HEAD $h/s"; base+=("$b"); head+=("$h")
done
python3 - "${base[*]}" "${head[*]}" <<'PY'
import statistics, sys
b = [float(x) for x in sys.argv[1].split()]; h = [float(x) for x in sys.argv[2].split()]
print(f"median: base {statistics.median(b):.0f}/s (range {min(b):.0f}-{max(b):.0f}), "
      f"HEAD {statistics.median(h):.0f}/s (range {min(h):.0f}-{max(h):.0f}), "
      f"ratio {statistics.median(h) / statistics.median(b):.2f}")
PY
