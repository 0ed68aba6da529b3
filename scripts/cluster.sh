#!/usr/bin/env bash
# A standalone SignalStream cluster on this machine, from Maven artifacts: a Kafka broker, a Flink
# JobManager (StandaloneSessionClusterEntrypoint) and TaskManager (TaskManagerRunner) as separate JVMs
# with flink-conf/config.yaml, and the query API. PID files and logs live in $CLUSTER_DIR (.run/).
#
#   cluster.sh up                  start whatever is not running (idempotent: brings back what crashed)
#   cluster.sh down                stop everything
#   cluster.sh status              what runs
#   cluster.sh start|stop|kill C   one component (kafka, jobmanager, taskmanager, query-api); kill is kill -9
#   cluster.sh submit [ARGS...]    submit the job (extra ARGS go to the job, e.g. --exactly-once true)
#   cluster.sh savepoint           trigger a savepoint of the running job
#   cluster.sh stop-job            stop the job with a savepoint
#   cluster.sh cancel              cancel the job (its checkpoints are retained)
#   cluster.sh resume [PATH]       start the job from PATH, or from the latest savepoint or checkpoint
#   cluster.sh replay              cancel, then a fresh job rebuilds state from the earliest offsets
#   cluster.sh flink ARGS...       Flink's own CLI against this cluster
set -euo pipefail
# Never fail silently: name the line and command that stopped the script.
trap 'echo "cluster: failed at line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUN="${CLUSTER_DIR:-$ROOT/.run}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-6123}"
API_PORT="${API_PORT:-8080}"
TOPIC_PARTITIONS="${TOPIC_PARTITIONS:-4}"
JOB_PARALLELISM="${JOB_PARALLELISM:-2}"
JAVA_HOME="${JAVA_HOME:-$("$ROOT/scripts/find-jdk.sh")}"
JAVA="$JAVA_HOME/bin/java"
LIB="$ROOT/flink-cluster/target/lib"
JOB_JAR="$(ls "$ROOT"/flink-job/target/flink-job-*-all.jar 2>/dev/null | head -n 1 || true)"
API_JAR="$(ls "$ROOT"/query-api/target/query-api-*.jar 2>/dev/null | head -n 1 || true)"
CONF="$RUN/conf"
COMPONENTS=(kafka jobmanager taskmanager query-api)

die() { echo "cluster: $*" >&2; exit 1; }
need_build() {
  [ -d "$LIB" ] && [ -n "$JOB_JAR" ] && [ -n "$API_JAR" ] && [ -f "$ROOT/local-stack/target/classpath.txt" ] \
    || die "build first: make build"
}
pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }
running() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# Waits until a TCP port answers on localhost, or fails after $2 seconds.
wait_port() {
  local port=$1 limit=${2:-120} name=$3 start=$SECONDS
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    running "$name" || die "$name exited; see $RUN/$name.log"
    [ $((SECONDS - start)) -lt "$limit" ] || die "$name did not open port $port within ${limit}s; see $RUN/$name.log"
    sleep 0.5
  done
}

# The cluster's configuration: flink-conf/config.yaml with this machine's folders and ports.
write_conf() {
  mkdir -p "$CONF" "$RUN/checkpoints" "$RUN/savepoints"
  local overridden='^(execution\.checkpointing\.dir|execution\.checkpointing\.savepoint-dir|jobmanager\.rpc\.(address|port)|rest\.(address|port|bind-address)|jobmanager\.bind-host|taskmanager\.(bind-host|host)):'
  grep -Ev "$overridden" "$ROOT/flink-conf/config.yaml" > "$CONF/config.yaml"
  cat >> "$CONF/config.yaml" <<YAML

# Written by scripts/cluster.sh for this machine (loopback only).
execution.checkpointing.dir: file://$RUN/checkpoints
execution.checkpointing.savepoint-dir: file://$RUN/savepoints
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $FLINK_RPC_PORT
jobmanager.bind-host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $FLINK_REST_PORT
YAML
  cp "$ROOT/flink-conf/log4j.properties" "$CONF/log4j.properties"
  cp "$ROOT/flink-conf/log4j.properties" "$CONF/log4j-cli.properties"
}

# JVM settings and dynamic properties Flink derives from its memory configuration, as its own
# jobmanager.sh and taskmanager.sh obtain them (BashJavaUtils).
flink_resource_params() {
  local raw
  raw=$("$JAVA" -cp "$LIB/*" -Dlog4j.configurationFile=file:"$CONF/log4j-cli.properties" -Dlog.file=/dev/null \
        org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF" 2>&1) \
    || die "Flink's BashJavaUtils $1 failed: $raw"
  case "$raw" in
    *BASH_JAVA_UTILS_EXEC_RESULT:*) printf '%s\n' "$raw" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' ;;
    *) die "could not compute Flink's $1: $raw" ;;
  esac
}

launch() {
  local name=$1; shift
  if running "$name"; then echo "$name already running (pid $(pid_of "$name"))"; return; fi
  mkdir -p "$RUN"
  nohup "$@" >> "$RUN/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
  echo "started $name (pid $!), log $RUN/$name.log"
}

start_component() {
  need_build
  write_conf
  case "$1" in
    kafka)
      launch kafka "$JAVA" @"$ROOT/scripts/jvm.options" -Xmx1g -Dlog4j.configurationFile=file:"$ROOT/local-stack/src/main/resources/log4j2.xml" \
        -cp "$(cat "$ROOT/local-stack/target/classpath.txt")" io.signalstream.kafka.KafkaServerMain "$RUN/kafka" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$TOPIC_PARTITIONS"
      wait_port "$KAFKA_PORT" 120 kafka ;;
    jobmanager)
      local jm; jm=$(flink_resource_params GET_JM_RESOURCE_PARAMS); jm=${jm%%$'\n'*}
      # shellcheck disable=SC2086
      launch jobmanager "$JAVA" @"$ROOT/scripts/jvm.options" $jm -Dlog.file="$RUN/jobmanager.log" \
        -Dlog4j.configurationFile=file:"$CONF/log4j.properties" -cp "$LIB/*" \
        org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF"
      wait_port "$FLINK_REST_PORT" 120 jobmanager ;;
    taskmanager)
      local params jvm dyn; params=$(flink_resource_params GET_TM_RESOURCE_PARAMS)
      jvm=$(echo "$params" | sed -n 1p); dyn=$(echo "$params" | sed -n 2p)
      # shellcheck disable=SC2086
      launch taskmanager "$JAVA" @"$ROOT/scripts/jvm.options" $jvm -Dlog.file="$RUN/taskmanager.log" \
        -Dlog4j.configurationFile=file:"$CONF/log4j.properties" -cp "$LIB/*" \
        org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" $dyn ;;
    query-api)
      SIGNALSTREAM_API_KEYS="$(api_keys)" KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
        SIGNALSTREAM_STORE_DIR="${SIGNALSTREAM_STORE_DIR:-$RUN/api-store}" launch query-api "$JAVA" -Xmx512m -Dserver.port="$API_PORT" -Dserver.host=127.0.0.1 -jar "$API_JAR"
      wait_port "$API_PORT" 60 query-api ;;
    *) die "unknown component '$1' (one of ${COMPONENTS[*]})" ;;
  esac
}

stop_component() {
  local name=$1 signal=${2:-TERM} pid
  pid=$(pid_of "$name")
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then rm -f "$RUN/$name.pid"; return; fi
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$RUN/$name.pid"
  echo "stopped $name ($signal)"
}

flink_cli() {
  need_build
  write_conf
  FLINK_CONF_DIR="$CONF" "$JAVA" @"$ROOT/scripts/jvm.options" -Xmx512m -Dlog.file="$RUN/flink-client.log" \
    -Dlog4j.configurationFile=file:"$CONF/log4j-cli.properties" -cp "$LIB/*" org.apache.flink.client.cli.CliFrontend "$@"
}

# The API's keys: SIGNALSTREAM_API_KEYS if set, else a development key for demo-tenant made once
# and kept in $RUN/api-key (owner-readable only).
api_keys() {
  if [ -n "${SIGNALSTREAM_API_KEYS:-}" ]; then echo "$SIGNALSTREAM_API_KEYS"; return; fi
  if [ ! -s "$RUN/api-key" ]; then
    mkdir -p "$RUN"
    (umask 077; printf 'ss_%s\n' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" > "$RUN/api-key")
  fi
  echo "$(cat "$RUN/api-key")=demo-tenant/ingest+read+admin"
}

job_id() { cat "$RUN/job.id" 2>/dev/null || die "no job submitted yet (cluster.sh submit)"; }

run_job() {
  local out
  out=$(flink_cli run -d -p "$JOB_PARALLELISM" "$@" 2>&1) || { echo "$out" >&2; die "submission failed"; }
  echo "$out" | grep -v '^WARNING' || true
  echo "$out" | sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' | tail -n 1 > "$RUN/job.id"
  [ -s "$RUN/job.id" ] || die "no job id in Flink's answer"
  echo "job $(cat "$RUN/job.id") running; Flink web UI http://localhost:$FLINK_REST_PORT"
}

# After a submission: waits until every task of the job runs, or stops with Flink's reason when the
# job fails or restarts instead (e.g. a snapshot it cannot restore), and says what to do.
await_running() {
  command -v curl >/dev/null || { echo "(curl not found: not waiting for the job's tasks)"; return 0; }
  local id state body i
  id=$(job_id)
  for i in $(seq 1 180); do
    body=$(curl -fsS "http://localhost:$FLINK_REST_PORT/jobs/$id" 2>/dev/null) || body=""
    state=$(printf '%s' "$body" | sed -n 's/^{[^}]*"state":"\([A-Z]*\)".*/\1/p')
    case "$state" in
      FAILING|FAILED|RESTARTING|CANCELED)
        local cause
        cause=$(curl -fsS "http://localhost:$FLINK_REST_PORT/jobs/$id/exceptions" 2>/dev/null \
          | grep -o 'Caused by: [^\\]*' | tail -n 1)
        flink_cli cancel "$id" >/dev/null 2>&1 || true
        echo "The job did not start (it is $state): ${cause:-see the Flink web UI}" >&2
        if [ -n "${RESUMED_FROM:-}" ]; then
          echo "It was resuming from $RESUMED_FROM. Either resume without the state no operator of" >&2
          echo "this job claims: ALLOW_NON_RESTORED_STATE=1 make resume, or start with empty" >&2
          echo "state: make submit (the job re-reads support.messages.raw from its group's offsets)." >&2
        fi
        die "job cancelled" ;;
    esac
    if [ "$state" = RUNNING ] && ! printf '%s' "$body" | grep -Eq '"status":"(CREATED|SCHEDULED|DEPLOYING|INITIALIZING)"'; then
      echo "every task of job $id is running"; return 0
    fi
    sleep 0.5
  done
  echo "the job's tasks are not all running after 90 s; see the Flink web UI" >&2
}

job_args() { echo --bootstrap-servers "127.0.0.1:$KAFKA_PORT" ${EXACTLY_ONCE:+--exactly-once "$EXACTLY_ONCE"}; }

latest_snapshot() {
  # The newest savepoint or retained checkpoint (a folder with _metadata).
  find "$RUN/savepoints" "$RUN/checkpoints" -name _metadata -printf '%T@ %h\n' 2>/dev/null | sort -n | tail -n 1 | cut -d' ' -f2
}

cmd=${1:-status}; shift || true
case "$cmd" in
  up) for c in "${COMPONENTS[@]}"; do start_component "$c"; done
      echo "cluster up: API http://localhost:$API_PORT  Flink http://localhost:$FLINK_REST_PORT  Kafka 127.0.0.1:$KAFKA_PORT"
      [ -n "${SIGNALSTREAM_API_KEYS:-}" ] || echo "dashboard http://localhost:$API_PORT/  API key $(cat "$RUN/api-key") (tenant demo-tenant)" ;;
  down) for c in query-api taskmanager jobmanager kafka; do stop_component "$c"; done ;;
  status) for c in "${COMPONENTS[@]}"; do if running "$c"; then echo "$c running (pid $(pid_of "$c"))"; else echo "$c stopped"; fi; done ;;
  start) start_component "${1:?component}" ;;
  stop) stop_component "${1:?component}" ;;
  kill) stop_component "${1:?component}" KILL ;;
  submit) # shellcheck disable=SC2046
          run_job "$JOB_JAR" $(job_args) "$@"; await_running ;;
  savepoint) flink_cli savepoint "$(job_id)" "file://$RUN/savepoints" ;;
  stop-job) flink_cli stop --savepointPath "file://$RUN/savepoints" "$(job_id)" ;;
  cancel) flink_cli cancel "$(job_id)" ;;
  resume) path=${1:-$(latest_snapshot)}; [ -n "$path" ] || die "no savepoint or checkpoint to resume from"
          echo "resuming from $path"
          # shellcheck disable=SC2046
          run_job -s "$path" ${ALLOW_NON_RESTORED_STATE:+--allowNonRestoredState} "$JOB_JAR" $(job_args)
          RESUMED_FROM=$path await_running ;;
  replay) if [ -s "$RUN/job.id" ]; then flink_cli cancel "$(job_id)" || true; fi
          # shellcheck disable=SC2046
          run_job "$JOB_JAR" $(job_args) --group-id "signalstream-replay-$(date +%s)" ;;
  flink) flink_cli "$@" ;;
  *) die "unknown command '$cmd'; see the top of $0" ;;
esac
