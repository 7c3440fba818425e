#!/usr/bin/env bash
# A standalone Flink cluster of separate processes on this machine (one JobManager, N TaskManagers,
# started from Flink's own entry points with Maven-resolved jars) and a Kafka broker in its own
# process; submits the Payable jobs to it through the REST API. Everything binds to 127.0.0.1.
#
#   payable-cluster.sh start                  Kafka, JobManager and $PAYABLE_TASKMANAGERS TaskManagers
#   payable-cluster.sh submit [JOB [ARGS...]] upload the job jar, run every job in jobs/ (or JOB,
#                                             with extra "--key value" ARGS appended)
#   payable-cluster.sh status                 processes and jobs
#   payable-cluster.sh start-taskmanager N    start TaskManager N (e.g. to replace a lost one)
#   payable-cluster.sh kill-taskmanager N     kill -9 TaskManager N (fault injection)
#   payable-cluster.sh stop                   stop every process, TaskManagers first
#   payable-cluster.sh run [SECONDS]          start, submit, wait (Ctrl-C or SECONDS), stop
#
# Environment (defaults in brackets):
#   PAYABLE_CLUSTER_DIR      state: config, logs, pids, data, checkpoints [<repo>/target/payable-cluster]
#   PAYABLE_JOB_JAR          the shaded job jar [jobs/target/payable-jobs-*-job.jar]
#   PAYABLE_TASKMANAGERS [2]  PAYABLE_TASK_SLOTS [4]
#   PAYABLE_TASKMANAGER_MEMORY [1g]  PAYABLE_JOBMANAGER_MEMORY [768m]
#   PAYABLE_REST_PORT, PAYABLE_RPC_PORT      [a free port each]
#   PAYABLE_KAFKA_PARTITIONS [2]
#   PAYABLE_CHAIN_ID [31337]  PAYABLE_DATANET_REGISTRY [0x5FbDB2315678afecb367f032d93F642f64180aa3]
#   PAYABLE_DATANETS [0xaa…aa:OPEN]  PAYABLE_CHECKPOINT_INTERVAL [10s]
#   PAYABLE_PROTOCOL_TREASURY [anvil account 1]  PAYABLE_SHARD_MAX_SYMBOLS [16777216]
#   PAYABLE_CHAIN_RPC_URL, PAYABLE_CHAIN_DEPLOYMENT (the contracts' deployment file: the chain id
#     and the DatanetRegistry, ModelRegistry and ProtocolParams addresses default to its values,
#     and the attribution job reads workers, adapters and parameters from the chain),
#     PAYABLE_SETTLER_KEY_SOURCE (env:VAR or file:PATH): the settlement job runs once all three are set
#   PAYABLE_EPOCH_LENGTH [ProtocolParams.epochLength()]  PAYABLE_ALLOWED_LATENESS [5min]
#   PAYABLE_MAX_OUT_OF_ORDERNESS [30s]  PAYABLE_SOURCE_IDLE_TIMEOUT [1min]  (settlement job)
# Build first: ./mvnw -B -DskipTests package
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

export CLUSTER_DIR="${PAYABLE_CLUSTER_DIR:-$repo/target/payable-cluster}"
export DATA_URI="file://$CLUSTER_DIR/data"

# A field of the contracts' deployment file (JSON, docs/contracts.md): an address or a number.
deployment_field() {
  grep -o "\"$1\" *: *\"\{0,1\}[0-9A-Fa-fx]*" "$PAYABLE_CHAIN_DEPLOYMENT" | head -1 |
    sed 's/.*: *"\{0,1\}//' || true
}
if [[ -n "${PAYABLE_CHAIN_DEPLOYMENT:-}" && -f "$PAYABLE_CHAIN_DEPLOYMENT" ]]; then
  export PAYABLE_CHAIN_ID="${PAYABLE_CHAIN_ID:-$(deployment_field chainId)}"
  export PAYABLE_DATANET_REGISTRY="${PAYABLE_DATANET_REGISTRY:-$(deployment_field datanetRegistry)}"
  export PAYABLE_MODEL_REGISTRY="${PAYABLE_MODEL_REGISTRY:-$(deployment_field modelRegistry)}"
  export PAYABLE_PROTOCOL_PARAMS="${PAYABLE_PROTOCOL_PARAMS:-$(deployment_field protocolParams)}"
fi
export PAYABLE_CHAIN_ID="${PAYABLE_CHAIN_ID:-31337}"
export PAYABLE_DATANET_REGISTRY="${PAYABLE_DATANET_REGISTRY:-0x5FbDB2315678afecb367f032d93F642f64180aa3}"
export PAYABLE_DATANETS="${PAYABLE_DATANETS:-0x$(printf 'aa%.0s' {1..32}):OPEN}"
export PAYABLE_CHECKPOINT_INTERVAL="${PAYABLE_CHECKPOINT_INTERVAL:-10s}"
export PAYABLE_PROTOCOL_TREASURY="${PAYABLE_PROTOCOL_TREASURY:-0x70997970C51812dc3A010C7d01b50e0d17dc79C8}"
export PAYABLE_ALLOWED_LATENESS="${PAYABLE_ALLOWED_LATENESS:-5min}"
export PAYABLE_MAX_OUT_OF_ORDERNESS="${PAYABLE_MAX_OUT_OF_ORDERNESS:-30s}"
export PAYABLE_SOURCE_IDLE_TIMEOUT="${PAYABLE_SOURCE_IDLE_TIMEOUT:-1min}"
export PAYABLE_SHARD_MAX_SYMBOLS="${PAYABLE_SHARD_MAX_SYMBOLS:-16777216}"
taskmanagers="${PAYABLE_TASKMANAGERS:-2}"
partitions="${PAYABLE_KAFKA_PARTITIONS:-2}"
topics=(datanet.submissions datanet.curation datanet.rejections index.manifest influence.manifest
  inference.events inference.rejections rewards.attributed rewards.rejections)
cli_dist="$repo/cli/target/payable-cli"
classpath_file="$here/flink-cluster/target/classpath.txt"

java_cmd="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java_cmd="$JAVA_HOME/bin/java"
fi

log() { echo "payable-cluster: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# Replaces every ${NAME} in $1 by the environment variable NAME; an unset one is an error.
expand() {
  local text="$1" name
  while [[ "$text" =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
    name="${BASH_REMATCH[1]}"
    [[ -n "${!name+x}" ]] || die "\${$name} is not set"
    text="${text//\$\{$name\}/${!name}}"
  done
  printf '%s' "$text"
}

# The innermost "Caused by" of a REST error response (the whole response if it has none).
root_cause() {
  local cause
  cause="$(grep -o 'Caused by: [^\\]*' <<<"$1" | tail -1)"
  printf '%s' "${cause:-$1}"
}

json_string() {
  local s="${1//\\/\\\\}"
  printf '"%s"' "${s//\"/\\\"}"
}

# A TCP port nothing listens on at 127.0.0.1 right now, taken from below the kernel's ephemeral
# range: a port in that range can be handed to another process's outgoing connection (the Kafka
# broker and the TaskManagers start meanwhile) before the JobManager binds it.
free_port() {
  local port low=32768
  if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  fi
  ((low > 12000)) || low=32768
  for _ in $(seq 1 100); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

# The cluster's class path (Flink runtime, web submission, table runtime, Hadoop client, Log4j),
# resolved by Maven from flink-cluster/pom.xml once and cached.
flink_classpath() {
  if [[ ! -s "$classpath_file" || "$here/flink-cluster/pom.xml" -nt "$classpath_file" ]]; then
    log "resolving the Flink cluster class path with Maven"
    local args=(-B -q -f "$here/flink-cluster/pom.xml" dependency:build-classpath
      "-Dmdep.outputFile=$classpath_file" -DincludeScope=runtime)
    "$repo/mvnw" -o "${args[@]}" >/dev/null 2>&1 || "$repo/mvnw" "${args[@]}" >&2 ||
      die "could not resolve the Flink cluster class path"
  fi
  cat "$classpath_file"
}

pid_file() { echo "$CLUSTER_DIR/pids/$1.pid"; }

# The pid of process $1 if it is alive and still runs the class it was started with.
live_pid() {
  local file pid class
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  read -r pid class <"$file"
  [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$class" ||
    return 1
  echo "$pid"
}

# launch NAME CLASS JAVA_ARGS... : starts a JVM in the background, output to log/NAME.out.
launch() {
  local name="$1" class="$2"
  shift 2
  "$java_cmd" "$@" >"$CLUSTER_DIR/log/$name.out" 2>&1 </dev/null &
  echo "$! $class" >"$(pid_file "$name")"
  started+=("$name")
  log "$name started (pid $!)"
}

# Flink's own memory calculation (what Flink's shell scripts do): JVM flags and dynamic options.
resource_params() {
  local which="$1" out
  out="$("$java_cmd" -cp "$flink_cp" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$which" --configDir "$CLUSTER_DIR/conf" 2>"$CLUSTER_DIR/log/bash-java-utils.log")" ||
    die "BashJavaUtils $which failed: see $CLUSTER_DIR/log/bash-java-utils.log"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$out" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

flink_jvm() {
  local name="$1"
  echo "@$cli_dist/jvm.options" "-Dlog.file=$CLUSTER_DIR/log/$name.log" \
    "-Dlog4j.configurationFile=$CLUSTER_DIR/conf/log4j.properties" \
    "-Dlog4j2.configurationFile=$CLUSTER_DIR/conf/log4j.properties"
}

rest_url() { echo "http://127.0.0.1:$(cat "$CLUSTER_DIR/rest.port")"; }

rest() {
  local path="$1"
  shift
  curl -sS --fail-with-body --max-time 120 "$@" "$(rest_url)$path"
}

await() {
  local what="$1" seconds="$2" check="$3"
  local deadline=$((SECONDS + seconds))
  until eval "$check" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "timed out after ${seconds}s waiting for $what"
    sleep 0.5
  done
}

start_taskmanager() {
  local n="$1" params jvm dynamic
  params="$(resource_params GET_TM_RESOURCE_PARAMS)"
  jvm="$(sed -n 1p <<<"$params")"
  dynamic="$(sed -n 2p <<<"$params")"
  # shellcheck disable=SC2046,SC2086
  launch "taskmanager-$n" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    $jvm $(flink_jvm "taskmanager-$n") -cp "$flink_cp" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$CLUSTER_DIR/conf" $dynamic -D "taskmanager.resource-id=taskmanager-$n"
}

registered_taskmanagers() {
  rest /taskmanagers | grep -o '"id":"[^"]*"' | wc -l
}

cmd_start() {
  [[ -f "$cli_dist/jvm.options" ]] || die "$cli_dist not found; build: ./mvnw -B -DskipTests package"
  if live_pid jobmanager >/dev/null; then
    die "a cluster is already running in $CLUSTER_DIR (stop it first)"
  fi
  rm -rf "$CLUSTER_DIR"
  mkdir -p "$CLUSTER_DIR"/{conf,log,pids,data,kafka,checkpoints,savepoints,tmp,web-upload,jobs}
  export REST_PORT="${PAYABLE_REST_PORT:-$(free_port)}"
  export RPC_PORT="${PAYABLE_RPC_PORT:-$(free_port)}"
  export TASK_SLOTS="${PAYABLE_TASK_SLOTS:-4}"
  export TASKMANAGER_MEMORY="${PAYABLE_TASKMANAGER_MEMORY:-1g}"
  export JOBMANAGER_MEMORY="${PAYABLE_JOBMANAGER_MEMORY:-768m}"
  echo "$REST_PORT" >"$CLUSTER_DIR/rest.port"
  expand "$(cat "$here/conf/config.yaml")" >"$CLUSTER_DIR/conf/config.yaml"
  cp "$here/conf/log4j.properties" "$CLUSTER_DIR/conf/"
  flink_cp="$(flink_classpath)"

  started=()
  trap 'log "start failed; stopping what was started"; cmd_stop' EXIT

  launch kafka io.payable.embedded.kafka.KafkaBrokerProcess "@$cli_dist/jvm.options" -Xmx512m \
    "-Dlog.file=$CLUSTER_DIR/log/kafka.log" \
    "-Dlog4j2.configurationFile=$CLUSTER_DIR/conf/log4j.properties" \
    -cp "$cli_dist/lib/*" io.payable.embedded.kafka.KafkaBrokerProcess \
    --log-dir "$CLUSTER_DIR/kafka" --bootstrap-file "$CLUSTER_DIR/kafka.bootstrap" \
    --partitions "$partitions" "${topics[@]}"

  local params jvm dynamic
  params="$(resource_params GET_JM_RESOURCE_PARAMS)"
  jvm="$(sed -n 1p <<<"$params")"
  dynamic="$(sed -n 2p <<<"$params")"
  # shellcheck disable=SC2046,SC2086
  launch jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    $jvm $(flink_jvm jobmanager) -cp "$flink_cp" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint \
    --configDir "$CLUSTER_DIR/conf" $dynamic
  for n in $(seq 1 "$taskmanagers"); do
    start_taskmanager "$n"
  done

  await "the Kafka broker" 90 "[[ -s '$CLUSTER_DIR/kafka.bootstrap' ]] || ! live_pid kafka"
  live_pid kafka >/dev/null || die "the Kafka broker exited: see $CLUSTER_DIR/log/kafka.*"
  await "the JobManager's REST API" 90 "rest /overview || ! live_pid jobmanager"
  live_pid jobmanager >/dev/null || die "the JobManager exited: see $CLUSTER_DIR/log/jobmanager.*"
  await "$taskmanagers TaskManagers" 90 "(( \$(registered_taskmanagers) >= $taskmanagers ))"
  trap - EXIT
  log "cluster up: REST $(rest_url), Kafka $(cat "$CLUSTER_DIR/kafka.bootstrap"), state in $CLUSTER_DIR"
}

job_jar() {
  if [[ -n "${PAYABLE_JOB_JAR:-}" ]]; then
    echo "$PAYABLE_JOB_JAR"
    return
  fi
  local jars=("$repo"/jobs/target/payable-jobs-*-job.jar)
  [[ -f "${jars[0]}" ]] || die "no job jar in jobs/target; build: ./mvnw -B -DskipTests package"
  echo "${jars[0]}"
}

# Class names in the job jar, one per line, as paths (io/payable/jobs/ingest/IngestJob.class).
jar_entries() {
  if command -v unzip >/dev/null; then
    unzip -Z1 "$1"
  else
    "$(dirname "$(command -v "$java_cmd")")/jar" tf "$1"
  fi
}

# submit_job FILE JAR_ID ENTRIES [EXTRA ARGS...]
submit_job() {
  local file="$1" jar_id="$2" entries="$3"
  shift 3
  local name class="" parallelism="" args=() line key value
  name="$(basename "$file" .job)"
  name="${name#*-}"
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" == '#'* || "$line" == requires\ * || "$line" == if\ * ]] ||
      line="$(expand "$line")"
    case "$line" in
      if\ *)
        # "if VAR --key value": the argument only when the variable VAR is set
        local cond="${line#if }"
        local var="${cond%% *}"
        [[ -n "${!var:-}" ]] || continue
        line="$(expand "${cond#* }")"
        [[ "$line" == --*\ * ]] || die "$file: not an argument after 'if $var': $line"
        key="${line%% *}"
        value="${line#* }"
        args+=("$key" "$value")
        ;;
      '' | '#'*) ;;
      class\ *) class="${line#class }" ;;
      requires\ *)
        local var="${line#requires }"
        if [[ -z "${!var:-}" ]]; then
          log "skipping $name: $var is not set"
          return
        fi
        ;;
      parallelism\ *) parallelism="${line#parallelism }" ;;
      --*)
        key="${line%% *}"
        value="${line#* }"
        args+=("$key" "$value")
        ;;
      *) die "$file: cannot read line: $line" ;;
    esac
  done <"$file"
  args+=("$@")
  [[ -n "$class" ]] || die "$file names no class"
  if ! grep -qxF "${class//.//}.class" <<<"$entries"; then
    log "skipping $name: $class is not in the job jar"
    return
  fi
  local body list="" a
  for a in "${args[@]}"; do
    list+="${list:+,}$(json_string "$a")"
  done
  body="{\"entryClass\":$(json_string "$class"),\"programArgsList\":[$list]"
  [[ -z "$parallelism" ]] || body+=",\"parallelism\":$parallelism"
  body+="}"
  local response job_id
  response="$(rest "/jars/$jar_id/run" -X POST -H 'Content-Type: application/json' -d "$body")" ||
    die "running $name failed: $(root_cause "$response")"
  job_id="$(sed -n 's/.*"jobid":"\([0-9a-f]*\)".*/\1/p' <<<"$response")"
  [[ -n "$job_id" ]] || die "running $name failed: $response"
  echo "$job_id" >"$CLUSTER_DIR/jobs/$name.jobid"
  log "$name submitted as job $job_id"
}

cmd_submit() {
  live_pid jobmanager >/dev/null || die "no cluster running in $CLUSTER_DIR"
  if [[ -n "${PAYABLE_CHAIN_DEPLOYMENT:-}" && ! -f "$PAYABLE_CHAIN_DEPLOYMENT" ]]; then
    die "PAYABLE_CHAIN_DEPLOYMENT: no file $PAYABLE_CHAIN_DEPLOYMENT"
  fi
  local only="${1:-}"
  [[ $# -eq 0 ]] || shift
  local jar response jar_id entries
  jar="$(job_jar)"
  entries="$(jar_entries "$jar")"
  response="$(rest /jars/upload -X POST -H 'Expect:' -F "jarfile=@$jar")" ||
    die "uploading $jar failed: $response"
  jar_id="$(sed -n 's/.*"filename":"[^"]*\/\([^"/]*\)".*/\1/p' <<<"$response")"
  [[ -n "$jar_id" ]] || die "uploading $jar failed: $response"
  log "uploaded $(basename "$jar") as $jar_id"
  export KAFKA_BOOTSTRAP
  KAFKA_BOOTSTRAP="$(cat "$CLUSTER_DIR/kafka.bootstrap")"
  local file matched=0
  for file in "$here"/jobs/*.job; do
    if [[ -z "$only" || "$(basename "$file" .job)" == *-"$only" ]]; then
      matched=1
      submit_job "$file" "$jar_id" "$entries" "$@"
    fi
  done
  ((matched)) || die "no job file for '$only' in $here/jobs"
}

cmd_status() {
  local name pid
  for file in "$CLUSTER_DIR"/pids/*.pid; do
    [[ -f "$file" ]] || continue
    name="$(basename "$file" .pid)"
    if pid="$(live_pid "$name")"; then
      echo "$name: running (pid $pid)"
    else
      echo "$name: not running"
    fi
  done
  if live_pid jobmanager >/dev/null; then
    rest /jobs/overview | grep -o '"jid":"[^"]*","name":"[^"]*","state":"[^"]*"' || true
  fi
}

stop_process() {
  local name="$1" pid
  if pid="$(live_pid "$name")"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      [[ -d "/proc/$pid" ]] || break
      sleep 0.5
    done
    if [[ -d "/proc/$pid" ]]; then
      log "$name (pid $pid) did not stop; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
    log "$name stopped"
  fi
  rm -f "$(pid_file "$name")"
}

cmd_stop() {
  local file
  for file in "$CLUSTER_DIR"/pids/taskmanager-*.pid; do
    [[ -f "$file" ]] && stop_process "$(basename "$file" .pid)"
  done
  stop_process jobmanager
  stop_process kafka
}

cmd_kill_taskmanager() {
  local pid
  pid="$(live_pid "taskmanager-$1")" || die "taskmanager-$1 is not running"
  kill -9 "$pid"
  log "taskmanager-$1 (pid $pid) killed"
}

cmd_run() {
  local seconds="${1:-}"
  trap cmd_stop EXIT
  trap 'exit 130' INT TERM
  cmd_start
  cmd_submit
  if [[ -n "$seconds" ]]; then
    sleep "$seconds"
  else
    log "running; Ctrl-C stops the cluster"
    while true; do sleep 3600; done
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  submit) shift && cmd_submit "$@" ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  start-taskmanager)
    [[ $# -eq 2 ]] || die "usage: $0 start-taskmanager N"
    started=()
    flink_cp="$(flink_classpath)"
    start_taskmanager "$2"
    ;;
  kill-taskmanager)
    [[ $# -eq 2 ]] || die "usage: $0 kill-taskmanager N"
    cmd_kill_taskmanager "$2"
    ;;
  run) shift && cmd_run "$@" ;;
  *)
    sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
